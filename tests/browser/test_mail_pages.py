"""E-mail in a real browser: a person chooses how they hear of mentions on their profile; a
mention then reaches them by e-mail, which the RevOps admin reads in the Outbox, text and HTML,
wide and narrow."""

from __future__ import annotations

import pytest

from cordee.comments import services as comments
from cordee.comments.mentions import mention_token
from cordee.people.mail import notification_mails_send
from cordee.people.outbox import BACKEND
from tests.browser.conftest import WIDTHS, check_and_shoot, log_in, open_page, seed_workspace

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", list(WIDTHS))
def test_preferences_then_the_outbox(browser, live_server, personas, settings, tmp_path, width):
    settings.EMAIL_BACKEND = BACKEND
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    seeded = seed_workspace(personas)
    watched = open_page(browser, width)
    page = watched.page
    try:
        log_in(watched, live_server.url, "bob@example.fr")
        page.goto(f"{live_server.url}/w/acme/profile/#notification-preferences")
        page.select_option("select[name=kind_feedback_answer]", "email")
        page.select_option("select[name=kind_task_reminder]", "off")
        page.click("#notification-preferences button[type=submit]")
        page.wait_for_selector(".alert, [role=status]")
        assert page.input_value("select[name=kind_task_reminder]") == "off"
        check_and_shoot(watched, "profile-notification-preferences", width)

        comments.comment_post(
            actor=personas.actor("alice"),
            kind="lead",
            record_id=seeded.lead.pk,
            body=f"{mention_token(personas.bob.pk, str(personas.bob))} peux-tu rappeler ?",
        )
        assert notification_mails_send(workspace_id=personas.acme.pk) == 1

        page.context.clear_cookies()
        log_in(watched, live_server.url, "rita@example.fr")
        page.goto(f"{live_server.url}/w/acme/outbox/")
        page.wait_for_selector("table a[href*='/outbox/']")
        check_and_shoot(watched, "outbox", width)
        page.click("table a[href*='/outbox/']")
        page.wait_for_selector("pre.mail-text")
        assert "Bonjour Bob," in page.inner_text("pre.mail-text")
        check_and_shoot(watched, "outbox-message", width)
    finally:
        page.context.close()
