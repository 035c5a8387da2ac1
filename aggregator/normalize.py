"""Turn what the sites print into one vocabulary: dates, ministries, document types, URLs, text.

Vocabularies are data (aggregator/data/*.toml), read once; the functions here only look things up.
"""

from __future__ import annotations

import html
import re
import tomllib
import unicodedata
from datetime import UTC, date, datetime, time
from email.utils import parsedate_to_datetime
from functools import cache
from importlib import resources
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")

# --------------------------------------------------------------------------------------------- text


# Invisible format characters are removed, not turned into spaces: a soft hyphen inside "arbeids­innvandring"
# must leave one word (which a keyword can match), and zero-width and bidirectional marks carry no text.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


class _NotPrintableToSpace(dict):
    """A str.translate table: a character that is not printable becomes a space, any other stays itself. It is
    filled as characters are met (up to a bound), so it costs nothing to build and one lookup per character."""

    def __missing__(self, code: int) -> int:
        value = code if chr(code).isprintable() else 0x20
        if len(self) < 65536:
            self[code] = value
        return value


_NOT_PRINTABLE_TO_SPACE = _NotPrintableToSpace()


def clean_text(value: str | None) -> str:
    """Decode entities that survived parsing (`&#xF8;`), remove invisible format characters (soft hyphens),
    turn other control characters into spaces, fold white space, and compose (NFC)."""
    if not value:
        return ""
    text = html.unescape(value) if "&" in value else value
    # str.split() splits on exactly what the regular expression \s matches (str.isspace), and in C.
    text = " ".join(_INVISIBLE.sub("", text).split())
    if not text.isprintable():  # rare: a control character left (white space is folded already)
        text = " ".join(text.translate(_NOT_PRINTABLE_TO_SPACE).split())
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text.strip()


_ELLIPSES = ("…", "...")


# Characters XML 1.0 does not allow (C0 controls other than tab and newline, lone surrogates, U+FFFE/U+FFFF): one
# would make a whole feed unwritable. Word's manual line break (\x0b) and page break (\x0c) become spaces.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Text (or HTML) with every character XML 1.0 refuses replaced by a space."""
    return _NOT_XML.sub(" ", text)


def is_cut_from(short: str, full: str) -> bool:
    """Whether `short` is `full` cut off, with or without an ellipsis ("…", "..."): a listing's
    summary of an article's whole ingress."""
    stem = short.rstrip()
    for ellipsis in _ELLIPSES:
        stem = stem.removesuffix(ellipsis)
    stem = stem.rstrip()
    return bool(stem) and len(stem) < len(full) and full.startswith(stem)


def slugify(text: str) -> str:
    """A topic id in regjeringen.no's own style: "Innvandring og integrering" -> "innvandring-og-integrering"."""
    text = clean_text(text).lower()
    for src, dst in (("æ", "ae"), ("ø", "o"), ("å", "a")):
        text = text.replace(src, dst)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def language_code(tag: str | None) -> str | None:
    """A language tag's primary code: "nn-NO" -> "nn", "en_GB" -> "en"; "no" -> "nb" (the sites' /no/ is bokmål
    unless a page says nynorsk). None for no tag, or for one that is no language tag at all."""
    primary = (tag or "").strip().split("-")[0].split("_")[0].lower()
    if not re.fullmatch(r"[a-z]{2,3}", primary):
        return None
    return {"no": "nb"}.get(primary, primary)


# --------------------------------------------------------------------------------------------- URLs

_TRACKING_PARAMS = re.compile(r"^(utm_[a-z_]+|fbclid|gclid|mc_cid|mc_eid)$", re.I)


# Never part of a link: C0/C1 control characters, and the invisible zero-width and bidirectional marks a
# hostile page can use to disguise where a link goes.
_INVISIBLE_IN_URLS = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def canonical_url(url: str, base: str | None = None) -> str:
    """Absolute http(s) URL with scheme and host lower-cased; tracking parameters, credentials, fragment,
    control and invisible characters dropped. Raises ValueError for a link that is not http(s) or cannot be
    requested (`javascript:`, `data:`, no host, a port out of range, a broken IPv6 address), so that only
    http(s) links ever leave the store."""
    url = _INVISIBLE_IN_URLS.sub("", url or "").strip()
    if base:
        url = urljoin(base, url)
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(f"not an http(s) link: {url[:80]!r}")
    host = (parts.hostname or "").lower()
    if not host:
        raise ValueError(f"a link without a host: {url[:80]!r}")
    port = parts.port  # raises ValueError for a port out of range
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAMS.match(k)]
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(query), ""))


