"""The benchmark harness (bench/run.py, `make bench`) runs end to end on tiny sizes and reports every scenario.

Only that it runs is checked: its figures are never asserted here (speed is measured by `make bench`, not tested).
One test per scenario (`--smoke --only <name>`: one sample each, no profiles), so that they share the cores.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "bench" / "run.py"
SCENARIOS = subprocess.run([sys.executable, str(RUN), "--list"], capture_output=True, text=True, check=True,
                           cwd=ROOT).stdout.split()


def test_the_harness_knows_every_scenario_of_the_issue():
    assert {"parse", "page", "startup", "unchanged", "build_small", "build_large", "backfill", "large_store"} <= set(SCENARIOS)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_each_scenario_runs_and_writes_its_results(tmp_path, scenario):
    out = tmp_path / "results.json"
    completed = subprocess.run(
        [sys.executable, str(RUN), "--smoke", "--only", scenario, "--items", "300", "--pages", "2", "--repeat", "1",
         "--out", str(out)],
        capture_output=True, text=True, timeout=280, cwd=ROOT,
    )
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-3000:]
    results = json.loads(out.read_text("utf-8"))
    assert list(results["scenarios"]) == [scenario]
    row = results["scenarios"][scenario]
    assert row["ok"], f"scenario {scenario}: {row['error']}\n{row.get('traceback') or row.get('stderr_tail') or ''}"
    for key in ("wall_s", "cpu_s", "peak_mb", "requests", "rows_written", "files_rewritten", "steps", "figures"):
        assert key in row, f"scenario {scenario} has no {key}"
    assert row["steps"] and row["figures"], f"scenario {scenario} measured nothing"
    assert results["meta"]["items"] == 300 and results["meta"]["smoke"] is True
