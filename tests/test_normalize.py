"""Dates in Europe/Oslo, ministries split one by one, one document-type vocabulary, clean text and URLs."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from aggregator.keywords import matches_keyword
from aggregator.normalize import (
    OSLO,
    canonical_url,
    clean_text,
    document_type,
    find_date,
    item_id_for_url,
    ministries,
    ministry_abbr,
    ministry_name,
    parse_date,
    regjeringen_doc_id,
    regjeringen_item_id,
    slugify,
    split_ministries,
)
from aggregator.words import document_type_title, format_date, label

CET, CEST = timezone(timedelta(hours=1)), timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("03.07.2026", datetime(2026, 7, 3, tzinfo=CEST)),  # summer: the day starts at 22:00 UTC the day before
        ("20/12/2024", datetime(2024, 12, 20, tzinfo=CET)),
        ("Dato: 03.07.2026", datetime(2026, 7, 3, tzinfo=CEST)),
        ("12. mars 2024", datetime(2024, 3, 12, tzinfo=CET)),
        ("Publisert 5. desember 2023 kl. 14.05", datetime(2023, 12, 5, 14, 5, tzinfo=CET)),
        ("Oppdatert 1. juni 2025", datetime(2025, 6, 1, tzinfo=CEST)),
        ("2026-07-03", datetime(2026, 7, 3, tzinfo=CEST)),
        ("2026-07-03T10:00:00+02:00", datetime(2026, 7, 3, 10, tzinfo=CEST)),
        ("2024-12-20T09:10:00Z", datetime(2024, 12, 20, 9, 10, tzinfo=UTC)),
        ("Fri, 20 Dec 2024 10:10:00 +0100", datetime(2024, 12, 20, 10, 10, tzinfo=CET)),
        ("Fri, 03 Jul 2026 14:35:59 GMT", datetime(2026, 7, 3, 14, 35, 59, tzinfo=UTC)),
    ],
)
def test_dates_are_aware_and_a_bare_date_is_that_day_in_oslo(text, expected):
    parsed = parse_date(text)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


def test_a_bare_date_is_never_utc_midnight():
    parsed = parse_date("03.07.2026")
    assert parsed.astimezone(UTC) == datetime(2026, 7, 2, 22, 0, tzinfo=UTC)


def test_impossible_dates_and_no_dates_give_none():
    assert parse_date("31.02.2024") is None
    assert parse_date("") is None
    assert parse_date("Status: På høyring") is None
    assert find_date("Frist 31.02.2024, ny frist 01.03.2024") == datetime(2024, 3, 1, tzinfo=CET)


def test_all_seventeen_ministries_with_ids_and_three_languages():
    table = ministries()
    assert sorted(table) == sorted(["aid", "bfd", "dfd", "ed", "fin", "fd", "hod", "jd", "kld", "kdd", "kud", "kd", "lmd", "nfd", "sd", "smk", "ud"])
    assert table["aid"]["ownerid"] == 165 and table["kdd"]["ownerid"] == 504
    assert ministry_name("ud", "nn") == "Utanriksdepartementet"
    assert ministry_name("ud", "en") == "Ministry of Foreign Affairs"
    assert ministry_name("ud", "no") == "Utenriksdepartementet"


@pytest.mark.parametrize(
    "name, abbr",
    [
        ("Arbeids- og inkluderingsdepartementet", "aid"),
        ("Ministry of Labour and Social Inclusion", "aid"),
        ("Arbeids- og sosialdepartementet", "aid"),  # former name, same ministry
        ("Kommunal- og moderniseringsdepartementet", "kdd"),
        ("Olje- og energidepartementet", "ed"),
        ("  justis- og beredskapsdepartementet ", "jd"),
        ("463", "jd"),
        ("JD", "jd"),
    ],
)
def test_ministry_names_in_any_language_or_era_map_to_one_abbreviation(name, abbr):
    assert ministry_abbr(name) == abbr


def test_several_ministries_in_one_string_become_one_each_even_with_commas_in_names():
    assert split_ministries("Ministry of Labour and Social Inclusion, Ministry of Children and Families") == ["aid", "bfd"]
    assert split_ministries("Ministry of Trade, Industry and Fisheries, Ministry of Finance") == ["nfd", "fin"]
    assert split_ministries("Finansdepartementet, Energidepartementet") == ["fin", "ed"]
    assert split_ministries("Finansdepartementet, Ukjent direktorat") == ["fin"]


@pytest.mark.parametrize(
    "label, term",
    [
        ("Høring", "consultation"), ("H&#xF8;yring |", "consultation"), ("Horing", "consultation"),
        ("Consultation", "consultation"), ("Pressemelding", "press-release"), ("Press release", "press-release"),
        ("News story", "news"), ("Artikkel", "article"), ("Norwegian Official Report (NOU)", "nou"),
        ("Meld. St.", "white-paper"), ("Proposisjon", "proposition"), ("Plan/strategi", "plan"),
        ("Tale/innlegg", "speech"), ("Rundskriv", "circular"), ("Lover og regler", "regulation"),
        ("Brev", "letter"), ("Rapport", "report"), ("Kronikker", "opinion"), ("Høringssvar", "consultation-response"),
        ("Kalenderhendelse", "other"), ("", None),
    ],
)
def test_document_type_labels_in_three_languages_map_to_one_vocabulary(label, term):
    assert document_type(label) == term


def test_clean_text_decodes_leftover_entities_and_folds_space():
    assert clean_text("  H&#xF8;yring\n   om  skatt&amp;avgift ") == "Høyring om skatt&avgift"
    assert clean_text(None) == ""


def test_slugs_follow_the_sites_own_style():
    assert slugify("Innvandring og integrering") == "innvandring-og-integrering"
    assert slugify("Økonomi og budsjett") == "okonomi-og-budsjett"
    assert slugify("Familie og barn / Likestilling") == "familie-og-barn-likestilling"


def test_canonical_urls_drop_tracking_and_fragments_and_lower_case_the_host():
    url = "HTTPS://WWW.Regjeringen.NO/en/aktuelt/area-focus/id3079510/?utm_source=regjeringen.no&utm_medium=rss#top"
    assert canonical_url(url) == "https://www.regjeringen.no/en/aktuelt/area-focus/id3079510/"
    assert canonical_url("/no/x/id1/?page=2", "https://www.regjeringen.no/no/") == "https://www.regjeringen.no/no/x/id1/?page=2"


def test_regjeringen_identity_is_the_numeric_id_per_language_section():
    assert regjeringen_doc_id("https://www.regjeringen.no/no/dokumenter/slug/id3168525/") == 3168525
    assert regjeringen_doc_id("https://www.regjeringen.no/no/dokumenter/slug/") is None
    nb = regjeringen_item_id(3168525, "https://www.regjeringen.no/no/dokumenter/a/id3168525/")
    nb_other_slug = regjeringen_item_id(3168525, "https://www.regjeringen.no/no/aktuelt/b/id3168525/")
    en = regjeringen_item_id(3168525, "https://www.regjeringen.no/en/dokumenter/c/id3168525/")
    assert nb == nb_other_slug != en


@pytest.mark.parametrize("keyword, text, hit", [
    ("KS", "Nytt fra KS-styret", True),
    ("KS", "Pengene ligger i en boks", False),
    ("ks", "KS mener at", True),
    ("NAV", "Nav-kontoret i Bergen", True),
    ("NAV", "Fullt navn og adresse", False),
    ("NAV*", "NAVs tall", True),
    ("integrering", "Endringer i integreringsloven", True),
    ("integrering", "Arbeid med reintegrering", False),
    ("*bosetting", "Rekordhøy flyktningbosetting", True),
    ("bosetting", "Rekordhøy flyktningbosetting", False),
    ("Høyring", "Ny høyring om skatt", True),
    ("skatt", "SKATTEETATEN melder", True),
])
def test_keywords_match_at_the_start_of_a_word(keyword, text, hit):
    assert matches_keyword(text, [keyword]) is hit


def test_the_same_regjeringen_document_has_one_identity_for_every_kind():
    assert item_id_for_url("https://www.regjeringen.no/no/aktuelt/nye-tall/id4100011/?utm_source=rss") == \
        "https://www.regjeringen.no/no/id4100011/"
    assert item_id_for_url("https://regjeringen.no/no/dokumenter/x/id4100011/") == "https://www.regjeringen.no/no/id4100011/"
    # another site's /id123/ path is just a URL
    assert item_id_for_url("https://www.ks.no/aktuelt/sak/id123/") == "https://www.ks.no/aktuelt/sak/id123/"


def test_dates_are_shown_as_dates_when_they_have_no_time():
    assert format_date(datetime(2026, 7, 3, tzinfo=OSLO)) == "03.07.2026"
    assert format_date(datetime(2026, 7, 3, 8, 5, tzinfo=UTC)) == "03.07.2026 10:05"
    assert format_date(None) == ""


def test_labels_speak_the_items_language():
    assert [label("deadline", lang) for lang in ("nb", "nn", "en", None)] == [
        "Høringsfrist", "Høyringsfrist", "Consultation deadline", "Høringsfrist"]
    assert document_type_title("consultation", "nn") == "Høyring"
    assert document_type_title("consultation", "en") == "Consultation"


def test_soft_hyphens_and_invisible_marks_vanish_without_splitting_words():
    assert clean_text("arbeids\xadinnvandring og\u200b inte\u200dgrering") == "arbeidsinnvandring og integrering"
    assert matches_keyword(clean_text("Ny arbeids\xadinnvandring"), ["arbeidsinnvandring"])
    assert clean_text("a\x01b\tc\u00a0d") == "a b c d"  # other controls become spaces


def test_a_long_ministry_list_splits_in_linear_time():
    names = ", ".join(["Ministry of Trade, Industry and Fisheries", "Ministry of Finance"] * 200)
    assert split_ministries(names) == ["nfd", "fin"]
