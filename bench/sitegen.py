"""A synthetic regjeringen.no and a ks.no-like site, of any size, as a dict of path (with query) -> Page.

The markup follows the project's own fixtures (tests/fixtures/regjeringen/, tests/fixtures/ks/), which follow
the real sites: listing pages of 20 `ul#searchResultsListing > li.listItem` with several ministries (names with
a comma included) and document types, `?page=N` pagination with `<link rel="next">` and `ul.pagination`, hearing
deadlines and status, article pages with the DC.* meta tags, `.article-info`, `.article-ingress`, `.horing-meta`
and `.content-intro-topics`, an RSS feed at `/no/rss/Rss/2581966/?owner=165`, a robots.txt, and a ks.no topic
page of cards whose article pages give their dates in JSON-LD.

Real pages are mostly page furniture (head, mega menu, filter forms, footer, an SVG sprite); here that furniture
is generated to the sizes the issue measured: a Norwegian hearings listing of ~120 KB and an English topic listing
of ~18 KB. Everything is deterministic (seeded), so two runs serve the same bytes.

Paths (all on one host, the bench server):

- `/robots.txt`
- `/no/dokument/hoyringar/id1763/` (`?page=N`): hearings, nynorsk and bokmål, ~120 KB a page
- `/en/topics/immigration-and-integration/id918/` (`?page=N`): English news and press releases, ~18 KB a page
- `…/hoyringar-ekstern/id1763/`, `…/immigration-and-integration-external/id918/`: the same listings with absolute
  links to https://www.regjeringen.no, so a source reads no article page from them (the listing alone)
- `/no/rss/Rss/2581966/?owner=165`: the newest 50 news items and hearings of one ministry, with an ETag
- article pages of every item, and `/fagomrader/innvandring-og-integrering/integrering/` with its ks.no articles

`Site.add(n)` publishes n new items in every pool (new pages are rendered; existing bytes and ETags of pages whose
content did not change stay as they were).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from html import escape

ITEMS_PER_PAGE = 20
HEARINGS = "/no/dokument/hoyringar/id1763/"
HEARINGS_EXTERNAL = "/no/dokument/hoyringar-ekstern/id1763/"
TOPIC_EN = "/en/topics/immigration-and-integration/id918/"
TOPIC_EN_EXTERNAL = "/en/topics/immigration-and-integration-external/id918/"
RSS = "/no/rss/Rss/2581966/?owner=165"
KS_PAGE = "/fagomrader/innvandring-og-integrering/integrering/"
REAL_HOST = "https://www.regjeringen.no"

# Target sizes of the furniture around the items, calibrated so that page 1 of the hearings listing is ~120 KB
# and page 1 of the English topic listing ~18 KB, as in the issue.
HEARINGS_FURNITURE = 98_000
TOPIC_FURNITURE = 1_500
ARTICLE_FURNITURE = 60_000
KS_FURNITURE = 20_000

# (abbr, ownerid, bokmål, nynorsk, English): the real names, one with a comma in English.
MINISTRIES = [
    ("aid", 165, "Arbeids- og inkluderingsdepartementet", "Arbeids- og inkluderingsdepartementet",
     "Ministry of Labour and Social Inclusion"),
    ("bfd", 298, "Barne- og familiedepartementet", "Barne- og familiedepartementet",
     "Ministry of Children and Families"),
    ("fin", 216, "Finansdepartementet", "Finansdepartementet", "Ministry of Finance"),
    ("jd", 463, "Justis- og beredskapsdepartementet", "Justis- og beredskapsdepartementet",
     "Ministry of Justice and Public Security"),
    ("kdd", 504, "Kommunal- og distriktsdepartementet", "Kommunal- og distriktsdepartementet",
     "Ministry of Local Government and Regional Development"),
    ("nfd", 709, "Nærings- og fiskeridepartementet", "Nærings- og fiskeridepartementet",
     "Ministry of Trade, Industry and Fisheries"),
    ("smk", 875, "Statsministerens kontor", "Statsministerens kontor", "Office of the Prime Minister"),
    ("kld", 668, "Klima- og miljødepartementet", "Klima- og miljødepartementet", "Ministry of Climate and Environment"),
    ("hod", 421, "Helse- og omsorgsdepartementet", "Helse- og omsorgsdepartementet",
     "Ministry of Health and Care Services"),
    ("kd", 586, "Kunnskapsdepartementet", "Kunnskapsdepartementet", "Ministry of Education and Research"),
    ("ud", 833, "Utenriksdepartementet", "Utanriksdepartementet", "Ministry of Foreign Affairs"),
]
TOPICS = [  # (slug, id, bokmål title, English slug, English title)
    ("innvandring-og-integrering", 918, "Innvandring og integrering", "immigration-and-integration",
     "Immigration and integration"),
    ("arbeidsliv", 210, "Arbeidsliv", "labour-market-and-employment", "Labour market and employment"),
    ("kommuner-og-regioner", 921, "Kommuner og regioner", "municipalities-and-regions", "Municipalities and regions"),
    ("skatter-og-avgifter", 1359, "Skatter og avgifter", "taxes-and-duties", "Taxes and duties"),
    ("helse-og-omsorg", 917, "Helse og omsorg", "health-and-care", "Health and care"),
    ("utdanning", 212, "Utdanning", "education", "Education"),
    ("fiske-og-havbruk", 1161, "Fiske og havbruk", "fisheries-and-aquaculture", "Fisheries and aquaculture"),
]
NO_TYPES = [("Høyring", "Horing", "dokumenter"), ("Høring", "Horing", "dokumenter")]
NEWS_TYPES = [("Pressemelding", "Pressemelding", "aktuelt"), ("Nyhet", "Nyhet", "aktuelt"),
              ("Tale/artikkel", "Tale", "aktuelt"), ("NOU", "NOU", "dokumenter"),
              ("Proposisjon", "Proposisjon", "dokumenter"), ("Rapport", "Rapport", "dokumenter")]
EN_TYPES = ["Press release", "News story", "Article", "Speech/statement", "Report", "Norwegian Official Report (NOU)"]

WORDS_NO = (  # noqa: SIM905
    "kommunane kommunene forslag endringar endringer regelverket integrering busetjing bosetting "
            "flyktningar flyktninger norskopplæring arbeid kvalifisering tilskot tilskudd forskrift lova "
            "loven høyring høring departementet regjeringa regjeringen fylkeskommunane barnehage skule skole "
            "helse omsorg digital forvaltning økonomi næringsliv distrikta distriktene klima miljø beredskap "
            "tryggleik sikkerhet utdanning forsking kompetanse innvandrarar innvandrere sakshandsaming "
            "saksbehandling søknader familieinnvandring statsbudsjettet prioriteringar prioriteringer tiltak "
            "rapport utval utvalget").split()
WORDS_EN = (  # noqa: SIM905
    "government proposes municipalities refugees integration settlement labour market employment "
            "qualification language training grants regulation amendments consultation ministry budget "
            "fisheries aquaculture coastal fleet licences environment climate education research digital "
            "public sector health care services security preparedness regions districts children families "
            "statement report measures priorities minister announced agreement cooperation results figures "
            "record year").split()
WORDS_KS = (  # noqa: SIM905
    "kommunene KS mener arbeidsgiver integrering bosetting tolketjenester kvalifisering "
            "introduksjonsprogram økonomi rammetilskudd beredskap digitalisering barnehage skole helse omsorg "
            "kommunesektoren fylkeskommunene styret høringssvar utredningen finansiering ansvar undersøkelse").split()


@dataclass(frozen=True)
class Page:
    """A pre-rendered answer: its bytes in parts (furniture shared between pages), type and ETag."""

    parts: tuple[bytes, ...]
    content_type: str
    etag: str

    @property
    def body(self) -> bytes:
        return b"".join(self.parts)

    def __len__(self) -> int:
        return sum(map(len, self.parts))


def _page(parts: list[bytes | str], content_type: str = "text/html; charset=utf-8") -> Page:
    encoded = tuple(p.encode("utf-8") if isinstance(p, str) else p for p in parts)
    digest = hashlib.blake2b(digest_size=10)
    for part in encoded:
        digest.update(part)
    return Page(encoded, content_type, f'"{digest.hexdigest()}"')


def _ent(text: str) -> str:
    """Text as the site's CMS writes it: markup escaped, Norwegian letters as hexadecimal references."""
    text = escape(text, quote=True)
    return "".join(f"&#x{ord(ch):X};" if ord(ch) > 127 else ch for ch in text)


