"""The store's SQL, shared by SQLite and PostgreSQL: the two differ only in their `Dialect`.

Queries are written once, with `?` placeholders (never a literal `?` or `%` in the SQL text: values
always travel as parameters). Each connection runs in autocommit mode and `SqlStore.transaction()`
opens transactions itself, so that a write made outside one is committed at once and a nested
`transaction()` becomes a savepoint. Rows come back as the frozen records of `sitrep.store`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from sitrep.errors import StoreError
from sitrep.store import ArticleRow, EventRow, IncidentFilter, IncidentRow, Link


@dataclass(frozen=True)
class Dialect:
    """What differs between the SQL of two database engines."""

    name: str
    placeholder: str  # how a query marks a parameter
    serial_key: str  # the column definition of an integer primary key that the database numbers
    json_type: str  # the column type of a JSON document
    text_key: str  # the column type of ids and ISO dates: compared byte by byte
    begin: str  # the statement that opens a transaction
    lock_migrations: str  # makes concurrent openers migrate one at a time ("" where `begin` already does)
    no_limit: str  # a LIMIT that lets every row through
    json_text: str  # a JSON column as text; template with {column}
    json_member: str  # a text member of a JSON column; template with {column}, {dotted} (a.b) and {commas} (a,b)

    def sql(self, query: str) -> str:
        """The query with this dialect's placeholders."""
        return query if self.placeholder == "?" else query.replace("?", self.placeholder)

    def member(self, column: str, *keys: str) -> str:
        return self.json_member.format(column=column, dotted=".".join(keys), commas=",".join(keys))

    def as_text(self, column: str) -> str:
        return self.json_text.format(column=column)


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...
    def fetchall(self) -> list[Any]: ...
    def close(self) -> None: ...


class Connection(Protocol):
    """A DB-API connection in autocommit mode (sqlite3's and psycopg's both fit)."""

    def execute(self, query: str, params: Sequence[Any], /) -> Cursor: ...
    def close(self) -> None: ...


ARTICLE_COLUMNS = tuple(f.name for f in fields(ArticleRow))
EVENT_COLUMNS = tuple(f.name for f in fields(EventRow) if f.name != "id")
INCIDENT_COLUMNS = tuple(f.name for f in fields(IncidentRow))
KNOWN_FILTERS = tuple(f.name for f in fields(IncidentFilter) if f.name != "extra")


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def encode_json(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, allow_nan=False)


def decode_json(value: Any) -> Any:
    """A JSON column's value: text from SQLite, already decoded from PostgreSQL's JSONB."""
    return json.loads(value) if isinstance(value, str) else value


def columns(names: Sequence[str], prefix: str = "") -> str:
    return ", ".join(prefix + name for name in names)


def marks(count: int) -> str:
    return ", ".join("?" * count)


def article_from(row: Sequence[Any]) -> ArticleRow:
    values = dict(zip(ARTICLE_COLUMNS, row, strict=True))
    return ArticleRow(**{**values, "extracted": bool(values["extracted"])})


def event_from(row: Sequence[Any]) -> EventRow:
    values = dict(zip((*EVENT_COLUMNS, "id"), row, strict=True))
    return EventRow(**{**values, "main": bool(values["main"]), "record": decode_json(values["record"])})


def incident_from(row: Sequence[Any]) -> IncidentRow:
    values = dict(zip(INCIDENT_COLUMNS, row, strict=True))
    return IncidentRow(**{**values, "record": decode_json(values["record"])})


def event_values(event: EventRow) -> list[Any]:
    return [encode_json(event.record) if name == "record" else getattr(event, name) for name in EVENT_COLUMNS]


def incident_values(incident: IncidentRow) -> list[Any]:
    return [encode_json(incident.record) if name == "record" else getattr(incident, name) for name in INCIDENT_COLUMNS]


