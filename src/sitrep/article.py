"""Article: the text every offset refers to, and the checks an article must pass to be read.

`Article.text` is kept exactly as given (only a byte-order mark is dropped), so that evidence
offsets can be checked against it. Upper-case wire copy is read through `reading_text`, a copy of
the same length in ordinary case, so that offsets stay valid.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sitrep.errors import ArticleError, InputError, NotEnglishError

MAX_CHARS = 200_000
"""Longer texts are not news reports; they are refused whole rather than read in part."""

_ENGLISH_WORDS = frozenset(
    "the a an of to in and on at by for with from was were is are has have had that this said "
    "after who which it its their they he she his her been be not as but or".split()
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class Article:
    id: str
    text: str
    published: date | None = None
    url: str | None = None
    title: str | None = None


def read_article(record: Mapping[str, Any]) -> Article:
    """An Article from the contract's input form; raises InputError naming the bad field."""
    if not isinstance(record, Mapping):
        raise InputError(f"an article must be a JSON object, not {type(record).__name__}")
    if "id" not in record or record["id"] is None:
        raise InputError("the article has no 'id'")
    text = record.get("text")
    if text is None:
        raise InputError("the article has no 'text'")
    if not isinstance(text, str):
        raise InputError(f"'text' must be a string, not {type(text).__name__}")
    return Article(
        id=str(record["id"]),
        text=text.removeprefix("\ufeff"),
        published=parse_published(record.get("published")),
        url=_optional_str(record, "url"),
        title=_optional_str(record, "title"),
    )


def parse_published(value: Any) -> date | None:
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "null", "none", "unknown")):
        return None
    if not isinstance(value, str):
        raise InputError(f"'published' must be a YYYY-MM-DD string, not {value!r}")
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise InputError(f"'published' must be a YYYY-MM-DD date, not {value!r}") from None


def _optional_str(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None or isinstance(value, str):
        return value
    raise InputError(f"{key!r} must be a string or null, not {type(value).__name__}")


def check_readable(article: Article) -> None:
    """Raise ArticleError when the text cannot be read as an English news report."""
    text = article.text
    if not text.strip():
        raise ArticleError("the text is empty")
    if len(text) > MAX_CHARS:
        raise ArticleError(f"the text has {len(text):,} characters; the limit is {MAX_CHARS:,}")
    controls = sum(1 for c in text[:20_000] if (ord(c) < 32 and c not in "\n\r\t") or c == "\ufffd")
    if "\x00" in text or controls > 0.01 * min(len(text), 20_000):
        raise ArticleError("the text looks binary (control characters), not a news report")
    words = [w.lower() for w in _WORD.findall(text[:20_000])]
    if len(words) >= 12:
        share = sum(w in _ENGLISH_WORDS for w in words) / len(words)
        if share < 0.08:
            raise NotEnglishError(f"the text does not read as English ({share:.0%} common English words)")


def is_upper_case(text: str) -> bool:
    letters = [c for c in text[:5000] if c.isalpha()]
    return len(letters) > 40 and sum(c.isupper() for c in letters) > 0.8 * len(letters)


def is_hard_wrapped(text: str) -> bool:
    """Wire copy broken into lines of even length, where a line break is not a paragraph's end."""
    lines = [len(line) for line in text[:20_000].split("\n") if line.strip()]
    return len(lines) >= 5 and sum(50 <= n <= 85 for n in lines) >= 0.6 * len(lines)


def reading_text(text: str, proper_names: Mapping[str, str] | None = None) -> str:
    """The text as the parser should read it, the same length as `text` so that every offset stays
    valid: hard-wrapped lines joined, and upper-case wire copy put in ordinary case (sentence
    starts and the `proper_names` it knows capitalised: normalised words → their usual spelling)."""
    if is_hard_wrapped(text):
        text = re.sub(r"(?<=[^\n])\n(?=[^\n])", " ", text)
    if not is_upper_case(text):
        return text
    chars = [c.lower() if len(c.lower()) == 1 else c for c in text]
    capitalise_next = True
    for i, c in enumerate(chars):
        if c.isalpha():
            if capitalise_next:
                chars[i] = c.upper()
            capitalise_next = False
        elif c in ".!?" or (c == "\n" and i + 1 < len(chars) and chars[i + 1] in "\n "):
            capitalise_next = True
    lowered = "".join(chars)
    return _restore_names(lowered, proper_names) if proper_names else lowered


_WORDS = re.compile(r"[^\W\d_][\w'’-]*")


def _restore_names(text: str, names: Mapping[str, str]) -> str:
    """Put known names back in their usual case: "san salvador" → "San Salvador", "fmln" → "FMLN"."""
    words = list(_WORDS.finditer(text))
    out = list(text)
    i = 0
    while i < len(words):
        for n in (4, 3, 2, 1):
            if i + n > len(words):
                continue
            start, end = words[i].start(), words[i + n - 1].end()
            spelled = names.get(" ".join(text[start:end].lower().split()))
            if spelled and len(spelled) == end - start:
                out[start:end] = spelled
                i += n
                break
        else:
            i += 1
    return "".join(out)
