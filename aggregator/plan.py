"""What one source's fetch means for the store, computed before anything is written. Pure: no I/O, no clock.

Given what the store holds of the documents a fetch touched (a `Snapshot`, read in the commit's transaction) and
what the fetch gave, `plan_fetch` decides everything the commit writes (a `CommitPlan`): each source's new
observation, the article pages read or failed, each document's merged row (merge.py), the facts kept from earlier
readings, the hearings' events, what is new, changed or unchanged. `plan_links` adds the answers linked to their
hearings. The store then writes the plan as it is (store.write_plan), in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import cast

from .hearings import Hearing, forget, hearing_of, is_answer, is_hearing, put
from .hearings import links as answer_links
from .hearings.rules import changes, in_feeds, keep_known_facts, without_told_answers
from .merge import ARTICLE, Document, Observation, after_article_failure, effective_updated, merge, text_changed
from .normalize import clean_text
from .records import FetchResult, Item, Record, record_to_json

Observed = dict[str, tuple[Record, tuple[str, ...]]]  # source id -> (its record, the topics its config gives)


@dataclass
class Snapshot:
    """What the store holds of the documents one fetch touched: each one's observations, its row and the fetching
    run that first stored it, its article-page attempts, and (hearings) the answers linked to it, each with whether
    the link was told as news."""

    observations: dict[str, Observed] = field(default_factory=dict)
    texts: dict[tuple[str, str], str] = field(default_factory=dict)  # (item, source) -> the observation's stored JSON
    items: dict[str, tuple[Item, int]] = field(default_factory=dict)
    article_states: dict[str, dict] = field(default_factory=dict)
    answers: dict[str, list[tuple[Item, bool]]] = field(default_factory=dict)

    def told(self, hearing_id: str) -> list[str]:
        """Who the answers linked to a hearing were told to have answered ("KS har svart" was said)."""
        return [answer_links.respondent(answer) for answer, told in self.answers.get(hearing_id, []) if told]


@dataclass
class ItemWrite:
    """A document's row as the commit writes it. `touch`: written (with a new version, so that feeds redo its
    entry) even when the row is unchanged, since what its entry shows around it (a linked answer) changed."""

    item: Item
    first_run: int  # the fetching run that first stored it (written with a new row only)
    new: bool
    touch: bool = False


@dataclass
class CommitPlan:
    source_id: str
    now: datetime
    run: int
    topics: dict[str, str] = field(default_factory=dict)
    observations: list[tuple[str, str, str, tuple[str, ...]]] = field(default_factory=list)  # item, source, JSON, topics
    article_states: list[tuple[str, str, dict, str | None]] = field(default_factory=list)  # item, url, state, error
    items: dict[str, ItemWrite] = field(default_factory=dict)
    events: list[tuple[str, dict, bool]] = field(default_factory=list)  # (hearing id, event, shown in the feeds)
    links: list[tuple[str, str, bool]] = field(default_factory=list)  # (answer id, hearing id, told)
    validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)  # new items that are old documents (a backfill): no news
    changes: dict[str, str] = field(default_factory=dict)  # item id -> new | changed | unchanged
    item_count: int | None = None  # the source's item count now; None: as before (an unchanged answer)

    def references(self) -> dict[str, list[tuple[str, str, int]]]:
        """The references of every row this plan writes (answer_links.references), for the store's index."""
        return {item_id: answer_links.references(write.item) for item_id, write in self.items.items()}


def plan_fetch(snapshot: Snapshot, source_id: str, topics: list[str], result: FetchResult, run: int, now: datetime,
               this_run: int | None, history: bool = False) -> CommitPlan:
    """The plan of one source's fetch (see the module docstring). `this_run`: the fetching run to compare first
    runs with (None for a backfill or a lone fetch, where nothing is "seen before this run")."""
    plan = CommitPlan(source_id, now, run, validators=dict(result.validators))
    observed = {item_id: dict(by_source) for item_id, by_source in snapshot.observations.items()}
    _observe_articles(plan, snapshot, result, observed)
    source_topics = tuple(topics)
    unchanged: set[str] = set()  # seen just as before, and no page of theirs read: nothing about them can change
    for record in result.records:
        by_source = observed.setdefault(record.id, {})
        text = record_to_json(record)
        if (snapshot.texts.get((record.id, source_id)) == text and by_source[source_id][1] == source_topics
                and record.id not in result.articles and record.id not in result.article_failures):
            unchanged.add(record.id)
            plan.changes.setdefault(record.id, "unchanged")
            continue
        previous = by_source.get(source_id) if record.id in result.article_failures else None
        _observe(plan, record.id, source_id, record, source_topics, by_source, text)
        if previous is not None:
            _drop_stale_article_facts(plan, previous[0], record, by_source)
    for item_id in dict.fromkeys([r.id for r in result.records if r.id not in unchanged] + list(result.articles)):
        by_source = observed.get(item_id, {})
        if any(source != ARTICLE for source in by_source):
            _plan_document(plan, snapshot, item_id, by_source, this_run)
    if history:
        plan.history = [item_id for item_id, change in plan.changes.items() if change == "new"]
    if not result.not_modified:
        plan.item_count = len({r.id for r in result.records})
    return plan


