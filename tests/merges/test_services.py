"""Merging duplicate contacts and accounts: every related row follows, the loser goes, the merge
is kept and explained."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone, translation

from cordee.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cordee.core.records import record_update
from cordee.crm.models import Account, CampaignMember, Contact
from cordee.crm.records import CONTACTS
from cordee.funnel.activities import record_about
from cordee.funnel.timeline import timeline
from cordee.merges.models import Merge
from cordee.merges.moves import RELATIONS, relations_of
from cordee.merges.services import merge_records
from cordee.search.selectors import search
from cordee.search.services import workspace_reindex
from tests import factories as f


def _count(table: str, column: str, value: int) -> int:
    """A raw SQL count, independent of the ORM the merge used."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} = %s", [value])
        return cursor.fetchone()[0]


def test_every_relation_to_contacts_and_accounts_is_handled():
    """A foreign key to Contact or Account added tomorrow fails here until the merge names the
    kind of row it moves (moves.RELATIONS); the move itself is generic."""
    for model in (Contact, Account):
        found = {(related._meta.label, name) for related, name, _rel in relations_of(model)}
        missing = found - set(RELATIONS)
        assert not missing, f"merges.moves.RELATIONS must name these relations: {missing}"


def test_merge_moves_every_related_row_and_keeps_the_history(personas, duplicates):
    rita = personas.actor("rita")
    keep, gone = duplicates["keep"], duplicates["gone"]
    survivor, loser = keep["contact"], gone["contact"]

    # both in one campaign's list (the loser's membership is the survivor's already: dropped),
    # the loser alone in another (moved); a field a person changed on the loser
    both, only_loser = (f.CampaignFactory(workspace=personas.acme) for _ in range(2))
    now = timezone.now()
    for campaign, contact in ((both, survivor), (both, loser), (only_loser, loser)):
        CampaignMember.objects.create(
            workspace=personas.acme, campaign=campaign, contact=contact, added_at=now
        )
    record_update(actor=rita, spec=CONTACTS, instance=loser, data={"job_title": "DAF adjointe"})

    merge = merge_records(actor=rita, kind="contact", survivor_id=survivor.pk, loser_id=loser.pk)

    assert _count("crm_campaignmember", "contact_id", survivor.pk) == 2
    assert _count("crm_campaignmember", "contact_id", loser.pk) == 0
    # the loser's field history is told on the survivor now
    assert _count("core_fieldchange", "record_id", survivor.pk) == 1
    # every row of the loser points at the survivor now, counted by raw SQL
    assert _count("crm_lead", "contact_id", survivor.pk) == 2
    assert _count("crm_touchpoint", "contact_id", survivor.pk) == 4
    assert _count("funnel_task", "contact_id", survivor.pk) == 2
    assert _count("comments_comment", "contact_id", survivor.pk) == 2
    for table, column in (
        ("crm_lead", "contact_id"),
        ("crm_touchpoint", "contact_id"),
        ("funnel_task", "contact_id"),
        ("comments_comment", "contact_id"),
    ):
        assert _count(table, column, loser.pk) == 0
    # the opportunity and the feedback item followed their lead
    gone["opportunity"].refresh_from_db()
    gone["feedback"].refresh_from_db()
    assert gone["opportunity"].lead.contact_id == survivor.pk
    assert gone["feedback"].lead.contact_id == survivor.pk
    assert _count("crm_contact", "id", loser.pk) == 0

    merge.refresh_from_db()
    assert merge.loser_id == loser.pk
    assert merge.loser_snapshot["fields"]["email"] == "h.martin@gmail.com"
    assert merge.loser_snapshot["fields"]["job_title"] == "DAF adjointe"
    assert merge.loser_snapshot["fields"]["phone"] == "+33 6 12 34 56 78"
    assert merge.loser_snapshot["shown"]["account"] == "Compte de MARTIN"
    # one of each moved: a lead, a marketing touch, a call, a task, a comment; and through the
    # lead an opportunity and a feedback item
    assert merge.moved == {
        "leads": 1,
        "touches": 1,
        "activities": 1,
        "tasks": 1,
        "comments": 1,
        "opportunities_via_leads": 1,
        "feedback_via_leads": 1,
        "campaign_members": 1,
        "campaign_members_dropped": 1,
    }
    assert merge.actor == personas.rita

    # the survivor's timeline shows the merge (and the calls of both)
    page = timeline(
        actor=rita, about=record_about(actor=rita, record="contact", record_id=survivor.pk)
    )
    merges = [e for e in page.entries if e.kind == "merge"]
    assert len(merges) == 1 and "Helene MARTIN" in merges[0].title
    assert len([e for e in page.entries if e.kind == "activity"]) == 2


def test_field_choices_are_applied_and_the_defaults_fill_the_gaps(personas, duplicates):
    survivor, loser = duplicates["keep"]["contact"], duplicates["gone"]["contact"]
    merge = merge_records(
        actor=personas.actor("dave"),
        kind="contact",
        survivor_id=survivor.pk,
        loser_id=loser.pk,
        choices={"email": "loser", "first_name": "survivor"},
    )
    survivor.refresh_from_db()
    assert survivor.email == "h.martin@gmail.com"  # chosen: the loser's (its e-mail was freed)
    assert survivor.first_name == "Hélène"  # chosen: the survivor's
    assert survivor.phone == "+33 6 12 34 56 78"  # the survivor had none: the loser's
    assert survivor.job_title == "DAF"  # same
    assert survivor.last_name == "Martin"  # default: the survivor's non-empty value
    assert survivor.account == duplicates["keep"]["account"]
    assert merge.choices["email"] == {
        "from": "loser",
        "survivor": "helene@acme.fr",
        "loser": "h.martin@gmail.com",
    }
    assert merge.choices["phone"]["from"] == "loser"


