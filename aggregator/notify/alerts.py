"""Admin alerts: one message when a source breaks (BROKEN_AFTER failed runs, or an empty listing where it had
items), one when it recovers; and the messages for deliveries given up or of unknown outcome."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime

from ..config import Config
from ..redact import hide
from ..store import Store, ledger
from .model import ADMIN, BROKEN_AFTER, deliveries_of

log = logging.getLogger("aggregator.notify")


def check_sources(conn: sqlite3.Connection, config: Config, store: Store, now: datetime) -> None:
    """One admin message when a source breaks (BROKEN_AFTER failed runs, or an empty listing where it had
    items), one when it recovers. The state lives in source_alerts, so each is sent once."""
    for source in config.sources:
        state = store.source_state(source.id)
        known_state = ledger.source_alert(conn, source.id)
        failures = state.get("consecutive_failures") or 0
        count = state.get("last_item_count") or 0
        fetched = bool(state.get("last_success")) and failures == 0
        empty = fetched and count == 0 and known_state["known_items"] > 0
        problem = None
        if failures >= BROKEN_AFTER:
            problem = {"since": state.get("failing_since"), "error": state.get("last_error"), "failures": failures}
        elif empty:
            problem = {"since": state.get("last_success"),
                       "error": f"the listing yielded no items (it had {known_state['known_items']})", "failures": 0}
        known = count if fetched and count else known_state["known_items"]
        broken, since = known_state["broken"], known_state["since"]
        if problem and not broken:
            data = {"event": "broken", "source": source.id, "url": hide(source.url), **problem}
            alert(conn, config, f"{source.id} broken {problem['since']}", data, now)
            broken, since = 1, problem["since"]
            log.warning("source %s is broken since %s: %s", source.id, problem["since"], problem["error"])
        elif broken and fetched and not empty:
            data = {"event": "recovered", "source": source.id, "url": hide(source.url), "since": since,
                    "recovered_at": state.get("last_success"), "items": count}
            alert(conn, config, f"{source.id} recovered {state.get('last_success')}", data, now)
            broken, since = 0, None
            log.warning("source %s has recovered", source.id)
        ledger.save_source_alert(conn, source.id, broken, since, known)


def alert(conn: sqlite3.Connection, config: Config, key: str, data: dict, now: datetime) -> int | None:
    """A message to [notify] admin_urls (once per key)."""
    return ledger.add_message(conn, ADMIN, "admin", key, [], data, now, deliveries_of(config, ADMIN))
