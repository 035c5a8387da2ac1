"""Words of the published files: feed and site titles, and index.html."""

from __future__ import annotations

from .language import reader_language

# ------------------------------------------------------------------------------------------ the published files

# [output] title when the configuration gives none, in [output] language.
DEFAULT_TITLES = {"nb": "regjeringen.no og KS", "nn": "regjeringen.no og KS", "en": "regjeringen.no and KS"}
DEFAULT_TITLE = DEFAULT_TITLES["nb"]


def default_title(language: str) -> str:
    return DEFAULT_TITLES[reader_language(language)]


# Titles and subtitles of the generated feeds and files, in [output] language (one pair: every language); {site} is
# [output] title, the other fields the feed's own.
FEED_WORDS: dict[str, tuple[str, str] | dict[str, tuple[str, str]]] = {
    "all": {"nb": ("Alle saker – {site}", "Alt de valgte kildene har publisert"),
            "nn": ("Alle saker – {site}", "Alt dei valde kjeldene har publisert"),
            "en": ("All items – {site}", "Everything the configured sources published")},
    "source": {"nb": ("{name}", "Saker fra {url}"), "nn": ("{name}", "Saker frå {url}"), "en": ("{name}", "Items from {url}")},
    "source_unnamed": {"nb": ("Kilde {id}", ""), "nn": ("Kjelde {id}", ""), "en": ("Source {id}", "")},
    "topic": {"nb": ("{name}", "Tema: {name}"), "nn": ("{name}", "Tema: {name}"), "en": ("{name}", "Topic: {name}")},
    "ministry": {"nb": ("{name_nb} ({abbr})", "{name_nb}: saker fra regjeringen.no"),
                 "nn": ("{name_nn} ({abbr})", "{name_nn}: saker frå regjeringen.no"),
                 "en": ("{name_en} ({abbr})", "{name_en}: items from regjeringen.no")},
    "committee": {"nb": ("{name} ({id})", "Stortinget: høringene i {name}"),
                  "nn": ("{name} ({id})", "Stortinget: høyringane i {name}"),
                  "en": ("{name} ({id})", "Stortinget: the hearings of {name}")},
    "open_hearings": {"nb": ("Åpne høringer – nærmeste frist først", "Alle åpne høringer, med frist og dager igjen"),
                      "nn": ("Opne høyringar – nærmaste frist først", "Alle opne høyringar, med frist og dagar att"),
                      "en": ("Open hearings – soonest deadline first",
                             "Every open hearing (høring), with its deadline and the days left")},
    "calendar": {"nb": ("Høringsfrister – {site}", ""), "nn": ("Høyringsfristar – {site}", ""),
                 "en": ("Consultation deadlines – {site}", "")},
    "opml": {"nb": ("Strømmer fra {site}", ""), "nn": ("Straumar frå {site}", ""), "en": ("{site} feeds", "")},
    "index": {"nb": ("Nyhetsstrømmer: {site}", ""), "nn": ("Nyheitsstraumar: {site}", ""), "en": ("Feeds: {site}", "")},
    "author": ("aggregator ({site})", ""),
}


def _feed_words(kind: str, language: str) -> tuple[str, str]:
    words = FEED_WORDS[kind]
    return words[reader_language(language)] if isinstance(words, dict) else words


def feed_title(kind: str, site_title: str, language: str = "nb", **fields: str) -> str:
    """The title of a generated feed or file ("Alle saker – <[output] title>", …), in the site's language."""
    return _feed_words(kind, language)[0].format(site=site_title, **fields)


def feed_subtitle(kind: str, site_title: str, language: str = "nb", **fields: str) -> str:
    return _feed_words(kind, language)[1].format(site=site_title, **fields)


# ------------------------------------------------------------------------------------------ index.html

# index.html's headings and labels, in [output] language.
SITE_WORDS: dict[str, dict[str, str]] = {
    "nb": {"intro": "Atom-strømmer med det regjeringen og KS publiserer, per departement, tema og kilde. Abonner i en "
                    "hvilken som helst feedleser.", "all_at_once": "Alle strømmene på én gang:",
           "last_updated": "Sist oppdatert", "not_yet": "ikke ennå", "open_hearings": "Åpne høringer",
           "open_intro": "Nærmeste frist først. I en feedleser:", "calendar": "Fristene i kalenderen (Outlook, Google):",
           "no_open": "Ingen åpne høringer nå.", "health": "Kildenes tilstand", "ok": "sist hentet {when}",
           "failing": "feiler siden {when}", "new": "ikke hentet ennå", "one_item": "sak", "many_items": "saker",
           "entry": "oppføring", "entries": "oppføringer", "all": "Alt", "sources": "Per kilde", "topics": "Per tema",
           "ministries": "Per departement",
           "committees": "Stortingets komiteer", "hearings": "Høringer", "subscribe": "Abonner", "none_yet": "ingen ennå"},
    "nn": {"intro": "Atom-straumar med det regjeringa og KS publiserer, per departement, tema og kjelde. Abonner i "
                    "kva feedlesar som helst.", "all_at_once": "Alle straumane på ein gong:",
           "last_updated": "Sist oppdatert", "not_yet": "ikkje enno", "open_hearings": "Opne høyringar",
           "open_intro": "Nærmaste frist først. I ein feedlesar:", "calendar": "Fristane i kalenderen (Outlook, Google):",
           "no_open": "Ingen opne høyringar no.", "health": "Tilstanden til kjeldene", "ok": "sist henta {when}",
           "failing": "feilar sidan {when}", "new": "ikkje henta enno", "one_item": "sak", "many_items": "saker",
           "entry": "oppføring", "entries": "oppføringar", "all": "Alt", "sources": "Per kjelde", "topics": "Per tema",
           "ministries": "Per departement",
           "committees": "Komiteane på Stortinget", "hearings": "Høyringar", "subscribe": "Abonner", "none_yet": "ingen enno"},
    "en": {"intro": "Atom feeds of what the Norwegian Government and KS publish, per ministry, topic and source. "
                    "Subscribe in any feed reader.", "all_at_once": "Every feed at once:",
           "last_updated": "Last updated", "not_yet": "not yet", "open_hearings": "Open hearings",
           "open_intro": "Soonest deadline first. In a feed reader:", "calendar": "The deadlines in your calendar "
           "(Outlook, Google):", "no_open": "No open hearings at the moment.", "health": "Source health",
           "ok": "last read {when}", "failing": "failing since {when}", "new": "not fetched yet", "one_item": "item",
           "many_items": "items", "entry": "entry", "entries": "entries", "all": "Everything", "sources": "By source",
           "topics": "By topic", "ministries": "By ministry",
           "committees": "Committees of the Storting", "hearings": "Hearings", "subscribe": "Subscribe",
           "none_yet": "none yet"},
}


def site_words(language: str) -> dict[str, str]:
    return SITE_WORDS[reader_language(language)]


def counted(count: int, one: str, many: str) -> str:
    """"1 sak", "2 saker": a count with its noun in the right form."""
    return f"{count} {one if count == 1 else many}"
