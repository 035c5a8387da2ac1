"""`make demo`: the whole tool on this machine, no network, nothing to configure, nothing left running.

It serves the project's own pages of both sites (tests/fixtures: a regjeringen.no hearings listing with two
pages, an RSS feed and article pages; a ks.no topic page and its articles) on 127.0.0.1, with a local SMTP
server and a webhook receiver; runs `aggregator run` twice with a demo config (the first run is the
baseline, which notifies nobody by design; then two new documents appear), prints the feeds written and
the notifications received. Then Stortinget's half of a hearing (stortinget_demo.py): a local data.stortinget.no
with a committee's hearing, and KS's written input to it on ks.no; a third run reads both, and the demo prints
the hearing and KS's input linked to it. Last, it serves the feeds for a while.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import logging
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import feedparser
import stortinget_demo
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
AGGREGATOR = ROOT / ".venv" / "bin" / "aggregator"

HEARINGS = "/no/dokument/hoyringar/id1763/"
RSS = "/no/rss/Rss/2581966/?owner=165"
KS_TOPIC = "/fagomrader/innvandring-og-integrering/integrering/"
NEW_HEARING = "/no/dokumenter/horing-digital-kommunal-beredskap/id4100099/"


# ------------------------------------------------------------------------------------------ the local servers


class Site:
    """Both sites' pages from one HTTP server on 127.0.0.1 (path with query -> bytes)."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[bytes, str]] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                body, kind = site.pages.get(self.path, (b"not found", "text/plain"))
                self.send_response(200 if self.path in site.pages else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()

    def add(self, path: str, text: str, kind: str = "text/html; charset=utf-8") -> None:
        self.pages[path] = (text.encode("utf-8"), kind)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class Mailbox:
    """An SMTP server on 127.0.0.1 that keeps what it gets (aiosmtpd, no TLS, no login)."""

    def __init__(self) -> None:
        self.mails: list[email.message.EmailMessage] = []
        mailbox = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's naming)
                mailbox.mails.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
                return "250 OK"

        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.port = _free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def close(self) -> None:
        self.controller.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Webhook:
    """An HTTP receiver on 127.0.0.1 for Apprise's json:// messages."""

    def __init__(self) -> None:
        self.messages: list[dict] = []
        webhook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                webhook.messages.append(json.loads(self.rfile.read(int(self.headers["Content-Length"] or 0)) or b"{}"))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# ------------------------------------------------------------------------------------------ the demo site


def fixture(*parts: str) -> str:
    return FIXTURES.joinpath(*parts).read_text("utf-8")


def publish_site(site: Site) -> None:
    """What both sites show before the demo's second run."""
    site.add("/robots.txt", fixture("regjeringen", "robots.txt"), "text/plain; charset=utf-8")
    site.add(HEARINGS, fixture("regjeringen", "hoyringar-page1.html"))
    site.add(f"{HEARINGS}?page=2", fixture("regjeringen", "hoyringar-page2.html"))
    site.add(RSS, fixture("regjeringen", "rss-owner165.xml").replace("{base}", site.url), "application/rss+xml; charset=utf-8")
    for article in FIXTURES.joinpath("regjeringen").glob("article-id*.html"):
        number = article.stem.removeprefix("article-id")
        for path in _paths_with_id(number):
            site.add(path, article.read_text("utf-8"))
    site.add("/no/dokumenter/horing-vold-og-trusler-mot-offentlig-ansatte/id4100003/", article_page(
        "Høring – forslag til lov om endringer i straffeprosessloven, politiloven og domstolloven",
        "Justis- og beredskapsdepartementet foreslår tiltak som skal gi raskere reaksjoner når offentlig ansatte blir "
        "utsatt for vold og trusler.", "2026-03-05", "Høring", ("jd", "Justis- og beredskapsdepartementet")))
    site.add(KS_TOPIC, fixture("ks", "listing-cards.html"))
    ks_articles = {
        "/horingssvar/horingssvar-nou-2024-7-kommunal-beredskap/": "article-jsonld.html",
        "/horingssvar/horingssvar-om-tolketjenester-i-kommunene/": "article-visible-text.html",
        f"{KS_TOPIC.rstrip('/')}/sprak-apner-dorer-ogsa-pa-arbeidsplassen/": "article-time.html",
        f"{KS_TOPIC.rstrip('/')}/kommunespeilet-flere-kommuner-tilbyr-sprakpraksis/": "article-dc-date.html",
        f"{KS_TOPIC.rstrip('/')}/ny-veiledning-om-bosetting-av-enslige-mindrearige/": "article-og.html",
        f"{KS_TOPIC.rstrip('/')}/tilskudd-til-kvalifisering-okes/": "article-numeric-text.html",
    }
    for path, name in ks_articles.items():
        site.add(path, fixture("ks", name))


def _paths_with_id(number: str) -> list[str]:
    """The listing and feed paths in the fixtures that end in this document id."""
    import re

    texts = [fixture("regjeringen", n) for n in ("hoyringar-page1.html", "hoyringar-page2.html", "rss-owner165.xml",
                                                  "topic-en-page1.html")]
    return sorted({m for t in texts for m in re.findall(rf"/(?:no|en)/[\w/-]*/id{number}/", t)})


def article_page(title: str, ingress: str, day: str, kind: str, ministry: tuple[str, str], hearing: str = "") -> str:
    """An article page in regjeringen.no's markup (see tests/fixtures/regjeringen/article-id*.html)."""
    abbr, name = ministry
    return f"""<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"><title>{title} - regjeringen.no</title>
<meta name="DC.Title" content="{title}"><meta name="DC.Date" content="{day}"><meta name="DC.Language" content="nb-NO">
<meta name="DC.Creator" content="{name}"><meta name="authorshortname" content="{abbr}"></head><body>
<main id="mainContent"><div class="content-row article"><div class="content-col-2 article-content">
<header class="article-header"><h1>{title}</h1></header>
<div class="article-info"><p><span class="type">{kind} |</span> <span class="date">Dato: {day[8:]}.{day[5:7]}.{day[:4]}</span>
<span class="owner">| <a href="/no/dep/{abbr}/id1/">{name}</a></span></p></div>
<div class="article-ingress">{ingress}</div><div class="article-body">{hearing}</div></div></div></main></body></html>"""


KDD = ("kdd", "Kommunal- og distriktsdepartementet")
AID = ("aid", "Arbeids- og inkluderingsdepartementet")


def publish_two_new_documents(site: Site) -> None:
    """A new hearing on the listing (with its article page; its deadline a month ahead, so that it is open whenever
    the demo runs) and a new press release in the RSS feed."""
    deadline = (date.today() + timedelta(days=30)).strftime("%d.%m.%Y")
    listing = fixture("regjeringen", "hoyringar-page1.html")
    first = listing.index('<li class="listItem')
    new = f"""<li class="listItem">
      <h2 class="title"><a href="{NEW_HEARING}">Høring om digital beredskap i kommunene</a></h2>
      <div class="info"><span class="type">Høring</span> <span class="date">31.03.2026</span>
      <span class="department">Kommunal- og distriktsdepartementet</span></div>
      <p class="excerpts">Departementet foreslår nye krav til kommunenes digitale beredskap.</p>
      <p class="event-details">Høringsfrist: {deadline} Status: På høring</p>
    </li>
    """
    site.add(HEARINGS, listing[:first] + new + listing[first:])
    meta = ('<div class="horing-meta"><p><strong>Status:</strong> På høring</p>'
            f'<p><strong>Høringsfrist:</strong> {deadline}</p></div>')
    site.add(NEW_HEARING, article_page(
        "Høring om digital beredskap i kommunene",
        "Departementet foreslår nye krav til kommunenes digitale beredskap, og ber særlig kommunene om innspill.",
        "2026-03-31", "Høring", KDD, meta))
    news_path = "/no/aktuelt/nye-tiltak-bosetting/id4100098/"
    site.add(news_path, article_page("Nye tiltak for raskere bosetting",
                                     "Regjeringen legger fram nye tiltak for raskere bosetting av flyktninger.",
                                     "2026-03-31", "Pressemelding", AID))
    rss = fixture("regjeringen", "rss-owner165.xml").replace("{base}", site.url)
    news = f"""<item>
      <title>Nye tiltak for raskere bosetting</title>
      <link>{site.url}{news_path}?utm_source=regjeringen.no</link>
      <description>Regjeringen legger fram nye tiltak for raskere bosetting av flyktninger.</description>
      <category>Pressemelding</category>
      <guid isPermaLink="false">4100098</guid>
      <pubDate>Tue, 31 Mar 2026 09:00:00 +0200</pubDate>
    </item>
    <item>"""
    site.add(RSS, rss.replace("<item>", news, 1), "application/rss+xml; charset=utf-8")


# ------------------------------------------------------------------------------------------ the demo


def write_config(folder: Path, site: Site, mailbox: Mailbox, webhook: Webhook) -> Path:
    path = folder / "config.toml"
    path.write_text(f"""# The demo's configuration: both sites on 127.0.0.1, two subscriptions.
[output]
directory = "feeds"
base_url = "http://127.0.0.1/"
[http]
user_agent = "aggregator-demo/0.1 (+https://example.org/demo)"
min_delay = 0
retries = 0
timeout = 5

[[sources]]
id = "regjeringen-hearings"
title = "regjeringen.no – Høyringar (demo)"
kind = "regjeringen"
url = "{site.url}{HEARINGS}"
max_pages = 2

[[sources]]
id = "regjeringen-aid-news"
title = "Arbeids- og inkluderingsdepartementet (demo RSS)"
kind = "regjeringen"
url = "{site.url}{RSS}"

[[sources]]
id = "ks-integrering"
title = "KS – Integrering (demo)"
kind = "ks"
url = "{site.url}{KS_TOPIC}"
topics = ["integrering"]

[[topics]]
id = "hearings"
title = "Høringer"
document_types = ["consultation", "consultation-response"]

[[topics]]
id = "integrering"
title = "Integrering"

[notify]
unsubscribe = "mailto:unsubscribe@kommune.example"   # List-Unsubscribe, and the footer's way out

[[subscriptions]]
id = "hearings-mail"
urls = ["mailto://127.0.0.1:{mailbox.port}?to=staff@kommune.example&from=aggregator@kommune.example"]
feeds = ["topics/hearings"]

[[subscriptions]]
id = "team-chat"
urls = ["json://127.0.0.1:{webhook.port}/hook"]
feeds = ["all"]
""", encoding="utf-8")
    return path


def run(config: Path, label: str) -> int:
    print(f"\n$ aggregator run --config {config.name}    ({label})", flush=True)
    done = subprocess.run([str(AGGREGATOR), "run", "--config", str(config)], capture_output=True, text=True,
                          timeout=120)
    for line in (done.stdout + done.stderr).strip().splitlines():
        print(f"  {line}")
    print(f"  exit code {done.returncode}")
    return done.returncode


def show_feeds(feeds: Path) -> None:
    print("\nFeeds written:")
    for path in sorted(feeds.rglob("*.atom")):
        entries = feedparser.parse(path.read_bytes()).entries
        print(f"  {str(path.relative_to(feeds)):45} {len(entries):3} entries")
    for other in ("index.html", "feeds.opml"):
        if (feeds / other).exists():
            print(f"  {other}")


def show_notifications(mailbox: Mailbox, webhook: Webhook) -> None:
    print(f"\nEmail received by the local SMTP server: {len(mailbox.mails)}")
    for mail in mailbox.mails:
        text = mail.get_body(("plain",))
        first = (text.get_content() if text else "").strip().splitlines()[:3]
        print(f"  To {mail['To']}: {mail['Subject']}")
        print(f"    List-Unsubscribe: {mail['List-Unsubscribe']}")
        for line in first:
            print(f"    | {line}")
    print(f"Webhook messages received: {len(webhook.messages)}")
    for message in webhook.messages:
        print(f"  {message.get('title')}")
        for line in str(message.get("message", "")).strip().splitlines()[:2]:
            print(f"    | {line}")


def show_stortinget(site: Site, config: Path, mailbox: Mailbox, webhook: Webhook) -> int:
    """Stortinget's half: a committee's hearing and KS's input to it, read by a third run."""
    from datetime import date

    deadline = stortinget_demo.publish_api(site, date.today())
    stortinget_demo.publish_ks_input(site, KS_TOPIC, fixture("ks", "listing-cards.html"))
    stortinget_demo.add_source(config, site.url)
    print(f"\nStortinget's half of a hearing: a local data.stortinget.no with a committee's hearing (written input "
          f"until {deadline:%d.%m.%Y}), and KS's written input to it on ks.no.")
    sent = (len(mailbox.mails), len(webhook.messages))
    code = run(config, "the third run: the Stortinget source's first fetch is history; KS's input is news")
    time.sleep(0.3)
    stortinget_demo.show(config.parent / "feeds")
    print(f"New notifications: {len(mailbox.mails) - sent[0]} email, {len(webhook.messages) - sent[1]} webhook")
    for mail in mailbox.mails[sent[0]:]:
        print(f"  To {mail['To']}: {mail['Subject']}")
    return code


def serve_feeds(config: Path, seconds: float) -> None:
    if seconds <= 0:
        return
    server = subprocess.Popen([str(AGGREGATOR), "serve", "--port", "0", "--config", str(config)],
                              stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline().strip() if server.stdout else ""
        url = line.split(" at ")[1].split(" ")[0] if " at " in line else "?"
        print(f"\nThe feeds are served at {url} for {seconds:g} s (Ctrl-C ends the demo now).", flush=True)
        time.sleep(seconds)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serve-seconds", type=float, default=60, help="how long to serve the feeds (0: not at all)")
    args = parser.parse_args()
    if not AGGREGATOR.exists():
        print("run `make install` first (or `make demo`, which does it)", file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="aggregator-demo-"))
    site, mailbox, webhook = Site(), Mailbox(), Webhook()
    codes = []
    try:
        publish_site(site)
        config = write_config(folder, site, mailbox, webhook)
        print(f"Demo sites at {site.url} (regjeringen.no and ks.no pages); SMTP on 127.0.0.1:{mailbox.port}; "
              f"webhook on 127.0.0.1:{webhook.port}; work folder {folder}")
        codes.append(run(config, "the first run: everything is history, nobody is notified"))
        show_feeds(folder / "feeds")
        publish_two_new_documents(site)
        print("\nThe sites now publish two new documents: a hearing and a press release.")
        codes.append(run(config, "the second run: the two new documents are news"))
        time.sleep(0.3)  # let the receivers finish with what they got
        show_feeds(folder / "feeds")
        show_notifications(mailbox, webhook)
        codes.append(show_stortinget(site, config, mailbox, webhook))
        serve_feeds(config, args.serve_seconds)
    except KeyboardInterrupt:
        print("\ndemo stopped", file=sys.stderr)
    finally:
        site.close()
        mailbox.close()
        webhook.close()
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\nDone: exit codes {codes}; every server is stopped and the work folder removed.")
    return 0 if codes and all(code == 0 for code in codes) else 1


if __name__ == "__main__":
    sys.exit(main())
