"""Type hints everywhere, checked: mypy over the whole package (configured in pyproject.toml)."""
from __future__ import annotations

from mypy import api

from hospitaldesk.resources import app_root


def test_package_type_checks_clean() -> None:
    stdout, stderr, status = api.run(["--config-file", str(app_root() / "pyproject.toml"), str(app_root() / "hospitaldesk")])
    assert status == 0, stdout + stderr
