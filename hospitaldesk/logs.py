"""A rotating log file in the data folder: tracebacks go there, never to the user's screen."""
from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from hospitaldesk.config import data_dir

_configured = False


def log_path() -> Path:
    return data_dir() / "logs" / "hospitaldesk.log"


def setup_logging() -> None:
    global _configured
    if _configured:
        return
    _configured = True
    root = logging.getLogger("hospitaldesk")
    root.setLevel(logging.INFO)
    try:
        log_path().parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = RotatingFileHandler(log_path(), maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
