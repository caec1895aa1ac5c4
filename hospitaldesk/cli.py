"""Command line: each subcommand opens the store, calls a service, prints, sets the exit code.

Exit codes: 0 done, 1 failed (nothing changed), 2 wrong usage.
"""
from __future__ import annotations

import argparse
import os
import json
import logging
import sys
from collections.abc import Callable
from typing import Any
from pathlib import Path

from hospitaldesk import __version__, cli_networks, cli_sync, config
from hospitaldesk.db.store import open_store
from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import _

log = logging.getLogger("hospitaldesk.cli")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hospitaldesk", description=_("HospitalDesk: technique transfer between hospitals, offline."))
    parser.add_argument("--db", metavar="PATH", help=_("database file (default: HOSPITALDESK_DB or the user data folder)"))
    parser.add_argument("--lang", choices=config.LANGUAGES, help=_("language of messages: vi or en"))
    parser.add_argument("--user", metavar="NAME", help=_("sign in as this account (the password is asked, or read from HOSPITALDESK_PASSWORD)"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("gui", help=_("open the window (the default)"))
    init = sub.add_parser("init", help=_("set up this installation with its site name"))
    init.add_argument("--site", required=True, metavar="NAME", help=_("the name of this site, e.g. 'Bệnh viện Đa khoa tỉnh Sóc Trăng'"))
    init.add_argument("--admin", metavar="USERNAME", help=_("also create the administrator account (its password is asked, "
                                                            "or read from HOSPITALDESK_NEW_PASSWORD)"))
    init.add_argument("--admin-name", metavar="FULL_NAME", help=_("the administrator's full name (default: the user name)"))
    sub.add_parser("demo", help=_("add demo data (safe to run again)"))
    check = sub.add_parser("check", help=_("check the database: integrity, schema version, counts"))
    check.add_argument("--json", action="store_true", help=_("print JSON"))
    lst = sub.add_parser("list", help=_("list reference data"))
    lst.add_argument("what", choices=("agreements", "assessments", "enrollments", "facilities", "networks", "provinces", "specialties",
                                      "staff", "techniques"))
    lst.add_argument("--search", default="", metavar="TEXT", help=_("only rows matching this text (accents and case ignored)"))
    lst.add_argument("--json", action="store_true", help=_("print a JSON array"))
    backup = sub.add_parser("backup", help=_("copy the database to a backup file, verified"))
    backup.add_argument("-o", "--output", required=True, metavar="FILE", help=_("backup file to write"))
    restore = sub.add_parser("restore", help=_("replace the database by a backup (the current one is kept beside it)"))
    restore.add_argument("file", metavar="FILE", help=_("backup file to restore"))
    prn = sub.add_parser("print", help=_("print a document to a PDF file: a contract, an amendment, a blank checklist, a readiness report, "
                                         "a training certificate, a commitment letter, a retention report, a 6-monthly review"))
    prn.add_argument("document", choices=("contract", "amendment", "checklist", "readiness", "certificate", "commitment", "retention",
                                          "review"))
    prn.add_argument("id", metavar="ID", nargs="?", default="", help=_(
        "contract/amendment: the id or number (e.g. 05/HĐ-CGKT); checklist: the technique's id or code; readiness: the assessment's id; "
        "certificate/commitment: the training's id (list enrollments); retention: the facility's code (e.g. CM-SANNHI)"))
    prn.add_argument("--facility", metavar="CODE", help=_("checklist: print this facility's name on the form; review: only this hospital "
                                                          "(its code, e.g. CM-SANNHI)"))
    cli_networks.add_period_arguments(prn)
    prn.add_argument("-o", "--output", required=True, metavar="FILE", help=_("PDF file to write"))
    imp = sub.add_parser("import-staff", help=_("import staff and their trainings from an Excel (.xlsx) or CSV file: all rows or none"))
    imp.add_argument("file", metavar="FILE", help=_("the .xlsx or .csv file"))
    imp.add_argument("--facility", metavar="CODE", help=_("the facility of rows that do not name one (its code, e.g. CM-SANNHI)"))
    imp.add_argument("--dry-run", action="store_true", help=_("check the file and say what would be imported, without writing"))
    verify = sub.add_parser("verify-pdf", help=_("check a printed contract or amendment against the database"))
    verify.add_argument("file", metavar="FILE", help=_("the PDF file"))
    users = sub.add_parser("users", help=_("accounts: add one, list them, change or reset a password"))
    users_sub = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = users_sub.add_parser("add", help=_("add an account (the first one is the administrator); its password is asked, "
                                             "or read from HOSPITALDESK_NEW_PASSWORD"))
    add.add_argument("username", metavar="USERNAME", help=_("e.g. hanh.nguyen"))
    add.add_argument("--name", required=True, metavar="FULL_NAME", help=_("the person's full name"))
    add.add_argument("--role", required=True, choices=("administrator", "editor", "viewer"))
    users_list = users_sub.add_parser("list", help=_("list the accounts"))
    users_list.add_argument("--json", action="store_true", help=_("print a JSON array"))
    passwd = users_sub.add_parser("passwd", help=_("change your password, or (administrator) set someone else's; the new one is asked, "
                                                   "or read from HOSPITALDESK_NEW_PASSWORD"))
    passwd.add_argument("username", metavar="USERNAME")
    aud = sub.add_parser("audit", help=_("the audit log: who changed what and when; 'audit verify' checks its hash chain"))
    aud.add_argument("check", nargs="?", choices=("verify",), help=_("verify: check the chain (exit 1 when it is broken)"))
    aud.add_argument("--record", metavar="ID", help=_("only the entries of this record"))
    aud.add_argument("--by", metavar="NAME", help=_("only the entries of this user"))
    aud.add_argument("--limit", type=int, default=500, help=_("at most this many entries, newest first (default 500)"))
    aud.add_argument("--json", action="store_true", help=_("print a JSON array"))
    cli_sync.add_parsers(sub)
    cli_networks.add_parsers(sub)
    sub.add_parser("version", help=_("print the version"))
    return parser


def _print(line: str = "") -> None:
    print(line, flush=True)


def cmd_init(args: argparse.Namespace) -> int:
    from hospitaldesk.services.site import init_site

    password = _secret(NEW_PASSWORD_ENV, _("New password for {user}: ").format(user=args.admin), twice=True) if args.admin else ""
    if args.admin:  # checked before the site is set up: a wrong name must not leave a site without its administrator
        from hospitaldesk.errors import ValidationError
        from hospitaldesk.services.accounts import account_errors

        errors = account_errors(args.admin, args.admin_name or args.admin, "administrator", password)
        if errors:
            raise ValidationError(errors)
    init_site(args.site)
    _print(_("Set up '{site}' in {path}.").format(site=args.site.strip(), path=args.db_path))
    if args.admin:
        from hospitaldesk.services import authority

        user = authority.add_account(args.admin, args.admin_name or args.admin, "administrator", password)
        _print(_("Account '{user}' added ({role}).").format(user=user.username, role=user.role_label))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from hospitaldesk.services.demo import load_demo

    counts = load_demo()
    added = sum(counts.values())
    _print(_("Demo data ready in {path} ({count} rows added).").format(path=args.db_path, count=added))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from hospitaldesk.services.maintenance import check

    report = check()
    if args.json:
        _print(json.dumps({"path": report.path, "site": report.site, "schema_version": report.schema_version,
                           "latest_schema": report.latest_schema, "ok": report.ok, "problems": report.problems,
                           "counts": report.counts}, ensure_ascii=False, indent=2))
    else:
        _print(_("Database: {path}").format(path=report.path))
        _print(_("Site: {site}").format(site=report.site or _("(not set up)")))
        _print(_("Schema version: {version} (latest {latest})").format(version=report.schema_version, latest=report.latest_schema))
        for name, count in report.counts.items():
            _print(f"  {name}: {count}")
        _print(_("Integrity: OK") if report.ok else _("Integrity: PROBLEMS"))
        for problem in report.problems:
            _print(f"  ! {problem}")
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_list(args: argparse.Namespace) -> int:
    from hospitaldesk.services.catalogs import all_rows, catalog

    if args.what == "agreements":
        return _list_agreements(args)
    if args.what == "assessments":
        return _list_assessments(args)
    if args.what == "enrollments":
        return _list_enrollments(args)
    if args.what == "networks":
        return cli_networks.list_networks(args)
    columns = catalog(args.what).columns
    return _emit(args, all_rows(args.what, args.search), lambda row: [str(row.get(c.key, "")) for c in columns])


def _emit(args: argparse.Namespace, rows: list[dict[str, Any]], line: Callable[[dict[str, Any]], list[str]]) -> int:
    """The rows as a JSON array (--json), or one tab-separated line each."""
    if args.json:
        _print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    for row in rows:
        _print("\t".join(line(row)))
    return EXIT_OK


def _list_agreements(args: argparse.Namespace) -> int:
    from hospitaldesk.services.agreement_terms import STATUSES, label
    from hospitaldesk.services.agreements import summaries

    return _emit(args, summaries(args.search),
                 lambda row: [row["number"], label(STATUSES, row["status"]), row["transferring"], row["receiving"], row["title"], row["id"]])


def _list_assessments(args: argparse.Namespace) -> int:
    from hospitaldesk.services import readiness_terms
    from hospitaldesk.services.assessments import summaries
    from hospitaldesk.services.readiness_print import percent

    return _emit(args, summaries(search=args.search), lambda row: [
        row["date"], row["facility"], row["technique"], percent(row["index"]), _("ready") if row["ready"] else _("not ready"),
        readiness_terms.label(readiness_terms.ASSESSMENT_STATUS, row["status"]), row["id"]])


def _list_enrollments(args: argparse.Namespace) -> int:
    from hospitaldesk.services.enrollments import listing

    return _emit(args, listing(search=args.search), lambda row: [
        row["staff"], row["technique"], row["status_label"], row["end_on"], row["certificate_number"], row["commitment_ends_on"], row["id"]])


def cmd_print(args: argparse.Namespace) -> int:
    from hospitaldesk.services import agreements, amendments, contract_print

    output = Path(args.output)
    if args.document == "review":
        return cli_networks.print_review(args, output)
    if not args.id:
        raise HospitalDeskError(_("Say which {document} to print: its id or number after the word.").format(document=args.document))
    if args.document in ("checklist", "readiness"):
        return _print_readiness(args, output)
    if args.document in ("certificate", "commitment", "retention"):
        return _print_trainee_document(args, output)
    if args.document == "contract":
        agreement = agreements.resolve(args.id)
        contract_print.print_contract(agreement.id, output)
        _print(_("Contract {number} written to {path}.").format(number=agreement.number, path=output))
    else:
        amendment = amendments.resolve(args.id)
        contract_print.print_amendment(amendment.id, output)
        _print(_("Amendment {number} written to {path}.").format(number=amendment.number, path=output))
    return EXIT_OK


def _print_readiness(args: argparse.Namespace, output: Path) -> int:
    from hospitaldesk.services import readiness_print

    if args.document == "checklist":
        technique = readiness_print.resolve_technique(args.id)
        facility = readiness_print.resolve_facility(args.facility) if args.facility else None
        readiness_print.print_checklist(technique.id, output, facility)
        _print(_("Checklist for {technique} written to {path}.").format(technique=technique.name, path=output))
    else:
        readiness_print.print_readiness(args.id, output)
        _print(_("Readiness report written to {path}.").format(path=output))
    return EXIT_OK


def _print_trainee_document(args: argparse.Namespace, output: Path) -> int:
    from hospitaldesk.services import trainee_print
    from hospitaldesk.services.readiness_print import resolve_facility

    if args.document == "certificate":
        trainee_print.write(trainee_print.certificate_pdf(args.id), output)
    elif args.document == "commitment":
        trainee_print.write(trainee_print.commitment_pdf(args.id), output)
    else:
        trainee_print.write(trainee_print.retention_pdf(resolve_facility(args.id)), output)
    _print(_("Written to {path}.").format(path=output))
    return EXIT_OK


def cmd_import_staff(args: argparse.Namespace) -> int:
    from hospitaldesk.services import staff_import
    from hospitaldesk.services.readiness_print import resolve_facility

    facility = str(resolve_facility(args.facility)) if args.facility else ""
    report = staff_import.import_staff(Path(args.file), facility, dry_run=args.dry_run)
    for warning in report.warnings:
        print(_("Warning: {message}").format(message=warning), file=sys.stderr)
    if report.errors:
        for error in report.errors:
            print(staff_import.describe(error), file=sys.stderr)
        print(_("Nothing was imported: {count} problems in {file}. Correct them and import the file again.").format(
            count=len(report.errors), file=report.file), file=sys.stderr)
        return EXIT_FAILED
    for matched in report.matched:
        _print(_("Row {row}: {name} is already recorded ({by}); not added again.").format(row=matched.row, name=matched.name, by=matched.matched_by))
    summary = _("{rows} rows: {people} new people, {trainings} new trainings ({known} trainings already recorded).").format(
        rows=report.rows, people=report.people_new, trainings=report.trainings_new, known=report.trainings_existing)
    _print((_("Dry run, nothing written. ") if args.dry_run else _("Imported. ")) + summary)
    return EXIT_OK


def cmd_verify_pdf(args: argparse.Namespace) -> int:
    from hospitaldesk.services.contract_print import verify_pdf

    result = verify_pdf(Path(args.file))
    _print(result.message)
    return EXIT_OK if result.matches else EXIT_FAILED


def cmd_backup(args: argparse.Namespace) -> int:
    from hospitaldesk.services.maintenance import backup

    target = backup(Path(args.output))
    _print(_("Backup written and verified: {path}").format(path=target))
    return EXIT_OK


PASSWORD_ENV, NEW_PASSWORD_ENV = "HOSPITALDESK_PASSWORD", "HOSPITALDESK_NEW_PASSWORD"


def _secret(env: str, prompt: str, twice: bool = False) -> str:
    """A password from the environment, or typed without echo; never from the command line,
    where other users of the PC could read it."""
    if os.environ.get(env):
        return os.environ[env]
    if not sys.stdin.isatty():
        raise HospitalDeskError(_("No password: type it when asked, or set {env}.").format(env=env))
    import getpass

    typed = getpass.getpass(prompt)
    if twice and getpass.getpass(_("Again: ")) != typed:
        raise HospitalDeskError(_("The two passwords differ. Nothing was changed."))
    return typed


def sign_in(args: argparse.Namespace) -> None:
    """Accounts exist: every command runs as a signed-in user, with that user's rights."""
    from hospitaldesk.services import authority

    authority.sign_out()  # one command, one sign-in
    if not authority.sign_in_required():
        return
    if not args.user:
        raise HospitalDeskError(_("This installation has accounts: add --user NAME (the password is asked, or read from {env}).")
                                .format(env=PASSWORD_ENV))
    authority.sign_in(args.user, _secret(PASSWORD_ENV, _("Password for {user}: ").format(user=args.user)))


def cmd_users(args: argparse.Namespace) -> int:
    from hospitaldesk.services import accounts, authority

    if args.users_command == "list":
        authority.require("read")
        return _emit(args, accounts.list_accounts(), lambda row: [row["username"], row["full_name"], row["role_label"],
                                                                   "" if row["active"] else _("switched off")])
    new = _secret(NEW_PASSWORD_ENV, _("New password for {user}: ").format(user=args.username), twice=True)
    if args.users_command == "add":
        user = authority.add_account(args.username, args.name, args.role, new)
        _print(_("Account '{user}' added ({role}).").format(user=user.username, role=user.role_label))
        return EXIT_OK
    me = authority.current_user()
    if me is not None and me.username == accounts.clean_username(args.username):
        authority.change_own_password(_secret(PASSWORD_ENV, _("Current password: ")), new)
    else:
        authority.reset_password(args.username, new)
    _print(_("Password of '{user}' changed.").format(user=accounts.clean_username(args.username)))
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    from hospitaldesk.services import audit_log

    if args.check == "verify":
        report = audit_log.verify()
        if args.json:
            _print(json.dumps({"ok": report.ok, "entries": report.entries, "head_seq": report.head_seq,
                               "head_hash": report.head_hash, "message": report.message}, ensure_ascii=False, indent=2))
        else:
            _print(report.message)
        return EXIT_OK if report.ok else EXIT_FAILED
    found = audit_log.entries(user=args.by or "", record_id=args.record or "", limit=max(1, args.limit))
    rows, labels = [e.as_dict() for e in found], {e.seq: e.action_label for e in found}
    return _emit(args, rows, lambda e: [str(e["seq"]), e["at"], e["user"] or "—", labels[e["seq"]], e["table"], e["record_id"],
                                        json.dumps(e["changes"], ensure_ascii=False)])


def cmd_restore(args: argparse.Namespace) -> int:
    from hospitaldesk.services.maintenance import restore

    kept = restore(Path(args.file))
    _print(_("Restored from {source}. The previous database was kept as {kept}.").format(source=args.file, kept=kept))
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "init": cmd_init,
    "demo": cmd_demo,
    "check": cmd_check,
    "list": cmd_list,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "print": cmd_print,
    "verify-pdf": cmd_verify_pdf,
    "import-staff": cmd_import_staff,
    "users": cmd_users,
    "audit": cmd_audit,
    **cli_sync.COMMANDS,
    **cli_networks.COMMANDS,
}


def run(args: argparse.Namespace) -> int:
    """Run one non-GUI command; every failure a user can cause ends in one clear line on stderr."""
    if args.command == "version":
        _print(f"HospitalDesk {__version__}")
        return EXIT_OK
    args.db_path = config.resolve_db_path(args.db)
    try:
        opened = open_store(args.db_path)
        for warning in opened.warnings:
            print(_("Warning: {message}").format(message=warning), file=sys.stderr)
        sign_in(args)
        return COMMANDS[args.command](args)
    except HospitalDeskError as exc:
        print(_("Error: {message}").format(message=exc.message), file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader (e.g. `| head`) stopped early: not a failure. Point stdout at nothing so
        # Python's flush at exit does not complain again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - last line of defence: log it, say it plainly
        log.exception("command %s failed", args.command)
        print(_("Error: unexpected problem ({detail}). Nothing was changed. Details are in the log file.").format(detail=type(exc).__name__), file=sys.stderr)
        return EXIT_FAILED


