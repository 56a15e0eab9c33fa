"""The MQL queue's query is answered from its index (lead_mql_queue), not by a scan and a sort."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from cordee.funnel import selectors
from cordee.funnel.models import Stage
from tests import factories as f


def _plan(sql: str, params: tuple) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # a handful of rows: the planner would rightly read the table; forbid the scan to
            # see whether the index can answer the query (filter and order) at all
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


def test_the_whole_workspace_queue_reads_the_queue_index_in_order(personas):
    now = timezone.now()
    for _ in range(3):
        f.LeadFactory(workspace=personas.acme, stage=Stage.MQL, stage_entered_at=now, mql_at=now)
    queue = selectors.mql_queue(actor=personas.actor("dave"), everyone=True)
    sql, params = queue.query.sql_with_params()
    plan = _plan(sql, params)
    assert "lead_mql_queue" in plan, plan
    assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan  # the index gives the order
