"""What a command loads beyond `aggregator --help`, and what loading it costs (issue 21's target 2).

Three steps, each in fresh processes started through bench/launch.py:

1. record: the real command (`aggregator.cli.main(argv)`, what the `aggregator` script calls) runs with a finder
   first on sys.meta_path that notes every module name in the order its import *starts* (sys.modules itself is
   in the order imports finish, which would replay a package's modules before the package that sets them up);
   at the end, the names that were loaded are written out, in that order. The same for `--help`.
2. replay: a fresh interpreter does what `--help` does, then imports the command's extra modules in that order
   (each name already loaded by an earlier one is skipped), timed with time.process_time: the CPU of loading
   exactly those modules, nothing of the command's work. Names that are no module of their own (a stub a
   package put in sys.modules, Cython's runtime) are not found by the recorder, so are not replayed.
3. importtime: the real command once more under `python -X importtime`, to name the heaviest packages it loaded
   beyond `--help` (wall time, cumulative: where a MISSED figure's time goes).
"""

from __future__ import annotations

import sys
from pathlib import Path

from measure import run_child

# Packages whose loading issue 21 names as the cost of a run's start-up: said loaded or not under the figure.
WATCHED = ("feedgen", "lxml", "icalendar", "jinja2", "apprise", "selectolax", "feedparser", "sqlite_utils",
           "click", "rich", "pygments", "dateutil", "re2", "certifi", "ssl")

# Runs the command with the recorder installed; argv[1] is where to write, argv[2:] the command's arguments.
_RECORD = """\
import sys
order = []
class Recorder:
    def find_spec(self, name, path=None, target=None):
        order.append(name)
        return None
sys.meta_path.insert(0, Recorder())
from aggregator.cli import main
out = sys.argv[1]
sys.stdout = open(__import__('os').devnull, 'w')  # --help's text; a run with -q prints nothing
code = main(sys.argv[2:])
loaded = [name for name in dict.fromkeys(order) if name in sys.modules]
seen = set(loaded)
before = [name for name in sys.modules if name not in seen]  # the interpreter's own start-up, stubs
with open(out, 'w', encoding='utf-8') as file:
    file.write(str(code) + '\\n' + ' '.join(before) + '\\n' + '\\n'.join(loaded))
"""

# What --help loads, then the listed modules timed; argv[1] is the list (one name a line). Only the os module
# (loaded by every interpreter) is used before the timing, so no module of the list is loaded for the harness.
_REPLAY = """\
import os, sys, time
from aggregator.cli import main
real, sys.stdout = sys.stdout, open(os.devnull, 'w')
main(['--help'])
sys.stdout = real
with open(sys.argv[1], encoding='utf-8') as file:
    names = file.read().split()
times, failed = [], []
start = time.process_time()
for name in names:
    if name in sys.modules:
        continue
    began = time.process_time()
    try:
        __import__(name)  # the builtin: importlib itself may be on the list
    except Exception as error:
        failed.append(name + ':' + error.__class__.__name__)
    times.append((name, time.process_time() - began))
total = time.process_time() - start
print('TOTAL', total)
for name, seconds in times:
    print('MODULE', name, seconds)
print('FAILED', ' '.join(failed))
"""


def record(argv: list[str], folder: Path, name: str) -> tuple[int, list[str], set[str]]:
    """`aggregator ARGV` in a fresh process: (exit code, the modules it loaded in the order their import started,
    every module it ended with: those and what the interpreter had loaded before the command began)."""
    out = folder / f"{name}.modules"
    result = run_child([sys.executable, "-c", _RECORD, str(out), *argv])
    if not out.exists():
        raise RuntimeError(f"aggregator {' '.join(argv)} wrote no module list ({result.returncode}): "
                           f"{result.stderr[-800:]}")
    code, before, *names = out.read_text("utf-8").split("\n")
    return int(code), names, set(names) | set(before.split())


def replay(extra: list[str], folder: Path) -> dict:
    """CPU of importing `extra` (in order) after what --help loads, in a fresh process: total and per import."""
    listing = folder / "extra.modules"
    listing.write_text("\n".join(extra), "utf-8")
    result = run_child([sys.executable, "-c", _REPLAY, str(listing)])
    if result.returncode != 0:
        raise RuntimeError(f"replaying the run's imports failed ({result.returncode}): {result.stderr[-800:]}")
    found: dict = {"modules": {}, "failed": []}
    for line in result.stdout.splitlines():
        kind, _, rest = line.partition(" ")
        if kind == "TOTAL":
            found["total_s"] = float(rest)
        elif kind == "MODULE":
            module, seconds = rest.rsplit(" ", 1)
            found["modules"][module] = float(seconds)
        elif kind == "FAILED":
            found["failed"] = rest.split()
    return found


def importtime(argv: list[str], skip: set[str], top: int = 10) -> dict:
    """The real command under `python -X importtime` (wall microseconds, one run), beyond `skip` (what --help
    ends with): the other packages by the cumulative time of their outermost import, the aggregator's own modules
    by their self time (a package's cumulative figure holds what it imports), and the sum of the outermost
    imports (a cross-check of the replay's CPU figure)."""
    code = "import sys\nfrom aggregator.cli import main\nsys.exit(main(sys.argv[1:]))"
    result = run_child([sys.executable, "-X", "importtime", "-c", code, *argv])
    packages: dict[str, int] = {}
    own: dict[str, int] = {}
    outermost = 0
    for line in result.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if not line.startswith("import time:") or len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        module, cumulative = parts[2].strip(), int(parts[1])
        if module in skip:
            continue
        if not parts[2].startswith("  "):  # nesting is two more spaces a level: this import was no other's
            outermost += cumulative
        package = module.split(".")[0]
        if package == "aggregator":
            own[module] = int(parts[0])
        else:
            packages[package] = max(packages.get(package, 0), cumulative)

    def heaviest(found: dict[str, int]) -> list[str]:
        return [f"{name} {us / 1000:.0f} ms" for name, us in sorted(found.items(), key=lambda e: -e[1])[:top]]

    return {"packages": heaviest(packages), "aggregator_self": heaviest(own), "outermost_ms": outermost / 1000}


def watched(names: list[str]) -> tuple[list[str], list[str]]:
    """(loaded, not loaded) among WATCHED, for `names` (what the command loaded beyond --help)."""
    packages = {name.split(".")[0] for name in names}
    return [p for p in WATCHED if p in packages], [p for p in WATCHED if p not in packages]
