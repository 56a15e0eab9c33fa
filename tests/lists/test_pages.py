"""Saved views and the column chooser on the list pages: the default view opens, the URL's
values win over the view's, pagination and sorting keep every filter, the table and its export
show the chosen columns, and a view that no longer parses is explained, never a crash."""

from __future__ import annotations

import csv
import html
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from cordee.funnel import models as funnel
from cordee.lists import services
from cordee.lists.models import ListPreference, SavedView
from cordee.people.models import Pod
from tests import factories as f

pytestmark = pytest.mark.usefixtures("english_pages")

_ROW = re.compile(r"<tr>\s*<td", re.S)


def _rows(response) -> int:
    body = response.content.decode()
    return len(_ROW.findall(body))


def _headers(response) -> list[str]:
    body = response.content.decode()
    thead = body[body.index("<thead>") : body.index("</thead>")]
    # the columns' headers, not the leading cells of other extensions (the bulk selection's)
    cells = re.findall(r'<th (?![^>]*class="leading)[^>]*>(.*?)</th>', thead, re.S)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in cells]


def _link(response, rel: str) -> str:
    match = re.search(
        rf'<a class="button" href="([^"]+)"[^>]*rel="{rel}"', response.content.decode()
    )
    assert match, f"no {rel} link"
    return html.unescape(match.group(1))


@pytest.fixture
def funnel_rows(personas):
    """Acme's leads: 40 MQLs of Pod Nord (scores 0..39), 20 SALs of Pod Sud, 7 inquiries."""
    ws = personas.acme
    north = f.PodFactory(workspace=ws, name="Pod Nord")
    south = f.PodFactory(workspace=ws, name="Pod Sud")
    now = timezone.now()
    contacts = [f.ContactFactory(workspace=ws, last_name=f"Nom{i:02d}") for i in range(67)]
    rows = [("mql", north, i) for i in range(40)] + [("sal", south, 50 + i) for i in range(20)]
    rows += [("inquiry", None, 5) for _ in range(7)]
    funnel.Lead.objects.bulk_create(
        funnel.Lead(
            workspace=ws,
            contact=contact,
            stage=stage,
            pod=pod,
            score=score,
            stage_entered_at=now,
            owner=personas.bob,
        )
        for contact, (stage, pod, score) in zip(contacts, rows, strict=True)
    )
    return {"north": north, "south": south}


def _count(**filters) -> int:
    return funnel.Lead.objects.filter(workspace__slug="acme", **filters).count()


def test_opening_the_list_opens_ones_default_view(client, personas, funnel_rows):
    view = services.saved_view_create(
        actor=personas.actor("bob"), kind="leads", name="Mes MQL", params={"stage": "mql"}
    )
    services.list_default_set(actor=personas.actor("bob"), kind="leads", view_id=view.pk)
    client.force_login(personas.bob)
    response = client.get("/w/acme/leads/?per_page=100")  # asks for something: not the view
    assert _rows(response) == _count()
    response = client.get("/w/acme/leads/")
    body = response.content.decode()
    assert f"1–25 of {_count(stage='mql')}" in body
    assert 'aria-current="page">\n      Mes MQL' in body or "Mes MQL" in body
    assert _rows(client.get("/w/acme/leads/?view=all&per_page=100")) == _count()
    client.force_login(personas.alice)  # her list has no default: every row
    assert f"of {_count()}" in client.get("/w/acme/leads/").content.decode()


def test_clearing_the_filters_of_a_default_view_shows_every_row(client, personas, funnel_rows):
    view = services.saved_view_create(
        actor=personas.actor("bob"), kind="leads", name="Mes MQL", params={"stage": "mql"}
    )
    services.list_default_set(actor=personas.actor("bob"), kind="leads", view_id=view.pk)
    client.force_login(personas.bob)
    empty = client.get(f"/w/acme/leads/?view={view.pk}&q=zzzz").content.decode()
    link = re.search(r'<a class="button" href="([^"]+)">Clear the filters</a>', empty)
    assert link, "no way out of an empty list"
    # not the plain list, which would reopen the default view and its filter
    cleared = client.get(html.unescape(link.group(1))).content.decode()
    assert f"1–25 of {_count()}" in cleared and _count() == 67


def test_a_value_in_the_url_wins_over_the_views(client, personas, funnel_rows):
    view = services.saved_view_create(
        actor=personas.actor("bob"), kind="leads", name="MQL", params={"stage": "mql"}
    )
    client.force_login(personas.bob)
    opened = client.get(f"/w/acme/leads/?view={view.pk}")
    assert "Unsaved changes" not in opened.content.decode()
    changed = client.get(f"/w/acme/leads/?view={view.pk}&stage=sal")
    body = changed.content.decode()
    assert f"of {_count(stage='sal')}" in body
    assert "Unsaved changes" in body and "Save “MQL”" in body
    cleared = client.get(f"/w/acme/leads/?view={view.pk}&stage=")  # the filter emptied
    assert f"of {_count()}" in cleared.content.decode()


