"""The human form of `sitrep extract`: each incident, and each figure with its qualifier, its
source and the sentence it rests on, the figure's words highlighted."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from sitrep.article import Article
from sitrep.records import COUNT_FIELDS, Count, EventRecord

QUALIFIER_WORDS = {
    "exact": "",
    "at_least": "at least ",
    "more_than": "more than ",
    "about": "about ",
    "nearly": "nearly ",
    "up_to": "up to ",
    "several": "",
}


def print_events(
    article: Article, events: list[EventRecord], error: str | None, console: Console | None = None
) -> None:
    console = console or Console(highlight=False)
    if error:
        console.print(f"[yellow]{article.id}: {error}[/]", soft_wrap=True)
        return
    for number, event in enumerate(events, start=1):
        console.rule(
            f"[bold]{number}. {'main incident' if event.main else 'recalled incident'}: {event.type}"
        )
        for line in _summary(event):
            console.print(line, soft_wrap=True)
        for field in COUNT_FIELDS:
            count = event.counts.get(field)
            if count is not None:
                console.print(_figure_line(field, count), soft_wrap=True)
                for evidence in count.evidence[:1]:
                    console.print(
                        _sentence(article.text, evidence.start, evidence.end, count), soft_wrap=True
                    )
                for alt in count.alt:
                    console.print(
                        Text("    also reported: ", style="dim") + _figure_line("", alt), soft_wrap=True
                    )


def _summary(event: EventRecord) -> list[Text]:
    when = event.date.start.isoformat() if event.date.start else "unknown"
    if event.date.text:
        when += f' ("{event.date.text}", {event.date.precision or "unresolved"})'
    loc = event.location
    where = ", ".join(p for p in (loc.place, loc.admin1, loc.country) if p) or "unknown"
    if loc.lat is not None:
        where += f"  ({loc.lat:.3f}, {loc.lon:.3f}; {loc.precision})"
    perp = event.perpetrator
    who = "no group named"
    if perp is not None:
        claim = {True: "claimed", False: "no claim", None: "not claimed"}[perp.claimed]
        who = f"{perp.name or 'no group named'} ({claim}; {perp.attribution})"
    return [
        Text.assemble(("  when  ", "bold"), when),
        Text.assemble(("  where ", "bold"), where),
        Text.assemble(("  who   ", "bold"), who),
    ]


def _figure_line(field: str, count: Count) -> Text:
    q = count.quantity
    if q.value is None:
        amount = f"{q.qualifier} (at least {q.low})" if q.low else q.qualifier
    else:
        amount = f"{QUALIFIER_WORDS[q.qualifier]}{q.value}"
    bounds = f" [low {q.low}, high {q.high}]" if (q.low, q.high) != (q.value, q.value) else ""
    source = f" — {count.source}" if count.source else ""
    derived = " (sum of parts)" if count.derived else ""
    label = f"  {field:<20}" if field else ""
    return Text.assemble(label, (amount, "bold cyan"), bounds, derived, (source, "italic"))


def _sentence(text: str, start: int, end: int, count: Count) -> Text:
    sentence = Text("    “" + text[start:end].replace("\n", " ") + "”", style="dim")
    for e in count.evidence[1:]:
        if start <= e.start and e.end <= end:
            sentence.stylize("bold yellow", e.start - start + 5, e.end - start + 5)
    return sentence


def print_incident(record: dict, console: Console | None = None) -> None:
    """An incident from the store: what, when, where, who, and each figure's history across reports."""
    console = console or Console(highlight=False)
    console.rule(f"[bold]{record['id']}: {record.get('type')}")
    date = record.get("date") or {}
    loc = record.get("location") or {}
    perp = record.get("perpetrator") or {}
    console.print(Text.assemble(("  when  ", "bold"), f"{date.get('start') or 'unknown'} ({date.get('precision')})"),
                  soft_wrap=True)
    where = ", ".join(p for p in (loc.get("place"), loc.get("admin1"), loc.get("country")) if p) or "unknown"
    console.print(Text.assemble(("  where ", "bold"), where), soft_wrap=True)
    claim = {True: "claimed", False: "no claim", None: "not claimed"}[perp.get("claimed")]
    console.print(Text.assemble(("  who   ", "bold"), f"{perp.get('name') or 'no group named'} ({claim})"),
                  soft_wrap=True)
    for field, count in (record.get("counts") or {}).items():
        console.print(Text.assemble(f"  {field:<20}", (f"best {count.get('best')}", "bold cyan"),
                                    f"  low {count.get('low')}  high {count.get('high')}"), soft_wrap=True)
        for step in count.get("history", []):
            q = step.get("qualifier") or ""
            words = QUALIFIER_WORDS.get(q, "") + str(step.get("value") if step.get("value") is not None else q)
            source = f" — {step['source']}" if step.get("source") else ""
            console.print(f"    {step.get('published') or '?':<10}  {words:<16} {step['article']}{source}",
                          soft_wrap=True)
            for evidence in step.get("evidence", [])[:1]:
                console.print(Text(f"        “{evidence['text']}”", style="dim"), soft_wrap=True)
    console.print(Text("  reports", style="bold"))
    for article in record.get("articles", []):
        console.print(f"    {'report ' if article['main'] else 'mention'}  {article['id']}", soft_wrap=True)
