"""Real traffic: sseparse against the loop people write by hand, stream by stream.

    python benchmarks/real.py DIR [DIR ...] [--repeat N] [--sizes 1,1500,whole] [--json FILE] [--markdown FILE]
    python benchmarks/real.py --from-json FILE [--markdown FILE]

Every ``*.sse`` file below the given folders (recorded response bodies: a folder of
captures, or your own) is read four ways, on the same fragments, in one process:

- ``naive``: the loop written by hand: a ``str`` buffer (an incremental UTF-8
  decoder in front of it, as ``aiter_text()`` gives), split at blank lines, the
  ``data:`` lines of each event joined and decoded with ``json.loads``, ``[DONE]``
  skipped. It does not even accumulate: it decodes every chunk and keeps nothing;
- ``orjson``: the same loop with ``orjson.loads`` (when orjson is installed);
- ``auto``: ``sseparse.Accumulator("auto")``, every fragment fed, then ``close()``
  (deltas built, as a renderer gets them);
- ``named``: the same with the stream's dialect named: the ``provider`` of the
  file's entry in an ``INDEX.json`` next to it, when there is one
  (``openai-compatible`` reads as ``openai-chat``), else the detected dialect.

Fragments of 1 byte, 1500 bytes (about a TCP segment) and the whole body. Times are
CPU time of this thread (``time.thread_time``), each sample a loop long enough to be
measured (the garbage collector off during it, as ``timeit`` does), samples of the
four taken in turn, the best of ``--repeat`` kept (``--stat median`` for the
median). The ratio of a stream is the naive time over sseparse's (above 1: sseparse
is faster); per dialect and for all streams, the geometric mean and the minimum.

Then a fixed-cost breakdown of each stream (1500-byte fragments), for the named
dialect and ``auto``: ``Accumulator(...)``, feeding every fragment, ``close()``
(the final snapshot), the ``detect()`` of the first event alone, and ``one-event``:
construct + feed + close of a stream made of the file's first event only, beside
``naive-one-event``, the naive loop on those same bytes (what that event's JSON
alone costs to decode: a first event that carries content, as Gemini's do, costs
that much before any fixed cost).

``--json FILE`` keeps every number; ``--markdown FILE`` writes the per-dialect tables
(the docs' performance page includes them), also later from the JSON with
``--from-json``. The exit status is 1 when sseparse finds a stream
incomplete or malformed (a provider's error event is no fault of the stream: a
capture of one is timed like the others). A body that holds several responses (a
fixture of an agent's calls) is timed on its first one, as sseparse reads it.
"""

from __future__ import annotations

import argparse
import codecs
import gc
import json
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # the checkout this script belongs to

import sseparse
from sseparse import Accumulator, EventParser
from sseparse._dialects import detect

try:
    import orjson
except ImportError:  # the orjson column is left out
    orjson = None

_clock = time.thread_time
#: A sample lasts at least this long (CPU seconds): the loop count is calibrated on it.
SAMPLE = 0.002


# -- the hand-written loop ------------------------------------------------------------


def naive_loop(fragments: Iterable[bytes], loads: Callable[[str], Any] = json.loads) -> int:
    """What a user writes: split the decoded text at blank lines, decode each event's
    data. Returns the number of chunks decoded (so that nothing is optimised away)."""
    decode = codecs.getincrementaldecoder("utf-8")().decode
    buf = ""
    n = 0
    for fragment in fragments:
        buf += decode(fragment)
        *blocks, buf = buf.split("\n\n")
        for block in blocks:
            data = "\n".join(line[5:].lstrip(" ") for line in block.split("\n") if line.startswith("data:"))
            if data and data != "[DONE]":
                loads(data)
                n += 1
    return n


def sseparse_loop(fragments: Iterable[bytes], dialect: Any) -> sseparse.Completion:
    acc = Accumulator(dialect)
    feed = acc.feed
    try:
        for fragment in fragments:
            feed(fragment)
    except sseparse.SseparseError:  # a provider's error event: the result says it
        pass
    return acc.close()


