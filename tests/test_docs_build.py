"""The documentation builds with every warning an error, and its numbers are the data's.

The build is ``docs/build.sh``'s: ``sphinx-build -W --keep-going -n`` (nitpicky: a
reference to an API name that does not exist fails it). It needs the ``docs`` extra;
without it the test is skipped, except in CI (``CI`` set to ``1``/``true``/``yes``/``on``,
or ``SSEPARSE_REQUIRE_DOCS``), where a missing tool is a failure, not a skip.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import sseparse
from sseparse._env import env_flag

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TOOLS = ("sphinx", "furo", "myst_parser")


def _load_perf_plots() -> ModuleType:
    spec = importlib.util.spec_from_file_location("perf_plots", DOCS / "perf_plots.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_build_strictly(tmp_path: Path) -> None:
    missing = [name for name in TOOLS if importlib.util.find_spec(name) is None]
    if missing:
        message = f"the docs tools are not installed ({', '.join(missing)}): pip install '.[docs]'"
        if env_flag("CI") or env_flag("SSEPARSE_REQUIRE_DOCS"):
            pytest.fail(message)
        pytest.skip(message)
    env = dict(os.environ)
    env.pop("SSEPARSE_NO_EXTENSIONS", None)  # conf.py sets it for the build itself
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-n",
            "-q",
            "-b",
            "html",
            "-d",
            str(tmp_path / "doctrees"),
            str(DOCS),
            str(tmp_path / "html"),
        ],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"the docs build failed:\n{done.stderr}{done.stdout}"
    assert (tmp_path / "html" / "api.html").exists()


def test_performance_numbers_are_those_of_the_committed_run() -> None:
    """``docs/_static/perf/summary.md`` is what ``docs/perf_plots.py`` makes of
    ``docs/_static/bench.json``: no number on the performance page is typed by hand."""
    perf_plots = _load_perf_plots()
    data = perf_plots.load(str(DOCS / "_static" / "bench.json"))
    committed = (DOCS / "_static" / "perf" / "summary.md").read_text(encoding="utf-8")
    assert perf_plots.summary(data) == committed, "run: python docs/perf_plots.py"


def test_every_plot_of_the_performance_page_is_committed() -> None:
    page = (DOCS / "performance.md").read_text(encoding="utf-8")
    for name in (
        "framing",
        "framing-crlf",
        "accumulate",
        "speedup-framing",
        "speedup-accumulate",
    ):
        assert f"_static/perf/{name}.svg" in page
        assert (DOCS / "_static" / "perf" / f"{name}.svg").stat().st_size > 0


def test_the_api_reference_lists_every_public_name() -> None:
    """A name added to ``sseparse.__all__`` gets its entry in ``docs/api.rst``."""
    page = (DOCS / "api.rst").read_text(encoding="utf-8")
    documented = set(
        re.findall(
            r"^\.\. (?:auto)?(?:class|function|exception|data):: (\w+)",
            page,
            re.MULTILINE,
        )
    )
    assert sorted(set(sseparse.__all__) - documented) == []
    assert sorted(documented - set(sseparse.__all__)) == []
