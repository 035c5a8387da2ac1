"""The SQLite store: schema, migrations and every SQL statement the project runs.

One file, WAL mode, opened through sqlite-utils. Times are stored as ISO 8601 text with their offset.
Lists and dicts are stored as JSON text and decoded on the way out.

A document is kept twice over: each source's own observation of it (`observations`, one row per source
and one for its article page) and the merged row readers get (`items`), recomputed by merge.py whenever
an observation changes. A source's fetch (observations, article-page attempts, HTTP validators, its
health) is committed in one transaction, so a run killed at any moment loses nothing and repeats only
what it had not committed.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator

import sqlite_utils

from .merge import ARTICLE, Document, Observation, after_article_failure, effective_updated, merge, text_changed
from .normalize import clean_text
from .records import FetchResult, Record, record_from_json, record_to_json

JSON_COLUMNS = ("ministries", "authors", "topics", "sources", "extra")
TIME_COLUMNS = ("published", "updated", "first_seen", "changed")
ITEM_COLUMNS = ("id", "link", "title", "summary", "language", "published", "updated", "first_seen", "changed",
                "document_type", "ministries", "authors", "topics", "sources", "extra")


class StoreBusy(Exception):
    """Another aggregator process holds the store's lock."""


class StoreDamaged(sqlite3.DatabaseError):
    """The store file is no usable store (empty, damaged, a table missing): the message says what to do."""


# Every table a store of the latest schema has; one missing means the file was damaged or tampered with.
REQUIRED_TABLES = {
    "items", "topics", "source_state", "observations", "fetch_state", "article_state", "store_meta",
    "notify_meta", "notify_sources", "notify_items", "subscriptions", "subscription_items", "messages",
    "deliveries", "source_alerts", "feed_items",
}
WHAT_TO_DO = ("restore it from a backup, or move it away to start a new store (the feeds are rebuilt from the "
              "sites; notifications start again from a new baseline)")


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


def _v3(db: sqlite_utils.Database) -> None:
    """Per-source observations, fetch state keyed by source and URL, article-page attempts, a run counter.

    Items stored before keep their row: each of their sources gets the row as its observation, and their
    article pages count as read (the old code read them once), so an upgrade re-fetches nothing.
    """
    for statement in (
        # one source's view of one document (source_id "#article": its article page), as record JSON
        """CREATE TABLE observations (
            item_id TEXT NOT NULL, source_id TEXT NOT NULL, data TEXT NOT NULL, source_topics TEXT NOT NULL,
            seen_at TEXT NOT NULL, PRIMARY KEY (item_id, source_id))""",
        "CREATE INDEX observations_source ON observations (source_id)",
        # HTTP validators of the answers a source's committed items came from
        """CREATE TABLE fetch_state (
            source_id TEXT NOT NULL, url TEXT NOT NULL, etag TEXT, last_modified TEXT, saved TEXT NOT NULL,
            PRIMARY KEY (source_id, url))""",
        # article pages: read | failed (retried from run next_run) | given_up
        """CREATE TABLE article_state (
            item_id TEXT PRIMARY KEY, url TEXT, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
            next_run INTEGER NOT NULL DEFAULT 0, last_error TEXT, last_attempt_at TEXT)""",
        "CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT)",
        "DROP TABLE validators",
    ):
        db.execute(statement)
    rows = db.execute("SELECT * FROM items").fetchall()
    columns = [d[0] for d in db.execute("SELECT * FROM items LIMIT 0").description]
    for values in rows:
        item = decode_item(dict(zip(columns, values)))
        record = Record(
            id=item["id"], link=item["link"], title=item["title"], summary=item["summary"] or "",
            language=item["language"], published=item["published"], document_type=item["document_type"],
            ministries=item["ministries"], authors=item["authors"], topics=item["topics"], extra=item["extra"],
        )
        for source_id in item["sources"]:
            db.execute(
                "INSERT OR IGNORE INTO observations VALUES (?, ?, ?, '[]', ?)",
                [item["id"], source_id, record_to_json(record), iso(item["first_seen"])],
            )
        db.execute("INSERT OR IGNORE INTO article_state (item_id, url, status) VALUES (?, ?, 'read')",
                   [item["id"], item["link"]])


