"""`aggregator` commands as real processes, forked from one interpreter that has already loaded everything a run
loads (the aggregator, httpx, Apprise and its plugins), so that a kill test's dozens of runs cost the run, not
0.6 s of imports each. Each run is its own OS process: it opens the store, fetches, writes and sends as
`python -m aggregator.cli` would, and SIGKILL ends it as abruptly.

The runner (this file, run as a script) reads one JSON line per run ({"args", "env", "stderr"}) and answers
"PID <pid>" when the run started and "EXIT <pid> <code>" when it ended (-9: killed). Tests use WarmRunner.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class KillMoments:
    """When to kill the next run: at a moment drawn evenly from a little more than a whole run (the median of the
    runs that completed, at first a calibration run with news to send), so that most runs die, at any point of
    their work, delivering included, and some complete."""

    def __init__(self, rng, calibration_seconds: float):
        self.rng, self.durations = rng, [calibration_seconds]

    def next(self) -> float:
        return self.rng.uniform(0.01, 1.25 * statistics.median(self.durations))

    def completed(self, seconds: float) -> None:
        self.durations.append(seconds)

    def wait_or_kill(self, process, begun: float) -> bool:
        """Let a run started at `begun` (time.monotonic) go on until the next moment, and SIGKILL it there (no
        clean-up of any kind); one that completed first must have succeeded. Whether it was killed."""
        try:
            process.wait(timeout=self.next())
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            return True
        self.completed(time.monotonic() - begun)
        assert process.returncode == 0, process.errors()
        return False


class WarmRun:
    """One run: like subprocess.Popen, as far as the kill tests use it."""

    def __init__(self, runner: WarmRunner, pid: int, stderr: Path):
        self.runner, self.pid, self.stderr_path = runner, pid, stderr
        self.returncode: int | None = None

    def wait(self, timeout: float | None = None) -> int:
        code = self.runner.exit_code(self.pid, timeout)
        if code is None:
            raise subprocess.TimeoutExpired(f"run {self.pid}", timeout or 0)
        self.returncode = code
        return code

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):  # it ended by itself meanwhile
            os.kill(self.pid, 9)

    def errors(self) -> str:
        return self.stderr_path.read_text("utf-8", errors="replace") if self.stderr_path.exists() else ""


class WarmRunner:
    def __init__(self, work: Path):
        self.work = work
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen([sys.executable, str(Path(__file__))], cwd=ROOT, env=env, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=1)
        assert self.process.stdout is not None and self.process.stdout.readline().strip() == "READY"
        self.exits: dict[int, int] = {}
        self.started: list[int] = []
        self.changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        self.count = 0

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            word, pid, *rest = line.split()
            with self.changed:
                if word == "PID":
                    self.started.append(int(pid))
                else:
                    self.exits[int(pid)] = int(rest[0])
                self.changed.notify_all()

    def run(self, args: list[str], env: dict[str, str] | None = None) -> WarmRun:
        """Start `aggregator <args>` in a process of its own; its environment is this one's plus `env`."""
        self.count += 1
        stderr = self.work / f"run-{self.count}.stderr"
        assert self.process.stdin is not None
        with self.changed:
            known = len(self.started)
            self.process.stdin.write(json.dumps({"args": args, "env": env or {}, "stderr": str(stderr)}) + "\n")
            self.process.stdin.flush()
            self.changed.wait_for(lambda: len(self.started) > known, timeout=30)
            return WarmRun(self, self.started[known], stderr)

    def exit_code(self, pid: int, timeout: float | None) -> int | None:
        with self.changed:
            self.changed.wait_for(lambda: pid in self.exits, timeout=timeout)
            return self.exits.get(pid)

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(10)


def _serve() -> None:
    import apprise

    import aggregator.cli as cli
    import aggregator.notify.sending
    import aggregator.pipeline  # noqa: F401 (loaded here, once, for every run)
    from aggregator.kinds import get_kind

    for kind in ("feed", "regjeringen", "ks"):
        get_kind(kind)
    apprise.Apprise().add("json://127.0.0.1/warm-up")  # Apprise loads its plugins on the first URL
    lock = threading.Lock()

    def say(line: str) -> None:
        with lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    def reap(pid: int) -> None:
        _, status = os.waitpid(pid, 0)
        say(f"EXIT {pid} {os.waitstatus_to_exitcode(status)}")

    say("READY")
    for line in sys.stdin:
        order = json.loads(line)
        with lock:  # no thread holds the output lock while forking: the child never blocks on it
            pid = os.fork()
        if pid == 0:
            _child(cli, order)
        say(f"PID {pid}")
        threading.Thread(target=reap, args=(pid,), daemon=True).start()


def _child(cli, order: dict) -> None:
    code = 70
    try:
        os.environ.update(order["env"])
        err = os.open(order["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(null, 1)
        os.dup2(err, 2)
        sys.stdin, sys.stdout = open(0, closefd=False), open(1, "w", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
        code = cli.main(order["args"])
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code or 0)


if __name__ == "__main__":
    _serve()
