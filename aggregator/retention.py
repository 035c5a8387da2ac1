"""Retention: `aggregator prune` (and `run`, when [storage] keep_days is set) removes what is older than keep_days,
by when it was first seen, with its observations, article states, references, feed memberships, hearing events and
answer links, and the ledger's messages that were delivered and hold only removed items.

Never removed: an open hearing, or one still followed (hearings.follow: its deadline is at most 60 days past, or it
is new and has none); anything a feed still shows (each feed's newest max_entries); anything the ledger still needs
(a delivery not done, an item collected for a digest or waiting to be judged, an item not judged yet); and the
answers linked to a kept hearing, and the hearing of a kept answer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .config import Config
from .hearings.follow import is_followed
from .hearings.rules import is_open_hearing
from .normalize import OSLO
from .store import Store, iso, utc_now
from .store import prune as sql

log = logging.getLogger(__name__)


@dataclass
class PruneReport:
    cutoff: datetime
    removed: int = 0
    kept: dict[str, int] = field(default_factory=dict)  # why old items stayed: hearings, feeds, ledger, linked
    rows: dict[str, int] = field(default_factory=dict)  # rows deleted per table
    messages: int = 0
    bytes_before: int = 0
    bytes_after: int = 0

    def summary(self) -> str:
        kept = ", ".join(f"{n} {why}" for why, n in self.kept.items() if n) or "none"
        return (f"removed {self.removed} items first seen before {self.cutoff.astimezone(OSLO):%d.%m.%Y} and "
                f"{self.messages} delivered messages; kept of the older ones: {kept}")


def prune(config: Config, store: Store, keep_days: int, now: datetime | None = None) -> PruneReport:
    """Remove what is older than `keep_days` and needed by nothing (see the module docstring), in one transaction."""
    now = now or utc_now()
    report = PruneReport(cutoff=now - timedelta(days=keep_days), bytes_before=_size(store))
    cutoff = iso(report.cutoff) or ""
    others, hearings = sql.old_items(store, cutoff)
    today = now.astimezone(OSLO).date()
    followed = {i["id"] for i in sql.items_by_id(store, hearings) if is_followed(i, today) or is_open_hearing(i, today)}
    shown, needed = sql.shown_in_feeds(store, config.max_entries), sql.not_delivered(store)
    candidates = set(others) | set(hearings)
    keep = followed | (candidates & shown) | (candidates & needed)
    linked = _linked(store, candidates, keep) - keep
    keep |= linked
    report.kept = {"followed or open hearings": len(followed), "still in a feed": len(candidates & shown - followed),
                   "still needed by the ledger": len(candidates & needed - followed - shown),
                   "linked to a kept hearing or answer": len(linked)}
    removed = sorted(candidates - keep)
    with store.transaction():
        report.rows = sql.delete_items(store, removed)
        report.messages = sql.delete_messages(store, cutoff, set(removed))
        if removed:
            sql.recount_feeds(store)
    report.removed = len(removed)
    report.bytes_after = _size(store)
    log.info("prune: %s", report.summary())
    return report


def _linked(store: Store, candidates: set[str], keep: set[str]) -> set[str]:
    """`keep`, and every candidate linked (answer and hearing) to an item that stays, until nothing more joins."""
    links = sql.links_of(store, candidates)
    keep = set(keep)
    while True:
        staying = {i for link in links for i in link if i not in candidates or i in keep}
        joining = {i for link in links if set(link) & staying for i in link} & candidates - keep
        if not joining:
            return keep
        keep |= joining


def vacuum(store: Store) -> None:
    """Give the space pruned rows left back to the disk (SQLite otherwise keeps it for new rows)."""
    store.conn.execute("VACUUM")


def _size(store: Store) -> int:
    return store.conn.execute("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()").fetchone()[0]
