"""The HTTP API and the dashboard: a thin shell over the store, ingest and exports.

    GET  /api/incidents          incident summaries, filtered and paged, newest first
    GET  /api/incidents/{id}     one incident's record (as `sitrep show --json` prints it)
    GET  /api/articles/{id}      an article, its text, and every evidence span read from it
    POST /api/articles           ingest one article, given as text or a URL; needs Authorization: Bearer <token>
    GET  /api/export?format=F    every incident, as `sitrep export --format F` writes it
    GET  /openapi.json           the API described
    GET  /                       the dashboard (static files under sitrep/web/static)

Every error answers `{"error": {"status": int, "message": str}}`: a malformed parameter (422, the
message names it), an unknown id or route (404), a missing or wrong token (401), writes with no token
configured (403), a body over 1 MB (413), and any unexpected exception (500, logged; the client
gets no traceback). A store is opened for each request and closed after it, in the request's own
thread (a sqlite3 connection stays on the thread that opened it).
"""

from __future__ import annotations

import hmac
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from itertools import islice
from pathlib import Path
from typing import Annotated, Any, Literal

import httpx
from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sitrep import __version__
from sitrep.article import MAX_CHARS, Article
from sitrep.exports import export_text, public_record
from sitrep.ingest import Extract, ingest
from sitrep.records import EventType
from sitrep.sources import Failure, Fetched, content_hash, make_client, read_sources
from sitrep.store import ArticleRow, IncidentFilter, IncidentRow, Store, open_store

log = logging.getLogger(__name__)

MAX_BODY = 1_000_000
"""A request body larger than this (bytes) is refused with 413, before it is read whole."""
MAX_LIMIT = 1000
STATIC = Path(__file__).parent / "web" / "static"
NO_NUL = r"^[^\x00]*$"
ExportFormat = Literal["jsonl", "csv", "geojson", "acled", "gtd", "ucdp"]
EXPORT_MEDIA = {"jsonl": "application/x-ndjson", "geojson": "application/geo+json"}  # the rest are CSV
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


# ---------------------------------------------------------------- the shapes the API answers with

class ErrorDetail(BaseModel):
    status: int
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


class IncidentSummary(BaseModel):
    id: str
    type: str | None
    date: str | None
    date_precision: str | None
    country: str | None
    country_code: str | None
    admin1: str | None
    place: str | None
    lat: float | None
    lon: float | None
    perpetrator: str | None
    claimed: bool | None
    killed: int | None
    injured: int | None
    hostages: int | None
    reports: int = Field(description="how many reports are about the incident (mentions not counted)")


class IncidentPage(BaseModel):
    items: list[IncidentSummary]
    total: int = Field(description="how many incidents the filters select, over all pages")


class EvidenceSpan(BaseModel):
    start: int = Field(description="offset of the first character in the article's text")
    end: int = Field(description="offset after the last character")
    text: str
    rule: str
    field: str = Field(description="what the span is evidence of: a count (killed, injured, ...), date, location, "
                                   "perpetrator, type, attackers, or event (the incident's sentences)")
    incident: str = Field(description="the incident the event was merged into")
    main: bool = Field(description="whether the event is the article's main incident (else a mention)")


class ArticleOut(BaseModel):
    id: str
    url: str | None
    title: str | None
    published: str | None
    fetched: str
    text: str
    error: str | None = Field(description="why no incident was read from it, if none was")
    incidents: list[str]
    evidence: list[EvidenceSpan]


