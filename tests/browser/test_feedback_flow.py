"""The field-feedback loop in a real browser, in French: a sales rep raises an item from a lead
(and is shown a similar one while typing), a marketer acknowledges and answers it, and the rep
sees "vous avez dit → nous avons fait" and a notification. Screenshots at 1280 and 390 px."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from cordee.analytics import similarity as sim
from cordee.feedback.models import Competitor, FeedbackItem, FeedbackResponse
from cordee.feedback.services import feedback_respond, feedback_status_change, feedback_submit
from cordee.feedback.themes import embeddings_refresh
from cordee.people.models import Notification
from tests.browser.conftest import (
    SCREENSHOTS,
    WIDTHS,
    check_and_shoot,
    log_in,
    open_page,
    seed_workspace,
)

pytestmark = pytest.mark.browser

SEEDED = "Le tarif est trop élevé pour les PME"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def acme_with_a_similar_item(personas, settings, tmp_path):
    """The seeded Acme (tests/browser/conftest.py) with an item like the one the rep will raise."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FEEDBACK_SIMILARITY_ENGINE = sim.TFIDF_NAME  # fast and deterministic here
    seeded = seed_workspace(personas)
    Competitor.objects.create(workspace=personas.acme, name="Rivalis")
    similar = feedback_submit(
        actor=personas.actor("dave"),
        data={"kind": "pricing", "title": SEEDED, "text": "Trois prospects l'ont dit ce mois-ci."},
    )
    embeddings_refresh(workspace_id=personas.acme.pk)
    return seeded, similar


