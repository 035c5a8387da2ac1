"""Notifications end to end: a feed on 127.0.0.1, `aggregator run`, and real receivers (a webhook through
Apprise's json://, an SMTP server through mailto://): baseline, one message per item, batches, digests,
retries, broken sources, dry runs, test messages and status."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from helpers import ChangingFeed, SMTPReceiver, hearing_extra, ledger, open_store, write_config

from aggregator import notify
from aggregator.cli import main
from aggregator.commit import commit_record
from aggregator.config import SubscriptionConfig, load_config
from aggregator.normalize import OSLO
from aggregator.records import Record


@pytest.fixture
def feed(http_server):
    feed = ChangingFeed(http_server)
    feed.add("Første sak", "Noe som skjedde før abonnementet")
    feed.add("Andre sak", "Også historie")
    return feed


def subscription(id: str, *urls: str, feeds=("all",), mode="instant", schedule="daily", keywords=()) -> dict:
    keys = {"id": id, "urls": list(urls), "feeds": list(feeds), "mode": mode, "keywords": list(keywords)}
    return {**keys, "schedule": schedule} if mode == "digest" else keys


def notify_config(tmp_path, feed_url: str, *subscriptions: dict, notify: dict | None = None, sources=()) -> str:
    """The feed as source "dep" (then `sources`), a topic of hearings, [notify] (batch_over = 3 unless given), and the
    subscriptions."""
    return write_config(tmp_path, sources=[{"id": "dep", "kind": "feed", "url": feed_url}, *sources],
                        topics=[{"id": "hearings", "title": "Hearings – Høringer", "document_types": ["consultation"]}],
                        notify={"batch_over": 3} if notify is None else notify, subscriptions=subscriptions)


def run(config: str, *extra: str) -> int:
    return main(["run", "--config", config, *extra])


# ------------------------------------------------------------------------------------------ instant


def test_the_first_run_is_a_baseline_then_each_new_item_is_one_message(tmp_path, feed, webhook):
    config = notify_config(tmp_path, feed.url, subscription("team", webhook.url()))
    assert run(config) == 0
    assert webhook.messages == []  # what the source held before is history, not news

    feed.add("Ny ordning for lærlinger", "Regjeringen foreslår en ny ordning for lærlinger.")
    feed.add("Høring om introduksjonsloven", "Forslag på høring.", category="Høring")
    assert run(config) == 0
    assert webhook.titles() == ["Ny ordning for lærlinger", "Ny høring: Høring om introduksjonsloven"]  # no deadline known
    body = webhook.messages[0]["message"]
    assert "Regjeringen foreslår en ny ordning for lærlinger." in body
    assert feed.items[2].link in body
    assert "Type: Pressemelding" in body and "Fra: " in body  # labels in the item's language (bokmål)
    assert "Type: Høring" in webhook.messages[1]["message"]

    assert run(config) == 0  # nothing new: nothing sent, nothing sent again
    assert len(webhook.messages) == 2
    assert {row["status"] for row in ledger(config)} == {"sent"}


def test_a_source_added_later_has_its_own_baseline(tmp_path, http_server, feed, webhook):
    config = notify_config(tmp_path, feed.url, subscription("team", webhook.url()))
    assert run(config) == 0
    second = ChangingFeed(http_server, "/second")
    second.items = [type(feed.items[0])(100 + n, f"Gammel sak {n} fra den nye kilden") for n in range(3)]
    notify_config(tmp_path, feed.url, subscription("team", webhook.url()), sources=[{"id": "second", "kind": "feed", "url": second.url}])
    assert run(config) == 0
    assert webhook.messages == []  # the new source's first fetch is its history
    second.items.append(type(feed.items[0])(200, "Ny sak fra den nye kilden"))
    feed.add("Ny sak fra den gamle kilden")
    assert run(config) == 0
    assert sorted(webhook.titles()) == ["Ny sak fra den gamle kilden", "Ny sak fra den nye kilden"]


def test_a_changed_item_is_not_news(tmp_path, feed, webhook):
    config = notify_config(tmp_path, feed.url, subscription("team", webhook.url()))
    assert run(config) == 0
    feed.items[0].title = "Første sak (oppdatert)"
    assert run(config) == 0
    assert webhook.messages == []


def test_more_new_items_than_batch_over_make_one_combined_message(tmp_path, feed, webhook):
    config = notify_config(tmp_path, feed.url, subscription("team", webhook.url()), notify={"batch_over": 2})
    assert run(config) == 0
    new = [feed.add(f"Sak nummer {n}", f"Oppsummering {n}") for n in range(3, 6)]
    assert run(config) == 0
    assert len(webhook.messages) == 1
    message = webhook.messages[0]
    assert message["title"] == "Alle saker – regjeringen.no og KS: 3 nye"  # what (the feed's title), and how many
    for item in new:
        assert item.title in message["message"] and item.link in message["message"]
    assert [row["kind"] for row in ledger(config)] == ["batch"]

    feed.add("Bare én sak")
    assert run(config) == 0  # at or under batch_over: one message per item again
    assert webhook.titles()[1:] == ["Bare én sak"]


def test_a_subscription_gets_its_feeds_and_words_only(tmp_path, feed, webhook):
    config = notify_config(
        tmp_path, feed.url,
        subscription("hearings", webhook.url("hearings"), feeds=["topics/hearings"]),
        subscription("words", webhook.url("words"), keywords=["lærling"]),
        subscription("source", webhook.url("source"), feeds=["sources/dep"]),
    )
    assert run(config) == 0
    feed.add("Høring om introduksjonsloven", "Forslag.", category="Høring")
    feed.add("Nye lærlingplasser", "Flere LÆRLINGER i kommunene")
    assert run(config) == 0
    assert webhook.titles("hearings") == ["Ny høring: Høring om introduksjonsloven"]
    assert webhook.titles("words") == ["Nye lærlingplasser"]
    assert webhook.titles("source") == ["Ny høring: Høring om introduksjonsloven", "Nye lærlingplasser"]


def test_a_new_subscription_never_gets_the_backlog(tmp_path, feed, webhook):
    old = subscription("old", webhook.url("old"))
    config = notify_config(tmp_path, feed.url, old)
    assert run(config) == 0
    feed.add("Sak før det nye abonnementet")
    assert run(config) == 0
    assert webhook.titles("old") == ["Sak før det nye abonnementet"]

    config = notify_config(tmp_path, feed.url, old, subscription("new", webhook.url("new")))
    assert run(config) == 0
    assert webhook.titles("new") == []  # the items stored before it was first seen are not its news
    feed.add("Sak etter det nye abonnementet")
    assert run(config) == 0
    assert webhook.titles("new") == ["Sak etter det nye abonnementet"]
    assert webhook.titles("old") == ["Sak før det nye abonnementet", "Sak etter det nye abonnementet"]


def test_email_is_html_with_a_text_alternative_and_keeps_æøå(tmp_path, feed, smtp):
    config = notify_config(tmp_path, feed.url, subscription("mail", smtp.url()))
    assert run(config) == 0
    feed.add("Høring: Endringer i særaldersgrenser – Æ Ø Å æ ø å & <mer>", "Økt pensjonsalder for ærlige, søte og blå yrker.",
             category="Høring")
    assert run(config) == 0

    assert smtp.logins == ["robot"]  # the password worked
    [mail] = smtp.mails
    assert mail.recipients == ["staff@example.org"]
    assert mail.subject == "Ny høring: Høring: Endringer i særaldersgrenser – Æ Ø Å æ ø å & <mer>"
    assert mail.message.get_content_type() == "multipart/alternative"
    text, html = mail.part("plain"), mail.part("html")
    assert "Økt pensjonsalder for ærlige, søte og blå yrker." in text
    assert feed.items[-1].link in text  # the text part keeps the link
    assert f'<a href="{feed.items[-1].link}">' in html
    assert "æ ø å &amp; &lt;mer&gt;</a>" in html  # the HTML template escapes what it shows
    assert "Deadline" not in text  # a feed item has no hearing deadline
    assert "Økt pensjonsalder for ærlige, søte og blå yrker." in html
    # The plain-text part is the instant.txt.j2 template, line for line, not a conversion of the HTML.
    assert text.replace("\r\n", "\n").strip().splitlines() == [
        "Økt pensjonsalder for ærlige, søte og blå yrker.", "", "Fra: Testdepartementet", "Type: Høring",
        "Publisert: 01.03.2026 13:00", "", feed.items[-1].link, "", "-- ",  # the signature separator
        "Du får denne meldingen fordi du abonnerer på Alle saker – regjeringen.no og KS (abonnementet «mail»).",
        "Vil du ikke ha flere, si fra til den som sender deg disse meldingene."]


def test_a_broken_user_template_fails_the_delivery_not_the_run_and_the_bundled_one_is_the_fallback(tmp_path, feed, webhook):
    config = notify_config(tmp_path, feed.url, subscription("team", webhook.url()))
    assert run(config) == 0
    (tmp_path / "notifiers").mkdir()
    (tmp_path / "notifiers" / "instant.txt.j2").write_text("{% set title = item.title %}{{ item.title | nosuchfilter }}")
    feed.add("Sak med mal-feil")
    assert run(config) == 0  # the source worked: exit 0; the feeds are written
    assert "Sak med mal-feil" in (tmp_path / "feeds" / "all.atom").read_text("utf-8")
    assert webhook.messages == []
    [row] = ledger(config)
    assert row["status"] == "pending" and "nosuchfilter" in row["last_error"]

    (tmp_path / "notifiers" / "instant.txt.j2").write_text("{% set title = 'Egen: ' ~ item.title %}{{ item.link }}")
    assert run(config) == 0  # a user's own template wins over the bundled one
    assert webhook.titles() == ["Egen: Sak med mal-feil"]
    assert webhook.messages[0]["message"].strip() == feed.items[-1].link


# ------------------------------------------------------------------------------------------ failures and retries


def test_a_crashing_notifier_changes_neither_the_exit_code_nor_the_feeds_and_nothing_is_lost(tmp_path, feed, webhook, monkeypatch):
    config = notify_config(tmp_path, feed.url, subscription("team", webhook.url()))
    assert run(config) == 0

    def crash(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(notify.plan, "_assign", crash)
    feed.add("Sak under krasjen")
    assert run(config) == 0
    assert "Sak under krasjen" in (tmp_path / "feeds" / "all.atom").read_text("utf-8")
    assert webhook.messages == []
    monkeypatch.undo()
    assert run(config) == 0  # the crashed step's transaction was rolled back: the item is still news
    assert webhook.titles() == ["Sak under krasjen"]


def test_a_receiver_that_fails_once_gets_the_item_exactly_once_on_the_next_run(tmp_path, feed, webhook, capsys):
    config = notify_config(tmp_path, feed.url, subscription("team", webhook.url()))
    assert run(config) == 0
    webhook.fail(1)
    feed.add("Sak som først feiler")
    assert run(config) == 0  # a failed delivery is not a failed source
    assert webhook.messages == [] and webhook.refused == 1
    [row] = ledger(config)
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert "500" in row["last_error"] or "Internal Server Error" in row["last_error"]

    capsys.readouterr()
    assert main(["status", "--config", config]) == 0
    status = capsys.readouterr().out
    assert "last failure:" in status and "retried in 1 run" in status

    assert run(config) == 0
    assert webhook.titles() == ["Sak som først feiler"]
    assert run(config) == 0
    assert webhook.titles() == ["Sak som først feiler"]
    assert [(r["status"], r["attempts"]) for r in ledger(config)] == [("sent", 2)]


def test_repeated_failures_back_off_in_runs_then_are_given_up_and_reported_once(tmp_path, feed, webhook):
    config_path = notify_config(tmp_path, feed.url, subscription("team", webhook.url("team")),
                               notify={"admin_urls": [webhook.url("admin")]})
    assert run(config_path) == 0
    feed.add("Sak som aldri kommer fram")
    assert main(["fetch", "--config", config_path]) == 0
    config = load_config(config_path)
    webhook.fail(10_000, "team")
    attempts_in = []
    with open_store(config) as store:
        for _ in range(1, 80):
            before = webhook.refused
            report = notify.notify_step(config, store)
            if webhook.refused > before:
                attempts_in.append(report.run - 1)  # run 1 was the baseline `run`
    # the next run, then skipping 1, 2, 4, … runs; given up after MAX_ATTEMPTS
    assert attempts_in == [1, 2, 4, 7, 12, 21, 38, 71]
    assert len(attempts_in) == notify.MAX_ATTEMPTS
    assert webhook.titles("team") == []
    assert webhook.titles("admin") == ["aggregator: a notification to team was given up"]
    assert "Sak som aldri kommer fram" in webhook.messages[0]["message"]
    assert [r["status"] for r in ledger(config) if r["subscription_id"] == "team"] == ["failed"]


def test_a_url_taken_out_of_the_config_gets_nothing_more(tmp_path, feed, webhook):
    config = notify_config(tmp_path, feed.url, subscription("team", webhook.url("a"), webhook.url("b")))
    assert run(config) == 0
    webhook.fail(2)  # both URLs refuse the first message
    feed.add("Sak")
    assert run(config) == 0
    config = notify_config(tmp_path, feed.url, subscription("team", webhook.url("a")))
    assert run(config) == 0
    assert webhook.titles("a") == ["Sak"] and webhook.titles("b") == []
    assert sorted(r["status"] for r in ledger(config)) == ["dropped", "sent"]


# ------------------------------------------------------------------------------------------ digests


def record(n: int, title: str, deadline: str | None = None, document_type: str | None = None) -> Record:
    return Record(
        id=f"https://departement.example.org/no/dokument/{n}/", link=f"https://departement.example.org/no/dokument/{n}/",
        title=title, summary=f"Oppsummering av {title}", published=datetime(2026, 3, 1, 9, tzinfo=UTC) + timedelta(hours=n),
        document_type=document_type, ministries=["kdd"], extra=hearing_extra(deadline) if deadline else {},
    )


def test_digests_when_due_and_forced_hold_only_new_items_grouped_by_feed(tmp_path, feed, webhook):
    config_path = notify_config(tmp_path, feed.url, subscription(
        "weekly-mail", webhook.url(), feeds=["topics/hearings", "all"], mode="digest", schedule="daily"))
    assert run(config_path) == 0  # baseline
    config = load_config(config_path)
    with open_store(config) as store:
        commit_record(store, record(1, "Vanlig nyhet"), "dep")
        commit_record(store, record(2, "Høring om kommuneøkonomi", "2026-06-01", "consultation"), "dep")
        commit_record(store, record(3, "Nyeste nyhet"), "dep")
        # a document whose site gives a bare date: shown as a date, never with "00:00"
        commit_record(store, dataclasses.replace(record(9, "Sak med bare dato"), published=datetime(2026, 2, 27, tzinfo=OSLO)), "dep")
        now = datetime.now(UTC)
        first_seen = datetime.fromisoformat(next(store.db.query("SELECT first_seen FROM subscriptions"))["first_seen"])

        assert notify.notify_step(config, store, now=now).digests == {"weekly-mail": "not due"}
        assert webhook.messages == []

        due = notify.digest_due_at(config.subscriptions[0], {"first_seen": first_seen.isoformat()}, "07:00")
        assert due >= first_seen + timedelta(days=1) and due.astimezone(OSLO).strftime("%H:%M") == "07:00"
        assert notify.notify_step(config, store, now=due - timedelta(seconds=1)).digests == {"weekly-mail": "not due"}
        assert notify.notify_step(config, store, now=due).digests == {"weekly-mail": "sent"}
        [digest] = webhook.messages
        assert digest["title"] == "Daglig sammendrag – Hearings – Høringer, Alle saker – regjeringen.no og KS: 4 nye"
        text = digest["message"]
        # grouped by the subscription's feeds, in its order; an item under the first feed that holds it; newest first
        assert text.index("== Hearings – Høringer ==") < text.index("Høring om kommuneøkonomi") < text.index("== Alle saker")
        assert text.index("== Alle saker") < text.index("Nyeste nyhet") < text.index("Vanlig nyhet")
        assert text.count("* Høring om kommuneøkonomi") == 1
        assert "Fristen gikk ut 01.06.2026" in text and ">>> Høringsfrist" not in text  # not in red as if it were live
        assert "· 27.02.2026\n" in text and "27.02.2026 00:00" not in text
        assert "01.03.2026 12:00" in text  # a time where the site gives one (11:00 UTC)

        assert notify.notify_step(config, store, now=due + timedelta(hours=1)).digests == {"weekly-mail": "not due"}
        commit_record(store, record(4, "Sak etter digesten"), "dep")
        report = notify.send_digests(config, store, force=True, now=due + timedelta(hours=2))
        assert report.digests == {"weekly-mail": "sent"}
        assert webhook.titles()[-1] == "Daglig sammendrag – Hearings – Høringer, Alle saker – regjeringen.no og KS: 1 ny"
        assert "Sak etter digesten" in webhook.messages[-1]["message"]
        assert "Nyeste nyhet" not in webhook.messages[-1]["message"]  # only what came since the last digest

        assert notify.send_digests(config, store, force=True, now=due + timedelta(hours=3)).digests == {"weekly-mail": "empty"}
        # the next scheduled digest is due a day later, and with no new items nothing is sent
        assert notify.notify_step(config, store, now=due + timedelta(days=1)).digests == {"weekly-mail": "empty"}
        assert len(webhook.messages) == 2
        commit_record(store, record(5, "Sak neste dag"), "dep")
        assert notify.notify_step(config, store, now=due + timedelta(days=1, hours=1)).digests == {"weekly-mail": "not due"}
        assert notify.notify_step(config, store, now=due + timedelta(days=2)).digests == {"weekly-mail": "sent"}
        assert webhook.titles()[-1] == "Daglig sammendrag – Hearings – Høringer, Alle saker – regjeringen.no og KS: 1 ny"


def test_run_sends_a_due_digest_and_the_digest_command_forces_one(tmp_path, feed, smtp, capsys):
    config = notify_config(tmp_path, feed.url, subscription("daily", smtp.url(), mode="digest"))
    assert run(config) == 0
    feed.add("Sak én")
    assert run(config) == 0
    assert smtp.mails == []
    with open_store(config) as store:
        store.conn.execute("UPDATE subscriptions SET first_seen = ?", [(datetime.now(UTC) - timedelta(days=3)).isoformat()])
        store.conn.commit()
    feed.add("Sak to")
    assert run(config) == 0
    [mail] = smtp.mails
    assert mail.subject == "Daglig sammendrag – Alle saker – regjeringen.no og KS: 2 nye"
    assert "Sak én" in mail.part("plain") and "Sak to" in mail.part("html")

    capsys.readouterr()
    assert main(["digest", "--config", config, "--subscription", "daily", "--force"]) == 0
    assert "no new items, no digest" in capsys.readouterr().out
    feed.add("Sak tre")
    assert main(["fetch", "--config", config]) == 0
    assert main(["digest", "--config", config]) == 0
    assert "not due yet" in capsys.readouterr().out
    assert main(["digest", "--config", config, "--force"]) == 0
    assert [m.subject for m in smtp.mails] == ["Daglig sammendrag – Alle saker – regjeringen.no og KS: 2 nye",
                                              "Daglig sammendrag – Alle saker – regjeringen.no og KS: 1 ny"]  # forced
    assert main(["digest", "--config", config, "--subscription", "nope"]) == 2


@pytest.mark.parametrize(
    "schedule, first_seen, expected",
    [
        ("daily", "2026-03-03T10:00:00+01:00", "2026-03-05T07:00:00+01:00"),  # a full day later, then the next 07:00
        ("daily", "2026-03-03T06:00:00+01:00", "2026-03-04T07:00:00+01:00"),
        ("daily", "2026-03-28T08:00:00+01:00", "2026-03-30T07:00:00+02:00"),  # summer time: still 07:00 in Oslo
        ("weekly", "2026-03-03T10:00:00+01:00", "2026-03-16T07:00:00+01:00"),  # Mondays, at least a week later
        ("weekly", "2026-03-02T06:00:00+01:00", "2026-03-09T07:00:00+01:00"),
    ],
)
def test_the_first_digest_is_due_a_full_period_after_the_subscription_was_first_seen(schedule, first_seen, expected):
    sub = SubscriptionConfig("s", ["json://x"], mode="digest", schedule=schedule)
    due = notify.digest_due_at(sub, {"first_seen": first_seen}, "07:00")
    assert due == datetime.fromisoformat(expected)
    following = notify.digest_due_at(sub, {"first_seen": first_seen, "last_digest_slot": due.isoformat()}, "07:00")
    assert following - due == timedelta(days=7 if schedule == "weekly" else 1)


# ------------------------------------------------------------------------------------------ broken sources


def test_a_broken_source_reaches_the_admins_once_and_its_recovery_once(tmp_path, feed, webhook):
    config = notify_config(tmp_path, feed.url, subscription("team", webhook.url("team")),
                          notify={"admin_urls": [webhook.url("admin")]})
    assert run(config) == 0
    feed.broken = True
    assert [run(config) for _ in range(2)] == [1, 1]
    assert webhook.titles("admin") == []  # two failed runs can be a hiccup
    assert [run(config) for _ in range(3)] == [1, 1, 1]
    assert webhook.titles("admin") == ["aggregator: source dep is broken"]
    message = webhook.messages[0]["message"]
    assert "503" in message and "Failed runs in a row: 3" in message and "since" in message

    feed.broken = False
    assert run(config) == 0
    assert run(config) == 0
    assert webhook.titles("admin") == ["aggregator: source dep is broken", "aggregator: source dep works again"]
    assert webhook.titles("team") == []


def test_a_listing_that_suddenly_yields_nothing_is_reported(tmp_path, feed, webhook):
    config = notify_config(tmp_path, feed.url, notify={"admin_urls": [webhook.url("admin")]})
    assert run(config) == 0
    kept, feed.items = feed.items, []
    assert run(config) == 0
    assert run(config) == 0
    assert webhook.titles("admin") == ["aggregator: source dep is broken"]
    assert "yielded no items (it had 2)" in webhook.messages[0]["message"]
    feed.items = kept
    assert run(config) == 0
    assert webhook.titles("admin")[-1] == "aggregator: source dep works again"


# ------------------------------------------------------------------------------------------ commands


def test_notify_dry_run_prints_what_would_be_sent_and_changes_nothing(tmp_path, feed, webhook, smtp, capsys):
    config = notify_config(tmp_path, feed.url, subscription("team", webhook.url()), subscription("mail", smtp.url()))
    assert run(config) == 0
    feed.add("Sak som venter", "Den ligger i lageret")
    assert main(["fetch", "--config", config]) == 0  # stored, not notified yet
    capsys.readouterr()
    for _ in range(2):
        assert main(["notify", "--config", config, "--dry-run"]) == 0
        out = capsys.readouterr().out
        assert out.count("Title: Sak som venter") == 2 and "Den ligger i lageret" in out
        assert "2 message(s) would be sent" in out
        assert SMTPReceiver.PASSWORD not in out and "robot:***@" in out
    assert webhook.messages == [] and smtp.mails == [] and ledger(config) == []
    assert main(["notify", "--config", config]) == 0
    assert webhook.titles() == ["Sak som venter"] and [m.subject for m in smtp.mails] == ["Sak som venter"]


def test_test_notify_sends_a_test_message_to_each_url(tmp_path, feed, webhook, smtp, capsys):
    config = notify_config(tmp_path, feed.url, subscription("both", webhook.url(), smtp.url()),
                          notify={"admin_urls": [webhook.url("admin")]})
    assert main(["test-notify", "--config", config, "--subscription", "both"]) == 0
    assert webhook.titles() == ["aggregator: test message (æøå)"]
    assert smtp.mails[0].subject == "aggregator: test message (æøå)"
    assert "æ ø å look right" in smtp.mails[0].part("plain")
    assert main(["test-notify", "--config", config, "--admin"]) == 0
    assert webhook.titles("admin") == ["aggregator: test message (æøå)"]

    webhook.fail(1)
    capsys.readouterr()
    assert main(["test-notify", "--config", config, "--subscription", "both"]) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out and SMTPReceiver.PASSWORD not in out
    assert main(["test-notify", "--config", config, "--subscription", "nope"]) == 2


def test_status_shows_each_subscriptions_deliveries_and_failures_without_passwords(tmp_path, feed, webhook, smtp, capsys):
    hook = webhook.url().replace("json://", "json://bot:hooksecret@")
    config = notify_config(tmp_path, feed.url, subscription("team", hook), subscription("mail", smtp.url(), mode="digest"))
    assert run(config) == 0
    feed.add("Sak")
    webhook.fail(1)
    assert run(config) == 0
    capsys.readouterr()
    assert main(["status", "--config", config]) == 0
    out = capsys.readouterr().out
    assert "Subscriptions" in out and "team (instant): all" in out and "mail (digest, daily): all" in out
    assert "bot:***@127.0.0.1" in out and "hooksecret" not in out and SMTPReceiver.PASSWORD not in out
    assert "1 pending" in out and "last failure:" in out
    assert "next digest:" in out and "(1 item collected)" in out
    assert run(config) == 0
    assert main(["status", "--config", config]) == 0
    out = capsys.readouterr().out
    assert "1 sent" in out and re.search(r"last delivery: \d\d\.\d\d\.20\d\d \d\d:\d\d \(item\)", out)  # Oslo time


def test_logs_never_show_a_password(tmp_path, feed, capsys):
    url = "json://bot:hooksecret@127.0.0.1:9/hook"  # nothing listens on port 9
    config = notify_config(tmp_path, feed.url, subscription("team", url))
    assert run(config) == 0
    feed.add("Sak")
    capsys.readouterr()
    assert run(config, "-vv") == 0  # debug logging, Apprise's own lines included
    err = capsys.readouterr().err
    assert "bot:***@127.0.0.1:9/hook" in err and "failed (attempt 1, will retry)" in err
    assert "hooksecret" not in err
    assert "hooksecret" not in json.dumps(ledger(config))


def test_preview_shows_a_subscriptions_message_for_its_latest_items_and_sends_nothing(tmp_path, feed, webhook, smtp, capsys):
    config = notify_config(tmp_path, feed.url, subscription("weekly", webhook.url(), smtp.url(), mode="digest",
                                                            schedule="weekly"))
    assert run(config) == 0
    capsys.readouterr()
    html = tmp_path / "preview.html"
    assert main(["preview", "--subscription", "weekly", "--items", "2", "--html", str(html), "--config", config]) == 0
    out = capsys.readouterr().out
    assert out.startswith("--- message 1 of 1 to mailto://robot:***@")  # as its email URL gets it
    assert "Subject: Ukentlig sammendrag – Alle saker – regjeringen.no og KS: 2 nye\n" in out
    assert "Første sak" in out and "Andre sak" in out and "Noe som skjedde før abonnementet" in out  # with summaries
    assert "<a href=" in html.read_text("utf-8")
    assert webhook.messages == []  # nothing sent
    assert main(["preview", "--subscription", "nope", "--config", config]) == 2
