"""index.html as a person sees it: content checks, and a real browser (headless Chromium, where installed)
at phone and desktop width: one column, no sideways scrolling, no JavaScript needed."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from helpers import hearing_extra, write_config_text
from selectolax.lexbor import LexborHTMLParser

from aggregator.commit import commit_record
from aggregator.config import load_config
from aggregator.normalize import OSLO
from aggregator.publish import publish
from aggregator.records import Record
from aggregator.store import Store

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
T0 = datetime(2026, 3, 1, 8, tzinfo=UTC)

CONFIG = """
[output]
base_url = "https://feeds.example.org/"
language = "en"
[[sources]]
id = "hoyringar"
kind = "regjeringen"
url = "https://www.regjeringen.no/no/dokument/hoyringar/id1763/"
title = "regjeringen.no – Høyringar"
[[sources]]
id = "ks-integrering"
kind = "ks"
url = "https://www.ks.no/fagomrader/innvandring-og-integrering/integrering/"
title = "KS – Integrering"
[[topics]]
id = "hearings"
title = "Hearings – Høringer"
document_types = ["consultation", "consultation-response"]
"""


@pytest.fixture
def site(tmp_path):
    config = load_config(write_config_text(tmp_path, CONFIG))
    store = Store(config.database)
    today = datetime.now(OSLO).date()
    hearings = [
        ("Høring om endringer i regelverket for norskopplæring for voksne innvandrere og om prøver i norsk", "nb", 3),
        ("Høyring – forslag til endringar i utlendingsforskrifta om familieinnvandring", "nn", 30),
        ("Consultation on the Digital Services Act and the Norwegian implementation thereof", "en", 0),
    ]
    for n, (title, lang, days) in enumerate(hearings):
        commit_record(store, Record(
            id=f"https://www.regjeringen.no/no/id{4100000 + n}/", link=f"https://www.regjeringen.no/no/dokumenter/h/id{4100000 + n}/",
            title=title, summary="Forslaget sendes på høring.", language=lang, document_type="consultation",
            published=datetime(2026, 3, 1 + n, tzinfo=OSLO), ministries=["aid", "jd"],
            extra=hearing_extra((today + timedelta(days=days)).isoformat())), "hoyringar", now=T0)
    commit_record(store, Record(id="https://www.regjeringen.no/no/id4099000/", link="https://www.regjeringen.no/no/dokumenter/old/id4099000/",
                        title="Avsluttet høring", language="nb", document_type="consultation", ministries=["kdd"],
                        extra=hearing_extra((today - timedelta(days=1)).isoformat())), "hoyringar", now=T0)
    commit_record(store, Record(id="https://www.ks.no/aktuelt/lang/", link="https://www.ks.no/aktuelt/lang/",
                        title="Kommunesektorensorganisasjonsinterkommunalsamarbeidsutvalgsrapport " * 2,
                        language="nb", authors=["KS"], document_type="article"), "ks-integrering", now=T0)
    store.record_failure("ks-integrering", "ks.no page …: HTTP 503 Service Unavailable", now=T0)
    publish(config, store)
    store.close()
    return config.output_dir / "index.html"


def test_the_index_shows_freshness_health_open_hearings_and_each_feed(site):
    html = site.read_text("utf-8")
    tree = LexborHTMLParser(html)
    assert not tree.css("script"), "no JavaScript needed"
    text = " ".join(tree.body.text(separator=" ").split())  # elements apart, white space folded
    assert "Last updated: not yet (Europe/Oslo)" in text  # no run has completed (test_index_served.py runs one)
    assert "failing since 01.03.2026 09:00" in text and "HTTP 503" in text  # source health
    hearing_lines = [li.text(separator=" ") for li in tree.css("section:first-of-type li")]
    days = r"Deadline today|Fristen er i dag|\d+ (?:days?|dagar|dager|dag) (?:left|igjen|att)"
    # soonest first, in each hearing's language; the closed one is not there
    assert [re.search(days, line).group(0) for line in hearing_lines] == ["Deadline today", "3 dager igjen", "30 dagar att"]
    assert "Avsluttet høring" not in " ".join(hearing_lines)
    nynorsk = tree.css_first('article li[lang="nn"]')
    assert "Arbeids- og inkluderingsdepartementet" in nynorsk.text() and "Høyring" in nynorsk.text()
    assert "2. mars 2026" in nynorsk.text()  # the date in the item's language, the type in its words
    english = tree.css_first('article li[lang="en"]')
    assert "3 March 2026" in english.text() and "Ministry of Labour and Social Inclusion" in english.text()
    feeds = [a.attributes["href"] for a in tree.css("a.subscribe")]
    assert "topics/hearings.atom" in feeds and "all.atom" in feeds  # relative: they work wherever the page is served


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (Debian: apt-get install chromium)")
@pytest.mark.parametrize("width", [390, 1280])
def test_the_index_fits_the_screen_in_a_real_browser(site, tmp_path, width):
    """The page in a frame of a phone's (or a desktop's) width, since headless Chromium's window is at least
    500 px wide. A probe added to a copy of the page (the page itself has no script) reports its layout."""
    page = tmp_path / "page.html"
    page.write_text(site.read_text("utf-8").replace(
        "</body>", "<script>parent.document.title = document.documentElement.scrollWidth + 'x' + window.innerWidth;"
                   "</script></body>"), encoding="utf-8")
    frame = tmp_path / f"frame-{width}.html"
    frame.write_text(f'<html><head><title>none</title></head><body style="margin:0"><iframe src="page.html" '
                     f'style="width:{width}px;height:900px;border:0"></iframe></body></html>', encoding="utf-8")
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--allow-file-access-from-files",
         f"--window-size={max(width, 800) + 40},1000", "--virtual-time-budget=5000", "--dump-dom", frame.as_uri()],
        capture_output=True, text=True, timeout=90)
    title = LexborHTMLParser(done.stdout).css_first("title")
    assert title is not None and "x" in title.text(), done.stderr[-2000:]
    scroll, inner = map(int, title.text().split("x"))
    assert inner == width and scroll <= inner, f"the page is {scroll} px wide in a {inner} px window"
