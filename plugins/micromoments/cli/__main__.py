"""``python -m micromoments.cli``."""

import sys

from . import main

sys.exit(main())
