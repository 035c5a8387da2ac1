"""What the notifier's parts share: reports, the subscriptions and their URLs (one per email recipient)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..config import Config, SubscriptionConfig, redact

ADMIN = "_admin"  # the ledger's subscription id for messages to [notify] admin_urls (config ids cannot start with _)
MAX_ATTEMPTS = 8  # then a delivery is given up and reported to the admins
BROKEN_AFTER = 3  # consecutive failed runs before a source is reported broken


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


def urls_of(config: Config, subscription_id: str) -> list[str] | None:
    if subscription_id == ADMIN:
        return config.notify.admin_urls
    sub = subscription(config, subscription_id)
    return sub.urls if sub else None


def subscription(config: Config, subscription_id: str) -> SubscriptionConfig | None:
    return next((s for s in config.subscriptions if s.id == subscription_id), None)


def unknown(config: Config, subscription_id: str) -> str:
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
    keys: list[tuple[str, str, str]] = []
    seen: dict[str, int] = {}
    for url in (single for given in urls for single in per_recipient(given)):
        label = redact(url)
        seen[label] = seen.get(label, 0) + 1
        keys.append((hashlib.sha256(f"{label}#{seen[label]}".encode()).hexdigest()[:16], label, url))
    return keys


def deliveries_of(config: Config, subscription_id: str) -> list[tuple[str, str]]:
    """(url key, label) of each delivery a new message of this subscription gets."""
    return [(key, label) for key, label, _ in url_keys(urls_of(config, subscription_id) or [])]
