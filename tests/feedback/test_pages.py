"""The field-feedback pages with the Django client: raising from a lead, the inbox and its
filters, an item's page and its triage, "my feedback", loop health, the catalogue, settings.

Pages are read in English (a language cookie) so that assertions name the English strings; the
French pages are checked by tests/i18n."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cordee.analytics import similarity as sim
from cordee.feedback.models import (
    Competitor,
    FeedbackItem,
    FeedbackResponse,
    FeedbackSettings,
    FeedbackStatusChange,
    FeedbackVote,
)
from cordee.feedback.services import feedback_respond, feedback_status_change, feedback_vote
from cordee.feedback.themes import embeddings_refresh
from cordee.funnel.models import RejectionReason
from cordee.people.models import Notification, PodMember
from tests import factories as f
from tests.feedback.conftest import raise_item
from tests.feedback.handmade import handmade


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def url(name: str, *args, slug: str = "acme") -> str:
    return reverse(name, args=[slug, *args])


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# -- raising an item ---------------------------------------------------------------------------


def test_the_lead_page_offers_field_feedback_prefilled_with_the_lead(personas):
    account = f.AccountFactory(workspace=personas.acme, name="Aciéries de Lorraine")
    campaign = f.CampaignFactory(workspace=personas.acme, name="Salon Lyon")
    contact = f.ContactFactory(workspace=personas.acme, account=account)
    lead = f.LeadFactory(workspace=personas.acme, contact=contact, source_campaign=campaign)
    page = client_for(personas.bob).get(url("leads_detail", lead.pk))
    link = f"{url('feedback_create')}?lead={lead.pk}"
    assert link in page.content.decode()
    # executives read but do not raise feedback: no button
    assert link not in client_for(personas.erin).get(url("leads_detail", lead.pk)).content.decode()

    form = client_for(personas.bob).get(link)
    html = form.content.decode()
    assert form.status_code == 200
    # the lead brings its account (shown as links) and its source campaign (preselected)
    assert f'name="lead" value="{lead.pk}"' in html
    assert f'name="account" value="{account.pk}"' in html
    # the campaign is typed and picked (no drop-down of every campaign): named in its box
    assert f'name="campaign" value="{campaign.pk}" data-picker-value' in html
    assert 'value="Salon Lyon" class="picker__input"' in html
    assert '<select name="campaign"' not in html
    assert "Aciéries de Lorraine" in html


def test_a_rep_raises_feedback_from_a_lead_and_lands_on_the_item(personas):
    account = f.AccountFactory(workspace=personas.acme)
    lead = f.LeadFactory(
        workspace=personas.acme, contact=f.ContactFactory(workspace=personas.acme, account=account)
    )
    rivalis = Competitor.objects.create(workspace=personas.acme, name="Rivalis")
    response = client_for(personas.bob).post(
        url("feedback_create"),
        {
            "kind": "competitor_move",
            "title": "Rivalis offre 3 mois",
            "text": "Le DAF l'a cité deux fois.",
            "competitor": str(rivalis.pk),
            "lead": str(lead.pk),
            "account": str(account.pk),
            "attachment": SimpleUploadedFile("offre.pdf", b"%PDF-1.7 fake"),
        },
    )
    item = FeedbackItem.objects.get()
    assert response.status_code == 302 and response["Location"] == url("feedback_detail", item.pk)
    assert (item.kind, item.author, item.lead, item.account, item.competitor) == (
        "competitor_move",
        personas.bob,
        lead,
        account,
        rivalis,
    )
    assert item.attachment_name == "offre.pdf"


def test_a_bad_attachment_is_refused_on_its_field_and_nothing_is_saved(personas):
    response = client_for(personas.bob).post(
        url("feedback_create"),
        {
            "kind": "objection",
            "title": "Trop cher",
            "attachment": SimpleUploadedFile("offre.pdf", b"<html>not a pdf</html>"),
        },
    )
    assert response.status_code == 422
    assert not FeedbackItem.objects.exists()
    field = re.search(
        r'<div class="field field--error">\s*<label for="id_attachment".*?</div>',
        response.content.decode(),
        re.S,
    )
    assert field and "does not match its extension (.pdf)" in field.group(0)


def test_a_missing_title_and_kind_are_named_on_their_fields(personas):
    response = client_for(personas.bob).post(url("feedback_create"), {"text": "…"})
    html = response.content.decode()
    assert response.status_code == 422
    assert html.count("field__error") == 2 and not FeedbackItem.objects.exists()


def test_the_rejection_reason_is_kept_for_lead_quality_only(personas):
    reason = RejectionReason.objects.create(workspace=personas.acme, code="hc", label="Hors cible")
    client = client_for(personas.bob)
    form = client.get(url("feedback_create")).content.decode()
    assert re.search(
        r'<div id="reason-field"\s+hidden>', form
    )  # shown once "lead quality" is chosen
    client.post(
        url("feedback_create"), {"kind": "objection", "title": "A", "rejection_reason": reason.pk}
    )
    client.post(
        url("feedback_create"),
        {"kind": "lead_quality", "title": "B", "rejection_reason": reason.pk},
    )
    assert dict(FeedbackItem.objects.values_list("title", "rejection_reason")) == {
        "A": None,
        "B": reason.pk,
    }


def test_similar_items_are_suggested_while_typing_with_a_plus_one(personas, settings):
    settings.FEEDBACK_SIMILARITY_ENGINE = sim.TFIDF_NAME
    price = raise_item(personas, who="dave", title="Le tarif est trop élevé pour les PME")
    raise_item(personas, who="dave", title="Pas d'intégration Salesforce")
    embeddings_refresh(workspace_id=personas.acme.pk)
    client = client_for(personas.bob)
    html = client.get(
        url("feedback_similar"), {"title": "tarif trop eleve"}, HTTP_HX_REQUEST="true"
    )
    body = html.content.decode()
    assert "<html" not in body  # a fragment for the form
    assert "Le tarif est trop élevé pour les PME" in body and "Salesforce" not in body
    assert url("feedback_vote", price.pk) in body and "+1 instead" in body
    # "+1 instead" backs the existing item
    voted = client.post(url("feedback_vote", price.pk), {"from": "similar"}, HTTP_HX_REQUEST="true")
    assert "Backed — 1 vote now" in voted.content.decode()
    assert FeedbackVote.objects.filter(item=price, user=personas.bob).exists()
    # nothing typed, nothing suggested
    assert client.get(url("feedback_similar")).content.decode().strip() == ""


# -- the inbox ---------------------------------------------------------------------------------


@pytest.fixture
def inbox_items(personas):
    pod = f.PodFactory(workspace=personas.acme, name="Pod Ouest")
    PodMember.objects.create(pod=pod, user=personas.bob)
    rivalis = Competitor.objects.create(workspace=personas.acme, name="Rivalis")
    a = raise_item(personas, who="bob", kind="pricing", title="Trop cher pour les PME")
    b = raise_item(
        personas, who="bob", kind="competitor_move", title="Rivalis gratuit", competitor=rivalis.pk
    )
    c = raise_item(personas, who="dave", kind="pricing", title="Remise attendue")
    feedback_vote(actor=personas.actor("alice"), item_id=c.pk)
    feedback_vote(actor=personas.actor("mia"), item_id=c.pk)
    feedback_vote(actor=personas.actor("dave"), item_id=a.pk)
    feedback_status_change(actor=personas.actor("alice"), item_id=b.pk, to_status="acknowledged")
    return {"a": a, "b": b, "c": c, "pod": pod, "rivalis": rivalis}


def titles(response) -> list[str]:
    return re.findall(r'class="fb-item__title" href="[^"]+">([^<]+)</a>', response.content.decode())


def test_the_inbox_lists_filters_and_counts(personas, inbox_items):
    client = client_for(personas.alice)
    page = client.get(url("feedback_inbox"))
    assert titles(page) == ["Remise attendue", "Rivalis gratuit", "Trop cher pour les PME"]
    html = page.content.decode()
    # facet counts: 2 pricing, 1 competitor move; 2 new, 1 acknowledged; Rivalis 1; the pod 2
    assert '<option value="pricing">Pricing (2)</option>' in html
    assert '<option value="competitor_move">Competitor move (1)</option>' in html
    assert '<option value="new">New (2)</option>' in html
    assert '<option value="acknowledged">Acknowledged (1)</option>' in html
    assert f'<option value="{inbox_items["pod"].pk}">Pod Ouest (2)</option>' in html
    # filters
    assert titles(client.get(url("feedback_inbox"), {"kind": "pricing"})) == [
        "Remise attendue",
        "Trop cher pour les PME",
    ]
    assert titles(client.get(url("feedback_inbox"), {"status": "acknowledged"})) == [
        "Rivalis gratuit"
    ]
    rivalis = str(inbox_items["rivalis"].pk)
    assert titles(client.get(url("feedback_inbox"), {"competitor": rivalis})) == ["Rivalis gratuit"]
    pod = str(inbox_items["pod"].pk)
    assert titles(client.get(url("feedback_inbox"), {"pod": pod, "q": "cher"})) == [
        "Trop cher pour les PME"
    ]
    assert titles(client.get(url("feedback_inbox"), {"age": "older"})) == []
    # most voted first: c (2 votes), a (1), b (0)
    assert titles(client.get(url("feedback_inbox"), {"sort": "-votes"})) == [
        "Remise attendue",
        "Trop cher pour les PME",
        "Rivalis gratuit",
    ]


def test_the_inbox_list_is_an_htmx_fragment_with_fresh_counts(personas, inbox_items):
    response = client_for(personas.alice).get(
        url("feedback_inbox"), {"kind": "pricing"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html and 'id="feedback-list"' in html
    assert 'id="fb-filters" hx-swap-oob="true"' in html
    # with kind=pricing, the status counts are those of the pricing items: 2 new
    assert '<option value="new">New (2)</option>' in html
    assert '<option value="acknowledged">Acknowledged (0)</option>' in html
    assert response["Vary"].count("HX-Request") == 1


def test_a_bad_filter_is_said_not_crashed(personas, inbox_items):
    response = client_for(personas.alice).get(url("feedback_inbox"), {"competitor": "abc"})
    assert response.status_code == 200
    assert "alert--error" in response.content.decode() and len(titles(response)) == 3


def test_plus_one_inline_and_undo(personas, inbox_items):
    client = client_for(personas.bob)
    c = inbox_items["c"]
    response = client.post(url("feedback_vote", c.pk), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<strong>3</strong>" in html and 'aria-pressed="true"' in html
    response = client.post(url("feedback_vote", c.pk), {"undo": "1"}, HTTP_HX_REQUEST="true")
    assert "<strong>2</strong>" in response.content.decode()
    # one's own item: said, not counted
    own = client.post(url("feedback_vote", inbox_items["a"].pk), HTTP_HX_REQUEST="true")
    assert "You raised this item" in own.content.decode()
    assert FeedbackVote.objects.filter(item=inbox_items["a"]).count() == 1


def test_the_nav_shows_new_items_to_marketing_only(personas, inbox_items):
    badge = re.compile(r"Field feedback <span class=\"nav__count\"[^>]*>(\d+)</span>")
    alice = badge.search(client_for(personas.alice).get(url("workspace_home")).content.decode())
    assert alice and alice.group(1) == "2"
    assert not badge.search(client_for(personas.bob).get(url("workspace_home")).content.decode())


# -- an item and its triage ------------------------------------------------------------------


def test_the_item_page_shows_text_links_voices_and_history(personas, inbox_items):
    b = inbox_items["b"]
    feedback_vote(actor=personas.actor("dave"), item_id=b.pk)
    page = client_for(personas.bob).get(url("feedback_detail", b.pk))
    html = text_of(page)
    assert page.status_code == 200
    assert "Rivalis gratuit" in html and "Le prix bloque." in html
    assert url("competitors_detail", inbox_items["rivalis"].pk) in html
    assert '<li class="chip">Dave Test</li>' in html  # the voter
    assert (
        'New</span> <span aria-hidden="true">→</span> <span class="badge badge--acknowledged">'
        in html
    )
    # a rep sees no triage controls
    assert 'id="triage"' not in html
    assert (
        'id="triage"'
        in client_for(personas.alice).get(url("feedback_detail", b.pk)).content.decode()
    )


def test_a_rep_cannot_change_the_status(personas, inbox_items):
    a = inbox_items["a"]
    for name, data in [
        ("feedback_status", {"to_status": "acknowledged"}),
        ("feedback_assign", {"owner": personas.bob.pk}),
        ("feedback_respond", {"text": "Vu"}),
        ("feedback_merge", {"into": inbox_items["c"].pk}),
    ]:
        assert client_for(personas.bob).post(url(name, a.pk), data).status_code == 403
    a.refresh_from_db()
    assert (a.status, a.owner, a.merged_into) == ("new", None, None)
    assert not FeedbackResponse.objects.exists()


def test_another_workspaces_item_is_404(personas, inbox_items):
    a = inbox_items["a"]
    carol = client_for(personas.carol)
    assert carol.get(url("feedback_detail", a.pk)).status_code == 404
    assert carol.get(url("feedback_detail", a.pk, slug="globex")).status_code == 404
    assert (
        carol.post(
            url("feedback_status", a.pk, slug="globex"), {"to_status": "acknowledged"}
        ).status_code
        == 404
    )
    assert carol.post(url("feedback_vote", a.pk, slug="globex")).status_code == 404


def test_marketing_triages_with_who_when_why(personas, inbox_items):
    a = inbox_items["a"]
    client = client_for(personas.alice)
    response = client.post(
        url("feedback_status", a.pk),
        {"to_status": "wont_do", "reason": "", "expected_status": "new"},
        follow=True,
    )
    assert "Say why this will not be done." in response.content.decode()  # shown on the item
    client.post(
        url("feedback_status", a.pk),
        {"to_status": "acknowledged", "reason": "Vu en comité", "expected_status": "new"},
    )
    client.post(url("feedback_assign", a.pk), {"owner": personas.mia.pk, "due_on": "2026-07-01"})
    a.refresh_from_db()
    change = FeedbackStatusChange.objects.get(item=a)
    assert (a.status, a.owner, a.due_on) == ("acknowledged", personas.mia, dt.date(2026, 7, 1))
    assert (change.actor, change.from_status, change.reason) == (
        personas.alice,
        "new",
        "Vu en comité",
    )
    # a stale screen: the item moved meanwhile
    stale = client.post(
        url("feedback_status", a.pk),
        {"to_status": "planned", "expected_status": "new"},
        follow=True,
    )
    assert "just been changed by someone else" in stale.content.decode()
    a.refresh_from_db()
    assert a.status == "acknowledged"
    page = text_of(client.get(url("feedback_detail", a.pk)))
    assert "Vu en comité" in page and "Alice Test" in page


def test_an_answer_reaches_the_rep_who_sees_you_said_we_did(personas, inbox_items):
    a = inbox_items["a"]
    campaign = f.CampaignFactory(workspace=personas.acme, name="Offre PME")
    client_for(personas.alice).post(
        url("feedback_respond", a.pk),
        {
            "text": "Merci, c'est pris en compte.",
            "what_changed": "Une offre PME à 49 € par mois",
            "campaign": campaign.pk,
            "url": "https://exemple.fr/pme",
        },
    )
    note = Notification.objects.get(user=personas.bob, kind="feedback.answered")
    assert note.url == url("feedback_detail", a.pk)
    bob = client_for(personas.bob)
    mine = text_of(bob.get(url("feedback_mine")))
    assert "Une offre PME à 49 € par mois" in mine and "Offre PME" in mine
    assert "fb-answer fb-answer--unread" in mine  # not read yet
    bob.get(url("feedback_detail", a.pk))  # opening the answered item reads its announcement
    note.refresh_from_db()
    assert note.read_at is not None
    assert "fb-answer--unread" not in text_of(bob.get(url("feedback_mine")))
    # dave's announcement of the same answer stays unread until he opens it
    assert Notification.objects.get(user=personas.dave, kind="feedback.answered").read_at is None
    # the voter (dave) was told too, and sees it among "answers to what you backed"
    assert "Une offre PME à 49 € par mois" in text_of(
        client_for(personas.dave).get(url("feedback_mine"))
    )


def test_merging_from_the_page_keeps_every_voice(personas, inbox_items):
    a, c = inbox_items["a"], inbox_items["c"]
    client = client_for(personas.alice)
    found = client.get(url("feedback_merge_search", a.pk), {"q": "Remise"}, HTTP_HX_REQUEST="true")
    assert f'name="into" value="{c.pk}"' in found.content.decode()
    response = client.post(url("feedback_merge", a.pk), {"into": c.pk})
    assert response["Location"] == url("feedback_detail", c.pk)
    a.refresh_from_db()
    assert a.merged_into == c
    # c's voters (alice, mia) and a's author (bob) back c; a's voter, dave, wrote c already
    assert set(FeedbackVote.objects.filter(item=c).values_list("user__email", flat=True)) == {
        "alice@example.fr",
        "mia@example.fr",
        "bob@example.fr",
    }
    page = text_of(client.get(url("feedback_detail", c.pk)))
    assert "Bob Test" in page and "Dave Test" in page and "Trop cher pour les PME" in page


# -- the attachment ----------------------------------------------------------------------------


def test_the_attachment_is_downloaded_by_members_only(personas):
    item = raise_item(personas)
    from cordee.feedback.services import feedback_attach

    feedback_attach(
        actor=personas.actor("bob"),
        item_id=item.pk,
        attachment=SimpleUploadedFile("notes.txt", "Prix cité : 12 000 €".encode()),
    )
    got = client_for(personas.erin).get(url("feedback_attachment", item.pk))
    assert got.status_code == 200
    assert b"".join(got.streaming_content).decode() == "Prix cité : 12 000 €"
    assert 'attachment; filename="notes.txt"' in got["Content-Disposition"]
    assert client_for(personas.carol).get(url("feedback_attachment", item.pk)).status_code == 404
    assert (
        client_for(personas.carol)
        .get(url("feedback_attachment", item.pk, slug="globex"))
        .status_code
        == 404
    )
    anonymous = Client().get(url("feedback_attachment", item.pk))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    bare = raise_item(personas, title="Sans fichier")
    assert client_for(personas.bob).get(url("feedback_attachment", bare.pk)).status_code == 404


# -- loop health, catalogue, settings ----------------------------------------------------------


def test_loop_health_page_shows_every_share_of_the_same_items_in_one_unit(personas):
    """The hand-made set (tests/feedback/handmade.py) raised from the Monday two weeks back:
    7 items in the period (G merged into A counts with it, H is before it).
    Acknowledged 5 of 7 (A acknowledged, B planned, C done, D won't do, E answered); answered
    2 of 7; closed with an answer 1 of 7 = 14 %, 2 closed; not acknowledged in time 2 of 7 (D, F),
    still waiting 1 (F: D is closed, C closed before its due date); raised by reps 6 of 7.
    Medians, in business days: to acknowledge 0.25, 0.5, 0.75, 1, 2.5 → 0.75 (shown 0.8); to an
    answer (0.25 + 0.75) / 2 = 0.5."""
    now = timezone.now()
    today = now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    monday = today - dt.timedelta(days=today.weekday() + 14)
    handmade(personas, monday, now)
    pod = f.PodFactory(workspace=personas.acme, name="PME")
    FeedbackItem.objects.filter(title__in=["A", "D", "F"]).update(pod=pod)
    titles = {i.title: i.pk for i in FeedbackItem.objects.all()}
    page = client_for(personas.erin).get(url("feedback_health"), {"months": "3"})
    html = text_of(page)
    kpi = dict(
        re.findall(r'<p class="kpi__label">([^<]+)</p><p class="kpi__value[^"]*">([^<]+)</p>', html)
    )
    assert "7 items raised from" in html
    assert "6 of 7 items, raised by 2 reps" in html
    assert kpi["Median time to acknowledge, in business days"] == "0.8"
    assert "5 of 7 items acknowledged" in html
    assert kpi["Median time to an answer, in business days"] == "0.5"
    assert "2 of 7 items answered" in html
    assert kpi["Closed with an answer"] == "14 %"
    assert "1 of 7 items (2 closed)" in html
    assert kpi["Past the commitment, still waiting"] == "1"
    assert "2 of 7 items not acknowledged in time" in html
    # every "n of d" above the pods has the same d: the period's 7 items
    head, pods = html.split("By pod", 1)
    assert {d for _n, d in re.findall(r"(\d+) of (\d+)", head)} == {"7"}
    # a pod's row counts its own items: PME holds A, D, F — closed with an answer 0 of 3
    # (D closed without one), not acknowledged in time 2 of 3 (D, F), still waiting 1 (F)
    row = re.search(r"<tr><td class=\"primary\">.*?</tr>", pods, re.S).group(0)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
    assert cells[0] == "PME" and cells[1] == "3"
    assert (cells[5], cells[6], cells[7]) == ("0 of 3", "2 of 3", "1")
    assert "4 of the 7 items have no pod." in pods  # B C E I
    # one unit for durations: business days (named by each label), never hours
    durations = [label for label in kpi if label.startswith("Median time")]
    assert durations and all(label.endswith(", in business days") for label in durations)
    assert "To acknowledge (business days)" in html and "To an answer (business days)" in html
    assert not re.search(r"\d h\b|hours?\b", html)
    # waiting past the SLA: F only (D is closed, C was closed before its due date)
    assert url("feedback_detail", titles["F"]) in html
    assert url("feedback_detail", titles["D"]) not in html
    assert url("feedback_detail", titles["C"]) not in html


def test_loop_health_draws_the_top_competitors(personas):
    rivalis = Competitor.objects.create(workspace=personas.acme, name="Rivalis")
    raise_item(personas, kind="competitor_move", title="Essai gratuit", competitor=rivalis.pk)
    html = client_for(personas.alice).get(url("feedback_health")).content.decode()
    chart = re.search(
        r'<figure class="chart" aria-label="Items naming the top competitors, by month">(.*?)</figure>',
        html,
        re.S,
    )
    assert chart and "<svg" in chart.group(1) and "Rivalis" in chart.group(1)


def test_the_competitor_catalogue_lists_the_feedback_naming_each(personas):
    rivalis = Competitor.objects.create(workspace=personas.acme, name="Rivalis")
    raise_item(personas, kind="competitor_move", title="Essai gratuit", competitor=rivalis.pk)
    client = client_for(personas.bob)
    assert "Rivalis" in client.get(url("competitors_list")).content.decode()
    detail = text_of(client.get(url("competitors_detail", rivalis.pk)))
    assert "Essai gratuit" in detail and '<span class="count">1</span>' in detail
    created = client.post(url("competitors_create"), {"name": "Concurrent X", "is_active": "on"})
    assert created.status_code == 302
    assert Competitor.objects.filter(workspace=personas.acme, name="Concurrent X").exists()


def test_the_sla_setting_is_for_those_who_configure(personas):
    assert client_for(personas.alice).get(url("feedback_settings")).status_code == 403
    client = client_for(personas.mia)
    assert client.get(url("feedback_settings")).status_code == 200
    bad = client.post(url("feedback_settings"), {"acknowledge_within_days": "45"})
    assert bad.status_code == 422 and "field--error" in bad.content.decode()
    assert (
        client.post(url("feedback_settings"), {"acknowledge_within_days": "3"}).status_code == 302
    )
    assert FeedbackSettings.objects.get(workspace=personas.acme).acknowledge_within_days == 3


def test_my_feedback_is_empty_then_lists_what_i_raised(personas):
    client = client_for(personas.bob)
    assert (
        "You have not raised any feedback yet" in client.get(url("feedback_mine")).content.decode()
    )
    item = raise_item(personas, title="Le client veut un SSO")
    feedback_respond(actor=personas.actor("alice"), item_id=item.pk, text="Prévu au T3")
    html = text_of(client.get(url("feedback_mine")))
    assert "Le client veut un SSO" in html and "Prévu au T3" in html
    assert "You raised 1 item; 1 answered." in html


def test_the_pages_are_judged_by_the_apis_schemas(personas, inbox_items, api_as):
    a = inbox_items["a"]
    api = api_as("alice")
    api.headers["Accept-Language"] = "en"
    alice = client_for(personas.alice)
    # an answer of 6,000 characters: the API took it, the page's own form refused it (5,000)
    alice.post(url("feedback_respond", a.pk), {"text": "x" * 6000})
    assert FeedbackResponse.objects.get(item=a).text == "x" * 6000
    # a due date the API refuses is refused by the page with the API's words
    refused = api.post(f"feedback/{a.pk}/assign", {"due_on": "31/12/2026"})
    assert refused.json()["error"]["fields"] == {"due_on": ["Enter a date as YYYY-MM-DD."]}
    page = alice.post(url("feedback_assign", a.pk), {"due_on": "31/12/2026"}, follow=True)
    assert "Enter a date as YYYY-MM-DD." in page.content.decode()
    # a text over the API's 10,000 characters: the page's form had no limit
    too_long = {"kind": "objection", "title": "Trop long", "text": "x" * 10_001}
    assert api_as("bob").post("feedback", too_long).status_code == 422
    response = client_for(personas.bob).post(url("feedback_create"), too_long)
    assert response.status_code == 422
    assert "Enter at most 10000 characters." in response.content.decode()
    assert not FeedbackItem.objects.filter(title="Trop long").exists()
