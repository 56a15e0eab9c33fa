"""What every part of the demo builder shares: the calendar of the simulation (times are
seconds from the epoch, working hours only), its rates, and the context of one build."""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
import unicodedata
from dataclasses import dataclass, field

from cordee.analytics.scoring import EngagementRule, FitRule, score_lead
from cordee.core.business_time import BusinessCalendar
from cordee.crm.models import Channel
from cordee.funnel.models import TouchKind

DAY = 86_400
HOUR = 3_600
WINDOW_DAYS = 425  # ~14 months of history before today
UTC = dt.UTC

# size -> (accounts, accounts per chunk). ~3.2 leads per account, ~10 touchpoints per lead.
SIZES: dict[str, tuple[int, int]] = {
    "small": (700, 700),
    "large": (312_000, 6_000),
}

# channel -> (weight among inquiries, P(inquiry→MQL), P(MQL→SAL))
CHANNELS: dict[str, tuple[int, float, float]] = {
    Channel.SEO: (20, 0.30, 0.50),
    Channel.SEA: (14, 0.35, 0.55),
    Channel.LINKEDIN: (10, 0.30, 0.48),
    Channel.WEBINAR: (12, 0.45, 0.52),
    Channel.EMAILING: (9, 0.35, 0.45),
    Channel.EVENT: (9, 0.45, 0.58),
    Channel.PARTNER: (7, 0.60, 0.70),
    Channel.OUTBOUND: (12, 0.55, 0.68),
    Channel.REFERRAL: (4, 0.70, 0.75),
}
P_SAL_TO_SQL = 0.52
P_WIN = {"default": 0.27, "grands": 0.21}
P_RECYCLE = 0.6  # of rejections; the rest are disqualified
P_REENGAGE = 0.3  # of recycled leads that come back as MQL later
INQUIRY_RULES: dict[str, str] = {
    Channel.SEO: "Formulaire web (contenu)",
    Channel.SEA: "Formulaire web (Google Ads)",
    Channel.LINKEDIN: "Formulaire LinkedIn Lead Gen",
    Channel.WEBINAR: "Inscription webinar",
    Channel.EVENT: "Scan de badge salon",
    Channel.EMAILING: "Formulaire e-mailing",
    Channel.PARTNER: "Lead transmis par un partenaire",
    Channel.REFERRAL: "Recommandation client",
}
# The workspace's scoring rules (written by ``funnel.add_funnel_config``, followed by the lifecycle):
# fit — name, attribute, values, points; engagement — name, touch kind, points, half-life (days).
SCORING_FIT: list[tuple[str, str, list[str], int]] = [
    ("Industrie manufacturière", "industry", ["Industrie", "Agroalimentaire"], 25),
    ("ETI et grands groupes", "size_band", ["250-999", "1000-4999", "5000+"], 20),
    ("Décideur", "job_title", ["directeur", "directrice", "responsable", "DSI"], 15),
]
SCORING_ENGAGEMENT: list[tuple[str, str, int, int]] = [
    ("Webinaire suivi", TouchKind.WEBINAR_ATTENDED, 20, 30),
    ("Formulaire de contact", TouchKind.FORM_SUBMIT, 25, 45),
    ("Livre blanc téléchargé", TouchKind.CONTENT_DOWNLOAD, 10, 30),
    ("Rencontre sur un salon", TouchKind.EVENT_VISIT, 15, 60),
    ("Clic e-mailing", TouchKind.EMAIL_CLICK, 3, 14),
]
SCORED_KINDS = frozenset(kind for _, kind, _, _ in SCORING_ENGAGEMENT)
_FIT_RULES = [FitRule(0, n, attr, tuple(v), float(p)) for n, attr, v, p in SCORING_FIT]
_ENGAGEMENT_RULES = [EngagementRule(0, n, k, float(p), float(h)) for n, k, p, h in SCORING_ENGAGEMENT]  # fmt: skip
# The demo's scoring story: the MQL threshold was 60 all year; RevOps raised it to 70 a few
# working days before the load (``threshold_raised_at``).
EARLIER_THRESHOLD, THRESHOLD = 60, 70


def lead_score(attributes: dict[str, str], touches: list[tuple[str, int]], at: int) -> int:
    """A lead's score at ``at`` under the rules above, by the funnel's own scoring function."""
    return score_lead(
        attributes=attributes,
        touches=[(kind, as_datetime(ts)) for kind, ts in touches if ts <= at],
        fit_rules=_FIT_RULES,
        engagement_rules=_ENGAGEMENT_RULES,
        now=as_datetime(at),
    ).total


def threshold_raised_at(now: int, zone: dt.tzinfo) -> int:
    """10:00 on the working day three days before the load, in the workspace's time zone: when
    RevOps raised the threshold from 60 to 70 (before the last days' queue of MQLs)."""
    day = as_datetime(now).astimezone(zone).date() - dt.timedelta(days=3)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return int(dt.datetime.combine(day, dt.time(10), tzinfo=zone).timestamp())


