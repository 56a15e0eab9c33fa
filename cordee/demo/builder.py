"""Build the demo workspace.

Everything is drawn from ``random.Random`` seeded by ``--seed`` (one generator per chunk of
accounts, so a chunk's content does not depend on how the chunks before it were written).
Times are offsets from "now", so the demo always looks current while its rates stay put.

Rows are generated per chunk of accounts (an account, its contacts, their leads with their
whole stage history, touchpoints and opportunities), as plain tuples, then written in bulk:
``bulk_create`` with big batches, or PostgreSQL ``COPY`` for the large size. Primary keys are
reserved up front (a sequence range on PostgreSQL, past the highest id elsewhere) so children
can point at parents without a round trip per row.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import math
import random
import time
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TextIO

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models.deletion import Collector

from cordee.attribution.periods import fiscal_periods
from cordee.attribution.services import snapshot_compute
from cordee.crm.models import Account, Campaign, CampaignStatus, Channel, Contact
from cordee.demo import (
    DEMO_EMAIL_DOMAIN,
    DEMO_LOADING_SLUG,
    DEMO_LOGIN_PEOPLE,
    DEMO_NAME,
    DEMO_PASSWORD,
    DEMO_SLUG,
)
from cordee.demo import data as D
from cordee.demo.feedback import add_feedback
from cordee.demo.funnel import add_funnel_config
from cordee.funnel.models import (
    SALES_ACTIVITY_KINDS,
    Lead,
    LeadStageChange,
    Opportunity,
    OpportunitySource,
    OpportunityStage,
    Stage,
    TouchKind,
    Touchpoint,
)
from cordee.funnel.stages import lead_state
from cordee.people.models import Pod, PodMember
from cordee.tenancy.models import Membership, Team, User, Workspace

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


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in text.lower() if ch.isalnum() or ch == "-")


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    out = "".join(ch if ch.isalnum() else "-" for ch in text)
    return "-".join(part for part in out.split("-") if part)


def _biz(ts: int) -> int:
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


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


def _dt(ts: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, UTC)


def _date(ts: int) -> dt.date:
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


# --------------------------------------------------------------------------- writers


def _concrete_columns(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _extras(
    model: type[models.Model], columns: Sequence[str], *, prep: bool
) -> tuple[list[str], list[Any]]:
    """Fields the generator does not fill (added to the model later): their defaults.

    Keeps the demo loading when a column with a default or NULL is added to a model.
    """
    cols: list[str] = []
    vals: list[Any] = []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.attname in columns:
            continue
        if not f.has_default() and not f.null:
            raise RuntimeError(
                f"The demo does not fill {model.__name__}.{f.name}, which has no default."
            )
        value = f.get_default()
        cols.append(f.attname)
        vals.append(f.get_db_prep_save(value, connection) if prep else value)
    return cols, vals


class Writer(ABC):
    """Writes plain tuples (columns in the order given) to a model's table."""

    def reserve_ids(self, model: type[models.Model], n: int) -> list[int]:
        if n == 0:
            return []
        table = model._meta.db_table
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, n],
                )
                return [row[0] for row in cur.fetchall()]
            qn = connection.ops.quote_name(table)
            cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {qn}")
            start = cur.fetchone()[0]
            if connection.vendor == "sqlite":
                cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cur.fetchone()
                if row and row[0] and row[0] > start:
                    start = row[0]
        return list(range(start + 1, start + 1 + n))

    @abstractmethod
    def write(
        self, model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> None:
        """Insert ``rows`` (tuples in ``columns`` order) into ``model``'s table."""


class OrmWriter(Writer):
    """``bulk_create`` in big batches (every database)."""

    batch_size = 5_000

    def write(
        self, model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> None:
        extra_cols, extra_vals = _extras(model, columns, prep=False)
        cols = [*columns, *extra_cols]
        objs = [model(**dict(zip(cols, (*row, *extra_vals), strict=True))) for row in rows]
        for start in range(0, len(objs), self.batch_size):
            model.objects.bulk_create(objs[start : start + self.batch_size])  # type: ignore[attr-defined]


class CopyWriter(Writer):
    """PostgreSQL ``COPY … FROM STDIN`` through psycopg 3."""

    def write(
        self, model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> None:
        if not rows:
            return
        meta = model._meta
        extra_cols, extra_vals = _extras(model, columns, prep=True)
        names = ", ".join(
            connection.ops.quote_name(str(getattr(meta.get_field(c), "column", c)))
            for c in [*columns, *extra_cols]
        )
        connection.ensure_connection()
        raw = connection.connection
        assert raw is not None
        with (
            raw.cursor() as cur,
            cur.copy(f"COPY {connection.ops.quote_name(meta.db_table)} ({names}) FROM STDIN") as cp,
        ):
            if extra_vals:
                for row in rows:
                    cp.write_row((*row, *extra_vals))
            else:
                for row in rows:
                    cp.write_row(row)


@contextlib.contextmanager
def _explicit_timestamps() -> Iterator[None]:
    """Let ``bulk_create`` keep the ``created_at``/``updated_at`` we set (history dates).

    ``auto_now``/``auto_now_add`` overwrite them on insert; they are switched off for the
    duration of the build, in this process only, and restored afterwards.
    """
    saved: list[tuple[models.DateTimeField, bool, bool]] = []
    for model in (Account, Contact, Campaign, Lead, Touchpoint, Opportunity):
        for name in ("created_at", "updated_at"):
            f = model._meta.get_field(name)
            assert isinstance(f, models.DateTimeField)
            saved.append((f, f.auto_now, f.auto_now_add))
            f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


# --------------------------------------------------------------------------- progress


class Progress:
    """A one-line progress bar on stderr: accounts done/total, rows written, rate, ETA."""

    def __init__(self, total_accounts: int, stream: TextIO | None) -> None:
        self.total = total_accounts
        self.stream = stream
        self.started = time.monotonic()
        self.last = 0.0
        self.rows = 0
        self.leads = 0
        self.touches = 0

    def update(self, accounts_done: int, *, force: bool = False) -> None:
        if self.stream is None:
            return
        now = time.monotonic()
        if not force and now - self.last < 0.5:
            return
        self.last = now
        elapsed = max(now - self.started, 1e-6)
        frac = accounts_done / self.total if self.total else 1.0
        eta = elapsed * (1 - frac) / frac if frac > 0 else 0.0
        bar = "#" * int(frac * 30)
        self.stream.write(
            f"\r[{bar:<30}] {frac:6.1%}  accounts {accounts_done:,}/{self.total:,}  "
            f"leads {self.leads:,}  touchpoints {self.touches:,}  rows {self.rows:,}  "
            f"{self.rows / elapsed:,.0f} rows/s  ETA {eta:,.0f} s "
        )
        self.stream.flush()

    def finish(self) -> None:
        if self.stream is not None:
            self.update(self.total, force=True)
            self.stream.write("\n")
            self.stream.flush()


# --------------------------------------------------------------------------- result


@dataclass
class BuildResult:
    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    workspace_id: int | None = None


# --------------------------------------------------------------------------- delete


def _delete_in_batches(qs: models.QuerySet[Any], batch: int = 20_000) -> None:
    collector = Collector(using=qs.db, origin=qs)
    if collector.can_fast_delete(qs):
        qs.delete()
        return
    model = qs.model
    while True:
        ids = list(qs.order_by().values_list("id", flat=True)[:batch])
        if not ids:
            return
        model.objects.filter(id__in=ids).delete()


def delete_workspace(slug: str) -> bool:
    """Delete a demo workspace with everything in it, big tables first, in batches."""
    ws = Workspace.objects.filter(slug=slug).first()
    if ws is None:
        return False
    with transaction.atomic():
        Pod.named_accounts.through.objects.filter(pod__workspace=ws).delete()
        for model in (Touchpoint, LeadStageChange, Opportunity, Lead, Contact, Campaign, Account):
            _delete_in_batches(model.objects.filter(workspace=ws))  # type: ignore[attr-defined]
        user_ids = list(Membership.objects.filter(workspace=ws).values_list("user_id", flat=True))
        ws.delete()
        # Demo people who belong nowhere else go with their workspace.
        User.objects.filter(
            id__in=user_ids, email__endswith=f"@{DEMO_EMAIL_DOMAIN}", memberships__isnull=True
        ).delete()
    return True


# --------------------------------------------------------------------------- set-up


def _staff() -> list[tuple[str, str, str, str]]:
    """(email, role, first, last) for everybody at Altitude Logiciels."""
    people = [(email, role, first, last) for _, email, role, first, last in DEMO_LOGIN_PEOPLE]
    for first, last, role in [
        ("Léa", "Garnier", "marketer"),
        ("Nicolas", "Perrin", "marketer"),
        ("Inès", "Benali", "marketer"),
        ("Camille", "Roux", "sdr"),
        ("Théo", "Marchand", "sdr"),
        ("Antoine", "Girard", "sales_rep"),
        ("Sarah", "Lambert", "sales_rep"),
        ("Olivier", "Chevalier", "sales_rep"),
    ]:
        people.append((f"{_ascii(first)}.{_ascii(last)}@{DEMO_EMAIL_DOMAIN}", role, first, last))
    return people


POD_SPECS = [
    (
        "Industrie Grand Est",
        "Gagner et fidéliser les PME et ETI industrielles et agroalimentaires du Grand Est, "
        "des Hauts-de-France et de Bourgogne-Franche-Comté.",
        ["Industrie", "Agroalimentaire"],
        ["Grand Est", "Hauts-de-France", "Bourgogne-Franche-Comté"],
        # (e-mail, is pod lead)
        [
            ("hugo.marketing@demo.cordee.fr", False),
            ("yanis.sdr@demo.cordee.fr", False),
            ("julie.ventes@demo.cordee.fr", True),
            ("antoine.girard@demo.cordee.fr", False),
        ],
    ),
    (
        "Santé & Services",
        "Établissements de santé, services financiers et éducation : GMAO biomédicale, "
        "qualité et gestion de patrimoine, partout en France.",
        ["Santé", "Services financiers", "Éducation"],
        [],
        [
            ("ines.benali@demo.cordee.fr", False),
            ("camille.roux@demo.cordee.fr", False),
            ("sarah.lambert@demo.cordee.fr", True),
        ],
    ),
    (
        "Grands comptes",
        "Comptes nommés et ETI multi-sites de la distribution, de la logistique et du BTP "
        "(Île-de-France, Auvergne-Rhône-Alpes) : approche ABM commune marketing-ventes.",
        ["Distribution", "Logistique", "BTP"],
        ["Île-de-France", "Auvergne-Rhône-Alpes"],
        [
            ("nicolas.perrin@demo.cordee.fr", True),
            ("lea.garnier@demo.cordee.fr", False),
            ("theo.marchand@demo.cordee.fr", False),
            ("olivier.chevalier@demo.cordee.fr", False),
        ],
    ),
]


def _second_tuesday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    offset = (1 - first.weekday()) % 7
    return first + dt.timedelta(days=offset + 7)


def _campaign_rows(
    rng: random.Random, today: dt.date, owners: dict[str, int]
) -> list[dict[str, Any]]:
    """~45 campaigns over the window, with statuses consistent with their dates."""
    start = today - dt.timedelta(days=WINDOW_DAYS)
    horizon = today + dt.timedelta(days=75)
    rows: list[dict[str, Any]] = []

    def add(
        name: str,
        channel: str,
        ctype: str,
        begin: dt.date,
        end: dt.date | None,
        budget: int,
        owner: str,
        *,
        key: dt.date | None = None,
        lead_days: tuple[dt.date, dt.date] | None = None,
        status: str | None = None,
    ) -> None:
        if status is None:
            if begin > today:
                status = CampaignStatus.PLANNED
            elif end is None or end >= today:
                status = CampaignStatus.ACTIVE
            else:
                status = CampaignStatus.COMPLETED
        rows.append(
            {
                "name": name,
                "channel": channel,
                "type": ctype,
                "start_date": begin,
                "end_date": end,
                "budget": Decimal(budget).quantize(Decimal("0.01")),
                "owner_id": owners[owner],
                "status": status,
                "key": key,
                "lead_days": lead_days if status != CampaignStatus.CANCELLED else None,
                "always_on": end is None,
            }
        )

    mm, mk, nico, ines, lea, marc = (
        "claire.marketing",
        "hugo.marketing",
        "nicolas.perrin",
        "ines.benali",
        "lea.garnier",
        "marc.ventes",
    )
    long_ago = start - dt.timedelta(days=200)
    add("SEO — Blog et guides pratiques", Channel.SEO, "Référencement naturel", long_ago, None, 36_000, lea)  # fmt: skip
    add("SEA — Google Ads marque et génériques", Channel.SEA, "Google Ads", long_ago, None, 96_000, mm)  # fmt: skip
    add("Nurturing — Parcours e-mail prospects", Channel.EMAILING, "Marketing automation", long_ago, None, 9_600, ines)  # fmt: skip
    add("Programme partenaires intégrateurs", Channel.PARTNER, "Programme partenaires", long_ago, None, 30_000, mm)  # fmt: skip

    # Webinars: second Tuesday of every month but August.
    y, m = start.year, start.month
    while (y, m) <= (horizon.year, horizon.month):
        day = _second_tuesday(y, m)
        if m != 8 and start + dt.timedelta(days=21) <= day <= horizon:
            topic = D.WEBINAR_TOPICS[(y * 12 + m) % len(D.WEBINAR_TOPICS)]
            owner = [mk, ines, nico, lea][(y * 12 + m) % 4]
            add(
                f"Webinar {MONTHS_FR[m - 1]} {y} — {topic}",
                Channel.WEBINAR,
                "Webinar",
                day - dt.timedelta(days=21),
                day + dt.timedelta(days=14),
                rng.randrange(1_500, 4_500, 100),
                owner,
                key=day,
                lead_days=(day - dt.timedelta(days=21), day),
            )
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)

    # Trade shows, on their usual month.
    for year in range(start.year, horizon.year + 1):
        for month, dom, length, name, city in D.EVENTS:
            day = dt.date(year, month, dom)
            if not (start + dt.timedelta(days=10) <= day <= horizon):
                continue
            last = day + dt.timedelta(days=length - 1)
            owner = ines if "Santé" in name or "SantExpo" in name else (nico if "Supply" in name or "SITL" in name else mk)  # fmt: skip
            add(
                f"{name} {year} — {city}",
                Channel.EVENT,
                "Salon professionnel" if "Altitude" not in name else "Événement clients",
                day - dt.timedelta(days=21),
                last + dt.timedelta(days=14),
                rng.randrange(12_000, 45_000, 500),
                owner,
                key=day,
                lead_days=(day, last + dt.timedelta(days=3)),
            )
    cancelled = start + dt.timedelta(days=150)
    add(
        f"Préventica {cancelled.year} — Lyon",
        Channel.EVENT,
        "Salon professionnel",
        cancelled,
        cancelled + dt.timedelta(days=2),
        0,
        mk,
        status=CampaignStatus.CANCELLED,
    )

    def bursts(names: list[str], channel: str, ctype: str, first: int, every: int, length: int, lo: int, hi: int, owner: list[str]) -> None:  # fmt: skip
        for i, name in enumerate(names):
            begin = start + dt.timedelta(days=first + i * every)
            end = begin + dt.timedelta(days=length)
            add(
                name,
                channel,
                ctype,
                begin,
                end,
                rng.randrange(lo, hi, 100),
                owner[i % len(owner)],
                lead_days=(begin, end),
            )

    bursts(D.LINKEDIN_CAMPAIGNS, Channel.LINKEDIN, "LinkedIn Ads", 30, 82, 56, 8_000, 16_000, [nico, mk, ines])  # fmt: skip
    bursts(D.EMAILING_CAMPAIGNS, Channel.EMAILING, "Campagne e-mail", 20, 85, 21, 1_500, 4_000, [ines, lea])  # fmt: skip
    bursts(D.OUTBOUND_CAMPAIGNS, Channel.OUTBOUND, "Séquence outbound", 45, 95, 60, 3_000, 6_500, [marc])  # fmt: skip
    bursts(D.PARTNER_CAMPAIGNS, Channel.PARTNER, "Co-marketing partenaire", 120, 160, 30, 4_000, 9_000, [mm])  # fmt: skip
    return rows


def _setup(
    rng: random.Random, writer: Writer, today: dt.date, now: int, seed: int
) -> tuple[Workspace, Context]:
    ws = Workspace.objects.create(
        name=DEMO_NAME,
        slug=DEMO_LOADING_SLUG,
        currency="EUR",
        time_zone="Europe/Paris",
        country="FR",
        default_language="fr",
    )
    # People: one password hash for all (hashing is deliberately slow).
    password = make_password(DEMO_PASSWORD)
    staff = _staff()
    existing = {u.email: u for u in User.objects.filter(email__in=[s[0] for s in staff])}
    if existing:
        User.objects.filter(id__in=[u.id for u in existing.values()]).update(password=password)
    User.objects.bulk_create(
        [
            User(email=email, first_name=first, last_name=last, password=password, language="fr")
            for email, _, first, last in staff
            if email not in existing
        ]
    )
    users = {u.email: u for u in User.objects.filter(email__in=[s[0] for s in staff])}
    by_local = {email.split("@")[0]: users[email].pk for email, *_ in staff}
    role_of = {email: role for email, role, *_ in staff}

    marketing = Team(
        workspace=ws,
        name="Marketing",
        side="marketing",
        manager=users["claire.marketing@demo.cordee.fr"],
    )
    sales = Team(
        workspace=ws, name="Ventes", side="sales", manager=users["marc.ventes@demo.cordee.fr"]
    )
    Team.objects.bulk_create([marketing, sales])
    Membership.objects.bulk_create(
        [
            Membership(
                workspace=ws,
                user=users[email],
                role=role,
                team=(
                    marketing
                    if role in ("marketer", "marketing_manager")
                    else sales
                    if role in ("sdr", "sales_rep", "sales_manager")
                    else None
                ),
            )
            for email, role, *_ in staff
        ]
    )
    pods = [
        Pod(workspace=ws, name=name, mission=mission, industries=inds, regions=regs)
        for name, mission, inds, regs, _ in POD_SPECS
    ]
    Pod.objects.bulk_create(pods)
    PodMember.objects.bulk_create(
        [
            PodMember(pod=pod, user=users[email], is_lead=lead)
            for pod, spec in zip(pods, POD_SPECS, strict=True)
            for email, lead in spec[4]
        ]
    )
    pod_infos = {}
    for pod, spec in zip(pods, POD_SPECS, strict=True):
        members = [email for email, _ in spec[4]]
        pod_infos[pod.name] = PodInfo(
            id=pod.pk,
            name=pod.name,
            sdrs=[users[e].pk for e in members if role_of[e] == "sdr"],
            aes=[users[e].pk for e in members if role_of[e] == "sales_rep"],
        )
    pool = PodInfo(
        id=None,
        name="",
        sdrs=[users[e].pk for e in users if role_of[e] == "sdr"],
        aes=[users[e].pk for e in users if role_of[e] == "sales_rep"],
    )

    # Campaigns
    specs = _campaign_rows(rng, today, by_local)
    camp_objs = []
    for cspec in specs:
        created = dt.datetime.combine(
            cspec["start_date"] - dt.timedelta(days=20), dt.time(9), tzinfo=UTC
        )
        camp_objs.append(
            Campaign(
                workspace=ws,
                name=cspec["name"],
                channel=cspec["channel"],
                type=cspec["type"],
                start_date=cspec["start_date"],
                end_date=cspec["end_date"],
                budget=cspec["budget"],
                owner_id=cspec["owner_id"],
                status=cspec["status"],
                created_at=created,
                updated_at=created,
            )
        )
    ids = writer.reserve_ids(Campaign, len(camp_objs))
    for obj, pk in zip(camp_objs, ids, strict=True):
        obj.pk = pk
    Campaign.objects.bulk_create(camp_objs)

    # Where each channel's inquiries come from.
    day0_date = today - dt.timedelta(days=WINDOW_DAYS)
    day0 = (day0_date.toordinal() - 719_163) * DAY
    days = WINDOW_DAYS + 1

    def idx(d: dt.date) -> int:
        return (d - day0_date).days

    options: dict[str, tuple[list[Option], list[float]]] = {}
    always: dict[str, int] = {}
    emailing_by_day: list[list[int]] = [[] for _ in range(days)]
    campaign_channel: dict[int, str] = {}
    for cspec, obj in zip(specs, camp_objs, strict=True):
        campaign_channel[obj.pk] = cspec["channel"]
        opts, weights = options.setdefault(cspec["channel"], ([], []))
        if cspec["always_on"]:
            always[cspec["channel"]] = obj.pk
            opts.append(Option(obj.pk, 0, days - 1, True))
            weights.append(days * 1.5)
            continue
        if cspec["lead_days"] is None:
            continue
        lo, hi = (max(0, idx(d)) for d in cspec["lead_days"])
        hi = min(hi, days - 1)
        if lo > hi or lo >= days:
            continue
        key = idx(cspec["key"]) if cspec["key"] else None
        opts.append(Option(obj.pk, lo, hi, False, key))
        weights.append(float(hi - lo + 1))
        if cspec["channel"] == Channel.EMAILING:
            for d in range(lo, hi + 1):
                emailing_by_day[d].append(obj.pk)
    options[Channel.REFERRAL] = ([Option(None, 0, days - 1, True)], [1.0])
    cum_options = {}
    for ch, (opts, weights) in options.items():
        cum, total = [], 0.0
        for w in weights:
            total += w
            cum.append(total)
        cum_options[ch] = (opts, cum)
    channels = [ch for ch in CHANNELS if ch in cum_options and cum_options[ch][0]]
    channel_cum, total = [], 0.0
    for ch in channels:
        total += CHANNELS[ch][0]
        channel_cum.append(total)

    # Seasonality: quiet August and Christmas, fewer leads at weekends, steady growth.
    month_factor = {8: 0.45, 12: 0.75, 7: 0.85, 1: 1.05, 9: 1.15, 10: 1.1}
    day_cum, total = [], 0.0
    for d in range(days):
        date = day0_date + dt.timedelta(days=d)
        w = month_factor.get(date.month, 1.0) * (0.8 + 0.4 * d / days)
        if date.weekday() >= 5:
            w *= 0.1
        total += w
        day_cum.append(total)

    ctx = Context(
        workspace_id=ws.pk,
        seed=seed,
        now=now,
        day0=day0,
        days=days,
        day_cum=day_cum,
        channels=channels,
        channel_cum=channel_cum,
        options=cum_options,
        seo_campaign=always[Channel.SEO],
        sea_campaign=always[Channel.SEA],
        nurture_campaign=always[Channel.EMAILING],
        emailing_by_day=emailing_by_day,
        campaign_channel=campaign_channel,
        pods=pod_infos,
        pool=pool,
        marketer_ids=[users[e].pk for e in users if role_of[e] == "marketer"],
    )
    return ws, ctx


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


def _pick(rng: random.Random, cum: list[float]) -> int:
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
            s=rng.choice(D.LAST_NAMES), c=city, a=D.REGION_ADJ_F[region]
        )
        if attempt >= 3:
            base = f"{base} {rng.choice(D.REGIONS[region][1])}"
        if attempt == 5:
            base = f"{base} {rng.randint(2, 999)}"
        slug = _slug(base)
        if slug not in ctx.domains:
            ctx.domains.add(slug)
            legal = rng.choice(D.LEGAL_FORMS)
            return (f"{base} {legal}" if legal else base), f"{slug}.fr"
    n = 2
    while f"{slug}-{n}" in ctx.domains:
        n += 1
    ctx.domains.add(f"{slug}-{n}")
    return f"{base} {n}", f"{slug}-{n}.fr"


def _generate_chunk(ctx: Context, chunk_no: int, n_accounts: int) -> Chunk:
    rng = random.Random(f"cordee-demo:{ctx.seed}:{chunk_no}")
    out = Chunk()
    now = ctx.now
    for a in range(n_accounts):
        industry = _INDUSTRY_NAMES[_pick(rng, _INDUSTRY_CUM)]
        region_cum = (
            _REGION_CUM_INDUSTRY if industry in ("Industrie", "Agroalimentaire") else _REGION_CUM
        )
        region = _REGION_NAMES[_pick(rng, region_cum)]
        city = rng.choice(D.REGIONS[region][1])
        size_i = _pick(rng, _SIZE_CUM)
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
            local = f"{_ascii(first)}.{_ascii(last)}"
            if local in used_local:
                local = f"{_ascii(first)[0]}{_ascii(last)}{len(used_local)}"
            used_local.add(local)
            title = rng.choice(D.JOB_TITLES)[1 if female else 0]
            phone = f"+33 {area if rng.random() < 0.6 else rng.choice('67')} " + " ".join(
                f"{rng.randint(0, 99):02d}" for _ in range(4)
            )
            c_idx = len(out.contacts)
            l_idx = len(out.leads)
            lead = _lifecycle(ctx, rng, out, c_idx, l_idx, a, pod, ae, deal, name, industry)
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
    industry: str,
) -> tuple[int, int | None]:
    """One lead's life: touches, stage history, maybe an opportunity. Returns (t0, owner)."""
    now = ctx.now
    touches = out.touches
    history = out.history
    ch = ctx.channels[_pick(rng, ctx.channel_cum)]
    _, p_mql, p_acc = CHANNELS[ch]
    opts, cum = ctx.options[ch]
    opt = opts[_pick(rng, cum)]
    day = ctx.seasonal_day(rng) if opt.seasonal else rng.randint(opt.lo, opt.hi)
    t0 = _biz(ctx.day_ts(day) + rng.randint(7 * HOUR, 17 * HOUR))
    if t0 > now:
        t0 = now - rng.randint(10 * 60, 6 * HOUR)
    camp = opt.campaign
    sdr = rng.choice(pod.sdrs)

    def touch(kind: str, ts: int, campaign: int | None, actor: int | None = None, note: str = "") -> None:  # fmt: skip
        if ts <= now:
            channel = ctx.campaign_channel[campaign] if campaign else ""
            touches.append((c_idx, l_idx, campaign, channel, kind, ts, actor, note))

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

    def nurture(start: int, end: int, n: int) -> None:
        for _ in range(n):
            ts = rng.randint(start, max(start, end))
            kind = rng.choice(_NURTURE_KINDS)
            c: int | None
            if kind in (TouchKind.EMAIL_OPEN, TouchKind.EMAIL_CLICK):
                today_bursts = ctx.emailing_by_day[min(max((ts - ctx.day0) // DAY, 0), ctx.days - 1)]  # fmt: skip
                c = rng.choice(today_bursts) if today_bursts and rng.random() < 0.3 else ctx.nurture_campaign  # fmt: skip
            else:
                c = ctx.seo_campaign if rng.random() < 0.6 else None
            touch(kind, ts, c)

    hand_raiser = ch in (Channel.OUTBOUND, Channel.PARTNER, Channel.REFERRAL, Channel.EVENT)
    if rng.random() >= p_mql:
        nurture(t0 + HOUR, t0 + 150 * DAY, rng.randint(2, 12))
    else:
        delay = rng.randint(HOUR, 2 * DAY) if hand_raiser else int(rng.expovariate(1 / (12 * DAY)))
        t_mql = _biz(t0 + delay)
        nurture(t0 + HOUR, t_mql, rng.randint(0, 4) if not hand_raiser else 0)
        cycle = 0
        while t_mql <= now:
            # → MQL
            rule = "" if ch == Channel.OUTBOUND and cycle == 0 else (
                "Score ≥ 60 (règle de scoring)" if cycle == 0 else "Réengagement : score ≥ 60"
            )  # fmt: skip
            history.append((l_idx, stage, Stage.MQL, t_mql, sdr if not rule else None, rule, ""))
            stage, at, mql_at, owner, recycle_on = Stage.MQL, t_mql, t_mql, sdr, None
            t_dec = _biz(t_mql + int(_lognormal(rng, 20 * HOUR, 0.9)))
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
                recycle_on = _date(t_dec + rng.randint(90, 180) * DAY)
                if not reengage:
                    break
                t_back = _biz(t_dec + rng.randint(60, 220) * DAY)
                nurture(t_dec + DAY, t_back, rng.randint(1, 4))
                t_mql = t_back
                cycle += 1
                continue
            history.append((l_idx, Stage.MQL, Stage.DISQUALIFIED, t_dec, sdr, "", rng.choice(D.DISQUALIFY_REASONS)))  # fmt: skip
            stage, at = Stage.DISQUALIFIED, t_dec
            break

    if stage == Stage.SAL:
        t_sal = at
        t_sql = _biz(t_sal + int(_lognormal(rng, 8 * DAY, 0.6)))
        touch(TouchKind.MEETING, _biz(t_sal + rng.randint(DAY, 6 * DAY)), None, sdr, "Rendez-vous de découverte")  # fmt: skip
        qualified = rng.random() < P_SAL_TO_SQL
        recycle = rng.random() < P_RECYCLE
        if t_sql <= now:
            if qualified:
                history.append((l_idx, Stage.SAL, Stage.SQL, t_sql, ae, "", "Opportunité créée"))
                stage, at, owner = Stage.SQL, t_sql, ae
            elif recycle:
                history.append((l_idx, Stage.SAL, Stage.RECYCLED, t_sql, sdr, "", rng.choice(D.SAL_RECYCLE_REASONS)))  # fmt: skip
                stage, at = Stage.RECYCLED, t_sql
                recycle_on = _date(t_sql + rng.randint(90, 180) * DAY)
            else:
                history.append((l_idx, Stage.SAL, Stage.DISQUALIFIED, t_sql, sdr, "", rng.choice(D.SAL_DISQUALIFY_REASONS)))  # fmt: skip
                stage, at = Stage.DISQUALIFIED, t_sql

    if stage == Stage.SQL:
        t_sql = at
        grands = pod.name == "Grands comptes"
        amount = _lognormal(rng, deal * (1.3 if grands else 1.0), 0.55)
        amount = min(max(amount, 8_000.0), 150_000.0)
        cycle_days = min(max(_lognormal(rng, 62, 0.5), 14.0), 300.0)
        t_close = _biz(t_sql + int(cycle_days * DAY))
        won = rng.random() < P_WIN["grands" if grands else "default"]
        loss = D.LOSS_REASONS[_pick(rng, _LOSS_CUM)][0]
        for _ in range(rng.randint(1, 3)):
            ts = _biz(rng.randint(t_sql + DAY, max(t_sql + 2 * DAY, t_close - DAY)))
            touch(TouchKind.MEETING, ts, None, ae, rng.choice(["Démonstration produit", "Atelier cadrage", "Présentation de la proposition", "Visite de site"]))  # fmt: skip
        for _ in range(rng.randint(1, 4)):
            ts = _biz(rng.randint(t_sql + HOUR, max(t_sql + 2 * HOUR, t_close)))
            touch(TouchKind.SALES_EMAIL, ts, None, ae)
        for _ in range(rng.randint(0, 2)):
            ts = _biz(rng.randint(t_sql + HOUR, max(t_sql + 2 * HOUR, t_close)))
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
        source = (
            OpportunitySource.PARTNER
            if ch == Channel.PARTNER
            else OpportunitySource.SALES
            if ch in (Channel.OUTBOUND, Channel.REFERRAL)
            else OpportunitySource.MARKETING
        )
        product = rng.choice(D.PRODUCTS_BY_INDUSTRY[industry])
        out.opps.append(
            (
                f"{account_name} — {product}",
                a_idx,
                l_idx,
                ae,
                Decimal(int(round(amount, -2))).quantize(Decimal("0.01")),
                opp_stage,
                _date(t_sql),
                _date(t_close),
                loss if opp_stage == OpportunityStage.LOST else "",
                source,
                camp,
                pod.id,
                t_sql,
            )
        )

    # the lead's state is what its history says, by the funnel's one rule (the simulation agrees)
    stage, at, mql_at = lead_state((step[3], step[2]) for step in history[first_step:])
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


# --------------------------------------------------------------------------- write a chunk

ACCOUNT_COLS = ["workspace_id", "source_system", "external_id", "created_at", "updated_at", "id", "name", "domain", "industry", "size_band", "country", "region", "city", "owner_id"]  # fmt: skip
CONTACT_COLS = ["workspace_id", "source_system", "external_id", "created_at", "updated_at", "id", "account_id", "first_name", "last_name", "email", "job_title", "phone", "country", "owner_id"]  # fmt: skip
LEAD_COLS = ["workspace_id", "source_system", "external_id", "created_at", "updated_at", "id", "contact_id", "source_campaign_id", "source_channel", "stage", "stage_entered_at", "mql_at", "owner_id", "pod_id", "score", "recycle_on"]  # fmt: skip
HISTORY_COLS = ["workspace_id", "lead_id", "from_stage", "to_stage", "at", "actor_id", "rule", "reason", "imported"]  # fmt: skip
TOUCH_COLS = ["workspace_id", "source_system", "external_id", "created_at", "updated_at", "contact_id", "lead_id", "campaign_id", "channel", "kind", "is_sales_activity", "occurred_at", "actor_id", "note"]  # fmt: skip
OPP_COLS = ["workspace_id", "source_system", "external_id", "created_at", "updated_at", "name", "account_id", "lead_id", "owner_id", "amount", "currency", "stage", "created_on", "close_date", "loss_reason", "source", "primary_campaign_id", "pod_id"]  # fmt: skip


def _write_chunk(ctx: Context, writer: Writer, chunk: Chunk) -> tuple[int, list[int]]:
    """Write one chunk; returns (rows written, ids of its named accounts)."""
    ws = ctx.workspace_id
    account_ids = writer.reserve_ids(Account, len(chunk.accounts))
    contact_ids = writer.reserve_ids(Contact, len(chunk.contacts))
    lead_ids = writer.reserve_ids(Lead, len(chunk.leads))
    rows = 0

    def emit(model: type[models.Model], cols: list[str], data: list[tuple[Any, ...]]) -> None:
        nonlocal rows
        writer.write(model, cols, data)
        rows += len(data)

    acc = []
    for a, name, domain, industry, size, region, city, owner, created in chunk.accounts:
        c_at = _dt(created)
        acc.append((ws, "", None, c_at, c_at, account_ids[a], name, domain, industry, size, "FR", region, city, owner))  # fmt: skip
    emit(Account, ACCOUNT_COLS, acc)
    del acc
    con = []
    for c, a, first, last, email, title, phone, owner, created in chunk.contacts:
        c_at = _dt(created)
        con.append((ws, "", None, c_at, c_at, contact_ids[c], account_ids[a], first, last, email, title, phone, "FR", owner))  # fmt: skip
    emit(Contact, CONTACT_COLS, con)
    del con
    lds = []
    for (
        l_idx,
        c,
        camp,
        ch,
        stage,
        at,
        mql_at,
        owner,
        pod,
        score,
        recycle_on,
        created,
    ) in chunk.leads:
        lds.append((ws, "", None, _dt(created), _dt(at), lead_ids[l_idx], contact_ids[c], camp, ch, stage, _dt(at), _dt(mql_at) if mql_at else None, owner, pod, score, recycle_on))  # fmt: skip
    emit(Lead, LEAD_COLS, lds)
    del lds
    hist = [
        (ws, lead_ids[l_idx], frm, to, _dt(at), actor, rule, reason, False)
        for l_idx, frm, to, at, actor, rule, reason in chunk.history
    ]
    emit(LeadStageChange, HISTORY_COLS, hist)
    del hist
    sales = SALES_ACTIVITY_KINDS
    step = 200_000
    for start in range(0, len(chunk.touches), step):
        tps = []
        for c, l_idx, camp, channel, kind, ts, actor, note in chunk.touches[start : start + step]:
            occurred = _dt(ts)
            tps.append((ws, "", None, occurred, occurred, contact_ids[c], lead_ids[l_idx], camp, channel, kind, kind in sales, occurred, actor, note))  # fmt: skip
        emit(Touchpoint, TOUCH_COLS, tps)
    opps = []
    for (
        name,
        a,
        l_idx,
        owner,
        amount,
        stage,
        created_on,
        close_date,
        loss,
        source,
        camp,
        pod,
        created,
    ) in chunk.opps:
        c_at = _dt(created)
        opps.append((ws, "", None, c_at, c_at, name[:200], account_ids[a], lead_ids[l_idx], owner, amount, "EUR", stage, created_on, close_date, loss, source, camp, pod))  # fmt: skip
    emit(Opportunity, OPP_COLS, opps)
    return rows, [account_ids[a] for a in chunk.named]


# --------------------------------------------------------------------------- entry point


def build_demo(
    *,
    size: str = "small",
    seed: int = 1,
    scale: float = 1.0,
    reset: bool = False,
    chunk_accounts: int | None = None,
    progress: TextIO | None = None,
    log: Callable[[str], None] | None = None,
) -> BuildResult:
    """Load the demo workspace (slug ``demo``) unless it exists; ``reset`` rebuilds it.

    ``small`` is written by ``bulk_create`` in one transaction. ``large`` commits chunk by
    chunk (short write locks, bounded memory) under a temporary slug renamed at the end, using
    ``COPY`` on PostgreSQL. ``scale`` shrinks or grows the number of accounts (tests, benches).
    """
    if size not in SIZES:
        raise ValueError(f"Unknown size {size!r}: choose among {', '.join(SIZES)}.")
    say = log or (lambda _msg: None)
    started = time.monotonic()
    if Workspace.objects.filter(slug=DEMO_SLUG).exists():
        if not reset:
            return BuildResult(created=False)
        say("Deleting the existing demo workspace…")
        delete_workspace(DEMO_SLUG)
    delete_workspace(DEMO_LOADING_SLUG)  # a previous build that died half-way

    n_accounts, per_chunk = SIZES[size]
    n_accounts = max(1, round(n_accounts * scale))
    per_chunk = chunk_accounts or per_chunk
    large = size == "large"
    writer: Writer = CopyWriter() if large and connection.vendor == "postgresql" else OrmWriter()
    now = int(time.time()) // 60 * 60
    today = _date(now)
    rng = random.Random(f"cordee-demo:{seed}:setup")
    bar = Progress(n_accounts, progress if large else None)

    with _explicit_timestamps():
        outer = contextlib.nullcontext() if large else transaction.atomic()
        with outer:
            with transaction.atomic():
                ws, ctx = _setup(rng, writer, today, now, seed)
            done = 0
            chunk_no = 0
            while done < n_accounts:
                n = min(per_chunk, n_accounts - done)
                chunk = _generate_chunk(ctx, chunk_no, n)
                with transaction.atomic():
                    rows, named = _write_chunk(ctx, writer, chunk)
                    if named:
                        pod = Pod.objects.get(workspace=ws, name="Grands comptes")
                        pod.named_accounts.add(*named)
                bar.rows += rows
                bar.leads += len(chunk.leads)
                bar.touches += len(chunk.touches)
                done += n
                chunk_no += 1
                del chunk
                bar.update(done)
            bar.finish()
            Workspace.objects.filter(pk=ws.pk).update(slug=DEMO_SLUG)
    if large and connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for model in (Account, Contact, Lead, LeadStageChange, Touchpoint, Opportunity):
                cur.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    say("Adding the funnel configuration (reasons, decisions, SLA contracts, rules)…")
    add_funnel_config(Workspace.objects.get(pk=ws.pk), now=_dt(now))

    add_feedback(Workspace.objects.get(pk=ws.pk), now=_dt(now), seed=seed)
    if not large:  # the large demo gets them from the nightly job (minutes at that size)
        say("Computing the attribution of the current fiscal year and quarter…")
        workspace = Workspace.objects.get(pk=ws.pk)
        for period in fiscal_periods(workspace.fiscal_year_start_month, today, quarters=1):
            for dimension in ("channel", "campaign"):
                snapshot_compute(
                    workspace=workspace, start=period.start, end=period.end, dimension=dimension
                )
    counts = demo_counts(ws.pk)
    return BuildResult(
        created=True, counts=counts, seconds=time.monotonic() - started, workspace_id=ws.pk
    )


def demo_counts(workspace_id: int) -> dict[str, int]:
    return {
        "accounts": Account.objects.filter(workspace_id=workspace_id).count(),
        "contacts": Contact.objects.filter(workspace_id=workspace_id).count(),
        "campaigns": Campaign.objects.filter(workspace_id=workspace_id).count(),
        "leads": Lead.objects.filter(workspace_id=workspace_id).count(),
        "stage changes": LeadStageChange.objects.filter(workspace_id=workspace_id).count(),
        "touchpoints": Touchpoint.objects.filter(workspace_id=workspace_id).count(),
        "opportunities": Opportunity.objects.filter(workspace_id=workspace_id).count(),
        "people": Membership.objects.filter(workspace_id=workspace_id).count(),
    }
