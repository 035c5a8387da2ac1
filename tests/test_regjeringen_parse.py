"""regjeringen.no parsers on recorded pages (../shared, skipped when absent), with exact expected values; merges of
the project's own pages (tests/fixtures/regjeringen: the same markup with invented text) with their article pages;
layout changes, URLs and cut text. (What each of the project's own pages parses to is in its parser case beside it:
tests/fixtures/regjeringen/*.expected.json, run by test_parser_cases.py.)"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from helpers import deadline_and_status, own_page, shared_file

from aggregator.hearings import hearing_of
from aggregator.hearings.model import to_dict
from aggregator.merge import ARTICLE, Document, Observation, merge
from aggregator.normalize import OSLO, is_cut_from
from aggregator.records import Record, SourceError
from aggregator.sources.regjeringen.article import parse_article
from aggregator.sources.regjeringen.fetching import is_feed_url, rss_url_for_listing
from aggregator.sources.regjeringen.listing import parse_listing
from aggregator.sources.regjeringen.rss import parse_rss

SITE = "https://www.regjeringen.no"


def merge_article(listed: Record, article: Record) -> Document:
    """What the store makes of a listing's record and its article page (merge.py's rules)."""
    article.id = listed.id
    return merge([Observation("listing", listed), Observation(ARTICLE, article)])


def recorded(name: str) -> str:
    return shared_file("pages", "regjeringen", name).read_text("utf-8")


def reconstructed(name: str) -> Path:
    return shared_file("pages", "reconstructed", name)


def doc_id(record: Record) -> int:
    return int(record.id.rstrip("/").rsplit("/id", 1)[1])


def oslo_midnight(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=OSLO)


def assert_clean(record: Record) -> None:
    """No undecoded entity, stray white space or separator survives in the text fields."""
    for text in (record.title, record.summary, *record.authors):
        assert "&#" not in text and "&amp;" not in text, text
        assert text == text.strip() and "  " not in text and "\n" not in text, repr(text)


# ============================================================================ recorded hearings listing

# Every item of the recorded listing /no/dokument/hoyringar/id1763/ (page 1 of 348):
# id, title, date, ministries, deadline, status
HEARINGS = [
    (3168525, "Høyring – framlegg om presiseringar i reglane om Nav si opplysingsplikt overfor skattestyresmaktene", "2026-07-03", ["fin"], "2026-08-14", "På høyring"),
    (3167072, "Kort høring - Avskogingsforordningen og forbud mot eksport til tredjeland", "2026-07-03", ["kld"], "2026-08-07", "På høring"),
    (3168423, "Høring av forslag til endringer i forskrift om kost-nytteanalyse av mulighetene for å utnytte overskuddsvarme", "2026-07-03", ["ed"], "2026-10-01", "På høring"),
    (3168325, "Høring - NOU 2026: 8 Samarbeid og informasjonsdeling for å forebygge kriminalitet", "2026-07-02", ["jd"], "2026-10-01", "På høring"),
    (3168004, "Forslag til forskrift om auksjon av tillatelser til lakseoppdrett i 2026", "2026-07-02", ["nfd"], "2026-08-11", "På høring"),
    (3168058, "Forslag til lov om rettidig tilgjengelighet og forsyning av forsvarsprodukter (forsvarsforsyningsloven)", "2026-07-01", ["fd"], "2026-08-02", "På høring"),
    (3168235, "Høring om forslag til forskrift om unntak fra åpenhetsloven", "2026-07-01", ["bfd"], "2026-09-30", "På høring"),
    (3167177, "Høring - Forslag til forskrifter om boligkjøpsmodeller", "2026-07-01", ["kdd"], "2026-10-16", "På høring"),
    (3167619, "Høring - Forslag til endringer i gjødselbrukforskriften", "2026-06-30", ["lmd", "hod", "kld"], "2026-09-08", "På høring"),
    (3168071, "Høring om endringer i forskrift om fosterhjem", "2026-06-30", ["bfd"], "2026-10-15", "På høring"),
    (3168031, "Høring - Selskapers bevegelighet over landegrensene i EØS", "2026-06-30", ["nfd"], "2026-09-30", "På høring"),
    (3167338, "Høring - Forslag til endringer i husbankloven om behandling av personopplysninger", "2026-06-30", ["kdd"], "2026-10-12", "På høring"),
    (3167939, "Høring – Forslag til endring i forskrift om elsertifikater", "2026-06-29", ["ed"], "2026-09-30", "På høring"),
    (3167374, "Høring av arbeidsgrupperapport om åpen gruppe", "2026-06-29", ["nfd"], "2026-10-15", "På høring"),
    (3167691, "Høring - forslag til forskrift om forenklet forelegg ved befatning med mindre mengder narkotika til egen bruk og til endringer i politiregisterforskriften (sperring av opplysninger i reaksjonsregisteret", "2026-06-26", ["jd"], "2026-10-01", "På høring"),
    (3167303, "Høring – Forslag til endringer i markedsføringsloven og åpenhetsloven – oppheving av forhandlingsmodellen", "2026-06-26", ["bfd"], "2026-09-30", "På høring"),
    (3167672, "Høring - endring i regler om kontroll med eiere av kvalifiserende eierandeler i finanssektoren mv.", "2026-06-26", ["fin"], "2026-10-15", "På høring"),
    (3167766, "Høring – Endringer i personopplysningsloven for å gjennomføre forordning (EU) 2025/2518", "2026-06-26", ["jd"], "2026-10-01", "På høring"),
    (3167570, "Høring - forslag om endring av forskrift om utslippskrav til kjøretøy ved offentlig anskaffelse til veitransport", "2026-06-25", ["sd"], "2026-08-25", "På høring"),
    (3167508, "Høyring – NOU 2026: 9 Veien mot et bedre og mer forutsigbart skattesystem", "2026-06-24", ["fin"], "2026-09-24", "På høyring"),
]


@pytest.fixture(scope="module")
def hearings_listing():
    url = f"{SITE}/no/dokument/hoyringar/id1763/"
    return parse_listing(url, recorded("no-dokument-hoyringar-id1763-page1.html"))


def test_recorded_hearings_listing_every_item(hearings_listing):
    records, _ = hearings_listing
    assert len(records) == 20
    got = [(doc_id(r), r.title, r.published, r.ministries, *deadline_and_status(r)) for r in records]
    want = [(i, title, oslo_midnight(day), abbrs, deadline, status) for i, title, day, abbrs, deadline, status in HEARINGS]
    assert got == want
    for record in records:
        assert record.document_type == "consultation"  # "Høring" and "Høyring" alike
        assert record.id == f"{SITE}/no/id{doc_id(record)}/"
        assert record.link.startswith(f"{SITE}/no/dokumenter/") and record.link.endswith(f"/id{doc_id(record)}/")
        assert record.language == "nb"
        assert record.summary
        assert "web_tv" not in record.extra
        assert_clean(record)


def test_recorded_hearings_listing_details(hearings_listing):
    records, next_url = hearings_listing
    assert next_url == f"{SITE}/no/dokument/hoyringar/id1763/?page=2"
    first = records[0]
    assert first.summary == (
        "Finansdepartementet sender med dette på høyring framlegg om å presisere Nav si opplysingsplikt "
        "overfor skattestyresmaktene."
    )
    assert first.authors == ["Finansdepartementet"]
    # Three ministries in one span.department are three ministries, each with its name.
    shared = records[8]
    assert shared.authors == [
        "Landbruks- og matdepartementet", "Helse- og omsorgsdepartementet", "Klima- og miljødepartementet",
    ]
    # A date without a time is that day in Oslo (summer: +02:00), never UTC midnight.
    assert first.published.isoformat() == "2026-07-03T00:00:00+02:00"
    # The longest title is whole (a generic scraper cut it).
    assert len(records[14].title) == 202


# ============================================================================ reconstructed English topic page

# The English "Immigration and integration" topic page: id, title, date, type, ministries
TOPIC_918 = [
    (3079510, "Area focus", "2024-12-20", "article", ["aid"]),
    (3079514, "Volunteering and dialogue", "2024-12-20", "article", ["aid"]),
    (3079517, "Job Opportunity", "2024-12-20", "article", ["aid"]),
    (3079521, "Introduction programme", "2024-12-20", "article", ["aid"]),
    (3079526, "The Norwegian Nationality Act", "2024-12-20", "article", ["aid"]),
    (3078833, "Interpreting in the public sector", "2024-12-17", "article", ["aid"]),
    (3078410, "Settlement of refugees", "2024-12-14", "article", ["aid", "bfd"]),
    (3062198, "The Government is changing the rules: Norway will grant collective protection to fewer Ukrainians", "2024-09-27", "press-release", ["jd", "aid"]),
    (3028845, "Municipalities in Norway still very willing to settle refugees", "2024-03-13", "press-release", ["aid"]),
    (3022167, "New measures to ensure continued control of immigration", "2024-01-30", "press-release", ["aid", "jd"]),
    (3013912, "Negative social control and honour based violence", "2023-12-04", "article", ["jd", "aid"]),
    (3013205, "Questions and answers about Norwegian immigration policy", "2023-12-01", "article", ["jd", "ud", "aid"]),
    (3005511, "Longer stays at reception centres, finding work more quickly", "2023-10-24", "press-release", ["jd", "aid"]),
    (2997652, "The Norwegian Government's Action Plan on Gender and Sexual Diversity (2023–2026)", "2023-09-06", "plan", ["kud", "bfd", "fd", "kd", "ud", "hod", "jd", "aid", "kdd"]),
    (2956771, "Migration and Integration 2021–2022", "2023-01-16", "report", ["aid", "bfd", "kud", "kd", "ud", "hod", "jd", "kdd"]),
    (2949340, "The Norwegian Government asks the municipalities to settle 35 000 refugees in 2023", "2022-11-25", "press-release", ["smk", "aid"]),
    (2910123, "The Norwegian Government wants to ensure that Ukrainian refugees are included more quickly in Norwegian society", "2022-04-29", "press-release", ["aid"]),
    (2907312, "Freedom from Negative Social Control and Honour Based Violence (2021-2024)", "2022-04-12", "plan", ["aid"]),
    (2898230, "Migration and Integration 2020–2021", "2022-01-26", "report", ["aid", "bfd", "kud", "kd", "ud", "hod", "jd", "kdd"]),
    (2827520, "Immigration and Integration 2019–2020", "2020-12-22", "report", ["kd", "bfd", "kud", "ud", "hod", "jd", "aid"]),
]
WEB_TV_918 = {3062198, 3022167, 2949340}


@pytest.fixture(scope="module")
def topic_listing():
    url = f"{SITE}/en/topics/immigration-and-integration/id918/"
    return parse_listing(url, reconstructed("regjeringen-en-topic918-page1.html").read_text("utf-8"))


def test_reconstructed_topic_page_every_item(topic_listing):
    records, next_url = topic_listing
    assert len(records) == 20
    got = [(doc_id(r), r.title, r.published, r.document_type, r.ministries) for r in records]
    want = [(i, title, oslo_midnight(day), kind, abbrs) for i, title, day, kind, abbrs in TOPIC_918]
    assert got == want
    assert {doc_id(r) for r in records if r.extra.get("web_tv")} == WEB_TV_918
    for record in records:
        assert record.language == "en" and record.id == f"{SITE}/en/id{doc_id(record)}/"
        assert "Web TV" not in record.title
        assert len(record.authors) == len(record.ministries)  # every ministry known, none lumped together
        assert_clean(record)
    assert next_url == f"{SITE}/en/topics/immigration-and-integration/id918/?page=2"


def test_reconstructed_topic_page_names_and_dates(topic_listing):
    records, _ = topic_listing
    by_id = {doc_id(r): r for r in records}
    assert by_id[3078410].authors == ["Ministry of Labour and Social Inclusion", "Ministry of Children and Families"]
    # DD/MM/YYYY is day first; winter dates are +01:00 in Oslo.
    assert by_id[3022167].published.isoformat() == "2024-01-30T00:00:00+01:00"
    assert by_id[2827520].summary.startswith('Annually Norway sends a report to the OECD')
    assert '"Immigration and Integration 2019-2020 - Report for Norway to the OECD"' in by_id[2827520].summary


# ============================================================================ reconstructed RSS feed

RSS_918 = [
    (3079510, "2024-12-20T10:10:00+01:00", "article"), (3079514, "2024-12-20T10:14:00+01:00", "article"),
    (3079517, "2024-12-20T10:17:00+01:00", "article"), (3079521, "2024-12-20T10:21:00+01:00", "article"),
    (3079526, "2024-12-20T10:26:00+01:00", "article"), (3078833, "2024-12-17T10:33:00+01:00", "article"),
    (3078410, "2024-12-14T10:10:00+01:00", "article"), (3062198, "2024-09-27T10:48:00+02:00", "press-release"),
    (3028845, "2024-03-13T10:45:00+01:00", "press-release"), (3022167, "2024-01-30T10:17:00+01:00", "press-release"),
    (3013912, "2023-12-04T10:12:00+01:00", "article"), (3013205, "2023-12-01T10:05:00+01:00", "article"),
    (3005511, "2023-10-24T10:11:00+02:00", "press-release"), (2997652, "2023-09-06T10:02:00+02:00", "plan"),
    (2956771, "2023-01-16T10:21:00+01:00", "report"), (2949340, "2022-11-25T10:40:00+01:00", "press-release"),
    (2910123, "2022-04-29T10:23:00+02:00", "press-release"), (2907312, "2022-04-12T10:12:00+02:00", "plan"),
    (2898230, "2022-01-26T10:30:00+01:00", "report"), (2827520, "2020-12-22T10:20:00+01:00", "report"),
]


def test_reconstructed_rss_feed():
    url = f"{SITE}/en/rss/Rss/2581966/?topic=918"
    records = parse_rss(url, reconstructed("regjeringen-en-rss-topic918.xml").read_bytes())
    assert [(doc_id(r), r.published.isoformat(), r.document_type) for r in records] == RSS_918
    titles = {doc_id(r): r.title for r in records}
    listing_titles = {i: title for i, title, *_ in TOPIC_918}
    assert titles == listing_titles  # same documents, same titles as the topic page
    for record in records:
        assert "utm_" not in record.link and "?" not in record.link
        assert record.link.endswith(f"/id{doc_id(record)}/")
        assert record.id == f"{SITE}/en/id{doc_id(record)}/"
        assert record.language == "en"
        assert record.extra["rss_category"] in (["Article"], ["Press release"], ["Plans/strategy"], ["Report"])
        assert_clean(record)
    assert records[0].link == f"{SITE}/en/aktuelt/area-focus/id3079510/"
    # The offset of the feed is kept, so the instant is right: 10:10 in Oslo is 09:10 UTC.
    assert records[0].published.astimezone(UTC).hour == 9


# ============================================================================ article pages

def test_recorded_article_nynorsk_hearing():
    url = f"{SITE}/no/dokumenter/hoyring-framlegg-om-presiseringar-i-reglane-om-nav-si-opplysingsplikt-overfor-skattestyresmaktene/id3168525/"
    article = parse_article(url, recorded("no-dokumenter-id3168525.html"))
    assert article.id == f"{SITE}/no/id3168525/"
    assert article.title == HEARINGS[0][1]
    assert article.summary == (
        "Finansdepartementet sender med dette på høyring framlegg om å presisere Nav si opplysingsplikt "
        "overfor skattestyresmaktene."
    )
    assert article.language == "nn"
    assert article.published == oslo_midnight("2026-07-03")
    assert article.updated == datetime(2026, 7, 3, 14, 35, 59, tzinfo=UTC)
    assert article.document_type == "consultation"
    assert article.ministries == ["fin"] and article.authors == ["Finansdepartementet"]
    assert article.topics == ["skatter-og-avgifter"]
    assert article.topic_titles == {"skatter-og-avgifter": "Skatter og avgifter"}
    hearing = hearing_of(article)
    facts = {k: v for k, v in to_dict(hearing).items() if k not in ("letter", "recipients")}
    assert facts == {
        "deadline": "2026-08-14", "status": "På høyring", "reference": "26/3567",
        "documents": [{"title": "Høyringsnotat", "type": "application/pdf",
                       "url": "https://www.regjeringen.no/contentassets/cbf35bbc33a247cba9862b4548673d7e/hoyringsnotat.pdf"}],
        "answer_url": "https://svar.regjeringen.no/nn/registrer_horingsuttalelse/H3168525/",
    }
    # the letter without its reference line, sanitized; the recipients one by one from a <br>-separated list
    assert hearing.letter.startswith("<p>Finansdepartementet sender med dette på høyring framlegg")
    assert "Vår ref." not in hearing.letter and "<button" not in hearing.letter
    assert len(hearing.recipients) == 28
    assert hearing.recipients[:2] == ["Arbeids- og inkluderingsdepartementet", "Barne- og familiedepartementet"]
    assert hearing.recipients[-1] == "Økonomiforbundet"


def test_recorded_article_bokmal_hearing():
    url = f"{SITE}/no/dokumenter/kort-horing-avskogingsforordningen-og-forbud-mot-eksport-til-tredjeland/id3167072/"
    article = parse_article(url, recorded("no-dokumenter-id3167072.html"))
    assert article.id == f"{SITE}/no/id3167072/"
    assert article.title == "Kort høring - Avskogingsforordningen og forbud mot eksport til tredjeland"
    assert article.summary == (
        "Denne høringen gjelder innføring av forbud mot eksport til tredjeland av varer som omfattes både av "
        "avskogingsforordningen og av EØS-avtalen."
    )
    assert article.language == "nb"
    assert article.published == oslo_midnight("2026-07-03")
    assert article.updated == datetime(2026, 7, 3, 14, 0, 55, tzinfo=UTC)
    assert (article.document_type, article.ministries, article.authors) == ("consultation", ["kld"], ["Klima- og miljødepartementet"])
    assert article.topic_titles == {"naturmangfold": "Naturmangfold"}
    hearing = hearing_of(article)
    facts = {k: v for k, v in to_dict(hearing).items() if k not in ("letter", "recipients")}
    assert facts == {
        "deadline": "2026-08-07", "status": "På høring", "reference": "26/2371",
        # the link says only "Høringsnotat"; its title attribute names the file in full
        "documents": [{"title": "Høringsnotat - Avskogingsforordningen – eksport til tredjeland - 03.07.2026",
                       "type": "application/pdf",
                       "url": "https://www.regjeringen.no/contentassets/b04cfc23c69343ef800ce6a45f8cc456/"
                              "horingsnotat-avskogingsforordningen-eksport-til-tredjeland-03.07.2026.pdf"}],
        "answer_url": "https://svar.regjeringen.no/nb/registrer_horingsuttalelse/H3167072/",
    }
    assert len(hearing.recipients) == 135 and "Kommunesektorens organisasjon (KS)" in hearing.recipients
    assert "Solberg & Hansen AS" in hearing.recipients  # &amp; decoded
    assert "7. august 2026" in hearing.letter and "<table>" in hearing.letter


IMMIGRATION = {"immigration-and-integration": "Immigration and integration"}

# Reconstructed English article pages: id -> (type, published, updated (UTC hour), ministries)
EN_ARTICLES = {
    3062198: ("press-release", "2024-09-27", datetime(2024, 9, 27, 12, tzinfo=UTC), ["jd", "aid"]),
    2956771: ("report", "2023-01-16", datetime(2023, 1, 16, 12, tzinfo=UTC), ["aid", "bfd", "kud", "kd", "ud", "hod", "jd", "kdd"]),
    3078410: ("article", "2024-12-14", datetime(2024, 12, 14, 12, tzinfo=UTC), ["aid", "bfd"]),
    3079510: ("article", "2024-12-20", datetime(2024, 12, 20, 12, tzinfo=UTC), ["aid"]),
}


@pytest.mark.parametrize("number", sorted(EN_ARTICLES))
def test_reconstructed_english_articles(number):
    html = reconstructed(f"regjeringen-en-article-id{number}.html").read_text("utf-8")
    title = next(t for i, t, *_ in TOPIC_918 if i == number)
    article = parse_article(f"{SITE}/en/aktuelt/x/id{number}/", html)
    kind, day, updated, abbrs = EN_ARTICLES[number]
    assert article.id == f"{SITE}/en/id{number}/"
    assert (article.title, article.language, article.document_type) == (title, "en", kind)
    assert article.published == oslo_midnight(day)
    assert article.updated == updated
    assert article.ministries == abbrs
    assert article.topics == ["immigration-and-integration"] and article.topic_titles == IMMIGRATION
    assert article.extra == {}
    assert_clean(article)


def test_reconstructed_listing_cut_summary_is_completed_by_the_article(topic_listing):
    records, _ = topic_listing
    listed = next(r for r in records if doc_id(r) == 3062198)
    html = reconstructed("regjeringen-en-article-id3062198.html").read_text("utf-8")
    merged = merge_article(listed, parse_article(listed.link, html))
    assert listed.summary.endswith("Starting from today, applications from")
    assert merged.summary.endswith("Starting from today, applications from the rest of this lead paragraph is only on the article page.")
    assert merged.published == oslo_midnight("2024-09-27")
    assert merged.site_updated == datetime(2024, 9, 27, 12, tzinfo=UTC)
    assert merged.ministries == ["jd", "aid"] and merged.extra == {"web_tv": True}
    assert merged.topics == ["immigration-and-integration"]
    assert (merged.id, merged.link, merged.title) == (listed.id, listed.link, listed.title)


# ============================================================================ the project's own pages: merges, a feed's category

def test_rss_category_naming_a_ministry_is_a_ministry():
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><language>en</language>
    <item><title>T</title><link>https://www.regjeringen.no/en/aktuelt/t/id5/?utm_source=x</link><guid>5</guid>
    <category>Ministry of Finance</category><category>Speech/statement</category>
    <pubDate>Tue, 03 Feb 2026 09:00:00 +0100</pubDate></item></channel></rss>"""
    (record,) = parse_rss(f"{SITE}/en/rss/Rss/2581966/", rss)
    assert (record.ministries, record.authors, record.document_type) == (["fin"], ["Ministry of Finance"], "speech")


