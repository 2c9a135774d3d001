"""The schema: typed, frozen records that every stage passes on.

Nothing here imports the rest of sitrep. Every extracted value carries the `Evidence` it rests on:
character offsets into the article's text, the words there, and the versioned rule that read them.
`to_json` turns a record into the contract's JSON (see ../shared/CONTRACT.md).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

EventType = Literal[
    "armed_clash",
    "armed_assault",
    "bombing",
    "air_or_artillery_strike",
    "hijacking",
    "hostage_taking",
    "kidnapping",
    "assassination",
    "facility_attack",
    "other",
]
EVENT_TYPES: tuple[str, ...] = EventType.__args__  # type: ignore[attr-defined]

Qualifier = Literal["exact", "at_least", "more_than", "about", "nearly", "up_to", "several"]
QUALIFIERS: tuple[str, ...] = Qualifier.__args__  # type: ignore[attr-defined]

DatePrecision = Literal["day", "week", "month", "year"]
PlacePrecision = Literal["place", "admin1", "country"]

# The counts of the contract, in the order they are written.
COUNT_FIELDS: tuple[str, ...] = (
    "killed",
    "killed_victims",
    "killed_security",
    "killed_perpetrators",
    "injured",
    "hostages",
    "rescued",
)


@dataclass(frozen=True)
class Evidence:
    """A span of the article's text that a value rests on."""

    start: int
    end: int
    text: str
    rule: str

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"evidence offsets out of order: {self.start}..{self.end}")


@dataclass(frozen=True)
class Quantity:
    """A number as the text states it: "nearly 350" is value 350, qualifier nearly, high 350."""

    value: int | None
    qualifier: Qualifier
    low: int | None
    high: int | None

    def __post_init__(self) -> None:
        if self.qualifier not in QUALIFIERS:
            raise ValueError(f"unknown qualifier {self.qualifier!r}; expected one of {QUALIFIERS}")
        if self.value is None and self.qualifier != "several":
            raise ValueError("a quantity without a value must have the qualifier 'several'")


@dataclass(frozen=True)
class Count:
    """One count of an incident: the figure, where it comes from and who gave it."""

    quantity: Quantity
    evidence: tuple[Evidence, ...]
    source: str | None = None
    derived: bool = False
    alt: tuple[Count, ...] = ()

    @property
    def value(self) -> int | None:
        return self.quantity.value


@dataclass(frozen=True)
class EventDate:
    start: date | None
    precision: DatePrecision | None
    text: str | None
    evidence: Evidence | None = None
    end: date | None = None


@dataclass(frozen=True)
class Location:
    country: str | None
    country_code: str | None
    admin1: str | None
    place: str | None
    lat: float | None
    lon: float | None
    precision: PlacePrecision | None
    evidence: Evidence | None = None


@dataclass(frozen=True)
class Perpetrator:
    """The named group behind an incident; `claimed` is None where the text is silent on a claim.
    `name` is the group as the article names it at its fullest ("ELN", "Baloch Liberation Army");
    `group` the name of the group in sitrep's table, the same in every article. Both are None
    where the text names no group but says that no one claimed the incident."""

    name: str | None
    claimed: bool | None
    attribution: Literal["claimed", "denied", "suspected", "named"]
    mention: str
    evidence: tuple[Evidence, ...] = ()
    group: str | None = None


@dataclass(frozen=True)
class EventRecord:
    """One incident as one article tells it."""

    main: bool
    type: EventType
    date: EventDate
    location: Location
    perpetrator: Perpetrator | None
    counts: dict[str, Count] = field(default_factory=dict)
    type_evidence: Evidence | None = None
    attackers: Count | None = None
    evidence: tuple[Evidence, ...] = ()


def to_json(value: Any) -> Any:
    """A record (or a tree of them) as plain JSON values, in the contract's shape."""
    if isinstance(value, Quantity | Evidence):
        return dataclasses.asdict(value)
    if isinstance(value, Count):
        return count_to_json(value)
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value


def count_to_json(count: Count) -> dict[str, Any]:
    q = count.quantity
    out: dict[str, Any] = {
        "value": q.value,
        "qualifier": q.qualifier,
        "low": q.low,
        "high": q.high,
        "source": count.source,
        "derived": count.derived,
        "evidence": [dataclasses.asdict(e) for e in count.evidence],
    }
    if count.alt:
        out["alt"] = [count_to_json(a) for a in count.alt]
    return out


def event_to_json(event: EventRecord) -> dict[str, Any]:
    out = to_json(event)
    out["counts"] = {name: count_to_json(event.counts[name]) for name in COUNT_FIELDS if name in event.counts}
    out["attackers"] = count_to_json(event.attackers) if event.attackers else None
    return out
