"""The one-page PPT report: who, how, the results table, and every trial's trace.

Drawn with QPainter, so the same drawing goes to a PDF (QPdfWriter, A4) and to an image (to
look at it). Always black on white: it is printed and filed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from monitor import numbers
from monitor.ppt.report_axes import Axis, wrapped
from monitor.ppt.results import ASYMMETRY_TEXT, RESULT_COLUMNS, ResultRow
from monitor.ppt.trial import TrialTrace

INK = QColor("#000000")
GREY = QColor("#666666")
GRID = QColor("#DDDDDD")  # the small plots' tick lines: there to read by, not to see
TARGET = QColor("#0072B2")  # Okabe-Ito blue: the target ramp
TRACE = QColor("#D55E00")  # vermillion: what was applied
RESOLUTION_DPI = 300
#: Each of ``RESULT_COLUMNS``' width on the page (of about 180 mm).
COLUMN_WIDTHS_MM = (32, 11, 30, 14, 14, 10, 11, 20, 38)


def write_pdf(
    path: Path, title: str, header: Sequence[str], rows: list[ResultRow], traces: list[TrialTrace]
) -> None:
    """The report as a one-page A4 PDF at ``path``."""
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION_DPI)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setTitle(title)
    painter = QPainter(writer)
    try:
        area = QRectF(0, 0, writer.width(), writer.height())
        draw_report(painter, area, title, header, rows, traces)
    finally:
        painter.end()


def draw_report(
    painter: QPainter,
    area: QRectF,
    title: str,
    header: Sequence[str],
    rows: list[ResultRow],
    traces: list[TrialTrace],
) -> None:
    unit = area.width() / 180  # about one millimetre on A4
    y = area.top()
    y = _text(painter, area, y, title, 5.5 * unit, bold=True)
    for line in header:
        y = _text(painter, area, y, line, 3.0 * unit)
    y += 3 * unit
    y = _table(painter, area, y, rows, unit)
    y += 4 * unit
    draw_traces(painter, QRectF(area.left(), y, area.width(), area.bottom() - y), traces, unit)


def _font(size: float, bold: bool = False) -> QFont:
    font = QFont("Sans")
    font.setPixelSize(max(1, round(size)))
    font.setBold(bold)
    return font


def _text(painter: QPainter, area: QRectF, y: float, text: str, size: float, bold=False) -> float:
    painter.setFont(_font(size, bold))
    painter.setPen(INK)
    flags = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap  # a long protocol wraps
    box = painter.boundingRect(QRectF(area.left(), y, area.width(), 100 * size), flags, text)
    height = max(size * 1.5, box.height() + size * 0.3)
    painter.drawText(QRectF(area.left(), y, area.width(), height), flags, text)
    return y + height


def _table(painter: QPainter, area: QRectF, y: float, rows: list[ResultRow], unit: float) -> float:
    size = 2.8 * unit
    cells = [list(RESULT_COLUMNS), *(row.cells() for row in rows)]
    flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap
    for index, values in enumerate(cells):
        painter.setFont(_font(size, bold=index == 0))
        rects = []
        x = area.left()
        for width_mm, _ in zip(COLUMN_WIDTHS_MM, values, strict=True):
            rects.append(QRectF(x, y, width_mm * unit - unit, 100 * unit))
            x += width_mm * unit
        height = size * 0.6 + max(  # as tall as its most wrapped cell
            painter.boundingRect(rect, flags, value).height()
            for rect, value in zip(rects, values, strict=True)
        )
        painter.setPen(INK)
        for rect, value in zip(rects, values, strict=True):
            painter.drawText(QRectF(rect.left(), y, rect.width(), height), flags, value)
        y += height
        painter.setPen(QPen(GREY, unit * 0.15))
        painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
    painter.setFont(_font(2.4 * unit))
    painter.setPen(GREY)
    notes = [
        "Trials: [value] flagged, not in the mean; value* flagged and kept by the examiner, "
        f"in the mean. {ASYMMETRY_TEXT}."
    ]
    notes += [
        f"Reference: {source}"
        for source in sorted({r.reference.source for r in rows if r.reference})
    ]
    for source in notes:
        painter.drawText(
            QRectF(area.left(), y, area.width(), 2.4 * unit * 2.6),
            Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap,
            source,
        )
        y += 2.4 * unit * 2.6
    return y


def draw_traces(painter: QPainter, area: QRectF, traces: list[TrialTrace], unit: float) -> None:
    """Small multiples, one per trial, on shared axes so the ramps compare at a glance."""
    if not traces or area.height() < 20 * unit:
        return
    legend_h = 4 * unit
    legend = QRectF(area.left(), area.top(), area.width(), legend_h)
    area = QRectF(area.left(), area.top() + legend_h, area.width(), area.height() - legend_h)
    columns = 3
    rows = math.ceil(len(traces) / columns)
    cell_w, cell_h = area.width() / columns, min(area.height() / rows, 45 * unit)
    highest = [float(np.nanmax(trace.pressure_kpa)) for trace in traces if trace.pressure_kpa.size]
    kpa = Axis.holding(max([*highest, 0.0]))
    seconds = Axis.holding(max([*(float(trace.t[-1]) for trace in traces if trace.t.size), 0.0]))
    painter.setFont(_font(2.6 * unit))
    painter.setPen(GREY)
    painter.drawText(
        legend,
        Qt.AlignmentFlag.AlignLeft,
        f"Each trial: pressure applied (solid) against the target ramp (dashed), "
        f"on the same axes: 0–{numbers.pressure(kpa.top)}, "
        f"0–{numbers.as_given(seconds.top, 's')} from the start of loading.",
    )
    title_font = _font(2.6 * unit, bold=True)
    painter.setFont(title_font)
    metrics = QFontMetricsF(title_font, painter.device())
    title_w = cell_w - 3 * unit
    titles = [
        [
            metrics.elidedText(line, Qt.TextElideMode.ElideRight, title_w)
            for line in wrapped(
                _title(trace), lambda line: metrics.horizontalAdvance(line) <= title_w
            )
        ]
        for trace in traces
    ]
    # Every plot starts below the tallest title, so the shared axes line up across a row.
    title_h = max(len(lines) for lines in titles) * metrics.lineSpacing() + 0.8 * unit
    for index, trace in enumerate(traces):
        cell = QRectF(
            area.left() + (index % columns) * cell_w,
            area.top() + (index // columns) * cell_h,
            cell_w - 3 * unit,
            cell_h - 3 * unit,
        )
        painter.setFont(title_font)
        painter.setPen(INK)
        for line_no, line in enumerate(titles[index]):
            top = cell.top() + line_no * metrics.lineSpacing()
            painter.drawText(
                QRectF(cell.left(), top, cell.width(), metrics.lineSpacing()),
                Qt.AlignmentFlag.AlignLeft,
                line,
            )
        plot_cell = QRectF(cell.left(), cell.top() + title_h, cell.width(), cell.height() - title_h)
        _trace(painter, plot_cell, trace, kpa, seconds, unit)


def _title(trace: TrialTrace) -> str:
    flag = " (flagged)" if trace.flagged else ""
    return f"{trace.label}: {numbers.pressure(trace.threshold_kpa)}{flag}"


def _trace(
    painter: QPainter, cell: QRectF, trace: TrialTrace, kpa: Axis, seconds: Axis, unit: float
) -> None:
    tick_font = _font(2.3 * unit)
    painter.setFont(tick_font)
    metrics = QFontMetricsF(tick_font, painter.device())
    gap = 0.8 * unit
    y_labels = [kpa.label(value, "kPa") for value in kpa.ticks()]
    left = max(metrics.horizontalAdvance(text) for text in y_labels) + gap
    below = metrics.height() + gap
    plot = QRectF(
        cell.left() + left,
        cell.top() + metrics.height() / 2,  # room for the top tick's label
        cell.width() - left,
        cell.height() - below - metrics.height() / 2,
    )

    def point(t: float, p: float) -> QPointF:
        return QPointF(
            plot.left() + plot.width() * t / seconds.top,
            plot.bottom() - plot.height() * min(p, kpa.top) / kpa.top,
        )

    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    # A short plot (many trials on the page) labels every k-th tick down from the top (which
    # says the unit), so labels never overlap; every tick keeps its line.
    spacing = plot.height() / max(1, len(y_labels) - 1)
    every = max(1, math.ceil(metrics.height() / spacing)) if spacing > 0 else len(y_labels)
    last = len(y_labels) - 1
    for index, (value, text) in enumerate(zip(kpa.ticks(), y_labels, strict=True)):
        y = point(0, value).y()
        painter.setPen(QPen(GRID, unit * 0.1))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        if (last - index) % every:
            continue
        painter.setPen(GREY)
        box = QRectF(cell.left(), y - metrics.height() / 2, left - gap, metrics.height())
        painter.drawText(box, right, text)
    for value in seconds.ticks():
        x = point(value, 0).x()
        text = seconds.label(value, "s")
        width = metrics.horizontalAdvance(text)
        painter.setPen(QPen(GRID, unit * 0.1))
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
        painter.setPen(GREY)
        x_left = min(x - width / 2, plot.right() - width)  # the last one ends at the edge
        box = QRectF(x_left, plot.bottom() + gap / 2, width, metrics.height())
        painter.drawText(box, Qt.AlignmentFlag.AlignLeft, text)
    painter.setPen(QPen(GREY, unit * 0.15))
    painter.drawRect(plot)
    painter.setPen(QPen(TARGET, unit * 0.3, Qt.PenStyle.DashLine))
    start = float(trace.pressure_kpa[0]) if trace.pressure_kpa.size else 0.0  # loading began
    target_end = min(seconds.top, (kpa.top - start) / trace.target_rate_kpa_s)
    painter.drawLine(
        point(0, start), point(target_end, start + trace.target_rate_kpa_s * target_end)
    )
    if trace.t.size > 1:
        step = max(1, trace.t.size // 400)  # a few hundred points are plenty at this size
        painter.setPen(QPen(TRACE, unit * 0.35))
        points = [
            point(float(t), float(p))
            for t, p in zip(trace.t[::step], trace.pressure_kpa[::step], strict=True)
        ]
        painter.drawPolyline(points)
