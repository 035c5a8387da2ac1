"""Hearings: the changes seen in each (`hearing_events`), which answer answers which hearing (`answer_links`), the
references hearings and answers are known by (`item_refs`, the index linking looks up), and the hearings that are
open or followed (by the `deadline` column). Statements only: what they mean is decided in aggregator.hearings."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime

from ..hearings import HEARING_TYPES
from ..hearings.links import ANSWER, HEARING, RELATED
from ..records import Item
from .base import StoreBase
from .codec import decode_item, from_iso, iso

_HEARING_TYPES = ", ".join(f"'{t}'" for t in HEARING_TYPES)  # constants of the vocabulary, not user input
# Hearings whose deadline is a date or later, or (without a deadline) that are new since then: two parameters.
def _chunks(values: list, size: int = 500) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _marks(values: list) -> str:
    return ", ".join("?" * len(values))


class HearingsMixin(StoreBase):
    # ----------------------------------------------------------------------------------- events

    def add_hearing_events(self, events: list[tuple[str, dict, bool]], now: datetime) -> None:
        """Write hearings' events: (hearing id, event, whether the feeds show it)."""
        self.conn.executemany(
            "INSERT INTO hearing_events (item_id, kind, data, at, in_feeds) VALUES (?, ?, ?, ?, ?)",
            [(item_id, e["kind"], json.dumps(e, ensure_ascii=False), iso(now), int(shown)) for item_id, e, shown in events])

    def hearing_events_after(self, event_id: int) -> list[dict]:
        """Events written after an event id, oldest first: {id, item_id, at, event}."""
        return [{"id": r[0], "item_id": r[1], "at": from_iso(r[2]), "event": json.loads(r[3])} for r in self.conn.execute(
            "SELECT id, item_id, at, data FROM hearing_events WHERE id > ? ORDER BY id", [event_id])]

    def deadline_changes(self, item_ids: list[str]) -> dict[str, int]:
        """Per hearing, how often its deadline moved (the SEQUENCE of its calendar event)."""
        found: dict[str, int] = {}
        for chunk in _chunks(item_ids):
            found.update(self.conn.execute(
                "SELECT item_id, count(*) FROM hearing_events WHERE kind = 'deadline' "
                f"AND item_id IN ({_marks(chunk)}) GROUP BY item_id", chunk).fetchall())
        return found

    def meeting_changes(self, item_ids: list[str]) -> dict[tuple[str, int], int]:
        """Per (hearing, meeting number), how often that meeting moved (the SEQUENCE of its calendar event)."""
        found: dict[tuple[str, int], int] = {}
        for chunk in _chunks(item_ids):
            for item_id, number, count in self.conn.execute(
                    "SELECT item_id, COALESCE(json_extract(data, '$.number'), 0), count(*) FROM hearing_events "
                    f"WHERE kind = 'meeting' AND item_id IN ({_marks(chunk)}) GROUP BY 1, 2", chunk):
                found[(item_id, int(number))] = count
        return found

    def latest_updates(self, item_ids: list[str]) -> dict[str, list[dict]]:
        """Per hearing, the events of its latest change that the feeds show (several when seen at once)."""
        found: dict[str, list[dict]] = {}
        for chunk in _chunks(item_ids):
            rows = self.conn.execute(
                "SELECT e.item_id, e.data FROM hearing_events e JOIN (SELECT item_id, max(at) AS at FROM hearing_events "
                f"WHERE in_feeds = 1 AND item_id IN ({_marks(chunk)}) GROUP BY item_id) last "
                "ON last.item_id = e.item_id AND last.at = e.at WHERE e.in_feeds = 1 ORDER BY e.id", chunk)
            for item_id, data in rows:
                found.setdefault(item_id, []).append(json.loads(data))
        return found

    # ----------------------------------------------------------------------------------- references and links

    def set_references(self, refs: dict[str, list[tuple[str, str, int]]]) -> None:
        """Replace the references of these items (hearings.links.references)."""
        self.conn.executemany("DELETE FROM item_refs WHERE item_id = ?", [(item_id,) for item_id in refs])
        self.conn.executemany("INSERT OR IGNORE INTO item_refs (ref, role, item_id, strength) VALUES (?, ?, ?, ?)",
                              [(ref, role, item_id, strength) for item_id, found in refs.items()
                               for ref, role, strength in found])

    def hearings_by_refs(self, refs: list[str]) -> list[tuple[str, Item, int]]:
        """(reference, hearing, its first run) for the stored hearings known by any of these references."""
        return self._by_refs(refs, HEARING, "")

    def unlinked_answers_by_refs(self, refs: list[str]) -> list[tuple[str, Item, int]]:
        """(reference, answer, its first run) for the stored answers not linked yet that point at any of these."""
        return self._by_refs(refs, ANSWER, "AND NOT EXISTS (SELECT 1 FROM answer_links l WHERE l.answer_id = i.id)")

    def _by_refs(self, refs: list[str], role: str, condition: str) -> list[tuple[str, Item, int]]:
        found = []
        for chunk in _chunks(refs):
            for row in self.query(
                    f"SELECT r.ref AS matched_ref, i.* FROM item_refs r JOIN items i ON i.id = r.item_id "
                    f"WHERE r.role = ? AND r.ref IN ({_marks(chunk)}) {condition} ORDER BY i.first_seen, i.id",
                    [role, *chunk]):
                row = dict(row)
                found.append((row.pop("matched_ref"), decode_item(row), row["first_run"]))
        return found

    def linked_answers(self, answer_ids: list[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(answer_ids):
            found |= {r[0] for r in self.conn.execute(
                f"SELECT answer_id FROM answer_links WHERE answer_id IN ({_marks(chunk)})", chunk)}
        return found

    def add_links(self, links: list[tuple[str, str, bool]], now: datetime) -> None:
        self.conn.executemany("INSERT OR IGNORE INTO answer_links (answer_id, hearing_id, linked_at, told) "
                              "VALUES (?, ?, ?, ?)", [(a, h, iso(now), int(told)) for a, h, told in links])

    def first_success_runs(self, source_ids: list[str]) -> list[int]:
        """The fetching runs of these sources' first successes (of those that had one)."""
        return [r[0] for r in self.conn.execute(
            "SELECT first_success_run FROM source_state WHERE source_id IN (SELECT value FROM json_each(?)) "
            "AND first_success IS NOT NULL", [json.dumps(source_ids)])]

    def answers_of(self, hearing_ids: list[str]) -> dict[str, list[tuple[Item, bool]]]:
        """Per hearing, the answers linked to it, and whether the link was told as news, in the order linked."""
        found: dict[str, list[tuple[Item, bool]]] = {}
        for chunk in _chunks(hearing_ids):
            for row in self.query(
                    "SELECT a.hearing_id AS hearing_id, a.told AS told, i.* FROM answer_links a "
                    f"JOIN items i ON i.id = a.answer_id WHERE a.hearing_id IN ({_marks(chunk)}) "
                    "ORDER BY a.linked_at, i.id", chunk):
                row = dict(row)
                hearing_id, told = row.pop("hearing_id"), row.pop("told")
                found.setdefault(hearing_id, []).append((decode_item(row), bool(told)))
        return found

    def answered_hearing(self, answer_id: str) -> Item | None:
        """The hearing an answer answers, if it is linked to one."""
        found = self.query("SELECT items.* FROM answer_links a JOIN items ON items.id = a.hearing_id "
                              "WHERE a.answer_id = ?", [answer_id])
        return next((decode_item(r) for r in found), None)

    def hearings_answered(self, answer_ids: list[str]) -> dict[str, dict]:
        """Per answer, the hearing it answers: {link, title}."""
        found: dict[str, dict] = {}
        for chunk in _chunks(answer_ids):
            for answer_id, link, title in self.conn.execute(
                    "SELECT a.answer_id, i.link, i.title FROM answer_links a JOIN items i ON i.id = a.hearing_id "
                    f"WHERE a.answer_id IN ({_marks(chunk)})", chunk):
                found[answer_id] = {"link": link, "title": title}
        return found

    def hearings_relating(self, refs: list[str]) -> list[Item]:
        """The stored hearings that relate to any of these references ("id:<document id>", links.RELATED)."""
        found: dict[str, Item] = {}
        for chunk in _chunks(refs):
            for row in self.query(f"SELECT DISTINCT i.* FROM item_refs r JOIN items i ON i.id = r.item_id "
                                     f"WHERE r.role = ? AND r.ref IN ({_marks(chunk)})", [RELATED, *chunk]):
                found[row["id"]] = decode_item(row)
        return list(found.values())

    def related_entries(self, item_ids: list[str]) -> dict[str, list[dict]]:
        """Per item, the stored items it is related to (links.RELATED), both ways: a hearing's government documents,
        a document's parliament hearings; each {link, title}."""
        found: dict[str, list[dict]] = {}
        for chunk in _chunks(item_ids):
            marks = _marks(chunk)
            rows = self.conn.execute(
                "SELECT r.item_id, i.link, i.title FROM item_refs r JOIN items i ON i.id = substr(r.ref, 4) "
                f"WHERE r.role = ? AND r.item_id IN ({marks}) "
                "UNION ALL SELECT substr(r.ref, 4), i.link, i.title FROM item_refs r JOIN items i ON i.id = r.item_id "
                f"WHERE r.role = ? AND r.ref IN ({marks}) ORDER BY 1, 3",
                [RELATED, *chunk, RELATED, *(f"id:{i}" for i in chunk)])
            for item_id, link, title in rows:
                found.setdefault(item_id, []).append({"link": link, "title": title})
        return found

    # ----------------------------------------------------------------------------------- open and followed

    def followed_hearings(self, source_id: str, since: str, read_before: datetime) -> list[Item]:
        """The hearings a source has observed whose deadline is `since` (ISO date) or later, or not known while they
        are new (since `since`), and whose page was last read before `read_before` (or never): the candidates
        hearings.follow judges. Found from the hearings by their deadline (indexed), not from the source's items."""
        due = ("EXISTS (SELECT 1 FROM observations o WHERE o.item_id = items.id AND o.source_id = ?) "
               "AND NOT EXISTS (SELECT 1 FROM article_state a WHERE a.item_id = items.id "
               "AND julianday(a.last_attempt_at) > julianday(?))")
        rows = self.query(
            f"SELECT * FROM items WHERE document_type IN ({_HEARING_TYPES}) AND deadline >= ? AND {due} "
            f"UNION ALL SELECT * FROM items WHERE document_type IN ({_HEARING_TYPES}) AND deadline IS NULL "
            f"AND COALESCE(published, first_seen) >= ? AND {due}",
            [since, source_id, iso(read_before), since, source_id, iso(read_before)])
        return [decode_item(r) for r in rows]

    def recent_hearings(self, since: str) -> list[Item]:
        """Hearings whose deadline is `since` (ISO date) or later, or, without a deadline, first seen (or published)
        since then: those whose meetings may lie ahead. By the deadline index, not a scan of every item."""
        rows = self.query(
            f"SELECT * FROM items WHERE document_type IN ({_HEARING_TYPES}) AND deadline >= ? "
            f"UNION ALL SELECT * FROM items WHERE document_type IN ({_HEARING_TYPES}) AND deadline IS NULL "
            "AND COALESCE(published, first_seen) >= ? ORDER BY id", [since, since])
        return [decode_item(r) for r in rows]

    def hearing_versions(self, since: str) -> str:
        """The content versions of recent_hearings(since) and of the answers linked to them, as one text that
        changes whenever one of them does (publish's state of hearings/open.atom and the calendar)."""
        digest = hashlib.sha256()
        for row in self.conn.execute(
                f"SELECT id, version FROM items WHERE document_type IN ({_HEARING_TYPES}) AND deadline >= ? "
                f"UNION ALL SELECT id, version FROM items WHERE document_type IN ({_HEARING_TYPES}) "
                "AND deadline IS NULL AND COALESCE(published, first_seen) >= ? "
                "UNION ALL SELECT a.hearing_id || '>' || a.answer_id, i.version FROM answer_links a "
                "JOIN items i ON i.id = a.answer_id JOIN items h ON h.id = a.hearing_id WHERE h.deadline >= ? "
                "ORDER BY 1", [since, since, since]):
            digest.update(f"{row[0]}\t{row[1]}\n".encode())
        return digest.hexdigest()

    def hearings_with_deadline_from(self, today: str) -> list[Item]:
        """Hearings whose deadline (ISO date) is today or later (hearings.rules.is_open decides on their state)."""
        rows = self.query(f"SELECT * FROM items WHERE deadline >= ? AND document_type IN ({_HEARING_TYPES}) "
                             "ORDER BY deadline, id", [today])
        return [decode_item(r) for r in rows]

    def renew_hearings_with_deadline(self, first: str, last: str) -> int:
        """A new content version for the hearings whose deadline (ISO date) is from `first` to `last`: their state
        changed with the day, so the feeds holding them are redone. Returns how many."""
        with self.transaction():
            ids = [r[0] for r in self.conn.execute(
                f"SELECT id FROM items WHERE deadline BETWEEN ? AND ? AND document_type IN ({_HEARING_TYPES})",
                [first, last])]
            if ids:
                version = self._next_version()
                self.conn.executemany("UPDATE items SET version = ? WHERE id = ?", [(version, i) for i in ids])
        return len(ids)
