"""Documents: each source's observations, the merged items, article-page attempts, one source's fetch."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime

from .. import hearings
from ..merge import ARTICLE, Observation, after_article_failure, merge, text_changed
from ..normalize import clean_text
from ..records import FetchResult, Item, Record, record_from_json, record_to_json
from .codec import decode_item, encode, iso, newest_first, row_for, sort_key, utc_now
from .hearings import HearingsMixin
from .sources import SourcesMixin


class ItemsMixin(SourcesMixin, HearingsMixin):  # a fetch's commit records validators, health, hearing changes too
    def get_item(self, item_id: str) -> Item | None:
        return self._item_and_first_run(item_id)[0]

    def _item_and_first_run(self, item_id: str) -> tuple[Item | None, int]:
        """A stored item and the fetching run that first stored it (which decode_item leaves out), in one read."""
        cursor = self.db.execute("SELECT * FROM items WHERE id = ?", [item_id])
        row = cursor.fetchone()
        if row is None:
            return None, 0
        values = dict(zip([d[0] for d in cursor.description], row, strict=True))
        return decode_item(values), values["first_run"]

    def items(self, where: str = "1", params: list | tuple = ()) -> list[Item]:
        """Decoded items matching an SQL condition, newest first (published, else first seen)."""
        rows = self.db.query(
            f"SELECT * FROM items WHERE {where} ORDER BY COALESCE(published, first_seen) DESC, id", list(params)
        )
        return sorted((decode_item(r) for r in rows), key=newest_first)

    def items_changed_since(self, version: int, batch: int = 2000) -> Iterator[list[Item]]:
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

    def _refresh(self, item_id: str, now: datetime, run: int | None = None) -> str:
        """Re-merge a document from its observations; write its row only when it differs.

        A text change of a document first stored in this same fetching run (`run`) is no update: readers
        never saw the text it replaced, which only tells which source came first in the config. A hearing's
        changes (hearings.changes) are written as its events, under the same rule."""
        rows = self.conn.execute(
            "SELECT source_id, data, source_topics FROM observations WHERE item_id = ?", [item_id]
        ).fetchall()
        document = merge([Observation(s, record_from_json(d), tuple(json.loads(t))) for s, d, t in rows])
        stored, first_run = self._item_and_first_run(item_id)
        if stored is None:
            row = row_for(document, now, None)
            row.update(sort_key=sort_key(document.published, now), version=self._next_version(), first_run=run or 0)
            self.conn.execute(
                f"INSERT INTO items ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values())
            )
            return "new"
        first_seen = stored["first_seen"]
        text_changed_at = stored["changed"] if stored["changed"] and stored["changed"] > first_seen else None
        text_moved = text_changed(stored, document)
        seen_before = run is None or first_run < run
        if text_moved and not seen_before:
            text_changed_at, text_moved = None, False
        hearing_changed, hearing_moved = stored["hearing_changed"], False
        if "consultation" in (stored["document_type"], document.document_type):
            hearings.keep_known_facts(stored["extra"], document.extra)
        if seen_before and "consultation" in (stored["document_type"], document.document_type):
            events = hearings.without_told_answers(hearings.changes(stored["extra"], document.extra),
                                                   self.linked_respondents(item_id))
            if events:
                hearing_moved = True
                if self.add_hearing_events(item_id, events, now):
                    hearing_changed = now
        # A hearing's news is its changes (deadline, status, documents, answers) and its title; a reworded summary
        # is none.
        reworded_only = text_moved and document.document_type == "consultation" and stored["title"] == document.title
        row = row_for(document, first_seen, now if text_moved and not reworded_only else text_changed_at,
                      hearing_changed)
        if row != encode(stored):
            row.update(sort_key=sort_key(document.published, first_seen), version=self._next_version())
            assignments = ", ".join(f"{column} = ?" for column in row if column != "id")
            self.conn.execute(f"UPDATE items SET {assignments} WHERE id = ?",
                              [v for c, v in row.items() if c != "id"] + [item_id])
        return "changed" if text_moved or hearing_moved else "unchanged"

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
        this_run = run if run_started is not None else None  # a backfill or a lone fetch: no run to compare with
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
                previous = self.observed(source_id, record.id) if record.id in result.article_failures else None
                self._observe(source_id, record, topics, now)
                if previous is not None:
                    self._drop_stale_article_facts(previous, record, now)
            for item_id in dict.fromkeys([r.id for r in result.records] + list(result.articles)):
                if self.conn.execute("SELECT 1 FROM observations WHERE item_id = ? AND source_id != ?",
                                     [item_id, ARTICLE]).fetchone():
                    changes[item_id] = self._refresh(item_id, now, this_run)
            if self._any_hearing_or_answer(list(changes)):
                announce = not history and bool(self.source_state(source_id).get("first_success"))
                for item_id in self.link_answers(list(changes), now, this_run, announce):
                    changes.setdefault(item_id, "unchanged")
            for url, (etag, last_modified) in result.validators.items():
                self._save_validators(source_id, url, etag, last_modified, now)
            if history:
                self.conn.executemany(
                    "INSERT OR IGNORE INTO notify_items (item_id, news, classified_at) VALUES (?, 0, ?)",
                    [(item_id, iso(now)) for item_id, change in changes.items() if change == "new"],
                )
            count = self.source_state(source_id).get("last_item_count") if result.not_modified else len(
                {r.id for r in result.records})
            before = self.record_success(source_id, count or 0, now, run)
        return changes, before

    def _drop_stale_article_facts(self, previous: Record, record: Record, now: datetime) -> None:
        """A listing moved a hearing's deadline or status (since this source's last look) to another value than its
        article page said when last read, and the page could not be read again: the article's older word on these
        gives way to the listing's (merge.py ranks the article first), until the page is read."""
        article = self.observed(ARTICLE, record.id)
        if article is None:
            return
        stale = [k for k in ("deadline", "hearing_status")
                 if k in record.extra and previous.extra.get(k) != record.extra[k]
                 and k in article.extra and article.extra[k] != record.extra[k]]
        if stale:
            article.extra = {k: v for k, v in article.extra.items() if k not in stale}
            self._observe(ARTICLE, article, (), now)

    def _any_hearing_or_answer(self, item_ids: list[str]) -> bool:
        return self.conn.execute(
            "SELECT 1 FROM items WHERE id IN (SELECT value FROM json_each(?)) "
            "AND document_type IN ('consultation', 'consultation-response') LIMIT 1", [json.dumps(item_ids)]
        ).fetchone() is not None

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

    def articles_due(self, source_id: str, run: int) -> list[Item]:
        """The documents of a source whose article page failed and whose back-off lets it be tried in this run: a
        source whose feed is unchanged (304) still has them retried."""
        rows = self.db.query(
            "SELECT items.* FROM article_state a JOIN observations o ON o.item_id = a.item_id AND o.source_id = ? "
            "JOIN items ON items.id = a.item_id WHERE a.status = 'failed' AND a.next_run <= ?", [source_id, run])
        return [decode_item(r) for r in rows]

    def article_problems(self, source_id: str | None = None) -> list[dict]:
        """Article pages not read (yet): failing ones being retried and given-up ones, of one source or all."""
        sql = "SELECT a.* FROM article_state a WHERE a.status != 'read'"
        params: list = []
        if source_id:
            sql += " AND a.item_id IN (SELECT item_id FROM observations WHERE source_id = ?)"
            params.append(source_id)
        return [dict(r) for r in self.db.query(sql + " ORDER BY a.item_id", params)]
