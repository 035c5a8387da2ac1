"""The notification ledger's tables and every statement on them: subscriptions, the items the notifier has looked
at, messages and their deliveries (message × URL), the run counter of the delivery back-off, and broken-source
alerts. Functions take the connection of the caller's transaction (`write`), so that what one step decides is
committed together."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

from ..records import Item
from .codec import decode_item, iso

if TYPE_CHECKING:
    from . import Store


@contextmanager
def write(store: Store, commit: bool = True) -> Iterator[sqlite3.Connection]:
    """One write transaction on the raw connection (committed, or rolled back for a dry run)."""
    conn = store.conn
    if conn.in_transaction:
        conn.commit()
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.rollback()
        raise
    if commit:
        conn.commit()
    else:
        conn.rollback()


def rows(conn: sqlite3.Connection, sql: str, params=()) -> list[dict]:
    cursor = conn.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def row(conn: sqlite3.Connection, sql: str, params=()) -> dict | None:
    found = rows(conn, sql, params)
    return found[0] if found else None


# ------------------------------------------------------------------------------------------ subscriptions, items


def meta_value(conn: sqlite3.Connection, key: str) -> str | None:
    found = conn.execute("SELECT value FROM notify_meta WHERE key = ?", [key]).fetchone()
    return found[0] if found else None


def set_meta_value(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO notify_meta (key, value) VALUES (?, ?)", [key, value])


def message_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM messages").fetchone()[0]


# Times the notifier schedules from: a clock that ran ahead wrote them in the future, and after it is set right they
# would hold back digests, updates and waiting items until the wrong date came round again.
_SCHEDULE_TIMES = (("subscriptions", "first_seen"), ("subscriptions", "last_digest_slot"),
                   ("subscriptions", "last_digest_at"), ("subscription_events", "first_seen"), ("notify_waiting", "since"))


def correct_future_times(conn: sqlite3.Connection, now: datetime) -> int:
    """A schedule time in the future counts as now: set it to now. Returns how many were corrected."""
    corrected = 0
    for table, column in _SCHEDULE_TIMES:
        corrected += conn.execute(f"UPDATE {table} SET {column} = ? WHERE julianday({column}) > julianday(?)",
                                  [iso(now), iso(now)]).rowcount
    return corrected


def register_subscription(conn: sqlite3.Connection, subscription_id: str, now: datetime) -> None:
    conn.execute("INSERT OR IGNORE INTO subscriptions (id, first_seen) VALUES (?, ?)", [subscription_id, iso(now)])


def register_events(conn: sqlite3.Connection, subscription_id: str, events: list[str], now: datetime) -> None:
    conn.executemany("INSERT OR IGNORE INTO subscription_events (subscription_id, event, first_seen) VALUES (?, ?, ?)",
                     [(subscription_id, event, iso(now)) for event in events])


def event_started(conn: sqlite3.Connection, subscription_id: str, event: str) -> datetime | None:
    """When a subscription began to want an event ("updated", "reminder"), or None."""
    found = conn.execute("SELECT first_seen FROM subscription_events WHERE subscription_id = ? AND event = ?",
                         [subscription_id, event]).fetchone()
    return datetime.fromisoformat(found[0]) if found else None


def subscription_state(conn: sqlite3.Connection, subscription_id: str) -> dict | None:
    return row(conn, "SELECT * FROM subscriptions WHERE id = ?", [subscription_id])


def unclassified_items(store: Store, batch: int = 2000) -> Iterator[list[Item]]:
    """Stored items the notifier has not looked at yet, in batches (a first run may bring 100 000), looking only
    at items written since the last look (by their version, which an index serves)."""
    last = int(meta_value(store.conn, "classified_version") or 0)
    while True:
        batch_rows = rows(store.conn, "SELECT * FROM items WHERE version > ? AND NOT EXISTS "
                                      "(SELECT 1 FROM notify_items n WHERE n.item_id = items.id) ORDER BY version LIMIT ?",
                          [last, batch])
        if not batch_rows:
            break
        last = batch_rows[-1]["version"]
        yield [decode_item(r) for r in batch_rows]
    set_meta_value(store.conn, "classified_version", str(max(last, store.content_version())))


def baselined_sources(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT source_id FROM notify_sources")}


def mark_classified(conn: sqlite3.Connection, item_id: str, news: bool, now: datetime) -> None:
    conn.execute("INSERT INTO notify_items (item_id, news, classified_at) VALUES (?, ?, ?)", [item_id, int(news), iso(now)])


def take_baselines(conn: sqlite3.Connection) -> None:
    """Every source that has had a successful fetch has had its baseline: its later items are news."""
    conn.execute("INSERT OR IGNORE INTO notify_sources (source_id, baseline_at) "
                 "SELECT source_id, first_success FROM source_state WHERE first_success IS NOT NULL")


def wait(conn: sqlite3.Connection, subscription_id: str, item_id: str, now: datetime) -> None:
    """An item a subscription cannot judge yet (notify.matching.undecided): judged again on later runs."""
    conn.execute("INSERT OR IGNORE INTO notify_waiting (subscription_id, item_id, since) VALUES (?, ?, ?)",
                 [subscription_id, item_id, iso(now)])


def waiting(conn: sqlite3.Connection, subscription_id: str) -> list[tuple[str, datetime]]:
    return [(r[0], datetime.fromisoformat(r[1])) for r in conn.execute(
        "SELECT item_id, since FROM notify_waiting WHERE subscription_id = ? ORDER BY rowid", [subscription_id])]


def anything_waiting(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM notify_waiting LIMIT 1").fetchone() is not None


def forget_waiting_except(conn: sqlite3.Connection, subscription_ids: list[str]) -> None:
    conn.execute("DELETE FROM notify_waiting WHERE subscription_id NOT IN (SELECT value FROM json_each(?))",
                 [json.dumps(subscription_ids)])


def stop_waiting(conn: sqlite3.Connection, subscription_id: str, item_id: str) -> None:
    conn.execute("DELETE FROM notify_waiting WHERE subscription_id = ? AND item_id = ?", [subscription_id, item_id])


def assign(conn: sqlite3.Connection, subscription_id: str, item_id: str, now: datetime) -> None:
    conn.execute("INSERT OR IGNORE INTO subscription_items (subscription_id, item_id, assigned_at) VALUES (?, ?, ?)",
                 [subscription_id, item_id, iso(now)])


def is_assigned(conn: sqlite3.Connection, subscription_id: str, item_id: str | None) -> bool:
    return bool(item_id) and conn.execute("SELECT 1 FROM subscription_items WHERE subscription_id = ? AND item_id = ?",
                                          [subscription_id, item_id]).fetchone() is not None


def link_items(conn: sqlite3.Connection, message_id: int, subscription_id: str, item_ids: list[str]) -> None:
    conn.executemany("UPDATE subscription_items SET message_id = ? WHERE subscription_id = ? AND item_id = ?",
                     [(message_id, subscription_id, item_id) for item_id in item_ids])


def add_message(conn: sqlite3.Connection, subscription_id: str, kind: str, key: str, item_ids: list[str], data: dict,
                now: datetime, urls: list[tuple[str, str]]) -> int | None:
    """A message and one pending delivery per (url key, label); None when this (subscription, kind, key) exists."""
    cursor = conn.execute(
        "INSERT OR IGNORE INTO messages (subscription_id, kind, key, item_ids, data, created) VALUES (?, ?, ?, ?, ?, ?)",
        [subscription_id, kind, key, json.dumps(item_ids), json.dumps(data, ensure_ascii=False), iso(now)],
    )
    if not cursor.rowcount:
        return None
    message_id = cursor.lastrowid
    conn.executemany("INSERT INTO deliveries (message_id, url_key, url_label, status) VALUES (?, ?, ?, 'pending')",
                     [(message_id, key_, label) for key_, label in urls])
    return message_id


def message(conn: sqlite3.Connection, message_id: int) -> dict:
    found = row(conn, "SELECT * FROM messages WHERE id = ?", [message_id])
    assert found is not None, f"no message {message_id}"
    found["item_ids"] = json.loads(found["item_ids"])
    found["data"] = json.loads(found["data"])
    return found


# ------------------------------------------------------------------------------------------ digests


def undigested(conn: sqlite3.Connection, subscription_id: str) -> list[str]:
    """The items assigned to a digest subscription since its last digest, in the order they came."""
    return [r[0] for r in conn.execute("SELECT item_id FROM subscription_items WHERE subscription_id = ? "
                                       "AND message_id IS NULL ORDER BY rowid", [subscription_id])]


def undigested_count(conn: sqlite3.Connection, subscription_id: str) -> int:
    return conn.execute("SELECT count(*) FROM subscription_items WHERE subscription_id = ? AND message_id IS NULL",
                        [subscription_id]).fetchone()[0]


def link_undigested(conn: sqlite3.Connection, message_id: int, subscription_id: str) -> None:
    conn.execute("UPDATE subscription_items SET message_id = ? WHERE subscription_id = ? AND message_id IS NULL",
                 [message_id, subscription_id])


def mark_digest(conn: sqlite3.Connection, subscription_id: str, now: datetime, slot: datetime | None) -> None:
    conn.execute("UPDATE subscriptions SET last_digest_at = ?, last_digest_slot = COALESCE(?, last_digest_slot) "
                 "WHERE id = ?", [iso(now), iso(slot), subscription_id])


# ------------------------------------------------------------------------------------------ broken sources


def source_alert(conn: sqlite3.Connection, source_id: str) -> dict:
    return (row(conn, "SELECT * FROM source_alerts WHERE source_id = ?", [source_id])
            or {"broken": 0, "since": None, "known_items": 0})


def save_source_alert(conn: sqlite3.Connection, source_id: str, broken: int, since: str | None, known: int) -> None:
    conn.execute("INSERT INTO source_alerts (source_id, broken, since, known_items) VALUES (?, ?, ?, ?) "
                 "ON CONFLICT(source_id) DO UPDATE SET broken = excluded.broken, since = excluded.since, "
                 "known_items = excluded.known_items", [source_id, broken, since, known])


# ------------------------------------------------------------------------------------------ deliveries


def current_run(store: Store) -> int:
    return int(meta_value(store.conn, "run") or 0)


def advance_run(store: Store) -> int:
    with write(store) as conn:
        conn.execute("INSERT INTO notify_meta (key, value) VALUES ('run', '1') "
                     "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")
    return current_run(store)


def due(store: Store, run: int, message_ids: list[int] | None = None) -> list[dict]:
    """Deliveries to make in this run (pending, or left 'sending' by a killed run), in the order they were made."""
    sql = ("SELECT d.*, m.subscription_id, m.kind FROM deliveries d JOIN messages m ON m.id = d.message_id "
           "WHERE d.status IN ('pending', 'sending') AND d.next_attempt_run <= ?")
    params: list = [run]
    if message_ids is not None:
        sql += " AND d.message_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(message_ids))
    return rows(store.conn, sql + " ORDER BY d.message_id, d.rowid", params)


def set_status(conn: sqlite3.Connection, message_id: int, url_key: str, status: str, error: str | None = None,
               next_run: int | None = None) -> None:
    """A delivery's new status: dropped, failed or unknown (with the error), or pending again (from next_run)."""
    if next_run is not None:
        conn.execute("UPDATE deliveries SET status = ?, last_error = ?, next_attempt_run = ? "
                     "WHERE message_id = ? AND url_key = ?", [status, error, next_run, message_id, url_key])
    else:
        conn.execute("UPDATE deliveries SET status = ?, last_error = ? WHERE message_id = ? AND url_key = ?",
                     [status, error, message_id, url_key])


