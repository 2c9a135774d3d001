"""The HTTP API, in process and over a real uvicorn server, against real stores filled by ingesting
../shared/dev articles with the real pipeline: every endpoint, the filters, the one error shape, the
write token, the body limit, and a property check that no request the OpenAPI document allows is
answered with a server error."""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, get_args

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from sitrep.api import ExportFormat, create_app
from sitrep.article import read_article
from sitrep.exports import FORMATS, public_record
from sitrep.ingest import ingest
from sitrep.records import EVENT_TYPES
from sitrep.sources import Fetched
from sitrep.store import IncidentFilter, open_store

from .conftest import SHARED, SITREP, require_shared
from .test_sources import base  # noqa: F401  (the local HTTP server fixture)

with warnings.catch_warnings():  # Starlette asks for httpx2 in place of httpx; the client works the same
    warnings.filterwarnings("ignore", message=".*install `httpx2`")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.slow

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
STAMP = "2025-03-13T08:00:00+00:00"
DEV = ("seed-000", "001", "002", "004", "008", "009")
SUMMARY_KEYS = {"id", "type", "date", "date_precision", "country", "country_code", "admin1", "place", "lat", "lon",
                "perpetrator", "claimed", "killed", "injured", "hostages", "reports"}
# Written for these tests: a report of one bombing, and a text about no violence at all.
BOMBING = ("A car bomb exploded outside a police station in Quetta, Balochistan, on Monday, killing 4 policemen and "
           "wounding 9 others, officials said. No group has claimed responsibility for the attack.")
MARKETS = "Shares rose on Wednesday as the central bank held interest rates and the currency gained."


def dev_item(name: str) -> Fetched:
    record = json.loads((SHARED / "dev" / f"{name}.json").read_text(encoding="utf-8"))
    return Fetched(read_article(record), STAMP, ref=str(record["id"]))


def fill(store_url: str, items: list[Fetched], extractor) -> None:
    store = open_store(store_url)
    try:
        ingest(items, store, extractor)
    finally:
        store.close()


def offline_client() -> httpx.Client:
    """An HTTP client for a web where every page is missing: no test reaches the real network."""
    return httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(404)))


@pytest.fixture(scope="module")
def filled_url(tmp_path_factory, extractor) -> str:
    require_shared()
    url = str(tmp_path_factory.mktemp("api") / "sitrep.db")
    fill(url, [dev_item(name) for name in DEV], extractor)
    return url


@pytest.fixture(scope="module")
def client(filled_url, extractor) -> Iterator[TestClient]:
    with TestClient(create_app(filled_url, token=TOKEN, extractor_factory=lambda: extractor)) as test_client:
        yield test_client


@pytest.fixture
def writable(store_url, extractor) -> Iterator[TestClient]:
    """A client of an app over a fresh, empty store (a SQLite file, then a PostgreSQL schema)."""
    with TestClient(create_app(store_url, token=TOKEN, extractor_factory=lambda: extractor)) as test_client:
        yield test_client


