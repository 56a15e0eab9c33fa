"""What every part of the demo builder shares: the calendar of the simulation (times are
seconds from the epoch, working hours only), its rates, and the context of one build."""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
import unicodedata
from dataclasses import dataclass, field

from cordee.crm.models import Channel

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


def in_working_hours(ts: int) -> int:
    """Move a time into working hours (07:00–17:00 UTC, Monday–Friday), deterministically."""
    day, sec = divmod(ts, DAY)
    if sec < 7 * HOUR:
        sec = 7 * HOUR + sec % HOUR
    elif sec >= 17 * HOUR:
        day += 1
        sec = 7 * HOUR + sec % HOUR
    weekday = (day + 3) % 7  # 1970-01-01 was a Thursday
    if weekday == 5:
        day += 2
    elif weekday == 6:
        day += 1
    return day * DAY + sec


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

    def day_ts(self, day: int) -> int:
        return self.day0 + day * DAY

    def seasonal_day(self, rng: random.Random) -> int:
        return bisect.bisect_left(self.day_cum, rng.random() * self.day_cum[-1])
