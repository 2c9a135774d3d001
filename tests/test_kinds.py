"""The incident's type from what its sentences say was done."""

from __future__ import annotations

import pytest

from sitrep.extract.kinds import classify_incident, is_violent, may_tell_of_violence, names_act


def kind(*sentences: str) -> str:
    spans, start = [], 0
    for s in sentences:
        spans.append((start, start + len(s), s))
        start += len(s) + 1
    return classify_incident(spans).type


@pytest.mark.parametrize(
    ("sentences", "expected"),
    [
        (
            (
                "Militants hijacked a passenger train and held hundreds hostage.",
                "Troops stormed the train and killed 33 attackers.",
            ),
            "hijacking",
        ),
        (("Gunmen abducted 14 travellers on the highway.", "The gunmen fled into the forest."), "kidnapping"),
        (("A suicide bomber blew himself up at a market, killing 12.",), "bombing"),
        (
            (
                "Two soldiers were killed when an IED exploded under their vehicle.",
                "Gunfire followed the blast.",
            ),
            "bombing",
        ),
        (
            ("Gunmen detonated explosives at the gate before storming the hotel and opening fire.",),
            "armed_assault",
        ),
        (("Troops and rebels clashed for hours near the border.",), "armed_clash"),
        (("Gunmen opened fire on worshippers, killing nine.",), "armed_assault"),
        (("A drone strike hit a compound, killing four.",), "air_or_artillery_strike"),
        (("The mayor was assassinated outside his home.",), "assassination"),
        (("Attackers set fire to a school overnight.",), "facility_attack"),
        (
            (
                "Villagers said the attackers had planned to plant bombs on the road.",
                "They killed 17 villagers in the attack.",
            ),
            "armed_assault",
        ),
        (("At least seven dead in an attack on a hotel.",), "armed_assault"),
        (("The minister spoke about the economy.",), "other"),
    ],
)
def test_kinds_type_the_incident_by_what_was_done(sentences, expected):
    assert kind(*sentences) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "The keeper saved every shot in the second half and the match ended goalless.",
        "Shares in the retailer shot up 9 per cent after it raised its outlook.",
        "A storm moving in from the west will bring gusts of 90 km/h to the coast on Friday.",
        "The singer's new record took the charts by storm.",
        "Sunday's derby is the clash of the season, a battle for second place.",
        "The launch was delayed after engineers found a fault in the rocket's second stage.",
        "Tanks and artillery rolled past the president at the independence day parade.",
        "Rival bidders accused the board of trying to hijack the auction.",
        "Critics said the new rules would sabotage the peace talks.",
    ],
)
def test_kinds_leave_the_peaceful_senses_of_violent_words(sentence):
    assert not names_act(sentence)
    assert not is_violent(sentence)
    assert kind(sentence) == "other"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Gunmen shot a shopkeeper outside his store on Monday.", "armed_assault"),
        ("A man was shot in the leg near the checkpoint.", "armed_assault"),
        ("Militants storm hotel in the capital", "armed_assault"),
        ("Troops clashed with rebels near the border, leaving six dead.", "armed_clash"),
        ("A blast ripped through the crowded market at noon.", "bombing"),
        ("A rocket struck a school building, wounding three pupils.", "air_or_artillery_strike"),
        ("Armed men hijacked a bus carrying 40 passengers.", "hijacking"),
        ("The rebels set the police post on fire before dawn.", "facility_attack"),
    ],
)
def test_kinds_keep_the_violent_senses_of_the_same_words(sentence, expected):
    assert names_act(sentence)
    assert kind(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Three people were killed when their car collided with a lorry on the ring road.",
        "Floodwaters killed at least 11 people in the valley this week.",
        "A fire at a warehouse killed two night watchmen, the fire service said.",
        "The former minister died of a heart attack at his home on Sunday.",
    ],
)
def test_deaths_in_accidents_disasters_and_illness_are_not_violence(sentence):
    assert not is_violent(sentence)


def test_an_attack_in_a_disaster_is_still_violence():
    assert is_violent("While the storm raged, raiders attacked the camp and killed five people.")


def test_the_prefilter_passes_whatever_a_sentence_could_call_violent():
    """may_tell_of_violence is a superset: every violent or act-naming sentence passes it."""
    for sentence in (
        "Gunmen shot a shopkeeper outside his store on Monday.",
        "Militants storm hotel in the capital",
        "Troops clashed with rebels near the border, leaving six dead.",
        "They attacked the convoy.",
    ):
        assert is_violent(sentence) and may_tell_of_violence(sentence)
    assert not may_tell_of_violence("The council approved a new budget for the library.")
