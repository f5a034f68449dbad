"""The house: imports point one way (import-linter, run by ``make check``) and none hides inside a function.

A function-local import is how a module dodges an import circle; the layers make every circle an error,
so only the CLI, which loads whatever command is asked for, may import inside a function.
"""
from __future__ import annotations

import ast

from tests.support import ROOT

ALLOWED = {ROOT / "webapp" / "cli.py"}


def _lines(path) -> list[int]:
    """Imports inside a function body (module-level ``if TYPE_CHECKING:`` blocks are not function-local)."""
    functions = [n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    return sorted({node.lineno for fn in functions for node in ast.walk(fn) if isinstance(node, ast.Import | ast.ImportFrom)})


def _local_imports(path) -> list[str]:
    return [f"{path.relative_to(ROOT)}:{n}" for n in _lines(path)]


def test_no_function_local_imports_outside_the_cli():
    sources = [p for p in (ROOT / "webapp").rglob("*.py") if "migrations" not in p.parts and p not in ALLOWED]
    assert len(sources) > 60
    assert [where for path in sources for where in _local_imports(path)] == []


def test_the_check_finds_a_local_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import os\n\n\ndef f():\n    from webapp import db\n    return db\n")
    assert _lines(module) == [5]
