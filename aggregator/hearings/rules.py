"""The rules of hearings, whichever site they come from. Pure: no I/O, no clock.

- A hearing's state: open, closed or cancelled from the site's own words (or the kind's reading of them), and
  "deadline passed" once its deadline is behind while the site may still say "På høring".
- What changed between two looks at a hearing: each change is an event, and only a real change is one. A fact
  learnt for the first time (a deadline RSS did not give, the first reading of the responses) is no change, and
  neither is a fact that could not be read this time (its last known value is kept: `keep_known_facts`).
- Which change is news in the feeds (`in_feeds`), who answered, and "told once" (an answer found on the
  respondent's own site and in the hearing's response list is told by whichever comes first).
- The line that says what changed, in the hearing's language, and reminders before a deadline.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from .. import words
from .model import Hearing, Meeting, hearing_of, is_hearing

# The sites' words for an open hearing, and for a closed one (bokmål, nynorsk, English; input processes too).
_OPEN = re.compile(r"\bp[åa]\s+h[øo]y?ring|\b[åa]pen\b|\bope\b|\bopen\b|\bunder consultation", re.I)
_CLOSED = re.compile(r"avslutt|ferdigbehandl|lukket|stengd|closed|completed|\bended\b", re.I)
_CANCELLED = re.compile(r"\bavlys|\bcancel", re.I)

OPEN, CLOSED, CANCELLED, DEADLINE_PASSED = "open", "closed", "cancelled", "deadline-passed"


def state_of(status: str | None) -> str | None:
    """"open", "closed", "cancelled", or None when the site's words are unknown (or missing)."""
    if not status:
        return None
    if _CANCELLED.search(status):
        return CANCELLED
    if _CLOSED.search(status):
        return CLOSED
    return OPEN if _OPEN.search(status) else None


def stated(hearing: Hearing) -> str | None:
    """What the site says of the hearing: the kind's reading of its words, else the shared vocabulary's."""
    return hearing.state or state_of(hearing.status)


def state_on(hearing: Hearing, today: date) -> str | None:
    """The hearing's state on a day, honestly: cancelled or closed as the site says; "deadline-passed" when its
    deadline is behind (whatever the site's words); open while its deadline is ahead or today; None unknown."""
    said = stated(hearing)
    if said in (CLOSED, CANCELLED):
        return said
    if hearing.deadline is not None:
        return OPEN if hearing.deadline >= today else DEADLINE_PASSED
    return said


def is_open(hearing: Hearing | None, today: date) -> bool:
    """An open hearing: its deadline is today or later and the site calls it neither closed nor cancelled."""
    return hearing is not None and hearing.deadline is not None and state_on(hearing, today) == OPEN


def is_open_hearing(item: Mapping[str, Any], today: date) -> bool:
    """Whether an item is a hearing open on that day (what hearings/open holds)."""
    return is_hearing(item) and is_open(hearing_of(item), today)


# ------------------------------------------------------------------------------------------ names

KS = "KS"  # how subscriptions and lines name KS; matches "Kommunesektorens organisasjon (KS)" as a whole word
# KS's names: a respondent or recipient that is KS is one of these (or carries "(KS)"); "KS Bedrift" is not KS.
KS_NAMES = ("ks", "kommunesektorens organisasjon", "kommunesektorens interesse- og arbeidsgiverorganisasjon",
            "kommunenes sentralforbund")


def _forms(name: str) -> set[str]:
    """The ways a body is named: its whole name, the name without a parenthesis, and the abbreviation in it
    ("Kommunesektorens organisasjon (KS)" → also "kommunesektorens organisasjon" and "ks"), the parts of a dash
    name ("KS – Kommunesektorens organisasjon"); KS's forms include all of KS's names."""
    folded = " ".join(name.casefold().split())
    forms = {folded}
    if match := re.fullmatch(r"(.+?)\s*\(([^()]+)\)", folded):
        forms |= {match.group(1).strip(), match.group(2).strip()}
    forms |= {part.strip() for part in re.split(r"\s[–—-]\s", folded) if part.strip()}
    if forms & set(KS_NAMES):
        forms |= set(KS_NAMES)
    return forms