def test_a_rep_raises_marketing_answers_the_rep_sees_it(
    browser, live_server, personas, acme_with_a_similar_item
):
    seeded, _similar = acme_with_a_similar_item
    base = live_server.url
    rep = open_page(browser, 1280)
    page = rep.page
    try:
        log_in(rep, base, "bob@example.fr")
        page.goto(f"{base}/w/acme/leads/{seeded.lead.pk}/")
        page.get_by_role("link", name="Remonter un retour terrain").click()
        page.wait_for_url(f"**/w/acme/feedback/new/?lead={seeded.lead.pk}")
        assert page.locator(".fb-link").count() == 2  # the lead and its account
        page.select_option("select[name=kind]", "pricing")
        assert page.locator("#reason-field").is_hidden()
        page.locator("#id_title").press_sequentially("Tarif trop élevé pour une PME", delay=20)
        suggestion = page.locator("#similar li", has_text=SEEDED)
        suggestion.wait_for()
        assert suggestion.get_by_role("button", name="+1 plutôt").is_visible()
        page.fill("#id_text", "Le DAF de Dassault juge l'abonnement trop cher face à Rivalis.")
        page.wait_for_load_state("networkidle")
        check_and_shoot(rep, "feedback-form", 1280)
        page.get_by_role("button", name="Envoyer au marketing").click()
        page.wait_for_url(re.compile(r"/w/acme/feedback/\d+/$"))
        assert "est transmis au marketing" in page.locator(".flash").inner_text()
        item = FeedbackItem.objects.get(author=personas.bob)
        assert (item.kind, item.lead_id, item.account_id) == (
            "pricing",
            seeded.lead.pk,
            seeded.lead.contact.account_id,
        )
        assert page.locator("#triage").count() == 0  # no triage controls for a rep
        rep.assert_clean("raising")
    finally:
        page.context.close()

    marketer = open_page(browser, 1280)
    page = marketer.page
    try:
        log_in(marketer, base, "alice@example.fr")
        badge = page.locator("nav.nav a", has_text="Retours terrain").locator(".nav__count")
        assert badge.inner_text() == "2"  # two new items wait for triage
        page.locator("nav.nav a", has_text="Retours terrain").click()
        page.wait_for_url("**/w/acme/feedback/")
        check_and_shoot(marketer, "feedback-inbox", 1280)
        page.select_option("select[name=kind]", "pricing")
        page.wait_for_url(lambda url: "kind=pricing" in url)
        page.get_by_role("link", name="Tarif trop élevé pour une PME").click()
        page.wait_for_url(f"**/w/acme/feedback/{item.pk}/")
        page.select_option("#id_to_status", "acknowledged")
        page.fill("#id_reason", "Vu en revue du lundi")
        page.get_by_role("button", name="Changer le statut").click()
        page.wait_for_load_state("networkidle")
        assert "Statut passé à « Pris en compte »" in page.locator(".flash").inner_text()
        page.fill("#id_answer_text", "Merci Bob, c'est remonté à la direction.")
        page.fill("#id_what_changed", "Nouvelle offre PME à 49 € par mois, en ligne lundi")
        page.fill("#id_answer_url", "https://exemple.fr/offre-pme")
        page.get_by_role("button", name="Envoyer la réponse").click()
        page.wait_for_load_state("networkidle")
        assert page.locator(".fb-said__side--did", has_text="Nouvelle offre PME").is_visible()
        check_and_shoot(marketer, "feedback-detail", 1280)
        marketer.assert_clean("triage")
    finally:
        page.context.close()
    item.refresh_from_db()
    assert item.status == "acknowledged" and item.acknowledged_at is not None
    assert FeedbackResponse.objects.filter(item=item, author=personas.alice).count() == 1

    rep = open_page(browser, 1280)
    page = rep.page
    try:
        log_in(rep, base, "bob@example.fr")
        page.locator("nav.nav a", has_text="Notifications").click()
        page.wait_for_url("**/w/acme/notifications/")
        note = page.locator(".rows__item", has_text="Tarif trop élevé pour une PME")
        note.wait_for()  # is_visible() does not wait: the page may still be loading
        page.goto(f"{base}/w/acme/feedback/mine/")
        answer = page.locator(".fb-answer").first
        text = answer.text_content()
        assert "Vous avez dit" in text and "Nous avons fait" in text
        assert "Nouvelle offre PME à 49 € par mois" in text
        check_and_shoot(rep, "feedback-mine", 1280)
        rep.assert_clean("reading the answer")
    finally:
        page.context.close()
    assert Notification.objects.filter(user=personas.bob, kind="feedback.answered").count() == 1


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_feedback_pages_render_cleanly(
    browser, live_server, personas, acme_with_a_similar_item, width
):
    seeded, _similar = acme_with_a_similar_item
    rivalis = Competitor.objects.get(name="Rivalis")
    item = feedback_submit(
        actor=personas.actor("bob"),
        data={
            "kind": "competitor_move",
            "title": "Rivalis offre trois mois gratuits aux industriels",
            "text": "Cité deux fois cette semaine par des directeurs achats.",
            "competitor": rivalis.pk,
            "opportunity": seeded.opportunity.pk,
        },
    )
    feedback_status_change(actor=personas.actor("alice"), item_id=item.pk, to_status="planned")
    feedback_respond(
        actor=personas.actor("alice"),
        item_id=item.pk,
        text="Merci : une fiche concurrent est prête.",
        what_changed="Fiche de combat Rivalis publiée dans l'espace commercial",
        campaign_id=seeded.campaign.pk,
    )
    pages = [
        ("feedback-inbox", "alice@example.fr", "/w/acme/feedback/"),
        ("feedback-detail", "alice@example.fr", f"/w/acme/feedback/{item.pk}/"),
        ("feedback-health", "alice@example.fr", "/w/acme/feedback/health/"),
        ("feedback-competitors", "alice@example.fr", "/w/acme/feedback/competitors/"),
        ("feedback-form", "bob@example.fr", f"/w/acme/feedback/new/?lead={seeded.lead.pk}"),
        ("feedback-mine", "bob@example.fr", "/w/acme/feedback/mine/"),
        (
            "feedback-opportunity",
            "bob@example.fr",
            f"/w/acme/opportunities/{seeded.opportunity.pk}/",
        ),
    ]
    who = ""
    watched = None
    try:
        for name, email, path in pages:
            if email != who:
                if watched is not None:
                    watched.page.context.close()
                watched = open_page(browser, width)
                log_in(watched, live_server.url, email)
                who = email
            watched.page.goto(live_server.url + path)
            if name == "feedback-form":
                watched.page.locator("#id_title").press_sequentially("Tarif trop élevé", delay=20)
                watched.page.locator("#similar li").first.wait_for()
            check_and_shoot(watched, name, width)
    finally:
        if watched is not None:
            watched.page.context.close()
    if os.environ.get("CORDEE_DOCS_SCREENSHOTS") and width == 1280:
        DOCS.mkdir(parents=True, exist_ok=True)
        for name in ("feedback-form", "feedback-detail", "feedback-health"):
            shutil.copy(SCREENSHOTS / f"{name}-{width}.png", DOCS / f"{name}.png")
