"""The progress display: live on a terminal (rich), silent on a pipe or in cron."""

from __future__ import annotations

import io

from rich.console import Console

from aggregator.http import HttpSettings, PoliteClient
from aggregator.progress import LiveProgress, Progress


def test_no_terminal_no_progress(monkeypatch):
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert type(Progress.for_terminal()) is Progress
    assert type(Progress.for_terminal(enabled=False)) is Progress


def test_live_progress_shows_requests_and_politeness_pauses(http_server):
    http_server.add("/a", "a")
    http_server.add("/b", "b")
    screen = io.StringIO()
    live = LiveProgress(Console(file=screen, force_terminal=True, width=120))
    descriptions = []
    real_update = live._rich.update
    live._rich.update = lambda task, **kw: (descriptions.append(kw.get("description")), real_update(task, **kw))[1]
    client = PoliteClient(HttpSettings(min_delay=0.2, retries=0, timeout=5))
    client.on_request, client.on_wait = live.request, live.waiting
    live.start(1)
    live.source("dep-news")
    client.get(http_server.url + "/a", check_robots=False)
    client.get(http_server.url + "/b", check_robots=False)
    live.source_done("dep-news", "2 items, 2 new, 0 changed")
    live.stop()
    assert descriptions[0] == "dep-news: starting"
    assert descriptions[1].startswith("dep-news: request 1 (http://127.0.0.1")
    assert descriptions[2].startswith("dep-news: waiting 0.") and "(politeness)" in descriptions[2]
    assert descriptions[3].startswith("dep-news: request 2")
    assert "dep-news: 2 items, 2 new, 0 changed" in screen.getvalue()
