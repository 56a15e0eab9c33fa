"""Who may see and do what on the workspace pages."""

from __future__ import annotations

import pytest

from cordee.crm.models import Campaign

# these tests read English strings; the French pages have their own test (tests/i18n)
pytestmark = pytest.mark.usefixtures("english_pages")

KINDS = ["accounts", "contacts", "leads", "opportunities", "campaigns", "pods"]


def workspace_urls(records) -> list[str]:
    urls = ["/w/acme/", "/w/acme/profile/"]
    for kind in KINDS:
        pk = records[kind].pk
        urls += [
            f"/w/acme/{kind}/",
            f"/w/acme/{kind}/new/",
            f"/w/acme/{kind}/{pk}/",
            f"/w/acme/{kind}/{pk}/edit/",
        ]
    return urls


def test_a_non_member_gets_404_on_every_workspace_page(client, personas, acme_records):
    client.force_login(personas.carol)
    for url in workspace_urls(acme_records):
        assert client.get(url).status_code == 404, url


def test_a_record_of_another_workspace_is_not_found(client, personas, acme_records):
    client.force_login(personas.carol)
    pk = acme_records["accounts"].pk
    assert client.get(f"/w/globex/accounts/{pk}/").status_code == 404


def test_signed_out_visitors_are_sent_to_the_login_page(client, acme_records):
    response = client.get("/w/acme/leads/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_members_can_open_every_page_of_their_workspace(client, personas, acme_records):
    client.force_login(personas.rita)
    for url in workspace_urls(acme_records):
        assert client.get(url).status_code == 200, url


def test_root_goes_to_the_last_workspace_used(client, personas):
    from tests import factories as f

    f.MembershipFactory(workspace=personas.globex, user=personas.alice, role="marketer")
    client.force_login(personas.alice)
    assert client.get("/")["Location"] == "/w/acme/"  # first by name
    client.get("/w/globex/")
    assert client.session["workspace_slug"] == "globex"
    assert client.get("/")["Location"] == "/w/globex/"


@pytest.mark.parametrize("kind", KINDS)
def test_an_executive_sees_no_create_button(client, personas, acme_records, kind):
    client.force_login(personas.erin)
    response = client.get(f"/w/acme/{kind}/")
    assert response.status_code == 200
    assert f'href="/w/acme/{kind}/new/"' not in response.content.decode()
    detail = client.get(f"/w/acme/{kind}/{acme_records[kind].pk}/").content.decode()
    assert f"/w/acme/{kind}/{acme_records[kind].pk}/edit/" not in detail


@pytest.mark.parametrize("kind", KINDS)
def test_an_executive_cannot_create_anything(client, personas, kind):
    client.force_login(personas.erin)
    assert client.get(f"/w/acme/{kind}/new/").status_code == 403
    response = client.post(f"/w/acme/{kind}/new/", {"name": "Nope"})
    assert response.status_code == 403
    assert "Your role in this workspace does not allow this action." in response.content.decode()


def test_a_writer_sees_the_create_button(client, personas, acme_records):
    client.force_login(personas.alice)
    assert 'href="/w/acme/campaigns/new/"' in client.get("/w/acme/campaigns/").content.decode()


def test_a_marketer_can_create_a_campaign(client, personas):
    client.force_login(personas.alice)
    response = client.post(
        "/w/acme/campaigns/new/",
        {
            "name": "Salon Global Industrie",
            "channel": "event",
            "status": "planned",
            "budget": "18000",
            "currency": "EUR",
        },
    )
    campaign = Campaign.objects.get(workspace=personas.acme, name="Salon Global Industrie")
    assert response.status_code == 302
    assert response["Location"] == f"/w/acme/campaigns/{campaign.pk}/"


def test_a_sales_rep_cannot_create_a_campaign(client, personas):
    client.force_login(personas.bob)
    assert 'href="/w/acme/campaigns/new/"' not in client.get("/w/acme/campaigns/").content.decode()
    response = client.post("/w/acme/campaigns/new/", {"name": "X", "channel": "seo"})
    assert response.status_code == 403
    assert not Campaign.objects.filter(name="X").exists()


def test_the_admin_site_is_for_instance_superusers_only(client, personas):
    client.force_login(personas.rita)  # a workspace's RevOps admin is not an instance operator
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert "/admin/" not in client.get("/w/acme/").content.decode()


def test_the_navigation_kept_between_pages_follows_reader_page_counts_and_language(
    client, personas
):
    """The layout's navigation is rendered once per workspace, role, page, counts and
    language, then kept (core/templatetags/cordee.py): what it shows still follows each."""
    from django.core.cache import cache
    from django.utils import translation

    from cordee.people.models import Notification
    from cordee.people.services import notifications_send

    def nav(path: str, language: str = "en") -> str:
        client.cookies["django_language"] = language
        html = client.get(path).content.decode()
        return html[html.index('<nav class="nav"') : html.index("</nav>")]

    client.force_login(personas.rita)
    admin_home = nav("/w/acme/")
    assert "Audit log" in admin_home and "/w/acme/audit/" in admin_home
    assert 'aria-current="page">Home<' in admin_home
    queue = nav("/w/acme/queue/")
    assert 'aria-current="page">MQL queue<' in queue and 'aria-current="page">Home' not in queue
    assert "Notifications</a>" in queue  # no count: nothing unread
    notifications_send(
        notifications=[
            Notification(
                workspace=personas.acme, user=personas.rita, kind="mention", key="k", code="mention"
            )
        ]
    )
    assert '<span class="nav__count" aria-label="1 unread">1</span>' in nav("/w/acme/queue/")
    # counted up to 100: 99 unread are said, more are "99+"
    notifications_send(
        notifications=[
            Notification(
                workspace=personas.acme, user=personas.rita, kind="k", key=f"k{i}", code="mention"
            )
            for i in range(98)
        ]
    )
    assert 'aria-label="99 unread">99</span>' in nav("/w/acme/queue/")
    # written by another path than the notifications' services: the bell's number is kept a
    # while, then counted again
    Notification.objects.create(workspace=personas.acme, user=personas.rita, kind="k", key="x")
    assert 'aria-label="99 unread">99</span>' in nav("/w/acme/queue/")
    cache.delete(f"unread-notifications:{personas.acme.pk}:{personas.rita.pk}")  # time passed
    assert 'aria-label="More than 99 unread">99+</span>' in nav("/w/acme/queue/")
    with translation.override("fr"):
        audit_in_french = translation.gettext("Audit log")
    assert audit_in_french != "Audit log"
    assert audit_in_french in nav("/w/acme/", "fr") and "Audit log" not in nav("/w/acme/", "fr")
    client.force_login(personas.bob)  # the same page, another role: no settings
    rep_home = nav("/w/acme/")
    assert "Audit log" not in rep_home and 'aria-current="page">Home<' in rep_home
