"""Measure sseparse against its baselines in one run and print the tables.

    python benchmarks/run.py              # everything (several minutes on 2 cores)
    python benchmarks/run.py --quick      # the target cells, LF streams only (~1 minute)
    python benchmarks/run.py --group framing --stream large --sizes 1,16384
    python benchmarks/run.py --json results.json

How it measures: for each cell (stream x fragment size) every implementation is
first run once, and its result checked against the reference parse (a wrong result
from a correct implementation is reported and makes the exit status 1). Then each is
timed in samples; a sample calls the implementation ``number`` times in a row
(enough to last a few milliseconds) and keeps the time per call. Each implementation
gets about the same measuring time per cell, so a slow one gets fewer samples; the
samples of the implementations of a cell are interleaved and spread evenly over the
cell, so a burst of load from elsewhere on a shared machine hits them alike and the
ratios, taken between medians of the same run, stay fair. Garbage collection stays
on (every implementation pays for its own garbage) and is run before each cell.
Time is the CPU time of the benchmark's thread by default (``--timer cpu``): every
implementation is single-threaded and does no I/O, so on an idle machine it equals
the wall-clock time, and on a shared one it leaves out the time other processes
hold the CPU; ``--timer wall`` uses ``time.perf_counter``.

Numbers: median time per whole stream; MB/s = stream bytes / median / 10**6;
events/s = correct events in the stream / median; "vs X" = X's median / this median,
i.e. how many times faster than X (shown for the sseparse rows).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import json
import math
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
# Measure the checkout this script belongs to, whatever else is installed.
sys.path.insert(1, ROOT)

import baselines
import cases
import streams
import timing

# -- what the issues ask for ----------------------------------------------------------------


class Target:
    def __init__(
        self, group: str, stream: str, size: int, subject: str, baseline: str, need: float, label: str
    ) -> None:
        self.group, self.stream, self.size = group, stream, size
        self.subject, self.baseline, self.need, self.label = subject, baseline, need, label


TARGETS = [
    Target(
        "framing",
        "openai-chat",
        16384,
        "sseparse-c",
        "httpx-sse",
        4.0,
        "compiled framing vs httpx-sse, openai-chat, 16384-byte fragments",
    ),
    Target(
        "framing",
        "openai-chat",
        1,
        "sseparse-c",
        "httpx-sse",
        10.0,
        "compiled framing vs httpx-sse, openai-chat, 1-byte fragments",
    ),
    Target(
        "framing",
        "large",
        16384,
        "sseparse-c",
        "buffered",
        3.0,
        "compiled framing vs careful buffered parser, 64 KiB events, 16384-byte fragments",
    ),
    Target(
        "accumulate",
        "openai-chat",
        1500,
        "sseparse",
        "openai-sdk",
        50.0,
        "accumulate vs openai SDK, openai-chat text, 1500-byte fragments",
    ),
    Target(
        "accumulate",
        "openai-chat",
        1500,
        "sseparse",
        "buffered+json",
        1.2,
        "accumulate vs buffered+json, openai-chat text, 1500-byte fragments",
    ),
    Target(
        "accumulate",
        "openai-tools",
        1500,
        "sseparse",
        "openai-sdk",
        50.0,
        "accumulate vs openai SDK, parallel tool calls, 1500-byte fragments",
    ),
    Target(
        "accumulate",
        "openai-tools",
        1500,
        "sseparse",
        "buffered+json",
        1.2,
        "accumulate vs buffered+json, parallel tool calls, 1500-byte fragments",
    ),
    Target(
        "accumulate",
        "anthropic",
        1500,
        "sseparse",
        "anthropic-sdk",
        20.0,
        "accumulate vs anthropic SDK, anthropic, 1500-byte fragments",
    ),
    Target(
        "accumulate",
        "anthropic",
        1500,
        "sseparse",
        "buffered+json",
        1.2,
        "accumulate vs buffered+json, anthropic, 1500-byte fragments",
    ),
]

TARGETS += [
    Target(
        "accumulate",
        stream,
        1500,
        "sseparse",
        "buffered+msgspec",
        3.0,
        f"accumulate vs buffered+msgspec typed structs, {label}, 1500-byte fragments",
    )
    for stream, label in (("openai-chat", "openai-chat text"), ("openai-tools", "parallel tool calls"), ("anthropic", "anthropic"))
]
TARGETS += [
    Target(
        "framing",
        "openai-chat",
        16384,
        "sseparse-c",
        "buffered",
        2.5,
        "compiled framing vs careful buffered parser, openai-chat, 16384-byte fragments",
    ),
    Target(
        "framing",
        "large",
        16384,
        "sseparse-c",
        "buffered",
        4.0,
        "compiled framing vs careful buffered parser, 64 KiB events, 16384-byte fragments (speed issue)",
    ),
    Target(
        "framing",
        "openai-chat",
        16,
        "sseparse-c",
        "sseclient-py",
        6.0,
        "compiled framing vs sseclient-py, openai-chat, 16-byte fragments",
    ),
]

# -- timing ------------------------------------------------------------------------------------


class Settings:
    def __init__(self, min_time: float, min_rounds: int, max_rounds: int, round_target: float, timer: str) -> None:
        self.min_time = min_time  # seconds of samples per implementation and cell, about
        self.min_rounds = min_rounds
        self.max_rounds = max_rounds
        self.round_target = round_target  # seconds one round of one implementation should last
        self.timer = timer  # "cpu": this thread's CPU time; "wall": time.perf_counter


def _percentile(sorted_xs: Sequence[float], q: float) -> float:
    if len(sorted_xs) == 1:
        return sorted_xs[0]
    pos = q * (len(sorted_xs) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_xs) - 1)
    return sorted_xs[lo] + (sorted_xs[hi] - sorted_xs[lo]) * (pos - lo)


def measure(funcs: list[tuple[str, Callable[[Any], Any]]], arg: Any, settings: Settings) -> dict[str, dict[str, Any]]:
    """Interleaved rounds of every function on ``arg``; per-call statistics by name.

    Each function gets about ``min_time`` seconds of samples (at least ``min_rounds``),
    a sample being ``number`` calls in a row lasting about ``round_target``. A slow
    function thus gets fewer samples than a fast one, and its samples are spread
    evenly over the whole cell, between those of the others, so that a burst of load
    from elsewhere is shared out instead of landing on one function.
    """
    perf = timing.TIMERS[settings.timer]
    gc.collect()
    plan = []
    for name, fn in funcs:
        t0 = perf()
        fn(arg)
        once = perf() - t0
        number = max(1, int(settings.round_target / max(once, 1e-9)))
        if number > 1:  # a better estimate for fast functions
            t0 = perf()
            for _ in range(number):
                fn(arg)
            once = (perf() - t0) / number
            number = max(1, int(settings.round_target / max(once, 1e-9)))
        rounds = math.ceil(settings.min_time / (number * once))
        rounds = max(settings.min_rounds, min(settings.max_rounds, rounds))
        plan.append((name, fn, number, rounds))
    total = max(rounds for *_, rounds in plan)
    schedule = [{(j * total) // rounds for j in range(rounds)} for *_, rounds in plan]
    samples: dict[str, list[float]] = {name: [] for name, *_ in plan}
    k = len(plan)
    for r in range(total):
        for i in range(k):
            j = (r + i) % k
            if r not in schedule[j]:
                continue
            name, fn, number, _ = plan[j]
            rng = range(number)
            t0 = perf()
            for _ in rng:
                fn(arg)
            samples[name].append((perf() - t0) / number)
    out = {}
    for name, fn, number, _ in plan:
        xs = sorted(samples[name])
        out[name] = {
            "median_s": _percentile(xs, 0.5),
            "min_s": xs[0],
            "q1_s": _percentile(xs, 0.25),
            "q3_s": _percentile(xs, 0.75),
            "rounds": len(xs),
            "number": number,
        }
    return out


# -- formatting --------------------------------------------------------------------------------


def fmt_time(s: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if s >= scale * 0.9995:
            v = s / scale
            return f"{v:.3g} {unit}" if v < 99.95 else f"{v:.0f} {unit}"
    return f"{s / 1e-9:.0f} ns"


def fmt_num(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def fmt_rate(x: float) -> str:
    for unit, scale in (("M", 1e6), ("k", 1e3)):
        if x >= scale * 0.9995:
            v = x / scale
            return f"{v:.3g}{unit}" if v < 99.95 else f"{v:.0f}{unit}"
    return f"{x:.3g}" if x < 99.95 else f"{x:.0f}"


def fmt_ratio(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:.1f}×" if x >= 10 else f"{x:.2f}×"


def table(header: list[str], rows: list[list[str]], right: set[int]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        return (
            "| "
            + " | ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))
            + " |"
        )

    sep = "|" + "|".join(("-" * (w + 1) + ":") if i in right else ("-" * (w + 2)) for i, w in enumerate(widths)) + "|"
    return "\n".join([line(header), sep] + [line(r) for r in rows])


# -- the groups ------------------------------------------------------------------------------


def _print(*args: Any) -> None:
    print(*args, flush=True)


def _print_impls(impls: list[Any]) -> None:
    for i in impls:
        _print(f"- `{i.name}`: {i.description}" + (f" — **skipped: {i.skip}**" if i.skip else ""))
    _print()


def _header(baseline_names: list[str]) -> list[str]:
    return ["frag", "impl", "median", "MB/s", "events/s"] + [f"vs {b}" for b in baseline_names] + ["check"]


def _print_table(header: list[str], rows: list[list[str]], baseline_names: list[str]) -> None:
    _print(table(header, rows, right={2, 3, 4} | {5 + j for j in range(len(baseline_names))}))
    _print()


def _cell(
    group: str, stream: str, size: int | None, frags: list[bytes], data: bytes, n_events: int, **more: Any
) -> dict[str, Any]:
    """The record of one stream at one fragment size; ``results`` gets each implementation's."""
    return {
        "group": group,
        "stream": stream,
        **more,
        "fragment_size": size,
        "fragments": len(frags),
        "bytes": len(data),
        "events": n_events,
        "results": {},
    }


