"""Run a command and write its own CPU time, peak memory and wall time (JSON) to a file.

    python bench/launch.py RESULT.json TIMEOUT_SECONDS command args…

Why a launcher: on Linux a child's ru_maxrss starts from the memory of the process that started it (the
counter is carried over fork and exec), so a command started by a harness that holds 60 MB could never report
less than 60 MB. Started from this small process instead, the figure is the command's own (it cannot read less
than this launcher's ~10 MB). The CPU time is the command's alone, from os.wait4 on it.
"""

import json
import os
import subprocess
import sys
import threading
import time


def main() -> int:
    result_path, timeout, command = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
    started = time.perf_counter()
    process = subprocess.Popen(command)
    timer = threading.Timer(timeout, process.kill)
    timer.daemon = True
    timer.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    timer.cancel()
    peak = usage.ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else usage.ru_maxrss / 1024
    with open(result_path, "w") as out:
        json.dump({"returncode": os.waitstatus_to_exitcode(status), "wall_s": wall,
                   "cpu_s": usage.ru_utime + usage.ru_stime, "peak_mb": peak, "timed_out": wall >= timeout}, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
