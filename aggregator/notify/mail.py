"""What an email of a subscription carries beyond its text: the list headers (RFC 2369 List-Id and List-Unsubscribe,
RFC 8058 List-Unsubscribe-Post), how readers leave it, and its HTML part as a complete document.

The headers go to Apprise as `+Header=value` parameters of the email URL, added only when a message is sent (or
previewed): the ledger keys deliveries by the configured URL, never by these.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import parse_qsl, quote, urlsplit

from ..config import Config
from .model import ADMIN

EMAIL_SCHEMES = ("mailto", "mailtos")


def is_email(url: str) -> bool:
    return urlsplit(url).scheme.lower() in EMAIL_SCHEMES


def recipient(url: str) -> str | None:
    """The address an email URL sends to (its `to`; per_recipient makes that one address)."""
    to = [value for key, value in parse_qsl(urlsplit(url).query) if key.lower() == "to"]
    return to[0].split(",")[0].strip() if to and to[0] else None


def leave_links(config: Config, subscription_id: str, url: str) -> list[str]:
    """The configured [notify] unsubscribe URLs for one subscription and recipient: `{subscription}` and
    `{recipient}` filled in; without them, a mailto: gets the subject "unsubscribe <id>", an https: URL the
    query `list=<id>&recipient=<address>`, so that whoever reads them knows which list and whom."""
    who = recipient(url) or ""
    links = []
    for given in config.notify.unsubscribe:
        link = given.replace("{subscription}", quote(subscription_id)).replace("{recipient}", quote(who, safe="@"))
        if link == given:
            joiner = "&" if "?" in link else "?"
            if link.startswith("mailto:") and "subject=" not in link:
                link += f"{joiner}subject={quote('unsubscribe ' + subscription_id)}"
            elif link.startswith("https:"):
                link += f"{joiner}list={quote(subscription_id)}" + (f"&recipient={quote(who, safe='@')}" if who else "")
        links.append(link)
    return links


def list_headers(config: Config, subscription_id: str, url: str) -> dict[str, str]:
    """The list headers of one subscription's email to one recipient (none for the admins' messages or chat)."""
    if subscription_id == ADMIN or not is_email(url):
        return {}
    host = urlsplit(config.base_url).hostname or "aggregator.invalid"
    headers = {"List-Id": f"{subscription_id} <{subscription_id}.{host}>"}
    links = leave_links(config, subscription_id, url)
    if links:  # https first: clients that can, unsubscribe in one click (RFC 8058)
        links.sort(key=lambda link: not link.startswith("https:"))
        headers["List-Unsubscribe"] = ", ".join(f"<{link}>" for link in links)
        if any(link.startswith("https:") for link in links):
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def with_headers(url: str, headers: dict[str, str]) -> str:
    """An Apprise email URL that adds these headers (`+Name=value`; Apprise decodes the value twice)."""
    if not headers:
        return url
    extra = "&".join(f"+{name}={quote(quote(value, safe=''), safe='')}" for name, value in headers.items())
    return url + ("&" if "?" in url else "?") + extra


_DOCUMENT = re.compile(r"<html[\s>]", re.I)


def as_document(html: str, language: str, title: str) -> str:
    """An HTML part as a complete document (doctype, `lang`, charset, title); a template that is one already (a
    user's own, say) is kept as it is."""
    if _DOCUMENT.search(html[:4000]):
        return html
    return (f'<!DOCTYPE html>\n<html lang="{escape(language)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{escape(title)}</title>\n'
            f"</head>\n<body>\n{html.strip()}\n</body>\n</html>\n")
