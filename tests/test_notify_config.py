"""The [[subscriptions]] and [notify] parts of config.toml, and URLs made fit for logs."""

import re
from pathlib import Path

import pytest
from helpers import write_config_text

from aggregator.config import ConfigError, load_config, redact
from aggregator.notify import backoff, url_keys

SOURCE = """
[[sources]]
id = "gov"
kind = "feed"
url = "https://example.org/rss"
topics = ["hearings"]
"""


def write(tmp_path: Path, text: str) -> str:
    """A config of SOURCE and `text`."""
    return write_config_text(tmp_path, SOURCE + text)


def test_a_subscription_reads_every_key_and_secrets_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SMTP_PASSWORD", "pw-from-env")
    config = load_config(write(tmp_path, """
[notify]
digest_time = "06:30"
batch_over = 5
admin_urls = ["json://127.0.0.1:8080/admin"]
templates = "my-templates"
[[subscriptions]]
id = "hearings-mail"
urls = ["mailtos://user:${SMTP_PASSWORD}@smtp.example.org?to=staff@example.org"]
feeds = ["topics/hearings", "sources/gov", "ministries/kdd", "all"]
mode = "digest"
schedule = "weekly"
keywords = ["kommune"]
"""))
    sub = config.subscriptions[0]
    assert sub.urls == ["mailtos://user:pw-from-env@smtp.example.org?to=staff@example.org"]
    assert (sub.feeds, sub.mode, sub.schedule, sub.keywords) == (
        ["topics/hearings", "sources/gov", "ministries/kdd", "all"], "digest", "weekly", ["kommune"])
    assert (config.notify.digest_time, config.notify.batch_over) == ("06:30", 5)
    assert config.notify.templates == tmp_path / "my-templates"


@pytest.mark.parametrize(
    "text, key, reason",
    [
        ('urls = ["json://127.0.0.1/x"]\nfeeds = ["topics/hearings.atom"]', 'subscriptions \"s\".feeds[0]', "feed path without .atom"),
        ('urls = ["json://127.0.0.1/x"]\nfeeds = ["hearings"]', 'subscriptions \"s\".feeds[0]', '"topics/<id>"'),
        ('urls = ["json://127.0.0.1/x"]\nfeeds = ["sources/nope"]', 'subscriptions \"s\".feeds[0]', "no [[sources]] has id 'nope'"),
        ('urls = ["json://127.0.0.1/x"]\nfeeds = ["ministries/xyz"]', 'subscriptions \"s\".feeds[0]', "unknown ministry 'xyz'"),
        ('urls = ["json://127.0.0.1/x"]\nfeeds = []', 'subscriptions \"s\".feeds', "at least one feed"),
        ('urls = []', 'subscriptions \"s\".urls', "at least one Apprise URL"),
        ('urls = ["json://127.0.0.1/x", "nonsense://user:topsecret@host"]', 'subscriptions \"s\".urls[1]',
         "Apprise cannot use nonsense://user:***@host"),
        ('urls = ["json://127.0.0.1/x"]\nmode = "hourly"', 'subscriptions \"s\".mode', "must be one of instant, digest"),
        ('urls = ["json://127.0.0.1/x"]\nschedule = "monthly"', 'subscriptions \"s\".schedule', "daily, weekly"),
        ('urls = ["mailtos://u:${NOT_SET_ANYWHERE}@smtp.example.org"]', 'subscriptions \"s\".urls',
         "environment variable NOT_SET_ANYWHERE is not set"),
        ('urls = ["json://127.0.0.1/x"]\nevents = ["new", "changed"]', 'subscriptions \"s\".events',
         "unknown event 'changed'; known: new, updated, reminder"),
        ('urls = ["json://127.0.0.1/x"]\nevents = []', 'subscriptions \"s\".events', "at least one of new, updated, reminder"),
        ('urls = ["json://127.0.0.1/x"]\nremind_days = [14, 3]', 'subscriptions \"s\".remind_days',
         'only with "reminder" in events'),
        ('urls = ["json://127.0.0.1/x"]\nevents = ["reminder"]\nremind_days = [-1]', 'subscriptions \"s\".remind_days',
         "whole numbers of days from 0 to 365"),
        ('urls = ["json://127.0.0.1/x"]\nrespondents = ["KS"]', 'subscriptions \"s\".respondents',
         'only with "updated" in events'),
        ('urls = ["json://127.0.0.1/x"]\nmode = "digest"\nevents = ["reminder"]', 'subscriptions \"s\".events',
         'keep "new" in events'),
        ('urls = ["json://127.0.0.1/x"]\nfeeds = ["hearings/closed"]', 'subscriptions \"s\".feeds[0]', '"hearings/open"'),
        ('urls = ["json://127.0.0.1/x"]\nrecipients = ["Bergen kommune", " "]', 'subscriptions \"s\".recipients',
         "an empty one"),
    ],
)
def test_subscription_mistakes_name_the_key_and_the_reason(tmp_path, text, key, reason):
    path = write(tmp_path, f'\n[[subscriptions]]\nid = "s"\n{text}\n')
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert re.match(rf"{re.escape(str(path))}:\d+: {re.escape(key)}", message), message  # its line, the entry's id
    assert reason in message
    assert "topsecret" not in message


