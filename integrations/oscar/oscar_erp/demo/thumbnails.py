"""The demo has no product images: Oscar's placeholder is served as it is."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from oscar.core.thumbnails import AbstractThumbnailer


class _Image:
    def __init__(self, url: str) -> None:
        self.url = url


class NoThumbnails(AbstractThumbnailer):
    """A thumbnailer that hands back the source image's URL (no image library needed)."""

    def generate_thumbnail(self, source: Any, **opts: Any) -> _Image:
        name = getattr(source, "name", str(source))
        return _Image(settings.MEDIA_URL + name)

    def delete_thumbnails(self, source: Any) -> None:
        return None
