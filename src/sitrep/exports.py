"""Exports: incidents in sitrep's own JSON, flat CSV, GeoJSON, and the columns of ACLED, the GTD
and UCDP GED, so that sitrep's records sit beside the datasets analysts already use.

Each format is a pure function from an incident record (reconcile.build_incident's) to a row.
Values the record does not hold are left empty, never guessed (GTD's -9 "unknown" is used only
where its codebook asks for it).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from typing import Any

FORMATS = ("jsonl", "csv", "geojson", "acled", "gtd", "ucdp")

ACLED_TYPES = {
    "bombing": ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    "air_or_artillery_strike": ("Explosions/Remote violence", "Air/drone strike"),
    "armed_clash": ("Battles", "Armed clash"),
    "armed_assault": ("Violence against civilians", "Attack"),
    "assassination": ("Violence against civilians", "Attack"),
    "kidnapping": ("Violence against civilians", "Abduction/forced disappearance"),
    "hostage_taking": ("Violence against civilians", "Abduction/forced disappearance"),
    "hijacking": ("Violence against civilians", "Abduction/forced disappearance"),
    "facility_attack": ("Strategic developments", "Looting/property destruction"),
    "other": ("Strategic developments", "Other"),
}
GTD_TYPES = {
    "bombing": "Bombing/Explosion", "air_or_artillery_strike": "Bombing/Explosion", "armed_assault": "Armed Assault",
    "armed_clash": "Armed Assault", "assassination": "Assassination", "hijacking": "Hijacking",
    "hostage_taking": "Hostage Taking (Barricade Incident)", "kidnapping": "Hostage Taking (Kidnapping)",
    "facility_attack": "Facility/Infrastructure Attack", "other": "Unknown",
}
# ACLED geo_precision 1 = the place itself, 3 = a larger region; time_precision 1 = day, 2 = week, 3 = month+
ACLED_GEO: dict[Any, int] = {"place": 1, "admin1": 3, "country": 3}
ACLED_TIME: dict[Any, int] = {"day": 1, "week": 2, "month": 3, "year": 3}
# UCDP GED date_prec 1 = day ... 4 = month, 5 = year; where_prec 1 = exact place, 4 = admin1, 6 = country
UCDP_DATE: dict[Any, int] = {"day": 1, "week": 2, "month": 4, "year": 5}
UCDP_WHERE: dict[Any, int] = {"place": 1, "admin1": 4, "country": 6}


def public_record(record: dict[str, Any]) -> dict[str, Any]:
    """The incident as exported: its record without sitrep's internal text sketches and name hashes."""
    return {k: v for k, v in record.items() if k not in ("sketches", "names")}


def _count(record: dict[str, Any], name: str, key: str = "best") -> Any:
    return ((record.get("counts") or {}).get(name) or {}).get(key)


def _date_parts(record: dict[str, Any]) -> tuple[str, str, str]:
    start = (record.get("date") or {}).get("start") or ""
    precision = (record.get("date") or {}).get("precision")
    year, month, day = (start.split("-") + ["", "", ""])[:3]
    if precision in ("month", "year"):
        day = "0"
    if precision == "year":
        month = "0"
    return year, month.lstrip("0") or month, day.lstrip("0") or day


def _articles(record: dict[str, Any]) -> list[str]:
    return [a["id"] for a in record.get("articles") or [] if a.get("main")] or \
        [a["id"] for a in record.get("articles") or []]


def csv_row(record: dict[str, Any]) -> dict[str, Any]:
    loc, perp = record.get("location") or {}, record.get("perpetrator") or {}
    return {
        "id": record["id"], "type": record.get("type"), "date": (record.get("date") or {}).get("start"),
        "date_precision": (record.get("date") or {}).get("precision"), "country": loc.get("country"),
        "country_code": loc.get("country_code"), "admin1": loc.get("admin1"), "place": loc.get("place"),
        "latitude": loc.get("lat"), "longitude": loc.get("lon"), "geo_precision": loc.get("precision"),
        "perpetrator": perp.get("name"), "claimed": perp.get("claimed"),
        "killed": _count(record, "killed"), "killed_low": _count(record, "killed", "low"),
        "killed_high": _count(record, "killed", "high"), "killed_victims": _count(record, "killed_victims"),
        "killed_security": _count(record, "killed_security"),
        "killed_perpetrators": _count(record, "killed_perpetrators"), "injured": _count(record, "injured"),
        "hostages": _count(record, "hostages"), "rescued": _count(record, "rescued"),
        "reports": len(_articles(record)), "articles": " ".join(_articles(record)),
    }


