"""Scenarios `parse` (issue 21's target 3) and `page` (info: one listing page end to end, issue 13's comparison
with RSS-Bridge)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import measure
from harness import Scenario, median, profile_evidence
from measure import file_snapshot, peak_mb, timed

# Issue 13's measurements on its 2-core machine: RSS-Bridge's CPU per request on the same two listing pages, and a
# bare lexbor parse of them (to tell how this machine compares).
RSS_BRIDGE_MS = {"hearings": 11.0, "topic": 5.1}
ISSUE_LEXBOR_MS = {"hearings": 0.52, "topic": 0.07}
# Target 3: a listing page's parse against a bare lexbor parse of the same bytes.
PARSE_GOALS = {"hearings": 2.0, "topic": 4.0}


def scenario_parse(s: Scenario) -> None:
    """Target 3: the project's parse of a listing page (decode + parse, as a fetch does it) against a bare
    LexborHTMLParser(bytes), on the ~120 KB hearings page and the ~18 KB topic page; article pages as info."""
    import adapter
    from selectolax.lexbor import LexborHTMLParser
    from sitegen import HEARINGS, KS_PAGE, TOPIC_EN, Site

    site = Site(hearings=40, en=40, news=10, ks=20, base_url="http://127.0.0.1:8000")
    parse = adapter.parsers()
    budget = 0.005 if s.smoke else 0.05 if s.quick else 0.25
    pages = [
        ("hearings listing", "hearings", HEARINGS, parse["regjeringen_listing"]),
        ("topic listing", "topic", TOPIC_EN, parse["regjeringen_listing"]),
        ("hearing article", None, site.article("hearings")[0], parse["regjeringen_article"]),
        ("English article", None, site.article("en")[0], parse["regjeringen_article"]),
        ("ks.no listing", None, KS_PAGE, parse["ks_listing"]),
        ("ks.no article", None, site.article("ks")[0], parse["ks_article"]),
    ]
    listing = parse["regjeringen_listing"]
    for which, listing_path in (("hearings", HEARINGS), ("topic", TOPIC_EN)):  # profiled first: a MISSED line
        data, address = site.pages[listing_path].body, site.base_url + listing_path  # says where the time went
        s.details[f"profile_{which}_listing"] = s.profile(lambda u=address, b=data: [listing(u, b) for _ in range(20)],
                                                          top=14)
    for name, key, path, parser in pages:
        body, url = site.pages[path].body, site.base_url + path
        bare = measure.per_call_cpu(lambda b=body: LexborHTMLParser(b), budget)
        ours = measure.per_call_cpu(lambda u=url, b=body, p=parser: p(u, b), budget)
        ratio = ours / bare
        s.step(name, primary=key == "hearings", cpu_s=ours, wall_s=ours, bare_lexbor_s=bare, ratio=ratio,
               bytes=len(body), peak_mb=peak_mb())
        line = f"{name} ({len(body) / 1000:.1f} kB): {ours * 1000:.2f} ms vs lexbor {bare * 1000:.3f} ms"
        if key:
            goal = PARSE_GOALS[key]
            s.figure(3, line, ratio, "×", f"≤ {goal:g}×", ratio <= goal,
                     evidence=profile_evidence(s.details[f"profile_{key}_listing"]))
            s.details[f"machine_vs_issue_{key}"] = round(bare * 1000 / ISSUE_LEXBOR_MS[key], 2)
            # The millisecond targets (1, 2) were set on the issue's machine: how this one compares, on the same work
            s.figure(None, f"this machine against issue 21's: a bare lexbor parse of the {key} listing page",
                     bare * 1000 / ISSUE_LEXBOR_MS[key], "× as long",
                     note=f"{bare * 1000:.3f} ms here, {ISSUE_LEXBOR_MS[key]:g} ms on the issue's machine")
        else:
            s.figure(None, line, ratio, "×", note="no target of its own")


def scenario_page(s: Scenario) -> None:
    """Info (issue 13's comparison, no target of issue 21): one listing page of 20 items fetched, parsed, stored
    and published in-process, on a fresh store. The listing's links point to https://www.regjeringen.no (not
    this server), so the source reads no article page: the same work as RSS-Bridge's one request."""
    from server import BenchServer
    from sitegen import HEARINGS_EXTERNAL, TOPIC_EN_EXTERNAL

    with BenchServer(hearings=40, en=40, news=5, ks=20) as server:
        for key, path in (("hearings", HEARINGS_EXTERNAL), ("topic", TOPIC_EN_EXTERNAL)):
            _page(s, server, key, server.url + path)


def _one_page(server, url: str) -> tuple:
    """One run of a one-page source on a fresh store: (timing, server stats, rows, files written, report)."""
    import adapter

    with tempfile.TemporaryDirectory() as folder:
        config = adapter.load_config(adapter.write_config(Path(folder), [
            {"id": "listing", "kind": "regjeringen", "url": url, "max_pages": 1}]))
        store = adapter.open_store(config)
        rows = adapter.rows_written(store)
        server.reset()
        with timed() as t:
            report = adapter.run(config, store, notify=False)
        stats = server.stats()
        rows = adapter.rows_written(store) - rows
        files = len(file_snapshot(adapter.output_dir(config)))
        adapter.close_store(store)
    if report["failed"]:
        raise RuntimeError(f"the listing source failed: {report['failed']}")
    return t, stats, rows, files, report


def _page(s: Scenario, server, key: str, url: str) -> None:
    import adapter

    repeat = s.options["repeat"]
    samples = [_one_page(server, url) for _ in range(repeat + 1)][1:]  # the first is a warm-up (imports, caches)
    cpu, wall = median([x[0].cpu_s for x in samples]), median([x[0].wall_s for x in samples])
    _, stats, rows, files, report = samples[-1]
    s.step(f"{key} listing page, fresh store (in-process)", primary=key == "hearings", cpu_s=cpu, wall_s=wall,
           peak_mb=peak_mb(), requests=stats.get("requests"), rows_written=rows, files_rewritten=files,
           items=report["seen"], feeds=report["feeds"], repeats=len(samples))
    s.figure(None, f"{key} listing page ({'~120' if key == 'hearings' else '~18'} kB, 20 items, fresh store): "
                   "CPU per page", cpu * 1000, "ms",
             note=f"RSS-Bridge {RSS_BRIDGE_MS[key]:g} ms on issue 13's machine (its target was ≤ 0.5× that); "
                  f"{files} files written, {rows} rows, {stats.get('requests')} requests")
    with tempfile.TemporaryDirectory() as folder:
        config = adapter.load_config(adapter.write_config(
            Path(folder), [{"id": "listing", "kind": "regjeringen", "url": url, "max_pages": 1}]))
        store = adapter.open_store(config)
        s.details[f"profile_{key}"] = s.profile(lambda: adapter.run(config, store, notify=False), top=12)
        adapter.close_store(store)
