"""The packaging files, checked without building: the desktop entry opens a project through the
real command line, the file type, menu entry and AppStream metadata agree with each other, the
bundle's data files land where the frozen app looks for them, and the icons are there.

The real build and its smoke test are packaging/build_and_check.sh (minutes, not run here)."""

from __future__ import annotations

import configparser
import importlib.util
import shlex
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

import screener
from screener.cli.main import build_parser

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
LINUX = PACKAGING / "linux"
APP_ID = "io.github.screener.Screener"
MIME = "application/x-screener-project"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"packaging_{name}", PACKAGING / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(LINUX / f"{APP_ID}.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def split_list(value: str) -> list[str]:
    return [v for v in value.split(";") if v]


def test_desktop_entry_is_an_application_for_screener_projects() -> None:
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Screener"
    assert entry["Icon"] == APP_ID
    assert entry["Terminal"] == "false"
    assert split_list(entry["MimeType"]) == [MIME]
    assert set(split_list(entry["Categories"])) >= {"Science", "Education", "Office"}
    assert split_list(entry["Keywords"])
    assert entry["Comment"]


def test_desktop_exec_opens_the_double_clicked_project_in_the_gui(tmp_path: Path) -> None:
    # The file manager replaces %f with the file's path; the result must be a command line
    # the real parser takes as "open this project in the GUI".
    project = tmp_path / "my review.screener"
    argv = [project.as_posix() if a == "%f" else a for a in shlex.split(desktop_entry()["Exec"])]
    assert argv[0] == "screener"
    args = build_parser().parse_args(argv[1:])
    assert args.command == "gui"
    assert args.project == project.as_posix()
    # Started from the menu (no file), it opens the GUI on no project.
    argv = [a for a in shlex.split(desktop_entry()["Exec"]) if a != "%f"]
    args = build_parser().parse_args(argv[1:])
    assert (args.command, args.project) == ("gui", None)


def test_mime_type_registers_screener_files_as_sqlite_projects() -> None:
    root = ET.parse(LINUX / "screener-mime.xml").getroot()
    types = root.findall(f"{MIME_NS}mime-type")
    assert [t.get("type") for t in types] == [MIME]
    mime = types[0]
    assert [g.get("pattern") for g in mime.findall(f"{MIME_NS}glob")] == ["*.screener"]
    assert mime.find(f"{MIME_NS}sub-class-of").get("type") == "application/vnd.sqlite3"
    assert mime.find(f"{MIME_NS}comment").text == "Screener project"
    assert mime.find(f"{MIME_NS}icon").get("name") == APP_ID


def test_project_files_really_are_sqlite(tmp_path: Path) -> None:
    """The mime type says a .screener is SQLite; the store must write exactly that."""
    from screener.core.project import Project

    path = tmp_path / "p.screener"
    Project.create(path, title="t").close()
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"


def test_metainfo_names_the_same_app_and_mime_type() -> None:
    root = ET.parse(LINUX / f"{APP_ID}.metainfo.xml").getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("name") == "Screener"
    assert root.findtext("summary")
    assert root.find("description/p") is not None
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license") == "MIT"
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    launchable = root.find("launchable")
    assert launchable.get("type") == "desktop-id"
    assert launchable.text == f"{APP_ID}.desktop"
    assert (LINUX / launchable.text).is_file()
    assert [m.text for m in root.findall("provides/mediatype")] == split_list(desktop_entry()["MimeType"])
    assert [b.text for b in root.findall("provides/binary")] == ["screener"]
    assert root.find("content_rating").get("type", "").startswith("oars-")


def test_metainfo_release_is_this_version() -> None:
    root = ET.parse(LINUX / f"{APP_ID}.metainfo.xml").getroot()
    releases = [r.get("version") for r in root.findall("releases/release")]
    assert releases[0] == screener.__version__


def test_metainfo_screenshots_exist_in_the_repository() -> None:
    root = ET.parse(LINUX / f"{APP_ID}.metainfo.xml").getroot()
    images = [i.text for i in root.findall("screenshots/screenshot/image")]
    assert images
    assert root.findall("screenshots/screenshot")[0].get("type") == "default"
    for url in images:
        assert url.startswith("https://")
        assert "/resources/screenshots/" in url
        name = url.rsplit("/resources/screenshots/", 1)[1]
        assert (ROOT / "resources" / "screenshots" / name).is_file(), name


def bundled(meipass: Path) -> set[Path]:
    """Where each data file of the spec ends up inside a bundle whose _MEIPASS is ``meipass``."""
    return {meipass / dest / Path(src).name for src, dest in load("bundle_data").bundle_datas(ROOT)}


def test_bundle_has_the_resources_where_the_frozen_app_looks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from screener import paths

    files = bundled(tmp_path)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.resource_root() == tmp_path / "resources"
    for folder in ("demo", "prisma"):
        for source in (ROOT / "resources" / folder).iterdir():
            assert paths.resource_path(folder, source.name) in files, source
    assert paths.resource_path("icons", "screener.svg") in files
    assert not any("screenshots" in f.parts for f in files)


def test_bundle_has_every_migration_where_alembic_looks(tmp_path: Path) -> None:
    from screener.store import engine

    # A frozen module's __file__ is _MEIPASS/<its import path>.pyc; engine.MIGRATIONS is
    # computed from it, so the migrations must sit beside it inside the bundle.
    frozen_file = tmp_path / Path(*engine.__name__.split(".")).with_suffix(".pyc")
    frozen_migrations = frozen_file.with_name(engine.MIGRATIONS.name)
    files = bundled(tmp_path)
    needed = [p for p in engine.MIGRATIONS.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert {"env.py", "script.py.mako"} <= {p.name for p in needed}
    assert any(p.parent.name == "versions" and p.suffix == ".py" for p in needed)
    for path in needed:
        assert frozen_migrations / path.relative_to(engine.MIGRATIONS) in files, path
    assert not any(f.suffix == ".pyc" or "__pycache__" in f.parts for f in files)


def test_spec_uses_the_data_list_and_builds_one_folder_named_screener() -> None:
    text = (PACKAGING / "screener.spec").read_text(encoding="utf-8")
    compile(text, "screener.spec", "exec")
    assert "bundle_datas(ROOT)" in text
    assert "screener_entry.py" in text
    assert 'name="Screener"' in text  # COLLECT: dist/Screener/
    assert 'name="screener"' in text  # the program: dist/Screener/screener
    assert "exclude_binaries=True" in text  # one folder, not one file


@pytest.mark.parametrize("size", ICON_SIZES)
def test_icon_png_exists_at_each_size(size: int) -> None:
    png = ROOT / "resources" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (size, size)


def test_windows_and_macos_icons_exist() -> None:
    ico = (PACKAGING / "icons" / "screener.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1)
    widths = {ico[6 + 16 * i] or 256 for i in range(count)}  # 0 means 256
    assert {16, 32, 48, 256} <= widths
    icns = (PACKAGING / "icons" / "screener.icns").read_bytes()
    assert icns[:4] == b"icns"
    assert struct.unpack(">I", icns[4:8])[0] == len(icns)


def test_double_clicked_project_opens_in_the_gui(tmp_path: Path) -> None:
    entry = load("screener_entry")
    project = tmp_path / "review.screener"
    project.write_bytes(b"")
    assert entry._argv([str(project)]) == ["gui", str(project)]
    # Everything else is the command line, unchanged.
    assert entry._argv(["batches", str(project)]) == ["batches", str(project)]
    assert entry._argv([str(tmp_path / "missing.screener")]) == [str(tmp_path / "missing.screener")]
    assert entry._argv(["--version"]) == ["--version"]


@pytest.mark.parametrize("script", ["build_and_check.sh", "linux/install.sh"])
def test_shell_scripts_parse(script: str) -> None:
    shell = "bash" if script.endswith("build_and_check.sh") else "sh"
    result = subprocess.run([shell, "-n", str(PACKAGING / script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
