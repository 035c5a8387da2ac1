"""Hearing updates and reminders as messages: a subscription with "updated" in `events` hears of each change of a
hearing in its feeds (deadline, state, documents, meetings; an answer only from a body it names in `respondents`),
one with "reminder" gets one message per `remind_days` before an open hearing's deadline, on that day in
Europe/Oslo.

Each is a message of the ledger with a key that names it (the change's first event; the hearing, its deadline and
the day count), so it is created once and reaches each URL once, also across killed runs. A reminder's key holds
the deadline: when the deadline moves, the reminders for the new date are new messages. Updates and reminders are
sent at once, also to digest subscriptions, since they are about a date.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from ..config import Config, SubscriptionConfig
from ..feeds import FeedSpec, open_hearings_on
from ..hearings import hearing_of
from ..hearings.rules import concerns, due_reminder
from ..normalize import oslo_day
from ..records import Item
from ..store import Store, ledger
from .matching import matches
from .model import deliveries_of


def plan_updates(conn: sqlite3.Connection, config: Config, store: Store, now: datetime,
                 specs: dict[str, FeedSpec]) -> None:
    """Messages for the hearing events written since the last look (store.hearing_events_after)."""
    seen = int(ledger.meta_value(conn, "hearing_events_seen") or 0)
    events = store.hearing_events_after(seen)
    if not events:
        return
    ledger.set_meta_value(conn, "hearing_events_seen", str(events[-1]["id"]))
    listening = [s for s in config.subscriptions if "updated" in s.events]
    changes: dict[tuple[str, datetime], list[dict]] = {}
    for event in events:  # the events of one hearing seen at once are one change, told in one message
        changes.setdefault((event["item_id"], event["at"]), []).append(event)
    for (item_id, at), group in changes.items():
        item = store.get_item(item_id)
        if item is None:
            continue
        for sub in listening:
            started = ledger.event_started(conn, sub.id, "updated")
            if started is None or at < started or not matches(sub, item, specs, any_hearing=True):
                continue
            told = [e["event"] for e in group if concerns(e["event"], sub.respondents)
                    # the answer itself came to this subscription as a new item: "KS har svart" would say it twice
                    and not ledger.is_assigned(conn, sub.id, e["event"].get("answer_id"))]
            if told:
                ledger.add_message(conn, sub.id, "update", f"{item_id}#{group[0]['id']}", [item_id],
                                   {"events": told}, now, deliveries_of(config, sub.id))


def plan_reminders(conn: sqlite3.Connection, config: Config, store: Store, now: datetime,
                   specs: dict[str, FeedSpec]) -> None:
    """Messages for the reminders due today (Europe/Oslo) for the open hearings in each subscription's feeds."""
    subscribed = [s for s in config.subscriptions if "reminder" in s.events and s.remind_days]
    if not subscribed:
        return
    today = oslo_day(now)
    open_now = open_hearings_on(store, today)
    for sub in subscribed:
        started = ledger.event_started(conn, sub.id, "reminder")
        if started is None:
            continue
        for item in open_now:
            if matches(sub, item, specs):
                _remind(conn, config, sub, item, today, oslo_day(started), now)


def _remind(conn: sqlite3.Connection, config: Config, sub: SubscriptionConfig, item: Item, today: date,
            not_before: date, now: datetime) -> None:
    hearing = hearing_of(item)
    deadline = hearing.deadline if hearing else None
    if deadline is None:
        return
    days = due_reminder(deadline, sub.remind_days, today, not_before)
    if days is None:
        return
    data = {"days": days, "days_left": (deadline - today).days, "deadline": deadline.isoformat()}
    ledger.add_message(conn, sub.id, "reminder", f"{item['id']}#{deadline.isoformat()}#{days}", [item["id"]], data,
                       now, deliveries_of(config, sub.id))