def _v4(db: sqlite_utils.Database) -> None:
    """Feed membership kept in SQL, so a build reads each feed's newest entries by index and redoes only what
    changed: items get a sort key (UTC) and a version (which write last touched them)."""
    for statement in (
        "ALTER TABLE items ADD COLUMN sort_key TEXT",
        "ALTER TABLE items ADD COLUMN version INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX items_version ON items (version)",
        """CREATE TABLE feed_items (
            feed TEXT NOT NULL, item_id TEXT NOT NULL, sort_key TEXT NOT NULL, PRIMARY KEY (feed, item_id))""",
        "CREATE INDEX feed_items_newest ON feed_items (feed, sort_key DESC, item_id)",
        "CREATE INDEX feed_items_item ON feed_items (item_id)",
    ):
        db.execute(statement)
    for item_id, published, first_seen in db.execute("SELECT id, published, first_seen FROM items").fetchall():
        db.execute("UPDATE items SET sort_key = ?, version = 1 WHERE id = ?",
                   [sort_key(from_iso(published), from_iso(first_seen)), item_id])
    db.execute("INSERT OR REPLACE INTO store_meta (key, value) VALUES ('content_version', '1')")


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1, _v2, _v3, _v4]


# ------------------------------------------------------------------------------------------ helpers


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def sort_key(published: datetime | None, first_seen: datetime | None) -> str:
    """The order of feeds (newest first) as text SQL can sort: the publication date, else when first seen, in UTC."""
    when = published or first_seen
    return when.astimezone(timezone.utc).isoformat() if when else ""


def decode_item(row: dict) -> dict:
    """A stored row as plain Python: lists and dicts decoded, times aware."""
    item = {k: v for k, v in dict(row).items() if k not in ("sort_key", "version")}
    for column in JSON_COLUMNS:
        item[column] = json.loads(item[column]) if item.get(column) else ({} if column == "extra" else [])
    for column in TIME_COLUMNS:
        item[column] = from_iso(item.get(column))
    return item


def _encode(row: dict) -> dict:
    encoded = dict(row)
    for column in JSON_COLUMNS:
        encoded[column] = json.dumps(encoded.get(column) or ({} if column == "extra" else []), ensure_ascii=False, sort_keys=True)
    for column in TIME_COLUMNS:
        value = encoded.get(column)
        encoded[column] = iso(value) if isinstance(value, datetime) else value
    return encoded


def _row_for(document: Document, first_seen: datetime, text_changed_at: datetime | None) -> dict:
    """The `items` row of a merged document. `changed` is when its text last changed (first_seen until then)."""
    return _encode({
        "id": document.id, "link": document.link, "title": document.title, "summary": document.summary,
        "language": document.language, "published": document.published,
        "updated": effective_updated(document, first_seen, text_changed_at),
        "first_seen": first_seen, "changed": text_changed_at or first_seen,
        "document_type": document.document_type, "ministries": document.ministries, "authors": document.authors,
        "topics": document.topics, "sources": document.sources, "extra": document.extra,
    })


# ------------------------------------------------------------------------------------------ the store


def _open(path: Path) -> sqlite_utils.Database:
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA busy_timeout = 30000")
    db.enable_wal()
    # In WAL mode NORMAL is still safe against corruption and against a killed process; it only
    # skips an fsync per commit, which a power cut could cost the last commits of.
    db.execute("PRAGMA synchronous = NORMAL")
    return db


def _create(path: Path) -> None:
    """Make a new store whole under a temporary name, then rename it: a run killed meanwhile leaves no
    half-made store at `path` (only a temporary file, cleared by the next creation)."""
    for leftover in path.parent.glob(f".{path.name}.new-*"):
        leftover.unlink(missing_ok=True)
    temporary = path.with_name(f".{path.name}.new-{os.getpid()}")
    db = _open(temporary)
    try:
        Store.migrate_db(db)
    finally:
        db.close()
    os.replace(temporary, path)


