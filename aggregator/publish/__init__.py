"""The files readers get, from feeds.py's selections: Atom feeds (atom.py), index.html and feeds.opml (index.py),
hearings/deadlines.ics (calendar.py).

Every file is rendered in memory and replaced atomically only when its bytes changed, so a run that changed nothing
leaves every feed's modification time alone. A feed's `updated` is its newest entry's, which keeps the feeds a pure
function of the store and the day: hearings/open.atom and the calendar count the days left of open hearings, and a
hearing's state ("deadline-passed" once its deadline is behind) changes with the day, so the hearings whose deadline
passed since the last build are given a new content version and their feeds are redone on that day. index.html says
when the last run completed and when each source last succeeded, so it changes with every run.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from ..config import Config
from ..feeds import FEED_FOLDERS, OPEN_HEARINGS, FeedRules, FeedSpec, config_fingerprint, feed_specs, fill, open_hearings_on
from ..hearings.follow import FOLLOW_AFTER_DEADLINE
from ..normalize import OSLO
from ..store import Store, from_iso, sort_key
from .files import remove_leftovers, write_if_changed
from .freshness import CALENDAR, source_health, with_times

if TYPE_CHECKING:
    from .calendar import Meetings

log = logging.getLogger(__name__)
INDEX_ENTRIES = 3  # each feed's newest entries on index.html


@dataclass
class PublishReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    specs: list[FeedSpec] = field(default_factory=list)


class PublishError(Exception):
    """The output folder cannot be written: the message names the file and what to do."""


def publish(config: Config, store: Store) -> PublishReport:
    """Write every feed, index.html and feeds.opml under the output folder. Raises PublishError when the
    folder cannot be written (read-only, full); nothing half-written is left in place."""
    try:
        return _publish(config, store)
    except OSError as error:
        target = error.filename or config.output_dir
        raise PublishError(
            f"cannot write the feeds to {target} ([output] directory in {config.path}): {error.strerror or error}; "
            "check that the folder exists, is writable and its disk has space"
        ) from None


def _publish(config: Config, store: Store) -> PublishReport:
    out = config.output_dir
    report = PublishReport()
    report.removed.extend(remove_leftovers(out))
    today = datetime.now(OSLO).date()  # the one clock read here: days left and hearing states change daily
    _renew_passed_deadlines(store, today)
    state = _state(config, store, today)
    if store.meta("published_state") == state and (out / "index.html").exists():
        return _index_only(config, store, report, today)
    affected = _file_items(config, store)  # None: everything
    report.specs = feed_specs(config, store)
    hearings_state = _hearings_state(config, store, today)
    hearings_done = store.meta("hearings_state") == hearings_state and all(
        (out / name).exists() for name in (f"{OPEN_HEARINGS}.atom", CALENDAR))
    files = _render(config, store, report.specs, affected, today, hearings_done)
    for name, content in files.items():
        written = content is not None and write_if_changed(out / name, content)
        (report.written if written else report.unchanged).append(name)
    # A feed nobody defines any more (topic dropped from the config) goes, rather than freezing silently.
    for folder in FEED_FOLDERS:
        for stale in sorted((out / folder).glob("*.atom")) if (out / folder).is_dir() else []:
            name = f"{folder}/{stale.name}"
            if name not in files:
                stale.unlink()
                report.removed.append(name)
    store.set_meta("hearings_state", hearings_state)  # after the files, as the next line
    store.set_meta("published_state", state)  # after the files: a run killed before this redoes them
    log.info("feeds: %d written, %d unchanged, %d removed", len(report.written), len(report.unchanged), len(report.removed))
    return report


def _index_only(config: Config, store: Store, report: PublishReport, today: date) -> PublishReport:
    """Nothing changed since the last build but the run's time and the sources' last successes: their times in
    index.html, as the page stands (freshness.with_times), else the page rendered anew."""
    index = config.output_dir / "index.html"
    successes = {source.id: from_iso(store.source_state(source.id).get("last_success")) for source in config.sources}
    try:
        page = with_times(index.read_text("utf-8"), _last_run(store), successes)
    except (OSError, UnicodeDecodeError):
        page = None
    if page is None:
        report.specs, totals = feed_specs(config, store), store.feed_totals()
        for spec in report.specs:
            fill(spec, store, min(INDEX_ENTRIES, config.max_entries), totals.get(spec.path, 0),
                 open_now=open_hearings_on(store, today) if spec.path == OPEN_HEARINGS else None)
        content = _index(config, store, report.specs, totals, today)
    else:
        content = page.encode("utf-8")
    (report.written if write_if_changed(index, content) else report.unchanged).append("index.html")
    out = config.output_dir
    report.unchanged += sorted(str(path.relative_to(out)) for path in out.rglob("*.atom")) + [CALENDAR, "feeds.opml"]
    log.info("feeds: nothing changed since the last build")
    return report


def _renew_passed_deadlines(store: Store, today: date) -> None:
    """Hearings whose deadline passed since the last build (open then, "deadline-passed" now) get a new content
    version, so that every feed holding one is redone today with its new state."""
    last = store.meta("states_day")
    if last and last < today.isoformat():
        first = date.fromisoformat(last)
        store.renew_hearings_with_deadline(first.isoformat(), (today - timedelta(days=1)).isoformat())
    if last != today.isoformat():
        store.set_meta("states_day", today.isoformat())


def _last_run(store: Store) -> datetime | None:
    return from_iso(json.loads(store.meta("last_run") or "{}").get("finished"))


def _index(config: Config, store: Store, specs: list[FeedSpec], totals: dict[str, int], today: date) -> bytes:
    from .index import render_index  # Jinja2: only when the page is rendered anew

    return render_index(specs, config, source_health(config, store, totals), open_hearings_on(store, today), today,
                        _last_run(store))


def _render(config: Config, store: Store, specs: list[FeedSpec], affected: set[str] | None,
            today: date, hearings_done: bool) -> dict[str, bytes | None]:
    """Every file's bytes; None for a feed whose entries did not change (its file stands as it is). `hearings_done`:
    hearings/open.atom and the calendar stand as they are (_hearings_state)."""
    # Here, not at the top: the feed writer (feedgen, lxml) and icalendar cost ~70 ms to load, which a run with
    # nothing to write (_index_only) never pays.
    from .atom import render_atom
    from .calendar import render_calendar
    from .hearing_entries import hearing_facts
    from .index import render_opml

    out, totals = config.output_dir, store.feed_totals()
    topic_titles = {**store.topic_titles(), **{t.id: t.title for t in config.topics if t.title}}
    files: dict[str, bytes | None] = {}
    hearings = open_hearings_on(store, today)
    for spec in specs:
        name = f"{spec.path}.atom"
        spec_total = totals.get(spec.path, 0)
        if spec.path == OPEN_HEARINGS and not hearings_done:  # chosen anew each day
            fill(spec, store, config.max_entries, open_now=hearings)
            files[name] = render_atom(spec, config, topic_titles, hearing_facts(store, spec.entries, today, today))
        elif spec.path == OPEN_HEARINGS:
            fill(spec, store, min(INDEX_ENTRIES, config.max_entries), open_now=hearings)
            files[name] = None
        elif affected is None or spec.path in affected or not (out / name).exists():
            fill(spec, store, config.max_entries, spec_total)
            files[name] = render_atom(spec, config, topic_titles, hearing_facts(store, spec.entries, on=today))
        else:
            # what index.html shows of it (as of a feed of max_entries); its file stands as it is
            fill(spec, store, min(INDEX_ENTRIES, config.max_entries), spec_total)
            files[name] = None
    files[CALENDAR] = None if hearings_done else render_calendar(
        hearings, hearing_facts(store, hearings, on=today), config.base_url,
        store.deadline_changes([h["id"] for h in hearings]), config.title, config.language, _meetings(store, today))
    files["index.html"] = _index(config, store, specs, totals, today)
    files["feeds.opml"] = render_opml(specs, config)
    return files


def _meetings(store: Store, today: date) -> Meetings:
    """The hearings whose meetings lie ahead (a meeting may come after the deadline for written input, so these are
    the recently followed hearings, not only the open ones)."""
    from .calendar import Meetings, meetings_ahead

    ahead = meetings_ahead(store.recent_hearings((today - FOLLOW_AFTER_DEADLINE).isoformat()), today)
    return Meetings(today, ahead, store.meeting_changes([h["id"] for h in ahead]))


def _hearings_state(config: Config, store: Store, today: date) -> str:
    """What hearings/open.atom and the calendar are made of: the day, the config, and the content version of every
    hearing that may be in them (the open ones, and the recent ones whose meetings may lie ahead) and of the answers
    linked to them. A build whose other feeds changed leaves these two alone when it is the same (at 100 000 items,
    rendering the calendar of every open hearing was half of a build after one new item)."""
    versions = store.hearing_versions((today - FOLLOW_AFTER_DEADLINE).isoformat())
    return json.dumps([today.isoformat(), config_fingerprint(config), versions])


def _state(config: Config, store: Store, today: date) -> str:
    """Everything the output depends on: the items (their version), the config, the sources' health, the day."""
    health = [(h.id, h.status, h.since.isoformat() if h.since else None, h.last_error)
              for h in source_health(config, store, {})]
    return json.dumps([store.content_version(), config_fingerprint(config), today.isoformat(), health])


