"""End to end: `aggregator run` with a `kind = "ks"` source against listing and article pages served
on 127.0.0.1, checked in sources/<id>.atom and topics/hearings.atom entry by entry."""

from __future__ import annotations

import pytest
from helpers import FIXTURES, answer_extra, open_store, validate_atom, write_config

from aggregator.cli import main

KS = FIXTURES / "ks"
LISTING = "/fagomrader/innvandring-og-integrering/integrering/"
TOPIC = LISTING.rstrip("/")
HEARING_NOU = "/horingssvar/horingssvar-nou-2024-7-kommunal-beredskap/"
HEARING_INTERPRETERS = "/horingssvar/horingssvar-om-tolketjenester-i-kommunene/"
OPINION = f"{TOPIC}/sprak-apner-dorer-ogsa-pa-arbeidsplassen/"
SURVEY = f"{TOPIC}/kommunespeilet-flere-kommuner-tilbyr-sprakpraksis/"  # robots.txt forbids it
GUIDANCE = f"{TOPIC}/ny-veiledning-om-bosetting-av-enslige-mindrearige/"
GRANTS = f"{TOPIC}/tilskudd-til-kvalifisering-okes/"  # its page answers 404

ROBOTS = f"User-agent: *\nDisallow: {TOPIC}/kommunespeilet-\n"

# path -> (title, published, updated, summary, category terms); None where the page gave no date
ENTRIES = {
    HEARING_NOU: ("Høringssvar: NOU 2024: 7 Kommunal beredskap i en ny tid", "2024-03-12T09:30:00+01:00", "2024-03-14T13:05:00+01:00",
                  "KS støtter hovedlinjene i utredningen, men mener kommunene må få et tydeligere ansvar og bedre finansiering av beredskapsarbeidet.",
                  {"consultation-response", "integrering"}),
    HEARING_INTERPRETERS: ("Høringssvar om tolketjenester i kommunene", "2025-02-05T00:00:00+01:00", "2025-02-07T14:30:00+01:00",
                           "Kommunene trenger flere kvalifiserte tolker. KS ber om at staten tar et større ansvar for utdanningen av tolker.",
                           {"consultation-response", "integrering"}),
    OPINION: ("Språk åpner dører – også på arbeidsplassen", "2024-11-20T09:00:00+01:00", "2024-11-21T08:15:00+01:00",
              "Norskopplæring på arbeidsplassen gir raskere integrering. Kommunene kan gå foran som arbeidsgivere, skriver KS-direktøren.",
              {"opinion", "integrering"}),
    SURVEY: ("Kommunespeilet: Flere kommuner tilbyr språkpraksis", None, None,
             "Tre av fire kommuner tilbyr nå språkpraksis i egen virksomhet, viser årets undersøkelse.", {"article", "integrering"}),
    GUIDANCE: ("Ny veiledning om bosetting av enslige mindreårige", "2025-01-15T10:00:00+01:00", "2025-01-16T08:00:00+01:00",
               "Veiledningen gir kommunene råd om hvordan de kan planlegge bosettingen, og om hvilke tilskudd som følger med de første årene.",
               {"article", "integrering"}),
    GRANTS: ("Tilskudd til kvalifisering økes i 2025", None, None,
             "Regjeringen foreslår å øke tilskuddet til kommunenes kvalifiseringsarbeid med 120 millioner kroner.", {"article", "integrering"}),
}


def page(name: str) -> str:
    return (KS / name).read_text("utf-8")


@pytest.fixture
def site(http_server):
    http_server.add("/robots.txt", ROBOTS, content_type="text/plain")
    http_server.add(LISTING, page("listing-cards.html"))
    http_server.add(HEARING_NOU, page("article-jsonld.html"))
    # An older page in Windows-1252, as its header and <meta> say: "ø", "å" and "–" must survive.
    cp1252 = page("article-visible-text.html").replace('charset="utf-8"', 'charset="windows-1252"').encode("cp1252")
    http_server.add(HEARING_INTERPRETERS, cp1252, content_type="text/html; charset=windows-1252")
    http_server.add(OPINION, page("article-time.html"))
    http_server.add(SURVEY, page("article-dc-date.html"))
    http_server.add(GUIDANCE, page("article-og.html"))
    return http_server


def ks_config(tmp_path, url: str, selectors: dict | None = None) -> str:
    """The KS topic page as a source (its selectors pinned, where given); a topic of hearings and answers."""
    source = {"id": "ks-integrering", "kind": "ks", "title": "KS – Integrering", "url": f"{url}{LISTING}", "topics": ["integrering"]}
    return write_config(tmp_path, storage={"database": "data/aggregator.db"},
                        output={"directory": "out", "base_url": "https://feeds.example.org/"},
                        topics=[{"id": "hearings", "title": "Høringer", "document_types": ["consultation", "consultation-response"]}],
                        sources=[{**source, "selectors": selectors} if selectors else source])


def check_entry(entry, url: str, path: str) -> None:
    title, published, updated, summary, terms = ENTRIES[path]
    assert (entry.title, entry.link, entry.id, entry.summary) == (title, url + path, url + path, summary)
    assert {t.term for t in entry.tags} == terms
    assert [a.name for a in entry.authors] == ["KS"]
    if published:
        assert (entry.published, entry.updated) == (published, updated)


