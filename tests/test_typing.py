"""The package and an embedder's calling code pass ``mypy --strict``; typos in
dialect or implementation names fail it.

One mypy run checks the package, ``typing_examples/good.py`` (must be clean) and
``typing_examples/bad.py`` (each marked line must be an error). Skipped where mypy is
not installed, except in CI (``CI`` set), where it is an error. Pyright is not run:
its PyPI package downloads Node.js at run time.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sseparse._env import env_flag

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = Path(__file__).resolve().parent / "typing_examples"


@pytest.fixture(scope="module")
def mypy_output() -> str:
    if not env_flag("CI"):
        pytest.importorskip("mypy")
    cache = ROOT / ".mypy_cache"
    command = [
        sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache), "--no-error-summary",
        "--hide-error-context", "--no-color-output",
        "sseparse", str(EXAMPLES / "good.py"), str(EXAMPLES / "bad.py"),
    ]  # fmt: skip
    env = {**os.environ, "MYPYPATH": ""}
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


def errors_in(output: str, name: str) -> dict[int, str]:
    found: dict[int, str] = {}
    for line in output.splitlines():
        match = re.match(rf".*{re.escape(name)}:(\d+): error: (.*)", line)
        if match:
            found[int(match.group(1))] = match.group(2)
    return found


def test_the_package_passes_mypy_strict(mypy_output: str) -> None:
    package = [line for line in mypy_output.splitlines() if line.startswith("sseparse")]
    assert package == []


def test_typed_calling_code_passes_mypy_strict(mypy_output: str) -> None:
    assert errors_in(mypy_output, "good.py") == {}


def test_a_typo_in_a_dialect_or_implementation_name_fails_type_checking(mypy_output: str) -> None:
    errors = errors_in(mypy_output, "bad.py")
    assert sorted(errors) == [7, 8, 9], mypy_output
    assert "antropic" in errors[7]


def test_dialect_name_lists_every_dialect_and_auto() -> None:
    import typing

    import sseparse

    assert set(typing.get_args(sseparse.DialectName)) == {"auto", *sseparse.dialect_names()}
    assert sseparse.IMPLEMENTATION in typing.get_args(sseparse.ImplementationName)
