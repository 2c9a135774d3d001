"""Sources: what a user points `sitrep ingest` at, read into Articles one at a time.

    ref                        read as
    http:// or https://        fetched; a feed (RSS/Atom, by its content type or its first tag) → each entry's page
    a folder                   every file in it, sorted by name (not its subfolders, not hidden files)
    *.jsonl                    JSON Lines in the contract's input form (see `read_jsonl`)
    *.html, *.htm              an HTML page: its main text, title and date
    *.xml, *.rss, *.atom       a feed: each entry's page is fetched
    any other path             UTF-8 plain text

Every item comes back as a `Fetched` or a `Failure` with a one-line reason: a bad item never stops the
run. The network sits behind `fetch`, which takes an httpx.Client made by `make_client`.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import feedparser
import httpx
import trafilatura

from sitrep import __version__
from sitrep.article import Article, read_article
from sitrep.errors import InputError, SourceError

MAX_BYTES = 5_000_000
"""A page, feed or file larger than this is refused, not read in part."""
MAX_REDIRECTS = 5
USER_AGENT = f"sitrep/{__version__} (news incident reader)"
_ACCEPT = ("text/html,application/xhtml+xml,application/rss+xml,application/atom+xml;q=0.9,"
           "application/xml;q=0.8,text/plain;q=0.8,*/*;q=0.1")
_HTML_SUFFIXES = frozenset({".html", ".htm"})
_FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
_FEED_START = re.compile(
    rb"^(?:\s|<\?.*?\?>|<!--.*?-->|<!doctype[^>]*>)*<(?:[\w-]+:)?(?:rss|feed|rdf)[\s>/]", re.IGNORECASE | re.DOTALL
)
_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")

Now = Callable[[], datetime]


@dataclass(frozen=True)
class Fetched:
    """One article read from a source."""

    article: Article  # Article.id is the input id (JSONL), the file path, or the final URL
    fetched: str  # ISO timestamp, UTC, when it was read
    ref: str  # what the user gave: a path, a URL, a feed entry's link, or "FILE:line N"


@dataclass(frozen=True)
class Failure:
    """One item that could not be read, and why, in one line."""

    ref: str
    reason: str


@dataclass(frozen=True)
class Page:
    """A body fetched over HTTP, with the final URL after redirects."""

    url: str
    media_type: str  # lower case, without parameters; "" when the server sent none
    charset: str | None
    body: bytes


Item = Fetched | Failure


def make_client(timeout: float = 10.0) -> httpx.Client:
    """The HTTP client `read_sources` fetches with: redirects followed (at most 5), `timeout` seconds
    to connect and between reads, and a User-Agent that names sitrep. Close it when done."""
    return httpx.Client(
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        timeout=httpx.Timeout(timeout),
        headers={"User-Agent": USER_AGENT, "Accept": _ACCEPT},
    )


def content_hash(text: str) -> str:
    """The sha256 of the text as stored, in hex: the same text ingested twice has the same hash."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def read_sources(refs: Iterable[str], *, client: httpx.Client, now: Now) -> Iterator[Fetched | Failure]:
    """Each ref read into Fetched articles, or a Failure for each item that cannot be read."""
    for ref in refs:
        if ref.lower().startswith(("http://", "https://")):
            yield from _read_url(ref, client, now)
        elif _URL_SCHEME.match(ref):
            yield Failure(ref, "only http:// and https:// URLs can be fetched")
        else:
            yield from _read_path(Path(ref), ref, client, now)


def read_jsonl(lines: Iterable[str], ref: str, now: Now, *, first_line: int = 1) -> Iterator[Fetched | Failure]:
    """Articles from JSON Lines (one contract input object a line); a bad line is a Failure whose ref
    is "REF:line N", N counted in the file whose line `first_line` is the first given. Blank lines
    are skipped."""
    for number, line in enumerate(lines, first_line):
        if not line.strip():
            continue
        line_ref = f"{ref}:line {number}"
        try:
            article = read_article(json.loads(line.removeprefix("\ufeff")))
        except json.JSONDecodeError as exc:
            yield Failure(line_ref, f"not valid JSON: {exc.msg.removesuffix(' at')} at column {exc.colno}")
        except RecursionError:
            yield Failure(line_ref, "not valid JSON: nested too deeply")
        except InputError as exc:
            yield Failure(line_ref, str(exc))
        else:
            yield Fetched(article, _timestamp(now), line_ref)


