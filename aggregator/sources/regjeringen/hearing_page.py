"""What a regjeringen.no hearing page says beyond an article page: its factboxes and its published responses.

The hearing page (bokmål and nynorsk alike; the factbox ids do not change with the language):
- `#horingsbrev`: the hearing letter; its first element `.horing-ref` holds the case reference ("Vår ref.: 26/2371").
- `#horingsnotater`: links to the hearing note and attachments (PDFs under /contentassets/).
- `#horingsinstanser`: the recipients, one `<p>` (or `<br>`-separated line, or `<li>`) per body.
- `.horing-cta a`: the answer form on svar.regjeringen.no.

The responses are listed at `<hearing URL>?showSvar=true&…&page=N` (robots.txt allows it; the single response
pages `?uid=…` it disallows are never requested): `ul[data-horingssvar-list] > li[data-instans]`, the attribute
naming the kind of body, and "Viser 1–100 av 234 treff" giving the total. Older pages list them in
`#horingssvar ul.link-list`. That markup is not recorded, so it is read by these names first and by structure
after. Pure functions of (URL, HTML).
"""

from __future__ import annotations

import mimetypes
import re
from urllib.parse import urlencode, urlsplit, urlunsplit

import nh3
from selectolax.lexbor import LexborHTMLParser, LexborNode

from ...hearings import Document, Hearing, Response
from ...normalize import canonical_url, clean_text, xml_safe
from ..html import parse_page

# Tags a hearing letter keeps in an Atom entry's content: its paragraphs, emphasis, lists, tables and links.
# nh3 (ammonia) drops everything else, attributes and scripts included, and makes links safe.
LETTER_TAGS = {"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a", "table", "tbody", "thead", "tr", "td",
               "th", "h2", "h3", "h4", "blockquote"}
_REF = re.compile(r"(?:Vår|Vår|Our)\s+ref\.?\s*:?\s*(.+)", re.I)
_TOTAL = re.compile(r"(?:av|of)\s+(\d[\d\s.]*)\s+(?:treff|results?|hits?)", re.I)
_LINE_BREAK = re.compile(r"<br\s*/?>", re.I)
_LINE_MARK = "\x1e"  # a character no page text holds (clean_text would turn it into a space): where a <br> was
RESPONSE_PAGE_SIZE = 100
MAX_RESPONSE_PAGES = 10


def parse_hearing(url: str, html: str) -> Hearing:
    """The hearing facts of a hearing page: its case reference, letter (sanitized HTML), documents, recipients and
    answer form. Facts the page does not give are unknown (None)."""
    return hearing_facts(url, parse_page(url, html))


def hearing_facts(url: str, doc: LexborHTMLParser) -> Hearing:
    """parse_hearing on a page already parsed (article.parse_article's). It reads the letter without its reference
    line by taking that line out of the tree, after which the tree lacks it."""
    hearing = Hearing()
    letter = doc.css_first("#horingsbrev")
    if letter is not None:
        ref_node = letter.css_first(".horing-ref")
        if ref_node is not None:
            found = _REF.search(clean_text(ref_node.text(separator=" ")))
            hearing.reference = found.group(1).strip() if found else None
            ref_node.decompose()
        hearing.letter = sanitize_letter(letter.html or "", url) or None
    notes = doc.css_first("#horingsnotater")
    if notes is not None:
        hearing.documents = _documents(notes, url)
    recipients = doc.css_first("#horingsinstanser")
    if recipients is not None:
        hearing.recipients = _recipients(recipients)
    answer = doc.css_first(".horing-cta a[href]") or doc.css_first('a[href*="svar.regjeringen.no"]')
    hearing.answer_url = _absolute(answer.attributes.get("href") or "", url) if answer is not None else None
    return hearing


