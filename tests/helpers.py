"""Tools the tests share: hearing facts as the model keeps them, … (see each function)."""

from __future__ import annotations

from datetime import date

from aggregator.hearings import AnswerTo, Hearing, hearing_of, put, put_answer


def hearing_extra(deadline: str | None = None, status: str | None = None, **facts) -> dict:
    """An `extra` table holding a hearing's facts (dates as ISO text, for short tests)."""
    extra: dict = {}
    put(extra, Hearing(deadline=date.fromisoformat(deadline) if deadline else None, status=status, **facts))
    return extra


def answer_extra(reference: str | None = None, link: str | None = None, **other) -> dict:
    """An `extra` table of an answer citing a reference and/or linking its hearing."""
    extra: dict = dict(other)
    put_answer(extra, AnswerTo((link,) if link else (), (reference,) if reference else ()))
    return extra


def deadline_and_status(record_or_item) -> tuple[str | None, str | None]:
    """A hearing's deadline (ISO text) and status, as short tests compare them."""
    hearing = hearing_of(record_or_item)
    if hearing is None:
        return None, None
    return (hearing.deadline.isoformat() if hearing.deadline else None), hearing.status