def all_incidents(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/incidents", params={"limit": 1000, **params})
    assert response.status_code == 200, response.text
    return response.json()


def hijacking(client: TestClient) -> dict[str, Any]:
    """The summary of the seed report's train hijacking in Balochistan."""
    return next(i for i in all_incidents(client)["items"] if i["type"] == "hijacking" and i["country_code"] == "PK")


def assert_error(response: httpx.Response, status: int, *words: str) -> str:
    """The one error shape: {"error": {"status": int, "message": str}}, and nothing else."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == ["error"] and sorted(body["error"]) == ["message", "status"]
    assert body["error"]["status"] == status and isinstance(body["error"]["message"], str)
    message = body["error"]["message"]
    for word in words:
        assert word in message, message
    assert "Traceback" not in response.text
    return message


# ---------------------------------------------------------------- incidents

def test_api_lists_incidents_newest_first_as_summaries(client, filled_url):
    page = all_incidents(client)
    store = open_store(filled_url)
    _, total = store.incidents(IncidentFilter())
    store.close()
    assert page["total"] == total == len(page["items"]) > 5
    assert all(set(item) == SUMMARY_KEYS for item in page["items"])
    dates = [item["date"] for item in page["items"] if item["date"]]
    assert dates == sorted(dates, reverse=True)
    train = hijacking(client)
    assert (train["country"], train["country_code"], train["admin1"]) == ("Pakistan", "PK", "Balochistan")
    assert (train["date"], train["date_precision"], train["perpetrator"]) == ("2025-03-11", "day",
                                                                             "Baloch Liberation Army")
    assert (train["claimed"], train["reports"]) == (True, 1) and train["killed"] >= 50


def _inside_box(item: dict[str, Any]) -> bool:
    return item["lat"] is not None and 60 <= item["lon"] <= 78 and 23 <= item["lat"] <= 38


@pytest.mark.parametrize(("params", "holds"), [
    ({"type": "bombing"}, lambda i: i["type"] == "bombing"),
    ({"country": "pk"}, lambda i: i["country_code"] == "PK"),
    ({"country": "Pakistan"}, lambda i: i["country"] == "Pakistan"),
    ({"admin1": "balochistan"}, lambda i: i["admin1"] == "Balochistan"),
    ({"perpetrator": "baloch"}, lambda i: "Baloch" in i["perpetrator"]),
    ({"min_killed": 10}, lambda i: i["killed"] is not None and i["killed"] >= 10),
    ({"since": "2020-01-01"}, lambda i: i["date"] >= "2020-01-01"),
    ({"until": "2019-12-31"}, lambda i: i["date"] <= "2019-12-31"),
    ({"bbox": "60,23,78,38"}, _inside_box),
    ({"q": "harrowing"}, lambda i: i["type"] == "hijacking"),
    ({"type": "hijacking", "min_killed": 50, "country": "PK"}, lambda i: i["type"] == "hijacking"),
])
def test_api_filters_narrow_the_incidents(client, params, holds):
    everything = all_incidents(client)["total"]
    page = all_incidents(client, **params)
    assert 0 < page["total"] < everything, params
    assert page["total"] == len(page["items"])
    assert all(holds(item) for item in page["items"]), (params, page["items"])


def test_api_pages_incidents(client):
    total = all_incidents(client)["total"]
    first = client.get("/api/incidents", params={"limit": 2}).json()
    second = client.get("/api/incidents", params={"limit": 2, "offset": 2}).json()
    assert first["total"] == second["total"] == total
    assert len(first["items"]) == len(second["items"]) == 2
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    assert client.get("/api/incidents", params={"offset": total}).json() == {"items": [], "total": total}


@pytest.mark.parametrize(("params", "name"), [
    ({"limit": 0}, "limit"),
    ({"limit": 1001}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"offset": -1}, "offset"),
    ({"min_killed": -1}, "min_killed"),
    ({"min_killed": "many"}, "min_killed"),
    ({"since": "2025-13-01"}, "since"),
    ({"until": "yesterday"}, "until"),
    ({"type": "riot"}, "type"),
    ({"bbox": "1,2,3"}, "bbox"),
    ({"bbox": "west,south,east,north"}, "bbox"),
    ({"bbox": "0,50,10,40"}, "bbox"),
    ({"bbox": "-200,0,0,10"}, "bbox"),
    ({"country": "P\x00K"}, "country"),
])
def test_api_rejects_a_malformed_filter_naming_it(client, params, name):
    message = assert_error(client.get("/api/incidents", params=params), 422)
    assert f"'{name}'" in message


def test_api_gives_an_incident_record(client, filled_url):
    train = hijacking(client)
    response = client.get(f"/api/incidents/{train['id']}")
    assert response.status_code == 200
    record = response.json()
    store = open_store(filled_url)
    row = store.incident(train["id"])
    store.close()
    assert row is not None and record == public_record(row.record)
    assert "sketches" not in record and "names" not in record
    killed = record["counts"]["killed"]
    [report] = killed["history"]
    assert report["article"] == "seed-000" and killed["best"] == report["value"] == train["killed"]
    assert report["evidence"][0]["text"] in json.loads((SHARED / "dev" / "seed-000.json").read_text())["text"]
    assert record["articles"] == [{"id": "seed-000", "main": True, "reason": {"rule": "merge.v1", "founded": True}}]


def test_api_unknown_ids_and_routes_are_404s(client):
    assert_error(client.get("/api/incidents/inc-000000000000"), 404, "inc-000000000000")
    assert_error(client.get("/api/articles/no-such-article"), 404, "no-such-article")
    assert_error(client.get("/api/nothing-here"), 404, "/api/nothing-here")
    assert_error(client.get("/static/missing.js"), 404)


# ---------------------------------------------------------------- articles

def test_api_gives_an_article_with_every_evidence_span(client):
    article = client.get("/api/articles/seed-000").json()
    source = json.loads((SHARED / "dev" / "seed-000.json").read_text(encoding="utf-8"))
    assert article["text"] == source["text"] and article["url"] == source["url"]
    assert article["fetched"] == STAMP and article["error"] is None
    assert hijacking(client)["id"] in article["incidents"]
    spans = article["evidence"]
    assert all(article["text"][s["start"]:s["end"]] == s["text"] for s in spans)
    assert {"killed", "killed_victims", "hostages", "rescued", "date", "location", "perpetrator", "type",
            "event"} <= {s["field"] for s in spans}
    assert {s["incident"] for s in spans} <= set(article["incidents"])
    assert [(s["start"], s["end"]) for s in spans] == sorted((s["start"], s["end"]) for s in spans)


def test_api_finds_articles_whose_ids_are_paths_or_urls(writable):
    for article_id in ("reports/2025/quetta.txt", "https://news.example/quetta?id=7"):
        posted = writable.post("/api/articles", json={"text": BOMBING, "id": article_id}, headers=AUTH)
        assert posted.status_code in (200, 201), posted.text
    found = writable.get("/api/articles/reports/2025/quetta.txt")
    assert found.status_code == 200 and found.json()["incidents"]


# ---------------------------------------------------------------- writing

def test_api_writes_need_the_token(client, filled_url):
    missing = client.post("/api/articles", json={"text": BOMBING})
    assert_error(missing, 401, "Authorization: Bearer")
    assert missing.headers["www-authenticate"] == "Bearer"
    assert_error(client.post("/api/articles", json={"text": BOMBING}, headers={"Authorization": "Bearer nope"}), 401)
    assert_error(client.post("/api/articles", json={"text": BOMBING}, headers={"Authorization": TOKEN}), 401)
    with TestClient(create_app(filled_url, token=None)) as read_only:
        assert_error(read_only.post("/api/articles", json={"text": BOMBING}, headers=AUTH), 403, "SITREP_TOKEN")


def test_api_refuses_a_body_over_1_mb(writable):
    declared = writable.post("/api/articles", content=b"x" * 1_000_001, headers=AUTH)
    assert_error(declared, 413, "1,000,000 bytes")

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds as the body streams in
        yield b'{"text": "'
        for _ in range(12):
            yield b"a" * 100_000

    streamed = writable.post("/api/articles", content=chunks(), headers={**AUTH, "Content-Type": "application/json"})
    assert_error(streamed, 413)
    assert writable.get("/api/incidents").json()["total"] == 0


def test_api_post_ingests_an_article(writable):
    response = writable.post("/api/articles", headers=AUTH, json={
        "text": BOMBING, "id": "quetta-1", "title": "Car bomb in Quetta", "published": "2025-05-06"})
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["article_id"] == "quetta-1" and result["stored"] is True and result["error"] is None
    [incident_id] = result["incidents"]
    incident = writable.get(f"/api/incidents/{incident_id}").json()
    assert incident["type"] == "bombing" and incident["date"]["start"] == "2025-05-05"
    assert incident["counts"]["killed"]["best"] == 4
    article = writable.get("/api/articles/quetta-1").json()
    assert article["title"] == "Car bomb in Quetta" and article["published"] == "2025-05-06"
    assert article["incidents"] == [incident_id]
    assert any(s["field"] == "killed" and s["text"] == "4" for s in article["evidence"]), article["evidence"]

    again = writable.post("/api/articles", json={"text": BOMBING, "id": "quetta-1"}, headers=AUTH)
    assert again.status_code == 200 and again.json() == {**result, "stored": False}


def test_api_post_keeps_an_article_without_an_incident(writable):
    response = writable.post("/api/articles", json={"text": MARKETS}, headers=AUTH)
    assert response.status_code == 201
    result = response.json()
    assert result["article_id"].startswith("api-") and result["incidents"] == []
    assert result["error"].startswith("no incident")
    assert writable.get(f"/api/articles/{result['article_id']}").json()["error"] == result["error"]


def test_api_post_fetches_a_page_by_its_url(writable, base):  # noqa: F811  (the fixture imported above)
    response = writable.post("/api/articles", json={"url": f"{base}/bombing.html"}, headers=AUTH)
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["article_id"] == f"{base}/bombing.html" and result["incidents"]
    assert writable.get(f"/api/articles/{result['article_id']}").json()["url"] == f"{base}/bombing.html"
    assert_error(writable.post("/api/articles", json={"url": f"{base}/gone.html"}, headers=AUTH), 422, "404")
    assert_error(writable.post("/api/articles", json={"url": f"{base}/rss.xml"}, headers=AUTH), 422, "feed", "'url'")


@pytest.mark.parametrize(("body", "words"), [
    ({}, ["'text'", "'url'"]),
    ({"url": "file:///etc/passwd"}, ["'url'"]),
    ({"url": "/etc/passwd"}, ["'url'"]),
    ({"text": ""}, ["'text'"]),
    ({"text": "a\x00b"}, ["'text'", "NUL"]),
    ({"text": BOMBING, "published": "May 6"}, ["'published'"]),
    ({"text": BOMBING, "extra": 1}, ["'extra'"]),
    ([BOMBING], ["body"]),
])
def test_api_post_rejects_a_malformed_body_naming_the_field(writable, body, words):
    assert_error(writable.post("/api/articles", json=body, headers=AUTH), 422, *words)


def test_api_post_rejects_text_that_is_not_unicode(writable):
    body = b'{"text": "\\ud800 a lone surrogate"}'
    response = writable.post("/api/articles", content=body, headers={**AUTH, "Content-Type": "application/json"})
    assert_error(response, 422, "'text'")


def test_api_unexpected_errors_are_500s_without_details(filled_url):
    def broken() -> Any:
        raise RuntimeError("the secret internals")

    app = create_app(filled_url, token=TOKEN, extractor_factory=broken)
    with TestClient(app, raise_server_exceptions=False) as failing:
        response = failing.post("/api/articles", json={"text": BOMBING}, headers=AUTH)
    message = assert_error(response, 500, "internal error")
    assert "secret" not in response.text and "RuntimeError" not in message


def test_api_error_shape_is_one_for_every_status(client):
    for response, status in [
        (client.get("/api/incidents", params={"limit": 0}), 422),
        (client.get("/api/nowhere"), 404),
        (client.delete("/api/incidents"), 405),
        (client.post("/api/articles", json={"text": BOMBING}), 401),
        (client.post("/api/articles", content=b"{" * 1_000_001, headers=AUTH), 413),
        (client.get("/api/export", params={"format": "xml"}), 422),
    ]:
        assert_error(response, status)


# ---------------------------------------------------------------- exports and the document

@pytest.mark.parametrize("fmt", FORMATS)
def test_api_export_is_what_the_cli_writes(client, filled_url, fmt):
    response = client.get("/api/export", params={"format": fmt})
    assert response.status_code == 200
    cli = subprocess.run([str(SITREP), "--db", filled_url, "export", "--format", fmt],
                         capture_output=True, text=True, check=True)
    assert response.text == cli.stdout
    assert fmt in response.headers["content-disposition"]


def test_api_openapi_describes_every_endpoint(client):
    document = client.get("/openapi.json").json()
    paths = document["paths"]
    assert {"/api/incidents", "/api/incidents/{incident_id}", "/api/articles/{article_id}", "/api/articles",
            "/api/export"} <= set(paths)
    assert set(get_args(ExportFormat)) == set(FORMATS)
    type_parameter = next(p for p in paths["/api/incidents"]["get"]["parameters"] if p["name"] == "type")
    assert set(type_parameter["schema"]["anyOf"][0]["enum"]) == set(EVENT_TYPES)
    assert "HTTPBearer" in document["components"]["securitySchemes"]


# ---------------------------------------------------------------- a real server

@contextmanager
def running_server(app: Any) -> Iterator[str]:
    """`app` served by uvicorn in a thread, on a free loopback port; its base URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", ws="none", http="h11"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


def test_api_serves_over_a_real_server(tmp_path, extractor):
    app = create_app(str(tmp_path / "sitrep.db"), token=TOKEN, extractor_factory=lambda: extractor)
    with running_server(app) as url, httpx.Client(base_url=url, timeout=30) as http:
        page = http.get("/")
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert http.get("/static/vendor/world-atlas/countries-110m.json").json()["type"] == "Topology"
        posted = http.post("/api/articles", json={"text": BOMBING, "published": "2025-05-06"}, headers=AUTH)
        assert posted.status_code == 201, posted.text
        assert http.get("/api/incidents").json()["total"] == 1
        assert_error(http.post("/api/articles", content=b"x" * 1_000_001, headers=AUTH), 413)
        assert_error(http.get("/api/incidents", params={"since": date.today().isoformat() + "x"}), 422, "'since'")


# ---------------------------------------------------------------- no request the document allows is a 5xx

@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory, extractor) -> Any:
    url = str(tmp_path_factory.mktemp("fuzz") / "sitrep.db")
    fill(url, [dev_item("seed-000"), dev_item("001")], extractor)
    return create_app(url, token=TOKEN, extractor_factory=lambda: extractor, client_factory=offline_client)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_api_answers_no_generated_request_with_a_server_error(fuzzed_app, mode):
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 5
    cases = st.one_of([operation.as_strategy(mode, headers=AUTH) for operation in operations])

    @settings(max_examples=120, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=cases)
    def answers_without_a_server_error(case: Any) -> None:
        response = case.call()
        assert response.status_code < 500, (case.method, case.formatted_path, case.query, case.body, response.text)
        if response.status_code >= 400:
            assert set(response.json()) == {"error"}

    answers_without_a_server_error()
