"""Notifications: subscriptions, matching, the delivery ledger, Apprise calls, digests and admin alerts.

Two steps, each safe to kill at any moment (every arrow is one committed SQLite transaction):

  prepare  Every stored item the notifier has not looked at yet is classified, once: history (it came
           with a source's first fetch: the baseline) or news. News matching a subscription's feeds is
           assigned to it: an instant subscription gets one message per item (one combined message when
           there are more than [notify] batch_over), a digest subscription collects until its digest is
           due. Each message gets one pending delivery per Apprise URL. Broken and recovered sources
           become messages to [notify] admin_urls the same way.
  deliver  One delivery at a time: attempt counted → Apprise, to that one URL → marked sent; or, when
           it failed, scheduled for a later run (back-off counted in runs) and finally given up and
           reported to the admins.

Nothing is marked sent before the receiver accepted it, and nothing marked sent is picked again. The one
way to receive a message twice is a process killed after the receiver accepted it and before "sent" was
committed: that one message is sent again on the next run. Delivery is at least once; nothing is lost.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Iterator, NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import apprise
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, TemplateNotFound, select_autoescape

from .config import Config, SubscriptionConfig, redact
from .redact import hide
from .normalize import OSLO, document_type_title, format_date, language_code
from .normalize import label as fixed_label
from .feeds import FeedSpec, entry_authors, feed_specs, has_any_word
from .store import Store, from_iso, iso, utc_now

log = logging.getLogger(__name__)

ADMIN = "_admin"  # the ledger's subscription id for messages to [notify] admin_urls (config ids cannot start with _)
MAX_ATTEMPTS = 8  # then a delivery is given up and reported to the admins
BROKEN_AFTER = 3  # consecutive failed runs before a source is reported broken
BUNDLED_TEMPLATES = Path(__file__).resolve().parent.parent / "notifiers"
TEMPLATE_OF = {"item": "instant", "batch": "batch", "digest": "digest", "admin": "admin", "test": "test"}


@contextmanager
def _transaction(store: Store, commit: bool = True) -> Iterator[sqlite3.Connection]:
    """One write transaction on the raw connection (committed, or rolled back for a dry run)."""
    conn = store.conn
    if conn.in_transaction:
        conn.commit()
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.rollback()
        raise
    if commit:
        conn.commit()
    else:
        conn.rollback()


def _rows(conn: sqlite3.Connection, sql: str, params=()) -> list[dict]:
    cursor = conn.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _row(conn: sqlite3.Connection, sql: str, params=()) -> dict | None:
    rows = _rows(conn, sql, params)
    return rows[0] if rows else None


# ------------------------------------------------------------------------------------------ reports


@dataclass
class Delivery:
    """One attempt at one (message, URL) this run."""

    subscription_id: str
    kind: str
    url: str  # redacted
    title: str
    status: str  # sent | retry | failed (given up) | unknown (sent, no answer: not sent again) | dropped (URL gone)
    error: str | None = None
    attempts: int = 0


@dataclass
class NotifyReport:
    run: int = 0
    messages: int = 0  # messages created by this step
    deliveries: list[Delivery] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)  # subscription id → sent | empty | not due
    digest_messages: list[int] = field(default_factory=list)

    @property
    def sent(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.status == "sent"]

    @property
    def failed(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.status in ("retry", "failed", "unknown")]


# ------------------------------------------------------------------------------------------ the step `run` calls


def register_subscriptions(config: Config, store: Store, now: datetime | None = None) -> None:
    """Note when each subscription was first seen: it gets news from then on, never the backlog.

    `run` calls this before fetching, so a subscription added to the config gets that run's news.
    """
    with _transaction(store) as conn:
        _register(conn, config, now or utc_now())


def notify_step(config: Config, store: Store, now: datetime | None = None) -> NotifyReport:
    """What `aggregator run` (after storing and writing feeds) and `aggregator notify` do: prepare, then deliver."""
    now = now or utc_now()
    report = prepare(config, store, now)
    report.run = _advance_run(store)
    report.deliveries = deliver(config, store, report.run)
    _log_report(report)
    return report


def prepare(config: Config, store: Store, now: datetime | None = None) -> NotifyReport:
    """Classify new items and create the messages they call for (and due digests, admin alerts): one transaction."""
    report = NotifyReport()
    with _transaction(store) as conn:
        _prepare(conn, config, store, now or utc_now(), report)
    return report


def _prepare(conn, config: Config, store: Store, now: datetime, report: NotifyReport,
             digests: list[SubscriptionConfig] | None = None, force: bool = False) -> None:
    """The work of `prepare`, inside the caller's transaction. `digests`: the digest subscriptions to look
    at (default: all); `force`: make their digests now rather than when due."""
    before = _message_count(conn)
    _register(conn, config, now)
    _assign(conn, config, store, _classify_new_items(conn, store, now), now)
    for sub in digests if digests is not None else [s for s in config.subscriptions if s.mode == "digest"]:
        state = _row(conn, "SELECT * FROM subscriptions WHERE id = ?", [sub.id])
        if force:
            outcome, message_id = _make_digest(conn, config, sub, state, f"forced {iso(now)}", now)
        else:
            outcome, message_id = _digest_if_due(conn, config, sub, state, now)
        report.digests[sub.id] = outcome
        if message_id:
            report.digest_messages.append(message_id)
    _check_sources(conn, config, store, now)
    report.messages += _message_count(conn) - before


def _message_count(conn) -> int:
    return conn.execute("SELECT count(*) FROM messages").fetchone()[0]


def _register(conn, config: Config, now: datetime) -> None:
    for sub in config.subscriptions:
        conn.execute("INSERT OR IGNORE INTO subscriptions (id, first_seen) VALUES (?, ?)", [sub.id, iso(now)])


def _classify_new_items(conn, store: Store, now: datetime) -> list[dict]:
    """Look once at each item not looked at yet. It is news when one of its sources had its baseline taken
    before; so a source's first fetch (and one killed half-way, or fetched without notifying) is history."""
    items = store.items("id NOT IN (SELECT item_id FROM notify_items)")
    baselined = {row[0] for row in conn.execute("SELECT source_id FROM notify_sources")}
    news = []
    for item in reversed(items):  # oldest first: messages go out in the order things were published
        is_news = any(source in baselined for source in item["sources"])
        conn.execute("INSERT INTO notify_items (item_id, news, classified_at) VALUES (?, ?, ?)",
                     [item["id"], int(is_news), iso(now)])
        if is_news:
            news.append(item)
    conn.execute(
        "INSERT OR IGNORE INTO notify_sources (source_id, baseline_at) "
        "SELECT source_id, first_success FROM source_state WHERE first_success IS NOT NULL"
    )
    return news


