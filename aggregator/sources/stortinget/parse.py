"""data.stortinget.no's answers, read: the sessions, a session's hearings, a hearing's written input, a case's
publications. Pure: (URL, bytes) in, plain data out; no I/O, no clock (the time to judge a hearing's state by is
given).

The API answers JSON with `format=json` (which the kind asks for) and XML otherwise (root elements in the namespace
http://data.stortinget.no). Both are read into one shape, JSON's (a list is an element whose name ends in `_liste`),
so one reading serves both. A body that is neither, or lacks the list it should hold, is a layout error
(SourceError). Dates: JSON gives `/Date(1761083940000+0200)/` (milliseconds since the epoch, UTC; the offset is
the local one then), XML ISO 8601 in Oslo time; an unset date is year 1 (`/Date(-62135596800000)/`,
`0001-01-01T00:00:00`, `01.01.0001`), which is no date.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from ...hearings import Case, Committee, Document, Hearing, Meeting, Response, Responses, put
from ...normalize import OSLO, REGJERINGEN_HOSTS, STORTINGET_CASE, STORTINGET_HEARING, canonical_url, clean_text
from ...records import Record, SourceError
from ...words import COMMITTEE_HEARING_TITLE, COMMITTEE_HEARING_UNTITLED

COMMITTEE_HEARING = "committee-hearing"  # the vocabulary's term (one of hearings.HEARING_TYPES)
INPUT_FORM = "https://www.stortinget.no/no/Hva-skjer-pa-Stortinget/Horing/skriv-skriftlig-innspill/?h={}"
_NAMESPACE = "http://data.stortinget.no"
_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"

# The API's status words (horing_status) and what they say of a hearing. "Planlagt", "Pågår", "Påbegynt",
# "Planlagt med forbehold" and "Aktiv" are open while written input is still possible; "Ukjent" (and any word not
# here) says nothing, and the deadline decides (hearings.rules.state_on).
OPEN_WORDS = ("planlagt", "pågår", "påbegynt", "planlagt med forbehold", "aktiv")
CLOSED_WORDS = ("avholdt",)
CANCELLED_WORDS = ("avlyst",)


# ------------------------------------------------------------------------------------------ documents


def read_document(url: str, content: bytes, holds: tuple[str, ...]) -> dict[str, Any]:
    """The API's answer as JSON's shape; SourceError when it is neither the API's JSON nor its XML, or holds none of
    the keys `holds` names (the list it answers with)."""
    text = content.decode("utf-8-sig", errors="replace").lstrip()
    document: Any = None
    if text.startswith("{"):
        try:
            document = json.loads(text)
        except ValueError as error:
            raise SourceError(f"{url}: the API's answer is broken JSON ({error}); {_LAYOUT}") from None
    elif text.startswith("<"):
        document = _read_xml(url, text)
    if not isinstance(document, dict):
        start = " ".join(text[:60].split()) or "an empty answer"
        raise SourceError(f"{url}: not the API's JSON or XML (it starts {start!r}); {_LAYOUT}")
    if not any(key in document for key in holds):
        raise SourceError(f"{url}: the API's answer holds no {' or '.join(holds)}; {_LAYOUT}")
    return document


_LAYOUT = ("the API may have changed (see https://data.stortinget.no/dokumentasjon-og-hjelp/), or answered with an "
           "error page")


def _read_xml(url: str, text: str) -> dict[str, Any] | None:
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return None  # an HTML error page, say: not the API's
    if not root.tag.startswith(f"{{{_NAMESPACE}}}"):
        return None
    value = _xml_value(root)
    return value if isinstance(value, dict) else None


def _xml_value(element: ET.Element) -> Any:
    name = element.tag.rpartition("}")[2]
    children = list(element)
    if name.endswith("_liste"):
        return [_xml_value(child) for child in children]
    if children:
        return {child.tag.rpartition("}")[2]: _xml_value(child) for child in children}
    if element.get(_NIL) == "true":
        return None
    text = (element.text or "").strip()
    return {"true": True, "false": False}.get(text, text)


def _list(value: Any) -> list[dict[str, Any]]:
    """A list of the API's (JSON's null and XML's empty list alike are none)."""
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


# ------------------------------------------------------------------------------------------ dates