def test_pagination_sorting_and_page_size_keep_every_filter(client, personas, funnel_rows):
    client.force_login(personas.bob)
    north = funnel_rows["north"].pk
    first = client.get(f"/w/acme/leads/?stage=mql&pod={north}&min_score=10&q=Nom")
    expected = _count(stage="mql", pod_id=north, score__gte=10)
    assert expected == 30
    body = first.content.decode()
    assert f"1–25 of {expected}" in body and _rows(first) == 25
    next_url = _link(first, "next")
    query = parse_qs(urlsplit(next_url).query)
    assert query["stage"] == ["mql"] and query["pod"] == [str(north)]
    assert query["min_score"] == ["10"] and query["q"] == ["Nom"]
    second = client.get(f"/w/acme/leads/{next_url}")
    assert f"26–{expected} of {expected}" in second.content.decode()
    assert _rows(second) == expected - 25
    back = client.get(f"/w/acme/leads/{_link(second, 'prev')}")
    assert f"1–25 of {expected}" in back.content.decode()
    # sorting keeps the filters, and a page of 50 holds them all
    sorted_page = client.get(f"/w/acme/leads/?stage=mql&pod={north}&min_score=10&sort=-score")
    scores = [
        int(s)
        for s in re.findall(r'<td class="num">\s*(\d+)\s*</td>', sorted_page.content.decode())
    ]
    assert scores[:3] == [39, 38, 37]
    big = client.get(f"/w/acme/leads/?stage=mql&pod={north}&min_score=10&per_page=50")
    assert _rows(big) == expected and 'rel="next"' not in big.content.decode()


def test_pagination_keeps_the_open_view(client, personas, funnel_rows):
    view = services.saved_view_create(
        actor=personas.actor("bob"),
        kind="leads",
        name="Sud",
        params={"pod": str(funnel_rows["south"].pk)},
        page_size=25,
        columns=["contact", "score"],
    )
    services.list_default_set(actor=personas.actor("bob"), kind="leads", view_id=view.pk)
    f.LeadFactory.create_batch(
        20, workspace=personas.acme, pod=funnel_rows["south"], stage="sal", score=1
    )
    expected = _count(pod=funnel_rows["south"])
    assert expected == 40
    client.force_login(personas.bob)
    first = client.get("/w/acme/leads/")  # the default view
    assert f"1–25 of {expected}" in first.content.decode()
    second = client.get(f"/w/acme/leads/{_link(first, 'next')}")
    assert f"26–{expected} of {expected}" in second.content.decode()
    assert _headers(second) == ["Lead", "Score"]  # the view's columns on every page


def test_a_view_that_no_longer_parses_is_explained(client, personas, funnel_rows):
    view = services.saved_view_create(
        actor=personas.actor("bob"), kind="leads", name="Cassée", params={"stage": "mql"}
    )
    client.force_login(personas.bob)
    for params, message in [
        ({"min_score": "beaucoup"}, "Invalid value for filter “min_score”."),
        ({"colour": "rouge"}, "The filter “colour” of the view “Cassée” no longer exists"),
        ({"stage": "gagné"}, "The filter “Stage” of the view “Cassée” has a value"),
    ]:
        SavedView.objects.filter(pk=view.pk).update(params=params)  # as an older release kept it
        response = client.get(f"/w/acme/leads/?view={view.pk}")
        assert response.status_code == 200
        assert message in html.unescape(response.content.decode()), params
    SavedView.objects.filter(pk=view.pk).update(params={}, columns=["contact", "gone"])
    response = client.get(f"/w/acme/leads/?view={view.pk}")
    assert "Some columns of the view “Cassée” no longer exist" in html.unescape(
        response.content.decode()
    )
    assert _headers(response) == ["Lead"]
    missing = client.get("/w/acme/leads/?view=987654")
    assert missing.status_code == 200
    assert "This saved view no longer exists" in missing.content.decode()


