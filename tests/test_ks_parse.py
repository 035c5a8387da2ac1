"""The ks.no source: teasers found by structure (not class names), article dates, pinned selectors.

The markups under fixtures/ks/ are this project's own, written in the shapes real CMS pages take (what a listing
alone parses to is in its parser case beside it: fixtures/ks/*.expected.json, run by test_parser_cases.py); the
reconstructed pages in ../shared are used where present (they skip cleanly otherwise).
"""

from __future__ import annotations

import dataclasses

import pytest
from helpers import FIXTURES, answer_extra, completed, shared_file

from aggregator.config import SourceConfig
from aggregator.hearings import answer_to
from aggregator.http import FetchError, Response, RobotsDisallowed
from aggregator.merge import Document
from aggregator.normalize import hearing_reference
from aggregator.records import SourceError
from aggregator.sources import SourceContext
from aggregator.sources.ks.article import parse_article
from aggregator.sources.ks.fetching import fetch
from aggregator.sources.ks.listing import ks_document_type, parse_listing

KS = FIXTURES / "ks"
SITE = "https://www.ks.no"
LISTING = f"{SITE}/fagomrader/innvandring-og-integrering/integrering/"
TOPIC = f"{SITE}/fagomrader/innvandring-og-integrering/integrering"

# What the listing markups of fixtures/ks/ must all give, once each article page is read.
# (title, link, label, document type, hearing reference, summary, published, updated)
EXPECTED = [
    ("Høringssvar: NOU 2024: 7 Kommunal beredskap i en ny tid",
     f"{SITE}/horingssvar/horingssvar-nou-2024-7-kommunal-beredskap/", "Høring", "consultation-response", "NOU 2024: 7",
     "KS støtter hovedlinjene i utredningen, men mener kommunene må få et tydeligere ansvar og bedre finansiering av beredskapsarbeidet.",
     "2024-03-12T09:30:00+01:00", "2024-03-14T13:05:00+01:00"),
    ("Høringssvar om tolketjenester i kommunene",
     f"{SITE}/horingssvar/horingssvar-om-tolketjenester-i-kommunene/", "Høring", "consultation-response", "Meld. St. 9 (2024–2025)",
     "Kommunene trenger flere kvalifiserte tolker. KS ber om at staten tar et større ansvar for utdanningen av tolker.",
     "2025-02-05T00:00:00+01:00", "2025-02-07T14:30:00+01:00"),
    ("Språk åpner dører – også på arbeidsplassen",
     f"{TOPIC}/sprak-apner-dorer-ogsa-pa-arbeidsplassen/", "Kronikker", "opinion", None,
     "Norskopplæring på arbeidsplassen gir raskere integrering. Kommunene kan gå foran som arbeidsgivere, skriver KS-direktøren.",
     "2024-11-20T09:00:00+01:00", "2024-11-21T08:15:00+01:00"),
    ("Kommunespeilet: Flere kommuner tilbyr språkpraksis",
     f"{TOPIC}/kommunespeilet-flere-kommuner-tilbyr-sprakpraksis/", "Kommunespeilet", "article", None,
     "Tre av fire kommuner tilbyr nå språkpraksis i egen virksomhet, viser årets undersøkelse.",
     "2024-06-03T00:00:00+02:00", None),
    ("Ny veiledning om bosetting av enslige mindreårige",
     f"{TOPIC}/ny-veiledning-om-bosetting-av-enslige-mindrearige/", None, "article", None,
     "Veiledningen gir kommunene råd om hvordan de kan planlegge bosettingen, og om hvilke tilskudd som følger med de første årene.",
     "2025-01-15T10:00:00+01:00", "2025-01-16T08:00:00+01:00"),
    ("Tilskudd til kvalifisering økes i 2025",
     f"{TOPIC}/tilskudd-til-kvalifisering-okes/", None, "article", None,
     "Regjeringen foreslår å øke tilskuddet til kommunenes kvalifiseringsarbeid med 120 millioner kroner.",
     "2024-10-02T00:00:00+02:00", "2024-10-03T00:00:00+02:00"),
]

# Which article page (each a different date markup) answers for which item.
ARTICLE_PAGES = {
    EXPECTED[0][1]: "article-jsonld.html",
    EXPECTED[1][1]: "article-visible-text.html",
    EXPECTED[2][1]: "article-time.html",
    EXPECTED[3][1]: "article-dc-date.html",
    EXPECTED[4][1]: "article-og.html",
    EXPECTED[5][1]: "article-numeric-text.html",
}


