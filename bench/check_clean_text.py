"""Check that normalize.clean_text gives exactly what the implementation before issue 13 gave (kept below as
REFERENCE), on every code point in several surroundings, on many random strings, and on every text of the
project's fixtures and the recorded pages in ../shared (where present).

    .venv/bin/python bench/check_clean_text.py [--random 300000]

Exits 1 and prints the first differences if any.
"""

from __future__ import annotations

import argparse
import html
import random
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aggregator.normalize import clean_text  # noqa: E402

_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
_SPACES = re.compile(r"\s+")


def REFERENCE(value: str | None) -> str:  # noqa: N802 (the frozen implementation of commit c9c0af9)
    if not value:
        return ""
    text = html.unescape(value) if "&" in value else value
    text = _SPACES.sub(" ", _INVISIBLE.sub("", text))
    if not text.isprintable():
        text = _SPACES.sub(" ", "".join(ch if ch.isprintable() else " " for ch in text))
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text.strip()


SPECIAL = (
    [chr(c) for c in range(0, 0x21)] + [chr(c) for c in range(0x7F, 0xA1)]
    + list("\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202e\u2028\u2029\u202f\u205f\u2060\u2065\u2066"
           "\u206f\u3000\ufeff\ufff9\ufffd\u0301\u0308\u030a\u0327\u1100\u1161\u11a8\uac00\ud800\udfff\ue000"
           "\U000e0001\U000e0020\U0010ffff\u0378\u00a0\u1680\u2000\u200a\u2007")
    + ["&amp;", "&#xF8;", "&#248;", "&oslash;", "&nbsp;", "&#xD800;", "&#55296;", "&#0;", "&#x110000;", "&#x80;",
       "&#x9F;", "&#173;", "&shy;", "&ZeroWidthSpace;", "&lt;", "&", "&#", "&#x;", "&amp;#xF8;", "&Aring", "&aring;"]
    + list("aeøæåÅØÆ ,.-–—…'\"") + ["Høring", "Arbeids- og", "Ministry of Trade", "e\u0301", "A\u030a", "\u212b"]
)


def random_string(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(0, 12)):
        roll = rng.random()
        if roll < 0.5:
            parts.append(rng.choice(SPECIAL))
        elif roll < 0.8:
            parts.append(chr(rng.randint(0, 0x2FFF)))
        else:
            parts.append(chr(rng.randint(0, 0x10FFFF)))
    return "".join(parts)


def real_strings() -> list[str]:
    from selectolax.lexbor import LexborHTMLParser

    found: list[str] = []
    folders = [ROOT / "tests" / "fixtures", ROOT.parent / "shared" / "pages"]
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.suffix not in (".html", ".xml", ".txt", ".htm"):
                continue
            raw = path.read_text("utf-8", errors="replace")
            found.extend(raw.splitlines())
            tree = LexborHTMLParser(raw)
            for node in tree.css("*"):
                found.append(node.text(deep=False))
                found.append(node.text(separator=" "))
                found.extend(node.attributes.get(k) or "" for k in ("content", "title", "alt", "href"))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--random", type=int, default=300_000, help="random strings to try (default 300000)")
    args = parser.parse_args()
    differences = []

    def check(value: str) -> None:
        expected, got = REFERENCE(value), clean_text(value)
        if expected != got and len(differences) < 20:
            differences.append((value, expected, got))

    count = 0
    for code in range(0x110000):
        ch = chr(code)
        for value in (ch, f"a{ch}b", f" {ch} ", f"{ch}\u0301", f"e{ch}\u0308 x", f"&#{code};", f"&#x{code:X};x"):
            check(value)
            count += 1
    rng = random.Random(2026)
    for _ in range(args.random):
        check(random_string(rng))
        count += 1
    reals = real_strings()
    for value in reals:
        check(value)
    count += len(reals)
    check(None)
    for value, expected, got in differences:
        print(f"DIFFERENT for {value!r}: reference {expected!r}, clean_text {got!r}")
    print(f"{count} strings compared ({len(reals)} from pages), {len(differences)} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
