"""`kind = "regjeringen"`: regjeringen.no's listing pages and RSS feeds, completed from article pages.

The `url` of a source is either one of the site's RSS feeds (`/no/rss/Rss/2581966/?…`) or an HTML
listing page (`/no/dokument/hoyringar/id1763/`, topic pages with "More on this topic", …).

- A feed is a subscription: fetched on the user's behalf like a feed reader does, so no robots.txt
  check, and conditionally (an unchanged feed costs one 304).
- Listing pages, their `?page=N` pagination and article pages are crawling: robots.txt governs them.
- A listing shows only part of a document (a cut summary, no topics, no last-modified), and RSS even
  less (no ministries), so a new item's article page is read once, and again when this source's own
  view of it moves. A missing article page is a warning: the item keeps what the listing gave, and the
  page is tried again on later runs. (merge.py lays the article's facts over the listing's.)
- Pagination stops at the first page whose items this source has all seen before; a first run (or a
  backfill) walks up to `max_pages`.
- A hearing's page is read with its factboxes (letter, documents, recipients, answer form, see hearing_page.py)
  and its response listing, and read again every `hearing_refresh_hours` while the hearing is followed (open,
  or its deadline recent), since RSS shows none of its changes: a moved deadline, a closing, new responses.
- `/no/rss/Rss/2581966/?documentType=dokumenter/høringer` is a hearings source of its own: every item is a
  hearing even when Cloudflare answers HTML requests with a challenge, and the hearing page completes it when
  it can be read.

Parsing is done by pure functions of (URL, text): `listing.parse_listing`, `rss.parse_rss`, `article.parse_article`,
`hearing_page.parse_hearing` and `hearing_page.parse_responses`; `fetching` reads the site.
"""

from __future__ import annotations

from ...kinds import MAX_PAGES, SourceKind
from ...normalize import REGJERINGEN_HOSTS

KIND = SourceKind(
    name="regjeringen", fetch=f"{__name__}.fetching:fetch", reread=f"{__name__}.fetching:reread",
    publisher="regjeringen.no", doc=__doc__ or "", hosts=REGJERINGEN_HOSTS, options=(MAX_PAGES,),
)
