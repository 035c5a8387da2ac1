"""One truth per document (issue 8), through real HTTP on 127.0.0.1 and real killed `aggregator run` processes:
fetch state committed with its items, each source reading its own history, sources that disagree settling,
one identity for every kind, article pages retried, per-item problems as warnings, migrations that survive a kill.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from helpers import (
    MISSING_ARTICLE,
    REGJERINGEN_ARTICLES,
    REGJERINGEN_LISTING,
    REGJERINGEN_RSS,
    ROOT,
    feed_entries,
    open_store,
    own_page,
    regjeringen_id,
    serve_own_regjeringen,
    validate_atom,
    write_config,
)

from aggregator.cli import main
from aggregator.store import MIGRATIONS, Store

# The project's own regjeringen.no pages, as helpers.serve_own_regjeringen serves them
LISTING, OWNER_RSS, ARTICLES = REGJERINGEN_LISTING, REGJERINGEN_RSS, REGJERINGEN_ARTICLES
MISSING = ARTICLES[MISSING_ARTICLE]  # never served: 404


def rss_of(base: str, items: list[tuple[int, str, str, str]]) -> str:
    """An RSS feed in the site's form: (doc id, path, title, description) per item."""
    body = "".join(
        f"""<item><title>{title}</title><link>{base}{path}?utm_source=regjeringen.no&amp;utm_medium=rss</link>
        <description>{text}</description><guid isPermaLink="false">{number}</guid>
        <pubDate>Thu, 12 Mar 2026 10:00:00 +0100</pubDate></item>"""
        for number, path, title, text in items
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>RSS Regjeringen.no</title>'
            f"<link>{base}/no/</link><language>no</language>{body}</channel></rss>")


# The hearings on page 1 of the listing, as an RSS feed words them (its own summaries, not the listing's).
PAGE_ONE_RSS = [
    (4100001, ARTICLES[4100001], "Høring om endringer i regelverket for norskopplæring for voksne innvandrere",
     "RSS-utgaven: departementet foreslår endringer i norskopplæringen."),
    (4100002, ARTICLES[4100002], "Høyring – forslag til endringar i utlendingsforskrifta om familieinnvandring",
     "RSS-utgåva: forslag om familieinnvandring."),
    (4100003, MISSING, "Høring om vold og trusler mot offentlig ansatte",
     "RSS-utgaven: raskere reaksjoner mot vold og trusler."),
]


def article_requests(server) -> list[str]:
    return [p for p in server.paths() if p in ARTICLES.values()]


# ============================================================================ kills


def test_a_run_killed_between_the_answer_and_the_commit_loses_nothing(http_server, tmp_path, runner):
    """The feed answers (with an ETag), article pages load slowly, the run is killed among them: the next
    run must not be told 304 by validators of an answer whose items were never committed."""
    serve_own_regjeringen(http_server, slow_articles=0.5)
    config = write_config(tmp_path, sources=[{"id": "aid-rss", "kind": "regjeringen", "url": http_server.url + OWNER_RSS}])
    child = runner.run(["run", "--config", config])  # a process of its own, forked warm (see warm_runner.py)
    try:
        deadline = time.monotonic() + 20
        while not article_requests(http_server) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert article_requests(http_server), "the run never reached the article pages"
        child.kill()  # SIGKILL
    finally:
        child.wait(timeout=10)
    http_server.requests.clear()
    assert main(["run", "--config", config]) == 0
    feed_request = next(r for r in http_server.requests if r.path == OWNER_RSS)
    assert "if-none-match" not in feed_request.headers  # nothing was committed, so nothing is assumed known
    assert sorted(feed_entries(tmp_path)) == sorted(regjeringen_id(n) for n in (4100011, 4100010, 4099990))


