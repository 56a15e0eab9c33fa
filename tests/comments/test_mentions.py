"""A mention notifies the member mentioned, once, in their language, with a link to the record;
a mention of anyone else notifies nobody."""

from __future__ import annotations

import pytest
from django.test import Client

from cordee.comments import services
from cordee.comments.mentions import mention_token
from cordee.comments.selectors import mentionable
from cordee.people.models import Notification
from tests import factories as f


def _mention(user) -> str:
    return mention_token(user.pk, str(user))


def test_a_mention_notifies_the_member_once_in_their_language_with_a_link(personas, acme_records):
    bob = personas.bob
    bob.language = "fr"
    bob.save()
    lead = acme_records["lead"]
    comment = services.comment_post(
        actor=personas.actor("alice"),
        kind="lead",
        record_id=lead.pk,
        body=f"{_mention(bob)} peux-tu rappeler Julien demain ?",
    )

    notice = Notification.objects.get()
    assert notice.user == bob
    assert notice.workspace == personas.acme
    assert notice.url == f"/w/acme/leads/{lead.pk}/#comment-{comment.pk}"

    # bob reads his notifications (no language cookie): in French, as he chose
    client = Client()
    client.force_login(bob)
    page = client.get("/w/acme/notifications/").content.decode()
    assert "Alice Test vous a mentionné sur Julien Fournier" in page
    assert "@Bob Test peux-tu rappeler Julien demain ?" in page
    assert f'href="/w/acme/leads/{lead.pk}/#comment-{comment.pk}"' in page

    # the same words in English for a reader of English
    bob.language = "en"
    bob.save()
    page = client.get("/w/acme/notifications/").content.decode()
    assert "Alice Test mentioned you on Julien Fournier" in page


def test_the_author_mentioning_themself_hears_nothing(personas, acme_records):
    services.comment_post(
        actor=personas.actor("alice"),
        kind="lead",
        record_id=acme_records["lead"].pk,
        body=f"note pour moi : {_mention(personas.alice)}",
    )
    assert Notification.objects.count() == 0


def test_a_mention_of_a_non_member_or_of_another_workspace_notifies_nobody(personas, acme_records):
    stranger = f.UserFactory(email="zoe@example.fr", first_name="Zoé", last_name="Sans")
    former = f.UserFactory(email="yann@example.fr", first_name="Yann", last_name="Parti")
    f.MembershipFactory(workspace=personas.acme, user=former, role="sales_rep", is_active=False)
    comment = services.comment_post(
        actor=personas.actor("alice"),
        kind="account",
        record_id=acme_records["account"].pk,
        body=(
            f"{_mention(personas.carol)} {_mention(stranger)} {_mention(former)} "
            "@[Personne](999999)"
        ),
    )
    assert Notification.objects.count() == 0
    assert comment.mentioned_ids == []


def test_editing_a_comment_to_add_a_mention_notifies_the_new_person_once(personas, acme_records):
    alice, bob, dave = personas.alice, personas.bob, personas.dave
    actor = personas.actor("alice")
    comment = services.comment_post(
        actor=actor,
        kind="opportunity",
        record_id=acme_records["opportunity"].pk,
        body=f"{_mention(bob)} le devis ?",
    )
    services.comment_edit(
        actor=actor, comment_id=comment.pk, body=f"{_mention(bob)} {_mention(dave)} le devis ?"
    )
    # dave mentioned again by a later edit, and bob still: nobody is told twice
    services.comment_edit(
        actor=actor, comment_id=comment.pk, body=f"{_mention(bob)} {_mention(dave)} le devis !"
    )
    told = sorted(Notification.objects.values_list("user__first_name", flat=True))
    assert told == ["Bob", "Dave"]
    assert not Notification.objects.filter(user=alice).exists()


@pytest.mark.parametrize("typed", ["hel", "HÉL", "Hélène", "dupr", "helene.d"])
def test_members_to_mention_match_the_typed_prefix_whatever_the_accents(personas, typed):
    helene = f.UserFactory(email="helene.d@example.fr", first_name="Hélène", last_name="Dupré")
    f.MembershipFactory(workspace=personas.acme, user=helene, role="marketer")
    elsewhere = f.UserFactory(email="helene.x@example.fr", first_name="Hélène", last_name="Xu")
    f.MembershipFactory(workspace=personas.globex, user=elsewhere, role="marketer")

    assert mentionable(actor=personas.actor("alice"), prefix=typed) == [helene]


def test_a_prefix_that_matches_no_member_finds_nobody(personas):
    assert mentionable(actor=personas.actor("alice"), prefix="carol") == []
