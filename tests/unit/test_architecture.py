"""House rules from ARCHITECTURE.md that a test can hold: no tkinter below ui/, no side effects on import."""
from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import hospitaldesk

PACKAGE_DIR = Path(hospitaldesk.__file__).parent
CONFTEST = Path(__file__).resolve().parent.parent / "conftest.py"


def non_gui_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages([str(PACKAGE_DIR)], prefix="hospitaldesk."):
        if info.name.startswith(("hospitaldesk.ui", "hospitaldesk.__main__")):
            continue
        names.append(info.name)
    return sorted(names)


def import_in_fresh_interpreter(modules: list[str]) -> dict[str, object]:
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "from hospitaldesk.db.connection import database\n"
        "import hospitaldesk.i18n as i18n\n"
        "print(json.dumps({'tk': sorted(m for m in sys.modules if m.split('.')[0] in ('tkinter', '_tkinter', 'ttkbootstrap')),"
        " 'db_bound': database.obj is not None, 'null_catalog': type(i18n._translations).__name__}))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    return json.loads(result.stdout)


def test_every_non_gui_module_imports_without_tkinter() -> None:
    modules = non_gui_modules()
    assert "hospitaldesk.services.catalogs" in modules and "hospitaldesk.cli" in modules
    assert import_in_fresh_interpreter(modules)["tk"] == []


def test_importing_opens_no_database_and_installs_no_catalog() -> None:
    report = import_in_fresh_interpreter(non_gui_modules())
    assert report["db_bound"] is False
    assert report["null_catalog"] == "NullTranslations"


def test_shared_conftest_does_not_import_tkinter() -> None:
    script = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('shared_conftest', {str(CONFTEST)!r})\n"
        "spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('tkinter', '_tkinter', 'ttkbootstrap')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"
