"""Real-browser fixtures: Debian's Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from cordee.crm import models as crm
from cordee.funnel import models as funnel
from cordee.people.models import PodMember
from tests import factories as f
from tests.conftest import DemoSnapshot, put_the_demo

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WIDTHS = {1280: 900, 390: 844}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def demo(demo_snapshot: DemoSnapshot | None, transactional_db: None) -> None:
    """The small demo (seed 1) in the database of a live server's test, copied from the session's
    snapshot (tests/conftest.py) in milliseconds instead of built again (~6 s); the test's flush
    empties it after. Browser tests run on SQLite only."""
    if demo_snapshot is None:
        pytest.fail("the browser tests run on SQLite (make test runs them there)")
    put_the_demo(demo_snapshot)


@dataclass
class Watched:
    """A page whose console errors, uncaught exceptions and failed requests are recorded."""

    page: Any
    problems: list[str] = field(default_factory=list)

    def assert_clean(self, where: str) -> None:
        problems, self.problems[:] = list(self.problems), []
        assert not problems, f"{where}: {problems}"


def open_page(browser: Any, width: int) -> Watched:
    context = browser.new_context(
        viewport={"width": width, "height": WIDTHS[width]}, locale="fr-FR"
    )
    page = context.new_page()
    watched = Watched(page)
    page.on(
        "console",
        lambda msg: (
            watched.problems.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda exc: watched.problems.append(f"page error: {exc}"))
    page.on(
        "requestfailed",
        # a request the browser itself abandons because the page navigated away (the favicon
        # of a page left by a redirect) is not a failure of the app
        lambda req: (
            None
            if req.failure == "net::ERR_ABORTED"
            else watched.problems.append(f"request failed: {req.url} {req.failure}")
        ),
    )
    page.on(
        "response",
        lambda resp: (
            watched.problems.append(f"HTTP {resp.status}: {resp.url}")
            if resp.status >= 400
            else None
        ),
    )
    return watched


def log_in(watched: Watched, base_url: str, email: str, password: str = "password") -> None:
    page = watched.page
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit].button--primary")
    page.wait_for_url(f"{base_url}/w/**")


def check_and_shoot(watched: Watched, name: str, width: int) -> None:
    page = watched.page
    page.wait_for_load_state("networkidle")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    assert overflow <= 0, f"{name} at {width}px scrolls horizontally by {overflow}px"
    watched.assert_clean(f"{name} at {width}px")


@dataclass
class Seeded:
    account: Any
    contact: Any
    lead: Any
    campaign: Any
    opportunity: Any
    pod: Any


def seed_workspace(personas: Any) -> Seeded:
    """A small but realistic Acme: accounts, contacts, leads with history, campaigns, deals, a pod."""
    ws = personas.acme
    now = timezone.now()
    webinar = f.CampaignFactory(
        workspace=ws,
        name="Webinaire « Industrie 4.0 »",
        channel=crm.Channel.WEBINAR,
        status=crm.CampaignStatus.ACTIVE,
        budget=Decimal("12500.00"),
        owner=personas.alice,
        type="Webinaire",
    )
    f.CampaignFactory(
        workspace=ws,
        name="Salon Global Industrie Lyon",
        channel=crm.Channel.EVENT,
        status=crm.CampaignStatus.ACTIVE,
        budget=Decimal("48000.00"),
        start_date=dt.date(2026, 3, 10),
        end_date=dt.date(2026, 3, 13),
        owner=personas.mia,
    )
    f.CampaignFactory(
        workspace=ws,
        name="Campagne LinkedIn directeurs achats",
        channel=crm.Channel.LINKEDIN,
        status=crm.CampaignStatus.PLANNED,
        budget=Decimal("7200.00"),
    )
    companies = [
        (
            "Dassault Systèmes Industrie",
            "dassault-industrie.fr",
            "Logiciel",
            "Vélizy",
            "Île-de-France",
        ),
        (
            "Fromagerie Lactalis Ouest",
            "lactalis-ouest.fr",
            "Agroalimentaire",
            "Laval",
            "Pays de la Loire",
        ),
        (
            "Transports Girardin & Fils",
            "girardin-transports.fr",
            "Logistique",
            "Lyon",
            "Auvergne-Rhône-Alpes",
        ),
        ("Clinique Saint-Augustin", "st-augustin.fr", "Santé", "Bordeaux", "Nouvelle-Aquitaine"),
        ("Aciéries de Lorraine", "acieries-lorraine.fr", "Industrie", "Metz", "Grand Est"),
    ]
    accounts = [
        f.AccountFactory(
            workspace=ws, name=n, domain=d, industry=i, city=c, region=r, owner=personas.bob
        )
        for n, d, i, c, r in companies
    ]
    people = [
        ("Camille", "Lefèvre", "Directrice des achats"),
        ("Thomas", "Moreau", "DSI"),
        ("Inès", "Benali", "Responsable marketing"),
        ("Julien", "Fournier", "Directeur industriel"),
        ("Sophie", "Garnier", "Contrôleuse de gestion"),
        ("Hugo", "Lambert", "Chef de projet"),
        ("Léa", "Rousseau", "Directrice générale"),
    ]
    contacts = []
    for i, (first, last, title) in enumerate(people):
        contacts.append(
            f.ContactFactory(
                workspace=ws,
                account=accounts[i % len(accounts)],
                first_name=first,
                last_name=last,
                job_title=title,
                email=f"{first.lower()}.{i}@client.fr",
                phone="+33 1 23 45 67 8" + str(i),
                owner=personas.bob,
            )
        )
    path = [funnel.Stage.INQUIRY, funnel.Stage.MQL, funnel.Stage.SAL, funnel.Stage.SQL]
    leads = []
    for i, contact in enumerate(contacts):
        final = path[: (i % 4) + 1]
        lead = f.LeadFactory(
            workspace=ws,
            contact=contact,
            stage=final[-1],
            score=35 + 9 * i,
            source_campaign=webinar if i % 2 == 0 else None,
            source_channel=crm.Channel.WEBINAR if i % 2 == 0 else crm.Channel.SEO,
            owner=personas.bob,
        )
        start = now - dt.timedelta(days=30 - i)
        previous = ""
        for step, stage in enumerate(final):
            funnel.LeadStageChange.objects.create(
                workspace=ws,
                lead=lead,
                from_stage=previous,
                to_stage=stage,
                at=start + dt.timedelta(days=3 * step),
                actor=personas.alice if step < 2 else personas.bob,
                reason="Score au-dessus du seuil" if stage == funnel.Stage.MQL else "",
            )
            previous = stage
        f.TouchpointFactory(
            workspace=ws,
            contact=contact,
            lead=lead,
            campaign=webinar,
            kind=funnel.TouchKind.WEBINAR_ATTENDED,
            occurred_at=start,
        )
        f.TouchpointFactory(
            workspace=ws,
            contact=contact,
            lead=lead,
            kind=funnel.TouchKind.CALL,
            occurred_at=start + dt.timedelta(days=4),
            actor=personas.bob,
            note="Premier appel : besoin confirmé, budget en cours de validation.",
        )
        leads.append(lead)
    opportunity = f.OpportunityFactory(
        workspace=ws,
        account=accounts[0],
        lead=leads[3],
        name="Déploiement MES — site de Vélizy",
        amount=Decimal("24000.00"),
        stage=funnel.OpportunityStage.PROPOSAL,
        primary_campaign=webinar,
        close_date=dt.date(2026, 6, 30),
        owner=personas.bob,
    )
    f.OpportunityFactory(
        workspace=ws,
        account=accounts[2],
        name="Optimisation des tournées",
        amount=Decimal("86500.00"),
        stage=funnel.OpportunityStage.NEGOTIATION,
        close_date=dt.date(2026, 5, 15),
        owner=personas.dave,
    )
    f.OpportunityFactory(
        workspace=ws,
        account=accounts[4],
        name="Maintenance prédictive des hauts fourneaux",
        amount=Decimal("142000.00"),
        stage=funnel.OpportunityStage.WON,
        close_date=dt.date(2026, 4, 2),
        owner=personas.dave,
        primary_campaign=webinar,
    )
    pod = f.PodFactory(
        workspace=ws,
        name="Pod Industrie Grand Est",
        mission="Ouvrir les comptes industriels du Grand Est, ensemble.",
        industries=["Industrie", "Logistique"],
        regions=["Grand Est"],
    )
    PodMember.objects.create(pod=pod, user=personas.alice, is_lead=True)
    PodMember.objects.create(pod=pod, user=personas.bob)
    pod.named_accounts.set([accounts[0], accounts[4]])
    lonely = f.PodFactory(workspace=ws, name="Pod Santé", industries=["Santé"])
    PodMember.objects.create(pod=lonely, user=personas.mia)
    return Seeded(accounts[0], contacts[3], leads[3], webinar, opportunity, pod)
