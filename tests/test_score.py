"""The project's bar: the shared scorer run over the gold-coded development articles."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import SHARED, SITREP, require_shared

pytestmark = pytest.mark.slow

BARS_MIN = {
    "type": 0.90,
    "country": 0.95,
    "admin1": 0.85,
    "date": 0.90,
    "perpetrator": 0.85,
    "perpetrator_precision": 0.90,
    "claimed": 0.85,
    "counts_recall": 0.80,
    "background_recall": 0.60,
}
BARS_MAX = {"wrong_number_rate": 0.08}


def test_score_dev_meets_the_bars():
    require_shared()
    command = [
        sys.executable,
        str(SHARED / "eval" / "score.py"),
        "--json",
        "run",
        str(SHARED / "dev"),
        "--",
        str(SITREP),
        "extract",
        "--jsonl",
        "-",
    ]
    out = subprocess.run(command, capture_output=True, text=True, timeout=600)
    report = json.loads(out.stdout[: out.stdout.rindex("}") + 1])
    assert report["missing_results"] == 0
    low = {k: report[k] for k, bar in BARS_MIN.items() if report[k] is None or report[k] < bar}
    high = {k: report[k] for k, bar in BARS_MAX.items() if report[k] > bar}
    assert not low and not high, f"below the bar: {low}, above the bar: {high}"
