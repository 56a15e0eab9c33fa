"""Bulk actions on leads, contacts, accounts and opportunities: who may change which rows, the
history they leave, the funnel's rules per row, campaign membership, delete and undo."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core import serializers
from django.db import connection
from django.test import override_settings
from django.utils import timezone, translation

from cordee.bulk import services
from cordee.bulk.jobs import purge_bulk_undo_data
from cordee.bulk.models import BulkJob, BulkStatus
from cordee.bulk.runner import bulk_job_run
from cordee.comments.models import Comment
from cordee.core.errors import Conflict, NotFound, PermissionDenied
from cordee.core.models import AuditEntry
from cordee.crm.models import CampaignMember, Contact
from cordee.funnel.models import Lead, LeadAssignment, LeadStageChange, Opportunity, Touchpoint
from cordee.search.models import SearchDocument
from tests import factories as f


@pytest.fixture
def acme_leads(personas):
    """30 leads in Acme: 10 bob's, 8 dave's, 7 rita's, 5 nobody's; all at Inquiry."""
    ws = personas.acme
    owners = [personas.bob] * 10 + [personas.dave] * 8 + [personas.rita] * 7 + [None] * 5
    return [f.LeadFactory(workspace=ws, owner=owner) for owner in owners]


def _raw_count(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def test_a_rep_reassigning_all_matching_changes_only_their_own_and_unowned_leads(
    personas, acme_leads
):
    bob = personas.actor("bob")
    permitted = _raw_count(
        "SELECT COUNT(*) FROM crm_lead WHERE workspace_id = %s AND (owner_id = %s OR owner_id IS NULL)",
        [personas.acme.pk, personas.bob.pk],
    )
    others = _raw_count(
        "SELECT COUNT(*) FROM crm_lead WHERE workspace_id = %s AND owner_id <> %s",
        [personas.acme.pk, personas.bob.pk],
    )
    assert (permitted, others) == (15, 15)

    job = services.bulk_job_start(
        actor=bob, kind="leads", action="reassign", params={}, args={"to_owner": personas.alice.pk}
    )

    assert job.status == BulkStatus.SUCCEEDED
    assert job.total == permitted
    assert job.skipped == {"not_yours": others}
    # bob's 10 and the 5 unowned are alice's now; dave's and rita's did not move
    assert Lead.objects.filter(owner=personas.alice).count() == 15
    assert Lead.objects.filter(owner=personas.dave).count() == 8
    assert Lead.objects.filter(owner=personas.rita).count() == 7
    assert job.changed == 15


def test_a_manager_reassigning_all_matching_changes_every_row(personas, acme_leads):
    job = services.bulk_job_start(
        actor=personas.actor("dave"),
        kind="leads",
        action="reassign",
        params={},
        args={"to_owner": personas.bob.pk},
    )
    assert job.skipped == {"unchanged": 10}  # bob's own ten were his already
    assert job.changed == 20
    assert Lead.objects.filter(workspace=personas.acme, owner=personas.bob).count() == 30


def test_reassigning_follows_the_lists_filters(personas, acme_leads):
    job = services.bulk_job_start(
        actor=personas.actor("rita"),
        kind="leads",
        action="reassign",
        params={"owner": str(personas.dave.pk)},
        args={"to_owner": personas.rita.pk},
    )
    assert job.total == 8
    assert Lead.objects.filter(owner=personas.rita).count() == 15


def test_each_reassigned_lead_gets_one_history_row_from_its_owner_to_the_new_one(
    personas, acme_leads
):
    before = {lead.pk: lead.owner_id for lead in acme_leads}
    services.bulk_job_start(
        actor=personas.actor("dave"),
        kind="leads",
        action="reassign",
        ids=[lead.pk for lead in acme_leads],
        args={"to_owner": personas.mia.pk},
    )
    rows = list(LeadAssignment.objects.filter(reason_code="bulk"))
    assert len(rows) == 30
    assert {r.lead_id: r.from_owner_id for r in rows} == before
    assert {r.to_owner_id for r in rows} == {personas.mia.pk}
    assert {r.actor_id for r in rows} == {personas.dave.pk}
    assert rows[0].reason_params == {"count": 30}
    assert "30" in rows[0].why


def test_a_manual_owner_change_on_the_lead_form_writes_history(personas, client, acme_leads):
    lead = acme_leads[0]  # bob's
    client.force_login(personas.dave)
    response = client.post(
        f"/w/acme/leads/{lead.pk}/edit/",
        {"contact": lead.contact_id, "owner": personas.rita.pk, "source_channel": ""},
    )
    assert response.status_code == 302, response.content
    lead.refresh_from_db()
    assert lead.owner_id == personas.rita.pk
    history = LeadAssignment.objects.get(lead=lead)
    assert (history.from_owner_id, history.to_owner_id, history.reason_code) == (
        personas.bob.pk,
        personas.rita.pk,
        "manual",
    )


def test_a_rep_may_not_give_away_someone_elses_lead_one_by_one_either(personas, acme_leads):
    from cordee.funnel.services import lead_update

    daves = acme_leads[10]
    with pytest.raises(PermissionDenied):
        lead_update(actor=personas.actor("bob"), instance=daves, data={"owner": personas.bob.pk})
    daves.refresh_from_db()
    assert daves.owner_id == personas.dave.pk


def test_lifecycle_change_refuses_disallowed_transitions_per_row_with_the_reason(personas):
    ws = personas.acme
    now = timezone.now()
    inquiry = f.LeadFactory(workspace=ws)
    won = f.LeadFactory(workspace=ws, stage="won")
    mql = f.LeadFactory(workspace=ws, stage="mql", mql_at=now, owner=personas.bob)
    job = services.bulk_job_start(
        actor=personas.actor("rita"),
        kind="leads",
        action="stage",
        ids=[inquiry.pk, won.pk, mql.pk],
        args={"to_stage": "disqualified"},
    )
    assert job.changed == 1
    assert job.failed == 2
    with translation.override("en"):
        reasons = dict(job.failure_reasons())
    assert reasons[won.pk] == "the funnel does not allow Won → Disqualified"
    assert reasons[mql.pk].startswith("MQL → Disqualified is a sales decision")
    with translation.override("fr"):  # stored as codes: read in the reader's language
        assert dict(job.failure_reasons())[won.pk] == (
            "le tunnel ne permet pas de passer de Gagné à Disqualifié"
        )
    assert {f["code"] for f in job.failures} == {"not_allowed", "decision"}
    inquiry.refresh_from_db()
    won.refresh_from_db()
    assert (inquiry.stage, won.stage) == ("disqualified", "won")
    assert LeadStageChange.objects.filter(lead=inquiry, to_stage="disqualified").count() == 1

    services.bulk_job_undo(actor=personas.actor("rita"), job=job)
    inquiry.refresh_from_db()
    assert inquiry.stage == "inquiry"
    assert LeadStageChange.objects.filter(lead=inquiry, reason_code="bulk_undone").count() == 1


def test_adding_leads_to_a_campaign_adds_their_contacts_without_a_touch(personas):
    ws = personas.acme
    campaign = f.CampaignFactory(workspace=ws)
    contact = f.ContactFactory(workspace=ws)
    twice = [f.LeadFactory(workspace=ws, contact=contact) for _ in range(2)]
    others = [f.LeadFactory(workspace=ws) for _ in range(3)]
    touches_before = Touchpoint.objects.count()
    attributed_before = list(
        Lead.objects.order_by("pk").values_list("source_campaign_id", flat=True)
    )

    job = services.bulk_job_start(
        actor=personas.actor("alice"),
        kind="leads",
        action="campaign",
        ids=[lead.pk for lead in twice + others],
        args={"campaign": campaign.pk},
    )

    members = set(
        CampaignMember.objects.filter(campaign=campaign).values_list("contact_id", flat=True)
    )
    assert members == {contact.pk} | {lead.contact_id for lead in others}
    assert job.changed == 4
    assert job.skipped == {"already_member": 1}
    assert Touchpoint.objects.count() == touches_before
    assert list(Lead.objects.order_by("pk").values_list("source_campaign_id", flat=True)) == (
        attributed_before
    )

    services.bulk_job_undo(actor=personas.actor("alice"), job=job)
    assert not CampaignMember.objects.filter(campaign=campaign).exists()


def test_sales_may_not_add_to_a_campaign(personas):
    lead = f.LeadFactory(workspace=personas.acme)
    campaign = f.CampaignFactory(workspace=personas.acme)
    with pytest.raises(PermissionDenied):
        services.bulk_job_start(
            actor=personas.actor("bob"),
            kind="leads",
            action="campaign",
            ids=[lead.pk],
            args={"campaign": campaign.pk},
        )


# what a bulk action itself writes, Django's own bookkeeping, and the search documents (derived
# rows written again under new ids: compared by content in _search_documents)
_NOT_DATA = {"bulk", "sessions", "contenttypes", "admin", "django_tasks_database", "auth", "search"}


def _dump() -> list[dict]:
    """Every row of every table of the project (the bulk jobs, the audit log and Django's
    bookkeeping aside),
    as Django serializes them, times to the microsecond."""
    rows = []
    for model in apps.get_models():
        if model._meta.app_label in _NOT_DATA or model._meta.proxy or model is AuditEntry:
            continue  # the audit log only grows: the job and its undo are two entries in it
        for row in serializers.serialize("python", model._default_manager.order_by("pk")):
            rows.append({**row, "fields": {k: repr(v) for k, v in row["fields"].items()}})
    return rows


def _search_documents() -> set[tuple[str, int, str]]:
    return set(SearchDocument.objects.values_list("kind", "object_id", "title"))


def test_deleting_contacts_can_be_undone_with_every_related_row(personas):
    ws = personas.acme
    contacts = [f.ContactFactory(workspace=ws) for _ in range(4)]
    for contact in contacts:
        lead = f.LeadFactory(workspace=ws, contact=contact, owner=personas.bob)
        LeadStageChange.objects.create(
            workspace=ws, lead=lead, from_stage="", to_stage="inquiry", at=timezone.now()
        )
        f.TouchpointFactory(workspace=ws, contact=contact, lead=lead)
        Comment.objects.create(workspace=ws, author=personas.bob, body="Vu", lead=lead)
    kept = f.ContactFactory(workspace=ws)
    before, documents = _dump(), _search_documents()

    job = services.bulk_job_start(
        actor=personas.actor("mia"),
        kind="contacts",
        action="delete",
        ids=[c.pk for c in contacts],
    )

    assert job.changed == 4
    assert list(Contact.objects.filter(workspace=ws)) == [kept]
    assert not Lead.objects.exists() and not Comment.objects.exists()
    assert not SearchDocument.objects.filter(kind="lead").exists()

    services.bulk_job_undo(actor=personas.actor("mia"), job=job)

    assert _dump() == before
    assert _search_documents() == documents
    job.refresh_from_db()
    assert job.status == BulkStatus.UNDONE and job.undo_data == {}


def test_deleting_leads_can_be_undone_with_what_pointed_at_them(personas):
    ws = personas.acme
    leads = [f.LeadFactory(workspace=ws, owner=personas.bob) for _ in range(3)]
    for lead in leads:
        f.OpportunityFactory(workspace=ws, lead=lead)  # its lead is set to null, not deleted
        f.TouchpointFactory(workspace=ws, contact=lead.contact, lead=lead)
        LeadAssignment.objects.create(
            workspace=ws, lead=lead, to_owner=personas.bob, at=timezone.now(), reason_code="manual"
        )
        Comment.objects.create(workspace=ws, author=personas.dave, body="À rappeler", lead=lead)
    before, documents = _dump(), _search_documents()

    job = services.bulk_job_start(
        actor=personas.actor("rita"), kind="leads", action="delete", params={}
    )

    assert (job.total, job.changed) == (3, 3)
    assert not Lead.objects.exists()
    assert Opportunity.objects.filter(lead__isnull=True).count() == 3
    services.bulk_job_undo(actor=personas.actor("rita"), job=job)
    assert _dump() == before
    assert _search_documents() == documents


def test_accounts_with_opportunities_are_not_deleted_and_say_why(personas):
    ws = personas.acme
    busy = f.OpportunityFactory(workspace=ws).account
    free = f.AccountFactory(workspace=ws)
    job = services.bulk_job_start(
        actor=personas.actor("rita"), kind="accounts", action="delete", ids=[busy.pk, free.pk]
    )
    assert job.changed == 1
    with translation.override("en"):
        assert job.failure_reasons() == [(busy.pk, "still used by other records")]
    assert list(ws and type(busy).objects.filter(workspace=ws)) == [busy]


@override_settings(BULK_UNDO_MINUTES=10)
def test_undo_is_refused_after_the_window_and_its_data_purged(personas, acme_leads):
    dave = personas.actor("dave")
    job = services.bulk_job_start(
        actor=dave,
        kind="leads",
        action="reassign",
        ids=[acme_leads[0].pk],
        args={"to_owner": personas.rita.pk},
    )
    assert job.undo_until - job.finished_at == dt.timedelta(minutes=10)
    BulkJob.objects.filter(pk=job.pk).update(undo_until=timezone.now() - dt.timedelta(seconds=1))
    job.refresh_from_db()
    with translation.override("en"), pytest.raises(Conflict, match="Too late to undo"):
        services.bulk_job_undo(actor=dave, job=job)

    purge_bulk_undo_data()
    job.refresh_from_db()
    assert job.undo_data == {}
    assert Lead.objects.get(pk=acme_leads[0].pk).owner_id == personas.rita.pk


def test_undoing_a_reassignment_puts_back_each_previous_owner_with_history(personas, acme_leads):
    dave = personas.actor("dave")
    before = dict(Lead.objects.values_list("pk", "owner_id"))
    job = services.bulk_job_start(
        actor=dave, kind="leads", action="reassign", params={}, args={"to_owner": personas.alice.pk}
    )
    services.bulk_job_undo(actor=dave, job=job)
    assert dict(Lead.objects.values_list("pk", "owner_id")) == before
    assert LeadAssignment.objects.filter(reason_code="bulk_undone").count() == 30


def test_undo_leaves_alone_a_lead_someone_reassigned_since(personas, acme_leads):
    dave = personas.actor("dave")
    lead = acme_leads[0]
    job = services.bulk_job_start(
        actor=dave,
        kind="leads",
        action="reassign",
        ids=[lead.pk],
        args={"to_owner": personas.alice.pk},
    )
    Lead.objects.filter(pk=lead.pk).update(owner=personas.rita)
    services.bulk_job_undo(actor=dave, job=job)
    assert Lead.objects.get(pk=lead.pk).owner_id == personas.rita.pk


def test_moving_leads_to_a_pod_and_back(personas, acme_leads):
    pod = f.PodFactory(workspace=personas.acme)
    rita = personas.actor("rita")
    job = services.bulk_job_start(
        actor=rita, kind="leads", action="pod", params={}, args={"pod": pod.pk}
    )
    assert Lead.objects.filter(pod=pod).count() == 30
    services.bulk_job_undo(actor=rita, job=job)
    assert not Lead.objects.filter(pod__isnull=False).exists()


def test_other_kinds_are_reassigned_under_the_same_rule(personas):
    ws = personas.acme
    mine = [f.AccountFactory(workspace=ws, owner=personas.bob) for _ in range(3)]
    theirs = [f.AccountFactory(workspace=ws, owner=personas.dave) for _ in range(2)]
    job = services.bulk_job_start(
        actor=personas.actor("bob"),
        kind="accounts",
        action="reassign",
        ids=[a.pk for a in mine + theirs],
        args={"to_owner": personas.alice.pk},
    )
    assert (job.changed, job.skipped) == (3, {"not_yours": 2})
    assert type(mine[0]).objects.filter(owner=personas.dave).count() == 2


def test_ids_of_another_workspace_are_refused(personas):
    mine = f.LeadFactory(workspace=personas.acme)
    foreign = f.LeadFactory(workspace=personas.globex)
    with pytest.raises(NotFound):
        services.bulk_job_start(
            actor=personas.actor("rita"),
            kind="leads",
            action="reassign",
            ids=[mine.pk, foreign.pk],
            args={"to_owner": personas.rita.pk},
        )
    assert not BulkJob.objects.exists()
    assert Lead.objects.get(pk=foreign.pk).owner_id is None


@override_settings(BULK_INLINE_MAX=5)
def test_a_large_selection_runs_in_the_background_and_its_progress_advances(
    personas, acme_leads, django_capture_on_commit_callbacks, monkeypatch
):
    from cordee.bulk import kinds, runner

    monkeypatch.setattr(runner, "BATCH", 10)
    seen: list[int] = []
    real_merge = runner._merge

    def spy(job, undo, out):  # the progress saved after each batch, as a page would read it
        real_merge(job, undo, out)
        seen.append(job.done)

    monkeypatch.setattr(runner, "_merge", spy)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.bulk_job_start(
            actor=personas.actor("rita"),
            kind="leads",
            action="reassign",
            params={},
            args={"to_owner": personas.alice.pk},
        )
    assert job.status == BulkStatus.QUEUED and job.done == 0
    assert len(callbacks) == 1  # the task is enqueued once the job is committed
    assert kinds.BATCH == 1000
    bulk_job_run(job_id=job.pk)  # what the worker's task does
    job.refresh_from_db()
    assert job.status == BulkStatus.SUCCEEDED
    assert (job.done, job.total) == (30, 30)
    assert seen == [0, 10, 20]  # each batch saw the progress of those before it
    assert Lead.objects.filter(owner=personas.alice).count() == 30


def test_a_job_whose_worker_died_is_marked_failed_and_can_still_be_undone(personas):
    running = BulkJob.objects.create(
        workspace=personas.acme,
        actor=personas.rita,
        kind="leads",
        action="reassign",
        status=BulkStatus.RUNNING,
        heartbeat_at=timezone.now() - dt.timedelta(minutes=16),
    )
    alive = BulkJob.objects.create(
        workspace=personas.acme,
        actor=personas.rita,
        kind="leads",
        action="reassign",
        status=BulkStatus.RUNNING,
        heartbeat_at=timezone.now(),
    )
    assert services.bulk_jobs_reap() == 1
    running.refresh_from_db()
    alive.refresh_from_db()
    assert (running.status, running.error, alive.status) == ("failed", "stopped", "running")


def test_only_its_author_or_a_manager_undoes_a_job(personas, acme_leads):
    lead = acme_leads[0]  # bob's
    job = services.bulk_job_start(
        actor=personas.actor("bob"),
        kind="leads",
        action="reassign",
        ids=[lead.pk],
        args={"to_owner": personas.alice.pk},
    )
    with pytest.raises(PermissionDenied):
        services.bulk_job_undo(actor=personas.actor("alice"), job=job)
    services.bulk_job_undo(actor=personas.actor("dave"), job=job)
    assert Lead.objects.get(pk=lead.pk).owner_id == personas.bob.pk