class ArticleIn(BaseModel):
    """One article to ingest: its text, or a URL to fetch it from (or both: the text, and where it was published)."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, min_length=1, max_length=MAX_CHARS)
    url: str | None = Field(None, max_length=2000, pattern=r"^https?://\S+$")
    id: str | None = Field(None, min_length=1, max_length=500, description="default: the URL, or a hash of the text")
    title: str | None = Field(None, max_length=1000)
    published: date | None = None

    @field_validator("text", "url", "id", "title")
    @classmethod
    def _no_nul(cls, value: str | None) -> str | None:
        if value is not None and "\x00" in value:  # PostgreSQL stores no NUL in text
            raise ValueError("must not contain NUL characters")
        return value

    @model_validator(mode="after")
    def _text_or_url(self) -> ArticleIn:
        if self.text is None and self.url is None:
            raise ValueError("give the article's 'text', or a 'url' to fetch it from")
        return self


class IngestResult(BaseModel):
    article_id: str
    stored: bool = Field(description="false when the same text was already stored (nothing was done)")
    incidents: list[str] = Field(description="the incidents the article reports or mentions")
    error: str | None = Field(description="why no incident was read from it, if none was")


ERRORS: dict[int | str, dict[str, Any]] = {422: {"model": ErrorBody, "description": "a malformed parameter"}}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody, "description": "no such id"}}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "no token, or a wrong one"},
    403: {"model": ErrorBody, "description": "writes are disabled: the server has no token"},
    413: {"model": ErrorBody, "description": "a body over 1 MB"},
}


# ---------------------------------------------------------------- what the app holds

class _Once:
    """A value made by `factory` on first use, once per process (the extractor: seconds to load)."""

    def __init__(self, factory: Callable[[], Extract]) -> None:
        self._factory = factory
        self._value: Extract | None = None
        self._lock = threading.Lock()

    def __call__(self) -> Extract:
        with self._lock:
            if self._value is None:
                self._value = self._factory()
            return self._value


@dataclass(frozen=True)
class Service:
    """What the endpoints need: where the store is, the write token, the extractor, the HTTP client."""

    store_url: str
    token: str | None
    extractor: _Once
    client_factory: Callable[[], httpx.Client]
    writing: threading.Lock = field(default_factory=threading.Lock)  # one ingest at a time

    @contextmanager
    def store(self) -> Iterator[Store]:
        opened = open_store(self.store_url)
        try:
            yield opened
        finally:
            opened.close()


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


def _load_extractor() -> Extract:
    from sitrep.extract import load_extractor

    return load_extractor()


def create_app(store_url: str, *, token: str | None, extractor_factory: Callable[[], Extract] = _load_extractor,
               client_factory: Callable[[], httpx.Client] = make_client) -> FastAPI:
    """The API and dashboard over the store at `store_url` (opened once here, so that a bad URL fails now and
    migrations run once). `token` guards writes; without one, POST /api/articles is refused."""
    open_store(store_url).close()
    app = FastAPI(title="sitrep", version=__version__, summary="Incidents of political violence read from news "
                  "reports, each figure with its evidence.", docs_url=None, redoc_url=None)
    app.state.service = Service(store_url, token or None, _Once(extractor_factory), client_factory)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_middleware(_Guard)
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def serve(store_url: str, host: str = "127.0.0.1", port: int = 8000, token: str | None = None) -> None:
    """Serve the API and the dashboard with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(create_app(store_url, token=token), host=host, port=port)


# ---------------------------------------------------------------- errors: one shape

