"""Sources against a real HTTP server on 127.0.0.1 and real files in tmp_path."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from sitrep import sources
from sitrep.article import Article
from sitrep.sources import Failure, Fetched, Page, content_hash, fetch, make_client, read_jsonl, read_sources

BOMBING = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Bomb blast at Korvath market kills six | The Daily Lantern</title>
<meta property="article:published_time" content="2023-03-14T08:30:00Z">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<div class="cookies">We use cookies to improve your experience. Accept all cookies.</div>
<article><h1>Bomb blast at Korvath market kills six</h1>
<p>A bomb hidden in a vegetable cart exploded at the crowded central market of Korvath on Tuesday morning,
killing six people and wounding at least nineteen others, the provincial police said.</p>
<p>Witnesses described a loud bang shortly after nine o'clock, when the market was full of shoppers. Stalls
were thrown across the square and several nearby shops caught fire before firefighters arrived.</p>
<p>No group has said it carried out the attack. A police spokesman said investigators were examining the
remains of the cart and questioning two men seen near it minutes before the explosion.</p>
</article>
<footer>Copyright 2023 The Daily Lantern. All rights reserved. <a href="/privacy">Privacy policy</a></footer>
</body></html>
"""

# No date in the page: the date comes from the feed entry, and the copyright line is not taken for one.
KIDNAPPING = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Gunmen seize three aid workers on the Tessaly road - Frontier Herald</title>
</head><body>
<header><a href="/">Frontier Herald</a> | <a href="/subscribe">Subscribe</a> | <a href="/login">Log in</a></header>
<main><h1>Gunmen seize three aid workers on the Tessaly road</h1>
<p>Armed men stopped a clearly marked relief convoy on the road north of Tessaly on Sunday and took three
aid workers away at gunpoint, their organisation said in a statement on Monday.</p>
<p>The driver of the second vehicle, who was left behind with a broken windscreen, told colleagues that the
attackers wore uniforms without insignia and spoke to one another by radio.</p>
<p>Local elders said they had opened talks with the kidnappers, who have not yet made any demand. The
regional governor promised that soldiers would search the hills around the road.</p>
</main>
<aside><h3>Most read</h3><ul><li><a href="/a">Weather warning for the coast</a></li></ul></aside>
<footer>&copy; 2022 Frontier Herald</footer>
</body></html>
"""

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Lantern: world</title><link>{base}/</link><description>News</description>
<item><title>Bomb blast at Korvath market</title><link>{base}/bombing.html</link>
<pubDate>Tue, 14 Mar 2023 08:30:00 GMT</pubDate></item>
<item><title>Aid workers seized</title><link>/kidnapping.html</link>
<pubDate>Sun, 02 Apr 2023 18:00:00 GMT</pubDate></item>
<item><title>A story that was taken down</title><link>{base}/gone.html</link></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Herald</title><id>urn:herald</id>
<updated>2023-04-03T00:00:00Z</updated>
<entry><title>Bomb blast</title><id>urn:herald:1</id><link href="{base}/bombing.html"/>
<updated>2023-03-14T09:00:00Z</updated></entry>
<entry><title>Aid workers seized</title><id>urn:herald:2</id><link rel="alternate" href="{base}/kidnapping.html"/>
<updated>2023-04-03T07:00:00Z</updated></entry>
</feed>
"""

NOT_A_PAGE = "<html><head><title>Nothing here</title></head><body></body></html>"
HUGE_BYTES = 6_000_000


def now() -> datetime:
    return datetime(2024, 5, 1, 12, 0, 30, tzinfo=UTC)


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins every handler thread
    block_on_close = True


