"""Amounts as news reports state them. A table a domain expert can extend."""

from __future__ import annotations

import pytest
import spacy

from sitrep.extract.numbers import bounded, find_numbers

BLANK = spacy.blank("en")


def amounts(text: str) -> list[tuple[int | None, str, int | None, int | None]]:
    doc = BLANK(text)
    return [
        (n.quantity.value, n.quantity.qualifier, n.quantity.low, n.quantity.high)
        for n in find_numbers(doc[:])
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("At least 35 insurgents were killed.", [(35, "at_least", 35, None)]),
        ("No fewer than 17 villagers died.", [(17, "at_least", 17, None)]),
        ("It killed more than two dozen people.", [(24, "more_than", 25, None)]),
        ("Nearly 350 hostages were freed.", [(350, "nearly", None, 350)]),
        ("Around 450 passengers were aboard.", [(450, "about", None, None)]),
        ("Up to 30 people were hurt.", [(30, "up_to", None, 30)]),
        ("Twenty-seven people died.", [(27, "exact", 27, 27)]),
        ("About a dozen were hurt.", [(12, "about", None, None)]),
        ("A dozen were hurt.", [(12, "about", None, None)]),
        ("Two dozen were hurt.", [(24, "exact", 24, 24)]),
        ("Dozens were killed.", [(None, "several", 24, None)]),
        ("Hundreds of people fled.", [(None, "several", 200, None)]),
        ("1,100 people died.", [(1100, "exact", 1100, 1100)]),
        ("one hundred and five people died", [(105, "exact", 105, 105)]),
        ("Ten or more people died.", [(10, "at_least", 10, None)]),
    ],
)
def test_numbers_read_amounts_and_qualifiers(text, expected):
    assert amounts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "A 9-year-old girl was among them.",
        "The 18-seater bus overturned.",
        "The blast site was 250 metres away.",
        "It happened 32km from the town.",
        "He was 45 years old.",
        "They paid $500 to the gang.",
    ],
)
def test_numbers_leave_out_ages_capacities_distances_and_money(text):
    assert amounts(text) == []


def test_numbers_bounds_follow_the_qualifier():
    assert bounded(24, "more_than").low == 25
    assert bounded(350, "nearly").high == 350
    assert bounded(5, "exact").low == bounded(5, "exact").high == 5
