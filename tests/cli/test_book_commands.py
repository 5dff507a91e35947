"""`lotwise lots`, `gains` and `holdings`: user data printed literally, each regime's own
words, amounts with their currency, Schedule 3 figures that add up, and a Canadian's
US-dollar cash valued at the as-of day's rate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lotwise.cli import app
from lotwise.cli import commands as _commands  # noqa: F401  (registers the commands)
from lotwise.cli.book_commands import schedule_3_sum
from lotwise.io import example_dir

runner = CliRunner()
ROSE = "\N{ROSE}"
LETTER_A = "\N{NEGATIVE SQUARED LATIN CAPITAL LETTER A}"

HOUSEHOLD = """\
format_version = 1
id = "[red]odd"
base_currency = "CAD"

[owners.rose]
tax_residence = "CA"

[owners.a]
tax_residence = "CA"

[accounts.rose_cash]
owner = "rose"
type = "non_registered"

[accounts.a_cash]
owner = "a"
type = "non_registered"

[securities.XIC]
asset_class = "canada"

[securities."[bold]X"]
asset_class = "canada"

[targets]
canada = 1

[tax.ca.rose]
marginal_rate = 0.3

[tax.ca.a]
marginal_rate = 0.3
"""
TRANSACTIONS = """\
date,account,action,symbol,quantity,price,fees,amount,lot,id,memo
2025-01-02,rose_cash,deposit,,,,,10000,,,
2025-01-02,rose_cash,buy,XIC,100,30,,,,B1,[bold]memo[/bold] :rose:
2025-01-02,a_cash,deposit,,,,,10000,,,
2025-01-02,a_cash,buy,[bold]X,100,30,,,,B2,
2025-03-03,a_cash,sell,[bold]X,10,35,,,,S1,
"""
PRICES = "date,symbol,price\n2025-06-30,XIC,31\n2025-06-30,[bold]X,36\n"


@pytest.fixture
def odd(tmp_path: Path) -> list[str]:
    files = {"h.toml": HOUSEHOLD, "t.csv": TRANSACTIONS, "p.csv": PRICES}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return ["--household", str(tmp_path / "h.toml"), "--transactions", str(tmp_path / "t.csv"),
            "--prices", str(tmp_path / "p.csv")]


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def example(name: str) -> list[str]:
    folder = example_dir(name)
    args = ["--household", str(folder / "household.toml"),
            "--transactions", str(folder / "transactions.csv"),
            "--prices", str(folder / "prices.csv")]
    return args + (["--fx", str(folder / "fx.csv")] if name != "us" else [])


AS_OF = ("--as-of", "2025-06-30")


@pytest.mark.parametrize("command", [("lots", *AS_OF), ("holdings", *AS_OF),
                                     ("gains", "--year", "2025"),
                                     ("tax", "--year", "2025", *AS_OF), ("drift", *AS_OF)])
def test_ids_symbols_and_lot_names_are_printed_as_written(odd: list[str],
                                                          command: tuple[str, ...]) -> None:
    out = run(*command, *odd)
    assert ROSE not in out and LETTER_A not in out
    if command[0] == "lots":
        assert "ACB:rose:XIC@rose_cash" in out and "ACB:a:[bold]X@a_cash" in out
        assert "[red]odd" in out
    if command[0] in ("holdings", "gains"):
        assert "[bold]X" in out


def test_canadian_lots_speak_of_acb_pools_and_superficial_losses() -> None:
    out = run("lots", *example("ca"), "--as-of", "2026-11-20")
    assert "ACB pool" in out and "superficial losses in ACB" in out and "ITA s.47" in out
    assert "ACB per share" in out and "basis" not in out
    data = json.loads(run("lots", *example("ca"), "--as-of", "2026-11-20", "--json"))
    (xef,) = [lot for lot in data["lots"] if lot["lot"] == "ACB:claire:XEF@claire_cash"]
    assert (xef["superficial_loss_adjustment"], xef["basis_per_share"]) == ("177.99", "35.47")
    assert "wash" not in out and "long term" not in out and "term" not in out


def test_uk_lots_speak_of_holdings_without_a_holding_period() -> None:
    out = run("lots", *example("uk"), "--as-of", "2026-11-20")
    assert "section 104 holding" in out and "holding" in out
    assert "allowable cost" in out and "cost per share" in out and "basis" not in out
    assert "wash" not in out and "long term" not in out and "ACB" not in out


def test_us_lots_keep_their_terms_and_wash_adjustments() -> None:
    out = run("lots", *example("us"), "--as-of", "2026-11-20")
    assert "days to long term" in out and "wash adjustment" in out


def test_lots_json_names_each_lots_regime() -> None:
    data = json.loads(run("lots", *example("ca"), "--as-of", "2026-11-20", "--json"))
    assert {lot["regime"] for lot in data["lots"]} == {"CA"}


def test_holdings_say_the_currency_of_their_amounts() -> None:
    out = run("holdings", *example("uk"), "--as-of", "2026-11-20")
    assert "value GBP" in out and "basis GBP" in out and "unrealized GBP" in out
    assert "Allocation against target" in out
    data = json.loads(run("holdings", *example("ca"), "--as-of", "2026-11-20", "--json"))
    assert data["currency"] == "CAD"


@pytest.mark.parametrize("name", ["us", "ca", "uk"])
def test_drift_shows_the_allocation_without_an_empty_holdings_table(name: str) -> None:
    out = run("drift", *example(name), "--as-of", "2026-11-20")
    currency = {"us": "USD", "ca": "CAD", "uk": "GBP"}[name]
    assert "Holdings on" not in out and "symbol" not in out
    assert "Allocation against target" in out and f"value {currency}" in out


def test_a_gift_of_listed_shares_is_on_schedule_3_as_the_cra_form_has_it() -> None:
    data = json.loads(run("gains", "--year", "2025", *example("ca"), "--json"))["schedule_3"]
    (gift,) = [line for line in data["lines"] if line["kind"] == "donation"]
    # the gain carried to Schedule 3 is the part not eligible for the zero rate: none
    assert (gift["code"], gift["gain"], gift["zero_inclusion_gain"]) == ("T1170", "0.00",
                                                                        "204.75")
    claire = data["totals"]["claire"]
    assert (claire["proceeds"], claire["acb"], claire["outlays"], claire["denied"],
            claire["zero_inclusion_gain"], claire["gain"]) == (
        "13953.60", "14183.23", "0.00", "370.28", "204.75", "-64.10")
    (t1170,) = data["t1170"]
    assert (t1170["capital_gain"], t1170["eligible_amount"]) == ("204.75", "1637.20")
    out = run("gains", "--year", "2025", *example("ca"))
    assert "Form T1170" in out and "ITA s.38(a.1)" in out
    assert ("line 13199 proceeds 13953.60 - ACB 14183.23 - outlays 0.00 + superficial losses "
            "denied 370.28") in out
    assert "= line 13200 gain -64.10" in out


def test_the_schedule_3_sum_leaves_out_what_is_zero() -> None:
    totals = {"proceeds": "100.00", "acb": "80.00", "outlays": "1.00", "denied": "0.00",
              "zero_inclusion_gain": "0.00", "gain": "19.00"}
    assert schedule_3_sum("marc", totals) == (
        "  marc: line 13199 proceeds 100.00 - ACB 80.00 - outlays 1.00 = line 13200 gain 19.00")


USD_HOUSEHOLD = """format_version = 1
id = "fx"
name = "FX"
base_currency = "CAD"
[owners.a]
name = "A"
tax_residence = "CA"
[accounts.a_usd]
name = "A usd"
owner = "a"
type = "non_registered"
currency = "USD"
[securities.VTI]
name = "VTI"
asset_class = "us"
currency = "USD"
[targets]
us = 1.0
[tax.ca.a]
marginal_rate = 0.5
"""
USD_FILES = {
    "fxh.toml": USD_HOUSEHOLD,
    "fx2.csv": "date,account,action,symbol,quantity,price,fees,amount,lot,id,memo\n"
               "2025-01-02,a_usd,deposit,,,,,10000,,,\n",
    "rates2.csv": "date,base,quote,rate\n2025-01-02,USD,CAD,1.40\n2025-06-02,USD,CAD,1.30\n",
    "pr2.csv": "date,symbol,price\n2025-06-02,VTI,250\n",
}


def files(folder: Path) -> list[str]:
    for name, text in USD_FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return ["--household", str(folder / "fxh.toml"), "--transactions", str(folder / "fx2.csv"),
            "--fx", str(folder / "rates2.csv"), "--prices", str(folder / "pr2.csv"),
            "--as-of", "2025-06-02"]


def test_us_dollars_deposited_at_1_40_are_held_at_1_30(tmp_path: Path) -> None:
    result = runner.invoke(app, ["holdings", *files(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["cash"] == {"a_usd": "13000.00"}  # US$10,000 at 1.30, not 14,000.00
    assert data["total"] == "13000.00"
    (cash,) = [c for c in data["classes"] if c["asset_class"] == "cash"]
    assert cash["value"] == "13000.00"


def test_lots_of_the_canadian_example_ask_only_for_the_rates_they_need() -> None:
    """Without --prices no rate of the as-of day is needed (the lots are in CAD already);
    without --fx the US-dollar trades and dividends need their days' rates (ITA s.261(2)(b)),
    the US-dollar deposit does not."""
    folder = example_dir("ca")
    base = ["lots", "--household", str(folder / "household.toml"), "--transactions",
            str(folder / "transactions.csv"), "--json"]  # as of today: past its last rate
    result = CliRunner().invoke(app, [*base, "--fx", str(folder / "fx.csv")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["currency"] == "CAD" and any(lot["symbol"] == "VTI" for lot in data["lots"])
    missing = CliRunner().invoke(app, base, env={"COLUMNS": "2000"})
    assert missing.exit_code == 2
    assert "this buy is in USD" in missing.output and "this dividend is in USD" in missing.output
    assert "this deposit is in USD" not in missing.output


def test_the_usd_account_shows_its_cash_in_dollars_and_its_value_in_cad(
        tmp_path: Path) -> None:
    data = json.loads(run("holdings", *files(tmp_path), "--json"))
    assert data["cash_balances"] == [{"account": "a_usd", "currency": "USD",
                                      "balance": "10000.00", "value": "13000.00"}]
    out = run("holdings", *files(tmp_path))
    assert "Cash on 2025-06-02" in out and "own currency" in out and "value CAD" in out
    (line,) = [row for row in out.splitlines() if "a_usd" in row]
    assert "USD" in line and "10000.00" in line and "13000.00" in line


@pytest.mark.parametrize(("name", "currency"), [("us", "USD"), ("ca", "CAD"), ("uk", "GBP")])
def test_drift_json_states_its_currency(name: str, currency: str) -> None:
    data = json.loads(run("drift", *example(name), "--as-of", "2026-11-20", "--json"))
    assert data["currency"] == currency


EVERY_KEY = Path(__file__).parent / "fixtures"


def test_gains_csv_writes_one_file_per_regime_in_its_own_layout(tmp_path: Path) -> None:
    """Owners under three regimes: Form 8949 (USD), Schedule 3 (CAD) and SA108 (GBP) lines,
    each in a file named by its regime; none of them in another's file."""
    out = run("gains", "--year", "2025", "--household", str(EVERY_KEY / "every_key.toml"),
              "--transactions", str(EVERY_KEY / "every_key.csv"),
              "--csv", str(tmp_path / "gains.csv"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gains-ca.csv", "gains-uk.csv",
                                                          "gains-us.csv"]
    assert f"Wrote 1 line (Schedule 3, CAD) to {tmp_path / 'gains-ca.csv'}" in out
    us = (tmp_path / "gains-us.csv").read_text().splitlines()
    ca = (tmp_path / "gains-ca.csv").read_text().splitlines()
    uk = (tmp_path / "gains-uk.csv").read_text().splitlines()
    assert us[0].startswith("description,account,symbol") and "VTI" in us[1] and len(us) == 2
    assert ca[0].startswith("owner,number,name,year_of_acquisition") and ca[0].endswith(
        ",currency")
    assert ca[1].startswith("claire,100,XIC,2025") and ca[1].endswith(",CAD") and len(ca) == 2
    assert uk[0] == ("owner,date,description,quantity,proceeds,allowable_costs,gain,same_day,"
                     "thirty_day,s104,matching,kind,currency")
    assert uk[1] == ("olivia,2025-06-02,1000 ISF,1000,7000.00,8000.00,-1000.00,0,0,1000,"
                     "section 104,sale,GBP")


def test_gains_csv_of_one_regime_is_the_file_named(tmp_path: Path) -> None:
    out = run("gains", "--year", "2025", *example("uk"), "--csv", str(tmp_path / "g.csv"))
    assert [p.name for p in tmp_path.iterdir()] == ["g.csv"]
    lines = len((tmp_path / "g.csv").read_text().splitlines()) - 1
    assert lines > 1
    assert f"Wrote {lines} lines (SA108, GBP) to {tmp_path / 'g.csv'}" in out
    assert "1 disposals" not in out


def test_gains_csv_into_a_missing_folder_is_an_error_and_writes_nothing(tmp_path: Path) -> None:
    result = runner.invoke(app, ["gains", "--year", "2025", *example("ca"),
                                 "--csv", str(tmp_path / "no" / "g.csv")])
    assert result.exit_code == 2
    assert "--csv" in result.output and "does not exist" in result.output
    assert not (tmp_path / "no").exists()


def test_a_missing_price_names_the_prices_file_and_the_row_to_add(tmp_path: Path) -> None:
    prices = tmp_path / "p.csv"
    prices.write_text("date,symbol,price\n2025-06-30,XIC,31\n", encoding="utf-8")
    folder = tmp_path
    for name, text in {"h.toml": HOUSEHOLD, "t.csv": TRANSACTIONS}.items():
        (folder / name).write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["holdings", "--household", str(folder / "h.toml"),
                                 "--transactions", str(folder / "t.csv"), "--prices",
                                 str(prices), "--as-of", "2025-06-30"])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert f"no price for [bold]X in {prices}" in text
    assert f"add a row 2025-06-30,[bold]X,<closing price> to {prices}" in text


