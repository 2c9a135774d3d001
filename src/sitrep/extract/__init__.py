"""Extraction: one article in, its incident records out.

`process_article(article, *, nlp, gazetteer, groups)` is the unit of work that the CLI, the API
and the batch engine all call. `load_extractor()` builds what it needs, once.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sitrep.article import Article, check_readable, is_upper_case, reading_text
from sitrep.extract.actors import GroupMention, GroupTable, load_groups
from sitrep.extract.counts import find_casualties
from sitrep.extract.dates import find_dates
from sitrep.extract.incidents import Sentence, build_event, group_sentences
from sitrep.extract.kinds import is_violent, names_act
from sitrep.extract.places import article_country, find_places
from sitrep.gazetteer import Gazetteer, load_gazetteer
from sitrep.records import EventRecord

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["Extractor", "entity_patterns", "load_extractor", "process_article"]

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
    text = article.text
    upper = is_upper_case(text)
    doc = nlp(reading_text(text, ChainMap(groups.proper_names, gazetteer.proper_names)))
    doc.user_data["text"] = text
    sentences = list(_read_sentences(doc))
    grouped = group_sentences(sentences, article.published)
    if not grouped:
        return []
    group_mentions = list(groups.find(text, upper_case=upper))
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
    original = doc.user_data.get("text", doc.text)
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