def fixture(name: str) -> str:
    return (KS / name).read_text("utf-8")


class FakeHttp:
    """Stands in for PoliteClient: URL -> HTML text, or an exception to raise. Logs what was asked."""

    def __init__(self, routes: dict[str, str | Exception]):
        self.routes = routes
        self.requested: list[str] = []

    def get(self, url: str, *, check_robots: bool = True, validators=None, hosts=None) -> Response:
        self.requested.append(url)
        answer = self.routes.get(url, FetchError(url, "HTTP 404 Not Found", 404))
        if isinstance(answer, Exception):
            raise answer
        return Response(url, 200, answer.encode("utf-8"), {"content-type": "text/html; charset=utf-8"})


def source(**selectors: str) -> SourceConfig:
    return SourceConfig(id="ks-integrering", kind="ks", url=LISTING, options={"selectors": selectors})


def site_with(listing: str, **overrides: str | Exception) -> FakeHttp:
    routes: dict[str, str | Exception] = {LISTING: listing}
    routes.update({url: fixture(page) for url, page in ARTICLE_PAGES.items()})
    routes.update(overrides)
    return FakeHttp(routes)


def reference(record) -> str | None:
    """The reference an answer cites, if any."""
    return next(iter(answer_to(record).references), None)


def as_rows(records) -> list[tuple]:
    rows = []
    for r in records:
        updated = r.site_updated if isinstance(r, Document) else r.updated
        rows.append((r.title, r.link, r.extra.get("label"), r.document_type, reference(r), r.summary,
                     r.published.isoformat() if r.published else None, updated.isoformat() if updated else None))
    return rows


def history(records, **article_state) -> SourceContext:
    """A context whose source saw `records` before and read their article pages (or per `article_state`)."""
    seen = {r.id: r for r in records}
    return lambda http: SourceContext(http=http, observed=seen.get,
                                      article_state=lambda i: article_state.get(i, {"status": "read"}) if i in seen else None)


# ------------------------------------------------------------------------------------------ own markups


@pytest.mark.parametrize("listing", ["listing-cards.html", "listing-articles.html"])
def test_own_markups_give_the_same_items(listing):
    http = site_with(fixture(listing))
    result = fetch(source(), SourceContext(http=http))
    assert as_rows(completed(result, "ks-integrering")) == EXPECTED
    assert result.warnings == []
    for record in completed(result, "ks-integrering"):
        assert record.id == record.link
        assert record.authors == ["KS"] and record.language == "nb"


def test_label_inside_the_heading_is_not_part_of_the_title():
    html = """<main><ul>
      <li><h3><a href="/horingssvar/svar-a/"><span>HØRING</span> Høringssvar om Prop. 90 L (2022-2023)</a></h3><p>KS mener forslaget må endres på flere punkter.</p></li>
      <li><h3><a href="/horingssvar/svar-b/"><span>HØRING</span> Høringssvar om barnehageloven</a></h3><p>KS støtter forslaget, men ber om bedre finansiering.</p></li>
    </ul></main>"""
    first, second = parse_listing(LISTING, html)
    assert (first.title, first.extra) == ("Høringssvar om Prop. 90 L (2022-2023)", answer_extra("Prop. 90 L (2022–2023)", label="HØRING"))
    assert (second.title, second.extra["label"]) == ("Høringssvar om barnehageloven", "HØRING")


def test_a_title_that_begins_with_the_label_word_keeps_it():
    html = """<main>
      <div><a href="/aktuelt/ks1/"><span>kommunespeilet</span><h2>Kommunespeilet: Færre søkere til lærerutdanning</h2><p>Tallene viser en nedgang for tredje år på rad.</p></a></div>
      <div><a href="/aktuelt/ks2/"><h2>Kronikk om skolen</h2><span>KRONIKKER</span><p>Skolen må ha tid til det viktigste, skriver KS.</p></a></div>
    </main>"""
    first, second = parse_listing(LISTING, html)
    assert (first.title, first.extra["label"], first.document_type) == ("Kommunespeilet: Færre søkere til lærerutdanning", "kommunespeilet", "article")
    assert (second.title, second.extra["label"], second.document_type) == ("Kronikk om skolen", "KRONIKKER", "opinion")


