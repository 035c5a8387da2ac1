"""Checks of what is declared against what is used and installed, as small functions that return problems (an empty
list: none), so test_dependencies.py can run them on the project and on made-up cases alike:

- `undeclared_imports`: every module a package imports (at the top of a file or inside a function) that is not in
  the standard library comes from a distribution in pyproject.toml's [project] dependencies, not only in an extra;
- `lock_problems`: the locks pin every declared dependency at a version its specifier allows, and agree;
- `freeze_problems`: what `pip freeze --all` lists is exactly what a lock pins."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterable
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def normalize(name: str) -> str:
    """A distribution's name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_modules(package: Path) -> dict[str, set[str]]:
    """Top-level module name -> the files importing it, for every import in `package` that is neither the standard
    library nor the package itself; `__import__("x")` and `importlib.import_module("x")` with a literal count too."""
    found: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            for name in _names(node):
                top = name.split(".")[0]
                if top and top not in sys.stdlib_module_names and top != package.name:
                    found.setdefault(top, set()).add(path.relative_to(package.parent).as_posix())
    return found


def _names(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        return [node.module] if node.level == 0 and node.module else []
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
        called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if called in ("__import__", "import_module") and isinstance(node.args[0].value, str):
            return [node.args[0].value]
    return []


def declared(pyproject: Path) -> tuple[set[str], dict[str, set[str]]]:
    """The runtime dependencies' names, and each extra's dependency -> the extras naming it (names normalized)."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    runtime = {normalize(Requirement(spec).name) for spec in project.get("dependencies", [])}
    extras: dict[str, set[str]] = {}
    for extra, specs in project.get("optional-dependencies", {}).items():
        for spec in specs:
            extras.setdefault(normalize(Requirement(spec).name), set()).add(extra)
    return runtime, extras


def undeclared_imports(package: Path, pyproject: Path) -> list[str]:
    """A line per imported module whose distribution is not a runtime dependency in `pyproject`."""
    runtime, extras = declared(pyproject)
    providers = packages_distributions()
    problems = []
    for module, files in sorted(imported_modules(package).items()):
        where = f"imported as {module} by {', '.join(sorted(files))}"
        dists = sorted({normalize(d) for d in providers.get(module, [])})
        if not dists:
            problems.append(f"{module} ({where}) comes from no installed distribution")
        elif not runtime.intersection(dists):
            only_in = sorted(set().union(*(extras.get(d, set()) for d in dists)))
            why = f"declared only in the extra {', '.join(only_in)}" if only_in else "not declared"
            problems.append(f"{' or '.join(dists)} ({where}) is {why}, not in [project] dependencies")
    return problems


def pins(lines: Iterable[str]) -> dict[str, str]:
    """The pins among a lock's (or `pip freeze`'s) lines: normalized name -> version."""
    return {normalize(match[1]): match[2] for match in map(PIN.match, (line.strip() for line in lines)) if match}


def lock_pins(lock: Path) -> dict[str, str]:
    return pins(lock.read_text(encoding="utf-8").splitlines())


def lock_problems(pyproject: Path, runtime_lock: Path, dev_lock: Path, build_lock: Path) -> list[str]:
    """What the locks miss of pyproject.toml (for this machine's markers), and where the dev lock disagrees with
    the runtime lock or the build lock (the dev lock holds every pin of both)."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    runtime, dev = lock_pins(runtime_lock), lock_pins(dev_lock)
    wanted = [(spec, runtime_lock, runtime) for spec in project.get("dependencies", [])]
    wanted += [(spec, dev_lock, dev) for specs in project.get("optional-dependencies", {}).values() for spec in specs]
    problems = []
    for spec, lock, pinned in wanted:
        requirement = Requirement(spec)
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        version = pinned.get(normalize(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"pyproject.toml asks for {spec!r}; {lock.name} pins {version or 'nothing'}: run make lock")
    for lock in (runtime_lock, build_lock):
        for name, version in sorted(lock_pins(lock).items()):
            if dev.get(name) != version:
                problems.append(f"{name}: {lock.name} pins {version}, {dev_lock.name} {dev.get(name) or 'nothing'}")
    return problems


def freeze_problems(locked: dict[str, str], frozen: list[str], project: str) -> list[str]:
    """Where `pip freeze --all`'s lines differ from the locked pins (the project itself, installed editable, aside)."""
    installed = pins(frozen)
    installed.pop(normalize(project), None)
    problems = [f"{name}: locked {version}, installed {installed.get(name) or 'nothing'}"
                for name, version in sorted(locked.items()) if installed.get(name) != version]
    problems += [f"{name}=={version} is installed but not locked" for name, version in sorted(installed.items())
                 if name not in locked]
    problems += [f"not installed from the lock: {line}" for line in frozen if line.strip()
                 and not line.startswith(("#", "-e ")) and not PIN.match(line.strip())
                 and normalize(line.split("@")[0].strip()) != normalize(project)]
    return problems
