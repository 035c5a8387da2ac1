"""run = fetch every source → store → publish (→ notify), each source isolated from the others."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from . import notify as notifications
from .commit import commit_fetch
from .config import Config, SourceConfig
from .hearings.follow import oldest_followed_deadline, reread_due
from .http import PoliteClient, configured_hosts
from .kinds import get_kind
from .progress import Progress
from .publish import PublishError, PublishReport, publish
from .records import SourceError
from .redact import hide
from .sources import SourceContext, bound_texts
from .store import Store, StoreBusy, utc_now

log = logging.getLogger(__name__)


@dataclass
class SourceOutcome:
    """What one source's fetch did this run."""

    source_id: str
    ok: bool
    error: str | None = None
    new_ids: list[str] = field(default_factory=list)
    changed_ids: list[str] = field(default_factory=list)
    seen: int = 0
    warnings: list[str] = field(default_factory=list)
    not_modified: bool = False
    state: dict = field(default_factory=dict)  # source_state after this run

    def summary(self) -> str:
        if not self.ok:
            return f"FAILED: {self.error}"
        if self.not_modified:
            return "not modified"
        return f"{self.seen} items, {len(self.new_ids)} new, {len(self.changed_ids)} changed"


@dataclass
class RunReport:
    outcomes: list[SourceOutcome] = field(default_factory=list)
    published: PublishReport | None = None
    publish_error: str | None = None  # the output folder could not be written
    notified: notifications.NotifyReport | None = None  # None when notifying was skipped or crashed

    @property
    def failed(self) -> list[SourceOutcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def new_ids(self) -> list[str]:
        return [i for o in self.outcomes for i in o.new_ids]

    def summary(self) -> str:
        """One line for a person (or cron's mail): what this run did."""
        parts = []
        if self.outcomes:
            ok = len(self.outcomes) - len(self.failed)
            changed = sum(len(o.changed_ids) for o in self.outcomes)
            parts.append(f"{len(self.outcomes)} sources ({ok} ok" + (f", {len(self.failed)} failed)" if self.failed else ")")
                         + f", {len(self.new_ids)} new items, {changed} changed")
        if self.published:
            parts.append(f"feeds: {len(self.published.written)} written, {len(self.published.unchanged)} unchanged")
        elif self.publish_error:
            parts.append("feeds: NOT written")
        if self.notified:
            parts.append(f"notifications: {len(self.notified.sent)} sent, {len(self.notified.failed)} failed")
        return "; ".join(parts)


def fetch_source(source: SourceConfig, store: Store, client: PoliteClient, run: int = 0,
                 backfill: int | None = None, run_started: datetime | None = None) -> SourceOutcome:
    """Fetch one source (and read again what of it is due: hearings.follow) and commit what it gives in one
    transaction. Never raises: a failure is the outcome's error. `backfill`: walk that many listing pages, and
    take the new items in as history (no notifications)."""
    now = run_started or utc_now()
    context = SourceContext(
        http=client, source_id=source.id, run=run, backfill=backfill is not None, max_pages=backfill,
        observed=lambda item_id: store.observed(source.id, item_id),
        validators=lambda url: store.get_validators(source.id, url),
        article_state=store.article_state,
        stored=store.get_item,
        followed=lambda: store.followed_hearings(source.id, oldest_followed_deadline(now).isoformat()),
        articles_due=lambda: store.articles_due(source.id, run),
        now=now,
        log=logging.getLogger(f"aggregator.sources.{source.id}"),
    )
    try:
        kind = get_kind(source.kind)
        context.hosts = frozenset(h for h in (urlsplit(source.url).hostname, *kind.hosts) if h)
        for host in kind.hosts if kind.min_delay else ():
            client.space_host(host, kind.min_delay)
        result = kind.fetcher()(source, context)
        reread_due(kind, source, context, result)
        bound_texts(result)
        _credit(result.records, kind.publisher)
        changes, _ = commit_fetch(store, source.id, source.topics, result, run, history=backfill is not None,
                                       run_started=run_started)
    except SourceError as error:
        return _failed(source, store, str(error))
    except StoreBusy:  # not this source's failure: another process holds the store (exit 3)
        raise
    except Exception as error:  # a bug or a surprise in one source must not stop the others
        log.debug("source %s crashed", source.id, exc_info=True)
        return _failed(source, store, f"unexpected error: {error.__class__.__name__}: {error}")
    outcome = SourceOutcome(source.id, ok=True, warnings=result.warnings, not_modified=result.not_modified)
    outcome.new_ids = [item_id for item_id, change in changes.items() if change == "new"]
    outcome.changed_ids = [item_id for item_id, change in changes.items() if change == "changed"]
    outcome.seen = len({r.id for r in result.records})
    outcome.state = store.source_state(source.id)
    for warning in result.warnings:
        log.warning("%s: %s", source.id, warning)
    for problem in store.article_problems(source.id) if result.article_failures else []:
        if problem["status"] == "given_up" and problem["item_id"] in result.article_failures:
            log.warning("%s: gave up on the article page %s after %d attempts (%s)", source.id, problem["url"],
                        problem["attempts"], problem["last_error"])
    log.info("%s: %s", source.id, outcome.summary())
    return outcome


def _credit(records: list, publisher: str | None) -> None:
    """Who an item that names no author and no ministry is credited to: its kind's publisher, where it declares one
    (a feed's items are credited to the feed's own title, which the feed kind puts there itself)."""
    if not publisher:
        return
    for record in records:
        if not record.authors and not record.ministries and "credit" not in record.extra:
            record.extra["credit"] = publisher


def _failed(source: SourceConfig, store: Store, error: str) -> SourceOutcome:
    error = hide(error)  # stored errors reach status, admin messages and the public index
    log.error("%s: %s", source.id, error)
    state = store.record_failure(source.id, error)
    return SourceOutcome(source.id, ok=False, error=error, state=state)


def client_for(config: Config) -> PoliteClient:
    """The run's one client: it reaches a loopback or private address only on a host a source URL names."""
    return PoliteClient(config.http, allowed_private_hosts=configured_hosts(s.url for s in config.sources))


def fetch_all(config: Config, store: Store, client: PoliteClient | None = None,
              progress: Progress | None = None) -> list[SourceOutcome]:
    """Fetch every configured source, one after the other, through one polite client."""
    run_number, started = store.begin_run(), utc_now()
    if store.correct_future_attempts(started):
        log.warning("article pages read at a time in the future (a clock that ran ahead?) now count as read now")
    own_client = client is None
    client = client or client_for(config)
    progress = progress or Progress()
    client.on_request, client.on_wait = progress.request, progress.waiting
    outcomes = []
    progress.start(len(config.sources))
    try:
        for source in config.sources:
            progress.source(source.id)
            outcome = fetch_source(source, store, client, run_number, run_started=started)
            progress.source_done(source.id, outcome.summary())
            outcomes.append(outcome)
        return outcomes
    finally:
        progress.stop()
        if own_client:
            client.close()


def backfill(config: Config, store: Store, source_id: str, pages: int) -> RunReport:
    """Walk a listing's pages 1..`pages` once, even those this source has seen, and write the feeds.
    The older documents it finds are history: they reach the feeds, not the notifications."""
    source = next((s for s in config.sources if s.id == source_id), None)
    if source is None:
        raise ValueError(f"no source with id {source_id!r} in {config.path}")
    report = RunReport()
    with client_for(config) as client:
        report.outcomes = [fetch_source(source, store, client, store.begin_run(), backfill=pages)]
    try:
        report.published = publish(config, store)
    except PublishError as error:
        log.error("%s", error)
        report.publish_error = str(error)
    return report


def run(config: Config, store: Store, *, fetch: bool = True, build: bool = True, notify: bool = True,
        progress: Progress | None = None) -> RunReport:
    """The main job. Feeds are written even when some sources failed: the others' items are news too."""
    report = RunReport()
    if notify:  # before fetching, so that a subscription added to the config gets this run's news
        try:
            notifications.register_subscriptions(config, store)
        except StoreBusy:
            raise
        except Exception as error:  # it is done again by the notify step; fetching matters more
            log.error("notifications: cannot note the subscriptions: %s", error)
    if fetch:
        report.outcomes = fetch_all(config, store, progress=progress)
    if build:
        try:
            report.published = publish(config, store)
        except PublishError as error:  # the items are stored; notifications need no feed file, so go on
            log.error("%s", error)
            report.publish_error = str(error)
    if notify:
        report.notified = _notify(config, store)
    return report


def _notify(config: Config, store: Store) -> notifications.NotifyReport | None:
    """Send what the stored items call for. Items and feeds are saved already, and the ledger keeps what
    is not sent yet, so a failure here is logged and retried next run; it never changes the exit code."""
    try:
        return notifications.notify_step(config, store)
    except StoreBusy:
        raise
    except Exception as error:
        log.error("notifications failed (they are tried again next run): %s: %s", error.__class__.__name__, error)
        log.debug("notify step crashed", exc_info=True)
        return None
