"""Reliability, second round (issue 19): what a hostile page or feed can make a run hold, bounded — titles and
summaries cut to a documented length, pages processed within a bound of depth and size, time that goes back
counted as now. All on 127.0.0.1."""

from __future__ import annotations

from conftest import validate_atom

from aggregator.cli import main
from aggregator.sources import MAX_SUMMARY, MAX_TITLE


def feed_config(tmp_path, url: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text(f"""
[http]
min_delay = 0
retries = 0
[[sources]]
id = "hostile"
kind = "feed"
url = "{url}"
""", encoding="utf-8")
    return str(path)


def test_a_five_megabyte_title_is_cut_with_a_warning_naming_the_item(http_server, tmp_path, capsys):
    title, summary = "Veldig " * 750_000, "lang " * 400_000  # 5 MB and 2 MB
    http_server.add("/rss", f"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>
<item><title>{title}</title><link>http://h.example/lang</link><description>{summary}</description></item>
</channel></rss>""", content_type="application/rss+xml")
    assert main(["run", "--config", feed_config(tmp_path, http_server.url + "/rss")]) == 0
    [entry] = validate_atom(tmp_path / "feeds" / "all.atom").entries
    assert len(entry.title) <= MAX_TITLE and entry.title.endswith("…") and entry.title.startswith("Veldig Veldig")
    assert len(entry.summary) <= MAX_SUMMARY and entry.summary.endswith("…")
    assert (tmp_path / "feeds" / "index.html").stat().st_size < 200_000
    warnings = capsys.readouterr().err
    assert "http://h.example/lang: its title has 5249999 characters; kept the first 500" in warnings


def test_digests_go_on_after_a_clock_that_ran_ahead_is_set_right(tmp_path, http_server):
    """The subscription was noted, and its last digest made, while the clock said a year ahead; set right, the
    next digest is due on the next slot after now, not a year on."""
    from datetime import UTC, datetime, timedelta

    from aggregator import notify
    from aggregator.config import load_config
    from aggregator.store import Store

    http_server.add("/rss", '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>',
                    content_type="application/rss+xml")
    path = feed_config(tmp_path, http_server.url + "/rss")
    with open(path, "a", encoding="utf-8") as config_file:
        config_file.write('[[subscriptions]]\nid = "daglig"\nurls = ["json://127.0.0.1:9/hook"]\nmode = "digest"\n')
    config = load_config(path)
    store = Store(config.database)
    try:
        now = datetime.now(UTC)
        notify.register_subscriptions(config, store, now=now)
        ahead = (now + timedelta(days=365)).isoformat()
        store.conn.execute("UPDATE subscriptions SET first_seen = ?, last_digest_slot = ?", [ahead, ahead])
        store.conn.commit()
        later = now + timedelta(days=2)
        report = notify.prepare(config, store, now=later)  # the future times count as `later`
        assert report.digests == {"daglig": "not due"}  # the next slot after `later` has not come yet
        assert notify.prepare(config, store, now=later + timedelta(days=1, hours=1)).digests == {"daglig": "empty"}
    finally:
        store.close()
