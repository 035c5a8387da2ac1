"""config.toml: defaults, and every kind of mistake named by file, key and reason."""

import re
from pathlib import Path

import pytest
from helpers import write_config_text

from aggregator.cli import main
from aggregator.config import ConfigError, config_path, load_config, redact

MINIMAL = """
[[sources]]
id = "gov"
kind = "feed"
url = "https://example.org/rss"
"""


def test_a_config_with_only_sources_gets_every_default(tmp_path):
    config = load_config(write_config_text(tmp_path, MINIMAL))
    assert config.database == tmp_path / "data/aggregator.db"
    assert config.output_dir == tmp_path / "feeds"
    assert config.base_url == "https://feeds.example.org/"
    assert config.max_entries == 100
    assert (config.http.timeout, config.http.min_delay, config.http.retries) == (20.0, 1.5, 3)
    assert config.http.user_agent.startswith("aggregator/")
    source = config.sources[0]
    assert (source.id, source.kind, source.url, source.topics, source.options) == ("gov", "feed", "https://example.org/rss", [], {})
    assert config.topics == [] and config.subscriptions == []


def test_every_documented_key_is_read(tmp_path):
    config = load_config(write_config_text(tmp_path, """
[storage]
database = "state/x.db"
[output]
directory = "public"
base_url = "https://feeds.example.net/sub"
max_entries = 5
[http]
user_agent = "aggregator-test/1 (+mailto:ops@example.org)"
timeout = 3
min_delay = 0
retries = 0
[[sources]]
id = "regjeringen-immigration-en"
kind = "regjeringen"
url = "https://www.regjeringen.no/en/topics/immigration-and-integration/id918/"
topics = ["immigration-and-integration"]
max_pages = 2
[[topics]]
id = "hearings"
title = "Hearings – Høringer"
document_types = ["consultation", "consultation-response"]
keywords = ["høring"]
"""))
    assert config.database == tmp_path / "state/x.db"
    assert config.output_dir == tmp_path / "public"
    assert config.base_url == "https://feeds.example.net/sub/"  # a trailing slash so feed URLs join right
    assert config.max_entries == 5
    assert config.http.user_agent == "aggregator-test/1 (+mailto:ops@example.org)"
    assert config.sources[0].options == {"max_pages": 2, "hearing_refresh_hours": 20.0}
    assert config.topics[0].title == "Hearings – Høringer"
    assert config.topics[0].document_types == ["consultation", "consultation-response"]


