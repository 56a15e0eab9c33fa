"""An invitation to a first sign-in, in a real browser, in French: a RevOps admin invites a new
sales rep from the members page; the rep opens the e-mailed link, sets a name and a password
(a too short one is refused first) and lands in the workspace, signed in."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from cordee.funnel.models import Lead
from cordee.tenancy.models import Membership
from tests import factories as f
from tests.browser.conftest import check_and_shoot, log_in, open_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1280])
def test_an_invitation_leads_to_a_first_sign_in(browser, live_server, personas, width):
    admin = open_page(browser, width)
    invitee = open_page(browser, width)
    try:
        page = admin.page
        log_in(admin, live_server.url, "rita@example.fr")
        page.goto(f"{live_server.url}/w/acme/members/")
        page.fill("input[name=email]", "nina.durand@example.fr")
        page.select_option("select[name=role]", "sales_rep")
        page.get_by_role("button", name="Envoyer l’invitation").click()
        page.wait_for_selector("text=Une invitation a été envoyée à nina.durand@example.fr.")
        assert "nina.durand@example.fr" in page.locator("[data-invitations]").inner_text()
        check_and_shoot(admin, "members", width)

        (message,) = mail.outbox
        link = re.search(r"(http://\S+/invitations/\S+/)", message.body).group(1)
        page = invitee.page
        page.goto(link)
        page.fill("input[name=first_name]", "Nina")
        page.fill("input[name=last_name]", "Durand")
        page.fill("input[name=password]", "123")
        page.fill("input[name=password2]", "123")
        invitee.problems.clear()
        page.get_by_role("button", name="Créer mon compte").click()
        page.wait_for_selector("text=Ce mot de passe est trop court.")
        invitee.problems.clear()  # the refused form answers 422, as it should
        check_and_shoot(invitee, "invitation-accept", width)
        page.fill("input[name=password]", "corde-de-rappel-42")
        page.fill("input[name=password2]", "corde-de-rappel-42")
        page.get_by_role("button", name="Créer mon compte").click()
        page.wait_for_url(f"{live_server.url}/w/acme/")
        assert "Bienvenue dans Acme." in page.content()
        membership = Membership.objects.get(user__email="nina.durand@example.fr")
        assert (membership.role, membership.is_active) == ("sales_rep", True)
        page.goto(f"{live_server.url}/w/acme/profile/")
        assert "Celle-ci" in page.locator("[data-sessions]").inner_text()
        check_and_shoot(invitee, "profile-sessions", width)
    finally:
        admin.page.context.close()
        invitee.page.context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_an_admin_lets_a_colleague_go_and_hands_over_their_work(
    browser, live_server, personas, width
):
    """Bob leaves: Rita deactivates him (his open browser is signed out on its next page) and
    gives his open leads to Dave on the hand-over page."""
    ws = personas.acme
    for stage in ("mql", "sal"):
        f.LeadFactory(workspace=ws, owner=personas.bob, stage=stage)
    bob = open_page(browser, width)
    admin = open_page(browser, width)
    try:
        log_in(bob, live_server.url, "bob@example.fr")
        page = admin.page
        log_in(admin, live_server.url, "rita@example.fr")
        page.goto(f"{live_server.url}/w/acme/members/{personas.bob.pk}/")
        assert page.locator("[data-counts] [data-kind=leads] [data-count]").inner_text() == "2"
        check_and_shoot(admin, "member-edit", width)
        page.get_by_role("button", name="Désactiver").click()
        page.wait_for_url(f"**/members/{personas.bob.pk}/handover/")
        page.select_option("select[name=leads]", str(personas.dave.pk))
        check_and_shoot(admin, "member-handover", width)
        page.get_by_role("button", name="Transmettre", exact=True).click()
        page.wait_for_selector("text=2 éléments ont été transmis.")
        row = page.locator("[data-kind=leads] [data-count]")
        assert row.inner_text() == "0"
        bob.page.goto(f"{live_server.url}/w/acme/")
        assert "/login/" in bob.page.url
    finally:
        admin.page.context.close()
        bob.page.context.close()
    assert Lead.objects.filter(owner=personas.dave).count() == 2
