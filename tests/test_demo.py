"""`make demo`'s script end to end: two runs against the project's own pages of both sites, the feeds and
notifications it prints, the feeds served, and nothing left running."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

SCRIPT = ROOT / "demo" / "run_demo.py"


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "aggregator").exists(), reason="needs `make install` (.venv)")
def test_the_demo_shows_feeds_and_notifications_and_leaves_nothing_running():
    done = subprocess.run([sys.executable, str(SCRIPT), "--serve-seconds", "1"], cwd=ROOT, capture_output=True,
                          text=True, timeout=180)
    out = done.stdout
    assert done.returncode == 0, done.stdout + done.stderr
    assert out.count("exit code 0") == 2
    assert "the first run: everything is history, nobody is notified" in out
    assert re.search(r"all\.atom\s+13 entries", out) and re.search(r"all\.atom\s+15 entries", out)
    assert re.search(r"topics/hearings\.atom\s+8 entries", out)
    assert "Email received by the local SMTP server: 1" in out
    assert "To staff@kommune.example: Ny høring: Høring om digital beredskap i kommunene (frist " in out
    assert "List-Unsubscribe: <mailto:unsubscribe@kommune.example?subject=unsubscribe%20hearings-mail>" in out
    assert "Webhook messages received: 2" in out and "Nye tiltak for raskere bosetting" in out
    assert re.search(r"The feeds are served at http://127\.0\.0\.1:\d+/", out)
    assert "every server is stopped and the work folder removed" in out
    assert "WARNING" not in out and "Traceback" not in done.stderr
    if shutil.which("pgrep"):
        leftover = subprocess.run(["pgrep", "-f", "aggregator serve --port 0"], capture_output=True, text=True)
        assert leftover.stdout.strip() == ""