def _file_items(config: Config, store: Store) -> set[str] | None:
    """Bring feed membership up to date with the items written since the last build; returns the feeds whose
    content changed, or None when everything is redone (a changed config, a first build)."""
    fingerprint = config_fingerprint(config)
    since = int(store.meta("filed_version") or 0)
    everything = store.meta("filed_config") != fingerprint
    totals = {} if everything else store.feed_totals()
    if everything:
        store.clear_memberships()
        since = 0
    affected: set[str] = set()
    current = store.content_version()
    rules = FeedRules(config)
    for batch in store.items_changed_since(since):
        memberships = {item["id"]: (sort_key(item["published"], item["first_seen"]), rules.paths(item))
                       for item in batch}
        if not everything:
            affected |= store.feeds_of(list(memberships))
        affected |= {feed for _, feeds in memberships.values() for feed in feeds}
        for feed, delta in store.set_memberships(memberships).items():
            totals[feed] = totals.get(feed, 0) + delta
    store.set_meta("feed_totals", json.dumps({feed: n for feed, n in totals.items() if n > 0}))
    store.set_meta("filed_version", str(current))
    store.set_meta("filed_config", fingerprint)
    return None if everything else affected


__all__ = ["CALENDAR", "PublishError", "PublishReport", "publish", "remove_leftovers", "write_if_changed"]