def test_run_writes_the_ks_items_to_the_source_and_hearings_feeds(site, tmp_path, capsys):
    config = ks_config(tmp_path, site.url)
    assert main(["run", "--config", config]) == 0
    out = tmp_path / "out"

    feed = validate_atom(out / "sources" / "ks-integrering.atom")
    by_link = {e.link: e for e in feed.entries}
    assert set(by_link) == {site.url + p for p in ENTRIES}
    for path in ENTRIES:
        check_entry(by_link[site.url + path], site.url, path)
    dated = [e.link.removeprefix(site.url) for e in feed.entries if ENTRIES[e.link.removeprefix(site.url)][1]]
    assert dated == [HEARING_INTERPRETERS, GUIDANCE, OPINION, HEARING_NOU]  # newest first

    hearings = validate_atom(out / "topics" / "hearings.atom")
    assert [e.link for e in hearings.entries] == [site.url + HEARING_INTERPRETERS, site.url + HEARING_NOU]
    for entry in hearings.entries:
        check_entry(entry, site.url, entry.link.removeprefix(site.url))

    # The hearing each answer refers to is kept for a later link to the government's hearing.
    with open_store(config) as store:
        assert store.get_item(site.url + HEARING_NOU)["extra"] == answer_extra("NOU 2024: 7", label="Høring")
        assert store.get_item(site.url + HEARING_INTERPRETERS)["extra"] == answer_extra("Meld. St. 9 (2024–2025)", label="Høring")

    # robots.txt is honoured: the forbidden article page was never requested; the 404 is a warning.
    assert SURVEY not in site.paths() and site.paths()[:2] == ["/robots.txt", LISTING]
    err = capsys.readouterr().err
    assert GRANTS in err and "HTTP 404" in err and "without a publication date" in err
    assert SURVEY in err and "robots.txt" in err


def test_a_second_run_reads_only_the_listing_and_what_still_lacks_a_date(site, tmp_path):
    config = ks_config(tmp_path, site.url)
    assert main(["run", "--config", config]) == 0
    before = {p: p.read_bytes() for p in (tmp_path / "out").rglob("*.atom")}
    site.requests.clear()
    assert main(["run", "--config", config]) == 0
    assert site.paths() == ["/robots.txt", LISTING, GRANTS]
    assert {p: p.read_bytes() for p in (tmp_path / "out").rglob("*.atom")} == before


NEW_LAYOUT = """<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"><title>Integrering</title></head>
<body><div class="x-page"><div class="x-list">
  <div class="x-row"><span class="x-kicker">HØRING</span><div class="x-title">Høringssvar om NOU 2025: 2 Ny kommunelov</div>
    <div class="x-text">KS mener utvalget har funnet en god balanse.</div><a class="x-go" href="/horingssvar/ny-kommunelov/">Gå til saken</a></div>
  <div class="x-row"><div class="x-title">Flere lærlinger i kommunene</div>
    <div class="x-text">Antallet lærlinger økte i fjor.</div><a class="x-go" href="/aktuelt/flere-laerlinger/">Gå til saken</a></div>
</div></div></body></html>"""
NEW_ARTICLE = """<html lang="nb"><body><div class="x-page"><div class="x-title">{title}</div>
<div class="x-meta"><span class="x-date">Lagt ut 3. mars 2025 kl. 12.00</span></div><div class="x-text">{text}</div></div></body></html>"""


def test_a_layout_change_fails_the_source_until_selectors_are_pinned(site, tmp_path, capsys):
    config = ks_config(tmp_path, site.url)
    assert main(["run", "--config", config]) == 0
    capsys.readouterr()

    site.add(LISTING, NEW_LAYOUT)
    assert main(["run", "--config", config]) == 1
    err = capsys.readouterr().err
    assert "ks-integrering" in err and "layout may have changed" in err and "[sources.selectors]" in err
    # Nothing is lost: the items already stored stay in the feed.
    assert len(validate_atom(tmp_path / "out" / "sources" / "ks-integrering.atom").entries) == len(ENTRIES)

    site.add("/horingssvar/ny-kommunelov/", NEW_ARTICLE.format(title="Høringssvar om NOU 2025: 2 Ny kommunelov", text="KS mener utvalget har funnet en god balanse."))
    site.add("/aktuelt/flere-laerlinger/", NEW_ARTICLE.format(title="Flere lærlinger i kommunene", text="Antallet lærlinger økte i fjor."))
    pinned = ks_config(tmp_path, site.url, selectors={
        "item": ".x-list .x-row", "title": ".x-title", "link": "a.x-go", "label": ".x-kicker", "summary": ".x-text", "date": ".x-date"})
    assert main(["run", "--config", pinned]) == 0
    feed = validate_atom(tmp_path / "out" / "sources" / "ks-integrering.atom")
    new = {e.link: e for e in feed.entries if e.link.endswith(("/ny-kommunelov/", "/flere-laerlinger/"))}
    answer = new[site.url + "/horingssvar/ny-kommunelov/"]
    assert (answer.title, answer.summary, answer.published) == (
        "Høringssvar om NOU 2025: 2 Ny kommunelov", "KS mener utvalget har funnet en god balanse.", "2025-03-03T12:00:00+01:00")
    assert {t.term for t in answer.tags} == {"consultation-response", "integrering"}
    hearings = validate_atom(tmp_path / "out" / "topics" / "hearings.atom")
    assert hearings.entries[0].link == site.url + "/horingssvar/ny-kommunelov/"
    assert len(feed.entries) == len(ENTRIES) + 2