def test_no_prices_file_says_to_give_one(odd: list[str]) -> None:
    args = odd[:4]  # household and transactions, no --prices
    result = runner.invoke(app, ["holdings", *args, "--as-of", "2025-06-30"])
    assert result.exit_code == 2
    assert "pass it with --prices FILE" in " ".join(result.output.split())


def test_tax_says_why_a_canadian_loss_is_lost_for_good() -> None:
    args = ("tax", "--year", "2025", "--as-of", "2026-11-20", *example("ca"))
    data = json.loads(run(*args, "--json"))
    claire, marc = data["canada"]
    (lost,) = claire["lost_for_good_by"]
    assert (lost["symbol"], lost["substitute_account"], lost["substitute_symbol"],
            lost["amount"]) == ("VFV", "marc_tfsa", "ZSP", claire["lost_for_good"])
    assert marc["lost_for_good_by"] == []
    out = " ".join(run(*args).split())
    assert "identical ZSP bought in marc's TFSA" in out


def test_tax_says_why_a_us_wash_sale_loss_is_lost_for_good() -> None:
    args = ("tax", "--year", "2025", "--as-of", "2026-11-20", *example("us"))
    (unit,) = json.loads(run(*args, "--json"))["units"]
    (lost,) = unit["lost_for_good_by"]
    assert (lost["symbol"], lost["substitute_account"], lost["amount"]) == (
        "IVV", "sam_401k", "1000.20")
    assert unit["wash_sales_lost_for_good"] == "1000.20"
    out = " ".join(run(*args).split())
    assert "wash-sale losses lost for good in 2025" in out and "Rev. Rul. 2008-5" in out


