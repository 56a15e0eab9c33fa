"""Reactions: one per person and emoji, idempotent when set, toggled on the wall; a withdrawn
or another workspace's post is a 404."""

from __future__ import annotations

import pytest

from cordee.core.errors import NotFound, ValidationFailed
from cordee.wins.models import Reaction
from cordee.wins.reactions import reaction_set, reaction_toggle
from tests.wins.wall_rows import AT, both_sides_post, deal_post

pytestmark = pytest.mark.django_db


def test_toggling_puts_then_takes_away(personas):
    post = both_sides_post(personas)
    erin = personas.actor("erin")  # executives react too
    assert reaction_toggle(actor=erin, post_id=post.pk, emoji="rocket") is True
    assert reaction_toggle(actor=erin, post_id=post.pk, emoji="heart") is True
    assert Reaction.objects.filter(post=post, user=personas.erin).count() == 2
    assert reaction_toggle(actor=erin, post_id=post.pk, emoji="rocket") is False
    assert list(Reaction.objects.values_list("emoji", flat=True)) == ["heart"]


def test_setting_twice_changes_nothing(personas):
    post = both_sides_post(personas)
    bob = personas.actor("bob")
    for _ in range(2):
        assert reaction_set(actor=bob, post_id=post.pk, emoji="clap", on=True) is True
    assert Reaction.objects.count() == 1
    for _ in range(2):
        assert reaction_set(actor=bob, post_id=post.pk, emoji="clap", on=False) is False
    assert Reaction.objects.count() == 0


def test_an_unknown_emoji_names_the_field(personas):
    post = both_sides_post(personas)
    with pytest.raises(ValidationFailed) as exc:
        reaction_toggle(actor=personas.actor("bob"), post_id=post.pk, emoji="thumbsdown")
    assert "emoji" in exc.value.field_errors


def test_withdrawn_and_foreign_posts_are_not_found(personas):
    withdrawn = deal_post(personas.acme, key="deal:w", withdrawn_at=AT)
    theirs = deal_post(personas.globex, key="deal:g")
    for post in (withdrawn, theirs):
        with pytest.raises(NotFound):
            reaction_toggle(actor=personas.actor("alice"), post_id=post.pk, emoji="clap")


def test_an_id_no_row_can_have_is_not_found(personas):
    with pytest.raises(NotFound):
        reaction_toggle(actor=personas.actor("alice"), post_id=2**70, emoji="clap")
