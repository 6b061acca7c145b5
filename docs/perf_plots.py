"""Render the performance page's plots and tables from one benchmark run.

    python benchmarks/run.py --json docs/_static/bench.json   # measure (about 5 minutes)
    python docs/perf_plots.py                                 # plots + tables from that file
    python docs/perf_plots.py other.json --out other-plots   # another run, elsewhere

Reads the JSON that ``benchmarks/run.py --json`` writes and writes, into
``docs/_static/perf/`` by default:

- ``framing.svg``: throughput (MB/s) against fragment size, one panel per stream,
  one line per implementation (``framing-crlf.svg``: the same for the CRLF twins);
- ``accumulate.svg``: the same for bytes -> final answer;
- ``speedup-framing.svg`` and ``speedup-accumulate.svg``: how many times faster
  sseparse is than each peer, per stream and fragment size, with the targets of the
  issues marked;
- ``summary.md``: where and when it was measured, the targets, and the numbers of the
  plots as tables (the performance page includes it).

Every number shown comes from the JSON file; nothing is typed in by hand. The tables
need only the standard library (``tests/test_docs_build.py`` checks that the committed
``summary.md`` is what this script makes of the committed data); the plots need
matplotlib (the ``docs`` extra). The SVG files are reproducible: no date, fixed ids.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import sys
from collections.abc import Iterable
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.join(HERE, "_static", "bench.json")
DEFAULT_OUT = os.path.join(HERE, "_static", "perf")

# Order, label and style of the implementations this script knows; any other found in
# the data (a baseline added later) is drawn too, with a style of its own.
KNOWN_IMPLS = {
    "sseparse-c": ("sseparse, compiled", "#1f6feb", "-", "o"),
    "sseparse-py": ("sseparse, pure Python", "#54aeff", "-", "s"),
    "sseparse": ("sseparse.accumulate", "#1f6feb", "-", "o"),
    "buffered": ("careful buffered parser", "#bf8700", "--", "^"),
    "buffered+json": ("buffered parser + json + dicts", "#bf8700", "--", "^"),
    "httpx-sse": ("httpx-sse", "#cf222e", "--", "v"),
    "openai-sdk": ("openai SDK stream", "#cf222e", "--", "v"),
    "anthropic-sdk": ("anthropic SDK stream", "#8250df", "--", "v"),
    "naive": ("naive split-lines (wrong results)", "#8c959f", ":", "x"),
    "naive+json": ("naive loop + json (wrong results)", "#8c959f", ":", "x"),
}
OTHER_COLORS = ("#1a7f37", "#bc4c00", "#6e7781", "#d63384", "#0550ae", "#953800")
# The sseparse implementation each group's speedups are taken for.
SUBJECT = {"framing": "sseparse-c", "accumulate": "sseparse"}


# -- reading the run ---------------------------------------------------------------------------


def load(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def size_label(size: int | None) -> str:
    return "whole" if size is None else f"{size:,}"


def streams_of(data: dict[str, Any], group: str, crlf: bool) -> list[str]:
    seen: list[str] = []
    for cell in data["cells"]:
        name = cell["stream"]
        if (
            cell["group"] == group
            and name.endswith("-crlf") == crlf
            and name not in seen
        ):
            seen.append(name)
    return seen


def cells_of(data: dict[str, Any], group: str, stream: str) -> list[dict[str, Any]]:
    return [c for c in data["cells"] if c["group"] == group and c["stream"] == stream]


def median(cell: dict[str, Any], impl: str) -> float | None:
    result = cell["results"].get(impl)
    return (
        None
        if result is None or "median_s" not in result
        else float(result["median_s"])
    )


def mb_per_s(cell: dict[str, Any], impl: str) -> float | None:
    result = cell["results"].get(impl)
    return (
        None
        if result is None or "mb_per_s" not in result
        else float(result["mb_per_s"])
    )


def speedup(cell: dict[str, Any], subject: str, peer: str) -> float | None:
    a, b = median(cell, subject), median(cell, peer)
    return None if a is None or b is None else b / a


def impls_of(data: dict[str, Any], group: str) -> list[tuple[str, str, str, str, str]]:
    """``(name, label, color, line style, marker)`` of every implementation measured in
    ``group``: the known ones in their order, then the others as found."""
    names: list[str] = []
    for cell in data["cells"]:
        if cell["group"] == group:
            names += [
                n
                for n, r in cell["results"].items()
                if n not in names and "median_s" in r
            ]
    known = [n for n in KNOWN_IMPLS if n in names]
    others = [n for n in names if n not in KNOWN_IMPLS]
    styled = [(n, *KNOWN_IMPLS[n]) for n in known]
    styled += [
        (n, n, OTHER_COLORS[i % len(OTHER_COLORS)], "-.", "d")
        for i, n in enumerate(others)
    ]
    return styled


def peers_of(data: dict[str, Any], group: str) -> list[str]:
    """The baselines the run compared sseparse with in ``group``, wrong ones left out."""
    subject = SUBJECT[group]
    peers: list[str] = []
    for cell in data["cells"]:
        result = cell["results"].get(subject) if cell["group"] == group else None
        for peer in (result or {}).get("speedup_vs", {}):
            if peer not in peers and not peer.startswith("naive"):
                peers.append(peer)
    order = [n for n in KNOWN_IMPLS if n in peers]
    return order + [p for p in peers if p not in order]


def wrong(cell: dict[str, Any], impl: str) -> bool:
    result = cell["results"].get(impl)
    return bool(result) and not result.get("check", {}).get("ok", True)


# -- the tables (standard library only) ----------------------------------------------------------


def fmt(x: float | None) -> str:
    """Three significant figures, thousands separated."""
    if x is None:
        return "—"
    if x >= 100:
        return f"{x:,.0f}"
    digits = max(0, 2 - math.floor(math.log10(abs(x)))) if x else 0
    return f"{x:.{digits}f}"


def fmt_ratio(x: float | None) -> str:
    return "—" if x is None else f"{fmt(x)}×"


def md_table(header: list[str], rows: Iterable[list[str]], right_from: int = 1) -> str:
    rows = list(rows)
    align = ["---" if i < right_from else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def throughput_table(data: dict[str, Any], group: str, stream: str) -> str:
    cells = cells_of(data, group, stream)
    present = [
        name
        for name, *_ in impls_of(data, group)
        if any(name in c["results"] for c in cells)
    ]
    header = ["MB/s at fragment size"] + [size_label(c["fragment_size"]) for c in cells]
    rows = []
    for name in present:
        row = [f"`{name}`"]
        for c in cells:
            value = fmt(mb_per_s(c, name))
            row.append(value + (" (wrong)" if wrong(c, name) else ""))
        rows.append(row)
    return md_table(header, rows)


def highlights(data: dict[str, Any]) -> list[str]:
    """One line per comparison: the range of sseparse's speedups over the LF cells."""
    lines = []
    for group in ("framing", "accumulate"):
        subject = SUBJECT[group]
        cells = [
            c
            for c in data["cells"]
            if c["group"] == group and not c["stream"].endswith("-crlf")
        ]
        others = peers_of(data, group) + (["sseparse-py"] if group == "framing" else [])
        for peer in others:
            values = [v for c in cells if (v := speedup(c, subject, peer)) is not None]
            if values:
                streams = len(
                    {
                        c["stream"]
                        for c in cells
                        if speedup(c, subject, peer) is not None
                    }
                )
                lines.append(
                    f"- `{subject}` against `{peer}`: {fmt_ratio(min(values))} to {fmt_ratio(max(values))} "
                    f"faster, over {len(values)} cells ({streams} stream{'s' if streams > 1 else ''} "
                    "× fragment sizes)"
                )
        for name in ("naive", "naive+json"):
            checked = [
                c
                for c in cells
                if name in c["results"] and "check" in c["results"][name]
            ]
            if checked:
                bad = [c for c in checked if wrong(c, name)]
                lines.append(
                    f"- `{name}` returned a wrong result in {len(bad)} of its {len(checked)} {group} cells"
                )
    return lines


