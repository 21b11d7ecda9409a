"""`reviewapp import --workers 0 SLUG PATH...` with every file slowed down, so that a test can
kill the process while it runs (tests/integration/test_import_resume.py)."""

import os
import sys
import time

from reviewapp.importing import operations

_real = operations.extract_and_parse


def _slow(data, filename, *, limits):
    time.sleep(float(os.environ.get("REVIEWAPP_IMPORT_SLOW_SECONDS", "0.05")))
    return _real(data, filename, limits=limits)


if __name__ == "__main__":
    operations.extract_and_parse = _slow
    from reviewapp.cli import main

    sys.argv = ["reviewapp", "import", "--workers", "0", *sys.argv[1:]]
    main()
