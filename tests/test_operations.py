"""What operators need, through the CLI: fetching one source, `build`'s summary, `status` in Oslo time with plural
forms and as JSON, `serve`'s /health (503 while a source keeps failing) and its word on base_url, `check` with every
mistake at once, `test-notify --admin` seen by `status`, and `backfill` only where there are pages."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import datetime

import pytest
from helpers import ROOT, ChangingFeed, WebhookReceiver

from aggregator.cli import main
from aggregator.normalize import OSLO


def aggregator_command() -> list[str]:
    script = ROOT / ".venv" / "bin" / "aggregator"
    return [str(script)] if script.exists() else [sys.executable, "-m", "aggregator.cli"]


@pytest.fixture
def two_feeds(http_server):
    first, second = ChangingFeed(http_server, "/first"), ChangingFeed(http_server, "/second")
    first.add("Første kildes sak")
    second.add("Andre kildes sak").n = 50  # a document of its own (the first's is number 1)
    return first, second


def write_config(tmp_path, first, second, extra: str = "") -> str:
    path = tmp_path / "config.toml"
    path.write_text(f"""[output]
base_url = "https://feeds.example.org/"
[http]
min_delay = 0
retries = 0
timeout = 5
[[sources]]
id = "first"
kind = "feed"
url = "{first.url}"
[[sources]]
id = "second"
kind = "feed"
url = "{second.url}"
{extra}""", encoding="utf-8")
    return str(path)


def test_run_and_fetch_read_only_the_sources_asked_for(tmp_path, two_feeds, http_server, capsys):
    first, second = two_feeds
    config = write_config(tmp_path, first, second)
    assert main(["fetch", "--config", config, "--source", "second"]) == 0
    assert http_server.paths() == ["/second"]
    assert "aggregator fetch: 1 sources (1 ok)" in capsys.readouterr().out
    assert main(["run", "--config", config, "--source", "first"]) == 0
    assert http_server.paths() == ["/second", "/first"]
    assert (tmp_path / "feeds" / "sources" / "first.atom").exists()  # run: fetched, then written
    assert main(["run", "--config", config, "--source", "nope"]) == 2
    assert "no source with id 'nope'" in capsys.readouterr().err and http_server.paths() == ["/second", "/first"]


def test_build_prints_its_summary(tmp_path, two_feeds, capsys):
    config = write_config(tmp_path, *two_feeds)
    assert main(["fetch", "--config", config]) == 0
    capsys.readouterr()
    assert main(["build", "--config", config]) == 0
    assert re.fullmatch(r"aggregator build: feeds: \d+ written, \d+ unchanged\n", capsys.readouterr().out)
    assert main(["build", "-q", "--config", config]) == 0
    assert capsys.readouterr().out == ""


def test_status_speaks_oslo_time_and_plural_forms(tmp_path, two_feeds, capsys):
    first, second = two_feeds
    second.add("Enda en sak")
    config = write_config(tmp_path, first, second)
    assert main(["run", "--config", config]) == 0
    capsys.readouterr()
    assert main(["status", "--config", config]) == 0
    out = capsys.readouterr().out
    assert "first (feed): ok; 1 item\n" in out and "second (feed): ok; 2 items\n" in out
    success = re.search(r"last success: (\d\d\.\d\d\.\d{4} \d\d:\d\d)\n", out).group(1)
    shown = datetime.strptime(success, "%d.%m.%Y %H:%M").replace(tzinfo=OSLO)
    assert abs((datetime.now(OSLO) - shown).total_seconds()) < 120  # Oslo's clock, not UTC's
    assert "UTC" not in out and out.startswith("Times are Europe/Oslo.\nLast run: ")


def test_status_json_and_serves_health_503_while_a_source_keeps_failing(tmp_path, two_feeds, capsys):
    first, second = two_feeds
    config = write_config(tmp_path, first, second)
    assert main(["run", "--config", config]) == 0
    capsys.readouterr()
    assert main(["status", "--json", "--config", config]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and [s["id"] for s in report["sources"]] == ["first", "second"]
    assert report["sources"][0]["last_success"] and report["sources"][0]["items"] == 1
    assert report["runs"]["last_run"]["sources"] == 2 and report["store"]["bytes"] > 0
    assert report["store"]["rows"]["items"] == 2

    server = subprocess.Popen([*aggregator_command(), "serve", "--port", "0", "--config", config],
                              stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().split(" at ")[1].split(" ")[0]
        note = server.stdout.readline()
        assert "base_url is https://feeds.example.org/, not " in note and "relative" in note
        status, health = get(url + "health")
        assert status == 200 and health["ok"] is True
        first.broken = True
        for expected in (1, 1, 1):  # three failed runs in a row
            assert main(["run", "--config", config]) == expected
            assert get(url + "health")[0] == (503 if expected and _failures(config) >= 3 else 200)
        status, health = get(url + "health")
        assert status == 503 and health["failing"] == ["first"] and health["sources"][0]["consecutive_failures"] == 3
        first.broken = False
        assert main(["run", "--config", config]) == 0
        assert get(url + "health")[0] == 200
    finally:
        server.terminate()
        server.wait(timeout=10)


def _failures(config: str) -> int:
    from aggregator.config import load_config
    from aggregator.store import Store

    store = Store(load_config(config).database)
    try:
        return store.source_state("first").get("consecutive_failures") or 0
    finally:
        store.close()


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_check_reports_every_mistake_at_once_by_the_entrys_id_and_line(tmp_path, two_feeds, capsys):
    config = write_config(tmp_path, *two_feeds, extra="""max_pages = 2
