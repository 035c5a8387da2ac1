"""Source kinds as plug-ins: a kind of one's own, from a module outside the project, declared once and then
validated, listed and run end to end like the built-in ones."""

from __future__ import annotations

import pytest
from helpers import kind_of_ones_own, validate_atom, write_config

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
    with kind_of_ones_own(tmp_path, monkeypatch, "stortinget_demo", KIND_MODULE):
        yield


def own_kind_config(tmp_path, url: str = "https://example.org/x", kind: str = "stortinget_demo", **options) -> str:
    """One source of the kind of one's own (or of `kind`), with these options."""
    return write_config(tmp_path, sources=[{"id": "saker", "kind": kind, "url": url, **options}])


def test_a_kind_of_ones_own_runs_end_to_end(own_kind, http_server, tmp_path, capsys):
    http_server.add("/saker.json", '{"saker": [{"url": "https://stortinget.example/sak/1", "title": "Sak om skole"}],'
                                   ' "vedtak": [{"url": "https://stortinget.example/vedtak/9", "title": "Vedtak om vei"}]}',
                    content_type="application/json")
    path = own_kind_config(tmp_path, http_server.url + "/saker.json", section="vedtak")
    assert load_config(path).sources[0].options == {"section": "vedtak"}
    assert main(["run", "--config", path]) == 0
    [entry] = validate_atom(tmp_path / "feeds" / "sources" / "saker.atom").entries
    assert (entry.title, entry.author) == ("Vedtak om vei", "Stortinget")  # credited to the kind's publisher
    capsys.readouterr()
    assert main(["kinds", "--config", path]) == 0
    listed = capsys.readouterr().out
    assert "stortinget_demo\n" in listed and "option section (string, default 'saker')" in listed
    assert "regjeringen\n" in listed and "option max_pages" in listed


def test_a_kinds_options_are_checked_and_other_kinds_options_refused(own_kind, tmp_path):
    with pytest.raises(ConfigError, match=r'sources "saker"\.section: must not be empty'):
        load_config(own_kind_config(tmp_path, section=""))
    with pytest.raises(ConfigError, match=r'sources "saker"\.max_pages: only regjeringen sources have max_pages'):
        load_config(own_kind_config(tmp_path, max_pages=2))
    with pytest.raises(ConfigError, match=r'sources "saker"\.kind: must be one of feed, regjeringen, ks'):
        load_config(own_kind_config(tmp_path, kind="no_such_kind"))
