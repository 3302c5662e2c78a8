"""The published NAV services as zeep clients: one per page or codeunit, built on first use, shared."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import requests
import zeep
from zeep.helpers import serialize_object

from ....errors import ConfigError
from ....ports.erp import ConnectorConfig
from ..shared.errors import http_status_error
from ..shared.recording import MessageRecorder, ZeepRecordingPlugin
from .faults import nav_errors
from .profile import NavProfile

PAGE_NS = "urn:microsoft-dynamics-schemas/page/"
CODEUNIT_NS = "urn:microsoft-dynamics-schemas/codeunit/"
CODEUNITS = {"pricing_codeunit"}


class NavServices:
    """zeep clients for the profile's services; `call` returns plain dicts/lists (serialized zeep objects)."""

    def __init__(
        self,
        profile: NavProfile,
        config: ConnectorConfig,
        session: requests.Session,
        recorder: MessageRecorder,
    ) -> None:
        self.profile, self.session = profile, session
        self.transport = zeep.Transport(
            session=session,
            timeout=config.connect_timeout + config.read_timeout,
            operation_timeout=(config.connect_timeout, config.read_timeout),
        )
        self.settings = zeep.Settings(
            strict=True, forbid_dtd=True, forbid_entities=True, forbid_external=True, xml_huge_tree=False
        )
        self.plugins = [ZeepRecordingPlugin(recorder)]
        self._proxies: dict[str, Any] = {}
        self._clients: dict[str, zeep.Client] = {}
        self._lock = threading.Lock()

    def kind(self, key: str) -> str:
        """Page or Codeunit."""
        return "Codeunit" if key in CODEUNITS else "Page"

    def name(self, key: str) -> str:
        """The published service name for a profile key (e.g. sales_order -> SalesOrder)."""
        return self.profile.services[key]

    def url(self, key: str) -> str:
        """The service URL (its WSDL is served there too)."""
        return self.profile.service_url(self.kind(key), self.name(key))

    def wsdl_location(self, key: str) -> str:
        """<wsdl_dir>/<Service>.wsdl when that file exists, else the service URL (NAV serves it there)."""
        if self.profile.wsdl_dir:
            path = Path(self.profile.wsdl_dir) / f"{self.name(key)}.wsdl"
            if path.is_file():
                return str(path)
        return self.url(key)

    def namespace(self, key: str) -> str:
        """urn:microsoft-dynamics-schemas/page/<lower> or .../codeunit/<Name>."""
        name = self.name(key)
        return CODEUNIT_NS + name if key in CODEUNITS else PAGE_NS + name.lower()

    def client(self, key: str) -> zeep.Client:
        """The zeep client (WSDL loaded once)."""
        with self._lock:
            client = self._clients.get(key)
        if client is None:
            with nav_errors(f"{self.name(key)} WSDL"):
                client = self._load(key)
            with self._lock:
                self._clients[key] = client
        return client

    def _load(self, key: str) -> zeep.Client:
        try:
            return zeep.Client(
                wsdl=self.wsdl_location(key),
                transport=self.transport,
                settings=self.settings,
                plugins=self.plugins,
            )
        except requests.HTTPError as exc:  # zeep's WSDL fetch raises for 401, 404, 503
            status = exc.response.status_code if exc.response is not None else 0
            raise http_status_error(f"{self.name(key)} WSDL", status) from None
        except requests.RequestException:
            raise  # transport problems: nav_errors maps them
        except (OSError, ValueError) as exc:
            raise ConfigError(f"profile [nav.services] {key}", f"cannot load its WSDL ({exc})") from None

    def proxy(self, key: str) -> Any:
        """The service proxy bound to the profile's URL (not the WSDL's own address)."""
        with self._lock:
            proxy = self._proxies.get(key)
        if proxy is None:
            binding = f"{{{self.namespace(key)}}}{self.name(key)}_Binding"
            proxy = self.client(key).create_service(binding, self.url(key))
            with self._lock:
                self._proxies[key] = proxy
        return proxy

    def call(self, key: str, operation: str, **kwargs: Any) -> Any:
        """Run one operation; faults and transport errors arrive as the middleware's errors."""
        proxy = self.proxy(key)
        with nav_errors(f"{self.name(key)}.{operation}"):
            result = getattr(proxy, operation)(**kwargs)
        return serialize_object(result, dict)

    def fields(self, key: str) -> set[str]:
        """The element names of the page's entity as its WSDL declares them."""
        entity = self.client(key).get_type(f"{{{self.namespace(key)}}}{self.name(key)}")
        return {name for name, _ in entity.elements}
