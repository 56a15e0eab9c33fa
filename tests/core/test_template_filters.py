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