def summary(data: dict[str, Any]) -> str:
    env = data["environment"]
    settings = data["settings"]
    versions = ", ".join(
        f"{k} {v}" for k, v in env["versions"].items() if v and k != "sseparse"
    )
    timer = (
        "CPU time of the benchmark thread"
        if settings.get("timer") == "cpu"
        else "wall-clock time"
    )
    mode = "quick" if settings.get("min_rounds", 9) < 9 else "full"
    out = [
        "<!-- Generated by docs/perf_plots.py from docs/_static/bench.json: do not edit. -->",
        "",
        (
            f"- commit `{env['commit']}`{' with uncommitted changes to sseparse/' if env.get('dirty') else ''}, "
            f"measured {env['date']}, {mode} mode, {data['elapsed_s']:.0f} s of measuring"
        ),
        (
            f"- Python {env['python']} on {env['platform']}, {env['cpu']}, {env['cpus']} CPUs; "
            f"load average {env['load_average']} at the start"
        ),
        f"- sseparse's default parser: {env['sseparse_default_implementation']}; peers: {versions}",
        (
            f"- time: {timer}; each figure is the median time per whole stream; "
            "MB/s = stream bytes / median / 10⁶; a speedup is the peer's median / sseparse's median"
        ),
        "- correctness failures in this run: "
        + (", ".join(data["failures"]) if data["failures"] else "none"),
        "",
        "### At a glance",
        "",
        *highlights(data),
        "",
        "### Targets",
        "",
        md_table(
            ["target", "measured", "need", "result"],
            (
                [
                    t["target"],
                    fmt_ratio(t["measured"]),
                    f"≥ {t['need']:g}×",
                    t["result"],
                ]
                for t in data["targets"]
            ),
        ),
    ]
    for group, title in (
        ("framing", "Framing: bytes to events"),
        ("accumulate", "Accumulation: bytes to the final answer"),
    ):
        out += ["", f"### {title}"]
        for stream in streams_of(data, group, crlf=False) + streams_of(
            data, group, crlf=True
        ):
            cell = cells_of(data, group, stream)[0]
            out += [
                "",
                f"`{stream}`: {cell['bytes']:,} bytes, {cell['events']:,} events",
                "",
                throughput_table(data, group, stream),
            ]
    return "\n".join(out) + "\n"


