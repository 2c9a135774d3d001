"""The incident's type from what its sentences say was done."""

from __future__ import annotations

import pytest

from sitrep.extract.kinds import classify_incident


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