def _observe(plan: CommitPlan, item_id: str, source_id: str, record: Record, topics: tuple[str, ...],
             by_source: Observed, text: str | None = None) -> None:
    plan.topics.update((topic_id, clean_text(title)) for topic_id, title in record.topic_titles.items())
    plan.observations.append((item_id, source_id, text or record_to_json(record), topics))
    by_source[source_id] = (record, topics)


def _observe_articles(plan: CommitPlan, snapshot: Snapshot, result: FetchResult, observed: dict[str, Observed]) -> None:
    for item_id, article in result.articles.items():
        _observe(plan, item_id, ARTICLE, article, (), observed.setdefault(item_id, {}))
        plan.article_states.append((item_id, article.link, {"status": "read", "attempts": 0, "next_run": 0}, None))
    for item_id, (url, reason) in result.article_failures.items():
        state = after_article_failure(snapshot.article_states.get(item_id), plan.run)
        plan.article_states.append((item_id, url, state, reason))
    for item_id, url in result.article_pending.items():  # left for the next run, which reads it first thing
        attempts = (snapshot.article_states.get(item_id) or {}).get("attempts") or 0
        plan.article_states.append((item_id, url, {"status": "pending", "attempts": attempts, "next_run": plan.run + 1},
                                    "left for the next run: this run's time budget ran out"))


def _drop_stale_article_facts(plan: CommitPlan, previous: Record, record: Record, by_source: Observed) -> None:
    """A listing moved a hearing's deadline or status (since this source's last look) to another value than its
    article page said when last read, and the page could not be read again: the article's older word on these
    gives way to the listing's (merge.py ranks the article first), until the page is read."""
    article = by_source.get(ARTICLE)
    listed, before = hearing_of(record), hearing_of(previous)
    said = hearing_of(article[0]) if article else None
    if listed is None or said is None:
        return
    stale = [name for name in ("deadline", "status")
             if getattr(listed, name) is not None and getattr(before, name, None) != getattr(listed, name)
             and getattr(said, name) is not None and getattr(said, name) != getattr(listed, name)]
    if stale:
        extra = dict(article[0].extra)  # type: ignore[index]
        put(extra, forget(said, *stale, *(["state"] if "status" in stale else [])))
        _observe(plan, record.id, ARTICLE, replace(article[0], extra=extra), (), by_source)  # type: ignore[index]


def _plan_document(plan: CommitPlan, snapshot: Snapshot, item_id: str, by_source: Observed, this_run: int | None) -> None:
    """The document's merged row; a hearing's known facts kept and its changes as events."""
    document = merge([Observation(source, record, topics) for source, (record, topics) in by_source.items()])
    stored, first_run = snapshot.items.get(item_id, (None, 0))
    if stored is None:
        plan.items[item_id] = ItemWrite(item_of(document, plan.now, None, None), this_run or 0, new=True)
        plan.changes[item_id] = "new"
        return
    first_seen = stored["first_seen"]
    text_changed_at = stored["changed"] if stored["changed"] and stored["changed"] > first_seen else None
    text_moved = text_changed(stored, document)
    # A change of a document first stored in this same fetching run is no update: readers never saw what it
    # replaced, which only tells which source came first in the config.
    seen_before = this_run is None or first_run < this_run
    if text_moved and not seen_before:
        text_changed_at, text_moved = None, False
    hearing_changed, events = stored["hearing_changed"], _hearing_events(stored, document, seen_before, snapshot)
    if events:
        plan.events += [(item_id, event, in_feeds(event)) for event in events]
        if any(in_feeds(e) for e in events):
            hearing_changed = plan.now
    # A hearing's news is its changes (deadline, status, documents, answers) and its title; a reworded summary is none.
    reworded_only = text_moved and is_hearing(document) and stored["title"] == document.title
    changed_at = plan.now if text_moved and not reworded_only else text_changed_at
    plan.items[item_id] = ItemWrite(item_of(document, first_seen, changed_at, hearing_changed), first_run, new=False)
    plan.changes[item_id] = "changed" if text_moved or events else "unchanged"


def _hearing_events(stored: Item, document: Document, seen_before: bool, snapshot: Snapshot) -> list[dict]:
    """Keep a hearing's known facts (in the document) and return its changes since the stored reading."""
    if not (is_hearing(stored) or is_hearing(document)):
        return []
    before = hearing_of(stored)
    after = keep_known_facts(before, hearing_of({"extra": document.extra}) or Hearing())
    put(document.extra, after)
    if not seen_before or before is None:
        return []
    return without_told_answers(changes(before, after), snapshot.told(stored["id"]))