def test_kills_at_random_moments_lose_no_item(http_server, tmp_path, runner):
    serve_own_regjeringen(http_server, slow_articles=0.15)
    config = write_config(tmp_path, sources=[
        {"id": "aid-rss", "kind": "regjeringen", "url": http_server.url + OWNER_RSS},
        {"id": "hoyringar", "kind": "regjeringen", "url": http_server.url + LISTING, "max_pages": 2},
    ])
    rng = random.Random(8)
    for _ in range(4):  # a run takes over a second (slow article pages): each is killed part-way
        child = runner.run(["run", "--config", config])
        time.sleep(rng.uniform(0.05, 1.0))
        child.kill()
        child.wait(timeout=10)
    assert main(["run", "--config", config]) == 0
    expected = {regjeringen_id(n) for n in (4100011, 4100010, 4099990, 4100001, 4100002, 4100003, 4099985)}
    assert set(feed_entries(tmp_path)) == expected
    feeds = tmp_path / "feeds"
    assert not list(feeds.rglob("*.tmp"))  # what a kill during publishing left is cleared
    for atom in feeds.rglob("*.atom"):
        validate_atom(atom)
    with open_store(config) as store:  # every article page that exists was read in the end, whatever the kills interrupted
        read = {r["item_id"] for r in store.db.query("SELECT item_id FROM article_state WHERE status = 'read'")}
        assert read == expected - {regjeringen_id(4100003)}


def test_a_kill_during_the_first_schema_set_up_leaves_a_store_the_next_run_can_open(tmp_path):
    path = tmp_path / "store.db"
    dying = (
        "import os, signal, sys\n"
        "import aggregator.store as store\n"
        "real = store.MIGRATIONS[0]\n"
        "def v1(db):\n"
        "    real(db)  # every table of version 1 made, then killed before the migration commits\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "store.MIGRATIONS[0] = v1\n"
        "store.Store(sys.argv[1])\n"
    )
    done = subprocess.run([sys.executable, "-c", dying, str(path)], cwd=ROOT, timeout=30)
    assert done.returncode == -signal.SIGKILL
    store = Store(path)  # today's migrations, from scratch: no "table items already exists"
    try:
        assert store.schema_version == len(MIGRATIONS)
        assert store.count_items() == 0
    finally:
        store.close()


# ============================================================================ each source its own history


def test_one_url_in_two_sources_gives_both_their_items(http_server, tmp_path):
    serve_own_regjeringen(http_server)
    url = http_server.url + OWNER_RSS
    config = write_config(tmp_path, sources=[
        {"id": "rss-a", "kind": "feed", "url": url, "topics": ["arbeid"]},
        {"id": "rss-b", "kind": "feed", "url": url, "topics": ["bosetting"]},
    ])
    for _ in range(2):
        assert main(["run", "--config", config]) == 0
        for feed in ("sources/rss-a", "sources/rss-b", "topics/arbeid", "topics/bosetting"):
            assert len(feed_entries(tmp_path, feed)) == 3, feed
    conditional = [r.headers.get("if-none-match") for r in http_server.requests if r.path == OWNER_RSS]
    assert conditional == [None, None, '"rss-1"', '"rss-1"']  # each source asks with its own validators


def test_a_listing_read_after_an_rss_of_its_first_page_still_walks_its_pages(http_server, tmp_path):
    serve_own_regjeringen(http_server)
    http_server.add("/no/rss/Rss/2581966/?documentType=dokumenter/horinger", rss_of(http_server.url, PAGE_ONE_RSS),
                    content_type="application/rss+xml; charset=utf-8")
    config = write_config(tmp_path, sources=[  # the shipped config's order: the topic's RSS before its listing
        {"id": "hearings-rss", "kind": "regjeringen",
         "url": http_server.url + "/no/rss/Rss/2581966/?documentType=dokumenter/horinger"},
        {"id": "hoyringar", "kind": "regjeringen", "url": http_server.url + LISTING, "max_pages": 3},
    ])
    assert main(["run", "--config", config]) == 0
    assert f"{LISTING}?page=2" in http_server.paths()
    assert {regjeringen_id(4099990), regjeringen_id(4099985)} <= set(feed_entries(tmp_path, "sources/hoyringar"))

    http_server.requests.clear()
    assert main(["run", "--config", config]) == 0  # now this listing has seen page 1 itself: it stops there
    assert http_server.paths().count(LISTING) == 1 and f"{LISTING}?page=2" not in http_server.paths()


