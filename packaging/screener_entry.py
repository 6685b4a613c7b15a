"""Entry script for the PyInstaller bundle: the same ``screener`` command as the wheel's."""

import multiprocessing
import sys

from screener.cli.main import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
