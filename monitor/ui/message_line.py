"""Shows a ``MessageBoard``: the current note for its reading time, and the newest warning
until the user dismisses it (a button, or Ctrl+D).

Always there, one line high, empty when there is nothing to say: a line that came and went
with each message would move the gauge and the trace at every marker key. A text too long for
its place is cut at the end with "…" (whole in the tooltip), never mid-letter."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from monitor.messages import Message, MessageBoard
from monitor.ui import theme

PADDING_PX = 8  # each side of the warning's text, on its fill


class MessageLine(QWidget):
    def __init__(self, board: MessageBoard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.board = board
        self.note_label = _plain_label()
        self.warning_label = _plain_label()
        # The same fill in both themes (dark text on amber): set once, before any text is
        # fitted, so the bold font's width is the one measured.
        self.warning_label.setStyleSheet(
            f"background: {theme.WARNING.name()}; color: {theme.ON_ZONE.name()};"
            f"font-weight: bold; padding: 4px {PADDING_PX}px; border-radius: 4px;"
        )
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.setToolTip("Dismiss this warning (Ctrl+D)")
        self.dismiss_button.clicked.connect(self.dismiss)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.warning_label, 3)
        row.addWidget(self.dismiss_button)
        row.addWidget(self.note_label, 2)
        self.setFixedHeight(self.dismiss_button.sizeHint().height() + 4)
        self._texts: dict[QLabel, str] = {self.note_label: "", self.warning_label: ""}
        self._shown: tuple = ()
        self.show_at(0.0)

    def show_at(self, now: float) -> None:
        note = self.board.current(now)
        warnings = self.board.warnings
        shown = (note, warnings)
        if shown == self._shown:
            return
        self._shown = shown
        self._set_text(self.note_label, note.text if note else "")
        self._show_warning(warnings)

    def _show_warning(self, warnings: tuple[Message, ...]) -> None:
        self.warning_label.setVisible(bool(warnings))
        self.dismiss_button.setVisible(bool(warnings))
        if not warnings:
            return
        more = f"(+{len(warnings) - 1} more)  " if len(warnings) > 1 else ""
        self._set_text(self.warning_label, f"⚠ {more}{warnings[0].text}")
        self.warning_label.setToolTip("\n".join(f"⚠ {m.text}" for m in warnings))

    def _set_text(self, label: QLabel, text: str) -> None:
        self._texts[label] = text
        label.setToolTip(text)
        self._fit(label)

    def _fit(self, label: QLabel) -> None:
        # The style sheet's padding is inside the label's rectangle: the "…" must be too.
        padding = 2 * PADDING_PX if label is self.warning_label else 0
        width = max(label.contentsRect().width() - padding, 1)
        text = label.fontMetrics().elidedText(
            self._texts[label], Qt.TextElideMode.ElideRight, width
        )
        label.setText(text)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        for label in self._texts:
            self._fit(label)

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
