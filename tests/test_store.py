"""The store: one row per document, merges across sources, updates on real changes, migrations, locking."""

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from helpers import deadline_and_status, hearing_extra, hold_the_store

from aggregator.commit import commit_fetch, commit_record
from aggregator.normalize import OSLO, parse_date
from aggregator.records import FetchResult, Record
from aggregator.store import MIGRATIONS, Store, StoreBusy

T0 = datetime(2026, 7, 4, 8, 0, tzinfo=UTC)
ID = "https://www.regjeringen.no/no/id3168525/"


def record(**changes) -> Record:
    values = {
        "id": ID,
        "link": "https://www.regjeringen.no/no/dokumenter/hoyring-om-skatt/id3168525/",
        "title": "Høyring om skatt",
        "summary": "Departementet sender på høyring eit forslag om skatt på utbyte frå selskap i utlandet.",
        "language": "nn",
        "published": parse_date("03.07.2026"),
        "document_type": "consultation",
        "ministries": ["fin"],
        "extra": hearing_extra("2026-08-14"),
    }
    values.update(changes)
    return Record(**values)


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "sub" / "aggregator.db")
    yield s
    s.close()


def test_a_new_store_is_created_with_its_folder_in_wal_mode_at_the_latest_schema(tmp_path):
    store = Store(tmp_path / "a" / "b" / "x.db")
    assert (tmp_path / "a" / "b" / "x.db").exists()
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.schema_version == len(MIGRATIONS)
    store.close()


def test_migrations_run_once_and_bring_an_old_store_up_to_date(tmp_path):
    path = tmp_path / "x.db"
    store = Store(path)
    commit_record(store, record(), "s1", now=T0)
    store.close()
    calls = []

    def v_next(db):
        calls.append(1)
        db["items"].add_column("note", str)

    MIGRATIONS.append(v_next)
    try:
        upgraded = Store(path)
        assert upgraded.schema_version == len(MIGRATIONS)
        assert "note" in upgraded.db["items"].columns_dict
        assert upgraded.get_item(ID)["title"] == "Høyring om skatt"  # data survives the migration
        upgraded.close()
        Store(path).close()
        assert calls == [1]
    finally:
        MIGRATIONS.remove(v_next)


def test_insert_then_read_back_with_types(store):
    assert commit_record(store, record(), "s1", ["economy"], now=T0) == "new"
    item = store.get_item(ID)
    assert item["published"] == datetime(2026, 7, 3, tzinfo=OSLO)
    assert item["first_seen"] == T0
    assert item["updated"] == item["published"]
    assert item["ministries"] == ["fin"] and item["sources"] == ["s1"] and item["topics"] == ["economy"]
    assert item["extra"] == hearing_extra("2026-08-14")


def test_the_same_document_from_another_source_is_one_row_with_the_union(store):
    commit_record(store, record(topics=["skatt"]), "rss", now=T0)
    again = record(ministries=["fin", "ed"], topics=["energi"])
    assert commit_record(store, again, "listing", ["hearings-source-topic"], now=T0 + timedelta(hours=1)) == "unchanged"
    item = store.get_item(ID)
    assert item["sources"] == ["listing", "rss"]  # sorted: the order sources were read in never matters
    assert item["ministries"] == ["fin", "ed"]
    assert item["topics"] == ["energi", "hearings-source-topic", "skatt"]
    assert item["first_seen"] == T0
    assert store.count_items() == 1 and store.count_items("listing") == 1


def test_a_changed_title_updates_the_row_and_its_updated_time(store):
    commit_record(store, record(), "s1", now=T0)
    later = T0 + timedelta(days=1)
    assert commit_record(store, record(title="Høyring om skatt på utbyte"), "s1", now=later) == "changed"
    item = store.get_item(ID)
    assert item["title"] == "Høyring om skatt på utbyte"
    assert item["updated"] == later
    assert item["first_seen"] == T0


def test_the_sites_last_modified_is_the_updated_time_when_given(store):
    commit_record(store, record(), "s1", now=T0)
    modified = datetime(2026, 7, 5, 12, 0, tzinfo=UTC)
    commit_record(store, record(summary="Ny tekst.", updated=modified), "s1", now=T0 + timedelta(days=3))
    assert store.get_item(ID)["updated"] == modified


