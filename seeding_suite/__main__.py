"""`python -m seeding_suite` runs the command line."""

from __future__ import annotations

import sys

from seeding_suite.cli import main

sys.exit(main())
