"""The line read from across the room, above every tab: recording or not, and what is treated.

A therapist with both hands on the client looks up from 1-2 m: "REC 03:12" in white on red
(or "not recording", quiet), then client, muscle, SIDE and technique in large type. Shows a
``monitor.live_session.Header``; holds nothing of its own.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from monitor.live_session import Header
from monitor.ui import theme

#: Point sizes: capitals about 8 mm high on a 14" 1080p laptop, read at 2 m (roughly the
#: 20/40 line's 5-arcminute letter at 2 m is 3 mm: three times that, for a glance).
REC_POINTS = 22
CONTEXT_POINTS = 20
#: White on this red is 5.6:1 (WCAG AA for text), the same in both themes.
REC_FILL = QColor("#c62828")


class SessionHeader(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rec_label = QLabel()
        self.rec_label.setTextFormat(Qt.TextFormat.PlainText)
        self.context_label = QLabel()
        self.context_label.setTextFormat(Qt.TextFormat.PlainText)  # a pseudonym is not markup
        # Long names are cut here, never by widening the window.
        self.context_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        for label, points in ((self.rec_label, REC_POINTS), (self.context_label, CONTEXT_POINTS)):
            font = label.font()
            font.setPointSize(points)
            font.setBold(True)
            label.setFont(font)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        row.addWidget(self.rec_label)
        row.addWidget(self.context_label, 1)
        self._shown: tuple = ()
        self._context = ""
        theme.follow_theme(self, self._forget)

    def show_header(self, header: Header) -> None:
        minutes, seconds = divmod(int(header.elapsed_s), 60)
        rec = f"● REC {minutes:02d}:{seconds:02d}" if header.recording else "○ not recording"
        side = header.side.upper() if header.side in ("left", "right") else "no side"
        parts = [header.client or "no client", header.muscle, side, header.technique]
        shown = (rec, header.recording, " · ".join(parts))
        if shown == self._shown:
            return
        self._shown = shown
        self.rec_label.setText(rec)
        if header.recording:
            self.rec_label.setStyleSheet(
                f"background: {REC_FILL.name()}; color: white; padding: 2px 10px;"
                "border-radius: 6px;"
            )
            self.rec_label.setToolTip(f"Recording to {header.file_name}")
        else:
            self.rec_label.setStyleSheet(f"color: {theme.muted().name()}; padding: 2px 10px;")
            self.rec_label.setToolTip("Ctrl+R starts recording")
        self._context = shown[2]
        self.context_label.setToolTip(shown[2])
        self._fit_context()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_context()

    def _fit_context(self) -> None:
        """Too long for the width: cut at the end with "…" (whole in the tooltip); the
        technique goes first, the client and muscle stay."""
        metrics = self.context_label.fontMetrics()
        width = max(self.context_label.width(), 1)
        elided = metrics.elidedText(self._context, Qt.TextElideMode.ElideRight, width)
        self.context_label.setText(elided)

    def _forget(self) -> None:
        """A new theme: styled again at the next show."""
        self._shown = ()
