"""The dashboard end to end: a real headless Chromium (Playwright) against a real uvicorn server over a
store filled by ingesting every ../shared/dev article (and the seven reports of one incident from
../shared/dev-clusters, so that figures move from report to report). The map, the filters, the path
from a figure to the sentence it rests on, and untrusted article text shown as text, never run.
Screenshots are saved in tests/screenshots/ for a person to look at."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from sitrep.api import create_app
from sitrep.article import Article, read_article
from sitrep.sources import Fetched

from .conftest import ROOT, SHARED, require_shared
from .test_api import STAMP, dev_item, fill, running_server

pytestmark = pytest.mark.slow

CHROMIUM = Path(os.environ.get("SITREP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
SCREENSHOTS = ROOT / "tests" / "screenshots"
CLUSTER = SHARED / "dev-clusters" / "peshawar_police_lines_2023"  # a mosque bombing; its toll rose from 44 to 100
# Written for this test: a real report of violence (so that it becomes an incident) carrying markup that
# would run if the page ever inserted article text as HTML.
SCRIPT = "<script>window.__pwned=1</script>"
IMAGE = '<img src=x onerror="window.__pwned=1">'
HOSTILE = Article(
    id="hostile-markup", published=date(2025, 5, 6), url="https://news.example/market-bomb",
    title=f"{IMAGE}Bomb kills 3 at Peshawar market",
    text=(f"{SCRIPT}\nA bomb exploded at a crowded market in Peshawar on Monday, killing 3 people and wounding 11 "
          f"others, police said. {IMAGE} Witnesses said the blast shattered shop windows <b>across the street</b>."),
)


@pytest.fixture(scope="module")
def site(tmp_path_factory, extractor) -> Iterator[str]:
    """The base URL of a server over every dev article and the hostile one."""
    require_shared()
    url = str(tmp_path_factory.mktemp("web") / "sitrep.db")
    items = [dev_item(path.stem) for path in sorted((SHARED / "dev").glob("*.json"))]
    reports = [cluster_item(path) for path in sorted(CLUSTER.glob("*.json"))]
    fill(url, [*items, *reports, Fetched(HOSTILE, STAMP, ref=HOSTILE.id)], extractor)
    with running_server(create_app(url, token=None, extractor_factory=lambda: extractor)) as base:
        yield base


def cluster_item(path: Path) -> Fetched:
    record = json.loads(path.read_text(encoding="utf-8"))
    article = read_article({**record, "id": f"{CLUSTER.name}/{path.stem}"})
    return Fetched(article, STAMP, ref=article.id)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        missing = f"no Chromium at {CHROMIUM} (set SITREP_CHROMIUM to its path)"
        if os.environ.get("CI"):
            pytest.fail(f"{missing}; in CI install it: apt-get install -y chromium")
        pytest.skip(f"{missing}; install it with: apt-get install chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page; any script error or console error (a CSP violation among them) fails the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    opened.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    yield opened
    context.close()
    assert not problems, problems


def incidents(site: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = httpx.get(f"{site}/api/incidents", params={"limit": 1000, **params}).json()["items"]
    return items


def screenshot(page: Page, name: str, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)


def test_web_map_shows_the_incidents(page, site):
    every = incidents(site)
    placed = [i for i in every if i["lat"] is not None]
    page.goto(site)
    expect(page.locator("path.incident-marker")).to_have_count(len(placed))
    expect(page.locator("tr.incident-row")).to_have_count(len(every))
    assert page.locator(".leaflet-overlay-pane path:not(.incident-marker)").count() > 100  # the countries
    assert page.locator("#timeline rect.bar-incidents").count() > 5
    expect(page.locator(".legend")).to_contain_text("Bombing")
    expect(page.locator("#list-status")).to_have_text(f"{len(every)} incidents")
    page.wait_for_timeout(300)  # let the map settle before the picture
    screenshot(page, "overview.png")


def test_web_filter_narrows_the_list_and_the_map(page, site):
    bombings = incidents(site, type="bombing", country="Pakistan")
    assert 0 < len(bombings) < len(incidents(site))
    page.goto(site)
    expect(page.locator("tr.incident-row")).to_have_count(len(incidents(site)))
    page.select_option("#filters select[name=type]", "bombing")
    page.fill("#filters input[name=country]", "Pakistan")
    page.click("#filters button[type=submit]")
    expect(page.locator("tr.incident-row")).to_have_count(len(bombings))
    expect(page.locator("path.incident-marker")).to_have_count(len([i for i in bombings if i["lat"] is not None]))
    assert set(page.locator("tr.incident-row").evaluate_all("rows => rows.map(r => r.dataset.id)")) == \
        {i["id"] for i in bombings}
    for cell in page.locator("tr.incident-row td:nth-child(2)").all_inner_texts():
        assert cell.strip() == "Bombing"
    assert "type=bombing" in page.evaluate("location.hash")
    page.wait_for_timeout(300)
    screenshot(page, "filtered.png")


def deepest_death_toll(site: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The incident whose latest death toll rests on the sentence furthest into its article, and that sentence."""
    best: tuple[int, dict[str, Any], dict[str, Any]] | None = None
    for item in incidents(site, min_killed=1):
        record = httpx.get(f"{site}/api/incidents/{item['id']}").json()
        stated = [h for h in record["counts"]["killed"]["history"] if h["value"] is not None]
        evidence = stated[-1]["evidence"][0] if stated and stated[-1]["evidence"] else None
        if evidence and (best is None or evidence["start"] > best[0]):
            best = (evidence["start"], record, {**evidence, "article": stated[-1]["article"]})
    assert best is not None
    return best[1], best[2]


