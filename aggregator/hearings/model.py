"""A hearing as a typed value, whichever site it comes from, and the one place that knows how it is kept.

A kind fills a `Hearing` for each hearing it reads (regjeringen.no's consultations, Stortinget's committee
hearings, a kind of one's own) and puts it on its record with `put`; everything after the store reads it back with
`hearing_of`. No other module names the keys under which a hearing's facts are kept (in an item's `extra`).

A fact a reading did not give is None ("not known"), never an empty value: an empty list of documents is a known
fact (the page lists none), None is not (the page could not be read), and only known facts are compared.

An answer to a hearing (KS's on ks.no) carries what it says of the hearing it answers (`AnswerTo`): a link to the
hearing's page, or a reference it cites ("NOU 2022: 18", "Prop. 95 L (2023–2024)").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import Any

# Document types (the vocabulary's terms) of hearings, and of answers to them.
HEARING_TYPES = ("consultation", "committee-hearing")
ANSWER_TYPES = ("consultation-response",)

_HEARING = "hearing"  # the extra key of a hearing's facts
_ANSWER = "answer_to"  # the extra key of what an answer says of its hearing


@dataclass(frozen=True)
class Document:
    title: str
    url: str
    type: str | None = None  # media type of a file (application/pdf); None for a web page


@dataclass(frozen=True)
class Response:
    """One body that answered (or gave written input), with the kind of body where the site says it."""

    name: str
    type: str | None = None
    date: date | None = None


@dataclass(frozen=True)
class Responses:
    count: int
    by: tuple[Response, ...] = ()


@dataclass(frozen=True)
class Meeting:
    """A hearing meeting (a parliament committee's): when and where."""

    at: datetime
    place: str = ""


@dataclass(frozen=True)
class Case:
    """A case a parliament hearing is about: its id on the site, titles, reference ("Prop. 95 L (2023–2024)")."""

    id: str
    title: str
    short_title: str = ""
    reference: str | None = None
    link: str | None = None


@dataclass(frozen=True)
class Committee:
    id: str
    name: str


@dataclass
class Hearing:
    """What is known of one hearing. `status` is the site's own words ("På høyring", "Avholdt"); `state` the kind's
    reading of them where it knows its site's words ("open", "closed", "cancelled"), else None (rules.state_of
    reads the words). `open_to_all`: anyone may answer (a parliament hearing), so a subscription's `recipients`
    filter does not apply."""

    deadline: date | None = None
    speaking_deadline: date | None = None  # a second deadline: to ask to speak at a hearing meeting
    status: str | None = None
    state: str | None = None
    reference: str | None = None  # the case reference ("Vår ref.: 26/2371")
    letter: str | None = None  # the hearing letter, sanitized HTML
    documents: list[Document] | None = None
    recipients: list[str] | None = None
    responses: Responses | None = None
    answer_url: str | None = None  # where to answer (a form)
    committee: Committee | None = None
    meetings: list[Meeting] | None = None
    cases: list[Case] | None = None
    # documents elsewhere that its cases refer to (a case's publications: the proposition on regjeringen.no)
    related: list[Document] | None = None
    written_only: bool | None = None
    open_to_all: bool = False

    def known(self) -> dict[str, Any]:
        """The facts that are known (not None), by field name."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


@dataclass(frozen=True)
class AnswerTo:
    """What an answer says of the hearing it answers: links to its page (a regjeringen.no hearing, a Stortinget
    hearing `?h=` or case `?p=`), and references it cites ("NOU 2022: 18", "Prop. 95 L (2023–2024)")."""

    links: tuple[str, ...] = ()
    references: tuple[str, ...] = ()


# ------------------------------------------------------------------------------------------ items and records


def _type(item: Mapping[str, Any] | Any) -> str | None:
    return item.get("document_type") if isinstance(item, Mapping) else item.document_type


def is_hearing(item: Mapping[str, Any] | Any) -> bool:
    """Whether an item (or a record) is a hearing."""
    return _type(item) in HEARING_TYPES


def is_answer(item: Mapping[str, Any] | Any) -> bool:
    """Whether an item (or a record) answers a hearing (KS's answer, KS's written input to a committee)."""
    return _type(item) in ANSWER_TYPES


def hearing_of(item: Mapping[str, Any] | Any) -> Hearing | None:
    """The hearing facts an item (or a record) holds; None when it holds none."""
    extra = item.get("extra") if isinstance(item, Mapping) else item.extra
    data = (extra or {}).get(_HEARING)
    return from_dict(data) if data else None


def put(extra: dict[str, Any], hearing: Hearing | None) -> None:
    """Write a hearing's facts into an `extra` table (a record's or an item's); None or no known fact removes them."""
    data = to_dict(hearing) if hearing is not None else {}
    if data:
        extra[_HEARING] = data
    else:
        extra.pop(_HEARING, None)


def with_hearing(extra: Mapping[str, Any], hearing: Hearing | None) -> dict[str, Any]:
    """A copy of `extra` holding these hearing facts."""
    copied = dict(extra)
    put(copied, hearing)
    return copied


def answer_to(item: Mapping[str, Any] | Any) -> AnswerTo:
    """What an item (or a record) that answers a hearing says of it."""
    extra = item.get("extra") if isinstance(item, Mapping) else item.extra
    data = (extra or {}).get(_ANSWER) or {}
    return AnswerTo(tuple(data.get("links") or ()), tuple(data.get("references") or ()))


def put_answer(extra: dict[str, Any], answer: AnswerTo) -> None:
    """Write what an answer says of its hearing into an `extra` table; nothing known removes it."""
    data = {k: list(v) for k, v in (("links", answer.links), ("references", answer.references)) if v}
    if data:
        extra[_ANSWER] = data
    else:
        extra.pop(_ANSWER, None)


def forget(hearing: Hearing, *names: str) -> Hearing:
    """The hearing without some facts (they become unknown)."""
    copy = replace(hearing)
    for name in names:
        setattr(copy, name, None)
    return copy


# ------------------------------------------------------------------------------------------ stored form


def to_dict(hearing: Hearing) -> dict[str, Any]:
    """A hearing as JSON-ready data: known facts only, dates in ISO 8601."""
    out: dict[str, Any] = {}
    for name, value in hearing.known().items():
        if name == "open_to_all" and not value:
            continue
        out[name] = _plain(value)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value) if getattr(value, f.name) is not None}
    return value


