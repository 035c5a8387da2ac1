"""Delivering: one message to one Apprise URL at a time, each result committed at once (the ledger), with retries
counted in runs, "unknown" outcomes never sent again, and every delivery bounded in time."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from ..config import Config, redact
from ..store import Store, ledger, utc_now
from .alerts import alert
from .mail import list_headers, with_headers
from .model import ADMIN, MAX_ATTEMPTS, Delivery, subscription, unknown, url_keys, urls_of

if TYPE_CHECKING:  # Jinja2 and the templates are loaded when a delivery is due, not by every run
    from jinja2 import Environment

    from .render import Rendered

log = logging.getLogger("aggregator.notify")


def backoff(run: int, attempts: int) -> int:
    """The run a failed delivery is tried again in: the next one, then skipping 1, 2, 4, … runs."""
    return run + 1 + (2 ** (attempts - 2) if attempts >= 2 else 0)


def deliver(config: Config, store: Store, run: int, *, message_ids: list[int] | None = None) -> list[Delivery]:
    """Send every due delivery (or those of some messages), each to its one URL, each result committed at once."""
    due = ledger.due(store, run, message_ids)
    if not due:
        return []
    from .render import templates

    environment = templates(config)
    return [_deliver_one(config, store, environment, row, run) for row in due]


def _deliver_one(config: Config, store: Store, environment: Environment, row: dict, run: int) -> Delivery:
    where = (row["message_id"], row["url_key"])
    result = Delivery(row["subscription_id"], row["kind"], row["url_label"], "", "sent", attempts=row["attempts"] + 1)
    url = {key: url for key, _, url in url_keys(urls_of(config, row["subscription_id"]) or [])}.get(row["url_key"])
    if url is None:
        result.status, result.error = "dropped", "the subscription or this URL is no longer in the configuration"
        with ledger.write(store) as conn:
            ledger.set_status(conn, *where, "dropped", result.error)
        return result
    from .render import render

    message = ledger.message(store.conn, row["message_id"])
    rendered: Rendered | None
    try:
        rendered = render(config, store, environment, message, prefers_html(url), url)
        result.title = rendered.title
    except Exception as error:  # a user's template may fail in any way: that is this delivery's failure
        rendered, result.error = None, f"template: {error.__class__.__name__}: {error}"
    with ledger.write(store) as conn:  # counted before sending: a kill now leaves a visible, unfinished attempt
        ledger.mark_sending(conn, *where, utc_now())
    outcome = "failed"
    if rendered is not None:  # the list headers go with this sending only: the ledger keys the configured URL
        outcome, result.error = send(with_headers(url, list_headers(config, row["subscription_id"], url)), rendered)
    _record(config, store, row, run, outcome, result)
    return result


def _record(config: Config, store: Store, row: dict, run: int, outcome: str, result: Delivery) -> None:
    """Commit a delivery's outcome: sent; unknown (never sent again, the admins told once); or failed, retried on
    its back-off until MAX_ATTEMPTS, then given up and reported to the admins."""
    where = (row["message_id"], row["url_key"])
    with ledger.write(store) as conn:
        if outcome == "sent":
            ledger.mark_sent(conn, *where, utc_now())
            return
        if outcome == "unknown":
            # The receiver had the message and did not answer in time: it may well have taken it. Sending it again
            # could make a duplicate, so it is not retried (at most once); the admins are told, once.
            result.status = "unknown"
            ledger.set_status(conn, *where, "unknown", result.error)
            if row["subscription_id"] != ADMIN:
                data = {"event": "delivery-unknown", "subscription": row["subscription_id"], "url": row["url_label"],
                        "title": result.title, "error": result.error, "attempts": result.attempts}
                alert(conn, config, f"unknown {row['message_id']} {row['url_key']}", data, utc_now())
            log.warning("notification %s to %s: outcome unknown (%s); not sent again, to avoid a duplicate",
                        row["subscription_id"], row["url_label"], result.error)
            return
        if result.attempts >= MAX_ATTEMPTS:
            result.status = "failed"
            ledger.set_status(conn, *where, "failed", result.error)
            if row["subscription_id"] != ADMIN:
                data = {"event": "delivery-failed", "subscription": row["subscription_id"], "url": row["url_label"],
                        "title": result.title, "error": result.error, "attempts": result.attempts}
                key = f"failed {row['message_id']} {row['url_key']}"
                alert(conn, config, key, data, utc_now())
        else:
            result.status = "retry"
            ledger.set_status(conn, *where, "pending", result.error, backoff(run, result.attempts))
    log.warning("notification %s to %s failed (attempt %d%s): %s", row["subscription_id"], row["url_label"],
                result.attempts, ", given up" if result.status == "failed" else ", will retry", result.error)


def prefers_html(url: str) -> bool:
    """Whether the service behind an Apprise URL takes HTML first (email: then Apprise adds a text alternative)."""
    import apprise  # here: loading its plugins costs ~70 ms, which only runs that send pay
    notifier = apprise.Apprise()
    if not notifier.add(url):
        return False
    declared = notifier[0].notify_format
    formats = list(declared) if isinstance(declared, (list, tuple)) else [declared]
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
    that one call is answered with our text. Should Apprise change that, its own conversion is used (and a
    warning says so, once per process: `text_part_hook_problem`)."""
    import apprise  # here: loading its plugins costs ~70 ms, which only runs that send pay
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


