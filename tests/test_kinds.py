"""Source kinds as plug-ins: a kind of one's own, from a module outside the project, declared once and then
validated, listed and run end to end like the built-in ones."""

from __future__ import annotations

import sys
import textwrap

import pytest
from conftest import validate_atom

from aggregator.cli import main
from aggregator.config import ConfigError, load_config

KIND_MODULE = '''
"""`kind = "stortinget_demo"`: a made-up parliament's JSON list of cases (a kind of one's own, for the tests)."""

import json

from aggregator.checks import nonempty_str
from aggregator.kinds import Option, SourceKind
from aggregator.records import FetchResult, Record
from aggregator.sources import get_subscribed_feed


def fetch(source, ctx):
    result = FetchResult()
    response = get_subscribed_feed(source.url, ctx, result, "case list")
    if response is None:
        return FetchResult(not_modified=True)
    section = source.options["section"]
    for case in json.loads(response.content)[section]:
        result.records.append(Record(id=case["url"], link=case["url"], title=case["title"], language="nb"))
    return result


KIND = SourceKind(
    name="stortinget_demo", fetch=fetch, publisher="Stortinget", doc=__doc__,
    options=(Option("section", nonempty_str, "saker", "which list of the answer to read"),),
)
'''


@pytest.fixture
def own_kind(tmp_path, monkeypatch):
    folder = tmp_path / "kinds"
    folder.mkdir()
    (folder / "stortinget_demo.py").write_text(textwrap.dedent(KIND_MODULE), encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))
    yield
    sys.modules.pop("stortinget_demo", None)


def config_text(url: str, extra: str = "") -> str:
    return f"""
[http]
min_delay = 0
retries = 0
[[sources]]
id = "saker"
kind = "stortinget_demo"
url = "{url}"
{extra}
"""


def test_a_kind_of_ones_own_runs_end_to_end(own_kind, http_server, tmp_path, capsys):
    http_server.add("/saker.json", '{"saker": [{"url": "https://stortinget.example/sak/1", "title": "Sak om skole"}],'
                                   ' "vedtak": [{"url": "https://stortinget.example/vedtak/9", "title": "Vedtak om vei"}]}',
                    content_type="application/json")
    path = tmp_path / "config.toml"
    path.write_text(config_text(http_server.url + "/saker.json", 'section = "vedtak"'), encoding="utf-8")
    assert load_config(path).sources[0].options == {"section": "vedtak"}
    assert main(["run", "--config", str(path)]) == 0
    [entry] = validate_atom(tmp_path / "feeds" / "sources" / "saker.atom").entries
    assert (entry.title, entry.author) == ("Vedtak om vei", "Stortinget")  # credited to the kind's publisher
    capsys.readouterr()
    assert main(["kinds", "--config", str(path)]) == 0
    listed = capsys.readouterr().out
    assert "stortinget_demo\n" in listed and "option section (string, default 'saker')" in listed
    assert "regjeringen\n" in listed and "option max_pages" in listed


def test_a_kinds_options_are_checked_and_other_kinds_options_refused(own_kind, tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(config_text("https://example.org/x", 'section = ""'), encoding="utf-8")
    with pytest.raises(ConfigError, match=r'sources "saker"\.section: must not be empty'):
        load_config(path)
    path.write_text(config_text("https://example.org/x", "max_pages = 2"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r'sources "saker"\.max_pages: only regjeringen sources have max_pages'):
        load_config(path)
    path.write_text(config_text("https://example.org/x").replace("stortinget_demo", "no_such_kind"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r'sources "saker"\.kind: must be one of feed, regjeringen, ks'):
        load_config(path)
