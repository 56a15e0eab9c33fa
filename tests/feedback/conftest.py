"""Helpers for the field-feedback tests: items raised by personas, files kept in a temp dir."""

from __future__ import annotations

from typing import Any

import pytest

from cordee.feedback.services import feedback_submit


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def raise_item(personas: Any, who: str = "bob", **data: Any) -> Any:
    payload = {"kind": "objection", "title": "Trop cher", "text": "Le prix bloque."}
    payload.update(data)
    return feedback_submit(actor=personas.actor(who), data=payload)


@pytest.fixture
def api_as(personas: Any) -> Any:
    """``api_as("alice")``: a JSON client with a fresh personal token of alice's."""
    from cordee.people.services import api_token_create
    from tests.fixtures.api import ApiClient

    def make(name: str) -> ApiClient:
        _token, secret = api_token_create(actor=personas.actor(name), name="tests")
        return ApiClient({"Authorization": f"Bearer {secret}"})

    return make
