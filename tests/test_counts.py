"""Casualty figures read from the parse: sentences written for these tests, with what a coder
would enter. Needs the English pipeline."""

from __future__ import annotations

import pytest

from sitrep.extract.counts import find_casualties

pytestmark = pytest.mark.slow


def figures(nlp, text: str) -> set[tuple[str, str, int | None, str]]:
    doc = nlp(text)
    doc.user_data["text"] = text
    return {
        (m.outcome, m.role, m.quantity.value, m.quantity.qualifier)
        for sent in doc.sents
        for m in find_casualties(sent)
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "At least 35 insurgents were killed during the operation.",
            {("killed", "perpetrators", 35, "at_least")},
        ),
        (
            "Three soldiers and two civilians were killed in the ambush.",
            {("killed", "security", 3, "exact"), ("killed", "victims", 2, "exact")},
        ),
        (
            "The blast killed 12 people and wounded 40 others.",
            {("killed", "people", 12, "exact"), ("injured", "people", 40, "exact")},
        ),
        ("The attack left 13 people dead.", {("killed", "people", 13, "exact")}),
        ("Twelve soldiers lost their lives in the raid.", {("killed", "security", 12, "exact")}),
        ("The raid resulted in the deaths of 9 villagers.", {("killed", "victims", 9, "exact")}),
        ("Gunmen abducted 14 travellers on the highway.", {("hostages", "victims", 14, "exact")}),
        ("Troops rescued nearly 200 hostages from the camp.", {("rescued", "victims", 200, "nearly")}),
        (
            "A policeman was killed and two civilians were wounded.",
            {("killed", "security", 1, "exact"), ("injured", "victims", 2, "exact")},
        ),
        ("The bombing ended with dozens killed, officials said.", {("killed", "people", None, "several")}),
        ("The ambush caused two fatalities.", {("killed", "people", 2, "exact")}),
        (
            "Six crew members and 120 passengers were aboard the plane.",
            {("aboard", "people", 6, "exact"), ("aboard", "victims", 120, "exact")},
        ),
        (
            "Two attackers were shot dead and five soldiers wounded.",
            {("killed", "perpetrators", 2, "exact"), ("injured", "security", 5, "exact")},
        ),
        # the attackers themselves, counted apart from the casualties
        ("Some 40 gunmen stormed the school on Friday.", {("attackers", "perpetrators", 40, "about")}),
        ("A group of 12 militants attacked the police post.", {("attackers", "perpetrators", 12, "exact")}),
        (
            "More than 100 armed men raided the village and abducted 31 residents.",
            {("attackers", "perpetrators", 100, "more_than"), ("hostages", "victims", 31, "exact")},
        ),
    ],
)
def test_counts_read_outcome_role_and_amount(nlp, text, expected):
    assert figures(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The conflict has killed 36,000 people since 2007.",
        "Suicide attacks have killed more than 5,200 people since July 2007 across the country.",
        "A survivor said she saw more than 100 armed men.",
        "A 9-year-old girl waved at the 18-seater bus.",
        "The country has recorded 120,000 COVID-19 deaths.",
        "Police arrested 12 suspects after the raid.",
    ],
)
def test_counts_leave_out_aggregates_attackers_and_other_numbers(nlp, text):
    assert figures(nlp, text) == set()


def test_counts_keep_the_source_of_a_figure(nlp):
    text = "Four soldiers were killed in the attack, according to a military spokesman."
    doc = nlp(text)
    doc.user_data["text"] = text
    [mention] = [m for s in doc.sents for m in find_casualties(s)]
    assert mention.source == "a military spokesman"
    assert text[mention.figure.start : mention.figure.end] == mention.figure.text == "Four"
