"""Dates resolved against the publication date; no clock is read."""

from __future__ import annotations

from datetime import date

import pytest

from sitrep.extract.dates import find_dates, resolve_date
from sitrep.records import EventDate

WEDNESDAY = date(2025, 3, 12)


def resolved(text: str, published: date | None = WEDNESDAY, anchor: EventDate | None = None):
    [mention] = list(find_dates(text))
    out = resolve_date(mention, published, anchor)
    return None if out is None else (out.start, out.precision)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The standoff began on Tuesday.", (date(2025, 3, 11), "day")),
        ("It happened on Wednesday afternoon.", (date(2025, 3, 12), "day")),
        ("Militants struck yesterday.", (date(2025, 3, 11), "day")),
        ("In November, a bombing killed 20.", (date(2024, 11, 1), "month")),
        ("In March, a bombing killed 20.", (date(2025, 3, 1), "month")),
        ("It was seized on 25 March.", (date(2024, 3, 25), "day")),
        ("It was seized on March 11.", (date(2025, 3, 11), "day")),
        ("On Friday, November 16, 2018 the troops were attacked.", (date(2018, 11, 16), "day")),
        ("Attacks rose last week.", (date(2025, 3, 5), "week")),
        ("Attacks rose last month.", (date(2025, 2, 1), "month")),
        ("The siege of the city in 2017 lasted months.", (date(2017, 1, 1), "year")),
        ("SAN SALVADOR, 10 JAN 90 -- the army said", (date(1990, 1, 10), "day")),
    ],
)
def test_dates_resolve_against_the_publication_date(text, expected):
    assert resolved(text) == expected


def test_dates_resolve_relative_to_the_incident_before():
    november = EventDate(date(2024, 11, 1), "month", "In November")
    assert resolved("A month prior, the group struck a convoy.", anchor=november) == (
        date(2024, 10, 1),
        "month",
    )


def test_dates_without_publication_date_keep_their_text():
    [mention] = list(find_dates("It happened on Tuesday."))
    out = resolve_date(mention, None)
    assert out is not None and out.start is None and out.text == "Tuesday"


@pytest.mark.parametrize(
    "text",
    ["Monday Kuryas, the police chief, spoke to reporters.", "Attacks have risen since July 2007."],
)
def test_dates_ignore_names_and_span_edges(text):
    assert list(find_dates(text)) == []


def test_dates_mark_the_report_date():
    [mention] = list(find_dates("The army said on Saturday that five soldiers were killed."))
    assert mention.reported


def test_dates_after_publication_are_not_incident_dates():
    assert resolved("Elections are due on 20 April 2025.") is None
