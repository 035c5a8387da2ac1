"""A small data.stortinget.no for the Stortinget tests, served by conftest's LocalServer (as the HTTP proxy, so that
the URLs are the API's own, or directly): the sessions, each session's hearings, a hearing's written input and a
case with its publications, in the shapes of fixtures/stortinget/ (JSON, `/Date(ms+offset)/` dates). Beside it, KS's
written input on a small ks.no (its integration page, with HØRING teasers) and a regjeringen.no RSS feed of
propositions. Tests change what is published between runs; every answer is rendered when it is requested."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from email.utils import format_datetime
from html import escape

from hearing_site import ks_listing
from helpers import Route

from aggregator.normalize import OSLO
from aggregator.sources.stortinget.parse import session_on

API = "http://data.stortinget.no"
KS = "http://www.ks.no"
REGJERINGEN = "http://www.regjeringen.no"
KS_TOPIC = "/fagomrader/innvandring-og-integrering/integrering/"
PROPOSITIONS = "/no/rss/Rss/2581966/?documentType=dokumenter/proposisjoner"
COMMITTEES = {"KOMFORV": "Kommunal- og forvaltningskomiteen", "ARBSOS": "Arbeids- og sosialkomiteen",
              "FINANS": "Finanskomiteen"}
UNSET = "/Date(-62135596800000)/"


def api_date(moment: datetime | None) -> str:
    """A time as the API's JSON writes it: milliseconds since the epoch and the offset in Oslo then."""
    if moment is None:
        return UNSET
    local = moment.astimezone(OSLO)
    return f"/Date({int(local.timestamp() * 1000)}{local.strftime('%z')})/"


def oslo(day: date, hour: int = 23, minute: int = 59) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=OSLO)


@dataclass
class Case:
    id: int
    short_title: str
    title: str
    reference: str
    publications: list[tuple[str, str]] = field(default_factory=list)  # (link text, URL)


@dataclass
class ApiHearing:
    id: int
    committee: str
    cases: list[Case]
    deadline: datetime | None
    status: str = "Planlagt"
    written_only: bool = True
    speaking_deadline: datetime | None = None
    meetings: list[tuple[datetime, str]] = field(default_factory=list)
    inputs: list[tuple[str, datetime]] = field(default_factory=list)  # (organisation, date)
    session: str | None = None  # None: the current session

    @property
    def item_id(self) -> str:
        return f"https://www.stortinget.no/no/Hva-skjer-pa-Stortinget/Horing/horing/?h={self.id}"

    def json(self) -> dict:
        return {
            "versjon": "1.6", "id": self.id, "horing_status": self.status, "skriftlig": self.written_only,
            "innspillsfrist": api_date(self.deadline), "anmodningsfrist_dato_tid": api_date(self.speaking_deadline),
            "soknadfrist_dato": api_date(self.speaking_deadline), "status_info_tekst": "",
            "start_dato": api_date(self.meetings[0][0] if self.meetings else None),
            "komite": {"versjon": "1.6", "id": self.committee, "navn": COMMITTEES[self.committee]},
            "horing_sak_info_liste": [{"versjon": "1.6", "sak_id": c.id, "sak_korttittel": c.short_title,
                                       "sak_tittel": c.title, "sak_henvisning": c.reference, "sak_publikasjon": None}
                                      for c in self.cases],
            "horingstidspunkt_liste": [{"versjon": "1.6", "sted": place, "tidspunkt": api_date(at)}
                                       for at, place in self.meetings],
        }