def error_response(status: int, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message}}, status_code=status, headers=headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = str(exc.detail)
    if exc.status_code == 404 and message == "Not Found":
        message = f"nothing at {request.url.path}; the API is described at /openapi.json"
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
    return error_response(exc.status_code, message, exc.headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return error_response(422, validation_message(exc.errors()))


def validation_message(errors: Iterable[Any]) -> str:
    """Each error as "<where> '<name>': <why>", so that the message names the parameter."""
    return "; ".join(_describe(error) for error in errors)


def _describe(error: Any) -> str:
    where, *path = error.get("loc") or ("request",)
    name = ".".join(str(part) for part in path)
    place = {"query": "query parameter", "path": "path parameter", "body": "body field"}.get(where, str(where))
    if where == "body" and (not path or isinstance(path[0], int)):
        return f"the body: {error.get('msg')}"
    return f"{place} '{name}': {error.get('msg')}" if name else f"{place}: {error.get('msg')}"


def invalid(where: str, name: str, message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": (where, name), "msg": message, "type": "value_error"}])


class _Guard:
    """Around the app: a body over MAX_BODY is refused (413) before it is read whole, and an unexpected
    exception becomes a 500 in the error shape, logged with its traceback; every answer gets nosniff."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _declared_length(scope) > self.max_body:
            await error_response(413, self._too_large())(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": [*message.get("headers", []), (b"x-content-type-options", b"nosniff")]}
            await send(message)

        try:
            await self.app(scope, self._limited(receive), sending)
        except Exception:
            log.exception("unexpected error answering %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await error_response(500, "internal error; the server's log has the details")(scope, receive, send)

    def _limited(self, receive: Receive) -> Receive:
        received = 0

        async def receiving() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body:
                raise HTTPException(413, self._too_large())
            return message

        return receiving

    def _too_large(self) -> str:
        return f"the request body is larger than {self.max_body:,} bytes"


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0


# ---------------------------------------------------------------- incidents

def incident_filter(
    since: Annotated[date | None, Query(description="incidents on or after this day, YYYY-MM-DD")] = None,
    until: Annotated[date | None, Query(description="incidents on or before this day, YYYY-MM-DD")] = None,
    country: Annotated[str | None, Query(max_length=100, pattern=NO_NUL, description="a name or ISO code")] = None,
    admin1: Annotated[str | None, Query(max_length=100, pattern=NO_NUL, description="first-level division")] = None,
    type_: Annotated[EventType | None, Query(alias="type", description="the incident's type")] = None,
    perpetrator: Annotated[str | None, Query(max_length=200, pattern=NO_NUL, description="part of a name")] = None,
    min_killed: Annotated[int | None, Query(ge=0, le=10**9, description="at least this many killed")] = None,
    bbox: Annotated[str | None, Query(max_length=200, description="west,south,east,north in degrees",
                                      examples=["60,23,78,38"])] = None,
    q: Annotated[str | None, Query(max_length=200, pattern=NO_NUL, description="free text in the record")] = None,
) -> IncidentFilter:
    """The store's filter from the query parameters."""
    return IncidentFilter(since=since.isoformat() if since else None, until=until.isoformat() if until else None,
                          country=country or None, admin1=admin1 or None, type=type_, perpetrator=perpetrator or None,
                          min_killed=min_killed, bbox=parse_bbox(bbox) if bbox else None, q=q or None)


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """"west,south,east,north" in degrees; a 422 naming bbox when it is not that."""
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError:
        raise invalid("query", "bbox", "give four numbers: west,south,east,north") from None
    if not (-180 <= west <= 180 and -180 <= east <= 180):
        raise invalid("query", "bbox", "west and east must be longitudes, from -180 to 180")
    if not (-90 <= south <= north <= 90):
        raise invalid("query", "bbox", "south and north must be latitudes from -90 to 90, south not above north")
    return west, south, east, north


def summarize(record: dict[str, Any]) -> IncidentSummary:
    """An incident's summary for lists and maps, from its reconciled record."""
    when, where = record.get("date") or {}, record.get("location") or {}
    perpetrator = record.get("perpetrator") or {}
    return IncidentSummary(
        id=record["id"], type=record.get("type"), date=when.get("start"), date_precision=when.get("precision"),
        country=where.get("country"), country_code=where.get("country_code"), admin1=where.get("admin1"),
        place=where.get("place"), lat=where.get("lat"), lon=where.get("lon"), perpetrator=perpetrator.get("name"),
        claimed=perpetrator.get("claimed"), killed=_best(record, "killed"), injured=_best(record, "injured"),
        hostages=_best(record, "hostages"), reports=sum(1 for a in record.get("articles") or [] if a.get("main")),
    )


def _best(record: dict[str, Any], count: str) -> int | None:
    best: int | None = ((record.get("counts") or {}).get(count) or {}).get("best")
    return best


router = APIRouter()
ServiceDep = Annotated[Service, Depends(_service)]


@router.get("/api/incidents", response_model=IncidentPage, responses=ERRORS)
def list_incidents(
    service: ServiceDep,
    where: Annotated[IncidentFilter, Depends(incident_filter)],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="at most this many items")] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31, description="skip this many items")] = 0,
) -> IncidentPage:
    """The incidents the filters select, newest first, a page at a time."""
    with service.store() as store:
        rows, total = store.incidents(where, limit=limit, offset=offset)
    return IncidentPage(items=[summarize(row.record) for row in rows], total=total)


