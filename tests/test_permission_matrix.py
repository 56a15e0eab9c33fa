"""The permission matrix: every page and every API operation, for every persona kind.

Every URL pattern of the site and every operation of the OpenAPI document must appear in the
tables below — a new route that is not listed makes ``test_matrix_covers_every_*`` fail. For
each entry the suite proves, for pages and API alike:

- someone from another workspace gets 404 (the workspace's existence is not confirmed);
- a member asking for another workspace's object gets 404;
- a member whose role lacks the capability gets 403 (writes);
- a member whose role holds it gets through (2xx, or a redirect after a page POST);
- an anonymous visitor is sent to the login page (pages) or gets 401 (API).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cordee.alignment.models import ValueEntry
from cordee.attribution.periods import fiscal_periods
from cordee.bulk.services import bulk_job_start
from cordee.codesign.models import BriefVersion, Debrief
from cordee.comments.models import Comment
from cordee.config.api import api
from cordee.feedback.models import Competitor, FeedbackItem
from cordee.funnel.models import (
    Goal,
    RejectionReason,
    RoutingRule,
    ScoringRule,
    SlaContract,
    Task,
)
from cordee.integrations.models import IncomingEndpoint, WebhookSubscription
from cordee.lists.models import SavedView
from cordee.people.access import invitation_create
from cordee.people.mail import mail_send
from cordee.people.models import PodMember
from cordee.people.outbox import BACKEND as OUTBOX_BACKEND
from cordee.people.services import api_token_create
from cordee.tenancy.models import ApiToken
from cordee.wins.models import WinPost
from tests import factories as f
from tests.conftest import Personas, copy_for_the_test, make_personas, rows_kept_for_the_module

# -- objects of one workspace, by kind ------------------------------------------------------------


def _outbox_message(workspace: Any, owner: Any) -> SimpleNamespace:
    """A message about ``workspace`` in the outbox (the module writes mail to files); its
    ``pk`` is its name, as on the Outbox page."""
    folder = Path(settings.EMAIL_FILE_PATH)
    before = set(folder.glob("*.eml")) if folder.is_dir() else set()
    mail_send(
        workspace=workspace,
        user=owner,
        template="notification",
        subject="Matrice",
        context={"title": "Matrice", "body": "", "url": ""},
    )
    (written,) = set(folder.glob("*.eml")) - before
    return SimpleNamespace(pk=written.stem)


def make_objects(workspace: Any, owner: Any) -> dict[str, Any]:
    account = f.AccountFactory(workspace=workspace)
    contact = f.ContactFactory(workspace=workspace, account=account)
    campaign = f.CampaignFactory(workspace=workspace)
    BriefVersion.objects.create(workspace=workspace, campaign=campaign, number=1, objective="Un")
    Debrief.objects.create(workspace=workspace, campaign=campaign, opened_at=timezone.now())
    now = timezone.now()
    lead = f.LeadFactory(
        workspace=workspace, contact=contact, stage="mql", mql_at=now, stage_entered_at=now
    )
    pod = f.PodFactory(workspace=workspace)
    PodMember.objects.create(pod=pod, user=owner)
    token, _secret = api_token_create(actor=_actor(owner, workspace), name="matrix")
    member = f.UserFactory()
    f.MembershipFactory(workspace=workspace, user=member, role="marketer")
    invitation, _link = invitation_create(
        actor=_actor(owner, workspace),
        email=f"invited@{workspace.slug}.example",
        role="sdr",
        site_url="http://testserver",
    )
    return {
        "member": member,  # a user: the member pages and operations take a user id
        "invitation": invitation,
        "outboxmessage": _outbox_message(workspace, owner),
        "account": account,
        "contact": contact,
        "campaign": campaign,
        "lead": lead,
        # its own account, so that the account above can be deleted (opportunities protect theirs)
        "opportunity": f.OpportunityFactory(workspace=workspace),
        "inquiry": f.LeadFactory(workspace=workspace, contact=contact),
        "sal": f.LeadFactory(workspace=workspace, contact=contact, stage="sal"),
        "touchpoint": f.TouchpointFactory(workspace=workspace, contact=contact, lead=lead),
        "task": Task.objects.create(
            workspace=workspace, lead=lead, owner=owner, title="Rappeler", due_at=now
        ),
        "pod": pod,
        "token": token,
        "slacontract": SlaContract.objects.create(
            workspace=workspace,
            name="C",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
        ),
        "scoringrule": ScoringRule.objects.create(
            workspace=workspace,
            name="R",
            kind="fit",
            attribute="industry",
            values=["Santé"],
            points=Decimal(5),
        ),
        "rejectionreason": RejectionReason.objects.create(
            workspace=workspace, code="bad_fit", label="Hors cible"
        ),
        "routingrule": RoutingRule.objects.create(workspace=workspace, name="RR", pod=pod),
        "snapshot": _current_snapshot(workspace),
        "goal": Goal.objects.create(
            workspace=workspace,
            kpi="sqls",
            scope="side:sales",
            period="2026-Q1",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 3, 31),
            target=Decimal(10),
        ),
        "attributionlock": _proposed_lock(workspace),
        "webhook": WebhookSubscription.objects.create(
            workspace=workspace,
            name="Slack",
            url="https://hooks.example.com/matrix",
            events=["sla.breach"],
        ),
        "competitor": Competitor.objects.create(workspace=workspace, name="Rivalis"),
        "feedbackitem": _feedback(workspace, owner, "Trop cher"),
        "feedbackdup": _feedback(workspace, owner, "Too expensive"),
        "feedbackfile": _feedback_with_file(workspace, owner),
        "incomingendpoint": IncomingEndpoint.objects.create(
            workspace=workspace, name="Formulaire", created_by=owner
        ),
        "importjob": _import(workspace, owner, run=True),
        "importdraft": _import(workspace, owner, run=False),
        "comment": Comment.objects.create(workspace=workspace, author=owner, body="Vu", lead=lead),
        **_kit(workspace, owner),
        # a duplicate of the contact (the merge API merges it), and a merge made already
        "contact2": f.ContactFactory(workspace=workspace, account=account),
        "merge": _merge(workspace, owner),
        # shared with the workspace: every member sees it, its owner and the managers change it
        "savedview": SavedView.objects.create(
            workspace=workspace, kind="leads", name="MQL", owner=owner, visibility="workspace"
        ),
        **_pay(workspace, owner, member),
        # a bulk reassignment of one unowned account to the owner: undoable for ten minutes
        **_review(workspace, owner, pod, campaign),
        **_programme(workspace),
        **_committee(workspace, owner),
        "valueentry": ValueEntry.objects.create(
            workspace=workspace, pod=pod, author=owner, on=dt.date(2026, 1, 5), title="Livré"
        ),
        "diagnosticwave": _diagnostic_wave(workspace, pod),
        **_pairing(workspace),
        **_agenda(workspace),
        **_wall(workspace, owner, member),
        "bulkjob": bulk_job_start(
            actor=_actor(owner, workspace),
            kind="accounts",
            action="reassign",
            ids=[account.pk],
            args={"to_owner": owner.pk},
        ),
    }


MATRIX_PAY_PLAN = {
    "currency": "EUR",
    "year": 2026,
    "clawback_days": 0,
    "components": [
        {
            "id": "commission",
            "kind": "commission",
            "basis": "revenue_won",
            "period": "quarter",
            "mode": "marginal",
            "tiers": [{"up_to": None, "rate": "0.02"}],
        }
    ],
    "participants": [],
}


def _pay(workspace: Any, owner: Any, member: Any) -> dict[str, Any]:
    """Variable pay: the owner is a comp admin; a plan paying the owner and the member; the
    owner's statement of 2026-Q1 (which the owner disputes) and the member's, with a dispute
    the member raised (which the owner, a comp admin, resolves and approves)."""
    from cordee.comp.models import CompAdmin, Dispute, Plan, PlanVersion, Statement

    CompAdmin.objects.create(workspace=workspace, user=owner)
    people = [
        {
            "person": user.email,
            "side": "sales",
            "variable_target": "1000.00",
            "components": ["commission"],
        }
        for user in (owner, member)
    ]
    plan = Plan.objects.create(workspace=workspace, name="Plan matrice", created_by=owner)
    version = PlanVersion.objects.create(
        workspace=workspace,
        plan=plan,
        number=1,
        document={**MATRIX_PAY_PLAN, "participants": people},
    )
    # the line the plan computes from the matrix's data (no deal credited in Q1): approval
    # refuses a draft whose lines the data no longer gives
    line = {
        "component": "commission",
        "kind": "commission",
        "payout": "0.00",
        "attainment": None,
        "actual": "0",
        "target": None,
        "target_pay": None,
        "deals": [],
    }

    def statement(person: Any) -> Any:
        return Statement.objects.create(
            workspace=workspace,
            plan=plan,
            version=version,
            person=person,
            period="2026-Q1",
            lines=[line],
            inputs={"missing": []},
        )

    mine, theirs = statement(owner), statement(member)
    dispute = Dispute.objects.create(
        workspace=workspace, statement=theirs, component="commission", text="?", raised_by=member
    )
    return {"payplan": plan, "paystatement": mine, "paystatement2": theirs, "paydispute": dispute}


def _wall(workspace: Any, owner: Any, member: Any) -> dict[str, Any]:
    """The wins wall: a won deal's post crediting the owner, and the owner's kudos to the member
    (dated a day ahead: the sender's ten minutes to take it back outlast the module's run)."""
    from cordee.wins.models import Kudos, WinCredit

    post = WinPost.objects.create(
        workspace=workspace, kind="deal_won", key="deal:matrix", at=timezone.now()
    )
    WinCredit.objects.create(post=post, user=owner, side="other", role="owner")
    kudos = Kudos.objects.create(
        workspace=workspace,
        sender=owner,
        sender_side="other",
        recipient=member,
        recipient_side="marketing",
        message="Merci",
    )
    Kudos.objects.filter(pk=kudos.pk).update(created_at=timezone.now() + dt.timedelta(days=1))
    return {"winpost": post, "kudos": kudos}


def _agenda(workspace: Any) -> dict[str, Any]:
    """A committee without members (its meetings are run by committee.write holders: managers
    and RevOps), a planned meeting next week, a line on its agenda (rituals/agenda.py)."""
    from cordee.rituals.models import AgendaItem, Committee, Meeting

    starts = timezone.now() + dt.timedelta(days=7)
    committee = Committee.objects.create(  # its own name: the meetings' committee is another
        workspace=workspace,
        name="Comité matrice (ordre du jour)",
        rrule="FREQ=WEEKLY",
        first_at=starts,
    )
    meeting = Meeting.objects.create(
        workspace=workspace,
        committee=committee,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
    )
    item = AgendaItem.objects.create(
        workspace=workspace,
        meeting=meeting,
        source="manual",
        key="manual:matrix",
        position=1,
        title="Tour de table",
    )
    return {"agendameeting": meeting, "agendaitem": item}


def _review(workspace: Any, owner: Any, pod: Any, campaign: Any) -> dict[str, Any]:
    """The sales review (codesign): a campaign whose brief targets the pod, approved by it
    (marketing may launch it); a pending round on the matrix's campaign, the owner its reviewer;
    a comment on its brief."""
    from cordee.codesign.models import BriefComment, Review

    now = timezone.now()
    approved = f.CampaignFactory(workspace=workspace)
    BriefVersion.objects.create(workspace=workspace, campaign=approved, number=1, pods=[pod.pk])
    rounds = {"requested_at": now, "due_at": now, "version": 1, "reviewer": owner, "pod": pod}
    Review.objects.create(
        workspace=workspace, campaign=approved, state="approved", decided_at=now, **rounds
    )
    return {
        "reviewedcampaign": approved,
        "review": Review.objects.create(workspace=workspace, campaign=campaign, **rounds),
        "briefcomment": BriefComment.objects.create(
            workspace=workspace,
            campaign=campaign,
            field="offer",
            version=1,
            author=owner,
            body="Quel audit ?",
            created_at=now,
        ),
    }


def _programme(workspace: Any) -> dict[str, Any]:
    """A vis-ma-vie programme open for sign-up (2–13 March 2099: sign-up open until 1 March),
    empty; and another where the workspace's first marketer (alice in Acme) and first sales
    rep are paired, a session of theirs ended, the marketer's debrief written."""
    from cordee.rituals.models import (
        ExchangeDebrief,
        ExchangeSession,
        Pairing,
        Participant,
        Programme,
    )
    from cordee.tenancy.models import Membership

    def first(role: str) -> Any:
        found = Membership.objects.filter(workspace=workspace, role=role).order_by("pk").first()
        if found is not None:
            return found.user
        user = f.UserFactory()
        f.MembershipFactory(workspace=workspace, user=user, role=role)
        return user

    dates = {"starts_on": dt.date(2099, 3, 2), "ends_on": dt.date(2099, 3, 13)}
    open_ = Programme.objects.create(workspace=workspace, name="Vis ma vie 2099", **dates)
    held = Programme.objects.create(workspace=workspace, name="Vis ma vie (paires)", **dates)
    now = timezone.now()
    marketer, salesperson = (
        Participant.objects.create(
            workspace=workspace,
            programme=held,
            user=first(role),
            side=side,
            available_days=["2099-03-03"],
            learning_goals="Apprendre",
            opted_in_at=now,
        )
        for role, side in (("marketer", "marketing"), ("sales_rep", "sales"))
    )
    pairing = Pairing.objects.create(
        workspace=workspace, programme=held, marketer=marketer, salesperson=salesperson
    )
    ExchangeSession.objects.create(
        workspace=workspace,
        pairing=pairing,
        starts_at=now - dt.timedelta(hours=8),
        ends_at=now - dt.timedelta(hours=1),
        host=salesperson,
    )
    debrief = ExchangeDebrief.objects.create(
        workspace=workspace,
        participant=marketer,
        surprised="Le rythme",
        will_change="Mieux renseigner",
        written_at=now,
    )
    return {"programme": open_, "participant": marketer, "exchangedebrief": debrief}