def from_dict(data: Mapping[str, Any]) -> Hearing:
    """A hearing from its stored form (to_dict's); unknown keys are ignored, broken values are unknown facts."""
    return Hearing(
        deadline=_date(data.get("deadline")),
        speaking_deadline=_date(data.get("speaking_deadline")),
        status=data.get("status"),
        state=data.get("state"),
        reference=data.get("reference"),
        letter=data.get("letter"),
        documents=_list(data.get("documents"), lambda d: Document(d["title"], d["url"], d.get("type"))),
        recipients=list(data["recipients"]) if isinstance(data.get("recipients"), list) else None,
        responses=_responses(data.get("responses")),
        answer_url=data.get("answer_url"),
        committee=Committee(data["committee"]["id"], data["committee"].get("name", ""))
        if isinstance(data.get("committee"), Mapping) else None,
        meetings=_list(data.get("meetings"), lambda m: Meeting(datetime.fromisoformat(m["at"]), m.get("place", ""))),
        cases=_list(data.get("cases"), lambda c: Case(str(c["id"]), c.get("title", ""), c.get("short_title", ""),
                                                      c.get("reference"), c.get("link"))),
        related=_list(data.get("related"), lambda d: Document(d["title"], d["url"], d.get("type"))),
        written_only=data.get("written_only"),
        open_to_all=bool(data.get("open_to_all")),
    )


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _list(value: Any, build) -> list | None:
    if not isinstance(value, list):
        return None
    return [build(entry) for entry in value if isinstance(entry, Mapping)]


def _responses(value: Any) -> Responses | None:
    if not isinstance(value, Mapping):
        return None
    by = tuple(Response(r["name"], r.get("type"), _date(r.get("date"))) for r in value.get("by") or []
               if isinstance(r, Mapping) and r.get("name"))
    return Responses(int(value.get("count") or 0), by)


__all__ = ["ANSWER_TYPES", "HEARING_TYPES", "AnswerTo", "Case", "Committee", "Document", "Hearing", "Meeting",
           "Response", "Responses", "answer_to", "forget", "from_dict", "hearing_of",
           "is_answer", "is_hearing", "put", "put_answer", "to_dict", "with_hearing"]
