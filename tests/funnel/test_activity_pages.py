"""Activities and tasks from the pages (the queue row, the record pages) and from the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cordee.funnel.models import SlaContract, Stage, Task, Touchpoint
from tests import factories as f
from tests.fixtures.api import error_fields

pytestmark = pytest.mark.usefixtures("english_pages")

UTC = dt.UTC


@pytest.fixture
def fresh_mql(personas):
    """An MQL of bob's that arrived ten minutes ago, under a contract signed by both sides."""
    today = personas.acme.today()
    SlaContract.objects.create(
        workspace=personas.acme,
        name="Now",
        period_start=today - dt.timedelta(days=30),
        period_end=today + dt.timedelta(days=30),
        first_touch_hours=Decimal(4),
        decision_hours=Decimal(8),
        attempts_required=3,
        attempts_within_days=2,
        marketing_signed_by=personas.mia,
        marketing_signed_at=timezone.now(),
        sales_signed_by=personas.dave,
        sales_signed_at=timezone.now(),
    )
    now = timezone.now() - dt.timedelta(minutes=10)
    return f.LeadFactory(
        workspace=personas.acme,
        stage=Stage.MQL,
        stage_entered_at=now,
        mql_at=now,
        owner=personas.bob,
        score=90,
    )


def first_touch_cell(html: str) -> str:
    return html.split('data-label="First touch by">', 1)[1].split("</td>", 1)[0]


def test_a_call_from_the_queue_row_swaps_the_row_with_its_first_touch_kept(
    client, personas, fresh_mql, django_capture_on_commit_callbacks
):
    client.force_login(personas.bob)
    queue = client.get("/w/acme/queue/").content.decode()
    assert 'data-outcome="no_answer"' in queue
    assert "Kept" not in first_touch_cell(queue)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/w/acme/activity/lead/{fresh_mql.pk}/",
            {"kind": "call", "outcome": "no_answer", "from": "queue", "next": "/w/acme/queue/"},
            headers={"HX-Request": "true"},
        )

    row = response.content.decode()
    assert response.status_code == 200
    assert row.lstrip().startswith(f'<tr id="lead-{fresh_mql.pk}"')
    assert 'clock clock--met"><span class="clock__state">Kept' in first_touch_cell(row)
    touch = Touchpoint.objects.get(lead=fresh_mql)
    assert (touch.kind, touch.outcome, touch.actor) == ("call", "no_answer", personas.bob)
    # the queue's cached rows show it too (the funnel's version changed)
    assert "Kept" in first_touch_cell(client.get("/w/acme/queue/").content.decode())


def test_the_record_pages_offer_the_call_buttons_and_the_timeline(client, personas, fresh_mql):
    opportunity = f.OpportunityFactory(workspace=personas.acme, lead=fresh_mql)
    client.force_login(personas.bob)
    for url in (
        f"/w/acme/leads/{fresh_mql.pk}/",
        f"/w/acme/contacts/{fresh_mql.contact_id}/",
        f"/w/acme/accounts/{fresh_mql.contact.account_id}/",
        f"/w/acme/opportunities/{opportunity.pk}/",
    ):
        html = client.get(url).content.decode()
        assert html.count("data-outcome=") == 4, url
        assert 'id="timeline"' in html, url
    client.force_login(personas.erin)  # reads, logs nothing
    html = client.get(f"/w/acme/leads/{fresh_mql.pk}/").content.decode()
    assert "data-outcome=" not in html and 'id="timeline"' in html


def test_a_note_from_the_contact_page_lands_in_its_timeline(client, personas, fresh_mql):
    client.force_login(personas.alice)
    url = f"/w/acme/activity/contact/{fresh_mql.contact_id}/"
    response = client.post(url, {"kind": "note", "note": "Salon de Lyon : intéressée"})
    assert response.status_code == 302
    assert response["Location"] == f"/w/acme/contacts/{fresh_mql.contact_id}/"
    page = client.get(response["Location"]).content.decode()
    assert "Salon de Lyon : intéressée" in page
    # on the contact, the note is about its open lead
    assert Touchpoint.objects.get(kind="note").lead == fresh_mql


