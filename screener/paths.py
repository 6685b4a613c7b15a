"""Where bundled resources and per-user files live, from source and inside a bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs

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
    path = Path(platformdirs.user_data_dir(APP, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_log_dir() -> Path:
    path = Path(platformdirs.user_log_dir(APP, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_config_dir() -> Path:
    path = Path(platformdirs.user_config_dir(APP, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path
