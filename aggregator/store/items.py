"""Documents: each source's observations, the merged items, article-page attempts; the snapshot a commit is planned
from, and the writing of a plan (plan.py decides; this module only reads and writes)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from ..records import Item, Record, record_from_json
from .codec import decode_item, encode, iso, newest_first, sort_key
from .hearings import HearingsMixin
from .sources import SourcesMixin

if TYPE_CHECKING:
    from ..plan import CommitPlan, ItemWrite, Snapshot


def chunks(values: list, size: int = 500) -> Iterator[list]:
    """SQLite takes at most 999 parameters in older builds: IN lists go in chunks."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def marks(values: list) -> str:
    return ", ".join("?" * len(values))


class ItemsMixin(SourcesMixin, HearingsMixin):  # a plan holds validators, health and hearing events too
    def get_item(self, item_id: str) -> Item | None:
        found = self._items_with_first_run([item_id])
        return found[item_id][0] if item_id in found else None

    def items_by_ids(self, item_ids: list[str]) -> list[Item]:
        """The stored ones of these items."""
        return [item for item, _ in self._items_with_first_run(item_ids).values()]

    def _items_with_first_run(self, item_ids: list[str]) -> dict[str, tuple[Item, int]]:
        """Stored items and the fetching run that first stored each (which decode_item leaves out)."""
        found: dict[str, tuple[Item, int]] = {}
        for chunk in chunks(item_ids):
            for row in self.query(f"SELECT * FROM items WHERE id IN ({marks(chunk)})", chunk):
                found[row["id"]] = (decode_item(row), row["first_run"])
        return found

    def item_by_link(self, link: str) -> Item | None:
        """The item whose canonical link this is (one scan: for `explain`, not for a run)."""
        row = next(self.db.query("SELECT * FROM items WHERE link = ? LIMIT 1", [link]), None)
        return decode_item(row) if row else None

    def items(self, where: str = "1", params: list | tuple = ()) -> list[Item]:
        """Decoded items matching an SQL condition, newest first (published, else first seen)."""
        rows = self.query(
            f"SELECT * FROM items WHERE {where} ORDER BY COALESCE(published, first_seen) DESC, id", list(params)
        )
        return sorted((decode_item(r) for r in rows), key=newest_first)

    def items_changed_since(self, version: int, batch: int = 2000) -> Iterator[list[Item]]:
        """Items written after a content version, in batches (so that a full rebuild never holds them all)."""
        last = version
        while True:
            rows = list(self.query(
                "SELECT * FROM items WHERE version > ? ORDER BY version LIMIT ?", [last, batch]))
            if not rows:
                return
            last = rows[-1]["version"]
            yield [decode_item(r) for r in rows]

    def topic_titles(self) -> dict[str, str]:
        return {r["id"]: r["title"] for r in self.query("SELECT id, title FROM topics")}

    def count_items(self, source_id: str | None = None) -> int:
        if source_id is None:
            return self.conn.execute("SELECT count(*) FROM items").fetchone()[0]
        return self.conn.execute("SELECT count(*) FROM observations WHERE source_id = ?", [source_id]).fetchone()[0]

    def observed(self, source_id: str, item_id: str) -> Record | None:
        """What this source said of this document last time it was committed, or None if it never did."""
        row = self.conn.execute(
            "SELECT data FROM observations WHERE item_id = ? AND source_id = ?", [item_id, source_id]
        ).fetchone()
        return record_from_json(row[0]) if row else None

    # ----------------------------------------------------------------------------------- a commit

    def snapshot(self, item_ids: list[str]) -> Snapshot:
        """What plan.plan_fetch needs of these documents: their observations, rows, article states, and the answers
        linked to them."""
        from ..plan import Snapshot

        snapshot = Snapshot()
        for chunk in chunks(item_ids):
            for item_id, source_id, data, topics in self.conn.execute(
                    "SELECT item_id, source_id, data, source_topics FROM observations "
                    f"WHERE item_id IN ({marks(chunk)})", chunk):
                snapshot.observations.setdefault(item_id, {})[source_id] = (record_from_json(data),
                                                                            tuple(json.loads(topics)))
                snapshot.texts[(item_id, source_id)] = data
            for row in self.query(f"SELECT * FROM article_state WHERE item_id IN ({marks(chunk)})", chunk):
                snapshot.article_states[row["item_id"]] = dict(row)
        snapshot.items = self._items_with_first_run(item_ids)
        snapshot.answers = self.answers_of(list(snapshot.items))
        return snapshot

    def write_plan(self, plan: CommitPlan, success: bool = True) -> dict:
        """Write what plan.py decided, inside the caller's transaction: observations, article states, rows (a new
        version for each row that differs, or is touched), events, links, references, validators, history, and
        (with `success`) the source's success. Returns the source's state before."""
        for topic_id, title in plan.topics.items():
            self.conn.execute("INSERT INTO topics (id, title) VALUES (?, ?) "
                              "ON CONFLICT(id) DO UPDATE SET title = excluded.title", [topic_id, title])
        for item_id, source_id, text, topics in plan.observations:
            self._observe(item_id, source_id, text, topics, plan)
        for item_id, url, state, error in plan.article_states:
            self._set_article_state(item_id, url, state, error, plan)
        for write in plan.items.values():
            self._write_item(write)
        self.add_hearing_events(plan.events, plan.now)
        self.add_links(plan.links, plan.now)
        self.set_references(plan.references())
        for url, (etag, last_modified) in plan.validators.items():
            self._save_validators(plan.source_id, url, etag, last_modified, plan.now)
        self.conn.executemany("INSERT OR IGNORE INTO notify_items (item_id, news, classified_at) VALUES (?, 0, ?)",
                              [(item_id, iso(plan.now)) for item_id in plan.history])
        if not success:
            return self.source_state(plan.source_id)
        count = plan.item_count if plan.item_count is not None else self.source_state(plan.source_id).get(
            "last_item_count")
        return self.record_success(plan.source_id, count or 0, plan.now, plan.run)

    def _observe(self, item_id: str, source_id: str, data: str, topics: tuple[str, ...], plan: CommitPlan) -> None:
        source_topics = json.dumps(list(topics), ensure_ascii=False)
        self.conn.execute(
            "INSERT INTO observations (item_id, source_id, data, source_topics, seen_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (item_id, source_id) DO UPDATE SET data = excluded.data, source_topics = excluded.source_topics, "
            "seen_at = excluded.seen_at WHERE data != excluded.data OR source_topics != excluded.source_topics",
            [item_id, source_id, data, source_topics, iso(plan.now)],
        )

    def _write_item(self, write: ItemWrite) -> None:
        """Insert a new row; update a stored one with a new content version (publish redoes what has a newer one)
        when it differs, or is touched."""
        row = encode(write.item)
        row["sort_key"] = sort_key(write.item["published"], write.item["first_seen"])
        if write.new:
            row.update(version=self._next_version(), first_run=write.first_run)
            self.conn.execute(f"INSERT INTO items ({', '.join(row)}) VALUES ({marks(list(row))})", list(row.values()))
            return
        columns = [c for c in row if c != "id"]
        if not write.touch:
            stored = self.conn.execute(f"SELECT {', '.join(columns)} FROM items WHERE id = ?", [row["id"]]).fetchone()
            if stored is not None and tuple(stored) == tuple(row[c] for c in columns):
                return
        self.conn.execute(f"UPDATE items SET {', '.join(f'{c} = ?' for c in columns)}, version = ? WHERE id = ?",
                          [row[c] for c in columns] + [self._next_version(), row["id"]])

    # ----------------------------------------------------------------------------------- article pages

    def article_state(self, item_id: str) -> dict | None:
        row = next(self.query("SELECT * FROM article_state WHERE item_id = ?", [item_id]), None)
        return dict(row) if row else None

    def _set_article_state(self, item_id: str, url: str, state: dict, error: str | None, plan: CommitPlan) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO article_state (item_id, url, status, attempts, next_run, last_error, last_attempt_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [item_id, url, state["status"], state["attempts"], state["next_run"], error, iso(plan.now)],
        )

    def correct_future_attempts(self, now: datetime) -> int:
        """An article page's last reading dated in the future (a clock that ran ahead) counts as now, so that the
        refresh interval goes on from the corrected time. Returns how many were corrected."""
        with self.transaction():  # times are written in UTC, so their text sorts as they do: the index finds them
            return self.conn.execute("UPDATE article_state SET last_attempt_at = ? WHERE last_attempt_at > ? "
                                     "AND julianday(last_attempt_at) > julianday(?)", [iso(now), iso(now), iso(now)]).rowcount

    def articles_due(self, source_id: str, run: int) -> list[Item]:
        """The documents of a source whose article page failed and whose back-off lets it be tried in this run, or
        whose reading an earlier run left for later: a source whose feed is unchanged (304) still has them read."""
        rows = self.query(
            "SELECT items.* FROM article_state a JOIN observations o ON o.item_id = a.item_id AND o.source_id = ? "
            "JOIN items ON items.id = a.item_id WHERE a.status IN ('failed', 'pending') AND a.next_run <= ?",
            [source_id, run])
        return [decode_item(r) for r in rows]

    def article_problems(self, source_id: str | None = None) -> list[dict]:
        """Article pages not read (yet): failing ones being retried and given-up ones, of one source or all."""
        sql = "SELECT a.* FROM article_state a WHERE a.status != 'read'"
        params: list = []
        if source_id:
            sql += " AND a.item_id IN (SELECT item_id FROM observations WHERE source_id = ?)"
            params.append(source_id)
        return [dict(r) for r in self.query(sql + " ORDER BY a.item_id", params)]
