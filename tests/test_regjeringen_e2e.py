"""`kind = "regjeringen"` against a real HTTP server on 127.0.0.1 that serves the project's own
fixtures: robots.txt, a two-page listing, an RSS feed and article pages (one of them missing).

First `fetch` itself (pagination, robots.txt, article pages, warnings), then `aggregator run`
end to end, twice."""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC

import pytest
from helpers import (
    MISSING_ARTICLE,
    REGJERINGEN_ARTICLES,
    REGJERINGEN_LISTING,
    REGJERINGEN_RSS,
    LocalServer,
    Route,
    completed,
    deadline_and_status,
    feed_entries,
    hearing_extra,
    own_page,
    regjeringen_id,
    serve_own_regjeringen,
    write_config,
)

from aggregator.cli import main
from aggregator.config import SourceConfig
from aggregator.http import HttpSettings, PoliteClient
from aggregator.records import Record, SourceError
from aggregator.sources import SourceContext
from aggregator.sources.regjeringen.fetching import fetch

# The project's own regjeringen.no pages, as helpers.serve_own_regjeringen serves them
LISTING, RSS, ARTICLES, MISSING = REGJERINGEN_LISTING, REGJERINGEN_RSS, REGJERINGEN_ARTICLES, MISSING_ARTICLE


def listing_source(server, path: str = LISTING, max_pages: int = 3) -> SourceConfig:
    return SourceConfig(id="hoyringar", kind="regjeringen", url=server.url + path, options={"max_pages": max_pages})


def context(history: list[Record] | None = None, timeout: float = 5.0) -> SourceContext:
    """A source's context whose committed history is `history` (records this source saw, articles read)."""
    client = PoliteClient(HttpSettings(min_delay=0, retries=0, timeout=timeout))
    observed = {r.id: r for r in history or []}
    return SourceContext(http=client, source_id="hoyringar", observed=observed.get,
                         article_state=lambda item_id: {"status": "read"} if item_id in observed else None)


# ============================================================================ fetch


def test_fetch_listing_follows_pages_and_completes_new_items(http_server):
    serve_own_regjeringen(http_server)
    result = fetch(listing_source(http_server), context())
    by_id = {r.id: r for r in completed(result, "hoyringar")}
    assert list(by_id) == [regjeringen_id(n) for n in (4100001, 4100002, 4100003, 4099990, 4099985)]
    first = by_id[regjeringen_id(4100001)]
    assert first.summary.endswith("Forslaget gjelder også prøvene i norsk og samfunnskunnskap, som skal kunne tas flere ganger.")
    assert first.topics == ["innvandring-og-integrering", "voksnes-laering-og-kompetanse"]
    assert first.site_updated.astimezone(UTC).isoformat() == "2026-03-12T13:05:00+00:00"
    assert by_id[regjeringen_id(4100002)].language == "nn"  # the article page says nynorsk
    # The missing article page is a warning; the item keeps what the listing gave.
    missing = by_id[regjeringen_id(MISSING)]
    assert missing.summary == "Justis- og beredskapsdepartementet foreslår tiltak som skal gi raskere reaksjoner når offentlig ansatte blir utsatt for vold og trusler."
    assert missing.ministries == ["jd"] and deadline_and_status(missing)[0] == "2026-06-05" and missing.site_updated is None
    assert result.warnings == [
        f"article page {http_server.url}{ARTICLES[MISSING]}: HTTP 404 Not Found; the item keeps what the listing gave "
        "(tried again on a later run)"
    ]
    assert result.article_failures == {regjeringen_id(MISSING): (http_server.url + ARTICLES[MISSING], "HTTP 404 Not Found")}
    paths = http_server.paths()
    assert paths.count(LISTING) == 1 and paths.count(f"{LISTING}?page=2") == 1
    assert [p for p in paths if "/no/dokumenter/" in p and "showSvar" not in p] == [
        ARTICLES[n] for n in (4100001, 4100002, 4100003, 4099990, 4099985)]
    # each hearing's response listing is looked at with its page (never a single response's ?uid= page)
    assert not [p for p in paths if "uid=" in p]
    assert f"{ARTICLES[4100001]}?showSvar=true&consterm=&page=1&isFilterOpen=true" in paths


