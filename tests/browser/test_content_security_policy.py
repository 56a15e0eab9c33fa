"""Every main page of the demo workspace under the real Content-Security-Policy, in Chromium,
as the RevOps admin and as a sales rep: no `securitypolicyviolation` event, no console message
at all (Chromium reports each refused inline script, style or handler there). The pages are
the sidebar's links, as each person sees them, plus the first record of each list, a form, and
the pages one reaches from there (a member, a mail of the outbox)."""

from __future__ import annotations

from typing import Any

import pytest

from cordee.demo import DEMO_PASSWORD
from tests.browser.conftest import Watched, log_in

pytestmark = pytest.mark.browser

# the listener is installed before any page script runs, in every frame
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI || "inline"} ` +
                              `${e.sourceFile || ""}:${e.lineNumber || ""} ${e.sample || ""}`);
});
"""

# lists whose first row opens a record page
LISTS = ("leads", "accounts", "contacts", "opportunities", "campaigns", "feedback", "members")
FORMS = ["/w/demo/leads/new/", "/w/demo/feedback/new/"]


def _links(page: Any, selector: str) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")
    return [h for h in hrefs if h and h.startswith("/w/demo/")]


def _found_below(page: Any, path: str) -> list[str]:
    """The pages a visited page leads to: a list's first record, the outbox's first mail."""
    kind = path.strip("/").split("/")[-1]
    if kind in LISTS:
        return _links(page, "main table tbody a[href]")[:1]
    if kind == "outbox":
        return _links(page, "main a[href*='/outbox/']")[:1]  # a mail: its HTML in a frame
    return []


def _page_problems(page: Any, url: str, console: list[str]) -> list[str]:
    """What ``page``, just opened at ``url``, did against the policy: a page without the
    policy, each violation in any of its frames, each console message."""
    problems = []
    for frame in page.frames:
        found = frame.evaluate("window.__cspViolations || []")
        problems += [f"{url} ({frame.url}): {v}" for v in found]
    problems += [f"{url}: {line}" for line in console]
    console.clear()
    return problems


def _watched_context(browser: Any) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda msg: console.append(f"console {msg.type}: {msg.text}"))
    page.on("pageerror", lambda exc: console.append(f"page error: {exc}"))
    return context, page, console


def _policy_problem(path: str, response: Any) -> list[str]:
    assert response is not None and response.status < 400, (path, response)
    header = response.headers.get("content-security-policy", "")
    if "frame-ancestors 'none'" not in header or "unsafe-inline" in header:
        return [f"{path}: not the page policy ({header!r})"]
    return []


@pytest.mark.parametrize(
    "email",
    ["sophie.revops@demo.cordee.fr", "julie.ventes@demo.cordee.fr"],
    ids=["revops-admin", "sales-rep"],
)
def test_no_page_breaks_the_content_security_policy(browser, live_server, demo, email):
    # every main page of a person (30-odd for the admin): 20 to 40 s on two busy cores, the
    # pages' own rendering; the demo is copied from the session's snapshot
    context, page, console = _watched_context(browser)
    problems: list[str] = []
    try:
        log_in(Watched(page), live_server.url, email, DEMO_PASSWORD)
        # the sidebar's pages as this person sees them, then what they lead to
        queue = [*_links(page, "nav.nav a"), *_links(page, "a.me"), *FORMS]
        seen: set[str] = set()
        console.clear()
        while queue:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            # "load": deferred scripts have run and stylesheets are applied (no page fetches a
            # fragment on load; waiting for network idle would double the test's time)
            response = page.goto(live_server.url + path)
            problems += _policy_problem(path, response)
            problems += _page_problems(page, path, console)
            queue += _found_below(page, path)
        assert len(seen) >= 20, seen  # the walk found the pages
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_the_django_admin_and_the_api_docs_keep_the_policy(browser, live_server, demo):
    """The instance administration (Django's admin: its index, a change list, a change form with
    inlines, prepopulated and autocomplete fields) and the API's documentation (Swagger UI, its
    assets served from /static/, rendered and one operation opened) under the same policy."""
    from cordee.tenancy.models import User, Workspace

    email = "sophie.revops@demo.cordee.fr"
    User.objects.filter(email=email).update(is_superuser=True, is_staff=True)
    workspace = Workspace.objects.get(slug="demo")
    user = User.objects.get(email=email)
    admin_pages = [
        "/admin/",
        "/admin/tenancy/workspace/",
        f"/admin/tenancy/workspace/{workspace.pk}/change/",
        "/admin/tenancy/user/",
        f"/admin/tenancy/user/{user.pk}/change/",
    ]
    context, page, console = _watched_context(browser)
    problems: list[str] = []
    try:
        log_in(Watched(page), live_server.url, email, DEMO_PASSWORD)
        console.clear()
        for path in admin_pages:
            response = page.goto(live_server.url + path)
            problems += _policy_problem(path, response)
            assert page.locator("#content").count() == 1, path  # the admin's page, not a login
            problems += _page_problems(page, path, console)
        # the change form's scripts at work: an inline row added, the autocomplete opened
        page.goto(f"{live_server.url}/admin/tenancy/workspace/{workspace.pk}/change/")
        page.locator(".add-row a").first.click()
        page.locator(".select2-selection").last.click()
        page.wait_for_selector(".select2-results__option")
        problems += _page_problems(page, "workspace change form, used", console)

        path = "/api/v1/docs"
        response = page.goto(live_server.url + path)
        problems += _policy_problem(path, response)
        page.wait_for_selector(".swagger-ui .opblock-summary")  # the document, rendered
        page.locator(".swagger-ui .opblock-summary").first.click()
        page.wait_for_selector(".swagger-ui .opblock-body")
        problems += _page_problems(page, path, console)
    finally:
        context.close()
    assert not problems, "\n".join(problems)
