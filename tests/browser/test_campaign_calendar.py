"""The campaign calendar in a real browser, in French, wide and on a phone: the month (a grid of
weeks on a desktop, the weeks as lists on a phone), a pod filter, the quarter, a feed address
made and shown once; nothing scrolls sideways and the page is clean."""

from __future__ import annotations

import datetime as dt

import pytest

from cordee.codesign.calendar import month_start
from cordee.codesign.models import BriefVersion
from cordee.crm.models import CampaignStatus, Channel
from cordee.people.models import PodMember
from tests import factories as f
from tests.browser.conftest import WIDTHS, check_and_shoot, log_in, open_page

pytestmark = pytest.mark.browser


def _seed(personas) -> None:
    ws = personas.acme
    north = f.PodFactory(workspace=ws, name="Pod Industrie Nord")
    south = f.PodFactory(workspace=ws, name="Pod Santé Sud")
    PodMember.objects.create(pod=north, user=personas.bob)
    first = month_start(ws.today())
    plan = [
        ("Salon Industrie du Futur — Mulhouse", -3, 4, Channel.EVENT, [north]),
        ("Webinaire « Décret tertiaire »", 5, 0, Channel.WEBINAR, [north, south]),
        ("LinkedIn Ads — directeurs d’usine", 8, 30, Channel.LINKEDIN, [south]),
        ("E-mailing relance devis", 12, 6, Channel.EMAILING, []),
        ("Partenariat CCI Grand Est", 15, 10, Channel.PARTNER, [north]),
        ("Contenu : livre blanc maintenance prédictive", 1, 20, Channel.CONTENT, [south]),
        ("Campagne SEA printemps", 20, 14, Channel.SEA, [north]),
    ]
    for name, offset, days, channel, pods in plan:
        start = first + dt.timedelta(days=offset)
        c = f.CampaignFactory(
            workspace=ws,
            name=name,
            channel=channel,
            start_date=start,
            end_date=start + dt.timedelta(days=days),
            status=CampaignStatus.ACTIVE,
        )
        if pods:
            BriefVersion.objects.create(
                workspace=ws, campaign=c, number=1, pods=[p.pk for p in pods]
            )


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_calendar_month_quarter_and_feed(browser, live_server, personas, width):
    _seed(personas)
    watched = open_page(browser, width)
    page = watched.page
    base = live_server.url
    try:
        log_in(watched, base, "bob@example.fr")
        page.goto(f"{base}/w/acme/campaigns/calendar/")
        assert page.locator("h1").inner_text() == "Calendrier des campagnes"
        if width > 700:
            assert page.locator("#calendar-grid .cal-bar").count() >= 7
            assert page.locator(".cal-weekday").first.inner_text().lower().startswith("lun")
        else:
            assert not page.locator("#calendar-grid").is_visible()
        assert page.locator("#calendar-agenda .cal-agenda__item").count() >= 7
        check_and_shoot(watched, "campaign-calendar-month", width)

        page.select_option("#cal-pod", label="Mes pods")
        page.get_by_role("button", name="Afficher").click()
        page.wait_for_url("**pod=mine**")
        names = page.locator("#calendar-agenda .cal-agenda__item a").all_inner_texts()
        assert "E-mailing relance devis" not in names and "Campagne SEA printemps" in names

        page.get_by_role("link", name="Trimestre").click()
        page.wait_for_url("**/calendar/quarter/**")
        assert page.locator(".gantt__row[data-campaign]").count() >= 4
        page.select_option("#cal-pod", value="")
        page.get_by_role("button", name="Afficher").click()
        page.wait_for_load_state("networkidle")
        check_and_shoot(watched, "campaign-calendar-quarter", width)

        page.get_by_role("button", name="Créer l’adresse de mon flux").click()
        page.wait_for_url("**#calendar-feed")
        url = page.locator("#calendar-feed-url").inner_text()
        assert "/feeds/calendar/" in url and url.endswith(".ics")
        page.locator("#calendar-feed").scroll_into_view_if_needed()
        check_and_shoot(watched, "campaign-calendar-feed", width)
    finally:
        page.context.close()
