"""Extraction: one article in, its incident records out.

`process_article(article, *, nlp, gazetteer, groups)` is the unit of work that the CLI, the API
and the batch engine all call; `process_articles` gives the same results for many articles, faster.
`load_extractor()` builds what they need, once.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sitrep.article import Article, check_readable, is_upper_case, reading_text
from sitrep.extract.actors import GroupMention, GroupTable, load_groups
from sitrep.extract.counts import find_casualties
from sitrep.extract.dates import find_dates
from sitrep.extract.incidents import Sentence, build_event, group_sentences
from sitrep.extract.kinds import is_violent, may_tell_of_violence, names_act
from sitrep.extract.places import article_country, find_places
from sitrep.gazetteer import Gazetteer, load_gazetteer
from sitrep.records import EventRecord

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["Extractor", "Outcome", "entity_patterns", "load_extractor", "process_article", "process_articles"]

RULER_CITY_POPULATION = 100_000


@dataclass(frozen=True)
class Extractor:
    """What extraction needs, loaded once: the pipeline, the gazetteer, the armed groups."""

    nlp: Language
    gazetteer: Gazetteer
    groups: GroupTable

    def __call__(self, article: Article) -> list[EventRecord]:
        return process_article(article, nlp=self.nlp, gazetteer=self.gazetteer, groups=self.groups)


def load_extractor() -> Extractor:
    from sitrep.nlp import load_pipeline

    gazetteer = load_gazetteer()
    groups = load_groups()
    return Extractor(load_pipeline(entity_patterns(gazetteer, groups)), gazetteer, groups)


def entity_patterns(gazetteer: Gazetteer, groups: GroupTable) -> Iterator[dict[str, Any]]:
    """Entity-ruler patterns: known places as GPE, armed groups as ORG (their id the group's name)."""
    seen: set[tuple[str, str]] = set()
    for place in gazetteer.names(min_population=RULER_CITY_POPULATION):
        if len(place.name) >= 4 and place.name[0].isupper() and ("GPE", place.name) not in seen:
            seen.add(("GPE", place.name))
            yield {"label": "GPE", "pattern": place.name}
    for group in groups.groups:
        for name in (group.name, *group.aliases):
            if len(name) >= 3 and ("ORG", name) not in seen:
                seen.add(("ORG", name))
                yield {"label": "ORG", "pattern": name, "id": group.name}


def process_article(
    article: Article, *, nlp: Language, gazetteer: Gazetteer, groups: GroupTable
) -> list[EventRecord]:
    """The incidents an article reports or recalls; [] when it tells of none.

    Raises ArticleError when the text cannot be read (empty, binary, too long, not English).
    """
    check_readable(article)
    if not may_tell_of_violence(article.text):
        return []  # no sentence could be violent: the parser is not needed to say so
    with nlp.memory_zone():  # the doc's new strings are freed with it (see _finish)
        doc = nlp(reading_text(article.text, ChainMap(groups.proper_names, gazetteer.proper_names)))
        return _read_doc(article, doc, gazetteer=gazetteer, groups=groups)


Outcome = list[EventRecord] | Exception
"""An article's incidents, or the exception that process_article raises for it."""


def process_articles(
    articles: Iterable[Article],
    *,
    nlp: Language,
    gazetteer: Gazetteer,
    groups: GroupTable,
    batch_size: int = 32,
    batch_chars: int = 40_000,
) -> Iterator[Outcome]:
    """`process_article` over many articles, with the parser run over up to `batch_size` texts and
    `batch_chars` characters at a time (`nlp.pipe`, faster than one by one, the same results; the
    character bound keeps a batch of long articles from taking hundreds of megabytes). Yields one
    outcome per article, in order: its incidents, or the exception that process_article would have
    raised for it, returned rather than raised so that one bad article does not end the others
    (like asyncio's return_exceptions)."""
    names = {**gazetteer.proper_names, **groups.proper_names}  # as the ChainMap reads them, built once
    window: list[tuple[Article, Outcome | _ToParse]] = []  # articles read, in order, not yet yielded
    texts = chars = 0
    for article in articles:
        prepared = _prepare(article, names)
        window.append((article, prepared))
        if isinstance(prepared, _ToParse):
            texts, chars = texts + 1, chars + len(prepared.text)
        if texts >= batch_size or chars >= batch_chars or len(window) >= _MAX_WINDOW:
            yield from _finish(window, nlp=nlp, gazetteer=gazetteer, groups=groups)
            window, texts, chars = [], 0, 0
    yield from _finish(window, nlp=nlp, gazetteer=gazetteer, groups=groups)


_MAX_WINDOW = 512
"""Articles held back at most while a batch of texts to parse fills up."""


@dataclass(frozen=True)
class _ToParse:
    text: str  # what the parser reads: the article's text, re-cased if it was upper case


def _prepare(article: Article, names: Mapping[str, str]) -> Outcome | _ToParse:
    """What can be said of an article before the parser: an error, no incident, or the text to parse."""
    try:
        check_readable(article)
        if not may_tell_of_violence(article.text):
            return []
        return _ToParse(reading_text(article.text, names))
    except Exception as exc:  # returned, as process_article would raise it
        return exc


def _finish(
    window: list[tuple[Article, Outcome | _ToParse]], *, nlp: Language, gazetteer: Gazetteer, groups: GroupTable
) -> list[Outcome]:
    """The outcomes of a window of articles, its texts parsed in one batch. The docs live in a
    memory zone: the strings the parser meets in them (every new number, name and typo) are freed
    with them, so that a process that reads millions of articles stays the same size."""
    to_parse = [(i, item.text) for i, (_, item) in enumerate(window) if isinstance(item, _ToParse)]
    outcomes: list[Outcome] = []
    with nlp.memory_zone():
        docs = dict(zip((i for i, _ in to_parse), _parse([text for _, text in to_parse], nlp), strict=True))
        for i, (article, item) in enumerate(window):
            if not isinstance(item, _ToParse):
                outcomes.append(item)
                continue
            try:
                outcomes.append(_read_doc(article, _raise_if_error(docs[i]), gazetteer=gazetteer, groups=groups))
            except Exception as exc:
                outcomes.append(exc)
    return outcomes


def _parse(texts: list[str], nlp: Language) -> list[Doc | Exception]:
    """The texts parsed in one batch; one by one if the batch fails, so that only a bad text fails."""
    try:
        return list(nlp.pipe(texts, batch_size=max(1, len(texts))))
    except Exception:
        return [_parse_one(text, nlp) for text in texts]


def _parse_one(text: str, nlp: Language) -> Doc | Exception:
    try:
        return nlp(text)
    except Exception as exc:
        return exc


def _raise_if_error(doc: Doc | Exception) -> Doc:
    if isinstance(doc, Exception):
        raise doc
    return doc


def _read_doc(article: Article, doc: Doc, *, gazetteer: Gazetteer, groups: GroupTable) -> list[EventRecord]:
    """The incidents of an article from its parsed text."""
    text = article.text
    doc.user_data["text"] = text
    sentences = list(_read_sentences(doc))
    grouped = group_sentences(sentences, article.published)
    if not grouped:
        return []
    group_mentions = list(groups.find(text, upper_case=is_upper_case(text)))
    places = find_places(doc, gazetteer)
    demonyms = [
        c for ent in doc.ents if ent.label_ == "NORP" and (c := gazetteer.country_of_demonym(ent.text))
    ]
    group_countries = [m.group.countries[0] for m in group_mentions if len(m.group.countries) == 1]
    country = article_country(places, demonyms, group_countries)
    events = []
    for group in grouped:
        start = group.sentences[0].start
        before = [m for m in group_mentions if m.start < start]
        events.append(
            build_event(
                group,
                text=text,
                published=article.published,
                places=places,
                country=country,
                groups=group_mentions,
                previous_group=_last(before),
                gazetteer=gazetteer,
            )
        )
    return events


def _last(mentions: list[GroupMention]) -> GroupMention | None:
    return mentions[-1] if mentions else None


def _read_sentences(doc: Doc) -> Iterator[Sentence]:
    original = doc.user_data["text"] if "text" in doc.user_data else doc.text  # doc.text joins every token
    for sent in doc.sents:
        stripped = sent.text.rstrip()
        if not stripped.strip():
            continue
        start = sent.start_char + len(sent.text) - len(sent.text.lstrip())
        end = sent.start_char + len(stripped)
        words = original[start:end]
        yield Sentence(
            start=start,
            end=end,
            text=words,
            violent=is_violent(words),
            names_act=names_act(words),
            dates=tuple(find_dates(original, sent.start_char, sent.end_char)),
            casualties=tuple(find_casualties(sent)),
        )
