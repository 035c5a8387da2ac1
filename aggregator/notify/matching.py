"""Whether a subscription wants an item: the one rule that new items, hearing updates, reminders and previews share.

Some hearings cannot be judged when they arrive: a hearing whose page could not be read yet has no recipient list
and no deadline, and a KS answer not yet linked to its hearing has no recipients either. `undecided` says so; the
planner lets such an item wait (notify/plan.py) and judges it again on later runs.
"""

from __future__ import annotations

from collections.abc import Callable

from .. import hearings
from ..config import SubscriptionConfig
from ..feeds import OPEN_HEARINGS, FeedSpec, has_any_word
from ..records import Item

HearingOf = Callable[[str], Item | None]  # an answer's id → the hearing it answers, if linked


def matches(sub: SubscriptionConfig, item: Item, specs: dict[str, FeedSpec], any_hearing: bool = False,
            hearing_of: HearingOf | None = None) -> bool:
    """Whether an item is in one of the subscription's feeds (as the feed files hold it), has one of its words, and
    (with `recipients`) is a hearing sent to one of its bodies, or an answer to such a hearing. `any_hearing`: a
    hearing counts as in hearings/open also once it closed (so that its closing reaches those who follow the open
    ones)."""
    def in_feed(path: str) -> bool:
        if any_hearing and path == OPEN_HEARINGS:
            return hearings.is_hearing(item)
        return path in specs and specs[path].matches(item)

    if not any(in_feed(path) for path in sub.feeds):
        return False
    if sub.recipients and not hearings.names_match(_recipients(item, hearing_of), sub.recipients):
        return False
    return not sub.keywords or has_any_word(item, sub.keywords)


def undecided(sub: SubscriptionConfig, item: Item, hearing_of: HearingOf | None = None) -> bool:
    """Whether the facts a subscription asks about are not known yet: a hearing's recipients (with `recipients`) or
    deadline (in hearings/open), or the recipients of the hearing an answer answers."""
    extra = item["extra"]
    if hearings.is_hearing(item):
        if sub.recipients and "recipients" not in extra:
            return True
        no_deadline = hearings.deadline_of(extra) is None and hearings.state_of(extra.get("hearing_status")) != "closed"
        return OPEN_HEARINGS in sub.feeds and no_deadline
    if item["document_type"] == "consultation-response" and sub.recipients:
        hearing = hearing_of(item["id"]) if hearing_of else None
        return hearing is None or "recipients" not in hearing["extra"]
    return False


def _recipients(item: Item, hearing_of: HearingOf | None) -> list[str]:
    if item["document_type"] == "consultation-response" and hearing_of:
        hearing = hearing_of(item["id"])
        return (hearing["extra"].get("recipients") or []) if hearing else []
    return item["extra"].get("recipients") or []
