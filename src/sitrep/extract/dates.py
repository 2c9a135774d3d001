"""When an incident happened: date expressions found in its sentences, resolved against the
publication date ("Tuesday" in an article of Wednesday 2025-03-12 is 2025-03-11) or against the
incident mentioned just before ("a month prior").

`find_dates(text, start, end)` yields `DateMention`s; `resolve_date(mention, published, anchor)`
turns one into an `EventDate`. Nothing here reads a clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sitrep.records import DatePrecision, EventDate, Evidence

RULE = "dates.v1"

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            "jan january",
            "feb february",
            "mar march",
            "apr april",
            "may",
            "jun june",
            "jul july",
            "aug august",
            "sep sept september",
            "oct october",
            "nov november",
            "dec december",
        ],
        start=1,
    )
    for m in names.split()
}
WEEKDAYS = {d: i for i, d in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())}
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "several": 3,
    "few": 3,
}

_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d|'\d\d|\d\d)(?!\d))"
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+(?:the\s+)?)?"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(p, re.IGNORECASE))
    for kind, p in (
        ("day_month", rf"\b{_WEEKDAY}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}{_YEAR}?\b"),
        ("month_day", rf"\b{_WEEKDAY}{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?!\d){_YEAR}?\b"),
        (
            "relative",
            r"\b(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|few|\d+)\s+"
            r"(?P<unit>day|week|month|year)s?\s+(?P<dir>prior|earlier|before|ago|later|after)\b",
        ),
        (
            "weekday",
            r"\b(?:(?P<last>last|this|past)\s+)?(?P<weekday>monday|tuesday|wednesday|thursday|friday|"
            r"saturday|sunday)\b",
        ),
        ("yesterday", r"\b(?:yesterday|last night|overnight|on the eve)\b"),
        ("today", r"\b(?:today|this morning|this afternoon|this evening|tonight|earlier today)\b"),
        (
            "last_unit",
            r"\b(?:last|past|previous)\s+(?P<unit>week|month|year)\b|\bearlier this (?P<this>week|month|year)\b",
        ),
        ("month", rf"\b(?:in|during|early|late|mid|mid-|last)\s*-?\s*{_MONTH}(?:{_YEAR})?\b"),
        ("year", r"\bin\s+(?P<year>(?:19|20)\d\d)\b"),
    )
)


_SINCE = re.compile(r"\b(?:since|until|till|by|before|from)\s+(?:early |late |mid-?)?$", re.IGNORECASE)
_REPORTED_BEFORE = re.compile(
    r"\b(?:said|says|told|confirmed|announced|reported|stated|added|published|updated|"
    r"posted)\s+(?:on\s+)?$",
    re.IGNORECASE,
)
_REPORTED_AFTER = re.compile(r"^,?\s+(?:confirmed|said|told|announced|reported|stated|vowed|pledged|warned|"
                             r"condemned|urged|promised|denied|briefed)\b", re.IGNORECASE)
_TOLL_UPDATE = re.compile(r"\btoll\b[^.]{0,60}\b(?:rose|risen|rises|climbed|surged|jumped|reached|increased|stood|"
                          r"mounted|swelled|hit)\b", re.IGNORECASE)


@dataclass(frozen=True)
class DateMention:
    """A date expression; `reported` when it dates the report ("police said on Saturday"), not the
    incident."""

    kind: str
    start: int
    end: int
    text: str
    parts: dict[str, str]
    reported: bool = False


def find_dates(text: str, start: int = 0, end: int | None = None) -> Iterator[DateMention]:
    """Date expressions in text[start:end], in text order, without overlaps."""
    end = len(text) if end is None else end
    taken: list[tuple[int, int]] = []
    found = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text, start, end):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            if (
                kind == "month"
                and m.group("month").lower() == "may"
                and not m.group(0).lower().startswith("in")
            ):
                continue
            if (
                kind in ("month", "month_day")
                and m.group("month").lower() in ("mar", "may")
                and m.group(0)[0].islower()
            ):
                continue  # "may" the verb, "mar" the verb
            taken.append((m.start(), m.end()))
            before = text[max(0, m.start() - 30) : m.start()]
            if _SINCE.search(before):
                continue  # "since July 2007", "by 2030": a span's edge, not an incident's date
            if kind == "weekday" and _is_name(text, m):
                continue
            parts = {k: v for k, v in m.groupdict().items() if v}
            reported = bool(
                _REPORTED_BEFORE.search(before) or _REPORTED_AFTER.match(text[m.end() : m.end() + 20])
            )
            found.append(DateMention(kind, m.start(), m.end(), m.group(0), parts, reported))
    yield from sorted(found, key=lambda d: d.start)


def _is_name(text: str, m: re.Match[str]) -> bool:
    """ "Monday Kuryas, the police chief": a weekday that is a person's name."""
    after = re.match(r"\s+([A-Z][a-z]+)", text[m.end() : m.end() + 30])
    before = text[max(0, m.start() - 12) : m.start()].lower()
    if after is None or re.search(
        r"\b(?:on|last|this|past|since|by|from|until|early|late)\s*$|,\s*$", before
    ):
        return False
    return after.group(1).lower() not in MONTHS and after.group(1).lower() not in (
        "morning",
        "afternoon",
        "evening",
        "night",
    )


