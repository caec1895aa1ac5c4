"""The command line through the composition root, hospitaldesk.app.main([...])."""
from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from hospitaldesk import __version__, app, cli, config, i18n
from hospitaldesk.resources import locales_dir
from tests.conftest import SITE_NAME

VI_PO = locales_dir() / "vi" / "LC_MESSAGES" / "hospitaldesk.po"


@dataclass
class Result:
    code: int
    out: str
    err: str


Runner = Callable[..., Result]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Runner:
    """Run the app with these arguments; returns exit code, stdout and stderr."""

    def invoke(*argv: str) -> Result:
        capsys.readouterr()
        code = app.main(list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli.sqlite3"


@pytest.fixture
def set_up_db(run: Runner, db: Path) -> Path:
    assert run("--db", str(db), "init", "--site", SITE_NAME).code == 0
    return db


@pytest.fixture
def demo_db(run: Runner, tmp_path: Path) -> Path:
    """A database with the demo data (agreements, assessments), for the commands that read them."""
    path = tmp_path / "demo.sqlite3"
    assert run("--db", str(path), "demo").code == 0
    return path


def site_name_in(path: Path) -> str:
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return str(conn.execute("SELECT name FROM site").fetchone()[0])


# --- version and usage --------------------------------------------------------------------


def test_version_prints_the_version(run: Runner) -> None:
    result = run("version")
    assert result.code == 0
    assert result.out.strip() == f"HospitalDesk {__version__}"


def test_init_without_site_is_a_usage_error(run: Runner, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        run("--db", str(db), "init")
    assert caught.value.code == 2
    assert "--site" in capsys.readouterr().err
    assert not db.exists()


def test_an_unknown_list_is_a_usage_error(run: Runner, db: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        run("--db", str(db), "list", "patients")
    assert caught.value.code == 2


def test_an_unknown_language_is_a_usage_error(run: Runner) -> None:
    with pytest.raises(SystemExit) as caught:
        run("--lang", "fr", "version")
    assert caught.value.code == 2


# --- init ---------------------------------------------------------------------------------


def test_init_sets_up_the_site(run: Runner, db: Path) -> None:
    result = run("--db", str(db), "--lang", "en", "init", "--site", SITE_NAME)
    assert result.code == 0
    assert result.err == ""
    assert str(db) in result.out
    assert site_name_in(db) == SITE_NAME


def test_init_twice_fails_with_one_clear_line(run: Runner, set_up_db: Path) -> None:
    result = run("--db", str(set_up_db), "--lang", "en", "init", "--site", "Bệnh viện Chợ Rẫy")
    assert result.code == 1
    assert result.err.startswith("Error: ")
    assert SITE_NAME in result.err
    assert "Traceback" not in result.err
    assert site_name_in(set_up_db) == SITE_NAME


def test_without_db_the_database_goes_to_the_private_home(run: Runner, isolated_environment: Path) -> None:
    assert run("init", "--site", SITE_NAME).code == 0
    assert (isolated_environment / "data" / config.DB_FILE_NAME).is_file()


def test_hospitaldesk_db_chooses_the_file(run: Runner, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSPITALDESK_DB", str(db))
    assert run("init", "--site", SITE_NAME).code == 0
    assert site_name_in(db) == SITE_NAME


# --- list ---------------------------------------------------------------------------------


def test_list_facilities_json_is_an_array_of_objects_with_id_and_name(run: Runner, set_up_db: Path) -> None:
    result = run("--db", str(set_up_db), "list", "facilities", "--json")
    assert result.code == 0
    rows = json.loads(result.out)
    assert isinstance(rows, list) and len(rows) >= 50
    assert all(isinstance(row, dict) and row["id"] and row["name"] for row in rows)


def test_list_json_keeps_vietnamese_letters_readable(run: Runner, set_up_db: Path) -> None:
    result = run("--db", str(set_up_db), "list", "facilities", "--search", "cho ray", "--json")
    assert "Chợ Rẫy" in result.out


def test_list_search_ignores_accents(run: Runner, set_up_db: Path) -> None:
    result = run("--db", str(set_up_db), "list", "facilities", "--search", "cho ray", "--json")
    assert result.code == 0
    assert [row["name"] for row in json.loads(result.out)] == ["Bệnh viện Chợ Rẫy"]


def test_list_provinces_as_text_prints_one_line_per_row(run: Runner, set_up_db: Path) -> None:
    as_json = json.loads(run("--db", str(set_up_db), "list", "provinces", "--json").out)
    lines = run("--db", str(set_up_db), "list", "provinces").out.splitlines()
    assert len(lines) == len(as_json) >= 27
    assert all("\t" in line for line in lines)


def test_list_on_a_database_without_site_is_empty(run: Runner, db: Path) -> None:
    result = run("--db", str(db), "list", "techniques", "--json")
    assert result.code == 0
    assert json.loads(result.out) == []


# --- check, demo --------------------------------------------------------------------------


def test_check_of_a_sound_database_exits_0(run: Runner, set_up_db: Path) -> None:
    result = run("--db", str(set_up_db), "--lang", "en", "check")
    assert result.code == 0
    assert "Integrity: OK" in result.out
    assert SITE_NAME in result.out


def test_check_json_reports_ok_and_counts(run: Runner, set_up_db: Path) -> None:
    report = json.loads(run("--db", str(set_up_db), "check", "--json").out)
    assert report["ok"] is True
    assert report["site"] == SITE_NAME
    assert report["schema_version"] == report["latest_schema"]
    assert report["counts"]["sites"] == 1


def test_demo_twice_exits_0_and_adds_nothing_the_second_time(run: Runner, db: Path) -> None:
    assert run("--db", str(db), "demo").code == 0
    counts = json.loads(run("--db", str(db), "check", "--json").out)["counts"]
    second = run("--db", str(db), "--lang", "en", "demo")
    assert second.code == 0
    assert "(0 rows added)" in second.out
    assert json.loads(run("--db", str(db), "check", "--json").out)["counts"] == counts


# --- backup and restore -------------------------------------------------------------------


def test_backup_then_restore(run: Runner, set_up_db: Path, tmp_path: Path) -> None:
    backup = tmp_path / "sao-luu.sqlite3"
    assert run("--db", str(set_up_db), "backup", "-o", str(backup)).code == 0
    assert backup.is_file()
    result = run("--db", str(set_up_db), "restore", str(backup))
    assert result.code == 0
    assert list(set_up_db.parent.glob("*replaced*"))
    assert json.loads(run("--db", str(set_up_db), "check", "--json").out)["ok"] is True


def test_restore_of_a_bad_file_exits_1_and_keeps_the_database(run: Runner, set_up_db: Path, tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_text("hello", encoding="utf-8")
    result = run("--db", str(set_up_db), "restore", str(bogus))
    assert result.code == 1
    assert "Traceback" not in result.err
    assert site_name_in(set_up_db) == SITE_NAME


# --- failures -----------------------------------------------------------------------------


def test_a_non_sqlite_database_exits_1_with_a_message_and_no_traceback(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "notsqlite.txt"
    path.write_text("hello", encoding="utf-8")
    result = run("--db", str(path), "check")
    assert result.code == 1
    assert str(path) in result.err
    assert "Traceback" not in result.err
    assert result.out == ""
    assert path.read_text(encoding="utf-8") == "hello"


def test_a_non_sqlite_database_message_in_english(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "notsqlite.txt"
    path.write_text("hello", encoding="utf-8")
    result = run("--db", str(path), "--lang", "en", "check")
    assert result.err.strip() == f"Error: The file {path} is not a HospitalDesk database (not SQLite). Choose another file."


def test_an_unexpected_error_is_logged_and_reported_without_traceback(
    run: Runner, set_up_db: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(_args: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setitem(cli.COMMANDS, "check", explode)
    with caplog.at_level(logging.ERROR, logger="hospitaldesk"):
        result = run("--db", str(set_up_db), "--lang", "en", "check")
    assert result.code == 1
    assert "unexpected problem (RuntimeError)" in result.err
    assert "Traceback" not in result.err and "boom" not in result.err
    assert any(record.exc_info for record in caplog.records)


@pytest.mark.skipif(not VI_PO.exists(), reason=f"the Vietnamese catalog {VI_PO} is not written yet")
def test_lang_vi_gives_vietnamese_messages(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "notsqlite.txt"
    path.write_text("hello", encoding="utf-8")
    vietnamese = i18n.load_translations("vi")
    prefix = vietnamese.gettext("Error: {message}").split("{message}")[0]
    assert prefix and prefix != "Error: ", "'Error: {message}' is not translated in the vi catalog"
    result = run("--db", str(path), "--lang", "vi", "check")
    assert result.code == 1
    assert result.err.startswith(prefix)
    assert "not a HospitalDesk database" not in result.err
