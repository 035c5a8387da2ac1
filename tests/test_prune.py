"""Retention through the CLI: `run` prunes what is older than [storage] keep_days, `aggregator prune` too, and
neither removes an open or followed hearing, what a feed still shows, what the ledger has not delivered, or an
answer linked to a kept hearing; a pruned document a site lists again is no news a second time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from helpers import ChangingFeed, answer_extra, hearing_extra, write_config

from aggregator.cli import main
from aggregator.commit import commit_record
from aggregator.config import load_config
from aggregator.normalize import OSLO
from aggregator.records import Record
from aggregator.store import Store

NOW = datetime.now(UTC)
LONG_AGO = NOW - timedelta(days=400)
TODAY = datetime.now(OSLO).date()


def record(name: str, days_ago: int, **more) -> Record:
    link = f"https://departement.example.org/no/{name}/"
    return Record(id=link, link=link, title=name, language="nb", published=NOW - timedelta(days=days_ago), **more)


def hearing(name: str, days_ago: int, deadline_in_days: int) -> Record:
    deadline = (TODAY + timedelta(days=deadline_in_days)).isoformat()
    return record(name, days_ago, document_type="consultation", extra=hearing_extra(deadline, "På høring"))


def test_run_and_prune_keep_what_is_still_needed_and_remove_the_rest(tmp_path, http_server, webhook, capsys):
    feed = ChangingFeed(http_server)
    feed.add("Dagens sak")
    config = write_config(tmp_path, storage={"keep_days": 90}, output={"max_entries": 2},
                          sources=[{"id": "dep", "kind": "feed", "url": feed.url}],
                          topics=[{"id": "hearings", "document_types": ["consultation"]}],
                          subscriptions=[{"id": "chat", "urls": [webhook.url()]},
                                         {"id": "slow", "urls": [webhook.url("slow")], "keywords": ["ikke-levert"]}])
    assert main(["run", "--config", str(config)]) == 0  # the baseline
    reappearing = feed.add("Gammel sak som dukker opp igjen")
    feed.items.remove(reappearing)
    old = {
        "unread": record("ikke-levert", 350),  # its message fails: the ledger still needs it
        "plain": record("gammel-sak", 300),
        "again": Record(id=reappearing.link, link=reappearing.link, title=reappearing.title, language="nb",
                        published=NOW - timedelta(days=290)),
        "closed": hearing("lukket-horing", 280, -200),
        "followed": hearing("fulgt-horing", 270, -30),  # deadline 30 days past: still followed (answers come late)
        "open": hearing("apen-horing", 260, 20),
        "answer": record("ks-svar", 250, document_type="consultation-response", authors=["KS"],
                         extra=answer_extra(link="https://departement.example.org/no/apen-horing/")),
        "in-feed": record("vist-i-feed", 5),  # first seen long ago, but among each of its feeds' newest two
    }
    store = Store(load_config(config).database)
    try:
        for item in old.values():
            commit_record(store, item, "dep", now=LONG_AGO)
        store.conn.execute("UPDATE subscriptions SET first_seen = ?", [(LONG_AGO - timedelta(days=1)).isoformat()])
        store.conn.commit()
    finally:
        store.close()
    webhook.fail(100, "slow")  # one receiver refuses: that item's message waits for a later run
    assert main(["notify", "--config", str(config)]) == 1  # 1: a delivery failed
    assert main(["build", "-q", "--config", str(config)]) == 0
    capsys.readouterr()

    assert main(["run", "--config", str(config)]) == 0
    assert "pruned: 3 old items" in capsys.readouterr().out  # gammel-sak, the one that comes again, the closed one
    kept = stored_ids(config)
    assert {old[k].id for k in ("plain", "again", "closed")}.isdisjoint(kept)
    assert {old[k].id for k in ("unread", "followed", "open", "answer", "in-feed")} <= kept
    assert rows_of(config, old["closed"].id) == {"observations": 0, "feed_items": 0, "item_refs": 0, "messages": 0}
    assert rows_of(config, old["unread"].id)["messages"] == 2  # not delivered to "slow" yet: kept, with its messages
    assert main(["prune", "--config", str(config)]) == 0
    assert "removed 0 items" in capsys.readouterr().out

    sent = len(webhook.messages)
    assert sent == len(old)  # every old item reached "chat" (its first_seen after the subscription's)
    feed.items.append(reappearing)  # the site lists the pruned document again
    assert main(["run", "--config", str(config)]) == 0
    assert len(webhook.messages) == sent  # not news a second time
    assert reappearing.link in stored_ids(config)  # stored again, for the feeds


def test_prune_needs_a_number_of_days(tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text('[[sources]]\nid = "a"\nkind = "feed"\nurl = "https://example.org/rss"\n', encoding="utf-8")
    assert main(["prune", "--config", str(config)]) == 2
    assert "[storage] keep_days" in capsys.readouterr().err
    assert main(["prune", "--keep-days", "30", "--vacuum", "--config", str(config)]) == 0
    assert "removed 0 items" in capsys.readouterr().out


def stored_ids(config) -> set[str]:
    store = Store(load_config(config).database)
    try:
        return {r[0] for r in store.conn.execute("SELECT id FROM items")}
    finally:
        store.close()


def rows_of(config, item_id: str) -> dict[str, int]:
    store = Store(load_config(config).database)
    try:
        count = {table: store.conn.execute(f"SELECT count(*) FROM {table} WHERE item_id = ?", [item_id]).fetchone()[0]
                 for table in ("observations", "feed_items", "item_refs")}
        count["messages"] = store.conn.execute("SELECT count(*) FROM messages m, json_each(m.item_ids) j "
                                               "WHERE j.value = ?", [item_id]).fetchone()[0]
        return count
    finally:
        store.close()
