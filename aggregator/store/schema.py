"""The schema: migrations from version N to N+1 (PRAGMA user_version holds N), each run in one transaction.

Never edit a released migration; add a new one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..records import Record, record_to_json
from .codec import decode_item, from_iso, iso, sort_key

if TYPE_CHECKING:  # loaded by the migrations' caller, only when a store is behind
    import sqlite_utils


def _v1(db: sqlite_utils.Database) -> None:
    db.table("items").create(
        {
            "id": str, "link": str, "title": str, "summary": str, "language": str,
            "published": str, "updated": str, "first_seen": str, "changed": str,
            "document_type": str, "ministries": str, "authors": str, "topics": str,
            "sources": str, "extra": str,
        },
        pk="id",
    )
    db.table("items").create_index(["first_seen"])
    db.table("items").create_index(["published"])
    db.table("topics").create({"id": str, "title": str}, pk="id")
    db.table("source_state").create(
        {
            "source_id": str, "first_success": str, "last_attempt": str, "last_success": str,
            "last_error": str, "last_error_at": str, "consecutive_failures": int,
            "failing_since": str, "last_item_count": int,
        },
        pk="source_id",
    )
    db.table("validators").create({"url": str, "etag": str, "last_modified": str, "saved": str}, pk="url")


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
        item = decode_item(dict(zip(columns, values, strict=True)))
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
        "CREATE INDEX items_type ON items (document_type)",  # open hearings for index.html
    ):
        db.execute(statement)
    for item_id, published, first_seen in db.execute("SELECT id, published, first_seen FROM items").fetchall():
        db.execute("UPDATE items SET sort_key = ?, version = 1 WHERE id = ?",
                   [sort_key(from_iso(published), from_iso(first_seen)), item_id])
    db.execute("INSERT OR REPLACE INTO store_meta (key, value) VALUES ('content_version', '1')")


def _v5(db: sqlite_utils.Database) -> None:
    """Hearings: the changes seen in each (events), when one last changed in a way feeds show, and which answer
    on another site (KS's on ks.no) answers which hearing."""
    for statement in (
        "ALTER TABLE items ADD COLUMN hearing_changed TEXT",
        # the fetching run (store_meta run) that first stored the item: "seen before this run" needs no clock
        "ALTER TABLE items ADD COLUMN first_run INTEGER NOT NULL DEFAULT 0",
        # the fetching run of a source's first success: its items of that run are its baseline (history)
        "ALTER TABLE source_state ADD COLUMN first_success_run INTEGER NOT NULL DEFAULT 0",
        # one change of a hearing (hearings.changes): deadline | closed | reopened | documents | response
        """CREATE TABLE hearing_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT, item_id TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL,
            at TEXT NOT NULL, in_feeds INTEGER NOT NULL)""",
        "CREATE INDEX hearing_events_item ON hearing_events (item_id, id)",
        # told: the link was news ("KS har svart" was an event), so the response listing's news of it is not
        """CREATE TABLE answer_links (
            answer_id TEXT PRIMARY KEY, hearing_id TEXT NOT NULL, linked_at TEXT NOT NULL,
            told INTEGER NOT NULL DEFAULT 0)""",
        "CREATE INDEX answer_links_hearing ON answer_links (hearing_id)",
        # when each subscription began to want each event ("new", "updated", "reminder"): an event added to a
        # subscription later starts then, not at the subscription's own start
        """CREATE TABLE subscription_events (
            subscription_id TEXT NOT NULL, event TEXT NOT NULL, first_seen TEXT NOT NULL,
            PRIMARY KEY (subscription_id, event))""",
        # new items a subscription cannot judge yet (a hearing whose page was not read: no recipients, no deadline)
        """CREATE TABLE notify_waiting (
            subscription_id TEXT NOT NULL, item_id TEXT NOT NULL, since TEXT NOT NULL,
            PRIMARY KEY (subscription_id, item_id))""",
    ):
        db.execute(statement)


# A hearing's facts and an answer's pointers as flat `extra` keys (up to v5), and where v6 keeps them.
_V5_HEARING_KEYS = {"deadline": "deadline", "hearing_status": "status", "case_ref": "reference", "letter": "letter",
                    "documents": "documents", "recipients": "recipients", "answer_url": "answer_url",
                    "responses": "responses"}


def _v6_extra(extra: dict) -> dict:
    """An `extra` table of v5 in the form of v6: a hearing's facts under "hearing", an answer's under "answer_to"."""
    hearing = {new: extra.pop(old) for old, new in _V5_HEARING_KEYS.items() if extra.get(old) is not None}
    if hearing:
        extra["hearing"] = hearing
    answer = {}
    if extra.get("answers_hearing"):
        answer["links"] = [extra["answers_hearing"]]
    if extra.get("hearing_ref"):
        answer["references"] = [extra["hearing_ref"]]
    extra.pop("answers_hearing", None)
    extra.pop("hearing_ref", None)
    if answer:
        extra["answer_to"] = answer
    return extra


def _v6(db: sqlite_utils.Database) -> None:
    """Hearings as one slice: their facts under one key of `extra` (hearings.model), the deadline in a column of
    its own (indexed: open and followed hearings), and the references hearings and answers are known by
    (`item_refs`), so that linking an answer looks up an index instead of reading every answer."""
    for statement in (
        "ALTER TABLE items ADD COLUMN deadline TEXT",
        "CREATE INDEX items_deadline ON items (deadline)",
        "CREATE INDEX items_type_deadline ON items (document_type, deadline)",  # hearings without a known deadline
        "CREATE INDEX article_state_due ON article_state (status, next_run)",  # pages to try again
        "CREATE INDEX article_state_attempt ON article_state (last_attempt_at)",  # one dated in the future
        """CREATE TABLE item_refs (
            ref TEXT NOT NULL, role TEXT NOT NULL, item_id TEXT NOT NULL, strength INTEGER NOT NULL,
            PRIMARY KEY (role, ref, item_id))""",
        "CREATE INDEX item_refs_item ON item_refs (item_id)",
    ):
        db.execute(statement)
    for item_id, source_id, data in db.execute("SELECT item_id, source_id, data FROM observations").fetchall():
        record = json.loads(data)
        record["extra"] = _v6_extra(record.get("extra") or {})
        db.execute("UPDATE observations SET data = ? WHERE item_id = ? AND source_id = ?",
                   [json.dumps(record, ensure_ascii=False, sort_keys=True), item_id, source_id])
    from ..hearings.links import references

    for row in list(db.query("SELECT * FROM items")):
        extra = _v6_extra(json.loads(row["extra"] or "{}"))
        item = decode_item({**row, "extra": json.dumps(extra)})
        deadline = (extra.get("hearing") or {}).get("deadline")
        db.execute("UPDATE items SET extra = ?, deadline = ? WHERE id = ?",
                   [json.dumps(extra, ensure_ascii=False, sort_keys=True), deadline, row["id"]])
        db.conn.executemany("INSERT OR IGNORE INTO item_refs (ref, role, item_id, strength) VALUES (?, ?, ?, ?)",
                            [(ref, role, row["id"], strength) for ref, role, strength in references(item)])


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1, _v2, _v3, _v4, _v5, _v6]


