"""One source's fetch, from the kind's fetch to the store: the source's context, following (hearings.follow), the
bounds on texts, and the commits: in batches while article pages are read, so that a run killed half-way (a first
run with 3 000 new documents, a service manager's time limit) keeps what it read and the next run goes on from there,
and a last commit with the answers' validators, which vouch for the whole listing. Never raises for a source's
failure: that is the outcome's error, and the other sources go on."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from .commit import commit_fetch
from .config import SourceConfig
from .hearings.follow import oldest_followed_deadline, reread_due
from .http import PoliteClient
from .kinds import get_kind
from .records import FetchResult, Record, SourceError
from .redact import hide
from .sources import SourceContext, bound_texts
from .store import Store, StoreBusy, utc_now

log = logging.getLogger("aggregator.pipeline")

# A batch is committed after this many article pages, or this many seconds, whichever comes first.
BATCH_PAGES, BATCH_SECONDS = 20, 30.0


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
    pending: int = 0  # article pages left for the next run (the run's time budget ran out)
    pages: int | None = None  # listing pages read, where the source has pages
    state: dict = field(default_factory=dict)  # source_state after this run

    def summary(self) -> str:
        if not self.ok:
            return f"FAILED: {self.error}"
        if self.not_modified:
            return "not modified"
        later = f", {self.pending} article pages left for the next run" if self.pending else ""
        return f"{self.seen} items, {len(self.new_ids)} new, {len(self.changed_ids)} changed{later}"


class Batches:
    """The commits of one source's fetch: a batch whenever enough article pages were read, then the last one."""

    def __init__(self, store: Store, source: SourceConfig, run: int, history: bool, run_started: datetime | None,
                 publisher: str | None):
        self.store, self.source, self.run, self.history = store, source, run, history
        self.run_started, self.publisher = run_started, publisher
        self.changes: dict[str, str] = {}
        self.pending = 0  # article pages left for the next run
        self.since = time.monotonic()
        # Each record is committed once, with the batch that follows its listing: a long walk's batches stay the
        # same size instead of each holding every record listed so far (a backfill of 1 000 documents, quadratic).
        self.committed: dict[str, Record] = {}

    def checkpoint(self, result: FetchResult) -> None:
        """Commit what the fetch has read so far, when a batch is full (called before each article page)."""
        pages = len(result.articles) + len(result.article_failures) + len(result.article_pending)
        if not pages or (pages < BATCH_PAGES and time.monotonic() - self.since < BATCH_SECONDS):
            return
        batch = FetchResult(records=self._not_committed(result.records), warnings=result.warnings,
                            articles=result.articles, article_failures=result.article_failures,
                            article_pending=result.article_pending)
        self._commit(batch, partial=True)
        result.articles, result.article_failures, result.article_pending = {}, {}, {}
        self.since = time.monotonic()

    def finish(self, result: FetchResult) -> dict[str, str]:
        """The last commit: the rest, the validators, the source's success. Returns every change of the fetch."""
        listed = None if result.not_modified else len({r.id for r in result.records})
        rest = dataclasses.replace(result, records=self._not_committed(result.records))
        self._commit(rest, partial=False, listed=listed)
        return self.changes

    def _not_committed(self, records: list[Record]) -> list[Record]:
        fresh = [r for r in records if self.committed.get(r.id) is not r]
        self.committed.update((r.id, r) for r in fresh)
        return fresh

    def _commit(self, result: FetchResult, partial: bool, listed: int | None = None) -> None:
        self.pending += len(result.article_pending)
        bound_texts(result)
        _credit(result.records, self.publisher)
        changes, _ = commit_fetch(self.store, self.source.id, self.source.topics, result, self.run,
                                  history=self.history, run_started=self.run_started, partial=partial, listed=listed)
        for item_id, change in changes.items():
            if self.changes.get(item_id) in (None, "unchanged"):
                self.changes[item_id] = change


def fetch_source(source: SourceConfig, store: Store, client: PoliteClient, run: int = 0,
                 backfill: int | None = None, run_started: datetime | None = None,
                 out_of_time: Callable[[], bool] = lambda: False) -> SourceOutcome:
    """Fetch one source (and read again what of it is due: hearings.follow) and commit what it gives (see the
    module docstring). `backfill`: walk that many listing pages, and take the new items in as history (no
    notifications). `out_of_time`: the run's time budget is spent: no more article pages."""
    context = _context(source, store, client, run, backfill, run_started or utc_now(), out_of_time)
    try:
        kind = get_kind(source.kind)
        context.hosts = frozenset(h for h in (urlsplit(source.url).hostname, *kind.hosts) if h)
        for host in kind.hosts if kind.min_delay else ():
            client.space_host(host, kind.min_delay)
        batches = Batches(store, source, run, backfill is not None, run_started, kind.publisher)
        context.checkpoint = batches.checkpoint
        result = kind.fetcher()(source, context)
        reread_due(kind, source, context, result)
        changes = batches.finish(result)
    except SourceError as error:
        return _failed(source, store, str(error))
    except StoreBusy:  # not this source's failure: another process holds the store (exit 3)
        raise
    except Exception as error:  # a bug or a surprise in one source must not stop the others
        log.debug("source %s crashed", source.id, exc_info=True)
        return _failed(source, store, f"unexpected error: {error.__class__.__name__}: {error}")
    outcome = SourceOutcome(source.id, ok=True, warnings=result.warnings, not_modified=result.not_modified,
                            pending=batches.pending, state=store.source_state(source.id), pages=result.pages)
    outcome.new_ids = [item_id for item_id, change in changes.items() if change == "new"]
    outcome.changed_ids = [item_id for item_id, change in changes.items() if change == "changed"]
    outcome.seen = len({r.id for r in result.records})
    _log(source, store, result, outcome)
    return outcome


def _context(source: SourceConfig, store: Store, client: PoliteClient, run: int, backfill: int | None,
             now: datetime, out_of_time: Callable[[], bool]) -> SourceContext:
    return SourceContext(
        http=client, source_id=source.id, run=run, backfill=backfill is not None, max_pages=backfill,
        observed=lambda item_id: store.observed(source.id, item_id),
        validators=lambda url: store.get_validators(source.id, url),
        article_state=store.article_state,
        stored=store.get_item,
        followed=lambda read_before: store.followed_hearings(source.id, oldest_followed_deadline(now).isoformat(),
                                                             read_before),
        articles_due=lambda: store.articles_due(source.id, run),
        resume_walk=store.walk_incomplete(source.id),
        out_of_time=out_of_time,
        now=now,
        log=logging.getLogger(f"aggregator.sources.{source.id}"),
    )


def _log(source: SourceConfig, store: Store, result: FetchResult, outcome: SourceOutcome) -> None:
    for warning in result.warnings:
        log.warning("%s: %s", source.id, warning)
    for problem in store.article_problems(source.id) if result.article_failures else []:
        if problem["status"] == "given_up" and problem["item_id"] in result.article_failures:
            log.warning("%s: gave up on the article page %s after %d attempts (%s)", source.id, problem["url"],
                        problem["attempts"], problem["last_error"])
    log.info("%s: %s", source.id, outcome.summary())


def _credit(records: list[Record], publisher: str | None) -> None:
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
