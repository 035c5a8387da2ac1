"""Which hearings are read again, and when: the one rule, for every kind that declares how it reads one hearing
again (kinds.SourceKind.reread).

A hearing is followed while its deadline is ahead or recent (responses and input are published for weeks after
it); one whose deadline is not known, while it is new (a backfill's thousands of old hearings are not read again
and again). A followed hearing is read again when its last reading is `hearing_refresh_hours` old, whether or not
this fetch showed it (an unchanged feed, a hearing that left the feed's last items, a listing page not walked), and
also after its page was given up on: a followed hearing is never frozen. A page whose reading failed is read again
on its back-off (merge.after_article_failure), hearing or not.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..kinds import HEARING_REFRESH, SourceKind
from ..normalize import oslo_day
from ..records import FetchResult, Record
from .model import hearing_of, is_hearing
from .rules import CLOSED, stated

if TYPE_CHECKING:
    from ..config import SourceConfig
    from ..sources import SourceContext

FOLLOW_AFTER_DEADLINE = timedelta(days=60)  # responses are still published for weeks after a deadline


def is_followed(item: Mapping[str, Any], today: date) -> bool:
    """Whether a hearing is still worth reading again (see the module docstring)."""
    if not is_hearing(item):
        return False
    hearing = hearing_of(item)
    if hearing is not None and hearing.deadline is not None:
        return hearing.deadline + FOLLOW_AFTER_DEADLINE >= today
    if hearing is not None and stated(hearing) in (CLOSED, "cancelled"):
        return False
    when = item.get("published") or item.get("first_seen")
    return when is not None and oslo_day(when) + FOLLOW_AFTER_DEADLINE >= today


def oldest_followed_deadline(now: datetime) -> date:
    """The oldest deadline (and, without one, publication) a followed hearing may have: the store's first filter."""
    return oslo_day(now) - FOLLOW_AFTER_DEADLINE


def refresh_hours(source: SourceConfig) -> float:
    return float(source.options.get(HEARING_REFRESH.name, HEARING_REFRESH.default))


def due(article_state: dict | None, now: datetime, every_hours: float) -> bool:
    """Whether a followed hearing's last reading is old enough to read it again (never read: yes)."""
    last = (article_state or {}).get("last_attempt_at")
    return last is None or now - datetime.fromisoformat(last) >= timedelta(hours=every_hours)


def reread_due(kind: SourceKind, source: SourceConfig, ctx: SourceContext, result: FetchResult) -> None:
    """Read again, through the kind's hook, the source's documents that are due: pages that failed and whose
    back-off allows another try, and followed hearings whose last reading is old enough. Documents this fetch read
    (or failed to read) already are not read twice; pages on other hosts than the source's site never."""
    reread = kind.rereader()
    if reread is None:
        return
    done = set(result.articles) | set(result.article_failures)
    hosts = {urlsplit(source.url).netloc.lower(), *kind.hosts}
    retry = {item["id"]: item for item in ctx.articles_due()}
    every = refresh_hours(source)
    today = oslo_day(ctx.now)
    listed = [_as_item(r, ctx.now) for r in result.records if is_hearing(r)]  # a new one is not stored yet
    for item in [*retry.values(), *ctx.followed(ctx.now - timedelta(hours=every)), *listed]:
        if ctx.out_of_time():
            return  # the run's time budget is spent: the next run reads them (a failed page stays due)
        if item["id"] in done or urlsplit(item["link"]).netloc.lower() not in hosts:
            continue
        done.add(item["id"])
        if item["id"] in retry or (due(ctx.article_state(item["id"]), ctx.now, every) and is_followed(item, today)):
            reread(source, ctx, item, result)


def _as_item(record: Record, now: datetime) -> dict[str, Any]:
    """What following needs of a hearing this fetch listed (its stored row may not exist yet)."""
    return {"id": record.id, "link": record.link, "title": record.title, "document_type": record.document_type,
            "extra": record.extra, "published": record.published, "first_seen": now}


def record_of(item: Mapping[str, Any]) -> Record:
    """A stored document as the record a kind's hook reads again."""
    return Record(id=item["id"], link=item["link"], title=item["title"], document_type=item["document_type"],
                  extra=dict(item["extra"]))