@router.get("/api/incidents/{incident_id}", responses={**ERRORS, **NOT_FOUND})
def get_incident(service: ServiceDep, incident_id: Annotated[str, PathParam(max_length=200)]) -> dict[str, Any]:
    """An incident's reconciled record: counts with best / low / high and each report's figure with its evidence,
    deaths by side, and its articles (reports and mentions) with the reasons they were merged."""
    with service.store() as store:
        row = store.incident(incident_id)
    if row is None:
        raise HTTPException(404, f"no incident {incident_id!r}; list them at /api/incidents")
    return public_record(row.record)


# ---------------------------------------------------------------- articles

@router.get("/api/articles/{article_id:path}", response_model=ArticleOut, responses={**ERRORS, **NOT_FOUND})
def get_article(service: ServiceDep, article_id: Annotated[str, PathParam(max_length=2000)]) -> ArticleOut:
    """An article as stored, its text, and every evidence span of the events read from it."""
    with service.store() as store:
        row = store.article(article_id)
        if row is None:
            raise HTTPException(404, f"no article {article_id!r}")
        incidents = store.article_incidents(article_id)
        evidence = article_evidence(store, article_id, incidents)
    return ArticleOut(id=row.id, url=row.url, title=row.title, published=row.published, fetched=row.fetched,
                      text=row.text, error=row.error, incidents=[i.id for i in incidents], evidence=evidence)


def article_evidence(store: Store, article_id: str, incidents: Iterable[IncidentRow]) -> list[EvidenceSpan]:
    """Every evidence span of the article's events, once each, in the order of the text."""
    spans: dict[tuple[int, int, str, str], EvidenceSpan] = {}
    for incident in incidents:
        for link in store.links(incident.id):
            if link.article.id != article_id:
                continue
            for name, item in record_evidence(link.event.record):
                span = EvidenceSpan(**{k: item[k] for k in ("start", "end", "text", "rule")}, field=name,
                                    incident=incident.id, main=link.main)
                spans.setdefault((span.start, span.end, span.rule, span.field), span)
    return sorted(spans.values(), key=lambda s: (s.start, s.end, s.field))


