"""A tax unit's year: Schedule D netting, loss limits, carryforwards, federal income tax,
NIIT, state tax on capital items, and the marginal interface the planner uses.

See docs/tax.md for the household ``[tax]`` format and the rules implemented.
"""

from lotwise.tax.breakdown import Breakdown, Line, Section
from lotwise.tax.federal import (
    DeductionChoice,
    StateMode,
    TaxPosition,
    TaxResult,
    compute,
    position,
    qdcgt_worksheet,
    total_tax,
)
from lotwise.tax.marginal import MarginalRates, marginal_rates, tax_change, zero_rate_room
from lotwise.tax.params import StatusParams, YearParams, available_years, load_year
from lotwise.tax.profile import (
    TaxProfile,
    TaxSettings,
    TaxUnit,
    YearProfile,
    build_position,
    parse_tax_profile,
    tax_units,
    unit_key_of,
)
from lotwise.tax.realized import CarryRow, carryforward_chain, realized
from lotwise.tax.schedule_d import CarryoverWorksheet, ScheduleD, carryover_worksheet, schedule_d

__all__ = [
    "Breakdown",
    "CarryRow",
    "CarryoverWorksheet",
    "DeductionChoice",
    "Line",
    "MarginalRates",
    "ScheduleD",
    "Section",
    "StateMode",
    "StatusParams",
    "TaxPosition",
    "TaxProfile",
    "TaxResult",
    "TaxSettings",
    "TaxUnit",
    "YearParams",
    "YearProfile",
    "available_years",
    "build_position",
    "carryforward_chain",
    "carryover_worksheet",
    "compute",
    "load_year",
    "marginal_rates",
    "parse_tax_profile",
    "position",
    "qdcgt_worksheet",
    "realized",
    "schedule_d",
    "tax_change",
    "tax_units",
    "total_tax",
    "unit_key_of",
    "zero_rate_room",
]
