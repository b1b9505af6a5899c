"""Giảm nghèo Desktop — entry point only: ``python main.py [--demo] [--db FILE]``."""

import sys

from ui.app import run

if __name__ == "__main__":
    sys.exit(run(sys.argv))