def _committee(workspace: Any, owner: Any) -> dict[str, Any]:
    """Rituals: a committee with the owner as its only member, a planned meeting of it (in
    two days) with a hand-added agenda item, and an action item of the owner's."""
    from cordee.rituals.models import ActionItem, AgendaItem, Committee, CommitteeMember, Meeting

    start = timezone.now() + dt.timedelta(days=2)
    committee = Committee.objects.create(
        workspace=workspace, name="Comité matrice", rrule="FREQ=WEEKLY", first_at=start
    )
    CommitteeMember.objects.create(workspace=workspace, committee=committee, user=owner)
    meeting = Meeting.objects.create(
        workspace=workspace,
        committee=committee,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    item = AgendaItem.objects.create(
        workspace=workspace, meeting=meeting, source="manual", key="manual:1", position=1
    )
    action = ActionItem.objects.create(
        workspace=workspace,
        committee=committee,
        meeting=meeting,
        title="Relancer",
        owner=owner,
        due_on=start.date(),
    )
    return {
        "committee": committee,
        "meeting": meeting,
        "meetingitem": item,
        "meetingaction": action,
    }


def _diagnostic_wave(workspace: Any, pod: Any) -> Any:
    """An open diagnostic wave of the pod (its one member: the owner, who may answer it), so
    that RevOps may still open one for the whole workspace."""
    from cordee.diagnostic.models import Wave

    return Wave.objects.create(
        workspace=workspace,
        title="Diagnostic matrice",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 6, 30),
        closes_on=dt.date(2099, 1, 1),
        pod=pod,
    )


def _programme_days() -> list[dt.date]:
    """The matrix programme's two weeks, from 40 days on."""
    first = timezone.localdate() + dt.timedelta(days=40)
    return [first + dt.timedelta(days=n) for n in range(14)]


def _business_day(after: dt.date) -> dt.date:
    """The first weekday after ``after`` that is no French public holiday."""
    import holidays

    day = after + dt.timedelta(days=1)
    while day.weekday() >= 5 or day in holidays.country_holidays("FR", years=day.year):
        day += dt.timedelta(days=1)
    return day


# where the matrix moves the pair's session: a business day inside the programme
MOVE_DAY = _business_day(_programme_days()[0]).isoformat()


def _pairing(workspace: Any) -> dict[str, Any]:
    """A vis-ma-vie programme two weeks long from 40 days on, open: a marketer and a
    salesperson available every day, proposed as a pair, with a session on the first day."""
    from cordee.rituals.models import ExchangeSession, Pairing, Participant, Programme

    days = _programme_days()
    programme = Programme.objects.create(
        workspace=workspace, name="Vis ma vie", starts_on=days[0], ends_on=days[-1]
    )

    def joined(role: str, side: str) -> Any:
        user = f.UserFactory()
        f.MembershipFactory(workspace=workspace, user=user, role=role)
        return Participant.objects.create(
            workspace=workspace,
            programme=programme,
            user=user,
            side=side,
            available_days=[d.isoformat() for d in days],
            opted_in_at=timezone.now(),
        )

    marketer, salesperson = joined("marketer", "marketing"), joined("sales_rep", "sales")
    pairing = Pairing.objects.create(
        workspace=workspace, programme=programme, marketer=marketer, salesperson=salesperson
    )
    start = dt.datetime.combine(days[0], dt.time(9), tzinfo=dt.UTC)
    session = ExchangeSession.objects.create(
        workspace=workspace,
        pairing=pairing,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=7),
        host=salesperson,
    )
    return {"pairingprogramme": programme, "pairing": pairing, "exchangesession": session}


def _merge(workspace: Any, owner: Any) -> Any:
    from cordee.merges.services import merge_records

    keep, gone = f.ContactFactory(workspace=workspace), f.ContactFactory(workspace=workspace)
    return merge_records(
        actor=_actor(owner, workspace), kind="contact", survivor_id=keep.pk, loser_id=gone.pk
    )


def _import(workspace: Any, owner: Any, *, run: bool) -> Any:
    """A small file with one bad line: a dry run that ran (it has a rejected-rows file), or a
    draft waiting at the column mapping."""
    import io

    from cordee.dataio.imports.runner import import_job_run
    from cordee.dataio.imports.services import import_job_create

    job = import_job_create(
        actor=_actor(owner, workspace),
        kind="leads",
        filename="leads.csv",
        content=io.BytesIO(b"Email,First Name\r\na@exemple.fr,Anne\r\npas-un-email,Bob\r\n"),
        dry_run=run,
    )
    return import_job_run(job_id=job.pk) if run else job


def _feedback(workspace: Any, author: Any, title: str) -> Any:
    return FeedbackItem.objects.create(
        workspace=workspace, kind="pricing", title=title, author=author, submitted_at=timezone.now()
    )


def _feedback_with_file(workspace: Any, author: Any) -> Any:
    from django.core.files.base import ContentFile

    item = _feedback(workspace, author, "Offre de Rivalis")
    item.attachment_name = "offre.txt"
    item.attachment.save("offre.txt", ContentFile(b"Offre de Rivalis"), save=True)
    return item


def _kit(workspace: Any, owner: Any) -> dict[str, Any]:
    """A campaign whose brief targets a pod of the workspace's sales reps, with its readiness
    kit, a link and a file of it."""
    from django.core.files.base import ContentFile

    from cordee.codesign.models import Kit, KitAsset
    from cordee.tenancy.models import Membership

    pod = f.PodFactory(workspace=workspace, name="Équipe du kit")
    for membership in Membership.objects.filter(workspace=workspace, role="sales_rep"):
        PodMember.objects.create(pod=pod, user=membership.user)
    campaign = f.CampaignFactory(workspace=workspace)
    BriefVersion.objects.create(workspace=workspace, campaign=campaign, number=1, pods=[pod.pk])
    now = timezone.now()
    kit = Kit.objects.create(
        workspace=workspace, campaign=campaign, talk_track="Bonjour", updated_at=now
    )
    link = KitAsset.objects.create(
        workspace=workspace, kit=kit, title="Offre", url="https://ex.fr/offre", created_at=now
    )
    deck = KitAsset(workspace=workspace, kit=kit, title="Deck", created_at=now)
    deck.file.save("deck.txt", ContentFile(b"Deck du salon"), save=True)
    return {"kitcampaign": campaign, "kitasset": link, "kitfile": deck}


def _current_snapshot(workspace: Any) -> Any:
    """An attribution snapshot of the page's default period (this fiscal year), so that
    signing has something to sign."""
    from cordee.attribution.models import AttributionSnapshot
    from cordee.attribution.periods import fiscal_periods

    period = fiscal_periods(workspace.fiscal_year_start_month, workspace.today())[0]
    return AttributionSnapshot.objects.create(
        workspace=workspace,
        period_start=period.start,
        period_end=period.end,
        dimension="channel",
        credits={"markov": {"seo": "1.0000"}},
        computed_at=timezone.now(),
    )


def _proposed_lock(workspace: Any) -> Any:
    """The snapshot's Markov model, signed by marketing only (sales may sign, marketing may
    withdraw)."""
    from cordee.attribution.models import AttributionLock

    period = fiscal_periods(workspace.fiscal_year_start_month, workspace.today())[0]
    return AttributionLock.objects.create(
        workspace=workspace,
        period_start=period.start,
        period_end=period.end,
        dimension="channel",
        model="markov",
        credits={"seo": "1.0000"},
        marketing_signed_at=timezone.now(),
    )


def _actor(user: Any, workspace: Any) -> Any:
    from cordee.core.actor import Actor

    role = user.memberships.get(workspace=workspace).role
    return Actor(user=user, workspace=workspace, role=role)