_MS_DATE = re.compile(r"/Date\((-?\d+)(?:[+-]\d{4})?\)/")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def api_datetime(value: Any) -> datetime | None:
    """A date of the API in Europe/Oslo: `/Date(ms+offset)/`, ISO 8601 (local time unless it says otherwise) or
    DD.MM.YYYY; None when it is unset (year 1) or cannot be read."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    try:
        if match := _MS_DATE.fullmatch(value):
            moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=int(match.group(1)))
        elif match := _DOTTED.fullmatch(value):
            moment = datetime(int(match.group(3)), int(match.group(2)), int(match.group(1)), tzinfo=OSLO)
        else:
            moment = datetime.fromisoformat(value)
    except (ValueError, OverflowError):
        return None
    if moment.year < 1900:  # 0001-01-01: the API's way of saying "not set"
        return None
    return moment.astimezone(OSLO) if moment.tzinfo else moment.replace(tzinfo=OSLO)


# ------------------------------------------------------------------------------------------ sessions


def current_session(url: str, content: bytes) -> str | None:
    """The session the API calls current (`innevaerende_sesjon`), as "2025-2026"."""
    document = read_document(url, content, ("innevaerende_sesjon", "sesjoner_liste"))
    current = document.get("innevaerende_sesjon")
    session = str(current.get("id") or "") if isinstance(current, dict) else ""
    return session if re.fullmatch(r"\d{4}-\d{4}", session) else None


def session_on(day: date) -> str:
    """The session by the calendar: Stortinget's sessions run from October to September."""
    start = day.year if day.month >= 10 else day.year - 1
    return f"{start}-{start + 1}"


def sessions_to_read(current: str | None, today: date) -> list[str]:
    """The sessions whose hearings to read: the current one (the API's, else by the calendar) and, around the change
    of session (September to mid-November), both the one before and the one after it, since both hold open hearings
    then."""
    sessions = [current or session_on(today)]
    if today.month in (9, 10) or (today.month == 11 and today.day <= 15):
        year = today.year
        sessions += [f"{year - 1}-{year}", f"{year}-{year + 1}"]
    return list(dict.fromkeys(sessions))


# ------------------------------------------------------------------------------------------ hearings


def parse_hearings(url: str, content: bytes, now: datetime, committees: list[str] | None = None,
                   warnings: list[str] | None = None) -> list[Record]:
    """A session's hearings (`horinger_liste`) as Records, of these committees only (ids; None or empty: all). A
    hearing that cannot be read is a warning naming it; the others are read."""
    wanted = {c.upper() for c in committees or []}
    records = []
    for entry in _list(read_document(url, content, ("horinger_liste",)).get("horinger_liste")):
        committee = _committee(entry.get("komite"))
        if wanted and (committee is None or committee.id not in wanted):
            continue
        try:
            records.append(hearing_record(entry, now))
        except (KeyError, TypeError, ValueError) as error:
            if warnings is not None:
                warnings.append(f"{url}: skipped hearing {entry.get('id')!r}: {error.__class__.__name__}: {error}")
    return records


def hearing_record(entry: dict[str, Any], now: datetime) -> Record:
    """One hearing as a Record (document type committee-hearing) holding its Hearing. Raises ValueError (or
    KeyError) for an entry without an id."""
    hearing_id = str(entry["id"]).strip()
    if not hearing_id.isdigit():
        raise ValueError(f"hearing id {hearing_id!r} is not a number")
    cases = [c for c in (_case(e) for e in _list(entry.get("horing_sak_info_liste"))) if c is not None]
    committee = _committee(entry.get("komite"))
    link = STORTINGET_HEARING.format(hearing_id)
    record = Record(id=link, link=link, title=_title(cases, committee), summary=_summary(cases), language="nb",
                    document_type=COMMITTEE_HEARING)
    put(record.extra, read_hearing(entry, hearing_id, committee, cases, now))
    return record


