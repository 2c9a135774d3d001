"""The command line: a thin shell over the library, and the one place errors become exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import IO, Any

import click

from sitrep.article import Article, parse_published, read_article
from sitrep.errors import ArticleError, InputError, SitrepError
from sitrep.records import COUNT_FIELDS, EventRecord, event_to_json

NO_INCIDENT = "no incident of political violence found in the text"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sitrep")
def main() -> None:
    """sitrep: read news reports of political violence into incident records that show their evidence."""


@main.command()
@click.argument("file", required=False, type=click.Path(allow_dash=True))
@click.option(
    "--published", help="The article's publication date, YYYY-MM-DD (dates are resolved against it)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the contract's JSON instead of the human form.")
@click.option(
    "--jsonl",
    "jsonl",
    type=click.Path(allow_dash=True),
    help="Batch: read articles as JSON Lines from FILE ('-' for stdin), write one result a line.",
)
def extract(file: str | None, published: str | None, as_json: bool, jsonl: str | None) -> None:
    """Extract the incidents of one article (FILE, a text file; '-' for stdin), or of many (--jsonl)."""
    try:
        if jsonl is not None:
            _extract_jsonl(jsonl)
            return
        if file is None:
            raise click.UsageError("give a text FILE, or --jsonl FILE for JSON Lines")
        text = _read_text(file)
        article = Article(id=file, text=text, published=parse_published(published))
        extractor = _load_extractor()
        try:
            events = extractor(article)
            error = None if events else NO_INCIDENT
        except ArticleError as exc:
            events, error = [], str(exc)
        if as_json:
            click.echo(json.dumps(result_json(article.id, events, error), ensure_ascii=False, indent=2))
        else:
            from sitrep.report import print_events

            print_events(article, events, error)
    except SitrepError as exc:
        raise click.ClickException(str(exc)) from exc


def _load_extractor():
    from sitrep.extract import load_extractor

    return load_extractor()


def _read_text(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror}") from exc


def result_json(article_id: Any, events: list[EventRecord], error: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": article_id, "events": [event_to_json(e) for e in events]}
    if error:
        out["error"] = error
    return out


def _extract_jsonl(path: str) -> None:
    stream: IO[str]
    try:
        stream = sys.stdin if path == "-" else open(path, encoding="utf-8", errors="replace")  # noqa: SIM115
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror}") from exc
    extractor = _load_extractor()
    with stream:
        for result in extract_lines(stream, extractor):
            sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
            sys.stdout.flush()


def extract_lines(lines, extractor) -> Iterator[dict[str, Any]]:
    """One result per input line, in order; a bad line or article gets its error, never an exception."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            yield {"id": None, "events": [], "error": f"line {number}: empty line"}
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield {"id": None, "events": [], "error": f"line {number}: malformed JSON ({exc.msg})"}
            continue
        article_id = record.get("id") if isinstance(record, dict) else None
        try:
            article = read_article(record)
            events = extractor(article)
            yield result_json(article.id, events, None if events else NO_INCIDENT)
        except InputError as exc:
            yield {"id": article_id, "events": [], "error": f"line {number}: {exc}"}
        except ArticleError as exc:
            yield {"id": article_id, "events": [], "error": str(exc)}
        except Exception as exc:  # one bad article never sinks a batch  # noqa: BLE001
            click.echo(f"sitrep: line {number}: internal error: {exc!r}", err=True)
            yield {"id": article_id, "events": [], "error": f"internal error: {type(exc).__name__}: {exc}"}


__all__ = ["COUNT_FIELDS", "main"]
