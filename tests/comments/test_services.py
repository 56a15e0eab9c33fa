"""Comments on every kind of record: who may post, edit and delete (core/roles.py), what an
edit and a deletion keep, and that another workspace is out of reach."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cordee.comments import selectors, services
from cordee.comments.mentions import mention_token
from cordee.comments.models import Comment, CommentRevision
from cordee.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

KINDS = ["lead", "contact", "account", "opportunity", "campaign", "feedback"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_member_who_reads_a_record_comments_on_it(kind, personas, acme_records):
    record = acme_records[kind]
    for name in ("alice", "bob", "dave", "mia", "erin", "rita"):  # the executive too
        services.comment_post(
            actor=personas.actor(name), kind=kind, record_id=record.pk, body=f"vu par {name}"
        )
    thread = selectors.comments_on(actor=personas.actor("bob"), kind=kind, record_id=record.pk)
    assert [c.text for c in thread] == [
        "vu par alice",
        "vu par bob",
        "vu par dave",
        "vu par mia",
        "vu par erin",
        "vu par rita",
    ]
    assert {c.kind for c in thread} == {kind}


def test_a_comment_needs_words(personas, acme_records):
    with pytest.raises(ValidationFailed) as caught:
        services.comment_post(
            actor=personas.actor("alice"), kind="lead", record_id=acme_records["lead"].pk, body="  "
        )
    assert set(caught.value.field_errors) == {"text"}
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("kind", KINDS)
def test_another_workspaces_record_takes_no_comment_and_shows_none(
    kind, personas, acme_records, globex_records
):
    carol = personas.actor("carol")
    with pytest.raises(NotFound):
        services.comment_post(
            actor=carol, kind=kind, record_id=acme_records[kind].pk, body="je passe"
        )
    with pytest.raises(NotFound):
        selectors.comments_on(actor=carol, kind=kind, record_id=acme_records[kind].pk)
    # nor from Acme onto Globex's record
    with pytest.raises(NotFound):
        services.comment_post(
            actor=personas.actor("alice"),
            kind=kind,
            record_id=globex_records[kind].pk,
            body="je passe",
        )
    assert Comment.objects.count() == 0


def test_another_workspaces_comment_cannot_be_read_edited_or_deleted(personas, acme_records):
    comment = services.comment_post(
        actor=personas.actor("rita"), kind="lead", record_id=acme_records["lead"].pk, body="interne"
    )
    carol = personas.actor("carol")  # RevOps admin, but of Globex
    with pytest.raises(NotFound):
        selectors.comment_get(actor=carol, pk=comment.pk)
    with pytest.raises(NotFound):
        selectors.comment_history(actor=carol, pk=comment.pk)
    with pytest.raises(NotFound):
        services.comment_edit(actor=carol, comment_id=comment.pk, body="changé")
    with pytest.raises(NotFound):
        services.comment_delete(actor=carol, comment_id=comment.pk)
    comment.refresh_from_db()
    assert (comment.body, comment.deleted_at) == ("interne", None)


def test_only_the_author_edits_and_each_edit_keeps_the_previous_text(personas, acme_records):
    alice = personas.actor("alice")
    comment = services.comment_post(
        actor=alice, kind="campaign", record_id=acme_records["campaign"].pk, body="version 1"
    )
    for other in ("bob", "dave", "rita"):  # a manager neither
        with pytest.raises(PermissionDenied):
            services.comment_edit(actor=personas.actor(other), comment_id=comment.pk, body="x")
    services.comment_edit(actor=alice, comment_id=comment.pk, body="version 2")
    services.comment_edit(actor=alice, comment_id=comment.pk, body="version 3")

    view = selectors.comment_get(actor=personas.actor("bob"), pk=comment.pk)
    assert (view.text, view.revisions_count, view.edited_at is not None) == ("version 3", 2, True)
    history = selectors.comment_history(actor=personas.actor("bob"), pk=comment.pk)
    assert [r.text for r in history] == ["version 1", "version 2"]
    assert [r.replaced_by_name for r in history] == ["Alice Test", "Alice Test"]


def test_the_author_or_a_manager_deletes(personas, acme_records):
    lead = acme_records["lead"].pk
    post = services.comment_post
    by_alice = post(actor=personas.actor("alice"), kind="lead", record_id=lead, body="a")
    for not_allowed in ("bob", "erin"):
        with pytest.raises(PermissionDenied):
            services.comment_delete(actor=personas.actor(not_allowed), comment_id=by_alice.pk)
    services.comment_delete(actor=personas.actor("dave"), comment_id=by_alice.pk)  # a manager

    by_bob = post(actor=personas.actor("bob"), kind="lead", record_id=lead, body="b")
    services.comment_delete(actor=personas.actor("bob"), comment_id=by_bob.pk)  # its author
    with pytest.raises(Conflict):  # once
        services.comment_delete(actor=personas.actor("bob"), comment_id=by_bob.pk)
    with pytest.raises(Conflict):  # nor edited afterwards
        services.comment_edit(actor=personas.actor("bob"), comment_id=by_bob.pk, body="c")

    deleters = dict(Comment.objects.values_list("body", "deleted_by__first_name"))
    assert deleters == {"a": "Dave", "b": "Bob"}


def test_a_deleted_comment_says_who_and_when_and_keeps_its_text_from_others(personas, acme_records):
    lead = acme_records["lead"].pk
    comment = services.comment_post(
        actor=personas.actor("bob"), kind="lead", record_id=lead, body="budget : 40 k€"
    )
    services.comment_delete(actor=personas.actor("bob"), comment_id=comment.pk)

    (seen,) = selectors.comments_on(actor=personas.actor("alice"), kind="lead", record_id=lead)
    assert (seen.text, seen.body, str(seen.html)) == ("", "", "")
    assert seen.deleted_by_name == "Bob Test"
    assert seen.deleted_at is not None
    assert not (seen.can_edit or seen.can_delete or seen.can_read_history)
    # its text is kept for the history: its author and managers read it, others do not
    assert CommentRevision.objects.get(comment=comment).body == "budget : 40 k€"
    for reader in ("bob", "mia"):
        history = selectors.comment_history(actor=personas.actor(reader), pk=comment.pk)
        assert [r.text for r in history] == ["budget : 40 k€"]
    with pytest.raises(PermissionDenied):
        selectors.comment_history(actor=personas.actor("alice"), pk=comment.pk)


def test_mentions_show_the_members_current_name(personas, acme_records):
    bob = personas.bob
    services.comment_post(
        actor=personas.actor("alice"),
        kind="contact",
        record_id=acme_records["contact"].pk,
        body=f"{mention_token(bob.pk, 'ancien nom')} <b>voir</b>",
    )
    bob.first_name = "Robert"
    bob.save()
    (seen,) = selectors.comments_on(
        actor=personas.actor("alice"), kind="contact", record_id=acme_records["contact"].pk
    )
    assert seen.text == "@Robert Test <b>voir</b>"
    assert (
        str(seen.html) == '<p><span class="mention">@Robert Test</span> &lt;b&gt;voir&lt;/b&gt;</p>'
    )
    assert seen.mentioned == [{"id": bob.pk, "name": "Robert Test"}]


def _thread_queries(personas, lead, n: int) -> tuple[int, int]:
    """Adds comments up to ``n`` on ``lead`` (each mentioning someone, some edited, some
    deleted) and counts the queries of reading the thread."""
    people = [personas.alice, personas.bob, personas.dave, personas.mia]
    have = Comment.objects.filter(lead=lead).count()
    rows = [
        Comment(
            workspace=personas.acme,
            lead=lead,
            author=people[i % 4],
            body=f"{mention_token(people[(i + 1) % 4].pk, 'x')} n°{i}",
            mentioned_ids=[people[(i + 1) % 4].pk],
            deleted_by=personas.dave if i % 7 == 0 else None,
        )
        for i in range(have, n)
    ]
    Comment.objects.bulk_create(rows)
    edited = Comment.objects.filter(lead=lead).order_by("id")[:3]
    CommentRevision.objects.bulk_create(
        CommentRevision(comment=c, body="avant", written_at=c.created_at, replaced_by=c.author)
        for c in edited
        if not c.revisions.exists()
    )
    erin = personas.actor("erin")
    with CaptureQueriesContext(connection) as queries:
        thread = selectors.comments_on(actor=erin, kind="lead", record_id=lead.pk)
        [str(c.html) for c in thread]
    return len(thread), len(queries)


def test_a_threads_queries_do_not_grow_with_its_comments(personas, acme_records):
    lead = acme_records["lead"]
    ten, queries_for_10 = _thread_queries(personas, lead, 10)
    thousand, queries_for_1000 = _thread_queries(personas, lead, 1000)
    assert (ten, thousand) == (10, 1000)
    # the record, the comments (authors, deleters, edit counts joined), the mentioned names
    assert queries_for_10 == queries_for_1000 == 3