def fetch(url: str, client: httpx.Client, max_bytes: int = MAX_BYTES) -> Page | Failure:
    """GET `url`, streaming the body; a Failure for an HTTP error, a network error, a body that is not
    text, or one larger than `max_bytes`."""
    try:
        with client.stream("GET", url) as response:
            return _receive(url, response, max_bytes)
    except httpx.TimeoutException as exc:
        return Failure(url, _timeout_reason(exc, client.timeout))
    except httpx.TooManyRedirects:
        return Failure(url, f"too many redirects (more than {client.max_redirects})")
    except httpx.ConnectError as exc:
        return Failure(url, f"cannot connect to {httpx.URL(url).host or url}: {exc or type(exc).__name__}")
    except httpx.HTTPError as exc:
        return Failure(url, f"the download failed: {exc or type(exc).__name__}")
    except httpx.InvalidURL as exc:
        return Failure(url, f"not a valid URL: {exc}")


def _receive(url: str, response: httpx.Response, max_bytes: int) -> Page | Failure:
    if not response.is_success:
        return Failure(url, f"HTTP {response.status_code} {response.reason_phrase}".strip())
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if not _is_text_type(media_type):
        return Failure(url, f"not a web page or a feed: the server sent {media_type}")
    too_large = Failure(url, f"page larger than {_megabytes(max_bytes)}")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        return too_large
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            return too_large
    return Page(url=str(response.url), media_type=media_type, charset=response.charset_encoding, body=bytes(body))


def _is_text_type(media_type: str) -> bool:
    """Text, HTML, XML, or none given (then the body is judged by itself)."""
    if not media_type or media_type.startswith("text/"):
        return True
    return media_type.startswith("application/") and (media_type == "application/xml" or media_type.endswith("+xml"))


def _timeout_reason(exc: httpx.TimeoutException, timeout: httpx.Timeout) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return f"timed out connecting to the server (after {timeout.connect:g} s)"
    if isinstance(exc, httpx.ReadTimeout):
        return f"timed out waiting for the server to answer (after {timeout.read:g} s)"
    return f"timed out: {exc or type(exc).__name__}"


def _read_url(url: str, client: httpx.Client, now: Now) -> Iterator[Item]:
    page = fetch(url, client)
    if isinstance(page, Failure):
        yield page
    elif _is_feed(page.media_type, page.body):
        yield from _read_feed(page.body, url, client, now, base=page.url)
    else:
        yield _attempt(url, lambda: Fetched(_article_from_page(page), _timestamp(now), url))


def _read_entry_page(url: str, client: httpx.Client, now: Now) -> Item:
    page = fetch(url, client)
    if isinstance(page, Failure):
        return page
    if _is_feed(page.media_type, page.body):
        return Failure(url, "the feed entry links to another feed, not to an article")
    return _attempt(url, lambda: Fetched(_article_from_page(page), _timestamp(now), url))


def _article_from_page(page: Page) -> Article:
    if b"\x00" in page.body:
        raise SourceError("the page is binary data (it has NUL bytes), not text")
    if page.media_type == "text/plain":
        return Article(id=page.url, text=_decode_text(page.body, page.charset), url=page.url)
    return _article_from_html(_decode_html(page.body, page.charset), id=page.url, url=page.url)


def _decode_html(body: bytes, charset: str | None) -> str | bytes:
    """The page as text in the charset the server named; as bytes (trafilatura then finds the
    encoding in the page) when it named none or one that does not fit."""
    if charset:
        try:
            return body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return body


def _article_from_html(html: str | bytes, *, id: str, url: str | None) -> Article:
    """The main text of an HTML page (no menus, no comments), its title and its publication date."""
    tree = trafilatura.load_html(html)
    text = trafilatura.extract(tree, url=url, include_comments=False) if tree is not None else None
    if tree is None or not text or not text.strip():
        raise SourceError("no article text found in the page")
    # extensive=False: dates from the page's metadata, <time> tags, the URL and the byline, not a
    # guess from the copyright line ("© 2023" would give 2023-01-01).
    metadata = trafilatura.extract_metadata(tree, default_url=url, extensive=False)
    return Article(id=id, text=text, published=_parse_date(metadata.date), url=url, title=metadata.title or None)


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _is_feed(media_type: str, body: bytes) -> bool:
    return media_type in _FEED_TYPES or _FEED_START.match(body[:4096].removeprefix(b"\xef\xbb\xbf")) is not None