def test_backfill_walks_older_pages_once_and_announces_nothing(http_server, webhook, tmp_path, capsys):
    serve_own_regjeringen(http_server)
    config = write_config(tmp_path, sources=[
        {"id": "hoyringar", "kind": "regjeringen", "url": http_server.url + LISTING, "max_pages": 1},
    ], subscriptions=[{"id": "team", "urls": [webhook.url()]}])
    assert main(["run", "--config", config]) == 0  # the baseline: page 1 only
    assert f"{LISTING}?page=2" not in http_server.paths()
    assert main(["run", "--config", config]) == 0
    http_server.requests.clear()
    assert main(["backfill", "--source", "hoyringar", "--pages", "2", "--config", config]) == 0
    assert http_server.paths().count(LISTING) == 1 and http_server.paths().count(f"{LISTING}?page=2") == 1
    assert "hoyringar: 5 items on 2 pages (of up to 2), 2 new" in capsys.readouterr().out
    assert {regjeringen_id(4099990), regjeringen_id(4099985)} <= set(feed_entries(tmp_path))
    assert main(["run", "--config", config]) == 0
    assert webhook.messages == []  # old documents found by a backfill are history, not news
    assert main(["backfill", "--source", "nope", "--pages", "2", "--config", config]) == 2


# ============================================================================ sources that disagree


def test_sources_that_word_a_document_differently_settle_and_a_second_run_changes_nothing(http_server, tmp_path):
    serve_own_regjeringen(http_server)
    rss_path = "/no/rss/Rss/2581966/?documentType=dokumenter/horinger"
    http_server.add(rss_path, rss_of(http_server.url, PAGE_ONE_RSS), content_type="application/rss+xml")
    sources = [{"id": "hearings-rss", "kind": "regjeringen", "url": http_server.url + rss_path},
               {"id": "hoyringar", "kind": "regjeringen", "url": http_server.url + LISTING, "max_pages": 1}]
    config = write_config(tmp_path, sources=sources)
    assert main(["run", "--config", config]) == 0
    atom = (tmp_path / "feeds" / "all.atom").read_bytes()
    # No article page for 4100003: the listing's and the feed's wordings compete, and one rule decides.
    settled = feed_entries(tmp_path)[regjeringen_id(4100003)].summary
    assert settled.startswith(("Justis- og beredskapsdepartementet foreslår", "RSS-utgaven"))
    for _ in range(2):
        http_server.requests.clear()
        assert main(["run", "--config", config]) == 0
        assert article_requests(http_server) in ([], [MISSING])  # only the missing page, by its back-off
        assert (tmp_path / "feeds" / "all.atom").read_bytes() == atom  # no updated bump, no rewrite

    # The order of sources in the config does not matter: the same documents, the same bytes.
    other = tmp_path / "reversed"
    other.mkdir()
    assert main(["run", "--config", write_config(other, sources=list(reversed(sources)))]) == 0
    assert (other / "feeds" / "all.atom").read_bytes() == atom