def names_match(names: list[str], wanted: list[str]) -> bool:
    """Whether any of the names is one of the wanted bodies: by its whole name, its name without the parenthesis, or
    the abbreviation in it, any case ("KS" is "Kommunesektorens organisasjon (KS)", and not "KS Bedrift")."""
    wanted_forms = set().union(*(_forms(w) for w in wanted)) if wanted else set()
    return any(_forms(name) & wanted_forms for name in names if name)


def is_ks(name: str) -> bool:
    return names_match([name], [KS])


def respondent_names(hearing: Hearing | None) -> list[str]:
    """Every body the hearing's response list shows as having answered (answers linked from ks.no are apart)."""
    if hearing is None or hearing.responses is None:
        return []
    return [r.name for r in hearing.responses.by if r.name]


# ------------------------------------------------------------------------------------------ changes

# Facts that keep their last known value when a reading does not give them. (Not the answer form: a page read
# without one is a closed hearing's, whose form is gone; not the letter, which only the page gives.)
KEPT_FACTS = ("deadline", "speaking_deadline", "status", "state", "documents", "responses", "recipients",
              "committee", "meetings", "cases", "related")


def keep_known_facts(before: Hearing | None, after: Hearing) -> Hearing:
    """`after` with the facts it lacks taken from `before`: a deadline does not vanish because a page failed or RSS
    never gives one, and the next real change is measured from it."""
    if before is None:
        return after
    kept = {name: getattr(before, name) for name in KEPT_FACTS
            if getattr(after, name) is None and getattr(before, name) is not None}
    if "status" in kept and after.state is not None:  # a state read now belongs to the words read now
        del kept["status"]
    return replace(after, **kept) if kept else after


def changes(before: Hearing, after: Hearing) -> list[dict[str, Any]]:
    """The events between two looks at a hearing. An event is a dict with `kind` (deadline | closed | cancelled |
    reopened | documents | meeting | response) and what it needs to be told. A parliament committee's hearing (one
    with a committee) gets written input, not answers ("KS har gitt innspill")."""
    events: list[dict[str, Any]] = []
    if before.deadline and after.deadline and before.deadline != after.deadline:
        events.append({"kind": "deadline", "from": before.deadline.isoformat(), "to": after.deadline.isoformat()})
    old_state, new_state = stated(before), stated(after)
    if old_state and new_state and old_state != new_state:
        kind = "reopened" if new_state == OPEN else new_state
        events.append({"kind": kind, "status": after.status})
    if before.documents is not None and after.documents is not None:
        known = {d.url for d in before.documents}
        added = [{"title": d.title, "url": d.url} for d in after.documents if d.url not in known]
        if added:
            events.append({"kind": "documents", "added": added})
    for number, (old, new) in enumerate(zip(meetings_in_order(before), meetings_in_order(after), strict=False)):
        if old.at != new.at:  # the n-th meeting (in time order) moved; n is its calendar event's identity
            events.append({"kind": "meeting", "from": old.at.isoformat(), "to": new.at.isoformat(), "place": new.place,
                           "number": number})
    if before.responses is not None and after.responses is not None:
        known_names = set(respondent_names(before))
        new_names = [n for n in dict.fromkeys(respondent_names(after)) if n not in known_names]
        if new_names:
            event: dict[str, Any] = {"kind": "response", "respondents": new_names}
            events.append({**event, "input": True} if answers_are_input(after) else event)
    return events


def answers_are_input(hearing: Hearing | None) -> bool:
    """Whether the answers to a hearing are written input to a parliament committee."""
    return hearing is not None and hearing.committee is not None