def first_response(body: bytes, dialect: str) -> bytes:
    """``body`` up to the end of its first response, when events follow that end (a
    fixture of several calls in one body): sseparse reads one response and says so
    (``ChunkDecodeError``), and the naive loop would decode the others: both are
    timed on the first one. Any other body as it is."""
    acc = Accumulator(dialect)
    try:
        acc.feed(body)
        return body
    except sseparse.SseparseError as exc:
        if not isinstance(exc, sseparse.ChunkDecodeError) or "after the end of the stream" not in str(exc):
            return body  # (a provider's error event, a malformed stream: timed as it is)
        before = exc.index  # the events with data read before the one after the end
    parser = sseparse.EventParser()
    seen = used = 0
    for line in body.splitlines(keepends=True):
        seen += len(parser.feed(line))
        used += len(line)
        if seen >= before:
            return body[:used]
    return body


# -- streams ------------------------------------------------------------------------


def find_streams(folders: list[str]) -> list[tuple[str, str, bytes, str]]:
    """(name, path, body, dialect) of every ``*.sse`` below ``folders``, sorted by name."""
    found = []
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            index = _index(root)
            for name in sorted(files):
                if not name.endswith(".sse"):
                    continue
                path = os.path.join(root, name)
                with open(path, "rb") as f:
                    body = f.read()
                dialect = index.get(name) or _detect_dialect(body)
                found.append((name[: -len(".sse")], path, body, dialect))
    return found


def _index(folder: str) -> dict[str, str]:
    """file name -> dialect, from the folder's INDEX.json (a list of entries with
    ``file`` and ``provider``), when it has one."""
    path = os.path.join(folder, "INDEX.json")
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        entries = json.load(f)
    out = {}
    for entry in entries if isinstance(entries, list) else []:
        provider = entry.get("provider")
        if isinstance(entry.get("file"), str) and isinstance(provider, str):
            out[entry["file"]] = "openai-chat" if provider == "openai-compatible" else provider
    return out


def _detect_dialect(body: bytes) -> str:
    acc = Accumulator("auto")
    try:
        acc.feed(body)
    except sseparse.SseparseError:
        pass
    return acc.close().dialect


def split(body: bytes, size: int | None) -> list[bytes]:
    if size is None:
        return [body]
    return [body[i : i + size] for i in range(0, len(body), size)]


def first_event(body: bytes) -> tuple[bytes, Any]:
    """The bytes of the body's first event with data (blank line included), and the event."""
    parser = EventParser()
    for i in range(len(body)):
        events = parser.feed(body[i : i + 1])
        if any(e.data.strip() for e in events):
            event = next(e for e in events if e.data.strip())
            return body[: i + 1], event
    raise ValueError("no event with data")


# -- timing -------------------------------------------------------------------------


def _calibrate(fn: Callable[[], object]) -> int:
    loops = 1
    while True:
        t0 = _clock()
        for _ in range(loops):
            fn()
        if _clock() - t0 >= SAMPLE:
            return loops
        loops *= 2


def measure(fns: dict[str, Callable[[], object]], repeat: int, stat: Callable[[list[float]], float]) -> dict[str, float]:
    """Seconds per call of each function: samples taken in turn, ``stat`` of ``repeat``."""
    loops = {name: _calibrate(fn) for name, fn in fns.items()}
    samples: dict[str, list[float]] = {name: [] for name in fns}
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            for name, fn in fns.items():
                n = loops[name]
                t0 = _clock()
                for _ in range(n):
                    fn()
                samples[name].append((_clock() - t0) / n)
    finally:
        if enabled:
            gc.enable()
    return {name: stat(s) for name, s in samples.items()}


