"""A screening package appears under its name only once it is complete: a reviewer (or a
sync tool) who opens or copies it as soon as it shows up gets the whole package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from screener.core.project import Project
from screener.core.services import packages
from screener.types import ScreenerError
from tests.factories import add_batch, make_record, new_project


@pytest.fixture
def project(tmp_path: Path):  # type: ignore[no-untyped-def]
    p = new_project(str(tmp_path / "main.screener"))
    add_batch(p, [make_record(i) for i in range(1, 7)], tmp=tmp_path)
    yield p
    p.close()


def test_the_package_name_never_shows_a_half_written_file(project: Project, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "ana.screener"
    seen_while_writing: list[bool] = []
    write = packages._write_package

    def watched(*args: Any) -> None:
        seen_while_writing.append(target.exists())
        write(*args)
        seen_while_writing.append(target.exists())

    monkeypatch.setattr(packages, "_write_package", watched)
    assert project.packages.create_package("ana", target).records == 6
    assert seen_while_writing == [False, False]
    with Project.open(target) as pkg:
        assert len(pkg.records.ids()) == 6
    assert sorted(p.name for p in tmp_path.glob("ana.screener*")) == ["ana.screener"]
    assert not list(tmp_path.glob(".*partial*"))


def test_a_failed_package_leaves_nothing_behind(project: Project, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(packages, "_write_package", broken)
    with pytest.raises(OSError, match="No space left"):
        project.packages.create_package("ana", tmp_path / "ana.screener")
    assert not list(tmp_path.glob("ana.screener*")) and not list(tmp_path.glob(".*partial*"))


def test_a_file_that_appears_meanwhile_is_never_replaced(project: Project, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "ana.screener"
    write = packages._write_package

    def someone_else_writes_there(*args: Any) -> None:
        write(*args)
        target.write_text("another program's file")

    monkeypatch.setattr(packages, "_write_package", someone_else_writes_there)
    with pytest.raises(ScreenerError, match="choose a new file"):
        project.packages.create_package("ana", target)
    assert target.read_text() == "another program's file"
    assert not list(tmp_path.glob(".*partial*"))