def test_web_a_death_toll_opens_the_sentence_it_rests_on(page, site):
    incident, evidence = deepest_death_toll(site)
    page.goto(f"{site}/#/incident/{incident['id']}")
    toll = page.locator("table.figures tr[data-count=killed] a.figure-link")
    expect(toll).to_contain_text(str(incident["counts"]["killed"]["best"]))
    expect(page.locator(".count-history[data-count=killed] svg.chart circle.dot").first).to_be_visible()
    screenshot(page, "incident.png", full_page=True)
    toll.click()
    highlighted = page.locator("#article-text mark.evidence-focus")
    expect(highlighted).to_have_count(1)
    assert highlighted.text_content() == evidence["text"]
    assert page.evaluate("decodeURIComponent(location.hash)").startswith(f"#/article/{evidence['article']}?")
    expect(highlighted).to_be_in_viewport()
    expect(page.locator("#article-text .figure-words").first).to_be_visible()
    screenshot(page, "article.png")


def test_web_an_incident_shows_how_each_figure_moved(page, site):
    bombing = max(incidents(site), key=lambda i: i["reports"])  # the cluster's mosque bombing
    record = httpx.get(f"{site}/api/incidents/{bombing['id']}").json()
    history = record["counts"]["killed"]["history"]
    assert len(history) == bombing["reports"] > 2
    page.goto(site)
    page.click(f"tr.incident-row[data-id='{bombing['id']}'] td:nth-child(3)")
    block = page.locator(".count-history[data-count=killed]")
    expect(block.locator("table.history tbody tr")).to_have_count(len(history))
    expect(block.locator("svg.chart circle.dot")).to_have_count(len([h for h in history if h["value"] is not None]))
    expect(page.locator("table.figures tr[data-count=killed] a.figure-link")).to_have_text(
        str(record["counts"]["killed"]["best"]))
    expect(page.locator("ul.articles li")).to_have_count(len(record["articles"]))
    for link in block.locator("a.figure-link").all():
        assert "start=" in (link.get_attribute("href") or "")
    screenshot(page, "incident-history.png", full_page=True)


def test_web_article_text_is_shown_as_text_never_run(page, site):
    page.goto(f"{site}/#/article/{HOSTILE.id}")
    text = page.locator("#article-text")
    expect(text).to_contain_text("across the street")
    assert text.text_content() == HOSTILE.text
    assert page.locator("#article-text script, #article-text img, #article-text b").count() == 0
    expect(page.locator("#view-article h1")).to_have_text(HOSTILE.title or "")
    assert page.evaluate("window.__pwned") is None
    screenshot(page, "hostile-article.png")
    incident_id = page.locator("#view-article .meta a[href^='#/incident/']").first.text_content()
    page.goto(f"{site}/#/incident/{incident_id}")
    expect(page.locator("#view-incident h1")).to_contain_text("Bombing")
    page.goto(f"{site}/#/?q=Peshawar")
    expect(page.locator(f"tr.incident-row[data-id='{incident_id}']")).to_have_count(1)
    assert page.locator("img:not(.leaflet-tile)").count() == 0
    assert page.evaluate("window.__pwned") is None