def acled_row(record: dict[str, Any]) -> dict[str, Any]:
    loc, perp = record.get("location") or {}, record.get("perpetrator") or {}
    event_type, sub_event_type = ACLED_TYPES.get(record.get("type") or "other", ACLED_TYPES["other"])
    return {
        "event_date": (record.get("date") or {}).get("start"), "event_type": event_type,
        "sub_event_type": sub_event_type, "actor1": perp.get("name") or "", "country": loc.get("country"),
        "admin1": loc.get("admin1"), "location": loc.get("place") or loc.get("admin1") or loc.get("country"),
        "latitude": loc.get("lat"), "longitude": loc.get("lon"),
        "geo_precision": ACLED_GEO.get(loc.get("precision"), ""),
        "time_precision": ACLED_TIME.get((record.get("date") or {}).get("precision"), ""),
        "fatalities": _count(record, "killed") or 0,
        "notes": f"{record.get('type')}; {len(_articles(record))} report(s); sitrep {record['id']}",
        "source": "; ".join(_articles(record)),
    }


def gtd_row(record: dict[str, Any]) -> dict[str, Any]:
    loc, perp = record.get("location") or {}, record.get("perpetrator") or {}
    year, month, day = _date_parts(record)
    hostages = _count(record, "hostages")
    claimed = {True: 1, False: 0}.get(bool(perp["claimed"]), -9) if perp.get("claimed") is not None else -9
    return {
        "iyear": year, "imonth": month, "iday": day, "country_txt": loc.get("country"),
        "provstate": loc.get("admin1"), "city": loc.get("place"), "latitude": loc.get("lat"),
        "longitude": loc.get("lon"), "attacktype1_txt": GTD_TYPES.get(record.get("type") or "other", "Unknown"),
        "gname": perp.get("name") or "Unknown", "claimed": claimed, "nkill": _count(record, "killed"),
        "nkillter": _count(record, "killed_perpetrators"), "nwound": _count(record, "injured"),
        "ishostkid": 1 if hostages else 0, "nhostkid": hostages,
    }


def ucdp_row(record: dict[str, Any]) -> dict[str, Any]:
    loc, deaths = record.get("location") or {}, record.get("deaths") or {}
    start = (record.get("date") or {}).get("start")
    return {
        "id": record["id"], "date_start": start, "date_end": start,
        "date_prec": UCDP_DATE.get((record.get("date") or {}).get("precision"), ""),
        "where_prec": UCDP_WHERE.get(loc.get("precision"), ""), "country": loc.get("country"),
        "adm_1": loc.get("admin1"), "where_coordinates": loc.get("place"), "latitude": loc.get("lat"),
        "longitude": loc.get("lon"), "best": deaths.get("best"), "low": deaths.get("low"), "high": deaths.get("high"),
        "deaths_a": deaths.get("security_forces"), "deaths_b": deaths.get("perpetrators"),
        "deaths_civilians": deaths.get("civilians"), "deaths_unknown": deaths.get("unknown"),
        "source_article": "; ".join(_articles(record)),
    }


def geojson_feature(record: dict[str, Any]) -> dict[str, Any] | None:
    loc = record.get("location") or {}
    if loc.get("lat") is None or loc.get("lon") is None:
        return None
    props = csv_row(record)
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]},
            "properties": props}


TABULAR: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "csv": csv_row, "acled": acled_row, "gtd": gtd_row, "ucdp": ucdp_row,
}


def export_text(records: list[dict[str, Any]], fmt: str) -> Iterator[str]:
    """The text `sitrep export --format fmt` writes, in pieces."""
    if fmt == "jsonl":
        for record in records:
            yield json.dumps(public_record(record), ensure_ascii=False) + "\n"
    elif fmt == "geojson":
        features = [f for r in records if (f := geojson_feature(r)) is not None]
        yield json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False) + "\n"
    else:
        yield from _csv_text([TABULAR[fmt](r) for r in records], fmt)


def _csv_text(rows: list[dict[str, Any]], fmt: str) -> Iterator[str]:
    fields = list(rows[0]) if rows else list(TABULAR[fmt]({"id": "", "articles": []}))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()
