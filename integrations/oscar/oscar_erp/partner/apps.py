"""Oscar's partner app config under this package, so `partner.strategy.Selector` resolves to ours."""

from oscar.apps.partner import apps


class PartnerConfig(apps.PartnerConfig):
    """Same label, same models; the strategy module is ours."""

    name = "oscar_erp.partner"
