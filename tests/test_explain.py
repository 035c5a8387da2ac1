"""`aggregator explain ITEM` through the CLI: per subscription, whether an item was or will be sent, and why not: not
in its feeds, none of its keywords, not sent to its recipients, history (the baseline), already sent (and when),
failed (and the run it is retried in), waiting for a fact, not judged yet."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from helpers import ChangingFeed, hearing_extra, write_config

from aggregator.cli import main
from aggregator.commit import commit_record
from aggregator.config import load_config
from aggregator.normalize import OSLO
from aggregator.records import Record
from aggregator.store import Store


@pytest.fixture
def world(tmp_path, http_server, webhook):
    feed = ChangingFeed(http_server)
    feed.add("Gammel sak fra før", "Historie")
    path = write_config(tmp_path, sources=[{"id": "dep", "kind": "feed", "url": feed.url}], topics=[
        {"id": "hearings", "title": "Høringer", "document_types": ["consultation"]},
    ], subscriptions=[
        {"id": "all-chat", "urls": [webhook.url("all")]},
        {"id": "hearings-only", "urls": [webhook.url("hearings")], "feeds": ["topics/hearings"]},
        {"id": "apprentices", "urls": [webhook.url("words")], "keywords": ["lærling*"]},
        {"id": "bergen", "urls": [webhook.url("bergen")], "feeds": ["topics/hearings"], "recipients": ["Bergen kommune"]},
    ])
    assert main(["run", "--config", str(path)]) == 0  # the baseline
    return feed, str(path)


def explain(config: str, item: str, capsys) -> dict[str, str]:
    """Each subscription's answer: its outcome line and the lines under it, as one text."""
    capsys.readouterr()
    assert main(["explain", "--config", config, item]) == 0
    answers, current = {}, None
    for line in capsys.readouterr().out.splitlines():
        if match := re.match(r"^([\w-]+): (SENT|PENDING|FAILED|NOT SENT)$", line):
            current = match.group(1)
            answers[current] = match.group(2)
        elif current and line.startswith("  "):
            answers[current] += "\n" + line.strip()
    return answers


def test_history_is_told_to_nobody(world, capsys):
    feed, config = world
    answers = explain(config, feed.items[0].link, capsys)  # by its link
    assert set(answers) == {"all-chat", "hearings-only", "apprentices", "bergen"}
    assert all(a.startswith("NOT SENT\nhistory: it came with its source's first fetch") for a in answers.values())


def test_sent_not_in_its_feeds_and_not_its_keywords(world, webhook, capsys):
    feed, config = world
    news = feed.add("Ny ordning for kommunene", "Om bosetting")
    assert main(["run", "--config", config]) == 0
    answers = explain(config, news.link, capsys)
    assert re.fullmatch(r"SENT\nitem message to json://127\.0\.0\.1:\d+/all: sent \d\d\.\d\d\.\d{4} \d\d:\d\d",
                        answers["all-chat"])
    assert answers["hearings-only"] == ("NOT SENT\nnot in its feeds (topics/hearings); the item is in all, "
                                        "sources/dep")
    assert answers["apprentices"] == "NOT SENT\nnone of its keywords (lærling*) is in the title or summary"


def test_not_sent_to_its_recipients_and_failed_with_the_run_it_is_retried_in(world, webhook, capsys):
    feed, config = world
    store = Store(load_config(config).database)
    try:
        hearing = Record(id="https://www.regjeringen.no/no/id4400001/", title="Høring om havner", language="nb",
                         link="https://www.regjeringen.no/no/dokumenter/havner/id4400001/", document_type="consultation",
                         extra=hearing_extra((datetime.now(OSLO).date() + timedelta(days=20)).isoformat(), "På høring",
                                             recipients=["Oslo kommune", "KS"]))
        commit_record(store, hearing, "dep")
    finally:
        store.close()
    webhook.fail(1, "hearings")
    assert main(["notify", "--config", config]) == 1  # one delivery failed: retried on a later run
    answers = explain(config, hearing.id, capsys)  # by its id
    assert answers["bergen"] == ("NOT SENT\nnot sent to any of its recipients (Bergen kommune): the hearing's "
                                 "recipient list names none of them")
    assert re.fullmatch(r"PENDING\nitem message to json://127\.0\.0\.1:\d+/hearings: attempt 1 failed "
                        r"\d\d\.\d\d\.\d{4} \d\d:\d\d: .*500.*; sent by notifying run (\d+) \(the next is \1\)",
                        answers["hearings-only"], re.S)
    assert answers["all-chat"].startswith("SENT\n")
    assert main(["notify", "--config", config]) == 0
    assert explain(config, hearing.id, capsys)["hearings-only"].startswith("SENT\n")


def test_waiting_and_not_judged_yet(world, capsys):
    feed, config = world
    news = feed.add("Sak som bare er hentet")
    assert main(["fetch", "--config", config]) == 0  # stored, not looked at by the notifier yet
    answers = explain(config, news.link, capsys)
    assert answers["all-chat"] == "PENDING\nnot judged yet: the next run (or `aggregator notify`) looks at it"
    store = Store(load_config(config).database)
    try:  # a hearing whose page was not read: no recipient list yet
        commit_record(store, Record(id="https://www.regjeringen.no/no/id4400002/", title="Høring uten side",
                                    link="https://www.regjeringen.no/no/dokumenter/x/id4400002/",
                                    document_type="consultation", language="nb"), "dep")
    finally:
        store.close()
    assert main(["notify", "--config", config]) == 0
    waiting = explain(config, "https://www.regjeringen.no/no/id4400002/", capsys)["bergen"]
    assert waiting.startswith("PENDING\nwaiting since ") and "at most 7 days" in waiting


def test_an_unknown_item_is_a_usage_error(world, capsys):
    _, config = world
    assert main(["explain", "--config", config, "https://example.org/nothing"]) == 2
    assert "no item with the id or link" in capsys.readouterr().err
