"""The import contracts of pyproject.toml ([tool.importlinter]): apps import only downward,
analytics imports no Django, nothing but the commands imports the demo. They are checked by
``make test`` (``lint-imports``) and here, where they must also catch a wrong import."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _lint(package_parent: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "lint-imports"),
            "--config",
            str(ROOT / "pyproject.toml"),
        ],
        cwd=package_parent,
        env={"PYTHONPATH": str(package_parent), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("layers")
    shutil.copytree(
        ROOT / "cordee",
        parent / "cordee",
        ignore=shutil.ignore_patterns("__pycache__", "*.so", "locale", "static", "templates"),
    )
    return parent


def test_the_code_keeps_every_contract(tree_copy: Path) -> None:
    result = _lint(tree_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "wrong_import", "message"),
    [
        (
            "core/actor.py",
            "import cordee.funnel.models",
            "cordee.core is not allowed to import cordee.funnel",
        ),
        (
            "tenancy/models.py",
            "import cordee.people.models",
            "cordee.tenancy is not allowed to import cordee.people",
        ),
        (  # the search reads feedback (and everything below): feedback may not read it
            "feedback/services.py",
            "import cordee.search.selectors",
            "cordee.feedback is not allowed to import cordee.search",
        ),
        (
            "search/selectors.py",
            "import cordee.dataio.models",
            "cordee.search is not allowed to import cordee.dataio",
        ),
        (
            "analytics/sla.py",
            "import django.db",
            "cordee.analytics is not allowed to import django",
        ),
        (
            "dataio/imports/engine.py",
            "import cordee.demo",
            "cordee.dataio is not allowed to import cordee.demo",
        ),
        # comments sit above every record they talk about (leads, accounts, feedback…), beside
        # dataio: nothing below imports them, and the two siblings stay independent
        (
            "feedback/services.py",
            "import cordee.comments.models",
            "cordee.feedback is not allowed to import cordee.comments",
        ),
        (
            "comments/services.py",
            "import cordee.dataio",
            "cordee.comments is not allowed to import cordee.dataio",
        ),
        (
            "comments/selectors.py",
            "import cordee.demo",
            "cordee.comments is not allowed to import cordee.demo",
        ),
        # the administration pages sit above everything a workspace holds (they export and
        # delete it whole): nothing below reads them
        (
            "dataio/exports/workspace.py",
            "import cordee.administration.services",
            "cordee.dataio is not allowed to import cordee.administration",
        ),
        (
            "administration/views.py",
            "import cordee.demo",
            "cordee.administration is not allowed to import cordee.demo",
        ),
    ],
)
def test_a_wrong_import_breaks_a_contract(
    tree_copy: Path, module: str, wrong_import: str, message: str
) -> None:
    path = tree_copy / "cordee" / module
    original = path.read_text()
    path.write_text(original + f"\n{wrong_import}  # deliberately wrong\n")
    try:
        result = _lint(tree_copy)
    finally:
        path.write_text(original)
    assert result.returncode != 0
    assert message in result.stdout, result.stdout


def _project_imports_in_functions() -> list[str]:
    found = []
    for path in sorted((ROOT / "cordee").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for fn in ast.walk(ast.parse(path.read_text())):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(fn):
                module = node.module if isinstance(node, ast.ImportFrom) else None
                if isinstance(node, ast.Import):
                    module = node.names[0].name
                if module and module.startswith("cordee"):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {module}")
    return found


# Loaded on demand on purpose: `cordee attribution` reads files without starting Django and
# imports NumPy and Arrow only once it has a file to read; the search connects its signal
# receivers in `AppConfig.ready()` (Django's place for it: they import the models of other apps,
# which are not loaded yet when apps.py is); so do the comments and the saved views (lists),
# which fill a lower app's registry (the timeline's sources, the record lists' extensions).
LAZY_ON_PURPOSE = (
    "cordee/cli/management/commands/attribution.py",
    "cordee/cli/management/commands/comp.py",  # `cordee comp`, on files alone, likewise
    "cordee/search/apps.py",
    "cordee/comments/apps.py",
    "cordee/merges/apps.py",
    "cordee/lists/apps.py",
    "cordee/bulk/apps.py",  # registers its list extension (core.record_views) the same way
    # the session receivers, and the kinds of open work of a hand-over (people.handover's
    # registry, filled by the people, funnel and feedback apps)
    "cordee/people/apps.py",
    "cordee/funnel/apps.py",
    "cordee/feedback/apps.py",
    # the import rate for /metrics, a gauge in core.metrics' registry of sources
    "cordee/dataio/apps.py",
    # the attribution KPIs, in funnel.kpis' registry of KPI sources
    "cordee/attribution/apps.py",
    # variable pay's panel on a goal's page, in funnel.goals_page's registry of goal panels
    "cordee/comp/apps.py",
    # the campaigns list's link to the alignment page, a list extension (core.list_extensions)
    # the co-design app's launch gate, in crm.launch's registry of guards
    "cordee/codesign/apps.py",
    # the rituals' words, its committees' daily job (core.scheduler's registry) and the
    # meetings in a person's calendar feed (codesign.feeds' registry of sources)
    # the rituals' notification words (people.notices' registry) and the agenda's periodic job
    # (core.scheduler's registry), which import the models of other apps
    "cordee/rituals/apps.py",
    # the wins' periodic scan and the diagnostic's daily closing (core.scheduler's registry),
    # and their notification words (people.notices' registry)
    "cordee/wins/apps.py",
    "cordee/diagnostic/apps.py",
)


def test_project_modules_are_imported_at_the_top_of_the_module() -> None:
    """An import inside a function is how a cycle hides: there are none left to hide."""
    found = [f for f in _project_imports_in_functions() if not f.startswith(LAZY_ON_PURPOSE)]
    assert found == []


def test_no_two_project_modules_import_each_other() -> None:
    graph = grimp.build_graph("cordee")
    modules = {m for m in graph.modules if ".migrations" not in m}
    cycles = [
        f"{a} ⇄ {b}"
        for a in sorted(modules)
        for b in graph.find_modules_that_directly_import(a)
        if b in modules
        and a != b
        and graph.chain_exists(importer=a, imported=b)
        and graph.find_shortest_chain(importer=a, imported=b) is not None
    ]
    assert cycles == []
