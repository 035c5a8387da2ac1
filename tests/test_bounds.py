"""Reliability, second round (issue 19): what a hostile page or feed can make a run hold, bounded — titles and
summaries cut to a documented length, pages processed within a bound of depth and size, time that goes back
counted as now. All on 127.0.0.1."""

from __future__ import annotations

import time

from helpers import validate_atom, write_config

from aggregator.cli import main
from aggregator.sources import MAX_SUMMARY, MAX_TITLE


def feed_config(tmp_path, url: str) -> str:
    return write_config(tmp_path, sources=[{"id": "hostile", "kind": "feed", "url": url}])


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


# ---------------------------------------------------------------------------------------- pages within bounds


def deep_page(depth: int, inner: str = "") -> str:
    return "<html><body><main>" + "<div>" * depth + inner + "</div>" * depth + "</main></body></html>"


def test_a_listing_nested_100000_deep_is_a_source_error_naming_its_url_not_a_long_parse(http_server, tmp_path, capsys):
    teasers = "".join(f'<article><h2><a href="/fagomrader/x/sak-{i}/">Sak {i} om noe viktig</a></h2>'
                      f"<p>Ingress om saken {i} her.</p></article>" for i in range(3))
    http_server.add("/fagomrader/x/", deep_page(100_000, teasers))
    path = tmp_path / "config.toml"
    path.write_text(f'[http]\nmin_delay = 0\nretries = 0\n[[sources]]\nid = "ks"\nkind = "ks"\nurl = "{http_server.url}/fagomrader/x/"\n',
                    encoding="utf-8")
    started = time.monotonic()
    assert main(["run", "--config", str(path)]) == 1
    assert time.monotonic() - started < 15  # was 21 s of parsing alone, while the run held the store
    assert f"{http_server.url}/fagomrader/x/: the page's elements nest more than 512 deep" in capsys.readouterr().err


def test_the_depth_scan_is_linear_and_never_over_counts_a_valid_page():
    from aggregator.sources.html import MAX_DEPTH, nesting_depth

    valid = ("<html><body><div><p>a<p>b<ul><li>x<li>y</ul><!-- <div><div> --><script>if (a<b) {'<div>'}</script>"
             "<br><img src=x/><table><tr><td>1<td>2</table></div></body></html>")
    assert nesting_depth(valid) == 2  # div holding ul, then table: the <p>, <li>, <td> left open do not nest
    for hostile in ("<div>" * 200_000, "<a" * 300_000, "<!--" * 300_000, "<script>" + "<div>" * 100_000):
        started = time.monotonic()
        nesting_depth(hostile)
        assert time.monotonic() - started < 2.0
    assert nesting_depth("<div>" * (MAX_DEPTH + 5)) == MAX_DEPTH + 1  # it stops counting past the bound


def test_a_teaser_page_at_the_bound_and_a_hearing_with_40000_recipients_parse_in_linear_time():
    from aggregator.sources.ks.listing import parse_listing
    from aggregator.sources.regjeringen.hearing_page import parse_hearing

    teasers = "".join(f'<article><h2><a href="/fagomrader/x/sak-{i}/">Sak nummer {i} om noe</a></h2>'
                      f"<p>Ingress om saken her og der {i}.</p></article>" for i in range(2000))
    started = time.monotonic()
    assert len(parse_listing("https://www.ks.no/fagomrader/x/", deep_page(500, teasers))) == 2000
    recipients = "".join(f"<p>Kommune nummer {i}</p>" for i in range(40_000))
    documents = "".join(f'<a href="/contentassets/{i}.pdf">Dokument {i}</a>' for i in range(5000))
    page = f'<html><body><div id="horingsinstanser">{recipients}</div><div id="horingsnotater">{documents}</div></body></html>'
    hearing = parse_hearing("https://www.regjeringen.no/no/dokumenter/x/id1/", page)
    assert (len(hearing.recipients), len(hearing.documents)) == (40_000, 5000)
    assert time.monotonic() - started < 30  # 9.5 s for the recipients alone before; about 2 s now
