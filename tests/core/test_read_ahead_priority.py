"""Reading processes yield the core to the importer from the moment they are started:
while they load the reading code, the importer loads its own and opens the project, and
on two cores the import's first rows are stored sooner if the importer goes first."""

from __future__ import annotations

import os

from screener.core import read_ahead


def test_reading_processes_run_at_the_lower_priority_from_their_start() -> None:
    readers = read_ahead._Readers(2)
    try:
        # Right after they were started, while they are still loading the reading code
        # (a tenth of a second or so): lowering their priority only after that would
        # let them slow the importer's own start.
        seen = [os.getpriority(os.PRIO_PROCESS, p.pid) for p in readers.processes]
        alive = [p.is_alive() for p in readers.processes]
    finally:
        readers.stop()
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    assert alive == [True, True]
    assert seen == [min(ours + read_ahead.READER_NICENESS, 19)] * 2, (seen, ours)
