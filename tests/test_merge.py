"""merge.py: what one document is when several sources and its article page describe it (pure rules)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from helpers import hearing_extra

from aggregator.merge import (
    ARTICLE,
    MAX_ARTICLE_ATTEMPTS,
    Observation,
    after_article_failure,
    effective_updated,
    listing_moved,
    merge,
    needs_article,
    pick_text,
)
from aggregator.normalize import OSLO
from aggregator.records import Record

ID = "https://www.regjeringen.no/no/id1/"
WHOLE = "Departementet sender på høring et forslag om endringer i skatteloven for selskap i utlandet."
CUT = "Departementet sender på høring et forslag om endringer …"


def rec(**fields) -> Record:
    return Record(**{"id": ID, "link": "https://www.regjeringen.no/no/dokumenter/a/id1/", "title": "Høring om skatt",
                     **fields})


def test_the_article_page_outranks_listings_and_feeds_for_text_and_dates():
    doc = merge([
        Observation("listing", rec(title="Høring om skatt", summary="Listingens tekst.",
                                   published=datetime(2026, 3, 1, tzinfo=OSLO))),
        Observation(ARTICLE, rec(title="Høring om skatt på utbytte", summary="Artikkelens ingress.",
                                 published=datetime(2026, 3, 2, tzinfo=OSLO),
                                 updated=datetime(2026, 3, 3, 12, tzinfo=UTC))),
    ])
    assert (doc.title, doc.summary) == ("Høring om skatt på utbytte", "Artikkelens ingress.")
    assert doc.published == datetime(2026, 3, 2, tzinfo=OSLO) and doc.site_updated.day == 3
    assert doc.sources == ["listing"]  # the article page is no source


def test_a_cut_text_never_replaces_the_whole_one_whatever_its_rank():
    assert merge([Observation(ARTICLE, rec(summary=CUT)), Observation("rss", rec(summary=WHOLE))]).summary == WHOLE
    assert pick_text(["", CUT, WHOLE]) == WHOLE


def test_a_bare_date_takes_the_time_another_observation_gives_on_that_day():
    doc = merge([Observation(ARTICLE, rec(published=datetime(2026, 3, 12, tzinfo=OSLO))),
                 Observation("rss", rec(published=datetime(2026, 3, 12, 10, 30, tzinfo=OSLO)))])
    assert doc.published == datetime(2026, 3, 12, 10, 30, tzinfo=OSLO)


def test_the_same_observations_in_any_order_give_the_same_document():
    observations = [
        Observation("rss", rec(summary="RSS-teksten.", ministries=["aid"]), ("arbeid",)),
        Observation("listing", rec(summary="Listingens tekst.", ministries=["jd", "aid"], language="nb")),
        Observation("ks", rec(summary="KS-teksten.", authors=["KS"], extra={"label": "Høring"})),
    ]
    documents = {repr(merge(list(order))) for order in itertools.permutations(observations)}
    assert len(documents) == 1
    doc = merge(observations)
    assert doc.summary == "KS-teksten." and doc.sources == ["ks", "listing", "rss"]
    assert doc.ministries == ["jd", "aid"] and doc.topics == ["arbeid"]
    assert doc.authors == ["Justis- og beredskapsdepartementet", "Arbeids- og inkluderingsdepartementet", "KS"]


def test_ministry_names_follow_the_document_language():
    doc = merge([Observation(ARTICLE, rec(language="nn", ministries=["aid"])),
                 Observation("listing", rec(language="nb", ministries=["aid"],
                                            authors=["Arbeids- og inkluderingsdepartementet"]))])
    assert doc.language == "nn" and doc.authors == ["Arbeids- og inkluderingsdepartementet"]


def test_updated_is_the_sites_last_modified_else_the_latest_known_change_else_first_seen():
    first_seen = datetime(2026, 3, 20, 8, tzinfo=UTC)
    plain = merge([Observation("s", rec())])
    assert effective_updated(plain, first_seen, None) == first_seen  # no date known: when it was first seen
    dated = merge([Observation("s", rec(published=datetime(2026, 3, 1, tzinfo=OSLO)))])
    assert effective_updated(dated, first_seen, None) == datetime(2026, 3, 1, tzinfo=OSLO)
    changed = datetime(2026, 3, 21, tzinfo=UTC)
    assert effective_updated(dated, first_seen, changed) == changed
    site = merge([Observation("s", rec(published=datetime(2026, 3, 1, tzinfo=OSLO),
                                       updated=datetime(2026, 3, 5, tzinfo=UTC)))])
    assert effective_updated(site, first_seen, changed) == datetime(2026, 3, 5, tzinfo=UTC)


def test_an_article_page_is_read_once_then_only_when_this_sources_view_moves():
    now = rec(summary="Samme tekst.")
    assert needs_article(None, now, None, run=1)  # new
    assert not needs_article(now, now, {"status": "read"}, run=2)
    assert not needs_article(None, now, {"status": "read"}, run=2)  # another source saw it and read the page
    moved = rec(summary="Samme tekst.", extra=hearing_extra("2026-09-15"))
    assert listing_moved(now, moved) and needs_article(now, moved, {"status": "read"}, run=2)


def test_failed_article_pages_back_off_in_runs_then_are_given_up():
    state, tried = None, []
    for run in range(1, 40):
        if needs_article(rec(), rec(), state, run) if state else True:
            tried.append(run)
            state = after_article_failure(state, run)
    assert tried == [1, 2, 4, 8, 16] and state["status"] == "given_up"
    assert state["attempts"] == MAX_ARTICLE_ATTEMPTS
    assert needs_article(rec(), rec(title="Ny tittel"), state, 40)  # the listing moved: try once more
