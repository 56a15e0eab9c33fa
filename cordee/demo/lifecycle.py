"""A year of the demo company: accounts, contacts, and each lead's life (touches, stage
history, decisions, opportunities), simulated chunk by chunk of accounts."""

from __future__ import annotations

import bisect
import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cordee.crm.models import Channel
from cordee.demo import data as D
from cordee.demo.common import (
    CHANNELS,
    DAY,
    EARLIER_THRESHOLD,
    HOUR,
    INQUIRY_RULES,
    P_RECYCLE,
    P_REENGAGE,
    P_SAL_TO_SQL,
    P_WIN,
    SCORED_KINDS,
    Context,
    PodInfo,
    as_date,
    lead_score,
    lognormal,
    of_place,
    slug_of,
    threshold_at,
    to_ascii,
)
from cordee.funnel.models import (
    OpportunityStage,
    Stage,
    TouchKind,
    source_of_lead,
)
from cordee.funnel.stages import lead_state

# --------------------------------------------------------------------------- generation


@dataclass
class Chunk:
    accounts: list[tuple[Any, ...]] = field(default_factory=list)
    contacts: list[tuple[Any, ...]] = field(default_factory=list)
    leads: list[tuple[Any, ...]] = field(default_factory=list)
    history: list[tuple[Any, ...]] = field(default_factory=list)
    touches: list[tuple[Any, ...]] = field(default_factory=list)
    opps: list[tuple[Any, ...]] = field(default_factory=list)
    named: list[int] = field(default_factory=list)  # local account indexes


_REGION_NAMES = list(D.REGIONS)
_REGION_CUM = [float(sum(D.REGIONS[r][0] for r in _REGION_NAMES[: i + 1])) for i in range(len(_REGION_NAMES))]  # fmt: skip
_NORTH_EAST = {"Grand Est", "Hauts-de-France", "Bourgogne-Franche-Comté"}
_REGION_CUM_INDUSTRY = [
    float(sum(D.REGIONS[r][0] * (2.5 if r in _NORTH_EAST else 1.0) for r in _REGION_NAMES[: i + 1]))
    for i in range(len(_REGION_NAMES))
]
_INDUSTRY_NAMES = list(D.INDUSTRIES)
_INDUSTRY_CUM = [float(sum(D.INDUSTRIES[n][0] for n in _INDUSTRY_NAMES[: i + 1])) for i in range(len(_INDUSTRY_NAMES))]  # fmt: skip
_SIZE_CUM = [float(sum(s[1] for s in D.SIZE_BANDS[: i + 1])) for i in range(len(D.SIZE_BANDS))]
_LEADS_PER_ACCOUNT = [1, 1, 1, 2, 2, 3, 3, 4, 5, 6, 8]
_LOSS_CUM = [float(sum(w for _, w in D.LOSS_REASONS[: i + 1])) for i in range(len(D.LOSS_REASONS))]  # fmt: skip
_NURTURE_KINDS = [TouchKind.EMAIL_OPEN] * 9 + [TouchKind.EMAIL_CLICK] * 3 + [TouchKind.WEB_VISIT] * 6 + [TouchKind.CONTENT_DOWNLOAD] * 2  # fmt: skip
_PRE_COUNTS = [0, 1, 1, 2, 2, 3, 5]
# what a lead does on its way over the threshold (a white paper, a demo request, a click)
_CROSSING_KINDS = [TouchKind.CONTENT_DOWNLOAD] * 4 + [TouchKind.FORM_SUBMIT] * 4 + [TouchKind.EMAIL_CLICK] * 2  # fmt: skip
P_BY_HAND = 0.5  # of the MQLs the story means whose conversion fell short: qualified by hand
BY_HAND = "Qualifié à la main : demande explicite"


def pick(rng: random.Random, cum: list[float]) -> int:
    return bisect.bisect_left(cum, rng.random() * cum[-1])


def _pod_for(industry: str, region: str, size: str) -> str | None:
    if industry in ("Santé", "Services financiers", "Éducation"):
        return "Santé & Services"
    if industry in ("Industrie", "Agroalimentaire") and region in _NORTH_EAST:
        return "Industrie Grand Est"
    if size in ("1000-4999", "5000+") or (
        industry in ("Distribution", "Logistique", "BTP")
        and region in ("Île-de-France", "Auvergne-Rhône-Alpes")
    ):
        return "Grands comptes"
    return None


