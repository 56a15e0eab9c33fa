"""Benchmark: p95 latency of the MQL queue and the funnel board under load, against /healthz in
the same run and on the same server.

    DATABASE_URL=… python bench/pages_load.py [--requests 200] [--concurrency 4]
    DATABASE_URL=… python bench/pages_load.py --campaigns [--ensure-campaigns 5000]

``--campaigns`` measures the campaign list and the campaign calendar (month and quarter) instead,
all under one load with /healthz (issue 18: p95 at most 3× /healthz), then each under its own,
and saves to bench/results/campaigns_load.md; ``--ensure-campaigns N`` first makes sure the
workspace holds N campaigns with briefs naming pods (bench/campaigns_setup.py: idempotent).

Starts gunicorn on 127.0.0.1 (loopback only), signs in as the demo's sales manager, then sends
a bounded number of requests per page from a few client threads. Prints the table and saves it
to bench/results/pages_load.md with the command and the commit.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
from bench import report

PAGES = [
    ("healthz", "/healthz"),
    ("MQL queue (everyone's)", "/w/demo/queue/?scope=all"),
    ("MQL queue (one rep's)", "/w/demo/queue/"),
    ("funnel board", "/w/demo/funnel/"),
    ("SLA dashboard", "/w/demo/sla/"),
]


# the campaign list and the calendar (issue 18), the month and quarter holding today
CAMPAIGN_PAGES = [
    ("healthz", "/healthz"),
    ("campaign list", "/w/demo/campaigns/"),
    ("campaign calendar, month", "/w/demo/campaigns/calendar/"),
    ("campaign calendar, quarter", "/w/demo/campaigns/calendar/quarter/"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _opener(base: str, email: str, password: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(f"{base}/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    data = urllib.parse.urlencode(
        {
            "username": email,
            "password": password,
            "csrfmiddlewaretoken": token.group(1) if token else "",
        }
    ).encode()
    opener.open(
        urllib.request.Request(f"{base}/login/", data=data, headers={"Referer": f"{base}/login/"}),
        timeout=30,
    )
    return opener


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


Paths = str | list[str]  # one page, or several requested in turn (a search's varied terms)
# what the browser adds to a request htmx sends (the search box's preview, a picker's
# proposals): the server answers the fragment, not the whole page
HTMX = {"HX-Request": "true"}


def run(
    requests: int,
    concurrency: int,
    email: str,
    password: str,
    out: Path | None,
    base_url: str | None = None,
) -> str:
    """Measure the pages against ``base_url`` if given (tests pass their live server), else a
    gunicorn started here on a free loopback port."""
    rows = measure(PAGES, requests, concurrency, email, password, base_url)
    return table(
        "Pages under load vs /healthz",
        f"DATABASE_URL=… python bench/pages_load.py --requests {requests} --concurrency {concurrency}",
        rows,
        requests,
        out,
    )


@contextmanager
def _serving(base_url: str | None) -> Iterator[str]:
    """``base_url`` if given (tests pass their live server), else a gunicorn started here on a
    free loopback port, stopped at the end; waits until /healthz answers."""
    server = None
    if base_url:
        base = base_url
    else:
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "SECURE_COOKIES": "0",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench"),
        }
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        server = subprocess.Popen(
            [
                gunicorn,
                "cordee.config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--log-level",
                "warning",
            ],
            env=env,
        )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)


def _timed(opener: urllib.request.OpenerDirector, url: str, headers: dict[str, str]) -> float:
    request = urllib.request.Request(url, headers=headers)
    started = time.perf_counter()
    opener.open(request, timeout=60).read()
    return time.perf_counter() - started


Page = tuple[str, Paths] | tuple[str, Paths, dict[str, str]]


def _turns(page: Page) -> tuple[str, list[str], dict[str, str]]:
    label, paths, *more = page
    return label, [paths] if isinstance(paths, str) else paths, more[0] if more else {}


def measure(
    pages: list[Page],
    requests: int,
    concurrency: int,
    email: str,
    password: str,
    base_url: str | None = None,
    *,
    together: bool = False,
) -> list[tuple[str, float, float]]:
    """(label, median s, p95 s) per page, the first page being the reference (/healthz):
    ``requests`` of each page from ``concurrency`` clients — each page under its own load, one
    page after the other, or ``together``: all under one load, in turn (page 1, page 2, …,
    page 1, …), so that the reference is measured under the very load the others make."""
    with _serving(base_url) as base:
        opener = _opener(base, email, password)
        plans = []
        for page in pages:
            label, turns, headers = _turns(page)
            opener.open(base + turns[0], timeout=60).read()  # warm: caches, charts
            plans.append([(label, base + turns[i % len(turns)], headers) for i in range(requests)])
        runs = [[one for turn in zip(*plans, strict=True) for one in turn]] if together else plans
        by_label: dict[str, list[float]] = {}
        for run in runs:
            with ThreadPoolExecutor(concurrency) as pool:
                timings = list(pool.map(lambda one: _timed(opener, one[1], one[2]), run))
            for (label, _url, _headers), took in zip(run, timings, strict=True):
                by_label.setdefault(label, []).append(took)
    return [(label, statistics.median(t), _p95(t)) for label, t in by_label.items()]


def rows_lines(rows: list[tuple[str, float, float]]) -> list[str]:
    """The table of ``rows``, each page's p95 as a ratio of the first's (/healthz)."""
    health = rows[0][2]
    return [
        "| page | median ms | p95 ms | p95 ratio to /healthz |",
        "|---|---:|---:|---:|",
        *[
            f"| {label} | {med * 1000:.1f} | {p95 * 1000:.1f} | {p95 / health:.1f}× |"
            for label, med, p95 in rows
        ],
        "",
    ]


def table(
    title: str, command: str, rows: list[tuple[str, float, float]], requests: int, out: Path | None
) -> str:
    return report.save(
        [
            f"# {title}",
            "",
            f"- command: `{command}`",
            f"- commit: {report.commit()}; gunicorn 2 workers × 4 threads on 127.0.0.1; {requests} requests per page",
            "",
            *rows_lines(rows),
        ],
        out,
    )


def run_campaigns(
    requests: int,
    concurrency: int,
    email: str,
    password: str,
    out: Path | None,
    base_url: str | None = None,
    ensured: int = 0,
) -> str:
    """The campaign pages measured twice: all under one load with /healthz (the issue's "under
    the same load"), then each under its own."""
    together = measure(
        CAMPAIGN_PAGES, requests, concurrency, email, password, base_url, together=True
    )
    apart = measure(CAMPAIGN_PAGES, requests, concurrency, email, password, base_url)
    command = (
        f"DATABASE_URL=… python bench/pages_load.py --campaigns --requests {requests} "
        f"--concurrency {concurrency}" + (f" --ensure-campaigns {ensured}" if ensured else "")
    )
    return report.save(
        [
            "# Campaign list and calendar under load vs /healthz",
            "",
            f"- command: `{command}`",
            f"- commit: {report.commit()}; gunicorn 2 workers × 4 threads on 127.0.0.1; "
            f"{requests} requests per page; {concurrency} clients",
            "",
            "## Under one load",
            "",
            "Every page's requests in turn (/healthz, the list, the month, the quarter, /healthz, "
            "…) from the same clients: /healthz is measured under the load the pages make.",
            "",
            *rows_lines(together),
            "## Each page under its own load",
            "",
            *rows_lines(apart),
        ],
        out,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--email", default="marc.ventes@demo.cordee.fr")
    parser.add_argument("--password", default="cordee-demo")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--campaigns", action="store_true", help="the campaign list and calendar pages"
    )
    parser.add_argument(
        "--ensure-campaigns",
        type=int,
        default=0,
        metavar="N",
        help="first create the campaigns (with briefs) the demo workspace lacks to hold N",
    )
    args = parser.parse_args(argv)
    if args.ensure_campaigns:
        from bench import campaigns_setup

        made = campaigns_setup.ensure(args.ensure_campaigns)
        print(f"{made} campaigns created; the workspace holds at least {args.ensure_campaigns}.")
    if args.campaigns:
        out = args.out or report.RESULTS / "campaigns_load.md"
        print(
            run_campaigns(
                args.requests,
                args.concurrency,
                args.email,
                args.password,
                out,
                ensured=args.ensure_campaigns,
            )
        )
        return
    out = args.out or report.RESULTS / "pages_load.md"
    print(run(args.requests, args.concurrency, args.email, args.password, out))


if __name__ == "__main__":
    main()
