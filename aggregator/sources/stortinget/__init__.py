"""`kind = "stortinget"`: Stortinget's committee hearings, from the open data API (data.stortinget.no); each is an
item of document type `committee-hearing`, followed like every hearing, in the feeds `committees/<id>.atom`.

The `url` is the API's hearings endpoint, `https://data.stortinget.no/eksport/horinger`; the kind adds the
session and asks for JSON (XML, the API's default, is read too). It reads the current session (as the API's
`eksport/sesjoner` names it, else by the calendar: sessions run October to September) and, from September to
mid-November, the sessions on both sides of the change too, since both hold open hearings then. A `sesjonid` in the
URL pins one session. `committees = ["KOMFORV", "ARBSOS"]` keeps the hearings of these committees only.

- A hearing has no title of its own: it is "Høring: <its case's short title>" (the first case's; the others are in
  its content). It gives the committee, the status in the API's words (Planlagt, Pågår, Påbegynt, Avholdt,
  Avlyst, …), the deadline for written input (`innspillsfrist`, the hearing's deadline), for a hearing with a
  meeting the deadline to ask to speak, the meetings (time and place), whether it takes written input only, and
  its cases (short and full title, reference such as "Prop. 95 L (2023–2024)", page on stortinget.no). Its link is
  its page on stortinget.no (`?h=<id>`), so KS's links to it find it; the written-input form is its answer form.
- State: open while one may still take part (Planlagt, Pågår, Påbegynt, Planlagt med forbehold, Aktiv, with a
  deadline or a meeting ahead), closed when held (Avholdt) or past every deadline and meeting, cancelled (Avlyst);
  it leaves hearings/open when its deadline for written input passes. Anyone may give input, so a subscription's
  `recipients` does not filter these hearings.
- A followed hearing (deadline ahead or less than 60 days past) is read again every `hearing_refresh_hours`: its
  written input (`horingsinnspill`: how many, who, when), and its cases' publications (`sak?sakid=`), whose
  regjeringen.no documents (the proposition, the white paper) are linked both ways with the hearing's entry when
  the store holds them.
- Politeness: at most 100 calls a minute (a request to data.stortinget.no every 0.6 s at most, whatever [http]
  min_delay says), Retry-After honoured, the configured User-Agent. The API is an interface for programs, like a
  feed one subscribes to, so robots.txt is not consulted.
- Faults: a hearings list that cannot be read (the API answered 500 for every session for days in July 2026) fails
  the source with the endpoint named; nothing stored changes, so no hearing disappears or closes, and the next run
  asks again. A body that is not the API's JSON or XML is a layout error (the admins hear of a broken source). A
  hearing's input or a case that cannot be read (an unknown id answers 500) is a warning naming it; what was read
  before is kept.

Parsing is done by pure functions of (URL, bytes) in `parse.py`; `fetching.py` reads the API.
"""

from __future__ import annotations

import re
from typing import Any

from ...kinds import Option, SourceKind
from ...normalize import STORTINGET_HOSTS

API_HOST = "data.stortinget.no"
MIN_DELAY = 0.6  # 100 calls a minute


def check_committees(value: Any) -> list[str]:
    """Committee ids as the API writes them ("KOMFORV"); compared without regard to case."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError('must be a list of committee ids, such as ["KOMFORV", "ARBSOS"]')
    for committee in value:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", committee.strip()):
            raise ValueError(f"{committee!r} is no committee id (letters and digits, such as KOMFORV)")
    return [committee.strip().upper() for committee in value]


KIND = SourceKind(
    name="stortinget", fetch=f"{__name__}.fetching:fetch", reread=f"{__name__}.fetching:reread",
    publisher="Stortinget", doc=__doc__ or "", hosts=(API_HOST, *STORTINGET_HOSTS), min_delay=MIN_DELAY,
    options=(Option("committees", check_committees, [],
                    "only the hearings of these committees (ids such as KOMFORV, ARBSOS); empty: every committee",
                    "list"),),
)