def _account_name(rng: random.Random, ctx: Context, industry: str, region: str, city: str) -> tuple[str, str]:  # fmt: skip
    patterns = D.INDUSTRIES[industry][1]
    base = ""
    for attempt in range(6):
        base = rng.choice(patterns).format(
            s=rng.choice(D.LAST_NAMES), c=city, de_c=of_place(city), a=D.REGION_ADJ_F[region]
        )
        if attempt >= 3:
            base = f"{base} {rng.choice(D.REGIONS[region][1])}"
        if attempt == 5:
            base = f"{base} {rng.randint(2, 999)}"
        slug = slug_of(base)
        if slug not in ctx.domains:
            ctx.domains.add(slug)
            legal = rng.choice(D.LEGAL_FORMS)
            return (f"{base} {legal}" if legal else base), f"{slug}.fr"
    n = 2
    while f"{slug}-{n}" in ctx.domains:
        n += 1
    ctx.domains.add(f"{slug}-{n}")
    return f"{base} {n}", f"{slug}-{n}.fr"


def generate_chunk(ctx: Context, chunk_no: int, n_accounts: int) -> Chunk:
    rng = random.Random(f"cordee-demo:{ctx.seed}:{chunk_no}")
    out = Chunk()
    now = ctx.now
    for a in range(n_accounts):
        industry = _INDUSTRY_NAMES[pick(rng, _INDUSTRY_CUM)]
        region_cum = (
            _REGION_CUM_INDUSTRY if industry in ("Industrie", "Agroalimentaire") else _REGION_CUM
        )
        region = _REGION_NAMES[pick(rng, region_cum)]
        city = rng.choice(D.REGIONS[region][1])
        size_i = pick(rng, _SIZE_CUM)
        size, deal = D.SIZE_BANDS[size_i][0], D.SIZE_BANDS[size_i][2]
        name, domain = _account_name(rng, ctx, industry, region, city)
        pod_name = _pod_for(industry, region, size)
        if (
            chunk_no == 0
            and len(out.named) < 12
            and size in ("1000-4999", "5000+")
            and industry in ("Distribution", "Logistique", "BTP", "Industrie", "Agroalimentaire")
        ):
            pod_name = "Grands comptes"
            out.named.append(a)
        pod = ctx.pods[pod_name] if pod_name else ctx.pool
        ae = rng.choice(pod.aes)
        n_leads = rng.choice(_LEADS_PER_ACCOUNT)
        first_ts = now
        used_local: set[str] = set()
        area = D.REGIONS[region][2]
        for _ in range(n_leads):
            female = rng.random() < 0.42
            first = rng.choice(D.FIRST_NAMES_F if female else D.FIRST_NAMES_M)
            last = rng.choice(D.LAST_NAMES)
            local = f"{to_ascii(first)}.{to_ascii(last)}"
            if local in used_local:
                local = f"{to_ascii(first)[0]}{to_ascii(last)}{len(used_local)}"
            used_local.add(local)
            title = rng.choice(D.JOB_TITLES)[1 if female else 0]
            phone = f"+33 {area if rng.random() < 0.6 else rng.choice('67')} " + " ".join(
                f"{rng.randint(0, 99):02d}" for _ in range(4)
            )
            c_idx = len(out.contacts)
            l_idx = len(out.leads)
            attributes = {"industry": industry, "size_band": size, "job_title": title}
            lead = _lifecycle(ctx, rng, out, c_idx, l_idx, a, pod, ae, deal, name, attributes)
            t0, owner = lead[0], lead[1]
            first_ts = min(first_ts, t0)
            out.contacts.append(
                (c_idx, a, first, last, f"{local}@{domain}", title, phone, owner, t0)
            )
        created = first_ts - rng.randint(1, 60) * DAY
        out.accounts.append((a, name, domain, industry, size, region, city, ae, created))
    return out


