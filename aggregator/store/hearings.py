"""Hearings: the changes seen in each (`hearing_events`), and which answer answers which hearing (`answer_links`).

An event is written in the transaction that commits the observation it came from, so a run killed before the
commit sees the change again and writes it then, and one killed after has it once.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

from .. import hearings
from ..normalize import hearing_reference, item_id_for_url
from ..records import Item
from .base import StoreBase
from .codec import decode_item, from_iso, iso


def _answers(answer: Item, hearing: Item) -> bool:
    """Whether an answer names this hearing: its link to the hearing's page, else its reference in the title."""
    link = answer["extra"].get("answers_hearing")
    if link:
        return item_id_for_url(link) == hearing["id"]
    return _cites(hearing, answer["extra"].get("hearing_ref"))


def _cites(hearing: Item, reference: str | None) -> bool:
    """Whether a hearing's title or summary cites a reference ("NOU 2022: 18")."""
    return bool(reference) and reference in (hearing_reference(hearing["title"]), hearing_reference(hearing["summary"]))


class HearingsMixin(StoreBase):
    def add_hearing_events(self, item_id: str, events: list[dict], now: datetime) -> bool:
        """Write a hearing's events; returns whether one of them shows in the feeds (advances its `updated`)."""
        self.conn.executemany(
            "INSERT INTO hearing_events (item_id, kind, data, at, in_feeds) VALUES (?, ?, ?, ?, ?)",
            [(item_id, e["kind"], json.dumps(e, ensure_ascii=False), iso(now), int(hearings.in_feeds(e))) for e in events])
        return any(hearings.in_feeds(e) for e in events)

    def hearing_events_after(self, event_id: int) -> list[dict]:
        """Events written after an event id, oldest first: {id, item_id, at, event}."""
        return [{"id": r[0], "item_id": r[1], "at": from_iso(r[2]), "event": json.loads(r[3])} for r in self.conn.execute(
            "SELECT id, item_id, at, data FROM hearing_events WHERE id > ? ORDER BY id", [event_id])]

    def last_hearing_event_id(self) -> int:
        return self.conn.execute("SELECT COALESCE(max(id), 0) FROM hearing_events").fetchone()[0]

    def deadline_changes(self, item_ids: list[str]) -> dict[str, int]:
        """Per hearing, how often its deadline moved (the SEQUENCE of its calendar event)."""
        found: dict[str, int] = {}
        for start in range(0, len(item_ids), 500):
            chunk = item_ids[start:start + 500]
            found.update(self.conn.execute(
                "SELECT item_id, count(*) FROM hearing_events WHERE kind = 'deadline' "
                f"AND item_id IN ({', '.join('?' * len(chunk))}) GROUP BY item_id", chunk).fetchall())
        return found

    def latest_updates(self, item_ids: list[str]) -> dict[str, list[dict]]:
        """Per hearing, the events of its latest change that the feeds show (several when seen at once)."""
        found: dict[str, list[dict]] = {}
        for start in range(0, len(item_ids), 500):
            chunk = item_ids[start:start + 500]
            rows = self.conn.execute(
                "SELECT e.item_id, e.data FROM hearing_events e JOIN (SELECT item_id, max(at) AS at FROM hearing_events "
                f"WHERE in_feeds = 1 AND item_id IN ({', '.join('?' * len(chunk))}) GROUP BY item_id) last "
                "ON last.item_id = e.item_id AND last.at = e.at WHERE e.in_feeds = 1 ORDER BY e.id", chunk)
            for item_id, data in rows:
                found.setdefault(item_id, []).append(json.loads(data))
        return found

    # ----------------------------------------------------------------------------------- answers

    def link_answers(self, changed: list[str], now: datetime, run: int | None, announce: bool) -> list[str]:
        """Link answers not linked yet (a `consultation-response`, as KS's on ks.no) to the hearing they answer: by
        the link to the hearing on the answer's page, else by its reference ("NOU 2022: 18") in a hearing's title or
        summary. `changed`: the items this commit wrote; an answer among them is looked up, and an older answer is
        tried against the hearings among them (so an answer seen before its hearing is linked when it comes).

        A new link is an event of the hearing ("KS har svart") when `announce`, the hearing was known before this
        run and the answer is new in it; else it is linked quietly (the entry still shows it). Returns the ids of
        the items whose entries changed. Inside the caller's transaction."""
        written = {i["id"]: i for i in self._items_by_id(changed)}
        new_hearings = [i for i in written.values() if i["document_type"] == "consultation"]
        touched: list[str] = []
        for answer in [decode_item(r) for r in self.db.query(
                "SELECT * FROM items WHERE document_type = 'consultation-response' "
                "AND id NOT IN (SELECT answer_id FROM answer_links)")]:
            if answer["id"] in written:
                hearing = self._hearing_answered(answer)
            else:
                hearing = next((h for h in new_hearings if _answers(answer, h)), None)
            if hearing is not None:
                self._link(answer, hearing, now, run, announce)
                touched += [hearing["id"], answer["id"]]
        return touched

    def _link(self, answer: Item, hearing: Item, now: datetime, run: int | None, announce: bool) -> None:
        """Record a link; it is news when the answer appeared after the hearing was known and after its own source's
        baseline (so also when its page, and with it the link, could only be read on a later run)."""
        respondent = (answer["authors"] or [answer["extra"].get("credit") or hearings.KS])[0]
        news = (announce and run is not None and self._first_run(hearing["id"]) < self._first_run(answer["id"])
                and not self._in_baseline(answer)
                # the hearing's response listing may have told of this answer already: no second "KS har svart"
                and not hearings.names_match(hearings.respondent_names(hearing["extra"]), [respondent]))
        self.conn.execute("INSERT INTO answer_links (answer_id, hearing_id, linked_at, told) VALUES (?, ?, ?, ?)",
                          [answer["id"], hearing["id"], iso(now), int(news)])
        if news and self.add_hearing_events(hearing["id"], [hearings.answered_event(
                respondent, answer["link"], answer["title"], answer["id"])], now):
            self.conn.execute("UPDATE items SET hearing_changed = ?, updated = ? WHERE id = ?",
                              [iso(now), iso(max(hearing["updated"], now)), hearing["id"]])
        for item_id in (hearing["id"], answer["id"]):  # both entries show the link: both are written again
            self.conn.execute("UPDATE items SET version = ? WHERE id = ?", [self._next_version(), item_id])

    def _in_baseline(self, item: Item) -> bool:
        """Whether an item came with the first successful fetch of its sources (history, not news)."""
        firsts = [r[0] for r in self.conn.execute(
            "SELECT first_success_run FROM source_state WHERE source_id IN (SELECT value FROM json_each(?)) "
            "AND first_success IS NOT NULL", [json.dumps(item["sources"])])]
        return not firsts or self._first_run(item["id"]) <= min(firsts)

    def _items_by_id(self, item_ids: list[str]) -> list[Item]:
        found: list[Item] = []
        for start in range(0, len(item_ids), 500):
            chunk = item_ids[start:start + 500]
            found += [decode_item(r) for r in self.db.query(
                f"SELECT * FROM items WHERE id IN ({', '.join('?' * len(chunk))})", chunk)]
        return found

    def _first_run(self, item_id: str) -> int:
        return self.conn.execute("SELECT first_run FROM items WHERE id = ?", [item_id]).fetchone()[0]

    def _hearing_answered(self, answer: Item) -> Item | None:
        link = answer["extra"].get("answers_hearing")
        if link:
            found = self._consultation("id = ?", [item_id_for_url(link)])
            if found:
                return found[0]
        reference = answer["extra"].get("hearing_ref")
        if not reference:
            return None
        year = next(iter(re.findall(r"\d{4}", reference)), "")
        candidates = self._consultation("(title LIKE ? OR summary LIKE ?)", [f"%{year}%", f"%{year}%"])
        matching = [c for c in candidates if _cites(c, reference)]
        return min(matching, key=lambda c: c["first_seen"]) if matching else None

    def _consultation(self, where: str, params: list) -> list[Item]:
        return [decode_item(r) for r in self.db.query(
            f"SELECT * FROM items WHERE document_type = 'consultation' AND {where}", params)]

    def linked_respondents(self, hearing_id: str) -> list[str]:
        """Who answered a hearing, as told by the answers linked to it (their authors)."""
        return [a["by"] for a in self.answers_of([hearing_id]).get(hearing_id, []) if a["told"]]

    def answers_of(self, hearing_ids: list[str]) -> dict[str, list[dict]]:
        """Per hearing, the answers linked to it: {link, title, by}."""
        found: dict[str, list[dict]] = {}
        for start in range(0, len(hearing_ids), 500):
            chunk = hearing_ids[start:start + 500]
            for hearing_id, link, title, authors, extra, told in self.conn.execute(
                    "SELECT a.hearing_id, i.link, i.title, i.authors, i.extra, a.told FROM answer_links a "
                    f"JOIN items i ON i.id = a.answer_id WHERE a.hearing_id IN ({', '.join('?' * len(chunk))}) "
                    "ORDER BY a.linked_at, i.id", chunk):
                by = (json.loads(authors or "[]") or [json.loads(extra or "{}").get("credit") or hearings.KS])[0]
                found.setdefault(hearing_id, []).append({"link": link, "title": title, "by": by, "told": bool(told)})
        return found

    def answered_hearing(self, answer_id: str) -> Item | None:
        """The hearing an answer answers, if it is linked to one."""
        found = self.db.query("SELECT items.* FROM answer_links a JOIN items ON items.id = a.hearing_id "
                              "WHERE a.answer_id = ?", [answer_id])
        return next((decode_item(r) for r in found), None)

    def hearings_answered(self, answer_ids: list[str]) -> dict[str, dict]:
        """Per answer, the hearing it answers: {link, title}."""
        found: dict[str, dict] = {}
        for start in range(0, len(answer_ids), 500):
            chunk = answer_ids[start:start + 500]
            for answer_id, link, title in self.conn.execute(
                    "SELECT a.answer_id, i.link, i.title FROM answer_links a JOIN items i ON i.id = a.hearing_id "
                    f"WHERE a.answer_id IN ({', '.join('?' * len(chunk))})", chunk):
                found[answer_id] = {"link": link, "title": title}
        return found

    def followed_hearings(self, source_id: str, since: str) -> list[Item]:
        """The hearings a source has observed whose deadline is `since` (ISO date) or later, or not known while they
        are new: the ones still worth reading again (hearings.is_followed decides)."""
        rows = self.db.query(
            "SELECT items.* FROM observations o JOIN items ON items.id = o.item_id WHERE o.source_id = ? "
            "AND items.document_type = 'consultation' AND (json_extract(items.extra, '$.deadline') >= ? "
            "OR (json_extract(items.extra, '$.deadline') IS NULL AND COALESCE(items.published, items.first_seen) >= ?))",
            [source_id, since, since])
        return [decode_item(r) for r in rows]

    def open_hearing_items(self, today: str) -> list[Item]:
        """Consultations whose deadline (ISO date) is today or later (hearings.is_open decides on their status)."""
        rows = self.db.query(
            "SELECT * FROM items WHERE document_type = 'consultation' AND json_extract(extra, '$.deadline') >= ?",
            [today])
        return [decode_item(r) for r in rows]