def _assign(conn, config: Config, store: Store, news: list[dict], now: datetime) -> None:
    """Give each subscription the news in its feeds; instant ones get their messages now."""
    if not news or not config.subscriptions:
        return
    specs = _specs(config, store, news)
    for sub in config.subscriptions:
        first_seen = from_iso(_row(conn, "SELECT first_seen FROM subscriptions WHERE id = ?", [sub.id])["first_seen"])
        mine = [item for item in news if item["first_seen"] >= first_seen and matches(sub, item, specs)]
        for item in mine:
            conn.execute(
                "INSERT OR IGNORE INTO subscription_items (subscription_id, item_id, assigned_at) VALUES (?, ?, ?)",
                [sub.id, item["id"], iso(now)],
            )
        if sub.mode != "instant" or not mine:
            continue
        if len(mine) > config.notify.batch_over:
            groups = [("batch", f"{iso(now)}/{mine[0]['id']}", mine)]
        else:
            groups = [("item", item["id"], [item]) for item in mine]
        for kind, key, items in groups:
            message_id = _add_message(conn, config, sub.id, kind, key, [i["id"] for i in items], {}, now)
            conn.executemany(
                "UPDATE subscription_items SET message_id = ? WHERE subscription_id = ? AND item_id = ?",
                [(message_id, sub.id, i["id"]) for i in items],
            )


def _specs(config: Config, store: Store, items: list[dict] | None = None) -> dict[str, FeedSpec]:
    """Every feed a subscription may name, by path (`items` is kept for callers; membership is by rule)."""
    return {spec.path: spec for spec in feed_specs(config, store, every_possible=True)}


def matches(sub: SubscriptionConfig, item: dict, specs: dict[str, FeedSpec]) -> bool:
    """Whether an item is in one of the subscription's feeds (as the feed files hold it) and has one of its words."""
    in_feeds = any(path in specs and specs[path].matches(item) for path in sub.feeds)
    if not in_feeds or not sub.keywords:
        return in_feeds
    return has_any_word(item, sub.keywords)


def _add_message(conn, config: Config, subscription_id: str, kind: str, key: str, item_ids: list[str], data: dict,
                 now: datetime) -> int | None:
    """A message and one pending delivery per URL; None when this (subscription, kind, key) exists already."""
    cursor = conn.execute(
        "INSERT OR IGNORE INTO messages (subscription_id, kind, key, item_ids, data, created) VALUES (?, ?, ?, ?, ?, ?)",
        [subscription_id, kind, key, json.dumps(item_ids), json.dumps(data, ensure_ascii=False), iso(now)],
    )
    if not cursor.rowcount:
        return None
    message_id = cursor.lastrowid
    conn.executemany(
        "INSERT INTO deliveries (message_id, url_key, url_label, status) VALUES (?, ?, ?, 'pending')",
        [(message_id, key_, label) for key_, label, _ in url_keys(_urls(config, subscription_id) or [])],
    )
    return message_id


