"""deploy/: the cron line and the systemd units that docs/operations.md shows (verified by systemd where present)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from helpers import ROOT

DEPLOY = ROOT / "deploy"


def test_the_cron_line_runs_every_15_minutes_with_a_config():
    lines = [line for line in (DEPLOY / "aggregator.cron").read_text().splitlines() if line and not line.startswith("#")]
    assert len(lines) == 1
    fields = lines[0].split(None, 5)
    assert fields[:5] == ["*/15", "*", "*", "*", "*"]
    assert re.search(r"aggregator run -q --config \S+config\.toml", fields[5])


def test_the_timer_fires_every_15_minutes_and_the_service_runs_with_a_config():
    timer = (DEPLOY / "aggregator.timer").read_text()
    assert "OnCalendar=*:0/15" in timer and "Persistent=true" in timer
    service = (DEPLOY / "aggregator.service").read_text()
    assert re.search(r"ExecStart=\S+/aggregator run -q --config \S+config\.toml", service)
    assert "SuccessExitStatus=3" in service


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_systemd_accepts_the_units(tmp_path):
    # verify needs ExecStart's program to exist: point the copies at this checkout's (or Python's) executable.
    program = ROOT / ".venv" / "bin" / "aggregator"
    program = program if program.exists() else shutil.which("python3")
    for name in ("aggregator.service", "aggregator.timer", "aggregator-serve.service"):
        text = (DEPLOY / name).read_text().replace("/srv/aggregator/.venv/bin/aggregator", str(program))
        (tmp_path / name).write_text(text)
    done = subprocess.run(["systemd-analyze", "verify", *(str(tmp_path / n) for n in
                           ("aggregator.service", "aggregator.timer", "aggregator-serve.service"))],
                          capture_output=True, text=True, timeout=60)
    problems = [line for line in done.stderr.splitlines()
                if "aggregator" in line and not re.search(r"Failed to (create|determine) .*(user|group)|No such file", line)]
    assert not problems, done.stderr  # unknown keys and bad values are warnings (exit 0): any line counts
