"""The notifier's commands: the step `run` calls (prepare, then deliver), `digest`, `notify --dry-run`, `preview`
and the status `status` prints."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..config import Config
from ..feeds import specs_by_path
from ..records import Item
from ..store import Store, iso, ledger, utc_now
from ..store import status as status_sql
from .digests import digest_data, digest_due_at
from .mail import is_email, list_headers
from .matching import matches
from .model import ADMIN, NotifyReport, subscription, unknown, url_keys, urls_of
from .plan import instant_messages, prepare, prepare_in
from .sending import deliver, prefers_html

if TYPE_CHECKING:
    from .render import Rendered

log = logging.getLogger("aggregator.notify")


def notify_step(config: Config, store: Store, now: datetime | None = None) -> NotifyReport:
    """What `aggregator run` (after storing and writing feeds) and `aggregator notify` do: prepare, then deliver."""
    now = now or utc_now()
    report = prepare(config, store, now)
    report.run = ledger.advance_run(store)
    report.deliveries = deliver(config, store, report.run)
    _log_report(report)
    return report


def send_digests(config: Config, store: Store, subscription_id: str | None = None, force: bool = False,
                 now: datetime | None = None) -> NotifyReport:
    """`aggregator digest`: the digests that are due (with force: now, due or not), created and sent.

    Raises ValueError for an unknown subscription or one that is not a digest subscription.
    """
    now = now or utc_now()
    chosen = [s for s in config.subscriptions if s.mode == "digest"]
    if subscription_id:
        sub = subscription(config, subscription_id)
        if sub is None:
            raise ValueError(unknown(config, subscription_id))
        if sub.mode != "digest":
            raise ValueError(f"subscription {subscription_id!r} is instant; digests are for mode = \"digest\"")
        chosen = [sub]
    report = NotifyReport()
    with ledger.write(store) as conn:
        prepare_in(conn, config, store, now, report, digests=chosen, force=force)
    report.run = ledger.current_run(store)
    report.deliveries = deliver(config, store, report.run, message_ids=report.digest_messages)
    _log_report(report)
    return report


@dataclass
class Planned:
    subscription_id: str
    kind: str
    url: str  # redacted
    title: str
    body: str
    attempts: int


def dry_run(config: Config, store: Store, now: datetime | None = None) -> list[Planned]:
    """`aggregator notify --dry-run`: what a notify step would send now, rendered as text. Changes nothing."""
    from .render import render, templates

    environment = templates(config)
    planned = []
    with ledger.write(store, commit=False) as conn:  # prepare for real, look, and roll it all back
        prepare_in(conn, config, store, now or utc_now(), NotifyReport())
        for row in ledger.due(store, ledger.current_run(store) + 1):
            url = {key: url for key, _, url in url_keys(urls_of(config, row["subscription_id"]) or [])}.get(row["url_key"])
            if url is None:
                continue
            try:  # as it will be sent: the text part of an email, with its footer
                rendered = render(config, store, environment, ledger.message(conn, row["message_id"]),
                                  prefers_html(url), url)
                title, body = rendered.title, rendered.text
            except Exception as error:  # a user's template: show the problem instead of the message
                title, body = "(template error)", f"{error.__class__.__name__}: {error}"
            planned.append(Planned(row["subscription_id"], row["kind"], row["url_label"], title, body, row["attempts"]))
    return planned


@dataclass
class Preview:
    """One message as it would be sent to a subscription's URL: its headers and its rendering (an email's HTML part is
    `rendered.body`, its text part `rendered.text`)."""

    url: str  # redacted
    headers: dict[str, str]
    rendered: Rendered


def preview(config: Config, store: Store, subscription_id: str, count: int = 5) -> list[Preview]:
    """`aggregator preview`: the messages a subscription would get for its `count` latest matching items, exactly as
    they would be sent to its first email URL (else its first URL): the same grouping (one message per item, or one
    combined above batch_over; a digest), subject, parts and headers. Sends nothing and writes nothing."""
    from .render import render, templates

    sub = subscription(config, subscription_id)
    if sub is None:
        raise ValueError(unknown(config, subscription_id))
    specs = specs_by_path(config, store)
    found: dict[str, Item] = {}
    for path in sub.feeds:
        for item in store.feed_entries(path, count * 10):
            if matches(sub, item, specs, answered=store.answered_hearing):
                found[item["id"]] = item
    newest = sorted(found.values(), key=lambda i: (i["published"] or i["first_seen"]), reverse=True)[:count]
    if not newest:
        raise ValueError(f"subscription {sub.id!r} has no matching items in the store yet (run `aggregator run` first)")
    now = utc_now()
    if sub.mode == "digest":
        data = digest_data(sub, iso(min(i["first_seen"] for i in newest)), iso(now))
        messages = [("digest", newest, data)]
    else:  # sent oldest first, as the notify step sends them
        messages = [(kind, items, {}) for kind, _, items in instant_messages(newest[::-1], config.notify.batch_over, now)]
    keys = url_keys(sub.urls)
    _, label, url = next((k for k in keys if is_email(k[2])), keys[0])
    environment, html = templates(config), prefers_html(url)
    return [Preview(label, list_headers(config, sub.id, url), render(
        config, store, environment, {"kind": kind, "subscription_id": sub.id, "item_ids": [i["id"] for i in items],
                                     "data": data}, html, url)) for kind, items, data in messages]


def status(config: Config, store: Store) -> list[dict]:
    """Per subscription (and the admin URLs), per URL: counts by state, the last delivery, the last failure."""
    run = ledger.current_run(store)
    report = []
    subscriptions = [(s.id, s) for s in config.subscriptions] + ([(ADMIN, None)] if config.notify.admin_urls else [])
    for sub_id, sub in subscriptions:
        entry: dict[str, Any] = {"id": sub_id, "config": sub, "urls": [], "next_digest": None, "collected": 0}
        for key, label, _ in url_keys(urls_of(config, sub_id) or []):
            counts = status_sql.delivery_counts(store.conn, sub_id, key)
            last_sent = status_sql.last_sent(store.conn, sub_id, key)
            last_error = status_sql.last_error(store.conn, sub_id, key)
            if last_error and last_error["status"] == "pending":
                last_error["runs_to_wait"] = max(0, last_error["next_attempt_run"] - run - 1)
            entry["urls"].append({"url": label, "counts": counts, "last_sent": last_sent, "last_error": last_error})
        if sub and sub.mode == "digest":
            state = ledger.subscription_state(store.conn, sub_id)
            if state:
                entry["next_digest"] = digest_due_at(sub, state, config.notify.digest_time)
            entry["collected"] = ledger.undigested_count(store.conn, sub_id)
        report.append(entry)
    return report


def _log_report(report: NotifyReport) -> None:
    if report.deliveries:
        statuses = [d.status for d in report.deliveries]
        log.info("notifications: %d sent, %d failed (retried on a later run), %d given up",
                 statuses.count("sent"), statuses.count("retry"), statuses.count("failed"))