def read_hearing(entry: dict[str, Any], hearing_id: str, committee: Committee | None, cases: list[Case],
                 now: datetime) -> Hearing:
    """A hearing's facts: status and state, deadlines, meetings, cases; the written-input form while written input
    is possible."""
    deadline, speaking = api_datetime(entry.get("innspillsfrist")), _speaking_deadline(entry)
    status = clean_text(entry.get("horing_status")) or None
    meetings = [Meeting(at, clean_text(m.get("sted"))) for m in _list(entry.get("horingstidspunkt_liste"))
                if (at := api_datetime(m.get("tidspunkt")))]
    state = hearing_state(status, [d for d in (deadline, speaking, *(m.at for m in meetings)) if d], now)
    input_possible = state == "open" and (deadline is None or _end_of(deadline) >= now)
    written_only = entry.get("skriftlig")
    return Hearing(
        deadline=deadline.date() if deadline else None,
        speaking_deadline=speaking.date() if speaking else None,
        status=status, state=state, committee=committee, meetings=sorted(meetings, key=lambda m: m.at),
        cases=cases, written_only=written_only if isinstance(written_only, bool) else None,
        answer_url=INPUT_FORM.format(hearing_id) if input_possible else None, open_to_all=True,
    )


def hearing_state(status: str | None, deadlines: list[datetime], now: datetime) -> str | None:
    """"open" while taking part is still possible (written input, asking to speak, a meeting ahead), "closed" when
    held or past every deadline and meeting (`deadlines`), "cancelled"; None for words the table does not know (see
    OPEN_WORDS). (A hearing whose deadline for written input passed leaves hearings/open all the same:
    hearings.rules.state_on.)"""
    word = (status or "").casefold()
    if word in CANCELLED_WORDS:
        return "cancelled"
    if word in CLOSED_WORDS:
        return "closed"
    if word not in OPEN_WORDS:
        return None
    return "closed" if deadlines and all(_end_of(d) < now for d in deadlines) else "open"


def _end_of(moment: datetime) -> datetime:
    """A deadline given as a bare day (midnight) lasts the whole day."""
    local = moment.astimezone(OSLO)
    return local + timedelta(days=1) if (local.hour, local.minute) == (0, 0) else local


def _speaking_deadline(entry: dict[str, Any]) -> datetime | None:
    return api_datetime(entry.get("anmodningsfrist_dato_tid")) or api_datetime(entry.get("soknadfrist_dato"))


def _committee(value: Any) -> Committee | None:
    if not isinstance(value, dict) or not clean_text(value.get("id")):
        return None
    return Committee(clean_text(value["id"]).upper(), clean_text(value.get("navn")))


def _case(entry: dict[str, Any]) -> Case | None:
    case_id = str(entry.get("sak_id") or "").strip()
    if not case_id.isdigit() or case_id == "0":
        return None
    title, short = clean_text(entry.get("sak_tittel")), clean_text(entry.get("sak_korttittel"))
    return Case(case_id, title or short, short or title, clean_text(entry.get("sak_henvisning")) or None,
                STORTINGET_CASE.format(case_id))


def _title(cases: list[Case], committee: Committee | None) -> str:
    if cases:
        return COMMITTEE_HEARING_TITLE.format(case=cases[0].short_title)
    return COMMITTEE_HEARING_UNTITLED.format(committee=committee.name if committee else "Stortinget")


def _summary(cases: list[Case]) -> str:
    return cases[0].title if cases and cases[0].title != cases[0].short_title else ""


# ------------------------------------------------------------------------------------------ input and cases


def parse_inputs(url: str, content: bytes) -> Responses:
    """A hearing's written input (`horingsinnspill`): how many, and who (organisation, else the input's title)
    with the date."""
    entries = _list(read_document(url, content, ("horingsinnspill_liste",)).get("horingsinnspill_liste"))
    by = []
    for entry in entries:
        name = clean_text(entry.get("organisasjon")) or clean_text(entry.get("tittel"))
        if name:
            when = api_datetime(entry.get("dato"))
            by.append(Response(name, None, when.date() if when else None))
    return Responses(len(entries), tuple(by))


def parse_case_documents(url: str, content: bytes) -> list[Document]:
    """The regjeringen.no documents a case's publications link (`publikasjon_referanse`: the proposition, the white
    paper), in the order given."""
    document = read_document(url, content, ("publikasjon_referanse_liste", "id"))
    found: dict[str, Document] = {}
    for reference in _list(document.get("publikasjon_referanse_liste")):
        try:
            link = canonical_url(str(reference.get("lenke_url") or ""), "https://www.stortinget.no/")
        except ValueError:
            continue
        if urlsplit(link).hostname in REGJERINGEN_HOSTS:
            found.setdefault(link, Document(clean_text(reference.get("lenke_tekst")) or link, link))
    return list(found.values())