def record_evidence(record: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(field, evidence item) for every evidence item of an event record (the contract's JSON)."""
    for item in record.get("evidence") or []:
        yield "event", item
    if record.get("type_evidence"):
        yield "type", record["type_evidence"]
    for name in ("date", "location"):
        if (record.get(name) or {}).get("evidence"):
            yield name, record[name]["evidence"]
    for item in (record.get("perpetrator") or {}).get("evidence") or []:
        yield "perpetrator", item
    for name, count in (record.get("counts") or {}).items():
        yield from _count_evidence(name, count)
    if record.get("attackers"):
        yield from _count_evidence("attackers", record["attackers"])


def _count_evidence(name: str, count: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for item in count.get("evidence") or []:
        yield name, item
    for alt in count.get("alt") or []:
        yield from _count_evidence(name, alt)


bearer = HTTPBearer(auto_error=False, description="the token the server was started with (SITREP_TOKEN)")


def _require_token(service: ServiceDep,
                   credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
    if service.token is None:
        raise HTTPException(403, "writes are disabled: start the server with a token (set SITREP_TOKEN) "
                                 "and send it as Authorization: Bearer <token>")
    given = credentials.credentials if credentials else ""
    if not hmac.compare_digest(given.encode("utf-8", "surrogatepass"), service.token.encode("utf-8")):
        raise HTTPException(401, "a valid token is needed: send Authorization: Bearer <token>",
                            headers={"WWW-Authenticate": "Bearer"})


@router.post("/api/articles", status_code=201, response_model=IngestResult, dependencies=[Depends(_require_token)],
             responses={**ERRORS, **WRITE_ERRORS, 200: {"model": IngestResult, "description": "already stored"}})
def post_article(service: ServiceDep, body: ArticleIn, response: Response) -> IngestResult:
    """Ingest one article (its text, or a page fetched from its URL): store it, read its incidents, and merge
    them into the store's. 201 when it was stored, 200 when the same text already was."""
    item = posted_item(body, service.client_factory)
    with service.writing, service.store() as store:
        summary = ingest([item], store, service.extractor())
        if isinstance(item, Failure):
            raise HTTPException(422, f"cannot read {item.ref}: {item.reason}")
        row = stored_article(store, item)
        incidents = [incident.id for incident in store.article_incidents(row.id)]
    response.status_code = 201 if summary.stored else 200
    return IngestResult(article_id=row.id, stored=bool(summary.stored), incidents=incidents, error=row.error)


def posted_item(body: ArticleIn, client_factory: Callable[[], httpx.Client]) -> Fetched | Failure:
    """The posted article as a source item: its text as given, or the page at its URL."""
    fetched_at = datetime.now(UTC).isoformat(timespec="seconds")
    if body.text is not None:
        article_id = body.id or f"api-{content_hash(body.text)[:16]}"
        article = Article(id=article_id, text=body.text, published=body.published, url=body.url, title=body.title)
        return Fetched(article, fetched_at, ref=body.url or f"api:{article_id}")
    assert body.url is not None
    with client_factory() as client:
        items = list(islice(read_sources([body.url], client=client, now=lambda: datetime.now(UTC)), 2))
    if len(items) > 1:
        raise invalid("body", "url", "the URL is a feed; give one article's URL, or ingest feeds with sitrep ingest")
    item = items[0]
    if isinstance(item, Failure):
        return item
    article = item.article
    return replace(item, article=replace(article, id=body.id or article.id, title=body.title or article.title,
                                         published=body.published or article.published))


def stored_article(store: Store, item: Fetched) -> ArticleRow:
    """The stored row of an item just ingested. By sitrep.ingest.store_article's rule it is the first article
    with the same text, where that has the same ref or URL (or the item has no URL); else the URL's latest
    version."""
    article = item.article
    same = store.article_by_hash(content_hash(article.text))
    if same is not None and (same.ref == item.ref or same.url == article.url or article.url is None):
        return same
    latest = store.latest_version(article.url) if article.url else None
    if latest is None:
        raise LookupError(f"the article {article.id!r} was ingested but cannot be found in the store")
    return latest


# ---------------------------------------------------------------- exports

@router.get("/api/export", responses=ERRORS, response_class=StreamingResponse)
def export(service: ServiceDep,
           fmt: Annotated[ExportFormat, Query(alias="format", description="as sitrep export")] = "jsonl"
           ) -> StreamingResponse:
    """Every incident, oldest first: sitrep's JSON Lines, CSV, GeoJSON, or the columns of ACLED, GTD or UCDP GED."""
    with service.store() as store:
        records = [row.record for row in store.all_incidents()]
    suffix = {"jsonl": "jsonl", "geojson": "geojson"}.get(fmt, "csv")
    return StreamingResponse(export_text(records, fmt), media_type=EXPORT_MEDIA.get(fmt, "text/csv"),
                             headers={"Content-Disposition": f'attachment; filename="sitrep-{fmt}.{suffix}"'})


# ---------------------------------------------------------------- the dashboard

@router.get("/", include_in_schema=False)
def dashboard() -> FileResponse:
    return FileResponse(STATIC / "index.html", headers={"Content-Security-Policy": CSP, "Cache-Control": "no-cache"})


__all__ = ["MAX_BODY", "ExportFormat", "create_app", "export_text", "serve"]
