"""The aggregator's health as data: what `aggregator status --json` prints and `serve` answers at /health (with
status 503 while a source has failed BROKEN_AFTER runs in a row, the same count after which the admins are told).

It reads through a plain SQLite connection: the store's own (status) or one that can only read (serve), so serving
it never opens, migrates or locks the store for writing. Times are ISO 8601 in UTC, as stored; secrets in URLs and
errors are masked as everywhere else.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from .config import Config
from .notify.model import ADMIN, BROKEN_AFTER, url_keys, urls_of
from .redact import hide
from .store import iso, utc_now
from .store import status as status_sql
from .store.status import file_sizes, items_per_source, row_counts, source_states, store_meta

COUNTED_TABLES = ("items", "observations", "messages", "deliveries")


def health_report(config: Config, conn: sqlite3.Connection, now: datetime | None = None) -> dict:
    """Sources (health, last success and error), the last run, the ledger per subscription and URL, the store's size;
    `ok` is False while any source has failed BROKEN_AFTER runs in a row."""
    sources = _sources(config, conn)
    failing = [s["id"] for s in sources if s["consecutive_failures"] >= BROKEN_AFTER]
    return {
        "ok": not failing,
        "failing": failing,
        "generated": iso(now or utc_now()),
        "sources": sources,
        "runs": {"fetching_runs": int(store_meta(conn, "runs") or 0),
                 "last_run": json.loads(store_meta(conn, "last_run") or "null")},
        "deliveries": _deliveries(config, conn),
        "store": {"path": str(config.database), **file_sizes(config.database), "rows": row_counts(conn, COUNTED_TABLES)},
    }


def _sources(config: Config, conn: sqlite3.Connection) -> list[dict]:
    states, counts = source_states(conn), items_per_source(conn)
    report = []
    for source in config.sources:
        state = states.get(source.id, {})
        failures = state.get("consecutive_failures") or 0
        status = "failing" if failures else ("ok" if state.get("last_success") else "new")
        report.append({
            "id": source.id, "kind": source.kind, "status": status, "items": counts.get(source.id, 0),
            "last_success": state.get("last_success"), "last_error": hide(state.get("last_error") or "") or None,
            "last_error_at": state.get("last_error_at"), "consecutive_failures": failures,
            "failing_since": state.get("failing_since"),
        })
    return report


def _deliveries(config: Config, conn: sqlite3.Connection) -> list[dict]:
    report = []
    names = [s.id for s in config.subscriptions] + ([ADMIN] if config.notify.admin_urls else [])
    for name in names:
        for key, label, _ in url_keys(urls_of(config, name) or []):
            last = status_sql.last_sent(conn, name, key)
            failure = status_sql.last_error(conn, name, key)
            report.append({
                "subscription": "admin" if name == ADMIN else name, "url": label,
                "counts": status_sql.delivery_counts(conn, name, key),
                "last_sent": {"at": last["sent_at"], "kind": last["kind"]} if last else None,
                "last_failure": {"at": failure["last_attempt_at"], "error": failure["last_error"],
                                 "attempts": failure["attempts"], "status": failure["status"]} if failure else None,
            })
    return report


def health_json(config: Config, conn: sqlite3.Connection) -> tuple[int, bytes]:
    """/health's answer: (200 or 503, the report as JSON)."""
    report = health_report(config, conn)
    return (200 if report["ok"] else 503), json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
