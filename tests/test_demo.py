"""The demo corpus that ships with the package, ingested into a real store."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sitrep.demo import build_demo, sample_lines
from sitrep.store import IncidentFilter

pytestmark = pytest.mark.slow


def test_demo_samples_become_incidents_with_follow_ups_merged(store, extractor):
    summary = build_demo(store, extractor, lambda: datetime(2025, 10, 2, tzinfo=UTC))
    assert summary.stored == len(sample_lines()) >= 15 and summary.failed == 0
    rows, _ = store.incidents(IncidentFilter(), limit=100)
    reports = {row.id: [a["id"] for a in row.record["articles"] if a["main"]] for row in rows}
    train = next(ids for ids in reports.values() if any("train" in i for i in ids))
    assert len(train) == 3, reports
    hijacking = next(r for r in rows if r.id in reports and reports[r.id] == train)
    history = hijacking.record["counts"]["killed_perpetrators"]["history"]
    assert len(history) == 3 and history[0]["value"] < history[-1]["value"]  # the toll was revised upward
    assert any(len(ids) == 2 for ids in reports.values())  # the kidnapping and the rescue three weeks later
    again = build_demo(store, extractor, lambda: datetime(2025, 10, 3, tzinfo=UTC))
    assert (again.stored, again.duplicates) == (0, summary.stored)


def test_demo_command_builds_the_store_without_serving(tmp_path):
    import subprocess

    from .conftest import SITREP

    db = tmp_path / "demo.db"
    out = subprocess.run([str(SITREP), "--db", str(db), "demo", "--no-serve"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "incidents" in out.stderr and db.exists()