# ============================================================================================ items


@dataclass
class Item:
    number: int  # document id
    pool: str  # hearings | news | en | ks
    title: str
    ingress: str
    excerpt: str
    type_label: str
    dc_type: str
    section: str  # aktuelt | dokumenter
    slug: str
    ministries: list[tuple]
    topics: list[tuple]
    published: datetime
    language: str
    web_tv: bool = False

    @property
    def path(self) -> str:
        if self.pool == "ks":
            folder = "horingssvar" if self.type_label == "Høring" else KS_PAGE.strip("/")
            return f"/{folder}/{self.slug}/"
        lang = "en" if self.pool == "en" else "no"
        return f"/{lang}/{self.section}/{self.slug}/id{self.number}/"


def _sentence(rng: random.Random, words: list[str], low: int, high: int) -> str:
    text = " ".join(rng.choice(words) for _ in range(rng.randint(low, high)))
    return text[:1].upper() + text[1:]


def _slug(text: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})
    out = "".join(ch if ch.isalnum() else "-" for ch in text.lower().translate(table))
    return "-".join(filter(None, out.split("-")))[:70]


START = datetime(2019, 1, 2, 9, 0, tzinfo=UTC)


def make_item(pool: str, index: int) -> Item:
    """The index-th item of a pool (0 is the oldest); the same index always gives the same item."""
    rng = random.Random(f"{pool}-{index}")
    base = {"hearings": 4_100_000, "news": 4_300_000, "en": 4_500_000, "ks": 4_700_000}[pool]
    published = START + timedelta(hours=13 * index + rng.randint(0, 6))
    if pool == "en":
        words, language = WORDS_EN, "en"
        type_label = rng.choice(EN_TYPES)
        dc_type, section = type_label, "aktuelt"
        count = rng.choice([1, 1, 2, 2, 3])
    elif pool == "ks":
        words, language = WORDS_KS, "nb"
        type_label = rng.choice(["Høring", "Kronikker", "Kommunespeilet", "", ""])
        dc_type, section, count = type_label, "", 0
    else:
        words = WORDS_NO
        language = rng.choice(["nb", "nn"]) if pool == "hearings" else "nb"
        type_label, dc_type, section = rng.choice(NO_TYPES if pool == "hearings" else NEWS_TYPES)
        count = rng.choice([1, 1, 1, 2])
    ministries = rng.sample(MINISTRIES, count) if count else []
    if pool == "news" and not any(m[0] == "aid" for m in ministries):
        ministries = [MINISTRIES[0], *ministries][:2] if rng.random() < 0.6 else ministries
    title = _sentence(rng, words, 6, 16)
    if pool == "hearings":
        title = f"{type_label} – {title[0].lower()}{title[1:]}" if rng.random() < 0.5 else title
    web_tv = pool == "en" and rng.random() < 0.05
    sentences = rng.randint(1, 2) if pool == "en" else rng.randint(2, 3)
    ingress = ". ".join(_sentence(rng, words, 8, 18) for _ in range(sentences)) + "."
    # Listings often cut the ingress off mid-sentence (with or without an ellipsis); the article page has it whole.
    cut = rng.random()
    if cut < 0.3:
        excerpt = ingress[: max(40, len(ingress) // 2)].rsplit(" ", 1)[0] + " …"
    elif cut < 0.45:
        excerpt = ingress[: max(40, len(ingress) // 2)].rsplit(" ", 1)[0] + " "
    else:
        excerpt = ingress
    topics = rng.sample(TOPICS, rng.randint(1, 2))
    return Item(base + index, pool, title, ingress, excerpt, type_label, dc_type, section,
                f"{_slug(title)}-{index}" if pool == "ks" else (_slug(title) or f"dokument-{index}"), ministries,
                topics, published, language, web_tv)


# ============================================================================================ furniture


def _furniture(kind: str, target: int, language: str) -> tuple[str, str]:
    """(before the content, after it) for a kind of page, about `target` bytes together: head scripts, the
    mega menu, filter forms (listings), footer and an SVG sprite, as the real pages carry them."""
    rng = random.Random(f"furniture-{kind}")
    before, after = [], []
    before.append('<link rel="preconnect" href="https://www.googletagmanager.com">\n')
    for n in range(6):
        before.append(f'<link rel="stylesheet" href="/dist-web/css/main.{n}.{rng.getrandbits(40):x}.css">\n')
    before.append('<script>window.dataLayer = window.dataLayer || []; window.siteConfig = {"language": "'
                  + language + '", "features": [' + ", ".join(f'"feature-{n}"' for n in range(40)) + "]};</script>\n")
    before.append("</head>\n<body>\n")
    size = sum(map(len, before))
    if target >= 10_000:
        menu = ['<header class="site-header"><a class="logo" href="/no/id4/">regjeringen.no</a>\n'
                '<nav class="megamenu" aria-label="Hovudmeny"><ul class="megamenu-list">\n']
        for section in range(8):
            menu.append(f'<li class="megamenu-section"><button type="button" aria-expanded="false">Seksjon {section}'
                        '</button><ul class="megamenu-links">\n')
            for _ in range(30 if target >= 40_000 else 8):
                slug, topic_id = rng.choice(TOPICS)[:2]
                menu.append(f'<li><a href="/no/tema/{slug}/id{topic_id}/" data-nav="megamenu-link">'
                            f'{_ent(_sentence(rng, WORDS_NO, 1, 3))}</a></li>\n')
            menu.append("</ul></li>\n")
        menu.append("</ul></nav></header>\n")
        before.extend(menu)
    if kind == "hearings":
        form = ['<form class="filter" action="" method="get">\n<select name="documenttype">\n']
        form += [f'<option value="dokumenter/type-{n}">{_ent(_sentence(rng, WORDS_NO, 1, 2))}</option>\n'
                 for n in range(40)]
        form.append('</select>\n<select name="topic">\n')
        form += [f'<option value="{rng.randint(100, 3_000_000)}">{_ent(_sentence(rng, WORDS_NO, 1, 3))}</option>\n'
                 for n in range(200)]
        form.append('</select>\n<select name="ownerid">\n')
        form += [f'<option value="{m[1]}">{_ent(m[2])}</option>\n' for m in MINISTRIES]
        form.append('</select>\n<select name="from">\n')
        form += [f'<option value="01.01.{year}">{year}</option>\n' for year in range(1990, 2027)]
        form.append("</select>\n</form>\n")
        before.extend(form)
    footer = ['<footer class="site-footer"><div class="footer-cols">\n']
    footer += [f'<div class="footer-col"><h2>{_ent(_sentence(rng, WORDS_NO, 1, 2))}</h2><a href="/no/om-nettstedet/'
               f'side-{n}/id{rng.randint(1000, 999999)}/">{_ent(_sentence(rng, WORDS_NO, 2, 4))}</a></div>\n'
               for n in range(12 if target >= 10_000 else 3)]
    footer.append("</div></footer>\n")
    after.extend(footer)
    size = sum(map(len, before)) + sum(map(len, after))
    sprite = ['<svg xmlns="http://www.w3.org/2000/svg" style="display:none">\n']
    n = 0
    while size + sum(map(len, sprite)) < target - 200:
        points = " ".join(f"{rng.randint(0, 24)}.{rng.randint(0, 99)}" for _ in range(24))
        sprite.append(f'<symbol id="icon-{n}" viewBox="0 0 24 24"><path d="M{points}z"/></symbol>\n')
        n += 1
    sprite.append("</svg>\n")
    after.extend(sprite)
    after.append('<script src="/dist-web/js/main.js" defer></script>\n</body>\n</html>\n')
    return "".join(before), "".join(after)


# ============================================================================================ regjeringen.no


def _department(item: Item, english: bool) -> str:
    names = [m[4] if english else (m[3] if item.language == "nn" else m[2]) for m in item.ministries]
    return ", ".join(names)


def _listing_item(item: Item, english: bool, absolute: bool) -> str:
    href = (REAL_HOST if absolute else "") + item.path
    date = item.published.strftime("%d/%m/%Y" if english else "%d.%m.%Y")
    title = ("Web TV: " if item.web_tv and item.number % 2 else "") + item.title
    lines = [
        '    <li class="listItem">\n    <h2 class="title">\n'
        f'        <a href="{href}"  data-nav=searchResultItem >\n            {_ent(title)} \n        </a>\n    </h2>\n',
        '    <div class="info">\n'
        f'            <span class="date">{date}</span>\n'
        f'            <span class="type">{_ent(item.type_label)}</span>\n'
        f'                <span class="department">{_ent(_department(item, english))}</span>\n',
    ]
    if item.web_tv and not item.number % 2:
        lines.append('            <span class="media-flag">Web TV</span>\n')
    lines.append(f'    </div>\n        <p class="excerpts">{escape(item.excerpt, quote=False)}</p>\n')
    if item.pool == "hearings":
        word = "Høyringsfrist" if item.language == "nn" else "Høringsfrist"
        status = "P&#xE5; h&#xF8;yring" if item.language == "nn" else "P&#xE5; h&#xF8;ring"
        deadline = (item.published + timedelta(days=90)).strftime("%d.%m.%Y")
        lines.append('        <p class="event-details">\n'
                     f'                <span class="event-details">{word}: {deadline}</span>\n'
                     f'            <span class="event-details-open">Status: {status}</span>\n        </p>\n')
    lines.append("    </li>\n")
    return "".join(lines)


def _listing_page(path: str, items: list[Item], page: int, pages: int, total: int, english: bool, absolute: bool,
                  furniture: tuple[bytes, bytes]) -> Page:
    title = "Immigration and integration" if english else "Høyringar"
    lang = "en" if english else "nn"
    first = (page - 1) * ITEMS_PER_PAGE + 1
    head = [f'<!DOCTYPE html>\n<html class="no-js" lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{_ent(title)} - regjeringen.no</title>\n"]
    if page < pages:
        head.append(f'<link rel="next" href="{REAL_HOST}{path}?page={page + 1}">\n')
    head.append(f'<meta name="DC.Title" content="{_ent(title)}">\n'
                f'<meta name="DC.Language" content="{"en-GB" if english else "nn-NO"}">\n')
    count = (f"Showing {first}-{first + len(items) - 1} of {total} results." if english
             else f"Viser {first}-{first + len(items) - 1} av {total} treff.")
    body = [
        '<main id="mainContent" tabindex="-1">\n<div class="mainContentArea">\n',
        f'<header class="article-header"><h1>{_ent(title)}</h1></header>\n<section class="topic-news">\n'
        if english else f"<h1>{_ent(title)}</h1>\n",
        '<div class="results">\n    <div class="statusLine">\n        <p class="count">\n'
        f"            {count}\n        </p>\n    </div>\n"
        '    <ul class="listing" tabindex="-1" id="searchResultsListing" data-nav="searchResultList">\n',
        *(_listing_item(item, english, absolute) for item in items),
        "    </ul>\n",
    ]
    if pages > 1:
        label = f"You are on page {page} of {pages}" if english else f"Du er p&#xE5; sida {page} av {pages}"
        disabled = lambda on: " disabled" if on else ""  # noqa: E731
        body.append(
            f'    <ul class="pagination" aria-label="{label}">\n'
            f'        <li class="firstlink{disabled(page == 1)}"><a href="?page=1"></a></li>\n'
            f'        <li class="prev{disabled(page == 1)}"><a href="?page={page - 1}"></a></li>\n'
            f'        <li class="current_0"><span>{"Page" if english else "Side"} {page} {"of" if english else "av"} '
            f"{pages}</span></li>\n"
            f'        <li class="next{disabled(page == pages)}"><a href="?page={min(page + 1, pages)}"></a></li>\n'
            f'        <li class="lastlink{disabled(page == pages)}"><a href="?page={pages}"></a></li>\n    </ul>\n')
    body.append("</div>\n" + ("</section>\n" if english else "") + "</div>\n</main>\n")
    return _page(["".join(head), furniture[0], "".join(body), furniture[1]])


def _article_page(item: Item, furniture: tuple[bytes, bytes]) -> Page:
    english = item.pool == "en"
    lang = "en" if english else item.language
    dc_language = {"en": "en-GB", "nn": "nn-NO"}.get(lang, "nb-NO")
    owner = item.ministries[0]
    names = _department(item, english)
    modified = item.published + timedelta(hours=3)
    topics_html = "".join(
        f'            <li>\n                <a href="/{"en/topics" if english else "no/tema"}/'
        f'{t[3] if english else t[0]}/id{t[1]}/">{_ent(t[4] if english else t[2])}</a>\n            </li>\n'
        for t in item.topics)
    head = (
        f'<!DOCTYPE html>\n<html class="no-js" lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_ent(item.title)} - regjeringen.no</title>\n"
        f'<meta name="title" content="{_ent(item.title)}">\n'
        f'<meta name="description" content="{_ent(item.ingress)}">\n'
        f'<meta name="DC.Title" content="{_ent(item.title)}">\n'
        f'<meta name="DC.Creator" content="{_ent(names)}">\n'
        f'<meta name="DC.Subject" content="{_ent(item.topics[0][4] if english else item.topics[0][2])}">\n'
        f'<meta name="DC.Description" content="{_ent(item.ingress)}">\n'
        f'<meta name="DC.Date" content="{item.published.date().isoformat()}">\n'
        '<meta name="DC.Type.Status" content="Gyldig">\n'
        f'<meta name="DC.Type" content="{_ent(item.dc_type)}">\n'
        '<meta name="DC.Format" content="text/html">\n'
        f'<meta name="DC.Identifier.URL" content="{item.path}">\n'
        f'<meta name="DC.Language" content="{dc_language}">\n'
        '<meta name="DC.Publisher" content="regjeringen.no">\n'
        f'<meta name="author" content="{_ent(owner[4] if english else owner[2])}">\n'
        f'<meta name="authorshortname" content="{owner[0]}">\n'
        f'<meta name="ownerid" content="{owner[1]}">\n'
        f'<meta name="last-modified" content="{modified.strftime("%a, %d %b %Y %H:%M:%S GMT")}">\n'
        f'<meta name="revised" content="{modified.strftime("%a, %d %b %Y %H:%M:%S GMT")}">\n'
        '<meta property="og:site_name" content="Regjeringen.no">\n'
        f'<meta property="og:title" content="{_ent(item.title)}">\n'
        '<meta property="og:type" content="website">\n'
        f'<meta property="og:url" content="{REAL_HOST}{item.path}">\n'
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "WebPage", '
        f'"@id": "{REAL_HOST}/id{item.number}/#webpage", "url": "{REAL_HOST}{item.path}", "inLanguage": "{lang}"}}'
        "</script>\n"
    )
    owners = "".join(f'        | <a href="/{"en" if english else "no"}/dep/{m[0]}/id{m[1]}/">'
                     f"{_ent(m[4] if english else (m[3] if lang == 'nn' else m[2]))}</a>\n" for m in item.ministries)
    date = item.published.strftime("%d/%m/%Y" if english else "%d.%m.%Y")
    hearing = ""
    if item.pool == "hearings":
        word = "Høyringsfrist" if lang == "nn" else "Høringsfrist"
        status = "P&#xE5; h&#xF8;yring" if lang == "nn" else "P&#xE5; h&#xF8;ring"
        deadline = (item.published + timedelta(days=90)).strftime("%d.%m.%Y")
        hearing = ('                <div class="horing-meta content-row">\n'
                   f"    <p><strong>Status:</strong> {status}</p>\n"
                   f"        <p><strong>{word}:</strong> {deadline}</p>\n                </div>\n")
    rng = random.Random(f"body-{item.pool}-{item.number}")
    paragraphs = "".join(f"<p>{_ent(_sentence(rng, WORDS_EN if english else WORDS_NO, 20, 50))}.</p>\n"
                         for _ in range(rng.randint(4, 10)))
    body = (
        '<main id="mainContent" tabindex="-1">\n        <div class="mainContentArea">\n'
        '    <div class="content-row article">\n        <div class="content-col-2 article-content">\n'
        f'            <header class="article-header">\n<h1>{_ent(item.title)}</h1>\n            </header>\n'
        '<div class="article-info">\n    <p>\n            <span class="type">\n'
        f"                {_ent(item.type_label)}\n|            </span>\n"
        f'            <span class="date">{"Date" if english else "Dato"}: {date}</span>\n'
        f'    <span class="owner">\n{owners}    </span>\n    </p>\n</div>\n'
        f'            <div class="article-ingress">\n                {_ent(item.ingress)}\n            </div>\n'
        f'            <div class="article-body">\n{hearing}                <div class="content-row">\n{paragraphs}'
        "                </div>\n            </div>\n        </div>\n"
        '        <aside class="content-col-1 article-sidebar">\n'
        '    <div class="content-owner-dep" data-nav="content-owner-link">\n'
        f'        <div><a href="/{"en" if english else "no"}/dep/{owner[0]}/id{owner[1]}/">'
        f"{_ent(owner[4] if english else owner[2])}</a></div>\n    </div>\n"
        '    <div class="content-intro-topics" data-nav="related-topic">\n'
        f'        <h2 class="title">{"Topics" if english else "Tema"}</h2>\n    <ul class="topiclist">\n'
        f"{topics_html}    </ul>\n    </div>\n        </aside>\n    </div>\n        </div>\n    </main>\n"
    )
    return _page([head, furniture[0], body, furniture[1]])


def _rss(items: list[Item], base_url: str) -> Page:
    entries = []
    for item in items:
        pub = item.published.astimezone(timezone(timedelta(hours=1)))
        entries.append(
            "    <item>\n"
            f"      <title>{escape(item.title, quote=False)}</title>\n"
            f"      <link>{base_url}{item.path}"
            "?utm_source=regjeringen.no&amp;utm_medium=rss&amp;utm_campaign=rss</link>\n"
            f"      <description>{escape(item.excerpt.rstrip(' …'), quote=False)}</description>\n"
            f"      <category>{escape(item.type_label, quote=False)}</category>\n"
            f'      <guid isPermaLink="false">{item.number}</guid>\n'
            f"      <pubDate>{pub.strftime('%a, %d %b %Y %H:%M:%S +0100')}</pubDate>\n"
            "    </item>\n")
    text = ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0">\n  <channel>\n'
            f"    <title>RSS Regjeringen.no</title>\n    <link>{base_url}/no/</link>\n"
            "    <description>RSS Regjeringen.no</description>\n    <language>no</language>\n"
            + "".join(entries) + "  </channel>\n</rss>\n")
    return _page([text], "application/rss+xml; charset=utf-8")


ROBOTS = """# The bench site's robots.txt, after www.regjeringen.no's rules (as tests/fixtures/regjeringen/robots.txt)
User-agent: *
Disallow: /*/?documenttype
Disallow: /*/?topic
Disallow: /*/?ownerid
Disallow: /*/?from
Disallow: /*/?term
Disallow: /*/?sortby
Disallow: /*/?isfilteropen
Disallow: /Utilities/RSSEngine/*
Disallow: /no/dokumentarkiv/*
Disallow: /en/historical-archive/*
Disallow: /*.xhtml$
"""


# ============================================================================================ ks.no


def _ks_listing(items: list[Item], furniture: tuple[bytes, bytes]) -> Page:
    cards = []
    for item in items:
        tag = f'            <div class="card__tag">{item.type_label}</div>\n' if item.type_label else ""
        cards.append(
            '      <div class="cards__item">\n        <div class="card">\n'
            f'          <a class="card__image" href="{item.path}">'
            f'<img src="/globalassets/bilder/{item.number}.jpg" alt=""></a>\n'
            f'          <div class="card__content">\n{tag}'
            f'            <h2 class="card__heading"><a href="{item.path}">{escape(item.title, quote=False)}</a></h2>\n'
            '            <div class="card__excerpt"><div class="rich-text">'
            f'<p>{escape(item.excerpt, quote=False)}</p></div></div>\n'
            "          </div>\n        </div>\n      </div>\n")
    head = ('<!DOCTYPE html>\n<html lang="nb-NO">\n<head>\n<meta charset="utf-8">\n<title>Integrering - KS</title>\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n')
    body = (
        '<div id="content" class="page">\n  <div class="breadcrumbs">\n    <a href="/">Forside</a> / '
        '<a href="/fagomrader/">Fagområder</a> /\n    <a href="/fagomrader/innvandring-og-integrering/">Innvandring og '
        'integrering</a>\n  </div>\n  <div class="hero">\n    <h1 class="hero__title">Integrering</h1>\n'
        '    <div class="hero__intro"><p>Kommunene har hovedansvaret for å ta imot og kvalifisere nyankomne '
        'innvandrere.'
        '</p></div>\n  </div>\n  <div class="block block--cards">\n    <h2 class="block__title">Siste fra KS</h2>\n'
        '    <div class="cards">\n' + "".join(cards) + "    </div>\n"
        '    <a class="button button--more" href="/sok/?kategori=integrering">Les flere artikler</a>\n  </div>\n'
        '  <div class="block block--contact">\n    <h2>Kontaktperson</h2>\n'
        "    <p>Kari Nordmann, spesialrådgiver i KS</p>\n  </div>\n</div>\n")
    return _page([head, furniture[0], body, furniture[1]])


def _ks_article(item: Item, furniture: tuple[bytes, bytes]) -> Page:
    modified = item.published + timedelta(days=1)
    rng = random.Random(f"ks-body-{item.number}")
    paragraphs = "".join(f"      <p>{escape(_sentence(rng, WORDS_KS, 20, 40), quote=False)}.</p>\n" for _ in range(5))
    tag = f'    <p class="tag">{item.type_label}</p>\n' if item.type_label else ""
    head = ('<!DOCTYPE html>\n<html lang="nb">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(item.title)} - KS</title>\n"
            f'<meta name="description" content="{escape(item.ingress)}">\n')
    body = (
        f"<main>\n  <article>\n{tag}    <h1>{escape(item.title, quote=False)}</h1>\n"
        f'    <p class="ingress">{escape(item.ingress, quote=False)}</p>\n    <div class="body">\n{paragraphs}'
        "    </div>\n  </article>\n</main>\n"
        '<script type="application/ld+json">\n{"@context": "https://schema.org", "@graph": [\n'
        '  {"@type": "Organization", "name": "KS", "url": "https://www.ks.no/"},\n'
        f'  {{"@type": "NewsArticle", "headline": "{item.title}", "datePublished": "{item.published.isoformat()}", '
        f'"dateModified": "{modified.isoformat()}"}}\n]}}\n</script>\n')
    return _page([head, furniture[0], body, furniture[1]])


# ============================================================================================ the site


class Site:
    """Every page of both sites, pre-rendered. Sizes are item counts per pool; the ks page shows its newest 20."""

    def __init__(self, hearings: int = 200, en: int = 60, news: int = 60, ks: int = 20, base_url: str = ""):
        self.base_url = base_url.rstrip("/")
        self.counts = {"hearings": hearings, "en": en, "news": news, "ks": ks}
        self.pages: dict[str, Page] = {}
        # encoded once: every page holds the same two bytes objects, not a copy of its own
        self._furniture = {
            kind: tuple(part.encode("utf-8") for part in _furniture(kind, size, language))
            for kind, size, language in (("hearings", HEARINGS_FURNITURE, "nn"), ("topic", TOPIC_FURNITURE, "en"),
                                         ("article", ARTICLE_FURNITURE, "nb"), ("ks", KS_FURNITURE, "nb"))
        }
        self._articles: dict[tuple[str, int], Item] = {}
        self.render()

    def items(self, pool: str) -> list[Item]:
        """A pool's items, newest first."""
        return [make_item(pool, i) for i in range(self.counts[pool] - 1, -1, -1)]

    def add(self, count: int = 1) -> None:
        """Publish `count` new items in every pool."""
        for pool in self.counts:
            self.counts[pool] += count
        self.render()

    def render(self) -> None:
        pages = {"/robots.txt": _page([ROBOTS], "text/plain; charset=utf-8")}
        pools = {pool: self.items(pool) for pool in self.counts}
        for path, external, pool, english, furniture in (
            (HEARINGS, HEARINGS_EXTERNAL, "hearings", False, self._furniture["hearings"]),
            (TOPIC_EN, TOPIC_EN_EXTERNAL, "en", True, self._furniture["topic"]),
        ):
            items = pools[pool]
            total_pages = max(1, -(-len(items) // ITEMS_PER_PAGE))
            for page in range(1, total_pages + 1):
                chunk = items[(page - 1) * ITEMS_PER_PAGE: page * ITEMS_PER_PAGE]
                for prefix, absolute in ((path, False), (external, True)):
                    rendered = _listing_page(prefix, chunk, page, total_pages, len(items), english, absolute, furniture)
                    pages[f"{prefix}?page={page}"] = rendered
                    if page == 1:
                        pages[prefix] = rendered
        aid_hearings = [i for i in pools["hearings"] if any(m[0] == "aid" for m in i.ministries)]
        feed_items = sorted([*pools["news"], *aid_hearings], key=lambda i: i.published, reverse=True)[:50]
        pages[RSS] = _rss(feed_items, self.base_url)
        pages[KS_PAGE] = _ks_listing(pools["ks"][:20], self._furniture["ks"])
        for pool, items in pools.items():
            for item in items:
                key = (pool, item.number)
                old = self.pages.get(item.path)
                if key in self._articles and old is not None:
                    pages[item.path] = old  # unchanged: the same bytes and ETag
                    continue
                self._articles[key] = item
                pages[item.path] = (_ks_article(item, self._furniture["ks"]) if pool == "ks"
                                    else _article_page(item, self._furniture["article"]))
        self.pages = pages

    def listing_page(self, which: str = "hearings", page: int = 1) -> tuple[str, bytes]:
        """(path, bytes) of a listing page: "hearings" (~120 KB, Norwegian) or "topic" (~18 KB, English)."""
        path = {"hearings": HEARINGS, "topic": TOPIC_EN}[which]
        path = path if page == 1 else f"{path}?page={page}"
        return path, self.pages[path].body

    def article(self, pool: str = "hearings") -> tuple[str, bytes]:
        """(path, bytes) of the newest article page of a pool."""
        item = make_item(pool, self.counts[pool] - 1)
        return item.path, self.pages[item.path].body


if __name__ == "__main__":
    site = Site()
    pages = {"hearings listing": site.listing_page("hearings"), "topic listing": site.listing_page("topic"),
             "hearing article": site.article("hearings"), "en article": site.article("en"),
             "ks page": (KS_PAGE, site.pages[KS_PAGE].body)}
    for name, (path, body) in pages.items():
        print(f"{name:<18} {len(body) / 1024:7.1f} KB  {path}")
    print(f"{len(site.pages)} pages, {sum(len(p) for p in site.pages.values()) / 1e6:.1f} MB served")
