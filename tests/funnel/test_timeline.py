"""The record timeline: every kind of entry merged newest first, filtered, paginated, with a
number of queries that does not grow with the entries; and its pages and API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override

from cordee.funnel.activities import record_about
from cordee.funnel.models import LeadAssignment, LeadStageChange, Stage, Task, TouchKind, Touchpoint
from cordee.funnel.timeline import timeline
from tests import factories as f

pytestmark = pytest.mark.usefixtures("english_pages")

UTC = dt.UTC


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=UTC)


@pytest.fixture
def story(personas):
    """One lead, one thing a day: MQL (2nd), owner change (3rd), a web visit (4th), a call
    (5th), a task due on the 6th; and an opportunity with a meeting (7th)."""
    ws = personas.acme
    lead = f.LeadFactory(workspace=ws, stage=Stage.MQL, owner=personas.bob)
    LeadStageChange.objects.create(
        workspace=ws, lead=lead, from_stage=Stage.INQUIRY, to_stage=Stage.MQL, at=at(2)
    )
    LeadAssignment.objects.create(
        workspace=ws, lead=lead, from_owner=None, to_owner=personas.bob, at=at(3)
    )
    f.TouchpointFactory(
        workspace=ws, contact=lead.contact, lead=lead, kind=TouchKind.WEB_VISIT, occurred_at=at(4)
    )
    f.TouchpointFactory(
        workspace=ws,
        contact=lead.contact,
        lead=lead,
        kind=TouchKind.CALL,
        outcome="reached",
        actor=personas.bob,
        occurred_at=at(5),
    )
    Task.objects.create(workspace=ws, lead=lead, owner=personas.bob, title="Relancer", due_at=at(6))
    opportunity = f.OpportunityFactory(workspace=ws, account=lead.contact.account, lead=lead)
    f.TouchpointFactory(
        workspace=ws,
        contact=lead.contact,
        opportunity=opportunity,
        kind=TouchKind.MEETING,
        actor=personas.bob,
        occurred_at=at(7),
    )
    return lead, opportunity


def kinds_and_days(page):
    return [(e.kind, e.at.day) for e in page.entries]


def test_a_leads_timeline_merges_every_kind_newest_first(personas, story):
    lead, _opportunity = story
    actor = personas.actor("bob")
    about = record_about(actor=actor, record="lead", record_id=lead.pk)
    with override("en"):
        page = timeline(actor=actor, about=about)
    # the meeting is on the opportunity, not on the lead
    assert kinds_and_days(page) == [
        ("task", 6),
        ("activity", 5),
        ("touch", 4),
        ("assignment", 3),
        ("stage", 2),
    ]
    call = page.entries[1]
    assert (call.title, call.extra, call.actor) == (
        "Call",
        "Reached",
        str(personas.bob.get_full_name()),
    )


def test_the_kind_filter_and_the_pages(personas, story):
    lead, _opportunity = story
    actor = personas.actor("bob")
    about = record_about(actor=actor, record="lead", record_id=lead.pk)
    filtered = timeline(actor=actor, about=about, kinds=["activity", "stage", "nonsense"])
    assert kinds_and_days(filtered) == [("activity", 5), ("stage", 2)]
    first = timeline(actor=actor, about=about, size=2)
    third = timeline(actor=actor, about=about, size=2, page=3)
    assert (kinds_and_days(first), first.has_next) == ([("task", 6), ("activity", 5)], True)
    assert (kinds_and_days(third), third.has_next) == ([("stage", 2)], False)


def test_contact_account_and_opportunity_timelines(personas, story):
    lead, opportunity = story
    actor = personas.actor("bob")

    def days(record, pk):
        about = record_about(actor=actor, record=record, record_id=pk)
        return kinds_and_days(timeline(actor=actor, about=about))

    # the contact: its touches (the opportunity's meeting was with them), its lead's history
    assert days("contact", lead.contact_id) == [
        ("activity", 7),
        ("task", 6),
        ("activity", 5),
        ("touch", 4),
        ("assignment", 3),
        ("stage", 2),
    ]
    assert days("account", lead.contact.account_id) == days("contact", lead.contact_id)
    # the opportunity: its meeting and its lead's calls, touches, history; the lead's task is
    # the lead's
    assert days("opportunity", opportunity.pk) == [
        ("activity", 7),
        ("activity", 5),
        ("touch", 4),
        ("assignment", 3),
        ("stage", 2),
    ]


def _pile(personas, lead, n, start):
    ws = personas.acme
    Touchpoint.objects.bulk_create(
        Touchpoint(
            workspace=ws,
            contact=lead.contact,
            lead=lead,
            kind=TouchKind.CALL if i % 2 else TouchKind.WEB_VISIT,
            is_sales_activity=bool(i % 2),
            actor=personas.bob,
            occurred_at=at(1) + dt.timedelta(minutes=start + i),
        )
        for i in range(n)
    )
    LeadStageChange.objects.bulk_create(
        LeadStageChange(
            workspace=ws, lead=lead, to_stage=Stage.MQL, at=at(1) + dt.timedelta(minutes=start + i)
        )
        for i in range(n)
    )
    Task.objects.bulk_create(
        Task(workspace=ws, lead=lead, owner=personas.bob, title=f"T{i}", due_at=at(1))
        for i in range(n)
    )


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("record", ["lead", "contact", "account"])
def test_the_timeline_runs_the_same_queries_for_10_or_1000_entries(client, personas, record):
    lead = f.LeadFactory(workspace=personas.acme, stage=Stage.MQL, owner=personas.bob)
    pk = {"lead": lead.pk, "contact": lead.contact_id, "account": lead.contact.account_id}[record]
    client.force_login(personas.bob)
    page_url = f"/w/acme/{record}s/{pk}/"
    fragment = f"/w/acme/timeline/{record}/{pk}/"
    _pile(personas, lead, 10, 0)
    client.get(page_url)  # warm the session
    small = (_queries(client, page_url)[0], _queries(client, fragment)[0])
    _pile(personas, lead, 990, 10)
    large_page, response = _queries(client, page_url)
    large_fragment, _response = _queries(client, fragment)
    assert (large_page, large_fragment) == small
    assert response.content.decode().count('class="timeline__item timeline__item--') == 25


def test_the_timeline_fragment_filters_for_htmx(client, personas, story):
    lead, _opportunity = story
    client.force_login(personas.alice)
    response = client.get(
        f"/w/acme/timeline/lead/{lead.pk}/?kind=touch&kind=stage", headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.count('data-kind="touch"') == 1 and body.count('data-kind="stage"') == 1
    assert 'data-kind="activity"' not in body


def test_another_workspaces_timeline_is_a_404(client, personas, story):
    lead, _opportunity = story
    client.force_login(personas.carol)
    assert client.get(f"/w/acme/timeline/lead/{lead.pk}/").status_code == 404


def test_field_changes_and_deal_stages_are_told_once_in_the_reader_language(client, personas):
    """A person changes a deal's amount, close date and account through the form's service: each
    field is one "change" entry, in the reader's language; the stage move is one "deal stage"
    entry (its own history), not a field change; a lead's owner change is an assignment only."""
    from cordee.core.models import FieldChange
    from cordee.core.records import record_update
    from cordee.funnel.records import LEADS
    from cordee.funnel.services import opportunity_save

    bob = personas.actor("bob")
    first = f.AccountFactory(workspace=personas.acme, name="Lumière SAS")
    second = f.AccountFactory(workspace=personas.acme, name="Atelier Nord")
    deal = opportunity_save(
        actor=bob,
        data={"name": "Pilote", "account": first.pk, "amount": "10000", "close_date": "2026-06-30"},
    )
    opportunity_save(
        actor=bob,
        data={
            "amount": "12500.50",
            "close_date": "2026-07-15",
            "account": second.pk,
            "stage": "proposal",
            "name": "Pilote",
        },
        opportunity=deal,
    )
    changed = FieldChange.objects.filter(record="opportunities", record_id=deal.pk)
    assert sorted(
        changed.values_list("field", "before", "after", "before_label", "after_label")
    ) == [
        ("account", str(first.pk), str(second.pk), "Lumière SAS", "Atelier Nord"),
        ("amount", "10000.00", "12500.50", "", ""),
        ("close_date", "2026-06-30", "2026-07-15", "", ""),
        # the category followed the stage (Discovery → Proposal): a change of the record too
        ("forecast_category", "pipeline", "best_case", "", ""),
    ]
    client.force_login(personas.alice)
    with override("fr"):
        client.cookies["django_language"] = "fr"
        body = client.get(f"/w/acme/timeline/opportunity/{deal.pk}/?kind=change&kind=deal_stage")
    text = body.content.decode().replace("\xa0", " ").replace("\u202f", " ")
    assert "Montant : 10 000,00 → 12 500,50" in text
    assert "Compte : Lumière SAS → Atelier Nord" in text
    assert text.count('data-kind="deal_stage"') == 2  # created at Discovery, moved to Proposal
    assert text.count('data-kind="change"') == 4
    # a lead's owner is told by its assignments, not twice
    lead = f.LeadFactory(workspace=personas.acme, stage=Stage.MQL, owner=personas.bob)
    record_update(actor=bob, spec=LEADS, instance=lead, data={"owner": personas.dave.pk})
    assert not FieldChange.objects.filter(record="leads", record_id=lead.pk).exists()