def threshold_at(ts: int, raised_at: int) -> int:
    """The MQL threshold in force at ``ts``."""
    return EARLIER_THRESHOLD if ts < raised_at else THRESHOLD


MONTHS_FR = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
    "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip


# --------------------------------------------------------------------------- helpers


def to_ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in text.lower() if ch.isalnum() or ch == "-")


def slug_of(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    out = "".join(ch if ch.isalnum() else "-" for ch in text)
    return "-".join(part for part in out.split("-") if part)


SPREAD = 15 * 60  # people start a little early and finish a little late


class WorkHours:
    """When the company's people act: the workspace calendar's working windows (time zone,
    lunch break, working days, public holidays), with a small spread either side.

    ``at(ts)`` is the first time at or after ``ts`` when someone is at work: ``ts`` itself when
    it falls in a window (± ``SPREAD``), otherwise a moment early in the next window, chosen from
    ``ts`` itself (deterministic, no random draw). ``at(ts) >= ts`` always, so a chain of steps
    stays in order.
    """

    def __init__(self, calendar: BusinessCalendar, first: dt.date, last: dt.date) -> None:
        bounds = calendar.intervals(first, last)
        self.starts: list[int] = [int(s) for s in bounds[:, 0]]
        self.ends: list[int] = [int(e) for e in bounds[:, 1]]

    def at(self, ts: int) -> int:
        i = bisect.bisect_right(self.ends, ts - SPREAD)  # first window not over by ts
        if i >= len(self.starts):
            return ts
        start, end = self.starts[i], self.ends[i]
        if ts >= start - SPREAD:
            return ts
        # catching up at the next opening: within the window's first two hours
        return start - SPREAD + ts % (SPREAD + min(end - start, 2 * HOUR))

    def by(self, ts: int, limit: int) -> int | None:
        """``at(ts)`` if that is no later than ``limit`` (e.g. the load), else None: not yet."""
        moved = self.at(ts)
        return moved if moved <= limit else None


_VOWELS = "AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜaeiouyàâäéèêëîïôöùûü"


def of_place(name: str) -> str:
    """French "de" + a place name, elided and contracted: « d'Arras », « d'Épinal »,
    « du Havre », « des Andelys », « de Lyon »."""
    if name.startswith("Le "):
        return f"du {name[3:]}"
    if name.startswith("Les "):
        return f"des {name[4:]}"
    if name[:1] in _VOWELS:
        return f"d'{name}"
    return f"de {name}"


def lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


def as_datetime(ts: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, UTC)


def as_date(ts: int) -> dt.date:
    return dt.date.fromordinal(ts // DAY + 719_163)  # 719_163 = date(1970, 1, 1).toordinal()


# --------------------------------------------------------------------------- context


@dataclass
class PodInfo:
    id: int | None
    name: str
    sdrs: list[int]
    aes: list[int]


@dataclass
class Option:
    campaign: int | None
    lo: int  # day index range in which the lead's inquiry falls (None bounds: seasonal pick)
    hi: int
    seasonal: bool
    key_day: int | None = None  # webinar day (for the "attended" touch)


@dataclass
class Context:
    workspace_id: int
    seed: int
    now: int
    day0: int  # midnight UTC of the window's first day
    days: int
    day_cum: list[float]
    channels: list[str]
    channel_cum: list[float]
    options: dict[str, tuple[list[Option], list[float]]]
    seo_campaign: int
    sea_campaign: int
    nurture_campaign: int
    emailing_by_day: list[list[int]]
    campaign_channel: dict[int, str]
    pods: dict[str, PodInfo]
    pool: PodInfo
    marketer_ids: list[int]
    domains: set[str] = field(default_factory=set)
    named_pod_accounts: list[int] = field(default_factory=list)  # filled by chunk 0
    work: WorkHours | None = None
    raised_at: int = 0  # when the threshold went from 60 to 70 (``threshold_raised_at``)
    # channel -> [leads whose conversion alone reached the threshold, leads] so far
    crossing: dict[str, list[int]] = field(default_factory=dict)

    def at_work(self, ts: int) -> int:
        """``ts``, or the next moment someone is at work (see ``WorkHours``)."""
        assert self.work is not None
        return self.work.at(ts)

    def day_ts(self, day: int) -> int:
        return self.day0 + day * DAY

    def seasonal_day(self, rng: random.Random, lo: int = 0, hi: int | None = None) -> int:
        """A day in ``lo``…``hi`` (default: the whole window), drawn by the season's weights."""
        hi = self.days - 1 if hi is None else hi
        base = self.day_cum[lo - 1] if lo > 0 else 0.0
        day = bisect.bisect_left(self.day_cum, base + rng.random() * (self.day_cum[hi] - base))
        return min(max(day, lo), hi)
