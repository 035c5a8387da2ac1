"""What `aggregator explain` reads of the notification ledger about one item (the statements only; what they mean is
decided in notify/explain.py)."""

from __future__ import annotations

import sqlite3

from .ledger import row, rows


def classification(conn: sqlite3.Connection, item_id: str) -> dict | None:
    """How the notifier judged an item: news (1) or history (0), and when; None when it has not looked at it yet."""
    return row(conn, "SELECT news, classified_at FROM notify_items WHERE item_id = ?", [item_id])


def item_deliveries(conn: sqlite3.Connection, item_id: str) -> list[dict]:
    """Every delivery of every message that holds an item, oldest first."""
    return rows(conn, "SELECT m.subscription_id, m.kind, m.created, d.* FROM messages m JOIN deliveries d "
                      "ON d.message_id = m.id WHERE EXISTS (SELECT 1 FROM json_each(m.item_ids) WHERE value = ?) "
                      "ORDER BY m.id, d.rowid", [item_id])


def assignment(conn: sqlite3.Connection, subscription_id: str, item_id: str) -> dict | None:
    """An item given to a subscription (a digest's, while message_id is NULL: collected for the next digest)."""
    return row(conn, "SELECT * FROM subscription_items WHERE subscription_id = ? AND item_id = ?",
               [subscription_id, item_id])


def waiting_since(conn: sqlite3.Connection, subscription_id: str, item_id: str) -> str | None:
    found = conn.execute("SELECT since FROM notify_waiting WHERE subscription_id = ? AND item_id = ?",
                         [subscription_id, item_id]).fetchone()
    return found[0] if found else None