def test_fetch_stops_at_the_first_page_whose_items_are_all_known(http_server):
    serve_own_regjeringen(http_server)
    first = fetch(listing_source(http_server), context())
    http_server.requests.clear()
    again = fetch(listing_source(http_server), context(history=first.records))
    assert http_server.paths() == ["/robots.txt", LISTING]
    assert [r.id for r in again.records] == [regjeringen_id(n) for n in (4100001, 4100002, 4100003)]
    assert again.warnings == []


def test_a_listing_a_killed_run_left_half_walked_is_walked_on_past_its_seen_pages(http_server):
    """The last fetch committed page 1's batch and was killed: page 1 is all seen, yet this fetch walks on to page 2,
    which the killed run never reached."""
    serve_own_regjeringen(http_server)
    first = fetch(listing_source(http_server, max_pages=1), context())
    http_server.requests.clear()
    resumed = context(history=first.records)
    resumed.resume_walk = True
    again = fetch(listing_source(http_server), resumed)
    assert f"{LISTING}?page=2" in http_server.paths()
    assert [r.id for r in again.records][-2:] == [regjeringen_id(n) for n in (4099990, 4099985)]


def test_a_changed_deadline_fetches_the_article_again(http_server):
    serve_own_regjeringen(http_server)
    first = fetch(listing_source(http_server, max_pages=1), context())
    history = [dataclasses.replace(r, extra=dict(r.extra)) for r in first.records]
    history[0].extra.update(hearing_extra("2026-05-01", deadline_and_status(history[0])[1]))  # this listing showed another deadline last time
    http_server.requests.clear()
    fetch(listing_source(http_server, max_pages=1), context(history=history))
    assert [p for p in http_server.paths() if "/no/dokumenter/" in p and "showSvar" not in p] == [ARTICLES[4100001]]


def test_max_pages_is_respected(http_server):
    serve_own_regjeringen(http_server)
    result = fetch(listing_source(http_server, max_pages=1), context())
    assert len(result.records) == 3
    assert f"{LISTING}?page=2" not in http_server.paths()


def test_a_listing_robots_txt_disallows_is_refused_unrequested(http_server):
    serve_own_regjeringen(http_server)
    path = "/en/whatsnew/finn-aktuelt2/id2415244/?ownerid=165&topic=918"
    with pytest.raises(SourceError) as error:
        fetch(listing_source(http_server, path), context())
    message = str(error.value)
    assert "robots.txt" in message
    assert f"{http_server.url}/en/rss/Rss/2581966/?owner=165&topic=918" in message
    assert http_server.paths() == ["/robots.txt"]


def test_a_subscribed_feed_is_fetched_without_robots_txt(http_server):
    # robots.txt disallows /*/?topic, which matches this feed URL; a subscribed feed is read anyway,
    # as a feed reader would. Its article pages are crawled, so robots.txt is asked about those.
    serve_own_regjeringen(http_server)
    feed_path = "/en/rss/Rss/2581966/?topic=918"
    http_server.add(feed_path, own_page("rss-owner165.xml").replace("{base}", http_server.url), content_type="application/rss+xml")
    source = SourceConfig(id="feed", kind="regjeringen", url=http_server.url + feed_path)
    result = fetch(source, context())
    assert http_server.paths()[0] == feed_path
    assert [r.id for r in result.records] == [regjeringen_id(n) for n in (4100011, 4100010, 4099990)]
    news = completed(result, "hoyringar")[0]
    assert news.ministries == ["aid", "kdd"]  # the feed names none; the article page does
    assert news.published.isoformat() == "2026-03-30T14:00:00+02:00"


def test_an_article_page_that_times_out_is_a_warning(http_server):
    serve_own_regjeringen(http_server)

    def slow(request):
        time.sleep(1.5)
        return Route(own_page("article-id4100001.html"))

    http_server.add(ARTICLES[4100001], slow)
    result = fetch(listing_source(http_server, max_pages=1), context(timeout=0.5))
    assert [r.id for r in result.records] == [regjeringen_id(n) for n in (4100001, 4100002, 4100003)]
    assert result.records[0].summary.endswith("Forslaget gjelder også")  # the listing's, cut
    assert any(ARTICLES[4100001] in w and "timed out" in w for w in result.warnings)


def test_a_later_page_that_fails_is_a_warning(http_server):
    serve_own_regjeringen(http_server)
    http_server.add(f"{LISTING}?page=2", "busy", status=503)
    result = fetch(listing_source(http_server), context())
    assert len(result.records) == 3
    assert any("listing page 2" in w and "HTTP 503" in w for w in result.warnings)