@pytest.mark.parametrize(
    "text, key, reason",
    [
        (MINIMAL + "\n[output]\nmax_entrys = 5\n", "output.max_entrys", "unknown key"),
        (MINIMAL + "\n[outptu]\n", "outptu", "unknown section"),
        (MINIMAL + "\n[http]\ntimeout = \"20\"\n", "http.timeout", "must be a number"),
        (MINIMAL + "\n[http]\nretries = -1\n", "http.retries", "at least 0"),
        (MINIMAL + "\n[http]\nmin_delay = nan\n", "http.min_delay", "a number of at least 0 and at most 300, got nan"),
        (MINIMAL + "\n[http]\ntimeout = inf\n", "http.timeout", "a number more than 0 and at most 300, got inf"),
        (MINIMAL.replace('kind = "feed"', 'kind = "regjeringen"') + "hearing_refresh_hours = nan\n",
         'sources "gov".hearing_refresh_hours', "got nan"),
        (MINIMAL + "\n[output]\nmax_entries = 0\n", "output.max_entries", "at least 1"),
        (MINIMAL + "\n[output]\nbase_url = \"feeds.example.org\"\n", "output.base_url", "http(s) URL"),
        (MINIMAL.replace('kind = "feed"', 'kind = "atom"'), 'sources "gov".kind', "must be one of feed, regjeringen, ks"),
        (MINIMAL.replace('url = "https://example.org/rss"\n', ""), 'sources "gov".url', "is required"),
        (MINIMAL + MINIMAL, 'sources "gov".id', "duplicate id 'gov'"),
        (MINIMAL.replace('id = "gov"', 'id = "Gov Feed"'), 'sources "Gov Feed".id', "file names"),
        (MINIMAL + '\ntopics = "immigration"\n', 'sources "gov".topics', "list of strings"),
        (MINIMAL + '\n[[topics]]\nid = "a"\n[[topics]]\nid = "a"\n', 'topics "a".id', "duplicate id 'a'"),
        (MINIMAL + '\n[[topics]]\nid = "a"\ndocument_type = ["nou"]\n', 'topics "a".document_type', "unknown key"),
        (MINIMAL.replace('kind = "feed"', 'kind = "ks"') + '\n[sources.selectors]\nheadline = "h3"\n', 'sources "gov".selectors', "unknown selector 'headline'"),
        ("[storage]\n", "sources", "nothing to fetch"),
        # every number has a range: none overflows later (a traceback) or means nothing
        (MINIMAL + "\n[output]\nmax_entries = 100000000000000000000\n", "output.max_entries", "at most 100000, got 1000"),
        (MINIMAL + "\n[http]\nretries = 8000\n", "http.retries", "at most 10"),
        (MINIMAL + "\n[http]\nmin_delay = 86400\n", "http.min_delay", "at most 300"),
        (MINIMAL + "\n[http]\ntimeout = 1e9\n", "http.timeout", "at most 300"),
        (MINIMAL + "\n[notify]\nbatch_over = 10000000\n", "notify.batch_over", "at most 100000"),
        (MINIMAL.replace('kind = "feed"', 'kind = "regjeringen"') + "max_pages = 99999999999\n", 'sources "gov".max_pages',
         "at most 10000"),
        # a CR/LF would start a header of its own in every request or mail
        (MINIMAL + '\n[http]\nuser_agent = "aggregator/1\\r\\nX-Evil: 1"\n', "http.user_agent", "one line"),
        (MINIMAL + '\n[http]\nuser_agent = "aggregator/1\\u0000"\n', "http.user_agent", "control characters"),
        (MINIMAL + '\n[[subscriptions]]\nid = "s"\nurls = ["mailtos://u:p@mail.example.org?name=KS%0D%0ABcc:x@evil.example"]\n',
         'subscriptions "s".urls[0]', "line break"),
        ("[[sources]\nid=1", "", "not valid TOML"),
    ],
)
def test_mistakes_name_the_file_the_key_and_the_reason(tmp_path, text, key, reason):
    path = write_config_text(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert re.match(rf"{re.escape(str(path))}(:\d+)?: {re.escape(key)}", message), message  # the line, where known
    assert reason in message


def test_environment_variables_fill_strings_and_a_missing_one_is_an_error(tmp_path, monkeypatch):
    text = MINIMAL.replace("https://example.org/rss", "https://example.org/${FEED_PATH}")
    monkeypatch.setenv("FEED_PATH", "news.xml")
    assert load_config(write_config_text(tmp_path, text)).sources[0].url == "https://example.org/news.xml"
    monkeypatch.delenv("FEED_PATH")
    with pytest.raises(ConfigError, match=r'sources "gov"\.url: environment variable FEED_PATH is not set'):
        load_config(write_config_text(tmp_path, text))


def test_the_config_path_comes_from_the_option_then_the_environment_then_the_folder(monkeypatch):
    monkeypatch.setenv("AGGREGATOR_CONFIG", "/etc/aggregator.toml")
    assert config_path("mine.toml") == Path("mine.toml")
    assert config_path(None) == Path("/etc/aggregator.toml")
    monkeypatch.delenv("AGGREGATOR_CONFIG")
    assert config_path(None) == Path("config.toml")


def test_the_cli_exits_2_with_the_reason_for_bad_config(tmp_path, capsys):
    path = write_config_text(tmp_path, MINIMAL + "\n[http]\nmin_delay = \"slow\"\n")
    assert main(["run", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:8: http.min_delay: must be a number" in err  # the file, the line, the key, the reason
    assert "Traceback" not in err


def test_the_cli_exits_2_for_a_missing_file_and_for_bad_usage(tmp_path, capsys):
    assert main(["run", "--config", str(tmp_path / "nope.toml")]) == 2
    assert "nope.toml: file not found" in capsys.readouterr().err
    assert main(["frobnicate"]) == 2
    assert main(["run", "--no-such-flag"]) == 2


def test_redact_hides_passwords_in_urls():
    assert redact("mailtos://user:s3cret@smtp.example.org?to=a@b.no") == "mailtos://user:***@smtp.example.org?to=a@b.no"
    assert "s3cret" not in redact("json://bot:s3cret@127.0.0.1:8080/hook")


def test_a_store_that_cannot_be_opened_is_a_clear_error(tmp_path, capsys):
    path = write_config_text(tmp_path, MINIMAL + '\n[storage]\ndatabase = "store.db"\n')
    (tmp_path / "store.db").write_bytes(b"this is not an SQLite database, it is a text file" * 20)
    assert main(["status", "--config", str(path)]) == 4  # the store cannot be used
    err = capsys.readouterr().err
    assert "cannot open the store" in err and "store.db" in err and "[storage] database" in err
    assert "Traceback" not in err
