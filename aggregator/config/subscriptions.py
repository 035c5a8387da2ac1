"""Subscriptions' keys that depend on the rest of the configuration: their Apprise URLs, the feeds they name, and
the hearing keys that only take effect together."""

from __future__ import annotations

import logging
import re
import urllib.parse
from collections.abc import Callable, Iterable
from typing import Any

from ..redact import hide
from .model import DEFAULT_REMIND_DAYS, ConfigError

Fail = Callable[[str, str], ConfigError]


def check_subscriptions(raw: dict, arrays: dict[str, list[dict]], notify: dict, fail: Fail) -> None:
    """Check each subscription against the sources and topics (and fill in remind_days); each mistake goes to
    `fail`."""
    for i, sub in enumerate(raw.get("subscriptions", []) if isinstance(raw.get("subscriptions"), list) else []):
        if isinstance(sub, dict) and "schedule" in sub and sub.get("mode", "instant") != "digest":
            fail(f"subscriptions[{i}].schedule", 'only digests have a schedule: add mode = "digest", or drop it')
    source_ids = {s["id"] for s in arrays["sources"] if s.get("id")}
    topic_ids = {t["id"] for t in arrays["topics"] if t.get("id")} | {t for s in arrays["sources"] for t in s["topics"]}
    committees = committees_read((s["kind"], s["options"]) for s in arrays["sources"])
    for i, sub in enumerate(arrays["subscriptions"]):
        where = f"subscriptions[{i}]"
        if sub["urls"] is not None and not sub["urls"]:
            fail(f"{where}.urls", "must name at least one Apprise URL")
        for j, url in enumerate(sub["urls"] or []):
            if problem := apprise_url_problem(url):
                fail(f"{where}.urls[{j}]", problem)
        if not sub["feeds"]:
            fail(f"{where}.feeds", 'must name at least one feed (or "all")')
        for j, feed in enumerate(sub["feeds"]):
            if problem := feed_path_problem(feed, source_ids, topic_ids, committees):
                fail(f"{where}.feeds[{j}]", problem)
        if wrong := _events_problem(sub):
            fail(f"{where}.{wrong[0]}", wrong[1])
        sub["remind_days"] = sub["remind_days"] or (list(DEFAULT_REMIND_DAYS) if "reminder" in sub["events"] else [])
    for j, url in enumerate(notify["admin_urls"]):
        if problem := apprise_url_problem(url):
            fail(f"notify.admin_urls[{j}]", problem)


_FEED_PATH = re.compile(r"all|hearings/open|(sources|topics|ministries|committees)/([a-z0-9][a-z0-9_.-]*)")


def committees_read(sources: Iterable[tuple[str, dict[str, Any]]]) -> set[str] | None:
    """The committees (ids in lower case) that the Stortinget sources among these (kind, options) read; None when
    one of them reads every committee."""
    found: set[str] = set()
    for kind, options in sources:
        if kind == "stortinget":
            if not options.get("committees"):
                return None
            found |= {c.lower() for c in options["committees"]}
    return found


def feed_path_problem(feed: str, source_ids: set[str], topic_ids: set[str],
                      committees: set[str] | None = None) -> str | None:
    """Why a subscription's feed is not one the output folder can hold, or None. `committees`: those the Stortinget
    sources read (None: every one)."""
    match = _FEED_PATH.fullmatch(feed)
    if not match or feed.endswith(".atom"):
        return (f'must be "all" or a feed path without .atom, as in the output folder: "sources/<id>", '
                f'"topics/<id>", "ministries/<abbr>", "committees/<id>" or "hearings/open"; got {feed!r}')
    folder, name = match.groups()
    if folder == "sources" and name not in source_ids:
        return f"no [[sources]] has id {name!r} (known: {', '.join(sorted(source_ids))})"
    if folder == "topics" and name not in topic_ids:
        known = ", ".join(sorted(topic_ids)) or "none"
        return (f"no [[topics]] has id {name!r} and no source gives it (known: {known}); to follow a topic the "
                f'site gives its items, add [[topics]] id = "{name}"')
    if folder == "ministries":
        from ..normalize import ministries

        if name not in ministries():
            return f"unknown ministry {name!r}; use regjeringen.no's abbreviation (aid, jd, kdd, …)"
    if folder == "committees" and committees is not None and name not in committees:
        if not committees:
            return 'no [[sources]] of kind = "stortinget" reads committee hearings: add one to follow a committee'
        return (f"no Stortinget source reads committee {name!r} (known: {', '.join(sorted(committees))}); add it to "
                "a source's committees, in lower case here (komforv for KOMFORV)")
    return None


def _events_problem(sub: dict[str, Any]) -> tuple[str, str] | None:
    """(key, reason) when a subscription's hearing keys cannot take effect as written, else None."""
    if sub["remind_days"] is not None and "reminder" not in sub["events"]:
        return "remind_days", 'reminders are sent only with "reminder" in events: add it, or drop remind_days'
    if sub["respondents"] and "updated" not in sub["events"]:
        return "respondents", 'answers are news only with "updated" in events: add it, or drop respondents'
    if sub["digest_day"] and sub["schedule"] != "weekly":
        return "digest_day", 'only weekly digests have a digest_day: add schedule = "weekly", or drop digest_day'
    if sub["mode"] == "digest" and "new" not in sub["events"]:
        return "events", 'a digest collects new items: keep "new" in events (updates and reminders are sent at once)'
    return None


def apprise_url_problem(url: str) -> str | None:
    """Why Apprise cannot use a notification URL (named without its secrets), or None. A line break or NUL in it,
    also percent-encoded (`name=a%0D%0ABcc:…`), would end up in a mail or HTTP header: refused."""
    if any(ord(c) < 32 or ord(c) == 127 for c in urllib.parse.unquote(url)):
        return f"{redact(url)} holds a line break or another control character (also as %0D, %0A, %00)"
    import apprise  # here, not at the top: only configurations with notifications pay for loading its plugins

    apprise_log = logging.getLogger("apprise")
    disabled, apprise_log.disabled = apprise_log.disabled, True  # its own message would show part of the password
    try:
        usable = apprise.Apprise().add(url)
    finally:
        apprise_log.disabled = disabled
    if usable:
        return None
    return (f"Apprise cannot use {redact(url)}: check the scheme (mailtos://, json://, slack://, …) and the parts it "
            "requires (see https://github.com/caronc/apprise/wiki)")


def redact(url: str) -> str:
    """A notification URL fit for logs and `status` (see redact.hide)."""
    return hide(url)