def _urls(config: Config, subscription_id: str) -> list[str] | None:
    if subscription_id == ADMIN:
        return config.notify.admin_urls
    sub = subscription(config, subscription_id)
    return sub.urls if sub else None


def subscription(config: Config, subscription_id: str) -> SubscriptionConfig | None:
    return next((s for s in config.subscriptions if s.id == subscription_id), None)


def _unknown(config: Config, subscription_id: str) -> str:
    return f"no subscription {subscription_id!r} (known: {', '.join(s.id for s in config.subscriptions) or 'none'})"


def per_recipient(url: str) -> list[str]:
    """An email URL with several recipients (`?to=a@x,b@x`) as one URL per recipient: each is its own delivery,
    so a server that refuses one address neither costs the others their message nor sends them copies."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("mailto", "mailtos"):
        return [url]
    query = parse_qsl(parts.query, keep_blank_values=True)
    recipients = [r for key, value in query if key.lower() == "to" for r in re.split(r"[,\s]+", value) if r]
    if len(recipients) < 2:
        return [url]
    others = [(k, v) for k, v in query if k.lower() != "to"]
    return [urlunsplit(parts._replace(query=urlencode([("to", r), *others], safe="@:/,+"))) for r in recipients]


def url_keys(urls: list[str]) -> list[tuple[str, str, str]]:
    """(key, label, url) per URL, and per recipient of an email URL. The key is made from the redacted URL, so a
    changed password keeps a delivery's identity (its retries reach the fixed URL) and no secret is stored in
    the ledger."""
    keys, seen = [], {}
    for url in (single for given in urls for single in per_recipient(given)):
        label = redact(url)
        seen[label] = seen.get(label, 0) + 1
        keys.append((hashlib.sha256(f"{label}#{seen[label]}".encode()).hexdigest()[:16], label, url))
    return keys


# ------------------------------------------------------------------------------------------ digests


def digest_due_at(sub: SubscriptionConfig, state: dict, digest_time: str) -> datetime:
    """When the next scheduled digest is due: the first slot a full period after the subscription was first
    seen, then the slot after the last scheduled one. Slots are at digest_time, Europe/Oslo; weekly on Mondays."""
    at = time.fromisoformat(digest_time)
    if state.get("last_digest_slot"):
        return _slot_at_or_after(from_iso(state["last_digest_slot"]) + timedelta(seconds=1), sub.schedule, at)
    period = timedelta(days=7 if sub.schedule == "weekly" else 1)
    return _slot_at_or_after(from_iso(state["first_seen"]) + period, sub.schedule, at)


def _slot_at_or_after(moment: datetime, schedule: str, at: time) -> datetime:
    day: date = moment.astimezone(OSLO).date()
    while True:
        slot = datetime.combine(day, at, tzinfo=OSLO)
        if slot >= moment and (schedule == "daily" or day.weekday() == 0):
            return slot
        day += timedelta(days=1)


def _digest_if_due(conn, config: Config, sub: SubscriptionConfig, state: dict, now: datetime) -> tuple[str, int | None]:
    due = digest_due_at(sub, state, config.notify.digest_time)
    if now < due:
        return "not due", None
    at = time.fromisoformat(config.notify.digest_time)
    slot = due  # a run that comes late (or after days off) sends one digest and goes on from the latest slot
    while (following := _slot_at_or_after(slot + timedelta(seconds=1), sub.schedule, at)) <= now:
        slot = following
    return _make_digest(conn, config, sub, state, f"slot {iso(slot)}", now, slot)


def _make_digest(conn, config: Config, sub: SubscriptionConfig, state: dict, key: str, now: datetime,
                 slot: datetime | None = None) -> tuple[str, int | None]:
    """The digest of everything assigned since the last one: ("sent", message id), or ("empty", None) when
    that is nothing (the period ends all the same)."""
    item_ids = [row[0] for row in conn.execute(
        "SELECT item_id FROM subscription_items WHERE subscription_id = ? AND message_id IS NULL ORDER BY rowid", [sub.id])]
    message_id = None
    if item_ids:
        data = {"since": state.get("last_digest_at") or state["first_seen"], "until": iso(now),
                "schedule": sub.schedule if slot else "forced"}
        message_id = _add_message(conn, config, sub.id, "digest", key, item_ids, data, now)
        if message_id:
            conn.execute("UPDATE subscription_items SET message_id = ? WHERE subscription_id = ? AND message_id IS NULL",
                         [message_id, sub.id])
    conn.execute(
        "UPDATE subscriptions SET last_digest_at = ?, last_digest_slot = COALESCE(?, last_digest_slot) WHERE id = ?",
        [iso(now), iso(slot), sub.id],
    )
    return ("sent" if message_id else "empty"), message_id


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
            raise ValueError(_unknown(config, subscription_id))
        if sub.mode != "digest":
            raise ValueError(f"subscription {subscription_id!r} is instant; digests are for mode = \"digest\"")
        chosen = [sub]
    report = NotifyReport()
    with _transaction(store) as conn:
        _prepare(conn, config, store, now, report, digests=chosen, force=force)
    report.run = _current_run(store)
    report.deliveries = deliver(config, store, report.run, message_ids=report.digest_messages)
    _log_report(report)
    return report


# ------------------------------------------------------------------------------------------ broken sources


def _check_sources(conn, config: Config, store: Store, now: datetime) -> None:
    """One admin message when a source breaks (BROKEN_AFTER failed runs, or an empty listing where it had
    items), one when it recovers. The state lives in source_alerts, so each is sent once."""
    for source in config.sources:
        state = store.source_state(source.id)
        alert = (_row(conn, "SELECT * FROM source_alerts WHERE source_id = ?", [source.id])
                 or {"broken": 0, "since": None, "known_items": 0})
        failures = state.get("consecutive_failures") or 0
        count = state.get("last_item_count") or 0
        fetched = bool(state.get("last_success")) and failures == 0
        empty = fetched and count == 0 and alert["known_items"] > 0
        problem = None
        if failures >= BROKEN_AFTER:
            problem = {"since": state.get("failing_since"), "error": state.get("last_error"), "failures": failures}
        elif empty:
            problem = {"since": state.get("last_success"),
                       "error": f"the listing yielded no items (it had {alert['known_items']})", "failures": 0}
        known = count if fetched and count else alert["known_items"]
        broken, since = alert["broken"], alert["since"]
        if problem and not broken:
            data = {"event": "broken", "source": source.id, "url": hide(source.url), **problem}
            _add_message(conn, config, ADMIN, "admin", f"{source.id} broken {problem['since']}", [], data, now)
            broken, since = 1, problem["since"]
            log.warning("source %s is broken since %s: %s", source.id, problem["since"], problem["error"])
        elif broken and fetched and not empty:
            data = {"event": "recovered", "source": source.id, "url": hide(source.url), "since": since,
                    "recovered_at": state.get("last_success"), "items": count}
            _add_message(conn, config, ADMIN, "admin", f"{source.id} recovered {state.get('last_success')}", [], data, now)
            broken, since = 0, None
            log.warning("source %s has recovered", source.id)
        conn.execute(
            "INSERT INTO source_alerts (source_id, broken, since, known_items) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(source_id) DO UPDATE SET broken = excluded.broken, since = excluded.since, "
            "known_items = excluded.known_items",
            [source.id, broken, since, known],
        )


# ------------------------------------------------------------------------------------------ delivering


def _current_run(store: Store) -> int:
    row = store.conn.execute("SELECT value FROM notify_meta WHERE key = 'run'").fetchone()
    return int(row[0]) if row else 0


def _advance_run(store: Store) -> int:
    with _transaction(store) as conn:
        conn.execute("INSERT INTO notify_meta (key, value) VALUES ('run', '1') "
                     "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")
    return _current_run(store)


def backoff(run: int, attempts: int) -> int:
    """The run a failed delivery is tried again in: the next one, then skipping 1, 2, 4, … runs."""
    return run + 1 + (2 ** (attempts - 2) if attempts >= 2 else 0)


def _due(store: Store, run: int, message_ids: list[int] | None = None) -> list[dict]:
    sql = ("SELECT d.*, m.subscription_id, m.kind FROM deliveries d JOIN messages m ON m.id = d.message_id "
           "WHERE d.status IN ('pending', 'sending') AND d.next_attempt_run <= ?")
    params: list = [run]
    if message_ids is not None:
        sql += " AND d.message_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(message_ids))
    return _rows(store.conn, sql + " ORDER BY d.message_id, d.rowid", params)


def deliver(config: Config, store: Store, run: int, *, message_ids: list[int] | None = None) -> list[Delivery]:
    """Send every due delivery (or those of some messages), each to its one URL, each result committed at once."""
    environment = templates(config)
    return [_deliver_one(config, store, environment, row, run) for row in _due(store, run, message_ids)]


def _deliver_one(config: Config, store: Store, environment: Environment, row: dict, run: int) -> Delivery:
    where = [row["message_id"], row["url_key"]]
    result = Delivery(row["subscription_id"], row["kind"], row["url_label"], "", "sent", attempts=row["attempts"] + 1)
    url = {key: url for key, _, url in url_keys(_urls(config, row["subscription_id"]) or [])}.get(row["url_key"])
    if url is None:
        result.status, result.error = "dropped", "the subscription or this URL is no longer in the configuration"
        with _transaction(store) as conn:
            conn.execute("UPDATE deliveries SET status = 'dropped', last_error = ? WHERE message_id = ? AND url_key = ?",
                         [result.error, *where])
        return result
    message = _message(store, row["message_id"])
    rendered: Rendered | None
    try:
        rendered = render(config, store, environment, message, prefers_html(url))
        result.title = rendered.title
    except Exception as error:  # a user's template may fail in any way: that is this delivery's failure
        rendered, result.error = None, f"template: {error.__class__.__name__}: {error}"
    with _transaction(store) as conn:  # counted before sending: a kill now leaves a visible, unfinished attempt
        conn.execute("UPDATE deliveries SET status = 'sending', attempts = attempts + 1, last_attempt_at = ? "
                     "WHERE message_id = ? AND url_key = ?", [iso(utc_now()), *where])
    outcome = "failed"
    if rendered is not None:
        outcome, result.error = send(url, rendered)
    with _transaction(store) as conn:
        if outcome == "sent":
            conn.execute("UPDATE deliveries SET status = 'sent', sent_at = ?, last_error = NULL "
                         "WHERE message_id = ? AND url_key = ?", [iso(utc_now()), *where])
            return result
        if outcome == "unknown":
            # The receiver had the message and did not answer in time: it may well have taken it. Sending it again
            # could make a duplicate, so it is not retried (at most once); the admins are told, once.
            result.status = "unknown"
            conn.execute("UPDATE deliveries SET status = 'unknown', last_error = ? WHERE message_id = ? AND url_key = ?",
                         [result.error, *where])
            if row["subscription_id"] != ADMIN:
                data = {"event": "delivery-unknown", "subscription": row["subscription_id"], "url": row["url_label"],
                        "title": result.title, "error": result.error, "attempts": result.attempts}
                _add_message(conn, config, ADMIN, "admin", f"unknown {row['message_id']} {row['url_key']}", [], data,
                             utc_now())
            log.warning("notification %s to %s: outcome unknown (%s); not sent again, to avoid a duplicate",
                        row["subscription_id"], row["url_label"], result.error)
            return result
        if result.attempts >= MAX_ATTEMPTS:
            result.status = "failed"
            conn.execute("UPDATE deliveries SET status = 'failed', last_error = ? WHERE message_id = ? AND url_key = ?",
                         [result.error, *where])
            if row["subscription_id"] != ADMIN:
                data = {"event": "delivery-failed", "subscription": row["subscription_id"], "url": row["url_label"],
                        "title": result.title, "error": result.error, "attempts": result.attempts}
                key = f"failed {row['message_id']} {row['url_key']}"
                _add_message(conn, config, ADMIN, "admin", key, [], data, utc_now())
        else:
            result.status = "retry"
            conn.execute("UPDATE deliveries SET status = 'pending', last_error = ?, next_attempt_run = ? "
                         "WHERE message_id = ? AND url_key = ?", [result.error, backoff(run, result.attempts), *where])
    log.warning("notification %s to %s failed (attempt %d%s): %s", row["subscription_id"], row["url_label"],
                result.attempts, ", given up" if result.status == "failed" else ", will retry", result.error)
    return result


def _message(store: Store, message_id: int) -> dict:
    message = _row(store.conn, "SELECT * FROM messages WHERE id = ?", [message_id])
    message["item_ids"] = json.loads(message["item_ids"])
    message["data"] = json.loads(message["data"])
    return message


def prefers_html(url: str) -> bool:
    """Whether the service behind an Apprise URL takes HTML first (email: then Apprise adds a text alternative)."""
    notifier = apprise.Apprise()
    if not notifier.add(url):
        return False
    formats = notifier[0].notify_format
    formats = formats if isinstance(formats, (list, tuple)) else [formats]
    return apprise.NotifyFormat(formats[0]) == apprise.NotifyFormat.HTML


# Seconds a receiver has to answer once it has the message (Apprise's `rto`), and to accept the connection
# (`cto`): a receiver that drips cannot hold a delivery for long. A URL that sets its own keeps it.
READ_TIMEOUT, CONNECT_TIMEOUT = 15, 10
# Those timeouts are per read: a receiver sending a byte at a time would reset them for ever. This bounds a
# whole delivery; one that overruns it is treated as sent with no answer ("unknown").
SEND_TIMEOUT = 40.0
# What the transport says when the request went out and no answer came: the message may have arrived.
_SENT_THEN_SILENT = re.compile(r"read timed out|ReadTimeout|timed out reading|SMTPServerDisconnected|"
                               r"Connection (?:reset|aborted)|RemoteDisconnected", re.I)


def with_timeouts(url: str) -> str:
    query = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    names = {k.lower() for k, _ in query}
    extra = [(k, str(v)) for k, v in (("rto", READ_TIMEOUT), ("cto", CONNECT_TIMEOUT)) if k not in names]
    if not extra:
        return url
    return url + ("&" if "?" in url else "?") + urlencode(extra)


@contextmanager
def _text_part(text: str) -> Iterator[None]:
    """While one email is sent, its plain-text part is our text template's rendering, not Apprise's conversion
    of the HTML. Apprise builds the multipart/alternative message with `convert_between(HTML, TEXT, body)`;
    that one call is answered with our text. Should Apprise change that, its own conversion is used."""
    try:
        from apprise.plugins.email import base as email_base
    except ImportError:
        yield
        return
    original = getattr(email_base, "convert_between", None)
    if original is None:
        yield
        return

    def convert(from_format, to_format, content, *args, **kwargs):
        if to_format == apprise.NotifyFormat.TEXT and from_format == apprise.NotifyFormat.HTML:
            return text
        return original(from_format, to_format, content, *args, **kwargs)

    email_base.convert_between = convert
    try:
        yield
    finally:
        email_base.convert_between = original


def send(url: str, message: Rendered) -> tuple[str, str | None]:
    """One message to one Apprise URL: ("sent" | "failed" | "unknown", error). "unknown": the request went out
    and no answer came in time (or the connection broke after sending): it may have been delivered."""
    notifier = apprise.Apprise()
    if not notifier.add(with_timeouts(url)):
        return "failed", f"Apprise cannot use {redact(url)}"
    transcript = _Transcript()
    apprise_log = logging.getLogger("apprise")
    level = apprise_log.level
    apprise_log.addHandler(transcript)
    apprise_log.setLevel(logging.DEBUG)  # the plugins say only at DEBUG whether a timeout came after sending
    outcome: dict = {}

    def deliver() -> None:
        try:
            with _text_part(message.text):
                outcome["result"] = notifier.notify(body=message.body, title=message.title,
                                                    body_format=message.body_format)
        except Exception as error:  # a plugin's bug is this delivery's failure, not the run's
            outcome["error"] = f"{error.__class__.__name__}: {error}"

    worker = threading.Thread(target=deliver, name="notify", daemon=True)
    try:
        worker.start()
        worker.join(SEND_TIMEOUT)
    finally:
        apprise_log.removeHandler(transcript)
        apprise_log.setLevel(level)
    if worker.is_alive():  # left behind with its connection; the run goes on
        return "unknown", f"the receiver was still answering after {SEND_TIMEOUT:g} s (sending very slowly?)"
    if "error" in outcome:
        return "failed", outcome["error"]
    result = outcome["result"]
    if result:
        return "sent", None
    problems = [entry.message for entry in result.logs() if entry.level in ("WARNING", "ERROR", "CRITICAL")]
    error = redact("; ".join(dict.fromkeys(problems)) or "the service did not accept the message")
    silent = next((line for line in transcript.lines if _SENT_THEN_SILENT.search(line)), None)
    if silent:
        return "unknown", redact(f"{error} (no answer after the message was sent: {silent[:200]})")
    return "failed", error


class _Transcript(logging.Handler):
    """What Apprise's plugins log while one message is sent, debug lines included (kept, never printed)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def send_test(config: Config, subscription_id: str | None) -> list[Delivery]:
    """`aggregator test-notify`: a test message to each URL of a subscription (None: the admin URLs), not recorded."""
    if subscription_id is None:
        urls, name = config.notify.admin_urls, ADMIN
    else:
        sub = subscription(config, subscription_id)
        if sub is None:
            raise ValueError(_unknown(config, subscription_id))
        urls, name = sub.urls, sub.id
    environment = templates(config)
    results = []
    for _, label, url in url_keys(urls):
        message = {"kind": "test", "subscription_id": name, "item_ids": [], "data": {}}
        rendered = render(config, None, environment, message, prefers_html(url))
        outcome, error = send(url, rendered)
        results.append(Delivery(name, "test", label, rendered.title, outcome, error, 1))
    return results


