"""What happened: the incident's type, from the words that tell what was done in its sentences.

Each type has triggers (words and phrases). Every trigger in the incident's sentences votes for its
type, the incident's first sentence counting most; a vehicle seized outweighs the shooting that
follows, an explosion outweighs a generic "attack". Ties go to the more specific type.

A trigger counts in its violent sense only: words that have a peaceful one too ("clash", "blast",
"rocket", "stormed", "shot") need armed men, weapons or harm in the same sentence, and a sentence
that tells of an accident, a disaster or an illness, and of no armed men, tells of no violence
(`is_violent`). kinds.v2 added these senses to kinds.v1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import cast

from sitrep.records import EventType, Evidence

RULE = "kinds.v2"

# Armed men, weapons and the harm done to people: words that confirm that a word with a peaceful
# sense too ("clash", "blast", "rocket", "stormed") is used in its violent one.
_ACTORS = (
    r"militants?|insurgents?|rebels?|terrorists?|gunm[ae]n|attackers?|assailants?|jihadists?|separatists?|"
    r"guerr?illas?|bandits?|extremists?|fighters|troops?|soldiers?|army|military|militia\w*|paramilitar\w*|"
    r"(?:security|government|armed|enemy|rebel|special|coalition|allied|federal|ground) forces|"
    r"gendarmes?|commandos?|kidnappers?|abductors?|arsonists?|mobs?|rioters|gang(?:s|sters?)?"
)
_ARMED = (
    rf"{_ACTORS}|armed|weapons?|(?:machine ?)?guns?|rifles?|pistols?|kalashnikovs?|AK-47s?|explosives?|bombs?|"
    r"bombers?|grenades?|hostages?|clashes|gunfire|opened fire|fired (?:at|on|upon)"
)
_HARM = (
    r"kill\w*|dead|deadl\w+|died|deaths?|lives|wound(?:s|ed|ing)?|injur\w*|casualt\w*|hurt|victims?|bodies|civilians?|"
    r"destroy\w*|damag\w*|ripped|tore|rocked|went off|exploded"
)
_CONTEXT = re.compile(rf"\b(?:{_ARMED}|{_HARM})\b", re.IGNORECASE)
_ARMED_CONTEXT = re.compile(rf"\b(?:{_ARMED})\b", re.IGNORECASE)
# Police, in a context of their own: "police said" closes most reports of accidents too.
_FORCE_CONTEXT = re.compile(rf"\b(?:{_ARMED}|{_HARM}|police\w*|policem[ae]n)\b", re.IGNORECASE)
# Words of a strike that also name launches, parades and history: they need harm or an impact.
_IMPACT = re.compile(rf"\b(?:{_HARM}|attack\w*|strikes?|struck|hit|landed|pounded|fired|shell\w*|intercepted)\b",
                     re.IGNORECASE)
_VEHICLE = r"train|plane|aircraft|airliner|bus|ship|vessel|flight|jet|tanker|boat|truck|lorry|coach|car"
_SEIZED_CONTEXT = re.compile(rf"\b(?:{_ACTORS}|{_HARM}|police\w*|policem[ae]n)\b", re.IGNORECASE)
_HIJACK_CONTEXT = re.compile(rf"\b(?:{_ARMED}|{_HARM}|{_VEHICLE}|passengers?|crew)s?\b", re.IGNORECASE)
# "shot" as a noun ("a low shot", "every shot"), a score ("shot 249.7") or a rise ("shares shot up").
_SHOT = (
    r"(?<!\ba )(?<!\ban )(?<!\bthe )(?<!\bevery )(?<!\bhis )(?<!\bher )(?<!\btheir )(?<!\bits )(?<!\bno )"
    r"(?<!\bfirst )(?<!\blong )(?<!\bgood )(?<!\blow )(?<!\blate )(?<!\bgreat )(?<!\bfine )(?<!\bvaccine )"
    r"(?<!\bbooster )(?<!\bflu )\bshot\b(?! (?:up|to|through|past|into|\d+\.\d)\b)"
)


@dataclass(frozen=True)
class _Trigger:
    """Words that name an act of a type. `weight` says how surely; `context`, when given, must match
    somewhere in the same sentence for the words to count (their other senses: a football "clash",
    a "blast" of a party, a rocket launch, "hijacking" a debate); `mishap` says that an accident or a
    disaster told of in the sentence, with no armed men in it, takes the words for part of it (a gas
    cylinder "exploded", a hunter "shot dead" by accident)."""

    type: EventType
    weight: float
    pattern: re.Pattern[str]
    context: re.Pattern[str] | None = None
    mishap: bool = False

    def find(self, text: str) -> Iterator[re.Match[str]]:
        """The trigger's matches in a sentence, in the sense that names violence."""
        matches = self.pattern.finditer(text)
        first = next(matches, None)  # most sentences have none: their context is not looked for
        if first is None:
            return
        if self.context is not None and not self.context.search(text):
            return
        if self.mishap and _MISHAP.search(text) and not _ARMED_CONTEXT.search(text):
            return
        yield first
        yield from matches


