"""Reconciling an incident from its reports: every report's figure kept in order, and one
low / best / high per count, after UCDP's model.

The rule, for each count (killed, injured, hostages, …):
- history: every report's figure — value, qualifier, bounds, who gave it, when it was published,
  the sentence it rests on — ordered by publication (then by when sitrep read it);
- best: the figure of the latest report that states a number (tolls are revised as the dead are
  counted: 16, then 27, then 33 militants);
- low: the smallest figure or lower bound any report gives; high: the largest figure or upper bound.
Reports that only recall the incident count only when no report is about it.
Deaths by side follow UCDP GED: civilians, security forces, perpetrators, and the unknown rest.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sitrep.records import COUNT_FIELDS
from sitrep.store import IncidentRow, Link

RULE = "reconcile.v1"


def build_incident(incident_id: str, links: Sequence[Link], sketches: Sequence[Sequence[int]],
                   names: Sequence[Sequence[int]] = (), now: datetime | None = None) -> IncidentRow:
    """The incident as its linked reports tell it."""
    ordered = sorted(links, key=lambda link: (link.article.published or "9999", link.article.fetched))
    reports = [link for link in ordered if link.main] or list(ordered)
    records = [link.event.record for link in reports]
    counts = {name: c for name in COUNT_FIELDS if (c := reconcile_count(name, reports)) is not None}
    location = _location(records)
    record: dict[str, Any] = {
        "id": incident_id,
        "type": _most_common([r["type"] for r in records]),
        "date": _date(records),
        "location": location,
        "perpetrator": _perpetrator(records),
        "counts": counts,
        "deaths": deaths_by_side(counts),
        "articles": [{"id": link.article.id, "main": link.main, "reason": link.reason} for link in ordered],
        "sketches": [list(s) for s in sketches],
        "names": [list(n) for n in names],
        "rule": RULE,
    }
    killed = counts.get("killed", {}).get("best")
    return IncidentRow(
        id=incident_id,
        type=record["type"],
        date_start=record["date"]["start"],
        date_precision=record["date"]["precision"],
        country_code=location.get("country_code"),
        admin1=location.get("admin1"),
        lat=location.get("lat"),
        lon=location.get("lon"),
        perpetrator=(record["perpetrator"] or {}).get("group") or (record["perpetrator"] or {}).get("name"),
        killed=killed,
        record=record,
        updated=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
    )


def reconcile_count(name: str, reports: Sequence[Link]) -> dict[str, Any] | None:
    history = []
    for link in reports:
        count = (link.event.record.get("counts") or {}).get(name)
        if not count:
            continue
        history.append({
            "article": link.article.id,
            "published": link.article.published,
            "value": count.get("value"),
            "qualifier": count.get("qualifier"),
            "low": count.get("low"),
            "high": count.get("high"),
            "source": count.get("source"),
            "evidence": (count.get("evidence") or [])[:1],
        })
    if not history:
        return None
    numeric = [h for h in history if h["value"] is not None]
    lows = [h["low"] if h["low"] is not None else h["value"] for h in history]
    highs = [h["high"] if h["high"] is not None else h["value"] for h in history]
    lows = [x for x in lows if x is not None]
    highs = [x for x in highs if x is not None]
    best = numeric[-1]["value"] if numeric else None
    low = min([*lows, best] if best is not None else lows, default=None)  # best lies within [low, high]
    high = max([*highs, best] if best is not None else highs, default=None)
    return {
        "best": best,
        "low": low,
        "high": high,
        "reports": len(history),
        "history": history,
    }


def deaths_by_side(counts: dict[str, dict[str, Any]]) -> dict[str, int | None]:
    """UCDP-style deaths: by side, and the unknown rest of the total."""
    def best(name: str) -> int | None:
        return (counts.get(name) or {}).get("best")

    sides = {"civilians": best("killed_victims"), "security_forces": best("killed_security"),
             "perpetrators": best("killed_perpetrators")}
    total = best("killed")
    known = sum(v for v in sides.values() if v)
    unknown = max(0, total - known) if total is not None else None
    return {**sides, "unknown": unknown, "best": total, "low": (counts.get("killed") or {}).get("low"),
            "high": (counts.get("killed") or {}).get("high")}


def _most_common(values: Sequence[Any]) -> Any:
    present = [v for v in values if v is not None]
    return Counter(present).most_common(1)[0][0] if present else None


def _date(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The date most reports give, the most precise first; a publication date only if nothing else."""
    dates = [r.get("date") or {} for r in records]
    stated = [d for d in dates if d.get("start") and d.get("text")] or [d for d in dates if d.get("start")]
    if not stated:
        return {"start": None, "precision": None}
    rank = {"day": 0, "week": 1, "month": 2, "year": 3}
    best_precision = min(rank.get(d.get("precision") or "year", 3) for d in stated)
    finest = [d["start"] for d in stated if rank.get(d.get("precision") or "year", 3) == best_precision]
    start = _most_common(finest)
    precision = next(d.get("precision") for d in stated if d["start"] == start)
    return {"start": start, "precision": precision}


def _location(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The most precise location among those that agree with the reports' usual division."""
    locations = [r.get("location") or {} for r in records]
    admin1 = _most_common([loc.get("admin1") for loc in locations])
    country = _most_common([loc.get("country_code") for loc in locations])
    agreeing = [loc for loc in locations if loc.get("country_code") == country and
                (admin1 is None or loc.get("admin1") == admin1)] or locations
    rank = {"place": 0, "admin1": 1, "country": 2}
    best = min(agreeing, key=lambda loc: rank.get(loc.get("precision") or "", 3))
    return {k: v for k, v in best.items() if k != "evidence"}


def _perpetrator(records: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    named = [r["perpetrator"] for r in records if r.get("perpetrator") and r["perpetrator"].get("name")]
    claimed = [p for p in named if p.get("claimed")]
    chosen = (claimed or named or [None])[0]
    if chosen is None:
        return None
    return {"name": chosen.get("name"), "group": chosen.get("group"), "claimed": bool(claimed) or chosen.get("claimed")}
