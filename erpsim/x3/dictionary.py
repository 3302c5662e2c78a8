"""The simulated X3 folder's dictionary: publications, groups, fields and local-menu codes it uses."""

from __future__ import annotations

# web service publications (GESAWE public names)
SOH, BPC, ITM = "SOH", "BPC", "ITM"
PRICE_SUBPROGRAM = "YSHOPPRICE"

# SOH: header, ship-to, lines, totals
SOH_HEADER, SOH_SHIPTO, SOH_LINES, SOH_TOTALS = "SOH0_1", "SOH1_1", "SOH4_1", "SOH4_4"
SOH_QUERY = "SOH1_1"
BPC_MAIN, BPC_QUERY = "BPC0_1", "BPC1_1"
ITM_MAIN, ITM_OPTIONS, ITM_VALUES, ITM_QUERY = "ITM0_1", "YITMOPT", "YITMVAL", "ITM1_1"

# the pricing subprogram's parameters (a specific development published as YSHOPPRICE)
PRICE_IN, PRICE_LINES, PRICE_ADJ = "GRP1", "GRP2", "GRP3"


def option_field(code: str) -> str:
    """The specific line field the integrator added for an option (SOH lines and the subprogram): YCOLOR."""
    return "Y" + code.upper()[:9]


# local menus: 1 = No, 2 = Yes
NO, YES = "1", "2"
ORDER_OPEN, ORDER_CLOSED = "1", "2"  # ORDSTA
NOT_DELIVERED, DELIVERED = "1", "3"  # DLVSTA
NOT_INVOICED, INVOICED = "1", "3"  # INVSTA
NOT_ALLOCATED, ALLOCATED = "1", "3"  # ALLSTA
APPROVAL_NOT_MANAGED, NOT_APPROVED = "1", "2"  # APPFLG
ITEM_ACTIVE, ITEM_NOT_USABLE = "1", "6"  # ITMSTA
BP_INACTIVE, BP_ACTIVE = "1", "2"  # BPCSTA
TAX_LEVELS = {"STANDARD": "NOR", "REDUCED": "RED"}  # ITM VACITM1
TAX_RULES = {"DOMESTIC": "NAT", "EU": "CEE", "EXPORT": "EXP"}  # BPC VACBPR
PRICE_STATUS = {"OK": "0", "NOT_FOUND": "1", "BLOCKED": "2", "NO_PRICE": "3", "INVALID_CONFIGURATION": "4"}
