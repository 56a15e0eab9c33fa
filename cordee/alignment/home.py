"""THE home page of a person (issue 20, part 5): what needs them now for their role, then what
both teams share — the wins feed and the alignment index. The page and GET /api/v1/me/home
both print what ``home_read`` returns; each kind of work is read in ``home_sources``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cordee.alignment import home_sources as src
from cordee.alignment.home_sources import TOP, Found, HomeItem, url
from cordee.alignment.index import index_month
from cordee.core.actor import Actor
from cordee.core.templatetags.cordee import format_money
from cordee.funnel import goals_page, selectors
from cordee.tenancy.roles import Role
from cordee.wins.selectors import wall_feed, wall_posts
from cordee.wins.story import post_title


@dataclass(frozen=True)
class HomeBlock:
    code: str
    title: str  # in the reader's language
    count: int
    items: list[HomeItem]
    see_all: str
    value: str = ""  # a headline (the open pipeline's amount, the index's score)
    empty: str = ""  # what the block says with nothing in it


@dataclass(frozen=True)
class Home:
    role: str
    needs: list[HomeBlock] = field(default_factory=list)  # what needs me now
    together: list[HomeBlock] = field(default_factory=list)  # the wins feed, the index


# code → (title, what it says when empty, its reader). The titles are lazy: read per request.
Source = Callable[[Actor], Found]
StrOrPromise = str | Promise
BLOCKS: dict[str, tuple[StrOrPromise, StrOrPromise, Source]] = {
    "mqls": (
        gettext_lazy("My MQLs, due first"),
        gettext_lazy("No MQL waits for you."),
        src.my_mqls,
    ),
    "feedback_answers": (
        gettext_lazy("Answers to my feedback"),
        gettext_lazy("No new answer to your feedback."),
        src.feedback_answers,
    ),
    "reviews": (
        gettext_lazy("Briefs to review"),
        gettext_lazy("No brief waits for your review."),
        src.reviews_to_give,
    ),
    "kits": (
        gettext_lazy("Readiness kits to acknowledge"),
        gettext_lazy("You are ready for every live campaign."),
        src.kits_to_acknowledge,
    ),
    "actions": (
        gettext_lazy("My action items due"),
        gettext_lazy("No action item due this week."),
        src.actions_due,
    ),
    "feedback_triage": (
        gettext_lazy("Feedback to triage"),
        gettext_lazy("No new feedback to triage."),
        src.feedback_to_triage,
    ),
    "reviews_returned": (
        gettext_lazy("Reviews returned"),
        gettext_lazy("No answered review waits for you."),
        src.reviews_returned,
    ),
    "debriefs": (
        gettext_lazy("Debriefs to write"),
        gettext_lazy("No debrief waits for your lessons."),
        src.debriefs_to_write,
    ),
    "breaches": (
        gettext_lazy("Open SLA breaches"),
        gettext_lazy("No open breach."),
        lambda actor: src.breaches(actor, _breach_sides(actor)),
    ),
    "goals_at_risk": (
        gettext_lazy("Goals at risk or off track"),
        gettext_lazy("Every current goal is on track."),
        src.goals_at_risk,
    ),
    "signatures": (
        gettext_lazy("Signatures awaited"),
        gettext_lazy("Nothing waits for your signature."),
        src.signatures,
    ),
    "unowned_mqls": (
        gettext_lazy("MQLs without an owner"),
        gettext_lazy("Every MQL has an owner."),
        src.unowned_mqls,
    ),
    "failed_imports": (
        gettext_lazy("Failed imports"),
        gettext_lazy("No import failed this week."),
        src.failed_imports,
    ),
}

_REP = ["mqls", "feedback_answers", "reviews", "kits", "actions"]
_MARKETER = ["feedback_triage", "reviews_returned", "debriefs", "actions"]
_MANAGER = ["breaches", "goals_at_risk", "signatures"]
ROLE_BLOCKS: dict[str, list[str]] = {
    Role.SDR: _REP,
    Role.SALES_REP: _REP,
    Role.MARKETER: _MARKETER,
    Role.MARKETING_MANAGER: _MANAGER + _MARKETER,
    Role.SALES_MANAGER: _MANAGER + [c for c in _REP if c != "kits"],
    Role.REVOPS_ADMIN: ["unowned_mqls", "failed_imports", "signatures", "breaches", "actions"],
    Role.EXECUTIVE: ["index", "shared_goals", "pipeline", "actions"],
}


def _breach_sides(actor: Actor) -> tuple[str, ...]:
    """A manager's side's breaches; RevOps' both."""
    if actor.role == Role.REVOPS_ADMIN:
        return ("marketing", "sales")
    return (str(actor.side),)


