"""Keep Python's cyclic garbage collector out of the way while many objects are built: a
file's records as they are read, the records and pairs of a deduplication, the rows of a
100,000-record list.

Reading a large file allocates millions of small objects (tuples, strings, lists,
records) and no reference cycles. Left alone, the collector traverses them again and
again as they are allocated (more than doubling the reading time of a 100,000-record file),
and once more in one long pass when it is switched back on after a pause.

``gc_paused`` therefore (1) disables the collector while reading, and (2) afterwards moves
every tracked object into the oldest generation with ``gc.freeze()`` + ``gc.unfreeze()``
(a constant-time list splice, no traversal) before switching it back on. The records are
freed by reference counting when they are no longer needed; any cyclic garbage from
elsewhere that was young at that moment is collected at the next full collection instead
of the next young one. Step (2) is skipped if the application has frozen objects itself,
so that they stay frozen.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused(settle: bool = True) -> Iterator[None]:
    """``settle=False`` leaves out step (2): for objects freed at once soon after (the ids
    of a list being replaced), which need not move to the oldest generation."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if settle and gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()
