"""The variable pay tests' workspace (``tests.comp.workspace``)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.comp.workspace import make_pay


@pytest.fixture
def pay(personas: Any) -> dict[str, Any]:
    return make_pay(personas)
