"""End to end: `aggregator run` against RSS and Atom files served on 127.0.0.1, and the exit codes."""

import os
import subprocess
import sys

import pytest
from helpers import FIXTURES, ROOT, hold_the_store, validate_atom, write_config

from aggregator.cli import main

RSS = (FIXTURES / "feeds" / "rss.xml").read_bytes()
ATOM = (FIXTURES / "feeds" / "atom.xml").read_bytes()


@pytest.fixture
def site(http_server):
    http_server.add("/rss", RSS, content_type="application/rss+xml; charset=utf-8", ETag='"rss-1"')
    http_server.add("/atom", ATOM, content_type="application/atom+xml", Last_Modified="Wed, 08 Jul 2026 10:00:00 GMT")
    return http_server


def write_feeds_config(tmp_path, url) -> str:
    """A ministry's RSS feed and a county's Atom feed; a topic by document type and one by keyword."""
    return write_config(
        tmp_path,
        output={"base_url": "https://feeds.example.org/"},
        http={"user_agent": "aggregator-e2e/0.1 (+mailto:ops@example.org)"},
        sources=[{"id": "dep-news", "kind": "feed", "url": f"{url}/rss", "topics": ["arbeidsliv"]},
                 {"id": "fylke", "kind": "feed", "url": f"{url}/atom"}],
        topics=[{"id": "hearings", "title": "Hearings – Høringer", "document_types": ["consultation", "consultation-response"]},
                {"id": "vestland", "keywords": ["vestland"]}],
    )


def console_script() -> list[str]:
    script = ROOT / ".venv" / "bin" / "aggregator"
    return [str(script)] if script.exists() else [sys.executable, "-m", "aggregator.cli"]


def snapshot(folder):
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.rglob("*") if p.is_file()}


def test_run_fetches_stores_and_writes_every_feed_then_a_second_run_changes_nothing(site, tmp_path, capsys):
    config = write_feeds_config(tmp_path, site.url)
    assert main(["run", "--config", config]) == 0
    feeds = tmp_path / "feeds"

    everything = validate_atom(feeds / "all.atom")
    assert [e.title for e in everything.entries] == [
        "Samferdselsplan for Vestland på høyring",
        "Høring om endringer i introduksjonsloven – frist 1. juni",
        "Ny ordning for lærlinger i kommunene",
    ]
    fylke = everything.entries[0]
    assert fylke.id == "https://fylke.example.org/aktuelt/samferdselsplan/"
    assert fylke.link == "https://fylke.example.org/aktuelt/samferdselsplan/"
    assert fylke.published == "2026-07-08T11:00:00+02:00" and fylke.updated == "2026-07-08T12:00:00+02:00"
    hearing = everything.entries[1]
    assert hearing.link == "https://departement.example.org/no/dokumenter/horing-introduksjonsloven/id9000102/"
    assert hearing.published == "2026-07-06T14:00:00+02:00"
    assert hearing.summary == "Departementet sender forslag om endringer på høring. Særlig viktig for små kommuner på Vestlandet."

    assert [e.title for e in validate_atom(feeds / "topics/hearings.atom").entries] == [hearing.title]
    assert len(validate_atom(feeds / "topics/arbeidsliv.atom").entries) == 2
    assert len(validate_atom(feeds / "topics/vestland.atom").entries) == 2
    assert len(validate_atom(feeds / "sources/fylke.atom").entries) == 1
    assert (feeds / "index.html").exists() and (feeds / "feeds.opml").exists()
    assert (tmp_path / "data" / "aggregator.db").exists()
    assert all(r.headers["user-agent"] == "aggregator-e2e/0.1 (+mailto:ops@example.org)" for r in site.requests)

    before = snapshot(feeds)
    site.requests.clear()
    assert main(["run", "--config", config]) == 0
    rss, atom = (next(r for r in site.requests if r.path == p) for p in ("/rss", "/atom"))
    assert rss.headers["if-none-match"] == '"rss-1"'
    assert atom.headers["if-modified-since"] == "Wed, 08 Jul 2026 10:00:00 GMT"
    # not one feed rewritten, not one modification time touched (index.html says when the sources were last read)
    after = snapshot(feeds)
    assert {k: v for k, v in after.items() if k != "index.html"} == {k: v for k, v in before.items() if k != "index.html"}