def phases(dialect: str, fragments: list[bytes], one: bytes, event: Any, repeat: int,
           stat: Callable[[list[float]], float]) -> dict[str, float]:
    """The fixed costs: construct, feed, close (of the whole stream), detect, one-event
    (and the naive loop on the one event's bytes)."""
    k = max(20, 2000 // max(1, len(fragments)))
    samples: dict[str, list[float]] = {
        "construct": [], "feed": [], "close": [], "detect": [], "one-event": [], "naive-one-event": []
    }
    single = [one]
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            t0 = _clock()
            accs = [Accumulator(dialect) for _ in range(k)]
            t1 = _clock()
            for acc in accs:
                feed = acc.feed
                try:
                    for fragment in fragments:
                        feed(fragment)
                except sseparse.SseparseError:
                    pass
            t2 = _clock()
            for acc in accs:
                acc.close()
            t3 = _clock()
            for _ in range(k):
                try:
                    detect(event)
                except sseparse.SseparseError:  # undetectable: "auto" fails on it too
                    pass
            t4 = _clock()
            for _ in range(k):
                acc = Accumulator(dialect)
                try:
                    acc.feed(one)
                except sseparse.SseparseError:
                    pass
                acc.close()
            t5 = _clock()
            for _ in range(k):
                naive_loop(single)
            t6 = _clock()
            for name, t in zip(samples, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5)):
                samples[name].append(t / k)
            del accs
    finally:
        if enabled:
            gc.enable()
    out = {name: stat(s) for name, s in samples.items()}
    if dialect != "auto":
        del out["detect"]
    return out


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


# -- main ---------------------------------------------------------------------------


def _size_name(size: int | None) -> str:
    return "whole" if size is None else str(size)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folders", nargs="*", metavar="DIR")
    ap.add_argument("--repeat", type=int, default=5, help="samples per cell (default 5)")
    ap.add_argument("--stat", choices=("best", "median"), default="best")
    ap.add_argument("--sizes", default="1,1500,whole", help="fragment sizes (default 1,1500,whole)")
    ap.add_argument("--no-phases", action="store_true", help="skip the fixed-cost breakdown")
    ap.add_argument("--json", metavar="FILE", help="write every number to FILE")
    ap.add_argument("--markdown", metavar="FILE", help="write the per-dialect tables to FILE (Markdown)")
    ap.add_argument("--from-json", metavar="FILE", help="measure nothing: render --markdown from an earlier --json")
    args = ap.parse_args(argv)
    if args.from_json:
        with open(args.from_json, encoding="utf-8") as f:
            data = json.load(f)
        text = markdown(data)
        if args.markdown:
            with open(args.markdown, "w", encoding="utf-8") as f:
                f.write(text)
        else:
            print(text, end="")
        return 0
    if not args.folders:
        ap.error("give at least one folder of *.sse files (or --from-json)")
    stat = min if args.stat == "best" else statistics.median
    sizes = [None if s == "whole" else int(s) for s in args.sizes.split(",")]

    streams = find_streams(args.folders)
    if not streams:
        print("no *.sse file found", file=sys.stderr)
        return 2
    impls = ["naive"] + (["orjson"] if orjson is not None else []) + ["auto", "named"]
    print(f"sseparse {sseparse.__version__} ({sseparse.IMPLEMENTATION}), Python {platform.python_version()}, "
          f"{len(streams)} streams; CPU time, {args.stat} of {args.repeat}; ratio = naive / sseparse\n")

    status = 0
    results: list[dict[str, Any]] = []
    for name, path, body, dialect in streams:
        print(f"{name} ...", file=sys.stderr, flush=True)
        whole = len(body)
        body = first_response(body, dialect)
        if len(body) < whole:
            print(f"= {name}: several responses in one body; its first ({len(body)} of {whole} bytes) is timed")
        result = sseparse_loop([body], dialect)
        read = naive_loop([body])
        if not result.complete and (result.error or {}).get("type") != "provider_error":
            print(f"! {name}: sseparse reads it as {dialect} with complete=False ({result.error})")
            status = 1
        entry: dict[str, Any] = {"name": name, "dialect": dialect, "bytes": len(body), "chunks": read,
                                 "complete": result.complete, "times": {}, "phases": {}}
        for size in sizes:
            frags = split(body, size)
            fns: dict[str, Callable[[], object]] = {
                "naive": lambda f=frags: naive_loop(f),
                "auto": lambda f=frags: sseparse_loop(f, "auto"),
                "named": lambda f=frags, d=dialect: sseparse_loop(f, d),
            }
            if orjson is not None:
                fns["orjson"] = lambda f=frags: naive_loop(f, orjson.loads)
            entry["times"][_size_name(size)] = measure({k: fns[k] for k in impls}, args.repeat, stat)
        if not args.no_phases:
            one, event = first_event(body)
            frags = split(body, 1500)
            for d in (dialect, "auto"):
                entry["phases"]["auto" if d == "auto" else "named"] = phases(d, frags, one, event, args.repeat, stat)
        results.append(entry)

    for size in sizes:
        _report(results, _size_name(size), impls)
    if not args.no_phases:
        _report_phases(results)
    data = {"python": platform.python_version(), "implementation": sseparse.IMPLEMENTATION,
            "stat": args.stat, "repeat": args.repeat, "sizes": [_size_name(s) for s in sizes],
            "orjson": orjson is not None, "streams": results}
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1)
            f.write("\n")
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(markdown(data))
    return status


