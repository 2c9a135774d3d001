"""Place names resolved from installed data, and the project's own tables kept sound."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from sitrep.gazetteer import normalise

pytestmark = pytest.mark.slow


def table(name: str) -> list[dict[str, str]]:
    text = resources.files("sitrep").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines(), delimiter="\t"))


@pytest.mark.parametrize(
    ("name", "country", "admin1"),
    [
        ("Quetta", "PK", "Balochistan"),
        ("Baluchistan", "PK", "Balochistan"),
        ("KPK", "PK", "Khyber Pakhtunkhwa"),
        ("NWFP", "PK", "Khyber Pakhtunkhwa"),
        ("Peshawar", "PK", "Khyber Pakhtunkhwa"),
        ("Borno State", "NG", "Borno"),
        ("Mogadishu", "SO", "Banaadir"),
        ("Dantewada", "IN", "Chhattisgarh"),
    ],
)
def test_gazetteer_resolves_places_to_their_division(gazetteer, name, country, admin1):
    found = [p for p in gazetteer.lookup(name) if p.country_code == country]
    assert found and found[0].admin1 == admin1
    assert found[0].lat is not None and found[0].lon is not None


def test_gazetteer_keeps_both_meanings_of_ambiguous_names(gazetteer):
    kinds = {(p.kind, p.country_code) for p in gazetteer.lookup("Niger")}
    assert ("country", "NE") in kinds and ("admin1", "NG") in kinds


def test_gazetteer_does_not_take_towns_named_after_countries(gazetteer):
    assert {p.country_code for p in gazetteer.lookup("Colombia")} == {"CO"}


def test_gazetteer_knows_demonyms(gazetteer):
    assert gazetteer.country_of_demonym("Pakistani") == "PK"
    assert gazetteer.country_of_demonym("Nigerian") == "NG"


def test_gazetteer_tables_are_sound():
    admin1 = table("admin1.tsv")
    names = {(r["country_code"], r["name"]) for r in admin1}
    assert len(names) == len(admin1), "a division is listed twice"
    for row in admin1:
        assert -90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180, row
    for row in table("places.tsv"):
        assert (row["country_code"], row["admin1"]) in names, (
            f"{row['name']}: unknown division {row['admin1']}"
        )
        assert -90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180, row


def test_gazetteer_normalises_spelling():
    assert normalise("Boyacá") == normalise("boyaca") == "boyaca"
    assert normalise("Khyber-Pakhtunkhwa") == normalise("Khyber Pakhtunkhwa")
