"""Where the read-only files shipped with the app live (assets/, locales/).

They sit beside the package in a source checkout and inside the bundle of a
frozen (PyInstaller) build; never relative to the current directory.
"""
from __future__ import annotations

import sys
from pathlib import Path


def app_root() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def assets_dir() -> Path:
    return app_root() / "assets"


def reference_dir() -> Path:
    return assets_dir() / "reference"


def locales_dir() -> Path:
    return app_root() / "locales"
