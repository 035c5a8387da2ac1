"""Every word a reader reads, in bokmål (nb), nynorsk (nn) and English (en): labels in entries and messages, the
lines that say what changed in a hearing, days left, subjects and headings of messages, and dates written out.

The language rule, stated once (`reader_language`): an item speaks its own language; bokmål when it names none
(the sites' /no/ section is bokmål unless a page says nynorsk); English for any other language (a Sámi page's
labels are English, as the site's own English pages are the widest read after Norwegian). Several items in one
message or page speak the language most of them speak (`common_language`), bokmål on a tie with none.

One package, four modules: `language` (the rule), `items` (labels, dates, a hearing's changes and state), `messages`
(subjects, headings, footers) and `files` (feed and site titles, index.html); every name is imported from here.
"""

from __future__ import annotations

from .files import (
    DEFAULT_TITLE,
    DEFAULT_TITLES,
    FEED_WORDS,
    SITE_WORDS,
    counted,
    default_title,
    feed_subtitle,
    feed_title,
    site_words,
)
from .items import (
    CHANGE_LINES,
    COMMITTEE_HEARING_TITLE,
    COMMITTEE_HEARING_UNTITLED,
    LABELS,
    SHORT_CHANGES,
    STATES,
    change_line,
    cut,
    days_left_line,
    document_type_title,
    format_date,
    format_long_date,
    join_names,
    label,
    labels,
    short_change,
    state_label,
    state_line,
)
from .language import (
    LANGUAGES,
    common_language,
    reader_language,
)
from .messages import (
    MESSAGE_WORDS,
    message_words,
)

__all__ = [
    "CHANGE_LINES",
    "COMMITTEE_HEARING_TITLE",
    "COMMITTEE_HEARING_UNTITLED",
    "DEFAULT_TITLE",
    "DEFAULT_TITLES",
    "FEED_WORDS",
    "LABELS",
    "LANGUAGES",
    "MESSAGE_WORDS",
    "SHORT_CHANGES",
    "SITE_WORDS",
    "STATES",
    "change_line",
    "common_language",
    "counted",
    "cut",
    "days_left_line",
    "default_title",
    "document_type_title",
    "feed_subtitle",
    "feed_title",
    "format_date",
    "format_long_date",
    "join_names",
    "label",
    "labels",
    "message_words",
    "reader_language",
    "short_change",
    "site_words",
    "state_label",
    "state_line",
]