def test_merge_completes_a_cut_summary_ending_in_an_ellipsis():
    records, _ = parse_listing(f"{SITE}/en/topics/x/id1291/", own_page("topic-en-page1.html"))
    article = parse_article(records[1].link, own_page("article-en-id4200002.html"))
    merged = merge_article(records[1], article)
    assert records[1].summary.endswith("local environmental conditions …")
    assert merged.summary == article.summary
    assert merged.ministries == ["nfd", "kdd", "kld"]  # the listing's three, the article adds none
    assert merged.extra == {"web_tv": True}


def test_merge_keeps_the_feed_time_and_takes_the_article_ministries():
    base = "http://127.0.0.1:8080"
    records = parse_rss(f"{base}/no/rss/Rss/2581966/", own_page("rss-owner165.xml").replace("{base}", base).encode())
    press = records[1]
    merged = merge_article(press, parse_article(press.link, own_page("article-id4100010.html")))
    assert merged.published.isoformat() == "2026-03-13T10:30:00+01:00"  # the feed's time on DC.Date's day
    assert merged.site_updated == datetime(2026, 3, 13, 9, 45, tzinfo=UTC)
    assert merged.ministries == ["aid"] and merged.authors == ["Arbeids- og inkluderingsdepartementet"]
    assert merged.summary.endswith("kommuner som har lykkes med å kombinere språkopplæring og arbeidspraksis.")
    assert merged.topics == ["innvandring-og-integrering", "arbeidsliv"]


