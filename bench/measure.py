"""How the benchmarks measure: CPU and wall time, peak memory of child processes, rows and files changed."""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Timing:
    wall_s: float = 0.0
    cpu_s: float = 0.0


class timed:
    """`with timed() as t: …` → t.wall_s, t.cpu_s (CPU of every thread of this process)."""

    def __enter__(self) -> Timing:
        self.result = Timing()
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self.result

    def __exit__(self, *exc) -> None:
        self.result.wall_s = time.perf_counter() - self._wall
        self.result.cpu_s = time.process_time() - self._cpu


def peak_mb() -> float:
    """This process's peak resident memory so far (ru_maxrss is in KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def per_call_cpu(work: Callable[[], object], budget_s: float = 0.2, rounds: int = 5) -> float:
    """Median CPU seconds of one call of `work`, over `rounds` rounds of as many calls as fit in `budget_s`."""
    work()  # warm: imports, caches
    start = time.process_time()
    work()
    once = max(time.process_time() - start, 1e-6)
    loops = max(1, int(budget_s / once))
    samples = []
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(loops):
            work()
        samples.append((time.process_time() - start) / loops)
    return statistics.median(samples)


@dataclass
class ChildResult:
    returncode: int
    wall_s: float
    cpu_s: float
    peak_mb: float
    stdout: str = ""
    stderr: str = ""


def run_child(command: list[str], timeout: float = 600, env: dict | None = None, cwd: str | None = None) -> ChildResult:
    """Run a command through bench/launch.py, which reports the command's own CPU time (user + system, from
    os.wait4: what getrusage(RUSAGE_CHILDREN) adds up, for this one child) and its own peak memory (a child
    started straight from a big process would inherit that process's size in ru_maxrss)."""
    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        usage_path = Path(folder) / "usage.json"
        launcher = [sys.executable, str(Path(__file__).with_name("launch.py")), str(usage_path), str(timeout), *command]
        started = time.perf_counter()
        try:
            code = subprocess.run(launcher, stdout=out, stderr=err, env=env, cwd=cwd, timeout=timeout + 30).returncode
        except subprocess.TimeoutExpired:
            code = -9
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
        if not usage_path.exists():
            return ChildResult(code or -1, wall, float("nan"), float("nan"), stdout, stderr + "\n(no usage report)")
        usage = json.loads(usage_path.read_text())
        return ChildResult(usage["returncode"], usage["wall_s"], usage["cpu_s"], usage["peak_mb"], stdout,
                           stderr + ("\n(timed out)" if usage.get("timed_out") else ""))


# ------------------------------------------------------------------------------------------ files


def file_snapshot(folder: Path) -> dict[str, tuple]:
    """Every file under a folder: (modification time, size, inode), to tell which were written."""
    found = {}
    if folder.is_dir():
        for path in folder.rglob("*"):
            if path.is_file():
                stat = path.stat()
                found[str(path.relative_to(folder))] = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    return found


def files_rewritten(before: dict, after: dict) -> list[str]:
    """Files created, replaced, changed or removed between two snapshots."""
    return sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))


# ------------------------------------------------------------------------------------------ rows


@dataclass
class StoreSnapshot:
    """A copy of a store (SQLite's backup API, so the WAL is included) to compare a later state with."""

    path: Path
    folder: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="bench-snapshot-"))

    def __post_init__(self) -> None:
        self.copy = Path(self.folder) / "before.db"
        source = sqlite3.connect(self.path)
        target = sqlite3.connect(self.copy)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()

    def changes(self) -> dict[str, int]:
        """Rows inserted, updated or deleted since the snapshot, per table (only tables with changes)."""
        db = sqlite3.connect(self.path)
        try:
            db.execute("ATTACH DATABASE ? AS old", [str(self.copy)])
            tables = [r[0] for r in db.execute("SELECT name FROM main.sqlite_master WHERE type = 'table' "
                                               "AND name NOT LIKE 'sqlite_%'")]
            old_tables = {r[0] for r in db.execute("SELECT name FROM old.sqlite_master WHERE type = 'table'")}
            found = {}
            for table in tables:
                if table not in old_tables:
                    found[table] = db.execute(f'SELECT count(*) FROM main."{table}"').fetchone()[0]
                    continue
                info = db.execute(f'PRAGMA main.table_info("{table}")').fetchall()
                keys = [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5]] or ["rowid"]
                key = ", ".join(f'"{k}"' if k != "rowid" else k for k in keys)
                new_or_changed = db.execute(f'SELECT count(*) FROM (SELECT * FROM main."{table}" '
                                            f'EXCEPT SELECT * FROM old."{table}")').fetchone()[0]
                gone_or_changed = db.execute(f'SELECT count(*) FROM (SELECT * FROM old."{table}" '
                                             f'EXCEPT SELECT * FROM main."{table}")').fetchone()[0]
                inserted = db.execute(
                    f'SELECT count(*) FROM (SELECT {key} FROM main."{table}" EXCEPT SELECT {key} FROM old."{table}")'
                ).fetchone()[0]
                deleted = gone_or_changed - (new_or_changed - inserted)
                total = new_or_changed + max(deleted, 0)
                if total:
                    found[table] = total
            return found
        finally:
            db.close()

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


# ------------------------------------------------------------------------------------------ profiles


def profile(work: Callable[[], object], top: int = 8, within: str = "aggregator") -> dict:
    """Where `work`'s time goes, in this thread: the functions of `within` by cumulative share, and the functions
    anywhere by own share. cProfile's own clock is wall time (a CPU-time clock would cost more per call than many
    of the functions measured): waiting shows as `posix.fsync` (the disk) and a lock's `acquire` (this thread
    waiting for the HTTP client's helper thread, which does the network exchange)."""
    profiler = cProfile.Profile()
    profiler.enable()
    work()
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = max(stats.total_tt, 1e-9)

    def name(func) -> str:
        filename, line, function = func
        marker = f"{os.sep}{within}{os.sep}"
        short = filename.split(marker, 1)[1] if marker in filename else Path(filename).name
        return f"{short}:{function}" if filename != "~" else function.strip("<>")

    entries = stats.stats.items()  # func -> (calls, primitive calls, own time, cumulative time, callers)
    ours = sorted(((name(f), v[3]) for f, v in entries if f"{os.sep}{within}{os.sep}" in f[0]), key=lambda e: -e[1])
    own = sorted(((name(f), v[2]) for f, v in entries), key=lambda e: -e[1])
    return {
        "total_ms": round(total * 1000, 3),
        "cumulative": [(n, round(100 * t / total, 1)) for n, t in ours[:top]],
        "own": [(n, round(100 * t / total, 1)) for n, t in own[:top]],
    }