@pytest.fixture(scope="module")
def _matrix_rows(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[tuple[Personas, dict[str, Any]]]:
    """The personas and one object of each kind per workspace, built once for the module (each
    test runs in a savepoint: what it writes or deletes is rolled back after it)."""
    files = tmp_path_factory.mktemp("matrix")

    def build() -> tuple[Personas, dict[str, Any]]:
        personas = make_personas()
        return personas, {
            "acme": make_objects(personas.acme, personas.rita),
            "globex": make_objects(personas.globex, personas.carol),
        }

    # the feedback attachment and the imported files below
    with (
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
def _matrix_copy(_matrix_rows: Any, db: Any) -> tuple[Personas, dict[str, Any]]:
    return copy_for_the_test(_matrix_rows)


@pytest.fixture
def personas(_matrix_copy: tuple[Personas, dict[str, Any]]) -> Personas:
    return _matrix_copy[0]


@pytest.fixture
def objects_by_workspace(_matrix_copy: tuple[Personas, dict[str, Any]]) -> dict[str, Any]:
    """``objects_by_workspace["acme"]["lead"]``: one object of each kind in Acme, and in Globex."""
    return _matrix_copy[1]


# -- pages ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    kind: str | None = None  # the object kind behind <pk>
    allowed: str = "alice"  # a persona who may use the page
    denied: str | None = None  # a persona whose role may not (403)
    public: bool = False  # reachable without signing in
    workspace: bool = True  # under /w/<slug>/
    post: dict[str, str] = field(default_factory=dict)  # a valid POST for writes
    record: str | None = None  # the <record> of the URL (its kind of record: "lead"…)
    kwargs: dict[str, str] = field(default_factory=dict)  # a public page's URL arguments
    statuses: tuple[int, ...] = (200, 302, 405)  # what a public page may answer a visitor


PAGES: dict[str, Page] = {
    "home": Page(workspace=False),
    "login": Page(public=True, workspace=False),
    "logout": Page(workspace=False),
    "set_language": Page(public=True, workspace=False),
    "healthz": Page(public=True, workspace=False),
    # probes: readiness fails here (no worker heartbeat); metrics are off without METRICS_TOKEN
    "readyz": Page(public=True, workspace=False, statuses=(503,)),
    "metrics": Page(public=True, workspace=False, statuses=(404,)),
    "workspace_home": Page(),
    "profile": Page(),
    "token_revoke": Page(kind="token", allowed="rita", denied=None),
    # two-factor sign-in: one's own (every member), the code page after the password, and the
    # way to the identity provider and back (off unless configured: back to the login page)
    "two_factor": Page(),
    "two_factor_verify": Page(public=True, workspace=False),
    "oidc_authentication_init": Page(public=True, workspace=False),
    "oidc_authentication_callback": Page(public=True, workspace=False),
    "pods_list": Page(),
    "pods_detail": Page(kind="pod"),
    "pods_create": Page(allowed="mia", denied="alice"),
    "pods_edit": Page(kind="pod", allowed="dave", denied="bob"),
    # people and access: only RevOps admins manage members; everyone ends their own sessions
    "members": Page(allowed="rita", denied="dave"),
    "member_edit": Page(kind="member", allowed="rita", denied="dave"),
    "member_deactivate": Page(kind="member", allowed="rita", denied="dave"),
    "member_reactivate": Page(kind="member", allowed="rita", denied="dave"),
    "member_signin_unlock": Page(kind="member", allowed="rita", denied="dave"),
    "member_handover": Page(kind="member", allowed="rita", denied="dave"),
    "invitation_revoke": Page(kind="invitation", allowed="rita", denied="dave"),
    "sessions_end_others": Page(),
    # a link that is not one of ours: 404, never the login page
    "invitation_accept": Page(
        public=True, workspace=False, kwargs={"token": "not-a-link"}, statuses=(404,)
    ),
    "password_reset": Page(public=True, workspace=False),
    "password_reset_done": Page(public=True, workspace=False),
    "password_reset_confirm": Page(
        public=True, workspace=False, kwargs={"uidb64": "MQ", "token": "set-password"}
    ),
    "password_reset_complete": Page(public=True, workspace=False),
}
PAGES.update(
    {
        "mql_queue": Page(),
        "mql_queue_export": Page(),
        "attribution": Page(),
        "attribution_compute": Page(allowed="dave", denied="bob"),
        "attribution_sign": Page(allowed="dave", denied="alice"),  # marketing signed already
        "attribution_withdraw": Page(allowed="mia", denied="alice"),
        "notifications": Page(),
        "funnel_board": Page(),
        "opportunity_board": Page(),
        "opportunity_move": Page(
            kind="opportunity", allowed="bob", denied="alice", post={"stage": "qualification"}
        ),
        # split credit: sales managers and RevOps (credit.split); an empty form: no split
        "opportunity_credits": Page(kind="opportunity", allowed="dave", denied="bob"),
        "sla_dashboard": Page(),
        "rejections_report": Page(),
        "funnel_metrics": Page(allowed="erin"),
        "plan": Page(allowed="erin"),  # any member computes a plan: it writes nothing
        "kpis": Page(allowed="alice"),  # every member reads the workspace's KPIs
        # every member reads the goals; managers of either side and RevOps set them; RevOps
        # sets the status thresholds
        "goals": Page(allowed="erin"),
        "goal_detail": Page(kind="goal", allowed="erin"),
        "goal_trend": Page(kind="goal", allowed="erin"),
        "goal_new": Page(allowed="dave", denied="bob"),
        "goal_edit": Page(kind="goal", allowed="mia", denied="erin"),
        "goal_delete": Page(kind="goal", allowed="rita", denied="erin"),
        "goal_thresholds": Page(
            allowed="rita", denied="dave", post={"on_track": "100", "at_risk": "85"}
        ),
        # variable pay: one's own statements for every member; the plans for RevOps and comp
        # admins (anyone else: not found, as any private pay); RevOps names the comp admins
        "pay": Page(allowed="bob"),
        "pay_plan_new": Page(allowed="rita", denied="dave"),
        "pay_plan_detail": Page(kind="payplan", allowed="rita"),
        "pay_plan_participant_remove": Page(
            kind="payplan", allowed="rita", post={"person": "nobody@example.fr"}
        ),
        "pay_plan_download": Page(kind="payplan", allowed="rita", kwargs={"number": "1"}),
        # what a plan costs: the comp admins alone (the matrix's owner); anyone else: not found
        "pay_plan_cost": Page(kind="payplan", allowed="rita"),
        # a statement is read by its person (rita's own here), a manager of their team, a comp
        # admin; the owner is a comp admin in the matrix: computes, downloads the payroll
        "pay_statement": Page(kind="paystatement", allowed="rita"),
        "pay_statements_refresh": Page(
            allowed="rita", denied="dave", post={"plan": "0", "period": "2026-Q1"}
        ),
        "pay_payroll": Page(
            kind="payplan", allowed="rita", denied="dave", kwargs={"period": "2026-Q2"}
        ),
        "comp_admin_grant": Page(allowed="rita", denied="dave", post={"user": "0"}),
        "comp_admin_revoke": Page(allowed="rita", denied="dave", post={"user": "0"}),
        "plan_goals": Page(
            allowed="dave",
            denied="bob",
            post={
                "revenue": "100000",
                "period": "2027-Q1",
                "deal_size": "10000",
                "mql_to_sal": "0.5",
                "sal_to_sql": "0.4",
                "sql_to_won": "0.25",
                "marketing_share": "0.6",
            },
        ),
        "lead_accept": Page(kind="lead", allowed="bob", denied="alice"),
        "lead_reject": Page(kind="lead", allowed="bob", denied="alice", post={"reason": "bad_fit"}),
        "lead_convert": Page(kind="lead", allowed="bob", denied="alice", post={"amount": "1000"}),
        "contract_sign": Page(kind="slacontract", allowed="mia", denied="alice"),
        # activities, tasks and the record timeline (core/roles.py: activity.write)
        "activity_log": Page(
            kind="lead", record="lead", allowed="bob", denied="erin", post={"kind": "note"}
        ),
        "task_plan": Page(
            kind="lead",
            record="lead",
            allowed="alice",
            denied="erin",
            post={"title": "Rappeler", "due_at": "2026-12-01T10:00"},
        ),
        "task_done": Page(kind="task", allowed="bob", denied="erin"),
        "record_timeline": Page(kind="lead", record="lead"),
        # the MQL threshold and the routing fallback: RevOps only (funnel.configure)
        "scoring_settings": Page(allowed="rita", denied="dave", post={"threshold": "65"}),
        "routing_settings": Page(allowed="rita", denied="dave"),
    }
)
for _kind, _plural, _writer, _reader in (
    ("slacontract", "sla-contracts", "dave", "bob"),
    ("scoringrule", "scoring-rules", "rita", "mia"),
    ("rejectionreason", "rejection-reasons", "rita", "dave"),
    ("routingrule", "routing-rules", "rita", "alice"),
    ("webhook", "webhooks", "rita", "dave"),
    ("incomingendpoint", "incoming", "rita", "dave"),
    ("account", "accounts", "bob", "erin"),
    ("contact", "contacts", "alice", "erin"),
    ("lead", "leads", "alice", "erin"),
    ("opportunity", "opportunities", "bob", "alice"),
    ("campaign", "campaigns", "alice", "bob"),
    ("competitor", "competitors", "bob", "erin"),
):
    PAGES[f"{_plural}_list"] = Page()
    PAGES[f"{_plural}_detail"] = Page(kind=_kind)
    PAGES[f"{_plural}_create"] = Page(allowed=_writer, denied=_reader)
    PAGES[f"{_plural}_edit"] = Page(kind=_kind, allowed=_writer, denied=_reader)
    # delete: the kind's writers who also hold record.delete (core/roles.py), e.g. not a rep
    PAGES[f"{_plural}_delete"] = Page(kind=_kind, allowed="rita", denied="bob")
PAGES["pods_delete"] = Page(kind="pod", allowed="dave", denied="alice")
# the wins wall's threshold: RevOps (wall.configure)
PAGES["wins_settings"] = Page(allowed="rita", denied="dave", post={"threshold": "10000"})
PAGES.update(  # merges: managers and RevOps (record.merge); everyone reads a merge
    {
        "merge_new": Page(kind="contact", record="contact", allowed="mia", denied="bob"),
        "merge_detail": Page(kind="merge", allowed="erin"),
        "merge_duplicates": Page(record="contact"),
    }
)


PAGES.update(
    {
        # the whole workspace for the data team (core/roles.py: data.export)
        "workspace_export": Page(allowed="rita", denied="alice"),
        # the messages written instead of sent (core/roles.py: mail.outbox)
        "outbox": Page(allowed="rita", denied="alice"),
        "outbox_message": Page(kind="outboxmessage", allowed="rita", denied="dave"),
        "outbox_message_html": Page(kind="outboxmessage", allowed="rita", denied="dave"),
        "incoming_rotate": Page(kind="incomingendpoint", allowed="rita", denied="alice"),
    }
)
PAGES.update(  # the import wizard (core/roles.py: data.import, the three managers)
    {
        "imports_list": Page(allowed="rita", denied="bob"),
        "import_new": Page(allowed="mia", denied="alice"),
        "import_detail": Page(kind="importjob", allowed="dave", denied="erin"),
        "import_mapping": Page(kind="importdraft", allowed="rita", denied="bob"),
        "import_preview": Page(kind="importdraft", allowed="mia", denied="erin"),
        "import_progress": Page(kind="importjob", allowed="rita", denied="alice"),
        "import_rejected": Page(kind="importjob", allowed="dave", denied="bob"),
        "import_rerun": Page(kind="importjob", allowed="rita", denied="bob"),
    }
)
PAGES.update(  # field feedback: everyone reads, all but executives raise, marketing triages
    {
        "feedback_inbox": Page(),
        "feedback_inbox_export": Page(),
        "feedback_create": Page(allowed="bob", denied="erin"),
        "feedback_similar": Page(),
        "feedback_mine": Page(),
        "feedback_health": Page(allowed="erin"),
        "feedback_settings": Page(allowed="mia", denied="alice"),
        "feedback_detail": Page(kind="feedbackitem"),
        "feedback_attachment": Page(kind="feedbackfile", allowed="erin"),
        "feedback_vote": Page(kind="feedbackitem", allowed="alice", denied="erin"),
        "feedback_status": Page(
            kind="feedbackitem", allowed="alice", denied="bob", post={"to_status": "acknowledged"}
        ),
        "feedback_assign": Page(kind="feedbackitem", allowed="alice", denied="bob"),
        "feedback_respond": Page(
            kind="feedbackitem", allowed="alice", denied="bob", post={"text": "Vu"}
        ),
        "feedback_merge": Page(kind="feedbackitem", allowed="alice", denied="bob"),
        "feedback_merge_search": Page(kind="feedbackitem", allowed="alice", denied="bob"),
    }
)
PAGES.update(  # find anything: every member reads (search/selectors.py reads through each kind's)
    {
        "search": Page(),
        "search_pick": Page(),
    }
)


# comments: whoever reads a record comments on it; its author edits; its author or a manager
# deletes (the matrix's comment is rita's, so alice may neither edit nor delete it)
_COMMENTED = {
    "leads": "lead",
    "contacts": "contact",
    "accounts": "account",
    "opportunities": "opportunity",
    "campaigns": "campaign",
    "feedback": "feedbackitem",
}
PAGES.update({f"{plural}_comments": Page(kind=kind) for plural, kind in _COMMENTED.items()})
PAGES.update(
    {
        "comment_edit": Page(kind="comment", allowed="rita", denied="alice", post={"text": "Lu"}),
        "comment_delete": Page(kind="comment", allowed="rita", denied="alice"),
        "comment_history": Page(kind="comment"),
        "comment_mentions": Page(),
    }
)
# the campaign brief (codesign): every member reads it; marketing and RevOps write it (brief.write)
PAGES.update(
    {
        "brief_detail": Page(kind="campaign"),
        "brief_save": Page(kind="campaign", denied="bob", post={"objective": "Remplir"}),
        "brief_versions": Page(kind="campaign"),
        "brief_compare": Page(kind="campaign"),
        # the alignment numbers: every member reads them
        "campaign_alignment": Page(),
        # the debrief: every member reads it; marketing opens it and writes its lessons
        # (debrief.lessons.marketing), sales rates the leads (debrief.rate), a manager reopens it
        "debrief_detail": Page(kind="campaign"),
        "debrief_open": Page(kind="campaign", denied="bob"),
        "debrief_rate": Page(kind="campaign", allowed="bob", denied="alice", post={"rating": "4"}),
        "debrief_lessons": Page(
            kind="campaign", denied="bob", post={"side": "marketing", "text": "Cibler les DAF"}
        ),
        "debrief_reopen": Page(kind="campaign", allowed="dave", denied="alice"),
        # vis-ma-vie programmes: every member reads them; managers open, change and close them;
        # a marketer or a salesperson signs up (an executive has no side: 403); a participant
        # changes their sign-up, withdraws and writes their debrief (anyone else: 403), which
        # they or a manager pass on (to field feedback, to a committee's agenda)
        "programme_list": Page(),
        "programme_create": Page(allowed="mia", denied="alice"),
        "programme_detail": Page(kind="programme"),
        "programme_edit": Page(kind="programme", allowed="mia", denied="alice"),
        "programme_close": Page(kind="programme", allowed="mia", denied="alice"),
        "programme_join": Page(
            kind="programme",
            denied="erin",
            post={"available_days": "2099-03-03", "learning_goals": "Apprendre"},
        ),
        "programme_participant_change": Page(
            kind="participant", denied="bob", post={"learning_goals": "Écouter"}
        ),
        "programme_participant_withdraw": Page(kind="participant", denied="bob"),
        "programme_debrief_write": Page(
            kind="participant", denied="bob", post={"surprised": "a", "will_change": "b"}
        ),
        "exchange_debrief_to_feedback": Page(
            kind="exchangedebrief", denied="bob", post={"kind": "objection"}
        ),
        # no meeting of the workspace has this id: the page says so (302)
        "exchange_debrief_to_agenda": Page(
            kind="exchangedebrief", denied="bob", post={"meeting_id": "987654"}
        ),
        # vis-ma-vie pairing: every member reads the pairs and the effect (groups of 5 or
        # more, never a person); managers (programme.write) propose, add, drop, confirm, move
        "pairing_board": Page(kind="pairingprogramme"),
        "programme_effect": Page(kind="pairingprogramme"),
        "pairing_propose": Page(kind="pairingprogramme", allowed="dave", denied="alice"),
        "pairing_add": Page(kind="pairingprogramme", allowed="dave", denied="alice"),
        "pairing_confirm": Page(kind="pairingprogramme", allowed="mia", denied="bob"),
        "pairing_drop": Page(kind="pairing", allowed="dave", denied="alice"),
        "exchange_session_move": Page(
            kind="exchangesession", allowed="dave", denied="bob", post={"day": MOVE_DAY}
        ),
    }
)
# the readiness kit (codesign): every member reads it, marketing and RevOps write it (kit.write),
# the sales reps of the target pods acknowledge it; its files go to members only
PAGES.update(
    {
        "kit_detail": Page(kind="campaign"),
        "kit_save": Page(kind="campaign", denied="bob", post={"talk_track": "Prêt"}),
        "kit_asset_add": Page(
            kind="campaign", denied="bob", post={"title": "Offre", "url": "https://ex.fr/o"}
        ),
        "kit_acknowledge": Page(kind="kitcampaign", allowed="bob", denied="alice"),
        "kit_asset_delete": Page(kind="kitasset", denied="bob"),
        "kit_asset_file": Page(kind="kitfile", allowed="erin"),
        # the sales review: managers name each pod's reviewer; marketing sends the brief; the
        # round's reviewer (rita), a sales manager or RevOps answers; both sides comment;
        # marketing launches an approved campaign; only a marketing manager overrides
        "pod_reviewers": Page(),
        "pod_reviewer_set": Page(kind="pod", allowed="dave", denied="bob", post={"user": ""}),
        "review_request": Page(kind="reviewedcampaign", denied="bob"),
        "review_decide": Page(
            kind="review", allowed="dave", denied="bob", post={"decision": "approved"}
        ),
        "brief_comment_create": Page(
            kind="campaign", denied="erin", post={"field": "offer", "body": "Vu"}
        ),
        "brief_comment_resolve": Page(kind="briefcomment", denied="erin"),
        "brief_comment_reopen": Page(kind="briefcomment", denied="erin"),
        "campaign_launch": Page(kind="reviewedcampaign", denied="bob"),
        "campaign_launch_override": Page(
            kind="campaign", allowed="mia", denied="alice", post={"reason": "Le salon est demain"}
        ),
    }
)
# a committee meeting's agenda (rituals/agenda_views.py): every member reads the pre-read and the
# agenda; whoever runs the committee's meetings (its members, committee.write) edits it — the
# matrix's committee has no member: dave (a manager) may, alice may not
PAGES.update(
    {
        "meeting_preread": Page(kind="agendameeting"),
        "meeting_agenda": Page(kind="agendameeting"),
        "meeting_agenda_build": Page(kind="agendameeting", allowed="dave", denied="alice"),
        "meeting_agenda_add": Page(
            kind="agendameeting", allowed="dave", denied="alice", post={"title": "Salon"}
        ),
        "agenda_item_move": Page(
            kind="agendaitem", allowed="dave", denied="alice", post={"direction": "down"}
        ),
        "agenda_item_remove": Page(
            kind="agendaitem", allowed="dave", denied="alice", post={"reason": "Traité"}
        ),
        # the matrix's item is on the agenda: restoring it is refused (told, back to the page)
        "agenda_item_restore": Page(kind="agendaitem", allowed="dave", denied="alice"),
    }
)
# the campaign calendar: every member reads it and makes, replaces or revokes their own feed;
# the feed's URL needs no session (its secret authenticates): anything else is a 404
PAGES.update(
    {
        "campaign_calendar": Page(),
        "campaign_calendar_quarter": Page(),
        "campaign_calendar_feed_new": Page(allowed="erin"),
        "campaign_calendar_feed_revoke": Page(allowed="erin"),
        "calendar_feed": Page(
            public=True, workspace=False, kwargs={"secret": "not-a-feed"}, statuses=(404,)
        ),
    }
)
# saved views of the lists: anyone saves their own; the matrix's view is rita's, shared with the
# workspace, so alice sees it but may not change it (cordee/lists/rules.py)
PAGES.update(
    {
        "saved_view_create": Page(post={"kind": "leads", "name": "Mes MQL"}),
        "saved_view_update": Page(
            kind="savedview", allowed="rita", denied="alice", post={"params": "stage=mql"}
        ),
        "saved_view_rename": Page(
            kind="savedview", allowed="rita", denied="alice", post={"name": "Renommée"}
        ),
        "saved_view_delete": Page(kind="savedview", allowed="rita", denied="alice"),
        "list_default_set": Page(post={"kind": "leads"}),
        "list_columns_set": Page(post={"kind": "leads", "columns": "score"}),
    }
)


PAGES.update(  # bulk actions: as single edits (core/roles.py); a job is its author's or a manager's
    {
        "bulk_start": Page(
            record="leads",
            allowed="bob",
            denied="erin",
            post={"action": "reassign", "scope": "all"},
        ),
        "bulk_job_list": Page(),
        "bulk_job_detail": Page(kind="bulkjob", allowed="rita"),
        "bulk_job_undo": Page(kind="bulkjob", allowed="rita"),
    }
)
# the wins wall (wins/wall_views.py): every member reads it, reacts and sends kudos (win.react,
# executives included); only the sender takes kudos back (the matrix's: rita's)
PAGES.update(
    {
        "wins_wall": Page(),
        "win_detail": Page(kind="winpost", allowed="erin"),
        "win_react": Page(kind="winpost", allowed="erin", post={"emoji": "clap"}),
        "kudos_page": Page(allowed="erin"),
        "kudos_withdraw": Page(kind="kudos", allowed="rita", denied="alice"),
    }
)
# committees (rituals): every member reads them; managers and RevOps set them up and choose their
# members (committee.write)
PAGES.update(
    {
        "committee_list": Page(),
        "committee_create": Page(allowed="mia", denied="alice", post={"name": "Nouveau"}),
        "committee_detail": Page(kind="committee", allowed="bob"),
        "committee_edit": Page(kind="committee", allowed="dave", denied="bob"),
        "committee_archive": Page(kind="committee", allowed="rita", denied="alice"),
        "committee_member_add": Page(
            kind="committee", allowed="mia", denied="bob", post={"user": ""}
        ),
        "committee_member_remove": Page(
            kind="committee", allowed="mia", denied="erin", post={"user": ""}
        ),
    }
)
# pods as living units (alignment/pods_views.py): every member reads a pod's page and its value
# log; its members and value_log.write.any holders write (the matrix's pod: the owner only)
PAGES.update(
    {
        "pod_units": Page(),
        "pod_page": Page(kind="pod"),
        "pod_value_log": Page(kind="pod"),
        "pod_value_edit": Page(kind="valueentry", allowed="rita", denied="bob"),
        "pod_value_delete": Page(kind="valueentry", allowed="rita", denied="bob"),
    }
)
# the alignment diagnostic: every member reads the waves and their results; RevOps opens and
# closes them (diagnostic.manage); the matrix's wave is the pod's, whose member is the owner
PAGES.update(
    {
        "diagnostic_waves": Page(),
        "diagnostic_wave_open": Page(allowed="rita", denied="mia", post={"title": "S2"}),
        "diagnostic_wave": Page(kind="diagnosticwave"),
        "diagnostic_wave_answer": Page(kind="diagnosticwave"),
        "diagnostic_wave_close": Page(kind="diagnosticwave", allowed="rita", denied="dave"),
        "diagnostic_wave_export": Page(kind="diagnosticwave", allowed="erin"),
    }
)
PAGES.update(  # the audit log (core/roles.py: audit.read, RevOps only)
    {
        "audit_log": Page(allowed="rita", denied="erin"),
        "audit_export": Page(allowed="rita", denied="bob"),
    }
)

PAGES.update(  # the workspace's settings page and its preview: RevOps (workspace.write)
    {
        "workspace_settings": Page(allowed="rita", denied="dave"),
        "workspace_settings_preview": Page(allowed="rita", denied="mia"),
    }
)
PAGES.update(  # the executive report: every member reads it (alignment/report_views.py)
    {
        "report_list": Page(),
        "report_month": Page(allowed="bob", kwargs={"month": "2026-11"}),
        "report_pdf": Page(allowed="erin", kwargs={"month": "2026-11"}),
    }
)
# the instance administrator's pages (administration/services.py: active superusers only),
# outside any workspace: their own test below
INSTANCE_PAGES = {
    "instance_workspaces": Page(workspace=False),
    "instance_workspace_new": Page(workspace=False),
    "instance_workspace_export": Page(workspace=False, kind="workspace"),
    "instance_workspace_delete": Page(workspace=False, kind="workspace"),
}
PAGES.update(INSTANCE_PAGES)


def _named_patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, str]]:
    found = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith(("admin/", "api/v1/")):
                continue  # Django's admin (superusers only) and the API (its own matrix below)
            found.extend(_named_patterns(pattern, route))
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.append((pattern.name, route))
    return found


