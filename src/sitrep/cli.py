"""The command line: a thin shell over the library, and the one place errors become exit codes."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Literal, cast

import click

from sitrep.article import Article, parse_published
from sitrep.errors import ArticleError, SitrepError
from sitrep.records import COUNT_FIELDS
from sitrep.results import NO_INCIDENT, line_results, result_json


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sitrep")
@click.option("--db", "db", envvar="SITREP_DB", metavar="PATH|URL",
              help="The store: a SQLite file (default ~/.local/share/sitrep/sitrep.db, or $SITREP_DB) "
                   "or a postgresql:// URL.")
@click.pass_context
def main(ctx: click.Context, db: str | None) -> None:
    """sitrep: read news reports of political violence into incident records that show their evidence."""
    ctx.obj = {"db": db or default_db(), "db_given": db is not None}


def default_db() -> str:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "sitrep", "sitrep.db")


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
    help="Batch: read articles as JSON Lines from FILE ('-' for stdin), write one result a line "
         "(lines are read 64 at a time and parsed together, so results come in groups).",
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


def _extract_jsonl(path: str) -> None:
    stream: IO[str]
    try:
        stream = sys.stdin if path == "-" else open(path, encoding="utf-8", errors="replace")  # noqa: SIM115
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror}") from exc
    extractor = _load_extractor()
    with stream:
        for result in line_results(stream, extractor):
            sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
            sys.stdout.flush()


def _open_store(ctx: click.Context):
    from sitrep.store import open_store

    return open_store(ctx.obj["db"])


@main.command()
@click.argument("refs", nargs=-1)
@click.option("--jsonl", "jsonl", type=click.Path(allow_dash=True),
              help="Read articles as JSON Lines (the extract contract's input) from FILE, or '-' for stdin.")
@click.option("--timeout", default=10.0, show_default=True, help="Seconds to wait for a web server.")
@click.pass_context
def ingest(ctx: click.Context, refs: tuple[str, ...], jsonl: str | None, timeout: float) -> None:
    """Store articles from files, folders, web pages or feeds (REFS), or JSON Lines; extract and merge each."""
    from datetime import UTC, datetime

    from sitrep.ingest import ingest as run_ingest
    from sitrep.sources import Failure, Fetched, make_client, read_jsonl, read_sources

    if not refs and jsonl is None:
        raise click.UsageError("give files, folders, URLs or feeds to ingest, or --jsonl FILE")
    def now() -> datetime:
        return datetime.now(UTC)

    try:
        store = _open_store(ctx)
        extractor = _load_extractor()
        with contextlib.ExitStack() as stack:
            client = stack.enter_context(make_client(timeout=timeout))
            items: Iterator[Fetched | Failure] = iter(())
            if jsonl is not None:
                stream = sys.stdin if jsonl == "-" else stack.enter_context(
                    open(jsonl, encoding="utf-8", errors="replace"))
                items = read_jsonl(stream, jsonl, now)
            if refs:
                items = itertools.chain(items, read_sources(refs, client=client, now=now))
            advance = stack.enter_context(_progress())
            summary = run_ingest(items, store, extractor, on_item=advance)
        store.close()
    except OSError as exc:
        raise click.ClickException(f"cannot read {jsonl}: {exc.strerror}") from exc
    except SitrepError as exc:
        raise click.ClickException(str(exc)) from exc
    for ref, reason in summary.failures:
        click.echo(f"sitrep: skipped {ref}: {reason}", err=True)
    click.echo(f"{summary.read} read, {summary.stored} stored, {summary.duplicates} already stored, "
               f"{summary.failed} failed, {summary.resumed} resumed; {summary.new_incidents} new incidents, "
               f"{summary.merged} merged into existing ones", err=True)


class _progress:
    """A progress bar on stderr while a long run goes on (only on a terminal)."""

    def __enter__(self):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(stderr=True)
        self.progress = Progress(TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                 console=console, disable=not console.is_terminal, transient=True)
        self.progress.start()
        self.task = self.progress.add_task("ingest", total=None)
        return lambda: self.progress.advance(self.task)

    def __exit__(self, *exc):
        self.progress.stop()
        return False


@main.command()
@click.option("--since", help="From this date, YYYY-MM-DD.")
@click.option("--until", help="Up to this date, YYYY-MM-DD.")
@click.option("--country", help="Country name or code.")
@click.option("--admin1", help="First-level division.")
@click.option("--type", "type_", help="Incident type (bombing, kidnapping, ...).")
@click.option("--perpetrator", help="Part of the perpetrator's name.")
@click.option("--min-killed", type=int, help="At least this many killed (best figure).")
@click.option("--limit", type=int, default=50, show_default=True)
@click.pass_context
def incidents(ctx: click.Context, since, until, country, admin1, type_, perpetrator, min_killed, limit) -> None:
    """List the stored incidents, newest first, filtered."""
    from rich.console import Console
    from rich.table import Table

    from sitrep.store import IncidentFilter

    where = IncidentFilter(since=_iso(since, "--since"), until=_iso(until, "--until"), country=country,
                           admin1=admin1, type=type_, perpetrator=perpetrator, min_killed=min_killed)
    try:
        store = _open_store(ctx)
        rows, total = store.incidents(where, limit=limit)
        store.close()
    except SitrepError as exc:
        raise click.ClickException(str(exc)) from exc
    table = Table(title=f"{total} incident(s)" + (f", the first {len(rows)}" if total > len(rows) else ""))
    for column in ("id", "date", "type", "where", "perpetrator", "killed", "reports"):
        table.add_column(column)
    for row in rows:
        loc = row.record.get("location") or {}
        where_text = ", ".join(p for p in (loc.get("place"), loc.get("admin1"), loc.get("country")) if p)
        reports = sum(1 for a in row.record.get("articles", []) if a.get("main"))
        table.add_row(row.id, row.date_start or "", row.type, where_text, row.perpetrator or "",
                      "" if row.killed is None else str(row.killed), str(reports))
    Console(highlight=False).print(table)


def _iso(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    try:
        from datetime import date

        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD", param_hint=option) from None


@main.command()
@click.argument("incident_id")
@click.option("--json", "as_json", is_flag=True, help="Print the incident's record as JSON.")
@click.pass_context
def show(ctx: click.Context, incident_id: str, as_json: bool) -> None:
    """Show an incident: its figures and how they moved from report to report, with the evidence."""
    from sitrep.exports import public_record

    try:
        store = _open_store(ctx)
        row = store.incident(incident_id)
        store.close()
    except SitrepError as exc:
        raise click.ClickException(str(exc)) from exc
    if row is None:
        raise click.ClickException(f"no incident {incident_id!r}; list them with: sitrep incidents")
    if as_json:
        click.echo(json.dumps(public_record(row.record), ensure_ascii=False, indent=2))
        return
    from sitrep.report import print_incident

    print_incident(public_record(row.record))


@main.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "geojson", "acled", "gtd", "ucdp"]),
              default="jsonl", show_default=True)
@click.pass_context
def export(ctx: click.Context, fmt: str) -> None:
    """Write every incident to stdout: sitrep's JSON Lines, CSV, GeoJSON, or ACLED / GTD / UCDP columns."""
    from sitrep.exports import export_text

    try:
        store = _open_store(ctx)
        records = [row.record for row in store.all_incidents()]
        store.close()
    except SitrepError as exc:
        raise click.ClickException(str(exc)) from exc
    for piece in export_text(records, fmt):
        sys.stdout.write(piece)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=int)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the JSON API and the dashboard at http://HOST:PORT/ (writes need $SITREP_TOKEN)."""
    from sitrep.api import serve as run_server

    try:
        run_server(ctx.obj["db"], host=host, port=port, token=os.environ.get("SITREP_TOKEN"))
    except SitrepError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Build the demo store and stop.")
