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

import contextlib
import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.db import connection, models, transaction
from django.db.models.deletion import Collector
from django.utils.translation import gettext as _

from cordee.attribution.periods import fiscal_periods
from cordee.attribution.services import snapshot_compute
from cordee.crm.models import Account, Campaign, Contact
from cordee.demo import (
    DEMO_EMAIL_DOMAIN,
    DEMO_LOADING_SLUG,
    DEMO_SLUG,
)
from cordee.demo.codesign import add_codesign
from cordee.demo.common import DAY, SIZES, as_date, as_datetime
from cordee.demo.company import company_setup
from cordee.demo.connections import connect_and_announce
from cordee.demo.diagnostic import add_diagnostic
from cordee.demo.feedback import add_feedback
from cordee.demo.funnel import add_funnel_config
from cordee.demo.goals import add_goals
from cordee.demo.kudos import add_kudos
from cordee.demo.lifecycle import generate_chunk
from cordee.demo.pay import add_pay
from cordee.demo.pods import add_value_log
from cordee.demo.rituals import add_rituals
from cordee.demo.views import add_saved_views
from cordee.demo.wins import add_wins
from cordee.demo.writers import (
    CopyWriter,
    OrmWriter,
    Progress,
    Writer,
    explicit_timestamps,
    write_chunk,
)
from cordee.funnel.models import (
    Lead,
    LeadStageChange,
    Opportunity,
    Touchpoint,
)
from cordee.people.mail import notification_mails_send
from cordee.people.models import Mail, Notification, Pod
from cordee.people.outbox import outbox_dir
from cordee.search.services import workspace_reindex
from cordee.tenancy.models import Membership, User, Workspace

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
    now: dt.datetime | None = None,
) -> BuildResult:
    """Load the demo workspace (slug ``demo``) unless it exists; ``reset`` rebuilds it.

    ``small`` is written by ``bulk_create`` in one transaction. ``large`` commits chunk by
    chunk (short write locks, bounded memory) under a temporary slug renamed at the end, using
    ``COPY`` on PostgreSQL. ``scale`` shrinks or grows the number of accounts (tests, benches).
    ``now`` is the moment the history ends (default: the start of the current day, UTC: one seed
    builds the same demo all day long).
    """
    if size not in SIZES:
        raise ValueError(f"Unknown size {size!r}: choose among {', '.join(SIZES)}.")
    say = log or (lambda _msg: None)
    started = time.monotonic()
    if Workspace.objects.filter(slug=DEMO_SLUG).exists():
        if not reset:
            return BuildResult(created=False)
        say(_("Deleting the existing demo workspace…"))
        delete_workspace(DEMO_SLUG)
    delete_workspace(DEMO_LOADING_SLUG)  # a previous build that died half-way

    n_accounts, per_chunk = SIZES[size]
    n_accounts = max(1, round(n_accounts * scale))
    per_chunk = chunk_accounts or per_chunk
    large = size == "large"
    writer: Writer = CopyWriter() if large and connection.vendor == "postgresql" else OrmWriter()
    # the history's last minute: ``now``'s, or by default the day's start (UTC), so that a seed
    # gives the same demo all day long
    end = int(now.timestamp()) // 60 * 60 if now else int(time.time()) // DAY * DAY
    today = as_date(end)
    rng = random.Random(f"cordee-demo:{seed}:setup")
    bar = Progress(n_accounts, progress if large else None)

    with explicit_timestamps():
        outer = contextlib.nullcontext() if large else transaction.atomic()
        with outer:
            with transaction.atomic():
                ws, ctx = company_setup(rng, writer, today, end, seed)
            done = 0
            chunk_no = 0
            while done < n_accounts:
                n = min(per_chunk, n_accounts - done)
                chunk = generate_chunk(ctx, chunk_no, n)
                with transaction.atomic():
                    rows, named = write_chunk(ctx, writer, chunk)
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

    say(_("Adding the funnel configuration (reasons, decisions, SLA contracts, rules)…"))
    add_funnel_config(Workspace.objects.get(pk=ws.pk), now=as_datetime(end), seed=seed)

    add_feedback(Workspace.objects.get(pk=ws.pk), now=as_datetime(end), seed=seed)
    add_saved_views(Workspace.objects.get(pk=ws.pk))
    say(_("Setting the goals of the quarter, the pods, the reps and the year, and the pay plan…"))
    add_goals(Workspace.objects.get(pk=ws.pk), today=today, seed=seed)
    add_pay(Workspace.objects.get(pk=ws.pk), today=today)
    say(_("Writing the campaigns' briefs, sales reviews, readiness kits and debriefs…"))
    with transaction.atomic():
        add_codesign(Workspace.objects.get(pk=ws.pk), now=as_datetime(end), seed=seed)
    say(_("Holding the committees and the vis-ma-vie exchanges of the last months…"))
    with transaction.atomic():
        add_rituals(Workspace.objects.get(pk=ws.pk), now=as_datetime(end), seed=seed)
    add_value_log(Workspace.objects.get(pk=ws.pk), now=as_datetime(end), seed=seed)
    add_diagnostic(Workspace.objects.get(pk=ws.pk), today=today, seed=seed)
    add_wins(Workspace.objects.get(pk=ws.pk), now=as_datetime(end))  # the wins wall's posts
    with transaction.atomic():
        add_kudos(Workspace.objects.get(pk=ws.pk), now=as_datetime(end), seed=seed)
    say(_("Announcing the last week's breaches to their people and to a chat webhook…"))
    with explicit_timestamps():
        connect_and_announce(Workspace.objects.get(pk=ws.pk), now=as_datetime(end))
    if outbox_dir() is not None:
        # the e-mails the last day's notifications sent at once (`make run`: the Outbox page
        # shows them); older ones were news too long ago
        notification_mails_send(
            workspace_id=ws.pk, now=as_datetime(end), stale_after=dt.timedelta(days=1)
        )
    else:  # a server that really sends never e-mails the demo's made-up people its history
        Notification.objects.filter(workspace_id=ws.pk).exclude(mail=Mail.SENT).update(
            mail=Mail.NONE
        )
    if not large:  # the large demo gets them from the nightly job (minutes at that size)
        say(_("Computing the attribution of the current fiscal year and quarter…"))
        workspace = Workspace.objects.get(pk=ws.pk)
        for period in fiscal_periods(workspace.fiscal_year_start_month, today, quarters=1):
            for dimension in ("channel", "campaign"):
                snapshot_compute(
                    workspace=workspace, start=period.start, end=period.end, dimension=dimension
                )
    workspace_reindex(workspace_id=ws.pk)  # written by bulk_create: no signal indexed it
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
