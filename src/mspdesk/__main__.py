"""`python -m mspdesk` runs the same entry point as the `mspdesk` script."""

from mspdesk.cli import main

raise SystemExit(main())