# -- the plots (matplotlib) ----------------------------------------------------------------------


def _setup() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "svg.hashsalt": "sseparse-docs",  # fixed ids: the same data gives the same file
            "svg.fonttype": "path",  # no font needed where the page is viewed
            "font.size": 9,
            "axes.titlesize": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "legend.fontsize": 8,
            "legend.frameon": False,
        }
    )
    return plt


def _grid(plt: Any, count: int) -> tuple[Any, list[Any]]:
    cols = 2 if count == 4 else min(count, 3)
    rows = math.ceil(count / cols)
    fig, axes = plt.subplots(
        rows,
        cols,
        figsize=(4.3 * cols, 3.1 * rows + 0.7),
        squeeze=False,
        layout="constrained",
    )
    flat = [ax for row in axes for ax in row]
    for ax in flat[count:]:
        ax.set_visible(False)
    return fig, flat[:count]


def _sizes_axis(ax: Any, cells: list[dict[str, Any]]) -> None:
    """Fragment sizes as evenly spaced categories (1, 16, 256, 1,500, 16,384, whole)."""
    ax.set_xticks(range(len(cells)))
    ax.set_xticklabels([size_label(c["fragment_size"]) for c in cells])
    ax.set_xlabel("fragment size (bytes)")


def _legend(fig: Any, handles: dict[str, Any], ncol: int) -> None:
    fig.legend(
        list(handles.values()), list(handles), loc="outside lower center", ncol=ncol
    )


def _save(fig: Any, out: str, name: str, written: list[str]) -> None:
    path = os.path.join(out, name)
    fig.savefig(path, format="svg", metadata={"Date": None, "Creator": None})
    written.append(path)


def plot_throughput(
    plt: Any, data: dict[str, Any], group: str, streams: list[str], title: str
) -> Any:
    """MB/s against fragment size: one panel per stream, one line per implementation."""
    fig, axes = _grid(plt, len(streams))
    handles: dict[str, Any] = {}
    for ax, stream in zip(axes, streams):
        cells = cells_of(data, group, stream)
        for name, label, color, style, marker in impls_of(data, group):
            points = [
                (i, mb_per_s(c, name))
                for i, c in enumerate(cells)
                if mb_per_s(c, name) is not None
            ]
            if not points:
                continue
            xs, ys = zip(*points)
            (line,) = ax.plot(
                xs,
                ys,
                style,
                color=color,
                marker=marker,
                markersize=4,
                linewidth=1.5,
                label=label,
            )
            handles.setdefault(label, line)
        ax.set_yscale("log")
        _sizes_axis(ax, cells)
        cell = cells[0]
        ax.set_title(
            f"{stream} ({cell['bytes'] / 1000:,.0f} kB, {cell['events']} events)"
        )
        ax.set_ylabel("MB/s (log scale)")
    fig.suptitle(title, fontsize=11)
    _legend(fig, handles, 3)
    return fig


