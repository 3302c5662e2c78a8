"""A connector's WSDL: from a file or a URL (through the connector's session), parsed safely, cached."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import requests
from lxml import etree

from ....errors import ConfigError

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_cache: dict[str, bytes] = {}
_lock = threading.Lock()


def is_url(location: str) -> bool:
    """Whether a WSDL location is fetched over HTTP rather than read from disk."""
    return location.startswith(("http://", "https://"))


def fetch_wsdl(location: str, session: requests.Session | None = None, timeout: float = 10.0) -> bytes:
    """The WSDL's bytes, once per process and location; ConfigError naming the location when unusable."""
    with _lock:
        cached = _cache.get(location)
    if cached is not None:
        return cached
    try:
        if is_url(location):
            response = (session or requests).get(location, timeout=timeout)
            response.raise_for_status()
            content = response.content
        else:
            content = Path(location).read_bytes()
    except (OSError, requests.RequestException) as exc:
        raise ConfigError(location, f"cannot load WSDL: {type(exc).__name__}") from None
    parse_wsdl(content, location)
    with _lock:
        _cache[location] = content
    return content


def parse_wsdl(content: bytes, location: str = "WSDL") -> Any:
    """The WSDL document as an lxml element; no DTDs, entities or network; ConfigError when not XML."""
    try:
        root = etree.fromstring(content, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise ConfigError(location, f"not a usable WSDL: {exc}") from None
    if root.getroottree().docinfo.doctype:
        raise ConfigError(location, "the WSDL carries a DTD; refused")
    return root


def forget_cached() -> None:
    """Drop cached WSDLs (tests, `erp check` after a fix)."""
    with _lock:
        _cache.clear()