class Store:
    """Open (and migrate) the store; every read and write the project does goes through here."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            _create(self.path)
        elif self.path.stat().st_size == 0:
            # Never one of ours (a new store is made whole under another name, then renamed): not taken as new.
            raise StoreDamaged(f"the store {self.path} is an empty file (0 bytes), not a store; {WHAT_TO_DO}")
        self.db = _open(self.path)
        try:
            self.migrate()
            missing = REQUIRED_TABLES - set(self.db.table_names())
            if missing:
                raise StoreDamaged(f"the store {self.path} is damaged: table(s) {', '.join(sorted(missing))} "
                                   f"missing; {WHAT_TO_DO}")
        except BaseException:
            self.db.close()
            raise

    def close(self) -> None:
        self.db.close()

    @property
    def conn(self):
        return self.db.conn

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction: everything inside is committed together or not at all (nested: a savepoint)."""
        if self.conn.in_transaction:
            self.conn.execute("SAVEPOINT nested")
            try:
                yield
            except BaseException:
                self.conn.execute("ROLLBACK TO SAVEPOINT nested")
                self.conn.execute("RELEASE SAVEPOINT nested")
                raise
            self.conn.execute("RELEASE SAVEPOINT nested")
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.rollback()
            raise
        self.conn.commit()

    def migrate(self) -> None:
        """Bring the schema up to date (see migrate_db)."""
        Store.migrate_db(self.db)

    @staticmethod
    def migrate_db(db: sqlite_utils.Database) -> None:
        """Bring a database's schema up to date, one transaction per migration: a run killed half-way through
        one leaves the version before it, which the next run migrates again. (DDL in an explicit transaction,
        since Python's sqlite3 would otherwise commit each CREATE TABLE on its own.)"""
        while (version := db.execute("PRAGMA user_version").fetchone()[0]) < len(MIGRATIONS):
            db.conn.execute("BEGIN IMMEDIATE")
            try:
                if db.execute("PRAGMA user_version").fetchone()[0] == version:  # else another process migrated
                    MIGRATIONS[version](db)
                    db.execute(f"PRAGMA user_version = {version + 1}")
            except BaseException:
                db.conn.rollback()
                raise
            db.conn.commit()

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

    # ----------------------------------------------------------------------------------- runs

    def begin_run(self) -> int:
        """Count a fetching run; article-page retries are spaced in these runs. Returns this run's number."""
        with self.transaction():
            row = self.conn.execute("SELECT value FROM store_meta WHERE key = 'runs'").fetchone()
            number = int(row[0]) + 1 if row else 1
            self.conn.execute("INSERT OR REPLACE INTO store_meta (key, value) VALUES ('runs', ?)", [str(number)])
        return number

    def current_run(self) -> int:
        row = self.conn.execute("SELECT value FROM store_meta WHERE key = 'runs'").fetchone()
        return int(row[0]) if row else 0

    # ----------------------------------------------------------------------------------- items

    def _next_version(self) -> int:
        """A new content version (inside the caller's transaction): publish redoes what has a newer one."""
        self.conn.execute("INSERT INTO store_meta (key, value) VALUES ('content_version', '1') "
                          "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")
        return int(self.meta("content_version") or 0)

    def content_version(self) -> int:
        return int(self.meta("content_version") or 0)

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM store_meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute("INSERT OR REPLACE INTO store_meta (key, value) VALUES (?, ?)", [key, value])

    def get_item(self, item_id: str) -> dict | None:
        cursor = self.db.execute("SELECT * FROM items WHERE id = ?", [item_id])
        row = cursor.fetchone()
        if row is None:
            return None
        return decode_item(dict(zip([d[0] for d in cursor.description], row)))

    def items(self, where: str = "1", params: list | tuple = ()) -> list[dict]:
        """Decoded items matching an SQL condition, newest first (published, else first seen)."""
        rows = self.db.query(
            f"SELECT * FROM items WHERE {where} ORDER BY COALESCE(published, first_seen) DESC, id", list(params)
        )
        return sorted((decode_item(r) for r in rows), key=_newest_first)

    def items_changed_since(self, version: int, batch: int = 2000) -> Iterator[list[dict]]:
        """Items written after a content version, in batches (so that a full rebuild never holds them all)."""
        last = version
        while True:
            rows = list(self.db.query(
                "SELECT * FROM items WHERE version > ? ORDER BY version LIMIT ?", [last, batch]))
            if not rows:
                return
            last = rows[-1]["version"]
            yield [decode_item(r) for r in rows]

    # ----------------------------------------------------------------------------------- feed membership

    def feeds_of(self, item_ids: list[str]) -> set[str]:
        """The feeds these items are in now (as the last build left them)."""
        found: set[str] = set()
        for start in range(0, len(item_ids), 500):
            chunk = item_ids[start:start + 500]
            found.update(r[0] for r in self.conn.execute(
                f"SELECT DISTINCT feed FROM feed_items WHERE item_id IN ({', '.join('?' * len(chunk))})", chunk))
        return found

    def set_memberships(self, memberships: dict[str, tuple[str, list[str]]]) -> dict[str, int]:
        """Item id -> (sort key, its feeds): replace what the feeds hold of these items, in one transaction.
        Returns how many entries each feed gained (or, negative, lost)."""
        deltas: dict[str, int] = {}
        ids = list(memberships)
        with self.transaction():
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                for feed, count in self.conn.execute(
                        f"SELECT feed, count(*) FROM feed_items WHERE item_id IN ({', '.join('?' * len(chunk))}) "
                        "GROUP BY feed", chunk):
                    deltas[feed] = deltas.get(feed, 0) - count
            for _, feeds in memberships.values():
                for feed in feeds:
                    deltas[feed] = deltas.get(feed, 0) + 1
            self.conn.executemany("DELETE FROM feed_items WHERE item_id = ?", [(i,) for i in memberships])
            self.conn.executemany(
                "INSERT INTO feed_items (feed, item_id, sort_key) VALUES (?, ?, ?)",
                [(feed, item_id, key) for item_id, (key, feeds) in memberships.items() for feed in feeds])
        return deltas

    def clear_memberships(self) -> None:
        with self.transaction():
            self.conn.execute("DELETE FROM feed_items")

    def feeds_present(self) -> set[str]:
        """The feeds that hold at least one item (from the last build's totals, else by looking)."""
        if self.meta("feed_totals") is not None:
            return set(self.feed_totals())
        return {r[0] for r in self.conn.execute("SELECT DISTINCT feed FROM feed_items")}

    def feed_entries(self, feed: str, limit: int) -> list[dict]:
        """A feed's newest items (by the index on feed and sort key), newest first."""
        rows = self.db.query(
            "SELECT items.* FROM feed_items JOIN items ON items.id = feed_items.item_id WHERE feed_items.feed = ? "
            "ORDER BY feed_items.sort_key DESC, feed_items.item_id LIMIT ?", [feed, limit])
        return [decode_item(r) for r in rows]

    def feed_count(self, feed: str) -> int:
        return self.conn.execute("SELECT count(*) FROM feed_items WHERE feed = ?", [feed]).fetchone()[0]

    def feed_totals(self) -> dict[str, int]:
        """Entries per feed, as the last build counted them (kept up to date by deltas, not by counting)."""
        import json as _json

        return _json.loads(self.meta("feed_totals") or "{}")

    def open_hearings(self, today: str) -> list[dict]:
        """Consultations whose deadline (ISO date) is today or later."""
        rows = self.db.query(
            "SELECT * FROM items WHERE document_type = 'consultation' AND json_extract(extra, '$.deadline') >= ?",
            [today])
        return [decode_item(r) for r in rows]

    def topic_titles(self) -> dict[str, str]:
        return {r["id"]: r["title"] for r in self.db.query("SELECT id, title FROM topics")}

    def count_items(self, source_id: str | None = None) -> int:
        if source_id is None:
            return self.db.execute("SELECT count(*) FROM items").fetchone()[0]
        return self.db.execute("SELECT count(*) FROM observations WHERE source_id = ?", [source_id]).fetchone()[0]

    # ----------------------------------------------------------------------------------- observations

    def observed(self, source_id: str, item_id: str) -> Record | None:
        """What this source said of this document last time it was committed, or None if it never did."""
        row = self.conn.execute(
            "SELECT data FROM observations WHERE item_id = ? AND source_id = ?", [item_id, source_id]
        ).fetchone()
        return record_from_json(row[0]) if row else None

    def upsert(self, record: Record, source_id: str, source_topics: Iterable[str] = (), now: datetime | None = None) -> str:
        """Store one source's observation of a document and re-merge it. Returns "new", "changed" or "unchanged"."""
        with self.transaction():
            self._observe(source_id, record, source_topics, now or utc_now())
            return self._refresh(record.id, now or utc_now())

    def _observe(self, source_id: str, record: Record, source_topics: Iterable[str], now: datetime) -> None:
        for topic_id, title in record.topic_titles.items():
            self.conn.execute(
                "INSERT INTO topics (id, title) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET title = excluded.title",
                [topic_id, clean_text(title)],
            )
        data, topics = record_to_json(record), json.dumps(list(source_topics), ensure_ascii=False)
        self.conn.execute(
            "INSERT INTO observations (item_id, source_id, data, source_topics, seen_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (item_id, source_id) DO UPDATE SET data = excluded.data, source_topics = excluded.source_topics, "
            "seen_at = excluded.seen_at WHERE data != excluded.data OR source_topics != excluded.source_topics",
            [record.id, source_id, data, topics, iso(now)],
        )

    def _refresh(self, item_id: str, now: datetime, run_started: datetime | None = None) -> str:
        """Re-merge a document from its observations; write its row only when it differs.

        A text change of a document first seen in this same run (`run_started`) is no update: readers
        never saw the text it replaced, which only tells which source came first in the config."""
        rows = self.conn.execute(
            "SELECT source_id, data, source_topics FROM observations WHERE item_id = ?", [item_id]
        ).fetchall()
        document = merge([Observation(s, record_from_json(d), tuple(json.loads(t))) for s, d, t in rows])
        stored = self.get_item(item_id)
        if stored is None:
            row = _row_for(document, now, None)
            row.update(sort_key=sort_key(document.published, now), version=self._next_version())
            self.conn.execute(
                f"INSERT INTO items ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values())
            )
            return "new"
        first_seen = stored["first_seen"]
        text_changed_at = stored["changed"] if stored["changed"] and stored["changed"] > first_seen else None
        moved = text_changed(stored, document)
        if moved and run_started is not None and first_seen >= run_started:
            text_changed_at, moved = None, False
        row = _row_for(document, first_seen, now if moved else text_changed_at)
        if row != _encode(stored):
            row.update(sort_key=sort_key(document.published, first_seen), version=self._next_version())
            assignments = ", ".join(f"{column} = ?" for column in row if column != "id")
            self.conn.execute(f"UPDATE items SET {assignments} WHERE id = ?",
                              [v for c, v in row.items() if c != "id"] + [item_id])
        return "changed" if moved else "unchanged"

    # ----------------------------------------------------------------------------------- one source's fetch

    def commit_fetch(self, source_id: str, source_topics: Iterable[str], result: FetchResult, run: int,
                     now: datetime | None = None, history: bool = False,
                     run_started: datetime | None = None) -> tuple[dict[str, str], dict]:
        """Commit what one source's fetch gave, in one transaction: its observations, the article pages
        read or failed, the validators of the answers they came from, and the source's success.

        Returns (item id -> "new" | "changed" | "unchanged", the source state before). `history`: the new
        items are old documents (a backfill), which the notifier must not announce as news.
        """
        now = now or utc_now()
        topics = list(source_topics)
        changes: dict[str, str] = {}
        with self.transaction():
            for item_id, article in result.articles.items():
                self._observe(ARTICLE, article, (), now)
                self._set_article_state(item_id, article.link, {"status": "read", "attempts": 0, "next_run": 0}, None, now)
            for item_id, (url, reason) in result.article_failures.items():
                state = after_article_failure(self.article_state(item_id), run)
                self._set_article_state(item_id, url, state, reason, now)
            for record in result.records:
                self._observe(source_id, record, topics, now)
            for item_id in dict.fromkeys([r.id for r in result.records] + list(result.articles)):
                if self.conn.execute("SELECT 1 FROM observations WHERE item_id = ? AND source_id != ?",
                                     [item_id, ARTICLE]).fetchone():
                    changes[item_id] = self._refresh(item_id, now, run_started)
            for url, (etag, last_modified) in result.validators.items():
                self._save_validators(source_id, url, etag, last_modified, now)
            if history:
                self.conn.executemany(
                    "INSERT OR IGNORE INTO notify_items (item_id, news, classified_at) VALUES (?, 0, ?)",
                    [(item_id, iso(now)) for item_id, change in changes.items() if change == "new"],
                )
            count = self.source_state(source_id).get("last_item_count") if result.not_modified else len(
                {r.id for r in result.records})
            before = self.record_success(source_id, count or 0, now)
        return changes, before

    # ----------------------------------------------------------------------------------- article pages

    def article_state(self, item_id: str) -> dict | None:
        row = next(self.db.query("SELECT * FROM article_state WHERE item_id = ?", [item_id]), None)
        return dict(row) if row else None

    def _set_article_state(self, item_id: str, url: str, state: dict, error: str | None, now: datetime) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO article_state (item_id, url, status, attempts, next_run, last_error, last_attempt_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [item_id, url, state["status"], state["attempts"], state["next_run"], error, iso(now)],
        )

    def article_problems(self, source_id: str | None = None) -> list[dict]:
        """Article pages not read (yet): failing ones being retried and given-up ones, of one source or all."""
        sql = "SELECT a.* FROM article_state a WHERE a.status != 'read'"
        params: list = []
        if source_id:
            sql += " AND a.item_id IN (SELECT item_id FROM observations WHERE source_id = ?)"
            params.append(source_id)
        return [dict(r) for r in self.db.query(sql + " ORDER BY a.item_id", params)]

    # ----------------------------------------------------------------------------------- source state

    def source_state(self, source_id: str) -> dict:
        row = next(self.db.query("SELECT * FROM source_state WHERE source_id = ?", [source_id]), None)
        return row or {"source_id": source_id, "consecutive_failures": 0}

    def _upsert_source_state(self, values: dict) -> None:
        columns = ", ".join(values)
        updates = ", ".join(f"{c} = excluded.{c}" for c in values if c != "source_id")
        self.conn.execute(
            f"INSERT INTO source_state ({columns}) VALUES ({', '.join('?' * len(values))}) "
            f"ON CONFLICT (source_id) DO UPDATE SET {updates}",
            list(values.values()),
        )

    def record_success(self, source_id: str, item_count: int, now: datetime | None = None) -> dict:
        """Note a successful fetch; returns the state before it (to tell a first success or a recovery)."""
        stamp = iso(now or utc_now())
        before = self.source_state(source_id)
        with self.transaction():
            self._upsert_source_state({
                "source_id": source_id, "first_success": before.get("first_success") or stamp, "last_attempt": stamp,
                "last_success": stamp, "consecutive_failures": 0, "failing_since": None, "last_item_count": item_count,
            })
        return before

    def record_failure(self, source_id: str, error: str, now: datetime | None = None) -> dict:
        """Note a failed fetch; returns the state after it."""
        stamp = iso(now or utc_now())
        before = self.source_state(source_id)
        with self.transaction():
            self._upsert_source_state({
                "source_id": source_id, "last_attempt": stamp, "last_error": error, "last_error_at": stamp,
                "consecutive_failures": (before.get("consecutive_failures") or 0) + 1,
                "failing_since": before.get("failing_since") or stamp,
            })
        return self.source_state(source_id)

    # ----------------------------------------------------------------------------------- HTTP validators

    def get_validators(self, source_id: str, url: str) -> tuple[str | None, str | None]:
        """The ETag and Last-Modified this source's committed items came with, for a conditional request."""
        row = self.conn.execute(
            "SELECT etag, last_modified FROM fetch_state WHERE source_id = ? AND url = ?", [source_id, url]
        ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def _save_validators(self, source_id: str, url: str, etag: str | None, last_modified: str | None,
                         now: datetime) -> None:
        if etag or last_modified:
            self.conn.execute(
                "INSERT OR REPLACE INTO fetch_state (source_id, url, etag, last_modified, saved) VALUES (?, ?, ?, ?, ?)",
                [source_id, url, etag, last_modified, iso(now)],
            )
        else:
            self.conn.execute("DELETE FROM fetch_state WHERE source_id = ? AND url = ?", [source_id, url])


def _newest_first(item: dict) -> tuple:
    when = item["published"] or item["first_seen"]
    return (-when.timestamp(), item["id"])