def test_a_cut_off_listing_summary_never_replaces_the_whole_one(store):
    commit_record(store, record(), "article", now=T0)
    cut = record(summary="Departementet sender på høyring eit forslag om skatt …")
    assert commit_record(store, cut, "listing", now=T0 + timedelta(hours=1)) == "unchanged"
    assert store.get_item(ID)["summary"].endswith("selskap i utlandet.")


def test_a_bare_listing_date_is_refined_by_a_time_on_the_same_day_and_not_the_reverse(store):
    commit_record(store, record(), "listing", now=T0)
    precise = datetime(2026, 7, 3, 14, 35, tzinfo=OSLO)
    commit_record(store, record(published=precise), "rss", now=T0)
    commit_record(store, record(), "listing", now=T0)
    item = store.get_item(ID)
    assert item["published"] == precise
    assert item["updated"] >= item["published"]


def test_language_versions_are_kept_apart(store):
    commit_record(store, record(), "no", now=T0)
    commit_record(store, record(id="https://www.regjeringen.no/en/id3168525/", title="Consultation on tax", language="en"), "en", now=T0)
    assert store.count_items() == 2


def test_items_come_newest_first(store):
    for n, day in enumerate([3, 7, 5]):
        commit_record(store, record(id=f"x{n}", published=datetime(2026, 7, day, tzinfo=OSLO)), "s", now=T0)
    assert [i["id"] for i in store.items()] == ["x1", "x2", "x0"]


def test_source_state_counts_failures_and_resets_on_success(store):
    store.record_failure("s", "HTTP 500", now=T0)
    state = store.record_failure("s", "timed out", now=T0 + timedelta(hours=1))
    assert state["consecutive_failures"] == 2
    assert state["failing_since"] == T0.isoformat() and state["last_error"] == "timed out"
    before = store.record_success("s", 20, now=T0 + timedelta(hours=2))
    assert before["consecutive_failures"] == 2
    after = store.source_state("s")
    assert after["consecutive_failures"] == 0 and after["failing_since"] is None and after["last_item_count"] == 20
    assert after["last_error"] == "timed out"  # kept for status: when did it last fail, and why


def test_validators_are_kept_per_source_and_dropped_when_the_server_stops_giving_them(store):
    url = "https://x/feed"
    commit_fetch(store, "a", [], FetchResult(validators={url: ('"abc"', "Fri, 03 Jul 2026 14:35:59 GMT")}), run=1)
    assert store.get_validators("a", url) == ('"abc"', "Fri, 03 Jul 2026 14:35:59 GMT")
    assert store.get_validators("b", url) == (None, None)  # the same URL in another source has its own
    commit_fetch(store, "a", [], FetchResult(validators={url: (None, None)}), run=2)
    assert store.get_validators("a", url) == (None, None)


def test_a_second_process_cannot_take_the_lock_while_one_holds_it(tmp_path):
    path = tmp_path / "x.db"
    store = Store(path)
    with hold_the_store(path) as child:
        busy = rf"another aggregator command is using .*x.db \(pid {child.pid}\)"
        with pytest.raises(StoreBusy, match=busy), store.exclusive():
            pass
    with store.exclusive():  # the lock dies with its holder: a killed run never blocks the next one
        pass
    store.close()


