"""The SQLite store: schema, migrations and every SQL statement the project runs.

One file, WAL mode, opened through sqlite-utils. Times are stored as ISO 8601 text with their offset.
Lists and dicts are stored as JSON text and decoded on the way out.

A document is kept twice over: each source's own observation of it (`observations`, one row per source
and one for its article page) and the merged row readers get (`items`), recomputed by merge.py whenever
an observation changes. A source's fetch (observations, article-page attempts, HTTP validators, its
health) is committed in one transaction, so a run killed at any moment loses nothing and repeats only
what it had not committed.

A package, one module per table group: `schema` (migrations), `codec` (how rows are stored), `base` (opening,
transactions, the lock, runs), `items` (observations, items, article pages), `feeds` (feed membership),
`sources` (health and validators). `Store` is all of them in one object.
"""

from __future__ import annotations

from .base import BUSY_TIMEOUT, WHAT_TO_DO, StoreBusy, StoreDamaged, StoreLocked, locked_error
from .codec import decode_item, from_iso, iso, sort_key, utc_now
from .feeds import FeedsMixin
from .items import ItemsMixin
from .schema import MIGRATIONS, REQUIRED_TABLES, StoreTooNew, migrate_db
from .sources import SourcesMixin


class Store(ItemsMixin, FeedsMixin, SourcesMixin):
    """Open (and migrate) the store; every read and write the project does goes through here."""


__all__ = [
    "BUSY_TIMEOUT", "MIGRATIONS", "REQUIRED_TABLES", "WHAT_TO_DO", "Store", "StoreBusy", "StoreDamaged", "StoreLocked",
    "StoreTooNew", "decode_item", "from_iso",
    "iso", "locked_error", "migrate_db", "sort_key", "utc_now",
]