PAGES.update(  # a committee's meeting: every member reads it; its members (the matrix's owner)
    # and committee.write holders run it (bob: neither); an action item's owner ticks it
    {
        "meeting_detail": Page(kind="meeting"),
        "meeting_attendance": Page(kind="meeting", allowed="rita", denied="bob"),
        "meeting_decide": Page(kind="meeting", allowed="rita", denied="bob", post={"text": "Oui"}),
        "meeting_action_add": Page(
            kind="meeting", allowed="rita", denied="bob", post={"title": "Relancer"}
        ),
        "meeting_close": Page(kind="meeting", allowed="rita", denied="bob"),
        "meeting_cancel": Page(kind="meeting", allowed="rita", denied="bob"),
        "agenda_item_minutes": Page(
            kind="meetingitem", allowed="rita", denied="bob", post={"minutes": "Vu"}
        ),
        "action_list": Page(),
        "action_tick": Page(kind="meetingaction", allowed="rita", denied="bob"),
    }
)

PAGES.update(  # the alignment index: every member reads it and its exports; RevOps weighs it
    {
        "alignment_index": Page(allowed="erin"),
        "alignment_index_export": Page(),
        "alignment_index_trend_export": Page(),
        "alignment_index_weights": Page(allowed="rita", denied="mia", post={"reset": "1"}),
    }
)

