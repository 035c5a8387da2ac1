"""What every scenario shares: the record of what it measured (Scenario), the synthetic sites' configs, and running
the command line in a process of its own."""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from pathlib import Path

import measure
from measure import run_child, timed

# A figure below this share of a profile's total is not shown as a cause (it is noise in a short run).
_EVIDENCE_FLOOR = 3.0


class Scenario:
    """What one scenario measured: steps (wall, CPU, peak memory, requests, rows, files), figures against the
    issue's targets, and details (profiles, breakdowns)."""

    def __init__(self, options: dict):
        self.options = options
        self.steps: list[dict] = []
        self.figures: list[dict] = []
        self.details: dict = {}
        self.primary: dict | None = None

    @property
    def quick(self) -> bool:
        return bool(self.options.get("quick"))

    @property
    def smoke(self) -> bool:
        """--smoke (the test suite's check that every scenario runs): one sample each, no profiles."""
        return bool(self.options.get("smoke"))

    def samples(self, full: int, quick: int) -> int:
        """How many samples a median is taken over: one in --smoke, `quick` in --quick, else `full`."""
        return 1 if self.smoke else quick if self.quick else full

    def profile(self, function: Callable[[], object], **options) -> dict | None:
        return None if self.smoke else measure.profile(function, **options)

    def step(self, name: str, *, primary: bool = False, **metrics) -> dict:
        row = {"name": name, **{k: _round(v) for k, v in metrics.items()}}
        self.steps.append(row)
        if primary or self.primary is None:
            self.primary = row
        return row

    def figure(self, target: int | None, name: str, value, unit: str, goal: str = "", holds: bool | None = None,
               note: str = "", evidence: str = "") -> None:
        """One printed line. `target` is issue 21's number (None: an info line, no target); `evidence` is what
        this run measured of the cause (printed under a MISSED one, beside the standing `why`)."""
        self.figures.append({"target": target, "name": name, "value": _round(value), "unit": unit, "goal": goal,
                             "holds": holds, "note": note, "evidence": evidence})

    def result(self) -> dict:
        primary = self.primary or {}
        return {
            **{key: primary.get(key) for key in ("wall_s", "cpu_s", "peak_mb", "requests", "rows_written",
                                                 "files_rewritten")},
            "steps": self.steps, "figures": self.figures, "details": self.details,
        }


def _round(value):
    if isinstance(value, float):
        return round(value, 6 if abs(value) < 0.01 else 4)
    return value


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def requests(stats: dict) -> dict:
    keys = ("requests", "robots", "listing", "article", "rss", "ks_page", "ks_article", "304", "404", "connections")
    return {k: stats.get(k, 0) for k in keys}


def label(count: int) -> str:
    """10000 -> "10 000", as the issue writes sizes."""
    return f"{count:,}".replace(",", " ")


def profile_evidence(profile: dict | None, top: int = 4) -> str:
    """What a MISSED figure's time went to in this run, from a profile (bench/measure.py): the aggregator
    functions with the largest cumulative share below the wrappers that hold nearly all of it, each call chain
    named by its deepest function (a caller with about its callee's share adds nothing), and the functions
    with the most time of their own (a lock's `acquire` is waiting: the HTTP client's helper thread)."""
    if not profile:
        return ""
    shares = [(name, share) for name, share in profile.get("cumulative", []) if _EVIDENCE_FLOOR <= share < 90]
    deepest = [(name, share) for n, (name, share) in enumerate(shares)
               if n + 1 == len(shares) or shares[n + 1][1] < share - 1]
    own = profile.get("own", [])[:3]
    return (f"profile ({profile['total_ms']:.0f} ms): " + ", ".join(f"{name} {share:.0f} %" for name, share in
                                                                    deepest[:top])
            + "; own time: " + ", ".join(f"{re.sub(' at 0x[0-9a-f]+', '', name)} {share:.0f} %" for name, share in own))


# ================================================================================================ site and configs


def site_sources(url: str, pages: int) -> list[dict]:
    """The configured sources of the synthetic site: a hearings listing, an English topic listing, an RSS feed
    and a ks.no page (as config.toml's real ones)."""
    from sitegen import HEARINGS, KS_PAGE, RSS, TOPIC_EN

    return [
        {"id": "regjeringen-hearings", "kind": "regjeringen", "url": url + HEARINGS, "max_pages": pages},
        {"id": "regjeringen-topic-en", "kind": "regjeringen", "url": url + TOPIC_EN, "max_pages": pages,
         "topics": ["integrering"]},
        {"id": "regjeringen-aid-rss", "kind": "regjeringen", "url": url + RSS},
        {"id": "ks-integrering", "kind": "ks", "url": url + KS_PAGE, "topics": ["integrering"]},
    ]


SITE_TOPICS: list[dict] = [
    {"id": "hearings", "title": "Hearings – Høringer", "document_types": ["consultation", "consultation-response"]},
    {"id": "integrering", "title": "Integrering", "keywords": ["integrering", "bosetting", "*flyktning", "KS"]},
]
# 40 feeds: all, 7 sources, 15 topics, 17 ministries.
BUILD_SOURCES: list[dict] = [{"id": f"source-{n}", "kind": "feed", "url": f"http://127.0.0.1:9/feed-{n}.xml"} for n in range(7)]
BUILD_TOPICS: list[dict] = SITE_TOPICS + [{"id": f"tema-{n}", "title": f"Tema {n}"} for n in range(13)]


# ================================================================================================ commands


def run_cli(config_path: Path, *args: str) -> measure.ChildResult:
    """`aggregator ARGS --config … -q` in a process of its own (its own CPU and peak memory); exit 0 or 1."""
    import adapter

    result = run_child(adapter.aggregator_command() + [*args, "--config", str(config_path), "-q"])
    if result.returncode not in (0, 1):
        raise RuntimeError(f"aggregator {' '.join(args)} exited {result.returncode}: {result.stderr[-800:]}")
    return result


def fill(config, count: int, source_ids: list[str], topic_ids: list[str]) -> tuple[int, float]:
    """The config's store filled with `count` items (adapter.bulk_insert_items) and closed; (rows inserted, wall
    seconds). Never a timed figure.

    Then the store is checkpointed and the disk given the fill's writes (os.sync): a store that grew over months
    has no hundred megabytes of fresh dirty pages, and on ext4 every fsync a build makes (one per file it
    replaces) would otherwise wait for them, which made the build after one new item at 100 000 items look 5×
    slower in wall time than at 10 000 with the same files written."""
    import os

    import adapter

    with timed() as t:
        store = adapter.open_store(config)
        inserted = adapter.bulk_insert_items(store, count, source_ids, topic_ids)
        adapter.close_store(store)
        adapter.settle(config)
        os.sync()
    stored = adapter.stored_items(config)
    if stored != inserted:  # a fill that was never committed would make every figure at "N items" a lie
        raise RuntimeError(f"the store holds {stored} items after a fill of {inserted}")
    return inserted, t.wall_s


def startup_cpu(repeat: int) -> tuple[float, float]:
    """Medians of the CPU of `python -c pass` and of `aggregator --help`, each in a fresh process, interleaved so
    that a busy moment costs both alike."""
    import sys

    import adapter

    bare, helps = [], []
    for _ in range(repeat):
        bare.append(run_child([sys.executable, "-c", "pass"]).cpu_s)
        result = run_child(adapter.aggregator_command() + ["--help"])
        if result.returncode != 0:
            raise RuntimeError(f"aggregator --help failed ({result.returncode}): {result.stderr[-500:]}")
        helps.append(result.cpu_s)
    return median(bare), median(helps)
