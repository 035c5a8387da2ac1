"""`make demo`'s script end to end: three runs against the project's own pages of both sites, the feeds and
notifications it prints, the feeds served, and nothing of its own left running."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

SCRIPT = ROOT / "demo" / "run_demo.py"


def still_running(group: int) -> list[str]:
    """The processes of this process group that still run, as "pid (name) state" from /proc (one that ended and waits
    to be reaped, a zombie, runs no more). Without /proc: whether the group has any process (signal 0 sends none)."""
    if not Path("/proc/self/stat").exists():
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return []
        return [f"a process in group {group}"]
    running = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):  # it ended meanwhile
            head, tail = stat.read_text().rsplit(")", 1)
            state, _, pgrp = tail.split()[:3]
            if int(pgrp) == group and state != "Z":
                running.append(f"{head}) {state}")
    return running


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "aggregator").exists(), reason="needs `make install` (.venv)")
def test_the_demo_shows_feeds_and_notifications_and_leaves_nothing_running(tmp_path):
    # The demo runs in a session of its own: every process it starts (its `aggregator run`s, `aggregator serve`) is
    # in its process group, and no other checkout's demo is, so what is left there afterwards is the demo's own.
    # Its output goes to files, not pipes: a process it left behind holding them cannot keep the test waiting.
    with open(tmp_path / "out", "w+", encoding="utf-8") as stdout, open(tmp_path / "err", "w+", encoding="utf-8") as stderr:
        demo = subprocess.Popen([sys.executable, str(SCRIPT), "--serve-seconds", "1"], cwd=ROOT, stdout=stdout,
                                stderr=stderr, start_new_session=True)
        try:
            demo.wait(timeout=180)
            left_running = still_running(demo.pid)
        finally:
            with contextlib.suppress(ProcessLookupError):  # on a failure or a timeout: leave nothing behind either
                os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()
    out, err = (tmp_path / "out").read_text("utf-8"), (tmp_path / "err").read_text("utf-8")
    assert demo.returncode == 0, out + err
    assert out.count("exit code 0") == 3
    assert "the first run: everything is history, nobody is notified" in out
    assert re.search(r"all\.atom\s+13 entries", out) and re.search(r"all\.atom\s+15 entries", out)
    assert re.search(r"topics/hearings\.atom\s+8 entries", out)
    assert "Email received by the local SMTP server: 1" in out
    assert "To staff@kommune.example: Ny høring: Høring om digital beredskap i kommunene (frist " in out
    assert "List-Unsubscribe: <mailto:unsubscribe@kommune.example?subject=unsubscribe%20hearings-mail>" in out
    assert "Webhook messages received: 2" in out and "Nye tiltak for raskere bosetting" in out
    # Stortinget's half: a committee's hearing, and KS's input to it linked both ways
    assert "A Stortinget hearing, in committees/komforv.atom (Kommunal- og forvaltningskomiteen (KOMFORV))" in out
    assert "  Høring: Midlertidige regler for fordrevne fra Ukraina" in out
    assert "    | KS har gitt innspill: Høringsinnspill til kommunal- og forvaltningskomiteen" in out
    assert "links back to it: Høringsinnspill til kommunal- og forvaltningskomiteen om midlertidige regler for " \
           "fordrevne fra Ukraina → https://www.stortinget.no/no/Hva-skjer-pa-Stortinget/Horing/horing/?h=10005601" in out
    assert re.search(r"The feeds are served at http://127\.0\.0\.1:\d+/", out)
    assert "every server is stopped and the work folder removed" in out
    assert "WARNING" not in out and "Traceback" not in err
    assert left_running == [], "processes the demo started still run"