# Every list exports its rows (CSV/XLSX, core.web.record_urls) to whoever may read the list.
PAGES.update(
    {
        name: Page()
        for name, route in _named_patterns(get_resolver())
        if name.endswith("_export") and route.endswith("/export/") and name[:-7] + "_list" in PAGES
    }
)


def test_matrix_covers_every_url_pattern():
    names = {name for name, _route in _named_patterns(get_resolver())}
    assert names - set(PAGES) == set(), "new pages must be added to the permission matrix"
    assert set(PAGES) - names == set(), "the matrix lists pages that no longer exist"


def _url(name: str, slug: str, obj: Any = None) -> str:
    kwargs: dict[str, Any] = {}
    if PAGES[name].workspace:
        kwargs["slug"] = slug
    if obj is not None:
        kwargs["pk"] = obj.pk
    if PAGES[name].record:
        kwargs["record"] = PAGES[name].record
    if PAGES[name].workspace:
        kwargs.update(PAGES[name].kwargs)  # a page's other URL arguments (a version's number)
    return reverse(name, kwargs=kwargs)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


WORKSPACE_PAGES = sorted(n for n, p in PAGES.items() if p.workspace)
POST_ONLY = {
    "token_revoke",
    "member_deactivate",
    "member_reactivate",
    "member_signin_unlock",
    "invitation_revoke",
    "sessions_end_others",
    "activity_log",
    "task_plan",
    "task_done",
    "import_rerun",
    "lead_accept",
    "lead_reject",
    "lead_convert",
    "opportunity_move",
    "contract_sign",
    "incoming_rotate",
    "attribution_compute",
    "attribution_sign",
    "attribution_withdraw",
    "feedback_vote",
    "feedback_status",
    "feedback_assign",
    "feedback_respond",
    "feedback_merge",
    "comment_edit",
    "comment_delete",
    "brief_save",
    "debrief_open",
    "debrief_rate",
    "debrief_lessons",
    "debrief_reopen",
    "programme_close",
    "programme_join",
    "programme_participant_change",
    "programme_participant_withdraw",
    "programme_debrief_write",
    "exchange_debrief_to_feedback",
    "exchange_debrief_to_agenda",
    "pairing_propose",
    "pairing_add",
    "pairing_confirm",
    "pairing_drop",
    "exchange_session_move",
    "kit_save",
    "kit_asset_add",
    "kit_acknowledge",
    "kit_asset_delete",
    "pod_reviewer_set",
    "review_request",
    "review_decide",
    "brief_comment_create",
    "brief_comment_resolve",
    "brief_comment_reopen",
    "campaign_launch",
    "campaign_launch_override",
    "campaign_calendar_feed_new",
    "campaign_calendar_feed_revoke",
    "saved_view_create",
    "saved_view_update",
    "saved_view_rename",
    "saved_view_delete",
    "list_default_set",
    "list_columns_set",
    "bulk_start",
    "bulk_job_undo",
    "goal_delete",
    "goal_thresholds",
    "plan_goals",
    "pay_plan_participant_remove",
    "comp_admin_grant",
    "comp_admin_revoke",
    "pay_statements_refresh",
    "committee_archive",
    "diagnostic_wave_close",
    "committee_member_add",
    "committee_member_remove",
    "meeting_attendance",
    "meeting_decide",
    "meeting_action_add",
    "meeting_close",
    "meeting_cancel",
    "agenda_item_minutes",
    "action_tick",
    "meeting_agenda_build",
    "meeting_agenda_add",
    "agenda_item_move",
    "agenda_item_remove",
    "agenda_item_restore",
    "pod_value_delete",
    "win_react",
    "kudos_withdraw",
}
POST_ONLY.add("alignment_index_weights")  # the alignment index's weights form


def _request(client: Client, name: str, url: str) -> Any:
    return client.post(url) if name in POST_ONLY else client.get(url)


@pytest.mark.parametrize("name", WORKSPACE_PAGES)
def test_page_of_another_workspace_is_404(name, personas, objects_by_workspace):
    page = PAGES[name]
    obj = objects_by_workspace["acme"][page.kind] if page.kind else None
    response = _request(_client(personas.carol), name, _url(name, "acme", obj))
    assert response.status_code == 404


@pytest.mark.parametrize("name", sorted(n for n in WORKSPACE_PAGES if PAGES[n].kind))
def test_object_of_another_workspace_is_404_even_in_ones_own(name, personas, objects_by_workspace):
    page = PAGES[name]
    url = _url(name, "acme", objects_by_workspace["globex"][page.kind])
    assert _request(_client(getattr(personas, page.allowed)), name, url).status_code == 404


@pytest.mark.parametrize("name", sorted(n for n in WORKSPACE_PAGES if PAGES[n].denied))
def test_page_above_ones_role_is_403(name, personas, objects_by_workspace):
    page = PAGES[name]
    obj = objects_by_workspace["acme"][page.kind] if page.kind else None
    client = _client(getattr(personas, page.denied))
    if name not in POST_ONLY:
        assert client.get(_url(name, "acme", obj)).status_code == 403
    assert client.post(_url(name, "acme", obj), page.post).status_code == 403


@pytest.mark.parametrize("name", sorted(n for n in WORKSPACE_PAGES if n != "token_revoke"))
def test_page_is_open_to_the_allowed_role(name, personas, objects_by_workspace):
    page = PAGES[name]
    obj = objects_by_workspace["acme"][page.kind] if page.kind else None
    client = _client(getattr(personas, page.allowed))
    if name in POST_ONLY:  # actions answer with a redirect to the page they came from
        assert client.post(_url(name, "acme", obj), page.post).status_code == 302
    else:
        assert client.get(_url(name, "acme", obj)).status_code == 200


def test_token_revocation_is_the_owners_or_an_admins(personas, objects_by_workspace):
    token = objects_by_workspace["acme"]["token"]  # rita's
    url = _url("token_revoke", "acme", token)
    _client(personas.alice).post(url)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert _client(personas.rita).post(url).status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


