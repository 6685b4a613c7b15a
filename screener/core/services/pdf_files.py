"""Where a project file's PDFs live: ``<project>_files/pdfs/``, and nowhere else.

A stored path comes from the project file, which anyone may edit, so it is checked every
time it is used: it must be a plain relative path under ``pdfs/`` that, with every
symbolic link followed, still ends inside that folder. Anything else is refused with a
message that says why; nothing outside the folder is ever opened or handed on.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath, PureWindowsPath

from screener.types import ScreenerError

PDFS = "pdfs"


class PdfPathError(ScreenerError):
    """A stored PDF path that points outside the project's PDF folder."""


def confined(folder: Path, stored: str) -> Path:
    """The absolute path of ``stored`` (relative to ``folder``), which must lie inside
    ``folder/pdfs``. Raises ``PdfPathError`` for anything that escapes it."""
    base = folder / PDFS
    why = ""
    if not stored or "\x00" in stored:
        why = "it is empty" if not stored else "it contains a NUL character"
    elif PurePosixPath(stored).is_absolute() or PureWindowsPath(stored).is_absolute() or PureWindowsPath(stored).drive:
        why = "it is an absolute path"
    elif "\\" in stored:
        why = "it contains a backslash"
    elif ".." in PurePosixPath(stored).parts:
        why = "it goes up out of the folder (..)"
    elif PurePosixPath(stored).parts[:1] != (PDFS,) or len(PurePosixPath(stored).parts) < 2:
        why = f"it is not in the {PDFS}/ folder"
    if not why:
        path = folder.joinpath(*PurePosixPath(stored).parts)
        try:
            inside = path.resolve().is_relative_to(base.resolve())
        except (OSError, RuntimeError):  # a symlink loop
            inside = False
        if not inside:
            why = "a symbolic link takes it out of the folder"
        else:
            return path
    raise PdfPathError(f"the stored PDF path {stored!r} was refused: {why} "
                       f"(PDFs must be inside {base})")


def write_pdf(folder: Path, record_id: int, data: bytes, sha256: str) -> tuple[str, bool]:
    """Copy ``data`` into ``folder/pdfs`` as a new file; returns (relative path, whether the
    file was created now). Never overwrites a file: a name is taken only if it is free or
    already holds these very bytes."""
    base = folder / PDFS
    base.mkdir(parents=True, exist_ok=True)
    if base.is_symlink() or not base.resolve().is_relative_to(folder.resolve()):
        raise PdfPathError(f"{base} is a link to somewhere else; PDFs are not written through it")
    for n in range(100):
        name = f"{record_id}-{sha256[:12]}" + (f"-{n}" if n else "") + ".pdf"
        target = base / name
        if target.exists() or target.is_symlink():
            if not target.is_symlink() and target.is_file() and target.stat().st_size == len(data) \
                    and target.read_bytes() == data:
                return f"{PDFS}/{name}", False
            continue
        created = False
        try:
            with open(target, "xb") as f:  # "x": fails if the name was taken meanwhile
                created = True
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        except FileExistsError:
            continue
        except OSError as e:  # a full disk, say: no half-written PDF is left behind
            if created:
                target.unlink(missing_ok=True)
            raise ScreenerError(f"cannot write the PDF into {base}: {e.strerror or e}") from None
        return f"{PDFS}/{name}", True
    raise ScreenerError(f"cannot find a free file name for record {record_id}'s PDF in {base}")


def remove_new(folder: Path, relative: str) -> None:
    """Take back a file written by ``write_pdf`` whose database row was never committed."""
    try:
        confined(folder, relative).unlink(missing_ok=True)
    except (PdfPathError, OSError):
        pass