def test_concurrent_writers_wait_rather_than_fail(tmp_path):
    path = tmp_path / "x.db"
    Store(path).close()
    other = sqlite3.connect(path, timeout=0, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO topics (id, title) VALUES ('a', 'A')")
    store = Store(path)
    import threading

    threading.Timer(0.5, other.commit).start()
    assert commit_record(store, record(), "s", now=T0) == "new"  # waited for the other writer (busy_timeout)
    store.close()


def test_a_store_from_before_hearing_events_upgrades_and_then_records_them(tmp_path):
    """A v4 store (before hearing events) holding a hearing: upgraded, the item reads the same, and the next change
    of its deadline is an event that advances its `updated`."""
    import json

    import sqlite_utils

    from aggregator.records import record_to_json
    from aggregator.store.schema import migrate_db

    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    saved = list(MIGRATIONS)
    MIGRATIONS[:] = saved[:4]
    try:
        migrate_db(old)
    finally:
        MIGRATIONS[:] = saved
    seen = T0.isoformat()
    old["items"].insert({
        "id": ID, "link": record().link, "title": "Høyring om skatt", "summary": record().summary, "language": "nn",
        "published": record().published.isoformat(), "updated": record().published.isoformat(), "first_seen": seen,
        "changed": seen, "document_type": "consultation", "ministries": '["fin"]', "authors": "[]", "topics": "[]",
        "sources": '["s1"]', "extra": json.dumps({"deadline": "2026-08-14"}), "sort_key": seen, "version": 1})
    old["observations"].insert({"item_id": ID, "source_id": "s1", "data": record_to_json(record()),
                                "source_topics": "[]", "seen_at": seen})
    old.close()
    store = Store(path)
    try:
        assert store.schema_version == len(MIGRATIONS) == 6
        item = store.get_item(ID)
        assert item["title"] == "Høyring om skatt" and item["hearing_changed"] is None
        assert deadline_and_status(item) == ("2026-08-14", None)  # v5's flat keys, in v6's hearing model
        commit_record(store, record(extra=hearing_extra("2026-08-28")), "s1", now=T0 + timedelta(days=1))
        item = store.get_item(ID)
        assert item["hearing_changed"] == T0 + timedelta(days=1) and item["updated"] == T0 + timedelta(days=1)
        assert [e["event"] for e in store.hearing_events_after(0)] == [
            {"kind": "deadline", "from": "2026-08-14", "to": "2026-08-28"}]
    finally:
        store.close()


def test_a_hearings_reworded_summary_is_no_update_and_no_event(store):
    commit_record(store, record(), "s1", now=T0)
    before = store.get_item(ID)
    assert commit_record(store, record(summary="Departementet sender på høyring eit endra forslag om skatt."), "s1",
                        now=T0 + timedelta(days=1)) == "changed"
    after = store.get_item(ID)
    assert after["summary"].endswith("endra forslag om skatt.") and after["updated"] == before["updated"]
    assert store.hearing_events_after(0) == []


def test_a_listing_showing_a_new_deadline_wins_over_an_article_page_that_could_not_be_read_again(store):
    """The article page said 14.08; the listing now says 28.08 and the page fails (a 429, a challenge): the
    hearing's deadline is the listing's until the page is read again, and the move is an event."""
    listing = record(summary="Kort omtale.")
    commit_fetch(store, "listing", [], FetchResult(records=[listing], articles={ID: record()}), run=1, now=T0)
    moved = record(summary="Kort omtale.", extra=hearing_extra("2026-08-28"))
    failed = FetchResult(records=[moved], article_failures={ID: (moved.link, "HTTP 429 Too Many Requests")})
    commit_fetch(store, "listing", [], failed, run=2, now=T0 + timedelta(days=1))
    assert deadline_and_status(store.get_item(ID))[0] == "2026-08-28"
    assert [e["event"] for e in store.hearing_events_after(0)] == [
        {"kind": "deadline", "from": "2026-08-14", "to": "2026-08-28"}]


def test_a_listing_that_did_not_move_never_overrides_the_article_page(store):
    """The listing keeps saying 01.12 while the page says 15.12; the page fails every other run: the deadline
    stays the page's, and nothing flips."""
    page = record(extra=hearing_extra("2026-12-15"))
    listing = record(summary="Kort omtale.", extra=hearing_extra("2026-12-01"))
    commit_fetch(store, "listing", [], FetchResult(records=[listing], articles={ID: page}), run=1, now=T0)
    for run in range(2, 6):
        later = T0 + timedelta(days=run)
        if run % 2:
            result = FetchResult(records=[listing], articles={ID: page})
        else:
            result = FetchResult(records=[listing], article_failures={ID: (listing.link, "HTTP 429 Too Many Requests")})
        commit_fetch(store, "listing", [], result, run=run, now=later)
        assert deadline_and_status(store.get_item(ID))[0] == "2026-12-15"
    assert store.hearing_events_after(0) == []
