"""Ingesting into a real store (SQLite file and PostgreSQL server): idempotent, versioned,
resumable, and never stopped by a bad item; the merge scorer's bar over ../shared/dev-clusters."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from sitrep.article import Article
from sitrep.ingest import ingest
from sitrep.sources import Failure, Fetched

from .conftest import ROOT, SHARED, SITREP, require_shared
from .test_sources import base  # noqa: F401  (the local HTTP server fixture)

pytestmark = pytest.mark.slow

STAMP = "2025-03-13T08:00:00+00:00"
HIJACKING = ("Militants of the Baloch Liberation Army hijacked a passenger train in Balochistan on Tuesday "
             "and held hundreds of passengers hostage, officials said. At least 21 passengers were killed.")
HIJACKING_LATER = ("Security forces ended the siege of a hijacked passenger train in Balochistan on Tuesday "
                   "night, killing 33 militants of the Baloch Liberation Army; 21 passengers were killed.")
MARKETS = "Shares rose on Wednesday as the central bank held interest rates and the currency gained."


def fetched(article_id: str, text: str, url: str | None = None, published: str = "2025-03-12") -> Fetched:
    from datetime import date

    article = Article(id=article_id, text=text, published=date.fromisoformat(published), url=url)
    return Fetched(article=article, fetched=STAMP, ref=article_id)


def test_ingest_merges_reports_and_keeps_each_figure(store, extractor):
    summary = ingest([fetched("r1", HIJACKING), fetched("r2", HIJACKING_LATER),
                      Failure("bad.json:line 3", "not valid JSON")], store, extractor)
    assert (summary.stored, summary.failed, summary.new_incidents, summary.merged) == (2, 1, 1, 1)
    [incident], total = store.incidents(_all())
    assert total == 1
    assert [a["id"] for a in incident.record["articles"] if a["main"]] == ["r1", "r2"]
    assert incident.record["type"] == "hijacking"
    killed = incident.record["counts"]["killed_victims"]
    assert [h["value"] for h in killed["history"]] == [21, 21] and killed["best"] == 21
    assert incident.record["counts"]["killed_perpetrators"]["best"] == 33
    reason = next(a["reason"] for a in incident.record["articles"] if a["id"] == "r2")
    assert reason["score"] >= 3 and "same_admin1" in reason
    assert store.failures()[0][:2] == ("bad.json:line 3", "not valid JSON")


def test_ingest_is_idempotent_and_keeps_new_versions(store, extractor):
    url = "https://news.example/train"
    ingest([fetched("r1", HIJACKING, url=url)], store, extractor)
    again = ingest([fetched("r1", HIJACKING, url=url)], store, extractor)
    assert (again.stored, again.duplicates) == (0, 1)
    changed = ingest([fetched("r1", HIJACKING + " The toll may rise.", url=url)], store, extractor)
    assert changed.stored == 1
    assert store.count_articles() == 2
    assert store.latest_version(url).version == 2
    _, total = store.incidents(_all())
    assert total == 1


def test_ingest_records_articles_without_incidents(store, extractor):
    summary = ingest([fetched("m1", MARKETS), fetched("e1", "")], store, extractor)
    assert summary.stored == 2
    assert store.article("m1").error.startswith("no incident")
    assert "empty" in store.article("e1").error
    assert store.incidents(_all())[1] == 0


def _all():
    from sitrep.store import IncidentFilter

    return IncidentFilter()


def _env() -> dict[str, str]:
    return dict(os.environ, PATH=f"{SITREP.parent}:{os.environ['PATH']}")


def _cluster_lines() -> list[str]:
    gold = json.loads((SHARED / "dev-clusters" / "gold.json").read_text(encoding="utf-8"))
    lines = []
    for incident in gold["incidents"]:
        for rel in incident["reports"]:
            doc = json.loads((SHARED / "dev-clusters" / rel).read_text(encoding="utf-8"))
            lines.append(json.dumps({"id": rel, **{k: doc.get(k) for k in ("text", "published", "url", "title")}}))
    return lines


def _partition(db: str) -> set[frozenset[str]]:
    out = subprocess.run([str(SITREP), "--db", db, "export", "--format", "jsonl"], capture_output=True, text=True,
                         check=True)
    groups = [frozenset(a["id"] for a in json.loads(line)["articles"] if a["main"]) for line in out.stdout.splitlines()]
    return {g for g in groups if g}


def test_ingest_killed_part_way_resumes_with_nothing_lost_or_repeated(tmp_path):
    require_shared()
    lines = _cluster_lines()
    source = tmp_path / "reports.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole, broken = str(tmp_path / "whole.db"), str(tmp_path / "broken.db")
    subprocess.run([str(SITREP), "--db", whole, "ingest", "--jsonl", str(source)], check=True, capture_output=True)
    process = subprocess.Popen([str(SITREP), "--db", broken, "ingest", "--jsonl", str(source)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and _done(broken) < 10:
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert 0 < _done(broken) < len(lines), "the run was not interrupted part-way"
    subprocess.run([str(SITREP), "--db", broken, "ingest", "--jsonl", str(source)], check=True, capture_output=True)
    with sqlite3.connect(broken) as db:
        ids = [r[0] for r in db.execute("SELECT id FROM articles")]
        pending = db.execute("SELECT count(*) FROM articles WHERE NOT extracted").fetchone()[0]
    db.close()
    assert sorted(ids) == sorted(json.loads(line)["id"] for line in lines)
    assert pending == 0
    assert _partition(broken) == _partition(whole)


def _done(db: str) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            count = conn.execute("SELECT count(*) FROM articles WHERE extracted").fetchone()[0]
        conn.close()
        return count
    except sqlite3.Error:
        return 0


def test_ingest_from_a_local_web_server_and_its_feed(tmp_path, base):  # noqa: F811
    db = str(tmp_path / "web.db")
    out = subprocess.run([str(SITREP), "--db", db, "ingest", f"{base}/rss.xml", f"{base}/missing.html",
                          f"{base}/logo.png", "--timeout", "5"], capture_output=True, text=True, env=_env())
    assert out.returncode == 0, out.stderr
    assert "HTTP 404" in out.stderr and "skipped" in out.stderr
    with sqlite3.connect(db) as conn:
        urls = sorted(r[0] for r in conn.execute("SELECT url FROM articles"))
        failures = [r[0] for r in conn.execute("SELECT reason FROM failures")]
    conn.close()
    assert urls == [f"{base}/bombing.html", f"{base}/kidnapping.html"]
    assert len(failures) >= 2


def test_ingest_merge_score_meets_the_bar():
    require_shared()
    command = (f'{SITREP} --db "$DB" ingest --jsonl - && {SITREP} --db "$DB" export --format jsonl')
    out = subprocess.run([sys.executable, str(SHARED / "eval" / "score_merge.py"), "--min", "bcubed_f1=0.85",
                          "--max", "wrong_merges=0", "run", str(SHARED / "dev-clusters"), "--", command],
                         capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert out.returncode == 0, out.stdout + out.stderr[-2000:]


def test_ingest_cli_exports_every_format(tmp_path):
    require_shared()
    db = str(tmp_path / "x.db")
    lines = _cluster_lines()[:6]
    subprocess.run([str(SITREP), "--db", db, "ingest", "--jsonl", "-"], input="\n".join(lines), text=True,
                   check=True, capture_output=True)
    columns = {
        "acled": ["event_date", "event_type", "sub_event_type", "actor1", "country", "admin1", "location", "latitude",
                  "longitude", "geo_precision", "time_precision", "fatalities", "notes", "source"],
        "gtd": ["iyear", "imonth", "iday", "country_txt", "provstate", "city", "latitude", "longitude",
                "attacktype1_txt", "gname", "claimed", "nkill", "nkillter", "nwound", "ishostkid", "nhostkid"],
        "ucdp": ["date_start", "date_end", "date_prec", "where_prec", "best", "low", "high", "deaths_a", "deaths_b",
                 "deaths_civilians", "deaths_unknown", "source_article"],
    }
    for fmt, wanted in columns.items():
        out = subprocess.run([str(SITREP), "--db", db, "export", "--format", fmt], capture_output=True, text=True,
                             check=True)
        header = out.stdout.splitlines()[0].split(",")
        assert set(wanted) <= set(header), (fmt, set(wanted) - set(header))
        assert len(out.stdout.splitlines()) >= 2
    geo = json.loads(subprocess.run([str(SITREP), "--db", db, "export", "--format", "geojson"], capture_output=True,
                                    text=True, check=True).stdout)
    assert geo["type"] == "FeatureCollection" and geo["features"][0]["geometry"]["type"] == "Point"
    first = json.loads(subprocess.run([str(SITREP), "--db", db, "export"], capture_output=True, text=True,
                                      check=True).stdout.splitlines()[0])
    assert "sketches" not in first and first["articles"]
    shown = subprocess.run([str(SITREP), "--db", db, "show", first["id"]], capture_output=True, text=True, check=True)
    assert first["id"] in shown.stdout and "best" in shown.stdout
    listed = subprocess.run([str(SITREP), "--db", db, "incidents", "--country", "Pakistan"], capture_output=True,
                            text=True, check=True)
    assert first["id"][:8] in listed.stdout
    bad = subprocess.run([str(SITREP), "--db", db, "incidents", "--since", "last week"], capture_output=True,
                         text=True)
    assert bad.returncode != 0 and "--since" in bad.stderr
    missing = subprocess.run([str(SITREP), "--db", db, "show", "inc-nope"], capture_output=True, text=True)
    assert missing.returncode != 0 and "no incident" in missing.stderr


def test_ingest_db_option_and_environment_choose_the_store(tmp_path):
    db = tmp_path / "env.db"
    env = dict(_env(), SITREP_DB=str(db))
    subprocess.run([str(SITREP), "ingest", "--jsonl", "-"], input=json.dumps({"id": "x", "text": HIJACKING}),
                   text=True, env=env, check=True, capture_output=True)
    assert db.exists()