def _read_feed(body: bytes, ref: str, client: httpx.Client, now: Now, *, base: str | None) -> Iterator[Item]:
    # A stream, never bytes or str: given those, feedparser tries them as a file name or a URL first.
    parsed = feedparser.parse(io.BytesIO(body), response_headers={"content-location": base} if base else {})
    if not parsed.entries:
        yield Failure(ref, _empty_feed_reason(parsed))
        return
    for number, entry in enumerate(parsed.entries, 1):
        link = _entry_link(entry, base)
        if link is None:
            yield Failure(f"{ref} entry {number}", "the feed entry has no http(s) link to an article")
        else:
            yield _with_entry_metadata(_read_entry_page(link, client, now), entry)


def _empty_feed_reason(parsed: Any) -> str:
    if parsed.get("bozo"):
        return f"not a readable RSS or Atom feed: {_feed_error(parsed.get('bozo_exception'))}"
    if not parsed.get("version"):
        return "not an RSS or Atom feed"
    return "the feed has no entries"


def _feed_error(exc: object) -> str:
    get_message = getattr(exc, "getMessage", None)  # an XML parser's error, without the "<unknown>:1:0:"
    return str(get_message() if callable(get_message) else exc)


def _entry_link(entry: Any, base: str | None) -> str | None:
    link = (entry.get("link") or "").strip()
    resolved = urljoin(base, link) if base and link else link
    return resolved if resolved.lower().startswith(("http://", "https://")) else None


def _with_entry_metadata(item: Item, entry: Any) -> Item:
    """The feed's title and date for an article whose page gave none."""
    if isinstance(item, Failure):
        return item
    article = item.article
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    published = article.published or (date(*stamp[:3]) if stamp else None)
    title = article.title or (entry.get("title") or "").strip() or None
    return replace(item, article=replace(article, published=published, title=title))


def _read_path(path: Path, ref: str, client: httpx.Client, now: Now) -> Iterator[Item]:
    suffix = path.suffix.lower()
    if path.is_dir():
        yield from _read_folder(path, ref, client, now)
    elif not path.exists():
        yield Failure(ref, "no such file or folder")
    elif suffix == ".jsonl":
        yield from _read_jsonl_file(path, ref, now)
    elif suffix in _FEED_SUFFIXES:
        try:
            body = _read_bytes(path)
        except SourceError as exc:
            yield Failure(ref, str(exc))
        else:
            yield from _read_feed(body, ref, client, now, base=None)
    else:
        yield _attempt(ref, lambda: Fetched(_article_from_file(path, ref), _timestamp(now), ref))


def _read_folder(folder: Path, ref: str, client: httpx.Client, now: Now) -> Iterator[Item]:
    try:
        files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    except OSError as exc:
        yield Failure(ref, f"cannot read the folder: {exc.strerror or exc}")
        return
    if not files:
        yield Failure(ref, "the folder has no files to read")
    for file in files:
        yield from _read_path(file, str(file), client, now)


def _read_jsonl_file(path: Path, ref: str, now: Now) -> Iterator[Item]:
    try:
        with path.open(encoding="utf-8", errors="replace") as lines:
            yield from read_jsonl(lines, ref, now)
    except OSError as exc:
        yield Failure(ref, f"cannot read the file: {exc.strerror or exc}")


def _article_from_file(path: Path, ref: str) -> Article:
    body = _read_bytes(path)
    if path.suffix.lower() in _HTML_SUFFIXES:
        return _article_from_html(body, id=ref, url=None)
    return Article(id=ref, text=_decode_text(body, None))


def _read_bytes(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    try:
        with path.open("rb") as file:
            body = file.read(max_bytes + 1)
    except OSError as exc:
        raise SourceError(f"cannot read the file: {exc.strerror or exc}") from exc
    if len(body) > max_bytes:
        raise SourceError(f"file larger than {_megabytes(max_bytes)}")
    return body


def _decode_text(body: bytes, charset: str | None) -> str:
    """Plain text: UTF-8 unless the server named another charset; a byte-order mark dropped."""
    if b"\x00" in body:
        raise SourceError("binary data (it has NUL bytes), not text")
    encoding = charset if charset and _is_codec(charset) else "utf-8"
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SourceError(f"not {encoding} text (a byte that does not fit at offset {exc.start})") from None
    if not text.strip():
        raise SourceError("there is no text")
    return text.removeprefix("\ufeff")


def _is_codec(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def _attempt(ref: str, read: Callable[[], Fetched]) -> Item:
    try:
        return read()
    except SourceError as exc:
        return Failure(ref, str(exc))


def _timestamp(now: Now) -> str:
    moment = now()
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.isoformat(timespec="seconds")


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g} MB"


__all__ = [
    "MAX_BYTES",
    "Failure",
    "Fetched",
    "Page",
    "SourceError",
    "content_hash",
    "fetch",
    "make_client",
    "read_jsonl",
    "read_sources",
]
