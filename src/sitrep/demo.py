"""The demo: sample reports that ship with the package (written for sitrep, in its own words),
ingested into a store so that the dashboard has something true to show."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources

from sitrep.ingest import Extract, IngestSummary, ingest
from sitrep.sources import read_jsonl
from sitrep.store import Store


def sample_lines() -> list[str]:
    """The sample reports, one JSON object a line (the extract contract's input form)."""
    text = resources.files("sitrep").joinpath("samples", "reports.jsonl").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]


def build_demo(store: Store, extract: Extract, now: Callable) -> IngestSummary:
    """Ingest the sample reports into `store` (again safely: what is stored is not stored twice)."""
    return ingest(read_jsonl(sample_lines(), "samples/reports.jsonl", now), store, extract)
