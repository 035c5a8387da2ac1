"""Atom feeds, index.html and feeds.opml written from the store: valid, complete, stable."""

import dataclasses
import os
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime

import pytest
from helpers import hearing_extra, validate_atom, write_config_text

from aggregator.commit import commit_record
from aggregator.config import load_config
from aggregator.normalize import OSLO
from aggregator.publish import publish, write_if_changed
from aggregator.records import Record
from aggregator.store import Store

T0 = datetime(2026, 7, 4, 8, 0, tzinfo=UTC)

CONFIG = """
[output]
base_url = "https://feeds.example.org/norway"
max_entries = 2
[[sources]]
id = "gov-no"
kind = "feed"
url = "https://www.regjeringen.no/no/rss/Rss/2581966/"
title = "Regjeringen – alt"
topics = ["innvandring-og-integrering"]
[[sources]]
id = "ks"
kind = "feed"
url = "https://www.ks.no/fagomrader/innvandring-og-integrering/integrering/"
[[topics]]
id = "hearings"
title = "Hearings – Høringer"
document_types = ["consultation", "consultation-response"]
[[topics]]
id = "tax"
keywords = ["SKATT"]
"""

ITEMS = [
    (Record(id="https://www.regjeringen.no/no/id1/", link="https://www.regjeringen.no/no/dokumenter/a/id1/",
            title="Høyring om skatt på utbyte", summary="Forslag om skatt. Frist i august.", language="nn",
            published=datetime(2026, 7, 3, tzinfo=OSLO), document_type="consultation", ministries=["fin"],
            extra=hearing_extra("2026-08-14")), "gov-no"),
    (Record(id="https://www.regjeringen.no/no/id2/", link="https://www.regjeringen.no/no/aktuelt/b/id2/",
            title="Ny integreringsstrategi <med> «sitat» & mer", summary="Arbeids- og inkluderingsdepartementet og BFD.",
            language="nb", published=datetime(2026, 7, 5, 10, 30, tzinfo=OSLO), document_type="press-release",
            ministries=["aid", "bfd"], authors=["Arbeids- og inkluderingsdepartementet", "Barne- og familiedepartementet"],
            topics=["arbeidsliv"], topic_titles={"arbeidsliv": "Arbeidsliv"}), "gov-no"),
    (Record(id="https://www.ks.no/horingssvar/nou-2022-18/", link="https://www.ks.no/horingssvar/nou-2022-18/",
            title="Høringssvar: NOU 2022: 18", summary="KS mener at kommunene må få mer tid.", language="nb",
            published=datetime(2026, 7, 4, 9, 0, tzinfo=OSLO), document_type="consultation-response",
            authors=["KS"]), "ks"),
]


@pytest.fixture
def setup(tmp_path):
    config = load_config(write_config_text(tmp_path, CONFIG))
    store = Store(config.database)
    for record, source_id in ITEMS:
        source = next(s for s in config.sources if s.id == source_id)
        commit_record(store, record, source_id, source.topics, now=T0)
    yield config, store
    store.close()


def feed(config, path):
    return validate_atom(config.output_dir / f"{path}.atom")


def test_every_feed_is_written_and_valid(setup):
    config, store = setup
    report = publish(config, store)
    expected = {
        "all.atom", "sources/gov-no.atom", "sources/ks.atom", "topics/hearings.atom", "topics/tax.atom",
        "topics/innvandring-og-integrering.atom", "topics/arbeidsliv.atom", "ministries/fin.atom",
        "ministries/aid.atom", "ministries/bfd.atom", "hearings/open.atom", "hearings/deadlines.ics", "index.html",
        "feeds.opml",
    }
    assert set(report.written) == expected
    for name in expected - {"index.html", "feeds.opml", "hearings/deadlines.ics"}:
        validate_atom(config.output_dir / name)
    assert not (config.output_dir / "ministries/jd.atom").exists()  # no items, no feed


def test_feed_metadata_self_link_language_and_newest_first(setup):
    config, store = setup
    publish(config, store)
    parsed = feed(config, "topics/hearings")
    assert parsed.feed.title == "Hearings – Høringer"
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links["self"] == "https://feeds.example.org/norway/topics/hearings.atom"
    assert parsed.feed.id == links["self"]
    assert [e.title for e in parsed.entries] == ["Høringssvar: NOU 2022: 18", "Høyring om skatt på utbyte"]
    root = ET.parse(config.output_dir / "topics/hearings.atom").getroot()
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "nb"
    assert root.findtext("{http://www.w3.org/2005/Atom}updated") == "2026-07-04T09:00:00+02:00"


