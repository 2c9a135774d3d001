"""Shared fixtures: the real pipeline, loaded once per test session, and the shared data folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
