"""Every page of the web UI speaks French, all of it; and the English pages speak English.

The cases are not a hand-picked list: every named URL pattern of the web UI (everything but the
Django admin, the JSON API, the language switch and the health probe) becomes a case, so a new
page is checked as soon as it exists, and its case fails until ``_kwargs`` can build its URL.
A few variants per kind add the states a page only shows sometimes: empty lists, no search
result, an invalid filter, a form with errors, a refused or missing record, a fresh API token.

How English is told from French without flagging the data:

1. the visible text is collected: text nodes outside ``<script>``/``<style>``, plus the
   ``placeholder``, ``title``, ``aria-label`` and ``alt`` attributes; an element marked with
   another ``lang`` (the language switch's "English") is skipped, and so is one marked
   ``translate="no"`` (a text from a library, such as the names of public holidays);
2. the values stored in the test database (names, e-mails, cities, campaign names…) are cut out
   of that text, as are numbers, dates and amounts (only words made of letters are looked at);
3. what remains fails when it holds an *English word*: a word of the catalogue's msgids that no
   French msgstr uses (so "SQL", "MQL", "pipeline", "lead", "pod" or "contact", which French
   uses too, pass), plus a few common English UI words.

The English pages get the mirror check with the catalogue's French-only words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from cordee.alignment.models import ValueEntry
from cordee.bulk.models import BulkJob
from cordee.bulk.services import bulk_job_start
from cordee.codesign.models import BriefComment, KitAsset, Review
from cordee.comments import services as comments
from cordee.comments.models import Comment
from cordee.comp import services as comp_services
from cordee.comp.models import Dispute as PayDispute
from cordee.comp.models import Plan as PayPlan
from cordee.comp.models import Statement as PayStatement
from cordee.crm import models as crm
from cordee.dataio.models import ImportJob
from cordee.diagnostic.models import Wave as DiagnosticWave
from cordee.feedback.models import FeedbackItem
from cordee.funnel import kpis
from cordee.funnel import models as funnel
from cordee.funnel import services as funnel_services
from cordee.integrations.models import IncomingEndpoint, WebhookSubscription
from cordee.lists import services as lists
from cordee.lists.models import SavedView
from cordee.merges.models import Merge
from cordee.merges.services import merge_records
from cordee.people.access import invitation_create
from cordee.people.mail import mail_send
from cordee.people.models import Invitation, Pod, PodMember
from cordee.people.outbox import BACKEND as OUTBOX_BACKEND
from cordee.people.outbox import OutboxMessage, outbox_messages
from cordee.rituals.models import (
    ActionItem,
    AgendaItem,
    Committee,
    ExchangeDebrief,
    ExchangeSession,
    Meeting,
    Pairing,
    Participant,
    Programme,
)
from cordee.tenancy.models import ApiToken, User, Workspace
from cordee.wins.models import Kudos, WinPost
from tests import factories as f
from tests.conftest import Personas, copy_for_the_test, make_personas, rows_kept_for_the_module

PO = Path(__file__).resolve().parents[2] / "cordee" / "locale" / "fr" / "LC_MESSAGES" / "django.po"

# Named URL patterns that are not pages of the web UI, by route prefix.
NOT_WEB_UI = (
    "admin/",  # the Django admin, translated by Django itself
    "api/",  # JSON API: its messages are checked through the catalogue
    "i18n/",  # the language switch (POST only)
    "healthz",  # the load balancers' probe
    "readyz",  # the orchestrators' readiness probe (JSON)
    "metrics",  # Prometheus' scrape (text format, for machines)
    "feeds/",  # the campaign calendar's ICS feed (text/calendar, for calendar applications)
)

# Words that both languages write the same way and that the catalogue happens not to show on
# both sides (the rest are found from the catalogue).
SHARED_WORDS = {
    "lead", "leads", "pod", "pods", "mql", "mqls", "sal", "sql", "sla", "pipeline", "api",
    "on", "me", "as", "date", "type", "code", "format", "points", "note", "message", "contact",
    "actions", "pages", "mission", "budget", "score", "source", "minimum", "total", "site",
    "web", "mail", "revops", "cordée", "ae", "sdr", "seo", "sea", "url", "json", "http",
    "linkedin", "slack", "microsoft", "teams", "webhook", "webhooks", "nurturing", "e",
}  # fmt: skip
COMMON_ENGLISH = {
    "the", "and", "of", "to", "with", "by", "new", "edit", "save", "delete", "search",
    "filter", "filters", "name", "owner", "stage", "all", "none", "sign", "out", "in",
    "since", "at", "back", "next", "previous", "show", "yet", "no", "yes", "your", "you",
    "this", "here", "from", "there", "is", "are", "not", "for", "or", "be", "it",
    "true", "false",
}  # fmt: skip
COMMON_FRENCH = {
    "le", "la", "les", "des", "du", "un", "une", "et", "ou", "pour", "avec", "dans", "sur",
    "aucun", "aucune", "votre", "vos", "nouveau", "nouvelle", "modifier", "enregistrer",
}  # fmt: skip


# -- the catalogue's vocabulary ------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
_WORD = re.compile(r"[^\W\d_]+")


# a freshly shown API token is random letters: "cdt_we0n…" must not read as the English "we"
# and so is the secret of a calendar feed's address
_API_TOKEN = re.compile(r"\bcdt_[A-Za-z0-9_-]+|/feeds/calendar/[A-Za-z0-9_-]+")


def _words(text: str) -> set[str]:
    text = _API_TOKEN.sub(" ", _PLACEHOLDER.sub(" ", text))
    return {w for w in _WORD.findall(text.lower()) if len(w) > 1}


def _vocabulary() -> tuple[set[str], set[str]]:
    """(English-only words, French-only words) of the catalogue."""
    english: set[str] = set()
    french: set[str] = set()
    for entry in polib.pofile(str(PO)).translated_entries():
        english |= _words(entry.msgid) | _words(entry.msgid_plural or "")
        french |= _words(entry.msgstr)
        for text in entry.msgstr_plural.values():
            french |= _words(text)
    return (
        (english - french - SHARED_WORDS) | COMMON_ENGLISH,
        (french - english - SHARED_WORDS) | COMMON_FRENCH,
    )


ENGLISH_WORDS, FRENCH_WORDS = _vocabulary()


# -- visible text --------------------------------------------------------------------------------

_VISIBLE_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}  # fmt: skip


class VisibleText(HTMLParser):
    """Text a person reads or hears, minus elements marked as being in another language."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.page_language = ""
        self.chunks: list[str] = []
        self._raw = ""  # inside <script> or <style>
        self._foreign: list[str] = []  # open elements from the first foreign-``lang`` one

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.page_language = attributes.get("lang") or ""
        lang = (attributes.get("lang") or "").split("-")[0]
        if self._foreign:
            if tag not in _VOID:
                self._foreign.append(tag)
            return
        # another language, or a text no catalogue holds (translate="no": the names of the public
        # holidays, which the holidays library writes in the reader's language when it can)
        untranslated = attributes.get("translate") == "no"
        if (lang and lang != self.language and tag != "html") or untranslated:
            if tag not in _VOID:
                self._foreign.append(tag)
            return
        if tag in ("script", "style"):
            self._raw = tag
        for name in _VISIBLE_ATTRIBUTES:
            if attributes.get(name):
                self.chunks.append(str(attributes[name]))
        if tag == "input" and attributes.get("type") in ("submit", "button", "reset"):
            self.chunks.append(attributes.get("value") or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if self._foreign and self._foreign[-1] == tag and tag not in _VOID:
            self._foreign.pop()

    def handle_endtag(self, tag: str) -> None:
        if self._foreign:
            if tag in self._foreign:
                while self._foreign.pop() != tag:
                    pass
            return
        if tag == self._raw:
            self._raw = ""

    def handle_data(self, data: str) -> None:
        if not self._raw and not self._foreign and data.strip():
            self.chunks.append(data)


def visible_text(html: str, language: str) -> tuple[str, list[str]]:
    parser = VisibleText(language)
    parser.feed(html)
    parser.close()
    return parser.page_language, [" ".join(c.split()) for c in parser.chunks if c.strip()]


# -- data ----------------------------------------------------------------------------------------

_TEXT_FIELDS = (models.CharField, models.TextField)  # EmailField, SlugField, URLField included


MENTION = re.compile(r"@\[[^\]]*\]\(\d+\)")


def database_values() -> list[str]:
    """Every text a person typed into the database (not codes of choices), longest first."""
    values: set[str] = {"Cordée"}
    for model in apps.get_models():
        if not model.__module__.startswith("cordee."):
            continue
        text_fields = [
            fld.attname
            for fld in model._meta.concrete_fields
            if isinstance(fld, _TEXT_FIELDS) and not fld.choices
        ]
        json_fields = [
            fld.attname for fld in model._meta.concrete_fields if isinstance(fld, models.JSONField)
        ]
        for obj in model._default_manager.all():
            values.add(str(obj))
            for name in text_fields:
                text = str(getattr(obj, name) or "")
                values.add(text)
                # a comment's text is shown with its mentions as names: each stretch between
                # them is the person's text too
                values.update(part.strip() for part in MENTION.split(text))
            for name in json_fields:
                values.update(_json_texts(getattr(obj, name)))
            full_name = getattr(obj, "get_full_name", None)
            if callable(full_name):
                values.add(str(full_name()))
    return sorted((v for v in values if len(v.strip()) > 1), key=len, reverse=True)


def _json_texts(value: Any) -> Iterator[str]:
    """The texts inside a JSON value (an import's report: its messages and reasons)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _json_texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_texts(item)
    elif value is not None:
        yield str(value)


def without_data(text: str, values: list[str]) -> str:
    for value in values:
        if value in text:
            text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", " ", text)
    return text


_ADDRESS = re.compile(r"https?://\S+")


def offending_words(html: str, language: str, values: list[str]) -> list[str]:
    """The visible texts of ``html`` holding a word of the other language, with those words."""
    page_language, chunks = visible_text(html, language)
    if "<html" in html:  # an htmx fragment (a form fetched into a page) has no <html> of its own
        assert page_language == language, f'<html lang="{page_language}">, expected {language}'
    foreign = ENGLISH_WORDS if language == "fr" else FRENCH_WORDS
    found = []
    for chunk in chunks:
        if _ADDRESS.fullmatch(chunk):  # an address shown to copy (a feed's): not words
            continue
        words = sorted(_words(without_data(chunk, values)) & foreign)
        if words:
            found.append(f"{chunk!r} → {', '.join(words)}")
    return found


# -- the URL patterns of the web UI --------------------------------------------------------------


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, str, URLPattern]]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry.name, route, entry


def web_ui_patterns() -> dict[str, tuple[str, URLPattern]]:
    """URL name → (route, pattern), for every named page of the web UI."""
    return {
        name: (route, pattern)
        for name, route, pattern in _patterns(get_resolver())
        if not route.startswith(NOT_WEB_UI)
    }


# The model behind the ``pk`` of the URLs that are not record pages (a record page names its
# model through its ``RecordPage``).
PK_MODELS: dict[str, type[models.Model]] = {
    "instance_workspace_export": Workspace,  # the instance administrator's pages
    "instance_workspace_delete": Workspace,
    "token_revoke": ApiToken,
    "member_edit": User,
    "member_deactivate": User,
    "member_reactivate": User,
    "member_signin_unlock": User,
    "member_handover": User,
    "invitation_revoke": Invitation,
    "outbox_message": OutboxMessage,  # type: ignore[dict-item]  # its pk: the file's name
    "outbox_message_html": OutboxMessage,  # type: ignore[dict-item]
    "bulk_job_detail": BulkJob,
    "bulk_job_undo": BulkJob,
    "lead_accept": funnel.Lead,
    "lead_reject": funnel.Lead,
    "lead_convert": funnel.Lead,
    "opportunity_move": funnel.Opportunity,
    "opportunity_credits": funnel.Opportunity,
    "contract_sign": funnel.SlaContract,
    # the sales review of the campaign brief (codesign)
    "pod_reviewer_set": Pod,
    "review_request": crm.Campaign,
    "review_decide": Review,
    "brief_comment_create": crm.Campaign,
    "brief_comment_resolve": BriefComment,
    "brief_comment_reopen": BriefComment,
    "campaign_launch": crm.Campaign,
    "campaign_launch_override": crm.Campaign,
    **{f"goal_{name}": funnel.Goal for name in ("detail", "edit", "delete", "trend")},
    **{
        f"pay_plan_{name}": PayPlan for name in ("detail", "participant_remove", "download", "cost")
    },
    "pay_payroll": PayPlan,
    # a pod's living page and its value log (alignment)
    "pod_page": Pod,
    "pod_value_log": Pod,
    "pod_value_edit": ValueEntry,
    "pod_value_delete": ValueEntry,
    "pay_statement": PayStatement,
    "activity_log": funnel.Lead,  # <record> is "lead"
    "task_plan": funnel.Lead,
    "record_timeline": funnel.Lead,
    "task_done": funnel.Task,
    "incoming_rotate": IncomingEndpoint,
    "leads_comments": funnel.Lead,
    "contacts_comments": crm.Contact,
    "accounts_comments": crm.Account,
    "opportunities_comments": funnel.Opportunity,
    "campaigns_comments": crm.Campaign,
    # the campaign brief (codesign): its pk is the campaign's
    **{f"brief_{name}": crm.Campaign for name in ("detail", "save", "versions", "compare")},
    **{f"debrief_{name}": crm.Campaign for name in ("detail", "open", "rate", "lessons", "reopen")},
    # vis-ma-vie pairing: a programme's pages, a pair's, a session's
    **dict.fromkeys(
        ("pairing_board", "pairing_propose", "pairing_add", "pairing_confirm", "programme_effect"),
        Programme,
    ),
    "pairing_drop": Pairing,
    "exchange_session_move": ExchangeSession,
    # the readiness kit: its pk is the campaign's; an asset's pages, the asset's
    **{f"kit_{name}": crm.Campaign for name in ("detail", "save", "asset_add", "acknowledge")},
    **{f"kit_asset_{name}": KitAsset for name in ("delete", "file")},
    **{
        f"meeting_{name}": Meeting
        for name in ("detail", "attendance", "decide", "action_add", "close", "cancel")
    },
    "agenda_item_minutes": AgendaItem,
    "action_tick": ActionItem,
    "feedback_comments": FeedbackItem,
    # the alignment diagnostic: a wave's pages
    **dict.fromkeys(
        (
            "diagnostic_wave",
            "diagnostic_wave_answer",
            "diagnostic_wave_close",
            "diagnostic_wave_export",
        ),
        DiagnosticWave,
    ),
    # the wins wall: a post's pages; a kudos' (taken back)
    **dict.fromkeys(("win_detail", "win_react"), WinPost),
    "kudos_withdraw": Kudos,
    # the committees (rituals)
    **{
        f"committee_{name}": Committee
        for name in ("detail", "edit", "archive", "member_add", "member_remove")
    },
    # a meeting's agenda (rituals): its pk is the meeting's; an item's pages, the item's
    **dict.fromkeys(
        ("meeting_preread", "meeting_agenda", "meeting_agenda_build", "meeting_agenda_add"), Meeting
    ),
    **{f"agenda_item_{name}": AgendaItem for name in ("move", "remove", "restore")},
    **{f"comment_{name}": Comment for name in ("edit", "delete", "history")},
    "merge_new": crm.Contact,  # <record> is "contact"
    "merge_detail": Merge,
    **{f"saved_view_{name}": SavedView for name in ("update", "rename", "delete")},
    **{
        f"import_{name}": ImportJob
        for name in ("detail", "mapping", "preview", "progress", "rejected", "rerun")
    },
    # vis-ma-vie programmes (rituals): a programme's pages, a participant's, a debrief's
    **{f"programme_{name}": Programme for name in ("detail", "edit", "close", "join")},
    **{
        f"programme_{name}": Participant
        for name in ("participant_change", "participant_withdraw", "debrief_write")
    },
    **{f"exchange_debrief_{name}": ExchangeDebrief for name in ("to_feedback", "to_agenda")},
    **{
        f"feedback_{name}": FeedbackItem
        for name in (
            "detail",
            "attachment",
            "vote",
            "status",
            "assign",
            "respond",
            "merge",
            "merge_search",
        )
    },
}


_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


@dataclass(frozen=True)
class Case:
    name: str  # the URL name
    variant: str = ""  # "" for the page as most people see it

    @property
    def id(self) -> str:
        return f"{self.name}[{self.variant}]" if self.variant else self.name


def _cases() -> list[Case]:
    cases = []
    for name, (route, _pattern) in sorted(web_ui_patterns().items()):
        cases.append(Case(name))
        if name.endswith("_create"):
            cases += [Case(name, "invalid"), Case(name, "refused")]
        elif name.endswith("_detail"):
            cases += [Case(name, "bare"), Case(name, "missing")]
        elif _PARAM.findall(route) == ["slug"] and name != "profile":
            cases.append(Case(name, "empty"))  # lists and dashboards of an empty workspace
        if name.endswith("_list"):
            cases.append(Case(name, "no-match"))
    cases += [
        Case("home", "no-workspace"),
        Case("leads_list", "bad-filter"),
        Case("pods_detail", "one-sided"),
        Case("profile", "new-token"),
        Case("campaign_calendar_feed_new", "new-feed"),  # the feed's addresses shown once
        Case("two_factor", "setting-up"),  # the QR code, the key, the code to confirm
        Case("two_factor", "on"),  # the recovery codes shown once
        Case("two_factor_verify", "pending"),  # the code asked after the password
        Case("accounts_create", "created"),
        Case("workspace_settings", "invalid"),  # every refused setting named in French
        Case("instance_workspace_new", "invalid"),
        Case("merge_new", "compare"),  # the values side by side, what would move
        Case("merge_duplicates", "found"),  # a create form's duplicate hint
        Case("unknown-page"),
    ]
    return cases


CASES = _cases()


# -- the data the pages show ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def _page_rows(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[tuple[Personas, dict[str, Any]]]:
    """The personas and the records the pages show, built once for the module (each test runs in
    a savepoint: what it writes is rolled back after it)."""
    files = tmp_path_factory.mktemp("french-pages")

    def build() -> tuple[Personas, dict[str, Any]]:
        personas = make_personas()
        return personas, _page_records(personas)

    with (
        # the feedback item's attachment, the imported files
        override_settings(
            MEDIA_ROOT=files / "media",
            VAR_DIR=files / "var",
            EMAIL_BACKEND=OUTBOX_BACKEND,  # the Outbox page lists what is written there
            EMAIL_FILE_PATH=str(files / "mail"),
        ),
        rows_kept_for_the_module(django_db_blocker, build) as rows,
    ):
        yield rows


@pytest.fixture
def _page_copy(_page_rows: Any, db: Any) -> tuple[Personas, dict[str, Any]]:
    return copy_for_the_test(_page_rows)


@pytest.fixture
def personas(_page_copy: tuple[Personas, dict[str, Any]]) -> Personas:
    return _page_copy[0]


@pytest.fixture
def page_records(_page_copy: tuple[Personas, dict[str, Any]]) -> dict[str, Any]:
    """``page_records["full"][Lead]``: a record of each kind shown with its history;
    ``["bare"]``: a record of each kind with nothing around it; ``["one-sided"]``: a pod with
    marketing only."""
    return _page_copy[1]


def _page_records(personas: Personas) -> dict[str, Any]:
    """A small, realistic Acme (one record of each kind, with history), and a bare record of
    each kind for the empty states; Globex stays empty."""
    ws = personas.acme
    now = timezone.now()
    account = f.AccountFactory(
        workspace=ws,
        name="Dassault Systèmes Industrie",
        domain="dassault-industrie.fr",
        industry="Logiciel",
        city="Vélizy",
        region="Île-de-France",
        country="FR",
        owner=personas.bob,
    )
    campaign = f.CampaignFactory(
        workspace=ws,
        name="Webinaire « Industrie 4.0 »",
        channel=crm.Channel.WEBINAR,
        status=crm.CampaignStatus.ACTIVE,
        budget=Decimal("12500.00"),
        owner=personas.alice,
        type="Webinaire",
        start_date=now.date() - dt.timedelta(days=10),
        end_date=now.date() + dt.timedelta(days=20),
    )
    contact = f.ContactFactory(
        workspace=ws,
        account=account,
        first_name="Julien",
        last_name="Fournier",
        job_title="Directeur industriel",
        email="julien.fournier@client.fr",
        phone="+33 1 23 45 67 89",
        owner=personas.bob,
    )
    lead = f.LeadFactory(
        workspace=ws,
        contact=contact,
        stage=funnel.Stage.SAL,
        score=62,
        source_campaign=campaign,
        source_channel=crm.Channel.WEBINAR,
        owner=personas.bob,
        stage_entered_at=now - dt.timedelta(days=3),
        mql_at=now - dt.timedelta(days=6),
    )
    previous = ""
    for step, stage in enumerate([funnel.Stage.INQUIRY, funnel.Stage.MQL, funnel.Stage.SAL]):
        funnel.LeadStageChange.objects.create(
            workspace=ws,
            lead=lead,
            from_stage=previous,
            to_stage=stage,
            at=now - dt.timedelta(days=9 - 3 * step),
            actor=personas.alice if step < 2 else personas.bob,
            reason="Score au-dessus du seuil" if stage == funnel.Stage.MQL else "",
        )
        previous = stage
    f.TouchpointFactory(
        workspace=ws,
        contact=contact,
        lead=lead,
        campaign=campaign,
        kind=funnel.TouchKind.WEBINAR_ATTENDED,
        occurred_at=now - dt.timedelta(days=9),
    )
    f.TouchpointFactory(
        workspace=ws,
        contact=contact,
        lead=lead,
        kind=funnel.TouchKind.CALL,
        occurred_at=now - dt.timedelta(days=2),
        actor=personas.bob,
        note="Premier appel : besoin confirmé, budget en cours de validation.",
    )
    opportunity = f.OpportunityFactory(
        workspace=ws,
        account=account,
        lead=lead,
        name="Déploiement MES — site de Vélizy",
        amount=Decimal("24000.00"),
        stage=funnel.OpportunityStage.PROPOSAL,
        primary_campaign=campaign,
        close_date=dt.date(2026, 6, 30),
        owner=personas.bob,
    )
    f.OpportunityFactory(
        workspace=ws,
        account=account,
        name="Maintenance prédictive",
        amount=Decimal("142000.00"),
        stage=funnel.OpportunityStage.LOST,
        loss_reason="Budget reporté à l'an prochain",
        close_date=dt.date(2026, 4, 2),
        owner=personas.dave,
        primary_campaign=campaign,
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
    PodMember.objects.create(pod=pod, user=personas.erin)
    pod.named_accounts.set([account])
    lead.pod = pod
    lead.save(update_fields=["pod"])
    one_sided = f.PodFactory(workspace=ws, name="Pod Santé", industries=["Santé"])
    PodMember.objects.create(pod=one_sided, user=personas.mia)

    from cordee.people.services import api_token_create

    token, _secret = api_token_create(actor=personas.actor("rita"), name="Import nocturne")
    bare_contact = f.ContactFactory(
        workspace=ws, account=None, first_name="Léa", last_name="Rousseau", email="lea@client.fr"
    )
    records = [account, contact, lead, opportunity, campaign, pod, token]
    records += _funnel_records(personas, pod, account)
    records += _feedback_records(personas, account, campaign, lead)
    records.append(_comment_records(personas, lead))
    records.append(_merge_records(personas, lead.contact))
    records.append(_saved_view(personas, pod))
    # a call with its outcome and a task, in the lead's timeline
    funnel.Touchpoint.objects.create(
        workspace=ws,
        contact=lead.contact,
        lead=lead,
        kind="call",
        outcome="voicemail",
        actor=personas.bob,
        occurred_at=now,
    )
    records.append(
        funnel.Task.objects.create(
            workspace=ws, lead=lead, owner=personas.bob, title="Rappeler la DSI", due_at=now
        )
    )
    bare = [
        f.AccountFactory(workspace=ws, name="Clinique Saint-Augustin"),
        bare_contact,
        f.LeadFactory(workspace=ws, contact=bare_contact, stage_entered_at=now),
        f.OpportunityFactory(
            workspace=ws, account=account, name="Extension Vélizy", stage="discovery"
        ),
        f.CampaignFactory(
            workspace=ws, name="Salon Global Industrie Lyon", channel=crm.Channel.EVENT
        ),
        f.PodFactory(workspace=ws, name="Pod Bretagne"),
        funnel.SlaContract.objects.create(
            workspace=ws,
            name="Contrat par défaut",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 3, 31),
        ),
    ]
    records.append(_imported(personas, run=True))  # a dry run's result, with its errors
    # a bulk action with a refused row (a SAL cannot be won), and a campaign member
    records.append(
        bulk_job_start(
            actor=personas.actor("rita"),
            kind="leads",
            action="stage",
            ids=[lead.pk],
            args={"to_stage": "won"},
        )
    )
    crm.CampaignMember.objects.create(
        workspace=ws, campaign=campaign, contact=contact, added_by=personas.alice, added_at=now
    )
    records += _brief(personas, campaign, pod)
    _debrief(personas, campaign)
    records += _meeting(personas)
    records.append(_kit(personas, campaign))
    records += _programme_records(personas)
    records += _pairing_records(personas)
    bare.append(_imported(personas, run=False))  # waiting at the column mapping
    # people and access: Bob's page and hand-over, an invitation waiting (and its link)
    invitation, link = invitation_create(
        actor=personas.actor("rita"),
        email="nina.durand@example.fr",
        role="sales_rep",
        site_url="http://testserver",
    )
    records += [personas.bob, invitation]
    records.append(_outbox_message(personas))
    records.append(_goal(personas, pod))
    records += _agenda(personas, lead)
    plan = _pay_plan(personas)
    records += [plan, _pay_statement(personas, plan)]
    records.append(_committee(personas))
    records.append(  # the pod's value log (alignment): an entry of Alice's, with its link
        ValueEntry.objects.create(
            workspace=ws,
            pod=pod,
            author=personas.alice,
            on=timezone.localdate() - dt.timedelta(days=3),
            kind="shipped",
            title="Nouvelle séquence d’e-mails pour les ETI industrielles",
            body="Quatre e-mails, écrits avec les commerciaux du pod.",
            link="https://wiki.example.fr/sequences/eti",
        )
    )
    records.append(_diagnostic_wave(personas))
    records += _wall(personas, campaign, pod)
    bare.append(
        funnel.Goal.objects.create(
            workspace=ws,
            kpi="sals",
            scope="side:sales",
            period="2020-Q1",
            period_start=dt.date(2020, 1, 1),
            period_end=dt.date(2020, 3, 31),
            target=Decimal(30),
        )
    )
    bare.append(  # nobody on it, no meeting yet: both sides missing
        Committee.objects.create(
            workspace=ws,
            name="Comité sans membre",
            rrule="FREQ=MONTHLY;BYDAY=1TU",
            first_at=now + dt.timedelta(days=400),
        )
    )
    return {
        "invitation_token": link.rstrip("/").rsplit("/", 1)[-1],
        "full": {**{type(r): r for r in records}, Workspace: personas.globex},
        "bare": {type(r): r for r in bare},
        "one-sided": {type(one_sided): one_sided},
    }


def _programme_records(personas: Any) -> list[Any]:
    """A vis-ma-vie programme open for sign-up: Alice (marketing) and Bob (sales, hosting two)
    signed up and paired, their session over, Alice's debrief written and put on a committee's
    next meeting. Returns the programme, Alice's sign-up and her debrief."""
    from cordee.rituals import exchange_debriefs, programmes
    from cordee.rituals.models import Committee, ExchangeSession, Meeting, Pairing

    today = timezone.localdate()
    start = today + dt.timedelta(days=21)
    start -= dt.timedelta(days=start.weekday())  # a Monday, three weeks or so ahead
    programme = programmes.programme_create(
        actor=personas.actor("mia"),
        data={
            "name": "Vis ma vie — printemps",
            "format": "shadow_day",
            "description": "Une journée dans les pas de l’autre équipe.",
            "starts_on": start,
            "ends_on": start + dt.timedelta(days=11),
        },
    )
    days = [d.isoformat() for d in programmes.ProgrammeDays(programme).working()[:3]]
    goals = "Comprendre comment l’autre équipe travaille."
    alice, bob = (
        programmes.participant_join(
            actor=personas.actor(who),
            programme=programme,
            available_days=days,
            learning_goals=goals,
            is_host=host,
            capacity=2 if host else 1,
        )
        for who, host in (("alice", False), ("bob", True))
    )
    pairing = Pairing.objects.create(
        workspace=personas.acme, programme=programme, marketer=alice, salesperson=bob
    )
    now = timezone.now()
    ExchangeSession.objects.create(
        workspace=personas.acme,
        pairing=pairing,
        starts_at=now - dt.timedelta(hours=8),
        ends_at=now - dt.timedelta(hours=1),
        host=bob,
    )
    debrief = exchange_debriefs.debrief_write(
        actor=personas.actor("alice"),
        participant=alice,
        surprised="Chaque MQL est rappelé dans l’heure.",
        will_change="Joindre le contexte de la campagne.",
    )
    committee = Committee.objects.create(
        workspace=personas.acme, name="Comité mensuel", rrule="FREQ=MONTHLY", first_at=now
    )
    meeting = Meeting.objects.create(
        workspace=personas.acme,
        committee=committee,
        starts_at=now + dt.timedelta(days=5),
        ends_at=now + dt.timedelta(days=5, hours=1),
    )
    exchange_debriefs.debrief_to_agenda(
        actor=personas.actor("mia"), debrief=debrief, meeting=meeting
    )
    return [programme, alice, debrief]


def _brief(personas: Any, campaign: Any, pod: Any) -> list[Any]:
    """Two versions of the campaign's brief (the compare page marks what changed), sent for
    sales review: Bob, the pod's reviewer, comments on the offer, Alice answers, Bob asks for
    changes. Returns the round and the comment (their pages' pk)."""
    from cordee.codesign import review
    from cordee.codesign.services import brief_save

    first = {
        "objective": "Remplir le pipeline des cliniques",
        "pods": [pod.pk],
        "persona": "Directrice des achats",
        "offer": "Un audit offert",
        "call_to_action": "Réserver une démo",
        "channels": ["webinar"],
        "start_date": "2026-05-01",
        "end_date": "2026-05-31",
        "budget": "5000",
        "expected_mqls": "40",
        "success_criteria": "10 SQL",
    }
    brief_save(personas.actor("alice"), campaign, first)
    brief_save(
        personas.actor("mia"),
        campaign,
        {**first, "offer": "Un audit offert et une formation", "call_to_action": ""},
    )
    review.pod_reviewer_set(personas.actor("rita"), pod, personas.bob.pk)
    (asked,) = review.review_request(personas.actor("alice"), campaign)
    comment = review.comment_add(personas.actor("bob"), campaign, "offer", "Quelle formation ?")
    review.comment_add(personas.actor("alice"), campaign, "offer", "Une demi-journée", comment)
    review.review_decide(personas.actor("bob"), asked, "changes", "Préciser la formation")
    return [asked, comment]


def _meeting(personas: Any) -> list[Any]:
    """A committee meeting being run: attendance, a breach's item with its minutes and decision,
    an action item; rita runs it (committee.write). Returns the meeting, the item, the action."""
    from cordee.rituals import meetings
    from cordee.rituals.actions import action_create
    from cordee.rituals.agenda import agenda_item_add
    from cordee.rituals.models import Committee, CommitteeMember, Meeting

    ws, now = personas.acme, timezone.now()
    committee = Committee.objects.create(
        workspace=ws, name="Comité Grand Est", rrule="FREQ=WEEKLY;BYDAY=TU", first_at=now
    )
    for user in (personas.alice, personas.bob):
        CommitteeMember.objects.create(workspace=ws, committee=committee, user=user)
    meeting = Meeting.objects.create(
        workspace=ws, committee=committee, starts_at=now, ends_at=now + dt.timedelta(hours=1)
    )
    rita = personas.actor("rita")
    item = agenda_item_add(actor=rita, meeting=meeting, title="Calendrier des salons")
    meetings.attendance_set(actor=rita, meeting=meeting, present=[personas.alice.pk])
    meetings.minutes_set(actor=rita, item=item, text="Trois salons retenus")
    meetings.decision_record(actor=rita, meeting=meeting, item_id=item.pk, text="Salon de Lyon")
    action = action_create(
        actor=rita,
        meeting=meeting,
        title="Réserver le stand",
        owner_id=personas.rita.pk,
        due_on=now.date() - dt.timedelta(days=1),
        item_id=item.pk,
    )
    return [meeting, item, action]


def _agenda(personas: Any, lead: Any) -> list[Any]:
    """A committee of both sides meeting in five days, its agenda written by the data (a breach
    of the lead's first touch), a line added by hand and one removed with its reason."""
    from cordee.rituals.agenda import agenda_build, agenda_item_add, agenda_item_remove
    from cordee.rituals.models import Committee, CommitteeMember

    ws, now = personas.acme, timezone.now()
    committee = Committee.objects.create(
        workspace=ws,
        name="Comité marketing–ventes",
        rrule="FREQ=WEEKLY",
        first_at=now + dt.timedelta(days=5),
    )
    for user in (personas.alice, personas.bob):
        CommitteeMember.objects.create(workspace=ws, committee=committee, user=user)
    meeting = Meeting.objects.create(
        workspace=ws,
        committee=committee,
        starts_at=now + dt.timedelta(days=5),
        ends_at=now + dt.timedelta(days=5, hours=1),
    )
    funnel.SlaBreach.objects.create(
        workspace=ws,
        side="sales",
        kind="first_touch",
        lead=lead,
        mql_at=now - dt.timedelta(days=2),
        due_at=now - dt.timedelta(days=1),
        detected_at=now - dt.timedelta(days=1),
    )
    agenda_build(meeting)
    bob = personas.actor("bob")
    gone = agenda_item_add(actor=bob, meeting=meeting, title="Point sur le salon")
    agenda_item_remove(actor=bob, item=gone, reason="Reporté au mois prochain")
    line = agenda_item_add(actor=bob, meeting=meeting, title="Tour de table")
    return [meeting, line]


def _debrief(personas: Any, campaign: Any) -> None:
    """The campaign's debrief, open: a rep's rating and marketing's lessons."""
    from cordee.codesign.models import Debrief, LeadRating

    debrief = Debrief.objects.create(
        workspace=personas.acme,
        campaign=campaign,
        opened_at=timezone.now(),
        lessons_marketing="Cibler les directions financières",
    )
    LeadRating.objects.create(
        workspace=personas.acme,
        debrief=debrief,
        rep=personas.bob,
        rating=4,
        comment="Des contacts bien qualifiés",
        rated_at=timezone.now(),
    )


def _diagnostic_wave(personas: Any) -> Any:
    """An open diagnostic wave of the workspace that Bob answered (its pages: the statements to
    answer, the participation, the results to come)."""
    from cordee.diagnostic import services

    wave = services.wave_open(
        personas.actor("rita"),
        "Diagnostic du second semestre",
        dt.date(2026, 7, 1),
        dt.date(2026, 12, 31),
        personas.acme.today() + dt.timedelta(days=14),
    )
    services.wave_answer(personas.actor("bob"), wave, [4] * 20)
    return wave


def _wall(personas: Any, campaign: Any, pod: Any) -> list[Any]:
    """The wins wall: a deal won crediting both sides (Alice's campaign, Bob's close) with
    reactions, and Alice's kudos about it to Bob (hers to take back for ten minutes)."""
    from cordee.wins.kudos import kudos_send
    from cordee.wins.models import Reaction, WinCredit

    post = WinPost.objects.create(
        workspace=personas.acme,
        kind="deal_won",
        key="deal:french-pages",
        at=timezone.now(),
        pod=pod,
        campaign=campaign,
        amount=Decimal("48000.00"),
        currency="EUR",
        params={"title": "Dassault Systèmes Industrie"},
    )
    WinCredit.objects.create(post=post, user=personas.bob, side="sales", role="owner")
    WinCredit.objects.create(
        post=post,
        user=personas.alice,
        side="marketing",
        role="marketer",
        campaign=campaign,
        share=Decimal("0.5"),
    )
    Reaction.objects.create(post=post, user=personas.bob, emoji="party")
    kudos = kudos_send(
        actor=personas.actor("alice"),
        recipient_user_id=personas.bob.pk,
        message="Merci pour la démonstration, le client était conquis.",
        post_id=post.pk,
    )
    return [post, kudos]


def _committee(personas: Any) -> Any:
    """A committee every other Tuesday with Alice and Bob on it (its meetings planned ahead), a
    meeting held a fortnight ago and one cancelled."""
    from cordee.rituals.committees import committee_create
    from cordee.rituals.models import Meeting, MeetingState

    ws = personas.acme
    today = ws.today()
    tuesday = today + dt.timedelta(days=7 + (1 - today.weekday()) % 7)
    committee = committee_create(
        actor=personas.actor("rita"),
        data={
            "name": "Comité d’écoute mutuelle",
            "kind": "monthly",
            "purpose": "Écouter les deux équipes",
            "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
            "first_at": dt.datetime.combine(tuesday, dt.time(10), tzinfo=ws.zone),
            "location": "Salle Everest",
            "members": [personas.alice.pk, personas.bob.pk],
        },
    )
    for days, state in ((14, MeetingState.HELD), (28, MeetingState.CANCELLED)):
        start = dt.datetime.combine(tuesday - dt.timedelta(days=days), dt.time(10), tzinfo=ws.zone)
        Meeting.objects.create(
            workspace=ws,
            committee=committee,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            state=state,
        )
    return committee


def _pairing_records(personas: Any) -> list[Any]:
    """A vis-ma-vie programme that ended four weeks ago: Alice and Bob paired and their session
    held, Mia left without a pair (the effect's groups are under five: "not enough people")."""
    ws = personas.acme
    start = timezone.localdate() - dt.timedelta(days=32)
    days = [start + dt.timedelta(days=n) for n in range(5)]
    programme = Programme.objects.create(
        workspace=ws, name="Vis ma vie d’automne", starts_on=days[0], ends_on=days[-1]
    )

    def joined(user: Any, side: str, free: list[dt.date]) -> Participant:
        return Participant.objects.create(
            workspace=ws,
            programme=programme,
            user=user,
            side=side,
            available_days=[d.isoformat() for d in free],
            opted_in_at=timezone.now(),
        )

    alice = joined(personas.alice, "marketing", days)
    bob = joined(personas.bob, "sales", days)
    joined(personas.mia, "marketing", days[:1])
    pairing = Pairing.objects.create(
        workspace=ws, programme=programme, marketer=alice, salesperson=bob, state="confirmed"
    )
    at = dt.datetime.combine(days[1], dt.time(9), tzinfo=ws.zone)
    session = ExchangeSession.objects.create(
        workspace=ws, pairing=pairing, starts_at=at, ends_at=at + dt.timedelta(hours=8), host=bob
    )
    return [programme, pairing, session]


def _kit(personas: Any, campaign: Any) -> Any:
    """The campaign's readiness kit, Bob (a rep of its pod) having read its first version, then
    a link and a file added (the file: the asset the pages of an asset show)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cordee.codesign import kit

    texts = {
        "talk_track": "Bonjour, vous nous avez rencontrés au salon de Lyon.",
        "objections": [{"q": "C’est trop cher", "a": "Un arrêt de ligne coûte davantage."}],
        "faq": [{"q": "Combien de temps dure l’audit ?", "a": "Deux jours sur site."}],
    }
    kit.kit_save(personas.actor("alice"), campaign, texts)
    kit.kit_acknowledge(personas.actor("bob"), campaign)
    kit.asset_add(
        personas.actor("alice"), campaign, title="Page de l’offre", url="https://exemple.fr/offre"
    )
    return kit.asset_add(
        personas.actor("alice"),
        campaign,
        title="Fiche produit",
        file=SimpleUploadedFile("fiche.txt", b"Fiche produit"),
    )


def _pay_plan(personas: Any) -> Any:
    """A pay plan with its two kinds of components and two participants (RevOps reads it)."""
    from tests.comp.test_plans import _document

    return comp_services.plan_create(
        actor=personas.actor("rita"), name="Plan de rémunération 2026", document=_document(personas)
    )


def _pay_statement(personas: Any, plan: Any) -> Any:
    """Rita's statement (she reads her own) with a line of each kind, a pending one and a
    dispute; Rita is also a comp admin, who computes and downloads payroll."""
    comp_services.comp_admin_grant(actor=personas.actor("rita"), user_id=personas.rita.pk)
    statement = PayStatement.objects.create(
        workspace=personas.acme,
        plan=plan,
        version=plan.versions.get(number=1),
        person=personas.rita,
        period="2026-Q1",
        total=Decimal("1250.00"),
        lines=[
            {
                "component": "quota",
                "kind": "attainment",
                "payout": "1250.00",
                "attainment": "0.9500",
                "actual": "142500",
                "target": "150000",
                "deals": [{"deal_id": "12", "credited": "142500.00"}],
            },
            {
                "component": "shared",
                "kind": "attainment",
                "payout": "0.00",
                "attainment": None,
                "pending": {
                    "code": "no_goal",
                    "kpi": "pipeline_created",
                    "scope": "workspace",
                    "period": "2026-Q1",
                },
            },
        ],
    )
    PayDispute.objects.create(
        workspace=personas.acme,
        statement=statement,
        component="quota",
        text="Il manque l’affaire Dassault signée le 31 mars.",
        raised_by=personas.rita,
    )
    return statement


def _goal(personas: Any, pod: Any) -> Any:
    """A shared goal of the quarter under way (the overview shows it), under a company goal,
    with a change of target in its history."""
    quarter = kpis.current_period(personas.acme).key.removeprefix("FY")
    data = {
        "kpi": "pipeline_created",
        "period": quarter,
        "marketing_owner": personas.mia.pk,
        "sales_owner": personas.dave.pk,
    }
    rita = personas.actor("rita")
    parent = funnel_services.goal_create(
        actor=rita, data={**data, "scope": "workspace", "target": "500000", "rollup": "sum"}
    )
    goal = funnel_services.goal_create(
        actor=rita,
        data={**data, "scope": f"pod:{pod.pk}", "target": "150000", "parent": parent.pk},
    )
    return funnel_services.goal_update(actor=rita, goal_id=goal.pk, data={"target": "200000"})


def _outbox_message(personas: Any) -> OutboxMessage:
    """A mention e-mailed to a reader of English, as the Outbox page lists it (the module writes
    mail to files): the page marks the message as English, whatever the page's language."""
    reader = f.UserFactory(email="sam@example.com", first_name="Sam", language="en")
    mail_send(
        workspace=personas.acme,
        user=reader,
        template="notification",
        subject="Alice mentioned you on Dassault Systèmes Industrie",
        context={"title": "Alice mentioned you", "body": "", "url": "/w/acme/"},
    )
    return outbox_messages(slug="acme", members=[])[0]


def _comment_records(personas: Any, lead: Any) -> Any:
    """On the lead: a comment mentioning Mia and edited since (the one returned: its history is
    a page), and one deleted by a manager (its "deleted by" line)."""
    rita = personas.actor("rita")
    edited = comments.comment_post(
        actor=rita, kind="lead", record_id=lead.pk, body="Premier jet : rappeler jeudi"
    )
    comments.comment_edit(
        actor=rita,
        comment_id=edited.pk,
        body=f"@[Mia Test]({personas.mia.pk}) peux-tu rappeler jeudi ?",
    )
    gone = comments.comment_post(actor=rita, kind="lead", record_id=lead.pk, body="Hors sujet")
    comments.comment_delete(actor=personas.actor("dave"), comment_id=gone.pk)
    return edited


def _saved_view(personas: Any, pod: Any) -> Any:
    """Rita's list of leads opens on her view of the pod's MQLs, with columns she chose; a view
    shared with the workspace shows beside it."""
    rita = personas.actor("rita")
    view = lists.saved_view_create(
        actor=rita,
        kind="leads",
        name="MQL du pod",
        params={"stage": "mql", "sort": "-score"},
        columns=["contact", "score", "pod", "source_channel", "mql_at"],
        visibility="pod",
        pod_id=pod.pk,
    )
    lists.saved_view_create(actor=rita, kind="leads", name="Tous les SAL", visibility="workspace")
    lists.list_default_set(actor=rita, kind="leads", view_id=view.pk)
    return view


def _imported(personas: Any, *, run: bool) -> Any:
    """An import of a French Excel export (semicolons, Windows-1252): 11 good leads, then a bad
    e-mail on line 13."""
    import io

    from cordee.dataio.imports.runner import import_job_run
    from cordee.dataio.imports.services import import_job_create

    # column names and values that read the same in French and English; the bad e-mail is past
    # the preview's first ten rows (the preview's reasons are in the workspace's language)
    rows = [f"A-{n};m{n}@fontaine.fr;Fontaine;0{n % 9 + 1}/04/2024" for n in range(1, 11)]
    rows += ["A-11;margaux@fontaine.fr;Fontaine;03/04/2024", "A-12;xyz;Girard;05/04/2024"]
    content = ("ID;E-mail;Company;Date\r\n" + "\r\n".join(rows) + "\r\n").encode("cp1252")
    job = import_job_create(
        actor=personas.actor("rita"),
        kind="leads",
        filename="export-crm.csv",
        content=io.BytesIO(content),
        dry_run=run,
    )
    return import_job_run(job_id=job.pk) if run else job


def _funnel_records(personas: Any, pod: Any, account: Any) -> list[Any]:
    """An MQL waiting in the queue, a rejected one with its SLA breach, the funnel's settings."""
    ws = personas.acme
    now = timezone.now()
    reason = funnel.RejectionReason.objects.create(
        workspace=ws,
        code="pas-de-budget",
        label="Pas de budget cette année",
        recycle_after_days=180,
    )
    contract = funnel.SlaContract.objects.create(
        workspace=ws,
        name="Contrat SLA 2026 — Grand Est",
        pod=pod,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        mql_volume=40,
        acceptance_floor=Decimal("60"),
        marketing_signed_by=personas.mia,
        marketing_signed_at=now - dt.timedelta(days=60),
        sales_signed_by=personas.dave,
        sales_signed_at=now - dt.timedelta(days=59),
    )
    f.LeadFactory(
        workspace=ws,
        contact=f.ContactFactory(
            workspace=ws, account=account, first_name="Camille", last_name="Lefèvre"
        ),
        stage=funnel.Stage.MQL,
        score=71,
        pod=pod,
        mql_at=now - dt.timedelta(hours=30),
        stage_entered_at=now - dt.timedelta(hours=30),
    )
    rejected = f.LeadFactory(
        workspace=ws,
        contact=f.ContactFactory(
            workspace=ws, account=account, first_name="Thomas", last_name="Moreau"
        ),
        stage=funnel.Stage.RECYCLED,
        pod=pod,
        mql_at=now - dt.timedelta(days=12),
    )
    funnel.LeadDecision.objects.create(
        workspace=ws,
        lead=rejected,
        mql_at=rejected.mql_at,
        kind=funnel.DecisionKind.REJECT,
        reason=reason,
        outcome=funnel.RejectionOutcome.RECYCLED,
        comment="Projet repoussé à 2027.",
        decided_by=personas.bob,
        decided_at=now - dt.timedelta(days=11),
    )
    funnel.SlaBreach.objects.create(
        workspace=ws,
        contract=contract,
        kind=funnel.BreachKind.FIRST_TOUCH,
        side="sales",
        lead=rejected,
        mql_at=rejected.mql_at,
        owner=personas.bob,
        pod=pod,
        due_at=now - dt.timedelta(days=11, hours=20),
        detected_at=now - dt.timedelta(days=11, hours=19),
    )
    return [
        contract,
        reason,
        funnel.ScoringRule.objects.create(
            workspace=ws,
            name="Secteur industriel",
            kind=funnel.ScoringRule.Kind.FIT,
            attribute=funnel.FitAttribute.INDUSTRY,
            values=["Industrie", "Logistique"],
            points=Decimal("20"),
        ),
        funnel.RoutingRule.objects.create(
            workspace=ws,
            name="Industrie du Grand Est",
            order=10,
            pod=pod,
            industries=["Industrie"],
            regions=["Grand Est"],
        ),
        WebhookSubscription.objects.create(
            workspace=ws,
            name="Canal Slack #ventes",
            url="https://hooks.slack.com/services/T000/B000/XXXX",
            format="slack",
            events=["sla.breach", "lead.mql"],
        ),
        IncomingEndpoint.objects.create(
            workspace=ws, name="Formulaire du site", source_system="site", created_by=personas.rita
        ),
    ]


def _feedback_records(personas: Any, account: Any, campaign: Any, lead: Any) -> list[Any]:
    """A competitor, an answered item with a file, votes, a theme-free duplicate and a breach."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cordee.feedback import services as fb
    from cordee.feedback.models import Competitor, FeedbackSlaBreach

    rivalis = Competitor.objects.create(
        workspace=personas.acme, name="Rivalis", website="https://rivalis.example"
    )
    text = "Le DAF compare avec Rivalis, trois mois offerts."
    item = fb.feedback_submit(
        actor=personas.actor("bob"),
        data={
            "kind": "competitor_move",
            "title": "Rivalis offre trois mois",
            "text": text,
            "competitor": rivalis.pk,
            "account": account.pk,
            "campaign": campaign.pk,
            "lead": lead.pk,
        },
        attachment=SimpleUploadedFile("offre-rivalis.txt", text.encode()),
    )
    fb.feedback_vote(actor=personas.actor("dave"), item_id=item.pk)
    fb.feedback_status_change(
        actor=personas.actor("alice"), item_id=item.pk, to_status="acknowledged", reason="Vu"
    )
    fb.feedback_respond(
        actor=personas.actor("alice"),
        item_id=item.pk,
        text="Merci, fiche concurrent mise à jour.",
        what_changed="Nouvelle fiche de combat Rivalis",
        campaign_id=campaign.pk,
    )
    late = fb.feedback_submit(
        actor=personas.actor("bob"), data={"kind": "pricing", "title": "Remise attendue"}
    )
    FeedbackSlaBreach.objects.create(
        workspace=personas.acme,
        item=late,
        due_at=timezone.now() - dt.timedelta(hours=2),
        detected_at=timezone.now(),
    )
    return [rivalis, item]


def _merge_records(personas: Personas, contact: Any) -> Any:
    """A duplicate of the lead's contact, with a visit, merged into it (the contact's timeline
    shows the merge; the merge has its page)."""
    twin = f.ContactFactory(
        workspace=personas.acme,
        account=contact.account,
        first_name=contact.first_name,
        last_name=contact.last_name,
        phone="+33 6 11 22 33 44",
    )
    funnel.Touchpoint.objects.create(
        workspace=personas.acme, contact=twin, kind="web_visit", occurred_at=timezone.now()
    )
    return merge_records(
        actor=personas.actor("rita"),
        kind="contact",
        survivor_id=contact.pk,
        loser_id=twin.pk,
        choices={"phone": "loser"},
    )


def _kwargs(
    name: str, route: str, pattern: URLPattern, workspace: Any, objects: dict[type, Any]
) -> dict[str, Any]:
    """The URL kwargs of a page; fails, naming the page, when a parameter is not known."""
    page = pattern.default_args.get("page")
    model = page.spec.model if page is not None else PK_MODELS.get(name)
    kwargs: dict[str, Any] = {}
    for param in _PARAM.findall(route):
        if param == "slug":
            kwargs[param] = workspace.slug
        elif param == "record":  # the kind of record of an activity, a task, a timeline
            if name == "bulk_start":
                kwargs[param] = "leads"  # a list's, for bulk
            else:
                kwargs[param] = "contact" if name.startswith("merge_") else "lead"
        elif param == "pk" and model in objects:
            kwargs[param] = objects[model].pk
        elif param == "number" and name == "pay_plan_download":
            kwargs[param] = 1  # a pay plan's first version
        elif param == "period" and name == "pay_payroll":
            kwargs[param] = "2026-Q2"  # a period with no statement: the file's headers
        elif param == "month" and name.startswith("report_"):
            kwargs[param] = "2026-11"  # the executive report's month
        elif param == "token" and name == "invitation_accept":
            kwargs[param] = objects["invitation_token"]
        elif name == "password_reset_confirm":  # a link that does not work: its page says so
            kwargs[param] = {"uidb64": "MQ", "token": "set-password"}[param]
        else:
            pytest.fail(
                f"tests/i18n/test_french_pages.py cannot build the URL of {name!r} ({route}): "
                f"name the model of its {param!r} in PK_MODELS and add such a record to the "
                "`page_records` fixture."
            )
    return kwargs


# every kind of refusal of the settings page (the schemas' and the services')
BAD_SETTINGS = {
    "name": "",
    "currency": "EURO",
    "time_zone": "Mars/Base",
    "country": "FR",
    "subdivision": "ZZ",
    "extra_holidays": "2026-02-30",
    "hours_mon_0_start": "12:00",
    "hours_mon_0_end": "09:00",
    "mql_threshold": "0",
    "acknowledge_within_days": "99",
    "log_retention_days": "0",
}


def _fetch(case: Case, client: Any, personas: Any, page_records: dict[str, Any]) -> Any:
    """The response to show for ``case`` (None when the URL is an action, not a page)."""
    if case.name == "unknown-page":
        client.force_login(personas.rita)
        return client.get("/w/acme/there-is-no-such-page/")
    if case.name == "home" and case.variant == "no-workspace":
        client.force_login(f.UserFactory(email="nouvelle@example.fr", first_name="Nina"))
        return client.get(reverse("home"))
    route, pattern = web_ui_patterns()[case.name]
    persona, workspace, objects = personas.rita, personas.acme, page_records["full"]
    if case.variant == "empty":
        persona, workspace = personas.carol, personas.globex
    elif case.variant in ("bare", "one-sided"):
        objects = {**objects, **page_records[case.variant]}
    elif case.variant == "refused":
        persona = personas.erin
    elif case.variant == "missing":
        objects = {k: type("Gone", (), {"pk": 987654})() for k in objects}
    objects = {**objects, "invitation_token": page_records["invitation_token"]}
    url = reverse(case.name, kwargs=_kwargs(case.name, route, pattern, workspace, objects))
    if case.name.startswith("instance_"):  # an instance administrator's page
        persona = f.UserFactory(email="instance@example.fr", first_name="Irène", is_superuser=True)
    if case.name != "login":
        client.force_login(persona)
    if case.variant == "no-match":
        return client.get(url, {"q": "zzzzzz"})
    if case.variant == "bad-filter":
        return client.get(url, {"min_score": "beaucoup"})
    if case.variant == "invalid" and case.name == "workspace_settings":
        return client.post(url, BAD_SETTINGS)
    if case.variant == "invalid":
        # Nothing but an unreadable e-mail and amount: every form has an error to show.
        return client.post(url, {"email": "pas-un-e-mail", "amount": "beaucoup", "budget": "x"})
    if case.variant == "compare":
        contact = objects[crm.Contact]
        twin = f.ContactFactory(
            workspace=workspace,
            account=contact.account,
            first_name=contact.first_name,
            last_name=contact.last_name,
            email="double@exemple.fr",
            job_title="Directrice des achats",
        )
        funnel.Touchpoint.objects.create(
            workspace=workspace, contact=twin, kind="web_visit", occurred_at=timezone.now()
        )
        return client.get(url, {"other": twin.pk})
    if case.variant == "found":
        contact = objects[crm.Contact]
        return client.get(url, {"email": contact.email, "account": contact.account_id})
    if case.variant == "setting-up":
        client.post(url, {"action": "begin"})
        return client.post(url, {"action": "confirm", "code": "pas-un-code"})
    if case.variant in ("on", "pending"):
        device = TOTPDevice.objects.create(user=persona, name="app", confirmed=True)
        if case.variant == "pending":
            client.force_login(persona)  # signed in again: the code is owed
            return client.get(url, {"next": "/w/acme/"})
        client.post(url, {"action": "regenerate"})
        assert device.pk
        return client.get(url)
    if case.variant == "new-token":
        return client.post(url, {"name": "Synchronisation CRM"}, follow=True)
    if case.variant == "new-feed":
        return client.post(url, follow=True)
    if case.variant == "created":
        return client.post(
            url, {"name": "Aciéries de Lorraine", "industry": "Industrie"}, follow=True
        )
    response = client.get(url, follow=True)
    if response.status_code == 405:  # an action (POST only), not a page
        return None
    return response


_EXPECTED_STATUS = {"missing": 404, "refused": 403, "invalid": 422, "setting-up": 422}


def _check(
    case: Case, client: Any, personas: Any, page_records: dict[str, Any], language: str
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = _fetch(case, client, personas, page_records)
    if response is None:
        return
    expected = 404 if case.name == "unknown-page" else _EXPECTED_STATUS.get(case.variant, 200)
    assert response.status_code == expected, f"{case.id}: HTTP {response.status_code}"
    where = response.request["PATH_INFO"]
    if response["Content-Type"].startswith("application/json"):
        return  # a document for machines (a pay plan's download): its keys are its format's
    if response["Content-Type"].startswith("application/pdf"):
        return  # the executive report's PDF: its page, the same template, is read as HTML
    # a list's CSV export is read too: its headers and labels are translated
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if case.name == "outbox_message_html":
        # the mail itself, framed by its page: in its reader's language (English, see
        # _outbox_message) whatever the page's
        language = "en"
    problems = offending_words(body.decode("utf-8-sig"), language, database_values())
    other = "English" if language == "fr" else "French"
    assert not problems, f"{other} on {where} ({case.id}):\n" + "\n".join(problems)


# Cases known to show text no catalogue can translate: case id → reason (file:line).
_RAW_BOOL = (
    "cordee/core/web.py:197 (_cell) shows a boolean column as 'True'/'False'; "
    "it should show _('Yes')/_('No')"
)
_RAW_STAGE = (
    "cordee/templates/funnel/board.html:18-19 shows stage codes ({{ c.from_stage|upper }}, "
    "'WON'…) instead of the translated stage labels"
)
_CHART_ARIA = (
    "cordee/core/charts.py:54 lets Vega write English ARIA labels into the SVG ('X-axis titled "
    "… for a linear scale with values from 0.0 to 1.0'; English number format); and the "
    "tooltips of cordee/funnel/reports.py:{lines} name raw fields ({fields}) without a "
    "translated title"
)
KNOWN_UNMARKED: dict[str, str] = {}


def _param(case: Case) -> Any:
    marks = []
    if case.id in KNOWN_UNMARKED:
        marks.append(pytest.mark.xfail(reason=KNOWN_UNMARKED[case.id], strict=True))
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_the_page_is_all_french(case: Case, client: Any, personas: Any, page_records: Any) -> None:
    _check(case, client, personas, page_records, "fr")


# Files written in the workspace's language when they were made, whoever reads them later: an
# import's rejected rows (cordee/dataio/imports/engine.py writes their "line"/"reasons" header then).
WORKSPACE_LANGUAGE_FILES = {"import_rejected"}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=c.id)
        for c in CASES
        if not c.variant and c.name not in WORKSPACE_LANGUAGE_FILES
    ],
)
def test_the_english_page_has_no_french(
    case: Case, client: Any, personas: Any, page_records: Any
) -> None:
    _check(case, client, personas, page_records, "en")


@pytest.mark.parametrize("template", ["400.html", "403.html", "404.html", "500.html"])
def test_the_error_pages_are_french(template: str, personas: Any) -> None:
    request = RequestFactory().get("/")
    request.user = personas.rita
    with translation.override("fr"):
        html = render_to_string(template, request=request)
    assert not offending_words(html, "fr", ["Cordée"])


def test_every_web_page_is_a_case() -> None:
    names = {c.name for c in CASES}
    assert set(web_ui_patterns()) <= names
    assert {"login", "profile", "workspace_home", "leads_detail"} <= names  # the walk works


def test_the_word_lists_are_sane() -> None:
    assert {"sign", "out", "owner", "stage", "opportunities"} <= ENGLISH_WORDS
    assert not {"lead", "leads", "mql", "sql", "pipeline", "pod"} & ENGLISH_WORDS
    assert {"opportunités", "étape", "propriétaire"} <= FRENCH_WORDS


def test_the_visible_text_skips_code_and_foreign_elements() -> None:
    html = (
        '<html lang="fr"><head><title>Comptes</title><style>a{}</style></head><body>'
        '<script>var owner = 1;</script><input placeholder="Rechercher…" value="Owner">'
        '<button lang="en">English</button><img alt="Logo"><br/>Tableau de bord</body></html>'
    )
    assert visible_text(html, "fr") == ("fr", ["Comptes", "Rechercher…", "Logo", "Tableau de bord"])
    assert offending_words('<html lang="fr"><p>Sign out</p></html>', "fr", []) == [
        "'Sign out' → out, sign"
    ]
    assert offending_words('<html lang="fr"><p>Acme Sales</p></html>', "fr", ["Acme Sales"]) == []