def test_a_changed_feed_updates_the_item_once(site, tmp_path):
    config = write_feeds_config(tmp_path, site.url)
    assert main(["run", "--config", config]) == 0
    site.add("/rss", RSS.replace(b"Ny ordning for l\xc3\xa6rlinger", b"Ny ordning for fleire l\xc3\xa6rlinger"),
             content_type="application/rss+xml", ETag='"rss-2"')
    assert main(["run", "--config", config]) == 0
    titles = [e.title for e in validate_atom(tmp_path / "feeds/all.atom").entries]
    assert "Ny ordning for fleire lærlinger i kommunene" in titles and len(titles) == 3


def test_one_broken_source_exits_1_and_the_others_are_still_stored_and_written(site, tmp_path, capsys):
    config = write_feeds_config(tmp_path, site.url)
    site.add("/atom", "oops", status=500)
    assert main(["run", "--config", config]) == 1
    err = capsys.readouterr().err
    assert "fylke" in err and "HTTP 500" in err
    assert len(validate_atom(tmp_path / "feeds/all.atom").entries) == 2
    assert len(validate_atom(tmp_path / "feeds/sources/fylke.atom").entries) == 0  # defined, empty, still valid

    assert main(["status", "--config", config]) == 0
    out = capsys.readouterr().out
    assert "fylke (feed): FAILING; 0 items" in out
    assert "HTTP 500 (1 failed run in a row)" in out
    assert "dep-news (feed): ok; 2 items" in out
    assert "all.atom: 2 items" in out


def test_not_a_feed_is_a_clear_source_error(site, tmp_path, capsys):
    site.add("/atom", "<html><body>Maintenance</body></html>", content_type="text/html")
    assert main(["run", "--config", write_feeds_config(tmp_path, site.url)]) == 1
    assert "not an RSS or Atom feed" in capsys.readouterr().err


def test_fetch_only_stores_and_build_only_writes(site, tmp_path):
    config = write_feeds_config(tmp_path, site.url)
    assert main(["fetch", "--config", config]) == 0
    assert not (tmp_path / "feeds").exists()
    site.requests.clear()
    assert main(["build", "--config", config]) == 0
    assert site.requests == []
    assert len(validate_atom(tmp_path / "feeds/all.atom").entries) == 3


def test_a_second_run_while_one_holds_the_store_exits_with_a_clear_message(site, tmp_path, capsys):
    config = write_feeds_config(tmp_path, site.url)
    assert main(["fetch", "--config", config]) == 0
    with hold_the_store(tmp_path / "data/aggregator.db"):
        assert main(["run", "--config", config]) == 3
        assert "another aggregator command is using" in capsys.readouterr().err


def test_the_console_script_runs_with_the_config_from_the_environment(site, tmp_path):
    config = write_feeds_config(tmp_path, site.url)
    command = console_script()
    env = {**os.environ, "AGGREGATOR_CONFIG": config}
    done = subprocess.run([*command, "run", "-v"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "dep-news: 2 items, 2 new" in done.stderr
    assert (tmp_path / "feeds/all.atom").exists()


def test_status_and_a_dry_run_read_while_a_run_holds_the_store(site, tmp_path, capsys):
    config = write_feeds_config(tmp_path, site.url)
    assert main(["fetch", "--config", config]) == 0
    with hold_the_store(tmp_path / "data/aggregator.db"):
        capsys.readouterr()
        assert main(["status", "--config", config]) == 0
        assert "dep-news (feed): ok; 2 items" in capsys.readouterr().out
        assert main(["notify", "--dry-run", "--config", config]) == 0
        assert main(["run", "--config", config]) == 3  # a writer still waits for nobody


def test_default_output_is_warnings_and_one_summary_line(site, tmp_path):
    config = write_feeds_config(tmp_path, site.url)
    command = console_script()
    done = subprocess.run([*command, "run", "--config", config], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # nothing went wrong, so nothing to say there (INFO is for -v)
    assert done.stdout.splitlines() == [
        "aggregator run: 2 sources (2 ok), 3 new items, 0 changed; feeds: 10 written, 0 unchanged; "
        "notifications: 0 sent, 0 failed"]
    quiet = subprocess.run([*command, "run", "-q", "--config", config], capture_output=True, text=True, timeout=60)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    verbose = subprocess.run([*command, "run", "-v", "--config", config], capture_output=True, text=True, timeout=60)
    assert "INFO: dep-news: not modified" in verbose.stderr and "DEBUG" not in verbose.stderr
