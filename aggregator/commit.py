"""One source's fetch into the store, in one transaction: read what the store holds of the documents it touched,
plan (plan.py: pure), and have the store write the plan. A run killed at any moment loses nothing and repeats only
what it had not committed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from .hearings import is_answer, is_hearing
from .hearings.links import LinkFacts
from .plan import CommitPlan, Snapshot, link_lookups, plan_fetch, plan_links, related_lookups, touch
from .records import FetchResult, Item, Record
from .store import Store, utc_now


def commit_fetch(store: Store, source_id: str, source_topics: Iterable[str], result: FetchResult, run: int,
                 now: datetime | None = None, history: bool = False, run_started: datetime | None = None,
                 partial: bool = False, listed: int | None = None) -> tuple[dict[str, str], dict]:
    """Commit what one source's fetch gave: its observations, the article pages read or failed, the validators of
    the answers they came from, and the source's success. Returns (item id -> "new" | "changed" | "unchanged", the
    source's state before). `history`: the new items are old documents (a backfill), which the notifier must not
    announce as news. `run_started`: this commit belongs to a fetching run (a backfill or a lone fetch has none).
    `partial`: a batch of a fetch still going on (what its article pages gave so far), committed so that a run killed
    later keeps it: no validators, no success, and the source's listing is marked as not walked to its end, so the
    next run walks on past the pages it has seen (store.walk_incomplete). `listed`: how many documents the whole
    fetch listed, when `result.records` holds only those not committed by an earlier batch."""
    plan, before = _commit(store, source_id, source_topics, result, run, now or utc_now(), history,
                           run if run_started is not None else None, success=not partial, walk_done=not partial,
                           listed=listed)
    return plan.changes, before


def commit_record(store: Store, record: Record, source_id: str, source_topics: Iterable[str] = (),
                  now: datetime | None = None) -> str:
    """Store one source's observation of a document outside any fetch (a tool, a test); "new", "changed" or
    "unchanged"."""
    plan, _ = _commit(store, source_id, source_topics, FetchResult(records=[record]), 0, now or utc_now(),
                      history=False, this_run=None, success=False)
    return plan.changes.get(record.id, "unchanged")


def _commit(store: Store, source_id: str, source_topics: Iterable[str], result: FetchResult, run: int,
            now: datetime, history: bool, this_run: int | None, success: bool,
            walk_done: bool | None = None, listed: int | None = None) -> tuple[CommitPlan, dict]:
    touched = list(dict.fromkeys([r.id for r in result.records] + list(result.articles) + list(result.article_failures)
                                 + list(result.article_pending)))
    with store.transaction():
        snapshot = store.snapshot(touched)
        plan = plan_fetch(snapshot, source_id, list(source_topics), result, run, now, this_run, history)
        if listed is not None:
            plan.item_count = listed
        if any(is_hearing(w.item) or is_answer(w.item) for w in plan.items.values()):
            announce = not history and bool(store.source_state(source_id).get("first_success"))
            _link_answers(store, plan, {i: first for i, (_, first) in snapshot.items.items()}, announce, this_run)
        _relate(store, plan, snapshot)
        before = store.write_plan(plan, success=success)
        if walk_done is not None:
            store.set_walk_incomplete(source_id, not walk_done)
    return plan, before


def _relate(store: Store, plan: CommitPlan, snapshot: Snapshot) -> None:
    """Write again the stored entries that now link an entry of this commit: a government document a hearing
    relates to anew, a hearing relating to a document stored for the first time."""
    documents, firsts = related_lookups(plan, snapshot)
    found = (store.items_by_ids(documents) if documents else []) + (store.hearings_relating(firsts) if firsts else [])
    touch(plan, found)


def _link_answers(store: Store, plan: CommitPlan, first_runs: dict[str, int], announce: bool,
                  this_run: int | None) -> None:
    """Look up, by the reference index, the hearings this commit's answers point at and the answers waiting for
    this commit's hearings; plan.plan_links decides."""
    answer_refs, hearing_refs = link_lookups(plan)
    hearings_found = store.hearings_by_refs(answer_refs) if answer_refs else []
    answers_found = store.unlinked_answers_by_refs(hearing_refs) if hearing_refs else []
    for _, item, first in [*hearings_found, *answers_found]:
        first_runs.setdefault(item["id"], first)
    first_runs.update({i: w.first_run for i, w in plan.items.items() if w.new})
    answer_ids = [i for i, w in plan.items.items() if is_answer(w.item)]

    def in_baseline(answer: Item) -> bool:
        """Whether an answer came with the first successful fetch of its sources (history, not news)."""
        firsts = store.first_success_runs(answer["sources"])
        return not firsts or first_runs.get(answer["id"], 0) <= min(firsts)

    facts = LinkFacts(first_run=lambda item_id: first_runs.get(item_id, 0), in_baseline=in_baseline,
                      announce=announce, run=this_run)
    plan_links(plan, store.linked_answers(answer_ids), [(r, i) for r, i, _ in hearings_found],
               [(r, i) for r, i, _ in answers_found], facts)