@pytest.mark.parametrize("name", [*WORKSPACE_PAGES, "home", "logout"])
def test_anonymous_visitors_are_sent_to_login(name, objects_by_workspace):
    page = PAGES[name]
    obj = objects_by_workspace["acme"][page.kind] if page.kind else None
    response = _request(Client(), name, _url(name, "acme", obj))
    if name == "logout":
        assert response.status_code in (302, 405)
        return
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", sorted(n for n, p in PAGES.items() if p.public))
def test_public_pages_need_no_sign_in(name, db):
    page = PAGES[name]
    response = Client().get(reverse(name, kwargs=page.kwargs))
    assert response.status_code in page.statuses


@pytest.mark.parametrize("name", sorted(INSTANCE_PAGES))
def test_instance_pages_are_for_instance_administrators_only(name, personas):
    kwargs = {"pk": personas.globex.pk} if INSTANCE_PAGES[name].kind else {}
    url = reverse(name, kwargs=kwargs)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    staff = f.UserFactory(email="staff@example.fr", is_staff=True)
    for user in (personas.rita, personas.carol, staff):  # RevOps of a workspace, Django staff
        assert _client(user).get(url).status_code == 403
        assert _client(user).post(url, {"confirm_name": "Globex"}).status_code == 403
    root = f.UserFactory(email="root@example.fr", is_staff=True, is_superuser=True)
    expected = 302 if name == "instance_workspace_export" else 200  # export: a POST form
    assert _client(root).get(url).status_code == expected


def test_admin_is_for_instance_operators_only(personas):
    assert (
        _client(personas.rita).get("/admin/").status_code == 302
    )  # not staff: sent to admin login


# -- API ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Op:
    kind: str | None = None  # the object kind behind {pk} / {token_id}
    allowed: str = "alice"
    denied: str | None = None
    body: dict[str, Any] | None = None
    ok: tuple[int, ...] = (200,)
    query: dict[str, str] | None = None


def _crud(
    kind: str, plural_op: str, writer: str, reader: str, body: dict[str, Any]
) -> dict[str, Op]:
    return {
        f"{plural_op}_list": Op(),
        f"{plural_op}_get": Op(kind=kind),
        f"{plural_op}_create": Op(allowed=writer, denied=reader, body=body, ok=(201,)),
        f"{plural_op}_update": Op(kind=kind, allowed=writer, denied=reader, body={}),
        f"{plural_op}_delete": Op(kind=kind, allowed="rita", denied=reader, ok=(204,)),
    }


_YEAR = fiscal_periods(1, timezone.localdate())[0]  # the workspaces' default fiscal year
_FISCAL_YEAR = {"period_start": str(_YEAR.start), "period_end": str(_YEAR.end)}

