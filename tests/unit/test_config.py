"""config.py: where the database and settings live, and the settings file."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from hospitaldesk import config


def test_hospitaldesk_home_moves_data_and_config(isolated_environment: Path) -> None:
    assert config.data_dir() == isolated_environment / "data"
    assert config.config_dir() == isolated_environment / "config"
    assert config.backups_dir() == isolated_environment / "data" / "backups"


def test_default_db_path_is_in_the_data_folder(isolated_environment: Path) -> None:
    assert config.resolve_db_path(None) == isolated_environment / "data" / config.DB_FILE_NAME


def test_hospitaldesk_db_beats_the_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOSPITALDESK_DB", str(tmp_path / "env.sqlite3"))
    assert config.resolve_db_path(None) == tmp_path / "env.sqlite3"


def test_command_line_db_beats_hospitaldesk_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOSPITALDESK_DB", str(tmp_path / "env.sqlite3"))
    assert config.resolve_db_path(str(tmp_path / "cli.sqlite3")) == tmp_path / "cli.sqlite3"


def test_missing_settings_file_gives_defaults() -> None:
    assert config.load_settings() == config.Settings(language="vi", theme=config.DEFAULT_THEME)


def test_settings_round_trip_through_the_file() -> None:
    config.save_settings(config.Settings(language="en", theme="minty-light"))
    assert config.load_settings() == config.Settings(language="en", theme="minty-light")


def test_saving_settings_leaves_no_temporary_file() -> None:
    config.save_settings(config.Settings(language="en"))
    assert [p.name for p in config.config_dir().iterdir()] == [config.SETTINGS_FILE_NAME]


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", "", "\x00\x01"])
def test_damaged_settings_file_gives_defaults(content: str) -> None:
    config.settings_path().parent.mkdir(parents=True)
    config.settings_path().write_text(content, encoding="utf-8")
    assert config.load_settings() == config.Settings()


def test_unknown_language_and_theme_in_settings_fall_back_to_defaults() -> None:
    config.settings_path().parent.mkdir(parents=True)
    config.settings_path().write_text(json.dumps({"language": "fr", "theme": "neon", "extra": 1}), encoding="utf-8")
    assert config.load_settings() == config.Settings(language=config.DEFAULT_LANGUAGE, theme=config.DEFAULT_THEME)


def test_non_string_setting_values_are_ignored() -> None:
    config.settings_path().parent.mkdir(parents=True)
    config.settings_path().write_text(json.dumps({"language": 7, "theme": "nord-dark"}), encoding="utf-8")
    assert config.load_settings() == config.Settings(language=config.DEFAULT_LANGUAGE, theme="nord-dark")
