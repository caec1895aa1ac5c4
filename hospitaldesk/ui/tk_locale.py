"""Tk's own dialogs (the file chooser Tk draws on Linux) in the UI language.

Tk translates them with msgcat, which has no Vietnamese catalog; we feed it
ours. Windows and macOS show the system's native dialogs in the system language.
"""
from __future__ import annotations

import tkinter as tk

from hospitaldesk.i18n import N_, _, current_language

# Tk's msgcat keys (tk8.6/tkfbox.tcl) -> our msgids. "&" marks the underlined letter.
TK_DIALOG_MESSAGES = {
    "Open": N_("Open"),
    "Save As": N_("Save As"),
    "&Open": N_("&Open"),
    "&Save": N_("&Save"),
    "&OK": N_("&OK"),
    "&Cancel": N_("&Cancel"),
    "&Yes": N_("&Yes"),
    "&No": N_("&No"),
    "&Directory:": N_("&Directory:"),
    "File &name:": N_("File &name:"),
    "File &names:": N_("File &names:"),
    "Files of &type:": N_("Files of &type:"),
    "&Selection:": N_("&Selection:"),
    "All Files": N_("All Files"),
    "Show &Hidden Files and Directories": N_("Show &Hidden Files and Directories"),
    "Show &Hidden Directories": N_("Show &Hidden Directories"),
}


def install(root: tk.Misc) -> None:
    """Give Tk's msgcat our translations and switch it to the current language."""
    language = current_language()
    try:
        root.tk.call("package", "require", "msgcat")
        for key, msgid in TK_DIALOG_MESSAGES.items():
            root.tk.call("namespace", "eval", "::tk", ["::msgcat::mcset", language, key, _(msgid)])
        root.tk.call("::msgcat::mclocale", language)
    except tk.TclError:
        pass  # an unusual Tk without msgcat: its dialogs stay in English
