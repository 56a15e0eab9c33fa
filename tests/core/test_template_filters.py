"""The shared template filters round as a reader expects."""

from __future__ import annotations

from django.utils import translation

from cordee.core.templatetags.cordee import percent


def test_percent_rounds_to_nearest_instead_of_cutting_decimals() -> None:
    with translation.override("en"):
        assert percent(2 / 3) == "67 %"
        assert percent(0.9999) == "100 %"
        assert percent(0.12345, 1) == "12.3 %"
        assert percent(None) == "—"
    with translation.override("fr"):
        assert percent(0.12355, 1) == "12,4 %"


def test_percent_reads_exact_ratios_and_rounds_half_up() -> None:
    """The Plan and KPIs pages give it fractions and decimals: worked out by hand, 1117/2000 is
    55.85 %, 1/8 is 12.5 %, 599/1072 is 55.876… % — half up, never half even."""
    from decimal import Decimal
    from fractions import Fraction

    with translation.override("fr"):
        assert percent(Fraction(1117, 2000), 1) == "55,9 %"
        assert percent(Fraction(1, 8)) == "13 %"  # round() would say 12
        assert percent(Decimal("0.125")) == "13 %"
        assert percent(Fraction(599, 1072), 1) == "55,9 %"
        assert percent(1, 1) == "100,0 %"
