"""The statements of `aggregator prune` (retention.py decides what goes): old items and every row that hangs on them,
and the ledger's messages that were delivered and hold only removed items."""

from __future__ import annotations

import json
from collections.abc import Iterator

from ..hearings import HEARING_TYPES
from ..records import Item
from .codec import decode_item
from .items import chunks, marks

# Tables whose rows belong to one item, and the column that names it.
ITEM_ROWS = (("observations", "item_id"), ("article_state", "item_id"), ("item_refs", "item_id"),
             ("feed_items", "item_id"), ("hearing_events", "item_id"), ("answer_links", "answer_id"),
             ("answer_links", "hearing_id"), ("subscription_items", "item_id"), ("notify_waiting", "item_id"),
             ("items", "id"))
FINAL = ("sent", "failed", "unknown", "dropped")  # a delivery in one of these is done with


def old_items(store, cutoff: str) -> tuple[list[str], list[str]]:
    """The ids of items first seen before `cutoff` (ISO): (those that are no hearing, the hearings)."""
    others: list[str] = []
    hearings: list[str] = []
    for item_id, kind in store.conn.execute(
            "SELECT id, document_type FROM items WHERE julianday(first_seen) < julianday(?)", [cutoff]):
        (hearings if kind in HEARING_TYPES else others).append(item_id)
    return others, hearings


def items_by_id(store, item_ids: list[str]) -> Iterator[Item]:
    for chunk in chunks(item_ids):
        for row in store.db.query(f"SELECT * FROM items WHERE id IN ({marks(chunk)})", chunk):
            yield decode_item(row)


def shown_in_feeds(store, per_feed: int) -> set[str]:
    """The items some feed still shows: each feed's newest `per_feed` (its order: sort key, then id)."""
    return {r[0] for r in store.conn.execute(
        "SELECT item_id FROM (SELECT item_id, row_number() OVER (PARTITION BY feed ORDER BY sort_key DESC, item_id) "
        "AS n FROM feed_items) WHERE n <= ?", [per_feed])}


def not_delivered(store) -> set[str]:
    """Items the ledger still needs: in a message with a delivery not done, collected for a digest, waiting to be
    judged, or not judged at all yet."""
    conn = store.conn
    found = {r[0] for r in conn.execute(
        "SELECT DISTINCT j.value FROM messages m, json_each(m.item_ids) j WHERE EXISTS (SELECT 1 FROM deliveries d "
        f"WHERE d.message_id = m.id AND d.status NOT IN ({marks(list(FINAL))}))", FINAL)}
    found |= {r[0] for r in conn.execute("SELECT item_id FROM subscription_items WHERE message_id IS NULL")}
    found |= {r[0] for r in conn.execute("SELECT item_id FROM notify_waiting")}
    found |= {r[0] for r in conn.execute(
        "SELECT id FROM items WHERE NOT EXISTS (SELECT 1 FROM notify_items n WHERE n.item_id = items.id)")}
    return found


def links_of(store, item_ids: set[str]) -> set[tuple[str, str]]:
    """(answer, hearing) of every link one of these items is in."""
    found: set[tuple[str, str]] = set()
    for chunk in chunks(list(item_ids)):
        found.update(store.conn.execute(
            f"SELECT answer_id, hearing_id FROM answer_links WHERE answer_id IN ({marks(chunk)}) "
            f"OR hearing_id IN ({marks(chunk)})", chunk + chunk).fetchall())
    return found


def delete_items(store, item_ids: list[str]) -> dict[str, int]:
    """Delete these items and every row that belongs to one (the caller's transaction). The notifier's note that it
    judged each (notify_items) stays: a document a site lists again after it was pruned is no news a second time."""
    deleted: dict[str, int] = {}
    for chunk in chunks(item_ids, 400):
        for table, column in ITEM_ROWS:
            count = store.conn.execute(f"DELETE FROM {table} WHERE {column} IN ({marks(chunk)})", chunk).rowcount
            deleted[table] = deleted.get(table, 0) + count
    return deleted


def delete_messages(store, cutoff: str, removed: set[str]) -> int:
    """Delete the messages whose every delivery is done and that hold only removed items (a message of a kept item
    stays: its key keeps it from being made again), and those holding no item created before `cutoff` (the admins',
    test messages), with their deliveries."""
    gone = []
    for message_id, item_ids, created in store.conn.execute(
            "SELECT id, item_ids, julianday(created) < julianday(?) FROM messages m WHERE NOT EXISTS "
            f"(SELECT 1 FROM deliveries d WHERE d.message_id = m.id AND d.status NOT IN ({marks(list(FINAL))}))",
            [cutoff, *FINAL]).fetchall():
        items = set(json.loads(item_ids))
        if (items and items <= removed) or (not items and created):
            gone.append(message_id)
    for chunk in chunks(gone):
        store.conn.execute(f"DELETE FROM deliveries WHERE message_id IN ({marks(chunk)})", chunk)
        store.conn.execute(f"DELETE FROM messages WHERE id IN ({marks(chunk)})", chunk)
    return len(gone)


def recount_feeds(store) -> None:
    """Each feed's entries counted anew (the build keeps them by deltas), and a new content version, so that the next
    build writes index.html with them."""
    totals = dict(store.conn.execute("SELECT feed, count(*) FROM feed_items GROUP BY feed").fetchall())
    store.conn.execute("INSERT OR REPLACE INTO store_meta (key, value) VALUES ('feed_totals', ?)", [json.dumps(totals)])
    store._next_version()