def sanitize_letter(html: str, base_url: str) -> str:
    """The letter as safe HTML: allowed tags only, relative links made absolute (links that are no http(s) link,
    such as mailto:, stay as they are, and javascript: ones go), empty paragraphs and non-XML characters gone."""
    def absolute_links(tag: str, attribute: str, value: str) -> str:
        # nh3 hands the attribute's value with its entities decoded, and escapes what it returns: a link is
        # decoded once, then resolved ("?ch=2&amp;q=3" is "?ch=2&q=3", never "&amp%3Bq=3")
        if tag == "a" and attribute == "href" and not urlsplit(value).scheme:
            return _absolute(value, base_url) or value
        return value

    cleaned = nh3.clean(xml_safe(html), tags=LETTER_TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https", "mailto"},
                        link_rel="noopener noreferrer", attribute_filter=absolute_links)
    cleaned = re.sub(r"<p>\s*(?:&nbsp;|\u00a0)?\s*</p>", "", cleaned)
    cleaned = re.sub(r"(?:&nbsp;|\u00a0|[ \t])(?:&nbsp;|\u00a0|[ \t])+", " ", cleaned)
    return re.sub(r"\n\s*\n+", "\n", cleaned).strip()


def _absolute(href: str, base_url: str) -> str | None:
    """A link as an absolute http(s) URL, or None for one that is none (mailto:, tel:, javascript:)."""
    try:
        return canonical_url(href, base_url)
    except ValueError:
        return None


def _documents(box: LexborNode, page_url: str) -> list[Document]:
    documents: list[Document] = []
    seen: set[str] = set()
    for anchor in box.css("a[href]"):
        link = _absolute(anchor.attributes.get("href") or "", page_url)
        if link is None or link in seen:
            continue
        seen.add(link)
        # The link's text is often just "Høringsnotat"; its title attribute holds the file's full name.
        text, full = clean_text(anchor.text(separator=" ")), _without_extension(clean_text(anchor.attributes.get("title")))
        title = full if len(full) > len(_without_extension(text)) else (_without_extension(text) or full or link)
        documents.append(Document(title, link, media_type(link)))
    return documents


def _without_extension(name: str) -> str:
    return re.sub(r"\.(?:pdf|docx?|xlsx?|odt|pptx?)$", "", name, flags=re.I).strip()


def media_type(url: str) -> str | None:
    """The media type a document's file name says (application/pdf, …), or None for a web page."""
    guessed, _ = mimetypes.guess_type(urlsplit(url).path)
    return guessed if guessed and guessed != "text/html" else None


def _recipients(box: LexborNode) -> list[str]:
    """One body per `<p>`, per `<li>`, or per line of a `<br>`-separated paragraph; in the page's order. Linear in
    the page: a block without a line break is read from the tree as it is, one with breaks is parsed once more."""
    names: dict[str, None] = {}
    for block in box.css("li") or box.css("p") or [box]:
        if block.css_first("br") is None:
            lines = [block.text(separator=" ")]
        else:
            marked = _LINE_BREAK.sub(_LINE_MARK, block.html or "")
            lines = LexborHTMLParser(marked).text(separator=" ").split(_LINE_MARK)
        names.update((name, None) for line in lines if (name := clean_text(line)))
    return list(names)


# ------------------------------------------------------------------------------------------ responses


def responses_url(hearing_url: str, page: int = 1) -> str:
    """The hearing's response listing, page N. `showSvar` comes first: robots.txt disallows queries that start
    with `consterm` or `isFilterOpen`, not this one."""
    parts = urlsplit(hearing_url)
    query = urlencode([("showSvar", "true"), ("consterm", ""), ("page", str(page)), ("isFilterOpen", "true")])
    return urlunsplit(parts._replace(query=query, fragment=""))


def parse_responses(url: str, html: str) -> tuple[list[Response], int | None]:
    """The responses listed on one page of a hearing's response listing and the total the page states (None when it
    states none). An empty list on a page that has no listing at all."""
    doc = parse_page(url, html)
    entries = doc.css("[data-horingssvar-list] li") or doc.css("#horingssvar ul.link-list li") \
        or doc.css("#horingssvar li")
    responses = []
    for entry in entries:
        name_node = entry.css_first("a, h2, h3, .title, strong") or entry
        name = clean_text(name_node.text(separator=" "))
        if not name:
            continue
        kind = clean_text(entry.attributes.get("data-instans")) or None
        responses.append(Response(name, kind))
    found = _TOTAL.search(clean_text(doc.body.text(separator=" ")) if doc.body else "")
    total = int(re.sub(r"\D", "", found.group(1))) if found else None
    return responses, total
