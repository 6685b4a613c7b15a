"""Where bundled resources and per-user files live, from source and inside a bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs

APP = "Screener"


def resource_root() -> Path:
    """The ``resources/`` folder: beside the package from source, or in the PyInstaller
    bundle (``sys._MEIPASS``) when frozen."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


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
