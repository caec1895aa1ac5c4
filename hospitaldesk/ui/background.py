"""Run slow work off the Tk thread; hand results back through after() (Tk is not thread-safe)."""
from __future__ import annotations

import logging
import queue
import threading
import tkinter as tk
from collections.abc import Callable
from typing import Any

from hospitaldesk.services.session import release_thread_connection

log = logging.getLogger("hospitaldesk.ui")

Progress = Callable[[float, str], None]
POLL_MS = 50


class Job:
    """A running piece of work. `cancel()` asks it to stop; the work checks `cancelled`."""

    def __init__(self) -> None:
        self._cancel = threading.Event()
        self.done = False

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()


def run_in_thread(
    widget: tk.Misc,
    work: Callable[[Job, Progress], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
    on_progress: Callable[[float, str], None] | None = None,
) -> Job:
    """Start `work(job, progress)` in a thread; exactly one of on_done/on_error runs later on the Tk thread."""
    job = Job()
    messages: queue.Queue[tuple[str, Any]] = queue.Queue()

    def progress(fraction: float, note: str = "") -> None:
        messages.put(("progress", (fraction, note)))

    def target() -> None:
        try:
            result = work(job, progress)
        except BaseException as exc:  # noqa: BLE001 - handed to on_error on the Tk thread
            log.exception("background work failed")
            messages.put(("error", exc))
        else:
            messages.put(("done", result))
        finally:
            release_thread_connection()

    def poll() -> None:
        try:
            while True:
                kind, payload = messages.get_nowait()
                if kind == "progress":
                    if on_progress is not None:
                        on_progress(*payload)
                    continue
                job.done = True
                (on_done if kind == "done" else on_error)(payload)
                return
        except queue.Empty:
            pass
        try:
            widget.after(POLL_MS, poll)
        except tk.TclError:
            job.cancel()  # the window is gone

    threading.Thread(target=target, name="hospitaldesk-worker", daemon=True).start()
    widget.after(POLL_MS, poll)
    return job