def is_http_url(url: str | None) -> bool:
    """Whether a stored link may be published as it is (http or https, nothing hidden in it)."""
    try:
        return bool(url) and bool(canonical_url(url or "")) and not _INVISIBLE_IN_URLS.search(url or "")
    except ValueError:
        return False


_REGJERINGEN_ID = re.compile(r"/id(\d+)/?$")


def regjeringen_doc_id(url: str) -> int | None:
    """The numeric document id at the end of a regjeringen.no path (`…/id3168525/`), if any."""
    match = _REGJERINGEN_ID.search(urlsplit(url).path)
    return int(match.group(1)) if match else None


REGJERINGEN_HOSTS = ("regjeringen.no", "www.regjeringen.no")


def item_id_for_url(url: str) -> str:
    """Identity of a document known by its URL, the same whichever source kind read it: a regjeringen.no
    document is its numeric id (`/no/id3168525/`), any other URL its canonical form."""
    canonical = canonical_url(url)
    if urlsplit(canonical).hostname in REGJERINGEN_HOSTS and (doc_id := regjeringen_doc_id(canonical)):
        return regjeringen_item_id(doc_id, canonical)
    return canonical


def regjeringen_item_id(doc_id: int, url: str) -> str:
    """Identity of a regjeringen.no document: its numeric id, kept apart per language section (/no/, /en/, /se/)."""
    section = urlsplit(url).path.strip("/").split("/", 1)[0] or "no"
    return f"https://www.regjeringen.no/{section}/id{doc_id}/"


# --------------------------------------------------------------------------------------------- dates

MONTHS = {
    # bokmål and nynorsk, full and abbreviated; English too, since /en/ pages are in the same markup
    "januar": 1, "jan": 1, "january": 1,
    "februar": 2, "feb": 2, "february": 2,
    "mars": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mai": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "october": 10, "oct": 10,
    "november": 11, "nov": 11,
    "desember": 12, "des": 12, "december": 12, "dec": 12,
}

_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b(?:[ ,kl.]*(\d{1,2})[:.](\d{2}))?")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?")
_MONTH_NAME_DATE = re.compile(
    r"\b(\d{1,2})\.?\s+(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?,?\s+(\d{4})"
    r"(?:[ ,kl.]*(\d{1,2})[:.](\d{2}))?",
    re.I,
)


def oslo_datetime(day: date, at: time | None = None) -> datetime:
    """A local date (and time) on the sites, made aware in Europe/Oslo; a bare date is that day's midnight in Oslo."""
    return datetime.combine(day, at or time(0, 0), tzinfo=OSLO)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=OSLO)


def _iso_match(m: re.Match) -> datetime:
    year, month, day, hour, minute, second, offset = m.groups()
    if hour is None:
        return oslo_datetime(date(int(year), int(month), int(day)))
    value = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    if offset:
        offset = "+00:00" if offset == "Z" else offset
        if ":" not in offset:
            offset = offset[:3] + ":" + offset[3:]
        return datetime.fromisoformat(value.isoformat() + offset)
    return value.replace(tzinfo=OSLO)


def _numeric_match(m: re.Match) -> datetime:
    day, month, year, hour, minute = m.groups()
    at = time(int(hour), int(minute)) if hour is not None else None
    return oslo_datetime(date(int(year), int(month), int(day)), at)


def _month_name_match(m: re.Match) -> datetime:
    day, month, year, hour, minute = m.groups()
    at = time(int(hour), int(minute)) if hour is not None else None
    return oslo_datetime(date(int(year), MONTHS[month.lower()], int(day)), at)


def parse_date(value: str | None) -> datetime | None:
    """Parse one date as the sites write it; aware, in Europe/Oslo unless the text carries an offset.

    Understands ISO 8601 (`2026-07-03`, `2026-07-03T10:00:00+02:00`), RFC 822/1123
    (`Fri, 03 Jul 2026 14:35:59 GMT`), `DD.MM.YYYY`, `DD/MM/YYYY` and Norwegian or English month
    names (`12. mars 2024`). Returns None when nothing in the text is a valid date.
    """
    text = clean_text(value)
    if not text:
        return None
    if re.match(r"^[A-Za-z]{3},?\s+\d", text):
        try:
            return _plausible(_aware(parsedate_to_datetime(text)))
        except (TypeError, ValueError, OverflowError):
            pass
    return find_date(text)


