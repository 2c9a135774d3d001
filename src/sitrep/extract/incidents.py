"""Incidents: the article's sentences grouped into the incident it reports and the earlier ones it
recalls, and each group read into an `EventRecord`.

The main incident starts at the first sentence that tells of violence. A later sentence that
tells of violence opens a recalled incident when it is placed at another time ("In November",
"a month prior", "on 13 March" in an article about last week) or marked as another event
("in a separate attack", "elsewhere", "the other"). A recalled incident runs on until a sentence
returns to the main one ("the latest attack", "Tuesday's hijacking") or opens another.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from sitrep.extract.actors import GroupMention, attribute, written_name
from sitrep.extract.counts import CasualtyMention, is_aggregate
from sitrep.extract.dates import DateMention, resolve_date
from sitrep.extract.kinds import TypeVote, classify_incident
from sitrep.extract.numbers import bounded
from sitrep.extract.places import PlaceMention, locate_incident
from sitrep.gazetteer import Gazetteer
from sitrep.records import Count, EventDate, EventRecord, Evidence, Location, Perpetrator, Quantity

RULE = "incidents.v1"

_ANOTHER = re.compile(
    r"\b(?:in|during) (?:a |an )?(?:separate|another|similar|earlier|previous|second|related) "
    r"(?:\w+ )?(?:attack|incident|blast|bombing|explosion|raid|ambush|assault|operation|strike)"
    r"|\belsewhere\b|\bthe other (?:attack|blast|bombing|one|coming)|\bin another\b|\bpreviously\b"
    r"|\b(?:another|a separate|an earlier|a previous|a similar) (?:\w+ )?(?:attack|incident|blast|bombing|"
    r"explosion|raid|ambush|assault|strike)\b|\blast (?:year|month)\b|\bearlier this (?:year|month)\b",
    re.IGNORECASE,
)
_BACK_TO_MAIN = re.compile(
    r"\b(?:the latest|this latest|today's|yesterday's|the (?:latest|recent|current) "
    r"(?:attack|assault|incident)|monday's|tuesday's|wednesday's|thursday's|friday's|"
    r"saturday's|sunday's)\b",
    re.IGNORECASE,
)
# "the incident happened last Sunday": a sentence that dates the incident the article is about
_TELLS_WHEN = re.compile(r"\b(?:incident|attack|abduction|kidnapping|explosion|blast|bombing|hijacking|assault|raid)\b"
                         r"[^.]{0,30}\b(?:happened|occurred|took place|began|started|was carried out)\b", re.IGNORECASE)
_SUICIDE_BOMBER = re.compile(
    r"\bsuicide (?:bomber|attacker|car bomber)\b|\bblew (?:himself|herself) up\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    violent: bool
    names_act: bool
    dates: tuple[DateMention, ...]
    casualties: tuple[CasualtyMention, ...]

    @property
    def span(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.text)


@dataclass
class _Group:
    """Sentences of one incident while the article is being read (private, mutable while built)."""

    main: bool
    sentences: list[Sentence] = field(default_factory=list)
    date: EventDate | None = None


def group_sentences(sentences: Sequence[Sentence], published: date | None) -> list[_Group]:
    """Split the sentences into the main incident and the incidents the article recalls."""
    first = next((i for i, s in enumerate(sentences) if s.violent and (s.casualties or _strong(s))), None)
    if first is None:
        return []
    main = _Group(main=True)
    groups = [main]
    current = main
    pending = False  # "Elsewhere, the terrorists suffered a great loss." announces what follows
    for i, sent in enumerate(sentences[first:], start=first):
        anchor = current.date if not current.main else main.date
        when = _date_of(sent, published, anchor)
        distance = sum(1 for s in sentences[first + 1 : i + 1] if len(s.text.split()) >= 5)
        if i > first and sent.violent and (pending or _opens_new(sent, published, anchor, main, distance)):
            when = _new_date(sent, published, anchor, main, distance) or when
            current = _Group(main=False, date=when)
            groups.append(current)
            pending = False
        elif i > first and not sent.violent and _ANOTHER.search(sent.text):
            pending = True
        elif not current.main and (_BACK_TO_MAIN.search(sent.text) or _same_day(when, main.date)):
            current = main
        current.sentences.append(sent)
        early = current.main and i - first < 4
        told = current.main and _TELLS_WHEN.search(sent.text) is not None
        if current.date is None and when is not None and (sent.casualties or sent.names_act or early or told):
            current.date = when
    if main.date is None:  # only the report's own date: "police said on Saturday"
        main.date = next((d for s in main.sentences[:4] if (d := _reported_date(s, published))), None)
    return groups


def _strong(sent: Sentence) -> bool:
    return classify_incident([sent.span]).score >= 6


def _dates_of(sent: Sentence, published: date | None, anchor: EventDate | None) -> Iterator[EventDate]:
    """The dates of a sentence that place an incident (not a report, not a span of years)."""
    if is_aggregate(sent.text):
        return
    for mention in sent.dates:
        if mention.reported or _is_dateline(mention, sent):
            continue
        resolved = resolve_date(mention, published, anchor)
        if resolved is not None and resolved.start is not None:
            yield resolved


def _date_of(sent: Sentence, published: date | None, anchor: EventDate | None) -> EventDate | None:
    return next(_dates_of(sent, published, anchor), None)


def _is_dateline(mention: DateMention, sent: Sentence) -> bool:
    return len(mention.text) >= 0.6 * len(sent.text.strip(" -—|#"))


def _reported_date(sent: Sentence, published: date | None) -> EventDate | None:
    for mention in sent.dates:
        if mention.reported or _is_dateline(mention, sent):
            resolved = resolve_date(mention, published)
            if resolved is not None and resolved.start is not None:
                return resolved
    return None


def _opens_new(
    sent: Sentence, published: date | None, anchor: EventDate | None, main: _Group, distance: int
) -> bool:
    back = _BACK_TO_MAIN.search(sent.text)
    if back is None and _ANOTHER.search(sent.text):
        return True
    if main.date is None and distance <= 3:
        return False  # the lead had no date: the first date soon after it is the main incident's
    if main.date is None and published is None and distance >= 3 and not back:
        # Neither the incident's date nor the publication date is known: a full date stated well
        # after the lead is most likely another incident's.
        return any(m.kind in ("day_month", "month_day") and not m.reported for m in sent.dates)
    return _new_date(sent, published, anchor, main, distance) is not None


def _new_date(
    sent: Sentence, published: date | None, anchor: EventDate | None, main: _Group, distance: int
) -> EventDate | None:
    """A date in the sentence at another time than the main incident's; after a reference to the
    main incident ("Friday's clash was the deadliest since ... in 2017") only."""
    back = _BACK_TO_MAIN.search(sent.text)
    for when in _dates_of(sent, published, anchor):
        if back and (when.evidence is None or when.evidence.start - sent.start < back.end()):
            continue
        if _differs(when, main, published, distance):
            return when
    return None


def _differs(when: EventDate | None, main: _Group, published: date | None, distance: int) -> bool:
    """Whether a date places a sentence at another time than the main incident."""
    if when is None or when.start is None:
        return False
    reference = main.date.start if main.date and main.date.start else published
    if reference is None:
        return distance >= 3 and when.precision == "day"
    if when.precision in ("month", "year"):
        return (when.start.year, when.start.month if when.precision == "month" else 0) != (
            reference.year,
            reference.month if when.precision == "month" else 0,
        )
    return abs((reference - when.start).days) > (2 if main.date else 7)


def _same_day(when: EventDate | None, main_date: EventDate | None) -> bool:
    return bool(
        when and main_date and when.start and when.start == main_date.start and when.precision == "day"
    )


def build_event(
    group: _Group,
    *,
    text: str,
    published: date | None,
    places: Sequence[PlaceMention],
    country: str | None,
    groups: Sequence[GroupMention],
    previous_group: GroupMention | None,
    gazetteer: Gazetteer,
) -> EventRecord:
    spans = [s.span for s in group.sentences]
    vote: TypeVote = classify_incident([s.span for s in group.sentences if s.violent] or spans)
    mentions = [m for m in groups if any(s <= m.start < e for s, e, _ in spans)]
    if not mentions and not group.main and previous_group is not None:
        mentions = [previous_group]  # "The BLA has been behind ... In November, a bombing ..."
    perpetrator: Perpetrator | None = attribute(mentions, spans, text)
    if perpetrator is not None and perpetrator.group is not None:
        # named as the article names the group at its fullest anywhere, not only in these sentences
        forms = [m.text for m in groups if m.group.name == perpetrator.group]
        perpetrator = dataclasses.replace(perpetrator, name=written_name(forms))
    location: Location = locate_incident(places, spans, country, gazetteer)
    casualties = [c for s in group.sentences for c in s.casualties]
    counts = reconcile_counts(casualties, vote.type, text, spans)
    attackers = _figure(c for c in casualties if c.outcome == "attackers")
    return EventRecord(
        main=group.main,
        type=vote.type,
        date=_incident_date(group, published),
        location=location,
        perpetrator=perpetrator,
        counts=counts,
        attackers=attackers,
        type_evidence=vote.evidence,
        evidence=tuple(Evidence(s, e, t, RULE) for s, e, t in spans[:1]),
    )


def _incident_date(group: _Group, published: date | None) -> EventDate:
    if group.date is not None:
        return group.date
    if group.main and published is not None:
        return EventDate(published, "day", None, None)  # breaking news: the day it was published
    text = next((d.text for s in group.sentences for d in s.dates), None)
    return EventDate(None, None, text, None)


def reconcile_counts(
    casualties: Sequence[CasualtyMention], kind: str, text: str, spans: Sequence[tuple[int, int, str]]
) -> dict[str, Count]:
    """The incident's counts from its casualty figures: the lead figure as the value, conflicting
    ones as `alt`; totals per the contract (a stated total, else the sum of the parts)."""
    counts: dict[str, Count] = {}
    for field_name, outcome, roles in (
        ("killed_victims", "killed", ("victims",)),
        ("killed_security", "killed", ("security",)),
        ("killed_perpetrators", "killed", ("perpetrators",)),
        ("injured", "injured", None),
        ("rescued", "rescued", None),
    ):
        selected = (c for c in casualties if c.outcome == outcome and (roles is None or c.role in roles))
        count = _figure(selected, largest=roles is not None)
        if count:
            counts[field_name] = count
    hostages = _figure(c for c in casualties if c.outcome == "hostages")
    if (hostages is None or hostages.value is None) and kind in ("hijacking", "hostage_taking"):
        # everyone aboard a seized vehicle is held: "136 passengers and six crew were aboard"
        hostages = _figure(c for c in casualties if c.outcome == "aboard") or hostages
    if hostages:
        counts["hostages"] = hostages
    if "killed_perpetrators" not in counts:
        bomber = _suicide_bomber(text, spans)
        if bomber:
            counts["killed_perpetrators"] = bomber
    killed = _total(casualties, counts)
    if killed:
        counts["killed"] = killed
    return counts


def _figure(mentions, largest: bool = False, parts: bool = True) -> Count | None:
    """The first sentence's figure (its parts summed) as the value; other sentences' figures as alt.
    With `largest`, for the deaths of one side, the largest figure: "killing six people including a
    police officer" and then "six dead including four policemen" count four policemen."""
    by_sentence: dict[int, list[CasualtyMention]] = {}
    for m in mentions:
        by_sentence.setdefault(m.sentence_start, []).append(m)
    # parts of one side in a sentence add up ("four jawans of one force and two of another"); two
    # totals in a sentence do not ("the toll rose to 88, with 26 more bodies retrieved")
    figures = [_sum_parts(ms) if parts else _sum_parts(ms[:1]) for ms in by_sentence.values()]
    if not figures:
        return None
    numeric = [f for f in figures if f.value is not None]
    lead = numeric[0] if numeric else figures[0]
    if largest and numeric:
        lead = max(numeric, key=lambda f: f.value or 0)
    elif lead.quantity.qualifier in ("more_than", "several"):
        # "over a dozen" in the headline, "at least 17" in the body: the figure that states more
        lead = next(
            (
                f
                for f in numeric
                if f.value is not None
                and f.quantity.qualifier in ("exact", "at_least")
                and f.value >= (lead.quantity.low or 0)
            ),
            lead,
        )
    alt = tuple(f for f in numeric if f is not lead and f.value != lead.value)
    return Count(lead.quantity, lead.evidence, lead.source, lead.derived, _unique(alt))


