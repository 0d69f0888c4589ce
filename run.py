#!/usr/bin/env python3
"""Stagecraft: `python run.py` runs the show; `python run.py --help` lists the rest."""
import sys

if __name__ == "__main__":      # not at import: the processes the show spawns import this file too
    from stagecraft.cli import main
    sys.exit(main())
