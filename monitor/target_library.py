"""The target library: shipped defaults for 15 muscles x 4 techniques, plus the user's edits.

The defaults live in ``monitor/data/targets.json``, each naming its source. A user's edits are
saved in their own file, holding only what they changed, so a new release's better defaults
still reach every target the user left alone, and "reset to default" is simply forgetting
the edit. A damaged edits file never costs a start-up nor another edit: a damaged entry is
skipped, said, and written back as it was; a file that cannot be read at all is copied aside
and never saved over.
"""

from __future__ import annotations

from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

from monitor.json_documents import DocumentError, keep_copy, parse_document, save_document
from monitor.targets import TECHNIQUES, BandError, BandSpec, Target

FORMAT = "pressure-monitor-targets"
VERSION = 1
#: What a first start shows: trigger-point work on the most treated muscle.
FIRST_TARGET = ("Upper trapezius", "ischemic compression")


class LibraryError(ValueError):
    """A library file that cannot be used, with the reason in one line."""


def _target_from(entry: dict[str, Any], edited: bool) -> Target:
    try:
        hold = entry.get("hold_s")
        return Target(
            muscle=str(entry["muscle"]),
            technique=str(entry["technique"]),
            band=BandSpec(float(entry["low"]), float(entry["high"]), str(entry["basis"])),
            source=str(entry.get("source", "")),
            hold_s=None if hold is None else float(hold),
            edited=edited,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise LibraryError(f"a target entry is unusable ({exc}): {entry!r:.120}") from exc


def _entry_of(target: Target) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "muscle": target.muscle,
        "technique": target.technique,
        "low": target.band.low,
        "high": target.band.high,
        "basis": target.band.basis,
    }
    if target.hold_s is not None:
        entry["hold_s"] = target.hold_s
    entry["source"] = target.source
    return entry


def _entries(text: str) -> list[Any]:
    try:
        document = parse_document(text, FORMAT, VERSION)
    except DocumentError as exc:
        raise LibraryError(str(exc)) from exc
    entries = document.get("targets")
    if not isinstance(entries, list):
        raise LibraryError("a targets file needs a list of targets")
    return entries


def shipped_targets() -> tuple[Target, ...]:
    text = resources.files("monitor.data").joinpath("targets.json").read_text("utf-8")
    return tuple(_target_from(entry, edited=False) for entry in _entries(text))


class TargetLibrary:
    """Defaults overlaid with the user's edits; ``edit`` and ``reset`` save straight away."""

    def __init__(self, defaults: tuple[Target, ...], edits_path: Path | None = None) -> None:
        if not defaults:
            raise LibraryError("the target library is empty")
        self._defaults = {target.key: target for target in defaults}
        self._order = [target.key for target in defaults]
        self._edits: dict[tuple[str, str], Target] = {}
        self.edits_path = edits_path
        self.problem = ""  # why (some of) the user's edits could not be used, for the user
        self._unusable: list[Any] = []  # damaged entries, written back untouched
        self._unreadable = False  # the file as a whole: never saved over
        if edits_path is not None and edits_path.exists():
            self._read_edits(edits_path)

    def _read_edits(self, path: Path) -> None:
        try:
            entries = _entries(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, LibraryError) as exc:
            self._unreadable = True
            self.problem = (
                f"your target edits in {path} were not used ({exc}); {keep_copy(path)}; "
                "edits are not saved until the file is repaired or removed"
            )
            return
        reasons = []
        for entry in entries:
            try:
                target = _target_from(entry, edited=True)
            except LibraryError as exc:
                self._unusable.append(entry)
                reasons.append(str(exc))
                continue
            if target.key in self._defaults:
                self._edits[target.key] = target
        if reasons:
            self.problem = (
                f"{len(reasons)} of {len(entries)} target edits in {path} could not be used "
                f"and are kept in the file as they were; the others apply: {reasons[0]}"
            )

    @classmethod
    def load(cls, edits_path: Path | None = None) -> TargetLibrary:
        return cls(shipped_targets(), edits_path)

    @property
    def muscles(self) -> list[str]:
        return list(dict.fromkeys(muscle for muscle, _ in self._order))

    def techniques(self, muscle: str) -> list[str]:
        known = [technique for name, technique in self._order if name == muscle]
        return sorted(known, key=lambda t: TECHNIQUES.index(t) if t in TECHNIQUES else 99)

    def targets(self) -> list[Target]:
        return [self.get(*key) for key in self._order]

    def get(self, muscle: str, technique: str) -> Target:
        key = self._key(muscle, technique)
        return self._edits.get(key) or self._defaults[key]

    def default(self, muscle: str, technique: str) -> Target:
        return self._defaults[self._key(muscle, technique)]

    def find(self, text: str) -> Target:
        """A target from what a user typed: a muscle (its first technique) or a full label."""
        wanted = text.strip().lower()
        for target in self.targets():
            if wanted in (target.label.lower(), target.muscle.lower()):
                return target
        known = "; ".join(self.muscles)
        raise LibraryError(f"no target for {text!r} (known muscles: {known})")

    def edit(self, muscle: str, technique: str, band: BandSpec, hold_s: float | None) -> Target:
        """Change one target's band and hold and save it; the default's source is kept, with
        a note that the values are the user's."""
        default = self.default(muscle, technique)
        if band == default.band and hold_s == default.hold_s:
            self.reset(muscle, technique)
            return default
        source = f"Edited by the user (default was {default.band.describe()}). {default.source}"
        edited = replace(default, band=band, hold_s=hold_s, source=source, edited=True)
        self._store({**self._edits, default.key: edited})
        return edited

    def reset(self, muscle: str, technique: str) -> Target:
        key = self._key(muscle, technique)
        if key in self._edits:
            self._store({k: target for k, target in self._edits.items() if k != key})
        return self._defaults[key]

    def _key(self, muscle: str, technique: str) -> tuple[str, str]:
        key = (muscle, technique)
        if key not in self._defaults:
            raise LibraryError(f"no target for {muscle} — {technique}")
        return key

    def _store(self, edits: dict[tuple[str, str], Target]) -> None:
        """Save ``edits``, then use them: an edit that could not be saved is not applied."""
        self._save(edits)
        self._edits = edits

    def _save(self, edits: dict[tuple[str, str], Target]) -> None:
        """Write the edits atomically: a crash mid-save leaves the old file whole. Raises
        LibraryError rather than write over a file that could not be read."""
        if self.edits_path is None:
            return
        if self._unreadable:
            raise LibraryError(f"kept the damaged file intact: {self.problem}")
        targets = [_entry_of(target) for target in edits.values()]
        try:
            save_document(self.edits_path, FORMAT, VERSION, {"targets": targets + self._unusable})
        except OSError as exc:
            raise LibraryError(f"cannot save the target edits to {self.edits_path}: {exc}") from exc


__all__ = ["BandError", "LibraryError", "TargetLibrary", "shipped_targets"]
