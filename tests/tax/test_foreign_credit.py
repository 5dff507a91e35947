"""A US tax unit's foreign tax credit in Form 1116 terms, and `lotwise tax` reporting it.

Sources: IRC §901 (credit), §904(j) and IRS Pub. 514 "Exemption from foreign tax credit
limit" ($300, $600 on a joint return, passive income on payee statements: no Form 1116);
Treas. Reg. §1.901-2(e)(5) (tax above the treaty rate is not creditable); Canada-US
Convention Art. X(2)(b) (15 %) and Art. XXI(2) (an IRA or Roth IRA is exempt; an HSA is not
accepted by CRA as a pension trust: 15 %).

The fixture: a joint unit (alex taxable, sam Roth and HSA) and a single filer (lee) hold
ENB, a Canadian payer priced in CAD.  Dividends in CAD at the row's fx_rate (USD per CAD):

* alex: C$2,000 at 0.75 and C$2,000 at 0.80 = US$3,100, 15 % withheld = US$465;
* sam: C$500 in the Roth, nothing withheld; C$500 in the HSA at 0.75, 15 % = US$56.25 lost;
* lee: C$400 at 0.75 = US$300 with C$100 (25 %) withheld = US$75: US$45 at the treaty
  rate creditable, US$30 reclaimable from the CRA.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from lotwise.cli.app import app
from lotwise.io import load_household, read_transactions
from lotwise.ledger import replay
from lotwise.model.household import FilingStatus
from lotwise.tax.foreign_credit import ForeignTaxCredit, SourceLine, foreign_tax_credits
from lotwise.tax.profile import parse_tax_profile
from lotwise.tax.report import render_tax_report
from lotwise.withholding import foreign_tax_paid

D = Decimal
FIXTURES = Path(__file__).parent / "fixtures"
HOUSEHOLD = FIXTURES / "household_foreign.toml"
TRANSACTIONS = FIXTURES / "transactions_foreign.csv"
AS_OF = date(2025, 12, 31)


def credits() -> dict[str, ForeignTaxCredit]:
    hh = load_household(HOUSEHOLD)
    book = replay(hh, read_transactions(TRANSACTIONS, hh, today=AS_OF), as_of=AS_OF)
    found = foreign_tax_credits(parse_tax_profile(hh).units, foreign_tax_paid(book, hh), 2025)
    return {c.unit: c for c in found}


def test_joint_unit_sums_its_members_taxable_foreign_dividends_and_tax() -> None:
    joint = credits()["alex+sam"]
    assert joint.dividends == D("3100")  # the Roth's and HSA's dividends are not in the return
    assert joint.foreign_tax == D("465")
    assert joint.reclaimable == 0
    assert joint.lost == D("56.25")  # the HSA's 15 %; the Roth's dividend had none withheld
    assert joint.de_minimis_limit == 600
    assert joint.de_minimis  # $465 is within $600 on a joint return


def test_tax_above_the_treaty_rate_is_reclaimable_not_creditable() -> None:
    single = credits()["lee"]
    assert (single.dividends, single.foreign_tax, single.reclaimable) == (D(300), D(45), D(30))
    assert single.de_minimis_limit == 300 and single.de_minimis


def test_de_minimis_limit_by_filing_status() -> None:
    line = SourceLine("CA", D(3100), D(465), D(0), D(0))
    assert not ForeignTaxCredit("me", 2025, FilingStatus.SINGLE, (line,)).de_minimis
    assert ForeignTaxCredit("us", 2025, FilingStatus.MARRIED_JOINT, (line,)).de_minimis
    at_limit = SourceLine("CA", D(2000), D(300), D(0), D(0))
    assert ForeignTaxCredit("me", 2025, FilingStatus.SINGLE, (at_limit,)).de_minimis
    over = SourceLine("CA", D(2000), D("300.01"), D(0), D(0))
    assert not ForeignTaxCredit("me", 2025, FilingStatus.SINGLE, (over,)).de_minimis
    trust = ForeignTaxCredit("t", 2025, FilingStatus.TRUST, (at_limit,))
    assert trust.de_minimis_limit is None and not trust.de_minimis
    assert "Form 1116" in trust.how_to_claim


def test_tax_report_json_and_text_carry_form_1116_figures() -> None:
    hh = load_household(HOUSEHOLD)
    book = replay(hh, read_transactions(TRANSACTIONS, hh, today=AS_OF), as_of=AS_OF)
    _, data = render_tax_report(hh, book, 2025, AS_OF)
    units = {u["tax_unit"]: u for u in data["units"]}
    lee = units["lee"]["foreign_tax_credit"]
    assert lee["gross_foreign_source_dividends"] == "300.00"
    assert lee["foreign_tax_paid"] == "45.00"
    assert lee["reclaimable_over_treaty_rate"] == "30.00"
    assert lee["de_minimis_election_available"] is True
    assert lee["by_country"][0]["source_country"] == "CA"
    assert units["alex+sam"]["foreign_tax_credit"]["lost_in_sheltered_accounts"] == "56.25"


def test_tax_command_prints_the_foreign_tax_credit(tmp_path: Path) -> None:
    import lotwise.cli.commands
    import lotwise.cli.tax_command  # noqa: F401

    args = ["tax", "--household", str(HOUSEHOLD), "--transactions", str(TRANSACTIONS),
            "--as-of", "2025-12-31", "--year", "2025"]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    joint = next(u for u in data["units"] if u["tax_unit"] == "alex+sam")
    assert joint["foreign_tax_credit"]["foreign_tax_paid"] == "465.00"
    text = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert text.exit_code == 0, text.output
    assert "foreign tax credit 2025 (Form 1116" in text.output
    assert "without Form 1116" in text.output
    assert "30.00" in text.output  # lee's tax over the treaty rate
