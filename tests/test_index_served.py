"""index.html as `aggregator serve` serves it, in a real browser (headless Chromium, where installed) at 500 and
1280 px: every link to a feed resolves on the served page (they are relative; base_url is elsewhere), the hearing
states show ("Fristen gikk ut …", never "open" for it), the last completed run and each source's last success are
there, headings speak one language, and nothing scrolls sideways.

A probe page put beside index.html frames it (same origin, so it may read the frame) and reports what the browser
made of it; Chromium's --dump-dom hands the report back."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import urllib.request
from datetime import datetime, timedelta

import pytest
from helpers import ROOT, ChangingFeed, hearing_extra, write_config
from selectolax.lexbor import LexborHTMLParser

from aggregator.cli import main
from aggregator.commit import commit_record
from aggregator.config import load_config
from aggregator.normalize import OSLO
from aggregator.records import Record
from aggregator.store import Store

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
TODAY = datetime.now(OSLO).date()
PROBE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>probe</title></head>
<body style="margin:0"><iframe id="f" src="index.html" style="width:WIDTHpx;height:900px;border:0"></iframe>
<pre id="out"></pre><script>
document.getElementById("f").onload = function () {
  var w = this.contentWindow, d = w.document;
  var shown = function (e) { return e.getBoundingClientRect().width > 0 && w.getComputedStyle(e).visibility !== "hidden"; };
  document.getElementById("out").textContent = JSON.stringify({
    width: w.innerWidth, scroll: d.documentElement.scrollWidth, lang: d.documentElement.lang,
    links: Array.prototype.map.call(d.querySelectorAll("a[href], link[rel=alternate]"), function (a) { return a.href; }),
    states: Array.prototype.filter.call(d.querySelectorAll(".state"), shown).map(function (e) { return e.textContent.trim(); }),
    headings: Array.prototype.map.call(d.querySelectorAll("h2"), function (h) { return h.textContent; }),
    text: d.body.innerText
  });
};
</script></body></html>"""


def aggregator_command() -> list[str]:
    script = ROOT / ".venv" / "bin" / "aggregator"
    return [str(script)] if script.exists() else [sys.executable, "-m", "aggregator.cli"]


@pytest.fixture(scope="module")
def served(tmp_path_factory, http_server_module):
    """A real run's output (a feed source and stored hearings), served by `aggregator serve` on a free port."""
    tmp_path = tmp_path_factory.mktemp("served")
    feed = ChangingFeed(http_server_module)
    feed.add("Ny ordning for lærlinger")
    config = write_config(tmp_path, output={"base_url": "https://feeds.example.org/aggregator/"},
                          sources=[{"id": "dep", "kind": "feed", "url": feed.url, "title": "Testdepartementet"}],
                          topics=[{"id": "hearings", "title": "Høringer", "document_types": ["consultation"]}])
    store = Store(load_config(config).database)
    try:
        for n, (title, days) in enumerate([("Høring med utløpt frist", -20), ("Høring som er åpen", 12)]):
            commit_record(store, Record(
                id=f"https://www.regjeringen.no/no/id{4600000 + n}/", title=title, language="nb",
                link=f"https://www.regjeringen.no/no/dokumenter/h/id{4600000 + n}/", document_type="consultation",
                extra=hearing_extra((TODAY + timedelta(days=days)).isoformat(), "På høring")), "dep")
    finally:
        store.close()
    assert main(["run", "-q", "--config", str(config)]) == 0  # a completed run: index.html says when
    server = subprocess.Popen([*aggregator_command(), "serve", "--port", "0", "--config", str(config)],
                              stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().split(" at ")[1].split(" ")[0]
        yield url, tmp_path / "feeds"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def http_server_module():
    from helpers import LocalServer

    server = LocalServer()
    yield server
    server.close()


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (Debian: apt-get install chromium)")
@pytest.mark.parametrize("width", [500, 1280])
def test_the_served_index_in_a_browser_links_resolve_and_hearing_states_show(served, width):
    url, feeds = served
    (feeds / f"probe-{width}.html").write_text(PROBE.replace("WIDTH", str(width)), encoding="utf-8")
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--window-size={width + 40},1000",
         "--virtual-time-budget=8000", "--dump-dom", f"{url}probe-{width}.html"],
        capture_output=True, text=True, timeout=90)
    out = LexborHTMLParser(done.stdout).css_first("#out")
    assert out is not None and out.text(), done.stderr[-2000:]
    page = json.loads(out.text())
    assert page["width"] == width and page["scroll"] <= width, f"{page['scroll']} px wide in a {width} px window"
    assert page["lang"] == "nb"
    assert page["headings"] == ["Åpne høringer", "Kildenes tilstand", "Alt", "Per kilde", "Per tema", "Høringer"]
    feeds_linked = sorted({link for link in page["links"] if link.startswith(url)})
    assert f"{url}all.atom" in feeds_linked and f"{url}feeds.opml" in feeds_linked
    assert f"{url}hearings/deadlines.ics" in feeds_linked and f"{url}topics/hearings.atom" in feeds_linked
    assert not [link for link in page["links"] if link.startswith("https://feeds.example.org/")]
    for link in feeds_linked:  # every one of them answers on the served page
        with urllib.request.urlopen(link, timeout=10) as answer:
            assert answer.status == 200, link
    passed = f"Fristen gikk ut {TODAY - timedelta(days=20):%d.%m.%Y}"
    assert f"· {passed}" in page["states"] and f"· Frist {TODAY + timedelta(days=12):%d.%m.%Y}" in page["states"]
    assert re.search(r"Sist oppdatert: \d\d\.\d\d\.\d{4} \d\d:\d\d \(Europe/Oslo\)", page["text"])
    assert re.search(r"Testdepartementet \(dep, 3 saker\)\s+sist hentet \d\d\.\d\d\.\d{4} \d\d:\d\d", page["text"])
    assert "Last updated" not in page["text"] and "Subscribe" not in page["text"]  # one language: nb
