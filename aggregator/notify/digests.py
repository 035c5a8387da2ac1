"""Digest timing (pure date arithmetic in Europe/Oslo) and the making of a digest message."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, time, timedelta

from ..checks import WEEKDAYS
from ..config import Config, SubscriptionConfig
from ..normalize import OSLO
from ..store import from_iso, iso, ledger
from .model import deliveries_of


def digest_due_at(sub: SubscriptionConfig, state: dict, digest_time: str) -> datetime:
    """When the next scheduled digest is due: the first slot a full period after the subscription was first
    seen, then the slot after the last scheduled one. Slots are at digest_time, Europe/Oslo: every day (daily),
    Monday to Friday (workdays), or on `digest_day` (weekly; Monday unless it says otherwise)."""
    at = time.fromisoformat(digest_time)
    days = digest_days(sub)
    if state.get("last_digest_slot"):
        last_slot = from_iso(state["last_digest_slot"])
        assert last_slot is not None
        return _slot_at_or_after(last_slot + timedelta(seconds=1), days, at)
    period = timedelta(days=7 if sub.schedule == "weekly" else 1)
    first_seen = from_iso(state["first_seen"])
    assert first_seen is not None  # a registered subscription always has one
    return _slot_at_or_after(first_seen + period, days, at)


def digest_days(sub: SubscriptionConfig) -> set[int]:
    """The days of the week (Monday 0) a subscription's digests go out on."""
    if sub.schedule == "weekly":
        return {WEEKDAYS.index(sub.digest_day or "monday")}
    return set(range(5)) if sub.schedule == "workdays" else set(range(7))


def _slot_at_or_after(moment: datetime, days: set[int], at: time) -> datetime:
    day: date = moment.astimezone(OSLO).date()
    while True:
        slot = datetime.combine(day, at, tzinfo=OSLO)
        if slot >= moment and day.weekday() in days:
            return slot
        day += timedelta(days=1)


def digest_if_due(conn: sqlite3.Connection, config: Config, sub: SubscriptionConfig, state: dict, now: datetime) -> tuple[str, int | None]:
    due = digest_due_at(sub, state, config.notify.digest_time)
    if now < due:
        return "not due", None
    at = time.fromisoformat(config.notify.digest_time)
    slot = due  # a run that comes late (or after days off) sends one digest and goes on from the latest slot
    while (following := _slot_at_or_after(slot + timedelta(seconds=1), digest_days(sub), at)) <= now:
        slot = following
    return make_digest(conn, config, sub, state, f"slot {iso(slot)}", now, slot)


def digest_data(sub: SubscriptionConfig, since: str | None, until: str | None, forced: bool = False) -> dict:
    """What a digest message keeps beside its items: the period it covers and its schedule (a forced digest is still
    its schedule's: its subject is the one `preview` shows)."""
    return {"since": since, "until": until, "schedule": sub.schedule, **({"forced": True} if forced else {})}


def make_digest(conn: sqlite3.Connection, config: Config, sub: SubscriptionConfig, state: dict, key: str, now: datetime,
                 slot: datetime | None = None) -> tuple[str, int | None]:
    """The digest of everything assigned since the last one: ("sent", message id), or ("empty", None) when
    that is nothing (the period ends all the same)."""
    item_ids = ledger.undigested(conn, sub.id)
    message_id = None
    if item_ids:
        data = digest_data(sub, state.get("last_digest_at") or state["first_seen"], iso(now), forced=slot is None)
        message_id = ledger.add_message(conn, sub.id, "digest", key, item_ids, data, now, deliveries_of(config, sub.id))
        if message_id:
            ledger.link_undigested(conn, message_id, sub.id)
    ledger.mark_digest(conn, sub.id, now, slot)
    return ("sent" if message_id else "empty"), message_id
