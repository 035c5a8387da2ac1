"""URLs: the canonical form of a link, and a document's identity from its URL."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# --------------------------------------------------------------------------------------------- URLs

_TRACKING_PARAMS = re.compile(r"^(utm_[a-z_]+|fbclid|gclid|mc_cid|mc_eid)$", re.I)


# Never part of a link: C0/C1 control characters, and the invisible zero-width and bidirectional marks a
# hostile page can use to disguise where a link goes.
_INVISIBLE_IN_URLS = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


@lru_cache(maxsize=8192)  # a pure function of its text, asked of the same links on every page and every run
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
STORTINGET_HOSTS = ("stortinget.no", "www.stortinget.no")
STORTINGET_HEARING = "https://www.stortinget.no/no/Hva-skjer-pa-Stortinget/Horing/horing/?h={}"
STORTINGET_CASE = "https://www.stortinget.no/no/Saker-og-publikasjoner/Saker/Sak/?p={}"


def item_id_for_url(url: str) -> str:
    """Identity of a document known by its URL, the same whichever source kind read it: a regjeringen.no
    document is its numeric id (`/no/id3168525/`), a Stortinget hearing its page with its id (`?h=`), any other
    URL its canonical form."""
    canonical = canonical_url(url)
    host = urlsplit(canonical).hostname
    if host in REGJERINGEN_HOSTS and (doc_id := regjeringen_doc_id(canonical)):
        return regjeringen_item_id(doc_id, canonical)
    if host in STORTINGET_HOSTS and (hearing := stortinget_ids(canonical)[0]):
        return STORTINGET_HEARING.format(hearing)
    return canonical


def stortinget_ids(url: str) -> tuple[str | None, str | None]:
    """(hearing id, case id) a stortinget.no link names: `?h=10005544` on a hearing's pages, `?p=104908` on a
    case's; (None, None) for any other link."""
    parts = urlsplit(url)
    if (parts.hostname or "").lower() not in STORTINGET_HOSTS:
        return None, None
    query = {k.lower(): v for k, v in parse_qsl(parts.query)}
    path = parts.path.lower()
    hearing = query.get("h") if "horing" in path and query.get("h", "").isdigit() else None
    case = query.get("p") if "/sak" in path and query.get("p", "").isdigit() else None
    return hearing, case


def regjeringen_item_id(doc_id: int, url: str) -> str:
    """Identity of a regjeringen.no document: its numeric id, kept apart per language section (/no/, /en/, /se/)."""
    section = urlsplit(url).path.strip("/").split("/", 1)[0] or "no"
    return f"https://www.regjeringen.no/{section}/id{doc_id}/"
