"""Writing the demo's rows in bulk: ``bulk_create`` with big batches, or PostgreSQL ``COPY``
for the large size, with primary keys reserved up front so children can point at parents."""

from __future__ import annotations

import contextlib
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from django.db import connection, models

from cordee.crm.models import Account, Campaign, Contact
from cordee.demo.common import Context, as_datetime
from cordee.demo.lifecycle import Chunk
from cordee.funnel.models import (
    SALES_ACTIVITY_KINDS,
    STAGE_FORECAST,
    Lead,
    LeadStageChange,
    Opportunity,
    Touchpoint,
)
from cordee.integrations.models import WebhookDelivery
from cordee.people.models import Notification

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


# the models whose rows the demo writes with the time they happened
TIMESTAMPED: tuple[type[models.Model], ...] = (
    Account,
    Contact,
    Campaign,
    Lead,
    Touchpoint,
    Opportunity,
    Notification,
    WebhookDelivery,
)


@contextlib.contextmanager
def explicit_timestamps(
    more: tuple[type[models.Model], ...] = (),
) -> Iterator[None]:
    """Let ``bulk_create`` keep the ``created_at``/``updated_at`` we set (history dates), on
    the ``TIMESTAMPED`` models and ``more``.

    ``auto_now``/``auto_now_add`` overwrite them on insert; they are switched off for the
    duration of the build, in this process only, and restored afterwards.
    """
    saved: list[tuple[models.DateTimeField, bool, bool]] = []
    for model in (*TIMESTAMPED, *more):
        for name in ("created_at", "updated_at"):
            if name not in {f.name for f in model._meta.concrete_fields}:
                continue
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


# --------------------------------------------------------------------------- write a chunk

ACCOUNT_COLS = ["workspace_id", "source_system", "external_id", "created_at", "updated_at", "id", "name", "domain", "industry", "size_band", "country", "region", "city", "owner_id"]  # fmt: skip
CONTACT_COLS = ["workspace_id", "source_system", "external_id", "created_at", "updated_at", "id", "account_id", "first_name", "last_name", "email", "job_title", "phone", "country", "owner_id"]  # fmt: skip
LEAD_COLS = ["workspace_id", "source_system", "external_id", "created_at", "updated_at", "id", "contact_id", "source_campaign_id", "source_channel", "stage", "stage_entered_at", "mql_at", "owner_id", "pod_id", "score", "recycle_on"]  # fmt: skip
HISTORY_COLS = ["workspace_id", "lead_id", "from_stage", "to_stage", "at", "actor_id", "rule", "reason", "imported"]  # fmt: skip
TOUCH_COLS = ["workspace_id", "source_system", "external_id", "created_at", "updated_at", "contact_id", "lead_id", "campaign_id", "channel", "kind", "is_sales_activity", "occurred_at", "actor_id", "note"]  # fmt: skip
OPP_COLS = ["workspace_id", "source_system", "external_id", "created_at", "updated_at", "name", "account_id", "lead_id", "owner_id", "amount", "currency", "stage", "created_on", "close_date", "loss_reason", "source", "primary_campaign_id", "pod_id", "forecast_category"]  # fmt: skip


def write_chunk(ctx: Context, writer: Writer, chunk: Chunk) -> tuple[int, list[int]]:
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
        c_at = as_datetime(created)
        acc.append((ws, "", None, c_at, c_at, account_ids[a], name, domain, industry, size, "FR", region, city, owner))  # fmt: skip
    emit(Account, ACCOUNT_COLS, acc)
    del acc
    con = []
    for c, a, first, last, email, title, phone, owner, created in chunk.contacts:
        c_at = as_datetime(created)
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
        lds.append((ws, "", None, as_datetime(created), as_datetime(at), lead_ids[l_idx], contact_ids[c], camp, ch, stage, as_datetime(at), as_datetime(mql_at) if mql_at else None, owner, pod, score, recycle_on))  # fmt: skip
    emit(Lead, LEAD_COLS, lds)
    del lds
    hist = [
        (ws, lead_ids[l_idx], frm, to, as_datetime(at), actor, rule, reason, False)
        for l_idx, frm, to, at, actor, rule, reason in chunk.history
    ]
    emit(LeadStageChange, HISTORY_COLS, hist)
    del hist
    sales = SALES_ACTIVITY_KINDS
    step = 200_000
    for start in range(0, len(chunk.touches), step):
        tps = []
        for c, l_idx, camp, channel, kind, ts, actor, note in chunk.touches[start : start + step]:
            occurred = as_datetime(ts)
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
        c_at = as_datetime(created)
        opps.append((ws, "", None, c_at, c_at, name[:200], account_ids[a], lead_ids[l_idx], owner, amount, "EUR", stage, created_on, close_date, loss, source, camp, pod, STAGE_FORECAST[stage]))  # fmt: skip
    emit(Opportunity, OPP_COLS, opps)
    return rows, [account_ids[a] for a in chunk.named]
