"""``python -m giamngheo_desktop`` — the command line."""

import sys

from giamngheo_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
