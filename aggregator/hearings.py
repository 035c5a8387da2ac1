"""Hearings (høringer) as their followers see them. Pure: no I/O, no clock.

- Whether a hearing is open or closed, from the site's own words ("På høyring", "Avsluttet", …).
- What changed between two looks at a hearing (its deadline, status, documents, responses): each change is an
  event, and only a real change is one. A fact learnt for the first time (a deadline RSS did not give, the first
  reading of the response list) is no change, and neither is a fact that could not be read this time.
- The one line that says what changed, in the hearing's language (bokmål, nynorsk, English).
- Reminders: which of a subscription's `remind_days` is due for a hearing on a given Oslo day.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from .normalize import OSLO, format_date, language_code

# The site's words for an open hearing, and for a closed one (bokmål, nynorsk, English; input processes too).
_OPEN = re.compile(r"\bp[åa]\s+h[øo]y?ring|\b[åa]pen\b|\bope\b|\bopen\b|\bunder consultation", re.I)
_CLOSED = re.compile(r"avslutt|ferdigbehandl|lukket|stengd|closed|completed|\bended\b", re.I)
KS = "KS"  # how subscriptions and lines name KS; matches "Kommunesektorens organisasjon (KS)" as a whole word
FOLLOW_AFTER_DEADLINE = timedelta(days=60)  # responses are still published for weeks after a deadline


def state_of(status: str | None) -> str | None:
    """"open", "closed", or None when the words are unknown (or missing)."""
    if not status:
        return None
    if _CLOSED.search(status):
        return "closed"
    return "open" if _OPEN.search(status) else None


def deadline_of(extra: dict) -> date | None:
    try:
        return date.fromisoformat(extra["deadline"]) if extra.get("deadline") else None
    except ValueError:
        return None


def is_hearing(item: Mapping[str, Any]) -> bool:
    return item.get("document_type") == "consultation"


def is_open(item: Mapping[str, Any], today: date) -> bool:
    """An open hearing: a consultation whose deadline is today or later and which the site does not call closed."""
    deadline = deadline_of(item["extra"])
    return (is_hearing(item) and deadline is not None and deadline >= today
            and state_of(item["extra"].get("hearing_status")) != "closed")


def is_followed(item: Mapping[str, Any], today: date) -> bool:
    """Whether a hearing's page is still worth reading again: its deadline is ahead or recent (responses are
    published for weeks after it); one with no known deadline, while it is new (a backfill's thousands of old
    hearings without a deadline are not read again and again)."""
    if not is_hearing(item):
        return False
    deadline = deadline_of(item["extra"])
    if deadline is not None:
        return deadline + FOLLOW_AFTER_DEADLINE >= today
    if state_of(item["extra"].get("hearing_status")) == "closed":
        return False
    when = item.get("published") or item.get("first_seen")
    return when is not None and oslo_day(when) + FOLLOW_AFTER_DEADLINE >= today


# KS's names: a respondent or recipient that is KS is one of these (or carries "(KS)"); "KS Bedrift" is not KS.
KS_NAMES = ("ks", "kommunesektorens organisasjon", "kommunesektorens interesse- og arbeidsgiverorganisasjon",
            "kommunenes sentralforbund")


def _forms(name: str) -> set[str]:
    """The ways a body is named: its whole name, the name without a parenthesis, and the abbreviation in it
    ("Norges Bondelag", "Kommunesektorens organisasjon (KS)" → also "kommunesektorens organisasjon" and "ks");
    KS's forms include all of KS's names."""
    folded = " ".join(name.casefold().split())
    forms = {folded}
    if match := re.fullmatch(r"(.+?)\s*\(([^()]+)\)", folded):
        forms |= {match.group(1).strip(), match.group(2).strip()}
    forms |= {part.strip() for part in re.split(r"\s[–—-]\s", folded) if part.strip()}  # "KS – Kommunesektorens …"
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


def respondent_names(extra: dict) -> list[str]:
    """Every body the hearing's response listing shows as having answered (answers linked from ks.no are apart)."""
    return [r["name"] for r in (extra.get("responses") or {}).get("by", []) if r.get("name")]


# ------------------------------------------------------------------------------------------ changes


