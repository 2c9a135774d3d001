"""What happened: the incident's type, from the words that tell what was done in its sentences.

Each type has triggers (words and phrases). Every trigger in the incident's sentences votes for its
type, the incident's first sentence counting most; a vehicle seized outweighs the shooting that
follows, an explosion outweighs a generic "attack". Ties go to the more specific type.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from sitrep.records import EventType, Evidence

RULE = "kinds.v1"

# (type, weight, pattern): a weight says how surely the words name that type.
_TRIGGERS: tuple[tuple[EventType, float, re.Pattern[str]], ...] = tuple(
    (cast(EventType, kind), float(weight), re.compile(pattern, re.IGNORECASE))
    for kind, weight, pattern in (
        (
            "hijacking",
            4,
            r"\bhijack\w*|\bcommandeer\w*|\bseiz\w+ (?:control of )?(?:the |a )?(?:\w+ )?"
            r"(?:train|plane|aircraft|airliner|bus|ship|vessel|flight|jet|tanker)\b",
        ),
        (
            "kidnapping",
            3,
            r"\bkidnap\w*|\babduct\w*|\bwhisk\w* (?:them |him |her )?(?:away|off)|\btook away\b|"
            r"\bcarted away\b|\bhostages? (?:were|was) (?:taken|led) away|\bransom\b",
        ),
        (
            "hostage_taking",
            2.5,
            r"\b(?:took|take|taken|taking|held|holding|hold) (?:\w+ ){0,3}hostages?\b|"
            r"\bhostage[- ]taking\b|\bbarricaded\b",
        ),
        (
            "air_or_artillery_strike",
            3,
            r"\bair ?strikes?\b|\bair raids?\b|\bdrone (?:strike|attack)s?\b|\bshelling\b|"
            r"\bartillery\b|\bmortars?\b|\bmissiles?\b|\brockets?\b|\bgunships?\b|"
            r"\bbombard\w*|\bwarplanes?\b|\bjets? struck\b|\baerial\b",
        ),
        (
            "bombing",
            3,
            r"\bbomb(?:s|ing|ings|er|ers|ed)?\b|\bblasts?\b|\bexplo(?:sion|sions|sive|sives|ded|de)\b|"
            r"\bIEDs?\b|\bimprovised explosive\b|\bsuicide (?:attack|bomb|car)\w*|\bgrenades?\b|"
            r"\bdetonat\w*|\blandmines?\b|\bdynamite\b|\bblew (?:himself|herself|themselves) up\b",
        ),
        (
            "armed_clash",
            2,
            r"\bclash\w*|\bbattles?\b|\bgun ?battles?\b|\bgunfights?\b|\bfire ?fights?\b|\bexchange of fire\b|"
            r"\bexchanged fire\b|\bencounters?\b|\bskirmish\w*|\bfierce fighting\b|\bbattled\b|"
            r"\bretaliated\b|\bcombat\b|\boffensive\b|\boperation against\b|\bneutrali[sz]ed\b",
        ),
        (
            "armed_assault",
            2,
            r"\bopen(?:ed|ing)? fire\b|\bshot (?:dead|and killed)\b|\bshooting\b|"
            r"\bstorm(?:ed|ing)?\b|\bsiege\b|\bmassacre\w*|\bstabb\w*|\bmachetes?\b|"
            r"\bgun attack\b|\bshot\b|\bfired (?:at|on|upon)\b|\bhacked\b|\bgunfire\b",
        ),
        # Words for the attackers, not for the act: they count for little.
        ("armed_assault", 1, r"\bgunm[ae]n\b|\bbandits\b|\braid(?:ed|s)?\b|\bambush\w*|\bassailants?\b"),
        ("assassination", 3, r"\bassassinat\w*"),
        (
            "facility_attack",
            2,
            r"\barson\b|\bset (?:\w+ )?(?:ablaze|on fire|fire to)\b|\btorch(?:ed|ing)\b|"
            r"\bburn(?:ed|t) down\b|\bsabotage\w*|\bvandali[sz]\w*",
        ),
    )
)
# Ties are broken by this order: the more specific type first.
_PRIORITY: tuple[EventType, ...] = (
    "hijacking",
    "kidnapping",
    "hostage_taking",
    "air_or_artillery_strike",
    "bombing",
    "assassination",
    "armed_clash",
    "armed_assault",
    "facility_attack",
    "other",
)
# "a plan to plant explosives", "threatened to bomb": what was not done does not type an incident.
_IRREALIS = re.compile(
    r"\b(?:plan(?:s|ned|ning)?|plot(?:s|ted|ting)?|threat(?:s|ened)?|intend(?:s|ed)?|"
    r"would|could|might|warn(?:s|ed)? of|fear(?:s|ed)?)\b(?:\s+\w+){0,3}\s*$",
    re.IGNORECASE,
)
_DEATHS = re.compile(r"\b(?:kill\w*|died|dead|murder\w*|wounded|injured)\b", re.IGNORECASE)
_BLAST_DEATHS = re.compile(
    r"\b(?:killed|died|dead|wounded|injured)\b[^.]{0,40}\b(?:blast|bomb|explosion|IED|explosives?)\b"
    r"|\b(?:blast|bomb|explosion|IED|explosives?)\b[^.]{0,40}\b(?:killed|killing|left \w+ dead)\b",
    re.IGNORECASE,
)
_ATTACK = re.compile(r"\battack(?:s|ed|ing)?\b|\bfighting\b", re.IGNORECASE)
GENERIC = re.compile(
    r"\btarget(?:ed|ing)\b|\bfatalit\w+|\bdeaths?\b|\battack\w*|\bkill\w*|\bviolence\b|\bassault\w*|\bfighting\b|\bdead\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TypeVote:
    type: EventType
    score: float
    evidence: Evidence | None


def classify_incident(sentences: Sequence[tuple[int, int, str]]) -> TypeVote:
    """The incident's type from its sentences, given as (start, end, text) with document offsets."""
    scores: dict[EventType, float] = {}
    first_hit: dict[EventType, Evidence] = {}
    for position, (start, _end, text) in enumerate(sentences):
        weight = 3.0 if position == 0 else (1.5 if position == 1 else 1.0)
        strongest: dict[EventType, float] = {}
        for kind, strength, pattern in _TRIGGERS:
            m = next(
                (
                    m
                    for m in pattern.finditer(text)
                    if not _IRREALIS.search(text[max(0, m.start() - 30) : m.start()])
                ),
                None,
            )
            if m is None:
                continue
            strongest[kind] = max(strongest.get(kind, 0.0), strength)
            first_hit.setdefault(
                kind, Evidence(start + m.start(), start + m.end(), m.group(0), f"{RULE}:{kind}")
            )
        _complex_attack(strongest, text)
        for kind, strength in strongest.items():
            scores[kind] = scores.get(kind, 0.0) + strength * weight
    if not scores:
        # An attack whose means the text does not state: an armed assault, as GTD and ACLED code it.
        hit = next(((s, m) for s, _, t in sentences if (m := _ATTACK.search(t))), None)
        if hit is None:
            return TypeVote("other", 0.0, None)
        start, m = hit
        return TypeVote(
            "armed_assault",
            0.5,
            Evidence(start + m.start(), start + m.end(), m.group(0), f"{RULE}:unstated-means"),
        )
    best = max(scores.items(), key=lambda kv: (kv[1], -_PRIORITY.index(kv[0])))
    kind = best[0]
    # People seized define the incident even when a bomb or gunfire came first (GTD codes the
    # hijacking of the train, not the blast on its track).
    seized: list[EventType] = [
        k for k in ("hijacking", "kidnapping", "hostage_taking") if scores.get(k, 0) >= 0.4 * best[1]
    ]
    if seized:
        kind = seized[0]
    if kind == "hostage_taking" and "hijacking" in scores:
        kind = "hijacking"
    return TypeVote(kind, scores[kind], first_hit.get(kind))


