"""Hand a file to the program the operating system uses for its type (a PDF viewer, usually)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import _


def open_with_system(path: Path) -> None:
    """Start the default program for `path` and return at once; HospitalDeskError if none could start."""
    try:
        if sys.platform == "win32":
            os.startfile(path)  # noqa: S606 - the user asked to open this very file
        else:
            opener = "open" if sys.platform == "darwin" else "xdg-open"
            # A new session so the viewer outlives us and never shares our terminal or signals.
            subprocess.Popen(
                [opener, str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True,
            )
    except OSError as exc:  # no opener installed, or no program registered for the type (Windows)
        raise HospitalDeskError(_(
            "Could not open {file} in another program: {reason}. Install a PDF viewer, "
            "or save the PDF and open it yourself."
        ).format(file=path, reason=exc.strerror or exc)) from exc
