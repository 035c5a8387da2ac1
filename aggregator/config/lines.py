"""Where a mistake is in a config file, and what to call the entry it is in.

tomllib gives no positions, so the file's text is read for them: each table's header line (`[output]`,
`[[sources]]`, `[sources.selectors]`) and the line of each key in it. (tomlkit keeps a document's layout but gives no
line numbers either, so a library would not spare this.) A mistake is named by the entry's id where it has one
(`sources "regjeringen-hearings".max_pages`), by its position otherwise (`sources[2]`), and placed on the line of the
key it is about, else of the entry's `id`, else of the entry's header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")
_POSITIONAL = re.compile(r"^(sources|topics|subscriptions)\[(\d+)\](?:\.(.+))?$")


@dataclass
class Block:
    """One table of the file: its header's line, its keys' lines, and its sub-tables (`[sources.selectors]`)."""

    line: int
    keys: dict[str, int] = field(default_factory=dict)
    tables: dict[str, Block] = field(default_factory=dict)


@dataclass
class Layout:
    tables: dict[str, Block] = field(default_factory=dict)
    arrays: dict[str, list[Block]] = field(default_factory=dict)


def layout(text: str) -> Layout:
    """Every table's and key's line in a TOML text (lines inside multi-line strings are skipped)."""
    found, current = Layout(), Block(0)
    inside_string = False
    for number, line in enumerate(text.splitlines(), 1):
        quotes = line.count('"""') + line.count("'''")
        if inside_string:
            inside_string = quotes % 2 == 0
            continue
        inside_string = quotes % 2 == 1
        if header := _HEADER.match(line):
            current = _open(found, header.group(1) == "[[", header.group(2), number, current)
        elif key := _KEY.match(line):
            current.keys.setdefault(key.group(1), number)
    return found


def _open(found: Layout, array: bool, name: str, number: int, current: Block) -> Block:
    block = Block(number)
    parent, _, child = name.partition(".")
    if array:
        found.arrays.setdefault(name, []).append(block)
    elif child and found.arrays.get(parent):
        found.arrays[parent][-1].tables[child] = block
    elif child and parent in found.tables:
        found.tables[parent].tables[child] = block
    else:
        found.tables[name] = block
    return block


def place(key: str, raw: dict, where: Layout) -> tuple[int | None, str]:
    """A mistake's line (None when it has none) and its name, from the key as the checks name it (`sources[2].kind`,
    `output.max_entries`, `outptu`)."""
    if match := _POSITIONAL.match(key):
        name, index, rest = match.group(1), int(match.group(2)), match.group(3)
        given = raw.get(name)
        entries: list = given if isinstance(given, list) else []
        entry = entries[index] if index < len(entries) and isinstance(entries[index], dict) else {}
        label = f'{name} "{entry["id"]}"' if isinstance(entry.get("id"), str) and entry["id"] else f"{name}[{index}]"
        blocks = where.arrays.get(name, [])
        block = blocks[index] if index < len(blocks) else None
        return _line(block, rest, fallback="id"), label + (f".{rest}" if rest else "")
    table, _, rest = key.partition(".")
    return _line(where.tables.get(table), rest or None), key


def _line(block: Block | None, rest: str | None, fallback: str | None = None) -> int | None:
    if block is None:
        return None
    first = re.split(r"[.\[]", rest)[0] if rest else None
    if first and first in block.keys:
        return block.keys[first]
    if first and first in block.tables:
        return block.tables[first].line
    if fallback and fallback in block.keys:
        return block.keys[fallback]
    return block.line or None