def _complex_attack(strongest: dict[EventType, float], text: str) -> None:
    """Explosives and gunfire in one sentence ("detonated explosives before opening fire") make an
    armed assault, unless the sentence puts the deaths on the blast ("killed when a bomb exploded").
    A building burnt in a raid that killed people is part of the raid."""
    if "bombing" in strongest and strongest.get("armed_assault", 0) >= 2 and not _BLAST_DEATHS.search(text):
        strongest["armed_assault"] = strongest.pop("bombing")
    if "facility_attack" in strongest and _DEATHS.search(text):
        strongest["armed_assault"] = max(strongest.get("armed_assault", 0), strongest.pop("facility_attack"))


def names_act(text: str) -> bool:
    """Whether a sentence names a violent act of a known type (not only "violence" or "attack")."""
    return any(p.search(text) for _, _, p in _TRIGGERS)


def is_violent(text: str) -> bool:
    """Whether a sentence tells of violence at all (any trigger, or a generic word of it)."""
    return GENERIC.search(text) is not None or any(p.search(text) for _, _, p in _TRIGGERS)


def may_tell_of_violence(text: str) -> bool:
    """Whether any sentence of `text` could tell of violence: a cheap test before the parser runs.

    It is `is_violent` over the whole text. A sentence is a span of the text, and a pattern that
    matches inside a span matches at the same place in the whole text, unless a `\\b` at the span's
    edge falls between two word characters there. Sentences begin and end where tokens do, and the
    tokenizer splits two word characters apart only in contractions and in numbers with units
    ("gon|na", "can|not", "5|km"), where no word of violence begins or ends. So when this is False no
    sentence is violent, and the article tells of no incident.
    """
    return is_violent(text)
