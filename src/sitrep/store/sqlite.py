"""The default store: one SQLite file (stdlib `sqlite3`), in WAL mode with foreign keys enforced."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sitrep.errors import StoreError
from sitrep.store.base import Dialect, SqlStore
from sitrep.store.migrations import migrated

BUSY_MS = 10_000  # how long a writer waits for another connection's transaction (sqlite3's busy timeout)

SQLITE = Dialect(
    name="sqlite",
    placeholder="?",
    serial_key="INTEGER PRIMARY KEY AUTOINCREMENT",  # AUTOINCREMENT: the id of a replaced event is never reused
    json_type="TEXT",
    text_key="TEXT",
    begin="BEGIN IMMEDIATE",  # take the write lock at once: no deadlock when a reader turns writer
    lock_migrations="",
    no_limit="-1",
    json_text="{column}",
    json_member="json_extract({column}, '$.{dotted}')",
)


class SqliteStore(SqlStore):
    @classmethod
    def open(cls, path: str | Path) -> SqliteStore:
        """Open (creating it and its folder if needed) and migrate the store at `path`, or ':memory:'."""
        target = prepare(path)
        return migrated(cls(target, connect(target), SQLITE))


def prepare(path: str | Path) -> str:
    """The path to connect to, its folder created."""
    if str(path) == ":memory:":
        return ":memory:"
    target = Path(path).expanduser()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the folder of the store {target}: {exc}; choose another path") from exc
    return str(target)


def connect(target: str) -> sqlite3.Connection:
    try:
        connection = sqlite3.connect(target, isolation_level=None, timeout=BUSY_MS / 1000)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the SQLite store {target}: {exc}; check the path and its permissions") from exc
    try:
        use_wal(connection)
        connection.execute("PRAGMA foreign_keys = ON").close()
    except sqlite3.DatabaseError as exc:
        connection.close()
        why = "it is not a SQLite database" if "not a database" in str(exc) else str(exc)
        raise StoreError(f"cannot open the SQLite store {target}: {why}; give the path of a sitrep store "
                         "or of a new file") from exc
    # SQLite's own lower() folds only ASCII; PostgreSQL's folds every letter, and both stores must filter alike.
    connection.create_function("lower", 1, fold_case, deterministic=True)
    return connection


def use_wal(connection: sqlite3.Connection) -> None:
    """Switch to write-ahead logging; the switch ignores the busy timeout, so it is retried until it runs out."""
    deadline = time.monotonic() + BUSY_MS / 1000
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL").close()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def fold_case(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value