class StortingetApi:
    """data.stortinget.no on a LocalServer. `broken`: an HTTP status every hearings list answers with (the July 2026
    outage: 500); `body`: a body every hearings list answers with instead of the API's."""

    def __init__(self, server, prefix: str = ""):
        self.server, self.prefix = server, prefix
        self.hearings: list[ApiHearing] = []
        self.broken: int | None = None
        self.body: str | None = None
        self.sessions_broken = False
        self.retry_after_once: str | None = None  # the next hearings list answers 429 with this Retry-After
        self.times: list[tuple[float, str]] = []  # when each API request came (monotonic clock), and its path
        today = datetime.now(OSLO).date()
        self.current = session_on(today)
        year = int(self.current[:4])
        self._route("/eksport/sesjoner?format=json", self._sessions)
        for session in (f"{year - 1}-{year}", self.current, f"{year + 1}-{year + 2}"):
            self._route(f"/eksport/horinger?sesjonid={session}&format=json", lambda request, s=session: self._list(s))

    def add(self, hearing: ApiHearing) -> ApiHearing:
        self.hearings.append(hearing)
        self._route(f"/eksport/horingsinnspill?horingid={hearing.id}&format=json",
                    lambda request, h=hearing: self._inputs(h))
        for case in hearing.cases:
            self._route(f"/eksport/sak?sakid={case.id}&format=json", lambda request, c=case: self._case(c))
        return hearing

    def unknown_case(self, case_id: int) -> int:
        """A case id the API does not know: it answers 500 (not 404)."""
        self._route(f"/eksport/sak?sakid={case_id}&format=json", lambda request: self._error())
        return case_id

    def failing_input(self, hearing: ApiHearing) -> None:
        """The hearing's input list answers 500 from now on."""
        self._route(f"/eksport/horingsinnspill?horingid={hearing.id}&format=json", lambda request: self._error())

    @staticmethod
    def _error() -> Route:
        return Route('{"feilkode":0,"feilmelding":""}', 500, content_type="application/json")

    def _inputs(self, hearing: ApiHearing) -> Route:
        return self._json({"versjon": "1.6", "horing_id": hearing.id, "komite": {"id": hearing.committee},
                           "horingsinnspill_liste": [
                               {"versjon": "1.6", "id": i, "organisasjon": name, "dato": api_date(when),
                                "tittel": f"Innspill fra {name}", "tekst": ""}
                               for i, (name, when) in enumerate(hearing.inputs)]})

    def _case(self, case: Case) -> Route:
        return self._json({"versjon": "1.6", "id": case.id, "korttittel": case.short_title, "tittel": case.title,
                           "henvisning": case.reference, "publikasjon_referanse_liste": [
                               {"versjon": "1.6", "eksport_id": None, "lenke_tekst": text, "lenke_url": url,
                                "type": "prop", "undertype": "L"} for text, url in case.publications]})

    def _route(self, path: str, answer: Callable[..., Route]) -> None:
        def timed(request) -> Route:
            self.times.append((time.monotonic(), request.path))
            return answer(request)
        self.server.add(self.prefix + path, timed)

    def _sessions(self, request) -> Route:
        if self.sessions_broken:
            return self._error()
        return self._json({"versjon": "1.6", "innevaerende_sesjon": {"id": self.current},
                           "sesjoner_liste": [{"id": self.current}]})

    def _list(self, session: str) -> Route:
        if self.retry_after_once is not None:
            wait, self.retry_after_once = self.retry_after_once, None
            return Route("slow down", 429, {"Retry-After": wait}, content_type="text/plain")
        if self.broken:
            return replace(self._error(), status=self.broken)
        if self.body is not None:
            return Route(self.body)
        listed = [h.json() for h in self.hearings if (h.session or self.current) == session]
        return self._json({"versjon": "1.6", "sesjon_id": session, "horinger_liste": listed})

    @staticmethod
    def _json(data: dict) -> Route:
        return Route(json.dumps(data, ensure_ascii=False), content_type="application/json; charset=utf-8")

    def calls(self) -> list[str]:
        return [p for p in self.server.paths() if p.startswith(f"{self.prefix}/eksport/")]


# ------------------------------------------------------------------------------------------ ks.no and regjeringen.no


@dataclass
class KsInput:
    """KS's written input to a committee on ks.no (a HØRING teaser): a link to stortinget.no, a reference cited in
    its text, or neither."""

    slug: str
    title: str
    lead: str
    link: str | None = None
    text: str = ""

    @property
    def path(self) -> str:
        return f"/horingssvar/{self.slug}/"

    @property
    def url(self) -> str:
        return KS + self.path


def ks_input_page(page: KsInput) -> str:
    link = f'<p><a href="{escape(page.link)}">Se høringen på stortinget.no</a></p>' if page.link else ""
    return f"""<!DOCTYPE html><html lang="nb-NO"><head><meta charset="utf-8"><title>{escape(page.title)} - KS</title>
<meta property="article:published_time" content="2026-01-12T10:00:00+01:00"></head>
<body><main><article><h1>{escape(page.title)}</h1><p class="ingress">{escape(page.lead)}</p>
<p>{escape(page.text)}</p><p><a href="/globalassets/horingssvar/{page.slug}.pdf">Les innspillet (PDF)</a></p>{link}
</article></main></body></html>"""


class KsPages:
    """ks.no's integration page with KS's written input as HØRING teasers, and each input's page."""

    def __init__(self, server):
        self.server, self.inputs = server, []
        server.add(KS_TOPIC, lambda request: Route(ks_listing(self.inputs)))
        for slug, title in (("svar-kommuneloven", "Høringssvar om kommuneloven"),
                            ("svar-plan", "Høringssvar om plan- og bygningsloven")):  # there before, linking nothing
            self.add(KsInput(slug, title, "KS mener loven bør endres."))

    def add(self, page: KsInput) -> KsInput:
        self.inputs.append(page)
        self.server.add(page.path, lambda request, p=page: Route(ks_input_page(p)))
        return page


class Propositions:
    """regjeringen.no's RSS feed of propositions (read with kind = "feed")."""

    def __init__(self, server):
        self.items: list[tuple[int, str]] = []  # (document id, title)
        server.add(PROPOSITIONS, lambda request: Route(self._rss(), content_type="application/rss+xml"))

    def _rss(self) -> str:
        items = "".join(f"""<item><title>{escape(title)}</title>
<link>https://www.regjeringen.no/no/dokumenter/prop-{number}/id{number}/</link><guid isPermaLink="false">{number}</guid>
<pubDate>{format_datetime(datetime(2026, 1, 5, 9, tzinfo=UTC))}</pubDate></item>""" for number, title in self.items)
        return f"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Proposisjoner</title>
<link>https://www.regjeringen.no/</link><description>Proposisjoner</description>{items}</channel></rss>"""
