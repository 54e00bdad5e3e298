"""Wait until the configured database accepts connections (the container entrypoint runs this).

python -m songrec_site.wait_for_db [--timeout 60]
"""

import argparse
import os
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=60, help="seconds before giving up")
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec_site.settings")

    import django
    from django.db import connection
    from django.db.utils import OperationalError

    django.setup()
    deadline = time.monotonic() + arguments.timeout
    while True:
        try:
            connection.ensure_connection()
        except OperationalError as error:
            if time.monotonic() >= deadline:
                print(
                    f"the database did not answer within {arguments.timeout:g} s: {error}",
                    file=sys.stderr,
                )
                return 1
            time.sleep(1)
        else:
            connection.close()
            return 0


if __name__ == "__main__":
    sys.exit(main())
