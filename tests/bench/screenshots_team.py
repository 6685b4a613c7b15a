"""Screenshots of a team project on a server, with a second client's work arriving live
(run by hand, on an X display with a window manager):

    Xvfb :24 -screen 0 1440x900x24 & DISPLAY=:24 openbox &
    DISPLAY=:24 .venv/bin/python tests/bench/screenshots_team.py [--out resources/screenshots]

Starts a throwaway PostgreSQL server, puts the demo review on it (ana, ben, carla), runs the
real app (``screener gui``) as its own process, connects through the Connect dialog, and
then lets a second process (the ``screener`` command, as ben and carla) decide and resolve
while the window is open. Captures the screen with ImageMagick's ``import`` before and after.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "resources" / "screenshots"


def sh(*args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, env=env).stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    assert os.environ.get("DISPLAY"), "run on an X display (Xvfb) with a window manager"
    import psycopg

    from screener.core.project import Project
    from screener.paths import resource_path
    from screener.types import run_work
    from tests.pg import PostgresServer, pg_bin_dir

    tmp = Path(tempfile.mkdtemp(prefix="screener-team-shots-"))
    env = dict(os.environ, HOME=str(tmp / "home"), XDG_CONFIG_HOME=str(tmp / "config"),
               XDG_DATA_HOME=str(tmp / "data"), XDG_STATE_HOME=str(tmp / "state"),
               QT_QPA_PLATFORM="xcb")
    env.pop("PYTHON_KEYRING_BACKEND", None)
    bindir = pg_bin_dir()
    assert bindir is not None
    server = PostgresServer(bindir)
    server.start()
    app = None
    try:
        with psycopg.connect(host="127.0.0.1", port=server.port, user=server.user,
                             dbname="postgres", autocommit=True) as conn:
            conn.execute("CREATE ROLE ana LOGIN")
            conn.execute('CREATE DATABASE "peer_review" OWNER ana')
        url = f"postgresql+psycopg://ana@127.0.0.1:{server.port}/peer_review"
        demo = resource_path("demo")
        with Project.create(url, title="Overview of systematic reviews",
                            question="Which systematic reviews evaluate diagnostic tests or "
                                     "health-care interventions in humans?",
                            include_criteria=["Systematic review or meta-analysis",
                                              "Human participants"],
                            exclude_criteria=["Narrative review, editorial or protocol"],
                            reasons=["Wrong study design", "Wrong population"],
                            reviewers_per_record=2) as p:
            p.settings.update(include_terms=["systematic review", "meta-analysis"],
                              exclude_terms=["protocol", "editorial", "narrative"])
            for name, role in (("ana", "reviewer"), ("ben", "reviewer"), ("carla", "resolver")):
                p.settings.add_reviewer(name, role)
            for file, source in (("scopus_seed.ris", "Scopus"), ("lens_baseline.ris", "Lens.org")):
                run_work(p.imports.import_files([demo / file], source=source))
            run_work(p.dedup.run())
            ids = p.records.ids("title_abstract")
            for i, rid in enumerate(ids[:30]):  # ana has screened 30, ben the first 12 of them
                p.screening.decide(rid, "ana", "include" if i % 3 == 0 else "exclude")
                if i < 12:
                    p.screening.decide(rid, "ben", "include" if i % 3 == 0 or i == 4 else "exclude")

        app = subprocess.Popen([sys.executable, "-m", "screener", "gui"], env=env)
        wid = ""
        for _ in range(100):
            time.sleep(0.3)
            try:
                wid = sh("xdotool", "search", "--onlyvisible", "--name", "^Screener$").split()[0]
                break
            except (subprocess.CalledProcessError, IndexError):
                continue
        assert wid, "the window did not appear"
        sh("xdotool", "windowmove", wid, "0", "0")
        sh("xdotool", "windowsize", wid, "1440", "870")
        time.sleep(1.5)
        args.out.mkdir(parents=True, exist_ok=True)

        def shot(name: str, pause: float = 1.2) -> None:
            time.sleep(pause)
            sh("import", "-window", "root", str(args.out / name))
            print("wrote", args.out / name)

        def keys(*k: str) -> None:
            sh("xdotool", "key", "--clearmodifiers", *k)
            time.sleep(0.4)

        def typed(text: str) -> None:
            sh("xdotool", "type", "--delay", "20", text)

        keys("ctrl+shift+o")  # File > Connect to a team project…
        typed("127.0.0.1")
        keys("Tab")
        keys("ctrl+a")
        typed(str(server.port))
        keys("Tab")
        typed("peer_review")
        keys("Tab")
        typed("ana")
        shot("team_connect.png")
        keys("Return")
        time.sleep(3)
        keys("Return")  # the reviewer dialog: ana (first in the list)
        time.sleep(3)
        shot("team_screen_before.png")
        keys("ctrl+3")  # the Conflicts tab
        shot("team_conflicts_before.png")

        # a second process: ben screens ana's next records, carla resolves one conflict
        started = time.time()
        with Project.open(url) as p:
            ids = p.records.ids("title_abstract")
        for i, rid in enumerate(ids[12:24], start=12):  # ben disagrees with ana on every 4th
            ana = "include" if i % 3 == 0 else "exclude"
            decision = ({"include": "exclude", "exclude": "include"}[ana] if i % 4 == 1 else ana)
            sh(sys.executable, "-m", "screener", "decide", url, str(rid), decision,
               "--reviewer", "ben")
        sh(sys.executable, "-m", "screener", "resolve", url, str(ids[4]), "include",
           "--reviewer", "carla", "--note", "Meta-analysis of RCTs: include")
        print(f"second client: 12 decisions and a resolution in {time.time() - started:.1f} s")
        shot("team_conflicts_after.png", pause=2.0)
        keys("ctrl+1")
        shot("team_screen_after.png")

        server.halt()  # the server goes away mid-session
        time.sleep(3)
        keys("i")
        shot("team_connection_lost.png")
        server.resume()
        time.sleep(4)
        shot("team_connection_back.png")
        keys("ctrl+q")
        app.wait(timeout=20)
        app = None

        # the start page lists the team project beside local files
        sh(sys.executable, "-c", "import sys; sys.argv[1:] and None\n"
           "from PySide6.QtCore import QCoreApplication as A\n"
           "from screener.core.demo import ensure_demo_project\n"
           "from screener.gui.recent import RecentProjects\n"
           "a = A([]); A.setOrganizationName('Screener'); A.setApplicationName('Screener')\n"
           f"r = RecentProjects(); r.add(ensure_demo_project({str(tmp / 'files')!r})); r.add({url!r})",
           env=env)
        app = subprocess.Popen([sys.executable, "-m", "screener", "gui"], env=env)
        time.sleep(5)
        wid = sh("xdotool", "search", "--onlyvisible", "--name", "^Screener$").split()[0]
        sh("xdotool", "windowmove", wid, "0", "0")
        sh("xdotool", "windowsize", wid, "1440", "870")
        shot("team_start_page.png", pause=2)
        keys("ctrl+q")
        app.wait(timeout=20)
        app = None
    finally:
        if app is not None:
            app.kill()
        server.stop()


if __name__ == "__main__":
    main()
