"""The ERP over SOAP with zeep: implements ports.erp.Erp for the bundled contract wsdl/erp.wsdl.

One zeep Client per process: the WSDL is parsed from disk once, the endpoint comes from settings, one
requests.Session keeps connections alive, and every operation has a connect and a read timeout.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Protocol, TypeVar

import requests
import zeep
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.retry import Retry
from zeep.exceptions import Error as ZeepError
from zeep.exceptions import Fault, TransportError
from zeep.exceptions import ValidationError as ZeepValidationError

from ..domain.catalog import Customer, Product
from ..domain.erp import ErpOrder, Page
from ..domain.orders import NewOrder
from ..domain.pricing import ErpPriceAnswer, PriceRequestLine
from ..errors import ErpRejected, ErpTimeout, ErpUnavailable, NotFound
from . import erp_mapping as m
from .erp_price_template import SimulatePricesCall

log = logging.getLogger(__name__)

NS = "urn:legacy-erp:sales:v1"
BINDING = f"{{{NS}}}SalesServiceBinding"
UNAVAILABLE_CODES = {"SERVICE_BUSY"}
T = TypeVar("T")


class ErpSettings(Protocol):
    """The settings the adapter reads (middleware.config.Settings has them; soap does not import config)."""

    @property
    def erp_wsdl(self) -> str: ...
    @property
    def erp_endpoint(self) -> str: ...
    @property
    def erp_username(self) -> str: ...
    @property
    def erp_password(self) -> str: ...
    @property
    def erp_connect_timeout(self) -> float: ...
    @property
    def erp_read_timeout(self) -> float: ...
    @property
    def erp_pool_size(self) -> int: ...


def _fault_detail(fault: Fault) -> dict[str, str | None]:
    """The ErpFault detail as plain strings (empty when the fault has none)."""
    detail = fault.detail
    if detail is None or isinstance(detail, str | bytes):
        return {}
    node = detail.find(f"{{{NS}}}ErpFault")
    if node is None:
        return {}
    return {child.tag.rpartition("}")[2]: (child.text or "").strip() for child in node}


def map_fault(fault: Fault, operation: str) -> Exception:
    """An ERP fault as our error: SERVICE_BUSY or no ErpFault detail -> ErpUnavailable, else ErpRejected."""
    detail = _fault_detail(fault)
    code = detail.get("Code")
    message = detail.get("Message") or fault.message or "ERP fault"
    if not code:
        return ErpUnavailable(f"{operation}: ERP server fault: {message}")
    if code in UNAVAILABLE_CODES:
        return ErpUnavailable(f"{operation}: {code}: {message}")
    retryable = (detail.get("Retryable") or "").lower() in {"true", "1"}
    error = ErpRejected(code, message, field=detail.get("Field") or None, retryable=retryable)
    error.existing_order_no = detail.get("ExistingOrderNo") or None  # type: ignore[attr-defined]
    return error


def _never_sent(exc: requests.exceptions.ConnectionError) -> bool:
    """Whether the failure happened while connecting (refused, unresolvable), before any byte was sent."""
    cause = exc.args[0] if exc.args else None
    reason = getattr(cause, "reason", cause)
    return isinstance(reason, NewConnectionError | ConnectTimeoutError)


@contextmanager
def erp_errors(operation: str) -> Iterator[None]:
    """Translate transport and SOAP problems of one operation into the middleware's error tree."""
    try:
        yield
    except Fault as fault:
        raise map_fault(fault, operation) from None
    except requests.exceptions.ConnectTimeout:
        raise ErpUnavailable(f"{operation}: connecting to the ERP timed out") from None
    except requests.exceptions.ReadTimeout:
        raise ErpTimeout(f"{operation}: the ERP did not answer in time; the outcome is unknown") from None
    except requests.exceptions.ConnectionError as exc:
        if _never_sent(exc):
            raise ErpUnavailable(f"{operation}: cannot reach the ERP") from None
        # the connection broke after the request went out: the ERP may have acted on it
        raise ErpTimeout(f"{operation}: connection lost mid-call; the outcome is unknown") from None
    except requests.exceptions.RequestException as exc:
        raise ErpUnavailable(f"{operation}: HTTP error talking to the ERP ({type(exc).__name__})") from None
    except TransportError as exc:
        if exc.status_code in (401, 403):
            raise ErpRejected("AUTH_FAILED", "the ERP refused our credentials") from None
        raise ErpUnavailable(f"{operation}: ERP answered HTTP {exc.status_code}") from None
    except ZeepValidationError as exc:
        raise ErpRejected("CLIENT_VALIDATION", f"{operation}: request does not fit the WSDL: {exc}") from None
    except ZeepError as exc:
        raise ErpUnavailable(f"{operation}: unusable ERP answer ({type(exc).__name__})") from None


def make_session(username: str, password: str, pool_size: int) -> requests.Session:
    """One keep-alive session with HTTP Basic credentials and a connection pool of `pool_size`."""
    session = requests.Session()
    session.auth = requests.auth.HTTPBasicAuth(username, password)
    # retry only failed connects (nothing was sent); never a read: CreateSalesOrder must not run twice
    retries = Retry(total=2, connect=2, read=0, status=0, redirect=0, other=0, backoff_factor=0.1)
    adapter = HTTPAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=retries, pool_block=False)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.trust_env = False  # never route the ERP link through a proxy from the environment
    return session


