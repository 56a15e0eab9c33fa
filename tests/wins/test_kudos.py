"""Kudos: the rules (not to oneself, an active member or a pod of the workspace, a message),
the sides fixed when sent and across the sides counted apart — for a person and for a pod —,
the recipients told in the app, the chat hooks routed to the pods concerned, taking back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cordee.core.errors import Conflict, PermissionDenied, ValidationFailed
from cordee.integrations.models import WebhookDelivery, WebhookSubscription
from cordee.people.models import Notification, PodMember
from cordee.people.notices import notice_render
from cordee.wins import kudos as service
from cordee.wins.kudos_selectors import kudos_counts, kudos_list
from cordee.wins.models import Kudos
from tests import factories as f
from tests.wins.wall_rows import both_sides_post

pytestmark = pytest.mark.django_db


def _send(personas: Any, sender: str, **kwargs: Any) -> Kudos:
    kwargs.setdefault("message", "Merci pour le lead Lumière, parfaitement qualifié !")
    return service.kudos_send(actor=personas.actor(sender), **kwargs)


def _pod(personas: Any, *members: str, name: str = "Pod Santé") -> Any:
    pod = f.PodFactory(workspace=personas.acme, name=name)
    for member in members:
        PodMember.objects.create(pod=pod, user=getattr(personas, member))
    return pod


def _refused(personas: Any, sender: str, **kwargs: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as exc:
        _send(personas, sender, **kwargs)
    return exc.value.field_errors


def test_kudos_to_oneself_are_refused(personas):
    assert "recipient" in _refused(personas, "alice", recipient_user_id=personas.alice.pk)
    assert not Kudos.objects.exists()


def test_a_recipient_of_another_workspace_is_refused_naming_the_field(personas):
    assert "recipient" in _refused(personas, "alice", recipient_user_id=personas.carol.pk)
    globex_pod = f.PodFactory(workspace=personas.globex)
    assert "pod" in _refused(personas, "alice", pod_id=globex_pod.pk)


def test_a_deactivated_member_is_refused(personas):
    personas.bob.memberships.filter(workspace=personas.acme).update(is_active=False)
    assert "recipient" in _refused(personas, "alice", recipient_user_id=personas.bob.pk)


def test_one_recipient_and_a_message_are_required(personas):
    pod = _pod(personas, "bob")
    both = {"recipient_user_id": personas.bob.pk, "pod_id": pod.pk}
    assert "recipient" in _refused(personas, "alice", **both)
    assert "recipient" in _refused(personas, "alice")
    assert "message" in _refused(personas, "alice", recipient_user_id=personas.bob.pk, message=" ")
    too_long = "x" * (service.MESSAGE_MAX + 1)
    assert "message" in _refused(
        personas, "alice", recipient_user_id=personas.bob.pk, message=too_long
    )


def test_a_post_of_another_workspace_is_refused(personas):
    from tests.wins.wall_rows import deal_post

    theirs = deal_post(personas.globex, key="deal:g")
    assert "post" in _refused(
        personas, "alice", recipient_user_id=personas.bob.pk, post_id=theirs.pk
    )


def test_sides_are_fixed_when_sent_and_across_is_between_marketing_and_sales(personas):
    to_sales = _send(personas, "alice", recipient_user_id=personas.bob.pk)
    assert (to_sales.sender_side, to_sales.recipient_side, to_sales.cross_side) == (
        "marketing",
        "sales",
        True,
    )
    same_side = _send(personas, "alice", recipient_user_id=personas.mia.pk)
    assert same_side.cross_side is False
    from_executive = _send(personas, "erin", recipient_user_id=personas.bob.pk)
    assert (from_executive.sender_side, from_executive.cross_side) == ("other", False)


def test_kudos_to_a_pod_are_across_when_it_counts_a_member_of_the_other_side(personas):
    mixed = _pod(personas, "alice", "bob", name="Pod mixte")
    marketing_only = _pod(personas, "alice", "mia", name="Pod marketing")
    to_mixed = _send(personas, "dave", pod_id=mixed.pk)
    to_marketing_only = _send(personas, "mia", pod_id=marketing_only.pk)
    from_sales_to_marketing = _send(personas, "bob", pod_id=marketing_only.pk)
    assert to_mixed.cross_side is True  # dave (sales) → a pod with alice (marketing)
    assert to_marketing_only.cross_side is False  # mia → her own side only
    assert from_sales_to_marketing.cross_side is True
    assert to_mixed.recipient_id is None and to_mixed.recipient_side == ""


def test_cross_side_kudos_are_counted_apart(personas):
    pod = _pod(personas, "alice", "bob")
    _send(personas, "alice", recipient_user_id=personas.bob.pk)  # across
    _send(personas, "alice", recipient_user_id=personas.mia.pk)  # same side
    _send(personas, "dave", pod_id=pod.pk)  # across (alice in the pod)
    _send(personas, "erin", recipient_user_id=personas.alice.pk)  # executive: never across
    today = personas.acme.today()
    counts = kudos_counts(personas.acme, today - dt.timedelta(days=1), today)
    assert (counts.total, counts.cross_side) == (4, 2)
    # for the pod: to it (dave's), to a member (bob's from alice, alice's from erin), or by a
    # member (alice's to bob and to mia) — all four, two across
    in_pod = kudos_counts(personas.acme, today, today, pod_id=pod.pk)
    assert (in_pod.total, in_pod.cross_side) == (4, 2)


def test_the_recipient_is_told_in_the_app(personas):
    kudos = _send(personas, "alice", recipient_user_id=personas.bob.pk)
    (note,) = Notification.objects.filter(user=personas.bob)
    assert note.code == "wins.kudos_received" and note.key == f"wins.kudos:{kudos.pk}"
    assert note.url == reverse("kudos_page", args=["acme"])
    title, body = notice_render(note.code, note.params)
    assert "Alice Test" in title and body == kudos.message


def test_each_pod_member_but_the_sender_is_told(personas):
    pod = _pod(personas, "alice", "bob", "dave")
    _send(personas, "dave", pod_id=pod.pk)
    told = set(Notification.objects.values_list("user_id", flat=True))
    assert told == {personas.alice.pk, personas.bob.pk}
    title, _body = notice_render("wins.kudos_received", Notification.objects.first().params)
    assert "Pod Santé" in title


def test_the_chat_hooks_are_routed_through_webhook_emit_to_the_pods(personas, monkeypatch):
    bobs_pod = _pod(personas, "bob", name="Pod Bob")
    other_pod = _pod(personas, "mia", name="Pod Mia")
    calls: list[dict[str, Any]] = []
    real = service.webhook_emit

    def spy(**kwargs: Any) -> Any:
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(service, "webhook_emit", spy)
    everything = WebhookSubscription.objects.create(
        workspace=personas.acme,
        name="Tout",
        url="https://hooks.example.com/a",
        events=["kudos.sent"],
    )
    routed_bob = WebhookSubscription.objects.create(
        workspace=personas.acme,
        name="Bob",
        url="https://hooks.example.com/b",
        events=["kudos.sent"],
    )
    routed_bob.pods.set([bobs_pod])
    routed_mia = WebhookSubscription.objects.create(
        workspace=personas.acme,
        name="Mia",
        url="https://hooks.example.com/c",
        events=["kudos.sent"],
    )
    routed_mia.pods.set([other_pod])

    _send(personas, "alice", recipient_user_id=personas.bob.pk)
    assert calls[-1]["event"] == "kudos.sent" and calls[-1]["pod_ids"] == [bobs_pod.pk]
    assert calls[-1]["data"]["cross_side"] is True
    reached = set(WebhookDelivery.objects.values_list("subscription_id", flat=True))
    assert reached == {everything.pk, routed_bob.pk}

    WebhookDelivery.objects.all().delete()
    _send(personas, "dave", pod_id=other_pod.pk)
    assert calls[-1]["pod_ids"] == [other_pod.pk]
    reached = set(WebhookDelivery.objects.values_list("subscription_id", flat=True))
    assert reached == {everything.pk, routed_mia.pk}


def test_the_sender_takes_kudos_back_within_ten_minutes_only(personas, monkeypatch):
    kudos = _send(personas, "alice", recipient_user_id=personas.bob.pk)
    with pytest.raises(PermissionDenied):
        service.kudos_withdraw(actor=personas.actor("bob"), kudos_id=kudos.pk)
    later = kudos.created_at + dt.timedelta(minutes=service.WITHDRAW_MINUTES, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with pytest.raises(Conflict):
        service.kudos_withdraw(actor=personas.actor("alice"), kudos_id=kudos.pk)
    monkeypatch.setattr(timezone, "now", lambda: kudos.created_at + dt.timedelta(minutes=9))
    service.kudos_withdraw(actor=personas.actor("alice"), kudos_id=kudos.pk)
    assert not Kudos.objects.exists() and not Notification.objects.exists()


def test_the_lists_received_sent_and_all(personas):
    pod = _pod(personas, "bob")
    to_bob = _send(personas, "alice", recipient_user_id=personas.bob.pk)
    to_pod = _send(personas, "mia", pod_id=pod.pk)
    by_bob = _send(personas, "bob", recipient_user_id=personas.alice.pk)
    bob = personas.actor("bob")
    assert [k.pk for k in kudos_list(bob, box="received")] == [to_pod.pk, to_bob.pk]
    assert [k.pk for k in kudos_list(bob, box="sent")] == [by_bob.pk]
    assert len(kudos_list(bob)) == 3


# -- the kudos page ------------------------------------------------------------------------------


def test_the_kudos_page_sends_and_shows_this_months_counts(client, personas):
    post = both_sides_post(personas)
    client.force_login(personas.alice)
    page = client.get(
        reverse("kudos_page", args=["acme"]), {"to": personas.bob.pk, "post": post.pk}, secure=True
    )
    html = page.content.decode()
    assert page.status_code == 200 and f'data-about="{post.pk}"' in html
    response = client.post(
        reverse("kudos_page", args=["acme"]),
        {"recipient": personas.bob.pk, "message": "Merci pour le kit !", "post": post.pk},
        secure=True,
    )
    assert response.status_code == 302
    kudos = Kudos.objects.get()
    assert (kudos.recipient_id, kudos.post_id, kudos.cross_side) == (personas.bob.pk, post.pk, True)
    _send(personas, "alice", recipient_user_id=personas.mia.pk)
    html = client.get(reverse("kudos_page", args=["acme"]), secure=True).content.decode()
    assert 'data-total="2"' in html and 'data-cross-side="1"' in html
    assert f'data-withdraw="{kudos.pk}"' in html  # hers, just sent


def test_the_kudos_page_refuses_oneself_with_the_field_named(client, personas):
    client.force_login(personas.alice)
    response = client.post(
        reverse("kudos_page", args=["acme"]),
        {"recipient": personas.alice.pk, "message": "Bravo moi"},
        secure=True,
    )
    assert response.status_code == 422 and not Kudos.objects.exists()
    assert 'id="id_recipient_error"' in response.content.decode()


def test_an_id_no_row_can_have_is_refused_naming_the_field(personas):
    assert "recipient" in _refused(personas, "alice", recipient_user_id=2**70)
    assert "pod" in _refused(personas, "alice", pod_id=2**70)
