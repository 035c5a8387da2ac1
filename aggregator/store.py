"""The SQLite store: schema, migrations and every SQL statement the project runs.

One file, WAL mode, opened through sqlite-utils. Times are stored as ISO 8601 text with their offset.
Lists and dicts are stored as JSON text and decoded on the way out.
"""

from __future__ import annotations

import fcntl
import json
import os
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

import sqlite_utils

from .normalize import OSLO, clean_text, is_cut_from
from .records import Record

JSON_COLUMNS = ("ministries", "authors", "topics", "sources", "extra")
TIME_COLUMNS = ("published", "updated", "first_seen", "changed")


class StoreBusy(Exception):
    """Another aggregator process holds the store's lock."""


# ------------------------------------------------------------------------------------------ migrations
# Each migration brings the schema from version N to N+1. PRAGMA user_version holds N; never edit a
# released migration, add a new one.


def _v1(db: sqlite_utils.Database) -> None:
    db["items"].create(
        {
            "id": str, "link": str, "title": str, "summary": str, "language": str,
            "published": str, "updated": str, "first_seen": str, "changed": str,
            "document_type": str, "ministries": str, "authors": str, "topics": str,
            "sources": str, "extra": str,
        },
        pk="id",
    )
    db["items"].create_index(["first_seen"])
    db["items"].create_index(["published"])
    db["topics"].create({"id": str, "title": str}, pk="id")
    db["source_state"].create(
        {
            "source_id": str, "first_success": str, "last_attempt": str, "last_success": str,
            "last_error": str, "last_error_at": str, "consecutive_failures": int,
            "failing_since": str, "last_item_count": int,
        },
        pk="source_id",
    )
    db["validators"].create({"url": str, "etag": str, "last_modified": str, "saved": str}, pk="url")


_NOTIFY_TABLES = [
    # key/value state; "run" counts delivering runs, the unit of the retry back-off
    "CREATE TABLE IF NOT EXISTS notify_meta (key TEXT PRIMARY KEY, value TEXT)",
    # sources whose first fetch (the baseline) the notifier has taken in
    "CREATE TABLE IF NOT EXISTS notify_sources (source_id TEXT PRIMARY KEY, baseline_at TEXT)",
    # every item the notifier has looked at, once: news = 1, history (baseline) = 0
    "CREATE TABLE IF NOT EXISTS notify_items (item_id TEXT PRIMARY KEY, news INTEGER NOT NULL, classified_at TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS subscriptions (
        id TEXT PRIMARY KEY, first_seen TEXT NOT NULL, last_digest_slot TEXT, last_digest_at TEXT)""",
    # subscription × item: news assigned to a subscription; message_id stays NULL until a digest takes it
    """CREATE TABLE IF NOT EXISTS subscription_items (
        subscription_id TEXT NOT NULL, item_id TEXT NOT NULL, message_id INTEGER, assigned_at TEXT NOT NULL,
        PRIMARY KEY (subscription_id, item_id))""",
    # one message (kind item | batch | digest | admin) of a subscription; rendered when it is sent
    """CREATE TABLE IF NOT EXISTS messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT, subscription_id TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,
        item_ids TEXT NOT NULL, data TEXT NOT NULL, created TEXT NOT NULL, UNIQUE (subscription_id, kind, key))""",
    # the ledger: message × URL → pending | sending | sent | failed | dropped
    """CREATE TABLE IF NOT EXISTS deliveries (
        message_id INTEGER NOT NULL REFERENCES messages(id), url_key TEXT NOT NULL, url_label TEXT NOT NULL,
        status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, next_attempt_run INTEGER NOT NULL DEFAULT 0,
        last_attempt_at TEXT, sent_at TEXT, PRIMARY KEY (message_id, url_key))""",
    "CREATE INDEX IF NOT EXISTS deliveries_status ON deliveries (status, next_attempt_run)",
    # broken-source alerts: what the admins were last told, and the last non-zero item count
    """CREATE TABLE IF NOT EXISTS source_alerts (
        source_id TEXT PRIMARY KEY, broken INTEGER NOT NULL DEFAULT 0, since TEXT, known_items INTEGER NOT NULL DEFAULT 0)""",
]


def _v2(db: sqlite_utils.Database) -> None:
    """The notifier's tables: baselines, subscriptions, messages and the delivery ledger (see notify.py)."""
    for statement in _NOTIFY_TABLES:
        db.execute(statement)


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1, _v2]


