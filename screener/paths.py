"""Where bundled resources and per-user files live, from source and inside a bundle."""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

APP = "Screener"


def resource_root() -> Path:
    """The ``resources/`` folder: in the PyInstaller bundle (``sys._MEIPASS``) when frozen;
    inside the package when installed from a wheel (setup.py puts it there); beside the
    package in a source checkout (and an editable install)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    package = Path(__file__).resolve().parent
    installed = package / "resources"
    if installed.is_dir():
        return installed
    return package.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resource_root().joinpath(*parts)


def user_data_dir() -> Path:
    import platformdirs  # here: a command that never needs it starts without it

    path = Path(platformdirs.user_data_dir(APP, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_log_dir() -> Path:
    import platformdirs  # here: a command that never needs it starts without it

    path = Path(platformdirs.user_log_dir(APP, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_config_dir() -> Path:
    import platformdirs  # here: a command that never needs it starts without it

    path = Path(platformdirs.user_config_dir(APP, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_problem(path: str | os.PathLike[str]) -> str | None:
    """Why ``path`` cannot be read as a file, in words ("no such file", "is a directory",
    "is not a regular file (a named pipe)", "is a symlink loop", …), or None for a regular
    file. Never opens it: opening a named pipe would wait for a writer for ever."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "no such file"
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "is a symlink loop"
        if error.errno == errno.ENOTDIR:
            return "no such file (a part of the path is not a folder)"
        return f"cannot be read: {error.strerror or error}"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a directory"
    kind = ("a named pipe" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "not a file")
    return f"is not a regular file ({kind})"


def user_cache_dir() -> Path:
    """Where caches that can be rebuilt go (not created here)."""
    import platformdirs  # here: a command that never needs it starts without it

    return Path(platformdirs.user_cache_dir(APP, appauthor=False))
