"""Benchmark: p95 latency of search under load — the search page, the preview under the
layout's box while typing, and a search-as-you-type contact field — against /healthz in the
same run and on the same server (issue 13: search p95 at most 3× /healthz on the large demo).

    DATABASE_URL=… python bench/search_load.py [--requests 300] [--concurrency 4]

Each search request takes the next of a fixed list of terms, as people type them: lower case,
without accents ("helene" must find "Hélène"), whole names and prefixes of two to six letters,
so that no single cached answer is measured. Prints the table and saves it to
bench/results/search_load.md with the command and the commit.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import unicodedata
import urllib.parse
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
from bench import pages_load, report


def _demo_names() -> ModuleType:
    """The demo's lists of names (cordee/demo/data.py, plain Python), read without importing
    the demo package, which needs Django set up: this script is only a client."""
    path = Path(__file__).resolve().parents[1] / "cordee" / "demo" / "data.py"
    spec = importlib.util.spec_from_file_location("cordee_demo_names", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


names = _demo_names()


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def terms(count: int = 60, seed: int = 13) -> list[str]:
    """What people type: half whole names ("helene martin"), half prefixes ("lefe", "gu")."""
    rng = random.Random(seed)
    firsts = names.FIRST_NAMES_F + names.FIRST_NAMES_M
    out: list[str] = []
    for i in range(count):
        first, last = _plain(rng.choice(firsts)), _plain(rng.choice(names.LAST_NAMES))
        if i % 2 == 0:
            out.append(f"{first} {last}")
        else:
            word = rng.choice([first, last])
            out.append(word[: rng.randint(2, min(6, len(word)))])
    return out


def pages(slug: str = "demo") -> list[tuple[str, pages_load.Paths, dict[str, str]]]:
    """/healthz, the search as people use it — the preview and a picker while typing (htmx
    requests: the fragment only), the results page after Enter — and, to tell what the search
    costs from what every page costs, a page of the same layout that searches nothing."""
    words = [urllib.parse.quote(t) for t in terms()]
    return [
        ("healthz", "/healthz", {}),
        (
            "search preview (typing)",
            [f"/w/{slug}/search/?preview=1&q={w}" for w in words],
            pages_load.HTMX,
        ),
        (
            "contact picker (typing)",
            [f"/w/{slug}/search/pick/?kind=contact&q={w}" for w in words],
            pages_load.HTMX,
        ),
        ("search page", [f"/w/{slug}/search/?q={w}" for w in words], {}),
        ("the same layout, no search", f"/w/{slug}/search/", {}),
    ]


def run(
    requests: int,
    concurrency: int,
    email: str,
    password: str,
    out: Path | None,
    base_url: str | None = None,
) -> str:
    """Two measures of the same pages: all under one load (the search pages' mix, /healthz
    among them: the issue's "under the same load"), then each under its own."""
    together = pages_load.measure(
        pages(), requests, concurrency, email, password, base_url, together=True
    )
    apart = pages_load.measure(pages(), requests, concurrency, email, password, base_url)
    command = (
        f"DATABASE_URL=… python bench/search_load.py --requests {requests} "
        f"--concurrency {concurrency}"
    )
    return report.save(
        [
            "# Search under load vs /healthz",
            "",
            f"- command: `{command}`",
            f"- commit: {report.commit()}; gunicorn 2 workers × 4 threads on 127.0.0.1; "
            f"{requests} requests per page; {concurrency} clients",
            "",
            "## Under one load",
            "",
            "Every page's requests in turn (/healthz, a preview, a picker, a results page, the "
            "layout, /healthz, …) from the same clients: /healthz is measured under the load "
            "the searches make.",
            "",
            *pages_load.rows_lines(together),
            "## Each page under its own load",
            "",
            f"{requests} requests of one page, then of the next: /healthz under the load of "
            "/healthz alone.",
            "",
            *pages_load.rows_lines(apart),
        ],
        out,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--email", default="marc.ventes@demo.cordee.fr")
    parser.add_argument("--password", default="cordee-demo")
    parser.add_argument("--out", type=Path, default=report.RESULTS / "search_load.md")
    args = parser.parse_args(argv)
    print(run(args.requests, args.concurrency, args.email, args.password, args.out))


if __name__ == "__main__":
    main()
