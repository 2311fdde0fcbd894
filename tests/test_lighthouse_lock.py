"""benchmarks/lighthouse: the npm lock agrees with package.json, so `make bench` can `npm ci`.

`npm ci` refuses a lock that is out of sync with package.json, or whose dependencies are
tags such as "latest" that have moved on the registry since the lock was made. Both checks
below work without the network:

- the JSON files: the lock's root entry declares package.json's dependencies, every
  dependency of every locked package is in the lock (at the version asked, when exact), and
  none asks for a tag unless package.json's ``overrides`` pins it;
- npm itself, when it is installed: ``npm ci --dry-run --offline`` with an empty cache
  accepts the lock (it would have to ask the registry about a tag, and fails offline).
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

DIR = Path(__file__).resolve().parent.parent / "benchmarks" / "lighthouse"
PACKAGE = json.loads((DIR / "package.json").read_text())
LOCK = json.loads((DIR / "package-lock.json").read_text())
EXACT = re.compile(r"^\d+\.\d+\.\d+(?:[-+][\w.+-]*)?$")
TAG = re.compile(
    r"^[A-Za-z][\w.-]*$"
)  # "latest", "next", "beta": names on the registry, not versions


def name_of(path: str) -> str:
    return path.rpartition("node_modules/")[2]


def resolve(path: str, dep: str) -> str | None:
    """Where Node finds ``dep`` from the package at ``path``: its own node_modules, then up."""
    while True:
        candidate = f"{path}/node_modules/{dep}" if path else f"node_modules/{dep}"
        if candidate in LOCK["packages"]:
            return candidate
        if not path:
            return None
        path = path.rpartition("/node_modules/")[0] if "/node_modules/" in path else ""


def overridden(parent: str, dep: str) -> bool:
    overrides = PACKAGE.get("overrides", {})
    scoped = overrides.get(parent)
    return isinstance(overrides.get(dep), str) or (isinstance(scoped, dict) and dep in scoped)


def test_lock_root_declares_the_dependencies_of_package_json():
    assert LOCK["lockfileVersion"] >= 2
    root = LOCK["packages"][""]
    assert root.get("name") == PACKAGE["name"]
    for kind in ("dependencies", "devDependencies", "optionalDependencies"):
        assert root.get(kind, {}) == PACKAGE.get(kind, {}), (
            f"package-lock.json's {kind} differ from package.json's: regenerate the lock with "
            "`npm install --package-lock-only` in benchmarks/lighthouse"
        )


def test_every_locked_dependency_is_in_the_lock_and_none_is_a_moving_tag():
    problems = []
    for path, entry in LOCK["packages"].items():
        if not path or entry.get("link"):
            continue
        for dep, spec in entry.get("dependencies", {}).items():
            where = f"{name_of(path)} -> {dep}@{spec}"
            if TAG.match(spec) and spec.lower() != "x" and not overridden(name_of(path), dep):
                problems.append(
                    f"{where}: a tag, not a version (pin it in package.json's overrides)"
                )
                continue
            found = resolve(path, dep)
            if found is None:
                problems.append(f"{where}: not in the lock")
            elif EXACT.match(spec) and LOCK["packages"][found].get("version") != spec:
                problems.append(f"{where}: the lock has {LOCK['packages'][found].get('version')}")
    assert not problems, "benchmarks/lighthouse/package-lock.json:\n" + "\n".join(problems)


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_npm_ci_accepts_the_lock_offline(tmp_path):
    for name in ("package.json", "package-lock.json"):
        shutil.copy(DIR / name, tmp_path / name)
    result = subprocess.run(
        [
            "npm",
            "ci",
            "--dry-run",
            "--offline",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            f"--cache={tmp_path / 'empty-cache'}",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
