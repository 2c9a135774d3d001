"""The store's schema, as numbered migrations: each a small named function from a dialect to its SQL
statements, applied once, in order, when a store is opened, and recorded in `schema_migrations`.

To change the schema, add the next function and append it to `MIGRATIONS`; never edit one that has
been released, since stores in use have already applied it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sitrep.errors import StoreError
from sitrep.store.base import Dialect, SqlStore, utc_now

RECORD_TABLE = ("CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL)")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: Callable[[Dialect], list[str]]


@dataclass(frozen=True)
class AppliedMigration:
    version: int
    name: str
    applied: str  # ISO timestamp, UTC


def create_tables(d: Dialect) -> list[str]:
    """Articles, their events, the incidents the events are linked to (and why), and failures."""
    key = d.text_key
    return [
        f"""CREATE TABLE articles (
            id {key} PRIMARY KEY, ref TEXT NOT NULL, url TEXT, title TEXT, published {key},
            fetched {key} NOT NULL, content_hash TEXT NOT NULL, version INTEGER NOT NULL, text TEXT NOT NULL,
            error TEXT, extracted BOOLEAN NOT NULL DEFAULT FALSE,
            seq BIGINT NOT NULL)""",  # the order articles were stored in
        "CREATE INDEX articles_content_hash ON articles (content_hash)",
        "CREATE INDEX articles_url ON articles (url, version)",
        "CREATE INDEX articles_seq ON articles (seq)",
        f"""CREATE TABLE events (
            id {d.serial_key}, article_id {key} NOT NULL REFERENCES articles (id), ordinal INTEGER NOT NULL,
            main BOOLEAN NOT NULL, type TEXT NOT NULL, date_start {key}, date_precision TEXT, country_code TEXT,
            admin1 TEXT, lat DOUBLE PRECISION, lon DOUBLE PRECISION, perpetrator TEXT, killed INTEGER,
            record {d.json_type} NOT NULL,
            UNIQUE (article_id, ordinal))""",
        "CREATE INDEX events_country_date ON events (country_code, date_start)",
        f"""CREATE TABLE incidents (
            id {key} PRIMARY KEY, type TEXT NOT NULL, date_start {key}, date_precision TEXT, country_code TEXT,
            admin1 TEXT, lat DOUBLE PRECISION, lon DOUBLE PRECISION, perpetrator TEXT, killed INTEGER,
            record {d.json_type} NOT NULL, updated TEXT NOT NULL)""",
        "CREATE INDEX incidents_country_date ON incidents (country_code, date_start)",
        # An event is linked before its new incident is written, in the same transaction: hence DEFERRED.
        f"""CREATE TABLE incident_events (
            incident_id {key} NOT NULL REFERENCES incidents (id) DEFERRABLE INITIALLY DEFERRED,
            event_id BIGINT PRIMARY KEY REFERENCES events (id), main BOOLEAN NOT NULL,
            reason {d.json_type} NOT NULL, linked TEXT NOT NULL)""",
        "CREATE INDEX incident_events_incident ON incident_events (incident_id)",
        f"CREATE TABLE failures (id {d.serial_key}, ref TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL)",
    ]


def index_events_by_article(d: Dialect) -> list[str]:
    """An article's events found directly: replacing them on re-ingest, the incidents citing it."""
    return ["CREATE INDEX events_article ON events (article_id)"]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "create_tables", create_tables),
    Migration(2, "index_events_by_article", index_events_by_article),
)


def applied_migrations(store: SqlStore) -> list[AppliedMigration]:
    """The migrations a store has applied, in order."""
    found = store.rows("SELECT version, name, applied FROM schema_migrations ORDER BY version")
    return [AppliedMigration(int(version), name, applied) for version, name, applied in found]


def migrate(store: SqlStore) -> list[Migration]:
    """Apply the migrations a store lacks, one transaction for all; the ones applied."""
    with store.transaction():
        if store.dialect.lock_migrations:
            store.execute(store.dialect.lock_migrations)
        store.execute(RECORD_TABLE)
        done = {m.version for m in applied_migrations(store)}
        refuse_newer(done, store.url)
        pending = [m for m in MIGRATIONS if m.version not in done]
        for migration in pending:
            apply(store, migration)
    return pending


def apply(store: SqlStore, migration: Migration) -> None:
    for statement in migration.statements(store.dialect):
        store.execute(statement)
    store.execute("INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)",
                  [migration.version, migration.name, utc_now()])


def refuse_newer(done: set[int], url: str) -> None:
    unknown = sorted(done - {m.version for m in MIGRATIONS})
    if unknown:
        raise StoreError(f"the store {url} has schema migrations {unknown} that this sitrep does not know; "
                         "it was written by a newer sitrep: upgrade sitrep to open it")


S = TypeVar("S", bound=SqlStore)


def migrated(store: S) -> S:
    """The store, migrated; closed if migrating fails."""
    try:
        migrate(store)
    except BaseException:
        store.close()
        raise
    return store