def dialect_ratios(results: list[dict[str, Any]], size: str, dialect: str) -> dict[str, float]:
    """Geomean and minimum of the ratios (naive / sseparse) over the streams of
    ``dialect`` (``"all"``: every stream) at fragment size ``size``."""
    rows = [r["times"][size] for r in results if dialect in ("all", r["dialect"])]
    out = {"n": float(len(rows))}
    for impl in ("auto", "named"):
        ratios = [t["naive"] / t[impl] for t in rows]
        out[f"{impl}_geomean"], out[f"{impl}_min"] = geomean(ratios), min(ratios)
        if rows and all("orjson" in t for t in rows):
            out[f"{impl}_orjson_geomean"] = geomean([t["orjson"] / t[impl] for t in rows])
    return out


def markdown(data: dict[str, Any]) -> str:
    """The per-dialect tables of a run (what the docs' performance page includes)."""
    results = data["streams"]
    dialects = [*sorted({r["dialect"] for r in results}), "all"]
    with_orjson = all("orjson" in t for r in results for t in r["times"].values())
    lines = []
    for size in data.get("sizes") or list(results[0]["times"]):
        what = "whole bodies" if size == "whole" else f"{size}-byte fragments"
        lines += [f"**{what}**: naive loop / sseparse (geometric mean, minimum)", ""]
        head = "| dialect | streams | auto | min | named | min |"
        rule = "| --- | ---: | ---: | ---: | ---: | ---: |"
        if with_orjson:
            head += " auto vs orjson loop | named vs orjson loop |"
            rule += " ---: | ---: |"
        lines += [head, rule]
        for d in dialects:
            r = dialect_ratios(results, size, d)
            line = (f"| {d} | {int(r['n'])} | {r['auto_geomean']:.2f}x | {r['auto_min']:.2f}x "
                    f"| {r['named_geomean']:.2f}x | {r['named_min']:.2f}x |")
            if with_orjson:
                line += f" {r['auto_orjson_geomean']:.2f}x | {r['named_orjson_geomean']:.2f}x |"
            lines.append(line)
        lines.append("")
    if all(r["phases"] for r in results):
        with_naive = all("naive-one-event" in r["phases"]["named"] for r in results)
        lines += ["**A stream of one event** (construct + feed + close; median over the streams, "
                  "each stream's own first event"
                  + ("; beside it, the naive loop on the same bytes)" if with_naive else ")"), "",
                  "| dialect | named | auto |" + (" naive loop |" if with_naive else ""),
                  "| --- | ---: | ---: |" + (" ---: |" if with_naive else "")]
        for d in dialects:
            rows = [r["phases"] for r in results if d in ("all", r["dialect"])]
            named = statistics.median(p["named"]["one-event"] for p in rows) * 1e6
            auto = statistics.median(p["auto"]["one-event"] for p in rows) * 1e6
            line = f"| {d} | {named:.1f} µs | {auto:.1f} µs |"
            if with_naive:
                line += f" {statistics.median(p['named']['naive-one-event'] for p in rows) * 1e6:.1f} µs |"
            lines.append(line)
        lines.append("")
    return "\n".join(lines)


