"""The product configurator: options with the ERP's rules and per-value prices, into the basket."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from oscar.core.loading import get_model

from .client import MiddlewareRejected, MiddlewareUnavailable, shared_client
from .models import ErpProduct

Option = get_model("catalogue", "Option")


class ConfigurationForm(forms.Form):
    """Quantity plus one field per ERP option, with the ERP's constraints (choices, required, max_length)."""

    quantity = forms.IntegerField(min_value=1, max_value=1_000_000, initial=1)

    def __init__(self, options: list[dict[str, Any]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meta = options
        for o in options:
            if o["kind"] == "select":
                empty = [] if o["required"] else [("", "—")]
                self.fields[o["code"]] = forms.ChoiceField(
                    label=o["label"],
                    required=o["required"],
                    initial=o.get("default") or "",
                    choices=empty + [(v["code"], v["label"]) for v in o["values"]],
                )
            else:
                self.fields[o["code"]] = forms.CharField(
                    label=o["label"],
                    required=o["required"],
                    max_length=o.get("max_length"),
                    initial=o.get("default") or "",
                )

    def configuration(self) -> dict[str, str]:
        """The chosen options (empty ones left out)."""
        return {
            o["code"]: self.cleaned_data[o["code"]] for o in self.meta if self.cleaned_data.get(o["code"])
        }


def _check_with_middleware(form: ConfigurationForm, sku: str) -> bool:
    """The middleware's rules are the ERP's: its verdict decides (field errors land on the fields)."""
    try:
        verdict = shared_client().validate(sku, form.configuration())
    except (MiddlewareUnavailable, MiddlewareRejected):
        form.add_error(None, "The configuration cannot be checked right now; please try again shortly.")
        return False
    for problem in verdict["problems"]:
        form.add_error(problem["option"] if problem["option"] in form.fields else None, problem["message"])
    return bool(verdict["valid"])


def _preview(request: HttpRequest, sku: str, quantity: int, options: dict[str, str]) -> dict[str, Any] | None:
    try:
        return shared_client().preview(request.strategy.customer_id, sku, quantity, options)
    except (MiddlewareUnavailable, MiddlewareRejected):
        return None


def configure(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the configurator with prices per value; POST: validate and add the configured line."""
    erp = get_object_or_404(ErpProduct.objects.select_related("product"), product_id=pk)
    form = ConfigurationForm(erp.options, request.POST or None)
    if request.method == "POST" and form.is_valid() and _check_with_middleware(form, erp.sku):
        codes = {o["code"]: o["oscar_code"] for o in erp.options}
        chosen = [
            {"option": Option.objects.get(code=codes[c]), "value": v} for c, v in form.configuration().items()
        ]
        info = request.strategy.fetch_for_product(erp.product)
        if not info.availability.is_available_to_buy:
            messages.error(request, str(info.availability.message))
        else:
            request.basket.add_product(erp.product, form.cleaned_data["quantity"], chosen)
            messages.success(request, f"{erp.product.title} added to your basket")
            return redirect("basket:summary")
    quantity = form.cleaned_data.get("quantity", 1) if form.is_bound and hasattr(form, "cleaned_data") else 1
    options = form.configuration() if form.is_bound and not form.errors else {}
    preview = _preview(request, erp.sku, quantity or 1, options)
    return render(
        request,
        "oscar_erp/configure.html",
        {
            "product": erp.product,
            "erp": erp,
            "form": form,
            "preview": preview,
            "info": request.strategy.fetch_for_product(erp.product),
        },
    )
