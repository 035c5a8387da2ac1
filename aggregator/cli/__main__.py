"""`python -m aggregator.cli`: the command line, as the `aggregator` script runs it."""

import sys

from . import main

sys.exit(main())
