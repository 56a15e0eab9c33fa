"""API clients for the personas: a token client per persona, or a session client."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cordee.people.services import api_token_create


class ApiClient:
    """``django.test.Client`` speaking JSON to /api/v1/ with the given extra headers."""

    def __init__(self, headers: dict[str, str] | None = None, client: Client | None = None) -> None:
        self.client = client or Client()
        self.headers = headers or {}

    def _call(self, method: str, path: str, data: Any = None, **extra: Any) -> Any:
        url = f"/api/v1/{path.lstrip('/')}"
        kwargs: dict[str, Any] = {"headers": {**self.headers, **extra.pop("headers", {})}}
        if method == "get":
            return self.client.get(url, data or {}, **kwargs)
        body = data if isinstance(data, str | bytes) else json.dumps(data)
        return getattr(self.client, method)(
            url, body, content_type="application/json", **kwargs, **extra
        )

    def get(self, path: str, params: dict[str, Any] | None = None, **extra: Any) -> Any:
        return self._call("get", path, params, **extra)

    def post(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self._call("post", path, {} if data is None else data, **extra)

    def patch(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self._call("patch", path, {} if data is None else data, **extra)

    def delete(self, path: str, **extra: Any) -> Any:
        return self._call("delete", path, None, **extra)


@pytest.fixture
def api_as(personas: Any) -> Callable[[str], ApiClient]:
    """``api_as("alice")``: a client authenticated by a fresh personal token of alice's."""

    def make(name: str) -> ApiClient:
        _token, secret = api_token_create(actor=personas.actor(name), name="tests")
        return ApiClient({"Authorization": f"Bearer {secret}"})

    return make


def error_fields(response: Any) -> dict[str, list[str]]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    return dict(body["error"]["fields"])