def test_a_first_page_that_fails_fails_the_source(http_server):
    serve_own_regjeringen(http_server)
    with pytest.raises(SourceError, match="HTTP 404"):
        fetch(listing_source(http_server, "/no/aktuelt/nyheter/id2006120/"), context())


def test_a_changed_layout_fails_the_source(http_server):
    serve_own_regjeringen(http_server)
    http_server.add("/no/aktuelt/nyheter/id2006120/", "<html><body><div class='news-list'>…</div></body></html>")
    with pytest.raises(SourceError, match="layout may have changed"):
        fetch(listing_source(http_server, "/no/aktuelt/nyheter/id2006120/"), context())


def test_unknown_ministry_names_are_warned_about(http_server):
    serve_own_regjeringen(http_server)
    path = "/en/topics/business-and-industry/fisheries-and-aquaculture/id1291/"
    http_server.add(path, own_page("topic-en-page1.html"))
    http_server.add("/en/aktuelt/fish-farming-licences/id4200002/", own_page("article-en-id4200002.html"))
    result = fetch(listing_source(http_server, path), context())
    assert len(result.records) == 3
    assert any("'Ministry of Ocean Affairs'" in w and "ministries.toml" in w for w in result.warnings)
    licences = completed(result, "hoyringar")[1]
    assert licences.summary.endswith("and on the views of the municipalities concerned.")
    assert licences.extra == {"web_tv": True}


def test_a_listing_url_that_answers_with_xml_is_read_as_a_feed(http_server):
    serve_own_regjeringen(http_server)
    http_server.add("/no/aktuelt/nyheter/id2006120/", own_page("rss-owner165.xml").replace("{base}", http_server.url),
                    content_type="application/rss+xml")
    result = fetch(listing_source(http_server, "/no/aktuelt/nyheter/id2006120/"), context())
    assert [r.id for r in result.records] == [regjeringen_id(n) for n in (4100011, 4100010, 4099990)]


# ============================================================================ aggregator run, twice


def write_run_config(tmp_path, server) -> str:
    """The hearings listing and the ministry's feed as sources; a topic of hearings."""
    return write_config(
        tmp_path, storage={"database": "data/aggregator.db"},
        output={"directory": "feeds", "base_url": "https://feeds.example.org/"},
        sources=[{"id": "hoyringar", "kind": "regjeringen", "url": f"{server.url}{LISTING}", "title": "Høyringar", "max_pages": 3},
                 {"id": "aid-rss", "kind": "regjeringen", "url": f"{server.url}{RSS}", "title": "AID (RSS)"}],
        topics=[{"id": "hearings", "title": "Hearings", "document_types": ["consultation", "consultation-response"]}])


# What each document's entry must say: title, link path, published (with offset), summary end
EXPECTED = {
    4100001: ("Høring om endringer i regelverket for norskopplæring for voksne innvandrere",
              "2026-03-12T00:00:00+01:00", "som skal kunne tas flere ganger."),
    4100002: ("Høyring – forslag til endringar i utlendingsforskrifta om familieinnvandring",
              "2026-03-10T00:00:00+01:00", "for søknader om familieinnvandring."),
    4100003: ("Høring – forslag til lov om endringer i straffeprosessloven, politiloven og domstolloven (raskere "
              "behandling av saker om vold og trusler mot offentlig ansatte, bedre informasjonsdeling mellom etatene "
              "og styrket oppfølging av fornærmede)",
              "2026-03-05T00:00:00+01:00", "blir utsatt for vold og trusler."),
    # in the listing (27.02.2026) and in the feed (12:00 +0100): one entry, the feed's time
    4099990: ("Høring – utkast til forskrift om tilskudd til frivillige organisasjoner på integreringsfeltet",
              "2026-02-27T12:00:00+01:00", "som fremmer inkludering i lokalsamfunnet."),
    4099985: ("Høring om regler for interkommunalt samarbeid om bosetting",
              "2026-02-20T00:00:00+01:00", "som samarbeider om bosetting."),
    4100010: ("Flere flyktninger skal raskt komme i arbeid",
              "2026-03-13T10:30:00+01:00", "kombinere språkopplæring og arbeidspraksis."),
    4100011: ("Nye tall for bosetting av flyktninger", "2026-03-30T14:00:00+02:00", "flere flyktninger enn i fjor."),
}


