"""Notifications: subscriptions, matching, the delivery ledger, Apprise calls, digests and admin alerts.

Two steps, each safe to kill at any moment (every arrow is one committed SQLite transaction):

  prepare  Every stored item the notifier has not looked at yet is classified, once: history (it came
           with a source's first fetch: the baseline) or news. News matching a subscription's feeds is
           assigned to it: an instant subscription gets one message per item (one combined message when
           there are more than [notify] batch_over), a digest subscription collects until its digest is
           due. Each message gets one pending delivery per Apprise URL (per recipient, for email). Broken
           and recovered sources become messages to [notify] admin_urls the same way.
  deliver  One delivery at a time: attempt counted → Apprise, to that one URL → marked sent; or, when
           it failed, scheduled for a later run (back-off counted in runs) and finally given up and
           reported to the admins; or, when it went out and no answer came, "unknown", never sent again.

The package, along its seams: `model` (reports, subscriptions and their URLs), `plan` (classify, assign,
batch), `digests` (digest timing: pure date arithmetic), `alerts` (broken sources, deliveries given up),
`render` (templates), `sending` (the Apprise calls), `steps` (the commands). Every SQL statement on the
ledger's tables is in `aggregator.store.ledger`.
"""

from __future__ import annotations

from ..normalize import OSLO
from .digests import digest_due_at
from .matching import matches
from .model import ADMIN, BROKEN_AFTER, MAX_ATTEMPTS, Delivery, NotifyReport, per_recipient, subscription, url_keys
from .plan import prepare, register_subscriptions
from .sending import backoff, deliver, prefers_html, send, send_test
from .steps import Planned, Preview, dry_run, notify_step, preview, send_digests, status


def __getattr__(name: str):
    """The renderer (Jinja2 and the templates) is loaded when first asked for: a run with nothing to send never is."""
    if name in ("Rendered", "item_view", "render", "templates"):
        from . import render as rendering

        return getattr(rendering, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ADMIN", "BROKEN_AFTER", "MAX_ATTEMPTS", "OSLO", "Delivery", "NotifyReport", "Planned", "Preview", "Rendered", "backoff",
    "deliver", "digest_due_at", "dry_run", "item_view", "matches", "notify_step", "per_recipient", "prefers_html",
    "prepare", "preview", "register_subscriptions", "render", "send", "send_digests", "send_test", "status",
    "subscription", "templates", "url_keys",
]