def _block(actor: Actor, code: str) -> HomeBlock:
    if code == "index":
        return index_block(actor)
    if code == "shared_goals":
        return shared_goals_block(actor)
    if code == "pipeline":
        return pipeline_block(actor)
    title, empty, read = BLOCKS[code]
    found = read(actor)
    return HomeBlock(
        code, str(title), found.count, found.items, found.see_all, found.value, str(empty)
    )


def index_block(actor: Actor) -> HomeBlock:
    """This month's alignment index (``alignment.index.index_month``): its score, or "not
    measured yet" while no part could be measured."""
    ws = actor.workspace
    result = index_month(ws, ws.today())
    measured = result.score is not None
    value = (
        formats.number_format(result.score, 1)  # as the index's page writes it
        if result.score is not None
        else _("Not measured yet")
    )
    items = [
        HomeItem(
            kind="index_part",
            title=str(p.label),
            detail=p.raw,
            url=url(actor, "alignment_index"),
        )
        for p in result.parts
        if p.value is not None
    ][:TOP]
    return HomeBlock(
        "index",
        _("Alignment index this month"),
        int(measured),
        items,
        url(actor, "alignment_index"),
        value,
        _("Not measured yet"),
    )


def shared_goals_block(actor: Actor) -> HomeBlock:
    """The shared goals of the periods under way with their status (``goals_page.overview_goals``)."""
    rows = goals_page.overview_goals(actor)
    items = [
        HomeItem(
            kind="shared_goal",
            title=f"{r['kpi']} · {r['scope']} · {r['period']}",
            detail=f"{r['status_label']} · {r['actual']} / {r['target']}",
            url=url(actor, "goal_detail", r["id"]),
            late=r["status"] == "off_track",
        )
        for r in rows
    ]
    return HomeBlock(
        "shared_goals",
        _("Our shared goals now"),
        len(rows),
        items[:TOP],
        url(actor, "goals"),
        empty=_("No shared goal for the current month, quarter or year yet."),
    )


def pipeline_block(actor: Actor) -> HomeBlock:
    """The open pipeline (``funnel.selectors.open_pipeline``): how many and how much."""
    pipeline = selectors.open_pipeline(actor=actor)
    return HomeBlock(
        "pipeline",
        _("Open pipeline"),
        int(pipeline["count"]),  # type: ignore[call-overload]
        [],
        url(actor, "opportunity_board"),
        format_money(pipeline["amount"], actor.workspace.currency, decimals=0),
        _("No open opportunity."),
    )


def wins_block(actor: Actor) -> HomeBlock:
    """The latest wins (``wins.selectors.wall_feed``), told by ``wins.story.post_title``."""
    wall = url(actor, "wins_wall")
    posts = wall_feed(actor, limit=TOP)
    items = [
        HomeItem(
            kind="win",
            title=post_title(p),
            detail=formats.date_format(
                timezone.localtime(p.at, actor.workspace.zone), "SHORT_DATE_FORMAT"
            ),
            url=url(actor, "win_detail", p.pk),
        )
        for p in posts
    ]
    count = len(items) if len(items) < TOP else wall_posts(actor).count()
    return HomeBlock("wins", _("Wins together"), count, items, wall, empty=_("No win posted yet."))


def home_read(actor: Actor) -> Home:
    """The actor's home: their role's blocks, then the wins and (but for the executive, whose
    blocks start with it) the index."""
    codes = ROLE_BLOCKS.get(actor.role, ["actions"])
    needs = [_block(actor, code) for code in codes]
    together = [wins_block(actor)]
    if "index" not in codes:
        together.append(index_block(actor))
    return Home(role=actor.role, needs=needs, together=together)