def containing(text: str) -> str:
    """A LIKE pattern (with `\\` as its escape) for a case-insensitive substring."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def incident_conditions(where: IncidentFilter, dialect: Dialect) -> tuple[str, list[Any]]:
    """The WHERE clause (and its parameters) that selects the incidents a filter asks for."""
    if where.extra:
        raise StoreError(f"the store cannot filter incidents on {sorted(where.extra)}; "
                         f"it filters on: {', '.join(KNOWN_FILTERS)}")
    used = list(_conditions(where, dialect))
    return " AND ".join(sql for sql, _ in used) or "1 = 1", [p for _, params in used for p in params]


def _conditions(where: IncidentFilter, dialect: Dialect) -> Iterator[tuple[str, list[Any]]]:
    like = " LIKE ? ESCAPE '\\'"
    if where.since:
        yield "date_start >= ?", [where.since]
    if where.until:
        yield "date_start <= ?", [where.until]
    if where.country:
        country = dialect.member("record", "location", "country")
        yield f"(lower(country_code) = ? OR lower({country}) = ?)", [where.country.lower()] * 2
    if where.admin1:
        yield "lower(admin1) = ?", [where.admin1.lower()]
    if where.type:
        yield "type = ?", [where.type]
    if where.perpetrator:
        yield "lower(perpetrator)" + like, [containing(where.perpetrator)]
    if where.min_killed is not None:
        yield "killed >= ?", [where.min_killed]
    if where.bbox:
        yield bbox_condition(where.bbox)
    if where.q:
        yield f"lower({dialect.as_text('record')})" + like, [containing(where.q)]


def bbox_condition(bbox: tuple[float, float, float, float]) -> tuple[str, list[Any]]:
    """Inside a box given as west, south, east, north; a box whose west is east of its east crosses 180°."""
    west, south, east, north = bbox
    lon = "lon BETWEEN ? AND ?" if west <= east else "(lon >= ? OR lon <= ?)"
    return f"lat BETWEEN ? AND ? AND {lon}", [south, north, west, east]


class SqlStore:
    """A store over one connection; `url` names it in messages (a PostgreSQL URL without its password)."""

    def __init__(self, url: str, connection: Connection, dialect: Dialect) -> None:
        self.url = url
        self.dialect = dialect
        self._connection = connection
        self._depth = 0  # how many transaction() blocks are open

    def close(self) -> None:
        self._connection.close()

    # statements

    def execute(self, query: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; the number of rows it changed."""
        cursor = self._connection.execute(self.dialect.sql(query), params)
        try:
            return cursor.rowcount
        finally:
            cursor.close()

    def rows(self, query: str, params: Sequence[Any] = ()) -> list[Any]:
        cursor = self._connection.execute(self.dialect.sql(query), params)
        try:
            return cursor.fetchall()
        finally:
            cursor.close()

    def row(self, query: str, params: Sequence[Any] = ()) -> Any | None:
        found = self.rows(query, params)
        return found[0] if found else None

    # transactions

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Commit on success, roll back on an exception; nested, a savepoint."""
        depth = self._depth
        self.execute(self.dialect.begin if depth == 0 else f"SAVEPOINT sitrep_{depth}")
        self._depth = depth + 1
        try:
            yield
        except BaseException:
            self._depth = depth
            self.execute("ROLLBACK" if depth == 0 else f"ROLLBACK TO SAVEPOINT sitrep_{depth}")
            raise
        self._depth = depth
        self._finish(depth)

    def _finish(self, depth: int) -> None:
        if depth:
            self.execute(f"RELEASE SAVEPOINT sitrep_{depth}")
            return
        try:
            self.execute("COMMIT")
        except Exception:
            self.execute("ROLLBACK")  # SQLite keeps a transaction open when COMMIT fails
            raise

    def writing(self) -> AbstractContextManager[None]:
        """The open transaction, or a new one for a single write."""
        return nullcontext() if self._depth else self.transaction()

    # articles

    def article(self, article_id: str) -> ArticleRow | None:
        found = self.row(f"SELECT {columns(ARTICLE_COLUMNS)} FROM articles WHERE id = ?", [article_id])
        return article_from(found) if found else None

    def article_by_hash(self, content_hash: str) -> ArticleRow | None:
        """The first article stored with this text (the same text may be stored at several URLs)."""
        found = self.row(f"SELECT {columns(ARTICLE_COLUMNS)} FROM articles WHERE content_hash = ? ORDER BY seq LIMIT 1",
                         [content_hash])
        return article_from(found) if found else None

    def latest_version(self, url: str) -> ArticleRow | None:
        found = self.row(f"SELECT {columns(ARTICLE_COLUMNS)} FROM articles WHERE url = ? ORDER BY version DESC LIMIT 1",
                         [url])
        return article_from(found) if found else None

    def add_article(self, article: ArticleRow) -> None:
        with self.writing():
            if self.article(article.id) is not None:
                raise StoreError(f"article {article.id!r} is already stored in {self.url}; "
                                 "store a changed text under a new id (its next version)")
            self.execute(f"INSERT INTO articles ({columns(ARTICLE_COLUMNS)}, seq) "
                         f"VALUES ({marks(len(ARTICLE_COLUMNS))}, (SELECT COALESCE(MAX(seq), 0) + 1 FROM articles))",
                         [getattr(article, name) for name in ARTICLE_COLUMNS])

    def mark_extracted(self, article_id: str, error: str | None) -> None:
        with self.writing():
            changed = self.execute("UPDATE articles SET extracted = ?, error = ? WHERE id = ?",
                                   [True, error, article_id])
        if not changed:
            raise StoreError(f"no article {article_id!r} in {self.url}; store it before marking it extracted")

    def unfinished_articles(self) -> list[ArticleRow]:
        found = self.rows(f"SELECT {columns(ARTICLE_COLUMNS)} FROM articles WHERE extracted = ? ORDER BY seq", [False])
        return [article_from(row) for row in found]

    def count_articles(self) -> int:
        return int(self.rows("SELECT COUNT(*) FROM articles")[0][0])

    # events

    def replace_events(self, article_id: str, events: Sequence[EventRow]) -> list[EventRow]:
        """Store an article's events in place of its previous ones (whose incident links go too)."""
        strays = sorted({e.article_id for e in events if e.article_id != article_id})
        if strays:
            raise StoreError(f"events of articles {strays} were given to replace those of article {article_id!r}")
        with self.writing():
            self.execute("DELETE FROM incident_events WHERE event_id IN (SELECT id FROM events WHERE article_id = ?)",
                         [article_id])
            self.execute("DELETE FROM events WHERE article_id = ?", [article_id])
            return [self._insert_event(event) for event in events]

    def _insert_event(self, event: EventRow) -> EventRow:
        found = self.rows(f"INSERT INTO events ({columns(EVENT_COLUMNS)}) VALUES ({marks(len(EVENT_COLUMNS))}) "
                          "RETURNING id", event_values(event))
        return replace(event, id=int(found[0][0]))

    # incidents

    def incident(self, incident_id: str) -> IncidentRow | None:
        found = self.row(f"SELECT {columns(INCIDENT_COLUMNS)} FROM incidents WHERE id = ?", [incident_id])
        return incident_from(found) if found else None

    def upsert_incident(self, incident: IncidentRow) -> None:
        changes = ", ".join(f"{name} = excluded.{name}" for name in INCIDENT_COLUMNS if name != "id")
        with self.writing():
            self.execute(f"INSERT INTO incidents ({columns(INCIDENT_COLUMNS)}) VALUES ({marks(len(INCIDENT_COLUMNS))}) "
                         f"ON CONFLICT (id) DO UPDATE SET {changes}", incident_values(incident))

    def candidates(self, country_code: str | None, date_from: str, date_to: str) -> list[IncidentRow]:
        """The incidents of a country (or of none) whose date lies in [date_from, date_to]: merge's blocking."""
        country = "country_code IS NULL" if country_code is None else "country_code = ?"
        params = [date_from, date_to] if country_code is None else [country_code, date_from, date_to]
        found = self.rows(f"SELECT {columns(INCIDENT_COLUMNS)} FROM incidents "
                          f"WHERE {country} AND date_start BETWEEN ? AND ? ORDER BY date_start, id", params)
        return [incident_from(row) for row in found]

    def incidents(self, where: IncidentFilter, limit: int | None = None, offset: int = 0
                  ) -> tuple[list[IncidentRow], int]:
        """A page of the incidents a filter selects, newest first, and how many it selects in all."""
        if (limit is not None and limit < 0) or offset < 0:
            raise StoreError(f"limit and offset must not be negative (got limit={limit}, offset={offset})")
        conditions, params = incident_conditions(where, self.dialect)
        total = int(self.rows(f"SELECT COUNT(*) FROM incidents WHERE {conditions}", params)[0][0])
        page = self.dialect.no_limit if limit is None else "?"
        found = self.rows(f"SELECT {columns(INCIDENT_COLUMNS)} FROM incidents WHERE {conditions} "
                          f"ORDER BY date_start IS NULL, date_start DESC, id LIMIT {page} OFFSET ?",
                          [*params, *([] if limit is None else [limit]), offset])
        return [incident_from(row) for row in found], total

    def all_incidents(self) -> Iterator[IncidentRow]:
        found = self.rows(f"SELECT {columns(INCIDENT_COLUMNS)} FROM incidents "
                          "ORDER BY date_start IS NULL, date_start, id")
        return (incident_from(row) for row in found)

    # links

    def link(self, incident_id: str, event_id: int, main: bool, reason: dict[str, Any]) -> None:
        """Link an event to an incident, in place of any link it had."""
        with self.writing():
            self.execute("INSERT INTO incident_events (incident_id, event_id, main, reason, linked) "
                         "VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_id) DO UPDATE SET "
                         "incident_id = excluded.incident_id, main = excluded.main, reason = excluded.reason, "
                         "linked = excluded.linked",
                         [incident_id, event_id, main, encode_json(reason), utc_now()])

    def article_incidents(self, article_id: str) -> list[IncidentRow]:
        """The incidents an article's events are linked to (as reports or as mentions), newest first."""
        found = self.rows(f"SELECT {columns(INCIDENT_COLUMNS, 'i.')} FROM incidents i WHERE i.id IN "
                          "(SELECT l.incident_id FROM incident_events l JOIN events e ON e.id = l.event_id "
                          "WHERE e.article_id = ?) ORDER BY i.date_start IS NULL, i.date_start DESC, i.id",
                          [article_id])
        return [incident_from(row) for row in found]

    def links(self, incident_id: str) -> list[Link]:
        """An incident's events with their articles, in the order the articles were published, then read."""
        found = self.rows(f"SELECT l.main, l.reason, {columns((*EVENT_COLUMNS, 'id'), 'e.')}, "
                          f"{columns(ARTICLE_COLUMNS, 'a.')} FROM incident_events l "
                          "JOIN events e ON e.id = l.event_id JOIN articles a ON a.id = e.article_id "
                          "WHERE l.incident_id = ? "
                          "ORDER BY a.published IS NULL, a.published, a.fetched, a.seq, e.ordinal", [incident_id])
        split = 2 + len(EVENT_COLUMNS) + 1
        return [Link(incident_id=incident_id, event=event_from(row[2:split]), main=bool(row[0]),
                     reason=decode_json(row[1]), article=article_from(row[split:])) for row in found]

    # failures

    def record_failure(self, ref: str, reason: str) -> None:
        with self.writing():
            self.execute("INSERT INTO failures (ref, reason, at) VALUES (?, ?, ?)", [ref, reason, utc_now()])

    def failures(self) -> list[tuple[str, str, str]]:
        return [(ref, reason, at) for ref, reason, at in self.rows("SELECT ref, reason, at FROM failures ORDER BY id")]