def _report(results: list[dict[str, Any]], size: str, impls: list[str]) -> None:
    print(f"== fragments: {size} ==")
    header = f"{'stream':44s} {'bytes':>7s} " + " ".join(f"{i + ' µs':>10s}" for i in impls)
    print(header + "   auto×  named×" + ("  (orjson) auto× named×" if "orjson" in impls else ""))
    for r in results:
        t = r["times"][size]
        cells = " ".join(f"{t[i] * 1e6:10.1f}" for i in impls)
        line = f"{r['name'][:44]:44s} {r['bytes']:7d} {cells}  {t['naive'] / t['auto']:6.2f} {t['naive'] / t['named']:6.2f}"
        if "orjson" in t:
            line += f"  {'':8s}{t['orjson'] / t['auto']:6.2f} {t['orjson'] / t['named']:5.2f}"
        print(line)
    print()
    dialects = sorted({r["dialect"] for r in results})
    print(f"{'dialect':20s} {'n':>3s}  {'auto geomean':>12s} {'min':>6s}  {'named geomean':>13s} {'min':>6s}"
          + ("   vs orjson: auto  named" if "orjson" in impls else ""))
    for d in [*dialects, "all"]:
        rows = [r["times"][size] for r in results if d in ("all", r["dialect"])]
        auto = [t["naive"] / t["auto"] for t in rows]
        named = [t["naive"] / t["named"] for t in rows]
        line = f"{d:20s} {len(rows):3d}  {geomean(auto):12.2f} {min(auto):6.2f}  {geomean(named):13.2f} {min(named):6.2f}"
        if "orjson" in impls:
            line += f"   {geomean([t['orjson'] / t['auto'] for t in rows]):13.2f} {geomean([t['orjson'] / t['named'] for t in rows]):6.2f}"
        print(line)
    print()


def _report_phases(results: list[dict[str, Any]]) -> None:
    print("== fixed costs (µs; 1500-byte fragments; feed and close are the whole stream's) ==")
    print(f"{'stream':44s} {'named: construct':>16s} {'feed':>7s} {'close':>6s} {'one-event':>9s}"
          f"   {'auto: construct':>15s} {'detect':>6s} {'feed':>7s} {'close':>6s} {'one-event':>9s}")
    for r in results:
        n, a = r["phases"]["named"], r["phases"]["auto"]
        print(f"{r['name'][:44]:44s} {n['construct'] * 1e6:16.2f} {n['feed'] * 1e6:7.1f} {n['close'] * 1e6:6.2f} "
              f"{n['one-event'] * 1e6:9.2f}   {a['construct'] * 1e6:15.2f} {a['detect'] * 1e6:6.2f} "
              f"{a['feed'] * 1e6:7.1f} {a['close'] * 1e6:6.2f} {a['one-event'] * 1e6:9.2f}")
    print()
    dialects = sorted({r["dialect"] for r in results})
    print(f"{'one-event stream, median':24s} {'named':>7s} {'auto':>7s} {'naive loop':>10s}")
    for d in [*dialects, "all"]:
        rows = [r["phases"] for r in results if d in ("all", r["dialect"])]
        print(f"{d:24s} {statistics.median(p['named']['one-event'] for p in rows) * 1e6:7.2f} "
              f"{statistics.median(p['auto']['one-event'] for p in rows) * 1e6:7.2f} "
              f"{statistics.median(p['named']['naive-one-event'] for p in rows) * 1e6:10.2f}")
    print()


if __name__ == "__main__":
    sys.exit(main())
