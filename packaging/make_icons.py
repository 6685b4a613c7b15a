"""Render resources/icons/screener.svg to the PNGs, .ico and .icns that desktops and bundles use.

Run from anywhere: ``python packaging/make_icons.py``. Uses Qt's own SVG renderer, so no
other tool is needed; works offscreen. Writes

* ``resources/icons/screener-<size>.png`` (the app's own window icon sizes);
* ``resources/icons/hicolor/<size>x<size>/apps/io.github.screener.Screener.png`` and
  ``resources/icons/hicolor/scalable/apps/io.github.screener.Screener.svg``: the freedesktop
  icon theme layout, ready to copy into ``~/.local/share/icons/hicolor`` (see packaging/README.md);
* ``packaging/icons/screener.ico`` (Windows) and ``packaging/icons/screener.icns`` (macOS),
  only when Pillow is importable (it is in the build venv of build_and_check.sh; it is not a
  dependency of Screener). Without Pillow those two are left as they are.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
BUILD_ICONS = ROOT / "packaging" / "icons"
APP_ID = "io.github.screener.Screener"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def hicolor_png(size: int) -> Path:
    return ICONS / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def render(svg: Path, size: int, out: Path) -> None:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(out)):
        raise SystemExit(f"{out}: could not write")


def windows_and_mac_icons() -> list[Path]:
    """The .ico (16-256 px) and .icns (16-1024 px) made from the rendered PNGs, with Pillow."""
    try:
        from PIL import Image
    except ImportError:
        print("Pillow is not installed: packaging/icons/screener.ico and .icns left as they are",
              file=sys.stderr)
        return []
    BUILD_ICONS.mkdir(parents=True, exist_ok=True)
    ico = BUILD_ICONS / "screener.ico"
    # Pillow scales the largest image down for each size; hand it the sharp renders instead.
    frames = [Image.open(hicolor_png(s)).convert("RGBA") for s in ICO_SIZES]
    frames[-1].save(ico, format="ICO", sizes=[(s, s) for s in ICO_SIZES],
                    append_images=frames[:-1])
    icns = BUILD_ICONS / "screener.icns"
    with tempfile.TemporaryDirectory() as tmp:  # the .icns goes up to 1024 px: render it sharp
        render(ICONS / "screener.svg", 1024, Path(tmp) / "1024.png")
        Image.open(Path(tmp) / "1024.png").convert("RGBA").save(icns, format="ICNS")
    return [ico, icns]


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    svg = ICONS / "screener.svg"
    written: list[Path] = []
    for size in SIZES:
        out = ICONS / f"screener-{size}.png"
        render(svg, size, out)
        written.append(out)
        out = hicolor_png(size)
        render(svg, size, out)
        written.append(out)
    scalable = ICONS / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(svg, scalable)
    written.append(scalable)
    written += windows_and_mac_icons()
    for path in written:
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
