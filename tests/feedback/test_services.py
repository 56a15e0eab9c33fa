"""Submitting, voting, triage and merging: who may, what is kept, what conflicts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cordee.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cordee.feedback import services
from cordee.feedback.models import (
    FeedbackEmbedding,
    FeedbackItem,
    FeedbackStatusChange,
    FeedbackVote,
)
from cordee.feedback.services import (
    feedback_assign,
    feedback_merge,
    feedback_status_change,
    feedback_submit,
    feedback_unvote,
    feedback_vote,
    voices,
)
from cordee.funnel.models import RejectionReason
from cordee.people.models import PodMember
from tests import factories as f
from tests.feedback.conftest import raise_item


def test_a_rep_raises_feedback_linked_to_their_account_and_pod(personas):
    pod = f.PodFactory(workspace=personas.acme, name="PME Ouest")
    PodMember.objects.create(pod=pod, user=personas.bob)
    account = f.AccountFactory(workspace=personas.acme)
    item = raise_item(personas, account=account.pk, kind="pricing", title="  Trop   cher ")
    assert (item.title, item.kind, item.status) == ("Trop cher", "pricing", "new")
    assert (item.author, item.pod, item.account) == (personas.bob, pod, account)
    # embeddings are made in the background, never in the request
    assert not FeedbackEmbedding.objects.exists()


def test_executives_read_but_do_not_raise_feedback(personas):
    with pytest.raises(PermissionDenied):
        raise_item(personas, who="erin")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "rumour"}, "kind"),
        ({"title": ""}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_names_the_field(personas, data, field):
    with pytest.raises(ValidationFailed) as caught:
        raise_item(personas, **data)
    assert field in caught.value.field_errors
    assert not FeedbackItem.objects.exists()


def test_links_must_belong_to_the_workspace(personas):
    foreign = f.AccountFactory(workspace=personas.globex)
    with pytest.raises(ValidationFailed) as caught:
        raise_item(personas, account=foreign.pk)
    assert "account" in caught.value.field_errors


def test_only_lead_quality_feedback_names_a_rejection_reason(personas):
    reason = RejectionReason.objects.create(workspace=personas.acme, code="bad_fit", label="HC")
    with pytest.raises(ValidationFailed) as caught:
        raise_item(personas, kind="objection", rejection_reason=reason.pk)
    assert "rejection_reason" in caught.value.field_errors
    item = raise_item(personas, kind="lead_quality", rejection_reason=reason.pk)
    assert item.rejection_reason == reason


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_an_attachment_is_kept_when_its_content_matches(personas):
    upload = SimpleUploadedFile("capture.png", PNG, content_type="image/png")
    item = feedback_submit(
        actor=personas.actor("bob"),
        data={"kind": "competitor_move", "title": "Offre Rivalis"},
        attachment=upload,
    )
    assert item.attachment_name == "capture.png"
    with item.attachment.open("rb") as stored:
        assert stored.read() == PNG


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tarif.pdf", b"<html>not a pdf</html>", "content"),
        ("outil.exe", b"MZ\x90\x00", "allowed"),
        ("notes.txt", b"\x00\x01\x02", "content"),
        ("deck.pptx", b"PK\x03\x04garbage", "content"),
        ("grand.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "10 MB"),
    ],
)
def test_an_attachment_of_the_wrong_kind_or_size_is_refused(personas, name, content, message):
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        feedback_submit(
            actor=personas.actor("bob"),
            data={"kind": "objection", "title": "Pièce jointe"},
            attachment=SimpleUploadedFile(name, content),
        )
    assert message in caught.value.field_errors["attachment"][0]
    assert not FeedbackItem.objects.exists()


def test_an_office_file_is_recognised_by_its_parts(personas):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    item = raise_item(personas)
    services.feedback_attach(
        actor=personas.actor("bob"),
        item_id=item.pk,
        attachment=SimpleUploadedFile("chiffres.xlsx", buffer.getvalue()),
    )
    with pytest.raises(ValidationFailed):  # the same bytes are not a Word document
        services.feedback_attach(
            actor=personas.actor("bob"),
            item_id=item.pk,
            attachment=SimpleUploadedFile("chiffres.docx", buffer.getvalue()),
        )


def test_votes_are_once_per_person_and_not_for_ones_own_item(personas):
    item = raise_item(personas)
    assert feedback_vote(actor=personas.actor("dave"), item_id=item.pk) == 1
    assert feedback_vote(actor=personas.actor("dave"), item_id=item.pk) == 1
    assert feedback_vote(actor=personas.actor("alice"), item_id=item.pk) == 2
    with pytest.raises(ValidationFailed):
        feedback_vote(actor=personas.actor("bob"), item_id=item.pk)
    with pytest.raises(PermissionDenied):
        feedback_vote(actor=personas.actor("erin"), item_id=item.pk)
    assert feedback_unvote(actor=personas.actor("dave"), item_id=item.pk) == 1


def test_a_rep_cannot_change_the_status(personas):
    item = raise_item(personas)
    for who in ("bob", "dave", "erin"):
        with pytest.raises(PermissionDenied):
            feedback_status_change(actor=personas.actor(who), item_id=item.pk, to_status="done")
    item.refresh_from_db()
    assert item.status == "new"


def test_another_workspaces_item_is_not_found(personas):
    item = raise_item(personas)
    with pytest.raises(NotFound):
        feedback_status_change(
            actor=personas.actor("carol"), item_id=item.pk, to_status="acknowledged"
        )
    with pytest.raises(NotFound):
        feedback_vote(actor=personas.actor("carol"), item_id=item.pk)


def test_every_status_change_keeps_who_when_why(personas):
    item = raise_item(personas)
    alice = personas.actor("alice")
    feedback_status_change(actor=alice, item_id=item.pk, to_status="acknowledged")
    feedback_status_change(actor=alice, item_id=item.pk, to_status="planned", reason="Q3")
    feedback_status_change(actor=alice, item_id=item.pk, to_status="done", reason="Livré")
    item.refresh_from_db()
    history = list(
        FeedbackStatusChange.objects.filter(item=item).values_list(
            "from_status", "to_status", "actor__email", "reason"
        )
    )
    assert history == [
        ("new", "acknowledged", "alice@example.fr", ""),
        ("acknowledged", "planned", "alice@example.fr", "Q3"),
        ("planned", "done", "alice@example.fr", "Livré"),
    ]
    assert item.acknowledged_at is not None and item.closed_at is not None
    assert item.acknowledged_at <= item.closed_at
    # reopening clears the close but keeps the first acknowledgement
    first_ack = item.acknowledged_at
    feedback_status_change(actor=alice, item_id=item.pk, to_status="acknowledged", reason="Bug")
    item.refresh_from_db()
    assert (item.status, item.closed_at, item.acknowledged_at) == ("acknowledged", None, first_ack)


def test_illegal_moves_and_wont_do_without_a_reason_are_refused(personas):
    item = raise_item(personas)
    alice = personas.actor("alice")
    with pytest.raises(ValidationFailed) as caught:
        feedback_status_change(actor=alice, item_id=item.pk, to_status="done")
    assert "to_status" in caught.value.field_errors
    with pytest.raises(ValidationFailed) as caught:
        feedback_status_change(actor=alice, item_id=item.pk, to_status="wont_do")
    assert "reason" in caught.value.field_errors


def test_a_concurrent_status_change_is_a_conflict(personas, monkeypatch):
    item = raise_item(personas)
    # mia changed the item after alice loaded it: alice's conditional UPDATE finds no row
    real = services._item

    def stale(actor, item_id):
        loaded = real(actor, item_id)
        FeedbackItem.objects.filter(pk=item_id).update(status="acknowledged")
        return loaded

    monkeypatch.setattr(services, "_item", stale)
    with pytest.raises(Conflict):
        feedback_status_change(actor=personas.actor("alice"), item_id=item.pk, to_status="planned")
    assert not FeedbackStatusChange.objects.exists()


def test_a_stale_screen_is_a_conflict(personas):
    item = raise_item(personas)
    feedback_status_change(actor=personas.actor("mia"), item_id=item.pk, to_status="acknowledged")
    with pytest.raises(Conflict):
        feedback_status_change(
            actor=personas.actor("alice"),
            item_id=item.pk,
            to_status="acknowledged",
            expected_status="new",
        )


def test_assign_owner_and_due_date(personas):
    item = raise_item(personas)
    alice = personas.actor("alice")
    feedback_assign(actor=alice, item_id=item.pk, owner_id=personas.mia.pk)
    feedback_assign(actor=alice, item_id=item.pk, due_on=dt.date(2026, 6, 1))
    item.refresh_from_db()
    assert (item.owner, item.due_on) == (personas.mia, dt.date(2026, 6, 1))
    with pytest.raises(ValidationFailed):
        feedback_assign(actor=alice, item_id=item.pk, owner_id=personas.carol.pk)
    with pytest.raises(PermissionDenied):
        feedback_assign(actor=personas.actor("bob"), item_id=item.pk, owner_id=None)


def test_merge_keeps_every_voice_and_author(personas):
    target = raise_item(personas, who="bob", title="Trop cher")
    duplicate = raise_item(personas, who="dave", title="Too expensive")
    older = raise_item(personas, who="rita", title="Prix élevé")
    feedback_vote(actor=personas.actor("alice"), item_id=target.pk)
    feedback_vote(actor=personas.actor("alice"), item_id=duplicate.pk)  # on both: one vote kept
    feedback_vote(actor=personas.actor("mia"), item_id=duplicate.pk)
    feedback_vote(actor=personas.actor("bob"), item_id=duplicate.pk)  # the target's author
    feedback_vote(actor=personas.actor("mia"), item_id=older.pk)
    alice = personas.actor("alice")
    feedback_merge(actor=alice, item_id=older.pk, into_id=duplicate.pk)
    result = feedback_merge(actor=alice, item_id=duplicate.pk, into_id=target.pk)

    assert result.pk == target.pk
    older.refresh_from_db()
    duplicate.refresh_from_db()
    assert older.merged_into_id == target.pk  # followed its target
    assert duplicate.merged_into_id == target.pk
    assert duplicate.acknowledged_at is not None
    voters = sorted(FeedbackVote.objects.filter(item=target).values_list("user__email", flat=True))
    # alice and mia (each once), dave and rita (the merged authors); bob authored the target
    assert voters == [
        "alice@example.fr",
        "dave@example.fr",
        "mia@example.fr",
        "rita@example.fr",
    ]
    assert not FeedbackVote.objects.exclude(item=target).exists()
    assert sorted(u.email for u in voices(target)) == [
        "alice@example.fr",
        "bob@example.fr",
        "dave@example.fr",
        "mia@example.fr",
        "rita@example.fr",
    ]
    # a vote on a merged item goes to its target
    assert feedback_vote(actor=personas.actor("rita"), item_id=duplicate.pk) == 4


def test_merge_refuses_itself_and_merged_targets(personas):
    a = raise_item(personas, title="A")
    b = raise_item(personas, title="B")
    alice = personas.actor("alice")
    with pytest.raises(ValidationFailed):
        feedback_merge(actor=alice, item_id=a.pk, into_id=a.pk)
    feedback_merge(actor=alice, item_id=a.pk, into_id=b.pk)
    with pytest.raises(Conflict):
        feedback_merge(actor=alice, item_id=a.pk, into_id=b.pk)
    with pytest.raises(ValidationFailed):
        feedback_merge(actor=alice, item_id=b.pk, into_id=a.pk)
    with pytest.raises(PermissionDenied):
        feedback_merge(actor=personas.actor("bob"), item_id=b.pk, into_id=a.pk)
