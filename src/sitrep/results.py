"""Results: the extract contract's output, one JSON object per input line.

    for result in line_results(lines, extractor):
        print(json.dumps(result))

`line_results` reads JSON Lines of articles (the contract's input) and gives one result per line, in
order: {"id", "events"}, and an "error" where there is one. A bad line or a bad article gets its
error, never an exception. The articles of `chunk` lines are read ahead together (`read_ahead`,
which runs the parser over many texts at once): the results are those of one article at a time,
sooner. `sitrep extract --jsonl` and `sitrep batch` both write what this gives.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

from sitrep.article import Article, read_article
from sitrep.errors import ArticleError, InputError
from sitrep.records import EventRecord, event_to_json

if TYPE_CHECKING:
    from sitrep.extract import Extractor, Outcome

_log = logging.getLogger(__name__)

NO_INCIDENT = "no incident of political violence found in the text"

Result = dict[str, Any]
ExtractFn = Callable[[Article], list[EventRecord]]


def result_json(article_id: Any, events: list[EventRecord], error: str | None) -> Result:
    out: Result = {"id": article_id, "events": [event_to_json(e) for e in events]}
    if error:
        out["error"] = error
    return out


def line_results(
    lines: Iterable[str], extractor: Extractor, *, first_line: int = 1, chunk: int = 64
) -> Iterator[Result]:
    """One result per line, in order; errors name lines by their number in the file, whose line
    `first_line` is the first given. Reads `chunk` lines ahead."""
    remaining = iter(lines)
    while part := list(islice(remaining, chunk)):
        yield from results_of(part, Precomputed(read_ahead(part, extractor), extractor), first_line=first_line)
        first_line += len(part)


def results_of(lines: Iterable[str], extract: ExtractFn, *, first_line: int = 1) -> Iterator[Result]:
    """One result per line, each article given to `extract` as it comes."""
    for number, line in enumerate(lines, start=first_line):
        if not line.strip():
            yield {"id": None, "events": [], "error": f"line {number}: empty line"}
            continue
        try:
            record = json.loads(line.removeprefix("\ufeff"))
        except json.JSONDecodeError as exc:
            yield {"id": None, "events": [], "error": f"line {number}: malformed JSON ({exc.msg})"}
            continue
        article_id = record.get("id") if isinstance(record, dict) else None
        try:
            article = read_article(record)
            events = extract(article)
            yield result_json(article.id, events, None if events else NO_INCIDENT)
        except InputError as exc:
            yield {"id": article_id, "events": [], "error": f"line {number}: {exc}"}
        except ArticleError as exc:
            yield {"id": article_id, "events": [], "error": str(exc)}
        except Exception as exc:  # one bad article never sinks a batch  # noqa: BLE001
            _log.warning("line %d: internal error: %r", number, exc)
            yield {"id": article_id, "events": [], "error": f"internal error: {type(exc).__name__}: {exc}"}


def read_ahead(lines: Sequence[str], extractor: Extractor) -> dict[str, Outcome]:
    """The outcome of every article the lines hold, by `outcome_key`, found together by
    `process_articles`. Lines that hold no article are left to `results_of`, which says why."""
    from sitrep.extract import process_articles

    articles = {outcome_key(a): a for line in lines if (a := _article(line)) is not None}
    found = process_articles(articles.values(), nlp=extractor.nlp, gazetteer=extractor.gazetteer,
                             groups=extractor.groups)
    return dict(zip(articles, found, strict=True))


def _article(line: str) -> Article | None:
    try:
        return read_article(json.loads(line.removeprefix("\ufeff"))) if line.strip() else None
    except Exception:  # results_of reads the line again and gives it its error
        return None


def outcome_key(article: Article) -> str:
    """What an article's incidents depend on: its text and its publication date."""
    digest = hashlib.blake2b(article.text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    return f"{digest}:{article.published}"


@dataclass(frozen=True)
class Precomputed:
    """An extractor that answers with the outcomes found beforehand, by `outcome_key`, and extracts
    any article it was not given."""

    outcomes: Mapping[str, Outcome]
    extract: ExtractFn

    def __call__(self, article: Article) -> list[EventRecord]:
        key = outcome_key(article)
        outcome = self.outcomes[key] if key in self.outcomes else self.extract(article)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


__all__ = ["NO_INCIDENT", "Precomputed", "Result", "line_results", "outcome_key", "read_ahead", "result_json",
           "results_of"]
