"""Progress that survives a kill, and a run that stays within its time (issue 19, finding 7): a source's items are
committed in batches as their article pages are read, so a first run killed half-way keeps what it read and the
next one goes on from there; past `[http] run_budget` a run stops reading article pages, commits, and leaves the
rest for the next run. Real `aggregator run` processes, killed with SIGKILL, against slow servers on 127.0.0.1."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time

from helpers import ROOT, Route, write_config

from aggregator.cli import main

SLOW = 0.02  # seconds each article page takes to answer


def ks_site(server, teasers: int) -> list[str]:
    """A ks.no topic page with `teasers` teasers, each article page answering after SLOW seconds."""
    paths = [f"/fagomrader/integrering/sak-{n}/" for n in range(teasers)]
    cards = "".join(f'<article><h2><a href="{p}">Sak nummer {n} om integrering</a></h2>'
                    f"<p>Kort ingress om sak nummer {n} i kommunene.</p></article>" for n, p in enumerate(paths))
    server.add("/fagomrader/integrering/", f"<html lang='nb'><body><main><h1>Integrering</h1>{cards}</main></body></html>")

    def article(path: str):
        def answer(request) -> Route:
            time.sleep(SLOW)
            return Route("<html lang='nb'><head><meta property='article:published_time' content='2026-11-01T10:00:00+01:00'>"
                         "</head><body><main><h1>Sak</h1><p>Dette er ingressen til saken, lang nok til å telle som ingress.</p>"
                         "</main></body></html>")
        return answer

    for path in paths:
        server.add(path, article(path))
    return paths


def config(tmp_path, url: str, http: dict | None = None) -> str:
    return write_config(tmp_path, http=http, sources=[{"id": "ks", "kind": "ks", "url": f"{url}/fagomrader/integrering/"}])


def stored(tmp_path) -> tuple[int, int]:
    """(items stored, article pages read) in the store."""
    with sqlite3.connect(tmp_path / "data" / "aggregator.db") as db:
        items = db.execute("SELECT count(*) FROM items").fetchone()[0]
        read = db.execute("SELECT count(*) FROM article_state WHERE status = 'read'").fetchone()[0]
    return items, read


def run_killed_after(config_path: str, server, pages: int) -> None:
    """A real run, SIGKILLed once it has asked for `pages` more article pages (whatever this machine's speed)."""
    asked = lambda: sum(p.startswith("/fagomrader/integrering/sak-") for p in server.paths())  # noqa: E731
    goal = asked() + pages
    child = subprocess.Popen([sys.executable, "-m", "aggregator.cli", "run", "-q", "--config", config_path], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while asked() < goal and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    child.kill()
    child.wait(timeout=30)


def test_a_first_run_killed_half_way_keeps_what_it_read_and_the_next_goes_on_from_there(http_server, tmp_path):
    paths = ks_site(http_server, 200)  # 4 s of article pages: more than the runs below are let live
    path = config(tmp_path, http_server.url)
    run_killed_after(path, http_server, 50)
    items, read = stored(tmp_path)
    assert items > 0 and read >= 20  # batches of 20 pages were committed before the kill
    run_killed_after(path, http_server, 50)
    items_again, read_again = stored(tmp_path)
    assert read_again > read  # the second run went on, not from the first page
    assert main(["run", "-q", "--config", path]) == 0
    assert stored(tmp_path) == (200, 200)
    requested = [p for p in http_server.paths() if p.startswith("/fagomrader/integrering/sak-")]
    repeated = len(requested) - len(set(requested))
    assert repeated <= 2 * 20  # at most the batch each killed run had read and not committed yet
    assert set(requested) == set(paths)


def test_past_its_time_budget_a_run_commits_and_leaves_the_rest_for_the_next(http_server, tmp_path, capsys):
    ks_site(http_server, 100)  # 2 s of article pages
    path = config(tmp_path, http_server.url, {"run_budget": 1})
    assert main(["run", "--config", path]) == 0
    items, read = stored(tmp_path)
    assert items == 100 and 5 <= read < 100  # every teaser stored; the pages read until the budget ran out
    err = capsys.readouterr().err
    assert "run's time budget ([http] run_budget = 1 s) ran out" in err and "left for the next run" in err
    while stored(tmp_path)[1] < 100:  # each run reads on where the last one stopped
        before = stored(tmp_path)[1]
        assert main(["run", "--config", path]) == 0
        assert stored(tmp_path)[1] > before