class StoreTooNew(Exception):
    """The store's schema is newer than this code's: a newer aggregator wrote it. Nothing in it is changed."""

    def __init__(self, version: int, path: object = None):
        where = f" {path}" if path is not None else ""
        super().__init__(f"the store{where} is schema version {version}, this aggregator knows up to {len(MIGRATIONS)}: "
                         "a newer aggregator wrote it. Upgrade the aggregator, or point [storage] database at another "
                         "file; nothing in the store was changed")
        self.version = version




# Every table a store of the latest schema has; one missing means the file was damaged or tampered with.
REQUIRED_TABLES = {
    "items", "topics", "source_state", "observations", "fetch_state", "article_state", "store_meta",
    "notify_meta", "notify_sources", "notify_items", "subscriptions", "subscription_items", "messages",
    "deliveries", "source_alerts", "feed_items", "hearing_events", "answer_links", "subscription_events",
    "notify_waiting", "item_refs",
}


def migrate_db(db: sqlite_utils.Database) -> None:
    """Bring a database's schema up to date, one transaction per migration: a run killed half-way through
    one leaves the version before it, which the next run migrates again. (DDL in an explicit transaction,
    since Python's sqlite3 would otherwise commit each CREATE TABLE on its own.)"""
    if (found := db.execute("PRAGMA user_version").fetchone()[0]) > len(MIGRATIONS):
        raise StoreTooNew(found)
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