def _trigger(kind: str, weight: float, pattern: str, context: re.Pattern[str] | None = None,
             mishap: bool = False) -> _Trigger:
    return _Trigger(cast(EventType, kind), weight, re.compile(pattern, re.IGNORECASE), context, mishap)


_TRIGGERS: tuple[_Trigger, ...] = (
    _trigger(
        "hijacking",
        4,
        rf"\bhijack\w*|\bcommandeer\w*|\bseiz\w+ (?:control of )?(?:the |a )?(?:\w+ )?(?:{_VEHICLE})\b",
        _HIJACK_CONTEXT,
    ),
    _trigger("kidnapping", 3, r"\bkidnap\w*|\babduct\w*"),
    _trigger(
        "kidnapping",
        3,
        r"\bwhisk\w* (?:them |him |her )?(?:away|off)|\btook away\b|\bcarted away\b|"
        r"\bhostages? (?:were|was) (?:taken|led) away|\bransom\b",
        _CONTEXT,
    ),
    _trigger(
        "hostage_taking",
        2.5,
        r"\b(?:took|take|taken|taking|held|holding|hold) (?:\w+ ){0,3}hostages?\b|\bhostage[- ]taking\b|\bbarricaded\b",
        _SEIZED_CONTEXT,
    ),
    _trigger(
        "air_or_artillery_strike",
        3,
        r"\bair ?strikes?\b|\bair raids?\b|\bdrone (?:strike|attack)s?\b|\bshelling\b|\bbombard\w*|\bwarplanes?\b|"
        r"\bgunships?\b|\bjets? struck\b",
    ),
    _trigger("air_or_artillery_strike", 3, r"\bartillery\b|\bmortars?\b|\bmissiles?\b|\brockets?\b|\baerial\b",
             _IMPACT),
    _trigger(
        "bombing",
        3,
        r"\bbomb(?:s|ing|ings|er|ers)?\b|\bexplosives?\b|\bIEDs?\b|\bimprovised explosive\b|"
        r"\bsuicide (?:attack|bomb|car)\w*|\bgrenades?\b|\bdetonat\w*|\blandmines?\b|\bdynamite\b|"
        r"\bblew (?:himself|herself|themselves) up\b",
    ),
    _trigger("bombing", 3, r"\bbombed\b", _CONTEXT),
    _trigger("bombing", 3, r"\bexplo(?:ded|de)\b", None, mishap=True),
    _trigger("bombing", 3, r"\bblasts?\b|\bexplosions?\b", _CONTEXT, mishap=True),
    _trigger(
        "armed_clash",
        2,
        r"\bgun ?battles?\b|\bgunfights?\b|\bfire ?fights?\b|\bexchange of fire\b|\bexchanged fire\b|"
        r"\bskirmish\w*|\bfierce fighting\b",
    ),
    _trigger(
        "armed_clash",
        2,
        r"\bclash\w*|\bbattles?\b|\bencounters?\b|\bbattled\b|\bretaliated\b|\bcombat\b|\boffensive\b|"
        r"\boperation against\b|\bneutrali[sz]ed\b",
        _FORCE_CONTEXT,
    ),
    _trigger(
        "armed_assault",
        2,
        r"\bopen(?:ed|ing)? fire\b|\bstabb\w*|\bmachetes?\b|\bgun attack\b|\bfired (?:at|on|upon)\b|\bgunfire\b|"
        r"\b(?:beaten|beat|bludgeoned|hacked|stoned) to death\b|\blynch\w*",
    ),
    _trigger(
        "armed_assault", 2, r"\bshot (?:dead|and killed|him|her|them)\b|\b(?:was|were|been|being|got|get) shot\b",
        None, mishap=True,
    ),
    _trigger("armed_assault", 2, rf"\bshooting\b|{_SHOT}", _CONTEXT, mishap=True),
    _trigger("armed_assault", 2, r"\bstorm(?:s|ed|ing)?\b(?! (?:clouds?|surges?|drains?|damage|warnings?)\b)",
             _ARMED_CONTEXT),
    _trigger("armed_assault", 2, r"\bsiege\b|\bhacked\b|\bmassacre\w*", _CONTEXT),
    # Words for the attackers, not for the act: they count for little.
    _trigger("armed_assault", 1, r"\bgunm[ae]n\b|\bassailants?\b"),
    _trigger("armed_assault", 1, r"\bbandits\b|\braid(?:ed|s)?\b|\bambush\w*", _CONTEXT),
    _trigger("assassination", 3, r"\bassassinat\w*"),
    _trigger("facility_attack", 2, r"\barson\b|\bburn(?:ed|t) down\b|\bset fire to\b"),
    _trigger(
        "facility_attack",
        2,
        r"\bset (?:\w+ ){0,3}?(?:ablaze|on fire)\b|\btorch(?:es|ed|ing)?\b|\bsabotage\w*|\bvandali[sz]\w*",
        _CONTEXT,
    ),
)
# Deaths and injuries that no one inflicted: accidents, disasters, illness. A sentence that tells of
# them, and of no violent act and no armed men, does not report an incident.
_MISHAP = re.compile(
    r"\b(?:accidents?|accidental(?:ly)?|crash(?:ed|es)?|collision|collided|overturned|overturning|plunged|"
    r"derail\w*|capsiz\w*|sank|drown\w*|flood\w*|landslides?|mudslides?|earthquakes?|quakes?|avalanches?|"
    r"storms?|cyclones?|hurricanes?|typhoons?|tornado\w*|lightning|heat ?waves?|cold wave|blizzards?|"
    r"wildfires?|blaze|fire (?:at|in|swept|gutted|engulfed|broke out|tore through)|caught fire|"
    r"gas (?:leak|explosion|cylinder)|cylinder|boiler|methane|firedamp|fireworks|(?:coal )?mine accident|"
    r"colliery|electrocut\w*|stampede|(?:building|block|house|bridge|dam|roof|wall|tower|stand) (?:had )?"
    r"collapse[sd]?|heart attack|illness|disease|outbreak|cholera|covid(?:-19)?|pandemic|overdose|poisoning|"
    r"natural causes|no foul play)\b",
    re.IGNORECASE,
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
"""Generic words of violence: a sentence with one of them tells of violence (see `is_violent`)."""
_GENERIC_ACT = re.compile(
    r"\btarget(?:ed|ing)\b|(?<!heart )\battack\w*|\bviolence\b|\bassault\w*|\bfighting\b", re.IGNORECASE
)
"""Those that name a deed rather than a death; the others may tell of an accident or a disaster."""
_BARE_WORDS = re.compile(r"\bshot\b|\bstorm(?:s|ed|ing)?\b", re.IGNORECASE)
"""The words of the triggers that look around them, for `may_tell_of_violence`."""


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
        for trigger in _TRIGGERS:
            m = next(
                (
                    m
                    for m in trigger.find(text)
                    if not _IRREALIS.search(text[max(0, m.start() - 30) : m.start()])
                ),
                None,
            )
            if m is None:
                continue
            kind, strength = trigger.type, trigger.weight
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
    return any(next(trigger.find(text), None) is not None for trigger in _TRIGGERS)


def is_violent(text: str) -> bool:
    """Whether a sentence tells of violence: a violent act of a known type, or a generic word of
    violence ("killed", "attack") that is not about an accident, a disaster or an illness."""
    if names_act(text) or _GENERIC_ACT.search(text):
        return True
    if GENERIC.search(text) is None:
        return False
    return _MISHAP.search(text) is None or _ARMED_CONTEXT.search(text) is not None


def may_tell_of_violence(text: str) -> bool:
    """Whether any sentence of `text` could tell of violence: a cheap test before the parser runs.

    It looks for the words that `is_violent` needs, each trigger and each generic word of violence,
    over the whole text, and not for what `is_violent` asks of a sentence besides (a context, no
    mishap): a sentence that passes `is_violent` holds one of those words, and a pattern without
    look-arounds that matches inside a span matches at the same place in the whole text, unless a
    `\\b` at the span's edge falls between two word characters there. Sentences begin and end where
    tokens do, and the tokenizer splits two word characters apart only in contractions and in
    numbers with units ("gon|na", "can|not", "5|km"), where no word of violence begins or ends. The
    patterns that look around ("shot", "storm") are stood in for by their bare words. So when this
    is False no sentence is violent, and the article tells of no incident.
    """
    return (
        GENERIC.search(text) is not None
        or _BARE_WORDS.search(text) is not None
        or any(t.pattern.search(text) for t in _TRIGGERS)
    )
