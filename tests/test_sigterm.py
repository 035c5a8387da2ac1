"""SIGTERM, what systemd sends to stop a service, ends a run as Ctrl-C does (issue 19): one line of its own, exit
143, the store consistent, what was committed kept, the lock released. A real `aggregator run` process, stopped
while it waits on a slow server on 127.0.0.1."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from helpers import ROOT, Route, validate_atom, write_config

from aggregator.cli import main
from aggregator.store import Store

LINE = "aggregator: terminated (SIGTERM); what was already stored is kept, the rest is done on the next run"


def feed(title: str, number: int) -> str:
    return (f'<rss version="2.0"><channel><title>{title}</title><item><title>{title} sak</title>'
            f"<link>http://h.example/{number}</link></item></channel></rss>")


def test_sigterm_ends_a_run_like_ctrl_c_with_143_and_keeps_what_was_committed(http_server, tmp_path):
    started = []

    def slow(request):
        started.append(time.monotonic())
        time.sleep(3)  # the run is stopped while it waits here
        return Route(feed("Treg", 2), content_type="application/rss+xml")

    http_server.add("/fast.rss", feed("Rask", 1), content_type="application/rss+xml")
    http_server.add("/slow.rss", slow)
    config = write_config(tmp_path, http={"timeout": 10}, sources=[
        {"id": "rask", "kind": "feed", "url": f"{http_server.url}/fast.rss"},
        {"id": "treg", "kind": "feed", "url": f"{http_server.url}/slow.rss"},
    ])
    child = subprocess.Popen([sys.executable, "-m", "aggregator.cli", "run", "--config", str(config)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not started and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.02)
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=30)
    assert child.returncode == 143
    assert err.strip().splitlines() == [LINE]
    store = Store(tmp_path / "data" / "aggregator.db")  # consistent: it opens, and the first source's fetch is there
    try:
        assert store.count_items("rask") == 1 and store.count_items("treg") == 0
    finally:
        store.close()
    http_server.add("/slow.rss", feed("Treg", 2), content_type="application/rss+xml")
    assert main(["run", "--config", str(config)]) == 0  # the lock was released; the rest is done now
    assert len(validate_atom(tmp_path / "feeds" / "all.atom").entries) == 2
