"""Pure analytics stays pure: nothing under cordee/analytics imports Django or the apps."""

from __future__ import annotations

import ast
from pathlib import Path

ANALYTICS = Path(__file__).resolve().parents[2] / "cordee" / "analytics"


def test_analytics_imports_neither_django_nor_the_apps():
    offenders = []
    for path in ANALYTICS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}"
                for n in names
                if n.split(".")[0] == "django"
                or (n.startswith("cordee.") and not n.startswith("cordee.analytics"))
            ]
    assert offenders == []
