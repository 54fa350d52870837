"""The domain core imports neither Flask nor SQLAlchemy (cosmicpython's rule)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PURE_MODULES = [
    "governance/permissions.py",
    "governance/parties.py",
    "core/errors.py",
    "core/hashchain.py",
    "agreements/permissions.py",
    "moderation/permissions.py",
    "notifications/domain.py",
    "participation/permissions.py",
    *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "participation" / "domain").glob("*.py")),
    *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "agreements" / "domain").glob("*.py")),
    "amendments/permissions.py",
    *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "amendments" / "domain").glob("*.py")),
    "decisions/__init__.py",
    "decisions/permissions.py",
    "decisions/recount.py",
    *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "decisions" / "domain").glob("*.py")),
]
FORBIDDEN = ("flask", "flask_", "sqlalchemy", "werkzeug")


@pytest.mark.parametrize("relative", PURE_MODULES)
def test_domain_module_is_pure(relative: str) -> None:
    tree = ast.parse((ROOT / relative).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    offending = {name for name in imported if name.split(".")[0].startswith(FORBIDDEN)}
    assert not offending, f"{relative} imports {offending}"
