"""Numbers as news reports state them: digits, number words, dozens, vague amounts, qualifiers.

`find_numbers(sent)` yields a `NumberSpan` for every stated amount in a sentence, with the
`Quantity` it means ("more than two dozen" → 24, more_than, low 25) and its token range. Which of
them are casualty figures is decided in `counts`, from the parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Span, Token
from text_to_num import text2num

from sitrep.records import Quantity

RULE = "numbers.v1"

NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred thousand million".split()
)
# Vague amounts: no value is invented, only the lower bound the word allows.
VAGUE_LOW = {
    "dozens": 24,
    "scores": 40,
    "hundreds": 200,
    "thousands": 2000,
    "tens": 20,
    "several": None,
    "many": None,
    "numerous": None,
}
NOT_COUNTS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"})

_QUALIFIERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(rf"\b(?:{words})\s*$"))
    for name, words in (
        ("at_least", r"at least|no fewer than|not fewer than|no less than|not less than|a minimum of"),
        ("more_than", r"more than|over|upwards of|in excess of|above|beyond"),
        ("nearly", r"nearly|almost|close to|just under|nearing|approaching"),
        (
            "up_to",
            r"up to|as many as|as much as|at most|no more than|not more than|less than|fewer than|under",
        ),
        ("about", r"about|around|some|roughly|approximately|approx\.?|an estimated|estimated|nearly about"),
    )
)


@dataclass(frozen=True)
class NumberSpan:
    """An amount in the text: tokens [start, end) of the doc, the quantity they state, and the
    token the amount hangs on in the parse (its last number word)."""

    start: int
    end: int
    quantity: Quantity
    anchor: int
    start_char: int
    end_char: int


def find_numbers(sent: Span) -> Iterator[NumberSpan]:
    doc = sent.doc
    i = sent.start
    while i < sent.end:
        found = _read_amount(doc, i, sent.end)
        if found is None:
            i += 1
            continue
        start, end, value, vague = found
        if not _is_excluded(doc, start, end):
            qual_start, qualifier = _qualifier_before(doc, sent.start, start)
            if value is None:
                low = VAGUE_LOW.get(doc[end - 1].lower_)
                quantity = Quantity(None, "several", low, None)
            else:
                quantity = bounded(value, qualifier if qualifier else ("about" if vague else "exact"))
            tail = doc[end : end + 2].text.lower()
            if tail.startswith("or more") and quantity.value is not None:
                quantity = bounded(quantity.value, "at_least")
            yield NumberSpan(
                qual_start, end, quantity, end - 1, doc[qual_start].idx, doc[end - 1].idx + len(doc[end - 1])
            )
        i = end


def bounded(value: int, qualifier: str) -> Quantity:
    """The bounds a qualifier allows: at least 35 → low 35; more than 24 → low 25; nearly 350 → high 350."""
    low = high = None
    if qualifier == "exact":
        low = high = value
    elif qualifier == "at_least":
        low = value
    elif qualifier == "more_than":
        low = value + 1
    elif qualifier in ("nearly", "up_to"):
        high = value
    return Quantity(value, qualifier, low, high)  # type: ignore[arg-type]


def _read_amount(doc, i: int, end: int) -> tuple[int, int, int | None, bool] | None:
    """The amount starting at token i: (start, end, value or None when vague, approximate?)."""
    tok = doc[i]
    low = tok.lower_
    if low in VAGUE_LOW and low not in ("several", "many", "numerous"):
        # "dozens of people", "scores were hurt"; not "hundreds of metres" (checked by counts)
        return i, i + 1, None, True
    if low in ("several", "many", "numerous") and i + 1 < end and doc[i + 1].pos_ in ("NOUN", "ADJ"):
        return i, i + 1, None, True
    if low in ("a", "an", "one", "half") and i + 1 < end and doc[i + 1].lower_ == "dozen":
        return i, i + 2, 12, low in ("a", "an")
    j = i
    words: list[str] = []
    while j < end and _is_number_token(doc[j]):
        words.append(doc[j].lower_)
        j += 1
        # "twenty - seven", "one hundred and five"
        if (
            j + 1 < end
            and doc[j].text in ("-", "and")
            and _is_number_token(doc[j + 1])
            and words[-1] in NUMBER_WORDS
        ):
            if doc[j].text == "-" or words[-1] in ("hundred", "thousand"):
                j += 1
    if not words:
        return None
    value = _value_of(words)
    if value is None:
        return None
    if j < end and doc[j].lower_ == "dozen":
        return i, j + 1, value * 12, False
    return i, j, value, False


def _is_number_token(tok: Token) -> bool:
    if tok.lower_ in NUMBER_WORDS:
        return True
    return bool(re.fullmatch(r"\d{1,3}(,\d{3})+|\d+", tok.text))


def _value_of(words: list[str]) -> int | None:
    if len(words) == 1 and re.fullmatch(r"[\d,]+", words[0]):
        return int(words[0].replace(",", ""))
    if any(w[0].isdigit() for w in words):
        # "3 million": digits with a scale word
        if len(words) == 2 and words[1] in ("hundred", "thousand", "million") and words[0].isdigit():
            return int(words[0]) * {"hundred": 100, "thousand": 1000, "million": 1_000_000}[words[1]]
        return None
    try:
        return int(text2num(" ".join(words), "en"))
    except ValueError:
        return None


def _is_excluded(doc, start: int, end: int) -> bool:
    """Amounts that are never counts of people: dates, times, money, ages, distances, capacities."""
    if doc[end - 1].ent_type_ in NOT_COUNTS or doc[start].ent_type_ in NOT_COUNTS:
        return True
    after = doc[end : end + 3].text.lower()
    if re.match(
        r"-\s*(year|yr|month|week|day|hour|seat|member|storey|story|man|strong|km|kilomet|metre|meter)", after
    ):
        return True
    if re.match(
        r"(years?|yrs?)[\s-]+old\b|%|per ?cent\b|kg\b|km\b|kilomet|metres?\b|meters?\b|miles?\b", after
    ):
        return True
    before = doc[start - 1].text if start > 0 else ""
    return before in ("$", "£", "€", "Rs", "Rs.", "#", "No.", "no.") or before.endswith(":")


def _qualifier_before(doc, sent_start: int, start: int) -> tuple[int, str | None]:
    """The qualifier words just before an amount ("at least", "nearly") and where they begin."""
    lo = max(sent_start, start - 4)
    left = doc[lo:start]
    text = left.text.lower() if len(left) else ""
    for name, pattern in _QUALIFIERS:
        m = pattern.search(text)
        if m:
            words = len(text[m.start() :].split())
            return start - words, name
    return start, None