def test_merge_takes_the_article_date_when_the_day_differs():
    listed = Record(id="x", link="x", title="T", published=oslo_midnight("2026-01-02"))
    article = Record(id="x", link="x", title="T", published=oslo_midnight("2026-01-05"))
    assert merge_article(listed, article).published == oslo_midnight("2026-01-05")


# ============================================================================ layout, URLs, change detection


def test_a_page_without_the_result_list_is_a_layout_change():
    with pytest.raises(SourceError, match="layout may have changed"):
        parse_listing(f"{SITE}/no/aktuelt/nyheter/id2006120/", "<html><body><ul class='news'><li>x</li></ul></body></html>")


def test_an_empty_result_list_is_no_error():
    html = '<html><body><ul class="listing" id="searchResultsListing"></ul></body></html>'
    assert parse_listing(f"{SITE}/no/aktuelt/nyheter/id2006120/", html) == ([], None)


@pytest.mark.parametrize(
    "listing, feed",
    [
        (f"{SITE}/en/whatsnew/finn-aktuelt2/id2415244/?ownerid=165&topic=918",
         f"{SITE}/en/rss/Rss/2581966/?owner=165&topic=918"),
        (f"{SITE}/no/dokument/id2000006/?documenttype=dokumenter/h%c3%b8ringer&isfilteropen=True&term=",
         f"{SITE}/no/rss/Rss/2581966/?documentType=dokumenter/h%C3%B8ringer"),
        (f"{SITE}/no/aktuelt/nyheter/id2006120/?term=skatt", f"{SITE}/no/rss/Rss/2581966/"),
    ],
)
def test_rss_url_for_a_listing(listing, feed):
    assert rss_url_for_listing(listing) == feed


def test_feed_urls():
    assert is_feed_url(f"{SITE}/no/rss/Rss/2581966/?documentType=aktuelt/nyheter&owner=709")
    assert is_feed_url(f"{SITE}/en/rss/Rss/2581966/")
    assert not is_feed_url(f"{SITE}/no/dokument/hoyringar/id1763/")
    assert not is_feed_url(f"{SITE}/no/aktuelt/rss/id2581966/")  # the feed builder's HTML page


def test_cut_text():
    assert is_cut_from("Starting from today, applications from", "Starting from today, applications from Ukraine.")
    assert is_cut_from("local conditions …", "local conditions and more.")
    assert is_cut_from("local conditions...", "local conditions and more.")
    assert not is_cut_from("Same text.", "Same text.")
    assert not is_cut_from("Other text", "Something else entirely")
