"""What editing and deleting a record from a list share: a dialog over its current values (or the
message when it cannot be read), and a deletion asked first, with the password when it is due."""
from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from typing import Any

from hospitaldesk.errors import HospitalDeskError
from hospitaldesk.i18n import _
from hospitaldesk.services.forms import FieldSpec
from hospitaldesk.ui import dialogs
from hospitaldesk.ui.sign_in import password_again
from hospitaldesk.ui.widgets.action_dialog import ActionDialog


def edit_dialog(parent: tk.Misc, title: str, specs: list[FieldSpec], load: Callable[[], dict[str, Any]],
                save: Callable[[dict[str, Any]], Any], on_done: Callable[[], None], **options: Any) -> ActionDialog | None:
    """An ActionDialog showing `load()`'s values that `save(values)` on Save; None after saying why it cannot open."""
    try:
        values = load()
    except HospitalDeskError as exc:
        dialogs.show_error(parent, exc.message)
        return None
    return ActionDialog(parent, title, "", specs, values, save, _("Save"),
                        on_done=on_done, **options)


def delete_after_asking(parent: tk.Misc, question: str, delete: Callable[[], object]) -> bool:
    """Ask, then the password when it is due, then `delete()`; False when refused or it failed (the message shown)."""
    if not dialogs.ask_yes_no(parent, question) or not password_again(parent, "delete"):
        return False
    try:
        delete()
    except HospitalDeskError as exc:
        dialogs.show_error(parent, exc.message)
        return False
    return True

