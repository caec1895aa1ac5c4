"""The sync commands of the command line: identity, trust, export, import, conflicts (hospitaldesk/cli.py
registers them). Exit 1 with nothing written on any refusal."""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from hospitaldesk.i18n import _

EXIT_OK, EXIT_FAILED = 0, 1


def add_parsers(sub: argparse._SubParsersAction) -> None:
    ident = sub.add_parser("identity", help=_("print this site's fingerprint; with -o, save its public identity for another site"))
    ident.add_argument("-o", "--output", metavar="FILE", help=_("identity file to write (it holds no secret)"))
    trust = sub.add_parser("trust", help=_("trust another site: accept bundles signed by it (its identity file); without FILE, list trusted sites"))
    trust.add_argument("file", nargs="?", metavar="FILE", help=_("the other site's identity file"))
    exp = sub.add_parser("export", help=_("write a sync bundle (.hdsync) with the records changed since the last one for that site"))
    exp.add_argument("-o", "--output", required=True, metavar="FILE", help=_("bundle file to write"))
    exp.add_argument("--for", dest="peer", default="", metavar="SITE",
                     help=_("the trusted site it is meant for (name or id): encrypted to it, and only what changed since the last bundle for it"))
    exp.add_argument("--full", action="store_true", help=_("every record, not only the changes since the last bundle"))
    imp = sub.add_parser("import", help=_("check a sync bundle and take it in (all or nothing)"))
    imp.add_argument("file", metavar="FILE", help=_("the .hdsync file"))
    imp.add_argument("--dry-run", action="store_true", help=_("only say what it would change, per table"))
    imp.add_argument("--trust-fingerprint", metavar="DIGITS",
                     help=_("the sender's fingerprint as read to you by phone: trust it, when it matches, and import"))
    conf = sub.add_parser("conflicts", help=_("records changed at two sites at once, waiting for a decision"))
    conf.add_argument("--json", action="store_true", help=_("print a JSON array"))


def _print(line: str = "") -> None:
    print(line, flush=True)


def cmd_identity(args: argparse.Namespace) -> int:
    from hospitaldesk.services.sync import identity

    me = identity.write_identity_file(Path(args.output)) if args.output else identity.own_identity()
    _print(_("Site: {name}").format(name=me.name))
    _print(_("Fingerprint: {fingerprint}").format(fingerprint=me.fingerprint))
    if args.output:
        _print(_("Identity written to {path}. Give it to the other site, then read them the fingerprint by phone.").format(path=args.output))
    return EXIT_OK


def cmd_trust(args: argparse.Namespace) -> int:
    from hospitaldesk.services.sync import identity

    if args.file:
        peer = identity.trust(identity.read_identity_file(Path(args.file)))
        _print(_("'{name}' is trusted. Check this fingerprint with them by phone: {fingerprint}").format(
            name=peer.name, fingerprint=peer.fingerprint))
        return EXIT_OK
    for peer in identity.peers():
        _print("\t".join([peer.name, peer.fingerprint, peer.site_id]))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from hospitaldesk.services.sync import export

    made = export.export_bundle(Path(args.output), args.peer, full=args.full)
    _print(_("Bundle written to {path}: {count} record(s), {files} file(s).").format(path=made.path, count=made.total, files=made.files))
    if made.peer:
        _print(_("Encrypted for {name}: only that site can open it.").format(name=made.peer))
    for table, count in made.counts.items():
        _print(f"  {table}\t{count}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from hospitaldesk.services.sync import importing

    try:
        result = importing.import_bundle(Path(args.file), dry_run=args.dry_run, trust_fingerprint=args.trust_fingerprint)
    except importing.UntrustedSiteError as exc:
        print(_("Error: {message}").format(message=exc.message), file=sys.stderr)
        print(_("When the fingerprints match: hospitaldesk import {file} --trust-fingerprint \"{fingerprint}\"").format(
            file=args.file, fingerprint=exc.sender.fingerprint), file=sys.stderr)
        return EXIT_FAILED
    if result.already_imported_at:
        _print(_("This bundle was already imported on {when}; nothing to do.").format(when=result.already_imported_at))
        return EXIT_OK
    _print(_("From {name}, made {when}.").format(name=result.sender.name, when=result.created_at))
    _print("\t".join([_("Table"), _("New"), _("Updated"), _("Deleted"), _("Conflicts"), _("Unchanged")]))
    for table, changes in result.tables.items():
        _print("\t".join([importing.table_label(table), *(str(v) for v in changes.as_dict().values())]))
    totals = result.totals()
    if result.missed_warning:
        print(_("Warning: {message}").format(message=result.missed_warning), file=sys.stderr)
    if result.applied:
        _print(_("Imported. {conflicts} conflict(s) to decide (hospitaldesk conflicts).").format(conflicts=totals.conflicts)
               if totals.conflicts else _("Imported."))
    else:
        _print(_("Preview only: nothing was changed."))
    return EXIT_OK


def cmd_conflicts(args: argparse.Namespace) -> int:
    from hospitaldesk.services.sync import conflicts

    found = conflicts.open_conflicts()
    if args.json:
        _print(json.dumps([c.as_dict() for c in found], ensure_ascii=False, indent=2, default=str))
        return EXIT_OK
    for conflict in found:
        _print("\t".join([str(conflict.id), conflict.table_label, conflict.record_label, conflict.detected_at,
                          ", ".join(d.shown_label for d in conflict.differences)]))
    if not found:
        _print(_("No conflicts."))
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "identity": cmd_identity, "trust": cmd_trust, "export": cmd_export, "import": cmd_import, "conflicts": cmd_conflicts,
}
