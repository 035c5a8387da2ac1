"""Tools the tests share: hearing facts as the model keeps them, … (see each function)."""

from __future__ import annotations

from datetime import date

from aggregator.hearings import AnswerTo, Hearing, hearing_of, put, put_answer


def hearing_extra(deadline: str | None = None, status: str | None = None, **facts) -> dict:
    """An `extra` table holding a hearing's facts (dates as ISO text, for short tests)."""
    extra: dict = {}
    put(extra, Hearing(deadline=date.fromisoformat(deadline) if deadline else None, status=status, **facts))
    return extra


def answer_extra(reference: str | None = None, link: str | None = None, **other) -> dict:
    """An `extra` table of an answer citing a reference and/or linking its hearing."""
    extra: dict = dict(other)
    put_answer(extra, AnswerTo((link,) if link else (), (reference,) if reference else ()))
    return extra


def deadline_and_status(record_or_item) -> tuple[str | None, str | None]:
    """A hearing's deadline (ISO text) and status, as short tests compare them."""
    hearing = hearing_of(record_or_item)
    if hearing is None:
        return None, None
    return (hearing.deadline.isoformat() if hearing.deadline else None), hearing.status


def update_and_reminder_ledger(database) -> dict[tuple[str, str], str]:
    """(message key, url label) → status, of every update and reminder delivery in a store (kill tests)."""
    from aggregator.store import Store

    store = Store(database)
    try:
        rows = store.db.query("SELECT m.kind, m.key, d.url_label, d.status FROM deliveries d "
                              "JOIN messages m ON m.id = d.message_id WHERE m.kind IN ('update', 'reminder')")
        return {(f"{r['kind']} {r['key']}", r["url_label"]): r["status"] for r in rows}
    finally:
        store.close()


def update_and_reminder_titles(database, config_path) -> dict[str, str]:
    """Message key → the title an update or reminder was rendered with (the mail's subject, the webhook's title)."""
    from aggregator.config import load_config
    from aggregator.notify.render import render, templates
    from aggregator.store import Store
    from aggregator.store import ledger as ledger_sql

    config = load_config(config_path)
    store = Store(database)
    try:
        environment = templates(config)
        found = {}
        for row in store.db.query("SELECT id FROM messages WHERE kind IN ('update', 'reminder')"):
            message = ledger_sql.message(store.conn, row["id"])
            found[f"{message['kind']} {message['key']}"] = render(config, store, environment, message, False).title
        return found
    finally:
        store.close()
