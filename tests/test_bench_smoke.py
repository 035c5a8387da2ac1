"""The benchmark harness (bench/run.py, `make bench`) runs end to end on tiny sizes and reports every scenario.

Only that it runs is checked: its figures are never asserted here (speed is measured by `make bench`, not tested).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "bench" / "run.py"


def test_the_quick_harness_runs_every_scenario_and_writes_its_results(tmp_path):
    scenarios = subprocess.run([sys.executable, str(RUN), "--list"], capture_output=True, text=True, check=True,
                               cwd=ROOT).stdout.split()
    assert "parse" in scenarios and "backfill" in scenarios
    out = tmp_path / "results.json"
    completed = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--items", "300", "--pages", "2", "--repeat", "1", "--out", str(out)],
        capture_output=True, text=True, timeout=280, cwd=ROOT,
    )
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-3000:]
    results = json.loads(out.read_text("utf-8"))
    assert list(results["scenarios"]) == scenarios
    for name, row in results["scenarios"].items():
        assert row["ok"], f"scenario {name}: {row['error']}\n{row.get('traceback') or row.get('stderr_tail') or ''}"
        for key in ("wall_s", "cpu_s", "peak_mb", "requests", "rows_written", "files_rewritten", "steps", "figures"):
            assert key in row, f"scenario {name} has no {key}"
        assert row["steps"] and row["figures"], f"scenario {name} measured nothing"
    assert results["meta"]["items"] == 300
