"""Reacting to a win: one of a few emoji codes (``Reaction.Emoji``), once per person and emoji.

Reactions are social, not records: not audited. Setting is idempotent (the API's PUT and
DELETE); the wall's button toggles."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.wins.models import Reaction, WinPost
from cordee.wins.selectors import post_get


def _emoji_clean(emoji: Any) -> str:
    code = str(emoji or "")
    if code not in Reaction.Emoji.values:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={
                "emoji": [
                    _("Choose among: %(choices)s.") % {"choices": ", ".join(Reaction.Emoji.values)}
                ]
            },
        )
    return code


def reaction_set(*, actor: Actor, post_id: Any, emoji: Any, on: bool) -> bool:
    """Put (``on``) or take away the actor's ``emoji`` on a post of the wall (``win.react``);
    doing it twice changes nothing. Returns whether the reaction is there now."""
    actor.require("win.react")
    post: WinPost = post_get(actor, post_id)  # another workspace's: 404 before anything
    code = _emoji_clean(emoji)
    mine = Reaction.objects.filter(post=post, user=actor.user, emoji=code)
    if not on:
        mine.delete()
        return False
    if not mine.exists():
        try:
            with transaction.atomic():
                Reaction.objects.create(post=post, user=actor.user, emoji=code)
        except IntegrityError:  # the same click twice at once: it is there
            pass
    return True


def reaction_toggle(*, actor: Actor, post_id: Any, emoji: Any) -> bool:
    """The actor's ``emoji`` on the post if it was not there, away if it was; returns whether
    it is there now."""
    actor.require("win.react")
    post = post_get(actor, post_id)
    code = _emoji_clean(emoji)
    there = Reaction.objects.filter(post=post, user=actor.user, emoji=code).exists()
    return reaction_set(actor=actor, post_id=post.pk, emoji=code, on=not there)