def test_heading_without_link_takes_the_cards_one_article_link():
    html = """<main><div class="grid">
      <div><a href="/aktuelt/a/"><img src="/a.jpg" alt=""></a><h3>Første sak</h3><p>Ingress til den første saken her.</p><a href="/aktuelt/a/">Les mer</a></div>
      <div><a href="/aktuelt/b/"><img src="/b.jpg" alt=""></a><h3>Andre sak</h3><p>Ingress til den andre saken her.</p><a href="/aktuelt/b/">Les mer</a></div>
    </div><p><a href="/aktuelt/">Les flere artikler</a></p></main>"""
    records = parse_listing(LISTING, html)
    assert [(r.title, r.link, r.summary, r.extra) for r in records] == [
        ("Første sak", f"{SITE}/aktuelt/a/", "Ingress til den første saken her.", {}),
        ("Andre sak", f"{SITE}/aktuelt/b/", "Ingress til den andre saken her.", {}),
    ]


def test_links_to_other_sites_files_and_the_page_itself_are_not_teasers():
    html = """<main><ul>
      <li><h3><a href="https://www.regjeringen.no/no/aktuelt/x/id1/">Hos regjeringen</a></h3><p>En lenke til et annet nettsted.</p></li>
      <li><h3><a href="/globalassets/rapport.pdf">Rapporten som PDF</a></h3><p>En lenke til en fil, ikke en artikkel.</p></li>
      <li><h3><a href="?side=2">Side to av listen</a></h3><p>En lenke til samme side med en parameter.</p></li>
    </ul></main>"""
    with pytest.raises(SourceError):
        parse_listing(LISTING, html)


# ------------------------------------------------------------------------------------------ reconstructed pages


RECONSTRUCTED = [
    ("Høringsinnspill til kommunal- og forvaltningskomiteen om midlertidige regler for fordrevne fra Ukraina",
     "/horingssvar/horingsinnspill-til-kommunal-og-forvaltningskomiteen-om-midlertidige-regler-for-fordrevne-fra-ukraina/",
     "HØRING", "consultation-response", None),
    ("Høringssvar: NOU 2022: 18 Mellom mobilitet og migrasjon", "/horingssvar/nou-2022-18-mellom-mobilitet-og-migrasjon/",
     "HØRING", "consultation-response", "NOU 2022: 18"),
    ("Høringssvar om regler som gjelder fordrevene fra Ukraina", "/horingssvar/horingssvar-om-regler-som-gjelder-fordrevne-fra-ukraina/",
     "HØRING", "consultation-response", None),
    ("Ny veileder for offentlig informasjon", "/fagomrader/innvandring-og-integrering/integrering/ny-veileder-for-offentlig-informasjon/",
     None, "article", None),
    ("Rundskriv - arbeidstidsordningen for lærere som underviser etter integreringsloven",
     "/fagomrader/innvandring-og-integrering/integrering/rundskriv-arbeidstidsordningen-for-larere-som-underviser-etter-integreringsloven/",
     None, "article", None),
    ("Ny integreringspakke vedtatt", "/fagomrader/innvandring-og-integrering/integrering/ny-integreringspakke-vedtatt/", None, "article", None),
]


def test_reconstructed_listing():
    html = shared_file("pages", "reconstructed", "ks-integrering.html").read_text("utf-8")
    records = parse_listing(LISTING, html)
    assert [(r.title, r.link, r.extra.get("label"), r.document_type, reference(r)) for r in records] == [
        (title, SITE + path, label, kind, ref) for title, path, label, kind, ref in RECONSTRUCTED
    ]
    assert records[1].summary.startswith("Utvalget har levert en svært grundig utredning")
    assert records[5].summary == ("Stortinget har vedtatt en ny integreringspakke for å avhjelpe konsekvenser av covid-19. "
                                  "Det innebærer ekstratilskudd til kommuner.")


@pytest.mark.parametrize("page, published, updated", [
    ("ks-article-1.html", "2024-02-05T09:30:00+01:00", "2024-02-07T00:00:00+01:00"),
    ("ks-article-2.html", "2023-04-14T12:00:00+02:00", "2023-04-16T00:00:00+02:00"),
    ("ks-article-3.html", "2022-11-22T15:45:00+01:00", "2022-11-24T00:00:00+01:00"),
])
def test_reconstructed_articles(page, published, updated):
    facts = parse_article(f"{SITE}/horingssvar/x/", shared_file("pages", "reconstructed", page).read_text("utf-8"))
    assert (facts.published.isoformat(), facts.updated.isoformat()) == (published, updated)
    assert facts.ingress and facts.title


# ------------------------------------------------------------------------------------------ health


