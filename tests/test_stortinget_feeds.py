"""Committee feeds in the configuration: a subscription may name `committees/<id>` for a committee a Stortinget
source reads; the feed is titled with the committee's name; a government document and the committee hearing its
case publishes link each other also when the document comes later."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from helpers import validate_atom
from stortinget_site import API, PROPOSITIONS, REGJERINGEN, ApiHearing, Case, Propositions, StortingetApi, oslo

import aggregator.sources.stortinget as stortinget_kind
from aggregator.cli import main
from aggregator.config import ConfigError, load_config
from aggregator.normalize import OSLO

TODAY = datetime.now(OSLO).date()
PROP = "https://www.regjeringen.no/no/dokumenter/prop-3123456/id3123456/"


def config_text(committees: str = '["KOMFORV", "ARBSOS"]', feed: str = "committees/komforv", kind: str = "stortinget",
                url: str = "https://data.stortinget.no/eksport/horinger") -> str:
    return f"""
[http]
min_delay = 0
retries = 0
[[sources]]
id = "stortinget"
kind = "{kind}"
url = "{url}"
{f"committees = {committees}" if kind == "stortinget" else ""}
[[sources]]
id = "proposisjoner"
kind = "feed"
url = "{REGJERINGEN}{PROPOSITIONS}"
[[subscriptions]]
id = "komite"
urls = ["json://127.0.0.1:9/hook"]
feeds = ["{feed}"]
"""


@pytest.mark.parametrize("text, problem", [
    (config_text(), None),
    (config_text(committees="[]", feed="committees/finans"), None),  # a source reads every committee
    (config_text(feed="committees/finans"), "no Stortinget source reads committee 'finans' (known: arbsos, komforv)"),
    (config_text(feed="committees/KOMFORV"), 'must be "all" or a feed path'),  # in lower case, as the file
    (config_text(kind="feed", url="https://example.org/rss"), 'no [[sources]] of kind = "stortinget"'),
    (config_text(committees='["KOM FORV"]'), "'KOM FORV' is no committee id"),
    (config_text(committees='"KOMFORV"'), "must be a list of committee ids"),
])
def test_committee_feeds_and_committees_are_checked(tmp_path, text, problem):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    if problem is None:
        assert load_config(path).subscriptions[0].feeds
    else:
        with pytest.raises(ConfigError) as raised:
            load_config(path)
        assert problem in str(raised.value)


def test_a_government_document_stored_later_links_the_hearing_both_ways(http_server, monkeypatch, tmp_path):
    monkeypatch.setenv("HTTP_PROXY", http_server.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.setattr(stortinget_kind, "KIND", replace(stortinget_kind.KIND, min_delay=0.0))
    api, props = StortingetApi(http_server), Propositions(http_server)
    hearing = api.add(ApiHearing(10005601, "KOMFORV", [Case(105210, "Midlertidige regler", "Midlertidige regler",
                                                            "Prop. 95 L (2025-2026)", [("Prop. 95 L", PROP)])],
                                 oslo(TODAY + timedelta(days=20))))
    props.items.append((3000001, "Prop. 12 S (2025–2026) Noe annet"))
    path = tmp_path / "config.toml"
    path.write_text(config_text(url=f"{API}/eksport/horinger").replace("[http]", "[output]\nbase_url = "
                                                                       '"https://feeds.example.org/"\n[http]'),
                    encoding="utf-8")
    assert main(["run", "--config", str(path)]) == 0
    feed = validate_atom(tmp_path / "feeds/committees/komforv.atom")
    assert feed.feed.title == "Kommunal- og forvaltningskomiteen (KOMFORV)"
    assert not [link for link in feed.entries[0].links if link.href == PROP and link.rel == "related"]

    props.items.append((3123456, "Prop. 95 L (2025–2026) Endringer i utlendingsloven"))  # the proposition comes
    assert main(["run", "--config", str(path)]) == 0
    [entry] = validate_atom(tmp_path / "feeds/committees/komforv.atom").entries
    assert ("related", PROP) in {(link.rel, link.href) for link in entry.links}  # the hearing's entry redone
    documents = {e.id: e for e in validate_atom(tmp_path / "feeds/sources/proposisjoner.atom").entries}
    assert ("related", hearing.item_id) in {(link.rel, link.href)
                                            for link in documents["https://www.regjeringen.no/no/id3123456/"].links}
    assert not [link for link in documents["https://www.regjeringen.no/no/id3000001/"].links if link.rel == "related"]


def test_the_documented_example_for_a_municipality_loads(tmp_path, monkeypatch):
    import re

    from helpers import ROOT

    for name in ("SMTP_PASSWORD", "TEAMS_WORKFLOW", "TEAMS_SIGNATURE"):
        monkeypatch.setenv(name, "x")
    text = (ROOT / "docs" / "hearings-stortinget.md").read_text("utf-8")
    example = re.findall(r"```toml\n(.*?)```", text, re.S)[1]
    path = tmp_path / "config.toml"
    path.write_text(example, encoding="utf-8")
    config = load_config(path)
    assert {s.kind for s in config.sources} == {"regjeringen", "stortinget", "ks"}
    assert config.subscriptions[1].feeds == ["committees/komforv", "committees/arbsos"]
