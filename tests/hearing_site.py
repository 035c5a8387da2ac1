"""A small regjeringen.no and ks.no for hearing tests, served by helpers' LocalServer (as the HTTP proxy, so that
the URLs are the sites' own): the hearings RSS feed, hearing pages in the recorded markup (bokmål and nynorsk)
with their response listings, and KS's answers. Tests change the hearings between runs; every page is rendered
from their current state when it is requested."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from html import escape
from urllib.parse import quote

from helpers import FIXTURES, Route, regjeringen_id

REGJERINGEN = "http://www.regjeringen.no"
KS = "http://www.ks.no"
HEARINGS_RSS = "/no/rss/Rss/2581966/?documentType=dokumenter/høringer"
KS_LISTING = "/horingssvar/"
MINISTRIES = {"aid": ("Arbeids- og inkluderingsdepartementet", 165), "fin": ("Finansdepartementet", 216),
              "kdd": ("Kommunal- og distriktsdepartementet", 1504)}


@dataclass
class Hearing:
    number: int
    slug: str
    title: str
    deadline: date
    language: str = "nb"  # nb | nn
    ministry: str = "aid"
    status: str = ""  # "" = open, in the page's language
    published: date = date(2026, 11, 2)
    documents: list[tuple[str, str]] = field(default_factory=lambda: [("Høringsnotat", "horingsnotat.pdf")])
    recipients: list[str] = field(default_factory=list)
    responses: list[tuple[str, str]] = field(default_factory=list)  # (name, type of body)
    reference: str = "26/1000"

    @property
    def path(self) -> str:
        return f"/no/dokumenter/{self.slug}/id{self.number}/"

    @property
    def url(self) -> str:
        return REGJERINGEN + self.path

    @property
    def item_id(self) -> str:
        return regjeringen_id(self.number)

    def words(self) -> dict[str, str]:
        if self.language == "nn":
            return {"type": "Høyring", "deadline": "Høyringsfrist", "letter": "Høyringsbrev", "note": "Høyringsnotat",
                    "bodies": "Høyringsinstansar", "open": "På høyring", "answer": "Send inn høyringssvar"}
        return {"type": "Høring", "deadline": "Høringsfrist", "letter": "Høringsbrev", "note": "Høringsnotat",
                "bodies": "Høringsinstanser", "open": "På høring", "answer": "Send inn høringssvar"}


def hearing_page(hearing: Hearing) -> str:
    """A hearing page in the markup of the recorded ones (../shared/pages/regjeringen/no-dokumenter-id*.html)."""
    w = hearing.words()
    name, ownerid = MINISTRIES[hearing.ministry]
    documents = "".join(f'<p><a title="{escape(t)}.pdf" href="/contentassets/{hearing.number}/{f}">{escape(t)}</a> (pdf)</p>'
                        for t, f in hearing.documents)
    recipients = "".join(f"<p>{escape(r)}</p>" for r in hearing.recipients)
    answer = "" if hearing.status else (
        f'<div class="horing-cta content-row"><a href="https://svar.regjeringen.no/{hearing.language}/'
        f'registrer_horingsuttalelse/H{hearing.number}/" class="btn-cta">{w["answer"]}</a></div>')
    return f"""<!DOCTYPE html>
<html lang="{hearing.language}"><head><meta charset="utf-8"><title>{escape(hearing.title)} - regjeringen.no</title>
<meta name="DC.Title" content="{escape(hearing.title)}"><meta name="DC.Creator" content="{name}">
<meta name="DC.Date" content="{hearing.published.isoformat()}"><meta name="DC.Type" content="Horing">
<meta name="DC.Language" content="{hearing.language}-NO"><meta name="authorshortname" content="{hearing.ministry}">
</head><body><main id="mainContent"><div class="mainContentArea"><div class="content-row article">
<div class="content-col-2 article-content">
<header class="article-header"><h1>{escape(hearing.title)}</h1></header>
<div class="article-info"><p><span class="type">{w["type"]} |</span> <span class="date">Dato: {hearing.published:%d.%m.%Y}</span>
<span class="owner">| <a href="/no/dep/{hearing.ministry}/id{ownerid}/">{name}</a></span></p></div>
<div class="article-ingress">Departementet sender forslaget på høring.</div>
<div class="article-body">
<div class="horing-meta content-row"><p><strong>Status:</strong> {escape(hearing.status or w["open"])}</p>
<p><strong>{w["deadline"]}:</strong> {hearing.deadline:%d.%m.%Y}</p></div>
<div class="content-row">
<div class="factbox"><h2 class="factbox-title"><button type="button" class="factbox-toggler"><span class="factbox-title-text">{w["letter"]}</span></button></h2>
<div id="horingsbrev" class="factbox-content"><div class="horing-ref"> Vår ref.: {hearing.reference} </div>
<p>Departementet sender med dette forslaget på høring. Fristen er {hearing.deadline:%d.%m.%Y}.</p></div></div>
<div class="factbox"><h2 class="factbox-title"><button type="button" class="factbox-toggler"><span class="factbox-title-text">{w["note"]}</span></button></h2>
<div id="horingsnotater" class="factbox-content">{documents}</div></div>
<div class="factbox"><h2 class="factbox-title"><button type="button" class="factbox-toggler"><span class="factbox-title-text">{w["bodies"]}</span></button></h2>
<div id="horingsinstanser" class="factbox-content">{recipients}</div></div>
</div>
{answer}
</div></div></div></div></main></body></html>"""


def responses_page(hearing: Hearing) -> str:
    """The hearing's response listing (`?showSvar=true…`), each response linking to its disallowed `?uid=` page."""
    entries = "".join(f'<li data-instans="{kind}"><a href="{hearing.path}?uid={i:04d}">{escape(name)}</a></li>'
                      for i, (name, kind) in enumerate(hearing.responses))
    n = len(hearing.responses)
    return f"""<!DOCTYPE html><html lang="{hearing.language}"><head><meta charset="utf-8"><title>{escape(hearing.title)}</title></head>
<body><main id="mainContent"><p>Viser {min(1, n)}–{n} av {n} treff</p>
<ul data-horingssvar-list>{entries}</ul></main></body></html>"""


