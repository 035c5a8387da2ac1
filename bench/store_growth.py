"""How fast the store grows: rows and bytes per 1 000 items, measured (docs/operations.md, "Retention").

    .venv/bin/python bench/store_growth.py                    # 1 000 and 3 000 hearings
    .venv/bin/python bench/store_growth.py --items 2000 6000

For each size: the synthetic regjeringen.no of bench/sitegen.py (hearings listing pages of 20, an article page per
hearing, in the real markup) served by bench/server.py; a run (the baseline), a backfill of every listing page (each
hearing's article page read: two observations per item, its article state, references, feed memberships), then 50
new items in every pool and a run that gives them to a subscription with one URL (the ledger's rows: one message and
one delivery per item and URL). The store is checkpointed, and each table's bytes (indexes included) read from
SQLite's dbstat. The figures per 1 000 items are the difference between the two sizes, so what every store has
whatever its size (the schema, the first pages) does not count.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import adapter  # noqa: E402
from server import BenchServer  # noqa: E402
from sitegen import HEARINGS  # noqa: E402

NEWS = 50


def measure(items: int) -> dict:
    """Rows and bytes per table of a store holding about `items` hearings (and the new items of one run)."""
    with BenchServer(hearings=items + 20, en=20, news=5, ks=20) as server, tempfile.TemporaryDirectory() as folder:
        path = adapter.write_config(Path(folder), [{"id": "hearings", "kind": "regjeringen", "url": server.url + HEARINGS,
                                                    "max_pages": 1}],
                                    [{"id": "hearings", "title": "Høringer", "document_types": ["consultation"]}])
        path.write_text(path.read_text("utf-8") + '\n[[subscriptions]]\nid = "all"\nurls = ["json://127.0.0.1:9/x"]\n',
                        "utf-8")
        config = adapter.load_config(path)
        store = adapter.open_store(config)
        adapter.run(config, store)  # the baseline: the first page
        adapter.backfill(config, store, "hearings", items // 20 + 1)
        server.add(NEWS)
        adapter.run(config, store)  # the news, to the subscription's ledger
        adapter.close_store(store)
        return _tables(adapter.database_path(config))


def _tables(database: Path) -> dict:
    conn = sqlite3.connect(database)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        owner = dict(conn.execute("SELECT name, tbl_name FROM sqlite_master"))
        sizes: dict[str, int] = {}
        for name, size in conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
            table = owner.get(name, name)
            sizes[table] = sizes.get(table, 0) + size
        tables = sorted(t for t in sizes if not t.startswith("sqlite_"))
        rows = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        return {"items": rows.get("items", 0), "file": database.stat().st_size, "rows": rows, "bytes": sizes}
    finally:
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, nargs=2, default=[1000, 3000], metavar=("SMALL", "LARGE"))
    args = parser.parse_args()
    small, large = (measure(n) for n in args.items)
    per = 1000 / (large["items"] - small["items"])
    print(f"store of {small['items']} items: {small['file'] / 1e6:.2f} MB; of {large['items']} items: "
          f"{large['file'] / 1e6:.2f} MB; per 1 000 items: {(large['file'] - small['file']) * per / 1e6:.2f} MB\n")
    print("| table | rows per 1 000 items | MB per 1 000 items |\n|---|---|---|")
    for table in sorted(large["rows"], key=lambda t: large["bytes"].get(t, 0) - small["bytes"].get(t, 0), reverse=True):
        rows = (large["rows"][table] - small["rows"].get(table, 0)) * per
        size = (large["bytes"].get(table, 0) - small["bytes"].get(table, 0)) * per / 1e6
        if rows or size:
            print(f"| {table} | {rows:,.0f} | {size:.3f} |")
    ledger = {t: large["rows"][t] for t in ("messages", "deliveries", "subscription_items")}
    print(f"\nthe ledger after {NEWS} new items in each pool, one subscription with one URL: {ledger}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
