"""Words in entries, messages and the index about an item: labels, dates written out, what changed in a hearing,
its state and days left."""

from __future__ import annotations

from datetime import date, datetime

from ..normalize import OSLO, document_types
from .language import reader_language

# ------------------------------------------------------------------------------------------ labels

# Fixed words inside an entry or a message, in the item's language.
LABELS: dict[str, dict[str, str]] = {
    "deadline": {"nb": "Høringsfrist", "nn": "Høyringsfrist", "en": "Consultation deadline"},
    "status": {"nb": "Status", "nn": "Status", "en": "Status"},
    "published": {"nb": "Publisert", "nn": "Publisert", "en": "Published"},
    "type": {"nb": "Type", "nn": "Type", "en": "Type"},
    "from": {"nb": "Fra", "nn": "Frå", "en": "From"},
    "case_ref": {"nb": "Vår ref.", "nn": "Vår ref.", "en": "Case reference"},
    "responses": {"nb": "Høringssvar", "nn": "Høyringssvar", "en": "Responses"},
    "recipients": {"nb": "Høringsinstanser", "nn": "Høyringsinstansar", "en": "Consultation bodies"},
    "documents": {"nb": "Dokumenter", "nn": "Dokument", "en": "Documents"},
    "answer_form": {"nb": "Send inn høringssvar", "nn": "Send inn høyringssvar", "en": "Submit a response"},
    "ministry": {"nb": "Departement", "nn": "Departement", "en": "Ministry"},
    "hearing": {"nb": "Høringen", "nn": "Høyringa", "en": "The consultation"},
    # a parliament committee's hearing (Stortinget)
    "committee": {"nb": "Komité", "nn": "Komité", "en": "Committee"},
    "input_deadline": {"nb": "Frist for skriftlige innspill", "nn": "Frist for skriftlege innspel",
                       "en": "Deadline for written input"},
    "speaking_deadline": {"nb": "Frist for å be om å delta i høringen", "nn": "Frist for å be om å delta i høyringa",
                          "en": "Deadline to ask to speak at the hearing"},
    "meeting": {"nb": "Høringsmøte", "nn": "Høyringsmøte", "en": "Hearing meeting"},
    "written_only": {"nb": "Bare skriftlige innspill (ikke høringsmøte)", "nn": "Berre skriftlege innspel (ikkje høyringsmøte)",
                     "en": "Written input only (no hearing meeting)"},
    "case": {"nb": "Sak", "nn": "Sak", "en": "Case"},
    "inputs": {"nb": "Innspill", "nn": "Innspel", "en": "Written input"},
    "input_form": {"nb": "Send skriftlig innspill", "nn": "Send skriftleg innspel", "en": "Submit written input"},
    "government_document": {"nb": "Fra regjeringen", "nn": "Frå regjeringa", "en": "From the Government"},
    "parliament_hearing": {"nb": "Høring i Stortinget", "nn": "Høyring i Stortinget", "en": "Hearing in the Storting"},
}

# The title of a parliament committee's hearing, which has none of its own: its (first) case's short title, else
# its committee's name. Stortinget writes bokmål.
COMMITTEE_HEARING_TITLE = "Høring: {case}"
COMMITTEE_HEARING_UNTITLED = "Høring i {committee}"


def label(key: str, language: str | None) -> str:
    """A fixed label ("deadline", "status", "published", …) in an item's language."""
    return LABELS[key][reader_language(language)]


# A parliament committee's hearing takes written input: its deadline and form are named so in messages.
_COMMITTEE_LABELS = {"deadline": "input_deadline", "answer_form": "input_form", "responses": "inputs"}


def labels(language: str | None, committee: bool = False) -> dict[str, str]:
    """Every fixed label in an item's language (what templates get as `labels`); for a committee's hearing
    (`committee`), its deadline, form and answers are those of written input."""
    lang = reader_language(language)
    found = {key: words[lang] for key, words in LABELS.items()}
    if committee:
        found.update({key: LABELS[other][lang] for key, other in _COMMITTEE_LABELS.items()})
    return found


def document_type_title(term: str, language: str | None = "en") -> str:
    """A readable name for a document type (the vocabulary's term), in an item's language."""
    spec = document_types().get(term, {})
    return spec.get(f"title_{reader_language(language)}") or spec.get("title", term)


# ------------------------------------------------------------------------------------------ dates


def format_date(value: datetime | date | None, with_time: bool = True) -> str:
    """A date as readers in Norway write it, in Oslo time: "14.08.2026", or "14.08.2026 10:00" where the time
    is known (a bare date is Oslo midnight and shows no "00:00")."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return value.strftime("%d.%m.%Y")
    local = value.astimezone(OSLO)
    bare = (local.hour, local.minute, local.second) == (0, 0, 0)
    return local.strftime("%d.%m.%Y" if bare or not with_time else "%d.%m.%Y %H:%M")


_MONTH_NAMES = {
    "nb": ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
           "november", "desember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}


def format_long_date(value: datetime | date | None, language: str | None) -> str:
    """A date written out in an item's language: "3. mars 2026" (bokmål and nynorsk), "3 March 2026"."""
    if value is None:
        return ""
    day = value.astimezone(OSLO).date() if isinstance(value, datetime) else value
    if reader_language(language) == "en":
        return f"{day.day} {_MONTH_NAMES['en'][day.month - 1]} {day.year}"
    return f"{day.day}. {_MONTH_NAMES['nb'][day.month - 1]} {day.year}"


# ------------------------------------------------------------------------------------------ hearings