class ZeepErp:
    """The ERP port over SOAP."""

    def __init__(
        self,
        wsdl_path: str,
        endpoint: str,
        username: str,
        password: str,
        connect_timeout: float = 2.0,
        read_timeout: float = 10.0,
        pool_size: int = 20,
        strict: bool = True,
    ) -> None:
        self.endpoint = endpoint
        self.session = make_session(username, password, pool_size)
        transport = zeep.Transport(
            session=self.session, timeout=connect_timeout + read_timeout,
            operation_timeout=(connect_timeout, read_timeout),
        )
        settings = zeep.Settings(
            strict=strict, forbid_dtd=True, forbid_entities=True, forbid_external=True, xml_huge_tree=False
        )
        self.client = zeep.Client(wsdl=wsdl_path, transport=transport, settings=settings)
        self.service = self.client.create_service(BINDING, endpoint)
        # zeep's generic (de)serialiser dominated the price path (docs/performance.md): SimulateSalesPrices
        # uses a prebuilt request and a schema-driven reader; transport, plugins and faults stay zeep's
        self._fast: dict[str, Callable[..., Any]] = {
            "SimulateSalesPrices": SimulatePricesCall(self.client, self.service, wsdl_path)
        }
        self._closed = threading.Event()

    @classmethod
    def from_settings(cls, settings: ErpSettings) -> ZeepErp:
        """Build from settings: bundled or configured WSDL, endpoint, credentials, timeouts, pool."""
        return cls(
            wsdl_path=settings.erp_wsdl,
            endpoint=settings.erp_endpoint,
            username=settings.erp_username,
            password=settings.erp_password,
            connect_timeout=settings.erp_connect_timeout,
            read_timeout=settings.erp_read_timeout,
            pool_size=settings.erp_pool_size,
        )

    def _call(self, operation: str, convert: Callable[[Any], T], **kwargs: Any) -> T:
        with erp_errors(operation):
            response = (self._fast.get(operation) or getattr(self.service, operation))(**kwargs)
        return convert(response)

    def get_customer(self, erp_customer_no: str) -> Customer:
        """The customer; NotFound when the ERP does not know it."""
        try:
            return self._call("GetCustomer", lambda r: m.customer_from_erp(r), CustomerNo=erp_customer_no)
        except ErpRejected as exc:
            if exc.code == "CUSTOMER_NOT_FOUND":
                raise NotFound("customer", erp_customer_no) from None
            raise

    def simulate_prices(
        self, erp_customer_no: str, currency: str, lines: Sequence[PriceRequestLine]
    ) -> ErpPriceAnswer:
        """Price many lines in one SimulateSalesPrices call; answer lines in request order."""
        return self._call(
            "SimulateSalesPrices",
            lambda r: m.price_answer_from_erp(r, lines),
            CustomerNo=erp_customer_no,
            CurrencyCode=currency,
            Lines=m.price_lines_to_erp(lines),
        )

    def create_sales_order(self, order: NewOrder, erp_customer_no: str) -> ErpOrder:
        """Create the order keyed by its order_number (ExternalDocumentNo)."""
        return self._call("CreateSalesOrder", m.order_from_erp, **m.order_to_erp(order, erp_customer_no))

    def get_sales_order(
        self, *, order_number: str | None = None, erp_order_number: str | None = None
    ) -> ErpOrder | None:
        """The order by external or ERP number, or None when the ERP has none."""
        if not order_number and not erp_order_number:
            raise ValueError("give order_number or erp_order_number")
        try:
            return self._call(
                "GetSalesOrder", m.order_from_erp, No=erp_order_number, ExternalDocumentNo=order_number
            )
        except ErpRejected as exc:
            if exc.code == "ORDER_NOT_FOUND":
                return None
            raise

    def list_sales_orders(
        self, modified_since: datetime | None, page_size: int, bookmark: str | None
    ) -> Page[ErpOrder]:
        """One page of orders modified since a time, oldest first."""
        return self._call(
            "ListSalesOrders",
            lambda r: Page(tuple(m.order_from_erp(o) for o in m._items(r.SalesOrders, "SalesOrder")),
                           r.NextBookmark or None),
            ModifiedSince=modified_since, PageSize=page_size, Bookmark=bookmark,
        )

    def cancel_sales_order(self, erp_order_number: str, reason: str) -> ErpOrder:
        """Cancel an order in the ERP."""
        return self._call("CancelSalesOrder", m.order_from_erp, No=erp_order_number, Reason=reason)

    def list_items(self, page_size: int, bookmark: str | None) -> Page[Product]:
        """One page of the ERP's items."""
        return self._call(
            "ListItems",
            lambda r: Page(tuple(m.product_from_erp(i) for i in m._items(r.Items, "Item")),
                           r.NextBookmark or None),
            PageSize=page_size, Bookmark=bookmark,
        )

    def list_customers(self, page_size: int, bookmark: str | None) -> Page[Customer]:
        """One page of the ERP's customers."""
        return self._call(
            "ListCustomers",
            lambda r: Page(tuple(m.customer_from_erp(c) for c in m._items(r.Customers, "Customer")),
                           r.NextBookmark or None),
            PageSize=page_size, Bookmark=bookmark,
        )

    def close(self) -> None:
        """Close pooled connections."""
        if not self._closed.is_set():
            self._closed.set()
            self.session.close()
