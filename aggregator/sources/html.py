"""HTML parsed within bounds: every page and fragment a kind parses goes through here.

lexbor (selectolax) parses a flat page of megabytes in milliseconds, but its time grows with the square of how
deeply elements nest: a ks.no page nested 100 000 `<div>`s deep (1.1 MB) held a run 21 s, 200 000 deep 126 s, while
the run held the store. Real pages nest a few dozen deep. So before parsing, one linear scan of the text counts how
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

# Elements whose end tag may be left out, or that hold nothing: they do not nest by their tags alone.
_NOT_NESTING = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "keygen", "command", "basefont", "bgsound", "frame", "isindex", "p", "li", "dt", "dd",
    "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup", "caption", "rb", "rt",
    "rtc", "rp", "html", "head", "body",
})
# A tag ends before the next "<" (an unclosed one is no tag): every step of the scan moves on, so it is linear.
_TAG = re.compile(rb"<(?:(!--)|(/?)([A-Za-z][A-Za-z0-9:-]{0,40})[^<>]*?(/?)>)")
_RAW_TEXT = (b"script", b"style", b"textarea", b"template", b"title")  # their text holds no tags


def nesting_depth(html: str | bytes, stop_at: int = MAX_DEPTH) -> int:
    """How deeply the elements of a page nest, counted from its tags in one linear scan (stopping early past
    `stop_at`): comments and the text of script, style and the like are jumped over."""
    data = html.encode("utf-8", "surrogatepass") if isinstance(html, str) else html
    lowered = data.lower()
    depth = deepest = position = 0
    while (found := _TAG.search(data, position)) is not None:
        comment, closing, name, self_closing = found.groups()
        position = found.end()
        if comment:
            end = data.find(b"-->", position)
            position = len(data) if end < 0 else end + 3
            continue
        name = name.lower()
        if self_closing or name.decode("ascii", "replace") in _NOT_NESTING:
            continue
        if closing:
            depth = max(0, depth - 1)
            continue
        if name in _RAW_TEXT:
            end = lowered.find(b"</" + name, position)
            position = len(data) if end < 0 else end
        depth += 1
        deepest = max(deepest, depth)
        if deepest > stop_at:
            break
    return deepest


class PageTooDeep(SourceError):
    """A page nested more deeply than MAX_DEPTH: not parsed."""


def parse_page(url: str, html: str) -> LexborHTMLParser:
    """A page's tree, or PageTooDeep naming the URL when its elements nest deeper than MAX_DEPTH."""
    if nesting_depth(html) > MAX_DEPTH:
        raise PageTooDeep(f"{url}: the page's elements nest more than {MAX_DEPTH} deep (real pages: a few dozen), "
                          "so it was not parsed")
    return LexborHTMLParser(html)


def fragment_text(html: str) -> str:
    """The text of an HTML fragment (a feed's summary); a fragment nested too deeply to parse has its tags dropped
    instead, which costs one linear pass."""
    if "<" not in html:
        return html
    if nesting_depth(html) > MAX_DEPTH:
        return re.sub(r"<[^>]*>", " ", html)
    return LexborHTMLParser(html).text(separator=" ")
