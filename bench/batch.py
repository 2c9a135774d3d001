"""How fast the batch engine reads a large mixed corpus, on 1 and on 2 worker processes.

    .venv/bin/python bench/batch.py [ARTICLES]        # default 20000

The corpus is built afresh in a temporary folder at every run, in the extract contract's input form,
split over four files (two of them gzipped), in a shuffled order (fixed seed):
- about one article in ten reports violence: the articles of ../shared/dev and ../shared/bench/muc4,
  read at run time and repeated as often as needed, each copy under a fresh id;
- the rest are written here from templates of ordinary news that reports no violence: market
  reports, football results, weather forecasts, parliamentary politics and company results, each
  put together from several paragraphs with random names, places and numbers.
`run_batch` reads the corpus with 1 worker, then with 2, then reads the violent share alone with 2.
Printed: articles per second, the scaling from 1 to 2 workers, each worker's peak resident memory,
and the rate on the violent reports alone. Timings exclude the start-up (a cluster and a pipeline in
every worker), which is printed apart.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from sitrep.batch import BatchSummary, run_batch

SHARED = Path(__file__).resolve().parents[2] / "shared"
VIOLENT_SHARE = 0.1
FIGURATIVE_SHARE = 0.35
FILES = 4
PART_LINES = 250

TOWNS = ["Northfield", "Lakeside", "Port Alden", "Greywater", "Ashby", "Millbrook", "Carrow", "Dunmore",
         "Eastleigh", "Fenwick", "Hollins", "Kestrel Bay", "Marston", "Oakridge", "Redcliffe", "Tamsworth"]
PEOPLE = ["Amara Okafor", "Jonas Lindqvist", "Priya Raman", "Tomasz Nowak", "Leila Haddad", "Sean Gallagher",
          "Mei Tanaka", "Carlos Mendes", "Ingrid Solberg", "Kwame Mensah", "Elena Petrova", "David Cohen"]
COMPANIES = ["Norwell Foods", "Brightline Energy", "Castlegate Bank", "Orion Logistics", "Pellham Steel",
             "Verdant Telecom", "Halberd Pharmaceuticals", "Quayside Retail"]
CLUBS = ["Northfield Rovers", "Lakeside United", "Port Alden Athletic", "Greywater City", "Ashby Town",
         "Millbrook Wanderers", "Carrow Albion", "Dunmore Harriers"]
PARTIES = ["the Progressive Alliance", "the National Union", "the Green Coalition", "the Liberal Centre"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def market_report(r: random.Random) -> tuple[str, str]:
    index, change = r.choice(["the Composite Index", "the Harbour 100", "the Exchange All-Share"]), r.uniform(0.1, 2.4)
    up = r.random() < 0.5
    company = r.choice(COMPANIES)
    worry = r.choice(["rate outlook", "earnings", "oil prices"])
    title = f"Shares {'rise' if up else 'slip'} as investors weigh {worry}"
    paragraphs = [
        f"{index} {'gained' if up else 'lost'} {change:.1f} per cent on "
        f"{r.choice(['Monday', 'Tuesday', 'Thursday'])}, closing at {r.randint(3000, 9000):,} points after a "
        f"session of {r.choice(['thin', 'brisk', 'cautious'])} trading.",
        f"{company} led the {'gainers' if up else 'fallers'}, its shares {'up' if up else 'down'} "
        f"{r.uniform(1, 9):.1f} per cent after it "
        f"{r.choice(['raised its forecast', 'named a new chief executive', 'reported weaker sales at home'])}.",
        f"\"The market is waiting for the central bank,\" said {r.choice(PEOPLE)}, an analyst at "
        f"{r.choice(COMPANIES)}. \"Until we know where rates are going, nobody wants to take a big position.\"",
        f"The currency traded at {r.uniform(0.8, 1.6):.3f} against the dollar, and the yield on ten-year "
        f"government bonds {r.choice(['edged up', 'eased', 'held steady'])} at {r.uniform(2, 6):.2f} per cent.",
        f"Brent crude was {r.choice(['little changed', 'slightly higher', 'lower'])} at "
        f"${r.uniform(60, 95):.2f} a barrel, while gold {r.choice(['rose', 'fell'])} to "
        f"${r.randint(1800, 2600):,} an ounce.",
    ]
    figurative = [  # words that also tell of violence, in another sense
        f"The central bank, which is targeting inflation of two per cent, meets again in {r.choice(MONTHS)}; "
        f"traders fear a long dispute over the budget could kill hopes of a cut before the summer.",
    ]
    return title, compose(r, paragraphs, 2, figurative)


def football_result(r: random.Random) -> tuple[str, str]:
    home, away = r.sample(CLUBS, 2)
    hg, ag = r.randint(0, 4), r.randint(0, 3)
    scorer, keeper, coach = r.sample(PEOPLE, 3)
    title = f"{home} {hg}-{ag} {away}"
    paragraphs = [
        f"{home} {'beat' if hg > ag else 'drew with' if hg == ag else 'lost to'} {away} {hg}-{ag} in front of "
        f"{r.randint(8, 45):,}000 supporters on {r.choice(['Saturday', 'Sunday', 'Wednesday night'])}.",
        f"{scorer} opened the scoring after {r.randint(5, 40)} minutes with a low finish from the edge of the "
        f"area, and {keeper} made {r.randint(2, 7)} saves to keep the visitors in the game.",
        f"\"We pressed well and created chances,\" said {coach}, the {home} manager. \"The players gave "
        f"everything, and the supporters were brilliant from the first minute.\"",
        f"The result leaves {home} {r.choice(['third', 'fifth', 'eighth', 'twelfth'])} in the table, "
        f"{r.randint(1, 9)} points behind the leaders with {r.randint(4, 15)} matches to play.",
        f"{away} had the better of the second half and hit the post twice, but their forwards could not "
        f"find a way past a well-organised defence.",
        f"Attendance figures released by the league show crowds up {r.randint(2, 12)} per cent on last season.",
    ]
    figurative = [  # words that also tell of violence, in another sense
        f"{away} pushed forward in search of an equaliser, but their attack lacked an edge and {keeper} "
        f"dealt comfortably with every shot.",
        f"The two sides meet again in the cup in {r.choice(MONTHS)}, a clash that {coach} called "
        f"\"the battle we have all been waiting for\".",
    ]
    return title, compose(r, paragraphs, 3, figurative)


def weather_forecast(r: random.Random) -> tuple[str, str]:
    town = r.choice(TOWNS)
    title = f"{r.choice(['Rain', 'Sunshine', 'Cooler air', 'Strong winds'])} expected across the region this week"
    paragraphs = [
        f"Forecasters expect {r.choice(['showers', 'sunny spells', 'low cloud', 'patchy fog'])} across the "
        f"region on {r.choice(['Monday', 'Tuesday', 'Friday'])}, with highs of {r.randint(8, 31)} degrees in {town}.",
        f"The national weather service said a band of {r.choice(['rain', 'high pressure', 'cooler air'])} would "
        f"move in from the west by the weekend, bringing {r.randint(5, 40)} millimetres of rain to coastal areas.",
        f"Farmers in the valleys welcomed the forecast after a {r.choice(['dry', 'wet', 'cold'])} "
        f"{r.choice(MONTHS)}, saying the soil needed {r.choice(['the rain', 'a warm spell', 'a settled week'])}.",
        f"Overnight temperatures are likely to fall to {r.randint(-3, 12)} degrees in sheltered spots, and "
        f"drivers are advised to allow extra time on hill roads.",
        f"Pollen counts will be {r.choice(['high', 'moderate', 'low'])} in {r.choice(TOWNS)} and {r.choice(TOWNS)}.",
    ]
    figurative = [  # words that also tell of violence, in another sense
        f"A storm moving in from the ocean could bring gusts of {r.randint(60, 110)} km/h to exposed coasts "
        f"on {r.choice(['Thursday', 'Friday', 'Saturday'])}, and ferry operators have warned of delays.",
    ]
    return title, compose(r, paragraphs, 2, figurative)


def politics(r: random.Random) -> tuple[str, str]:
    minister, rival = r.sample(PEOPLE, 2)
    party, other = r.sample(PARTIES, 2)
    topic = r.choice(["housing", "school funding", "the rail network", "pensions", "hospital waiting lists"])
    title = f"Parliament debates {topic} bill as {party.removeprefix('the ')} seeks support"
    paragraphs = [
        f"Members of parliament debated a bill on {topic} on {r.choice(['Tuesday', 'Wednesday', 'Thursday'])}, "
        f"with {party} saying it had the votes to pass it before the summer recess.",
        f"{minister}, the minister responsible, told the chamber that the plan would cost "
        f"{r.randint(2, 40)} billion over {r.randint(3, 10)} years and would be paid for without new taxes.",
        f"{rival} of {other} said the figures did not add up. \"This is a promise without a budget,\" "
        f"{rival.split()[0]} said, calling for an independent review of the costs.",
        f"A poll published this week put {party} on {r.randint(22, 41)} per cent, "
        f"{r.randint(1, 6)} points ahead of {other}.",
        f"The committee stage is due to begin in {r.choice(MONTHS)}, when amendments from both sides will "
        f"be considered line by line.",
        f"Local councils in {r.choice(TOWNS)} and {r.choice(TOWNS)} have asked for more time to prepare.",
    ]
    figurative = [  # words that also tell of violence, in another sense
        f"{rival} attacked the government's record on {topic}, saying targeted help for the worst-off areas "
        f"had been promised for {r.randint(3, 9)} years and never delivered.",
    ]
    return title, compose(r, paragraphs, 3, figurative)


def company_results(r: random.Random) -> tuple[str, str]:
    company, boss = r.choice(COMPANIES), r.choice(PEOPLE)
    quarter = r.choice(["first", "second", "third"])
    title = f"{company} profit {r.choice(['climbs', 'falls', 'beats forecasts'])} in {quarter} quarter"
    paragraphs = [
        f"{company} reported quarterly revenue of {r.randint(200, 9000):,} million, "
        f"{r.choice(['up', 'down'])} {r.uniform(1, 15):.1f} per cent on the same period last year.",
        f"{boss}, the chief executive, said demand in {r.choice(TOWNS)} had been "
        f"{r.choice(['stronger than expected', 'softer', 'steady'])} and that the company would open "
        f"{r.randint(2, 30)} new sites by the end of the year.",
        f"The board proposed a dividend of {r.randint(5, 60)} cents a share and a buyback of up to "
        f"{r.randint(50, 500)} million.",
        f"Staff numbers rose to {r.randint(1, 40):,}000, and the company said it would invest in training "
        f"and new software for its {r.randint(3, 20)} warehouses.",
    ]
    figurative = [  # words that also tell of violence, in another sense
        f"The company said its systems had recovered from a cyber attack in {r.choice(MONTHS)} that shut its "
        f"online shop for {r.randint(2, 5)} days, and that no customer data had been taken.",
    ]
    return title, compose(r, paragraphs, 2, figurative)


def compose(r: random.Random, paragraphs: list[str], k: int, figurative: list[str]) -> str:
    """The first two paragraphs, `k` of the others, and in some articles a figurative one among them."""
    chosen = paragraphs[:2] + r.sample(paragraphs[2:], k)
    if r.random() < FIGURATIVE_SHARE:
        chosen.insert(r.randint(2, len(chosen)), r.choice(figurative))
    return "\n\n".join(chosen)


TEMPLATES = [market_report, football_result, weather_forecast, politics, company_results]


def violent_articles() -> list[dict]:
    folders = [SHARED / "dev", SHARED / "bench" / "muc4"]
    found = [json.loads(p.read_text(encoding="utf-8")) for folder in folders for p in sorted(folder.glob("*.json"))]
    articles = [a for a in found if isinstance(a, dict) and isinstance(a.get("text"), str)]
    if not articles:
        sys.exit(f"no articles found in {folders}: the shared folder is needed")
    return articles


def build_corpus(n: int, folder: Path, seed: int = 5) -> tuple[list[Path], Path, int]:
    """The corpus files, a file of its violent share alone, and how many articles that share holds."""
    r = random.Random(seed)
    sources = violent_articles()
    n_violent = round(n * VIOLENT_SHARE)
    rows = [_violent_row(sources[i % len(sources)], i) for i in range(n_violent)]
    rows += [_generated_row(r, i) for i in range(n - n_violent)]
    r.shuffle(rows)
    paths = []
    for k in range(FILES):
        path = folder / (f"corpus{k}.jsonl" + (".gz" if k % 2 else ""))
        _write_lines(path, rows[k::FILES])
        paths.append(path)
    violent = folder / "violent.jsonl"
    _write_lines(violent, [row for row in rows if json.loads(row)["id"].startswith("v")])
    return paths, violent, n_violent


def _violent_row(article: dict, i: int) -> str:
    fields = {"id": f"v{i:06d}-{article['id']}", "text": article["text"], "published": article.get("published"),
              "url": article.get("url"), "title": article.get("title")}
    return json.dumps(fields, ensure_ascii=False)


def _generated_row(r: random.Random, i: int) -> str:
    title, body = r.choice(TEMPLATES)(r)
    published = date(2024, 1, 1) + timedelta(days=r.randrange(600))
    fields = {"id": f"g{i:06d}", "text": f"{title}\n\n{body}", "published": published.isoformat(),
              "url": f"https://news.example/{i}", "title": title}
    return json.dumps(fields, ensure_ascii=False)


def _write_lines(path: Path, rows: list[str]) -> None:
    data = "".join(row + "\n" for row in rows).encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)


def show(label: str, s: BatchSummary) -> None:
    rss = ", ".join(f"{v / 2**20:,.0f} MiB" for v in sorted(s.peak_rss.values()))
    print(f"{label}: {s.articles:,} articles in {s.seconds:,.1f} s = {s.articles_per_second:,.1f} articles/s "
          f"({s.with_events:,} with incidents; start-up {s.startup_seconds:,.1f} s; peak RSS per worker: {rss})")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory(prefix="sitrep-bench-") as tmp:
        folder = Path(tmp)
        paths, violent, n_violent = build_corpus(n, folder)
        print(f"corpus: {n:,} articles, {n_violent:,} from ../shared (violent share), in {folder}; "
              f"{os.cpu_count()} CPUs")
        inputs = [str(p) for p in paths]
        one = run_batch(inputs, folder / "out1", workers=1, progress=False, part_lines=PART_LINES)
        show("1 worker ", one)
        two = run_batch(inputs, folder / "out2", workers=2, progress=False, part_lines=PART_LINES)
        show("2 workers", two)
        print(f"scaling 1 -> 2 workers: {two.articles_per_second / one.articles_per_second:.2f}x")
        alone = run_batch([str(violent)], folder / "out3", workers=2, progress=False, part_lines=PART_LINES)
        show("violent reports alone, 2 workers", alone)


if __name__ == "__main__":
    main()