OPS: dict[str, Op] = {
    **_crud("account", "account", "bob", "erin", {"name": "Nouvelle"}),
    **_crud("contact", "contact", "alice", "erin", {"last_name": "Roy"}),
    **_crud("campaign", "campaign", "alice", "bob", {"name": "Salon", "channel": "event"}),
    **_crud("touchpoint", "touchpoint", "alice", "erin", {}),
    **_crud("lead", "lead", "alice", "erin", {}),
    **_crud("opportunity", "opportunity", "bob", "alice", {}),
    **_crud("pod", "pod", "mia", "alice", {"name": "Nouveau pod"}),
    **_crud(
        "slacontract",
        "slacontract",
        "dave",
        "bob",
        {"name": "T2", "period_start": "2026-04-01", "period_end": "2026-06-30"},
    ),
    **_crud(
        "scoringrule",
        "scoringrule",
        "rita",
        "mia",
        {
            "name": "Webinaire",
            "kind": "engagement",
            "touch_kind": "webinar_attended",
            "points": "10",
        },
    ),
    **_crud(
        "rejectionreason",
        "rejectionreason",
        "rita",
        "dave",
        {"code": "no_budget", "label": "Pas de budget"},
    ),
    **_crud("routingrule", "routingrule", "rita", "dave", {}),
    **_crud(
        "webhook",
        "webhooksubscription",
        "rita",
        "dave",
        {"name": "Teams", "url": "https://hooks.example.com/t", "events": ["deal.won"]},
    ),
    "lead_history": Op(kind="lead"),
    "opportunity_history": Op(kind="opportunity"),
    # every member reads a deal's credit; sales managers and RevOps split it (credit.split);
    # an empty list: no split, the owner is credited with the whole deal
    "opportunity_credits": Op(kind="opportunity", allowed="erin"),
    "opportunity_credits_set": Op(
        kind="opportunity", allowed="dave", denied="bob", body={"shares": []}
    ),
    "opportunity_board": Op(query={"closes_after": "2026-01-01"}),
    "lead_sla": Op(kind="lead", ok=(200, 404)),
    "lead_transition": Op(
        kind="inquiry", allowed="alice", denied="erin", body={"to_stage": "disqualified"}
    ),
    "lead_accept": Op(kind="lead", allowed="bob", denied="alice", body={}),
    "lead_convert": Op(
        kind="sal", allowed="bob", denied="alice", body={"amount": "12000.00"}, ok=(201,)
    ),
    "lead_reject": Op(kind="lead", allowed="bob", denied="alice", body={"reason": "bad_fit"}),
    "slabreach_list": Op(),
    "activity_create": Op(allowed="bob", denied="erin", ok=(201,)),
    "task_list": Op(),
    "task_create": Op(allowed="alice", denied="erin", ok=(201,)),
    "task_done": Op(kind="task", allowed="bob", denied="erin", body={}),
    "record_timeline": Op(kind="lead"),
    "mql_threshold": Op(),
    "mql_threshold_set": Op(allowed="rita", denied="dave", body={"threshold": 65}),
    "routing_fallback": Op(),
    "routing_fallback_set": Op(allowed="rita", denied="dave", body={}),
    "funnel_stage_exits": Op(query={"stage": "mql", "since": "2026-01-01"}),
    "funnel_metrics": Op(allowed="erin", query={"by": "campaign"}),
    # every member reads the catalogue and the workspace's, a side's, a pod's values
    "kpi_catalogue": Op(),
    "kpi_values": Op(allowed="alice", query={"scope": "side:sales", "period": "2026-Q1"}),
    # every member reads the goals; managers of either side and RevOps set them
    "goal_list": Op(allowed="alice", query={"period": "2026-Q1"}),
    "goal_get": Op(kind="goal", allowed="erin"),
    "goal_create": Op(
        allowed="mia",
        denied="erin",
        body={"kpi": "sals", "scope": "side:sales", "period": "2026-Q1", "target": "5"},
        ok=(201,),
    ),
    "goal_update": Op(kind="goal", allowed="dave", denied="bob", body={"target": "12"}),
    "goal_delete": Op(kind="goal", allowed="rita", denied="erin", ok=(204,)),
    "goal_history": Op(kind="goal", allowed="erin"),
    "goal_thresholds": Op(allowed="erin"),
    "goal_thresholds_set": Op(
        allowed="rita", denied="dave", body={"on_track": "1", "at_risk": "0.85"}
    ),
    # any member computes a plan (it writes nothing); every input given: no history needed
    # managers of either side and RevOps write a plan as the period's goals
    "plan_goals_write": Op(
        allowed="mia",
        denied="bob",
        body={
            "revenue": "100000",
            "period": "2027-Q1",
            "deal_size": "25000",
            "mql_to_sal": "0.5",
            "sal_to_sql": "0.4",
            "sql_to_won": "0.25",
            "marketing_share": "0.6",
        },
    ),
    "plan_compute": Op(
        allowed="erin",
        body={
            "revenue": "100000",
            "deal_size": "25000",
            "mql_to_sal": "0.5",
            "sal_to_sql": "0.4",
            "sql_to_won": "0.25",
            "marketing_share": "0.6",
        },
    ),
    "slacontract_sign": Op(kind="slacontract", allowed="mia", denied="alice"),
    "attribution_snapshot_list": Op(),
    "attribution_snapshot_get": Op(kind="snapshot"),
    "attribution_snapshot_compute": Op(
        allowed="dave", denied="bob", body={**_FISCAL_YEAR, "dimension": "channel"}, ok=(202,)
    ),
    "attribution_lock_list": Op(),
    "attribution_lock_get": Op(kind="attributionlock"),
    # marketing signed the matrix's lock: sales signs it, marketing may withdraw
    "attribution_lock_sign": Op(
        allowed="dave",
        denied="alice",
        body={**_FISCAL_YEAR, "dimension": "channel", "model": "markov"},
    ),
    "attribution_lock_withdraw": Op(
        kind="attributionlock", allowed="mia", denied="alice", ok=(204,)
    ),
    "slacontract_marketing": Op(kind="slacontract"),
    "me_get": Op(),
    "member_list": Op(),
    "workspace_get": Op(),
    "workspace_update": Op(allowed="rita", denied="dave", body={}),
    "token_list": Op(),
    "token_create": Op(body={"name": "script"}, ok=(201,)),
    "token_delete": Op(kind="token", allowed="rita", ok=(200, 204)),
    "token_revoke": Op(kind="token", allowed="rita"),
    "member_admin_list": Op(allowed="rita", denied="dave"),
    "member_get": Op(kind="member", allowed="rita", denied="dave"),
    "member_update": Op(kind="member", allowed="rita", denied="dave", body={"role": "sdr"}),
    "member_deactivate": Op(kind="member", allowed="rita", denied="dave"),
    "member_reactivate": Op(kind="member", allowed="rita", denied="dave"),
    "member_handover_get": Op(kind="member", allowed="rita", denied="dave"),
    "member_handover": Op(kind="member", allowed="rita", denied="dave", body={"to": {}}),
    "invitation_list": Op(allowed="rita", denied="dave"),
    "invitation_create": Op(
        allowed="rita", denied="dave", body={"email": "new@example.fr", "role": "sdr"}, ok=(201,)
    ),
    "invitation_revoke": Op(kind="invitation", allowed="rita", denied="dave"),
    "notification_preferences_get": Op(),
    "notification_preferences_update": Op(body={"preferences": {"mention": "daily"}}),
    **_crud("competitor", "competitor", "bob", "erin", {"name": "Concurrent"}),
    "feedback_list": Op(),
    "feedback_create": Op(
        allowed="bob", denied="erin", body={"kind": "objection", "title": "Trop cher"}, ok=(201,)
    ),
    "feedback_get": Op(kind="feedbackitem"),
    "feedback_similar": Op(query={"text": "trop cher"}),
    "search": Op(query={"q": "louise"}),
    "feedback_themes": Op(),
    "feedback_health": Op(),
    "feedback_sla_breaches": Op(),
    "feedback_settings_get": Op(),
    "feedback_settings_update": Op(
        allowed="mia", denied="alice", body={"acknowledge_within_days": 3}
    ),
    # no file sent: the role is checked first (403), then the missing file (422)
    "feedback_attach": Op(kind="feedbackitem", allowed="alice", denied="erin", ok=(422,)),
    "feedback_vote": Op(kind="feedbackitem", allowed="bob", denied="erin"),
    "feedback_unvote": Op(kind="feedbackitem", allowed="bob", denied="erin"),
    "feedback_status": Op(
        kind="feedbackitem", allowed="alice", denied="bob", body={"to_status": "acknowledged"}
    ),
    "feedback_assign": Op(kind="feedbackitem", allowed="alice", denied="bob", body={}),
    "feedback_respond": Op(
        kind="feedbackitem", allowed="alice", denied="bob", body={"text": "Vu"}, ok=(201,)
    ),
    "feedback_merge": Op(kind="feedbackitem", allowed="alice", denied="bob", body={"into": 1}),
    # signed with the endpoint's own secret, never a person's token: 401 for everyone here
    # (tests/integrations/test_incoming.py covers the signed requests)
    "incoming_lead": Op(ok=(401,)),
    "incoming_touchpoint": Op(ok=(401,)),
    "comment_mentionable": Op(),
    "comment_read": Op(kind="comment"),
    "comment_update": Op(kind="comment", allowed="rita", denied="alice", body={"text": "Lu"}),
    "comment_delete": Op(kind="comment", allowed="rita", denied="alice"),
    "comment_revisions": Op(kind="comment"),
    # saved views: the matrix's view is rita's, shared with the workspace
    # the campaign brief (codesign): every member reads it; marketing and RevOps write it
    "brief_get": Op(kind="campaign"),
    "brief_save": Op(kind="campaign", denied="bob", body={"objective": "Remplir"}, ok=(201,)),
    "brief_version_list": Op(kind="campaign"),
    "brief_compare": Op(kind="campaign", query={"old": "1", "new": "1"}),
    "campaign_alignment": Op(query={"period": "2026-Q2"}),
    # the debrief (the matrix's campaign has one open): see the pages above
    "debrief_get": Op(kind="campaign"),
    "debrief_open": Op(kind="campaign", denied="bob"),
    "debrief_rate": Op(kind="campaign", allowed="bob", denied="alice", body={"rating": 4}),
    "debrief_lessons": Op(
        kind="campaign", denied="bob", body={"side": "marketing", "text": "Cibler les DAF"}
    ),
    # an open debrief is not reopened: 409 (tests/codesign/test_debrief.py reopens one)
    "debrief_reopen": Op(kind="campaign", allowed="dave", denied="alice", ok=(409,)),
    # vis-ma-vie programmes (see the pages above)
    "programme_list": Op(),
    "programme_get": Op(kind="programme"),
    "programme_create": Op(
        allowed="mia",
        denied="alice",
        body={"name": "Vis ma vie — avril", "starts_on": "2099-04-06", "ends_on": "2099-04-10"},
        ok=(201,),
    ),
    "programme_update": Op(
        kind="programme", allowed="mia", denied="alice", body={"description": "Un jour"}
    ),
    "programme_close": Op(kind="programme", allowed="mia", denied="alice"),
    "programme_participant_list": Op(kind="programme"),
    "programme_participant_add": Op(
        kind="programme",
        denied="erin",
        body={"available_days": ["2099-03-03"], "learning_goals": "Apprendre"},
        ok=(201,),
    ),
    "participant_update": Op(kind="participant", denied="bob", body={"learning_goals": "Écouter"}),
    "participant_withdraw": Op(kind="participant", denied="bob"),
    "participant_debrief_get": Op(kind="participant", denied="erin"),
    "participant_debrief_put": Op(
        kind="participant", denied="bob", body={"surprised": "a", "will_change": "b"}
    ),
    "exchange_debrief_to_feedback": Op(kind="exchangedebrief", denied="bob", ok=(201,)),
    # the participant gets through to the meeting, which is no meeting of the workspace: 404
    # (tests/rituals/test_programme_api.py puts a debrief on a meeting's agenda)
    "exchange_debrief_to_agenda": Op(
        kind="exchangedebrief", denied="bob", body={"meeting_id": 987654}, ok=(404,)
    ),
    # vis-ma-vie pairing (see the pages above); adding a pair needs the programme's own
    # participant ids (tests/rituals/test_pairing_api.py adds one): not theirs here, a 422
    "programme_pairings": Op(kind="pairingprogramme"),
    "programme_pairings_propose": Op(kind="pairingprogramme", allowed="dave", denied="alice"),
    "programme_pairing_add": Op(
        kind="pairingprogramme",
        allowed="dave",
        denied="alice",
        body={"marketer": 1, "salesperson": 1},
        ok=(422,),
    ),
    "pairing_drop": Op(kind="pairing", allowed="mia", denied="bob"),
    "programme_pairings_confirm": Op(kind="pairingprogramme", allowed="dave", denied="bob"),
    "programme_sessions": Op(kind="pairingprogramme"),
    "exchange_session_move": Op(
        kind="exchangesession", allowed="dave", denied="alice", body={"day": MOVE_DAY}
    ),
    "programme_effect": Op(kind="pairingprogramme"),
    # the readiness kit: marketing and RevOps write it, the target pods' reps acknowledge it
    "kit_get": Op(kind="kitcampaign"),
    "kit_save": Op(kind="campaign", denied="bob", body={"talk_track": "Prêt"}),
    "kit_asset_create": Op(
        kind="campaign", denied="bob", body={"title": "Offre", "url": "https://ex.fr/o"}, ok=(201,)
    ),
    "kit_asset_delete": Op(kind="kitasset", denied="bob", ok=(204,)),
    "kit_acknowledge": Op(kind="kitcampaign", allowed="bob", denied="alice"),
    "kit_acknowledgement_list": Op(kind="campaign"),
    # the sales review (see the pages above)
    "pod_reviewer_list": Op(),
    "pod_reviewer_set": Op(kind="pod", allowed="dave", denied="bob", body={"user": None}),
    "review_status": Op(kind="campaign"),
    "review_request": Op(kind="reviewedcampaign", denied="bob", body={}),
    "review_decide": Op(kind="review", allowed="dave", denied="bob", body={"decision": "approved"}),
    "brief_comment_list": Op(kind="campaign"),
    "brief_comment_create": Op(
        kind="campaign", denied="erin", body={"field": "offer", "body": "Vu"}, ok=(201,)
    ),
    "brief_comment_resolve": Op(kind="briefcomment", denied="erin"),
    "brief_comment_reopen": Op(kind="briefcomment", denied="erin"),
    "campaign_launch": Op(kind="reviewedcampaign", denied="bob"),
    "campaign_launch_override": Op(
        kind="campaign",
        allowed="mia",
        denied="alice",
        body={"reason": "Le salon est demain"},
        ok=(201,),
    ),
    # the campaign calendar: every member reads it and makes or revokes their own feed
    "campaign_calendar": Op(allowed="erin", query={"start": "2026-03-01", "end": "2026-03-31"}),
    "calendar_feed_create": Op(allowed="erin", ok=(201,)),
    "calendar_feed_revoke": Op(allowed="erin", ok=(204,)),
    # the home page per role: every member reads their own
    "me_home": Op(),
    "saved_view_list": Op(query={"kind": "leads"}),
    "saved_view_create": Op(body={"kind": "leads", "name": "Mes MQL"}, ok=(201,)),
    "saved_view_get": Op(kind="savedview"),
    "saved_view_update": Op(
        kind="savedview", allowed="rita", denied="alice", body={"name": "Renommée"}
    ),
    "saved_view_delete": Op(kind="savedview", allowed="rita", denied="alice", ok=(204,)),
    "saved_view_records": Op(kind="savedview"),
    "saved_view_default": Op(body={"kind": "leads"}),
    "bulk_job_create": Op(
        allowed="bob", denied="erin", body={"kind": "leads", "action": "reassign"}, ok=(201,)
    ),
    "bulk_job_list": Op(),
    "bulk_job_get": Op(kind="bulkjob", allowed="rita"),
    "bulk_job_undo": Op(kind="bulkjob", allowed="rita"),
    "audit_list": Op(allowed="rita", denied="erin"),  # core/roles.py: audit.read
    # variable pay (comp.selectors): RevOps and comp admins read and write the plans; the matrix
    # makes the owner (rita) a comp admin. A statement one may not read is a 404, never a 403
    # (tests/comp/test_comp_api.py: each persona against each statement)
    "comp_plan_list": Op(allowed="rita", denied="alice"),
    "comp_plan_get": Op(kind="payplan", allowed="rita", denied="dave"),
    "comp_plan_create": Op(
        allowed="rita",
        denied="alice",
        body={"name": "Plan B", "document": MATRIX_PAY_PLAN},
        ok=(201,),
    ),
    "comp_plan_version_add": Op(
        kind="payplan", allowed="rita", denied="bob", body={"document": MATRIX_PAY_PLAN}, ok=(201,)
    ),
    "comp_statements_refresh": Op(
        kind="payplan", allowed="rita", denied="erin", body={"period": "2026-Q1"}
    ),
    # nothing in 2026-Q2: the file is its header
    "comp_payroll": Op(kind="payplan", allowed="rita", denied="mia", query={"period": "2026-Q2"}),
    "comp_plan_cost": Op(kind="payplan", allowed="rita"),  # comp admins; anyone else: 404
    "comp_statement_what_if": Op(kind="paystatement", allowed="rita", query={"goal_at": "1.1"}),
    "comp_statement_list": Op(allowed="alice"),
    "comp_statement_get": Op(kind="paystatement", allowed="rita"),
    "comp_statement_approve": Op(kind="paystatement2", allowed="rita"),
    "comp_dispute_open": Op(
        kind="paystatement",
        allowed="rita",
        body={"component": "commission", "text": "Pourquoi ?"},
        ok=(201,),
    ),
    "comp_dispute_list": Op(allowed="alice"),
    "comp_dispute_resolve": Op(kind="paydispute", allowed="rita", body={"resolution": "Vu"}),
    # the engine on posted inputs: no database, any member
    "comp_compute": Op(allowed="erin", body={"plan": MATRIX_PAY_PLAN, "period": "2026-Q1"}),
}
for _api_kind, _matrix_kind in (
    ("lead", "lead"),
    ("contact", "contact"),
    ("account", "account"),
    ("opportunity", "opportunity"),
    ("campaign", "campaign"),
    ("feedback", "feedbackitem"),
):
    OPS[f"{_api_kind}_comment_list"] = Op(kind=_matrix_kind)
    OPS[f"{_api_kind}_comment_create"] = Op(kind=_matrix_kind, body={"text": "Vu"}, ok=(201,))