# Dates outside these years are no publication dates of these sites (a year 9999 would also break time
# arithmetic in Oslo's zone): they are treated as no date at all.
PLAUSIBLE_YEARS = range(1814, 2200)


def _plausible(value: datetime | None) -> datetime | None:
    return value if value is not None and value.year in PLAUSIBLE_YEARS else None


def find_date(text: str | None) -> datetime | None:
    """The first date found anywhere in a piece of text, in any of the forms parse_date knows."""
    text = clean_text(text)
    found = []
    for pattern, build in ((_ISO_DATE, _iso_match), (_NUMERIC_DATE, _numeric_match), (_MONTH_NAME_DATE, _month_name_match)):
        for m in pattern.finditer(text):
            try:
                value = _plausible(build(m))
            except (ValueError, OverflowError):  # 31.02.2024 and the like: not a date, look further
                continue
            if value is not None:
                found.append((m.start(), value))
                break
    return min(found, key=lambda pair: pair[0])[1] if found else None


# --------------------------------------------------------------------------------------------- ministries


@cache
def ministries() -> dict[str, dict]:
    """The ministries by abbreviation, as in data/ministries.toml."""
    return tomllib.loads(resources.files("aggregator.data").joinpath("ministries.toml").read_text("utf-8"))


@cache
def _ministry_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for abbr, m in ministries().items():
        for name in (m["nb"], m["nn"], m["en"], *m["former"], abbr, str(m["ownerid"])):
            names[name.casefold()] = abbr
    return names


def ministry_abbr(name: str | None) -> str | None:
    """The abbreviation (`aid`) for a ministry name in any language, a former name, an ownerid or an abbreviation."""
    return _ministry_names().get(clean_text(name).casefold()) if name else None


def ministry_name(abbr: str, language: str | None = "nb") -> str:
    """A ministry's name in the language of an item (nb, nn or en; other languages get bokmål)."""
    m = ministries()[abbr]
    lang = (language or "nb").split("-")[0].lower()
    return str(m.get(lang if lang in ("nn", "en") else "nb"))


def split_ministries(text: str | None) -> list[str]:
    """Split a comma-separated ministry list into abbreviations.

    Some names contain a comma themselves ("Ministry of Trade, Industry and Fisheries"), so the
    longest run of pieces that forms a known name wins. Unknown names are kept out (and logged
    by the caller if it wants); the order of the page is kept, duplicates dropped.
    """
    cached = _SPLIT_MINISTRIES.get(text)
    if cached is not None:
        return list(cached)
    pieces = [p.strip() for p in clean_text(text).split(",") if p.strip()]
    names = _ministry_names()
    found: list[str] = []
    i = 0
    while i < len(pieces):
        # no ministry's name holds more than two commas: try the longest run of up to three pieces
        for j in range(min(len(pieces), i + 3), i, -1):
            abbr = names.get(", ".join(pieces[i:j]).casefold())
            if abbr:
                if abbr not in found:
                    found.append(abbr)
                i = j
                break
        else:
            i += 1
    if len(_SPLIT_MINISTRIES) < _MINISTRY_LISTS_KEPT:
        _SPLIT_MINISTRIES[text] = tuple(found)
    return found


# Listings print the same few ministry lists on every page, and splitting one costs more than looking it up: the
# answers (pure functions of the text and the vocabulary) are kept, for a bounded number of lists.
_MINISTRY_LISTS_KEPT = 4096
_SPLIT_MINISTRIES: dict[str | None, tuple[str, ...]] = {}
_UNKNOWN_MINISTRIES: dict[str | None, tuple[str, ...]] = {}


def unknown_ministry_names(text: str | None) -> list[str]:
    """The pieces of a ministry list that are no known ministry (to warn about a new or renamed one)."""
    cached = _UNKNOWN_MINISTRIES.get(text)
    if cached is not None:
        return list(cached)
    pieces = [p.strip() for p in clean_text(text).split(",") if p.strip()]
    known = {ministry_name(a, lang) for a in split_ministries(text) for lang in ("nb", "nn", "en")}
    joined = ", ".join(pieces)
    for name in sorted(known, key=len, reverse=True):
        joined = joined.replace(name, "")
    unknown = [p.strip() for p in joined.split(",") if p.strip() and not ministry_abbr(p)]
    if len(_UNKNOWN_MINISTRIES) < _MINISTRY_LISTS_KEPT:
        _UNKNOWN_MINISTRIES[text] = tuple(unknown)
    return unknown


