"""`python -m pressmon`: the same as the `pressmon` command."""

import sys

from pressmon.cli import main

sys.exit(main())