OPS.update(  # committees (rituals): every member reads; committee.write sets them up
    {
        "committee_list": Op(),
        "committee_create": Op(
            allowed="mia",
            denied="alice",
            body={
                "name": "Nouveau comité",
                "rrule": "FREQ=MONTHLY;BYDAY=1TU",
                "first_at": "2027-01-05T10:00:00+01:00",
            },
            ok=(201,),
        ),
        "committee_get": Op(kind="committee", allowed="erin"),
        "committee_update": Op(kind="committee", allowed="dave", denied="bob", body={}),
        "committee_archive": Op(kind="committee", allowed="rita", denied="alice"),
        "committee_members_set": Op(
            kind="committee", allowed="mia", denied="alice", body={"members": []}
        ),
        "committee_meetings": Op(kind="committee", query={"from": "2026-01-01"}),
    }
)
OPS.update(  # pods as living units: every member reads; its members and managers write its log
    {
        "pod_overview": Op(kind="pod", allowed="erin"),
        "pod_value_list": Op(kind="pod", query={"kind": "shipped"}),
        "pod_value_create": Op(
            kind="pod", allowed="rita", denied="bob", body={"title": "Livré"}, ok=(201,)
        ),
        "pod_value_update": Op(
            kind="valueentry", allowed="mia", denied="bob", body={"kind": "learned"}
        ),
        "pod_value_delete": Op(kind="valueentry", allowed="rita", denied="bob", ok=(204,)),
    }
)
OPS.update(  # the alignment diagnostic: every member reads; RevOps opens and closes; the
    # matrix's wave is open and asks its pod, whose member is the owner (rita in Acme)
    {
        "diagnostic_wave_list": Op(),
        "diagnostic_wave_open": Op(
            allowed="rita",
            denied="mia",
            body={
                "title": "S2 2026",
                "period_start": "2026-07-01",
                "period_end": "2026-12-31",
                "closes_on": "2099-01-01",
            },
            ok=(201,),
        ),
        "diagnostic_wave_get": Op(kind="diagnosticwave"),
        "diagnostic_wave_close": Op(kind="diagnosticwave", allowed="rita", denied="dave"),
        "diagnostic_wave_statements": Op(kind="diagnosticwave", allowed="erin"),
        "diagnostic_wave_answer": Op(
            kind="diagnosticwave",
            allowed="rita",
            denied="bob",  # not in the pod the wave asks
            body={"answers": [3] * 20},
            ok=(204,),
        ),
        "diagnostic_wave_results": Op(kind="diagnosticwave"),
        "diagnostic_trend": Op(),
    }
)
OPS.update(  # a meeting's agenda: every member reads it; its committee's runners edit it
    {
        "meeting_agenda_get": Op(kind="agendameeting"),
        "meeting_agenda_build": Op(kind="agendameeting", allowed="dave", denied="alice"),
        "meeting_agenda_item_add": Op(
            kind="agendameeting", allowed="dave", denied="alice", body={"title": "Salon"}, ok=(201,)
        ),
        "agenda_item_move": Op(
            kind="agendaitem", allowed="dave", denied="alice", body={"position": 1}
        ),
        "agenda_item_remove": Op(
            kind="agendaitem", allowed="dave", denied="alice", body={"reason": "Traité"}
        ),
        # the matrix's item is on the agenda: 409 (tests/rituals/test_agenda_api.py restores one)
        "agenda_item_restore": Op(kind="agendaitem", allowed="dave", denied="alice", ok=(409,)),
    }
)
OPS.update(  # merges (core/roles.py: record.merge); duplicates and merges read by every member
    {
        "merge_create": Op(allowed="dave", denied="bob", ok=(201,)),
        "merge_get": Op(kind="merge", allowed="erin"),
        "contact_duplicates": Op(kind="contact"),
        "account_duplicates": Op(kind="account"),
    }
)
OPS.update(  # a committee's meeting: see the pages above
    {
        "meeting_list": Op(),
        "meeting_get": Op(kind="meeting"),
        "meeting_attendance_set": Op(
            kind="meeting", allowed="rita", denied="bob", body={"present": []}
        ),
        "agenda_item_minutes_set": Op(
            kind="meetingitem", allowed="rita", denied="bob", body={"minutes": "Vu"}
        ),
        "meeting_decision_list": Op(kind="meeting"),
        "meeting_decision_create": Op(
            kind="meeting", allowed="rita", denied="bob", body={"text": "Oui"}, ok=(201,)
        ),
        "meeting_action_create": Op(
            kind="meeting",
            allowed="rita",
            denied="bob",
            body={"title": "Relancer", "due_on": "2027-01-15"},
            ok=(201,),
        ),
        "meeting_close": Op(kind="meeting", allowed="rita", denied="bob"),
        "meeting_cancel": Op(kind="meeting", allowed="rita", denied="bob"),
        "action_list": Op(),
        "action_update": Op(
            kind="meetingaction", allowed="rita", denied="bob", body={"done": True}
        ),
        "rituals_participation": Op(query={"period": "2026-Q4"}),
    }
)
OPS.update(  # the executive report ({month}: see _call), every member reads it
    {"executive_report_get": Op(allowed="bob"), "executive_report_pdf": Op(allowed="erin")}
)
OPS.update(  # the alignment index: every member reads it; RevOps sets its weights
    {
        "alignment_index": Op(query={"month": "2026-03"}),
        "alignment_index_trend": Op(query={"months": "2"}),
        "alignment_index_weights_get": Op(),
        "alignment_index_weights_set": Op(allowed="rita", denied="alice", body={"reset": True}),
    }
)


OPS.update(  # the wins wall and kudos: every member reads, reacts and sends (win.react)
    {
        "wall_list": Op(),
        "wall_get": Op(kind="winpost", allowed="erin"),
        "wall_reaction_put": Op(kind="winpost", allowed="erin"),
        "wall_reaction_delete": Op(kind="winpost"),
        "kudos_list": Op(query={"box": "received"}),
        "kudos_create": Op(allowed="erin", body={"message": "Merci"}, ok=(201,)),
        "kudos_counts": Op(query={"period": "2026-11"}),
    }
)


@cache  # the document is built from the code (~0.1–0.5 s a time), not from the database
def _operations() -> dict[str, tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {
        op["operationId"]: (method.upper(), path)
        for path, methods in schema["paths"].items()
        for method, op in methods.items()
    }


OPS.update(  # the wins wall's posts: every member reads; RevOps sets the threshold
    {
        "wins_settings": Op(allowed="bob"),
        "wins_settings_set": Op(allowed="rita", denied="dave", body={"threshold": "10000"}),
        "win_journey": Op(kind="winpost", allowed="bob"),
    }
)


# Every list of the API has its export (dataio/export_api.py), open to whoever reads the list.
OPS.update({op: Op() for op in _operations() if op.endswith("_export")})


def test_matrix_covers_every_openapi_operation():
    ops = set(_operations())
    assert ops - set(OPS) == set(), "new API operations must be added to the permission matrix"
    assert set(OPS) - ops == set(), "the matrix lists operations that no longer exist"


def _call(user: Any, workspace: Any, op_id: str, obj: Any = None, body: Any = None) -> Any:
    method, path = _operations()[op_id]
    if obj is not None:
        path = path.replace("{pk}", str(obj.pk)).replace("{token_id}", str(obj.pk))
        path = path.replace("{record}", "lead")  # the timeline's kind of record
        path = path.replace("{emoji}", "clap")  # a reaction to a win
    path = path.replace("{month}", "2026-11")  # the executive report's month
    client = Client()
    headers = {}
    if user is not None:
        _token, secret = api_token_create(actor=_actor(user, workspace), name="matrix")
        headers["Authorization"] = f"Bearer {secret}"
    import json

    if method == "GET":
        return client.get(path, OPS[op_id].query or {}, headers=headers)
    return client.generic(
        method, path, json.dumps(body or {}), content_type="application/json", headers=headers
    )


def _create_body(op_id: str, objects: dict[str, Any]) -> dict[str, Any]:
    """Create payloads that need ids of the workspace's own objects."""
    op = OPS[op_id]
    extra: dict[str, Any] = {
        "touchpoint_create": {
            "contact": objects["contact"].pk,
            "kind": "call",
            "occurred_at": "2026-03-02T10:00:00+01:00",
        },
        "lead_create": {"contact": objects["contact"].pk},
        "kudos_create": {"recipient": objects["member"].pk},
        "activity_create": {
            "record": "lead",
            "record_id": objects["lead"].pk,
            "kind": "call",
            "outcome": "reached",
        },
        "task_create": {
            "record": "lead",
            "record_id": objects["lead"].pk,
            "title": "Rappeler",
            "due_at": "2026-12-01T10:00:00+01:00",
            "remind_hours_before": "1",
        },
        "opportunity_create": {
            "name": "Affaire",
            "account": objects["account"].pk,
            "amount": "1000.00",
        },
        "routingrule_create": {"name": "R2", "pod": objects["pod"].pk},
        "feedback_merge": {"into": objects["feedbackdup"].pk},
        "bulk_job_create": {
            "ids": [objects["lead"].pk],
            "args": {"to_owner": objects["task"].owner_id},
        },
        "merge_create": {
            "kind": "contact",
            "survivor": objects["contact"].pk,
            "loser": objects["contact2"].pk,
        },
    }.get(op_id, {})
    return {**(op.body or {}), **extra}


OPERATIONS = sorted(OPS)


@pytest.mark.parametrize("op_id", OPERATIONS)
def test_api_without_credentials_is_401(op_id, objects_by_workspace):
    op = OPS[op_id]
    obj = objects_by_workspace["acme"][op.kind] if op.kind else None
    response = _call(None, None, op_id, obj, op.body)
    assert response.status_code == 401


@pytest.mark.parametrize("op_id", sorted(o for o in OPS if OPS[o].kind))
def test_api_object_of_another_workspace_is_404(op_id, personas, objects_by_workspace):
    op = OPS[op_id]
    response = _call(
        getattr(personas, op.allowed),
        personas.acme,
        op_id,
        objects_by_workspace["globex"][op.kind],
        op.body,
    )
    assert response.status_code == 404, response.content


@pytest.mark.parametrize("op_id", sorted(o for o in OPS if OPS[o].denied))
def test_api_above_ones_role_is_403(op_id, personas, objects_by_workspace):
    op = OPS[op_id]
    obj = objects_by_workspace["acme"][op.kind] if op.kind else None
    body = (
        _create_body(op_id, objects_by_workspace["acme"])
        if op_id.endswith(("_create", "_merge"))
        else op.body
    )
    response = _call(getattr(personas, op.denied), personas.acme, op_id, obj, body)
    assert response.status_code == 403, response.content


@pytest.mark.parametrize("op_id", OPERATIONS)
def test_api_is_open_to_the_allowed_role(op_id, personas, objects_by_workspace):
    op = OPS[op_id]
    obj = objects_by_workspace["acme"][op.kind] if op.kind else None
    body = (
        _create_body(op_id, objects_by_workspace["acme"])
        if op_id.endswith(("_create", "_merge"))
        else op.body
    )
    response = _call(getattr(personas, op.allowed), personas.acme, op_id, obj, body)
    assert response.status_code in op.ok, response.content


def test_superusers_get_the_admin(personas):
    root = f.UserFactory(email="root@example.fr", is_superuser=True, is_staff=True)
    assert _client(root).get("/admin/").status_code == 200
    assert _client(root).get("/admin/funnel/lead/").status_code == 200  # leads moved to funnel
