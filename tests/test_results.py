"""The contract's results, one per input line: read ahead in chunks, the same as one by one."""

from __future__ import annotations

import json

from sitrep.results import NO_INCIDENT, line_results, results_of

from .conftest import SHARED, require_shared

OWN = [
    "Gunmen opened fire on a minibus near Kelvar on Monday, killing four passengers, police said.",
    "The town council approved a budget for two new libraries on Tuesday.",
    "A roadside bomb wounded three soldiers on the highway outside Derrin on Friday.",
]


def corpus_lines() -> list[str]:
    """Dev articles and sentences of our own, with a bad line every so often, 150 lines in all."""
    require_shared()
    dev = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((SHARED / "dev").glob("*.json"))]
    lines: list[str] = []
    for i in range(150):
        if i in (0, 63, 64, 65, 129):
            lines.append(["{not json", "", json.dumps({"text": "no id"}), "[1, 2]", "\ufeff{"][len(lines) % 5])
        elif i % 3 == 0:
            a = dev[i % len(dev)]
            lines.append(json.dumps({"id": f"d{i}", "text": a["text"], "published": a.get("published")}))
        else:
            lines.append(json.dumps({"id": f"o{i}", "text": OWN[i % len(OWN)], "published": "2025-05-14"}))
    return lines


def test_results_read_ahead_in_chunks_equal_results_one_by_one(extractor):
    lines = corpus_lines()
    one_by_one = list(results_of(lines, extractor))
    for chunk in (1, 64, 500):
        assert list(line_results(lines, extractor, chunk=chunk)) == one_by_one
    assert len(one_by_one) == 150
    assert [r["id"] for r in one_by_one[1:3]] == ["o1", "o2"]


def test_errors_name_lines_as_numbered_in_the_file(extractor):
    lines = corpus_lines()
    errors = {i + 1: r["error"] for i, r in enumerate(line_results(lines, extractor, chunk=64)) if "line " in
              r.get("error", "")}
    assert sorted(errors) == [1, 64, 65, 66, 130]
    assert all(message.startswith(f"line {n}: ") for n, message in errors.items())
    later = list(line_results(lines[64:], extractor, first_line=65, chunk=64))
    assert later[0]["error"].startswith("line 65: ")


def test_each_article_gets_events_or_a_reason(extractor):
    lines = corpus_lines()
    texts = {}
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and "id" in record:
            texts[record["id"]] = record["text"]
    for result in line_results(lines, extractor):
        text = texts.get(result["id"])
        if text in (OWN[0], OWN[2]):
            assert result["events"] and "error" not in result
        elif text == OWN[1]:
            assert result["events"] == [] and result["error"] == NO_INCIDENT


def test_results_public_names():
    import sitrep.results as results

    assert sorted(results.__all__) == sorted([
        "NO_INCIDENT", "Precomputed", "Result", "line_results", "outcome_key", "read_ahead", "result_json",
        "results_of",
    ])
