"""Merging decisions, on event rows written by hand: what joins, what must not, and why."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sitrep.merge import choose, compare, date_window, new_incident_id, resemblance, sketch
from sitrep.reconcile import build_incident
from sitrep.store import ArticleRow, EventRow, IncidentRow, Link


def event(**overrides) -> EventRow:
    base = dict(
        article_id="a1", ordinal=0, main=True, type="bombing", date_start="2024-11-09", date_precision="day",
        country_code="PK", admin1="Balochistan", lat=30.18, lon=67.0, perpetrator="Baloch Liberation Army",
        killed=26, record={"date": {"start": "2024-11-09", "text": "Saturday"}, "location": {"precision": "place"}},
        id=1,
    )
    base.update(overrides)
    return EventRow(**base)


def incident_from(e: EventRow, text: str = "") -> IncidentRow:
    article = ArticleRow(id=e.article_id, ref=e.article_id, url=None, title=None, published=e.date_start,
                         fetched="2024-11-10T00:00:00+00:00", content_hash="h", version=1, text=text)
    record = dict(
        e.record,
        type=e.type,
        date={**e.record["date"], "precision": e.date_precision},
        counts={"killed": {"value": e.killed, "qualifier": "exact"}},
        perpetrator={"name": e.perpetrator, "group": e.perpetrator, "claimed": None} if e.perpetrator else None,
        location={**e.record["location"], "admin1": e.admin1, "country_code": e.country_code, "lat": e.lat,
                  "lon": e.lon},
    )
    link = Link(incident_id="inc-1", event=replace(e, record=record), main=True, reason={}, article=article)
    return build_incident("inc-1", [link], [sketch(text)] if text else [])


STATION = event()


@pytest.mark.parametrize(
    ("change", "joins"),
    [
        ({}, True),
        ({"date_start": "2024-11-10", "record": {"date": {"start": "2024-11-10", "text": "Sunday"},
                                                 "location": {"precision": "place"}}}, True),
        ({"killed": 32}, True),
        ({"perpetrator": None}, True),
        ({"date_start": "2024-11-01", "record": {"date": {"start": "2024-11-01", "text": "Friday"},
                                                 "location": {"precision": "place"}}}, False),  # 8 days before
        ({"admin1": "Khyber Pakhtunkhwa"}, False),
        ({"country_code": "AF"}, False),
        # another kind of attack or another named group weighs against, and alone outweighs a shared day
        ({"type": "kidnapping", "lat": 30.5, "lon": 67.4, "perpetrator": None, "killed": None}, False),
        ({"perpetrator": "Tehrik-i-Taliban Pakistan", "lat": 30.5, "lon": 67.4, "killed": None}, False),
        # a hijacking that began with a blast on the track is read as either by different reports
        ({"type": "hijacking"}, True),
        ({"lat": 29.8, "lon": 66.8, "admin1": "Balochistan", "killed": 9,
          "date_start": "2024-11-14", "record": {"date": {"start": "2024-11-14", "text": "Thursday"},
                                                 "location": {"precision": "place"}}}, False),
    ],
)
def test_merge_joins_reports_of_one_incident_and_not_look_alikes(change, joins):
    incident = incident_from(STATION)
    assert (compare(event(article_id="a2", **change), [], incident) is not None) is joins


def test_merge_keeps_its_reasons():
    match = compare(event(article_id="a2"), [], incident_from(STATION))
    assert match is not None
    assert {"same_day", "same_admin1", "same_kind_of_attack", "same_perpetrator"} <= set(match.reasons)
    assert match.reasons["score"] == match.score


def test_merge_spots_near_identical_republications():
    text = ("A suicide bomber blew himself up at the railway station in the city on Saturday morning, "
            "killing at least 26 people and wounding dozens, officials said, as passengers waited for a train.")
    copy = text.replace("officials said", "police officials said")
    assert resemblance(sketch(text), sketch(copy)) > 0.5
    assert resemblance(sketch(text), sketch("Markets rose on Monday as the central bank held rates.")) == 0.0
    match = compare(event(article_id="a2", admin1=None, perpetrator=None), sketch(copy), incident_from(STATION, text))
    assert match is not None and "near_duplicate_text" in match.reasons


def test_merge_chooses_the_best_candidate():
    near = incident_from(STATION)
    far = replace(incident_from(event(date_start="2024-11-12", record={
        "date": {"start": "2024-11-12", "text": "Tuesday"}, "location": {"precision": "place"}})), id="inc-2")
    match = choose(event(article_id="a2"), [], [far, near])
    assert match is not None and match.incident_id == "inc-1"


def test_merge_window_of_an_event_dated_by_its_publication():
    dated = event(record={"date": {"start": "2024-11-20", "text": None}, "location": {}}, date_start="2024-11-20")
    assert date_window(dated) == ("2024-11-06", "2024-11-24")
    assert date_window(STATION) == ("2024-11-05", "2024-11-13")


def test_merge_incident_ids_are_stable():
    assert new_incident_id(STATION) == new_incident_id(replace(STATION, killed=99))
    assert new_incident_id(STATION) != new_incident_id(replace(STATION, ordinal=1))