def plot_speedups(
    plt: Any, data: dict[str, Any], group: str, streams: list[str], title: str
) -> Any:
    """How many times faster sseparse is than each peer, with the issues' targets marked."""
    subject = SUBJECT[group]
    peers = peers_of(data, group)
    colors = {name: color for name, _, color, *_ in impls_of(data, group)}
    fig, axes = _grid(plt, len(streams))
    bars: dict[str, Any] = {}
    marks: dict[str, Any] = {}
    for ax, stream in zip(axes, streams):
        cells = cells_of(data, group, stream)
        present = [
            p for p in peers if any(speedup(c, subject, p) is not None for c in cells)
        ]
        width = 0.8 / max(1, len(present))
        for j, peer in enumerate(present):
            for i, cell in enumerate(cells):
                value = speedup(cell, subject, peer)
                if value is None:
                    continue
                x = i - 0.4 + width * (j + 0.5)
                bar = ax.bar(x, value, width * 0.92, color=colors.get(peer, "#6e7781"))
                bars.setdefault(f"vs {peer}", bar)
                ax.annotate(
                    f"{value:.1f}" if value < 10 else f"{value:.0f}",
                    (x, value),
                    ha="center",
                    va="bottom",
                    fontsize=6.5,
                    xytext=(0, 1),
                    textcoords="offset points",
                )
                for need in targets_on(
                    data, group, stream, cell["fragment_size"], subject, peer
                ):
                    (mark,) = ax.plot(
                        [x - width / 2, x + width / 2],
                        [need, need],
                        color="black",
                        linewidth=1.8,
                    )
                    marks.setdefault("target of the issues", mark)
        ax.axhline(1.0, color="black", linewidth=0.6)
        ax.set_yscale("log")
        _sizes_axis(ax, cells)
        ax.set_title(stream)
        ax.set_ylabel("times faster (log scale)")
        ax.margins(y=0.12)
    fig.suptitle(title, fontsize=11)
    _legend(fig, {**bars, **marks}, 4)
    return fig


def targets_on(
    data: dict[str, Any],
    group: str,
    stream: str,
    size: int | None,
    subject: str,
    peer: str,
) -> list[float]:
    """The needs of the targets the run evaluated on this bar. The JSON names targets by
    label; ``benchmarks/run.py`` says which cell each label is about."""
    evaluated = {t["target"] for t in data["targets"]}
    return [
        need
        for (label, *cell, need) in _run_targets()
        if label in evaluated and tuple(cell) == (group, stream, size, subject, peer)
    ]


@functools.cache
def _run_targets() -> list[tuple[str, str, str, int | None, str, str, float]]:
    """``benchmarks/run.py``'s targets: label, cell, subject, baseline, need."""
    bench = os.path.join(os.path.dirname(HERE), "benchmarks")
    if bench not in sys.path:
        sys.path.insert(0, bench)
    try:
        import run  # type: ignore[import-not-found]  # benchmarks/run.py, found at run time
    except (
        ImportError
    ) as exc:  # its own imports missing: the plots go without target marks
        print(
            f"no target marks: cannot import benchmarks/run.py ({exc})", file=sys.stderr
        )
        return []
    return [
        (t.label, t.group, t.stream, t.size, t.subject, t.baseline, t.need)
        for t in run.TARGETS
    ]


def plots(data: dict[str, Any], out: str) -> list[str]:
    plt = _setup()
    written: list[str] = []
    figures = []
    for crlf, suffix in ((False, ""), (True, "-crlf")):
        streams = streams_of(data, "framing", crlf)
        if streams:
            title = "Framing: bytes fragments to events" + (
                ", CRLF line ends" if crlf else ""
            )
            figures.append(
                (
                    f"framing{suffix}.svg",
                    plot_throughput(plt, data, "framing", streams, title),
                )
            )
    streams = streams_of(data, "accumulate", False)
    if streams:
        title = "Accumulation: bytes fragments to the final answer"
        figures.append(
            ("accumulate.svg", plot_throughput(plt, data, "accumulate", streams, title))
        )
        title = "sseparse.accumulate against its peers"
        figures.append(
            (
                "speedup-accumulate.svg",
                plot_speedups(plt, data, "accumulate", streams, title),
            )
        )
    streams = streams_of(data, "framing", False)
    if streams:
        title = "Compiled framing against its peers"
        figures.append(
            ("speedup-framing.svg", plot_speedups(plt, data, "framing", streams, title))
        )
    for name, fig in figures:
        _save(fig, out, name, written)
        plt.close(fig)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "data",
        nargs="?",
        default=DEFAULT_DATA,
        help="the JSON of benchmarks/run.py --json",
    )
    ap.add_argument(
        "--out", default=DEFAULT_OUT, help="folder for the SVG files and summary.md"
    )
    ap.add_argument(
        "--tables-only",
        action="store_true",
        help="write summary.md only (no matplotlib needed)",
    )
    args = ap.parse_args(argv)
    data = load(args.data)
    os.makedirs(args.out, exist_ok=True)
    written = []
    path = os.path.join(args.out, "summary.md")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(summary(data))
    written.append(path)
    if not args.tables_only:
        written += plots(data, args.out)
    for path in written:
        print(os.path.relpath(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
