"""The distributed engine: many JSON Lines files of articles read on a dask.distributed cluster.

    run_batch(["feeds/*.jsonl.gz"], Path("out"), workers=4)

Each input file (plain or gzipped, in the extract contract's input form) is cut into parts of
`part_lines` lines. Each part becomes one output file, `OUT/<input stem>.<part:05d>.jsonl` (or
`.parquet`), whose lines are exactly what `sitrep extract --jsonl` writes for the part's lines. A part's
file is written under a temporary name and renamed when it is complete, so a finished file marks the
part done: a run that is killed and run again with the same arguments skips the finished parts and
writes no result twice. One run at a time per output folder. A Parquet part has one row per result,
with the columns id (a string), error and events_json (the result's events as JSON text).

The cluster is a LocalCluster of `workers` processes (one thread each), or the one whose scheduler is
at `scheduler` (tcp://host:port; then `workers` is not used, and the cluster's workers need sitrep
installed and OUT on a shared file system).
Every worker process loads the extractor once, when it joins (`ExtractorPlugin`), and reads its parts
with `process_articles`. With `db`, the driver stores each part's articles in that store after the
part is done, in input order, with the incidents the workers found (`sitrep ingest --jsonl` does the
same for one file; an article already stored is not stored again).

This is the only module that imports dask.
"""

from __future__ import annotations

import asyncio
import dataclasses
import glob
import gzip
import json
import logging
import os
import resource
import sys
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

import dask
from distributed import WorkerPlugin

from sitrep.errors import ArticleError, BatchError

if TYPE_CHECKING:
    from distributed import Client, Future, Worker

    from sitrep.article import Article
    from sitrep.extract import Extractor, Outcome
    from sitrep.ingest import IngestSummary
    from sitrep.records import EventRecord
    from sitrep.store import Store

__all__ = ["BatchSummary", "ExtractorPlugin", "extract_part", "input_stem", "run_batch"]

Format = Literal["jsonl", "parquet"]
PLUGIN = "sitrep-extractor"
MANIFEST = ".sitrep-batch.json"


@dataclass(frozen=True)
class BatchSummary:
    """What a run did. `seconds` runs from the first part sent to the last one back (the start-up,
    a cluster and a pipeline in every worker, is `startup_seconds`); `peak_rss` is each worker's
    largest resident memory, in bytes."""

    parts_done: int
    parts_skipped: int
    articles: int
    with_events: int
    seconds: float
    startup_seconds: float
    peak_rss: dict[str, int] = field(default_factory=dict)
    ingested: IngestSummary | None = None

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class Part:
    """Lines `first_line`… of one input file, and the file their results go to."""

    seq: int
    source: Path
    first_line: int
    lines: tuple[str, ...]
    output: Path


@dataclass(frozen=True)
class PartDone:
    seq: int
    articles: int
    with_events: int
    worker: str
    peak_rss: int
    outcomes: Mapping[str, Outcome]  # by results.outcome_key: incidents or ArticleError; only for the store


def run_batch(
    inputs: Sequence[str],
    out_dir: Path,
    *,
    workers: int = 2,
    scheduler: str | None = None,
    fmt: Format = "jsonl",
    db: str | None = None,
    progress: bool = True,
    part_lines: int = 500,
) -> BatchSummary:
    """Read every article of `inputs` (files or glob patterns) into result files in `out_dir`, skipping
    the parts a previous run finished. `progress` shows a bar on stderr when it is a terminal."""
    if fmt not in ("jsonl", "parquet"):
        raise BatchError(f"unknown output format {fmt!r}; use jsonl or parquet")
    if part_lines < 1 or workers < 1:
        raise BatchError(f"part_lines and workers must be at least 1, not {part_lines} and {workers}")
    paths = find_inputs(inputs)
    out_dir.mkdir(parents=True, exist_ok=True)
    _check_manifest(out_dir, part_lines)
    for stale in out_dir.glob(".*.tmp"):  # parts a killed run was writing
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    with ExitStack() as stack:
        client = stack.enter_context(_connect(workers, scheduler))
        client.register_plugin(ExtractorPlugin(), name=PLUGIN)
        storing = stack.enter_context(_Storing(db)) if db else None
        bar = stack.enter_context(_Bar(progress))
        run = _Run(client, fmt, storing, bar)
        ready = time.perf_counter()
        run.feed(_parts(paths, out_dir, fmt, part_lines))
    return run.summary(startup=ready - started, seconds=time.perf_counter() - ready)


