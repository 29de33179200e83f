"""The hold timer under the big number: a bar filling towards the target hold, and the count."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import QLabel, QProgressBar, QSizePolicy, QVBoxLayout, QWidget

from monitor.feedback import Zone
from monitor.hold_timer import HoldState
from monitor.ui import theme


def clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}" if whole >= 60 else f"{whole} s"


class HoldDisplay(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.bar = QProgressBar(textVisible=True, alignment=Qt.AlignmentFlag.AlignCenter)
        self.bar.setRange(0, 1000)
        self.summary = QLabel("", alignment=Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.summary)
        self._reached: bool | None = None
        self._style(reached=False)

    def show_hold(self, hold: HoldState) -> None:
        if hold.target_s:
            self.bar.setValue(round(hold.progress * 1000))
            if hold.reached:
                self.bar.setFormat(f"✓ TARGET HOLD REACHED  {clock(hold.current_s)}")
            else:
                self.bar.setFormat(f"hold {clock(hold.current_s)} of {clock(hold.target_s)}")
        else:
            self.bar.setValue(0)
            self.bar.setFormat(f"in band {clock(hold.current_s)}")
        self.summary.setText(
            f"longest hold {clock(hold.longest_s)}   ·   total in band {clock(hold.total_s)}"
        )
        if hold.reached != self._reached:
            self._style(hold.reached)

    def _style(self, reached: bool) -> None:
        self._reached = reached
        fill = theme.ZONE_STYLES[Zone.IN].colour.name()
        text = theme.ON_ZONE.name() if reached else theme.foreground().name()
        background = fill if reached else theme.surface().name()
        self.bar.setStyleSheet(
            f"QProgressBar {{ background: {background}; color: {text}; border-radius: 8px;"
            f" font-weight: bold; }} QProgressBar::chunk {{ background: {fill};"
            " border-radius: 8px; }"
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        size = max(12, min(self.width() // 28, 30))
        for widget, scale in ((self.bar, 1.0), (self.summary, 0.7)):
            font = QFont(widget.font())
            font.setPixelSize(int(size * scale))
            widget.setFont(font)
        self.bar.setMinimumHeight(int(size * 2.2))
