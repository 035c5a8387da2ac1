"""A ks.no topic page's teasers, as Records (no dates: those are on the articles). Pure."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ...hearings import AnswerTo, put_answer
from ...normalize import clean_text, document_type, hearing_reference, item_id_for_url, language_code
from ...records import Record, SourceError
from ..html import parse_page
from ..structure.teasers import (
    HEADINGS,
    LAYOUT_HINT,
    content_root,
    find_label,
    heading_link,
    lead,
    link_target,
    pinned_link,
    teaser_blocks,
    teaser_date,
)
from ..structure.tree import below, first, root_of, select, text_without
from . import AUTHOR

# The package's data files (see normalize/vocab.py)
_DATA = Path(__file__).resolve().parent.parent.parent / "data"

_NOU_SLUG = re.compile(r"\bnou-(\d{4})-(\d{1,3})(?:-|/|$)", re.I)


def parse_listing(url: str, html: str, selectors: dict | None = None, warnings: list[str] | None = None) -> list[Record]:
    """The article teasers of a ks.no topic page, as Records (no dates: those are on the articles).

    Raises SourceError when no teaser is found, since that means the layout changed, not "no news".
    """
    selectors = selectors or {}
    tree = parse_page(url, html)
    language = _language(tree)
    blocks: list[tuple[LexborNode, LexborNode | None, str | None]]
    if selectors.get("item"):
        blocks = [(block, None, None) for block in select(root_of(tree), selectors["item"], "item")]
        if not blocks:
            raise SourceError(f"ks.no page {url}: the pinned selector item = {selectors['item']!r} matched nothing; {LAYOUT_HINT}")
    else:
        blocks = list(teaser_blocks(content_root(tree), url))
    records: dict[str, Record] = {}
    for block, heading, link in blocks:
        try:
            record = _teaser_record(block, heading, link, url, selectors, language)
        except Exception as error:  # one teaser we cannot read (a broken link) must not cost the others
            if warnings is not None:
                warnings.append(f"skipped a teaser on {url} ({link or clean_text(block.text())[:80]!r}): "
                                f"{error.__class__.__name__}: {error}")
            continue
        if record and record.id not in records:  # the same article teased twice is one item
            records[record.id] = record
    if not records:
        raise SourceError(f"ks.no page {url}: no article teasers found; {LAYOUT_HINT}")
    return list(records.values())


def _teaser_record(block, heading, link, page_url, selectors, language) -> Record | None:
    """One teaser's Record; pinned selectors win over what the structure says."""
    if selectors.get("title"):
        title_node = first(block, selectors["title"], "title")
    else:
        title_node = heading if heading is not None else first(block, HEADINGS)
        title_node = title_node if title_node is not None else first(block, "a[href]")
    if selectors.get("link"):
        link = pinned_link(block, selectors["link"], page_url)
    elif link is None and title_node is not None:
        link = heading_link(title_node, block, page_url)
    if link is None:
        link = next((t for a in below(block, "a[href]", self_too=True) if (t := link_target(a, page_url))), None)
    if title_node is None or link is None:
        return None

    summary_node = first(block, selectors["summary"], "summary") if selectors.get("summary") else lead(block, title_node)
    if selectors.get("label"):
        label_node = first(block, selectors["label"], "label")
    else:
        label_node = find_label(block, title_node, summary_node)
    label = clean_text(label_node.text(separator=" ")).rstrip(":").strip() if label_node is not None else ""
    # A label is its own element, never part of the title, even where it sits inside the heading.
    title = clean_text(text_without(title_node, label_node))
    if not title:
        return None
    summary = clean_text(summary_node.text(separator=" ")) if summary_node is not None else ""

    kind = ks_document_type(label, link)
    extra: dict = {"label": label} if label else {}
    if kind == "consultation-response":
        reference = hearing_reference(title) or hearing_reference(summary) or _slug_reference(link)
        put_answer(extra, AnswerTo(references=(reference,) if reference else ()))
    return Record(
        id=item_id_for_url(link),
        link=link,
        title=title,
        summary=summary,
        language=language,
        published=teaser_date(block, title_node, summary_node),
        document_type=kind,
        authors=[AUTHOR],
        extra=extra,
    )


def ks_document_type(label: str | None, url: str) -> str:
    """The vocabulary term of a KS item: its URL section or label as KS uses them, else the shared
    vocabulary's reading of the label, else "article"."""
    spec = _ks_labels()
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if segments and segments[0].lower() in spec["sections"]:
        return spec["sections"][segments[0].lower()]
    key = clean_text(label).casefold()
    if key in spec["labels"]:
        return spec["labels"][key]
    shared = document_type(label)
    return shared if shared not in (None, "other") else "article"


@cache
def _ks_labels() -> dict:
    spec = tomllib.loads(_DATA.joinpath("ks_labels.toml").read_text("utf-8"))
    return {"labels": {k.casefold(): v for k, v in spec["labels"].items()}, "sections": spec["sections"]}


def _slug_reference(url: str) -> str | None:
    match = _NOU_SLUG.search(urlsplit(url).path)
    return f"NOU {match.group(1)}: {int(match.group(2))}" if match else None


def _language(tree: LexborHTMLParser) -> str:
    return language_code(tree.root.attributes.get("lang") if tree.root is not None else None) or "nb"