@pytest.mark.parametrize("case", ["no-teasers-page-under-construction.html", "no-teasers-an-article-page.html",
                                  "no-teasers-empty.html"])
def test_a_page_without_teasers_is_a_layout_error(case):
    with pytest.raises(SourceError) as error:
        parse_listing(LISTING, fixture(case))
    message = str(error.value)
    assert LISTING in message and "layout may have changed" in message and "[sources.selectors]" in message


def test_fetch_reports_a_layout_error_not_zero_items():
    http = FakeHttp({LISTING: "<main><p>Ingen saker her.</p></main>"})
    with pytest.raises(SourceError, match="no article teasers found"):
        fetch(source(), SourceContext(http=http))


@pytest.mark.parametrize("error", [
    FetchError(LISTING, "HTTP 500 Internal Server Error", 500),
    FetchError(LISTING, "HTTP 429 Too Many Requests", 429),
    FetchError(LISTING, "timed out after 20 s"),
    RobotsDisallowed(LISTING, "disallowed by the site's robots.txt, so it was not requested"),
])
def test_an_unreadable_listing_is_a_source_error(error):
    with pytest.raises(SourceError) as raised:
        fetch(source(), SourceContext(http=FakeHttp({LISTING: error})))
    assert LISTING in str(raised.value) and error.reason in str(raised.value)


@pytest.mark.parametrize("failure", [
    FetchError("x", "HTTP 404 Not Found", 404),
    FetchError("x", "timed out after 20 s"),
    RobotsDisallowed("x", "disallowed by the site's robots.txt, so it was not requested"),
])
def test_one_broken_article_is_a_warning_and_the_item_keeps_the_teaser(failure):
    broken = EXPECTED[5][1]
    http = site_with(fixture("listing-cards.html"), **{broken: failure})
    result = fetch(source(), SourceContext(http=http))
    assert as_rows(completed(result, "ks-integrering"))[:5] == EXPECTED[:5]
    kept = completed(result, "ks-integrering")[5]
    assert (kept.title, kept.summary, kept.published) == (EXPECTED[5][0], EXPECTED[5][5], None)
    assert len(result.warnings) == 1
    assert broken in result.warnings[0] and failure.reason in result.warnings[0]
    assert "without a publication date" in result.warnings[0]


def test_an_article_page_without_any_date_is_a_warning():
    page = "<main><h1>Tilskudd til kvalifisering økes i 2025</h1><p>Ingen dato her, bare tekst om tilskudd.</p></main>"
    http = site_with(fixture("listing-cards.html"), **{EXPECTED[5][1]: page})
    result = fetch(source(), SourceContext(http=http))
    assert result.records[5].published is None
    assert len(result.warnings) == 1
    assert EXPECTED[5][1] in result.warnings[0] and "no publication date" in result.warnings[0]


def test_a_date_shown_in_the_teaser_is_kept_when_the_article_fails():
    html = fixture("listing-dates-in-teasers.html")
    result = fetch(source(), SourceContext(http=FakeHttp({LISTING: html})))
    assert [r.published.isoformat() for r in result.records] == ["2024-03-01T00:00:00+01:00", "2024-03-02T00:00:00+01:00"]
    assert [r.summary for r in result.records] == ["Ingress til den første saken her.", "Ingress til den andre saken her."]
    assert len(result.warnings) == 2 and not any("without a publication date" in w for w in result.warnings)


# ------------------------------------------------------------------------------------------ known items


def test_known_unchanged_items_are_not_fetched_again():
    first = fetch(source(), SourceContext(http=site_with(fixture("listing-cards.html"))))
    http = site_with(fixture("listing-cards.html"))
    again = fetch(source(), history(first.records)(http))
    assert http.requested == [LISTING]
    assert again.articles == {} and again.article_failures == {}
    assert [r.title for r in again.records] == [row[0] for row in EXPECTED]


def test_a_moved_teaser_or_a_failed_article_due_again_fetches_the_article():
    first = fetch(source(), SourceContext(http=site_with(fixture("listing-cards.html"))))
    before = [dataclasses.replace(r) for r in first.records]
    before[0].title = "An older title"  # this page showed another title last time
    failed = {EXPECTED[3][1]: {"status": "failed", "attempts": 1, "next_run": 0},
              EXPECTED[4][1]: {"status": "failed", "attempts": 2, "next_run": 99}}  # not due yet
    http = site_with(fixture("listing-cards.html"), **{EXPECTED[0][1]: FetchError(EXPECTED[0][1], "HTTP 503", 503)})
    result = fetch(source(), history(before, **failed)(http))
    assert http.requested == [LISTING, EXPECTED[0][1], EXPECTED[3][1]]
    assert list(result.article_failures) == [EXPECTED[0][1]] and list(result.articles) == [EXPECTED[3][1]]
    # The item seen before keeps the dates its article gave then (in the store); the warning does not claim otherwise.
    assert len(result.warnings) == 1 and "HTTP 503" in result.warnings[0] and "without" not in result.warnings[0]


