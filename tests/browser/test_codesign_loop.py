"""The co-design loop in a real browser, in French: a marketer writes a brief, sends it for sales
review; launching before the approval is refused with the reason (the pod) shown; a rep comments
on the offer, the marketer edits it, the rep approves, the launch succeeds. Then the override: a
marketing manager launches another campaign without approval, writing why; the reason is shown on
the brief and on the campaign. Screenshots at 1280 px and on a phone (390 px)."""

from __future__ import annotations

from typing import Any

import pytest

from cordee.codesign import review
from cordee.codesign.models import BriefComment, LaunchOverride, Review
from cordee.codesign.services import brief_save
from cordee.crm.models import Campaign
from cordee.people.models import PodMember
from tests import factories as f
from tests.browser.conftest import Watched, check_and_shoot, log_in, open_page

pytestmark = pytest.mark.browser


def _pod(personas: Any) -> Any:
    pod = f.PodFactory(workspace=personas.acme, name="Pod Santé Ouest")
    for user in (personas.bob, personas.alice):
        PodMember.objects.create(pod=pod, user=user)
    review.pod_reviewer_set(personas.actor("rita"), pod, personas.bob.pk)
    return pod


def _expect_refusal(watched: Watched) -> None:
    """The refused launch answers 422 on purpose: that one response is not a problem."""
    assert watched.problems, "the refused launch answers 422"
    assert all("422" in p for p in watched.problems), watched.problems
    watched.problems.clear()


def test_the_co_design_loop(browser, live_server, personas):
    pod = _pod(personas)
    campaign = f.CampaignFactory(
        workspace=personas.acme, name="Salon Santé Nantes", status="planned", channel="event"
    )
    url = f"{live_server.url}/w/acme/campaigns/{campaign.pk}/brief/"
    marketer = open_page(browser, 1280)
    rep = open_page(browser, 1280)
    try:
        # the marketer writes the brief in French and sends it for review
        page = marketer.page
        log_in(marketer, live_server.url, "alice@example.fr")
        page.goto(url)
        form = page.locator("#brief-form")
        form.locator("textarea[name=objective]").fill(
            "Remplir le pipeline des cliniques de l’Ouest"
        )
        form.locator("textarea[name=persona]").fill("Directrice des achats d’une clinique")
        form.locator("textarea[name=message]").fill("Moins d’attente aux urgences, dès cet été")
        form.locator("textarea[name=offer]").fill("Un audit offert")
        form.locator("input[name=call_to_action]").fill("Réserver une démonstration")
        form.locator(f"input[name=pods][value='{pod.pk}']").check()
        form.locator("input[name=channels][value=event]").check()
        form.locator("input[name=start_date]").fill("2026-09-14")
        form.locator("input[name=end_date]").fill("2026-09-18")
        form.locator("input[name=budget]").fill("8000")
        form.locator("input[name=expected_mqls]").fill("40")
        form.locator("input[name=expected_sqls]").fill("10")
        form.locator("input[name=expected_pipeline]").fill("120000")
        form.locator("button[type=submit]").click()
        page.wait_for_selector("#brief-version")
        page.locator("#review .review__send summary").click()
        page.locator("#review-request button[type=submit]").click()
        page.wait_for_selector("#review-pods [data-state=pending]")
        # launching now is refused, the pod named
        page.locator("#launch-form button").click()
        page.wait_for_selector("#review-error")
        assert "Pod Santé Ouest" in page.locator("#review-error").inner_text()
        assert "Pod Santé Ouest" in page.locator("#launch-refusal").inner_text()
        _expect_refusal(marketer)
        check_and_shoot(marketer, "codesign-launch-refused", 1280)
        assert Campaign.objects.get(pk=campaign.pk).status == "planned"

        # the rep comments on the offer
        log_in(rep, live_server.url, "bob@example.fr")
        rep.page.goto(url)
        rep.page.locator("#field-offer .thread__new summary").click()
        rep.page.locator("#comment-offer").fill("Un audit de quoi ? Précisez la durée.")
        rep.page.locator("#field-offer .thread__new button[type=submit]").click()
        rep.page.wait_for_selector("#field-offer .thread")
        check_and_shoot(rep, "codesign-rep-comment", 1280)

        # the marketer answers and edits the offer
        page.goto(url)
        assert "Précisez la durée" in page.locator("#field-offer").inner_text()
        page.locator("#field-offer .thread__reply-form summary").click()
        page.locator("#field-offer .thread__reply-form textarea").fill("Un audit de 2 heures")
        page.locator("#field-offer .thread__reply-form button[type=submit]").click()
        page.wait_for_selector("#field-offer .thread__reply")
        page.locator("#brief-form textarea[name=offer]").fill("Un audit de 2 heures offert")
        page.locator("#brief-form button[type=submit]").click()
        page.wait_for_selector("#brief-offer:has-text('2 heures offert')")

        # the rep approves and resolves the thread
        rep.page.goto(url)
        rep.page.locator("#field-offer .thread__resolve button").click()
        rep.page.wait_for_selector("#field-offer .thread--resolved")
        rep.page.locator(f"#decide-{pod.pk} button[value=approved]").click()
        rep.page.wait_for_selector("#review-pods [data-state=approved]")
        check_and_shoot(rep, "codesign-approved", 1280)

        # the launch succeeds
        page.goto(url)
        page.locator("#launch-form button").click()
        page.wait_for_selector("#launch-state")
        check_and_shoot(marketer, "codesign-launched", 1280)
    finally:
        marketer.page.context.close()
        rep.page.context.close()
    assert Campaign.objects.get(pk=campaign.pk).status == "active"
    (approved,) = Review.objects.filter(campaign=campaign, superseded_at=None)
    assert (approved.state, approved.decided_version) == ("approved", 2)
    thread = BriefComment.objects.get(campaign=campaign, parent=None)
    assert thread.field == "offer" and thread.resolved_at is not None
    assert thread.replies.get().body == "Un audit de 2 heures"