def find_inputs(inputs: Iterable[str]) -> list[Path]:
    """The input files, glob patterns expanded (sorted), each once; each output stem names one file."""
    paths: dict[Path, None] = {}
    for pattern in inputs:
        matches = sorted(glob.glob(pattern, recursive=True)) if glob.has_magic(pattern) else [pattern]
        if not matches:
            raise BatchError(f"no file matches {pattern!r}")
        for match in matches:
            if not os.path.isfile(match):
                raise BatchError(f"cannot read {match!r}: no such file")
            paths.setdefault(Path(match), None)
    if not paths:
        raise BatchError("no input files given")
    stems: dict[str, Path] = {}
    for path in paths:
        other = stems.setdefault(input_stem(path), path)
        if other != path:
            raise BatchError(f"{other} and {path} would write the same output files ({input_stem(path)}.*); "
                             "rename one, or run them into different output folders")
    return list(paths)


def input_stem(path: Path) -> str:
    """The name an input's output files start with: "news.jsonl.gz" → "news"."""
    name = path.name.removesuffix(".gz")
    return name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name


def extract_part(lines: Sequence[str], extractor: Extractor, *, first_line: int = 1) -> list[dict[str, Any]]:
    """The results of `sitrep extract --jsonl` for these lines of a file, whose first is `first_line`."""
    return _extract(lines, extractor, first_line)[0]


class ExtractorPlugin(WorkerPlugin):
    """Loads the extractor once in each worker process, when the worker starts or joins."""

    name = PLUGIN
    extractor: Extractor

    async def setup(self, worker: Worker) -> None:
        from sitrep.extract import load_extractor

        self.extractor = await asyncio.to_thread(load_extractor)  # off the worker's event loop


# --- in the workers


def _run_part(part: Part, fmt: Format, keep_outcomes: bool) -> PartDone:
    from distributed import get_worker

    worker = get_worker()
    plugin = worker.plugins[PLUGIN]
    assert isinstance(plugin, ExtractorPlugin)
    results, outcomes = _extract(part.lines, plugin.extractor, part.first_line)
    _write_atomically(part.output, _encode(results, fmt))
    kept = {k: o for k, o in outcomes.items() if isinstance(o, list | ArticleError)} if keep_outcomes else {}
    return PartDone(part.seq, len(results), sum(1 for r in results if r["events"]), worker.address, _peak_rss(), kept)


def _extract(
    lines: Sequence[str], extractor: Extractor, first_line: int
) -> tuple[list[dict[str, Any]], dict[str, Outcome]]:
    """The results of the lines, and the outcomes they were made of (for the store)."""
    from sitrep.results import Precomputed, read_ahead, results_of

    outcomes = read_ahead(lines, extractor)
    return list(results_of(lines, Precomputed(outcomes, extractor), first_line=first_line)), outcomes


def _encode(results: list[dict[str, Any]], fmt: Format) -> bytes:
    if fmt == "jsonl":
        return b"".join(_json_line(r) for r in results)
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({
        "id": pa.array([None if r["id"] is None else str(r["id"]) for r in results], pa.string()),
        "error": pa.array([r.get("error") for r in results], pa.string()),
        "events_json": pa.array([json.dumps(r["events"], ensure_ascii=False) for r in results], pa.string()),
    })
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