US_TFSA = """\
format_version = 1
id = "cross"

[owners.sam]
tax_residence = "US"

[accounts.sam_tfsa]
owner = "sam"
type = "tfsa"

[securities.VTI]
asset_class = "us"

[targets]
us = 1
"""


@pytest.mark.parametrize("command", ["lots", "holdings"])
def test_a_wrapper_the_owners_country_does_not_recognize_is_noted(tmp_path: Path,
                                                                  command: str) -> None:
    files = {"h.toml": US_TFSA, "p.csv": "date,symbol,price\n2025-06-30,VTI,110\n",
             "t.csv": "date,account,action,symbol,quantity,price,fees,amount,lot,id,memo\n"
                      "2025-01-02,sam_tfsa,deposit,,,,,1000,,,\n"
                      "2025-01-02,sam_tfsa,buy,VTI,10,100,,,,,\n"}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, [command, *AS_OF, "--household", str(tmp_path / "h.toml"),
                                      "--transactions", str(tmp_path / "t.csv"),
                                      "--prices", str(tmp_path / "p.csv"), "--json"])
    assert result.exit_code == 0, result.output
    note = " ".join(result.stderr.split())
    assert "sam_tfsa (tfsa, Canada) is taxed as an ordinary account" in note
    assert "resident in the US" in note and "wrappers.toml US tfsa: IRC §61" in note
    json.loads(result.stdout)  # the note stays off the JSON
