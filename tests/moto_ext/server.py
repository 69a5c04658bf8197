#!/usr/bin/env python3
"""moto's server with every extension in this directory (``*_ext.py``, listed in README.md) applied.

Takes the same arguments as ``moto_server`` (it calls moto's own ``moto.server.main``), e.g.

    .venv/bin/python tests/moto_ext/server.py -H 127.0.0.1 -p 5000

Each extension module has ``apply()``, ``ADDED_OPERATIONS`` and ``FIXED_OPERATIONS`` (and may have ``SUMMARY``, what
else it does, printed with them). Requests are served by
moto's werkzeug app in threads of this process, so the patched classes serve every request. Operations neither
moto nor an extension implement behave as with ``moto_server`` (HTTP 500).
"""

from __future__ import annotations

import glob
import importlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# Run as a script (the usual way) the directory is already on sys.path; imported from elsewhere it may not be.
sys.path.insert(0, HERE)


def extensions() -> list[str]:
    """The extension modules, by name, sorted."""
    names = (os.path.basename(p)[:-3] for p in glob.glob(os.path.join(HERE, "*_ext.py")))
    return sorted(n for n in names if not n.startswith("test_"))


def main(argv: list[str] | None = None) -> None:
    for name in extensions():
        ext = importlib.import_module(name)
        ext.apply()
        print(
            f"moto_ext: {name} applied; added {', '.join(ext.ADDED_OPERATIONS) or '-'}; "
            f"replaced {', '.join(ext.FIXED_OPERATIONS) or '-'}"
            + (f"; {ext.SUMMARY}" if getattr(ext, "SUMMARY", "") else ""),
            file=sys.stderr,
            flush=True,
        )
    from moto.server import main as moto_main

    moto_main(argv)


if __name__ == "__main__":
    main()