# ------------------------------------------------------------------------------------------ pinned selectors

PINNED_PAGE = """<html><body><div id="c">
  <ul class="featured">
    <li><h3><a href="/aktuelt/fremhevet-en/">Fremhevet sak en</a></h3><p>Fremhevet ingress nummer en her.</p></li>
    <li><h3><a href="/aktuelt/fremhevet-to/">Fremhevet sak to</a></h3><p>Fremhevet ingress nummer to her.</p></li>
  </ul>
  <div class="feed">
    <div class="entry"><b class="cat">Høring</b><span class="t">Høringssvar om NOU 2023: 4 Tid for handling</span>
      <span class="sum">KS svarer på utvalgets forslag.</span><a class="go" href="/horingssvar/tid-for-handling/">→</a></div>
    <div class="entry"><span class="t">Ny avtale om introduksjonsprogrammet</span>
      <span class="sum">Partene er enige om en ny avtale.</span><a class="go" href="/aktuelt/ny-avtale/">→</a></div>
  </div>
</div></body></html>"""
PINNED = {"item": ".feed .entry", "title": ".t", "link": "a.go", "label": ".cat", "summary": ".sum"}


def test_pinned_selectors_override_the_structure_search():
    # The structure search alone finds the "featured" list (linked headings); pinned, only the entries.
    assert [r.title for r in parse_listing(LISTING, PINNED_PAGE)] == ["Fremhevet sak en", "Fremhevet sak to"]
    records = parse_listing(LISTING, PINNED_PAGE, PINNED)
    assert [(r.title, r.link, r.extra, r.summary, r.document_type) for r in records] == [
        ("Høringssvar om NOU 2023: 4 Tid for handling", f"{SITE}/horingssvar/tid-for-handling/",
         answer_extra("NOU 2023: 4", label="Høring"), "KS svarer på utvalgets forslag.", "consultation-response"),
        ("Ny avtale om introduksjonsprogrammet", f"{SITE}/aktuelt/ny-avtale/", {}, "Partene er enige om en ny avtale.", "article"),
    ]


def test_a_single_pinned_field_refines_the_structure_search():
    records = parse_listing(LISTING, fixture("listing-articles.html"), {"summary": ".news-item__kicker"})
    assert [r.summary for r in records[:4]] == ["Høring", "Høring", "Kronikker", "Kommunespeilet"]


def test_a_pinned_item_selector_matching_nothing_is_an_error():
    with pytest.raises(SourceError, match="matched nothing"):
        parse_listing(LISTING, PINNED_PAGE, {"item": ".gone"})


def test_an_invalid_pinned_selector_is_an_error_naming_it():
    with pytest.raises(SourceError, match="selector item"):
        parse_listing(LISTING, PINNED_PAGE, {"item": "div[["})


def test_a_pinned_date_selector_overrides_the_metadata():
    page = fixture("article-jsonld.html").replace("<h1>", '<p class="d">Publisert 1. april 2024 kl. 08.00</p><h1>')
    facts = parse_article(EXPECTED[0][1], page, {"date": ".d"})
    assert facts.published.isoformat() == "2024-04-01T08:00:00+02:00"
    assert facts.updated.isoformat() == "2024-03-14T13:05:00+01:00"  # no second match: the cascade gives it
    missing = parse_article(EXPECTED[0][1], page, {"date": ".nowhere"})
    assert missing.published.isoformat() == "2024-03-12T09:30:00+01:00"
    assert "date = '.nowhere'" in missing.warnings[0]


# ------------------------------------------------------------------------------------------ article dates