def _unique(counts: tuple[Count, ...]) -> tuple[Count, ...]:
    seen: set[int | None] = set()
    out = []
    for c in counts:
        if c.value not in seen:
            seen.add(c.value)
            out.append(c)
    return tuple(out)


def _sum_parts(mentions: Sequence[CasualtyMention]) -> Count:
    evidence = (mentions[0].evidence, *(m.figure for m in mentions))  # the sentence, then the figures' words
    source = next((m.source for m in mentions if m.source), None)
    if len(mentions) == 1:
        return Count(mentions[0].quantity, evidence, source)
    return Count(_add([m.quantity for m in mentions]), evidence, source, derived=True)


def _add(quantities: Sequence[Quantity]) -> Quantity:
    if any(q.value is None for q in quantities):
        low = sum(q.low or q.value or 0 for q in quantities)
        return Quantity(None, "several", low or None, None)
    total = sum(q.value or 0 for q in quantities)
    exact = all(q.qualifier == "exact" for q in quantities)
    return bounded(total, "exact" if exact else "at_least")


def _suicide_bomber(text: str, spans: Sequence[tuple[int, int, str]]) -> Count | None:
    for start, end, sentence in spans:
        m = _SUICIDE_BOMBER.search(sentence)
        if m:
            ev = Evidence(start, end, text[start:end], f"{RULE}:suicide-bomber")
            return Count(bounded(1, "exact"), (ev,), None, derived=True)
    return None


def _total(casualties: Sequence[CasualtyMention], counts: dict[str, Count]) -> Count | None:
    stated = _figure((c for c in casualties if c.outcome == "killed" and c.role == "people"), parts=False)
    parts = [
        counts[k]
        for k in ("killed_victims", "killed_security", "killed_perpetrators")
        if k in counts
        and not (k == "killed_perpetrators" and counts[k].evidence[0].rule.endswith("suicide-bomber"))
    ]
    if stated is not None and stated.value is not None:
        return stated
    if not parts:
        return stated
    if len(parts) == 1:
        only = parts[0]
        return Count(only.quantity, only.evidence, only.source, derived=True)
    quantity = _add([p.quantity for p in parts])
    evidence = tuple(e for p in parts for e in p.evidence)
    return Count(quantity, evidence, None, derived=True)
