"""Text as the sites print it, made clean: entities decoded, invisible characters gone, white space folded;
slugs and language codes."""

from __future__ import annotations

import html
import re
import unicodedata

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
    if text.isascii():  # the common case, and cheap: no invisible character, nothing to compose
        text = " ".join(text.split())
        return text if text.isprintable() else " ".join(text.translate(_NOT_PRINTABLE_TO_SPACE).split())
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
