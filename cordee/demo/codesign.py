"""The demo's campaigns designed with sales (issue 18): a brief for most campaigns of the last
twelve months and the upcoming ones (one to four versions), each target pod's review by its
default reviewer, remarks anchored to a field of the brief and answered, two launches by override
with their reason, readiness kits acknowledged by most reps, and debriefs of the ended campaigns
with the reps' ratings of their leads and the lessons of both sides.

Every human act falls in the workspace's working hours: times are drawn in *business time* (the
workspace calendar's ``BusinessClock``: a number of working seconds since the start of its span),
so that any such number is a moment at work. Nothing happens after ``now`` but the due dates of
the reviews still waiting. Rows are written with ``bulk_create`` (a few hundred rows, whatever the
demo's size); the expected numbers use the rates the demo's own history shows.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Q

from cordee.codesign.models import (
    BriefComment,
    BriefVersion,
    Debrief,
    Kit,
    KitAcknowledgement,
    KitAsset,
    LaunchOverride,
    LeadRating,
    PodReviewer,
    Review,
    ReviewState,
)
from cordee.core.business_time import BusinessClock
from cordee.crm.models import Campaign, CampaignStatus, Channel
from cordee.demo import codesign_texts as T
from cordee.demo.common import MONTHS_FR, UTC, of_place, slug_of
from cordee.demo.writers import explicit_timestamps
from cordee.funnel.models import Lead, LeadStageChange, Opportunity, Stage
from cordee.funnel.sla import workspace_calendar
from cordee.people.models import Pod, PodMember
from cordee.tenancy.models import Membership, User, Workspace

BH = 3_600  # a business hour, in business seconds
BD = 27_000  # a business day of the demo's calendar (9:00–12:30, 14:00–18:00)
REVIEW_DAYS = 2  # a review is due two business days after it is asked
HISTORY_DAYS = 365  # briefs for the campaigns that started in the last twelve months
MARKETING_MANAGER = "claire.marketing@demo.cordee.fr"
REPS = ("sdr", "sales_rep")
WEEKDAYS_FR = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
CODESIGN_MODELS = (
    BriefVersion,
    PodReviewer,
    Review,
    BriefComment,
    LaunchOverride,
    Kit,
    KitAsset,
    KitAcknowledgement,
    Debrief,
    LeadRating,
)


def _day_words(day: dt.date) -> str:
    return f"{WEEKDAYS_FR[day.weekday()]} {day.day} {MONTHS_FR[day.month - 1]}"


def _theme(name: str) -> T.Theme:
    lower = name.lower()
    for theme in T.THEMES:
        if re.search(theme.pattern, lower):
            return theme
    return T.EVERYONE


class _Clock:
    """Business time of the workspace: ``e(moment)`` → working seconds, ``at(e)`` → the moment."""

    def __init__(self, workspace: Workspace, first: dt.date, last: dt.date) -> None:
        self.zone = workspace.zone
        self.clock = BusinessClock(workspace_calendar(workspace), first, last)

    def e(self, moment: dt.datetime) -> int:
        return int(self.clock.elapsed([int(moment.timestamp())])[0])

    def day(self, day: dt.date) -> int:
        """The first working minute of ``day`` or, if it is not a working day, of the next one."""
        return self.e(dt.datetime.combine(day, dt.time(0), self.zone)) + 60

    def at(self, e: float) -> dt.datetime:
        return dt.datetime.fromtimestamp(int(self.clock.at_elapsed([int(e)])[0]), UTC)


class _Story:
    """The rows of the co-design story, collected then written at once."""

    def __init__(self, workspace: Workspace, clock: _Clock, now_e: int) -> None:
        self.ws = workspace
        self.clock = clock
        self.now_e = now_e
        self.versions: list[BriefVersion] = []
        self.reviews: list[Review] = []
        self.comments: list[tuple[BriefComment, BriefComment | None]] = []  # (row, its parent)
        self.overrides: list[LaunchOverride] = []
        self.kits: list[Kit] = []
        self.assets: list[tuple[KitAsset, Kit]] = []
        self.acks: list[tuple[KitAcknowledgement, Kit]] = []
        self.debriefs: list[Debrief] = []
        self.ratings: list[tuple[LeadRating, Debrief]] = []
        self.names: dict[int, str] = {}  # user id → first name
        self.manager = 0  # the marketing manager's user id

    def done(self, e: float) -> bool:
        """Whether a moment of business time ``e`` has come by ``now``."""
        return e <= self.now_e

    def at(self, e: float) -> dt.datetime:
        return self.clock.at(e)

    def comment(
        self,
        campaign: Campaign,
        field: str,
        version: int,
        author: int,
        body: str,
        e: float,
        parent: BriefComment | None = None,
    ) -> BriefComment:
        row = BriefComment(
            workspace=self.ws,
            campaign=campaign,
            field=field,
            version=version,
            author_id=author,
            body=body,
            created_at=self.at(e),
            updated_at=self.at(e),
        )
        self.comments.append((row, parent))
        return row

    def resolve(self, thread: BriefComment, by: int, e: float) -> None:
        if self.done(e):
            thread.resolved_at = thread.updated_at = self.at(e)
            thread.resolved_by_id = by

    def write(self) -> int:
        BriefVersion.objects.bulk_create(self.versions, batch_size=500)
        Review.objects.bulk_create(self.reviews, batch_size=500)
        firsts = [row for row, parent in self.comments if parent is None]
        BriefComment.objects.bulk_create(firsts, batch_size=500)
        replies = []
        for row, parent in self.comments:
            if parent is not None:
                row.parent_id = parent.pk
                replies.append(row)
        BriefComment.objects.bulk_create(replies, batch_size=500)
        LaunchOverride.objects.bulk_create(self.overrides)
        Kit.objects.bulk_create(self.kits)
        for asset, kit in self.assets:
            asset.kit_id = kit.pk
        KitAsset.objects.bulk_create([a for a, _ in self.assets], batch_size=500)
        for ack, kit in self.acks:
            ack.kit_id = kit.pk
        KitAcknowledgement.objects.bulk_create([a for a, _ in self.acks], batch_size=500)
        Debrief.objects.bulk_create(self.debriefs)
        for rating, debrief in self.ratings:
            rating.debrief_id = debrief.pk
        LeadRating.objects.bulk_create([r for r, _ in self.ratings], batch_size=500)
        return (
            len(self.versions)
            + len(self.reviews)
            + len(self.comments)
            + len(self.overrides)
            + len(self.kits)
            + len(self.assets)
            + len(self.acks)
            + len(self.debriefs)
            + len(self.ratings)
        )


def _rates(workspace: Workspace) -> tuple[dict[str, tuple[float, float]], Decimal]:
    """What the demo's history shows: per source channel, MQL→SAL and SAL→SQL (the share of
    each stage's exits that went forward), and the average deal size."""
    rows = (
        LeadStageChange.objects.filter(workspace=workspace, from_stage__in=[Stage.MQL, Stage.SAL])
        .values_list("lead__source_channel", "from_stage")
        .annotate(
            all=Count("id"),
            sal=Count("id", filter=Q(to_stage=Stage.SAL)),
            sql=Count("id", filter=Q(to_stage=Stage.SQL)),
        )
    )
    counts: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    totals = {Stage.MQL: [0, 0], Stage.SAL: [0, 0]}
    for channel, stage, n, sal, sql in rows:
        hit = sal if stage == Stage.MQL else sql
        counts[channel][stage] = (n, hit)
        totals[stage][0] += n
        totals[stage][1] += hit

    def rate(pair: tuple[int, int] | list[int] | None, default: float) -> float:
        return pair[1] / pair[0] if pair and pair[0] >= 20 else default

    overall = (rate(totals[Stage.MQL], 0.5), rate(totals[Stage.SAL], 0.5))
    by_channel = {
        ch: (rate(c.get(Stage.MQL), overall[0]), rate(c.get(Stage.SAL), overall[1]))
        for ch, c in counts.items()
    }
    average = Opportunity.objects.filter(workspace=workspace).aggregate(v=Avg("amount"))["v"]
    deal = Decimal(average or 30_000).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return by_channel, deal


