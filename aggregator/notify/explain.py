"""`aggregator explain ITEM`: per subscription, whether an item was sent (or will be), and why not.

What it tells, in the order the notifier decides it: the messages that hold the item and each delivery's state (sent
and when; pending, with the run it is retried in; given up; outcome unknown); then, for an item no message holds, why:
the subscription does not ask for new items, the notifier has not looked at it yet, it is history (it came with its
source's first fetch: the baseline), it came before the subscription began, the rules of notify/matching.py (not in
its feeds, not sent to its recipients, none of its keywords), it waits for a fact (matching.undecided), or it is
collected for the next digest. Only reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..config import Config, SubscriptionConfig
from ..feeds import specs_by_path
from ..normalize import OSLO, canonical_url, item_id_for_url
from ..records import Item
from ..store import Store, from_iso, ledger
from ..store import explain as reads
from .digests import digest_due_at
from .matching import undecided, why_not
from .plan import WAIT_FOR_FACTS


@dataclass
class Explanation:
    """One subscription's answer: `outcome` is sent | pending | failed | not sent; `lines` say why."""

    subscription: str
    outcome: str
    lines: list[str] = field(default_factory=list)


def find_item(store: Store, ref: str) -> Item | None:
    """An item by its id, or by its link (in any form the sites write it)."""
    item = store.get_item(ref)
    if item is None and ref.startswith(("http://", "https://")):
        try:
            item = store.get_item(item_id_for_url(ref)) or store.item_by_link(canonical_url(ref))
        except ValueError:  # not a URL the store could hold
            return None
    return item


def explain(config: Config, store: Store, item: Item) -> list[Explanation]:
    """Per subscription, what became (or becomes) of the item."""
    specs = specs_by_path(config, store)
    deliveries = reads.item_deliveries(store.conn, item["id"])
    run = ledger.current_run(store)
    found = []
    for sub in config.subscriptions:
        mine = [d for d in deliveries if d["subscription_id"] == sub.id]
        found.append(_delivered(mine, run, sub.id) if mine else _not_delivered(config, store, sub, item, specs))
    return found


def _delivered(deliveries: list[dict], run: int, subscription_id: str) -> Explanation:
    lines, states = [], set()
    for d in deliveries:
        states.add(d["status"])
        what = f"{d['kind']} message to {d['url_label']}"
        if d["status"] == "sent":
            lines.append(f"{what}: sent {_when(d['sent_at'])}")
        elif d["status"] in ("pending", "sending"):
            retry = max(d["next_attempt_run"], run + 1)
            tried = f"attempt {d['attempts']} failed {_when(d['last_attempt_at'])}: {d['last_error']}; " \
                if d["attempts"] else ""
            lines.append(f"{what}: {tried}sent by notifying run {retry} (the next is {run + 1})")
        elif d["status"] == "failed":
            lines.append(f"{what}: given up after {d['attempts']} attempts ({d['last_error']}); the admins were told")
        elif d["status"] == "unknown":
            lines.append(f"{what}: sent {_when(d['last_attempt_at'])}, but no answer came; not sent again "
                         f"({d['last_error']})")
        else:
            lines.append(f"{what}: dropped (its URL is no longer in the configuration)")
    outcome = "sent" if "sent" in states else ("pending" if states & {"pending", "sending"} else "failed")
    return Explanation(subscription_id, outcome, lines)


def _not_delivered(config: Config, store: Store, sub: SubscriptionConfig, item: Item, specs: dict) -> Explanation:
    def no(reason: str) -> Explanation:
        return Explanation(sub.id, "not sent", [reason])

    conn = store.conn
    if "new" not in sub.events:
        return no(f"it asks for no new items (events = {', '.join(sub.events)}): only a hearing's updates or reminders")
    judged = reads.classification(conn, item["id"])
    if judged is None:
        return Explanation(sub.id, "pending", ["not judged yet: the next run (or `aggregator notify`) looks at it"])
    if not judged["news"]:
        return no("history: it came with its source's first fetch (the baseline) or a backfill, and history is told "
                  "to nobody")
    state = ledger.subscription_state(conn, sub.id) or {}
    began = from_iso(state.get("first_seen"))
    if began and item["first_seen"] < began:
        return no(f"it came {_when(item['first_seen'])}, before the subscription began ({_when(began)})")
    if since := reads.waiting_since(conn, sub.id, item["id"]):
        return Explanation(sub.id, "pending", [
            f"waiting since {_when(since)} for a fact it is judged by (a hearing's recipients or deadline, read from "
            f"its page); judged again each run, at most {WAIT_FOR_FACTS.days} days"])
    if reason := why_not(sub, item, specs, answered=store.answered_hearing):
        return no(_rule(reason, sub, item, store))
    if (assigned := reads.assignment(conn, sub.id, item["id"])) and sub.mode == "digest":
        due = digest_due_at(sub, state, config.notify.digest_time) if state else None
        return Explanation(sub.id, "pending", [
            f"collected {_when(assigned['assigned_at'])} for the next digest" + (f", due {_when(due)}" if due else "")])
    if undecided(sub, item, store.answered_hearing):
        return Explanation(sub.id, "pending", ["its facts are not known yet; judged again on the next run"])
    return no("it matches, but it was judged before this subscription asked for it")


def _rule(reason: str, sub: SubscriptionConfig, item: Item, store: Store) -> str:
    if reason == "feeds":
        held = sorted(store.feeds_of([item["id"]]))
        return f"not in its feeds ({', '.join(sub.feeds)}); the item is in {', '.join(held) or 'no feed yet'}"
    if reason == "recipients":
        return (f"not sent to any of its recipients ({', '.join(sub.recipients)}): the hearing's recipient list "
                "names none of them")
    return f"none of its keywords ({', '.join(sub.keywords)}) is in the title or summary"


def _when(value: datetime | str | None) -> str:
    moment = from_iso(value) if isinstance(value, str) else value
    return moment.astimezone(OSLO).strftime("%d.%m.%Y %H:%M") if moment else "never"
