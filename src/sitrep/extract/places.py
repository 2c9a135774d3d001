"""Where an incident happened: the place names of its sentences, resolved through the gazetteer
with the article's own country settling ambiguous names (Punjab, Niger, Hyderabad).

The incident's place is the one its sentences locate it at ("in", "at", "near", "outside",
"province of"), not every place named: a train "from Quetta to Peshawar" was not attacked in
Peshawar, and "handlers in Afghanistan" do not move a Pakistani incident.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from sitrep.gazetteer import Gazetteer, Place
from sitrep.records import Evidence, Location

RULE = "places.v1"

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
LOCATIVE = frozenset("in at near outside inside of across around between on within into".split())
ROUTE = frozenset("to towards toward via for".split())
_TRAVEL = re.compile(r"\b(?:travell?(?:ed|ing)?|journey|en route|heading|bound|leaving|left|way to|departed|"
                     r"carrying|flight|flying)\b|\bfrom \w+(?: \w+)? to\b", re.IGNORECASE)
PLACE_NOUNS = frozenset("province state region district city town village capital area county outskirts "
                        "suburb suburbs governorate department municipality".split())
ADMIN1_WORDS = frozenset("province state region governorate department prefecture county".split())


@dataclass(frozen=True)
class PlaceMention:
    start: int
    end: int
    text: str
    candidates: tuple[Place, ...]
    locative: bool
    route: bool
    admin1_word: bool
    dateline: bool = False


def find_places(doc: Doc, gazetteer: Gazetteer) -> list[PlaceMention]:
    """Every place name in the document that the gazetteer knows."""
    out = []
    for ent in doc.ents:
        if ent.label_ not in PLACE_LABELS and not (
            ent.label_ in ("ORG", "PERSON", "PRODUCT", "NORP") and len(ent) <= 3
        ):
            continue
        span = _trim(ent)
        if span is None or not (span.text[0].isupper() or span.text[0].isdigit()):
            continue  # "hid in the bush": a common noun, not Būsh in Egypt
        candidates = gazetteer.lookup(span.text)
        if not candidates and ent.label_ in PLACE_LABELS and len(span) > 1:
            candidates = gazetteer.lookup(span[-1].text) if span[-1].lower_ not in ADMIN1_WORDS else ()
        if not candidates:
            continue
        if ent.label_ not in PLACE_LABELS and not any(
            c.kind != "place" or c.population > 100_000 for c in candidates
        ):
            continue  # a name the model calls a person or organisation, and only a small town: not a place
        out.append(
            PlaceMention(
                span.start_char,
                span.end_char,
                span.text,
                candidates,
                _is_locative(span),
                _is_route(span),
                _admin1_word(span),
            )
        )
    return out


def _trim(ent: Span) -> Span | None:
    tokens = [t for t in ent if t.lower_ not in ("the", "'s", "’s")]
    if not tokens:
        return None
    return ent.doc[tokens[0].i : tokens[-1].i + 1]


def _is_locative(span: Span) -> bool:
    doc = span.doc
    before = doc[span.start - 1].lower_ if span.start > 0 else ""
    if before == "of":  # "the province of Balochistan", not "a reenactment of Chibok"
        return span.start >= 2 and doc[span.start - 2].lower_ in PLACE_NOUNS and not _is_route(span)
    head = span.root.head
    if before in LOCATIVE or (span.root.dep_ == "pobj" and head.lower_ in LOCATIVE and head.lower_ != "of"):
        return True
    return span.end < len(doc) and doc[span.end].lower_ in ("'s", "’s")  # "Dantewada's Cholnar village"


def _is_dateline(span: Span) -> bool:
    """"RAWALPINDI: The army said ...": where the report was filed, which need not be the incident's place."""
    doc = span.doc
    first = span.start == span.sent.start or (span.start > 0 and doc[span.start - 1].is_space)
    after = doc[span.end].text if span.end < len(doc) else ""
    return first and after in (":", "—", "-", "–", ",")  and span.text.isupper()


