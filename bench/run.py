"""Benchmarks: speed and peak memory of the hot paths. Run with `make bench`; never part of the tests.

Measures, on synthetic data of a realistic size (a store that has collected a few years of items):
storing items (insert, then the same items again as unchanged), writing every feed, and parsing
listing pages of both sites from the project's own fixtures.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aggregator.config import parse_config  # noqa: E402
from aggregator.normalize import ministries  # noqa: E402
from aggregator.publish import publish  # noqa: E402
from aggregator.records import Record  # noqa: E402
from aggregator.store import Store  # noqa: E402


def measure(label: str, work, repeat: int = 1) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    for _ in range(repeat):
        work()
    elapsed = (time.perf_counter() - started) / repeat
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{label:<48} {elapsed * 1000:10.1f} ms   peak {peak / 1024 / 1024:7.1f} MiB")


def synthetic_records(count: int) -> list[Record]:
    abbrs = sorted(ministries())
    start = datetime(2023, 1, 1, tzinfo=timezone.utc)
    return [
        Record(
            id=f"https://www.regjeringen.no/no/id{3_000_000 + n}/",
            link=f"https://www.regjeringen.no/no/dokumenter/dokument-{n}/id{3_000_000 + n}/",
            title=f"Høyring om endringar i forskrift nr. {n} – særlege reglar for små kommunar",
            summary="Departementet sender på høyring forslag om endringar. " * 6,
            language="nn",
            published=start + timedelta(hours=7 * n),
            document_type=("consultation", "press-release", "news", "nou")[n % 4],
            ministries=[abbrs[n % len(abbrs)], abbrs[(n * 7) % len(abbrs)]],
            topics=[f"tema-{n % 12}"],
            extra={"deadline": "2026-08-14"} if n % 4 == 0 else {},
        )
        for n in range(count)
    ]


def bench_store_and_publish(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = parse_config(
            {"sources": [{"id": "bench", "kind": "feed", "url": "https://example.org/feed"}],
             "topics": [{"id": "hearings", "document_types": ["consultation"]}]},
            Path(folder) / "config.toml",
        )
        store = Store(config.database)
        records = synthetic_records(count)
        measure(f"store {count} new items", lambda: [store.upsert(r, "bench") for r in records])
        measure(f"store {count} unchanged items", lambda: [store.upsert(r, "bench") for r in records])
        measure(f"publish every feed from {count} items (first)", lambda: publish(config, store))
        measure(f"publish every feed from {count} items (unchanged)", lambda: publish(config, store))
        store.close()


def bench_parsers() -> None:
    fixtures = ROOT / "tests" / "fixtures"
    try:
        from aggregator.sources import ks, regjeringen
    except ImportError as error:
        print(f"parsers not benchmarked: {error}")
        return
    for page in [fixtures / "regjeringen" / "hoyringar-page1.html", fixtures / "regjeringen" / "topic-en-page1.html"]:
        html = page.read_text("utf-8")
        measure(f"regjeringen listing {page.name} x50", lambda: regjeringen.parse_listing("https://www.regjeringen.no/no/x/id1/", html), 50)
    for page in sorted((fixtures / "ks").glob("listing*.html")):
        html = page.read_text("utf-8")
        measure(f"ks listing {page.name} x50", lambda: ks.parse_listing("https://www.ks.no/fagomrader/x/y/", html), 50)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=5000, help="items in the synthetic store (default 5000)")
    args = parser.parse_args()
    bench_store_and_publish(args.items)
    bench_parsers()


if __name__ == "__main__":
    main()
