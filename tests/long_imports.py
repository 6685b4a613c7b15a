"""A long import in another process, for tests of what happens alongside it.

``write_export`` writes a RIS export of ``n`` records (generated: numbered titles, a
few authors, an abstract of a few hundred characters), large enough at 80,000 records
(about 30 MB) to be read by the reading processes. ``ImportInAnotherWindow`` runs
``screener import`` on it as a separate process, as a second window or a script would,
and can hold it still while it holds the project's write lock.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from screener.store.sqlite_file import import_running

ABSTRACT = (
    "Background: peer support workers are part of many mental health services. Methods: we "
    "followed {i} people for two years in a randomised trial across community teams. Results: "
    "recovery scores rose more with peer support than with usual care alone. Conclusions: peer "
    "roles help when the services around them are ready for them."
)


def write_export(path: Path, n: int) -> Path:
    path.write_text(
        "".join(
            f"TY  - JOUR\nTI  - Peer support in mental health services, study {i}\nAU  - Moran, G. S.\n"
            f"AU  - Russinova, Z.\nAU  - Author{i % 97}, A.\nPY  - {2000 + i % 25}\n"
            f"JO  - Epidemiol Psychiatr Sci\nAB  - {ABSTRACT.format(i=i)}\nER  - \n\n"
            for i in range(1, n + 1)
        ),
        encoding="utf-8",
    )
    return path


def screener_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "screener", *args]


class ImportInAnotherWindow:
    """``screener import PROJECT FILE --source Big`` in a process of its own."""

    def __init__(self, project: Path, export: Path) -> None:
        self.project = project
        self.process = subprocess.Popen(
            screener_command("import", str(project), str(export), "--source", "Big", "--json"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.stopped = False

    def wait_until_storing(self, timeout: float = 120) -> None:
        """Until the import holds the write lock (its mark is locked)."""
        deadline = time.monotonic() + timeout
        while not import_running(str(self.project)):
            if self.process.poll() is not None:
                raise AssertionError(f"the import ended first: {self.process.communicate()}")
            if time.monotonic() > deadline:
                raise AssertionError("the import never started storing")
            time.sleep(0.02)

    def hold(self) -> None:
        """Stop the import where it is, write lock and all (SIGSTOP)."""
        os.kill(self.process.pid, signal.SIGSTOP)
        self.stopped = True

    def go_on(self) -> None:
        if self.stopped:
            os.kill(self.process.pid, signal.SIGCONT)
            self.stopped = False

    def finish(self, timeout: float = 300) -> tuple[str, str]:
        self.go_on()
        out, err = self.process.communicate(timeout=timeout)
        assert self.process.returncode == 0, err
        return out, err

    def kill(self) -> None:
        self.go_on()
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
