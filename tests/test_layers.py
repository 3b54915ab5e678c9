"""Only annotator/ui may import Qt: the model must stay usable without a display."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "annotator"
QT_FREE = ["core", "store", "formats", "session"]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_qt_import_outside_ui_in_source() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for layer in QT_FREE
        for path in (PACKAGE / layer).rglob("*.py")
        if any(name.split(".")[0] in {"PySide6", "shiboken6"} for name in _imported_modules(path))
    ]
    assert offenders == []


def test_importing_every_model_module_loads_no_qt() -> None:
    modules = [
        "annotator." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        for layer in QT_FREE
        for path in (PACKAGE / layer).rglob("*.py")
    ]
    modules = [m.removesuffix(".__init__") for m in modules] + ["annotator.cli"]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
