"""Fixed words of messages: subjects, headings, footers."""

from __future__ import annotations

from .language import reader_language

# ------------------------------------------------------------------------------------------ messages

# Fixed words of messages (subjects, headings, footers), in the items' language.
MESSAGE_WORDS: dict[str, dict[str, str]] = {
    "nb": {"new": "nye", "new_one": "ny", "daily": "Daglig sammendrag", "weekly": "Ukentlig sammendrag",
           "workdays": "Daglig sammendrag", "digest": "Sammendrag", "from": "fra", "to": "til", "plural": "saker",
           "singular": "sak", "reminder": "Påminnelse", "other_items": "Andre saker",
           "new_hearing": "Ny høring: {title}", "with_deadline": "{subject} (frist {date})",
           "new_committee_hearing": "Stortinget – {title}", "with_input_deadline": "{subject} (frist for innspill {date})",
           "footer": "Du får denne meldingen fordi du abonnerer på {about} (abonnementet «{subscription}»).",
           "leave": "Meld deg av:", "leave_ask": "Vil du ikke ha flere, si fra til den som sender deg disse meldingene."},
    "nn": {"new": "nye", "new_one": "ny", "daily": "Dagleg samandrag", "weekly": "Vekesamandrag",
           "workdays": "Dagleg samandrag", "digest": "Samandrag", "from": "frå", "to": "til", "plural": "saker",
           "singular": "sak", "reminder": "Påminning", "other_items": "Andre saker",
           "new_hearing": "Ny høyring: {title}", "with_deadline": "{subject} (frist {date})",
           "new_committee_hearing": "Stortinget – {title}", "with_input_deadline": "{subject} (frist for innspel {date})",
           "footer": "Du får denne meldinga fordi du abonnerer på {about} (abonnementet «{subscription}»).",
           "leave": "Meld deg av:", "leave_ask": "Vil du ikkje ha fleire, sei frå til den som sender deg desse meldingane."},
    "en": {"new": "new", "new_one": "new", "daily": "Daily digest", "weekly": "Weekly digest",
           "workdays": "Daily digest", "digest": "Digest", "from": "from", "to": "to", "plural": "items",
           "singular": "item", "reminder": "Reminder", "other_items": "Other items",
           "new_hearing": "New consultation: {title}", "with_deadline": "{subject} (deadline {date})",
           "new_committee_hearing": "Storting – {title}", "with_input_deadline": "{subject} (input by {date})",
           "footer": "You get this message because you subscribe to {about} (the subscription “{subscription}”).",
           "leave": "Unsubscribe:", "leave_ask": "To stop these messages, tell whoever sends them to you."},
}


def message_words(language: str) -> dict[str, str]:
    return MESSAGE_WORDS[reader_language(language)]