def test_entries_carry_id_link_dates_with_offset_authors_categories_and_summary(setup):
    config, store = setup
    publish(config, store)
    entry = feed(config, "ministries/fin").entries[0]
    assert entry.id == "https://www.regjeringen.no/no/id1/"
    assert entry.link == "https://www.regjeringen.no/no/dokumenter/a/id1/"
    assert entry.published == "2026-07-03T00:00:00+02:00"  # that day in Oslo, not UTC midnight
    assert entry.updated == "2026-07-03T00:00:00+02:00"
    assert entry.author == "Finansdepartementet"
    assert entry.summary == "Forslag om skatt. Frist i august."
    terms = {(t.scheme, t.term) for t in entry.tags}
    assert ("https://feeds.example.org/norway/ministries/", "fin") in terms
    assert ("https://feeds.example.org/norway/document-types/", "consultation") in terms
    assert "Høyringsfrist: 14.08.2026" in entry.content[0].value  # the deadline, labelled in the entry's nynorsk

    two = feed(config, "ministries/aid").entries[0]
    assert [a.name for a in two.authors] == ["Arbeids- og inkluderingsdepartementet", "Barne- og familiedepartementet"]
    assert two.title == "Ny integreringsstrategi <med> «sitat» & mer"
    assert {t.term for t in two.tags} >= {"aid", "bfd", "press-release", "arbeidsliv", "innvandring-og-integrering"}
    assert feed(config, "topics/arbeidsliv").feed.title == "Arbeidsliv"


def test_topic_rules_source_topics_types_and_keywords(setup):
    config, store = setup
    publish(config, store)
    assert len(feed(config, "topics/innvandring-og-integrering").entries) == 2  # given by the source
    assert [e.title for e in feed(config, "topics/tax").entries] == ["Høyring om skatt på utbyte"]  # keyword, any case
    assert [e.title for e in feed(config, "sources/ks").entries] == ["Høringssvar: NOU 2022: 18"]


def test_max_entries_keeps_the_newest(setup):
    config, store = setup
    publish(config, store)
    titles = [e.title for e in feed(config, "all").entries]
    assert titles == ["Ny integreringsstrategi <med> «sitat» & mer", "Høringssvar: NOU 2022: 18"]


def test_an_unchanged_store_rewrites_nothing(setup):
    config, store = setup
    publish(config, store)
    files = [p for p in config.output_dir.rglob("*") if p.is_file()]
    old = 1_000_000_000
    for path in files:
        os.utime(path, (old, old))
    report = publish(config, store)
    assert report.written == []
    assert all(p.stat().st_mtime == old for p in files)
    commit_record(store, dataclasses.replace(ITEMS[0][0], title="Høyring om skatt på utbyte (endra)"), "gov-no", now=T0)
    report = publish(config, store)
    assert "ministries/fin.atom" in report.written and "ministries/aid.atom" not in report.written


def test_index_lists_every_feed_escaped_with_autodiscovery(setup):
    config, store = setup
    publish(config, store)
    html = (config.output_dir / "index.html").read_text("utf-8")
    assert html.count('rel="alternate" type="application/atom+xml"') == 11
    assert 'href="hearings/deadlines.ics"' in html  # relative: the page works wherever the folder is served
    assert 'href="topics/hearings.atom"' in html and "https://feeds.example.org/norway/" not in html
    assert "Ny integreringsstrategi &lt;med&gt; «sitat» &amp; mer" in html
    assert "<med>" not in html


def test_opml_lists_every_feed(setup):
    config, store = setup
    publish(config, store)
    outlines = ET.parse(config.output_dir / "feeds.opml").getroot().findall("./body/outline")
    assert len(outlines) == 11
    urls = {o.get("xmlUrl") for o in outlines}
    assert "https://feeds.example.org/norway/hearings/open.atom" in urls
    assert not any(url.endswith(".ics") for url in urls)  # a calendar is no feed: index.html lists it
    assert "https://feeds.example.org/norway/ministries/bfd.atom" in urls
    assert {o.get("type") for o in outlines} == {"rss"}


def test_a_feed_nobody_defines_any_more_is_removed(setup, tmp_path):
    config, store = setup
    publish(config, store)
    config.topics = [t for t in config.topics if t.id != "tax"]
    report = publish(config, store)
    assert report.removed == ["topics/tax.atom"]
    assert not (config.output_dir / "topics/tax.atom").exists()


def test_write_if_changed_is_atomic_and_leaves_no_temporary_files(tmp_path):
    target = tmp_path / "out" / "x.atom"
    assert write_if_changed(target, b"one") is True
    assert write_if_changed(target, b"one") is False
    assert write_if_changed(target, b"two") is True
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["x.atom"]


