"""Shared fixtures: the real pipeline, loaded once per test session, and the shared data folder."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from .pg_server import fresh_schema, postgres_database, postgres_server  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SITREP = ROOT / ".venv" / "bin" / "sitrep"


@pytest.fixture(scope="session")
def extractor():
    from sitrep.extract import load_extractor

    return load_extractor()


@pytest.fixture(scope="session")
def nlp(extractor):
    return extractor.nlp


@pytest.fixture(scope="session")
def gazetteer():
    from sitrep.gazetteer import load_gazetteer

    return load_gazetteer()


def shared_article(name: str) -> dict:
    return json.loads((SHARED / name).read_text(encoding="utf-8"))


def require_shared() -> None:
    if not (SHARED / "CONTRACT.md").exists():
        pytest.fail(f"the shared folder is missing: expected it at {SHARED}")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """Where a new, empty store is: a SQLite file in a folder that does not exist yet, or a fresh schema
    on a real PostgreSQL server (see pg_server)."""
    if request.param == "sqlite":
        return str(tmp_path / "stores" / "sitrep.db")
    return fresh_schema(request.getfixturevalue("postgres_database"))


@pytest.fixture
def store(store_url: str) -> Iterator:
    from sitrep.store import open_store

    opened = open_store(store_url)
    yield opened
    opened.close()