# What changed in a hearing (hearings.rules.changes' event kinds), as the first line of its entry and its message.
CHANGE_LINES: dict[str, dict[str, str]] = {
    "deadline": {"nb": "Høringsfristen er endret fra {from_} til {to}",
                 "nn": "Høyringsfristen er endra frå {from_} til {to}",
                 "en": "The consultation deadline has moved from {from_} to {to}"},
    "closed": {"nb": "Høringen er avsluttet", "nn": "Høyringa er avslutta", "en": "The consultation has closed"},
    "reopened": {"nb": "Høringen er åpnet igjen", "nn": "Høyringa er opna att", "en": "The consultation has reopened"},
    "documents": {"nb": "Nye dokumenter: {titles}", "nn": "Nye dokument: {titles}", "en": "New documents: {titles}"},
    "cancelled": {"nb": "Høringen er avlyst", "nn": "Høyringa er avlyst", "en": "The hearing has been cancelled"},
    "meeting": {"nb": "Høringsmøtet er flyttet fra {from_} til {to}", "nn": "Høyringsmøtet er flytta frå {from_} til {to}",
                "en": "The hearing meeting has moved from {from_} to {to}"},
    "response": {"nb": "{names} har svart", "nn": "{names} har svart", "en": "{names} responded"},
    "input": {"nb": "{names} har gitt innspill", "nn": "{names} har gitt innspel", "en": "{names} gave written input"},
}


def change_line(kind: str, language: str | None, values: dict[str, str] | None = None, **more: str) -> str:
    """One change of a hearing in words: "Høringsfristen er endret fra 01.09.2026 til 15.09.2026", "KS har svart"."""
    return CHANGE_LINES[kind][reader_language(language)].format(**(values or {}), **more)


def join_names(names: list[str], language: str | None) -> str:
    """"A, B og C" ("A, B and C" in English)."""
    if len(names) <= 1:
        return "".join(names)
    joiner = " and " if reader_language(language) == "en" else " og "
    return ", ".join(names[:-1]) + joiner + names[-1]


def days_left_line(days: int, language: str | None) -> str:
    """"5 dager igjen" (nb), "5 dagar att" (nn), "5 days left"; "Fristen er i dag" on the day."""
    lang = reader_language(language)
    if lang == "en":
        return "Deadline today" if days == 0 else f"{days} day{'s' if days != 1 else ''} left"
    if days == 0:
        return "Fristen er i dag"
    if lang == "nb":
        return f"{days} {'dag' if days == 1 else 'dager'} igjen"
    return f"{days} {'dag' if days == 1 else 'dagar'} att"


# ------------------------------------------------------------------------------------------ a hearing's state

# hearings.rules.state_on's states: (the category label, the line readers see), in the hearing's language.
STATES: dict[str, dict[str, tuple[str, str]]] = {
    "open": {"nb": ("På høring", "Frist {date}"), "nn": ("På høyring", "Frist {date}"), "en": ("Open", "Deadline {date}")},
    "deadline-passed": {"nb": ("Fristen er ute", "Fristen gikk ut {date}"), "nn": ("Fristen er ute", "Fristen gjekk ut {date}"),
                        "en": ("Deadline passed", "Deadline passed {date}")},
    "closed": {"nb": ("Avsluttet", "Avsluttet"), "nn": ("Avslutta", "Avslutta"), "en": ("Closed", "Closed")},
    "cancelled": {"nb": ("Avlyst", "Avlyst"), "nn": ("Avlyst", "Avlyst"), "en": ("Cancelled", "Cancelled")},
}


def state_label(state: str, language: str | None) -> str:
    """A hearing's state in a word ("Fristen er ute"), for its category."""
    return STATES[state][reader_language(language)][0]


def state_line(state: str, deadline: date | None, language: str | None) -> str:
    """A hearing's state as readers see it: "Fristen gikk ut 10.06.2026", "Frist 08.01.2027", "Avsluttet"."""
    return STATES[state][reader_language(language)][1 if deadline else 0].format(date=format_date(deadline))


# A change in a few words, for an update's subject after the hearing's (cut) title.
SHORT_CHANGES: dict[str, dict[str, str]] = {
    "deadline": {"nb": "ny frist {to}", "nn": "ny frist {to}", "en": "new deadline {to}"},
    "closed": {"nb": "avsluttet", "nn": "avslutta", "en": "closed"},
    "reopened": {"nb": "åpnet igjen", "nn": "opna att", "en": "reopened"},
    "documents": {"nb": "nye dokumenter", "nn": "nye dokument", "en": "new documents"},
    "cancelled": {"nb": "avlyst", "nn": "avlyst", "en": "cancelled"},
    "meeting": {"nb": "møtet flyttet til {to}", "nn": "møtet flytta til {to}", "en": "meeting moved to {to}"},
    "response": {"nb": "{names} har svart", "nn": "{names} har svart", "en": "{names} responded"},
    "input": {"nb": "{names} har gitt innspill", "nn": "{names} har gitt innspel", "en": "{names} gave input"},
}


def short_change(kind: str, language: str | None, values: dict[str, str] | None = None, **more: str) -> str:
    return SHORT_CHANGES[kind][reader_language(language)].format(**(values or {}), **more)


def cut(text: str, length: int) -> str:
    """A text of at most `length` characters, cut at a word with "…" where it is longer."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    head = text[:length - 1]
    space = head.rfind(" ")
    return (head[:space] if space > length // 2 else head).rstrip(" ,.;:–-") + "…"