def meetings_in_order(hearing: Hearing) -> list[Meeting]:
    """A hearing's meetings, soonest first (a meeting's place in this order is its identity across changes)."""
    return sorted(hearing.meetings or [], key=lambda m: m.at)


def without_told_answers(events: list[dict], told: list[str]) -> list[dict]:
    """Events less the answers already told by a linked answer (KS's on ks.no, found before the response list
    showed it): whichever is seen first tells of it, once."""
    if not told:
        return events
    kept = []
    for event in events:
        if event["kind"] == "response":
            names = [n for n in event["respondents"] if not names_match([n], told)]
            if not names:
                continue
            event = {**event, "respondents": names}
        kept.append(event)
    return kept


def answered_event(respondent: str, link: str, title: str, answer_id: str, as_input: bool) -> dict[str, Any]:
    """The event of an answer found on the respondent's own site (KS's on ks.no)."""
    event = {"kind": "response", "respondents": [respondent], "link": link, "title": title, "answer_id": answer_id}
    return {**event, "input": True} if as_input else event


def in_feeds(event: dict) -> bool:
    """Whether an event advances the hearing's entry in the feeds. Every change of deadline, state, documents and
    meetings does; of the answers only KS's (the association this tool serves), since a busy hearing gets dozens and
    a feed reader would show it as updated with each one. Subscriptions choose their respondents themselves."""
    return event["kind"] != "response" or names_match(event.get("respondents", []), [KS])


def concerns(event: dict, respondents: list[str]) -> bool:
    """Whether a change is news to a subscription naming these respondents: an answer only when it names who
    answered; every other change always."""
    return event["kind"] != "response" or names_match(event.get("respondents", []), respondents)


# ------------------------------------------------------------------------------------------ words


def update_line(event: dict, language: str | None) -> str:
    """The line that says what changed, in the hearing's language ("Høringsfristen er endret fra 01.09.2026 til
    15.09.2026", "Høringen er avsluttet", "KS har svart", "KS har gitt innspill")."""
    return words.change_line(*_told(event, language))


def update_lines(events: list[dict], language: str | None) -> str:
    """One line for several changes seen at once."""
    return ". ".join(update_line(e, language) for e in events)


def short_update(events: list[dict], language: str | None) -> str:
    """Changes seen at once in a few words, for a subject after the hearing's title ("ny frist 15.09.2026",
    "KS har svart")."""
    return ", ".join(dict.fromkeys(words.short_change(*_told(e, language)) for e in events))


def _told(event: dict, language: str | None) -> tuple[str, str | None, dict[str, str]]:
    """(the words' key, the language, the values they are told with) of one event."""
    kind = "input" if event["kind"] == "response" and event.get("input") else event["kind"]
    names = [KS if is_ks(n) else n for n in event.get("respondents", [])]
    return kind, language, {
        "from_": _day(event.get("from")), "to": _day(event.get("to")),
        "titles": ", ".join(d["title"] for d in event.get("added", [])), "names": words.join_names(names, language),
        "place": event.get("place") or "",
    }


def _day(value: str | None) -> str:
    if not value:
        return ""
    return words.format_date(datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value))


# ------------------------------------------------------------------------------------------ reminders


def due_reminder(deadline: date, remind_days: list[int], today: date, not_before: date) -> int | None:
    """Which reminder (days before the deadline) is due on `today`, or None.

    The due one is the nearest: with [14, 3] and 2 days left it is 3, and only 3, so a hearing found late gets one
    reminder, not a burst. A reminder whose day falls before `not_before` (the day the subscription began) is not
    sent: a new subscription starts with the reminders ahead, not with every one already past.
    """
    days_left = (deadline - today).days
    if days_left < 0:
        return None
    candidates = [n for n in remind_days if n >= days_left]
    if not candidates:
        return None
    nearest = min(candidates)
    return nearest if deadline - timedelta(days=nearest) >= not_before else None