def _lifecycle(
    ctx: Context,
    rng: random.Random,
    out: Chunk,
    c_idx: int,
    l_idx: int,
    a_idx: int,
    pod: PodInfo,
    ae: int,
    deal: int,
    account_name: str,
    attributes: dict[str, str],
) -> tuple[int, int | None]:
    """One lead's life: touches, stage history, maybe an opportunity. Returns (t0, owner).

    The score rule promotes a lead at the instant its score (``lead_score``: the workspace's
    rules) first reaches the threshold in force then; a lead the story makes an MQL gets the
    touches that carry it there, a lead it leaves alone none that would. After RevOps raised the
    threshold the score rule itself promotes (``funnel._fresh_mqls``): the lifecycle stops there.
    """
    industry = attributes["industry"]
    now = ctx.now
    touches = out.touches
    history = out.history
    scored: list[tuple[str, int]] = []  # the lead's touches the scoring rules count
    ch = ctx.channels[pick(rng, ctx.channel_cum)]
    _, p_mql, p_acc = CHANNELS[ch]
    opts, cum = ctx.options[ch]
    opt = opts[pick(rng, cum)]
    camp = opt.campaign
    sdr = rng.choice(pod.sdrs)
    # Prospects write at any time of day (mostly daytime); an SDR's outbound lead is made at work.
    # A time after the load is drawn again (a clamp would heap those leads on the last hours).
    t0 = now + 1
    for _ in range(20):
        day = ctx.seasonal_day(rng) if opt.seasonal else ctx.seasonal_day(rng, opt.lo, opt.hi)
        t0 = ctx.day_ts(day) + rng.randint(5 * HOUR, 21 * HOUR)
        if ch == Channel.OUTBOUND:
            t0 = ctx.at_work(t0)
        if t0 <= now:
            break
    else:
        t0 = ctx.day_ts(rng.randint(0, max((now - ctx.day0) // DAY - 1, 0))) + 10 * HOUR

    def touch(kind: str, ts: int, campaign: int | None, actor: int | None = None, note: str = "") -> None:  # fmt: skip
        if actor is not None:  # a person's call, e-mail or meeting happens at work
            ts = ctx.at_work(ts)
        if ts <= now:
            channel = ctx.campaign_channel[campaign] if campaign else ""
            touches.append((c_idx, l_idx, campaign, channel, kind, ts, actor, note))
            if kind in SCORED_KINDS:
                scored.append((kind, ts))

    def first_crossing(start: int, end: int) -> int | None:
        """The first instant in start…end at which the score reaches the threshold in force: the
        score rises only at a touch (it decays in between), so one of the touches' instants."""
        for ts in sorted({t for _, t in scored if start <= t <= end}):
            if lead_score(attributes, scored, ts) >= threshold_at(ts, ctx.raised_at):
                return ts
        return None

    def cross(start: int, end: int) -> int:
        """Touches in the days before ``end`` until the score reaches the threshold; the first
        instant it does (a few demo requests at ``end`` always get there)."""
        lo = max(start, end - 4 * DAY)
        for i in range(100):
            kind = rng.choice(_CROSSING_KINDS) if i < 6 else TouchKind.FORM_SUBMIT
            ts = rng.randint(lo, end) if i < 6 else end
            if kind == TouchKind.EMAIL_CLICK:
                touch(kind, ts, ctx.nurture_campaign)
            else:
                note = "Demande de démo" if kind == TouchKind.FORM_SUBMIT else ""
                touch(kind, ts, ctx.seo_campaign, None, note)
            first = first_crossing(start, end)
            if first is not None:
                return first
        raise AssertionError("the score never reaches the threshold")  # pragma: no cover

    # Anonymous visits matched to the contact once known.
    for _ in range(rng.choice(_PRE_COUNTS)):
        ts = t0 - rng.randint(HOUR, 45 * DAY)
        if rng.random() < 0.7:
            touch(TouchKind.WEB_VISIT, ts, ctx.seo_campaign)
        else:
            touch(TouchKind.AD_CLICK, ts, camp if ch == Channel.LINKEDIN else ctx.sea_campaign)
    # The conversion itself.
    inquiry_actor: int | None = None
    if ch == Channel.OUTBOUND:
        inquiry_actor = sdr
        touch(TouchKind.SALES_EMAIL, t0 - 3 * DAY, camp, sdr, "Séquence de prospection — e-mail 1")
        touch(TouchKind.CALL, t0, camp, sdr, "Appel de prospection : intérêt confirmé")
    elif ch == Channel.EVENT:
        touch(TouchKind.EVENT_VISIT, t0, camp, None, "Rencontré sur le stand")
    elif ch == Channel.WEBINAR:
        touch(TouchKind.FORM_SUBMIT, t0, camp, None, "Inscription au webinar")
        if opt.key_day is not None and rng.random() < 0.55:
            touch(TouchKind.WEBINAR_ATTENDED, ctx.day_ts(opt.key_day) + 9 * HOUR, camp)
    elif ch in (Channel.SEA, Channel.LINKEDIN):
        touch(TouchKind.AD_CLICK, t0 - 120, camp)
        touch(TouchKind.FORM_SUBMIT, t0, camp, None, "Demande de démo" if rng.random() < 0.3 else "Livre blanc")  # fmt: skip
    elif ch == Channel.EMAILING:
        touch(TouchKind.EMAIL_CLICK, t0 - 300, camp)
        touch(TouchKind.FORM_SUBMIT, t0, camp)
    elif ch == Channel.SEO:
        touch(TouchKind.CONTENT_DOWNLOAD if rng.random() < 0.6 else TouchKind.FORM_SUBMIT, t0, camp)  # fmt: skip
    elif ch == Channel.PARTNER:
        touch(TouchKind.FORM_SUBMIT, t0, camp, None, "Recommandation partenaire")
    else:
        touch(TouchKind.FORM_SUBMIT, t0, None, None, "Recommandé par un client")

    first_step = len(history)
    history.append((l_idx, "", Stage.INQUIRY, t0, inquiry_actor, INQUIRY_RULES.get(ch, ""), ""))
    stage, at, owner = Stage.INQUIRY, t0, None
    mql_at: int | None = None
    recycle_on: dt.date | None = None

    def nurture(start: int, end: int, n: int, below: bool = False) -> None:
        """``n`` touches; ``below``: none that would carry the score to the threshold."""
        for _ in range(n):
            ts = rng.randint(start, max(start, end))
            kind = rng.choice(_NURTURE_KINDS)
            if below and kind in SCORED_KINDS:
                after = [(kind, ts), *scored]
                if any(
                    lead_score(attributes, after, t) >= EARLIER_THRESHOLD
                    for _, t in after
                    if t >= ts
                ):
                    continue
            c: int | None
            if kind in (TouchKind.EMAIL_OPEN, TouchKind.EMAIL_CLICK):
                today_bursts = ctx.emailing_by_day[min(max((ts - ctx.day0) // DAY, 0), ctx.days - 1)]  # fmt: skip
                c = rng.choice(today_bursts) if today_bursts and rng.random() < 0.3 else ctx.nurture_campaign  # fmt: skip
            else:
                c = ctx.seo_campaign if rng.random() < 0.6 else None
            touch(kind, ts, c)

    hand_raiser = ch in (Channel.OUTBOUND, Channel.PARTNER, Channel.REFERRAL, Channel.EVENT)
    # the conversion alone may carry the score over the threshold: the score rule promotes it;
    # the others are promoted at the rate that keeps the channel's inquiry→MQL rate (its share
    # of such leads so far, ``Context.crossing``, counted in the order the leads are made)
    crossing = first_crossing(t0, now)
    tally = ctx.crossing.setdefault(ch, [0, 0])
    tally[0] += crossing is not None
    tally[1] += 1
    at_once = tally[0] / tally[1]
    p_rest = max(p_mql - at_once, 0.0) / (1.0 - at_once) if at_once < 1.0 else 0.0
    if rng.random() >= p_rest and crossing is None:
        nurture(t0 + HOUR, t0 + 150 * DAY, rng.randint(2, 12), below=True)
    else:
        delay = rng.randint(HOUR, 2 * DAY) if hand_raiser else int(rng.expovariate(1 / (12 * DAY)))
        # when the story means the lead to be an MQL: an SDR's own outbound lead at work; else
        # the score rule at the first instant its score reaches the threshold by then
        t_want = ctx.at_work(t0 + delay) if ch == Channel.OUTBOUND else t0 + delay
        nurture(t0 + HOUR, t_want, rng.randint(0, 4) if not hand_raiser else 0)
        cycle, since = 0, t0
        while True:
            # → MQL
            actor: int | None = None
            rule = reason = ""
            t_mql = t_want
            if ch == Channel.OUTBOUND and cycle == 0:
                actor = sdr
                if t_mql > now:
                    break
            else:
                # a marketer may qualify it by hand on an explicit request, at work, before its
                # score gets there; else the score rule promotes it as soon as the score does
                hand_at = ctx.at_work(since + rng.randint(HOUR, 2 * DAY))
                if (
                    ctx.marketer_ids
                    and rng.random() < P_BY_HAND
                    and hand_at <= min(t_want, now)
                    and first_crossing(since, hand_at) is None
                ):
                    t_mql, actor, reason = hand_at, rng.choice(ctx.marketer_ids), BY_HAND
                else:
                    crossed = first_crossing(since, min(t_want, now))
                    if crossed is None and t_want > now:
                        break
                    t_mql = crossed if crossed is not None else cross(since, t_want)
                    if t_mql >= ctx.raised_at:
                        break  # the score rule itself promotes it (funnel._fresh_mqls)
                    rule = "Score ≥ 60 (règle de scoring)" if cycle == 0 else "Réengagement : score ≥ 60"  # fmt: skip
            history.append((l_idx, stage, Stage.MQL, t_mql, actor, rule, reason))
            stage, at, mql_at, owner, recycle_on = Stage.MQL, t_mql, t_mql, sdr, None
            t_dec = ctx.at_work(t_mql + int(lognormal(rng, 20 * HOUR, 0.9)))
            for _ in range(rng.randint(1, 4)):
                ts = rng.randint(t_mql + 600, max(t_mql + 900, t_dec))
                kind = TouchKind.CALL if rng.random() < 0.55 else TouchKind.SALES_EMAIL
                touch(kind, ts, None, sdr, "Premier contact" if kind == TouchKind.CALL else "")
            accepted = rng.random() < p_acc
            recycle = rng.random() < P_RECYCLE
            reengage = rng.random() < P_REENGAGE and cycle == 0
            if t_dec > now:
                break
            if accepted:
                history.append((l_idx, Stage.MQL, Stage.SAL, t_dec, sdr, "", "Besoin et périmètre confirmés"))  # fmt: skip
                stage, at = Stage.SAL, t_dec
                break
            if recycle:
                reason = rng.choice(D.RECYCLE_REASONS)
                history.append((l_idx, Stage.MQL, Stage.RECYCLED, t_dec, sdr, "", reason))
                stage, at = Stage.RECYCLED, t_dec
                recycle_on = as_date(t_dec + rng.randint(90, 180) * DAY)
                if not reengage:
                    break
                # back once it may be promoted again (its re-evaluation date, 2:00 UTC)
                since = (recycle_on.toordinal() - 719_163) * DAY + 2 * HOUR
                t_back = t_dec + rng.randint(60, 220) * DAY + rng.randint(-8 * HOUR, 8 * HOUR)
                t_back = max(t_back, since + rng.randint(HOUR, 30 * DAY))
                nurture(since, t_back, rng.randint(1, 4))
                t_want = t_back
                cycle += 1
                continue
            history.append((l_idx, Stage.MQL, Stage.DISQUALIFIED, t_dec, sdr, "", rng.choice(D.DISQUALIFY_REASONS)))  # fmt: skip
            stage, at = Stage.DISQUALIFIED, t_dec
            break

    if stage == Stage.SAL:
        t_sal = at
        t_sql = ctx.at_work(t_sal + int(lognormal(rng, 8 * DAY, 0.6)))
        touch(TouchKind.MEETING, t_sal + rng.randint(DAY, 6 * DAY), None, sdr, "Rendez-vous de découverte")  # fmt: skip
        qualified = rng.random() < P_SAL_TO_SQL
        recycle = rng.random() < P_RECYCLE
        if t_sql <= now:
            if qualified:
                history.append((l_idx, Stage.SAL, Stage.SQL, t_sql, ae, "", "Opportunité créée"))
                stage, at, owner = Stage.SQL, t_sql, ae
            elif recycle:
                history.append((l_idx, Stage.SAL, Stage.RECYCLED, t_sql, sdr, "", rng.choice(D.SAL_RECYCLE_REASONS)))  # fmt: skip
                stage, at = Stage.RECYCLED, t_sql
                recycle_on = as_date(t_sql + rng.randint(90, 180) * DAY)
            else:
                history.append((l_idx, Stage.SAL, Stage.DISQUALIFIED, t_sql, sdr, "", rng.choice(D.SAL_DISQUALIFY_REASONS)))  # fmt: skip
                stage, at = Stage.DISQUALIFIED, t_sql

    if stage == Stage.SQL:
        t_sql = at
        grands = pod.name == "Grands comptes"
        amount = lognormal(rng, deal * (1.3 if grands else 1.0), 0.55)  # not clipped
        cycle_days = min(max(lognormal(rng, 62, 0.5), 14.0), 300.0)
        t_close = ctx.at_work(t_sql + int(cycle_days * DAY))
        won = rng.random() < P_WIN["grands" if grands else "default"]
        loss = D.LOSS_REASONS[pick(rng, _LOSS_CUM)][0]
        for _ in range(rng.randint(1, 3)):
            ts = rng.randint(t_sql + DAY, max(t_sql + 2 * DAY, t_close - DAY))
            touch(TouchKind.MEETING, ts, None, ae, rng.choice(["Démonstration produit", "Atelier cadrage", "Présentation de la proposition", "Visite de site"]))  # fmt: skip
        for _ in range(rng.randint(1, 4)):
            ts = rng.randint(t_sql + HOUR, max(t_sql + 2 * HOUR, t_close))
            touch(TouchKind.SALES_EMAIL, ts, None, ae)
        for _ in range(rng.randint(0, 2)):
            ts = rng.randint(t_sql + HOUR, max(t_sql + 2 * HOUR, t_close))
            touch(TouchKind.CALL, ts, None, ae)
        if t_close <= now:
            opp_stage = OpportunityStage.WON if won else OpportunityStage.LOST
            if won:
                history.append((l_idx, Stage.SQL, Stage.WON, t_close, ae, "", "Contrat signé"))
            else:
                history.append((l_idx, Stage.SQL, Stage.LOST, t_close, ae, "", loss))
            stage, at = (Stage.WON if won else Stage.LOST), t_close
        else:
            frac = (now - t_sql) / max(t_close - t_sql, 1)
            opp_stage = (
                OpportunityStage.DISCOVERY
                if frac < 0.25
                else OpportunityStage.QUALIFICATION
                if frac < 0.5
                else OpportunityStage.PROPOSAL
                if frac < 0.8
                else OpportunityStage.NEGOTIATION
            )
        source = source_of_lead(ch, from_campaign=True)
        product = rng.choice(D.PRODUCTS_BY_INDUSTRY[industry])
        out.opps.append(
            (
                f"{account_name} — {product}",
                a_idx,
                l_idx,
                ae,
                Decimal(int(round(amount, -2))).quantize(Decimal("0.01")),
                opp_stage,
                as_date(t_sql),
                as_date(t_close),
                loss if opp_stage == OpportunityStage.LOST else "",
                source,
                camp,
                pod.id,
                t_sql,
            )
        )

    # the lead's state is what its history says, by the funnel's one rule (the simulation agrees)
    final, at, mql_at = lead_state((step[3], step[2]) for step in history[first_step:])
    stage = Stage(final)
    score = {
        Stage.INQUIRY: (5, 55),
        Stage.RECYCLED: (15, 45),
        Stage.DISQUALIFIED: (0, 30),
    }.get(stage, (60, 100))
    out.leads.append(
        (
            l_idx,
            c_idx,
            camp,
            ch,
            stage,
            at,
            mql_at,
            owner,
            pod.id,
            rng.randint(*score),
            recycle_on if stage == Stage.RECYCLED else None,
            t0,
        )
    )
    return t0, owner
