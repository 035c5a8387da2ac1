"""HTML parsed within bounds: every page and fragment a kind parses goes through here.

lexbor (selectolax) parses a flat page of megabytes in milliseconds, but its time grows with the square of how
deeply elements nest: a ks.no page nested 100 000 `<div>`s deep (1.1 MB) held a run 21 s, 200 000 deep 126 s, while
the run held the store. Real pages nest a few dozen deep. So before parsing a page of more than FEW_TAGS tags (one
with fewer cannot nest deeper than that, which lexbor parses in milliseconds), one linear scan of the text counts how
deeply its elements nest, and a page deeper than MAX_DEPTH is a clear error naming its URL (a listing: the source's
error; an article page: that item's warning, tried again later), never a parse.

The scan counts start and end tags of elements that must be closed; elements the HTML standard lets stay open
(`<p>`, `<li>`, `<td>`, …) or that cannot hold anything (`<br>`, `<img>`, …) do not count, so a valid page is never
over-counted; one nested through them is limited by the parser itself (a `<p>` in a `<p>` closes the first).
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from ..records import SourceError

MAX_DEPTH = 512  # elements within elements; real pages of these sites: 20–40
# A page with at most this many tags cannot nest deeper than that, and lexbor parses even that in milliseconds:
# such a page (every real listing and article: a 120 KB listing has ~2 000) is parsed without the scan.
FEW_TAGS = 4096

# Elements whose end tag may be left out, or that hold nothing: they do not nest by their tags alone.
_NOT_NESTING = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "keygen", "command", "basefont", "bgsound", "frame", "isindex", "p", "li", "dt", "dd",
    "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup", "caption", "rb", "rt",
    "rtc", "rp", "html", "head", "body",
})
_NOT_NESTING_NAMES = frozenset(name.encode() for name in _NOT_NESTING)
# A tag ends before the next "<" (an unclosed one is no tag): the scan moves on at every "<", so it is linear.
_TAG = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9:-]{0,40})([^<>]*)>")
# Where tags stop counting: a comment, and the text of elements that hold no tags (script, style, …).
_NOT_MARKUP = re.compile(rb"<!--|<(script|style|textarea|template|title)\b", re.I)


def nesting_depth(html: str | bytes, stop_at: int = MAX_DEPTH) -> int:
    """How deeply the elements of a page nest, counted from its tags (comments and the text of script, style and
    the like left out), linear in the page's length and done mostly in C: a 120 KB page costs well under the
    parse it guards."""
    data = html.encode("utf-8", "surrogatepass") if isinstance(html, str) else html
    steps = [0 if attributes.endswith(b"/") or name.lower() in _NOT_NESTING_NAMES else (-1 if closing else 1)
             for closing, name, attributes in _TAG.findall(_markup_only(data))]
    depth = deepest = 0
    for step in steps:
        depth = depth + step if depth + step > 0 else 0
        if depth > deepest:
            deepest = depth
            if deepest > stop_at:
                break
    return deepest


def _markup_only(data: bytes) -> bytes:
    """The page without its comments and without the text of script, style and the like (whose `<` are no tags);
    each found by one search onward from the last, so the whole is linear."""
    if b"<!--" not in data and not _NOT_MARKUP.search(data):
        return data
    lowered, kept, position = data.lower(), [], 0
    while (found := _NOT_MARKUP.search(lowered, position)) is not None:
        kept.append(data[position:found.start()])
        if found.group(1) is None:  # a comment, to its end or the page's
            end = lowered.find(b"-->", found.end())
            position = len(data) if end < 0 else end + 3
        else:  # the element's start tag counts; its text does not, up to its end tag (which counts)
            name = found.group(1)
            kept.append(b"<" + name + b">")
            end = lowered.find(b"</" + name, found.end())
            position = len(data) if end < 0 else end
    kept.append(data[position:])
    return b"".join(kept)


class PageTooDeep(SourceError):
    """A page nested more deeply than MAX_DEPTH: not parsed."""


def too_deep(html: str) -> bool:
    """Whether a page nests too deeply to parse: more than FEW_TAGS tags, nesting more than MAX_DEPTH deep."""
    return html.count("<") > FEW_TAGS and nesting_depth(html) > MAX_DEPTH


def parse_page(url: str, html: str) -> LexborHTMLParser:
    """A page's tree, or PageTooDeep naming the URL when its elements nest too deeply (too_deep)."""
    if too_deep(html):
        raise PageTooDeep(f"{url}: the page's elements nest more than {MAX_DEPTH} deep (real pages: a few dozen), "
                          "so it was not parsed")
    return LexborHTMLParser(html)


def fragment_text(html: str) -> str:
    """The text of an HTML fragment (a feed's summary); a fragment nested too deeply to parse has its tags dropped
    instead, which costs one linear pass."""
    if "<" not in html:
        return html
    if too_deep(html):
        return re.sub(r"<[^>]*>", " ", html)
    return LexborHTMLParser(html).text(separator=" ")
