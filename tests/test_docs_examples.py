"""Every code example of the documentation (``docs/**/*.md``) runs and shows what it says.

How a page's fenced blocks are tested, by their language:

- ``python``: run, in page order, in one namespace per page, so that a block may use
  what an earlier block of its page defined (each test first runs the earlier
  ``python`` and ``pycon`` blocks of its page again, so every block is its own test
  and can be run alone). ``assert`` statements in them are the checks.
- ``pycon``: a doctest in that same namespace; the output shown must be the output
  produced (``...`` matches anything).
- ``console``: every ``$ `` line runs in bash, with ``sseparse`` standing for this
  interpreter's ``python -m sseparse`` (the package under test); the lines up to the
  next ``$ `` are its expected output, standard error included (``...`` matches
  anything). Each block runs on its own, in a fresh folder holding a copy of
  ``examples/``.
- ``sh`` and every other language: shown, not run (installs, commands that need a
  server).

A block right after a line ``% skip-test: REASON`` (a MyST comment, which the site
does not show) is skipped, with that reason. ``python`` blocks also run in a fresh
folder holding a copy of ``examples/`` (the bundled sample stream).

``recipes.md`` and ``reconnection.md`` are left to ``tests/test_recipes.py``, which
runs their examples against local servers.
"""

from __future__ import annotations

import doctest
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import sseparse

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"

#: Pages whose examples another test file runs.
ELSEWHERE = {
    "recipes.md": "tests/test_recipes.py",
    "reconnection.md": "tests/test_recipes.py",
}
RUN = ("python", "pycon", "console")
SKIP_MARK = re.compile(r"^\s*%\s*skip-test:\s*(?P<reason>.*\S)")
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)")
OPTIONS = doctest.ELLIPSIS


@dataclass(frozen=True)
class Block:
    page: Path
    line: int  # 1-based line of the first line of code
    language: str
    code: str
    skip: str | None  # the reason, for a skipped block

    @property
    def name(self) -> str:
        return f"{self.page.relative_to(DOCS).as_posix()}:{self.line}"


def blocks_of(page: Path) -> list[Block]:
    """The fenced code blocks of a Markdown page, in order (MyST directives left out)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if match is None:
            i += 1
            continue
        fence, indent, info = (
            match["fence"],
            len(match["indent"]),
            match["info"].lower(),
        )
        start = i + 1
        end = start
        while end < len(lines) and not re.match(
            rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$", lines[end]
        ):
            end += 1
        if not info.startswith("{"):  # ```{directive} is MyST markup, not code
            previous = next(
                (lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), ""
            )
            mark = SKIP_MARK.match(previous)
            code = "\n".join(_unindent(line, indent) for line in lines[start:end])
            found.append(
                Block(
                    page, start + 1, info, code + "\n", mark["reason"] if mark else None
                )
            )
        i = end + 1
    return found


def _unindent(line: str, indent: int) -> str:
    """``line`` without the indentation of its fence (a block inside a list item)."""
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(spaces, indent) :]


def pages() -> list[Path]:
    return sorted(
        p
        for p in DOCS.rglob("*.md")
        if "_build" not in p.parts and "_static" not in p.parts
    )


def all_blocks() -> Iterator[Any]:
    for page in pages():
        if page.name == "README.md":
            continue
        for block in blocks_of(page):
            if block.language not in RUN:
                continue
            marks = []
            if page.name in ELSEWHERE:
                marks.append(
                    pytest.mark.skip(reason=f"tested by {ELSEWHERE[page.name]}")
                )
            elif block.skip:
                marks.append(pytest.mark.skip(reason=block.skip))
            yield pytest.param(block, id=block.name, marks=marks)


# -- running blocks --------------------------------------------------------------------------


def run_python(block: Block, namespace: dict[str, Any]) -> None:
    # Line numbers of tracebacks are those of the page.
    source = "\n" * (block.line - 1) + block.code
    exec(compile(source, str(block.page), "exec"), namespace)  # noqa: S102 -- the docs' own examples


def run_pycon(block: Block, namespace: dict[str, Any]) -> None:
    test = doctest.DocTestParser().get_doctest(
        block.code, namespace, block.name, str(block.page), block.line - 1
    )
    report: list[str] = []
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    result = runner.run(test, out=report.append, clear_globs=False)
    namespace.update(
        test.globs
    )  # DocTest runs in a copy: later blocks see what it defined
    if result.failed:
        pytest.fail(
            f"{block.name}: the output shown is not what the example prints\n"
            + "".join(report)
        )


def console_steps(code: str) -> list[tuple[str, str]]:
    """``(command, expected output)`` pairs of a console block."""
    steps: list[tuple[str, list[str]]] = []
    for line in code.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps:
            steps[-1][1].append(line)
        elif line.strip():
            raise AssertionError(
                f"console block starts with output, not a '$ ' command: {line!r}"
            )
    return [
        (cmd, "\n".join(out).rstrip("\n") + "\n" if any(out) else "")
        for cmd, out in steps
    ]


def run_console(block: Block, folder: Path) -> None:
    program = f"{shlex.quote(sys.executable)} -m sseparse"
    # `-m sseparse` imports the package this test imported (site-packages for an
    # installed one), never a source tree whose compiled modules were not built.
    home = str(Path(sseparse.__file__).resolve().parent.parent)
    env = dict(
        os.environ, PYTHONPATH=home + os.pathsep + os.environ.get("PYTHONPATH", "")
    )
    env.pop("COLUMNS", None)
    checker = doctest.OutputChecker()
    for command, expected in console_steps(block.code):
        script = f'sseparse() {{ {program} "$@"; }}\n{command}\n'
        done = subprocess.run(
            ["bash", "-c", script],
            check=False,  # the exit status is part of what a block shows
            cwd=folder,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=60,
        )
        got = done.stdout.decode("utf-8", "replace")
        if not checker.check_output(expected, got, OPTIONS):
            diff = checker.output_difference(
                doctest.Example(command, expected), got, OPTIONS
            )
            pytest.fail(f"{block.name}: $ {command}\n{diff}")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("block", list(all_blocks()))
def test_docs_example(block: Block, folder: Path) -> None:
    if block.language == "console":
        run_console(block, folder)
        return
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    for earlier in blocks_of(block.page):
        if earlier.line >= block.line:
            break
        if earlier.skip is None and earlier.language in ("python", "pycon"):
            try:
                (run_python if earlier.language == "python" else run_pycon)(
                    earlier, namespace
                )
            except BaseException as exc:
                if isinstance(exc, pytest.fail.Exception):
                    raise
                raise AssertionError(
                    f"an earlier example of the page, {earlier.name}, failed: {exc!r}"
                ) from exc
    (run_python if block.language == "python" else run_pycon)(block, namespace)


def test_every_page_is_scanned() -> None:
    """The extractor finds blocks: a change of fence syntax cannot make this file test nothing."""
    assert any(True for _ in all_blocks())
