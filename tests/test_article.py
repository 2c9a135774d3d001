"""Articles: the checks a text must pass, and the re-cased copy the parser reads."""

from __future__ import annotations

from datetime import date

import pytest

from sitrep.article import Article, check_readable, read_article, reading_text
from sitrep.errors import ArticleError, InputError, NotEnglishError


def article(text: str) -> Article:
    return Article(id="t", text=text)


@pytest.mark.parametrize(
    ("text", "error", "words"),
    [
        ("", ArticleError, "empty"),
        ("   \n\t ", ArticleError, "empty"),
        ("abc\x00\x01\x02def" * 50, ArticleError, "binary"),
        ("A bomb exploded. " * 20_000, ArticleError, "limit"),
        (
            "Un coche bomba mató a doce personas en el mercado de la ciudad según la policía local hoy "
            "y los heridos fueron llevados al hospital central por las ambulancias",
            NotEnglishError,
            "English",
        ),
    ],
)
def test_article_refuses_unreadable_text_with_a_reason(text, error, words):
    with pytest.raises(error, match=words):
        check_readable(article(text))


def test_article_accepts_an_ordinary_report():
    check_readable(
        article("A bomb exploded at a market in the city on Monday, killing four people, police said.")
    )


@pytest.mark.parametrize(
    ("record", "words"),
    [
        ({"text": "x"}, "no 'id'"),
        ({"id": "a"}, "no 'text'"),
        ({"id": "a", "text": 5}, "'text' must be a string"),
        ({"id": "a", "text": "x", "published": "last week"}, "YYYY-MM-DD"),
        (["not", "an", "object"], "JSON object"),
    ],
)
def test_article_input_errors_name_the_field(record, words):
    with pytest.raises(InputError, match=words):
        read_article(record)


def test_article_reads_the_contract_input():
    a = read_article({"id": 7, "text": "\ufeffText", "published": "2025-03-12", "url": None, "title": "T"})
    assert (a.id, a.text, a.published, a.title) == ("7", "Text", date(2025, 3, 12), "T")


def test_article_reading_text_keeps_every_offset():
    text = (
        "SAN SALVADOR, 10 JAN 90 -- [TEXT] THE FMLN ATTACKED AN ARMY POST IN SAN MIGUEL\n"
        "DEPARTMENT TODAY, KILLING FIVE SOLDIERS, THE ARMED FORCES PRESS OFFICE SAID.\n"
    ) * 3
    names = {"san salvador": "San Salvador", "san miguel": "San Miguel", "fmln": "FMLN"}
    out = reading_text(text, names)
    assert len(out) == len(text)
    assert "San Salvador" in out and "FMLN" in out and "San Miguel" in out
    assert "killing five soldiers" in out


def test_article_reading_text_joins_hard_wrapped_lines():
    line = "the army said that the rebels had attacked the post in the early hours"
    text = "\n".join([line] * 6)
    assert "\n" not in reading_text(text)
    assert reading_text("Headline\nFirst paragraph.") == "Headline\nFirst paragraph."