class _Handler(BaseHTTPRequestHandler):
    stop: threading.Event  # set at teardown: the slow endpoint stops waiting

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        pass

    def do_GET(self) -> None:
        try:
            self._route()
        except (BrokenPipeError, ConnectionResetError):  # the client gave up on purpose
            pass

    def _route(self) -> None:
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        path = self.path
        if path == "/bombing.html":
            self._send(200, "text/html; charset=utf-8", BOMBING)
        elif path == "/kidnapping.html":
            self._send(200, "text/html", KIDNAPPING)
        elif path == "/rss.xml":
            self._send(200, "application/rss+xml", RSS.format(base=base))
        elif path == "/atom":  # a feed known only by its first tag
            self._send(200, "application/xml; charset=utf-8", ATOM.format(base=base))
        elif path == "/moved":
            self._redirect("/bombing.html")
        elif path == "/loop":
            self._redirect("/loop")
        elif path == "/slow":
            self.stop.wait(5)
            self._send(200, "text/html", BOMBING)
        elif path == "/logo.png":
            self._send(200, "image/png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
        elif path == "/huge.html":
            self._send_huge()
        elif path == "/bad-feed":
            self._send(200, "application/rss+xml", "<rss><<< this is not a feed &&& at all")
        elif path == "/empty.html":
            self._send(200, "text/html", NOT_A_PAGE)
        elif path == "/notes":
            self._send(200, "text/plain; charset=utf-8", "Police said two men were arrested.\n")
        else:
            self._send(404, "text/html", "<html><body><h1>Not found</h1></body></html>")

    def _send(self, status: int, content_type: str, body: str | bytes) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send_huge(self) -> None:  # no Content-Length: the client only finds out by reading
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        chunk = b"<p>" + b"x" * 65_533
        for _ in range(HUGE_BYTES // len(chunk) + 1):
            self.wfile.write(chunk)


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    stop = threading.Event()
    handler = type("Handler", (_Handler,), {"stop": stop})
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with make_client(timeout=5.0) as client:
        yield client


def read(refs: list[str], client: httpx.Client) -> list[Fetched | Failure]:
    return list(read_sources(refs, client=client, now=now))


def only(items: list[Fetched | Failure]) -> Fetched | Failure:
    assert len(items) == 1, items
    return items[0]


def fetched(item: Fetched | Failure) -> Article:
    assert isinstance(item, Fetched), item
    return item.article


def failure(item: Fetched | Failure) -> str:
    assert isinstance(item, Failure), item
    return item.reason


# --- web pages -------------------------------------------------------------------------------------------


def test_sources_html_page_gives_main_text_title_and_date(base, client):
    item = only(read([f"{base}/bombing.html"], client))
    article = fetched(item)
    assert article.id == article.url == f"{base}/bombing.html"
    assert article.title == "Bomb blast at Korvath market kills six"
    assert article.published == date(2023, 3, 14)
    assert "vegetable cart" in article.text and "questioning two men" in article.text
    assert "cookies" not in article.text and "Privacy" not in article.text and "Sport" not in article.text
    assert isinstance(item, Fetched)
    assert item.ref == f"{base}/bombing.html"
    assert item.fetched == "2024-05-01T12:00:30+00:00"


def test_sources_page_without_a_date_is_not_dated_from_its_copyright_line(base, client):
    article = fetched(only(read([f"{base}/kidnapping.html"], client)))
    assert article.published is None
    assert article.title == "Gunmen seize three aid workers on the Tessaly road"
    assert "Most read" not in article.text and "Subscribe" not in article.text


def test_sources_redirect_gives_the_final_url(base, client):
    item = only(read([f"{base}/moved"], client))
    article = fetched(item)
    assert article.url == article.id == f"{base}/bombing.html"
    assert item.ref == f"{base}/moved"


def test_sources_redirect_loop_is_a_failure(base, client):
    assert failure(only(read([f"{base}/loop"], client))) == "too many redirects (more than 5)"


def test_sources_not_found_is_a_failure(base, client):
    assert only(read([f"{base}/nowhere"], client)) == Failure(f"{base}/nowhere", "HTTP 404 Not Found")


def test_sources_slow_server_is_a_timeout_failure(base):
    with make_client(timeout=0.5) as client:
        reason = failure(only(read([f"{base}/slow"], client)))
    assert reason == "timed out waiting for the server to answer (after 0.5 s)"


def test_sources_refused_connection_names_the_host(client):
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    reason = failure(only(read([f"http://127.0.0.1:{port}/x.html"], client)))
    assert reason.startswith("cannot connect to 127.0.0.1: ")


def test_sources_image_is_a_failure(base, client):
    reason = failure(only(read([f"{base}/logo.png"], client)))
    assert reason == "not a web page or a feed: the server sent image/png"


def test_sources_huge_page_is_refused_while_streaming(base, client):
    assert failure(only(read([f"{base}/huge.html"], client))) == "page larger than 5 MB"


def test_sources_page_without_article_text_is_a_failure(base, client):
    assert failure(only(read([f"{base}/empty.html"], client))) == "no article text found in the page"


def test_sources_plain_text_page_is_read_as_it_is(base, client):
    article = fetched(only(read([f"{base}/notes"], client)))
    assert article.text == "Police said two men were arrested.\n"
    assert article.url == f"{base}/notes"


def test_sources_other_url_schemes_are_failures(client):
    reason = failure(only(read(["ftp://example.org/news.txt"], client)))
    assert reason == "only http:// and https:// URLs can be fetched"


def test_sources_fetch_refuses_a_declared_length_over_the_limit(base, client):
    result = fetch(f"{base}/bombing.html", client, max_bytes=1_000)
    assert result == Failure(f"{base}/bombing.html", "page larger than 0.001 MB")


def test_sources_fetch_returns_the_page(base, client):
    page = fetch(f"{base}/moved", client)
    assert isinstance(page, Page)
    assert (page.url, page.media_type, page.charset) == (f"{base}/bombing.html", "text/html", "utf-8")
    assert page.body == BOMBING.encode("utf-8")


# --- feeds ---------------------------------------------------------------------------------------------


def test_sources_rss_feed_reads_each_entry(base, client):
    bombing, kidnapping, gone = read([f"{base}/rss.xml"], client)
    assert fetched(bombing).url == f"{base}/bombing.html"
    assert fetched(kidnapping).url == f"{base}/kidnapping.html"  # a relative link, resolved
    assert fetched(kidnapping).published == date(2023, 4, 2)  # the page has none; the feed's date
    assert gone == Failure(f"{base}/gone.html", "HTTP 404 Not Found")


def test_sources_atom_feed_is_known_by_its_first_tag(base, client):
    items = read([f"{base}/atom"], client)
    assert [fetched(item).id for item in items] == [f"{base}/bombing.html", f"{base}/kidnapping.html"]
    assert [item.ref for item in items] == [f"{base}/bombing.html", f"{base}/kidnapping.html"]
    assert fetched(items[0]).published == date(2023, 3, 14)  # the page's own date wins


def test_sources_malformed_feed_is_a_failure(base, client):
    item = only(read([f"{base}/bad-feed"], client))
    assert item.ref == f"{base}/bad-feed"
    assert failure(item).startswith("not a readable RSS or Atom feed: ")


def test_sources_local_feed_file_fetches_its_entries(base, client, tmp_path):
    feed = tmp_path / "world.rss"
    feed.write_text(RSS.format(base=base), encoding="utf-8")
    items = read([str(feed)], client)
    assert [type(item) for item in items] == [Fetched, Failure, Failure]
    assert items[1] == Failure(f"{feed} entry 2", "the feed entry has no http(s) link to an article")


def test_sources_xml_file_that_is_no_feed_is_a_failure(client, tmp_path):
    path = tmp_path / "settings.xml"
    path.write_text('<?xml version="1.0"?><settings><colour>blue</colour></settings>', encoding="utf-8")
    assert only(read([str(path)], client)) == Failure(str(path), "not an RSS or Atom feed")


def test_sources_feed_body_naming_a_file_is_not_opened(base, client, tmp_path):
    real = tmp_path / "real.rss"
    real.write_text(RSS.format(base=base), encoding="utf-8")
    trick = tmp_path / "trick.rss"
    trick.write_text(str(real), encoding="utf-8")  # feedparser.parse(str or bytes) would open this path
    assert failure(only(read([str(trick)], client))).startswith("not a readable RSS or Atom feed")


# --- files and folders ---------------------------------------------------------------------------------


def test_sources_html_file(client, tmp_path):
    path = tmp_path / "bombing.htm"
    path.write_text(BOMBING, encoding="utf-8")
    item = only(read([str(path)], client))
    article = fetched(item)
    assert (article.id, article.url, item.ref) == (str(path), None, str(path))
    assert article.title == "Bomb blast at Korvath market kills six"
    assert article.published == date(2023, 3, 14)
    assert "vegetable cart" in article.text


def test_sources_text_file_is_kept_as_written_without_its_bom(client, tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes("\ufeffGunmen seized three aid workers.\n\nTalks have begun.\n".encode())
    article = fetched(only(read([str(path)], client)))
    assert article == Article(id=str(path), text="Gunmen seized three aid workers.\n\nTalks have begun.\n")


def test_sources_binary_file_is_a_failure(client, tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01")
    assert only(read([str(path)], client)) == Failure(str(path), "binary data (it has NUL bytes), not text")


def test_sources_text_file_that_is_not_utf8_is_a_failure(client, tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes("Le café a été détruit.".encode("latin-1"))
    reason = failure(only(read([str(path)], client)))
    assert reason == "not utf-8 text (a byte that does not fit at offset 6)"


def test_sources_empty_file_is_a_failure(client, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("  \n", encoding="utf-8")
    assert failure(only(read([str(path)], client))) == "there is no text"


def test_sources_missing_path_is_a_failure(client, tmp_path):
    missing = str(tmp_path / "nope.txt")
    assert only(read([missing], client)) == Failure(missing, "no such file or folder")


def test_sources_folder_reads_every_file_in_name_order(client, tmp_path):
    (tmp_path / "b.html").write_text(BOMBING, encoding="utf-8")
    (tmp_path / "a.txt").write_text("Two soldiers were wounded.", encoding="utf-8")
    (tmp_path / "c.jsonl").write_text('{"id": "x1", "text": "A mortar hit the base."}\n', encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.txt").write_text("Not read.", encoding="utf-8")
    items = read([str(tmp_path)], client)
    assert [item.ref for item in items] == [str(tmp_path / "a.txt"), str(tmp_path / "b.html"),
                                           f"{tmp_path / 'c.jsonl'}:line 1"]
    assert all(isinstance(item, Fetched) for item in items)
    assert fetched(items[2]).id == "x1"


def test_sources_empty_folder_is_a_failure(client, tmp_path):
    assert only(read([str(tmp_path)], client)) == Failure(str(tmp_path), "the folder has no files to read")


def test_sources_bad_item_does_not_stop_the_run(base, client, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("A grenade was thrown at the police post.", encoding="utf-8")
    items = read([str(tmp_path / "missing.txt"), f"{base}/logo.png", str(good)], client)
    assert [type(item) for item in items] == [Failure, Failure, Fetched]


# --- JSON Lines ----------------------------------------------------------------------------------------


def test_sources_jsonl_reads_good_lines_and_reports_bad_ones():
    lines = [
        '{"id": "a1", "text": "Six people were killed.", "published": "2023-03-14", "url": "https://x.test/a1"}\n',
        "\n",
        '{"id": "a2", "text": }\n',
        '{"id": "a3"}\n',
        '{"text": "no id"}\n',
        '["a", "list"]\n',
        '\ufeff{"id": "a4", "text": "Seen with a byte-order mark."}\n',
        '{"id": "a5", "text": "a line break\n',
    ]
    items = list(read_jsonl(lines, "feed.jsonl", now))
    assert [item.ref for item in items] == [f"feed.jsonl:line {n}" for n in (1, 3, 4, 5, 6, 7, 8)]
    first = fetched(items[0])
    assert (first.id, first.published, first.url) == ("a1", date(2023, 3, 14), "https://x.test/a1")
    assert failure(items[1]) == "not valid JSON: Expecting value at column 22"
    assert failure(items[2]) == "the article has no 'text'"
    assert failure(items[3]) == "the article has no 'id'"
    assert failure(items[4]) == "an article must be a JSON object, not list"
    assert fetched(items[5]).id == "a4"
    assert failure(items[6]) == "not valid JSON: Invalid control character at column 35"


def test_sources_jsonl_file_is_read_line_by_line(client, tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text('{"id": "k1", "text": "Gunmen seized a trader."}\n{oops}\n', encoding="utf-8")
    first, second = read([str(path)], client)
    assert fetched(first).id == "k1"
    assert first.ref == f"{path}:line 1"
    assert second.ref == f"{path}:line 2"
    assert failure(second).startswith("not valid JSON")


# --- the small parts -----------------------------------------------------------------------------------


def test_sources_content_hash_is_sha256_of_the_text():
    assert content_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert content_hash("abc") != content_hash("abc ")
    assert len(content_hash("a lone surrogate \ud800 from JSON")) == 64


def test_sources_timestamp_is_utc_even_for_a_naive_clock(client, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("A bomb exploded.", encoding="utf-8")
    item = only(list(read_sources([str(path)], client=client, now=lambda: datetime(2024, 1, 2, 3, 4, 5))))
    assert isinstance(item, Fetched)
    assert item.fetched == "2024-01-02T03:04:05+00:00"


def test_sources_make_client_names_sitrep_and_follows_redirects():
    with make_client(timeout=3.0) as client:
        assert client.headers["User-Agent"].startswith("sitrep/")
        assert client.follow_redirects and client.max_redirects == 5
        assert client.timeout == httpx.Timeout(3.0)


def test_sources_public_names():
    assert sorted(sources.__all__) == sorted([
        "MAX_BYTES", "Failure", "Fetched", "Page", "SourceError", "content_hash", "fetch", "make_client",
        "read_jsonl", "read_sources",
    ])
