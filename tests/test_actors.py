"""Armed groups named in the text, and whether the text reports a claim."""

from __future__ import annotations

import pytest

from sitrep.extract.actors import attribute, load_groups


def groups_in(text: str, upper: bool = False) -> list[str]:
    return [m.group.name for m in load_groups().find(text, upper_case=upper)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Baloch Liberation Army said it seized the train.", ["Baloch Liberation Army"]),
        ("The BLA claimed the attack.", ["Baloch Liberation Army"]),
        ("Fighters of the Balochistan Liberation Army attacked.", ["Baloch Liberation Army"]),
        ("Daesh and ISIS are one group.", ["Islamic State", "Islamic State"]),
        ("Al-Shabab fighters stormed the hotel.", ["al-Shabaab"]),
        ("Maoist-inflicted violence continues.", ["Communist Party of India (Maoist)"]),
        ("Gunmen and bandits attacked the village.", []),
        ("They would not let us stand up, and it is late.", []),
        ("THE OPERATION IS BEING PERFORMED", []),
    ],
)
def test_actors_find_groups_by_name_and_alias(text, expected):
    assert groups_in(text) == expected


def test_actors_read_upper_case_copy_without_two_letter_acronyms():
    assert groups_in("THE FMLN ATTACKED. IS THIS TRUE?", upper=True) == ["FMLN"]


def perpetrator(text: str):
    mentions = list(load_groups().find(text))
    sentences, start = [], 0
    for sentence in text.split("\n"):
        sentences.append((start, start + len(sentence), sentence))
        start += len(sentence) + 1
    return attribute(mentions, sentences, text)


def test_actors_claim_beats_a_passing_mention():
    p = perpetrator(
        "Police suspected the TTP.\nThe Baloch Liberation Army claimed responsibility for the attack."
    )
    assert (p.group, p.claimed, p.attribution) == ("Baloch Liberation Army", True, "claimed")


def test_actors_suspicion_is_not_a_claim():
    p = perpetrator("Officials blamed the attack on the ELN rebel group.")
    assert (p.name, p.group, p.claimed, p.attribution) == (
        "ELN",
        "National Liberation Army",
        None,
        "suspected",
    )


def test_actors_no_claim_is_recorded_as_false():
    p = perpetrator(
        "A bomb killed six people.\nThere was no immediate claim of responsibility for the attack."
    )
    assert p is not None and p.name is None and p.claimed is False


def test_actors_name_is_written_at_its_fullest():
    p = perpetrator("The National Liberation Army (ELN) attacked a patrol. The ELN denied nothing.")
    assert p.name == "National Liberation Army"