def check_entries(feed_entries: dict, numbers: list[int], server_url: str) -> None:
    assert sorted(feed_entries) == sorted(regjeringen_id(n) for n in numbers)
    for number in numbers:
        entry = feed_entries[regjeringen_id(number)]
        title, published, summary_end = EXPECTED[number]
        assert entry.title == title
        assert entry.link == server_url + ARTICLES[number]
        assert entry.published == published
        assert entry.summary.endswith(summary_end), entry.summary


def test_aggregator_run_twice(http_server, tmp_path):
    serve_own_regjeringen(http_server)
    config = write_run_config(tmp_path, http_server)
    feeds = tmp_path / "feeds"

    assert main(["run", "--config", config]) == 0

    everything = feed_entries(tmp_path)
    check_entries(everything, list(EXPECTED), http_server.url)  # one entry per document
    check_entries(feed_entries(tmp_path, "ministries/aid"), [4100001, 4100002, 4099990, 4100010, 4100011], http_server.url)
    check_entries(feed_entries(tmp_path, "ministries/jd"), [4100002, 4100003], http_server.url)
    check_entries(feed_entries(tmp_path, "topics/hearings"), [4100001, 4100002, 4100003, 4099990, 4099985], http_server.url)

    # Several ministries are several categories and authors, not one string.
    shared = everything[regjeringen_id(4100002)]
    assert [t.term for t in shared.tags if t.scheme.endswith("/ministries/")] == ["jd", "aid"]
    assert [a.name for a in shared.authors] == ["Justis- og beredskapsdepartementet", "Arbeids- og inkluderingsdepartementet"]
    # The article's last-modified is the entry's updated time.
    assert everything[regjeringen_id(4100001)].updated == "2026-03-12T14:05:00+01:00"  # the article's GMT last-modified, in Oslo's offset
    # The hearing whose article page is missing is there, with the listing's facts.
    missing = everything[regjeringen_id(MISSING)]
    assert [t.term for t in missing.tags if t.scheme.endswith("/document-types/")] == ["consultation"]
    assert "Høringsfrist: 05.06.2026" in missing.content[0].value

    # Each article page was fetched once, though one document came from both the listing and the feed.
    first_paths = http_server.paths()
    for path in ARTICLES.values():
        assert first_paths.count(path) == 1, path

    # The second run: nothing new, and only what is needed is asked for.
    http_server.requests.clear()
    before = {p: p.read_bytes() for p in feeds.rglob("*.atom")}
    assert main(["run", "--config", config]) == 0
    paths = http_server.paths()
    # no article page again, but the missing one: it is retried on the next run (then after 2, 4, 8 runs)
    assert [p for p in paths if p in ARTICLES.values()] == [ARTICLES[MISSING]], paths
    assert paths.count(LISTING) == 1 and f"{LISTING}?page=2" not in paths  # page 1 is all known
    rss_request = next(r for r in http_server.requests if r.path == RSS)
    assert rss_request.headers.get("if-none-match") == '"rss-1"'
    assert rss_request.headers.get("if-modified-since") == "Mon, 30 Mar 2026 12:00:00 GMT"
    assert {p: p.read_bytes() for p in feeds.rglob("*.atom")} == before

    # The third run leaves the missing page alone (back-off); status names it.
    http_server.requests.clear()
    assert main(["run", "--config", config]) == 0
    assert not [p for p in http_server.paths() if p in ARTICLES.values()]


def test_an_article_page_that_redirects_to_another_host_is_a_warning_and_nothing_from_there_is_stored(
        http_server, tmp_path, capsys):
    """An article link that redirects off the site (an open redirect, or a page moved to an internal service) is
    not followed: a warning names the item, the item keeps what the listing gave, and the other host is never
    asked."""
    serve_own_regjeringen(http_server)
    elsewhere = LocalServer()
    try:
        elsewhere.add("/intern", own_page("article-id4100001.html").replace("Høring om endringer", "HEMMELIG intern side"))
        port = elsewhere.url.rsplit(":", 1)[1]
        http_server.add(ARTICLES[4100001], "", status=302, Location=f"http://localhost:{port}/intern")
        assert main(["run", "--config", write_run_config(tmp_path, http_server)]) == 0  # an item's warning, not a failure
        err = capsys.readouterr().err
        assert f"{http_server.url}{ARTICLES[4100001]}" in err and "localhost" in err
        assert elsewhere.requests == []
        feeds = "".join(p.read_text("utf-8") for p in (tmp_path / "feeds").rglob("*.atom"))
        assert "HEMMELIG" not in feeds and "Høring om endringer i regelverket for norskopplæring" in feeds
    finally:
        elsewhere.close()