def changes(before: dict, after: dict) -> list[dict[str, Any]]:
    """The events between two looks at a hearing (its `extra` before and after). An event is a dict with `kind`
    (deadline | closed | reopened | documents | response) and what it needs to be told."""
    events: list[dict[str, Any]] = []
    old_deadline, new_deadline = before.get("deadline"), after.get("deadline")
    if old_deadline and new_deadline and old_deadline != new_deadline:
        events.append({"kind": "deadline", "from": old_deadline, "to": new_deadline})
    old_state, new_state = state_of(before.get("hearing_status")), state_of(after.get("hearing_status"))
    if old_state and new_state and old_state != new_state:
        events.append({"kind": new_state == "closed" and "closed" or "reopened", "status": after.get("hearing_status")})
    if "documents" in before and "documents" in after:
        known = {d["url"] for d in before["documents"]}
        added = [{"title": d["title"], "url": d["url"]} for d in after["documents"] if d["url"] not in known]
        if added:
            events.append({"kind": "documents", "added": added})
    if "responses" in before and "responses" in after:
        known_names = set(respondent_names(before))
        new_names = [n for n in dict.fromkeys(respondent_names(after)) if n not in known_names]
        if new_names:
            events.append({"kind": "response", "respondents": new_names})
    return events


# (Not the answer form: a page read without one is a closed hearing's, whose form is gone.)
WATCHED_FACTS = ("deadline", "hearing_status", "documents", "responses", "recipients")


def keep_known_facts(before: dict, after: dict) -> None:
    """A hearing's facts that one reading did not give keep their last known value (in `after`): a deadline does
    not vanish because a page failed or RSS never gives one, and the next real change is measured from it."""
    for key in WATCHED_FACTS:
        if key not in after and key in before:
            after[key] = before[key]


def without_told_answers(events: list[dict], told: list[str]) -> list[dict]:
    """Events less the answers already told by a linked answer (KS's on ks.no, found before the response listing
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


def answered_event(respondent: str, link: str, title: str, answer_id: str | None = None) -> dict[str, Any]:
    """The event of an answer found on the respondent's own site (KS's on ks.no)."""
    event = {"kind": "response", "respondents": [respondent], "link": link, "title": title}
    return {**event, "answer_id": answer_id} if answer_id else event


def in_feeds(event: dict) -> bool:
    """Whether an event advances the hearing's entry in the feeds. Every change of deadline, status and documents
    does; of the responses only KS's (the municipalities' association this tool serves), since a busy hearing
    gets dozens of answers and a feed reader would show it as updated with each one. Subscriptions choose their
    respondents themselves."""
    return event["kind"] != "response" or names_match(event.get("respondents", []), [KS])


_LINES = {
    "deadline": {"nb": "Høringsfristen er endret fra {from_} til {to}", "nn": "Høyringsfristen er endra frå {from_} til {to}",
                 "en": "The consultation deadline has moved from {from_} to {to}"},
    "closed": {"nb": "Høringen er avsluttet", "nn": "Høyringa er avslutta", "en": "The consultation has closed"},
    "reopened": {"nb": "Høringen er åpnet igjen", "nn": "Høyringa er opna att", "en": "The consultation has reopened"},
    "documents": {"nb": "Nye dokumenter: {titles}", "nn": "Nye dokument: {titles}", "en": "New documents: {titles}"},
    "response": {"nb": "{names} har svart", "nn": "{names} har svart", "en": "{names} responded"},
}


def update_line(event: dict, language: str | None) -> str:
    """The line that says what changed, in the hearing's language ("Høringsfristen er endret fra 01.09.2026 til
    15.09.2026", "Høringen er avsluttet", "KS har svart")."""
    lang = language_code(language) or "nb"
    form = _LINES[event["kind"]].get(lang, _LINES[event["kind"]]["en"])
    return form.format(
        from_=_day(event.get("from")), to=_day(event.get("to")),
        titles=", ".join(d["title"] for d in event.get("added", [])),
        names=_names(event.get("respondents", []), lang),
    )


def update_lines(events: list[dict], language: str | None) -> str:
    """One line for several changes seen at once."""
    return ". ".join(update_line(e, language) for e in events)


def _names(names: list[str], lang: str) -> str:
    short = [KS if is_ks(n) else n for n in names]
    if len(short) <= 1:
        return "".join(short)
    joiner = " and " if lang == "en" else " og "
    return ", ".join(short[:-1]) + joiner + short[-1]


def _day(value: str | None) -> str:
    return format_date(date.fromisoformat(value)) if value else ""


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


def days_left_line(days: int, language: str | None) -> str:
    """"Frist om 5 dager" in the hearing's language."""
    lang = language_code(language) or "nb"
    if lang == "en":
        return "Deadline today" if days == 0 else f"{days} day{'s' if days != 1 else ''} left"
    if days == 0:
        return "Fristen er i dag"  # bokmål and nynorsk alike
    unit = ("dag" if days == 1 else "dager") if lang == "nb" else ("dag" if days == 1 else "dagar")
    return f"{days} {unit} igjen" if lang == "nb" else f"{days} {unit} att"


def oslo_day(moment: datetime) -> date:
    return moment.astimezone(OSLO).date()