def hearings_rss(hearings: list[Hearing]) -> str:
    """The site's hearings feed: numeric guid, utm_ parameters on links, no category, pubDate with an offset."""
    items = "".join(
        f"""<item><title>{escape(h.title)}</title><link>{h.url}?utm_source=regjeringen.no&amp;utm_medium=rss</link>
<description>{escape('Departementet sender forslaget på høring.')}</description><guid isPermaLink="false">{h.number}</guid>
<pubDate>{format_datetime(datetime.combine(h.published, datetime.min.time(), UTC) + timedelta(hours=8))}</pubDate></item>"""
        for h in sorted(hearings, key=lambda h: h.published, reverse=True))
    return f"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>RSS Regjeringen.no</title>
<link>https://www.regjeringen.no/</link><description>Høringer</description><language>nb-NO</language>{items}</channel></rss>"""


@dataclass
class Answer:
    slug: str
    title: str
    lead: str
    hearing: Hearing | None = None  # the hearing it links to ("Se høringsnotatet på regjeringen.no")
    published: str = "2026-11-20T10:00:00+01:00"

    @property
    def path(self) -> str:
        return f"/horingssvar/{self.slug}/"


def ks_listing(answers: list[Answer]) -> str:
    cards = "".join(f"""<div class="cards__item"><div class="card"><div class="card__content"><div class="card__tag">Høring</div>
<h2 class="card__heading"><a href="{a.path}">{escape(a.title)}</a></h2>
<div class="card__excerpt"><p>{escape(a.lead)}</p></div></div></div></div>""" for a in reversed(answers))
    return f"""<!DOCTYPE html><html lang="nb-NO"><head><meta charset="utf-8"><title>Høringssvar - KS</title></head>
<body><div id="content"><h1>Høringssvar</h1><div class="cards">{cards}</div></div></body></html>"""


def ks_answer(answer: Answer) -> str:
    link = (f'<p><a href="https://www.regjeringen.no{answer.hearing.path}">Se høringsnotatet på regjeringen.no</a></p>'
            if answer.hearing else "")
    return f"""<!DOCTYPE html><html lang="nb-NO"><head><meta charset="utf-8"><title>{escape(answer.title)} - KS</title>
<meta property="article:published_time" content="{answer.published}"></head>
<body><main><article><h1>{escape(answer.title)}</h1><p class="ingress">{escape(answer.lead)}</p>
<p><a href="/globalassets/horingssvar/{answer.slug}.pdf">Les hele høringssvaret her (PDF)</a></p>{link}</article></main></body></html>"""


class HearingSite:
    """Both sites on one LocalServer; `hearings` and `answers` are what they publish now."""

    def __init__(self, server):
        self.server = server
        self.hearings: list[Hearing] = []
        self.answers: list[Answer] = []
        self.blocked = False  # HTML pages answer with a Cloudflare challenge (RSS stays open)
        server.add("/robots.txt", (FIXTURES / "regjeringen" / "robots.txt").read_text("utf-8"),
                   content_type="text/plain; charset=utf-8")
        server.add(quote(HEARINGS_RSS, safe="/?=&"), self._rss)
        server.add(KS_LISTING, lambda request: Route(ks_listing(self.answers)))

    def _rss(self, request) -> Route:
        """The feed with an ETag of its content, as a conditional GET gets it: unchanged, it is a 304."""
        body = hearings_rss(self.hearings)
        etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:16] + '"'
        return Route(body, headers={"ETag": etag}, content_type="application/rss+xml; charset=utf-8")

    def add(self, hearing: Hearing) -> Hearing:
        self.hearings.append(hearing)
        self.server.add(hearing.path, lambda request, h=hearing: self._html(hearing_page(h)))
        self.server.add(f"{hearing.path}?showSvar=true&consterm=&page=1&isFilterOpen=true",
                        lambda request, h=hearing: self._html(responses_page(h)))
        return hearing

    def answer(self, answer: Answer) -> Answer:
        self.answers.append(answer)
        self.server.add(answer.path, lambda request, a=answer: Route(ks_answer(a)))
        return answer

    def _html(self, page: str) -> Route:
        if self.blocked:
            return Route("<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
                         "<script src='/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1'></script></body></html>",
                         403, {"cf-mitigated": "challenge"})
        return Route(page)

    def requested(self) -> list[str]:
        return self.server.paths()
