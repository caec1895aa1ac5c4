"""Composition root: settings, language, logging; then the CLI or the window."""
from __future__ import annotations

import argparse
import sys

from hospitaldesk import cli, config, i18n
from hospitaldesk.logs import setup_logging


def _language(argv: list[str], settings: config.Settings) -> str:
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--lang", choices=config.LANGUAGES)
    known, _rest = pre.parse_known_args(argv)
    return known.lang or settings.language


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    setup_logging()
    settings = config.load_settings()
    i18n.setup(_language(argv, settings))
    args = cli.build_parser().parse_args(argv)  # exits 2 on wrong usage
    if args.command in (None, "gui"):
        from hospitaldesk.ui.main_window import run_gui  # tkinter only when a window is wanted

        return run_gui(config.resolve_db_path(args.db), settings)
    return cli.run(args)
