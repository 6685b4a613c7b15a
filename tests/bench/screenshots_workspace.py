"""Screenshots of the workspace from the real app under Xvfb, driven with xdotool (run by hand):

    Xvfb :29 -screen 0 1440x900x24 &  DISPLAY=:29 openbox &
    .venv/bin/python tests/bench/screenshots_workspace.py --display :29 [--out resources/screenshots]

Builds the team project (tests/bench/workspace_project.py), starts ``screener gui`` on it in
its own process with a fresh home folder, and as ana: combines filters in the Screen tab,
tags a selection in one step (the confirmation, then the result), shows the Team tab, and
imports the re-run search as an update through File ▸ Import. Each screen is captured with
ImageMagick's ``import -window root``. Clicks are at places in a 1440 x 880 window at the
top left of the screen, as openbox places it on this display; look at every picture.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "resources" / "screenshots"


class Driver:
    def __init__(self, display: str, out: Path) -> None:
        self.env = {**os.environ, "DISPLAY": display}
        self.out = out

    def xdo(self, *args: str) -> str:
        done = subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True)
        return done.stdout

    def wait_window(self, name: str, timeout: float = 30.0) -> list[str]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            found = self.xdo("search", "--name", name).split()
            if found:
                return found
            time.sleep(0.2)
        raise SystemExit(f"no window named {name!r} appeared")

    def click(self, x: int, y: int, *modifiers: str, pause: float = 0.6) -> None:
        for m in modifiers:
            self.xdo("keydown", m)
        self.xdo("mousemove", str(x), str(y), "click", "1")
        for m in modifiers:
            self.xdo("keyup", m)
        time.sleep(pause)

    def keys(self, *keys: str, pause: float = 0.6) -> None:
        self.xdo("key", *keys)
        time.sleep(pause)

    def type(self, text: str, pause: float = 0.4) -> None:
        self.xdo("type", text)
        time.sleep(pause)

    def shoot(self, name: str) -> None:
        time.sleep(1.0)
        subprocess.run(["import", "-window", "root", str(self.out / name)], env=self.env, check=True)
        print("wrote", self.out / name)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--display", default=os.environ.get("DISPLAY", ":29"))
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="sw-", dir="/tmp"))  # a short path: the file list shows it whole
    project, rerun = work / "team.screener", work / "lens_rerun_2024-07.ris"
    subprocess.run([sys.executable, str(ROOT / "tests" / "bench" / "workspace_project.py"), str(project),
                    "--update-file", str(rerun)], check=True)
    home = work / "home"
    env = {**os.environ, "DISPLAY": args.display, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    app = subprocess.Popen([str(ROOT / ".venv" / "bin" / "screener"), "gui", str(project)], env=env, cwd=work)
    d = Driver(args.display, args.out)
    try:
        d.wait_window("Who is screening")
        d.keys("Return", pause=1.0)  # ana
        for w in d.wait_window("—"):
            d.xdo("windowmove", w, "0", "0", "windowsize", w, "1440", "880")
        time.sleep(2.0)
        # filters combined: all records; pending or excluded; from Lens; 2015–2020; "review"
        d.click(52, 99)
        d.keys("Down", "Return", pause=1.5)
        d.click(36, 127, pause=1.0)  # Filters ▸
        d.click(18, 176)  # Final status ▸
        d.click(58, 204)  # Pending
        d.click(58, 246)  # Excluded
        d.click(18, 274)  # Source ▸
        d.click(58, 302)  # Lens
        d.click(68, 153)
        d.keys("ctrl+a")
        d.type("2015")
        d.keys("Tab")
        d.keys("ctrl+a")
        d.type("2020")
        d.keys("Tab")
        d.click(265, 99)
        d.type("review")
        d.keys("Return", pause=2.0)
        d.shoot("workspace_filters.png")
        # bulk tagging: a run with Shift, one more with Ctrl, then Tag… in the bar
        d.click(150, 423)
        d.click(150, 518, "shift")
        d.click(150, 589, "ctrl", pause=1.0)
        d.click(219, 820, pause=1.5)  # Tag…
        d.keys("ctrl+a")
        d.type("needs a second look")
        d.keys("Return", pause=1.5)
        d.shoot("workspace_bulk_tag_confirm.png")
        d.keys("Return", pause=2.0)
        d.shoot("workspace_bulk_tag_done.png")
        # the team panel
        d.click(476, 70, pause=2.5)
        d.shoot("workspace_team.png")
        # a search update through File ▸ Import
        d.keys("ctrl+i", pause=2.0)
        d.click(955, 255, pause=2.0)  # Add files…
        d.type(str(rerun))
        d.keys("Return", pause=1.5)
        d.keys("alt+d")  # Search date
        d.keys("ctrl+a")
        d.type("2024-07-01")
        d.keys("Tab")
        d.keys("alt+u", pause=1.0)  # an update of an earlier search
        d.shoot("workspace_update_dialog.png")
        d.keys("Return", pause=1.0)  # Import, the dialog's default button (focus is on the check box)
        d.wait_window("Search update imported")
        d.shoot("workspace_update_done.png")
    finally:
        app.terminate()
        app.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