def test_hearing_keys_of_a_subscription(tmp_path):
    config = load_config(write(tmp_path, """
[[subscriptions]]
id = "hearings-mail"
urls = ["json://127.0.0.1/x"]
feeds = ["hearings/open"]
events = ["new", "updated", "reminder"]
remind_days = [3, 14, 3]
recipients = ["Kommunesektorens organisasjon (KS)", "Bergen kommune"]
respondents = ["KS"]
[[subscriptions]]
id = "reminders"
urls = ["json://127.0.0.1/y"]
events = ["reminder"]
[[subscriptions]]
id = "plain"
urls = ["json://127.0.0.1/z"]
"""))
    full, reminders, plain = config.subscriptions
    assert (full.events, full.remind_days, full.recipients, full.respondents) == (
        ["new", "updated", "reminder"], [14, 3], ["Kommunesektorens organisasjon (KS)", "Bergen kommune"], ["KS"])
    assert reminders.remind_days == [14, 3]  # the default with "reminder"
    assert (plain.events, plain.remind_days) == (["new"], [])


def test_admin_urls_are_checked_too(tmp_path):
    with pytest.raises(ConfigError, match=r"notify\.admin_urls\[0\]: Apprise cannot use"):
        load_config(write(tmp_path, '\n[notify]\nadmin_urls = ["nonsense://x"]\n'))
    with pytest.raises(ConfigError, match=r"notify\.digest_time: must be a time of day as HH:MM"):
        load_config(write(tmp_path, '\n[notify]\ndigest_time = "7"\n'))


@pytest.mark.parametrize(
    "url, shown",
    [
        ("mailtos://user:s3cret@smtp.example.org?to=a@b.no", "mailtos://user:***@smtp.example.org?to=a@b.no"),
        ("mailto://127.0.0.1:2525?to=staff@example.org&from=a@example.org", "mailto://127.0.0.1:2525?to=staff@example.org&from=a@example.org"),
        ("json://bot:s3cret@127.0.0.1:8080/hook", "json://bot:***@127.0.0.1:8080/hook"),
        ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#general", "slack://T1JJ3T3L2/A1BRTD4JD/***/#general"),
        ("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js", "discord://4174216298/***"),
        ("tgram://123456789:AABx8iXjE5C-vG4SDhf6ARgdFgxYxhuHb4A/-100123", "tgram://123456789:***/-100123"),
        ("json://hooks.example.org/in?token=abc123&channel=x", "json://hooks.example.org/in?token=***&channel=x"),
    ],
)
def test_redact_masks_passwords_and_tokens_and_keeps_the_rest_readable(url, shown):
    assert redact(url) == shown


def test_a_changed_password_keeps_a_deliverys_identity():
    [(old, _, _)] = url_keys(["mailtos://user:old@smtp.example.org?to=a@b.no"])
    [(new, label, _)] = url_keys(["mailtos://user:new@smtp.example.org?to=a@b.no"])
    assert old == new and "new" not in label
    assert len({key for key, _, _ in url_keys(["json://a/x", "json://a/x", "json://a/y"])}) == 3


def test_backoff_is_the_next_run_then_skips_1_2_4_runs():
    assert [backoff(10, attempts) for attempts in range(1, 6)] == [11, 12, 13, 15, 19]