def test_the_column_chooser_changes_the_table_and_the_export(client, personas, funnel_rows):
    client.force_login(personas.bob)
    response = client.post(
        "/w/acme/lists/columns/",
        {"kind": "leads", "columns": ["score", "contact", "pod"], "query": "stage=sal&page=2"},
    )
    assert response.status_code == 302
    target = response["Location"]
    assert parse_qs(urlsplit(target).query) == {"stage": ["sal"], "columns": ["score,contact,pod"]}
    page = client.get(target)
    assert _headers(page) == ["Score", "Lead", "Pod"]
    assert _rows(page) == _count(stage="sal")
    assert ListPreference.objects.get(user=personas.bob, kind="leads").columns == [
        "score",
        "contact",
        "pod",
    ]
    # the export link carries the columns: the file holds exactly them, for the filtered rows
    link = html.unescape(re.search(r'href="([^"]+file=csv[^"]*)"', page.content.decode()).group(1))
    exported = client.get(link)
    lines = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert lines[0] == ["ID", "Score", "Lead", "Pod"]
    assert len(lines) - 1 == _count(stage="sal")
    assert {line[3] for line in lines[1:]} == {"Pod Sud"}
    # the person's columns stay without the URL; another person keeps the default ones
    assert _headers(client.get("/w/acme/leads/")) == ["Score", "Lead", "Pod"]
    client.force_login(personas.alice)
    assert _headers(client.get("/w/acme/leads/"))[:3] == ["Lead", "Account", "Stage"]


def test_the_default_columns_export_every_field(client, personas, funnel_rows):
    client.force_login(personas.alice)
    exported = client.get("/w/acme/leads/export/?file=csv&stage=sal")
    header = next(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert header[:4] == ["ID", "Lead", "Account", "Stage"]
    assert "Pod" in header and len(header) > 10


def test_saving_updating_renaming_and_deleting_a_view_from_the_page(client, personas, funnel_rows):
    client.force_login(personas.bob)
    response = client.post(
        "/w/acme/lists/views/new/",
        {
            "kind": "leads",
            "name": "Chauds",
            "visibility": "workspace",
            "params": "stage=mql&min_score=30&sort=-score",
            "columns": "contact,score",
            "page_size": "50",
        },
    )
    view = SavedView.objects.get(name="Chauds")
    assert response["Location"] == f"/w/acme/leads/?view={view.pk}"
    assert (view.owner, view.visibility) == (personas.bob, "workspace")
    assert view.params == {"stage": "mql", "min_score": "30", "sort": "-score"}
    assert (view.columns, view.page_size) == (["contact", "score"], 50)
    opened = client.get(response["Location"])
    assert _rows(opened) == _count(stage="mql", score__gte=30) and _headers(opened) == [
        "Lead",
        "Score",
    ]

    # alice sees it, may not change it (the page says so; the action is refused)
    client.force_login(personas.alice)
    page = client.get(f"/w/acme/leads/?view={view.pk}&stage=sal").content.decode()
    assert "Only the owner of this view, or a manager, may change it." in page
    refused = client.post(f"/w/acme/lists/views/{view.pk}/update/", {"params": "stage=sal"})
    assert refused.status_code == 403
    assert SavedView.objects.get(pk=view.pk).params["stage"] == "mql"

    client.force_login(personas.bob)
    client.post(
        f"/w/acme/lists/views/{view.pk}/update/",
        {"params": "stage=sal", "columns": "", "page_size": "25"},
    )
    view.refresh_from_db()
    assert (view.params, view.columns, view.page_size) == ({"stage": "sal"}, [], 25)
    client.post(f"/w/acme/lists/views/{view.pk}/rename/", {"name": "SAL", "visibility": "private"})
    view.refresh_from_db()
    assert (view.name, view.visibility) == ("SAL", "private")
    client.post("/w/acme/lists/default/", {"kind": "leads", "view": str(view.pk)})
    assert ListPreference.objects.get(user=personas.bob, kind="leads").default_view == view
    assert f"of {_count(stage='sal')}" in client.get("/w/acme/leads/").content.decode()
    deleted = client.post(f"/w/acme/lists/views/{view.pk}/delete/")
    assert deleted["Location"] == "/w/acme/leads/?view=all"
    assert not SavedView.objects.exists()
    assert f"of {_count()}" in client.get("/w/acme/leads/").content.decode()


def test_a_refused_save_says_why_on_the_list(client, personas, funnel_rows):
    client.force_login(personas.bob)
    response = client.post(
        "/w/acme/lists/views/new/",
        {"kind": "leads", "name": "", "params": "stage=mql", "query": "stage=mql"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Give the view a name." in response.content.decode()
    assert not SavedView.objects.exists()


def test_another_workspaces_view_is_404(client, personas):
    view = services.saved_view_create(
        actor=personas.actor("carol"), kind="leads", name="Globex", visibility="workspace"
    )
    client.force_login(personas.rita)
    assert client.post(f"/w/acme/lists/views/{view.pk}/delete/").status_code == 404
    assert client.post(f"/w/globex/lists/views/{view.pk}/delete/").status_code == 404
    page = client.get(f"/w/acme/leads/?view={view.pk}")
    assert "Globex" not in page.content.decode() and "no longer exists" in page.content.decode()
    assert SavedView.objects.filter(pk=view.pk).exists()
    assert Pod.objects.count() == 0
