"""Which hearing an answer answers (KS's answer on ks.no to a regjeringen.no hearing, KS's written input to a
Stortinget committee's hearing), and whether finding that out is news. Pure: no I/O, no clock.

Both sides are known by references, looked up by index (the store keeps each item's references):
- a hearing by its own identity, its cases on stortinget.no, and the references it cites ("NOU 2022: 18",
  "Prop. 95 L (2023–2024)") in its title, summary and cases;
- an answer by what it points at: the links on its page to a hearing (or to a case whose hearing the store holds),
  and the references it cites.
A link beats a case, a case beats a cited reference; never a title's likeness alone.

A parliament hearing also points at the government's documents its cases publish (`Hearing.related`: the
proposition on regjeringen.no), by their identity (role "related"): each entry links the other where both are stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..normalize import hearing_reference, hearing_references, item_id_for_url, stortinget_ids
from ..records import Item
from .model import answer_to, hearing_of, is_answer, is_hearing
from .rules import KS, answered_event, answers_are_input, names_match, respondent_names

BY_LINK, BY_CASE, BY_REFERENCE = 0, 1, 2  # the strength of a match: lower is stronger
HEARING, ANSWER, RELATED = "hearing", "answer", "related"  # the roles of references


def references(item: Item) -> list[tuple[str, str, int]]:
    """(reference, role, strength) an item is known by (a hearing) or points at (an answer); none for others."""
    if is_hearing(item):
        return ([(ref, HEARING, strength) for ref, strength in _hearing_refs(item)]
                + [(f"id:{item_id}", RELATED, BY_LINK) for item_id in related_ids(item)])
    if is_answer(item):
        return [(ref, ANSWER, strength) for ref, strength in _answer_refs(item)]
    return []


def _hearing_refs(item: Item) -> list[tuple[str, int]]:
    refs = [(f"id:{item['id']}", BY_LINK)]
    cited = [hearing_reference(item["title"]), hearing_reference(item["summary"])]
    hearing = hearing_of(item)
    for case in (hearing.cases or []) if hearing else []:
        refs.append((f"case:{case.id}", BY_CASE))
        cited += hearing_references(case.reference)
    refs += [(f"ref:{ref}", BY_REFERENCE) for ref in dict.fromkeys(cited) if ref]
    return list(dict.fromkeys(refs))


def related_ids(item: Item) -> list[str]:
    """The identities of the documents elsewhere that a hearing's cases refer to (Hearing.related)."""
    hearing = hearing_of(item)
    found = []
    for document in (hearing.related or []) if hearing else []:
        try:
            found.append(item_id_for_url(document.url))
        except ValueError:
            continue
    return list(dict.fromkeys(found))


def _answer_refs(item: Item) -> list[tuple[str, int]]:
    said = answer_to(item)
    refs = []
    for link in said.links:
        hearing_id, case_id = stortinget_ids(link)
        if case_id and not hearing_id:
            refs.append((f"case:{case_id}", BY_CASE))
        else:
            try:
                refs.append((f"id:{item_id_for_url(link)}", BY_LINK))
            except ValueError:
                continue
    refs += [(f"ref:{ref}", BY_REFERENCE) for ref in said.references]
    return list(dict.fromkeys(refs))


def best_hearing(answer: Item, found: list[tuple[str, Item]]) -> Item | None:
    """The hearing an answer answers among those found by its references ((reference, hearing) pairs): the one
    matched by its strongest reference, the first known of equals."""
    strength = {ref: s for ref, _, s in references(answer)}
    matched = [(strength[ref], hearing["first_seen"], hearing["id"], hearing) for ref, hearing in found
               if ref in strength and is_hearing(hearing)]
    return min(matched, key=lambda m: m[:3])[3] if matched else None


def respondent(answer: Item) -> str:
    """Who gave an answer: its author (KS for ks.no's), else who its source credits."""
    return (answer["authors"] or [answer["extra"].get("credit") or KS])[0]


@dataclass(frozen=True)
class LinkFacts:
    """What decides whether a new link is news: the fetching run that first stored each item (0: none known),
    whether the answer came with its sources' baseline, and whether this commit may announce at all."""

    first_run: Callable[[str], int]
    in_baseline: Callable[[Item], bool]
    announce: bool
    run: int | None


def link_is_news(answer: Item, hearing: Item, facts: LinkFacts) -> bool:
    """A link is news ("KS har svart") when the answer appeared after the hearing was known and after its own
    source's baseline (so also when its page, and with it the link, could only be read on a later run), and the
    hearing's own response list has not told of it already."""
    return (facts.announce and facts.run is not None
            and facts.first_run(hearing["id"]) < facts.first_run(answer["id"])
            and not facts.in_baseline(answer)
            and not names_match(respondent_names(hearing_of(hearing)), [respondent(answer)]))


def link_event(answer: Item, hearing: Item) -> dict:
    """The hearing's event of a new answer linked to it."""
    return answered_event(respondent(answer), answer["link"], answer["title"], answer["id"],
                          answers_are_input(hearing_of(hearing)))
