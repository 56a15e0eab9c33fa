"""A list answers in as many queries for 1,000 rows as for 10, whatever columns are chosen and
whatever view is open; so does its export."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cordee.lists import services
from cordee.lists.pages import LIST_PAGES
from cordee.people.models import PodMember
from tests.core.test_query_counts import BUILDERS


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("kind", list(LIST_PAGES))
def test_every_column_chosen_does_not_grow_the_queries(personas, kind):
    page = LIST_PAGES[kind]
    every = ",".join(c.key for c in reversed(page.available_columns))
    view = services.saved_view_create(
        actor=personas.actor("bob"),
        kind=kind,
        name="Toutes les colonnes",
        columns=[c.key for c in page.available_columns],
        page_size=100,
        visibility="workspace",
    )
    services.list_default_set(actor=personas.actor("bob"), kind=kind, view_id=view.pk)
    client = Client()
    client.force_login(personas.bob)
    urls = [
        f"/w/acme/{kind}/?columns={every}&per_page=100",
        f"/w/acme/{kind}/",  # the default view, all its columns
        f"/w/acme/{kind}/?page=2",
        f"/w/acme/{kind}/export/?file=csv&columns={every}",
    ]
    BUILDERS[kind](personas, 0, 10)
    client.get(urls[0])  # warm the session
    few = [_queries(client, url) for url in urls]
    BUILDERS[kind](personas, 10, 990)
    many = [_queries(client, url) for url in urls]
    assert few == many, (kind, few, many)


def test_the_api_rows_of_a_view_do_not_grow_the_queries(personas, api_as):
    page = LIST_PAGES["leads"]
    view = services.saved_view_create(
        actor=personas.actor("alice"),
        kind="leads",
        name="Toutes",
        columns=[c.key for c in page.available_columns],
    )
    api = api_as("alice")
    BUILDERS["leads"](personas, 0, 10)
    api.get("me")

    def measure() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(f"views/{view.pk}/records", {"limit": 500})
        assert response.status_code == 200, response.content
        return len(ctx.captured_queries), len(response.json()["items"])

    few, small = measure()
    BUILDERS["leads"](personas, 10, 990)
    many, large = measure()
    assert (few, small, large) == (many, 10, 500)
    assert PodMember.objects.count() == 0
