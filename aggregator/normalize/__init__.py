"""What the sites print, turned into one vocabulary: text, URLs and identities, dates in Europe/Oslo, ministries and
document types, references. Parsing helpers only: what readers read is in aggregator.words, keyword matching in
aggregator.keywords.

One module per kind of value; the names used everywhere are re-exported here.
"""

from .dates import MONTHS, OSLO, PLAUSIBLE_YEARS, find_date, oslo_datetime, oslo_day, parse_date
from .references import hearing_reference, hearing_references
from .text import clean_text, is_cut_from, language_code, slugify, xml_safe
from .urls import (
    REGJERINGEN_HOSTS,
    STORTINGET_CASE,
    STORTINGET_HEARING,
    STORTINGET_HOSTS,
    canonical_url,
    is_http_url,
    item_id_for_url,
    regjeringen_doc_id,
    regjeringen_item_id,
    stortinget_ids,
)
from .vocab import (
    document_type,
    document_types,
    ministries,
    ministry_abbr,
    ministry_name,
    split_ministries,
    unknown_ministry_names,
)

__all__ = [
    "MONTHS", "OSLO", "PLAUSIBLE_YEARS", "REGJERINGEN_HOSTS", "STORTINGET_CASE", "STORTINGET_HEARING",
    "STORTINGET_HOSTS", "canonical_url", "clean_text", "document_type",
    "document_types", "find_date", "hearing_reference", "hearing_references", "is_cut_from", "is_http_url", "item_id_for_url",
    "language_code", "ministries", "ministry_abbr", "ministry_name", "oslo_datetime", "oslo_day", "parse_date",
    "regjeringen_doc_id", "regjeringen_item_id", "slugify", "split_ministries", "stortinget_ids", "unknown_ministry_names", "xml_safe",
]