def test_a_task_planned_on_the_page_reads_its_time_in_the_workspaces_zone(
    client, personas, fresh_mql
):
    client.force_login(personas.bob)
    response = client.post(
        f"/w/acme/tasks/lead/{fresh_mql.pk}/",
        {"title": "Rappeler", "due_at": "2026-03-10T10:00", "remind_hours_before": "2"},
    )
    assert response.status_code == 302
    task = Task.objects.get()
    # Tuesday 10 March 10:00 in Paris (CET, UTC+1) is 09:00 UTC; two business hours before is
    # Monday 17:00 CET = 16:00 UTC (1 h Tuesday 09:00–10:00, 1 h Monday 17:00–18:00)
    assert (task.due_at, task.remind_at) == (
        dt.datetime(2026, 3, 10, 9, 0, tzinfo=UTC),
        dt.datetime(2026, 3, 9, 16, 0, tzinfo=UTC),
    )
    response = client.post(f"/w/acme/tasks/{task.pk}/done/")
    assert response["Location"] == f"/w/acme/leads/{fresh_mql.pk}/"
    assert Task.objects.get().done_at is not None


def test_the_api_logs_plans_lists_and_reads_the_timeline(api_as, personas, fresh_mql):
    bob = api_as("bob")
    response = bob.post(
        "activities",
        {"record": "lead", "record_id": fresh_mql.pk, "kind": "call", "outcome": "reached"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["outcome"], body["counts_for_sla"], body["actor_id"]) == (
        "call",
        "reached",
        True,
        personas.bob.pk,
    )
    assert bob.get(f"leads/{fresh_mql.pk}/sla").json()["attempts_made"] == 1

    wrong = bob.post(
        "activities", {"record": "lead", "record_id": fresh_mql.pk, "kind": "email_click"}
    )
    assert wrong.status_code == 422 and set(error_fields(wrong)) == {"kind"}

    task = bob.post(
        "tasks",
        {
            "record": "lead",
            "record_id": fresh_mql.pk,
            "title": "Envoyer la proposition",
            "due_at": "2026-03-10T10:00:00+01:00",
            "remind_hours_before": "2",
        },
    )
    assert task.status_code == 201, task.content
    assert task.json()["remind_at"] == "2026-03-09T16:00:00Z"  # Monday 17:00 CET, as above
    assert [t["title"] for t in bob.get("tasks", {"owner": personas.bob.pk}).json()["items"]] == [
        "Envoyer la proposition"
    ]
    done = bob.post(f"tasks/{task.json()['id']}/done", {})
    assert done.json()["done_at"] is not None
    assert bob.get("tasks").json()["count"] == 0

    entries = bob.get(f"timeline/lead/{fresh_mql.pk}", {"kind": ["activity", "task"]}).json()
    assert [(e["kind"], e["title"]) for e in entries] == [
        ("activity", "Appel"),  # the API speaks the workspace's language (French) by default
        ("task", "Envoyer la proposition"),
    ]
    assert api_as("carol").get(f"timeline/lead/{fresh_mql.pk}").status_code == 404


def test_an_htmx_log_on_a_record_page_redraws_its_panel(client, personas, fresh_mql):
    client.force_login(personas.bob)
    url = f"/w/acme/activity/opportunity/{f.OpportunityFactory(workspace=personas.acme, lead=fresh_mql).pk}/"
    response = client.post(
        url, {"kind": "meeting", "note": "Démo faite"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card activity-panel" id="activity-panel">')
    assert 'data-kind="activity"' in html and "Démo faite" in html
    wrong = client.post(
        url, {"kind": "meeting", "outcome": "reached"}, headers={"HX-Request": "true"}
    )
    # htmx swaps a 200 only: the panel comes back with the error in it
    assert wrong.status_code == 200
    assert (
        '<p class="form-error" role="alert">Only a call has an outcome.' in wrong.content.decode()
    )
