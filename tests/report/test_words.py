"""Each regime's own words."""

from dataclasses import astuple

from lotwise.report.words import account_kind, in_order, words


def test_canadian_and_uk_words_carry_no_us_term() -> None:
    for regime in ("CA", "UK"):
        text = " ".join(str(part) for part in astuple(words(regime))).lower()
        assert "wash" not in text and "substantially" not in text
        assert "taxable account" not in text and "long-term" not in text
    assert words("CA").cost == "ACB" and words("UK").taxable_adjective == "GIA"


def test_regimes_in_order_and_account_types_as_said() -> None:
    assert in_order(["UK", "US", "UK", "CA"]) == ["US", "CA", "UK"]
    assert [account_kind(k) for k in ("rrsp", "tfsa", "isa", "traditional", "roth")] == [
        "an RRSP", "a TFSA", "an ISA", "a traditional IRA or 401(k)", "a Roth account"]