def _is_route(span: Span) -> bool:
    """A place a vehicle came from or went to ("from Quetta to Peshawar in Khyber Pakhtunkhwa")."""
    doc = span.doc
    before = doc[span.start - 1].lower_ if span.start > 0 else ""
    after = doc[span.end : span.end + 2].text.lower()
    if before == "from":  # "travelling from Quetta", not "abducted from Kuriga"
        return _TRAVEL.search(span.sent.text) is not None
    if before in ROUTE or after.startswith("-bound") or after.startswith("- bound"):
        return True
    if before == "of" and span.start >= 2 and doc[span.start - 2].lower_ in PLACE_NOUNS:
        # "to travel to the garrison city of Rawalpindi"
        return any(t.lower_ in ROUTE for t in doc[max(0, span.start - 6) : span.start - 2])
    if before in ("in", ",") and span.start >= 3:
        previous = doc[span.start - 2]
        return previous.ent_type_ in PLACE_LABELS and _is_route(doc[previous.i : previous.i + 1])
    return False


def _admin1_word(span: Span) -> bool:
    doc = span.doc
    after = doc[span.end].lower_ if span.end < len(doc) else ""
    before = doc[span.start - 2 : span.start].text.lower() if span.start >= 2 else ""
    return after in ADMIN1_WORDS or any(before.startswith(w) for w in ADMIN1_WORDS)


def article_country(
    mentions: Sequence[PlaceMention], demonym_codes: Iterable[str] = (), group_codes: Iterable[str] = ()
) -> str | None:
    """The country the article is about: places named (early ones count more), demonyms, and
    the countries of the groups it names."""
    votes: dict[str, float] = {}
    for i, m in enumerate(mentions):
        codes = dict.fromkeys(c.country_code for c in m.candidates)  # ordered: ties break the same way every run
        weight = (2.0 if i < 4 else 1.0) * (0.5 if m.route else 1.0)
        for code in codes:
            votes[code] = votes.get(code, 0.0) + weight / len(codes)
    for code in demonym_codes:
        votes[code] = votes.get(code, 0.0) + 0.5
    for code in group_codes:
        votes[code] = votes.get(code, 0.0) + 1.5
    return max(votes, key=lambda c: votes[c]) if votes else None


def resolve(mention: PlaceMention, country: str | None) -> Place:
    """The meaning of a name in an article about `country`."""
    pool = [c for c in mention.candidates if c.country_code == country] or list(mention.candidates)

    def rank(p: Place) -> tuple[int, int]:
        if mention.admin1_word and p.kind == "admin1":
            return (0, 0)
        order = {"country": 1, "place": 2, "admin1": 3}[p.kind]
        if p.source.startswith("places.tsv"):
            order = 1
        return (order, -p.population)

    return min(pool, key=rank)


def locate_incident(
    mentions: Sequence[PlaceMention],
    sentences: Sequence[tuple[int, int, str]],
    country: str | None,
    gazetteer: Gazetteer,
) -> Location:
    """The incident's location from the place names in its sentences."""
    inside = [m for m in mentions if any(s <= m.start < e for s, e, _ in sentences)]
    resolved = [(m, resolve(m, country)) for m in inside]
    local = [
        (m, p) for m, p in resolved if p.kind != "country" and (country is None or p.country_code == country)
    ]
    eligible = [(m, p) for m, p in local if not m.route and not m.dateline] or [(m, p) for m, p in local]
    best = next(((m, p) for m, p in eligible if m.locative), None) or (eligible[0] if eligible else None)
    if best is not None:
        m, place = best
        if place.kind == "admin1":
            finer = next((p for _, p in eligible if p.kind == "place" and p.admin1 == place.admin1), None)
            place = finer or place
        return _location(
            place, Evidence(m.start, m.end, m.text, f"{RULE}:{'locative' if m.locative else 'named'}")
        )
    code = country or next((p.country_code for _, p in resolved), None)
    named = next(((m, p) for m, p in resolved if p.kind == "country" and p.country_code == code), None)
    country_place = gazetteer.country(code) if code else None
    if country_place is None:
        return Location(None, None, None, None, None, None, None)
    evidence = Evidence(named[0].start, named[0].end, named[0].text, f"{RULE}:country") if named else None
    return _location(country_place, evidence)


def _location(place: Place, evidence: Evidence | None) -> Location:
    if place.kind == "country":
        precision = "country"
    elif place.kind == "admin1":
        precision = "admin1"
    else:
        precision = "place"
    return Location(
        country=place.country,
        country_code=place.country_code,
        admin1=place.admin1,
        place=place.name if place.kind == "place" else None,
        lat=round(place.lat, 4) if place.lat is not None else None,
        lon=round(place.lon, 4) if place.lon is not None else None,
        precision=precision,  # type: ignore[arg-type]
        evidence=evidence,
    )
