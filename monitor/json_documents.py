"""The app's own small JSON files (target edits, client thresholds): tagged, versioned, and
written so that a crash mid-save leaves the previous file whole."""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any


class DocumentError(ValueError):
    """A file that is not the document it should be, with the reason in one line."""


def parse_document(text: str, kind: str, version: int) -> dict[str, Any]:
    """The document in ``text`` if it is a ``kind`` file of ``version``."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise DocumentError(f"not a {kind} file: {exc}") from exc
    if not isinstance(document, dict) or document.get("format") != kind:
        raise DocumentError(f"not a {kind} file")
    if document.get("version") != version:
        raise DocumentError(f"{kind} file version {document.get('version')!r} is not supported")
    return document


def save_document(path: Path, kind: str, version: int, body: dict[str, Any]) -> None:
    document = {"format": kind, "version": version, **body}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".partial")
    partial.write_text(json.dumps(document, indent=1, ensure_ascii=False), "utf-8")
    os.replace(partial, path)


def keep_copy(path: Path) -> str:
    """Copy a file that could not be read to ``NAME.damaged-STAMP`` beside it (once: an
    identical copy is not made again); returns a sentence for the user saying where."""
    for earlier in sorted(path.parent.glob(f"{path.name}.damaged-*")):
        try:
            if earlier.read_bytes() == path.read_bytes():
                return f"a copy is kept as {earlier}"
        except OSError:
            continue
    copy = path.with_name(f"{path.name}.damaged-{datetime.now():%Y%m%d-%H%M%S}")
    try:
        shutil.copy2(path, copy)
    except OSError as exc:
        return f"no copy could be kept ({exc})"
    return f"a copy is kept as {copy}"
