"""Loading a configuration reads the kinds' declarations only: no HTTP client, feed parser or HTML parser is loaded
(a kind names its fetch as "module:function", loaded when a source of it is fetched)."""

from __future__ import annotations

import subprocess
import sys

from helpers import ROOT

HEAVY = ("httpx", "feedparser", "selectolax", "lxml", "feedgen", "jinja2", "icalendar", "sqlite_utils")


def test_loading_the_shipped_config_loads_no_client_and_no_parser():
    code = ("import sys\nfrom aggregator.config import load_config\nconfig = load_config(sys.argv[1])\n"
            "assert config.sources\n"
            f"print(','.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))")
    done = subprocess.run([sys.executable, "-c", code, str(ROOT / "config.toml")], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
