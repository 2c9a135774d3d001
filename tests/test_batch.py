"""The batch engine: a real local cluster of 2 worker processes, killed part-way and resumed, whose
results must be the command line's, line for line."""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitrep.article import Article
from sitrep.batch import extract_part, find_inputs, input_stem
from sitrep.errors import BatchError

from .conftest import SHARED, SITREP, require_shared

pytestmark = pytest.mark.slow

PART_LINES = 20

# Ordinary news that reports no violence; some of it in words that also tell of violence elsewhere.
NEWS = [
    "{team} beat {other} 2-1 on Saturday. {name} scored twice before half-time.",
    "{team} drew 0-0 with {other}. Their attack lacked an edge and {name} dealt with every shot.",
    "Shares in {company} rose 3.{n} per cent after it raised its forecast for the year.",
    "The central bank, targeting inflation of two per cent, held rates at {n}.5 per cent on Tuesday.",
    "Forecasters expect showers in {town} on Friday, with highs of 1{n} degrees.",
    "A storm could bring gusts of {n}0 km/h to the coast near {town} this weekend.",
    "Parliament debated the housing bill; {name} attacked the plan's costs as a promise without a budget.",
    "{company} will open {n} new shops in {town} and hire 2{n}0 staff, its chief executive {name} said.",
]
NAMES = ["Amara Okafor", "Jonas Lindqvist", "Priya Raman", "Tomasz Nowak"]
TOWNS = ["Northfield", "Lakeside", "Port Alden", "Greywater"]
TEAMS = ["Northfield Rovers", "Lakeside United", "Ashby Town", "Carrow Albion"]
COMPANIES = ["Norwell Foods", "Castlegate Bank", "Orion Logistics"]

RUN = """
import json, sys
from pathlib import Path
from sitrep.batch import run_batch
db, out, *inputs = sys.argv[1:]
summary = run_batch(inputs, Path(out), workers=2, part_lines={part_lines}, progress=False, db=db or None)
print(json.dumps({{"done": summary.parts_done, "skipped": summary.parts_skipped, "articles": summary.articles}}))
"""


def generated_news(rng: random.Random, n: int) -> list[dict]:
    articles = []
    for i in range(n):
        sentences = [rng.choice(NEWS).format(team=rng.choice(TEAMS), other=rng.choice(TEAMS), name=rng.choice(NAMES),
                                             company=rng.choice(COMPANIES), town=rng.choice(TOWNS), n=rng.randint(1, 9))
                     for _ in range(rng.randint(2, 5))]
        articles.append({"id": f"news-{i}", "text": "\n\n".join(sentences), "published": "2025-05-0" + str(1 + i % 9),
                         "url": None, "title": None})
    return articles


