"""A run that found nothing new writes only its times into index.html (the last run that completed, each source's
last success), as the page stands: the same page a whole rendering gives, without loading the templates."""

from __future__ import annotations

import re
import sys

from helpers import ChangingFeed, write_config

from aggregator.cli import main


def times(page: str) -> list[str]:
    return re.findall(r"<time[^>]*>([^<]*)</time>", page)


def config(tmp_path, feed: ChangingFeed) -> str:
    return write_config(tmp_path, sources=[{"id": "dep", "kind": "feed", "url": feed.url, "title": "Departementet"}])


def test_an_unchanged_run_writes_its_times_into_the_page_as_a_whole_rendering_would(http_server, tmp_path, monkeypatch):
    feed = ChangingFeed(http_server)
    feed.add("Første sak")
    path = config(tmp_path, feed)
    index = tmp_path / "feeds" / "index.html"
    assert main(["run", "--config", path]) == 0
    assert main(["run", "--config", path]) == 0
    before = index.read_text("utf-8")
    assert len(times(before)) == 2  # the last run, the source's last success

    import aggregator.publish.index as rendering

    def no_rendering(*args, **kwargs):
        raise AssertionError("index.html rendered whole although only its times changed")

    monkeypatch.setattr(rendering, "render_index", no_rendering)
    # as if the page were written a while ago: the times must move to this run's
    index.write_text(re.sub(r"(<time[^>]*>)[^<]*(</time>)", r"\g<1>01.01.2000 00:00\g<2>", before), encoding="utf-8")
    assert main(["run", "--config", path]) == 0
    patched = index.read_text("utf-8")
    blank = re.compile(r"(<time[^>]*>)[^<]*(</time>)")
    assert blank.sub("", patched) == blank.sub("", before)  # the rest as it stood
    assert "01.01.2000" not in patched  # this run's times
    monkeypatch.undo()

    index.unlink()  # the page rendered whole from the same store: the same bytes
    assert main(["build", "--config", path]) == 0
    assert index.read_text("utf-8") == patched


def test_a_page_without_the_time_marks_is_rendered_anew(http_server, tmp_path):
    feed = ChangingFeed(http_server)
    feed.add("Første sak")
    path = config(tmp_path, feed)
    index = tmp_path / "feeds" / "index.html"
    assert main(["run", "--config", path]) == 0
    index.write_text("<html><body>an older version's page</body></html>", encoding="utf-8")
    assert main(["run", "--config", path]) == 0  # nothing new
    page = index.read_text("utf-8")
    assert "Første sak" in page and len(times(page)) == 2


def test_a_run_with_nothing_to_write_loads_neither_templates_nor_feed_writer(http_server, tmp_path):
    """Start-up: what an unchanged run needs, and only that (bench/ measures how long it takes)."""
    import subprocess

    feed = ChangingFeed(http_server)
    feed.add("Første sak")
    http_server.add("/rss", feed.render(), content_type="application/rss+xml", ETag='"v1"')  # then 304s
    path = config(tmp_path, feed)
    assert main(["run", "--config", path]) == 0
    probe = ("import sys\nfrom aggregator.cli import main\ncode = main(['run', '--config', sys.argv[1], '-q'])\n"
             "heavy = ('jinja2', 'feedgen', 'lxml', 'icalendar', 'apprise', 'feedparser', 'sqlite_utils', 'click', "
             "'rich', 'pygments')\nprint(code, sorted(m for m in heavy if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe, path], capture_output=True, text=True, timeout=120)
    assert done.stdout.split(None, 1) == ["0", "[]\n"], done.stdout + done.stderr