_hook_checked = False


def _check_text_part_hook_once() -> None:
    global _hook_checked
    if not _hook_checked:
        _hook_checked = True
        problem = text_part_hook_problem()
        if problem:
            log.warning("emails get Apprise's conversion of the HTML as their plain-text part: %s", problem)


def text_part_hook_problem() -> str | None:
    """None when an HTML email built by Apprise's email plugin gets `_text_part`'s text as its plain-text part;
    otherwise what is wrong, naming the Apprise version. Builds one message in memory; sends nothing."""
    import email.policy
    from email.message import EmailMessage

    import apprise
    where = f"Apprise {apprise.__version__}"
    marker = "aggregator: the text template's rendering"
    try:
        from apprise.plugins.email import base as email_base
        if not callable(getattr(email_base, "convert_between", None)):
            return f"{where}: apprise.plugins.email.base has no convert_between, the call our text part answers"
        plugin: Any = apprise.Apprise.instantiate("mailto://aggregator@example.org")
        with _text_part(marker):
            built = next(iter(email_base.NotifyEmail.prepare_emails(
                subject="check", body="<p>the HTML part</p>", notify_format=apprise.NotifyFormat.HTML,
                from_addr=plugin.from_addr, to=plugin.targets)))
        part = email.message_from_string(built.body, policy=email.policy.default).get_body(("plain",))
        text = part.get_content().strip() if isinstance(part, EmailMessage) else None
    except Exception as error:  # its email plugin moved or changed shape
        return f"{where}: cannot build an email with its email plugin ({error.__class__.__name__}: {error})"
    if text != marker:
        return (f"{where} did not call apprise.plugins.email.base.convert_between(HTML, TEXT) for the plain-text "
                f"part of an HTML email (it holds {text!r})")
    return None


def send(url: str, message: Rendered) -> tuple[str, str | None]:
    """One message to one Apprise URL: ("sent" | "failed" | "unknown", error). "unknown": the request went out
    and no answer came in time (or the connection broke after sending): it may have been delivered."""
    import apprise  # here: loading its plugins costs ~70 ms, which only runs that send pay
    notifier = apprise.Apprise()
    if not notifier.add(with_timeouts(url)):
        return "failed", f"Apprise cannot use {redact(url)}"
    if message.body_format == "html":
        _check_text_part_hook_once()
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


def send_test(config: Config, subscription_id: str | None, store: Store | None = None) -> list[Delivery]:
    """`aggregator test-notify`: a test message to each URL of a subscription (None: the admin URLs); with `store`,
    each one that was sent is noted in the ledger (so that `status` shows it), never to be sent again."""
    if subscription_id is None:
        urls, name = config.notify.admin_urls, ADMIN
    else:
        sub = subscription(config, subscription_id)
        if sub is None:
            raise ValueError(unknown(config, subscription_id))
        urls, name = sub.urls, sub.id
    from .render import render, templates

    environment = templates(config)
    results = []
    for key, label, url in url_keys(urls):
        message = {"kind": "test", "subscription_id": name, "item_ids": [], "data": {}}
        rendered = render(config, None, environment, message, prefers_html(url), url)
        outcome, error = send(with_headers(url, list_headers(config, name, url)), rendered)
        results.append(Delivery(name, "test", label, rendered.title, outcome, error, 1))
        if store is not None and outcome == "sent":
            with ledger.write(store) as conn:
                ledger.record_test(conn, name, key, label, utc_now())
    return results
