"""At most once per recipient (issue 12, point 5), with real receivers on 127.0.0.1: a webhook that takes the
message but answers after the timeout, an SMTP server that refuses one of two recipients, a receiver that drips."""

from __future__ import annotations

import time

import pytest
from helpers import ChangingFeed, SMTPReceiver, WebhookReceiver, ledger, write_config

from aggregator.cli import main
from aggregator.notify import per_recipient


def config_sending_to(tmp_path, feed: ChangingFeed, url: str) -> str:
    """A feed, and one subscription sending its news to `url`."""
    return write_config(tmp_path, sources=[{"id": "dep", "kind": "feed", "url": feed.url}],
                        subscriptions=[{"id": "team", "urls": [url]}], notify={"admin_urls": []})


def test_a_webhook_that_answers_too_late_gets_the_message_once(http_server, tmp_path, capsys):
    feed = ChangingFeed(http_server)
    hook = WebhookReceiver(answer_after=2.5)  # takes the message, then answers after the sender's timeout (rto=1)
    try:
        config = config_sending_to(tmp_path, feed, hook.url() + "?rto=1")
        assert main(["run", "--config", config]) == 0  # the baseline
        feed.add("Ny sak som tar tid")
        for _ in range(4):
            assert main(["run", "--config", config]) == 0
        time.sleep(0.2)
        assert hook.titles() == ["Ny sak som tar tid"]  # not 4 times
        assert [r["status"] for r in ledger(config)] == ["unknown"]
        assert "outcome unknown" in capsys.readouterr().err
        assert main(["status", "--config", config]) == 0
        assert "1 unknown" in capsys.readouterr().out
    finally:
        hook.close()


def test_one_refused_recipient_costs_the_other_nothing_and_sends_no_copies(http_server, tmp_path):
    feed = ChangingFeed(http_server)
    smtp = SMTPReceiver(refuse=["refused@example.org"])
    try:
        config = config_sending_to(tmp_path, feed, smtp.url(to="ok@example.org,refused@example.org", login=False))
        assert main(["run", "--config", config]) == 0
        feed.add("Sak til to mottakere")
        for _ in range(6):
            assert main(["run", "--config", config]) == 0
        assert [rcpt for mail in smtp.mails for rcpt in mail.recipients] == ["ok@example.org"]  # exactly one copy
        statuses = {r["url_label"]: r["status"] for r in ledger(config)}
        assert sorted(statuses.values()) == ["pending", "sent"]  # the refused one is retried (then given up)
        assert any("to=refused%40example.org" in label or "to=refused@example.org" in label for label in statuses)
    finally:
        smtp.close()


@pytest.mark.parametrize("url, expected", [
    ("mailto://h?to=a@x.no,b@x.no&from=f@x.no", ["mailto://h?to=a@x.no&from=f@x.no", "mailto://h?to=b@x.no&from=f@x.no"]),
    ("mailtos://u:p@h?to=a@x.no", ["mailtos://u:p@h?to=a@x.no"]),
    ("json://h/p?to=a,b", ["json://h/p?to=a,b"]),
])
def test_email_urls_are_split_per_recipient(url, expected):
    assert per_recipient(url) == expected


def test_a_dripping_receiver_cannot_hold_a_delivery(http_server, tmp_path, monkeypatch):
    from aggregator.notify import sending

    monkeypatch.setattr(sending, "SEND_TIMEOUT", 2.0)
    feed = ChangingFeed(http_server)
    hook = WebhookReceiver(drip_every=0.3)  # takes the message, then answers a byte every 0.3 s
    try:
        config = config_sending_to(tmp_path, feed, hook.url())
        assert main(["run", "--config", config]) == 0
        feed.add("Sak til en treg mottaker")
        started = time.monotonic()
        assert main(["run", "--config", config]) == 0
        assert time.monotonic() - started < 8
        assert [r["status"] for r in ledger(config)] == ["unknown"] and len(hook.messages) == 1
    finally:
        hook.close()