def _round_mqls(value: float) -> int:
    n = max(5, round(value))
    return n if n <= 30 else int(5 * round(n / 5))


def add_codesign(workspace: Workspace, *, now: dt.datetime, seed: int = 1) -> int:
    """Write the co-design story of the demo's campaigns; returns the number of rows."""
    rng = random.Random(f"cordee-demo:{seed}:codesign")
    today = now.astimezone(workspace.zone).date()
    clock = _Clock(workspace, today - dt.timedelta(days=HISTORY_DAYS + 60), today + dt.timedelta(days=240))  # fmt: skip
    story = _Story(workspace, clock, clock.e(now))

    people = User.objects.filter(memberships__workspace=workspace)
    emails = dict(people.values_list("pk", "email"))
    story.names = dict(people.values_list("pk", "first_name"))
    role = dict(Membership.objects.filter(workspace=workspace).values_list("user_id", "role"))
    claire = next(pk for pk, email in emails.items() if email == MARKETING_MANAGER)
    story.manager = claire
    pods = {p.name: p for p in Pod.objects.filter(workspace=workspace).order_by("id")}
    reps: dict[int, list[int]] = defaultdict(list)
    leads_of: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for pod_id, user_id, is_lead in (
        PodMember.objects.filter(pod__workspace=workspace)
        .order_by("id")
        .values_list("pod_id", "user_id", "is_lead")
    ):
        if role.get(user_id) in REPS:
            reps[pod_id].append(user_id)
            leads_of[pod_id].append((user_id, is_lead))
    # the default reviewer: the pod's lead if on the sales side, else its first sales rep
    reviewer: dict[int, int] = {}
    for pod in pods.values():
        members = leads_of[pod.pk]
        aes = [u for u, lead in members if role[u] == "sales_rep"]
        chosen = [u for u, lead in members if lead] or aes or [u for u, _ in members]
        if chosen:
            reviewer[pod.pk] = chosen[0]
    since = clock.at(clock.day(today - dt.timedelta(days=HISTORY_DAYS + 30)) + 2 * BH)
    with explicit_timestamps(CODESIGN_MODELS):
        PodReviewer.objects.bulk_create(
            [
                PodReviewer(
                    workspace=workspace, pod=pod, user_id=reviewer[pod.pk], created_at=since,
                    updated_at=since,
                )
                for pod in pods.values()
                if pod.pk in reviewer
            ]
        )  # fmt: skip

    campaigns = list(
        Campaign.objects.filter(
            workspace=workspace,
            end_date__isnull=False,
            start_date__gte=today - dt.timedelta(days=HISTORY_DAYS),
        )
        .exclude(status=CampaignStatus.CANCELLED)
        .order_by("start_date", "id")
    )
    ids = [c.pk for c in campaigns]
    mqls = dict(
        Lead.objects.filter(workspace=workspace, source_campaign_id__in=ids, mql_at__isnull=False)
        .values_list("source_campaign_id")
        .annotate(n=Count("id"))
    )
    accepted = {
        cid: (n, sal)
        for cid, n, sal in LeadStageChange.objects.filter(
            workspace=workspace, from_stage=Stage.MQL, lead__source_campaign_id__in=ids
        )
        .values_list("lead__source_campaign_id")
        .annotate(n=Count("id"), sal=Count("id", filter=Q(to_stage=Stage.SAL)))
    }
    owners: dict[int, list[int]] = defaultdict(list)
    for cid, owner in (
        Lead.objects.filter(
            workspace=workspace,
            source_campaign_id__in=ids,
            owner__isnull=False,
            mql_at__isnull=False,
        )
        .values_list("source_campaign_id", "owner_id")
        .distinct()
        .order_by("source_campaign_id", "owner_id")
    ):
        if role.get(owner) in REPS:
            owners[cid].append(owner)
    rates, deal = _rates(workspace)
    by_channel: dict[str, list[int]] = defaultdict(list)
    for c in campaigns:
        if c.end_date and c.end_date < today and mqls.get(c.pk):
            by_channel[c.channel].append(mqls[c.pk])

    # the two launches by override: a trade show whose review ended on a request for changes, a
    # webinar whose reviewer was on leave
    ended = [c for c in campaigns if c.end_date and c.end_date < today]
    shows = [c for c in ended if c.channel == Channel.EVENT and "utilisateurs" not in c.name]
    webinars = [c for c in ended if c.channel == Channel.WEBINAR]
    override: dict[int, str] = {}
    if shows:
        override[rng.choice(shows).pk] = "salon"
    if webinars:
        override[rng.choice(webinars[len(webinars) // 2 :]).pk] = "leave"

    for campaign in campaigns:
        assert campaign.start_date is not None  # filtered on it
        launched = campaign.start_date <= today
        if launched and campaign.pk not in override and rng.random() < 0.1:
            continue  # a few campaigns went without a brief
        channel_mqls = by_channel.get(campaign.channel) or [10]
        actual = mqls.get(campaign.pk)
        if actual and campaign.end_date and campaign.end_date < today:
            expected = _round_mqls(actual * rng.uniform(0.8, 1.3))
        else:
            expected = _round_mqls(sum(channel_mqls) / len(channel_mqls) * rng.uniform(0.9, 1.2))
        _campaign_story(
            story,
            rng,
            campaign,
            today=today,
            pods=pods,
            reps=reps,
            reviewer=reviewer,
            claire=claire,
            expected=expected,
            rates=rates.get(campaign.channel) or (0.5, 0.5),
            deal=deal,
            override=override.get(campaign.pk),
            raters=owners.get(campaign.pk, []),
            acceptance=accepted.get(campaign.pk),
        )
    with explicit_timestamps(CODESIGN_MODELS):
        return story.write() + len(reviewer)


def _expected(mqls: int, rates: tuple[float, float], deal: Decimal) -> tuple[int, Decimal]:
    """SQLs and pipeline from MQLs, as the brief's pre-fill computes them."""
    sqls = math.floor(mqls * rates[0] * rates[1])
    return sqls, (Decimal(sqls) * deal).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _campaign_story(
    story: _Story,
    rng: random.Random,
    campaign: Campaign,
    *,
    today: dt.date,
    pods: dict[str, Pod],
    reps: dict[int, list[int]],
    reviewer: dict[int, int],
    claire: int,
    expected: int,
    rates: tuple[float, float],
    deal: Decimal,
    override: str | None,
    raters: list[int],
    acceptance: tuple[int, int] | None,
) -> None:
    ws = story.ws
    theme = _theme(campaign.name)
    target = [pods[name] for name in theme.pods if name in pods and pods[name].pk in reviewer]
    segment = list(theme.segment) or sorted({i for p in target for i in p.industries})
    start = campaign.start_date
    assert start is not None
    key_day = start + dt.timedelta(days=21)
    parts = T.brief_parts(campaign.channel, campaign.name, theme, _day_words(key_day))
    author = campaign.owner_id or claire
    launched = start <= today
    e_launch = story.clock.day(start)
    sqls, pipeline = _expected(expected, rates, deal)
    budget = campaign.budget
    brief: dict[str, Any] = {
        "objective": parts.objective.format(mqls=expected, sqls=sqls),
        "segment": segment,
        "pods": [p.pk for p in target],
        "persona": theme.persona,
        "message": parts.message,
        "offer": parts.offer,
        "call_to_action": parts.call_to_action,
        "channels": [campaign.channel],
        "start_date": campaign.start_date,
        "end_date": campaign.end_date,
        "budget": budget,
        "expected_mqls": expected,
        "expected_sqls": sqls,
        "expected_pipeline": pipeline,
        "success_criteria": parts.success.format(mqls=expected, sqls=sqls),
    }
    versions: list[tuple[float, dict[str, Any]]] = []

    def save(e: float, data: dict[str, Any]) -> int:
        versions.append((e, dict(data)))
        story.versions.append(
            BriefVersion(
                workspace=ws,
                campaign=campaign,
                number=len(versions),
                author_id=author,
                currency="EUR",
                created_at=story.at(e),
                updated_at=story.at(e),
                **data,
            )
        )
        return len(versions)

    # the first draft three weeks or so before the launch; for a campaign further away, a few
    # days ago (its review under way)
    e0 = e_launch - BD * rng.uniform(14, 18)
    if not launched:
        e0 = min(e0, story.now_e - BD * rng.uniform(2.5, 4))
    if override == "salon":
        e0 = e_launch - BD * rng.uniform(7, 8)
    first = dict(brief)
    if budget and rng.random() < 0.3:  # the draft asked for more; the quarter's arbitration cut it
        first["budget"] = (budget * Decimal("1.15")).quantize(Decimal("100"))
    save(e0, first)
    e = e0
    if first["budget"] != budget:
        e += BH * rng.uniform(2, 10)
        save(e, brief)
    e_req = e + BH * rng.uniform(0.5, 3)
    if not story.done(e_req):
        return
    e = e_req

    # the sales review: one round per target pod at a time
    rounds: dict[int, Review] = {}

    def ask(pod: Pod, at: float) -> None:
        row = Review(
            workspace=ws,
            campaign=campaign,
            pod=pod,
            reviewer_id=reviewer[pod.pk],
            version=len(versions),
            requested_at=story.at(at),
            due_at=story.at(at + REVIEW_DAYS * BD),
            created_at=story.at(at),
            updated_at=story.at(at),
        )
        story.reviews.append(row)
        rounds[pod.pk] = row

    def decide(pod: Pod, at: float, state: str, note: str = "") -> None:
        row = rounds[pod.pk]
        row.state = state
        row.decided_at = row.updated_at = story.at(at)
        row.decided_version = row.version
        row.note = note
        # late: a reminder went at the check after it fell due (if the answer came after it)
        reminder = story.clock.e(row.due_at) + rng.uniform(0.1, 0.5) * BH
        if at > reminder:
            row.reminded_at = story.at(reminder)

    for pod in target:
        ask(pod, e)

    # cycles of "changes requested" → a new version → asked again
    used: set[int] = set()
    cycles = rng.choices([0, 1, 2], weights=[55, 35, 10])[0]
    if override == "salon":
        cycles = max(cycles, 1)
    for cycle in range(cycles):
        critic = rng.choice(target)
        choices = [
            i
            for i, (field, *_rest) in enumerate(T.REMARKS)
            if i not in used
            and (field != "expected_mqls" or brief["expected_mqls"] >= 15)
            and not (override == "salon" and cycle == cycles - 1 and field != "offer")
        ]
        pick = rng.choice(choices)
        used.add(pick)
        field, remark, answer, change = T.REMARKS[pick]
        e_remark = e + BD * rng.uniform(0.3, 1.5)
        e_decide = e_remark + BH * rng.uniform(0.1, 1)
        if not story.done(e_decide):
            break
        body = remark.format(mqls=brief["expected_mqls"])
        thread = story.comment(campaign, field, len(versions), reviewer[critic.pk], body, e_remark)
        # others who answer before the fix approve the version asked
        for pod in target:
            if pod is not critic:
                e_other = e + BD * rng.uniform(0.2, 2)
                if e_other < e_decide:
                    decide(pod, e_other, ReviewState.APPROVED, rng.choice(T.APPROVAL_NOTES))
        decide(critic, e_decide, ReviewState.CHANGES, body)
        if override == "salon" and cycle == cycles - 1:
            # the show's date is fixed: launched as the brief stood, the remark kept for the kit
            e_override = e_launch - BH * rng.uniform(1, 5)
            story.overrides.append(
                LaunchOverride(
                    workspace=ws,
                    campaign=campaign,
                    by_id=claire,
                    reason=T.SALON_REASON.format(
                        show=campaign.name.split(" — ")[0],
                        key=_day_words(key_day),
                        of_reviewer=of_place(story.names[reviewer[critic.pk]]),
                    ),
                    version=len(versions),
                    missing_pods=[critic.pk],
                    created_at=story.at(e_override),
                    updated_at=story.at(e_override),
                    discussed_at=_committee(story, e_launch + BD * 3),
                )
            )
            answer_e = e_decide + BH * rng.uniform(1, 4)
            story.comment(
                campaign,
                field,
                len(versions),
                author,
                "Noté : pas le temps de refaire l'offre avant le salon, elle sera reprise dans "
                "le kit des commerciaux.",
                answer_e,
                thread,
            )
            _kit_and_debrief(story, rng, campaign, parts, theme, target, reps, brief, versions,
                             today=today, e_launch=e_launch, raters=raters, acceptance=acceptance)  # fmt: skip
            return
        e_fix = e_decide + BH * rng.uniform(1, 8)
        if not story.done(e_fix):
            break
        if change == "lower":
            lowered = _round_mqls(brief["expected_mqls"] * 0.8)
            answer = answer.format(new=lowered)
            brief["expected_mqls"] = lowered
            brief["expected_sqls"], brief["expected_pipeline"] = _expected(lowered, rates, deal)
        elif change.startswith("+"):
            extra = change[1:].format(proof=theme.proof)
            joiner = "" if extra.startswith(",") else " "
            brief[field] = f"{brief[field]}{joiner}{extra}"
        story.comment(campaign, field, len(versions), author, answer, e_fix - 60, thread)
        story.resolve(thread, author, e_fix)
        save(e_fix, brief)
        for pod in target:
            rounds[pod.pk].superseded_at = rounds[pod.pk].updated_at = story.at(e_fix)
            ask(pod, e_fix)
        e = e_fix
        if rng.random() < 0.5:
            e_thanks = e_fix + BH * rng.uniform(0.5, 5)
            if story.done(e_thanks):
                story.comment(
                    campaign, field, len(versions), reviewer[critic.pk],
                    rng.choice(T.THANKS), e_thanks, thread,
                )  # fmt: skip

    # a question on a field, answered (most often resolved)
    if target and rng.random() < 0.55:
        field, question, reply = rng.choice(T.QUESTIONS)
        asker = rng.choice([u for p in target for u in reps[p.pk]] or [reviewer[target[0].pk]])
        e_q = e_req + BD * rng.uniform(0.1, 1)
        if story.done(e_q):
            number = sum(1 for at, _ in versions if at <= e_q)
            thread = story.comment(campaign, field, number, asker, question, e_q)
            e_a = e_q + BH * rng.uniform(0.5, 4)
            if story.done(e_a):
                story.comment(campaign, field, number, author, reply, e_a, thread)
                if rng.random() < 0.85:
                    story.resolve(thread, asker, e_a + BH * rng.uniform(0.2, 3))

    # the last round of each pod
    on_leave = rng.choice(target) if override == "leave" and target else None
    for pod in target:
        row = rounds[pod.pk]
        if row.decided_at is not None and row.superseded_at is None:
            continue
        e_round = story.clock.e(row.requested_at)
        if pod is on_leave:
            # back from leave after the launch; the manager launched without them
            e_back = e_launch + BD * rng.uniform(3, 6)
            e_override = e_launch - BH * rng.uniform(1, 4)
            story.overrides.append(
                LaunchOverride(
                    workspace=ws,
                    campaign=campaign,
                    by_id=claire,
                    reason=T.LEAVE_REASON.format(
                        reviewer=story.names[reviewer[pod.pk]],
                        pod=pod.name,
                        back=_day_words(story.at(e_back).astimezone(story.clock.zone).date()),
                    ),
                    version=len(versions),
                    missing_pods=[pod.pk],
                    created_at=story.at(e_override),
                    updated_at=story.at(e_override),
                    discussed_at=_committee(story, e_launch + BD * 3),
                )
            )
            due = story.clock.e(row.due_at)
            row.reminded_at = story.at(due + rng.uniform(0.1, 0.5) * BH)
            if story.done(e_back):
                decide(pod, e_back, ReviewState.APPROVED, "De retour de congés : validé.")
            continue
        late = rng.random() < 0.1
        e_d = e_round + BD * (rng.uniform(2.3, 4) if late else rng.uniform(0.2, 2.2))
        if launched:
            e_d = min(e_d, e_launch - BH * rng.uniform(1, 3))
        elif pod is target[-1]:
            e_d = max(e_d, story.now_e + BH)  # an upcoming campaign: one pod still to answer
        if story.done(e_d):
            decide(pod, max(e_d, e_round + BH * 0.5), ReviewState.APPROVED, rng.choice(T.APPROVAL_NOTES))  # fmt: skip
        elif story.now_e > story.clock.e(row.due_at) + BH:
            row.reminded_at = story.at(story.clock.e(row.due_at) + rng.uniform(0.1, 0.5) * BH)
    if launched:
        _kit_and_debrief(story, rng, campaign, parts, theme, target, reps, brief, versions,
                         today=today, e_launch=e_launch, raters=raters, acceptance=acceptance)  # fmt: skip


def _committee(story: _Story, e: float) -> dt.datetime | None:
    """The marketing-sales committee after ``e``: the next Thursday at 10:00 (if it was held)."""
    day = story.at(e).astimezone(story.clock.zone).date() + dt.timedelta(days=1)
    while day.weekday() != 3:
        day += dt.timedelta(days=1)
    when = story.clock.day(day) + BH
    return story.at(when) if story.done(when) else None


def _kit_and_debrief(
    story: _Story,
    rng: random.Random,
    campaign: Campaign,
    parts: T.Parts,
    theme: T.Theme,
    target: list[Pod],
    reps: dict[int, list[int]],
    brief: dict[str, Any],
    versions: list[tuple[float, dict[str, Any]]],
    *,
    today: dt.date,
    e_launch: float,
    raters: list[int],
    acceptance: tuple[int, int] | None,
) -> None:
    ws = story.ws
    author = campaign.owner_id or story.manager
    # the kit, a few days before the launch (after the brief's last version)
    if rng.random() < 0.92:
        e_kit = max(e_launch - BD * rng.uniform(1, 3), versions[-1][0] + BH)
        objections = [*rng.sample(T.OBJECTIONS, rng.randint(2, 4)), theme.objection]
        faq = T.FAQ.get(campaign.channel, []) + T.FAQ_ALL
        kit = Kit(
            workspace=ws,
            campaign=campaign,
            talk_track=T.talk_track(parts, theme, brief["offer"]),
            objections=[{"q": q, "a": a} for q, a in objections],
            faq=[{"q": q, "a": a} for q, a in faq],
            version=1,
            updated_at=story.at(e_kit),
            updated_by_id=author,
            created_at=story.at(e_kit),
        )
        e_v2 = e_launch + BD * rng.uniform(2, 8)
        if rng.random() < 0.3 and story.done(e_v2):
            kit.version = 2
            kit.updated_at = story.at(e_v2)
            kit.faq = [*kit.faq, {"q": "Que répondre aux questions sur la v5 ?",
                                  "a": "Sortie au prochain trimestre ; démonstration possible "
                                       "sur rendez-vous avec l'avant-vente."}]  # fmt: skip
        story.kits.append(kit)
        slug = slug_of(campaign.name)
        assets = [("Support de présentation", f"https://intranet.example/campagnes/{slug}/support")]
        if rng.random() < 0.6:
            assets.append(
                ("Battle card Rivalis", "https://intranet.example/kit-commercial/rivalis")
            )
        for title, url in assets:
            story.assets.append(
                (KitAsset(workspace=ws, title=title, url=url, created_at=story.at(e_kit),
                          updated_at=story.at(e_kit), created_by_id=author), kit)
            )  # fmt: skip
        people = sorted({u for p in target for u in reps[p.pk]})
        for user in people:
            if rng.random() < 0.18:
                continue  # has not read it
            e_ack = e_kit + BD * rng.uniform(0.1, 3)
            if not story.done(e_ack):
                continue
            version = 1
            if kit.version == 2:
                e_re = e_v2 + BD * rng.uniform(0.2, 2)
                if e_ack > e_v2 or (rng.random() < 0.6 and story.done(e_re)):
                    e_ack, version = max(e_ack, e_re), 2
            story.acks.append(
                (KitAcknowledgement(workspace=ws, user_id=user, version=version,
                                    acknowledged_at=story.at(e_ack), created_at=story.at(e_ack),
                                    updated_at=story.at(e_ack)), kit)
            )  # fmt: skip

    # the debrief, opened the business day after the end date
    if campaign.end_date is None or campaign.end_date >= today:
        return
    e_open = story.clock.day(campaign.end_date + dt.timedelta(days=1))
    if not story.done(e_open):
        return
    debrief = Debrief(
        workspace=ws,
        campaign=campaign,
        opened_at=story.at(e_open),
        created_at=story.at(e_open),
        updated_at=story.at(e_open),
    )
    story.debriefs.append(debrief)
    n, sal = acceptance or (0, 0)
    rate = sal / n if n >= 3 else 0.5
    base = 2 if rate < 0.4 else 3 if rate < 0.52 else 4 if rate < 0.66 else 5
    ratings = []
    for rep in raters:
        if rng.random() < 0.15:
            continue
        e_rate = e_open + BD * rng.uniform(0.2, 6)
        if not story.done(e_rate):
            continue
        value = min(5, max(1, base + rng.choice([-1, 0, 0, 0, 1])))
        comment = T.POOR[campaign.channel] if value == 2 else rng.choice(T.RATING_COMMENTS[value])
        ratings.append(value)
        story.ratings.append(
            (LeadRating(workspace=ws, rep_id=rep, rating=value, comment=comment,
                        rated_at=story.at(e_rate), created_at=story.at(e_rate),
                        updated_at=story.at(e_rate)), debrief)
        )  # fmt: skip
    good = (sum(ratings) / len(ratings) if ratings else base) >= 3.5
    pct = round(100 * rate)
    e_mkt = e_open + BD * rng.uniform(1, 8)
    e_sales = e_open + BD * rng.uniform(1, 10)
    if story.done(e_mkt):
        pool = T.LESSONS_MARKETING_GOOD if good else T.LESSONS_MARKETING_POOR
        debrief.lessons_marketing = rng.choice(pool).format(rate=pct)
    if story.done(e_sales) and rng.random() < 0.88:  # else sales still owes its lessons
        pool = T.LESSONS_SALES_GOOD if good else T.LESSONS_SALES_POOR
        debrief.lessons_sales = rng.choice(pool)
    if debrief.lessons_marketing and debrief.lessons_sales:
        e_done = max(e_mkt, e_sales)
        debrief.completed_at = debrief.updated_at = story.at(e_done)
        debrief.discussed_at = _committee(story, e_done)
