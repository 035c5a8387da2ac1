"""Writing the output folder: each file replaced atomically and only when its bytes changed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_if_changed(path: Path, content: bytes) -> bool:
    """Replace a file atomically, and only when its content differs. Returns whether it was written."""
    if path.exists() and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return True


def remove_leftovers(out: Path) -> list[str]:
    """Delete temporary files that a run killed while writing left behind (`.<name>.<random>.tmp`)."""
    removed = []
    for leftover in out.rglob(".*.tmp") if out.is_dir() else []:
        leftover.unlink(missing_ok=True)
        removed.append(str(leftover.relative_to(out)))
    return removed
