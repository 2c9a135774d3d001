"""The command line as a user runs it: the installed `sitrep` in its own process."""

from __future__ import annotations

import json
import subprocess

import pytest

from .conftest import SHARED, SITREP, require_shared

pytestmark = pytest.mark.slow


def run(*args: str, stdin: str | bytes = "", timeout: int = 120) -> subprocess.CompletedProcess:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run([str(SITREP), *args], input=data, capture_output=True, timeout=timeout)


REPORT = (
    "A roadside bomb killed four soldiers and wounded two civilians near Quetta on Monday, "
    "police said. The Baloch Liberation Army claimed responsibility for the attack."
)


def test_cli_jsonl_survives_every_kind_of_bad_input():
    lines = [
        json.dumps({"id": "good", "text": REPORT, "published": "2025-03-12"}),
        json.dumps({"id": "empty", "text": ""}),
        json.dumps({"id": "blank", "text": "  \n "}),
        json.dumps({"id": "binary", "text": "\x00\x01\x02\x03garbage" * 100}),
        json.dumps({"id": "huge", "text": "A bomb exploded in the market. " * 170_000}),
        json.dumps(
            {
                "id": "spanish",
                "text": "Un coche bomba mató a doce personas en el mercado de la ciudad "
                "según la policía local y los heridos fueron llevados al hospital",
            }
        ),
        json.dumps(
            {
                "id": "markets",
                "text": "Shares rose on Monday as the central bank held interest rates, "
                "and the currency gained against the dollar in early trading.",
            }
        ),
        "{this is not json",
        json.dumps({"id": "no-text"}),
        json.dumps({"id": "bad-date", "text": REPORT, "published": "yesterday"}),
        json.dumps(["a", "list"]),
    ]
    out = run("extract", "--jsonl", "-", stdin="\n".join(lines) + "\n", timeout=300)
    assert out.returncode == 0, out.stderr.decode()
    results = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert len(results) == len(lines)
    by_id = {r["id"]: r for r in results if r["id"] is not None}
    assert by_id["good"]["events"] and "error" not in by_id["good"]
    for name, words in [
        ("empty", "empty"),
        ("blank", "empty"),
        ("binary", "binary"),
        ("huge", "limit"),
        ("spanish", "English"),
        ("markets", "no incident"),
        ("no-text", "no 'text'"),
        ("bad-date", "YYYY-MM-DD"),
    ]:
        assert by_id[name]["events"] == [] and words in by_id[name]["error"], (name, by_id[name])
    assert results[7] == {"id": None, "events": [], "error": results[7]["error"]}
    assert results[7]["error"].startswith("line 8: malformed JSON")
    assert results[10]["error"].startswith("line 11:")


def test_cli_extract_prints_figures_with_their_sentences(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    out = run("extract", str(path), "--published", "2025-03-12")
    assert out.returncode == 0, out.stderr.decode()
    screen = out.stdout.decode()
    assert "bombing" in screen and "Baloch Liberation Army" in screen
    assert "killed_security" in screen and "A roadside bomb killed four soldiers" in screen


def test_cli_extract_json_is_the_contract(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    out = run("extract", str(path), "--published", "2025-03-12", "--json")
    doc = json.loads(out.stdout)
    [event] = doc["events"]
    assert event["counts"]["killed_security"]["value"] == 4
    assert event["date"]["start"] == "2025-03-10"  # the Monday before Wednesday 12 March


def test_cli_unreadable_input_file_is_a_clear_failure(tmp_path):
    out = run("extract", "--jsonl", str(tmp_path / "missing.jsonl"))
    assert out.returncode != 0
    assert b"cannot read" in out.stderr and out.stdout == b""


def test_cli_reads_the_seed_report():
    require_shared()
    out = run(
        "extract", str(SHARED / "seed" / "000_d229bf06e20133ce.txt"), "--published", "2025-03-12", "--json"
    )
    assert [e["type"] for e in json.loads(out.stdout)["events"]] == ["hijacking", "bombing", "other"]
