"""The demo company before its year starts: its people, teams, pods and campaigns."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password

from cordee.crm.models import Campaign, CampaignStatus, Channel
from cordee.demo import (
    DEMO_EMAIL_DOMAIN,
    DEMO_LOADING_SLUG,
    DEMO_LOGIN_PEOPLE,
    DEMO_NAME,
    DEMO_PASSWORD,
)
from cordee.demo import data as D
from cordee.demo.common import (
    CHANNELS,
    DAY,
    MONTHS_FR,
    UTC,
    WINDOW_DAYS,
    Context,
    Option,
    PodInfo,
    WorkHours,
    threshold_raised_at,
    to_ascii,
)
from cordee.demo.writers import Writer
from cordee.funnel.sla import workspace_calendar
from cordee.people.models import Pod, PodMember
from cordee.tenancy.models import Membership, Team, User, Workspace

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
        people.append(
            (f"{to_ascii(first)}.{to_ascii(last)}@{DEMO_EMAIL_DOMAIN}", role, first, last)
        )
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


def company_setup(
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

    # Seasonality of a French B2B year: quiet August and Christmas, the rentrée busy from
    # September to November, fewer leads at weekends, a gentle growth.
    month_factor = {7: 0.85, 8: 0.45, 9: 1.35, 10: 1.35, 11: 1.3, 12: 0.75, 1: 1.05}
    day_cum, total = [], 0.0
    for d in range(days):
        date = day0_date + dt.timedelta(days=d)
        w = month_factor.get(date.month, 1.0) * (0.9 + 0.2 * d / days)
        if date.weekday() >= 5:
            w *= 0.1
        total += w
        day_cum.append(total)

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
        # a campaign brings leads as the season does: its window's share of the year's weight
        weights.append((day_cum[hi] - (day_cum[lo - 1] if lo > 0 else 0.0)) * days / day_cum[-1])
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
        # people act in the workspace's working hours: from the first touch before the window
        # to the last close date a deal still open today may have
        work=WorkHours(
            workspace_calendar(ws),
            day0_date - dt.timedelta(days=200),
            today + dt.timedelta(days=800),
        ),
        raised_at=threshold_raised_at(now, ws.zone),
    )
    return ws, ctx
