"""spyne models of the SOAP service the ERP calls: ERP-style names, namespace urn:shop-middleware:erp:v1."""

from __future__ import annotations

from spyne import (
    Array,
    Boolean,
    ComplexModel,
    DateTime,
    Decimal,
    Integer32,
    Unicode,
)

NS = "urn:shop-middleware:erp:v1"

MAX_ITEMS = 1000  # records per call (products, customers, updates, acks, keys)
MAX_FETCH = 500  # orders per FetchNewOrders call


def _required(model, **kwargs):  # type: ignore[no-untyped-def]
    """A mandatory, non-nillable element."""
    return model(min_occurs=1, nillable=False, **kwargs)


def _code(max_len: int = 64):  # type: ignore[no-untyped-def]
    return _required(Unicode, min_len=1, max_len=max_len)


def _array(model, name: str, member: str | None = None):  # type: ignore[no-untyped-def]
    """A wrapped list `<Field><Member/>...</Field>` (MAX_ITEMS is enforced on translation)."""
    return Array(model, member_name=member, type_name=name)


# a named simple type in our namespace: spyne puts anonymous restricted strings inside arrays
# into a foreign "spyne.model.primitive.string" namespace with odd member names
ErpCode = Unicode(max_len=64, type_name="ErpCode")
ErpCode.__namespace__ = NS


class _Base(ComplexModel):
    __namespace__ = NS


# ---- catalog ----------------------------------------------------------------------------------


class OptionValue(_Base):
    """One choice of a select option."""

    Code = _code()
    Label = Unicode(max_len=200)


class ItemOption(_Base):
    """A configurable option of an item."""

    Code = _code()
    Label = Unicode(max_len=200)
    Kind = _required(Unicode, values=["select", "text"])
    Required = Boolean(default=False)
    Values = _array(OptionValue, "OptionValueList", "Value")
    MaxLength = Integer32(ge=1)
    DefaultValue = Unicode(max_len=500)


class Item(_Base):
    """An item (product) as the ERP pushes it."""

    ItemNo = _code()
    Description = _required(Unicode, max_len=500)
    BaseUnitOfMeasure = _required(Unicode, min_len=1, max_len=20)
    UnitPrice = _required(Decimal)
    CurrencyCode = _required(Unicode, min_len=3, max_len=3)
    TaxClass = _required(Unicode, min_len=1, max_len=32)
    Blocked = Boolean(default=False)
    Options = _array(ItemOption, "ItemOptionList", "Option")


class Customer(_Base):
    """A customer as the ERP pushes it."""

    CustomerNo = _code()
    ShopCustomerId = _code()
    Name = Unicode(max_len=200)
    PriceGroup = _required(Unicode, min_len=1, max_len=32)
    DiscountGroup = Unicode(max_len=32)
    CurrencyCode = _required(Unicode, min_len=3, max_len=3)
    PricesIncludingVAT = Boolean(default=False)
    VATBusPostingGroup = Unicode(max_len=32)
    Blocked = Boolean(default=False)


class RejectedRecord(_Base):
    """A record that was not stored, with the reason."""

    Key = Unicode
    Reason = Unicode


class UpsertResult(_Base):
    """What an upsert did."""

    Created = Integer32
    Updated = Integer32
    Rejected = Array(RejectedRecord, type_name="RejectedRecordList")


# ---- prices -----------------------------------------------------------------------------------


class PriceChangeResult(_Base):
    """How many cached quotes were dropped."""

    InvalidatedQuotes = Integer32


# ---- order status -----------------------------------------------------------------------------

ERP_STATUSES = ["OPEN", "RELEASED", "ON_HOLD", "SHIPPED", "INVOICED", "CANCELLED"]


class StatusUpdate(_Base):
    """One status report; by ExternalDocumentNo (the shop's number) or OrderNo (the ERP's)."""

    ExternalDocumentNo = Unicode(max_len=64)
    OrderNo = Unicode(max_len=64)
    Status = _required(Unicode, values=ERP_STATUSES)
    ChangedAt = _required(DateTime)
    TrackingNo = Unicode(max_len=100)
    InvoiceNo = Unicode(max_len=64)


class StatusUpdateResult(_Base):
    """The outcome of one status report: APPLIED, IGNORED or UNKNOWN_ORDER."""

    ExternalDocumentNo = Unicode
    OrderNo = Unicode
    Result = Unicode(values=["APPLIED", "IGNORED", "UNKNOWN_ORDER"])
    Reason = Unicode


# ---- pull mode --------------------------------------------------------------------------------


class OrderOption(_Base):
    """One option choice of an order line."""

    Code = Unicode
    Value = Unicode
    Label = Unicode


class SalesOrderLine(_Base):
    """A line of a pulled order."""

    LineNo = Integer32
    LineRef = Unicode
    ItemNo = Unicode
    Quantity = Decimal
    UnitPrice = Decimal
    QuoteId = Unicode
    Options = _array(OrderOption, "OrderOptionList", "Option")


class PostalAddress(_Base):
    """A postal address."""

    Name = Unicode
    Address = Unicode
    Address2 = Unicode
    PostCode = Unicode
    City = Unicode
    CountryCode = Unicode


class SalesOrder(_Base):
    """An order offered to the ERP in pull mode; acknowledge it by ExternalDocumentNo."""

    ExternalDocumentNo = Unicode
    CustomerNo = Unicode
    ShopCustomerId = Unicode
    CurrencyCode = Unicode
    OrderDate = DateTime
    ShipTo = PostalAddress
    BillTo = PostalAddress
    Lines = _array(SalesOrderLine, "SalesOrderLineList", "Line")
    NetAmount = Decimal
    TaxAmount = Decimal
    GrossAmount = Decimal
    LeaseExpiresAt = DateTime


class OrderAck(_Base):
    """The ERP's answer to a pulled order: OrderNo when accepted, RejectionCode (+reason) when rejected."""

    ExternalDocumentNo = _code()
    OrderNo = Unicode(max_len=64)
    RejectionCode = Unicode(max_len=64)
    RejectionReason = Unicode(max_len=500)


class AckResult(_Base):
    """The outcome of one acknowledgement."""

    ExternalDocumentNo = Unicode
    Result = Unicode
    Reason = Unicode


# ---- status -----------------------------------------------------------------------------------


class ServiceStatus(_Base):
    """Health of the middleware as the ERP sees it."""

    Version = Unicode
    ServerTime = DateTime
    OrderDelivery = Unicode
    PendingOrders = Integer32
    LastReconciliation = DateTime