@pytest.mark.parametrize("width", [390, 1280])
def test_the_override_with_its_reason(browser, live_server, personas, width):
    pod = _pod(personas)
    campaign = f.CampaignFactory(
        workspace=personas.acme, name="Webinaire urgences", status="planned", channel="webinar"
    )
    brief_save(
        personas.actor("alice"),
        campaign,
        {
            "objective": "Tester le message urgences",
            "pods": [pod.pk],
            "offer": "Un livre blanc",
            "message": "Les urgences sans attente",
        },
    )
    review.review_request(personas.actor("alice"), campaign)
    review.comment_add(personas.actor("bob"), campaign, "message", "Trop vague pour mes clients")
    url = f"{live_server.url}/w/acme/campaigns/{campaign.pk}/brief/"
    manager = open_page(browser, width)
    page = manager.page
    reason = "Le webinaire est annoncé depuis un mois : on lance, Bob relit lundi."
    try:
        log_in(manager, live_server.url, "mia@example.fr")
        page.goto(url)
        assert "Pod Santé Ouest" in page.locator("#launch-refusal").inner_text()
        check_and_shoot(manager, "codesign-review-panel", width)
        page.locator("#launch .review__override summary").click()
        page.locator("#override-reason").fill(reason)
        page.locator("#override-form button[type=submit]").click()
        page.wait_for_selector("#overrides")
        assert reason in page.locator("#overrides").inner_text()
        check_and_shoot(manager, "codesign-override", width)
        page.goto(f"{live_server.url}/w/acme/campaigns/{campaign.pk}/")
        assert reason in page.locator("#campaign-overrides").inner_text()
        check_and_shoot(manager, "codesign-campaign-override", width)
    finally:
        page.context.close()
    override = LaunchOverride.objects.get(campaign=campaign)
    assert (override.reason, override.by, override.missing_pods) == (
        reason,
        personas.mia,
        ["Pod Santé Ouest"],
    )
    assert Campaign.objects.get(pk=campaign.pk).status == "active"
