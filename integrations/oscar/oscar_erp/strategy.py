"""An Oscar pricing strategy: each customer sees the ERP's price for their ERP customer number."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from oscar.apps.partner import prices
from oscar.apps.partner.strategy import Base, PurchaseInfo

from .client import shared_client
from .customers import customer_id_for
from .pricebook import Key, PriceBook, baseline, key_of
from .prices import ErpUnavailable, policies


def erp_options(meta: list[dict[str, Any]], attributes: Iterable[Any]) -> dict[str, str]:
    """A basket or order line's configuration in the middleware's option codes."""
    codes = {o["oscar_code"]: o["code"] for o in meta}
    return {codes.get(a.option.code, a.option.code): str(a.value) for a in attributes}


class ErpStrategy(Base):
    """Prices from the middleware, batched per request: prefetch_products() before a listing renders."""

    def __init__(self, request: Any = None, user: Any = None) -> None:
        super().__init__(request)
        self.user: Any = user or getattr(self, "user", None)
        self.customer_id = customer_id_for(self.user)
        self.book = PriceBook(shared_client(), self.customer_id)
        self._meta: dict[int, tuple[str, list[dict[str, Any]]]] = {}

    def _product_meta(self, products: Iterable[Any]) -> None:
        from .models import ErpProduct

        wanted = [p.pk for p in products if p.pk not in self._meta]
        for erp in ErpProduct.objects.filter(product_id__in=wanted):
            self._meta[erp.product_id] = (erp.sku, erp.options)

    def _product_key(self, product: Any) -> Key | None:
        if product.pk not in self._meta:
            self._product_meta([product])
        if product.pk not in self._meta:
            return None  # not an ERP product
        sku, options = self._meta[product.pk]
        return key_of(sku, 1, baseline(options))

    def prefetch_products(self, products: Iterable[Any]) -> None:
        """Price a page of products in one middleware call."""
        products = [p for p in products if p is not None]
        self._product_meta(products)
        self.book.prefetch(k for k in map(self._product_key, products) if k is not None)

    def _line_key(self, line: Any) -> Key | None:
        if self._product_key(line.product) is None:
            return None
        sku, meta = self._meta[line.product.pk]
        return key_of(sku, line.quantity, erp_options(meta, line.attributes.all()))

    def fetch_for_product(self, product: Any, stockrecord: Any = None) -> PurchaseInfo:
        """The price of one unit in the baseline configuration."""
        return self._info(self._product_key(product), product, stockrecord)

    def fetch_for_line(self, line: Any, stockrecord: Any = None) -> PurchaseInfo:
        """The price of a configured basket line; the whole basket is priced in the same call."""
        if line.basket_id and line.pk:
            lines = list(line.basket.all_lines())
            self._product_meta(ln.product for ln in lines)
            self.book.prefetch(k for k in map(self._line_key, lines) if k is not None)
        return self._info(self._line_key(line), line.product, stockrecord)

    def fetch_for_parent(self, product: Any) -> PurchaseInfo:
        """Parent products are not sold themselves."""
        return self._info(None, product, None)

    def _info(self, key: Key | None, product: Any, stockrecord: Any) -> PurchaseInfo:
        if stockrecord is None:
            stockrecord = next(iter(product.stockrecords.all()), None)
        if key is None:
            return PurchaseInfo(prices.Unavailable(), ErpUnavailable("not_found"), stockrecord)
        price, availability = policies(self.book.get(key))
        return PurchaseInfo(price=price, availability=availability, stockrecord=stockrecord)
