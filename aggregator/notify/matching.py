"""Whether a subscription wants an item: the one rule that new items, hearing updates, reminders and previews share.

Some hearings cannot be judged when they arrive: a hearing whose page could not be read yet has no recipient list
and no deadline, and a KS answer not yet linked to its hearing has no recipients either. `undecided` says so; the
planner lets such an item wait (notify/plan.py) and judges it again on later runs.

A subscription's `recipients` keeps the hearings sent to one of its bodies (and the answers to them); a hearing
anyone may answer (a parliament committee's, `Hearing.open_to_all`) is kept whatever its recipients.
"""

from __future__ import annotations

from collections.abc import Callable

from ..config import SubscriptionConfig
from ..feeds import OPEN_HEARINGS, FeedSpec
from ..hearings import Hearing, hearing_of, is_answer, is_hearing
from ..hearings.rules import CANCELLED, CLOSED, names_match, stated
from ..keywords import has_any_word
from ..records import Item

Answered = Callable[[str], Item | None]  # an answer's id → the hearing it answers, if linked


def matches(sub: SubscriptionConfig, item: Item, specs: dict[str, FeedSpec], any_hearing: bool = False,
            answered: Answered | None = None) -> bool:
    """Whether an item is in one of the subscription's feeds (as the feed files hold it), has one of its words, and
    (with `recipients`) is a hearing sent to one of its bodies, or an answer to such a hearing. `any_hearing`: a
    hearing counts as in hearings/open also once it closed (so that its closing reaches those who follow the open
    ones)."""
    return why_not(sub, item, specs, any_hearing, answered) is None


def why_not(sub: SubscriptionConfig, item: Item, specs: dict[str, FeedSpec], any_hearing: bool = False,
            answered: Answered | None = None) -> str | None:
    """None when the subscription wants the item (see `matches`); else the first rule that says no: "feeds",
    "recipients" or "keywords" (what `aggregator explain` tells)."""
    def in_feed(path: str) -> bool:
        if any_hearing and path == OPEN_HEARINGS:
            return is_hearing(item)
        return path in specs and specs[path].matches(item)

    if not any(in_feed(path) for path in sub.feeds):
        return "feeds"
    if sub.recipients and not _sent_to(_hearing(item, answered), sub.recipients):
        return "recipients"
    return None if not sub.keywords or has_any_word(item, sub.keywords) else "keywords"


def undecided(sub: SubscriptionConfig, item: Item, answered: Answered | None = None) -> bool:
    """Whether the facts a subscription asks about are not known yet: a hearing's recipients (with `recipients`) or
    deadline (in hearings/open), or the recipients of the hearing an answer answers."""
    if is_hearing(item):
        hearing = hearing_of(item) or Hearing()
        if sub.recipients and hearing.recipients is None and not hearing.open_to_all:
            return True
        no_deadline = hearing.deadline is None and stated(hearing) not in (CLOSED, CANCELLED)
        return OPEN_HEARINGS in sub.feeds and no_deadline
    if is_answer(item) and sub.recipients:
        answers = _hearing(item, answered)
        return answers is None or (answers.recipients is None and not answers.open_to_all)
    return False


def _hearing(item: Item, answered: Answered | None) -> Hearing | None:
    """The hearing an item is (a hearing), or answers (an answer linked to one)."""
    if is_answer(item):
        linked = answered(item["id"]) if answered else None
        return hearing_of(linked) if linked else None
    return hearing_of(item)


def _sent_to(hearing: Hearing | None, bodies: list[str]) -> bool:
    return hearing is not None and (hearing.open_to_all or names_match(hearing.recipients or [], bodies))
