"""Write a file all at once or not at all.

``atomic_write`` writes into a temporary file in the target's own folder (so that the
final ``os.replace`` is a rename on one file system, atomic on POSIX and Windows) and
replaces the target only when the ``with`` block ends without an exception. On an
exception the target is left exactly as it was (or absent) and the temporary file is
removed. A reader never sees a half-written export, and a failed export never destroys
the previous one.

The new file gets the permissions of the file it replaces, or the ordinary
permissions for a new file (0o666 less the umask) rather than the 0o600 of a
temporary file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from screener.types import ScreenerError


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _final_mode(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~_current_umask()


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str],
    mode: str = "w",
    encoding: str | None = "utf-8",
    newline: str | None = "",
) -> Iterator[IO[Any]]:
    """Open a temporary file for writing; on success it replaces ``path``.

    ``mode`` is ``"w"`` (text, the default) or ``"wb"`` (binary; ``encoding`` and
    ``newline`` are then ignored). ``newline=""`` suits the ``csv`` module; pass
    ``newline=None`` for platform line endings in other text formats.
    """
    folder = Path(path).resolve().parent
    if not folder.is_dir():
        raise ScreenerError(f"{path}: the folder {folder} does not exist")
    if mode not in ("w", "wb", "wt"):
        raise ValueError(f"atomic_write supports modes 'w' and 'wb', not {mode!r}")
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    tmp = Path(tmp_name)
    try:
        if "b" in mode:
            fp: IO[Any] = os.fdopen(fd, "wb")
        else:
            fp = os.fdopen(fd, "w", encoding=encoding, newline=newline)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    try:
        with fp:
            yield fp
            fp.flush()
            os.fsync(fp.fileno())
        os.chmod(tmp, _final_mode(target))
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