def _json_line(result: dict[str, Any]) -> bytes:
    try:
        return (json.dumps(result, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (from a "\\ud800" escape) stays escaped: still UTF-8
        return (json.dumps(result) + "\n").encode("ascii")


def _write_atomically(path: Path, data: bytes) -> None:
    """Write under a temporary name, then rename: the file at `path` is whole or absent."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with open(temporary, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)


def _peak_rss() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, KiB on Linux


# --- in the driver


def _parts(paths: Sequence[Path], out_dir: Path, fmt: Format, part_lines: int) -> Iterator[Part]:
    seq = 0
    for path in paths:
        stem = input_stem(path)
        try:
            with _open_text(path) as f:
                for index, lines in enumerate(_chunks(f, part_lines)):
                    output = out_dir / f"{stem}.{index:05d}.{fmt}"
                    yield Part(seq, path, index * part_lines + 1, tuple(lines), output)
                    seq += 1
        except (OSError, EOFError, UnicodeError) as exc:
            raise BatchError(f"cannot read {path}: {exc}") from exc


def _open_text(path: Path) -> IO[str]:
    """Lines as `sitrep extract --jsonl FILE` reads them (gzip undone)."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")  # noqa: SIM115  (closed by the caller)


def _chunks(lines: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _check_manifest(out_dir: Path, part_lines: int) -> None:
    """The parts of a folder must be cut alike in every run, or a resumed run would redo or skip lines."""
    manifest = out_dir / MANIFEST
    if manifest.exists():
        try:
            written = json.loads(manifest.read_text(encoding="utf-8")).get("part_lines")
        except (OSError, ValueError, AttributeError) as exc:
            raise BatchError(f"cannot read {manifest} ({exc}); delete it if its folder holds no parts") from exc
        if written != part_lines:
            raise BatchError(f"{out_dir} holds parts of {written} lines; run again with {written} lines a part "
                             "to resume, or write into another folder")
    else:
        _write_atomically(manifest, json.dumps({"part_lines": part_lines}).encode())


@contextmanager
def _connect(workers: int, scheduler: str | None) -> Iterator[Client]:
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=30)
        except (OSError, TimeoutError) as exc:
            raise BatchError(f"cannot reach the dask scheduler at {scheduler}: {exc}; "
                             "start one with: dask scheduler") from exc
        with client:
            yield client
        return
    with dask.config.set({"distributed.nanny.pre-spawn-environ": _worker_environ()}):
        try:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                                   silence_logs=logging.ERROR)
        except RuntimeError as exc:  # a worker process that could not start
            raise BatchError(f"cannot start {workers} local worker processes ({exc}); a script that calls "
                             "run_batch must call it under `if __name__ == \"__main__\":`") from exc
        with cluster, Client(cluster) as client:
            yield client


def _worker_environ() -> dict[str, Any]:
    """dask's environment for worker processes, but for MALLOC_TRIM_THRESHOLD_=65536: malloc handing
    memory back at once slows the parser by a fifth, and a worker's memory stays level without it."""
    environ = dask.config.get("distributed.nanny.pre-spawn-environ", default={})
    return {k: v for k, v in environ.items() if k != "MALLOC_TRIM_THRESHOLD_"}


