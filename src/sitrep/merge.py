"""Merging: the event records of many reports → incidents, every report's figures kept.

Pure functions; the store is read and written by `sitrep.ingest`. An event is compared only with
the incidents of its country in its date window (the store's blocking query), and joins the best
one that agrees with it on what was extracted — date, first-level division, distance, type,
perpetrator, figures — or whose reports it nearly repeats word for word. Every decision keeps
its reasons, so that a person can see why two reports were joined.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sitrep.store import EventRow, IncidentRow

RULE = "merge.v1"
DAY_WINDOW = 4  # reports of one incident put its day this far apart at most (a weekday read a week off)
FOLLOW_UP_WINDOW = 30  # people seized are freed weeks later, and the reports of their release follow
FALLBACK_WINDOW = 14  # an event dated only by its publication happened up to two weeks before it
MERGE_SCORE = 3.0
SKETCH_SIZE = 128
NEAR_DUPLICATE = 0.5

TYPE_FAMILIES = {
    "bombing": "explosive", "air_or_artillery_strike": "explosive",
    "armed_assault": "armed", "armed_clash": "armed", "assassination": "armed",
    "hijacking": "seized", "hostage_taking": "seized", "kidnapping": "seized",
    "facility_attack": "property", "other": "other",
}


@dataclass(frozen=True)
class Match:
    incident_id: str
    score: float
    reasons: dict[str, Any]


def date_window(event: EventRow) -> tuple[str, str] | None:
    """The dates an event's incident may carry, for the store's blocking query."""
    day = _date(event.date_start)
    if day is None:
        return None
    if is_publication_date(event) or TYPE_FAMILIES.get(event.type) == "seized":
        back = FOLLOW_UP_WINDOW if TYPE_FAMILIES.get(event.type) == "seized" else FALLBACK_WINDOW
        return (day - timedelta(days=back)).isoformat(), (day + timedelta(days=DAY_WINDOW)).isoformat()
    if event.date_precision == "month":
        last = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        return day.isoformat(), last.isoformat()
    if event.date_precision == "year":
        return day.isoformat(), date(day.year, 12, 31).isoformat()
    return (day - timedelta(days=DAY_WINDOW)).isoformat(), (day + timedelta(days=DAY_WINDOW)).isoformat()


def is_publication_date(event: EventRow) -> bool:
    """Whether the event's date is only its report's publication date (no date in the text)."""
    when = event.record.get("date") or {}
    return bool(when.get("start")) and not when.get("text")


def sketch(text: str) -> list[int]:
    """A bottom-k sketch of the text's word 5-grams: near-identical republications share most of it."""
    words = re.findall(r"\w+", text.lower())
    grams = {" ".join(words[i : i + 5]) for i in range(max(1, len(words) - 4))}
    hashes = sorted(int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "big") for g in grams)
    return hashes[:SKETCH_SIZE]


_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:[ -](?:[A-Z][a-z]+|of|al|el))*[ -][A-Z][a-z]+\b")


def names(text: str) -> list[int]:
    """The multi-word proper names of a text ("Jaffar Express", "Lady Reading Hospital"), hashed:
    reports of one incident name the same train, school, hotel or village."""
    found = {m.group(0) for m in _NAME.finditer(text) if not m.group(0).startswith(("The ", "In ", "On ", "At "))}
    return sorted(int.from_bytes(hashlib.blake2b(n.lower().encode(), digest_size=8).digest(), "big")
                  for n in found)[:SKETCH_SIZE]