LAYERS = {
    "jsonld": '<script type="application/ld+json">{"@type": "Article", "datePublished": "2024-01-10T10:00:00+01:00"}</script>',
    "og": '<meta property="article:published_time" content="2024-01-11T10:00:00+01:00">',
    "dc": '<meta name="DC.Date" content="2024-01-12">',
    "time": '<p><time datetime="2024-01-13T10:00:00+01:00">13.01.2024</time></p>',
    "text": "<p>Publisert 14. januar 2024</p>",
}
WINNERS = {"jsonld": "2024-01-10T10:00:00+01:00", "og": "2024-01-11T10:00:00+01:00", "dc": "2024-01-12T00:00:00+01:00",
           "time": "2024-01-13T10:00:00+01:00", "text": "2024-01-14T00:00:00+01:00"}


@pytest.mark.parametrize("first", list(LAYERS))
def test_date_cascade_order(first):
    # Every place that comes before `first` in the cascade is absent; all after it disagree with it.
    present = list(LAYERS)[list(LAYERS).index(first):]
    head = "".join(LAYERS[k] for k in present if k in ("og", "dc"))
    body = "".join(LAYERS[k] for k in present if k not in ("og", "dc"))
    page = f"<html><head>{head}</head><body><main><h1>Sak</h1>{body}</main></body></html>"
    assert parse_article(f"{SITE}/aktuelt/sak/", page).published.isoformat() == WINNERS[first]


@pytest.mark.parametrize("text, expected", [
    ("Publisert: 12.03.2024", "2024-03-12T00:00:00+01:00"),
    ("Publisert 12. mars 2024 kl. 14:05", "2024-03-12T14:05:00+01:00"),
    ("Publisert: 1. juli 2024", "2024-07-01T00:00:00+02:00"),
    ("Dato: 3. des. 2024", "2024-12-03T00:00:00+01:00"),
])
def test_visible_norwegian_dates(text, expected):
    facts = parse_article(f"{SITE}/aktuelt/sak/", f"<main><h1>Sak</h1><p>{text}</p><p>Sist endret 20.12.2024</p></main>")
    assert facts.published.isoformat() == expected
    assert facts.updated.isoformat() == "2024-12-20T00:00:00+01:00"


def test_utc_dates_are_given_in_oslo_time():
    page = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-06-30T22:30:00Z"}</script>'
    assert parse_article(f"{SITE}/a/b/", page).published.isoformat() == "2024-07-01T00:30:00+02:00"


def test_broken_json_ld_falls_through_to_the_next_place():
    page = ('<script type="application/ld+json">{"@type": "Article", "datePublished": </script>'
            '<meta property="article:published_time" content="2024-05-02T11:00:00+02:00"><main><h1>Sak</h1></main>')
    assert parse_article(f"{SITE}/a/b/", page).published.isoformat() == "2024-05-02T11:00:00+02:00"


def test_an_article_page_without_dates_gives_none():
    facts = parse_article(f"{SITE}/a/b/", "<main><h1>Sak</h1><p>Tekst uten noen dato i det hele tatt her.</p></main>")
    assert (facts.published, facts.updated, facts.warnings) == (None, None, [])
    assert (facts.title, facts.ingress) == ("Sak", "Tekst uten noen dato i det hele tatt her.")


# ------------------------------------------------------------------------------------------ vocabulary


@pytest.mark.parametrize("label, path, expected", [
    ("HØRING", "/aktuelt/sak/", "consultation-response"),
    ("høring", "/aktuelt/sak/", "consultation-response"),
    ("Høringssvar", "/aktuelt/sak/", "consultation-response"),
    (None, "/horingssvar/sak/", "consultation-response"),
    ("KRONIKKER", "/aktuelt/sak/", "opinion"),
    ("kronikker", "/aktuelt/sak/", "opinion"),
    ("KS MENER", "/aktuelt/sak/", "opinion"),
    ("KOMMUNESPEILET", "/aktuelt/sak/", "article"),
    ("RAPPORT", "/aktuelt/sak/", "report"),  # the project's shared vocabulary still applies
    (None, "/aktuelt/sak/", "article"),
])
def test_ks_labels_mean_document_types(label, path, expected):
    assert ks_document_type(label, SITE + path) == expected


@pytest.mark.parametrize("text, expected", [
    ("Høringssvar: NOU 2022: 18 Mellom mobilitet og migrasjon", "NOU 2022: 18"),
    ("Svar på NOU 2022:18", "NOU 2022: 18"),
    ("Høring om Prop. 90 L (2022–2023) og mer", "Prop. 90 L (2022–2023)"),
    ("Innspill til Meld. St. 17 (2023-2024) om integrering", "Meld. St. 17 (2023–2024)"),
    ("Høringssvar om regler for fordrevne", None),
])
def test_hearing_references(text, expected):
    assert hearing_reference(text) == expected
