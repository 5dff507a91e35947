"""The UK example's spouse transfer, excess reportable income and offshore income gain,
computed here from the journal and the rates file by the rules, then compared with what
`lotwise gains` and `lotwise tax` print.

* TCGA s.58 with s.105/106A (HMRC CG22200, CG51560): Olivia gives James 300 IGLT on
  2025-10-01 and buys 100 IGLT in her GIA on 2025-10-15: 100 are identified with that
  purchase, 200 with her section 104 holding; the sum is the consideration, no gain, no
  loss, and James's cost.
* SI 2009/3001 regs. 94, 99: VWRL's excess reportable income adds to the GIA holdings'
  cost, so James's VWRL loss of 2025-04-08 grows by his share of it.
* SI 2009/3001 regs. 17, 18, 44: VTI has no UK reporting status, so Olivia's gain on it is
  an offshore income gain, left out of the SA108 totals.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from lotwise.io import example_dir

from .households import D
from .test_examples import book_of, files, run

FOLDER = example_dir("uk")


def rows() -> list[dict[str, str]]:
    with (FOLDER / "transactions.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def row(**match: str) -> dict[str, str]:
    (found,) = [r for r in rows() if all(r[k] == v for k, v in match.items())]
    return found


def cost(r: dict[str, str]) -> Decimal:
    """A purchase's allowable cost: shares x price + commission (s.38(1)(a))."""
    return D(r["quantity"]) * D(r["price"]) + D(r["fees"] or "0")


def gbp_per_usd(day: str) -> Decimal:
    with (FOLDER / "fx.csv").open(encoding="utf-8", newline="") as handle:
        (rate,) = [r["rate"] for r in csv.DictReader(handle)
                   if r["date"] == day and (r["base"], r["quote"]) == ("GBP", "USD")]
    return 1 / D(rate)


