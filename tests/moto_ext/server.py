#!/usr/bin/env python3
"""moto's server with the SSM extension (ssm_ext.py) applied.

Takes the same arguments as ``moto_server`` (it calls moto's own ``moto.server.main``), e.g.

    .venv/bin/python tests/moto_ext/server.py -H 127.0.0.1 -p 5000

Requests are served by moto's werkzeug app in threads of this process, so the patched classes serve every
request. Operations neither moto nor the extension implement behave as with ``moto_server`` (HTTP 500).
"""

from __future__ import annotations

import os
import sys

# Run as a script (the usual way) the directory is already on sys.path; imported from elsewhere it may not be.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import ssm_ext  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    ssm_ext.apply()
    print(
        f"moto_ext: SSM extension applied; added {', '.join(ssm_ext.ADDED_OPERATIONS)}; "
        f"replaced {', '.join(ssm_ext.FIXED_OPERATIONS)}",
        file=sys.stderr,
        flush=True,
    )
    from moto.server import main as moto_main

    moto_main(argv)


if __name__ == "__main__":
    main()
