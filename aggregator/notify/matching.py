"""Whether a subscription wants an item: the one rule that new items, hearing updates, reminders and previews share."""

from __future__ import annotations

from .. import hearings
from ..config import SubscriptionConfig
from ..feeds import OPEN_HEARINGS, FeedSpec, has_any_word
from ..records import Item


def matches(sub: SubscriptionConfig, item: Item, specs: dict[str, FeedSpec], any_hearing: bool = False) -> bool:
    """Whether an item is in one of the subscription's feeds (as the feed files hold it), has one of its words, and
    (with `recipients`) is a hearing sent to one of its bodies. `any_hearing`: a hearing counts as in
    hearings/open also once it closed (so that its closing reaches those who follow the open ones)."""
    def in_feed(path: str) -> bool:
        if any_hearing and path == OPEN_HEARINGS:
            return hearings.is_hearing(item)
        return path in specs and specs[path].matches(item)

    if not any(in_feed(path) for path in sub.feeds):
        return False
    if sub.recipients and not hearings.names_match(item["extra"].get("recipients") or [], sub.recipients):
        return False
    return not sub.keywords or has_any_word(item, sub.keywords)