# --------------------------------------------------------------------------------------------- document types


@cache
def document_types() -> dict[str, dict]:
    """The project's document-type vocabulary, as in data/document_types.toml."""
    return tomllib.loads(resources.files("aggregator.data").joinpath("document_types.toml").read_text("utf-8"))


@cache
def _type_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for term, spec in document_types().items():
        labels[term.casefold()] = term
        for label in spec["labels"]:
            labels[label.casefold()] = term
    return labels


def document_type(label: str | None) -> str | None:
    """The vocabulary term for a site's type label or code ("Høyring", "Horing", "Press release");
    "other" for a label not in the vocabulary, None when there is no label at all."""
    text = clean_text(label).strip(" |:")
    if not text:
        return None
    return _type_labels().get(text.casefold(), "other")


def document_type_title(term: str, language: str | None = "en") -> str:
    """A readable name for a vocabulary term, in an item's language (bokmål, nynorsk, else English)."""
    spec = document_types().get(term, {})
    lang = language_code(language) or "en"
    return spec.get(f"title_{lang}") or spec.get("title", term)


# Fixed words readers see inside an entry or a message, in the item's language (nb, nn, en).
_LABELS = {
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
}


def label(key: str, language: str | None) -> str:
    """A fixed label ("deadline", "status", "published", "type", "from", "case_ref", …) in an item's language;
    English for languages other than bokmål and nynorsk."""
    lang = language_code(language) or "nb"
    return _LABELS[key].get(lang, _LABELS[key]["en"])


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
    if language_code(language) == "en":
        return f"{day.day} {_MONTH_NAMES['en'][day.month - 1]} {day.year}"
    return f"{day.day}. {_MONTH_NAMES['nb'][day.month - 1]} {day.year}"


# --------------------------------------------------------------------------------------------- keywords


@cache
def keyword_pattern(keyword: str) -> re.Pattern:
    """A keyword as a pattern. It matches at the start of a word, in any letter case ("integrering" matches
    "Integreringsloven", not "reintegrering"); `*` stands for any letters ("*bosetting" matches
    "flyktningbosetting"). A keyword in capitals is an abbreviation and matches only as a whole word, in
    any case ("KS" matches "KS-styret", not "boks"; "NAV" matches "Nav", not "navn"; "NAV*" matches "NAVs")."""
    word = clean_text(keyword)
    parts = [re.escape(part) for part in word.split("*")]
    body = r"\w*".join(parts)
    start = "" if word.startswith("*") else r"(?<!\w)"
    letters = word.replace("*", "")
    end = r"(?!\w)" if letters.isupper() and not word.endswith("*") else ""  # an abbreviation: a whole word
    return re.compile(start + body + end, re.IGNORECASE)


def matches_keyword(text: str, keywords: list[str]) -> bool:
    """Whether any of the keywords occurs in the text (see keyword_pattern)."""
    return any(keyword_pattern(k).search(text) for k in keywords if k.strip(" *"))


def now_utc() -> datetime:
    """The current time, aware (one place, so tests can reason about it)."""
    return datetime.now(UTC)


# --------------------------------------------------------------------------------------------- hearing references

# The documents a hearing is about, as Norwegian texts cite them: "NOU 2022: 18",
# "Prop. 90 L (2022–2023)", "Meld. St. 17 (2023–2024)". Years are joined by an en dash, as the
# government writes them, so the same reference from KS and from regjeringen.no compares equal.
_HEARING_REFS = (
    (re.compile(r"\bNOU\s+(\d{4})\s*:\s*(\d{1,3})\b"), "NOU {0}: {1}"),
    (re.compile(r"\bProp\.\s*(\d{1,4})\s*([A-Z]{1,2})\s*\(\s*(\d{4})\s*[–—-]\s*(\d{4})\s*\)"), "Prop. {0} {1} ({2}–{3})"),
    (re.compile(r"\bMeld\.\s*St\.\s*(\d{1,4})\s*\(\s*(\d{4})\s*[–—-]\s*(\d{4})\s*\)"), "Meld. St. {0} ({1}–{2})"),
)


def hearing_reference(text: str | None) -> str | None:
    """The first NOU, Prop. or Meld. St. reference in a text, in its canonical form ("NOU 2022: 18")."""
    text = clean_text(text)
    found = [(m.start(), form.format(*m.groups())) for pattern, form in _HEARING_REFS if (m := pattern.search(text))]
    return min(found)[1] if found else None
