"""The funnel pages: the MQL queue with one-click decisions, the board, the SLA dashboard and
the rejection reasons for marketing."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from cordee.funnel.models import (
    Lead,
    LeadDecision,
    LeadStageChange,
    RejectionReason,
    SlaContract,
    Stage,
)
from cordee.people.models import PodMember
from tests import factories as f

# these tests read English strings; the French pages have their own test (tests/i18n)
pytestmark = pytest.mark.usefixtures("english_pages")


def _client(user, lang="en"):
    client = Client(headers={"accept-language": lang})
    client.force_login(user)
    client.cookies["django_language"] = lang
    return client


@pytest.fixture
def queue(personas):
    now = timezone.now()
    SlaContract.objects.create(
        workspace=personas.acme,
        name="Contrat",
        period_start=now.date() - dt.timedelta(days=30),
        period_end=now.date() + dt.timedelta(days=30),
        first_touch_hours=Decimal(4),
        marketing_signed_at=now,
        sales_signed_at=now,
    )
    RejectionReason.objects.create(
        workspace=personas.acme, code="bad_fit", label="Hors cible", default_outcome="disqualified"
    )
    contact = f.ContactFactory(workspace=personas.acme, first_name="Léa", last_name="Rousseau")
    lead = f.LeadFactory(
        workspace=personas.acme,
        contact=contact,
        stage=Stage.MQL,
        mql_at=now,
        stage_entered_at=now,
        owner=personas.bob,
    )
    f.LeadFactory(
        workspace=personas.acme,
        stage=Stage.MQL,
        mql_at=now,
        stage_entered_at=now,
        owner=personas.dave,
    )
    return lead


def test_my_queue_lists_my_mqls_with_their_due_times(personas, queue):
    body = _client(personas.bob).get("/w/acme/queue/").content.decode()
    assert "Léa Rousseau" in body
    assert body.count('id="lead-') == 1  # dave's lead is not in bob's queue
    assert "data-countdown" in body and "First touch by" in body


def test_one_click_accept_swaps_the_row(personas, queue):
    response = _client(personas.bob).post(
        f"/w/acme/leads/{queue.pk}/accept/", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "queue__done" in response.content.decode()
    assert Lead.objects.get(pk=queue.pk).stage == Stage.SAL


def test_reject_without_reason_says_so_and_changes_nothing(personas, queue):
    response = _client(personas.bob).post(
        f"/w/acme/leads/{queue.pk}/reject/", {"reason": ""}, headers={"HX-Request": "true"}
    )
    assert response["HX-Retarget"] == f"#decision-error-{queue.pk}"
    assert "needs a reason" in response.content.decode()
    assert Lead.objects.get(pk=queue.pk).stage == Stage.MQL


def test_reject_from_the_lead_page_redirects_with_a_message(personas, queue):
    response = _client(personas.bob).post(
        f"/w/acme/leads/{queue.pk}/reject/",
        {"reason": "bad_fit", "comment": "Trop petit"},
        follow=True,
    )
    assert "rejected" in response.content.decode()
    assert LeadDecision.objects.get(lead=queue).reason.code == "bad_fit"


def test_a_marketer_cannot_decide(personas, queue):
    assert _client(personas.alice).post(f"/w/acme/leads/{queue.pk}/accept/").status_code == 403


def test_a_rep_cannot_see_another_pods_queue_unless_allowed(personas, queue):
    pod = f.PodFactory(workspace=personas.acme)
    PodMember.objects.create(pod=pod, user=personas.dave)
    assert _client(personas.bob).get(f"/w/acme/queue/?pod={pod.pk}").status_code == 403
    assert _client(personas.dave).get(f"/w/acme/queue/?pod={pod.pk}").status_code == 200
    personas.acme.allow_cross_pod_queues = True
    personas.acme.save()
    assert _client(personas.bob).get(f"/w/acme/queue/?pod={pod.pk}").status_code == 200


def test_board_counts_each_stage_and_conversions(personas):
    now = timezone.now()
    for stages in (["mql", "sal", "sql"], ["mql", "sal"], ["mql", "recycled"], ["mql"]):
        lead = f.LeadFactory(workspace=personas.acme, stage=stages[-1])
        for i, stage in enumerate(stages):
            LeadStageChange.objects.create(
                workspace=personas.acme,
                lead=lead,
                to_stage=stage,
                at=now - dt.timedelta(days=10 - i),
            )
    body = _client(personas.alice).get("/w/acme/funnel/").content.decode()
    assert "2 of 4" in body  # MQL → SAL: 2 of the 4 MQLs
    assert "1 of 2" in body  # SAL → SQL


def test_sla_dashboard_renders_both_sides_and_an_svg_chart(personas, queue):
    LeadStageChange.objects.create(
        workspace=personas.acme, lead=queue, from_stage="inquiry", to_stage="mql", at=queue.mql_at
    )
    old = timezone.now() - dt.timedelta(days=3)
    late = f.LeadFactory(
        workspace=personas.acme,
        stage=Stage.MQL,
        mql_at=old,
        stage_entered_at=old,
        owner=personas.bob,
    )
    LeadStageChange.objects.create(
        workspace=personas.acme, lead=late, from_stage="inquiry", to_stage="mql", at=old
    )
    body = _client(personas.dave).get("/w/acme/sla/").content.decode()
    assert "Marketing&#x27;s side" in body or "Marketing's side" in body
    assert "<svg" in body


def test_rejection_reasons_by_channel(personas, queue):
    reason = RejectionReason.objects.get(code="bad_fit")
    lead = f.LeadFactory(workspace=personas.acme, source_channel="webinar")
    LeadDecision.objects.create(
        workspace=personas.acme,
        lead=lead,
        mql_at=timezone.now(),
        kind="reject",
        reason=reason,
        decided_at=timezone.now(),
    )
    body = _client(personas.alice).get("/w/acme/rejections/?by=channel").content.decode()
    assert "Hors cible" in body and "Webinar" in body and "<svg" in body


def test_rejection_rate_per_channel_is_rejected_over_decided(personas, queue):
    from cordee.funnel.reports import rejection_summary

    reason = RejectionReason.objects.get(code="bad_fit")
    now = timezone.now()
    # webinar: 3 decided, 1 rejected → 1/3; SEO: 2 decided, 2 rejected → 100 %
    for channel, kinds in (
        ("webinar", ["accept", "accept", "reject"]),
        ("seo", ["reject", "reject"]),
    ):
        for kind in kinds:
            lead = f.LeadFactory(workspace=personas.acme, source_channel=channel)
            LeadDecision.objects.create(
                workspace=personas.acme,
                lead=lead,
                mql_at=now,
                kind=kind,
                decided_at=now,
                reason=reason if kind == "reject" else None,
            )
    rows = {
        r.group: (r.decided, r.rejected, r.rate, r.top_reason)
        for r in rejection_summary(personas.acme, now - dt.timedelta(days=1), "channel")
    }
    assert rows == {"seo": (2, 2, 1.0, "Hors cible"), "webinar": (3, 1, 1 / 3, "Hors cible")}


def test_the_reject_form_is_fetched_when_a_rep_opens_it(personas, queue):
    body = (
        _client(personas.bob)
        .get(f"/w/acme/leads/{queue.pk}/reject/", headers={"HX-Request": "true"})
        .content.decode()
    )
    assert 'name="reason"' in body and "Hors cible" in body
    assert _client(personas.alice).get(f"/w/acme/leads/{queue.pk}/reject/").status_code == 403


@pytest.mark.parametrize("path", ["/w/acme/queue/?scope=all", "/w/acme/funnel/", "/w/acme/sla/"])
def test_funnel_pages_query_count_does_not_grow_with_leads(personas, queue, path):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(personas.dave)

    def count() -> int:
        cache.clear()
        client.get(path)  # the first view of a page computes its snapshots
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    now = timezone.now()
    for _ in range(40):
        lead = f.LeadFactory(
            workspace=personas.acme,
            stage=Stage.MQL,
            mql_at=now,
            stage_entered_at=now,
            owner=personas.bob,
        )
        LeadStageChange.objects.create(workspace=personas.acme, lead=lead, to_stage="mql", at=now)
    assert count() == few


def test_pages_show_times_in_the_workspace_time_zone(personas):
    # a stage change at 08:00 UTC in March is 09:00 in Paris (CET)
    lead = f.LeadFactory(workspace=personas.acme)
    LeadStageChange.objects.create(
        workspace=personas.acme,
        lead=lead,
        to_stage="inquiry",
        at=dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC),
    )
    body = _client(personas.alice).get(f"/w/acme/leads/{lead.pk}/").content.decode()
    assert "9:00" in body or "09:00" in body
    assert "2026-03-02T09:00:00+01:00" in body


def test_breach_notifications_show_in_the_app_and_are_marked_read(personas):
    from cordee.funnel.models import SlaBreach
    from cordee.funnel.notify import breaches_notify

    lead = f.LeadFactory(workspace=personas.acme, owner=personas.bob)
    SlaBreach.objects.create(
        workspace=personas.acme,
        kind="first_touch",
        side="sales",
        lead=lead,
        mql_at=timezone.now(),
        owner=personas.bob,
        due_at=timezone.now(),
        detected_at=timezone.now(),
    )
    breaches_notify(workspace_id=personas.acme.pk)
    client = _client(personas.bob)
    home = client.get("/w/acme/").content.decode()
    assert 'class="nav__count"' in home
    page = client.get("/w/acme/notifications/").content.decode()
    assert lead.contact.last_name in page and f"/w/acme/leads/{lead.pk}/" in page
    assert 'class="nav__count"' not in client.get("/w/acme/").content.decode()


def test_only_a_side_that_has_not_signed_sees_the_sign_button(personas):
    contract = SlaContract.objects.create(
        workspace=personas.acme,
        name="T3",
        period_start=dt.date(2026, 7, 1),
        period_end=dt.date(2026, 9, 30),
        marketing_signed_at=timezone.now(),
        marketing_signed_by=personas.mia,
    )
    url = f"/w/acme/settings/sla-contracts/{contract.pk}/"
    assert "Sign for my side" in _client(personas.dave).get(url).content.decode()
    assert "Sign for my side" not in _client(personas.mia).get(url).content.decode()
    assert "Sign for my side" not in _client(personas.bob).get(url).content.decode()


def test_a_rejection_from_the_page_is_judged_by_the_apis_schema(personas, queue):
    from tests.fixtures.api import ApiClient

    bad = {"reason": "bad_fit", "outcome": "recycled", "recycle_on": "31/12/2026"}
    api = ApiClient(client=_client(personas.bob), headers={"X-Cordee-Workspace": "acme"})
    from_api = api.post(f"leads/{queue.pk}/reject", bad)
    assert from_api.status_code == 422
    assert from_api.json()["error"]["fields"] == {"recycle_on": ["Enter a date as YYYY-MM-DD."]}
    # the page answered 400 "The re-evaluation date is not a date." (its own parsing)
    page = _client(personas.bob).post(f"/w/acme/leads/{queue.pk}/reject/", bad)
    assert page.status_code == 422
    assert "Enter a date as YYYY-MM-DD." in page.content.decode()
    swapped = _client(personas.bob).post(
        f"/w/acme/leads/{queue.pk}/reject/", bad, headers={"HX-Request": "true"}
    )
    assert "Enter a date as YYYY-MM-DD." in swapped.content.decode()
    assert Lead.objects.get(pk=queue.pk).stage == Stage.MQL


@pytest.mark.parametrize(
    "path", ["/w/acme/funnel/metrics/", "/w/acme/accounts/", "/w/acme/feedback/"]
)
def test_a_page_that_answers_htmx_with_a_fragment_tells_caches_so(personas, path):
    # the funnel metrics page swapped its body without Vary: a cache (the back button) could
    # serve the fragment as the page
    client = _client(personas.alice)
    page = client.get(path)
    fragment = client.get(path, headers={"HX-Request": "true"})
    restored = client.get(
        path, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert all("HX-Request" in r["Vary"] for r in (page, fragment, restored))
    assert "<html" in page.content.decode() and "<html" in restored.content.decode()
    assert "<html" not in fragment.content.decode()


def test_a_decision_from_the_queue_tells_caches_it_answers_htmx_apart(personas, queue):
    swapped = _client(personas.bob).post(
        f"/w/acme/leads/{queue.pk}/accept/", headers={"HX-Request": "true"}
    )
    assert "queue__done" in swapped.content.decode() and "HX-Request" in swapped["Vary"]


def test_a_contract_that_commits_no_mql_is_not_shown_on_track(personas, api_as):
    """Two signed contracts of the current period, no MQL yet: one commits 5 MQLs (projected 0:
    behind, red), the other 0 (nothing to keep: neither green nor red, and said so)."""
    today = timezone.now().date()
    contracts = {}
    for name, volume in (("Five MQLs", 5), ("No volume", 0)):
        contracts[name] = SlaContract.objects.create(
            workspace=personas.acme,
            name=name,
            period_start=today - dt.timedelta(days=10),
            period_end=today + dt.timedelta(days=20),
            mql_volume=volume,
            marketing_signed_at=timezone.now(),
            sales_signed_at=timezone.now(),
        )
    html = _client(personas.dave).get("/w/acme/sla/").content.decode()
    rows = {
        name: row
        for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)
        for name in contracts
        if f">{name}</a>" in row
    }
    assert 'class="num is-bad">0</td>' in rows["Five MQLs"]
    assert "is-good" not in rows["No volume"] and "is-bad" not in rows["No volume"]
    assert ">none</span>" in rows["No volume"]
    states = {
        name: api_as("dave").get(f"/sla-contracts/{c.pk}/marketing").json()["volume_state"]
        for name, c in contracts.items()
    }
    assert states == {"Five MQLs": "behind", "No volume": "none"}
