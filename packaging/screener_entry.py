"""Entry script for the PyInstaller bundle: the same ``screener`` command as the wheel's.

One addition for desktops: a bundle started with a project file as its only argument (a
double-click on ``*.screener`` through a Windows file association, or macOS's open-document
event turned into ``argv`` by ``argv_emulation``) opens that project in the GUI, as if it had
been started as ``screener gui FILE``. Everything else goes to the command line unchanged.
"""

import multiprocessing
import os
import sys


def _argv(argv: list[str]) -> list[str]:
    if len(argv) == 1 and argv[0].lower().endswith(".screener") and os.path.isfile(argv[0]):
        return ["gui", argv[0]]
    return argv


if __name__ == "__main__":
    multiprocessing.freeze_support()
    from screener.cli.main import main

    sys.exit(main(_argv(sys.argv[1:])))