[[subscriptions]]
id = "hearings-mail"
urls = ["json://127.0.0.1/x"]
feeds = ["topics/nope"]
mode = "hourly"
""")
    path = tmp_path / "config.toml"
    path.write_text(path.read_text("utf-8").replace("min_delay = 0", 'min_delay = "fast"'), encoding="utf-8")
    assert main(["check", "--config", config]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f'{config}:4: http.min_delay: must be a number of at least 0 and at most 300, got \'fast\'',
        f'{config}:15: sources "second".max_pages: only regjeringen sources have max_pages; this source is \'feed\'',
        f'{config}:20: subscriptions "hearings-mail".mode: must be one of instant, digest, got \'hourly\'',
        f'{config}:19: subscriptions "hearings-mail".feeds[0]: no [[topics]] has id \'nope\' and no source gives it '
        "(known: none); to follow a topic the site gives its items, add [[topics]] id = \"nope\"",
        "aggregator check: 4 mistakes"]
    assert main(["run", "--config", config]) == 2  # every other command: the first, and how many more
    assert "(and 3 more: `aggregator check` lists them all)" in capsys.readouterr().err
    good = write_config(tmp_path, *two_feeds)
    assert main(["check", "--config", good]) == 0
    assert "has no mistakes" in capsys.readouterr().out


def test_a_test_message_to_the_admins_shows_in_status(tmp_path, two_feeds, capsys):
    webhook = WebhookReceiver()
    try:
        config = write_config(tmp_path, *two_feeds, extra=f'[notify]\nadmin_urls = ["{webhook.url("admin")}"]\n')
        assert main(["test-notify", "--admin", "--config", config]) == 0
        capsys.readouterr()
        assert main(["status", "--config", config]) == 0
        out = capsys.readouterr().out
        assert "admin URLs ([notify] admin_urls)" in out and "/admin: 1 sent" in out and "(test)" in out
        assert "nothing sent yet" not in out
    finally:
        webhook.close()


def test_backfill_walks_pages_only_where_a_source_has_them(tmp_path, two_feeds, capsys):
    config = write_config(tmp_path, *two_feeds)
    path = tmp_path / "config.toml"
    path.write_text(path.read_text("utf-8") + '[[sources]]\nid = "ks-x"\nkind = "ks"\n'
                    'url = "https://www.ks.no/fagomrader/x/"\n', encoding="utf-8")
    assert main(["backfill", "--config", config, "--source", "ks-x", "--pages", "3"]) == 2
    err = capsys.readouterr().err
    assert "'ks-x' (ks) has no listing pages to walk" in err and "aggregator fetch --source ks-x" in err
    assert main(["backfill", "--config", config, "--source", "first", "--pages", "3"]) == 2  # a feed: no pages either


@pytest.mark.parametrize("argv", [["backfill", "--source", "x", "--pages", "0"], ["preview", "--subscription", "x", "--items", "-1"],
                                  ["preview", "--subscription", "x", "--items", "five"]])
def test_a_count_below_one_is_a_usage_error_naming_the_option(argv, capsys):
    assert main(argv) == 2
    option = argv[-2]
    assert f"argument {option}:" in capsys.readouterr().err