def resolve_date(
    mention: DateMention, published: date | None, anchor: EventDate | None = None
) -> EventDate | None:
    """The date a mention stands for, or None when it cannot be placed (it is then kept as text by
    the caller). Dates after the publication date are not incident dates: None."""
    resolved = _resolve(mention, published, anchor)
    evidence = Evidence(mention.start, mention.end, mention.text, f"{RULE}:{mention.kind}")
    if resolved is None:
        return EventDate(None, None, mention.text, evidence)
    day, precision = resolved
    if published is not None and day > published + timedelta(days=1):
        return None
    return EventDate(day, precision, mention.text, evidence)


def _resolve(
    m: DateMention, published: date | None, anchor: EventDate | None
) -> tuple[date, DatePrecision] | None:
    p = m.parts
    if m.kind in ("day_month", "month_day"):
        month, day = MONTHS[p["month"].lower().rstrip(".")], int(p["day"])
        year = _year(p.get("year"), published, month, day)
        day_date = _safe_date(year, month, day) if year else None
        return (day_date, "day") if day_date else None
    if m.kind == "month":
        month = MONTHS[p["month"].lower().rstrip(".")]
        year = _year(p.get("year"), published, month, 1)
        return (date(year, month, 1), "month") if year else None
    if m.kind == "year":
        return date(int(p["year"]), 1, 1), "year"
    if m.kind == "relative":
        return _relative(p, published, anchor)
    if published is None:
        return None
    if m.kind == "weekday":
        back = (published.weekday() - WEEKDAYS[p["weekday"].lower()]) % 7
        return published - timedelta(days=back), "day"
    if m.kind == "yesterday":
        return published - timedelta(days=1), "day"
    if m.kind == "today":
        return published, "day"
    if m.kind == "last_unit":
        unit = p.get("unit") or p.get("this") or "week"
        if p.get("this"):
            return _truncate(published, unit), _precision(unit)
        if unit == "week":
            return published - timedelta(days=7), "week"
        if unit == "month":
            first = published.replace(day=1) - timedelta(days=1)
            return first.replace(day=1), "month"
        return date(published.year - 1, 1, 1), "year"
    return None


def _relative(
    p: dict[str, str], published: date | None, anchor: EventDate | None
) -> tuple[date, DatePrecision] | None:
    n = int(p["n"]) if p["n"].isdigit() else NUMBER_WORDS.get(p["n"].lower(), 1)
    unit = p["unit"].lower()
    direction = p["dir"].lower()
    base, base_precision = (
        (anchor.start, anchor.precision)
        if anchor and anchor.start and direction != "ago"
        else ((published, "day") if published else (None, None))
    )
    if base is None:
        return None
    sign = 1 if direction in ("later", "after") else -1
    if unit in ("day", "week"):
        shifted = base + sign * timedelta(days=n * (7 if unit == "week" else 1))
        precision: DatePrecision = "day" if unit == "day" and base_precision == "day" else "week"
        return shifted, precision if base_precision != "month" else "month"
    if unit == "month":
        months = base.year * 12 + base.month - 1 + sign * n
        return date(months // 12, months % 12 + 1, 1), "month"
    return date(base.year + sign * n, 1, 1), "year"


def _year(text: str | None, published: date | None, month: int, day: int) -> int | None:
    if text:
        digits = text.lstrip("'")
        if len(digits) == 2:
            return 1900 + int(digits) if int(digits) > 30 else 2000 + int(digits)
        return int(digits)
    if published is None:
        return None
    year = published.year
    return year if (month, day) <= (published.month, published.day) else year - 1


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _truncate(day: date, unit: str) -> date:
    if unit == "month":
        return day.replace(day=1)
    if unit == "year":
        return date(day.year, 1, 1)
    return day - timedelta(days=day.weekday())


def _precision(unit: str) -> DatePrecision:
    return {"week": "week", "month": "month", "year": "year"}.get(unit, "day")  # type: ignore[return-value]
