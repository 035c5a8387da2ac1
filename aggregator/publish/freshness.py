"""How fresh the output is: each source's health as index.html shows it, and the page's times (the last run that
completed, each source's last success) written into the page as it stands when nothing else on it changed: a run
that found nothing new then neither loads the templates nor reads the feeds again (index.py renders the page whole,
with these times marked as <time> elements)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from ..config import Config
from ..normalize import OSLO
from ..store import Store, from_iso

CALENDAR = "hearings/deadlines.ics"

_LAST_RUN = re.compile(r'(<time id="last-run">)[^<]*(</time>)')
_SUCCESS = re.compile(r'(<time data-success="([^"]*)">)[^<]*(</time>)')


@dataclass
class SourceHealth:
    """A configured source as the index shows it."""

    id: str
    title: str
    url: str
    items: int
    status: str  # ok | failing | new
    since: datetime | None = None  # failing since
    last_error: str | None = None
    last_success: datetime | None = None


def source_health(config: Config, store: Store, totals: dict[str, int] | None = None) -> list[SourceHealth]:
    """Each configured source's health; its item count from `totals` (feed -> entries) where given."""
    health = []
    for source in config.sources:
        state = store.source_state(source.id)
        if state.get("consecutive_failures"):
            status, since = "failing", datetime.fromisoformat(state["failing_since"]) if state.get("failing_since") else None
        else:
            status, since = ("ok" if state.get("last_success") else "new"), None
        items = totals.get(f"sources/{source.id}", 0) if totals is not None else store.count_items(source.id)
        health.append(SourceHealth(source.id, source.title or source.id, source.url, items, status, since,
                                   state.get("last_error") if status == "failing" else None,
                                   from_iso(state.get("last_success"))))
    return health


def when(value: datetime | None) -> str:
    """A moment as the page shows it, in Oslo: "06.12.2026 08:15"."""
    return value.astimezone(OSLO).strftime("%d.%m.%Y %H:%M") if value else ""


def with_times(page: str, last_run: datetime | None, successes: dict[str, datetime | None]) -> str | None:
    """The page with its times set to these; None when it has no mark for one of them (a page an older version
    wrote, or one edited by hand), and must be rendered anew."""
    if last_run is None:
        return None
    page, found = _LAST_RUN.subn(lambda m: m.group(1) + when(last_run) + m.group(2), page)
    if found != 1:
        return None
    marked: set[str] = set()

    def success(match: re.Match) -> str:
        marked.add(match.group(2))
        value = successes.get(match.group(2))
        return match.group(1) + when(value) + match.group(3) if value else match.group(0)

    page = _SUCCESS.sub(success, page)
    return page if {source for source, value in successes.items() if value} <= marked else None
