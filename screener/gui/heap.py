"""Keep Python's full garbage collections short while a reviewer works.

A full collection walks every object the process holds; with a large project open (and
Qt's wrappers, SQLAlchemy, the record caches) that can stall the window for hundreds of
milliseconds. Objects that live as long as the open project are moved out of the
collector's sight with ``gc.freeze()`` once they exist: after start-up, after a project
opens, and after an import. Only what is created afterwards is ever walked.
"""

from __future__ import annotations

import gc


def settle_heap() -> None:
    gc.collect()
    gc.freeze()


def settle_young() -> None:
    """After a stretch of work (the screen calls it when the reviewer pauses): collect the
    young generations, which is quick, and move what survived out of sight, so that a full
    collection never has a session's worth of objects to walk in the middle of a key press."""
    gc.collect(1)
    gc.freeze()
