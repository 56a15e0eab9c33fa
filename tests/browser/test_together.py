"""Issue 20 in a real browser, on the demo company: each role's home, the wins wall with a
reaction and kudos sent from a phone, a diagnostic answered on a phone, a pod's page, the
alignment index and the monthly executive report — every page clean at both widths, and the
screenshots the user guide shows."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from cordee.demo import DEMO_PASSWORD
from cordee.diagnostic.models import Respondent, Response, Wave
from cordee.people.models import Pod, PodMember
from cordee.tenancy.models import Membership, User, Workspace
from cordee.wins.models import Kudos, Reaction, WinPost
from tests.browser.conftest import SCREENSHOTS, WIDTHS, check_and_shoot, log_in, open_page

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
REP = "julie.ventes@demo.cordee.fr"
MARKETER = "claire.marketing@demo.cordee.fr"
MANAGER = "marc.ventes@demo.cordee.fr"
EXECUTIVE = "thomas.direction@demo.cordee.fr"
REVOPS = "sophie.revops@demo.cordee.fr"


def _last_month() -> str:
    """The demo's last whole month (its report is the one sent on the first business day)."""
    today = Workspace.objects.get(slug="demo").today()
    return f"{(today.replace(day=1) - dt.timedelta(days=1)):%Y-%m}"


@pytest.mark.parametrize("width", list(WIDTHS))
def test_each_roles_home_and_the_together_pages_render_cleanly(browser, live_server, demo, width):
    pod = Pod.objects.filter(workspace__slug="demo").order_by("name").first()
    post = WinPost.objects.filter(workspace__slug="demo", kind="deal_won").first()
    closed = Wave.objects.filter(workspace__slug="demo", closed_at__isnull=False).first()
    assert pod and post and closed, "the demo has pods, wins and a closed diagnostic wave"
    month = _last_month()
    pages = {
        REP: [("home-rep", "/w/demo/")],
        MARKETER: [("home-marketer", "/w/demo/")],
        MANAGER: [("home-manager", "/w/demo/")],
        EXECUTIVE: [
            ("home-executive", "/w/demo/"),
            ("wins-wall", "/w/demo/wins/"),
            ("win", f"/w/demo/wins/{post.pk}/"),
            ("kudos", "/w/demo/kudos/"),
            ("pod-page", f"/w/demo/pods/{pod.pk}/"),
            ("alignment-index", "/w/demo/alignment/"),
            ("diagnostic", "/w/demo/diagnostic/"),
            ("diagnostic-results", f"/w/demo/diagnostic/{closed.pk}/"),
            ("report", f"/w/demo/reports/{month}/"),
            ("pod-value-log", f"/w/demo/pods/{pod.pk}/value-log/"),
        ],
        REVOPS: [("wins-settings", "/w/demo/wins/settings/")],
    }
    for email, shots in pages.items():
        watched = open_page(browser, width)
        try:
            log_in(watched, live_server.url, email, DEMO_PASSWORD)
            for name, path in shots:
                watched.page.goto(live_server.url + path)
                check_and_shoot(watched, name, width)
                if name.startswith("home-"):
                    # what needs the person now comes first, then the wins and the index
                    assert watched.page.locator("main h2").count() >= 2, name
        finally:
            watched.page.context.close()
    if os.environ.get("CORDEE_DOCS_SCREENSHOTS") and width == 1280:
        DOCS.mkdir(parents=True, exist_ok=True)
        for name, _path in [s for shots in pages.values() for s in shots]:
            shutil.copy(SCREENSHOTS / f"{name}-{width}.png", DOCS / f"{name}.png")


def test_a_rep_reacts_and_sends_kudos_across_the_sides_from_a_phone(browser, live_server, demo):
    rep = User.objects.get(email=REP)
    marketer = User.objects.get(email=MARKETER)
    post = WinPost.objects.filter(workspace__slug="demo", withdrawn_at__isnull=True).first()
    watched = open_page(browser, 390)
    page = watched.page
    try:
        log_in(watched, live_server.url, REP, DEMO_PASSWORD)
        page.goto(f"{live_server.url}/w/demo/wins/{post.pk}/")
        mine = Reaction.objects.filter(post=post, user=rep, emoji="party").exists()
        page.locator(f"#reactions-{post.pk} button[data-emoji=party]").click()
        page.locator(
            f"#reactions-{post.pk} button[data-emoji=party]"
            f"[aria-pressed={'false' if mine else 'true'}]"
        ).wait_for()
        assert Reaction.objects.filter(post=post, user=rep, emoji="party").exists() != mine

        page.goto(f"{live_server.url}/w/demo/kudos/?to={marketer.pk}&post={post.pk}#kudos-form")
        page.fill("#kudos-form textarea[name=message]", "Merci pour le webinaire : lead en or !")
        page.locator("#kudos-form button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        kudos = Kudos.objects.filter(sender=rep).order_by("-created_at").first()
        assert kudos.recipient == marketer and kudos.post == post
        assert kudos.cross_side  # a rep thanking a marketer: across the sides
        watched.assert_clean("kudos sent")
        page.screenshot(path=str(SCREENSHOTS / "kudos-sent-390.png"), full_page=True)
    finally:
        page.context.close()


def test_a_member_answers_the_diagnostic_on_a_phone_and_stays_anonymous(browser, live_server, demo):
    wave = Wave.objects.filter(workspace__slug="demo", closed_at__isnull=True, pod__isnull=False)
    wave = wave.first()
    answered = Respondent.objects.filter(wave=wave).values("user_id")
    member = (
        PodMember.objects.filter(pod=wave.pod, user__is_active=True)
        .exclude(user_id__in=answered)
        .select_related("user")
        .first()
    ).user
    assert Membership.objects.filter(user=member, workspace=wave.workspace).exists()
    before = Response.objects.filter(wave=wave).count()
    watched = open_page(browser, 390)
    page = watched.page
    try:
        log_in(watched, live_server.url, member.email, DEMO_PASSWORD)
        page.goto(f"{live_server.url}/w/demo/diagnostic/{wave.pk}/answer/")
        check_and_shoot(watched, "diagnostic-answer", 390)
        statements = page.locator("#diagnostic-answer fieldset[data-statement]")
        assert statements.count() == 20
        for i in range(20):
            value = 3 + i % 3  # 3, 4, 5, 3, …
            statements.nth(i).locator(f"input[type=radio][value='{value}']").check()
        page.click("#diagnostic-send")
        # answered: on to the wave's page (its results come when it closes)
        page.wait_for_url(f"{live_server.url}/w/demo/diagnostic/{wave.pk}/**")
        watched.assert_clean("diagnostic answered")
    finally:
        page.context.close()
    assert Respondent.objects.filter(wave=wave, user=member).exists()
    assert Response.objects.filter(wave=wave).count() == before + 1
    # the answers are kept, and nothing on the response names the person
    assert Response.objects.filter(wave=wave, answers=[3 + i % 3 for i in range(20)]).exists()
    assert {f.name for f in Response._meta.get_fields()} == {
        "id",
        "wave",
        "side",
        "pod_ids",
        "answers",
    }