def test_search_finds_the_survivor_and_no_longer_the_loser(personas, duplicates):
    workspace_reindex(workspace_id=personas.acme.pk)
    rita = personas.actor("rita")
    survivor, loser = duplicates["keep"]["contact"], duplicates["gone"]["contact"]
    merge_records(
        actor=rita,
        kind="contact",
        survivor_id=survivor.pk,
        loser_id=loser.pk,
        choices={"email": "loser"},
    )
    found = {h.id for h in search(rita, "martin", ["contact"], 10)}
    assert found == {survivor.pk}
    assert {h.id for h in search(rita, "h.martin", ["contact"], 10)} == {survivor.pk}


def test_accounts_merge_moves_contacts_and_opportunities(personas, pod_named):
    ws = personas.acme
    keep = f.AccountFactory(workspace=ws, name="Société Générale", domain="societegenerale.fr")
    gone = f.AccountFactory(workspace=ws, name="Societe Generale", domain="")
    contacts = [f.ContactFactory(workspace=ws, account=gone) for _ in range(3)]
    opportunities = [f.OpportunityFactory(workspace=ws, account=gone) for _ in range(2)]
    f.OpportunityFactory(workspace=ws, account=keep)
    pod_named.named_accounts.add(keep, gone)  # the same pod names both: one link survives

    merge = merge_records(
        actor=personas.actor("rita"), kind="account", survivor_id=keep.pk, loser_id=gone.pk
    )

    assert _count("crm_contact", "account_id", keep.pk) == 3
    assert _count("crm_opportunity", "account_id", keep.pk) == 3
    assert _count("crm_opportunity", "account_id", gone.pk) == 0
    assert {c.account_id for c in Contact.objects.filter(pk__in=[c.pk for c in contacts])} == {
        keep.pk
    }
    assert list(pod_named.named_accounts.all()) == [keep]
    assert not Account.objects.filter(pk=gone.pk).exists()
    assert merge.moved == {"contacts": 3, "opportunities": 2, "pods_dropped": 1}
    assert len(opportunities) == 2


def test_a_merge_in_both_directions_the_second_is_refused_clearly(personas, duplicates):
    a, b = duplicates["keep"]["contact"], duplicates["gone"]["contact"]
    rita = personas.actor("rita")
    merge_records(actor=rita, kind="contact", survivor_id=b.pk, loser_id=a.pk)
    with pytest.raises(Conflict) as refused, translation.override("en"):
        merge_records(actor=personas.actor("mia"), kind="contact", survivor_id=a.pk, loser_id=b.pk)
    assert "Hélène Martin was already merged into Helene MARTIN" in refused.value.message
    assert Contact.objects.filter(pk=b.pk).exists()
    assert Merge.objects.count() == 1


def test_the_loser_of_an_earlier_merge_passes_its_history_on(personas, duplicates):
    """C merged into B, then B into A: A's merges are both, and C's merge points at A."""
    ws = personas.acme
    a, b = duplicates["keep"]["contact"], duplicates["gone"]["contact"]
    c = f.ContactFactory(workspace=ws, first_name="H.", last_name="Martin")
    rita = personas.actor("rita")
    first = merge_records(actor=rita, kind="contact", survivor_id=b.pk, loser_id=c.pk)
    second = merge_records(actor=rita, kind="contact", survivor_id=a.pk, loser_id=b.pk)
    first.refresh_from_db()
    assert first.survivor_contact_id == a.pk
    assert second.moved["merges"] == 1


def test_a_rep_may_not_merge(personas, duplicates):
    a, b = duplicates["keep"]["contact"], duplicates["gone"]["contact"]
    with pytest.raises(PermissionDenied):
        merge_records(actor=personas.actor("bob"), kind="contact", survivor_id=a.pk, loser_id=b.pk)
    assert Contact.objects.filter(pk__in=[a.pk, b.pk]).count() == 2


def test_another_workspace_record_is_not_found(personas, duplicates):
    theirs = f.ContactFactory(workspace=personas.globex)
    with pytest.raises(NotFound):
        merge_records(
            actor=personas.actor("rita"),
            kind="contact",
            survivor_id=duplicates["keep"]["contact"].pk,
            loser_id=theirs.pk,
        )
    assert Contact.objects.filter(pk=theirs.pk).exists()


def test_a_record_cannot_be_merged_into_itself_nor_with_unknown_fields(personas, duplicates):
    a, b = duplicates["keep"]["contact"], duplicates["gone"]["contact"]
    rita = personas.actor("rita")
    with pytest.raises(ValidationFailed):
        merge_records(actor=rita, kind="contact", survivor_id=a.pk, loser_id=a.pk)
    with pytest.raises(ValidationFailed) as refused:
        merge_records(
            actor=rita, kind="contact", survivor_id=a.pk, loser_id=b.pk, choices={"id": "loser"}
        )
    assert set(refused.value.field_errors) == {"id"}
