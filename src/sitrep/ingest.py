"""Ingesting: articles from sources into the store, each extracted and merged as it arrives.

Every article is stored before it is read, and marked done in the same transaction that stores
its events and merges them; a run that is interrupted (Ctrl-C, a crash, a killed process) leaves
each article either done or waiting, and the next run finishes the waiting ones first. The same
text, or the same URL with the same text, is stored once; a changed text at the same URL or id is
kept as a new version. A bad item is recorded with its reason and the run goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from sitrep.article import Article
from sitrep.errors import ArticleError
from sitrep.merge import choose, choose_duplicate, date_window, names, new_incident_id, sketch
from sitrep.reconcile import build_incident
from sitrep.records import EventRecord, event_to_json
from sitrep.results import NO_INCIDENT
from sitrep.sources import Failure, Fetched, content_hash
from sitrep.store import ArticleRow, EventRow, Store

Extract = Callable[[Article], list[EventRecord]]


@dataclass
class IngestSummary:
    """What a run did, for the closing line of `sitrep ingest`."""

    read: int = 0
    stored: int = 0
    duplicates: int = 0
    failed: int = 0
    resumed: int = 0
    new_incidents: int = 0
    merged: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)


def ingest(items: Iterable[Fetched | Failure], store: Store, extract: Extract,
           on_item: Callable[[], None] | None = None) -> IngestSummary:
    summary = IngestSummary()
    for waiting in store.unfinished_articles():  # what an interrupted run left
        process_article(waiting, store, extract, summary)
        summary.resumed += 1
    for item in items:
        summary.read += 1
        if isinstance(item, Failure):
            store.record_failure(item.ref, item.reason)
            summary.failed += 1
            summary.failures.append((item.ref, item.reason))
        else:
            row = store_article(item, store)
            if row is None:
                summary.duplicates += 1
            else:
                summary.stored += 1
                process_article(row, store, extract, summary)
        if on_item is not None:
            on_item()
    return summary


def store_article(item: Fetched, store: Store) -> ArticleRow | None:
    """Store a fetched article; None when the same text is already stored for it."""
    article = item.article
    digest = content_hash(article.text)
    same = store.article_by_hash(digest)
    if same is not None and (same.ref == item.ref or same.url == article.url or article.url is None):
        return None if same.extracted else same
    previous = store.latest_version(article.url) if article.url else None
    version = previous.version + 1 if previous is not None else 1
    article_id = article.id if version == 1 else f"{article.id}@v{version}"
    while store.article(article_id) is not None:  # the same id with another text: a new version
        version += 1
        article_id = f"{article.id}@v{version}"
    row = ArticleRow(
        id=article_id, ref=item.ref, url=article.url, title=article.title,
        published=article.published.isoformat() if article.published else None, fetched=item.fetched,
        content_hash=digest, version=version, text=article.text,
    )
    with store.transaction():
        store.add_article(row)
    return row


def process_article(row: ArticleRow, store: Store, extract: Extract, summary: IngestSummary) -> None:
    """Extract an article, store its events, merge them, and mark it done, in one transaction."""
    article = Article(id=row.id, text=row.text, published=date.fromisoformat(row.published) if row.published else None,
                      url=row.url, title=row.title)
    try:
        events = extract(article)
        error = None if events else NO_INCIDENT
    except ArticleError as exc:
        events, error = [], str(exc)
    text_sketch = sketch(row.text)
    text_names = names(row.text)
    with store.transaction():
        stored = store.replace_events(row.id, [event_row(row.id, i, e) for i, e in enumerate(events)])
        taken: set[str] = set()
        for event in stored:
            incident_id = merge_event(event, text_sketch, store, taken, summary, text_names)
            taken.add(incident_id)
        store.mark_extracted(row.id, error)


def merge_event(event: EventRow, text_sketch: list[int], store: Store, taken: set[str],
                summary: IngestSummary, text_names: list[int] | None = None) -> str:
    """Link one event to the incident it reports or recalls, founding one where none matches."""
    window = date_window(event)
    if window is not None:
        candidates = store.candidates(event.country_code, *window)
        # an article's events are different incidents, but a recap of the incident its main event
        # already joined ("the pupils seized on 7 March") is a mention of that same incident
        allowed = [c for c in candidates if c.id not in taken or not event.main]
        match = choose(event, text_sketch, allowed, text_names or [])
    else:  # no date at all: only a near-identical republication of a known report joins
        candidates = store.candidates(event.country_code, "0000-01-01", "9999-12-31")
        match = choose_duplicate(event, text_sketch, [c for c in candidates if c.id not in taken])
    if match is None:
        incident_id, reason = new_incident_id(event), {"rule": "merge.v1", "founded": True}
        sketches: list[list[int]] = []
        known_names: list[list[int]] = []
        summary.new_incidents += 1
    else:
        incident_id, reason = match.incident_id, match.reasons
        existing = store.incident(incident_id)
        sketches = list(existing.record.get("sketches", [])) if existing else []
        known_names = list(existing.record.get("names", [])) if existing else []
        summary.merged += 1
    assert event.id is not None
    store.link(incident_id, event.id, event.main, reason)
    if event.main:
        sketches.append(text_sketch)
        known_names.append(text_names or [])
    store.upsert_incident(build_incident(incident_id, store.links(incident_id), sketches, known_names))
    return incident_id


def event_row(article_id: str, ordinal: int, event: EventRecord) -> EventRow:
    record = event_to_json(event)
    location, perpetrator = event.location, event.perpetrator
    killed = event.counts.get("killed")
    return EventRow(
        article_id=article_id, ordinal=ordinal, main=event.main, type=event.type,
        date_start=event.date.start.isoformat() if event.date.start else None,
        date_precision=event.date.precision, country_code=location.country_code, admin1=location.admin1,
        lat=location.lat, lon=location.lon,
        perpetrator=(perpetrator.group or perpetrator.name) if perpetrator else None,
        killed=killed.value if killed else None, record=record,
    )
