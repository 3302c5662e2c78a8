"""The SOAP 1.1 service the ERP calls (spyne, document/literal wrapped), mounted at /soap/.

Each operation translates spyne objects into domain values (inbound_*.py), calls one use case
through `InboundBackend`, and maps the error tree to faults in one place (`_call`): bad input is a
`Client` fault naming the field, our own failures a `Server` fault without internals.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from lxml import etree
from spyne import Application, Array, Boolean, Fault, Integer32, Service, rpc
from spyne.protocol.soap import Soap11
from spyne.server.wsgi import WsgiApplication

from ...errors import AuthenticationError, Conflict, InputError, NotFound
from . import inbound_catalog as catalog
from . import inbound_orders as orders
from . import types as t
from .hardening import SoapGuard, WsgiApp, quiet_spyne_logging
from .inbound_backend import InboundBackend
from .wssecurity import UsernameTokenVerifier

log = logging.getLogger(__name__)

SERVICE_NAME = "MiddlewareService"  # wsdl:service
PORT_NAME = "MiddlewareSoap"  # wsdl:port, binding and portType
_NAMESPACE_IN_MESSAGE = re.compile(r"\{[^}]*\}")


class _Soap11(Soap11):
    """Soap11 with schema validation faults a person can read (no namespaces, no byte strings)."""

    def set_validator(self, validator: Any) -> None:
        super().set_validator(validator)
        if self.validator is self.SCHEMA_VALIDATION:
            self.validate_document = self._validate_readably

    def _validate_readably(self, payload: Any) -> None:
        schema = self.validation_schema
        if not schema.validate(payload):
            errors = schema.error_log.filter_from_errors() or schema.error_log
            message = _NAMESPACE_IN_MESSAGE.sub("", errors[0].message).strip()
            raise Fault("Client.SchemaValidationError", f"invalid request: {message}")


def _call(ctx: Any, operation: str, handler: Callable[[InboundBackend], Any]) -> Any:
    """Run one operation, mapping the error tree to SOAP faults."""
    backend: InboundBackend = ctx.app.middleware_backend
    try:
        return handler(backend)
    except Fault:
        raise
    except InputError as exc:
        raise Fault("Client.InvalidInput", exc.message) from None
    except NotFound as exc:
        raise Fault("Client.NotFound", exc.message) from None
    except Conflict as exc:
        raise Fault("Client.Conflict", exc.message) from None
    except AuthenticationError as exc:
        raise Fault("Client.Authentication", exc.message) from None
    except Exception:
        log.exception("SOAP operation %s failed", operation)
        raise Fault("Server", f"{operation} failed inside the middleware; please retry later") from None


def _upsert_products(backend: InboundBackend, items: list[Any] | None) -> t.UpsertResult:
    records = catalog.check_count(items, "Products")
    products, rejected = catalog.translate_all(records, catalog.to_product, lambda r: r.ItemNo)
    return catalog.upsert_result(backend.upsert_products(products), rejected)


def _upsert_customers(backend: InboundBackend, records: list[Any] | None) -> t.UpsertResult:
    checked = catalog.check_count(records, "Customers")
    customers, rejected = catalog.translate_all(checked, catalog.to_customer, lambda r: r.CustomerNo)
    return catalog.upsert_result(backend.upsert_customers(customers), rejected)


def _notify_price_change(
    backend: InboundBackend, items: Any, customers: Any, groups: Any, everything: Any
) -> t.PriceChangeResult:
    skus = [s.strip() for s in catalog.check_count(items, "ItemNos") if s and s.strip()]
    customer_nos = [c.strip() for c in catalog.check_count(customers, "CustomerNos") if c and c.strip()]
    price_groups = [g.strip() for g in catalog.check_count(groups, "PriceGroups") if g and g.strip()]
    if not (skus or customer_nos or price_groups or everything):
        raise InputError("name at least one of ItemNos, CustomerNos, PriceGroups, or set All", field="All")
    count = backend.invalidate_prices(skus, customer_nos, price_groups, bool(everything))
    return t.PriceChangeResult(InvalidatedQuotes=count)


def _update_order_status(backend: InboundBackend, updates: Any) -> list[t.StatusUpdateResult]:
    records = catalog.check_count(updates, "Updates")
    domain_updates = [orders.to_status_update(u, i) for i, u in enumerate(records)]
    results = backend.apply_status_updates(domain_updates)
    return [orders.status_result(u, r) for u, r in zip(records, results, strict=True)]


def _fetch_new_orders(backend: InboundBackend, max_count: int | None) -> list[t.SalesOrder]:
    count = t.MAX_FETCH if max_count is None else max_count
    return [orders.to_sales_order(o) for o in backend.fetch_new_orders(count)]


def _acknowledge_orders(backend: InboundBackend, acks: Any) -> list[t.AckResult]:
    records = catalog.check_count(acks, "Acks")
    domain_acks = [orders.to_ack(a, i) for i, a in enumerate(records)]
    results = backend.acknowledge_orders(domain_acks)
    return [orders.ack_result(a, r) for a, r in zip(domain_acks, results, strict=True)]


def _service_status(backend: InboundBackend) -> t.ServiceStatus:
    snapshot = backend.status()
    return t.ServiceStatus(
        Version=snapshot.version,
        ServerTime=snapshot.now,
        OrderDelivery=snapshot.order_delivery,
        PendingOrders=snapshot.pending_orders,
        LastReconciliation=snapshot.last_reconciliation,
    )


def _keys(member: str) -> Any:
    """A list of codes `<Members><Member>..</Member></Members>`."""
    return Array(t.ErpCode, member_name=member, type_name=f"{member}List")


class ErpInboundService(Service):
    """Operations the ERP calls on the middleware."""

    __service_name__ = SERVICE_NAME

    @rpc(Array(t.Item, member_name="Item"), _returns=t.UpsertResult, _in_variable_names={"items": "Products"})
    def UpsertProducts(ctx, items):  # type: ignore[no-untyped-def]
        """Insert or update items; changed items drop their cached prices."""
        return _call(ctx, "UpsertProducts", lambda b: _upsert_products(b, items))

    @rpc(Array(t.Customer), _returns=t.UpsertResult, _in_variable_names={"records": "Customers"})
    def UpsertCustomers(ctx, records):  # type: ignore[no-untyped-def]
        """Insert or update customers."""
        return _call(ctx, "UpsertCustomers", lambda b: _upsert_customers(b, records))

    @rpc(_keys("ItemNo"), _keys("CustomerNo"), _keys("PriceGroup"), Boolean, _returns=t.PriceChangeResult,
         _in_variable_names={"items": "ItemNos", "customers": "CustomerNos", "groups": "PriceGroups",
                             "everything": "All"})
    def NotifyPriceChange(ctx, items, customers, groups, everything):  # type: ignore[no-untyped-def]
        """Drop cached quotes of these items, customers, price groups, or all."""
        return _call(
            ctx, "NotifyPriceChange", lambda b: _notify_price_change(b, items, customers, groups, everything)
        )

    @rpc(Array(t.StatusUpdate), _returns=Array(t.StatusUpdateResult),
         _in_variable_names={"updates": "Updates"}, _out_variable_name="Results")
    def UpdateOrderStatus(ctx, updates):  # type: ignore[no-untyped-def]
        """Apply status reports; each is APPLIED, IGNORED or UNKNOWN_ORDER."""
        return _call(ctx, "UpdateOrderStatus", lambda b: _update_order_status(b, updates))

    @rpc(Integer32(ge=1, le=t.MAX_FETCH), _returns=Array(t.SalesOrder),
         _in_variable_names={"max_count": "MaxCount"}, _out_variable_name="Orders")
    def FetchNewOrders(ctx, max_count):  # type: ignore[no-untyped-def]
        """Pull mode: orders not yet acknowledged (offered again when the lease expires)."""
        return _call(ctx, "FetchNewOrders", lambda b: _fetch_new_orders(b, max_count))

    @rpc(Array(t.OrderAck), _returns=Array(t.AckResult), _in_variable_names={"acks": "Acks"},
         _out_variable_name="Results")
    def AcknowledgeOrders(ctx, acks):  # type: ignore[no-untyped-def]
        """Pull mode: confirm (or reject) fetched orders; acknowledging twice is harmless."""
        return _call(ctx, "AcknowledgeOrders", lambda b: _acknowledge_orders(b, acks))

    @rpc(_returns=t.ServiceStatus, _out_variable_name="Status")
    def GetServiceStatus(ctx):  # type: ignore[no-untyped-def]
        """Version, time, pending orders, last reconciliation."""
        return _call(ctx, "GetServiceStatus", _service_status)


def build_application(backend: Any = None) -> Application:
    """The spyne Application; `backend` serves the operations (None: WSDL only)."""
    application = Application(
        [ErpInboundService],
        tns=t.NS,
        name=PORT_NAME,
        in_protocol=_Soap11(validator="lxml"),
        out_protocol=Soap11(),
    )
    application.middleware_backend = backend
    return application


def _spyne_wsgi(application: Application, address: str, max_bytes: int) -> WsgiApplication:
    wsgi = WsgiApplication(application, max_content_length=max_bytes)
    # Fix the service address now: left alone, spyne caches whatever Host header comes first.
    wsgi.doc.wsdl11.build_interface_document(address)
    document = _canonical(etree.fromstring(wsgi.doc.wsdl11.get_interface_document()))
    # pretty-printed so the committed snapshot (wsdl/middleware.wsdl) reads and diffs well
    wsgi._wsdl = etree.tostring(document, pretty_print=True, xml_declaration=True, encoding="UTF-8")
    return wsgi


_XS = "{http://www.w3.org/2001/XMLSchema}"
_DECLARATION_ORDER = {f"{_XS}import": 0, f"{_XS}simpleType": 1, f"{_XS}complexType": 2, f"{_XS}element": 3}


def _declaration_key(declaration: etree._Element) -> tuple[int, str]:
    name = declaration.get("name") or declaration.get("namespace") or ""
    return _DECLARATION_ORDER.get(declaration.tag, 9), name


def _canonical(wsdl: etree._Element) -> etree._Element:
    """Sort schema declarations by kind and name: spyne emits them in memory-address order."""
    for schema in wsdl.iter(f"{_XS}schema"):
        children = sorted(schema, key=_declaration_key)
        for child in children:
            schema.remove(child)
        schema.extend(children)
    return wsdl


def service_address(public_url: str) -> str:
    """The SOAP endpoint announced in the WSDL."""
    return public_url.rstrip("/") + "/soap/"


def wsdl_document(public_url: str) -> bytes:
    """The WSDL as served for this public URL."""
    return bytes(_spyne_wsgi(build_application(), service_address(public_url), 1)._wsdl)


def make_soap_app(container: Any, backend: Any = None) -> WsgiApp:
    """The guarded WSGI app to mount at /soap (authentication, XML limits, fixed WSDL address)."""
    settings = container.settings
    quiet_spyne_logging()
    application = build_application(backend or InboundBackend(container))
    wsgi = _spyne_wsgi(application, service_address(settings.public_url), settings.soap_max_request_bytes)
    verifier = UsernameTokenVerifier(settings.soap_username, settings.soap_password, now=container.clock.now)
    return SoapGuard(
        wsgi,
        username=settings.soap_username,
        password=settings.soap_password,
        verifier=verifier,
        max_bytes=settings.soap_max_request_bytes,
        nil_wrappers=all_optional_operations(),
    )


def all_optional_operations() -> frozenset[str]:
    """Request wrappers whose arguments are all optional: an empty `xsi:nil` one means "no arguments"."""
    return frozenset(
        method.in_message.get_type_name()
        for method in ErpInboundService.public_methods.values()
        if all(field.Attributes.min_occurs == 0 for field in method.in_message._type_info.values())
    )