def mark_sending(conn: sqlite3.Connection, message_id: int, url_key: str, now: datetime) -> None:
    """Counted before sending: a kill now leaves a visible, unfinished attempt."""
    conn.execute("UPDATE deliveries SET status = 'sending', attempts = attempts + 1, last_attempt_at = ? "
                 "WHERE message_id = ? AND url_key = ?", [iso(now), message_id, url_key])


def mark_sent(conn: sqlite3.Connection, message_id: int, url_key: str, now: datetime) -> None:
    conn.execute("UPDATE deliveries SET status = 'sent', sent_at = ?, last_error = NULL "
                 "WHERE message_id = ? AND url_key = ?", [iso(now), message_id, url_key])


def record_test(conn: sqlite3.Connection, subscription_id: str, url_key: str, url_label: str, now: datetime) -> None:
    """A test message (`test-notify`) that was sent, as a delivery of its own: `status` shows it, nothing resends it."""
    cursor = conn.execute("INSERT OR IGNORE INTO messages (subscription_id, kind, key, item_ids, data, created) "
                          "VALUES (?, 'test', ?, '[]', '{}', ?)", [subscription_id, f"{iso(now)} {url_key}", iso(now)])
    if cursor.rowcount:  # one a second per URL is plenty
        conn.execute("INSERT INTO deliveries (message_id, url_key, url_label, status, attempts, last_attempt_at, "
                     "sent_at) VALUES (?, ?, ?, 'sent', 1, ?, ?)", [cursor.lastrowid, url_key, url_label, iso(now), iso(now)])