def dev_articles(copies: int) -> list[dict]:
    require_shared()
    found = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((SHARED / "dev").glob("*.json"))]
    return [{"id": f"dev-{k}-{a['id']}", "text": a["text"], "published": a.get("published"), "url": a.get("url"),
             "title": a.get("title")} for k in range(copies) for a in found if isinstance(a.get("text"), str)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[list[Path], list[str]]:
    """Two input files (one gzipped) of dev articles under fresh ids, generated news, a malformed line."""
    rng = random.Random(11)
    rows = [json.dumps(a, ensure_ascii=False) for a in dev_articles(3) + generated_news(rng, 230)]
    rng.shuffle(rows)
    rows.insert(37, '{"id": "broken", "text": ')
    folder = tmp_path_factory.mktemp("inputs")
    plain, packed = folder / "first.jsonl", folder / "second.jsonl.gz"
    half = len(rows) // 2
    plain.write_text("".join(r + "\n" for r in rows[:half]), encoding="utf-8")
    packed.write_bytes(gzip.compress("".join(r + "\n" for r in rows[half:]).encode("utf-8")))
    return [plain, packed], rows


# Where two countries tie for an article, sitrep.extract.places breaks the tie in the order of a set of
# strings, which differs between processes; one hash seed for the batch and the CLI compares like with like.
ENV = {**os.environ, "PYTHONHASHSEED": "0"}


def run_batch_process(out: Path, inputs: list[Path], db: str = "") -> subprocess.Popen:
    code = RUN.format(part_lines=PART_LINES)
    return subprocess.Popen([sys.executable, "-c", code, db, str(out), *map(str, inputs)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True, env=ENV)


def finished_parts(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in out.glob("*.jsonl")}


def kill_part_way(out: Path, inputs: list[Path], total: int) -> dict[str, int]:
    """Start a batch and SIGKILL its whole process group once some, not all, parts are written."""
    process = run_batch_process(out, inputs)
    deadline = time.monotonic() + 120
    try:
        while len(finished_parts(out)) < 2 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
    time.sleep(1)  # nothing of the killed run goes on writing
    done = finished_parts(out)
    assert 0 < len(done) < total, f"{len(done)} of {total} parts were done when the run was killed"
    return done


def input_ids(rows: list[str]) -> list[str]:
    ids = []
    for row in rows:
        try:
            ids.append(json.loads(row)["id"])
        except json.JSONDecodeError:
            pass
    return ids


def cli_results(rows: list[str]) -> list[dict]:
    out = subprocess.run([str(SITREP), "extract", "--jsonl", "-"], input="".join(r + "\n" for r in rows),
                         capture_output=True, text=True, timeout=300, check=True, env=ENV)
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_batch_killed_part_way_resumes_without_redoing_or_repeating(corpus, tmp_path):
    inputs, rows = corpus
    half = len(rows) // 2
    total = -(-half // PART_LINES) + -(-(len(rows) - half) // PART_LINES)
    out = tmp_path / "out"
    before = kill_part_way(out, inputs, total)

    process = run_batch_process(out, inputs)
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    summary = json.loads(stdout.splitlines()[-1])
    assert summary == {"done": total - len(before), "skipped": len(before), "articles": summary["articles"]}
    after = finished_parts(out)
    assert {name: after[name] for name in before} == before  # finished parts were not written again
    assert len(after) == total and not list(out.glob(".*.tmp"))

    results = [json.loads(line) for name in sorted(after) for line in (out / name).read_text("utf-8").splitlines()]
    ids = [r["id"] for r in results if r["id"] is not None]
    assert sorted(ids) == sorted(input_ids(rows)) and len(ids) == len(set(ids))
    expected = cli_results(rows[:half]) + cli_results(rows[half:])
    assert {r["id"]: r for r in results} == {r["id"]: r for r in expected}
    assert [r for r in results if r["id"] is None] == [r for r in expected if r["id"] is None]


def test_batch_stores_what_sitrep_ingest_stores(tmp_path):
    rows = [json.dumps(a, ensure_ascii=False) for a in dev_articles(1) + generated_news(random.Random(5), 20)]
    rows.insert(5, "{not json")
    source = tmp_path / "articles.jsonl"
    source.write_text("".join(r + "\n" for r in rows), encoding="utf-8")
    process = run_batch_process(tmp_path / "out", [source], db=str(tmp_path / "batch.db"))
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    ingest = [str(SITREP), "--db", str(tmp_path / "ingest.db"), "ingest", "--jsonl", str(source)]
    subprocess.run(ingest, capture_output=True, check=True, timeout=300, env=ENV)

    def export(db: str) -> str:
        out = subprocess.run([str(SITREP), "--db", str(tmp_path / db), "export"], capture_output=True, text=True,
                             check=True, timeout=60)
        return out.stdout

    assert export("batch.db") == export("ingest.db") != ""


def test_batch_part_results_are_the_clis_with_the_files_line_numbers(extractor):
    lines = ['{"id": "a", "text": "Shares rose on Monday as the bank held its rates."}\n', "{not json\n", "\n",
             '{"id": "b"}\n']
    results = extract_part(lines, extractor, first_line=41)
    assert [r.get("error") for r in results] == [
        "no incident of political violence found in the text",
        "line 42: malformed JSON (Expecting property name enclosed in double quotes)",
        "line 43: empty line",
        "line 44: the article has no 'text'",
    ]


def test_batch_prefilter_drops_only_articles_without_incident(extractor, monkeypatch):
    """An article the cheap filter turns away gives no incident through the whole pipeline either."""
    import sitrep.extract

    require_shared()
    folders = [SHARED / "dev", SHARED / "bench" / "muc4"]
    texts = [json.loads(p.read_text(encoding="utf-8")).get("text") for f in folders for p in sorted(f.glob("*.json"))]
    texts += [a["text"] for a in generated_news(random.Random(3), 60)]
    dropped = [Article(id=str(i), text=t) for i, t in enumerate(texts)
               if isinstance(t, str) and not sitrep.extract.may_tell_of_violence(t)]
    assert len(dropped) >= 20
    monkeypatch.setattr(sitrep.extract, "may_tell_of_violence", lambda text: True)
    assert [a.id for a in dropped if extractor(a)] == []


@pytest.mark.parametrize(("name", "stem"), [("news.jsonl", "news"), ("news.jsonl.gz", "news"), ("a.b.jsonl", "a.b"),
                                            ("plain", "plain")])
def test_batch_input_stem(name, stem):
    assert input_stem(Path(name)) == stem


def test_batch_inputs_that_would_share_output_files_are_refused(tmp_path):
    for name in ("x.jsonl", "x.jsonl.gz"):
        (tmp_path / name).write_text("")
    with pytest.raises(BatchError, match="same output files"):
        find_inputs([str(tmp_path / "x.*")])
    with pytest.raises(BatchError, match="no file matches"):
        find_inputs([str(tmp_path / "nothing*.jsonl")])
