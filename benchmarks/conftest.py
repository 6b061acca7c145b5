"""pytest-benchmark setup for the benchmark suite (never part of the test suite).

Run from the repository root, for example::

    pytest benchmarks/ --benchmark-group-by=group
    pytest benchmarks/test_bench_framing.py -k "openai-chat and 16384"

The modules next to this file (``streams``, ``baselines``, ``cases``) are imported by
name, and the checkout's ``sseparse`` is measured (its root comes first on the path).
"""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
for path in (ROOT, HERE):
    if path not in sys.path:
        sys.path.insert(0, path)