def test_an_entry_in_another_language_than_its_feed_says_so_with_its_own_labels(setup):
    config, store = setup
    english = Record(id="https://www.regjeringen.no/en/id9/", link="https://www.regjeringen.no/en/dokumenter/c/id9/",
                     title="Consultation on tax", summary="A proposal on tax.", language="en",
                     published=datetime(2026, 7, 2, tzinfo=OSLO), document_type="consultation", ministries=["fin"],
                     extra=hearing_extra("2026-09-01", "Open"))
    commit_record(store, english, "gov-no", now=T0)
    config.max_entries = 10
    publish(config, store)
    root = ET.parse(config.output_dir / "ministries/fin.atom").getroot()
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    by_id = {e.findtext("{http://www.w3.org/2005/Atom}id"): e for e in root.iter("{http://www.w3.org/2005/Atom}entry")}
    assert root.get(lang) in ("nn", "en")
    languages = {entry_id: entry.get(lang) or root.get(lang) for entry_id, entry in by_id.items()}
    assert languages == {"https://www.regjeringen.no/no/id1/": "nn", "https://www.regjeringen.no/en/id9/": "en"}
    parsed = {e.id: e for e in feed(config, "ministries/fin").entries}
    english_content = parsed["https://www.regjeringen.no/en/id9/"].content[0]
    assert english_content.type == "text/html"
    passed = datetime.now(OSLO).date() > date(2026, 9, 1)  # the site's words kept, the state on this day added
    status = "Status: Open (Deadline passed 01.09.2026)" if passed else "Status: Open"
    assert f"{status}<br />Consultation deadline: 01.09.2026" in english_content.value
    assert "Høyringsfrist: 14.08.2026" in parsed["https://www.regjeringen.no/no/id1/"].content[0].value
    labels = {t.term: t.label for t in parsed["https://www.regjeringen.no/en/id9/"].tags}
    assert labels["consultation"] == "Consultation" and labels["fin"] == "Ministry of Finance"


def test_keyword_topics_match_words_not_letters_inside_words(setup, tmp_path):
    config, store = setup
    commit_record(store, Record(id="https://x.example/boks", link="https://x.example/boks", title="Postboks flyttes",
                        language="nb"), "ks", now=T0)
    commit_record(store, Record(id="https://x.example/ks", link="https://x.example/ks", title="KS-styret har møtt",
                        language="nb"), "ks", now=T0)
    config.topics.append(dataclasses.replace(config.topics[0], id="ks-saker", title="KS", document_types=[],
                                             keywords=["KS"]))
    publish(config, store)
    titles = [e.title for e in feed(config, "topics/ks-saker").entries]
    assert "KS-styret har møtt" in titles and "Postboks flyttes" not in titles


def test_an_entry_without_author_is_credited_to_its_own_feed_or_host(setup):
    config, store = setup
    commit_record(store, Record(id="https://fylke.example/a", link="https://fylke.example/a", title="Fylkessak",
                        extra={"credit": "Fylkesnytt"}), "ks", now=T0)
    commit_record(store, Record(id="https://kommune.example/b", link="https://kommune.example/b", title="Kommunesak"), "ks", now=T0)
    config.max_entries = 10
    publish(config, store)
    authors = {e.title: e.author for e in feed(config, "sources/ks").entries}
    assert authors["Fylkessak"] == "Fylkesnytt" and authors["Kommunesak"] == "kommune.example"
    assert "regjeringen.no" not in authors.values()


def test_a_build_redoes_only_the_feeds_whose_items_changed(setup, monkeypatch):
    from aggregator.publish import atom as publishing  # loaded by a build that renders a feed

    config, store = setup
    publish(config, store)
    rendered: list[str] = []
    real = publishing.render_atom
    monkeypatch.setattr(publishing, "render_atom", lambda spec, *a: (rendered.append(spec.path), real(spec, *a))[1])
    report = publish(config, store)  # nothing changed: nothing rendered, nothing written
    assert rendered == [] and report.written == []

    moved = dataclasses.replace(ITEMS[1][0], ministries=["aid"], authors=["Arbeids- og inkluderingsdepartementet"],
                                title="Ny integreringsstrategi (oppdatert)")
    commit_record(store, moved, "gov-no", config.sources[0].topics, now=T0)  # it leaves bfd, keeps aid
    publish(config, store)
    assert set(rendered) == {"all", "sources/gov-no", "topics/innvandring-og-integrering", "topics/arbeidsliv",
                             "ministries/aid"}  # not the ministry of finance's feed, nor KS's, nor the open hearings
    assert not (config.output_dir / "ministries/bfd.atom").exists()  # no item left in it: the feed goes

    rendered.clear()
    config.topics.append(dataclasses.replace(config.topics[0], id="alt-om-ks", title="KS", document_types=[],
                                             keywords=["KS"]))
    publish(config, store)  # a changed config: every feed is filed and written anew
    assert "topics/alt-om-ks" in rendered and "all" in rendered
    assert [e.title for e in feed(config, "topics/alt-om-ks").entries] == ["Høringssvar: NOU 2022: 18"]
