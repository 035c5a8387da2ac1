"""Reproducible installs (docs/development.md, "Locked versions"): every module the package imports is a declared runtime
dependency, the locks pin what pyproject.toml declares, and .venv holds exactly the locked versions. Each check is
also run on a made-up case, to show it fails, and names the cause, when it should."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from dependency_check import freeze_problems, lock_pins, lock_problems, undeclared_imports
from helpers import ROOT

PYPROJECT = ROOT / "pyproject.toml"
RUNTIME_LOCK, DEV_LOCK, BUILD_LOCK = (ROOT / "requirements" / name for name in ("runtime.txt", "dev.txt", "build.txt"))


def test_every_module_the_package_imports_comes_from_a_runtime_dependency():
    assert undeclared_imports(ROOT / "aggregator", PYPROJECT) == []


def test_the_import_check_names_an_undeclared_package_and_one_declared_only_in_an_extra(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("import json\nimport importlib\nfrom . import sub\nimport pkg.sub\n")
    (package / "sub" / "__init__.py").write_text(
        "import apprise\n\n\ndef later():\n    import yaml\n    return importlib.import_module('pytest')\n")
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "pkg"\ndependencies = ["apprise>=1"]\n'
                         '[project.optional-dependencies]\ntest = ["pytest>=8"]\n')
    problems = undeclared_imports(package, pyproject)
    assert len(problems) == 2, problems
    assert problems[0].startswith("pytest (imported as pytest by pkg/sub/__init__.py) is declared only in the extra test")
    assert problems[1].startswith("pyyaml (imported as yaml by pkg/sub/__init__.py) is not declared")


def test_the_import_check_finds_lxml_declared_only_in_the_test_extra_as_it_was(tmp_path):
    text = PYPROJECT.read_text(encoding="utf-8")
    assert '    "lxml>=5",\n' in text
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(text.replace('    "lxml>=5",\n', "").replace('test = ["pytest>=8",', 'test = ["lxml>=5", "pytest>=8",'))
    assert undeclared_imports(ROOT / "aggregator", pyproject) == [
        "lxml (imported as lxml by aggregator/publish/atom.py) is declared only in the extra test, not in [project] dependencies"]


def test_the_locks_pin_every_declared_dependency_and_agree_with_each_other():
    assert lock_problems(PYPROJECT, RUNTIME_LOCK, DEV_LOCK, BUILD_LOCK) == []


def test_the_lock_check_names_a_dependency_added_without_locking_and_a_disagreement(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(PYPROJECT.read_text(encoding="utf-8").replace('    "lxml>=5",\n', '    "lxml>=5",\n    "newpkg>=1",\n')
                         .replace('"pytest>=8"', '"pytest>=99"'))
    dev = tmp_path / "dev.txt"
    dev.write_text(DEV_LOCK.read_text(encoding="utf-8").replace("\nhttpx==", "\nhttpx==0.0.1.dev0\nunused==")
                   .replace("\nsetuptools==", "\nsetuptools==1.0\nunused=="))
    problems = lock_problems(pyproject, RUNTIME_LOCK, dev, BUILD_LOCK)
    assert problems == [
        "pyproject.toml asks for 'newpkg>=1'; runtime.txt pins nothing: run make lock",
        f"pyproject.toml asks for 'pytest>=99'; dev.txt pins {lock_pins(DEV_LOCK)['pytest']}: run make lock",
        f"httpx: runtime.txt pins {lock_pins(RUNTIME_LOCK)['httpx']}, dev.txt 0.0.1.dev0",
        f"setuptools: build.txt pins {lock_pins(BUILD_LOCK)['setuptools']}, dev.txt 1.0"]


def test_the_venv_holds_exactly_the_locked_versions():
    if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
        pytest.skip(f"not running from the project's .venv ({sys.prefix})")
    frozen = subprocess.run([sys.executable, "-m", "pip", "freeze", "--all"], capture_output=True, text=True,
                            check=True).stdout.splitlines()
    assert freeze_problems(lock_pins(DEV_LOCK), frozen, "aggregator") == []


def test_the_freeze_check_names_a_wrong_version_a_missing_package_and_one_not_locked():
    frozen = ["# Editable install with no version control (aggregator==0.1.0)", "-e /somewhere/aggregator",
              "httpx==0.27.0", "Jinja2==3.1.6", "ipython==9.0.0", "rich @ file:///tmp/rich-15.0.0-py3-none-any.whl"]
    locked = {"httpx": "0.29.0", "jinja2": "3.1.6", "rich": "15.0.0"}
    assert freeze_problems(locked, frozen, "aggregator") == [
        "httpx: locked 0.29.0, installed 0.27.0", "rich: locked 15.0.0, installed nothing",
        "ipython==9.0.0 is installed but not locked", "not installed from the lock: rich @ file:///tmp/rich-15.0.0-py3-none-any.whl"]
