"""What `status --json` and `serve`'s /health read: statements on a plain SQLite connection, so that `serve` can ask
them of a connection that only reads (`read_only`), without opening (or migrating) the store."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def read_only(path: str | Path) -> sqlite3.Connection:
    """A connection that can only read the store (SQLite's `mode=ro`); raises sqlite3.Error when there is none."""
    path = Path(path)
    if not path.exists():
        raise sqlite3.OperationalError(f"no store at {path} yet (no run has made one)")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    conn.execute("PRAGMA query_only = 1")
    return conn


def _dicts(cursor: sqlite3.Cursor) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def source_states(conn: sqlite3.Connection) -> dict[str, dict]:
    """Each source's health row (source_state), by source id."""
    return {row["source_id"]: row for row in _dicts(conn.execute("SELECT * FROM source_state"))}


def items_per_source(conn: sqlite3.Connection) -> dict[str, int]:
    """How many documents each source has observed."""
    return dict(conn.execute("SELECT source_id, count(*) FROM observations GROUP BY source_id").fetchall())


def store_meta(conn: sqlite3.Connection, key: str) -> str | None:
    found = conn.execute("SELECT value FROM store_meta WHERE key = ?", [key]).fetchone()
    return found[0] if found else None


def row_counts(conn: sqlite3.Connection, tables: tuple[str, ...]) -> dict[str, int]:
    """Rows per table (the store's own table names, never user input)."""
    return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}


def file_sizes(path: str | Path) -> dict[str, int]:
    """The store's bytes on disk: the file, and its write-ahead log where there is one."""
    path = Path(path)
    wal = path.with_name(path.name + "-wal")
    return {"bytes": path.stat().st_size if path.exists() else 0, "wal_bytes": wal.stat().st_size if wal.exists() else 0}


def _first(conn: sqlite3.Connection, sql: str, params: list) -> dict | None:
    found = _dicts(conn.execute(sql, params))
    return found[0] if found else None


# ------------------------------------------------------------------------------------------ deliveries, per URL


_LEDGER = "FROM deliveries d JOIN messages m ON m.id = d.message_id WHERE m.subscription_id = ? AND d.url_key = ?"


def delivery_counts(conn: sqlite3.Connection, subscription_id: str, url_key: str) -> dict[str, int]:
    return {r["status"]: r["n"] for r in _dicts(conn.execute(
        f"SELECT d.status, count(*) AS n {_LEDGER} GROUP BY d.status", [subscription_id, url_key]))}


def last_sent(conn: sqlite3.Connection, subscription_id: str, url_key: str) -> dict | None:
    return _first(conn, f"SELECT d.sent_at, m.kind {_LEDGER} AND d.status = 'sent' ORDER BY d.sent_at DESC LIMIT 1",
                  [subscription_id, url_key])


def last_error(conn: sqlite3.Connection, subscription_id: str, url_key: str) -> dict | None:
    return _first(conn, "SELECT d.last_error, d.last_attempt_at, d.attempts, d.status, d.next_attempt_run "
                        f"{_LEDGER} AND d.last_error IS NOT NULL AND d.status IN ('pending', 'failed') "
                        "ORDER BY d.last_attempt_at DESC LIMIT 1", [subscription_id, url_key])
