"""Feed membership: which item is in which feed, as the last build filed it, and each feed's totals."""

from __future__ import annotations

import json

from ..records import Item
from .base import StoreBase
from .codec import decode_item


class FeedsMixin(StoreBase):
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

    def feed_entries(self, feed: str, limit: int) -> list[Item]:
        """A feed's newest items (by the index on feed and sort key), newest first."""
        rows = self.query(
            "SELECT items.* FROM feed_items JOIN items ON items.id = feed_items.item_id WHERE feed_items.feed = ? "
            "ORDER BY feed_items.sort_key DESC, feed_items.item_id LIMIT ?", [feed, limit])
        return [decode_item(r) for r in rows]

    def feed_count(self, feed: str) -> int:
        return self.conn.execute("SELECT count(*) FROM feed_items WHERE feed = ?", [feed]).fetchone()[0]

    def feed_totals(self) -> dict[str, int]:
        """Entries per feed, as the last build counted them (kept up to date by deltas, not by counting)."""
        return json.loads(self.meta("feed_totals") or "{}")
