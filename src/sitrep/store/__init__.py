"""The store: every article ingested, every event record read from it, the incidents they were
merged into, and why. SQLite by default (one file), PostgreSQL for a team; the same behaviour
and the same tests for both.

`open_store(url)` opens (and migrates) a store: a `postgresql://` URL opens PostgreSQL, anything
else is a path to a SQLite file (created with its folder). The store holds rows, not logic: what
is merged with what is decided in `sitrep.merge`. Nothing a user ingested is ever deleted.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class ArticleRow:
    """An article as stored. `id` is sitrep's id for this version of the article; `ref` is what the
    user gave (the input id, a path or a URL). A changed text at the same URL is a new row with the
    next `version`. `extracted` turns true once its events are stored and merged."""

    id: str
    ref: str
    url: str | None
    title: str | None
    published: str | None  # YYYY-MM-DD
    fetched: str  # ISO timestamp, UTC
    content_hash: str  # sha256 of the text, hex
    version: int
    text: str
    error: str | None = None
    extracted: bool = False


@dataclass(frozen=True)
class EventRow:
    """One event record of one article; `record` is its contract JSON (sitrep.records.event_to_json)."""

    article_id: str
    ordinal: int
    main: bool
    type: str
    date_start: str | None
    date_precision: str | None
    country_code: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    perpetrator: str | None
    killed: int | None
    record: dict[str, Any]
    id: int | None = None  # given by the store


@dataclass(frozen=True)
class IncidentRow:
    """An incident: its stable id, the columns filters and blocking use, and its reconciled record."""

    id: str
    type: str
    date_start: str | None
    date_precision: str | None
    country_code: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    perpetrator: str | None
    killed: int | None  # reconciled best
    record: dict[str, Any]
    updated: str  # ISO timestamp, UTC


@dataclass(frozen=True)
class Link:
    """An event linked to an incident: as a report of it (`main`) or a mention, and why."""

    incident_id: str
    event: EventRow
    main: bool
    reason: dict[str, Any]
    article: ArticleRow


@dataclass(frozen=True)
class IncidentFilter:
    since: str | None = None  # YYYY-MM-DD, inclusive
    until: str | None = None
    country: str | None = None  # a country code or name
    admin1: str | None = None
    type: str | None = None
    perpetrator: str | None = None  # a case-insensitive substring
    min_killed: int | None = None
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    q: str | None = None  # free text over the incident's record
    extra: dict[str, Any] = field(default_factory=dict)


class Store(Protocol):
    """What the rest of sitrep may ask of a store."""

    url: str

    def close(self) -> None: ...
    def transaction(self) -> AbstractContextManager[None]: ...

    # articles
    def article_by_hash(self, content_hash: str) -> ArticleRow | None: ...
    def latest_version(self, url: str) -> ArticleRow | None: ...
    def add_article(self, article: ArticleRow) -> None: ...
    def mark_extracted(self, article_id: str, error: str | None) -> None: ...
    def unfinished_articles(self) -> list[ArticleRow]: ...
    def article(self, article_id: str) -> ArticleRow | None: ...
    def count_articles(self) -> int: ...

    # events
    def replace_events(self, article_id: str, events: Sequence[EventRow]) -> list[EventRow]: ...

    # incidents
    def candidates(self, country_code: str | None, date_from: str, date_to: str) -> list[IncidentRow]: ...
    def upsert_incident(self, incident: IncidentRow) -> None: ...
    def link(self, incident_id: str, event_id: int, main: bool, reason: dict[str, Any]) -> None: ...
    def links(self, incident_id: str) -> list[Link]: ...
    def article_incidents(self, article_id: str) -> list[IncidentRow]: ...
    def incident(self, incident_id: str) -> IncidentRow | None: ...
    def incidents(self, where: IncidentFilter, limit: int | None = None, offset: int = 0
                  ) -> tuple[list[IncidentRow], int]: ...
    def all_incidents(self) -> Iterator[IncidentRow]: ...

    # failures
    def record_failure(self, ref: str, reason: str) -> None: ...
    def failures(self) -> list[tuple[str, str, str]]: ...  # (ref, reason, at)


def open_store(url: str) -> Store:
    """Open the store at `url`, applying any migration it lacks."""
    if url.startswith(("postgresql://", "postgres://")):
        from sitrep.store.postgres import PostgresStore

        return PostgresStore.open(url)
    from sitrep.store.sqlite import SqliteStore

    return SqliteStore.open(url)


__all__ = ["ArticleRow", "EventRow", "IncidentFilter", "IncidentRow", "Link", "Store", "open_store"]
