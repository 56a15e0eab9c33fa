"""The benchmark scripts run, untimed, on the small demo so that they cannot rot."""

from __future__ import annotations

import pytest

from bench import pages_load, search_load, sla_check
from tests.conftest import put_the_demo


@pytest.mark.django_db(transaction=True)
def test_the_sla_pages_and_search_benches_run_against_a_live_server(
    demo_snapshot, live_server, tmp_path
):
    """One small demo for the three benches that read it (the session's, on SQLite)."""
    put_the_demo(demo_snapshot)
    out = tmp_path / "sla_check.md"
    table = sla_check.run(repeat=1, out=out, lookback_days=60)
    assert "| plain SQL read of the needed columns" in table
    assert out.read_text().startswith("# SLA check vs plain SQL read")

    out = tmp_path / "pages.md"
    table = pages_load.run(
        2, 1, "marc.ventes@demo.cordee.fr", "cordee-demo", out, base_url=live_server.url
    )
    assert "| MQL queue (everyone's) |" in table
    assert out.exists()

    # the campaign pages, after making sure the demo holds 3 more campaigns (once: idempotent)
    from bench import campaigns_setup
    from cordee.codesign.models import BriefVersion
    from cordee.crm.models import Campaign

    count = Campaign.objects.filter(workspace__slug="demo").count() + 3
    assert campaigns_setup.ensure(count) == 3 and campaigns_setup.ensure(count) == 0
    assert BriefVersion.objects.filter(campaign__name__startswith=campaigns_setup.PREFIX).exists()
    out = tmp_path / "campaigns.md"
    table = pages_load.run_campaigns(
        2, 1, "marc.ventes@demo.cordee.fr", "cordee-demo", out, base_url=live_server.url
    )
    assert "| campaign calendar, quarter |" in table and table.count("| healthz |") == 2
    assert out.exists()

    words = search_load.terms()
    assert all(w == w.lower() and w.isascii() for w in words)  # as people type them
    out = tmp_path / "search.md"
    table = search_load.run(
        2, 1, "marc.ventes@demo.cordee.fr", "cordee-demo", out, base_url=live_server.url
    )
    assert "| contact picker (typing) |" in table and "| search page |" in table
    assert "| the same layout, no search |" in table
    # measured twice: under one load (every page in turn), then each page under its own
    assert table.count("| healthz |") == 2 and "## Under one load" in table
    assert out.exists()


def test_attribution_bench_runs_on_a_tiny_size(tmp_path):
    from bench import attribution

    pytest.importorskip("ChannelAttribution")
    pytest.importorskip("polars")
    table = attribution.run([300], [5], 1, 300, tmp_path / "attribution.md")
    assert "| Cordée, all models from paths |" in table
    assert "| Polars transition group-by |" in table
    assert "markov_model ÷ Cordée all models from paths" in table
    assert "failed" not in table and "n/a" not in table


def test_bulk_reassign_bench_runs_on_a_tiny_size(db, tmp_path):
    from bench import bulk_reassign

    out = tmp_path / "bulk_reassign.md"
    table = bulk_reassign.measure(rows=60, repeat=1, out=out)
    assert "| one SQL `UPDATE` of the rows (the floor) | 0 |" in table
    assert "| **`leads_reassign`**, the leads as a queryset | 60 |" in table
    assert out.read_text().startswith("# Bulk reassignment of leads")


def test_comp_bench_runs_on_a_tiny_size(tmp_path):
    """The engine, the plain loop and the floors on 30 people and 600 deals (the bench itself
    checks that the engine's totals equal the loop's)."""
    from bench import comp

    pytest.importorskip("pandas")
    pytest.importorskip("duckdb")
    out = tmp_path / "comp.md"
    table = comp.run(participants=30, deals=600, repeat=1, out=out)
    assert "cent for cent: yes" in table
    assert "| straightforward loop: per person, per month, per component" in table
    assert "| **floor**: pandas group-by of amount × share by person and month |" in table
    assert out.read_text().startswith("# Variable pay: the engine vs a plain loop")


@pytest.mark.django_db(transaction=True)
def test_goals_progress_bench_runs_on_the_small_demo(demo_snapshot, tmp_path):
    from bench import goals_progress
    from cordee.funnel.models import Goal

    put_the_demo(demo_snapshot)
    goals_before = Goal.objects.count()  # the demo's own
    out = tmp_path / "goals_progress.md"
    table = goals_progress.run(repeat=1, count=60, sizes=(50, 100), out=out)
    assert "| floor: one SQL group-by" in table
    assert "| goals_progress, every scope × period | 60 | 60 |" in table
    rows = [line for line in table.splitlines() if line.startswith("| goals_progress, the same")]
    assert len(rows) == 2
    assert len({line.rsplit("|", 2)[1] for line in rows}) == 1  # as many queries for 100 as 50
    assert out.read_text().startswith("# Goals progress vs one plain SQL group-by")
    assert Goal.objects.count() == goals_before  # the bench's goals were rolled back
