"""The readiness kit in a real browser, wide and narrow: a marketer writes the kit of a campaign
whose brief targets a pod and adds a link; a rep of that pod opens a lead of the campaign, finds
the kit beside the lead's SLA clocks, opens an objection and acknowledges it; the campaign shows
who is ready. Nothing scrolls sideways and the pages are clean (no console error, no refused
resource)."""

from __future__ import annotations

import pytest

from cordee.codesign.services import brief_save
from cordee.funnel.models import Lead
from cordee.people.models import PodMember
from tests import factories as f
from tests.browser.conftest import WIDTHS, check_and_shoot, log_in, open_page, seed_workspace

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_kit_written_read_and_acknowledged(browser, live_server, personas, width):
    seeded = seed_workspace(personas)
    # a second rep of the pod (an SDR), who has not read the kit (a sales manager is no rep)
    zoe = f.UserFactory(email="zoe@example.fr", first_name="Zoé", last_name="Sdr")
    f.MembershipFactory(workspace=personas.acme, user=zoe, role="sdr")
    PodMember.objects.create(pod=seeded.pod, user=zoe)
    campaign = seeded.campaign
    brief_save(personas.actor("alice"), campaign, {"objective": "Remplir", "pods": [seeded.pod.pk]})
    lead = Lead.objects.filter(source_campaign=campaign).order_by("pk").first()
    assert lead is not None
    base = live_server.url
    kit_url = f"{base}/w/acme/campaigns/{campaign.pk}/kit/"

    marketer = open_page(browser, width)
    page = marketer.page
    try:
        log_in(marketer, base, "alice@example.fr")
        page.goto(kit_url)
        page.fill(
            "#kit-talk-track",
            "Bonjour, vous avez assisté à notre webinaire Industrie 4.0 : "
            "qu’avez-vous retenu pour vos lignes de production ?",
        )
        page.fill("#objections-0-q", "Nous avons déjà un MES")
        page.fill(
            "#objections-0-a", "Notre module se branche sur votre MES existant en deux jours."
        )
        page.fill("#objections-1-q", "C’est trop cher")
        page.fill("#objections-1-a", "Un arrêt de ligne coûte plus qu’une année de licence.")
        page.fill("#faq-0-q", "Combien de temps dure le déploiement ?")
        page.fill("#faq-0-a", "Six semaines, formation comprise.")
        page.locator("#kit-form button[type=submit]:not([name])").click()
        page.wait_for_url(kit_url)
        assert page.locator("#kit-version").count() == 1
        page.fill("#id_title", "Présentation du webinaire")
        page.fill("#id_url", "https://exemple.fr/webinaire-industrie-4-0/presentation-complete")
        page.locator("#kit-asset-form button[type=submit]").click()
        page.wait_for_url(kit_url)
        assert page.locator(".kit-assets .rows__item").count() == 1
        page.locator("#kit .kit-qa summary").first.click()
        check_and_shoot(marketer, "kit", width)
    finally:
        page.context.close()

    rep = open_page(browser, width)
    page = rep.page
    try:
        log_in(rep, base, "bob@example.fr")
        lead_url = f"{base}/w/acme/leads/{lead.pk}/"
        page.goto(lead_url)
        panel = page.locator("#lead-kit")
        panel.wait_for()
        panel.locator(".kit-qa summary").first.click()
        check_and_shoot(rep, "lead-kit", width)
        panel.locator("#kit-ack button[type=submit]").click()
        page.wait_for_url(lead_url)
        assert page.locator("#lead-kit #kit-ack .badge--won").count() == 1
        check_and_shoot(rep, "lead-kit-acknowledged", width)
        page.goto(f"{base}/w/acme/campaigns/{campaign.pk}/")
        card = page.locator("#campaign-kit")
        assert card.locator("#campaign-kit-count").count() == 1
        assert "Zoé" in card.locator("#campaign-kit-waiting").inner_text()
        card.scroll_into_view_if_needed()
        check_and_shoot(rep, "campaign-kit", width)
        page.goto(kit_url)
        assert page.locator("#kit-readiness .kit-ready__rep--ready").count() == 1
        assert page.locator("#kit-readiness .kit-ready__rep--waiting").count() == 1
        check_and_shoot(rep, "kit-rep", width)
        rep.assert_clean("kit")
    finally:
        page.context.close()