# ------------------------------------------------------------------------------------------ helpers


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _union(old: list, new: list) -> list:
    return old + [v for v in new if v not in old]


def _is_date_only(value: datetime) -> bool:
    local = value.astimezone(OSLO)
    return (local.hour, local.minute, local.second) == (0, 0, 0)



def decode_item(row: dict) -> dict:
    """A stored row as plain Python: lists and dicts decoded, times aware."""
    item = dict(row)
    for column in JSON_COLUMNS:
        item[column] = json.loads(item[column]) if item.get(column) else ({} if column == "extra" else [])
    for column in TIME_COLUMNS:
        item[column] = from_iso(item.get(column))
    return item


# ------------------------------------------------------------------------------------------ the store


class Store:
    """Open (and migrate) the store; every read and write the project does goes through here."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite_utils.Database(self.path)
        self.db.execute("PRAGMA busy_timeout = 30000")
        self.db.enable_wal()
        # In WAL mode NORMAL is still safe against corruption and against a killed process; it only
        # skips an fsync per commit, which a power cut could cost the last commits of.
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.migrate()

    def close(self) -> None:
        self.db.close()

    @property
    def conn(self):
        return self.db.conn

    def migrate(self) -> None:
        with self.conn:  # one transaction per migration run: a failed step leaves the old version
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
                step(self.db)
                self.db.execute(f"PRAGMA user_version = {number}")

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the store's lock for a whole command, so two runs never interleave their writes."""
        lock_path = self.path.with_name(self.path.name + ".lock")
        handle = open(lock_path, "a+")
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "unknown"
                raise StoreBusy(
                    f"another aggregator command is using {self.path} (pid {holder}); try again when it has finished"
                ) from None
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            yield
        finally:
            handle.close()

    # ----------------------------------------------------------------------------------- items

    def get_item(self, item_id: str) -> dict | None:
        cursor = self.db.execute("SELECT * FROM items WHERE id = ?", [item_id])
        row = cursor.fetchone()
        if row is None:
            return None
        return decode_item(dict(zip([d[0] for d in cursor.description], row)))

    def upsert(self, record: Record, source_id: str, source_topics: list[str] = (), now: datetime | None = None) -> str:
        """Store a record seen through a source. Returns "new", "changed" or "unchanged".

        The same id seen again (another source, page or language listing) is one row with the
        union of sources, topics and ministries. A changed title or summary updates the row and
        its `updated` time; a listing's cut-off summary never replaces a whole one.
        """
        now = now or utc_now()
        topics = _union(list(record.topics), list(source_topics))
        with self.conn:
            for topic_id, title in record.topic_titles.items():
                self.db.execute(
                    "INSERT INTO topics (id, title) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET title = excluded.title",
                    [topic_id, clean_text(title)],
                )
            stored = self.get_item(record.id)
            if stored is None:
                self.db["items"].insert(self._new_row(record, source_id, topics, now))
                return "new"
            row, changed = self._merged_row(stored, record, source_id, topics, now)
            if row != self._encode(stored):
                self.db["items"].update(record.id, row)
            return "changed" if changed else "unchanged"

    def _new_row(self, record: Record, source_id: str, topics: list[str], now: datetime) -> dict:
        row = asdict(record)
        row.pop("topic_titles")
        row.update(
            topics=topics,
            sources=[source_id],
            first_seen=now,
            changed=now,
            updated=record.updated or record.published or now,
        )
        return self._encode(row)

    def _merged_row(self, stored: dict, record: Record, source_id: str, topics: list[str], now: datetime) -> tuple[dict, bool]:
        merged = dict(stored)
        changed = False
        for field_name in ("title", "summary"):
            new, old = getattr(record, field_name) or "", stored[field_name] or ""
            if new and new != old and not is_cut_from(new, old):
                merged[field_name] = new
                changed = True
        if record.published and (
            stored["published"] is None
            or (_is_date_only(stored["published"]) and not _is_date_only(record.published)
                and stored["published"].astimezone(OSLO).date() == record.published.astimezone(OSLO).date())
        ):
            merged["published"] = record.published
        if record.updated and (stored["updated"] is None or record.updated > stored["updated"]):
            merged["updated"] = record.updated
        elif changed:
            merged["updated"] = max(now, stored["updated"] or now)
        if merged["published"] and merged["updated"] and merged["published"] > merged["updated"]:
            merged["updated"] = merged["published"]  # a listing's bare date was refined by the article's time
        if record.document_type and stored["document_type"] in (None, "other"):
            merged["document_type"] = record.document_type
        merged["language"] = stored["language"] or record.language
        merged["link"] = record.link or stored["link"]
        merged["ministries"] = _union(stored["ministries"], record.ministries)
        merged["authors"] = _union(stored["authors"], record.authors)
        merged["topics"] = _union(stored["topics"], topics)
        merged["sources"] = _union(stored["sources"], [source_id])
        merged["extra"] = {**stored["extra"], **record.extra}
        if changed:
            merged["changed"] = now
        return self._encode(merged), changed

    @staticmethod
    def _encode(row: dict) -> dict:
        encoded = dict(row)
        for column in JSON_COLUMNS:
            encoded[column] = json.dumps(encoded.get(column) or ({} if column == "extra" else []), ensure_ascii=False, sort_keys=True)
        for column in TIME_COLUMNS:
            value = encoded.get(column)
            encoded[column] = iso(value) if isinstance(value, datetime) else value
        return encoded

    def items(self, where: str = "1", params: list | tuple = ()) -> list[dict]:
        """Decoded items matching an SQL condition, newest first (published, else first seen)."""
        rows = self.db.query(
            f"SELECT * FROM items WHERE {where} ORDER BY COALESCE(published, first_seen) DESC, id", list(params)
        )
        return sorted((decode_item(r) for r in rows), key=_newest_first)

    def topic_titles(self) -> dict[str, str]:
        return {r["id"]: r["title"] for r in self.db.query("SELECT id, title FROM topics")}

    def count_items(self, source_id: str | None = None) -> int:
        if source_id is None:
            return self.db.execute("SELECT count(*) FROM items").fetchone()[0]
        return self.db.execute(
            "SELECT count(*) FROM items, json_each(items.sources) WHERE json_each.value = ?", [source_id]
        ).fetchone()[0]

    # ----------------------------------------------------------------------------------- source state

    def source_state(self, source_id: str) -> dict:
        row = next(self.db.query("SELECT * FROM source_state WHERE source_id = ?", [source_id]), None)
        return row or {"source_id": source_id, "consecutive_failures": 0}

    def record_success(self, source_id: str, item_count: int, now: datetime | None = None) -> dict:
        """Note a successful fetch; returns the state before it (to tell a first success or a recovery)."""
        now = iso(now or utc_now())
        before = self.source_state(source_id)
        with self.conn:
            self.db["source_state"].upsert(
                {
                    "source_id": source_id,
                    "first_success": before.get("first_success") or now,
                    "last_attempt": now,
                    "last_success": now,
                    "consecutive_failures": 0,
                    "failing_since": None,
                    "last_item_count": item_count,
                },
                pk="source_id",
            )
        return before

    def record_failure(self, source_id: str, error: str, now: datetime | None = None) -> dict:
        """Note a failed fetch; returns the state after it."""
        now = iso(now or utc_now())
        before = self.source_state(source_id)
        with self.conn:
            self.db["source_state"].upsert(
                {
                    "source_id": source_id,
                    "last_attempt": now,
                    "last_error": error,
                    "last_error_at": now,
                    "consecutive_failures": (before.get("consecutive_failures") or 0) + 1,
                    "failing_since": before.get("failing_since") or now,
                },
                pk="source_id",
            )
        return self.source_state(source_id)

    # ----------------------------------------------------------------------------------- HTTP validators

    def get_validators(self, url: str) -> tuple[str | None, str | None]:
        row = next(self.db.query("SELECT etag, last_modified FROM validators WHERE url = ?", [url]), None)
        return (row["etag"], row["last_modified"]) if row else (None, None)

    def save_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self.conn:
            if etag or last_modified:
                self.db["validators"].upsert(
                    {"url": url, "etag": etag, "last_modified": last_modified, "saved": iso(utc_now())}, pk="url"
                )
            else:
                self.db.execute("DELETE FROM validators WHERE url = ?", [url])


def _newest_first(item: dict) -> tuple:
    when = item["published"] or item["first_seen"]
    return (-when.timestamp(), item["id"])