def test_a_regjeringen_document_is_one_entry_whichever_kind_reads_it(http_server, tmp_path, monkeypatch):
    """The same regjeringen.no feed read by `feed` and by `regjeringen` (through this server as the HTTP
    proxy, so that the URLs are the site's own): one entry per document, identified by its number."""
    base = "http://www.regjeringen.no"
    serve_own_regjeringen(http_server)
    http_server.add(OWNER_RSS, own_page("rss-owner165.xml").replace("{base}", base), content_type="application/rss+xml")
    monkeypatch.setenv("HTTP_PROXY", http_server.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    config = write_config(tmp_path, sources=[{"id": "as-feed", "kind": "feed", "url": base + OWNER_RSS},
                                     {"id": "as-regjeringen", "kind": "regjeringen", "url": base + OWNER_RSS}])
    assert main(["run", "--config", config]) == 0
    everything = feed_entries(tmp_path)
    assert sorted(everything) == sorted(regjeringen_id(n) for n in (4100011, 4100010, 4099990))
    assert {t.term for t in everything[regjeringen_id(4100011)].tags} >= {"aid", "kdd"}  # completed by its article page


# ============================================================================ article pages, per-item problems


def test_a_failed_article_page_is_retried_with_back_off_then_given_up_and_shown_in_status(http_server, tmp_path, capsys):
    serve_own_regjeringen(http_server)
    config = write_config(tmp_path, sources=[{"id": "hoyringar", "kind": "regjeringen", "url": http_server.url + LISTING,
                                      "max_pages": 1}])
    tried_on = []
    for run in range(1, 19):
        http_server.requests.clear()
        assert main(["run", "--config", config]) == 0
        if MISSING in http_server.paths():
            tried_on.append(run)
    assert tried_on == [1, 2, 4, 8, 16]  # 1, 2, 4, 8 runs apart, then given up after 5 attempts
    capsys.readouterr()
    assert main(["status", "--config", config]) == 0
    out = capsys.readouterr().out
    assert f"WARNING article page not read: {http_server.url}{MISSING}: HTTP 404 Not Found (attempt 5; given up)" in out

    # The page appears at last and the listing shows the item anew: it is read.
    http_server.add(MISSING, own_page("article-id4100001.html").replace("4100001", "4100003"))
    http_server.add(LISTING, own_page("hoyringar-page1.html").replace("raskere reaksjoner", "raskare reaksjonar"))
    http_server.requests.clear()
    assert main(["run", "--config", config]) == 0
    assert MISSING in http_server.paths()


def test_one_bad_item_is_a_warning_and_the_source_keeps_the_others(http_server, tmp_path, capsys):
    serve_own_regjeringen(http_server)
    loop = ARTICLES[4100001]
    http_server.add(loop, "", status=302, content_type="text/plain", Location=loop)  # a redirect loop
    page = own_page("hoyringar-page1.html").replace(  # a link no client can request
        'href="/no/dokumenter/hoyring-familieinnvandring/id4100002/"', 'href="http://127.0.0.1:99999/x/id4100002/"')
    http_server.add(LISTING, page)
    config = write_config(tmp_path, sources=[{"id": "hoyringar", "kind": "regjeringen", "url": http_server.url + LISTING,
                                      "max_pages": 1}])
    assert main(["run", "--config", config]) == 0
    err = capsys.readouterr().err
    assert f"{loop}: too many redirects" in err
    assert "99999" in err and "skipped" in err
    assert set(feed_entries(tmp_path)) == {regjeringen_id(4100001), regjeringen_id(4100003)}


# ============================================================================ no invented dates


UNDATED_RSS = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Fylkesnytt</title>
<link>{base}/</link><item><title>Sak uten dato</title><link>{base}/sak-uten-dato</link>
<description>Ingen dato her.</description></item></channel></rss>"""


def test_an_item_without_a_known_date_has_no_published_date(http_server, tmp_path):
    http_server.add("/rss", UNDATED_RSS.replace("{base}", http_server.url), content_type="application/rss+xml")
    config = write_config(tmp_path, sources=[{"id": "fylke", "kind": "feed", "url": http_server.url + "/rss"}])
    assert main(["run", "--config", config]) == 0
    entry = next(iter(feed_entries(tmp_path).values()))
    assert "published" not in entry  # not the fetch time presented as a publication date
    assert entry.updated  # Atom requires one: when it was first seen
    assert entry.author == "Fylkesnytt"  # the feed's own title, not a site it does not come from


def test_an_unreadable_store_migration_is_not_left_half_done(tmp_path):
    """A migration that fails leaves the version before it and no half of its tables."""
    path = tmp_path / "x.db"
    Store(path).close()

    def broken(db):
        db.execute("CREATE TABLE half (x)")
        raise sqlite3.OperationalError("disk I/O error")

    MIGRATIONS.append(broken)
    try:
        with pytest.raises(sqlite3.OperationalError):
            Store(path)
    finally:
        MIGRATIONS.remove(broken)
    store = Store(path)
    try:
        assert "half" not in store.db.table_names() and store.schema_version == len(MIGRATIONS)
    finally:
        store.close()


if os.name != "posix":  # kills and fcntl locks are POSIX
    pytestmark = pytest.mark.skip("POSIX only")
