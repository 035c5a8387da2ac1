"""httpx, loaded without its command-line client.

`import httpx` also imports `httpx._main` (its `httpx` command), which pulls in click, rich and pygments whenever
they are installed (pip-tools brings click; rich is ours): about 60 ms of every run's start-up for a command this
project never calls. httpx falls back to a stub when `httpx._main` cannot be imported; here that module is a stub
from the start, so the rest of httpx loads as it is. Import httpx from this module only.
"""

from __future__ import annotations

import sys
import types

if "httpx" not in sys.modules and "httpx._main" not in sys.modules:
    _cli = types.ModuleType("httpx._main", "httpx's command-line client, not loaded by aggregator (http/_load.py)")

    def _main(*args, **kwargs) -> None:
        raise SystemExit("httpx's command-line client is not loaded inside aggregator")

    _cli.main = _main  # type: ignore[attr-defined]
    sys.modules["httpx._main"] = _cli

import httpx  # noqa: E402

__all__ = ["httpx"]