def resemblance(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard resemblance of two sketches."""
    if not a or not b:
        return 0.0
    union = sorted(set(a) | set(b))[:SKETCH_SIZE]
    both = set(a) & set(b)
    return sum(1 for h in union if h in both) / len(union)


def compare(event: EventRow, event_sketch: Sequence[int], incident: IncidentRow,
            event_names: Sequence[int] = ()) -> Match | None:
    """Whether an event is a report (or mention) of an incident; None on any conflict."""
    reasons: dict[str, Any] = {"rule": RULE}
    near = max((resemblance(event_sketch, s) for s in incident.record.get("sketches", [])), default=0.0)
    if near >= NEAR_DUPLICATE:
        reasons["near_duplicate_text"] = round(near, 2)
    conflicts = _conflicts(event, incident)
    if conflicts and not (near >= 0.8 and "country" not in conflicts):
        return None
    score = 3.0 if near >= NEAR_DUPLICATE else 0.0
    for name, points in _agreements(event, incident):
        reasons[name] = points
        score += points
    shared = max((len(set(event_names) & set(n)) for n in incident.record.get("names", [])), default=0)
    if shared:
        points = 1.5 if shared >= 2 else 0.5
        reasons["shared_names"] = shared
        score += points
    reasons["score"] = round(score, 2)
    return Match(incident.id, score, reasons) if score >= MERGE_SCORE else None


def choose(event: EventRow, event_sketch: Sequence[int], candidates: Sequence[IncidentRow],
           event_names: Sequence[int] = ()) -> Match | None:
    """The incident an event belongs to among the candidates, or None for a new one."""
    matches = [m for c in candidates if (m := compare(event, event_sketch, c, event_names)) is not None]
    return max(matches, key=lambda m: (m.score, m.incident_id), default=None)


def choose_duplicate(event: EventRow, event_sketch: Sequence[int], candidates: Sequence[IncidentRow]) -> Match | None:
    """For an event with no date: the incident whose reports it nearly repeats, if any."""
    matches = [m for c in candidates if (m := compare(event, event_sketch, c)) and "near_duplicate_text" in m.reasons]
    return max(matches, key=lambda m: (m.score, m.incident_id), default=None)


def _conflicts(event: EventRow, incident: IncidentRow) -> list[str]:
    out = []
    if event.country_code and incident.country_code and event.country_code != incident.country_code:
        out.append("country")
    if event.admin1 and incident.admin1 and event.admin1 != incident.admin1:
        out.append("admin1")
    days = _days_apart(event, incident)
    if days is not None and days > DAY_WINDOW and not _follow_up(event, incident, days):
        out.append("date")
    distance = _distance_km(event, incident)
    if distance is not None and distance > 150:
        out.append("distance")
    return out


def _follow_up(event: EventRow, incident: IncidentRow, days: int) -> bool:
    """A later report of people seized at the same place: their release, or the count revised."""
    seized = TYPE_FAMILIES.get(event.type) == TYPE_FAMILIES.get(incident.type) == "seized"
    later = (event.date_start or "") > (incident.date_start or "")
    distance = _distance_km(event, incident)
    return seized and later and days <= FOLLOW_UP_WINDOW and distance is not None and distance <= 25


def _agreements(event: EventRow, incident: IncidentRow) -> list[tuple[str, float]]:
    out: list[tuple[str, float]] = []
    days = _days_apart(event, incident)
    if days is not None:
        out.append(("same_day" if days == 0 else f"{days}_days_apart", 2.0 if days <= 1 else 1.0))
    elif is_publication_date(event) or incident.date_precision != "day":
        out.append(("date_window", 0.5))
    if event.admin1 and event.admin1 == incident.admin1:
        out.append(("same_admin1", 1.5))
    distance = _distance_km(event, incident)
    if distance is not None and distance <= 25:
        out.append(("within_25_km", 1.0))
    if TYPE_FAMILIES.get(event.type) == TYPE_FAMILIES.get(incident.type):
        out.append(("same_kind_of_attack", 1.0))
    if event.perpetrator and incident.perpetrator:
        same = _same_group(event.perpetrator.lower(), incident.perpetrator.lower())
        out.append(("same_perpetrator", 1.0) if same else ("other_perpetrator", -2.5))
    if _families_clash(event.type, incident.type):
        out.append(("other_kind_of_attack", -1.0))  # a hijacking begun with a blast is read as either
    if event.killed and incident.killed and _figures_agree(event.killed, incident.killed):
        out.append(("similar_death_toll", 0.5))
    return out


def _families_clash(a: str, b: str) -> bool:
    """An explosion and a seizure of people are different incidents; a raid with bombs and guns
    is read as either bombing or assault by different reports, so those two do not clash."""
    fa, fb = TYPE_FAMILIES.get(a, "other"), TYPE_FAMILIES.get(b, "other")
    return "other" not in (fa, fb) and {fa, fb} not in ({"explosive", "armed"}, {"armed", "seized"}) and fa != fb



def _same_group(a: str, b: str) -> bool:
    return a == b or a in b or b in a


def _figures_agree(a: int, b: int) -> bool:
    return max(a, b) <= 3 * min(a, b) + 5


def _days_apart(event: EventRow, incident: IncidentRow) -> int | None:
    if event.date_precision != "day" or incident.date_precision != "day" or is_publication_date(event):
        return None
    a, b = _date(event.date_start), _date(incident.date_start)
    return None if a is None or b is None else abs((a - b).days)


def _distance_km(event: EventRow, incident: IncidentRow) -> float | None:
    precise = event.record.get("location", {}).get("precision") == "place" and \
        incident.record.get("location", {}).get("precision") == "place"
    if not precise or None in (event.lat, event.lon, incident.lat, incident.lon):
        return None
    return haversine_km(event.lat, event.lon, incident.lat, incident.lon)  # type: ignore[arg-type]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def new_incident_id(event: EventRow) -> str:
    """A stable id from the event that founded the incident: it survives re-merging."""
    digest = hashlib.sha1(f"{event.article_id}#{event.ordinal}".encode()).hexdigest()
    return f"inc-{digest[:12]}"
