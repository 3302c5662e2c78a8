#!/usr/bin/env python3
"""Entry point: `python run.py [COMMAND]` (default: demo). Same as the `middleware` console script."""

import sys

from middleware.cli import main

if __name__ == "__main__":
    sys.exit(main())