def penny(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def gains_json(year: int) -> dict[str, object]:
    code, out = run("gains", "--year", str(year), *files("uk"), "--json")
    assert code == 0, out
    return json.loads(out)["sa108"]  # type: ignore[no-any-return]


def tax_json(year: int, owner: str) -> dict[str, object]:
    code, out = run("tax", "--year", str(year), *files("uk"), "--as-of", "2026-11-20",
                    "--json")
    assert code == 0, out
    (found,) = [u for u in json.loads(out)["united_kingdom"] if u["owner"] == owner]
    return found  # type: ignore[no-any-return]


def test_the_gift_of_igilt_to_james_is_identified_with_olivias_rebuy_then_her_pool() -> None:
    pool = row(id="B3")  # Olivia's only earlier IGLT purchase in her GIA
    rebuy = row(id="R1")
    gift = row(action="transfer", symbol="IGLT")
    assert (gift["date"], gift["quantity"], rebuy["date"]) == ("2025-10-01", "300",
                                                               "2025-10-15")
    from_rebuy = cost(rebuy)  # all 100 of the 15 October shares (s.106A(5))
    from_pool = cost(pool) * 200 / D(pool["quantity"])  # the other 200 at average cost
    expected = from_rebuy + from_pool
    line = next(d for d in gains_json(2025)["disposals"] if d["kind"] == "spouse_transfer")
    assert (line["owner"], line["date"], line["thirty_day"], line["s104"]) == (
        "olivia", "2025-10-01", "100", "200")
    assert D(line["proceeds"]) == D(line["allowable_costs"]) == penny(expected)
    assert D(line["gain"]) == 0
    # James acquires at that cost, beside his own 600 of 2024-01-02
    book = book_of("uk")
    (james,) = [p for p in book.pools if p.owner == "james" and p.symbol == "IGLT"
                and p.account is None]
    assert (james.quantity, james.cost) == (900, cost(row(id="B10")) + expected)
    # Olivia's holding keeps 600 at the old average cost; the rebuy never entered it
    (olivia,) = [p for p in book.pools if p.owner == "olivia" and p.symbol == "IGLT"
                 and p.account is None]
    assert (olivia.quantity, olivia.cost) == (600, cost(pool) * 600 / 800)
    # at no gain, no loss it is not one of Olivia's SA108 disposals
    assert gains_json(2025)["totals"]["olivia"]["disposals"] == "0"


def test_excess_reportable_income_raises_james_vwrl_cost() -> None:
    bought = row(id="B8")
    eri = row(action="excess_reportable_income", account="james_gia", date="2024-12-31")
    sale = row(id="S51")
    # the ERI row is the fund's 0.1520 a unit on the 180 units held at 30 June 2024
    assert D(eri["amount"]) == penny(D(bought["quantity"]) * D("0.1520"))
    share = D(sale["quantity"]) / D(bought["quantity"])
    proceeds = D(sale["quantity"]) * D(sale["price"])
    allowable = penny((cost(bought) + D(eri["amount"])) * share) + D(sale["fees"])
    line = next(d for d in gains_json(2025)["disposals"] if d["owner"] == "james")
    assert (D(line["proceeds"]), D(line["allowable_costs"])) == (proceeds, allowable)
    assert D(line["gain"]) == proceeds - allowable
    without = proceeds - penny(cost(bought) * share) - D(sale["fees"])
    assert D(line["gain"]) == without - penny(D(eri["amount"]) * share)  # a larger loss
    # the 2025-26 ERI is James's income of that tax year, shown by `lotwise tax`
    later = row(action="excess_reportable_income", account="james_gia", date="2025-12-31")
    james = tax_json(2025, "james")
    assert james["excess_reportable_income"] == [
        {"date": "2025-12-31", "account": "james_gia", "symbol": "VWRL",
         "amount": later["amount"]}]
    assert D(james["losses"]) == -D(line["gain"])


def test_the_vti_gain_is_an_offshore_income_gain_outside_the_sa108() -> None:
    bought, sold = row(id="B4"), row(symbol="VTI", action="sell", account="olivia_gia")
    # cost at the purchase day's rate, proceeds at the sale day's (Bentley v Pike)
    cost_gbp = cost(bought) * gbp_per_usd(bought["date"])
    proceeds = penny(D(sold["quantity"]) * D(sold["price"]) * gbp_per_usd(sold["date"]))
    # allowable costs are rounded as one amount, as SA108 asks for them
    allowable = penny(cost_gbp + D(sold["fees"]) * gbp_per_usd(sold["date"]))
    gain = proceeds - allowable
    assert gain > 0
    line = next(d for d in gains_json(2025)["disposals"] if "VTI" in d["description"])
    assert (line["kind"], D(line["gain"])) == ("offshore_income_gain", gain)
    assert gains_json(2025)["totals"]["olivia"]["offshore_income_gains"] == str(gain)
    olivia = tax_json(2025, "olivia")
    assert olivia["offshore_income_gain"] == str(gain)
    assert (olivia["disposals"], olivia["gains"], olivia["taxable_gains"]) == (
        0, "0.00", "0.00")
    assert date.fromisoformat(sold["date"]) < date(2026, 4, 6)  # tax year 2025-26


def test_lotwise_tax_charges_the_vti_gain_and_the_eri_to_income_tax() -> None:
    # Olivia's taxable income is £52,000 (above the £37,700 basic rate limit): the offshore
    # income gain is charged at the higher rate, 40 % (SI 2009/3001 reg. 18; ITA 2007 s.10);
    # her GIA's VWRL excess reportable income of 31 December 2025 is a dividend (reg. 94(1))
    # within the £500 dividend allowance (ITA s.13A).  The total tax is the CGT plus this.
    olivia = tax_json(2025, "olivia")
    gain, eri = D(olivia["offshore_income_gain"]), D(olivia["excess_reportable_income_total"])
    income = olivia["income_tax"]
    assert D(income["offshore_income_gains"]) == gain
    assert D(income["dividends"]) == eri and 0 < eri <= 500
    assert D(income["tax"]) == penny(gain * D("0.4"))
    assert [(s["rate_name"], s["rate"]) for s in income["slices"]] == [
        ("higher rate", "0.4"), ("dividend nil rate (ITA s.13A)", "0")]
    assert D(income["taxable_income"]) == 52000 + gain + eri
    assert D(olivia["total_tax"]) == D(olivia["tax"]) + D(income["tax"])
    code, text = run("tax", "--year", "2025", *files("uk"))
    assert code == 0, text
    assert "Income tax on offshore income gains and excess reportable income" in text
    assert "Total tax (capital gains tax + this income tax)" in text
