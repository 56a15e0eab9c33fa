"""The readiness kit: saves and versions, validation naming the field, who acknowledges (only the
sales reps of the target pods), who has not, the kit on the leads of its campaign, the files
served to members only, the API and the pages.

The hand-made pods of Acme:

| pod  | members                                                            |
|------|--------------------------------------------------------------------|
| Nord | Bob (sales rep), Dave (sales manager), Sam (SDR), Zoé (SDR), Alice (marketer) |
| Sud  | Hugo (sales rep)                                                   |

The brief targets Nord, so the kit's reps are Bob, Dave, Sam and Zoé (4; Alice is on the
marketing side, Hugo in another pod, Rita in no pod).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cordee.codesign import kit as services
from cordee.codesign import kit_selectors as selectors
from cordee.codesign.models import BriefVersion, Kit, KitAcknowledgement, KitAsset
from cordee.core.actor import Actor
from cordee.core.errors import PermissionDenied, ValidationFailed
from cordee.core.models import AuditEntry
from cordee.people.models import Notification, PodMember
from tests import factories as f
from tests.fixtures.api import ApiClient

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
TEXTS = {
    "talk_track": "Bonjour, vous avez visité notre stand au salon Santé…",
    "objections": [{"q": "C’est trop cher", "a": "Le coût d’un audit raté est plus élevé."}],
    "faq": [{"q": "Combien de temps dure l’audit ?", "a": "Deux jours sur site."}],
}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def english() -> Any:
    """The services' messages in English (the pages' clients ask for English too)."""
    with translation.override("en"):
        yield


def _member(ws: Any, first_name: str, role: str) -> Any:
    user = f.UserFactory(email=f"{first_name.lower()}@example.fr", first_name=first_name)
    f.MembershipFactory(workspace=ws, user=user, role=role)
    return user


@pytest.fixture
def pods(personas: Any) -> dict[str, Any]:
    ws = personas.acme
    nord = f.PodFactory(workspace=ws, name="Nord")
    sud = f.PodFactory(workspace=ws, name="Sud")
    sam = _member(ws, "Sam", "sdr")
    zoe = _member(ws, "Zoé", "sdr")
    hugo = _member(ws, "Hugo", "sales_rep")
    for user in (personas.bob, personas.dave, sam, zoe, personas.alice):
        PodMember.objects.create(pod=nord, user=user)
    PodMember.objects.create(pod=sud, user=hugo)
    return {"nord": nord, "sud": sud, "sam": sam, "zoe": zoe, "hugo": hugo}


@pytest.fixture
def campaign(personas: Any, pods: dict[str, Any]) -> Any:
    campaign = f.CampaignFactory(workspace=personas.acme, name="Salon Santé")
    BriefVersion.objects.create(
        workspace=personas.acme, campaign=campaign, number=1, pods=[pods["nord"].pk]
    )
    return campaign


def _actor(user: Any) -> Actor:
    membership = user.memberships.select_related("workspace").get()
    return Actor(user=user, workspace=membership.workspace, role=membership.role)


def _save(personas: Any, campaign: Any, name: str = "alice", **data: Any) -> Kit:
    kit, _changed = services.kit_save(personas.actor(name), campaign, {**TEXTS, **data})
    return kit


def _client(user: Any) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


# -- saves and versions ---------------------------------------------------------------------------


def test_each_save_that_changes_the_kit_raises_its_version_and_is_audited(personas, campaign):
    first = _save(personas, campaign)
    assert first.version == 1
    assert first.objections == TEXTS["objections"]
    second = _save(personas, campaign, talk_track="Bonjour, suite au salon…")
    assert second.version == 2
    same, changed = services.kit_save(
        personas.actor("mia"), campaign, {**TEXTS, "talk_track": "Bonjour, suite au salon…"}
    )
    assert (same.version, changed) == (2, False)  # nothing changed: no new version
    entries = AuditEntry.objects.filter(target="kits").order_by("id")
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].before == {"talk_track": TEXTS["talk_track"]}
    assert entries[1].after == {"version": 2, "talk_track": "Bonjour, suite au salon…"}


def test_assets_added_and_removed_raise_the_version(
    personas, campaign, django_capture_on_commit_callbacks
):
    _save(personas, campaign)
    actor = personas.actor("alice")
    link = services.asset_add(actor, campaign, title="Page de l’offre", url="https://ex.fr/a")
    deck = services.asset_add(
        actor, campaign, title="Deck", file=SimpleUploadedFile("deck.pdf", PDF)
    )
    assert Kit.objects.get(campaign=campaign).version == 3
    stored = deck.file.path
    with django_capture_on_commit_callbacks(execute=True):
        services.asset_delete(actor, deck)
    assert Kit.objects.get(campaign=campaign).version == 4
    assert list(KitAsset.objects.filter(kit__campaign=campaign)) == [link]
    assert [e.action for e in AuditEntry.objects.filter(target="kit-assets").order_by("id")] == [
        "create",
        "create",
        "delete",
    ]
    assert not Path(stored).exists()  # the file deleted once committed


def test_the_first_asset_creates_the_kit(personas, campaign):
    services.asset_add(personas.actor("alice"), campaign, title="Deck", url="http://ex.fr/d")
    assert Kit.objects.get(campaign=campaign).version == 1


# -- validation naming the field ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"objections": [{"q": "Trop cher", "a": ""}]}, "objections", "Row 1"),
        ({"objections": [{"q": "", "a": "Une réponse sans question"}]}, "objections", "Row 1"),
        ({"faq": [{"q": "Ok ?", "a": "Oui"}, {"q": "Et ?", "a": " "}]}, "faq", "Row 2"),
        ({"talk_track": "x" * 10_001}, "talk_track", "10000"),
        ({"talk_track": "nul\x00"}, "talk_track", "U+0000"),
    ],
)
def test_a_bad_text_is_an_error_naming_its_field(personas, campaign, data, field, words):
    with pytest.raises(ValidationFailed) as refused:
        _save(personas, campaign, **data)
    assert list(refused.value.field_errors) == [field]
    assert words in " ".join(refused.value.field_errors[field])
    assert not Kit.objects.filter(campaign=campaign).exists()


@pytest.mark.parametrize(
    "url", ["ftp://ex.fr/deck.pdf", "javascript:alert(1)", "www.ex.fr", "https://", "file:///etc"]
)
def test_a_link_that_is_not_http_is_refused_naming_the_url(personas, campaign, url):
    with pytest.raises(ValidationFailed) as refused:
        services.asset_add(personas.actor("alice"), campaign, title="Lien", url=url)
    assert list(refused.value.field_errors) == ["url"]


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("deck.pdf", b"%PDF-" + b"0" * (services.FILE_MAX_BYTES - 4), "too large (20.0 MB)"),
        ("deck.pdf", b"MZ\x90\x00 not a pdf", "does not match"),
        ("run.exe", b"MZ\x90\x00", "not accepted"),
        ("vide.pdf", b"", "empty"),
    ],
)
def test_a_bad_file_is_refused_naming_the_file(personas, campaign, name, content, words):
    with pytest.raises(ValidationFailed) as refused:
        services.asset_add(
            personas.actor("alice"),
            campaign,
            title="Fichier",
            file=SimpleUploadedFile(name, content),
        )
    assert list(refused.value.field_errors) == ["file"]
    assert words in refused.value.field_errors["file"][0]
    assert not KitAsset.objects.exists()


def test_a_file_of_exactly_the_limit_is_accepted(personas, campaign):
    content = b"%PDF-" + b"0" * (services.FILE_MAX_BYTES - 5)
    assert len(content) == 20 * 1024 * 1024
    asset = services.asset_add(
        personas.actor("alice"), campaign, title="Gros", file=SimpleUploadedFile("g.pdf", content)
    )
    assert asset.file.size == 20 * 1024 * 1024


def test_an_asset_needs_a_title_and_one_of_file_or_link(personas, campaign):
    with pytest.raises(ValidationFailed) as refused:
        services.asset_add(personas.actor("alice"), campaign, title="", url="")
    assert set(refused.value.field_errors) == {"title", "file"}


@pytest.mark.parametrize("name", ["bob", "dave", "erin"])
def test_sales_and_executives_do_not_write_the_kit(personas, campaign, name):
    with pytest.raises(PermissionDenied):
        _save(personas, campaign, name=name)
    with pytest.raises(PermissionDenied):
        services.asset_add(personas.actor(name), campaign, title="D", url="https://ex.fr")


# -- acknowledgements -----------------------------------------------------------------------------


def test_only_the_reps_of_the_target_pods_acknowledge(personas, campaign, pods):
    _save(personas, campaign)
    with pytest.raises(PermissionDenied) as marketer:
        services.kit_acknowledge(personas.actor("alice"), campaign)  # in Nord, but marketing
    assert "Only the sales reps of the campaign’s target pods" in marketer.value.message
    with pytest.raises(PermissionDenied) as outsider:
        services.kit_acknowledge(_actor(pods["hugo"]), campaign)  # a rep of Sud
    assert "not a member of a target pod of this campaign (Nord)" in outsider.value.message
    with pytest.raises(PermissionDenied):
        services.kit_acknowledge(personas.actor("rita"), campaign)  # RevOps, in no pod
    ack = services.kit_acknowledge(personas.actor("bob"), campaign)
    assert (ack.user, ack.version) == (personas.bob, 1)


def test_a_kit_not_written_yet_cannot_be_acknowledged(personas, campaign):
    from cordee.core.errors import Conflict

    with pytest.raises(Conflict):
        services.kit_acknowledge(personas.actor("bob"), campaign)


def test_who_has_and_who_has_not_after_a_new_version(personas, campaign, pods):
    _save(personas, campaign)
    services.kit_acknowledge(personas.actor("bob"), campaign)
    services.kit_acknowledge(_actor(pods["sam"]), campaign)
    kit = _save(personas, campaign, talk_track="Nouvelle accroche")  # version 2
    services.kit_acknowledge(personas.actor("dave"), campaign)
    ready = selectors.readiness(actor=personas.actor("erin"), campaign=campaign, kit=kit)
    # by hand: 3 reps (Bob, Sam, Zoé — Dave, a sales manager, is no rep: he may read the kit,
    # and is not counted); Bob and Sam read v1; Zoé never
    assert [(r.name.split()[0], r.state, r.version) for r in ready.reps] == [
        ("Bob", "earlier", 1),
        ("Sam", "earlier", 1),
        ("Zoé", "waiting", None),
    ]
    assert (len(ready.ready), ready.total) == (0, 3)
    assert [r.name.split()[0] for r in ready.not_ready] == ["Bob", "Sam", "Zoé"]
    # Bob reads it again: his acknowledgement is now of version 2
    services.kit_acknowledge(personas.actor("bob"), campaign)
    assert KitAcknowledgement.objects.get(user=personas.bob).version == 2
    assert KitAcknowledgement.objects.filter(kit=kit).count() == 3


def test_the_reps_are_told_of_each_version(
    personas, campaign, pods, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _save(personas, campaign)
    with django_capture_on_commit_callbacks(execute=True):
        _save(personas, campaign, talk_track="Autre")
    told = Notification.objects.filter(workspace=personas.acme).order_by("user__first_name", "id")
    # the reps of the pod: Bob, Sam, Zoé (Dave, a sales manager, is no rep)
    assert [(n.user.first_name, n.code) for n in told] == [
        ("Bob", "codesign.kit_published"),
        ("Bob", "codesign.kit_changed"),
        ("Sam", "codesign.kit_published"),
        ("Sam", "codesign.kit_changed"),
        ("Zoé", "codesign.kit_published"),
        ("Zoé", "codesign.kit_changed"),
    ]
    changed = told[1]
    assert changed.params == {"campaign": "Salon Santé", "version": 2}
    assert changed.title == "The readiness kit of “Salon Santé” changed (version 2)"
    assert changed.url == reverse("kit_detail", args=["acme", campaign.pk])


# -- the pages ------------------------------------------------------------------------------------


def test_the_kit_page_of_a_marketer_and_of_a_rep(personas, campaign):
    _save(personas, campaign)
    mine = _client(personas.alice).get(reverse("kit_detail", args=["acme", campaign.pk]))
    assert mine.status_code == 200
    assert b'id="kit-form"' in mine.content and b'id="kit-ack"' not in mine.content
    theirs = _client(personas.bob).get(reverse("kit_detail", args=["acme", campaign.pk]))
    assert b'id="kit-form"' not in theirs.content
    assert b'id="kit-ack"' in theirs.content
    assert "C’est trop cher".encode() in theirs.content


def test_a_marketer_saves_the_kit_on_the_page(personas, campaign):
    client = _client(personas.alice)
    save = reverse("kit_save", args=["acme", campaign.pk])
    more = client.post(save, {"talk_track": "Bonjour", "objections-0-q": "Cher", "more": "faq"})
    assert more.status_code == 200  # one more row offered, nothing saved
    assert not Kit.objects.filter(campaign=campaign).exists()
    refused = client.post(save, {"talk_track": "Bonjour", "objections-0-q": "Cher"})
    assert refused.status_code == 422
    assert "Row 1: write the answer to “Cher”.".encode() in refused.content
    done = client.post(
        save,
        {
            "talk_track": "Bonjour",
            "objections-0-q": "Cher",
            "objections-0-a": "Rentable",
            "objections-1-q": "Pas le temps",
            "objections-1-a": "Deux jours",
            "objections-2-q": "",
            "objections-2-a": "",
            "faq-0-q": "Où ?",
            "faq-0-a": "Sur site",
        },
    )
    assert done.status_code == 302
    kit = Kit.objects.get(campaign=campaign)
    assert kit.objections == [
        {"q": "Cher", "a": "Rentable"},
        {"q": "Pas le temps", "a": "Deux jours"},
    ]
    removed = client.post(
        save,
        {
            "talk_track": "Bonjour",
            "objections-0-q": "Cher",
            "objections-0-a": "Rentable",
            "objections-0-remove": "1",
            "objections-1-q": "Pas le temps",
            "objections-1-a": "Deux jours",
            "faq-0-q": "Où ?",
            "faq-0-a": "Sur site",
        },
    )
    assert removed.status_code == 302
    kit.refresh_from_db()
    assert (kit.version, kit.objections) == (2, [{"q": "Pas le temps", "a": "Deux jours"}])


def test_an_asset_on_the_page_names_the_bad_field(personas, campaign):
    client = _client(personas.alice)
    add = reverse("kit_asset_add", args=["acme", campaign.pk])
    refused = client.post(add, {"title": "Lien", "url": "ftp://ex.fr"})
    assert refused.status_code == 422
    assert b'id="id_url_error"' in refused.content
    done = client.post(add, {"title": "Deck", "file": SimpleUploadedFile("deck.pdf", PDF)})
    assert done.status_code == 302
    asset = KitAsset.objects.get()
    assert client.post(reverse("kit_asset_delete", args=["acme", asset.pk])).status_code == 302
    assert not KitAsset.objects.exists()


def test_a_rep_acknowledges_from_a_lead_and_comes_back_to_it(personas, campaign):
    _save(personas, campaign)
    lead = f.LeadFactory(workspace=personas.acme, source_campaign=campaign)
    back = reverse("leads_detail", args=["acme", lead.pk])
    done = _client(personas.bob).post(
        reverse("kit_acknowledge", args=["acme", campaign.pk]), {"next": back}
    )
    assert done.status_code == 302 and done["Location"] == back
    refused = _client(personas.alice).post(reverse("kit_acknowledge", args=["acme", campaign.pk]))
    assert refused.status_code == 403
    assert "Only the sales reps of the campaign’s target pods".encode() in refused.content


def test_the_campaign_page_shows_who_is_ready(personas, campaign, pods):
    url = reverse("campaigns_detail", args=["acme", campaign.pk])
    assert b'id="campaign-kit"' in _client(personas.erin).get(url).content  # no kit yet
    _save(personas, campaign)
    services.kit_acknowledge(personas.actor("bob"), campaign)
    services.kit_acknowledge(personas.actor("dave"), campaign)
    html = _client(personas.erin).get(url).content.decode()
    count = re.search(r'id="campaign-kit-count">\s*([^<]*)<', html)
    assert count is not None
    assert re.sub(r"\s+", " ", count.group(1)).strip() in (
        "1 of 3 reps ready",  # Bob; Dave (a sales manager) is no rep
        "1 sur 3 commerciaux prêts",
    )
    waiting = re.search(r'id="campaign-kit-waiting">([^<]*)<', html)
    assert waiting is not None and "Sam" in waiting.group(1) and "Zoé" in waiting.group(1)
    assert "Bob" not in waiting.group(1)


def _panel_queries(client: Client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    kit_queries = [q for q in queries.captured_queries if "codesign_kit" in q["sql"]]
    return page.content.decode(), len(kit_queries)


def test_a_lead_shows_the_kit_of_its_source_campaign_only(personas, campaign):
    _save(personas, campaign)
    services.asset_add(personas.actor("alice"), campaign, title="Deck", url="https://ex.fr/d")
    other = f.CampaignFactory(workspace=personas.acme, name="Webinaire")
    services.kit_save(personas.actor("alice"), other, {"talk_track": "Parlez du webinaire"})
    ours = f.LeadFactory(workspace=personas.acme, source_campaign=campaign)
    theirs = f.LeadFactory(workspace=personas.acme, source_campaign=other)
    none = f.LeadFactory(workspace=personas.acme, source_campaign=None)
    client = _client(personas.bob)
    html, queries = _panel_queries(client, reverse("leads_detail", args=["acme", ours.pk]))
    assert queries == 1  # the panel's one query
    assert 'id="lead-kit"' in html
    assert "Bonjour, vous avez visité notre stand" in html
    assert '<details class="kit-qa"><summary>C’est trop cher</summary>' in html
    assert "https://ex.fr/d" in html
    assert 'id="kit-ack"' in html
    assert "Parlez du webinaire" not in html
    html, _n = _panel_queries(client, reverse("leads_detail", args=["acme", theirs.pk]))
    assert "Parlez du webinaire" in html and "notre stand" not in html
    html, queries = _panel_queries(client, reverse("leads_detail", args=["acme", none.pk]))
    assert queries == 0 and 'id="lead-kit"' not in html


def test_the_lead_panel_says_when_the_rep_read_an_earlier_version(personas, campaign):
    _save(personas, campaign)
    services.kit_acknowledge(personas.actor("bob"), campaign)
    lead = f.LeadFactory(workspace=personas.acme, source_campaign=campaign)
    url = reverse("leads_detail", args=["acme", lead.pk])
    html = _client(personas.bob).get(url).content.decode()
    assert "kit-ack__state" in html and "<form" not in html.split('id="kit-ack"')[1][:400]
    _save(personas, campaign, talk_track="Nouvelle version")
    html = _client(personas.bob).get(url).content.decode()
    panel = html.split('id="kit-ack"')[1][:900]
    assert "badge--recycled" in panel and 'name="next"' in panel


# -- files served to members only, another workspace's campaign -----------------------------------


def test_a_file_is_served_to_members_only(personas, campaign):
    asset = services.asset_add(
        personas.actor("alice"), campaign, title="Deck", file=SimpleUploadedFile("deck.pdf", PDF)
    )
    url = reverse("kit_asset_file", args=["acme", asset.pk])
    got = _client(personas.erin).get(url)
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == PDF
    assert "attachment" in got["Content-Disposition"]
    assert _client(personas.carol).get(url).status_code == 404  # not a member of Acme
    assert (
        _client(personas.carol)
        .get(reverse("kit_asset_file", args=["globex", asset.pk]))
        .status_code
        == 404
    )  # her own workspace, Acme's asset
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert not asset.file.url.startswith(reverse("kit_asset_file", args=["acme", asset.pk]))


def test_another_workspaces_campaign_is_404_everywhere(personas):
    theirs = f.CampaignFactory(workspace=personas.globex)
    services.kit_save(_actor(personas.carol), theirs, TEXTS)
    asset = services.asset_add(_actor(personas.carol), theirs, title="D", url="https://ex.fr")
    for name in ("bob", "alice"):
        client = _client(getattr(personas, name))
        for page in ("kit_detail",):
            assert client.get(reverse(page, args=["acme", theirs.pk])).status_code == 404
        for page in ("kit_save", "kit_asset_add", "kit_acknowledge"):
            assert client.post(reverse(page, args=["acme", theirs.pk])).status_code == 404
        assert client.post(reverse("kit_asset_delete", args=["acme", asset.pk])).status_code == 404
        assert client.get(reverse("kit_asset_file", args=["acme", asset.pk])).status_code == 404
    alice = _api(personas, "alice")
    assert alice.get(f"/campaigns/{theirs.pk}/kit").status_code == 404
    assert alice.put(f"/campaigns/{theirs.pk}/kit", TEXTS).status_code == 404
    assert alice.post(f"/campaigns/{theirs.pk}/kit/assets", {"title": "x"}).status_code == 404
    assert alice.delete(f"/kit/assets/{asset.pk}").status_code == 404
    assert _api(personas, "bob").post(f"/campaigns/{theirs.pk}/kit/acknowledge").status_code == 404
    assert alice.get(f"/campaigns/{theirs.pk}/kit/acknowledgements").status_code == 404
    assert Kit.objects.get(campaign=theirs).version == 2


# -- the API --------------------------------------------------------------------------------------


class _Api(ApiClient):
    def put(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self._call("put", path, {} if data is None else data, **extra)

    def upload(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post(f"/api/v1/{path.lstrip('/')}", data, headers=self.headers)


def _api(personas: Any, name: str) -> _Api:
    from cordee.people.services import api_token_create

    _token, secret = api_token_create(actor=personas.actor(name), name="tests")
    return _Api({"Authorization": f"Bearer {secret}", "Accept-Language": "en"})


def test_api_round_trip(personas, campaign):
    alice, bob = _api(personas, "alice"), _api(personas, "bob")
    url = f"/campaigns/{campaign.pk}/kit"
    assert bob.get(url).status_code == 404  # no kit yet
    saved = alice.put(url, TEXTS)
    assert saved.status_code == 200, saved.content
    assert saved.json()["version"] == 1
    assert saved.json()["objections"] == TEXTS["objections"]
    assert bob.put(url, TEXTS).status_code == 403
    refused = alice.put(url, {**TEXTS, "faq": [{"q": "Sans réponse ?"}]})
    assert refused.status_code == 422
    assert list(refused.json()["error"]["fields"]) == ["faq"]
    link = alice.post(f"{url}/assets", {"title": "Offre", "url": "https://ex.fr/offre"})
    assert link.status_code == 201, link.content
    bad = alice.post(f"{url}/assets", {"title": "Offre", "url": "ftp://ex.fr"})
    assert bad.status_code == 422 and list(bad.json()["error"]["fields"]) == ["url"]
    deck = alice.upload(
        f"{url}/assets", {"title": "Deck", "file": SimpleUploadedFile("d.pdf", PDF)}
    )
    assert deck.status_code == 201, deck.content
    assert deck.json()["file_name"] == "d.pdf"
    assert deck.json()["download_url"] == reverse(
        "kit_asset_file", args=["acme", deck.json()["id"]]
    )
    too_large = alice.upload(
        f"{url}/assets",
        {
            "title": "Gros",
            "file": SimpleUploadedFile("g.pdf", b"%PDF-" + b"0" * services.FILE_MAX_BYTES),
        },
    )
    assert too_large.status_code == 422 and list(too_large.json()["error"]["fields"]) == ["file"]
    assert alice.delete(f"/kit/assets/{link.json()['id']}").status_code == 204
    assert bob.delete(f"/kit/assets/{deck.json()['id']}").status_code == 403
    kit = bob.get(url).json()
    # by hand: v1 the texts, v2 the link, v3 the deck, v4 the link removed
    assert kit["version"] == 4 and [a["title"] for a in kit["assets"]] == ["Deck"]
    ack = bob.post(f"{url}/acknowledge")
    assert ack.status_code == 200 and ack.json()["version"] == 4
    refused = alice.post(f"{url}/acknowledge")
    assert refused.status_code == 403
    assert "target pods" in refused.json()["error"]["message"]
    who = bob.get(f"{url}/acknowledgements").json()
    # by hand: the reps Bob, Sam, Zoé (Dave, a sales manager, is no rep); Bob read v4
    assert (who["total"], who["ready"], who["version"]) == (3, 1, 4)
    assert [r["name"].split()[0] for r in who["not_ready"]] == ["Sam", "Zoé"]
    assert [r["state"] for r in who["reps"]] == ["ready", "waiting", "waiting"]