class _Run:
    """Parts sent to the workers (a few more than there are workers at a time, so that the driver
    holds little), their results counted as they come back, and stored in order with `db`."""

    def __init__(self, client: Client, fmt: Format, storing: _Storing | None, bar: _Bar):
        from distributed import as_completed

        self.client, self.fmt, self.storing, self.bar = client, fmt, storing, bar
        self.pending = as_completed()
        self.window = 2 * max(1, sum(client.nthreads().values())) + 1
        self.sent: dict[int, Part] = {}
        self.skipped = self.done = self.articles = self.with_events = 0
        self.peak_rss: dict[str, int] = {}

    def feed(self, parts: Iterable[Part]) -> None:
        for part in parts:
            if part.output.exists():
                self._skip(part)
            else:
                self._submit(part)
            while self.pending.count() and self._full():
                self._receive(next(self.pending))
        for future in self.pending:
            self._receive(future)

    def _full(self) -> bool:
        backlog = self.storing.backlog if self.storing is not None else 0
        return self.pending.count() >= self.window or backlog > self.window

    def _skip(self, part: Part) -> None:
        self.skipped += 1
        if self.storing is not None:
            self.storing.add(part, {})

    def _submit(self, part: Part) -> None:
        key = f"sitrep-part-{part.output.name}-{uuid.uuid4().hex[:8]}"
        self.pending.add(self.client.submit(_run_part, part, self.fmt, self.storing is not None, key=key))
        self.sent[part.seq] = part
        self.bar.add(len(part.lines))

    def _receive(self, future: Future) -> None:
        try:
            done: PartDone = future.result()
        except Exception as exc:
            raise BatchError(f"a part failed ({exc!r}); run again to resume where it stopped") from exc
        part = self.sent.pop(done.seq)
        self.done += 1
        self.articles += done.articles
        self.with_events += done.with_events
        self.peak_rss[done.worker] = max(self.peak_rss.get(done.worker, 0), done.peak_rss)
        self.bar.advance(done.articles)
        if self.storing is not None:
            self.storing.add(part, done.outcomes)

    def summary(self, *, startup: float, seconds: float) -> BatchSummary:
        ingested = self.storing.summary if self.storing is not None else None
        return BatchSummary(self.done, self.skipped, self.articles, self.with_events, seconds, startup,
                            dict(self.peak_rss), ingested)


class _Storing:
    """Each part's articles into the store, in input order, with the incidents the workers found for
    them; an article they did not read (a part finished by an earlier run) is extracted here."""

    def __init__(self, db: str):
        self.db = db
        self.waiting: dict[int, tuple[Part, Mapping[str, Outcome]]] = {}
        self.next_seq = 0
        self.extractor: Extractor | None = None

    def __enter__(self) -> _Storing:
        from sitrep.ingest import IngestSummary
        from sitrep.store import open_store

        self.store: Store = open_store(self.db)
        self.summary = IngestSummary()
        return self

    def __exit__(self, *exc: object) -> None:
        self.store.close()

    @property
    def backlog(self) -> int:
        return len(self.waiting)

    def add(self, part: Part, outcomes: Mapping[str, Outcome]) -> None:
        self.waiting[part.seq] = (part, outcomes)
        while self.next_seq in self.waiting:
            self._store(*self.waiting.pop(self.next_seq))
            self.next_seq += 1

    def _store(self, part: Part, outcomes: Mapping[str, Outcome]) -> None:
        from sitrep.ingest import ingest
        from sitrep.results import Precomputed
        from sitrep.sources import read_jsonl

        ref = str(part.source)
        items = read_jsonl(part.lines, ref, _now, first_line=part.first_line)
        _add_up(self.summary, ingest(items, self.store, Precomputed(outcomes, self._extract)))

    def _extract(self, article: Article) -> list[EventRecord]:
        if self.extractor is None:
            from sitrep.extract import load_extractor

            self.extractor = load_extractor()
        return self.extractor(article)


def _now() -> datetime:
    return datetime.now(UTC)


def _add_up(total: IngestSummary, part: IngestSummary) -> None:
    for f in dataclasses.fields(total):
        setattr(total, f.name, getattr(total, f.name) + getattr(part, f.name))


class _Bar:
    """Articles sent and done, and the rate, on stderr (only on a terminal, and only if wanted)."""

    def __init__(self, show: bool):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(stderr=True)
        self.progress = Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                                 console=console, disable=not (show and console.is_terminal))
        self.task = self.progress.add_task("articles", total=0, rate="")
        self.total = 0

    def __enter__(self) -> _Bar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def add(self, articles: int) -> None:
        self.total += articles
        self.progress.update(self.task, total=self.total)

    def advance(self, articles: int) -> None:
        self.progress.advance(self.task, articles)
        task = self.progress.tasks[0]
        rate = task.completed / task.elapsed if task.elapsed else 0.0
        self.progress.update(self.task, rate=f"{rate:,.1f} articles/s")
