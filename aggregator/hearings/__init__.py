"""The hearing domain, whichever site a hearing comes from: `model` (a typed Hearing, and the one place that knows
how it is kept in an item), `rules` (state, changes, news, names, reminders), `links` (which hearing an answer
answers), `follow` (which hearings are read again, and when, through each kind's re-read hook)."""

from .model import (
    ANSWER_TYPES,
    HEARING_TYPES,
    AnswerTo,
    Case,
    Committee,
    Document,
    Hearing,
    Meeting,
    Response,
    Responses,
    answer_to,
    forget,
    hearing_of,
    is_answer,
    is_hearing,
    put,
    put_answer,
)

__all__ = ["ANSWER_TYPES", "HEARING_TYPES", "AnswerTo", "Case", "Committee", "Document", "Hearing", "Meeting",
           "Response", "Responses", "answer_to", "forget", "hearing_of", "is_answer", "is_hearing", "put", "put_answer"]
