"""Sources: their health (successes, failures) and the HTTP validators of their committed answers."""

from __future__ import annotations

from datetime import datetime

from .base import StoreBase
from .codec import iso, utc_now


class SourcesMixin(StoreBase):
    def source_state(self, source_id: str) -> dict:
        row = next(self.query("SELECT * FROM source_state WHERE source_id = ?", [source_id]), None)
        return row or {"source_id": source_id, "consecutive_failures": 0}

    def _upsert_source_state(self, values: dict) -> None:
        columns = ", ".join(values)
        updates = ", ".join(f"{c} = excluded.{c}" for c in values if c != "source_id")
        self.conn.execute(
            f"INSERT INTO source_state ({columns}) VALUES ({', '.join('?' * len(values))}) "
            f"ON CONFLICT (source_id) DO UPDATE SET {updates}",
            list(values.values()),
        )

    def record_success(self, source_id: str, item_count: int, now: datetime | None = None, run: int = 0) -> dict:
        """Note a successful fetch (in fetching run `run`); returns the state before it (to tell a first success or
        a recovery)."""
        stamp = iso(now or utc_now())
        before = self.source_state(source_id)
        with self.transaction():
            first_run = before.get("first_success_run") if before.get("first_success") else run
            self._upsert_source_state({
                "source_id": source_id, "first_success": before.get("first_success") or stamp,
                "first_success_run": first_run or 0, "last_attempt": stamp,
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

    def walk_incomplete(self, source_id: str) -> bool:
        """Whether the source's last fetch committed batches and then stopped (killed) before its end."""
        return self.meta(f"walk_incomplete:{source_id}") == "1"

    def set_walk_incomplete(self, source_id: str, incomplete: bool) -> None:
        """Inside the caller's transaction: a batch marks the walk incomplete, the fetch's end marks it done."""
        if incomplete:
            self.conn.execute("INSERT OR REPLACE INTO store_meta (key, value) VALUES (?, '1')", [f"walk_incomplete:{source_id}"])
        else:
            self.conn.execute("DELETE FROM store_meta WHERE key = ?", [f"walk_incomplete:{source_id}"])

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
