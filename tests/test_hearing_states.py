"""A hearing's state, honestly, everywhere, through the CLI: open, deadline passed (while the site may still say "På
høring": its words kept, the derived state added), closed, cancelled; the Atom category (scheme hearing-status/,
label in the hearing's language), the entry's content and index.html agree; and a hearing whose deadline passes is
told so on that very day, though nothing else about it changed."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
from helpers import hearing_extra, validate_atom
from selectolax.lexbor import LexborHTMLParser

from aggregator import publish as publishing
from aggregator.cli import main
from aggregator.commit import commit_record
from aggregator.config import load_config
from aggregator.normalize import OSLO
from aggregator.records import Record
from aggregator.store import Store

TODAY = dt.datetime.now(OSLO).date()
CONFIG = """
[output]
base_url = "https://feeds.example.org/"
[[sources]]
id = "hoyringar"
kind = "regjeringen"
url = "https://www.regjeringen.no/no/dokument/hoyringar/id1763/"
[[topics]]
id = "hearings"
title = "Høringer"
document_types = ["consultation"]
"""


def hearing(n: int, title: str, deadline: dt.date, status: str, language: str = "nb", ministry: str = "fin") -> Record:
    return Record(id=f"https://www.regjeringen.no/no/id{4500000 + n}/", title=title, language=language, ministries=[ministry],
                  link=f"https://www.regjeringen.no/no/dokumenter/h/id{4500000 + n}/", document_type="consultation",
                  published=dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC) + timedelta(days=n),
                  extra=hearing_extra(deadline.isoformat(), status))


@pytest.fixture
def site(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    store = Store(load_config(path).database)
    try:
        # index.html shows each feed's newest three: ministries/kdd holds two of them, ministries/fin the other three
        for record in (hearing(1, "Åpen høring", TODAY + timedelta(days=10), "På høring", ministry="kdd"),
                       hearing(2, "Høring med utløpt frist", TODAY - timedelta(days=5), "På høring"),
                       hearing(3, "Høyring med utgått frist", TODAY - timedelta(days=6), "På høyring", "nn"),
                       hearing(4, "Avsluttet høring", TODAY - timedelta(days=40), "Avsluttet"),
                       hearing(5, "Avlyst høring", TODAY + timedelta(days=3), "Avlyst", ministry="kdd")):
            commit_record(store, record, "hoyringar")
    finally:
        store.close()
    return str(path), tmp_path / "feeds"


def states(feeds, path: str = "topics/hearings") -> dict[str, tuple[str, str, str]]:
    """title → (category term, its label, the entry's content) of each hearing in a feed."""
    found = {}
    for entry in validate_atom(feeds / f"{path}.atom").entries:
        [tag] = [t for t in entry.tags if t.scheme == "https://feeds.example.org/hearing-status/"]
        found[entry.title] = (tag.term, tag.label, entry.content[0].value)
    return found


def test_the_category_the_content_and_the_index_tell_each_hearings_state(site):
    config, feeds = site
    assert main(["build", "-q", "--config", config]) == 0
    found = states(feeds)
    passed, older = TODAY - timedelta(days=5), TODAY - timedelta(days=6)
    assert found["Åpen høring"][:2] == ("open", "På høring")
    assert found["Høring med utløpt frist"][:2] == ("deadline-passed", "Fristen er ute")
    assert found["Høyring med utgått frist"][:2] == ("deadline-passed", "Fristen er ute")
    assert found["Avsluttet høring"][:2] == ("closed", "Avsluttet")
    assert found["Avlyst høring"][:2] == ("cancelled", "Avlyst")
    # the site's own words kept, the derived state beside them, in the hearing's language
    assert f"Status: På høring (Fristen gikk ut {passed:%d.%m.%Y})" in found["Høring med utløpt frist"][2]
    assert f"Status: På høyring (Fristen gjekk ut {older:%d.%m.%Y})" in found["Høyring med utgått frist"][2]
    assert "Status: På høring<br />" in found["Åpen høring"][2]
    opened = [e.title for e in validate_atom(feeds / "hearings/open.atom").entries]
    assert opened == ["Åpen høring"]  # hearings/open agrees

    page = LexborHTMLParser((feeds / "index.html").read_text("utf-8"))
    assert page.css_first("html").attributes["lang"] == "nb"
    told = {li.css_first("a").text(): li.css_first(".state").text(strip=True) if li.css_first(".state") else ""
            for li in page.css("section.feeds li")}
    assert told["Høring med utløpt frist"] == f"· Fristen gikk ut {passed:%d.%m.%Y}"
    assert told["Høyring med utgått frist"] == f"· Fristen gjekk ut {older:%d.%m.%Y}"
    assert told["Avsluttet høring"] == "· Avsluttet" and told["Avlyst høring"] == "· Avlyst"
    assert told["Åpen høring"] == f"· Frist {TODAY + timedelta(days=10):%d.%m.%Y}"
    open_section = page.css_first("#open-hearings").text()
    assert "Åpen høring" in open_section and "utløpt" not in open_section


def test_a_deadline_that_passes_is_told_on_that_day_though_nothing_else_changed(site, monkeypatch):
    config, feeds = site
    store = Store(load_config(config).database)
    try:
        commit_record(store, hearing(6, "Frist i dag", TODAY, "På høring"), "hoyringar")
    finally:
        store.close()
    assert main(["build", "-q", "--config", config]) == 0
    assert states(feeds)["Frist i dag"][0] == "open"

    class Tomorrow(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime.now(tz) + timedelta(days=1)

    monkeypatch.setattr(publishing, "datetime", Tomorrow)
    assert main(["build", "-q", "--config", config]) == 0
    term, label, content = states(feeds)["Frist i dag"]
    assert (term, label) == ("deadline-passed", "Fristen er ute")
    assert f"Fristen gikk ut {TODAY:%d.%m.%Y}" in content


@pytest.mark.parametrize("committee", [None, ("KOMFORV", "Kommunal- og forvaltningskomiteen")])
def test_every_hearing_says_its_deadline_passed_beside_the_sites_words(committee):
    """The government's hearings and a parliament committee's alike: the status line keeps the site's words and adds
    the derived state once the deadline is behind, never only "Pågår" or "På høring"."""
    from aggregator.hearings import Committee, Hearing
    from aggregator.publish.hearing_entries import fact_lines

    hearing = Hearing(deadline=dt.date(2026, 6, 10), status="Pågår",
                      committee=Committee(*committee) if committee else None)
    lines = fact_lines(hearing, "nb", on=dt.date(2026, 12, 5))
    assert "Status: Pågår (Fristen gikk ut 10.06.2026)" in lines
    assert "Status: Pågår" in fact_lines(hearing, "nb", on=dt.date(2026, 6, 1))  # still open: the site's words alone
