"""Planning: note subscriptions, classify each new item once (history or news), give each subscription the news
in its feeds (instant: one message per item, or one combined message above batch_over), make due digests and
admin alerts. All of it inside one transaction of the caller's."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime, timedelta

from ..config import Config, SubscriptionConfig
from ..feeds import specs_by_path
from ..records import Item
from ..store import Store, from_iso, iso, ledger, utc_now
from .alerts import check_sources
from .digests import digest_if_due, make_digest
from .hearing_news import plan_reminders, plan_updates
from .matching import matches, undecided
from .model import NotifyReport, deliveries_of

log = logging.getLogger("aggregator.notify")


def register_subscriptions(config: Config, store: Store, now: datetime | None = None) -> None:
    """Note when each subscription was first seen: it gets news from then on, never the backlog.

    `run` calls this before fetching, so a subscription added to the config gets that run's news.
    """
    with ledger.write(store) as conn:
        _register(conn, config, now or utc_now())


def prepare(config: Config, store: Store, now: datetime | None = None) -> NotifyReport:
    """Classify new items and create the messages they call for (and due digests, admin alerts): one transaction."""
    report = NotifyReport()
    with ledger.write(store) as conn:
        prepare_in(conn, config, store, now or utc_now(), report)
    return report


def prepare_in(conn: sqlite3.Connection, config: Config, store: Store, now: datetime, report: NotifyReport,
             digests: list[SubscriptionConfig] | None = None, force: bool = False) -> None:
    """The work of `prepare`, inside the caller's transaction. `digests`: the digest subscriptions to look
    at (default: all); `force`: make their digests now rather than when due."""
    before = ledger.message_count(conn)
    if ledger.correct_future_times(conn, now):
        log.warning("notifications: times in the future (a clock that ran ahead?) now count as now")
    _register(conn, config, now)
    _assign(conn, config, store, _classify_new_items(conn, store, now), now)
    # Hearing changes are looked at every time, listened to or not: a subscription that adds "updated" later
    # hears of the changes from then on, not of every change since it began.
    specs = specs_by_path(config, store) if any(set(s.events) & {"updated", "reminder"} for s in config.subscriptions) \
        else {}
    plan_updates(conn, config, store, now, specs)
    plan_reminders(conn, config, store, now, specs)
    for sub in digests if digests is not None else [s for s in config.subscriptions if s.mode == "digest"]:
        state = ledger.subscription_state(conn, sub.id) or {}
        if force:
            outcome, message_id = make_digest(conn, config, sub, state, f"forced {iso(now)}", now)
        else:
            outcome, message_id = digest_if_due(conn, config, sub, state, now)
        report.digests[sub.id] = outcome
        if message_id:
            report.digest_messages.append(message_id)
    check_sources(conn, config, store, now)
    report.messages += ledger.message_count(conn) - before


def _register(conn: sqlite3.Connection, config: Config, now: datetime) -> None:
    for sub in config.subscriptions:
        ledger.register_subscription(conn, sub.id, now)
        ledger.register_events(conn, sub.id, sub.events, now)


def _classify_new_items(conn: sqlite3.Connection, store: Store, now: datetime) -> list[Item]:
    """Look once at each item not looked at yet. It is news when one of its sources had its baseline taken
    before; so a source's first fetch (and one killed half-way, or fetched without notifying) is history."""
    baselined = ledger.baselined_sources(conn)
    news = []
    for batch in ledger.unclassified_items(store):
        for item in batch:
            is_news = any(source in baselined for source in item["sources"])
            ledger.mark_classified(conn, item["id"], is_news, now)
            if is_news:
                news.append(item)
    # oldest first: messages go out in the order things were published
    news.sort(key=lambda item: ((item["published"] or item["first_seen"]), item["id"]))
    ledger.take_baselines(conn)
    return news


WAIT_FOR_FACTS = timedelta(days=7)  # how long a new hearing may wait for its page to be read (see matching.undecided)


def _assign(conn: sqlite3.Connection, config: Config, store: Store, news: list[Item], now: datetime) -> None:
    """Give each subscription the news in its feeds, and the waiting items whose facts are now known; instant ones
    get their messages now."""
    subscribed = [s for s in config.subscriptions if "new" in s.events]
    ledger.forget_waiting_except(conn, [s.id for s in subscribed])  # subscriptions gone, or no longer after "new"
    if not subscribed or not (news or ledger.anything_waiting(conn)):
        return
    specs = specs_by_path(config, store)
    for sub in subscribed:
        first_seen = from_iso((ledger.subscription_state(conn, sub.id) or {}).get("first_seen"))
        if first_seen is None:  # registered in this same transaction, so never: but then it wants nothing yet
            continue
        mine = []
        for item in (i for i in news if i["first_seen"] >= first_seen):
            if matches(sub, item, specs, answered=store.answered_hearing):
                mine.append(item)
            elif undecided(sub, item, store.answered_hearing):
                ledger.wait(conn, sub.id, item["id"], now)
        mine += _decided(conn, store, sub, specs, now)
        for item in mine:
            ledger.assign(conn, sub.id, item["id"], now)
        if sub.mode != "instant" or not mine:
            continue
        for kind, key, items in instant_messages(mine, config.notify.batch_over, now):
            message_id = ledger.add_message(conn, sub.id, kind, key, [i["id"] for i in items], {}, now,
                                            deliveries_of(config, sub.id))
            if message_id:
                ledger.link_items(conn, message_id, sub.id, [i["id"] for i in items])


def instant_messages(items: list[Item], batch_over: int, now: datetime) -> list[tuple[str, str, list[Item]]]:
    """An instant subscription's messages for its new items (oldest first): (kind, key, items), one per item, or one
    combined message when there are more than `batch_over`."""
    if len(items) > batch_over:
        return [("batch", f"{iso(now)}/{items[0]['id']}", items)]
    return [("item", item["id"], [item]) for item in items]


def _decided(conn: sqlite3.Connection, store: Store, sub: SubscriptionConfig, specs: dict, now: datetime) -> list[Item]:
    """The subscription's waiting items whose facts are known now and that it wants; the others wait on, up to
    WAIT_FOR_FACTS, then they are judged on what is known."""
    wanted = []
    for item_id, since in ledger.waiting(conn, sub.id):
        item = store.get_item(item_id)
        if item is not None and undecided(sub, item, store.answered_hearing) and now - since <= WAIT_FOR_FACTS:
            continue
        ledger.stop_waiting(conn, sub.id, item_id)
        if item is not None and matches(sub, item, specs, answered=store.answered_hearing):
            wanted.append(item)
    return wanted
