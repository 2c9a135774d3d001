"""The store's behaviour, the same on both backends: a SQLite file, and a PostgreSQL database (see pg_server)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sitrep.errors import StoreError
from sitrep.store import ArticleRow, EventRow, IncidentFilter, IncidentRow, Store, open_store
from sitrep.store.migrations import MIGRATIONS, applied_migrations
from sitrep.store.sqlite import SqliteStore

from .pg_server import free_port


def article(article_id: str = "a1", **overrides) -> ArticleRow:
    base = dict(id=article_id, ref=f"{article_id}.txt", url=f"https://news.example/{article_id}",
                title="Blast in Quetta", published="2024-11-09", fetched="2024-11-09T10:00:00+00:00",
                content_hash=f"hash-{article_id}", version=1,
                text="A bomb killed 26 people at Quetta's railway station on Saturday.")
    return ArticleRow(**{**base, **overrides})


def event(article_id: str = "a1", ordinal: int = 0, **overrides) -> EventRow:
    base = dict(article_id=article_id, ordinal=ordinal, main=True, type="bombing", date_start="2024-11-09",
                date_precision="day", country_code="PK", admin1="Balochistan", lat=30.18, lon=67.0,
                perpetrator="Baloch Liberation Army", killed=26,
                record={"type": "bombing", "counts": {"killed": {"value": 26}}, "evidence": [[0, 6, "A bomb"]]})
    return EventRow(**{**base, **overrides})


def incident(incident_id: str = "inc-1", **overrides) -> IncidentRow:
    base = dict(id=incident_id, type="bombing", date_start="2024-11-09", date_precision="day", country_code="PK",
                admin1="Balochistan", lat=30.18, lon=67.0, perpetrator="Baloch Liberation Army", killed=26,
                record={"id": incident_id, "location": {"country": "Pakistan", "place": "Quetta"}},
                updated="2024-11-10T00:00:00+00:00")
    return IncidentRow(**{**base, **overrides})


def stored_event(store: Store, article_id: str = "a1", **overrides) -> EventRow:
    store.add_article(article(article_id))
    return store.replace_events(article_id, [event(article_id, **overrides)])[0]


# migrations and opening

def test_store_migrations_applied_once_and_recorded(store_url: str) -> None:
    first = open_store(store_url)
    applied = applied_migrations(first)
    first.close()
    again = open_store(store_url)
    reapplied = applied_migrations(again)
    again.close()
    assert [(m.version, m.name) for m in applied] == [(m.version, m.name) for m in MIGRATIONS]
    assert reapplied == applied


def test_store_sqlite_creates_its_folder_and_works_in_memory(tmp_path) -> None:
    path = tmp_path / "a" / "b" / "sitrep.db"
    on_disk = SqliteStore.open(path)
    on_disk.close()
    in_memory = SqliteStore.open(":memory:")
    in_memory.add_article(article())
    count = in_memory.count_articles()
    in_memory.close()
    assert path.exists() and count == 1


def test_store_sqlite_refuses_a_file_that_is_not_a_database(tmp_path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("not a database, just notes " * 100)
    with pytest.raises(StoreError, match="it is not a SQLite database"):
        SqliteStore.open(path)


def test_store_postgres_unreachable_names_the_url_and_what_to_do() -> None:
    port = free_port()  # closed: nothing listens on it
    with pytest.raises(StoreError) as caught:
        open_store(f"postgresql://sitrep:s3cret@127.0.0.1:{port}/sitrep?connect_timeout=3")
    message = str(caught.value)
    assert f"postgresql://sitrep@127.0.0.1:{port}/sitrep?connect_timeout=3" in message
    assert "s3cret" not in message
    assert "Check that the server is running" in message


# articles

def test_store_article_round_trip(store: Store) -> None:
    row = article(title="Attentat à Ménaka", published=None, url=None)
    store.add_article(row)
    assert store.article("a1") == row
    assert store.article("missing") is None
    assert store.count_articles() == 1


def test_store_article_added_twice_is_refused(store: Store) -> None:
    store.add_article(article())
    with pytest.raises(StoreError, match="'a1' is already stored"):
        store.add_article(article())
    assert store.count_articles() == 1


def test_store_versions_at_the_same_url(store: Store) -> None:
    url = "https://news.example/quetta"
    store.add_article(article("a1", url=url))
    store.add_article(article("a1@v2", url=url, version=2, content_hash="changed"))
    store.add_article(article("b1", url="https://news.example/other", version=3))
    latest = store.latest_version(url)
    assert latest is not None and (latest.id, latest.version) == ("a1@v2", 2)
    assert store.latest_version("https://news.example/never") is None


def test_store_article_by_hash_finds_the_first_stored_of_that_text(store: Store) -> None:
    store.add_article(article("b", content_hash="same"))
    store.add_article(article("a", content_hash="same"))  # the same text at another URL
    found = store.article_by_hash("same")
    assert found is not None and found.id == "b"
    assert store.article_by_hash("other") is None


def test_store_unfinished_articles_in_insertion_order(store: Store) -> None:
    for article_id in ("b", "c", "a"):
        store.add_article(article(article_id))
    store.mark_extracted("c", "no incident of political violence found in the text")
    assert [a.id for a in store.unfinished_articles()] == ["b", "a"]
    done = store.article("c")
    assert done is not None and done.extracted and done.error == "no incident of political violence found in the text"


def test_store_mark_extracted_of_an_unknown_article_is_an_error(store: Store) -> None:
    with pytest.raises(StoreError, match="no article 'nope'"):
        store.mark_extracted("nope", None)


# events

def test_store_replace_events_returns_ids_and_is_idempotent(store: Store) -> None:
    store.add_article(article())
    events = [event(ordinal=0), event(ordinal=1, main=False, killed=None, lat=None, lon=None, record={"n": [1, 2.5]})]
    first = store.replace_events("a1", events)
    second = store.replace_events("a1", events)
    assert [replace(e, id=None) for e in first] == events == [replace(e, id=None) for e in second]
    ids = [e.id for e in first + second]
    assert all(isinstance(i, int) for i in ids) and len(set(ids)) == 4  # an id is never given twice


def test_store_replace_events_drops_the_old_events_links(store: Store) -> None:
    old = stored_event(store)
    store.upsert_incident(incident())
    assert old.id is not None
    store.link("inc-1", old.id, True, {"rule": "merge.v1", "founded": True})
    store.replace_events("a1", [event(killed=27)])
    assert store.links("inc-1") == []


def test_store_replace_events_refuses_another_articles_events(store: Store) -> None:
    store.add_article(article())
    with pytest.raises(StoreError, match="'b9'"):
        store.replace_events("a1", [event("b9")])


# incidents and links

def test_store_upsert_incident_inserts_then_updates(store: Store) -> None:
    first = incident(record={"id": "inc-1", "location": {"country": "Pakistan"}, "note": "Ménaka — ±"})
    store.upsert_incident(first)
    assert store.incident("inc-1") == first
    updated = replace(first, killed=33, admin1=None, record={"id": "inc-1", "counts": {"killed": {"best": 33}}},
                      updated="2024-11-12T00:00:00+00:00")
    store.upsert_incident(updated)
    assert store.incident("inc-1") == updated
    assert list(store.all_incidents()) == [updated]
    assert store.incident("inc-2") is None


def test_store_links_keep_their_reasons_in_publication_order(store: Store) -> None:
    store.upsert_incident(incident())
    articles = [article("late", published="2024-11-11"), article("undated", published=None),
                article("early-2", published="2024-11-09", fetched="2024-11-09T12:00:00+00:00"),
                article("early-1", published="2024-11-09", fetched="2024-11-09T08:00:00+00:00")]
    reason = {"rule": "merge.v1", "same_day": 2.0, "near_duplicate_text": 0.91, "why": ["Ménaka"], "founded": False}
    for row in articles:
        store.add_article(row)
        (stored,) = store.replace_events(row.id, [event(row.id, main=row.id != "late")])
        assert stored.id is not None
        store.link("inc-1", stored.id, stored.main, reason)
    links = store.links("inc-1")
    assert [link.article.id for link in links] == ["early-1", "early-2", "late", "undated"]
    assert [link.main for link in links] == [True, True, False, True]
    assert all(link.reason == reason and link.incident_id == "inc-1" for link in links)
    assert links[2].article == articles[0] and links[2].event.article_id == "late"


def test_store_link_replaces_the_events_previous_link(store: Store) -> None:
    store.upsert_incident(incident("inc-1"))
    store.upsert_incident(incident("inc-2"))
    stored = stored_event(store)
    assert stored.id is not None
    store.link("inc-1", stored.id, True, {"rule": "merge.v1", "founded": True})
    store.link("inc-2", stored.id, False, {"rule": "merge.v1", "score": 4.5})
    assert store.links("inc-1") == []
    (moved,) = store.links("inc-2")
    assert (moved.event, moved.main, moved.reason) == (stored, False, {"rule": "merge.v1", "score": 4.5})


def test_store_link_may_come_before_its_new_incident_in_a_transaction(store: Store) -> None:
    stored = stored_event(store)
    assert stored.id is not None
    with store.transaction():  # what ingest does when an event founds an incident
        store.link("inc-new", stored.id, True, {"founded": True})
        store.upsert_incident(incident("inc-new"))
    assert [link.event.id for link in store.links("inc-new")] == [stored.id]


def test_store_candidates_block_by_country_and_date_window(store: Store) -> None:
    for row in (incident("pk-early", date_start="2024-11-01"), incident("pk-in", date_start="2024-11-05"),
                incident("pk-last", date_start="2024-11-10"), incident("pk-late", date_start="2024-11-11"),
                incident("af-in", country_code="AF", date_start="2024-11-05"),
                incident("none-in", country_code=None, date_start="2024-11-06"),
                incident("pk-undated", date_start=None)):
        store.upsert_incident(row)
    assert [c.id for c in store.candidates("PK", "2024-11-02", "2024-11-10")] == ["pk-in", "pk-last"]
    assert [c.id for c in store.candidates("AF", "2024-11-02", "2024-11-10")] == ["af-in"]
    assert [c.id for c in store.candidates(None, "2024-11-02", "2024-11-10")] == ["none-in"]
    assert store.candidates("ML", "2024-11-02", "2024-11-10") == []


LISTED = (
    incident("quetta", date_start="2024-11-09", killed=26, lat=30.18, lon=67.0),
    incident("peshawar", date_start="2024-11-20", admin1="Khyber Pakhtunkhwa", killed=3, lat=34.0, lon=71.5,
             perpetrator="Tehrik-i-Taliban Pakistan (TTP)", type="armed_assault",
             record={"location": {"country": "Pakistan", "place": "Peshawar"}, "note": "police post 50% destroyed"}),
    incident("menaka", date_start="2024-10-02", country_code="ML", admin1="Ménaka", killed=None, lat=15.9, lon=2.4,
             perpetrator="Islamic State Sahel Province", type="armed_assault",
             record={"location": {"country": "Mali", "place": "Ménaka"}}),
    incident("suva", date_start="2024-12-01", country_code="FJ", admin1=None, killed=1, lat=-18.1, lon=178.4,
             perpetrator=None, record={"location": {"country": "Fiji"}}),
    incident("taveuni", date_start="2024-12-01", country_code="FJ", admin1=None, killed=0, lat=-16.8, lon=-179.9,
             perpetrator=None, record={"location": {"country": "Fiji"}}),
    incident("undated", date_start=None, country_code=None, admin1=None, killed=None, lat=None, lon=None,
             perpetrator=None, record={"location": {"country": "Pakistan"}}),
)


@pytest.fixture
def listed(store: Store) -> Store:
    for row in LISTED:
        store.upsert_incident(row)
    return store


@pytest.mark.parametrize(("where", "expected"), [
    (IncidentFilter(), ["suva", "taveuni", "peshawar", "quetta", "menaka", "undated"]),
    (IncidentFilter(since="2024-11-09"), ["suva", "taveuni", "peshawar", "quetta"]),
    (IncidentFilter(until="2024-11-09"), ["quetta", "menaka"]),
    (IncidentFilter(since="2024-11-01", until="2024-11-30"), ["peshawar", "quetta"]),
    (IncidentFilter(country="pk"), ["peshawar", "quetta"]),
    (IncidentFilter(country="PAKISTAN"), ["peshawar", "quetta", "undated"]),  # the record's country name
    (IncidentFilter(country="Mali"), ["menaka"]),
    (IncidentFilter(admin1="MÉNAKA"), ["menaka"]),
    (IncidentFilter(admin1="balochistan"), ["quetta"]),
    (IncidentFilter(type="armed_assault"), ["peshawar", "menaka"]),
    (IncidentFilter(perpetrator="taliban"), ["peshawar"]),
    (IncidentFilter(perpetrator="(TTP)"), ["peshawar"]),
    (IncidentFilter(perpetrator="state_sahel"), []),  # _ and % are letters here, not wildcards
    (IncidentFilter(min_killed=1), ["suva", "peshawar", "quetta"]),
    (IncidentFilter(min_killed=0), ["suva", "taveuni", "peshawar", "quetta"]),
    (IncidentFilter(bbox=(60.0, 25.0, 75.0, 35.0)), ["peshawar", "quetta"]),
    (IncidentFilter(bbox=(170.0, -20.0, -170.0, -10.0)), ["suva", "taveuni"]),  # across 180°
    (IncidentFilter(q="peshawar"), ["peshawar"]),
    (IncidentFilter(q="MÉNAKA"), ["menaka"]),
    (IncidentFilter(q="50%"), ["peshawar"]),
    (IncidentFilter(q="5%"), []),
    (IncidentFilter(country="Pakistan", type="bombing", min_killed=10, since="2024-01-01"), ["quetta"]),
])
def test_store_incidents_apply_every_filter(listed: Store, where: IncidentFilter, expected: list[str]) -> None:
    rows, total = listed.incidents(where)
    assert [row.id for row in rows] == expected
    assert total == len(expected)


def test_store_incidents_pages_with_the_total(listed: Store) -> None:
    pages = [listed.incidents(IncidentFilter(), limit=2, offset=offset) for offset in (0, 2, 4, 6)]
    assert [[row.id for row in rows] for rows, _ in pages] == [
        ["suva", "taveuni"], ["peshawar", "quetta"], ["menaka", "undated"], []]
    assert {total for _, total in pages} == {6}
    rows, total = listed.incidents(IncidentFilter(), offset=4)
    assert ([row.id for row in rows], total) == (["menaka", "undated"], 6)
    assert listed.incidents(IncidentFilter(), limit=0) == ([], 6)


def test_store_incidents_refuse_a_filter_they_cannot_apply(listed: Store) -> None:
    with pytest.raises(StoreError, match=r"cannot filter incidents on \['colour'\]"):
        listed.incidents(IncidentFilter(extra={"colour": "red"}))
    with pytest.raises(StoreError, match="must not be negative"):
        listed.incidents(IncidentFilter(), limit=-1)


def test_store_all_incidents_oldest_first(listed: Store) -> None:
    assert [row.id for row in listed.all_incidents()] == ["menaka", "quetta", "peshawar", "suva", "taveuni", "undated"]


# transactions and failures

def test_store_transaction_rollback_leaves_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError, match="interrupted"), store.transaction():
        store.add_article(article())
        (stored,) = store.replace_events("a1", [event()])
        assert stored.id is not None
        store.link("inc-1", stored.id, True, {"founded": True})
        store.upsert_incident(incident())
        store.record_failure("a2.txt", "empty")
        raise RuntimeError("interrupted")
    assert (store.count_articles(), store.unfinished_articles(), store.failures()) == (0, [], [])
    assert (store.incident("inc-1"), store.links("inc-1")) == (None, [])


def test_store_nested_transaction_rolls_back_only_itself(store: Store) -> None:
    with store.transaction():
        store.add_article(article("kept"))
        with pytest.raises(StoreError), store.transaction():
            store.add_article(article("dropped"))
            store.add_article(article("kept"))
    assert [a.id for a in store.unfinished_articles()] == ["kept"]


def test_store_transaction_commits_on_success(store_url: str) -> None:
    first = open_store(store_url)
    with first.transaction():
        first.add_article(article())
        first.mark_extracted("a1", None)
    first.close()
    again = open_store(store_url)
    found = again.article("a1")
    again.close()
    assert found is not None and found.extracted and found.error is None


def test_store_failures_recorded_in_order(store: Store) -> None:
    store.record_failure("https://news.example/gone", "HTTP 404")
    store.record_failure("scan.pdf", "not text: a binary file")
    failures = store.failures()
    assert [(ref, reason) for ref, reason, _ in failures] == [
        ("https://news.example/gone", "HTTP 404"), ("scan.pdf", "not text: a binary file")]
    assert all(at.endswith("+00:00") and at[:4].isdigit() for _, _, at in failures)


def test_store_article_incidents_are_those_its_events_are_linked_to(store: Store) -> None:
    store.upsert_incident(incident("inc-old", date_start="2024-10-02"))
    store.upsert_incident(incident("inc-new", date_start="2024-11-10"))
    store.upsert_incident(incident("inc-other"))
    store.add_article(article("a1"))
    store.add_article(article("b1"))
    report, recalled = store.replace_events("a1", [event("a1", ordinal=0), event("a1", ordinal=1, main=False)])
    (other,) = store.replace_events("b1", [event("b1")])
    assert report.id is not None and recalled.id is not None and other.id is not None
    store.link("inc-new", report.id, True, {"rule": "merge.v1", "founded": True})
    store.link("inc-old", recalled.id, False, {"rule": "merge.v1", "recalled": True})
    store.link("inc-other", other.id, True, {"rule": "merge.v1", "founded": True})
    assert [i.id for i in store.article_incidents("a1")] == ["inc-new", "inc-old"]  # newest first
    assert [i.id for i in store.article_incidents("b1")] == ["inc-other"]
    assert store.article_incidents("nope") == []
    store.replace_events("a1", [])
    assert store.article_incidents("a1") == []
