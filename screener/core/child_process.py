"""What every worker process Screener starts does first: end when its parent ends.

Reading processes (``read_ahead``) and the ranking process (``ranking_process``) hold no
copy of their parent's standard output, and must not outlive it, whatever the way the
parent ended (``kill -9`` included): a thread waits on the parent's sentinel and exits.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from multiprocessing.connection import wait


def exit_with_parent(thread_name: str) -> None:  # pragma: no cover - runs in the child process
    """End this process as soon as the process that started it ends, whatever the way."""
    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name=thread_name, daemon=True).start()
