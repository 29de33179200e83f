"""Shows a ``MessageBoard``: the current note for its reading time, and the newest warning
until the user dismisses it (a button, or Ctrl+D)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from monitor.messages import Message, MessageBoard
from monitor.ui import theme


class MessageLine(QWidget):
    def __init__(self, board: MessageBoard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.board = board
        self.note_label = _plain_label()
        self.warning_label = _plain_label()
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.setToolTip("Dismiss this warning (Ctrl+D)")
        self.dismiss_button.clicked.connect(self.dismiss)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.warning_label, 1)
        row.addWidget(self.dismiss_button)
        row.addWidget(self.note_label, 1)
        self._shown: tuple = ()
        self.show_at(0.0)

    def show_at(self, now: float) -> None:
        note = self.board.current(now)
        warnings = self.board.warnings
        shown = (note, warnings)
        if shown == self._shown:
            return
        self._shown = shown
        self.note_label.setText(note.text if note else "")
        self.note_label.setToolTip(note.text if note else "")
        self._show_warning(warnings)
        self.setVisible(bool(note or warnings))

    def _show_warning(self, warnings: tuple[Message, ...]) -> None:
        self.warning_label.setVisible(bool(warnings))
        self.dismiss_button.setVisible(bool(warnings))
        if not warnings:
            return
        more = f"   (+{len(warnings) - 1} more)" if len(warnings) > 1 else ""
        self.warning_label.setText(f"⚠ {warnings[0].text}{more}")
        self.warning_label.setToolTip("\n".join(m.text for m in warnings))
        self.warning_label.setStyleSheet(
            f"background: {theme.WARNING.name()}; color: {theme.ON_ZONE.name()};"
            "font-weight: bold; padding: 4px 8px; border-radius: 4px;"
        )

    def dismiss(self) -> None:
        self.board.dismiss()
        self._shown = ()


def _plain_label() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)  # device text and paths are never markup
    # A long message is cut (whole in the tooltip), never widening the window.
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.2)
    label.setFont(font)
    return label