@click.pass_context
def demo(ctx: click.Context, host: str, port: int, no_serve: bool) -> None:
    """Build a demo store from the sample reports that ship with sitrep, and serve the dashboard on it.

    The store is the one given by --db, or demo.db beside the default store."""
    from datetime import UTC, datetime

    from sitrep.demo import build_demo

    db = ctx.obj["db"] if ctx.obj.get("db_given") else os.path.join(os.path.dirname(default_db()), "demo.db")
    try:
        from sitrep.store import open_store

        store = open_store(db)
        summary = build_demo(store, _load_extractor(), lambda: datetime.now(UTC))
        total = store.incidents(_everything())[1]
        store.close()
    except SitrepError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"demo store {db}: {summary.stored} reports added, {total} incidents", err=True)
    if no_serve:
        return
    click.echo(f"the dashboard: http://{host}:{port}/  (Ctrl-C to stop)", err=True)
    from sitrep.api import serve as run_server

    run_server(db, host=host, port=port, token=os.environ.get("SITREP_TOKEN"))


def _everything():
    from sitrep.store import IncidentFilter

    return IncidentFilter()


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="FILE...")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The folder of result files, one per part; run again with the same arguments to resume.")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="Local worker processes, each with its own pipeline (about 0.5 GB each).")
@click.option("--scheduler", metavar="tcp://HOST:PORT", help="Run on this dask scheduler's workers instead.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "parquet"]), default="jsonl", show_default=True,
              help="Result files as the contract's JSON Lines, or Parquet (id, error, events_json).")
@click.option("--db", "batch_db", metavar="PATH|URL",
              help="Also store the articles in this store and merge their incidents, as `sitrep ingest` does.")
@click.option("--part-lines", type=click.IntRange(min=1), default=500, show_default=True,
              help="Input lines per part (the same in every run into one folder).")
def batch(inputs, out_dir, workers, scheduler, fmt, batch_db, part_lines) -> None:
    """Extract many JSON Lines files (plain or .gz; globs too) on a dask cluster, one result file per part
    of each; a run that is stopped resumes where it stopped."""
    from sitrep.batch import run_batch

    try:
        summary = run_batch(list(inputs), out_dir, workers=workers, scheduler=scheduler,
                            fmt=cast(Literal["jsonl", "parquet"], fmt), db=batch_db, part_lines=part_lines)
    except SitrepError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{summary.parts_done} parts done, {summary.parts_skipped} already done; {summary.articles:,} articles "
               f"in {summary.seconds:,.1f} s ({summary.articles_per_second:,.1f} a second)", err=True)


__all__ = ["COUNT_FIELDS", "main"]
