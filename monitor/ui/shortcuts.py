"""Keys for every action used during treatment (a USB foot pedal can type one too), and the
list of them that F1 shows."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QMessageBox, QWidget

#: (key, what it does, the action).
Action = tuple[str, str, Callable[[], object]]


def install(widget: QWidget, actions: Sequence[Action]) -> list[tuple[str, str]]:
    """Make each key act anywhere in ``widget``'s window; returns (key, what) for the help.

    A single-letter key never fires while a text field is edited: Qt gives the field the
    key first (its ShortcutOverride), so typing a client's name never changes the side."""
    for key, _, action in actions:
        QShortcut(QKeySequence(key), widget, activated=action)
    return [(key, text) for key, text, _ in actions]


def help_box(parent: QWidget, keys: Sequence[tuple[str, str]]) -> QMessageBox:
    """The list of keys, in a window that does not stop the live display (``open()`` it)."""
    rows = "".join(f"<tr><td><b>{key}</b></td><td>{text}</td></tr>" for key, text in keys)
    return QMessageBox(
        QMessageBox.Icon.Information,
        "Keyboard shortcuts",
        f"<table cellpadding=3>{rows}</table>",
        parent=parent,
    )
