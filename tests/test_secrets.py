"""Secrets and ids (issue 12, points 3 and 7): ids that could write outside the output folder are refused;
what came from `${…}`, URL credentials and secret parameters never reach logs, `status`, errors or the public
output; a password with "@ / # ?" or a space reaches the right SMTP server."""

from __future__ import annotations

import re

import pytest
from helpers import validate_atom, write_config, write_config_text

from aggregator.cli import main
from aggregator.config import ConfigError, load_config
from aggregator.redact import hide, public_url, register_secret

RSS = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Nytt</title><link>{base}/</link>
<item><title>Ny sak</title><link>{base}/sak-1</link><pubDate>Mon, 02 Mar 2026 10:00:00 +0100</pubDate></item>
</channel></rss>"""


SOURCE = '[[sources]]\nid = "s"\nkind = "feed"\nurl = "https://example.org/rss"\n'


@pytest.mark.parametrize("extra, key", [
    ('topics = ["../../../etc/x"]', 'sources "s".topics'),
    ('topics = [""]', 'sources "s".topics'),
    ('topics = ["a/b"]', 'sources "s".topics'),
])
def test_topic_ids_that_could_leave_the_output_folder_are_refused(tmp_path, extra, key):
    with pytest.raises(ConfigError, match=rf"config.toml:\d+: {re.escape(key)}: topic id"):
        load_config(write_config_text(tmp_path, SOURCE + extra + "\n"))


def test_ids_are_short_enough_to_be_file_names(tmp_path):
    with pytest.raises(ConfigError, match=r'sources "a{300}"\.id: must be at most 100 characters'):
        load_config(write_config_text(tmp_path, SOURCE.replace('id = "s"', f'id = "{"a" * 300}"')))
    with pytest.raises(ConfigError, match=r'topics "a\.\.b"\.id'):
        load_config(write_config_text(tmp_path, SOURCE + '[[topics]]\nid = "a..b"\n'))


@pytest.mark.parametrize("text, key, reason", [
    (SOURCE + '[[subscriptions]]\nid = "x"\nurls = ["json://127.0.0.1/h"]\nfeeds = ["topics/hearing"]\n',
     r'subscriptions "x"\.feeds\[0\]', "no \\[\\[topics\\]\\] has id 'hearing'"),
    (SOURCE + '[sources.selectors]\nitem = "li"\n', r'sources "s"\.selectors', "only ks sources"),
    (SOURCE.replace('kind = "feed"', 'kind = "ks"') + "max_pages = 2\n", r'sources "s"\.max_pages',
     "only regjeringen sources have max_pages"),
    (SOURCE + '[[subscriptions]]\nid = "x"\nurls = ["json://127.0.0.1/h"]\nschedule = "weekly"\n',
     r'subscriptions "x"\.schedule', "only digests have a schedule"),
])
def test_keys_that_could_never_take_effect_are_errors(tmp_path, text, key, reason):
    with pytest.raises(ConfigError, match=rf"config.toml:\d+: {key}: {reason}"):
        load_config(write_config_text(tmp_path, text))


def test_a_value_from_the_environment_is_never_printed_in_a_config_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SMTP_PASSWORD", "hemmelig-passord-42")
    path = write_config_text(tmp_path, SOURCE + '[notify]\ndigest_time = "${SMTP_PASSWORD}"\n')
    assert main(["run", "--config", path]) == 2
    err = capsys.readouterr().err
    assert "notify.digest_time" in err and "hemmelig-passord-42" not in err and "***" in err


def test_hide_masks_credentials_secret_parameters_apprise_headers_and_environment_values():
    register_secret("tok-from-env-123")
    assert hide("json://h.example/p?+X-Api-Key=abc123def") == "json://h.example/p?+X-Api-Key=***"
    assert hide("failed: https://user:p%40ss@h.example/feed?token=zzz&page=2") == \
        "failed: https://user:***@h.example/feed?token=***&page=2"
    assert hide("the value tok-from-env-123 in prose") == "the value *** in prose"
    assert public_url("https://user:pw@h.example/feed?token=zzz&topic=918") == "https://h.example/feed?topic=918"


def test_a_source_url_with_credentials_is_never_published_nor_logged(http_server, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FEED_TOKEN", "s3cr3t-feed-token")
    http_server.add("/rss?token=s3cr3t-feed-token", RSS.replace("{base}", http_server.url),
                    content_type="application/rss+xml")
    with_login = http_server.url.replace("http://", "http://reader:pa55word@")
    path = write_config(tmp_path, sources=[{"id": "s", "kind": "feed", "url": with_login + "/rss?token=${FEED_TOKEN}"},
                                           {"id": "broken", "kind": "feed", "url": with_login + "/missing?key=k3y-in-url"}])
    assert main(["run", "-v", "--config", path]) == 1
    assert main(["status", "--config", path]) == 0
    printed = capsys.readouterr()
    published = "".join(p.read_text("utf-8") for p in (tmp_path / "feeds").rglob("*") if p.is_file())
    for secret in ("s3cr3t-feed-token", "pa55word", "k3y-in-url"):
        assert secret not in published, f"{secret} published"
        assert secret not in printed.out + printed.err, f"{secret} printed"
    assert len(validate_atom(tmp_path / "feeds" / "sources" / "s.atom").entries) == 1


def test_a_password_with_reserved_characters_reaches_the_right_server(http_server, smtp, tmp_path, monkeypatch):
    smtp.PASSWORD = "p@ss/w#rd? med mellomrom"  # every character that would change an unquoted URL
    monkeypatch.setenv("SMTP_PASSWORD", smtp.PASSWORD)
    http_server.add("/rss", RSS.replace("{base}", http_server.url), content_type="application/rss+xml")
    url = f"mailto://{smtp.USER}:${{SMTP_PASSWORD}}@127.0.0.1:{smtp.port}?to=staff@example.org&from=a@example.org"
    path = write_config(tmp_path, sources=[{"id": "s", "kind": "feed", "url": f"{http_server.url}/rss"}],
                        subscriptions=[{"id": "mail", "urls": [url]}])
    assert main(["test-notify", "--subscription", "mail", "--config", path]) == 0
    assert smtp.logins == [smtp.USER] and len(smtp.mails) == 1
