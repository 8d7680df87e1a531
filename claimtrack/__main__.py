import sys

from claimtrack.cli import main

sys.exit(main())