def _rates(
    impl: Any, stats: dict[str, dict[str, Any]], baseline_names: list[str], data: bytes, n_events: int, check: Any
) -> dict[str, Any]:
    """``impl``'s timing with its throughput, its check and its speed-up over each baseline timed."""
    st = stats[impl.name]
    st["mb_per_s"] = len(data) / st["median_s"] / 1e6
    st["events_per_s"] = n_events / st["median_s"]
    st["check"] = check
    ratios = {b: stats[b]["median_s"] / st["median_s"] for b in baseline_names if b != impl.name and b in stats}
    st["speedup_vs"] = ratios if impl.role == "sseparse" else {}
    return st


def _row(size: int | None, name: str, st: dict[str, Any], baseline_names: list[str], note: str) -> list[str]:
    return (
        [
            streams.fragment_label(size),
            name,
            fmt_time(st["median_s"]),
            fmt_num(st["mb_per_s"]),
            fmt_rate(st["events_per_s"]),
        ]
        + [fmt_ratio(st["speedup_vs"].get(b)) for b in baseline_names]
        + [note]
    )


def run_framing(
    stream_list: list[str], sizes: list[int | None], settings: Settings, failures: list[str]
) -> list[dict[str, Any]]:
    impls = [i for i in cases.framing_impls()]
    runnable = [i for i in impls if i.fn is not None]
    baseline_names = [i.name for i in runnable if i.role == "baseline"]
    _print("## Framing: bytes fragments -> events\n")
    _print_impls(impls)
    cells = []
    for stream in stream_list:
        data = streams.get_stream(stream)
        n_events = len(cases.reference_events(stream))
        _print(f"### framing · {stream} · {len(data):,} bytes · {n_events} events\n")
        header = _header(baseline_names)
        rows = []
        for size in sizes:
            frags = streams.fragments(data, size)
            checks = {}
            for impl in runnable:
                result = impl.fn(frags)  # type: ignore[misc]  # runnable: fn is not None
                checks[impl.name] = cases.check_events(impl, stream, result)
                if impl.correct and not checks[impl.name]["ok"]:
                    failures.append(
                        f"framing {impl.name} {stream} frag={streams.fragment_label(size)}: "
                        f"{checks[impl.name]['wrong']} wrong events"
                    )
                del result
            stats = measure([(i.name, i.fn) for i in runnable if i.fn is not None], frags, settings)
            cell = _cell("framing", stream, size, frags, data, n_events)
            for impl in runnable:
                check = checks[impl.name]
                st = cell["results"][impl.name] = _rates(impl, stats, baseline_names, data, n_events, check)
                if impl.name == "naive":
                    note = "all events right" if check["ok"] else f"{check['wrong']}/{check['events']} events wrong"
                    if check["spurious"]:
                        note += f", {check['spurious']} garbage payloads"
                else:
                    note = "ok" if check["ok"] else f"WRONG: {check['wrong']} events"
                rows.append(_row(size, impl.name, st, baseline_names, note))
            cells.append(cell)
        _print_table(header, rows, baseline_names)
    return cells


