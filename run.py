#!/usr/bin/env python3
"""Stagecraft: `python run.py` runs the show; `python run.py --help` lists the rest."""
import sys

from stagecraft.cli import main

if __name__ == "__main__":
    sys.exit(main())
