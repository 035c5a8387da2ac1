"""The demo's Stortinget part: a local data.stortinget.no (the project's own fixtures, tests/fixtures/stortinget/,
with the deadline moved ahead of today) beside the demo's ks.no, where KS publishes its written input to the
committee's hearing; a `stortinget` source added to the demo's config; and what the feeds then say of the hearing
and of KS's input to it."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
OSLO = ZoneInfo("Europe/Oslo")
HEARING_ID = 10005601
INPUT_PAGE = "/horingssvar/horingsinnspill-til-kommunal-og-forvaltningskomiteen-om-fordrevne-fra-ukraina/"
INPUT_TITLE = "Høringsinnspill til kommunal- og forvaltningskomiteen om midlertidige regler for fordrevne fra Ukraina"


def api_date(moment: datetime) -> str:
    """A time as the API's JSON writes it: /Date(milliseconds since the epoch+the offset in Oslo)/."""
    local = moment.astimezone(OSLO)
    return f"/Date({int(local.timestamp() * 1000)}{local.strftime('%z')})/"


def session_on(day: date) -> str:
    start = day.year if day.month >= 10 else day.year - 1
    return f"{start}-{start + 1}"


def _fixture(name: str) -> dict:
    return json.loads((FIXTURES / "stortinget" / name).read_text("utf-8"))


def publish_api(site, today: date) -> datetime:
    """The API's answers on the demo's site: the current session holds the fixture's open written hearing (of
    KOMFORV), due three weeks from today, with KS's input in its list. Returns the deadline."""
    deadline = datetime(today.year, today.month, today.day, 23, 59, tzinfo=OSLO) + timedelta(days=21)
    hearings = _fixture("open-written.json")
    hearings["horinger_liste"][0]["innspillsfrist"] = api_date(deadline)
    current = session_on(today)
    year = int(current[:4])
    for session in (f"{year - 1}-{year}", current, f"{year + 1}-{year + 2}"):  # both sides of a change of session
        listed = {**hearings, "sesjon_id": session, "horinger_liste": hearings["horinger_liste"] if session == current else []}
        site.add(f"/eksport/horinger?sesjonid={session}&format=json", json.dumps(listed), "application/json")
    site.add("/eksport/sesjoner?format=json", json.dumps({"innevaerende_sesjon": {"id": current}, "sesjoner_liste": []}),
             "application/json")
    inputs = _fixture("horingsinnspill.json")
    for entry in inputs["horingsinnspill_liste"]:
        entry["dato"] = api_date(datetime(today.year, today.month, today.day, 10, 0, tzinfo=OSLO))
    site.add(f"/eksport/horingsinnspill?horingid={HEARING_ID}&format=json", json.dumps(inputs), "application/json")
    site.add("/eksport/sak?sakid=105210&format=json", json.dumps(_fixture("sak.json")), "application/json")
    return deadline


def publish_ks_input(site, listing_path: str, listing_html: str) -> str:
    """KS's page about its written input to the committee, linking the hearing on stortinget.no, as the first HØRING
    teaser of the integration page. Returns the listing's new HTML."""
    site.add(INPUT_PAGE, f"""<!DOCTYPE html><html lang="nb-NO"><head><meta charset="utf-8"><title>{INPUT_TITLE} - KS</title>
<meta property="article:published_time" content="{date.today().isoformat()}T09:00:00+01:00"></head>
<body><main><article><h1>{INPUT_TITLE}</h1>
<p class="ingress">KS støtter forslaget, men ber om at kommunene får dekket merutgiftene til bosetting.</p>
<p><a href="https://www.stortinget.no/no/Hva-skjer-pa-Stortinget/Horing/horing/?h={HEARING_ID}">Høringen på
stortinget.no</a></p></article></main></body></html>""")
    card = f"""<div class="cards__item"><div class="card"><div class="card__content"><div class="card__tag">Høring</div>
<h2 class="card__heading"><a href="{INPUT_PAGE}">{INPUT_TITLE}</a></h2>
<div class="card__excerpt"><div class="rich-text"><p>KS støtter forslaget, men ber om at kommunene får dekket
merutgiftene.</p></div></div></div></div></div>
"""
    first = listing_html.index('<div class="cards__item">')
    html = listing_html[:first] + card + listing_html[first:]
    site.add(listing_path, html)
    return html


def add_source(config: Path, site_url: str) -> None:
    """The demo's config, with Stortinget's hearings of the committees for integration and immigration."""
    text = config.read_text("utf-8").replace("\n[[topics]]", f"""
[[sources]]
id = "stortinget-hearings"
title = "Stortinget – høringer (demo)"
kind = "stortinget"
url = "{site_url}/eksport/horinger"
committees = ["KOMFORV", "ARBSOS"]

[[topics]]""", 1).replace('document_types = ["consultation", "consultation-response"]',
                          'document_types = ["consultation", "consultation-response", "committee-hearing"]')
    config.write_text(text, encoding="utf-8")


def show(feeds: Path) -> None:
    """The committee's hearing as its feed says it, and KS's input linking back to it."""
    parsed = feedparser.parse((feeds / "committees" / "komforv.atom").read_bytes())
    print(f"\nA Stortinget hearing, in committees/komforv.atom ({parsed.feed.title}):")
    for entry in parsed.entries:
        print(f"  {entry.title}")
        text = re.sub(r"<br\s*/?>|</p>", "\n", entry.content[0].value)
        for line in (" ".join(part.split()) for part in re.sub(r"<[^>]+>", "", text).splitlines()):
            if line.startswith(("Komité", "Status", "Frist", "KS har gitt innspill", "Sak:", "Innspill:")):
                print(f"    | {line}")
    answer = next((e for e in feedparser.parse((feeds / "sources" / "ks-integrering.atom").read_bytes()).entries
                   if e.title == INPUT_TITLE), None)
    if answer is not None:
        back = [link.href for link in answer.links if link.rel == "related"]
        print(f"  KS's input on ks.no links back to it: {answer.title} → {', '.join(back)}")
