"""The parser cases: each of the project's own fixture pages that a parser is tested on has its expected values
beside it (`hoyringar-page1.html` and `hoyringar-page1.expected.json`), and this one runner finds every
`*.expected.json` under tests/fixtures, parses its page and compares, as feedparser's tests do.

An expected file holds:
  "parser"    which parser reads the page: a name in PARSERS;
  "url"       the URL the page is parsed as;
  "expected"  what the parser must give, in plain form (see `plain_record`): a listing's "records" and "next_url",
              an RSS feed's "records", an article page's "record", a KS article's facts, a response listing's
              "responses" and "total";
  "replace"   (optional) text of the page to replace first: {"{base}": "http://127.0.0.1:8080"};
  "unchecked" (optional) facts the comparison leaves out, as "field.key": "hearing.letter" (a test of its own
              reads the letter);
  "about"     (optional) what the case shows, in words.
A record (and the top level of "expected") names only the fields that matter to the case: each field it names is
compared whole, a field it does not name is not compared. A key that starts with "#" is a comment.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import FIXTURES

from aggregator.hearings import AnswerTo, answer_to, hearing_of, put_answer
from aggregator.hearings.model import to_dict, with_hearing
from aggregator.records import Record
from aggregator.sources.ks import article as ks_article
from aggregator.sources.ks import listing as ks_listing
from aggregator.sources.regjeringen import article, hearing_page, listing, rss

CASES = sorted(FIXTURES.glob("*/*.expected.json"))


def plain_record(record: Record) -> dict[str, Any]:
    """A record as the expected files write it: times in ISO 8601; the hearing facts it holds as the model keeps
    them (to_dict), or null; what it says of a hearing it answers ({"links", "references"}), or null; and the rest of
    its `extra` (web_tv, label, rss_category, …)."""
    hearing, answers = hearing_of(record), answer_to(record)
    extra = with_hearing(record.extra, None)
    put_answer(extra, AnswerTo())
    return {
        **{f.name: _plain(getattr(record, f.name)) for f in dataclasses.fields(record) if f.name != "extra"},
        "extra": extra,
        "hearing": to_dict(hearing) if hearing else None,
        "answer_to": {"links": list(answers.links), "references": list(answers.references)} if answers != AnswerTo() else None,
    }


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _listing(url: str, page: bytes) -> dict[str, Any]:
    records, next_url = listing.parse_listing(url, page.decode("utf-8"))
    return {"records": [plain_record(r) for r in records], "next_url": next_url}


def _responses(url: str, page: bytes) -> dict[str, Any]:
    responses, total = hearing_page.parse_responses(url, page.decode("utf-8"))
    return {"responses": _plain(responses), "total": total}


# Each parser by name: (URL, the page's bytes) -> its output in plain form.
PARSERS: dict[str, Callable[[str, bytes], dict[str, Any]]] = {
    "regjeringen.listing": _listing,
    "regjeringen.rss": lambda url, page: {"records": [plain_record(r) for r in rss.parse_rss(url, page)]},
    "regjeringen.article": lambda url, page: {"record": plain_record(article.parse_article(url, page.decode("utf-8")))},
    "regjeringen.responses": _responses,
    "ks.listing": lambda url, page: {"records": [plain_record(r) for r in ks_listing.parse_listing(url, page.decode("utf-8"))]},
    "ks.article": lambda url, page: _plain(ks_article.parse_article(url, page.decode("utf-8"))),
}


def page_of(case: Path) -> Path:
    """The page a case is about: the file beside it with the same name before ".expected.json"."""
    name = case.name.removesuffix(".expected.json")
    [page] = [p for p in case.parent.iterdir() if p.stem == name and p != case]
    return page


def named(actual: dict[str, Any], expected: dict[str, Any], unchecked: Sequence[str] = ()) -> dict[str, Any]:
    """`actual` as far as `expected` names its fields (a missing one shows as "<missing>"), without the facts a case
    leaves unchecked ("hearing.letter")."""
    shown = {key: actual.get(key, "<missing>") for key in expected}
    for path in unchecked:
        field, key = path.split(".")
        if isinstance(shown.get(field), dict):
            shown[field] = {k: v for k, v in shown[field].items() if k != key}
    return shown


def without_comments(expected: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in expected.items() if not key.startswith("#")}


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.parent.name}/{case.name.removesuffix('.expected.json')}")
def test_a_parser_gives_what_its_case_expects(case):
    spec = json.loads(case.read_text("utf-8"))
    text = page_of(case).read_text("utf-8")
    for old, new in spec.get("replace", {}).items():
        text = text.replace(old, new)
    output = PARSERS[spec["parser"]](spec["url"], text.encode("utf-8"))
    unchecked = spec.get("unchecked", [])
    for key, expected in without_comments(spec["expected"]).items():
        if key == "records":
            records = output["records"]
            assert len(records) == len(expected), [r["title"] for r in records]
            for n, (record, wanted) in enumerate(zip(records, expected, strict=True)):
                wanted = without_comments(wanted)
                assert named(record, wanted, unchecked) == wanted, f"record {n}: {record['title']}"
        elif key == "record":
            wanted = without_comments(expected)
            assert named(output["record"], wanted, unchecked) == wanted
        else:
            assert output.get(key, "<missing>") == expected, key


def test_every_case_names_a_known_parser_and_every_parser_has_a_case():
    parsers = [json.loads(case.read_text("utf-8"))["parser"] for case in CASES]
    assert set(parsers) == set(PARSERS)
    assert {case.parent.name for case in CASES} == {"regjeringen", "ks", "hearings"}
