"""How merging grows with the store: N synthetic event records merged into a real SQLite store.

    .venv/bin/python bench/merge.py 10000 100000

Each record is one report: about one in four repeats an earlier incident (same country, division,
type and a date a day or two off), the rest are new incidents spread over 3 years and 20
countries, so that the blocking query (country and date window) has realistic neighbours.
Prints, for each N, the seconds taken, records per second, and the incidents made.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sitrep.ingest import IngestSummary, merge_event
from sitrep.merge import sketch
from sitrep.store import ArticleRow, EventRow, open_store

COUNTRIES = ["PK", "AF", "NG", "SO", "ML", "BF", "IQ", "SY", "YE", "IN", "CO", "MX", "PH", "CD", "ET", "SD",
             "MZ", "CM", "NE", "LY"]
TYPES = ["bombing", "armed_assault", "kidnapping", "armed_clash", "air_or_artillery_strike"]


def synthetic_events(n: int, seed: int = 7) -> list[tuple[ArticleRow, EventRow]]:
    rng = random.Random(seed)
    start = date(2022, 1, 1)
    made: list[EventRow] = []
    out = []
    for i in range(n):
        if made and rng.random() < 0.25:
            base = rng.choice(made)
            day = date.fromisoformat(base.date_start or "2022-01-01") + timedelta(days=rng.choice([0, 0, 1, -1, 2]))
            country, admin1, kind = base.country_code, base.admin1, base.type
            lat, lon = base.lat, base.lon
        else:
            day = start + timedelta(days=rng.randrange(3 * 365))
            country = rng.choice(COUNTRIES)
            admin1 = f"{country}-division-{rng.randrange(12)}"
            kind = rng.choice(TYPES)
            lat, lon = rng.uniform(-10, 40), rng.uniform(-10, 80)
        killed = rng.randrange(0, 40)
        record = {"type": kind, "date": {"start": day.isoformat(), "precision": "day", "text": "Tuesday"},
                  "location": {"country_code": country, "admin1": admin1, "lat": lat, "lon": lon,
                               "precision": "admin1"},
                  "perpetrator": None, "counts": {"killed": {"value": killed, "qualifier": "exact"}}}
        article = ArticleRow(id=f"bench-{i}", ref=f"bench-{i}", url=None, title=None, published=day.isoformat(),
                             fetched="2025-01-01T00:00:00+00:00", content_hash=f"h{i}", version=1,
                             text=f"synthetic report {i}")
        row = EventRow(article_id=article.id, ordinal=0, main=True, type=kind, date_start=day.isoformat(),
                       date_precision="day", country_code=country, admin1=admin1, lat=lat, lon=lon,
                       perpetrator=None, killed=killed, record=record)
        made.append(row)
        out.append((article, row))
    return out


def run(n: int) -> tuple[float, int]:
    events = synthetic_events(n)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "bench.db"))
        summary = IngestSummary()
        began = time.perf_counter()
        for article, row in events:
            with store.transaction():
                store.add_article(article)
                [stored] = store.replace_events(article.id, [row])
                merge_event(stored, sketch(article.text), store, set(), summary)
        elapsed = time.perf_counter() - began
        store.close()
    return elapsed, summary.new_incidents


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [10_000, 100_000]
    for n in sizes:
        elapsed, incidents = run(n)
        print(f"{n:>8} records  {elapsed:8.1f} s  {n / elapsed:8.0f} records/s  {incidents} incidents", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
