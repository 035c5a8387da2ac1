"""Helpers on selectolax trees. Nodes are told apart by their identity (mem_id): selectolax's == compares the nodes'
HTML, which is slow (it serializes both) and wrong for two siblings that read the same. Dicts and sets of nodes are
keyed by mem_id too."""

from __future__ import annotations

from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from ...records import SourceError


def same(a: LexborNode | None, b: LexborNode | None) -> bool:
    return a is not None and b is not None and a.mem_id == b.mem_id


def select(node: LexborNode, selector: str, key: str) -> list[LexborNode]:
    try:
        return node.css(selector)
    except SelectolaxError as error:
        raise SourceError(f"selector {key} = {selector!r} in [sources.selectors] is not valid CSS ({error})") from None


def first(node: LexborNode, selector: str, key: str = "") -> LexborNode | None:
    found = select(node, selector, key) if key else node.css(selector)
    return next((n for n in found if not same(n, node)), None)


def below(node: LexborNode, selector: str, self_too: bool = False) -> list[LexborNode]:
    """Elements under a node matching a selector (selectolax's css() may include the node itself)."""
    return [n for n in node.css(selector) if self_too or not same(n, node)]


def ancestors(node: LexborNode, stop: LexborNode) -> Iterator[LexborNode]:
    """The node's ancestors from its parent up to `stop` (included)."""
    current = node.parent
    while current is not None:
        yield current
        if same(current, stop):
            return
        current = current.parent


def within(node: LexborNode, ancestor: LexborNode, stop: LexborNode | None = None) -> bool:
    """Whether `node` is `ancestor` or lies inside it. `stop`: an element both lie in (a teaser's block), where the
    walk up from `node` ends: without it the walk goes to the page's root, as deep as the page is."""
    target, end = ancestor.mem_id, stop.mem_id if stop is not None else None
    current: LexborNode | None = node
    while current is not None:
        if current.mem_id == target:
            return True
        if current.mem_id == end:
            return False
        current = current.parent
    return False


def text_without(node: LexborNode, skip: LexborNode | None) -> str:
    if skip is None or not within(skip, node) or same(skip, node):
        return node.text(separator=" ")
    return " ".join(t.text_content or "" for t in node.traverse(include_text=True) if t.is_text_node and not within(t, skip))


def root_of(tree: LexborHTMLParser) -> LexborNode:
    """The document's root element (lexbor always makes one, even of an empty page)."""
    root = tree.root
    if root is None:
        raise SourceError("the page has no document element at all")
    return root