def item_of(document: Document, first_seen: datetime, text_changed_at: datetime | None,
            hearing_changed: datetime | None) -> Item:
    """The stored item of a merged document. `changed`: when its text last changed (first_seen until then);
    `hearing_changed`: when a hearing last changed in a way the feeds show, which advances its `updated` too."""
    updated = effective_updated(document, first_seen, text_changed_at)
    return cast(Item, {
        "id": document.id, "link": document.link, "title": document.title, "summary": document.summary,
        "language": document.language, "published": document.published,
        "updated": max(updated, hearing_changed) if hearing_changed else updated,
        "first_seen": first_seen, "changed": text_changed_at or first_seen,
        "document_type": document.document_type, "ministries": document.ministries, "authors": document.authors,
        "topics": document.topics, "sources": document.sources, "extra": document.extra,
        "hearing_changed": hearing_changed,
    })


# ------------------------------------------------------------------------------------------ answer links


def link_lookups(plan: CommitPlan) -> tuple[list[str], list[str]]:
    """What the store is to look up for linking, by its reference index: the references of the unlinked answers
    this commit wrote (to find their hearings) and of the hearings it wrote (to find answers waiting for them)."""
    refs = plan.references()
    answers = [ref for item_id, found in refs.items() if is_answer(plan.items[item_id].item) for ref, _, _ in found]
    hearings = [ref for item_id, found in refs.items() if is_hearing(plan.items[item_id].item)
                for ref, role, _ in found if role == answer_links.HEARING]
    return list(dict.fromkeys(answers)), list(dict.fromkeys(hearings))


def plan_links(plan: CommitPlan, linked: set[str], hearings_found: list[tuple[str, Item]],
               answers_found: list[tuple[str, Item]], facts: answer_links.LinkFacts) -> None:
    """Link answers not linked yet to the hearing they answer: the answers this commit wrote, against the stored
    hearings their references found (`hearings_found`) and the hearings this commit wrote; and the stored answers
    waiting for a hearing this commit wrote (`answers_found`, found by its references). A new link is the hearing's
    event when it is news (links.link_is_news), and both entries are written again, since each shows the other.
    `linked`: the answers among these that were linked before."""
    written = {item_id: write.item for item_id, write in plan.items.items()}
    own = [(ref, item) for item in written.values() if is_hearing(item)
           for ref, role, _ in answer_links.references(item) if role == answer_links.HEARING]
    found = [(ref, written.get(hearing["id"], hearing)) for ref, hearing in hearings_found] + own
    for answer in [item for item in written.values() if is_answer(item) and item["id"] not in linked]:
        if (hearing := answer_links.best_hearing(answer, found)) is not None:
            _link(plan, answer, hearing, facts)
            linked.add(answer["id"])
    for _, answer in answers_found:  # an answer seen before its hearing: linked when the hearing comes
        if answer["id"] not in linked and (hearing := answer_links.best_hearing(answer, own)) is not None:
            _link(plan, answer, hearing, facts)
            linked.add(answer["id"])


def _link(plan: CommitPlan, answer: Item, hearing: Item, facts: answer_links.LinkFacts) -> None:
    news = answer_links.link_is_news(answer, hearing, facts)
    plan.links.append((answer["id"], hearing["id"], news))
    if news:
        event = answer_links.link_event(answer, hearing)
        plan.events.append((hearing["id"], event, in_feeds(event)))
        if in_feeds(event):
            write = _write_of(plan, hearing)
            write.item = cast(Item, {**write.item, "hearing_changed": plan.now,
                                     "updated": max(write.item["updated"], plan.now)})
    touch(plan, [hearing, answer])  # both entries show the link: both are written again


# ------------------------------------------------------------------------------------------ related documents


def related_lookups(plan: CommitPlan, snapshot: Snapshot) -> tuple[list[str], list[str]]:
    """What the store is to look up so that both entries of a new link between a parliament hearing and a
    government document show it (links.related_ids): the documents the hearings this commit wrote relate to anew
    (their ids), and the references by which hearings relate to the documents this commit stored first."""
    documents: list[str] = []
    for item_id, write in plan.items.items():
        if is_hearing(write.item):
            stored = snapshot.items.get(item_id)
            known = set(answer_links.related_ids(stored[0])) if stored else set()
            documents += [i for i in answer_links.related_ids(write.item) if i not in known]
    firsts = [f"id:{item_id}" for item_id, write in plan.items.items() if write.new and not is_hearing(write.item)]
    return list(dict.fromkeys(documents)), firsts


def touch(plan: CommitPlan, items: list[Item]) -> None:
    """Write these items again (with a new version, so that feeds redo their entries): what their entries show
    around them changed."""
    for item in items:
        _write_of(plan, item).touch = True
        plan.changes.setdefault(item["id"], "unchanged")


def _write_of(plan: CommitPlan, item: Item) -> ItemWrite:
    """The plan's write of an item, made from its stored row when the fetch did not touch it."""
    if item["id"] not in plan.items:
        plan.items[item["id"]] = ItemWrite(item, first_run=0, new=False)
    return plan.items[item["id"]]