# ------------------------------------------------------------------------------------------ messages


def templates(config: Config) -> Environment:
    """The message templates: [notify] templates first, then the project's notifiers/ for any template missing there."""
    folders = [config.notify.templates] + ([BUNDLED_TEMPLATES] if BUNDLED_TEMPLATES != config.notify.templates else [])
    return Environment(
        loader=ChoiceLoader([FileSystemLoader(str(f)) for f in folders]),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


class Rendered(NamedTuple):
    """A rendered message: its title (the email subject), its body in `body_format`, and the text template's
    rendering, which is the plain-text part of an HTML email."""

    title: str
    body: str
    body_format: str
    text: str


def render(config: Config, store: Store | None, environment: Environment, message: dict, html: bool) -> Rendered:
    """A message rendered from its templates; HTML where the service prefers it and an HTML template exists."""
    name = TEMPLATE_OF[message["kind"]]
    context = _context(config, store, message)
    module = environment.get_template(f"{name}.txt.j2").make_module(context)
    title = " ".join(str(getattr(module, "title", "")).split())[:250]
    text = str(module).strip() + "\n"
    if html:
        try:
            body = environment.get_template(f"{name}.html.j2").render(context)
            return Rendered(title, body, apprise.NotifyFormat.HTML.value, text)
        except TemplateNotFound:
            pass
    return Rendered(title, text, apprise.NotifyFormat.TEXT.value, text)


# Fixed words of messages, in the items' language (nb, nn, en): subjects and headings.
WORDS = {
    "nb": {"new": "nye", "new_one": "ny", "daily": "Daglig sammendrag", "weekly": "Ukentlig sammendrag",
           "digest": "Sammendrag", "from": "fra", "to": "til", "plural": "saker", "singular": "sak"},
    "nn": {"new": "nye", "new_one": "ny", "daily": "Dagleg samandrag", "weekly": "Vekesamandrag",
           "digest": "Samandrag", "from": "frå", "to": "til", "plural": "saker", "singular": "sak"},
    "en": {"new": "new", "new_one": "new", "daily": "Daily digest", "weekly": "Weekly digest",
           "digest": "Digest", "from": "from", "to": "to", "plural": "items", "singular": "item"},
}


def _words(items: list[dict]) -> dict[str, str]:
    languages = [language_code(i["language"]) for i in items]
    counted = [lang for lang in languages if lang in WORDS]
    return WORDS[max(counted, key=counted.count) if counted else "nb"]


def _about(config: Config, store: Store, subscription_id: str) -> str:
    """What a subscription follows, for subjects: its one feed's title, else its feeds' paths."""
    sub = subscription(config, subscription_id)
    if sub is None:
        return subscription_id
    if len(sub.feeds) == 1:
        spec = _specs(config, store).get(sub.feeds[0])
        return spec.title if spec else sub.feeds[0]
    return ", ".join(sub.feeds)


def _context(config: Config, store: Store | None, message: dict) -> dict:
    context = {"subscription": message["subscription_id"], "kind": message["kind"], "data": message["data"],
               "now": utc_now().astimezone(OSLO), "when": _local}
    if not message["item_ids"] or store is None:
        return context
    items = store.items("id IN (SELECT value FROM json_each(?))", [json.dumps(message["item_ids"])])
    views = [item_view(item) for item in items]
    context.update(items=views, count=len(views), item=views[0] if views else None, words=_words(items),
                   about=_about(config, store, message["subscription_id"]))
    if message["kind"] == "digest":
        context.update(groups=_groups(config, store, message["subscription_id"], items),
                       since=_local(message["data"].get("since")), until=_local(message["data"].get("until")),
                       schedule=message["data"].get("schedule"))
    return context


def _groups(config: Config, store: Store, subscription_id: str, items: list[dict]) -> list[dict]:
    """A digest's items under the first of the subscription's feeds that holds them, in the subscription's order."""
    sub = subscription(config, subscription_id)
    feeds = sub.feeds if sub else ["all"]
    specs = _specs(config, store, items)
    groups = [{"path": path, "title": specs[path].title if path in specs else path, "entries": []} for path in feeds]
    other = {"path": None, "title": "Other items", "entries": []}
    for item in items:  # newest first, as the store gives them
        group = next((g for g in groups if g["path"] in specs and specs[g["path"]].matches(item)), other)
        group["entries"].append(item_view(item))
    return [g for g in groups + [other] if g["entries"]]


def item_view(item: dict) -> dict:
    """What a template needs of an item."""
    deadline = item["extra"].get("deadline")
    try:
        deadline = date.fromisoformat(deadline) if deadline else None
    except ValueError:
        deadline = None
    return {
        "id": item["id"],
        "title": item["title"],
        "summary": item["summary"] or "",
        "link": item["link"],
        "publisher": ", ".join(entry_authors(item)),
        "document_type": document_type_title(item["document_type"], item["language"]) if item["document_type"] else None,
        "deadline": deadline.strftime("%d.%m.%Y") if deadline else None,
        # A bare date shows as a date (no "00:00"); an unknown one as nothing, never the fetch time.
        "published": format_date(item["published"]),
        # fixed words in the item's language (nb, nn, en): labels.deadline, .published, .type, .from, .status
        "labels": {key: fixed_label(key, item["language"]) for key in ("deadline", "published", "type", "from", "status")},
    }


def _local(value: datetime | str | None) -> str:
    if isinstance(value, str):
        value = from_iso(value)
    return value.astimezone(OSLO).strftime("%d.%m.%Y %H:%M") if value else ""


# ------------------------------------------------------------------------------------------ dry run, status


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
    environment = templates(config)
    planned = []
    with _transaction(store, commit=False) as conn:  # prepare for real, look, and roll it all back
        _prepare(conn, config, store, now or utc_now(), NotifyReport())
        for row in _due(store, _current_run(store) + 1):
            url = {key: url for key, _, url in url_keys(_urls(config, row["subscription_id"]) or [])}.get(row["url_key"])
            if url is None:
                continue
            try:
                title, body, _, _ = render(config, store, environment, _message(store, row["message_id"]), False)
            except Exception as error:  # a user's template: show the problem instead of the message
                title, body = "(template error)", f"{error.__class__.__name__}: {error}"
            planned.append(Planned(row["subscription_id"], row["kind"], row["url_label"], title, body, row["attempts"]))
    return planned


def preview(config: Config, store: Store, subscription_id: str, count: int = 5) -> tuple[Rendered, Rendered]:
    """`aggregator preview`: the message a subscription would get for its `count` latest matching items, as
    (text, HTML) renderings. Sends nothing and writes nothing."""
    sub = subscription(config, subscription_id)
    if sub is None:
        raise ValueError(_unknown(config, subscription_id))
    specs = _specs(config, store)
    found: dict[str, dict] = {}
    for path in sub.feeds:
        for item in store.feed_entries(path, count * 10):
            if matches(sub, item, specs):
                found[item["id"]] = item
    newest = sorted(found.values(), key=lambda i: (i["published"] or i["first_seen"]), reverse=True)[:count]
    if not newest:
        raise ValueError(f"subscription {sub.id!r} has no matching items in the store yet (run `aggregator run` first)")
    kind = "digest" if sub.mode == "digest" else ("item" if len(newest) == 1 else "batch")
    data = {"schedule": sub.schedule} if kind == "digest" else {}
    if kind == "digest":
        data.update(since=iso(min(i["first_seen"] for i in newest)), until=iso(utc_now()))
    message = {"kind": kind, "subscription_id": sub.id, "item_ids": [i["id"] for i in newest], "data": data}
    environment = templates(config)
    return render(config, store, environment, message, False), render(config, store, environment, message, True)


def status(config: Config, store: Store) -> list[dict]:
    """Per subscription (and the admin URLs), per URL: counts by state, the last delivery, the last failure."""
    run = _current_run(store)
    report = []
    subscriptions = [(s.id, s) for s in config.subscriptions] + ([(ADMIN, None)] if config.notify.admin_urls else [])
    for sub_id, sub in subscriptions:
        entry = {"id": sub_id, "config": sub, "urls": [], "next_digest": None, "collected": 0}
        for key, label, _ in url_keys(_urls(config, sub_id)):
            ledger = ("FROM deliveries d JOIN messages m ON m.id = d.message_id "
                      "WHERE m.subscription_id = ? AND d.url_key = ?")
            counts = {r["status"]: r["n"] for r in _rows(
                store.conn, f"SELECT d.status, count(*) AS n {ledger} GROUP BY d.status", [sub_id, key])}
            last_sent = _row(store.conn, f"SELECT d.sent_at, m.kind {ledger} AND d.status = 'sent' "
                                         "ORDER BY d.sent_at DESC LIMIT 1", [sub_id, key])
            last_error = _row(store.conn, "SELECT d.last_error, d.last_attempt_at, d.attempts, d.status, d.next_attempt_run "
                                          f"{ledger} AND d.last_error IS NOT NULL AND d.status IN ('pending', 'failed') "
                                          "ORDER BY d.last_attempt_at DESC LIMIT 1", [sub_id, key])
            if last_error and last_error["status"] == "pending":
                last_error["runs_to_wait"] = max(0, last_error["next_attempt_run"] - run - 1)
            entry["urls"].append({"url": label, "counts": counts, "last_sent": last_sent, "last_error": last_error})
        if sub and sub.mode == "digest":
            state = _row(store.conn, "SELECT * FROM subscriptions WHERE id = ?", [sub_id])
            if state:
                entry["next_digest"] = digest_due_at(sub, state, config.notify.digest_time)
            entry["collected"] = store.conn.execute(
                "SELECT count(*) FROM subscription_items WHERE subscription_id = ? AND message_id IS NULL", [sub_id]
            ).fetchone()[0]
        report.append(entry)
    return report


def _log_report(report: NotifyReport) -> None:
    if report.deliveries:
        statuses = [d.status for d in report.deliveries]
        log.info("notifications: %d sent, %d failed (retried on a later run), %d given up",
                 statuses.count("sent"), statuses.count("retry"), statuses.count("failed"))
