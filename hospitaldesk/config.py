"""Paths and the per-user settings file.

The database defaults to the user's data directory (platformdirs). `--db PATH`
beats `HOSPITALDESK_DB`, which beats the default. `HOSPITALDESK_HOME` moves the
whole data/config root (tests and portable installs use it).
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import platformdirs

APP_DIR_NAME = "HospitalDesk"
DB_FILE_NAME = "hospitaldesk.sqlite3"
SETTINGS_FILE_NAME = "settings.json"

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
# Light themes first: the offices are bright and the screens are old.
THEMES = ("bootstrap-light", "united-light", "sandstone-light", "minty-light", "bootstrap-dark", "nord-dark")
DEFAULT_THEME = "bootstrap-light"


def data_dir() -> Path:
    home = os.environ.get("HOSPITALDESK_HOME")
    if home:
        return Path(home) / "data"
    return Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))


def config_dir() -> Path:
    home = os.environ.get("HOSPITALDESK_HOME")
    if home:
        return Path(home) / "config"
    return Path(platformdirs.user_config_dir(APP_DIR_NAME, appauthor=False))


def backups_dir() -> Path:
    return data_dir() / "backups"


def default_db_path() -> Path:
    return data_dir() / DB_FILE_NAME


def resolve_db_path(cli_value: str | None) -> Path:
    if cli_value:
        return Path(cli_value).expanduser()
    env_value = os.environ.get("HOSPITALDESK_DB")
    if env_value:
        return Path(env_value).expanduser()
    return default_db_path()


@dataclass
class Settings:
    """Per-user preferences kept outside the database (they are not synced)."""

    language: str = DEFAULT_LANGUAGE
    theme: str = DEFAULT_THEME

    def normalised(self) -> "Settings":
        language = self.language if self.language in LANGUAGES else DEFAULT_LANGUAGE
        theme = self.theme if self.theme in THEMES else DEFAULT_THEME
        return Settings(language=language, theme=theme)


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILE_NAME


def load_settings(path: Path | None = None) -> Settings:
    """Read settings; a missing or damaged file gives the defaults, never an error."""
    path = path or settings_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(raw, dict):
        return Settings()
    known = {f.name for f in fields(Settings)}
    values = {k: v for k, v in raw.items() if k in known and isinstance(v, str)}
    return Settings(**values).normalised()


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write atomically (temp file + replace) so a power cut never leaves half a file."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(settings.normalised()), ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)
