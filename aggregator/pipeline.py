"""run = fetch every source → store → publish (→ notify), each source isolated from the others."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field

from . import notify as notifications
from .config import Config
from .fetch import SourceOutcome, fetch_source
from .http import PoliteClient, configured_hosts
from .progress import Progress
from .publish import PublishError, PublishReport, publish
from .store import Store, StoreBusy, iso, utc_now

log = logging.getLogger(__name__)


@dataclass
class RunReport:
    outcomes: list[SourceOutcome] = field(default_factory=list)
    published: PublishReport | None = None
    publish_error: str | None = None  # the output folder could not be written
    notified: notifications.NotifyReport | None = None  # None when notifying was skipped or crashed
    pruned: int | None = None  # items pruned ([storage] keep_days), when the run pruned

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
        if self.pruned:
            parts.append(f"pruned: {self.pruned} old items")
        return "; ".join(parts)


def client_for(config: Config) -> PoliteClient:
    """The run's one client: it reaches a loopback or private address only on a host a source URL names."""
    return PoliteClient(config.http, allowed_private_hosts=configured_hosts(s.url for s in config.sources))


def fetch_all(config: Config, store: Store, client: PoliteClient | None = None,
              progress: Progress | None = None, source_ids: list[str] | None = None) -> list[SourceOutcome]:
    """Fetch every configured source (or those of `source_ids`), one after the other, through one polite client.
    A fetch of every source that ran to its end is noted as the last run (what index.html and status show)."""
    sources = [s for s in config.sources if source_ids is None or s.id in source_ids]
    run_number, started = store.begin_run(), utc_now()
    if store.correct_future_attempts(started):
        log.warning("article pages read at a time in the future (a clock that ran ahead?) now count as read now")
    deadline = time.monotonic() + config.http.run_budget
    own_client = client is None
    client = client or client_for(config)
    progress = progress or Progress()
    client.on_request, client.on_wait = progress.request, progress.waiting
    outcomes = []
    progress.start(len(sources))
    try:
        for source in sources:
            progress.source(source.id)
            outcome = fetch_source(source, store, client, run_number, run_started=started,
                                   out_of_time=lambda: time.monotonic() > deadline)
            progress.source_done(source.id, outcome.summary())
            outcomes.append(outcome)
        if pending := sum(o.pending for o in outcomes):
            log.warning("the run's time budget ([http] run_budget = %g s) ran out: %d article pages are left for the "
                        "next run", config.http.run_budget, pending)
        if source_ids is None:
            store.set_meta("last_run", json.dumps({
                "run": run_number, "started": iso(started), "finished": iso(utc_now()), "sources": len(outcomes),
                "failed": [o.source_id for o in outcomes if not o.ok]}))
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
    from .kinds import MAX_PAGES, get_kind

    if get_kind(source.kind).option(MAX_PAGES.name) is None:
        raise ValueError(f"source {source_id!r} ({source.kind}) has no listing pages to walk: its page is read whole by "
                         f"every run (`aggregator fetch --source {source_id}` reads it now)")
    report = RunReport()
    with client_for(config) as client:
        report.outcomes = [fetch_source(source, store, client, store.begin_run(), backfill=pages)]
    try:
        report.published = publish(config, store)
    except PublishError as error:
        log.error("%s", error)
        report.publish_error = str(error)
    return report


def unknown_source(config: Config, source_ids: list[str] | None) -> str | None:
    """Why these source ids cannot be fetched (one is not in the configuration), or None."""
    unknown = [i for i in source_ids or [] if i not in {s.id for s in config.sources}]
    if not unknown:
        return None
    return f"no source with id {unknown[0]!r} in {config.path} (known: {', '.join(s.id for s in config.sources)})"


def run(config: Config, store: Store, *, fetch: bool = True, build: bool = True, notify: bool = True,
        progress: Progress | None = None, source_ids: list[str] | None = None) -> RunReport:
    """The main job. Feeds are written even when some sources failed: the others' items are news too.
    `source_ids`: fetch only these sources (raises ValueError naming an unknown one)."""
    if problem := unknown_source(config, source_ids):
        raise ValueError(problem)
    report = RunReport()
    if notify:  # before fetching, so that a subscription added to the config gets this run's news
        try:
            notifications.register_subscriptions(config, store)
        except StoreBusy:
            raise
        except Exception as error:  # it is done again by the notify step; fetching matters more
            log.error("notifications: cannot note the subscriptions: %s", error)
    if fetch:
        report.outcomes = fetch_all(config, store, progress=progress, source_ids=source_ids)
    if build:
        try:
            report.published = publish(config, store)
        except PublishError as error:  # the items are stored; notifications need no feed file, so go on
            log.error("%s", error)
            report.publish_error = str(error)
    if notify:
        report.notified = _notify(config, store)
    if fetch and build and notify and source_ids is None and config.keep_days:  # after filing and notifying
        report.pruned = _prune(config, store)
        if report.pruned and report.published:  # the feeds' totals changed: index.html says so now
            try:
                publish(config, store)
            except PublishError as error:
                log.error("%s", error)
    return report


def _prune(config: Config, store: Store) -> int | None:
    """[storage] keep_days: what is older goes (retention.py); a failure here is logged, and the run goes on."""
    from .retention import prune

    assert config.keep_days is not None
    try:
        return prune(config, store, config.keep_days).removed
    except StoreBusy:
        raise
    except Exception as error:
        log.error("pruning failed (tried again next run): %s: %s", error.__class__.__name__, error)
        return None


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