def run_accumulate(
    stream_list: list[str], sizes: list[int | None], settings: Settings, failures: list[str]
) -> list[dict[str, Any]]:
    _print("## Accumulation: bytes fragments -> final text and tool calls\n")
    cells = []
    for stream in stream_list:
        impls = cases.accumulate_impls(stream)
        runnable = [i for i in impls if i.fn is not None]
        baseline_names = [i.name for i in runnable if i.role == "baseline"]
        data = streams.get_stream(stream)
        n_events = len(cases.reference_events(stream))
        _print(
            f"### accumulate · {stream} (dialect {cases.ACCUMULATE_STREAMS[stream]}) · {len(data):,} bytes · {n_events} events\n"
        )
        _print_impls(impls)
        header = _header(baseline_names)
        rows = []
        for size in sizes:
            frags = streams.fragments(data, size)
            checks = {}
            for impl in runnable:
                try:
                    result = impl.fn(frags)  # type: ignore[misc]  # runnable: fn is not None
                except Exception as exc:  # noqa: BLE001 -- reported in the table, not timed
                    checks[impl.name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
                    if impl.correct and type(exc).__name__ != "DialectError":  # a dialect not written yet is no bug
                        failures.append(
                            f"accumulate {impl.name} {stream} frag={streams.fragment_label(size)}: "
                            f"raised {type(exc).__name__}: {exc}"
                        )
                    continue
                checks[impl.name] = cases.check_completion(impl, stream, result)
                if impl.correct and not checks[impl.name]["ok"]:
                    failures.append(
                        f"accumulate {impl.name} {stream} frag={streams.fragment_label(size)}: "
                        f"wrong result {checks[impl.name]}"
                    )
            timed = [i for i in runnable if "error" not in checks[i.name]]
            stats = measure([(i.name, i.fn) for i in timed if i.fn is not None], frags, settings)
            cell = _cell("accumulate", stream, size, frags, data, n_events, dialect=cases.ACCUMULATE_STREAMS[stream])
            for impl in runnable:
                check = checks[impl.name]
                if impl.name not in stats:
                    what = "not in this checkout" if str(check["error"]).startswith("DialectError") else "CRASHED"
                    rows.append(
                        [streams.fragment_label(size), impl.name, "", "", ""]
                        + [""] * len(baseline_names)
                        + [f"{what}: {check['error']}"]
                    )
                    cell["results"][impl.name] = {"check": check}
                    continue
                st = cell["results"][impl.name] = _rates(impl, stats, baseline_names, data, n_events, check)
                if check["ok"]:
                    note = "ok"
                elif not impl.correct:
                    parts = []
                    if check.get("content_chars_lost"):
                        parts.append(f"{check['content_lost_pct']:.0f}% of text lost")
                    if check.get("tool_calls_wrong"):
                        parts.append(f"{check['tool_calls_wrong']} tool calls wrong")
                    if check.get("payloads_lost"):
                        parts.append(f"{check['payloads_lost']} chunks unparseable")
                    note = "wrong: " + ", ".join(parts or ["result differs"])
                else:
                    note = "WRONG RESULT"
                rows.append(_row(size, impl.name, st, baseline_names, note))
            cells.append(cell)
        _print_table(header, rows, baseline_names)
    return cells


def evaluate_targets(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for t in TARGETS:
        row: dict[str, Any] = {"target": t.label, "need": t.need, "measured": None, "result": "NOT RUN"}
        for cell in cells:
            if cell["group"] == t.group and cell["stream"] == t.stream and cell["fragment_size"] == t.size:
                res = cell["results"]
                if t.subject not in res:
                    impls = cases.framing_impls() if t.group == "framing" else cases.accumulate_impls(t.stream)
                    why = next((i.skip for i in impls if i.name == t.subject), None)
                    row["result"] = f"SKIPPED ({why})" if why else "NOT RUN"
                elif "median_s" not in res[t.subject]:
                    row["result"] = f"NOT MEASURED ({t.subject} failed: {res[t.subject]['check'].get('error')})"
                elif t.baseline not in res or "median_s" not in res[t.baseline]:
                    row["result"] = f"SKIPPED ({t.baseline} unavailable)"
                else:
                    ratio = res[t.baseline]["median_s"] / res[t.subject]["median_s"]
                    row["measured"] = ratio
                    row["result"] = "PASS" if ratio >= t.need else "MISS"
        out.append(row)
    return out


# -- the run ---------------------------------------------------------------------------------


def _git(*args: str) -> str | None:
    try:
        return subprocess.run(["git", "-C", ROOT, *args], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def environment() -> dict[str, Any]:
    import sseparse

    commit = _git("rev-parse", "--short", "HEAD")
    dirty = _git("status", "--porcelain", "--", "sseparse", "setup.py")
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    source = os.path.dirname(os.path.abspath(sseparse.__file__))
    stale = None
    try:
        import sseparse._framing_c as c

        pyx = os.path.join(source, "_framing_c.pyx")
        if os.path.exists(pyx) and os.path.getmtime(c.__file__) < os.path.getmtime(pyx):
            stale = "the compiled module is older than _framing_c.pyx: rebuild it (setup.py build_ext --inplace)"
    except ImportError:
        pass
    return {
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit,
        "dirty": bool(dirty),  # uncommitted changes to what is measured (sseparse/, setup.py)
        "load_average": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "sseparse_from_checkout": os.path.dirname(source) == ROOT,
        "sseparse_default_implementation": sseparse.IMPLEMENTATION,
        "compiled_stale": stale,
        "versions": baselines.versions(),
    }


def _sizes(text: str) -> list[int | None]:
    out: list[int | None] = []
    for part in text.split(","):
        part = part.strip()
        out.append(None if part in ("whole", "all", "none") else int(part))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--quick",
        action="store_true",
        help="fewer, shorter rounds; LF streams only; accumulation at 1500-byte fragments only",
    )
    ap.add_argument(
        "--group",
        action="append",
        choices=["framing", "accumulate"],
        help="run only this group (repeatable; default: both)",
    )
    ap.add_argument(
        "--stream",
        action="append",
        metavar="NAME",
        help=f"only these streams (repeatable): {', '.join(streams.stream_names())}",
    )
    ap.add_argument(
        "--sizes",
        metavar="N,N,...",
        help="fragment sizes, 'whole' for the whole stream "
        "(default: 1,16,256,1500,16384,whole; accumulation in --quick: 1500)",
    )
    crlf = ap.add_mutually_exclusive_group()
    crlf.add_argument("--crlf", dest="crlf", action="store_true", default=None, help="include the CRLF streams")
    crlf.add_argument("--no-crlf", dest="crlf", action="store_false", help="LF streams only")
    ap.add_argument(
        "--min-time", type=float, help="seconds of samples per implementation and cell (default 0.5; --quick 0.15)"
    )
    ap.add_argument(
        "--min-rounds", type=int, help="samples per implementation and cell, at least (default 9; --quick 5)"
    )
    timing.add_timer_argument(ap)
    ap.add_argument("--json", metavar="FILE", help="also write every measurement to FILE as JSON")
    ap.add_argument("--check-targets", action="store_true", help="exit with status 1 if a target is missed")
    args = ap.parse_args(argv)

    quick = args.quick
    settings = Settings(
        min_time=args.min_time if args.min_time is not None else (0.15 if quick else 0.5),
        min_rounds=args.min_rounds if args.min_rounds is not None else (5 if quick else 9),
        max_rounds=500,
        round_target=0.003 if quick else 0.005,
        timer=args.timer,
    )
    groups = args.group or ["framing", "accumulate"]
    with_crlf = args.crlf if args.crlf is not None else not quick
    if args.stream:
        unknown = [s for s in args.stream if s not in streams.stream_names()]
        if unknown:
            ap.error(f"unknown stream(s): {', '.join(unknown)}; known: {', '.join(streams.stream_names())}")
        framing_streams = list(args.stream)
    else:
        framing_streams = streams.stream_names(crlf=with_crlf)
    accumulate_streams = [s for s in (args.stream or list(cases.ACCUMULATE_STREAMS)) if s in cases.ACCUMULATE_STREAMS]
    framing_sizes = _sizes(args.sizes) if args.sizes else list(streams.FRAGMENT_SIZES)
    accumulate_sizes: list[int | None] = (
        _sizes(args.sizes) if args.sizes else ([1500] if quick else list(streams.FRAGMENT_SIZES))
    )

    env = environment()
    _print("# sseparse benchmarks\n")
    _print(
        f"- commit {env['commit']}{' plus uncommitted changes to sseparse/' if env['dirty'] else ''}, "
        f"{env['date']}, mode {'quick' if quick else 'full'}"
    )
    _print(f"- Python {env['python']} on {env['platform']}, {env['cpu']}, {env['cpus']} CPUs")
    _print(
        f"- sseparse from {'this checkout' if env['sseparse_from_checkout'] else 'an installed package'}, "
        f"default implementation {env['sseparse_default_implementation']}"
    )
    _print("- " + ", ".join(f"{k} {v}" for k, v in env["versions"].items() if v and k != "sseparse"))
    _print(
        f"- timing: {'CPU time of the benchmark thread' if settings.timer == 'cpu' else 'wall clock'}, "
        f"interleaved samples of ~{settings.round_target * 1e3:g} ms, ~{settings.min_time:g} s and "
        f">= {settings.min_rounds} samples per implementation and cell; medians per whole stream; "
        f"load average {env['load_average']} at start"
    )
    if env["compiled_stale"]:
        _print(f"- **warning: {env['compiled_stale']}**")
    _print()

    failures: list[str] = []
    cells: list[dict[str, Any]] = []
    t_start = time.perf_counter()
    if "framing" in groups and framing_streams:
        cells += run_framing(framing_streams, framing_sizes, settings, failures)
    if "accumulate" in groups and accumulate_streams:
        cells += run_accumulate(accumulate_streams, accumulate_sizes, settings, failures)
    elapsed = time.perf_counter() - t_start

    targets = evaluate_targets(cells)
    _print("## Targets\n")
    rows = [
        [t["target"], fmt_ratio(t["measured"]) if t["measured"] is not None else "—", f"≥ {t['need']:g}×", t["result"]]
        for t in targets
    ]
    _print(table(["target", "measured", "need", "result"], rows, right={1, 2}))
    _print()
    if failures:
        _print("## CORRECTNESS FAILURES\n")
        for f in failures:
            _print(f"- {f}")
        _print()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    _print(f"(measured in {elapsed:.0f} s; load average {load} at the end)")

    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(
                {
                    "environment": env,
                    "settings": vars(settings),
                    "cells": cells,
                    "targets": targets,
                    "failures": failures,
                    "elapsed_s": elapsed,
                },
                out,
                indent=1,
                ensure_ascii=False,
            )
    if failures:
        return 1
    if args.check_targets and any(t["result"] == "MISS" for t in targets):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
