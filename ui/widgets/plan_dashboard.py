"""The plan dashboard: each target against its progress as a horizontal bar (QtCharts).

Bars show the percent of the target reached (capped at 120 % so one big number does
not squash the rest). Achieved targets are green, targets on track blue, lagging ones
red; a target that cannot be measured yet shows no bar and says so in its label.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QCursor, QFont, QPainter
from PySide6.QtWidgets import QToolTip, QVBoxLayout, QWidget

from giamngheo_desktop.services.plan import METRICS, TargetProgress

CAP = 120.0
COLORS = {"achieved": "#2E7D32", "on_track": "#1565C0", "lagging": "#C62828"}
LABELS = {"achieved": "Đạt", "on_track": "Đúng tiến độ", "lagging": "Chậm"}


def state_of(target: TargetProgress) -> str:
    if target.target is None:
        return "unset"
    if target.achieved:
        return "achieved"
    return "lagging" if target.lagging else "on_track"


LABEL_LIMIT = 24  # characters: a category label this long is drawn whole at 1366×768 (QtCharts elides longer ones)


def _short(label: str, limit: int = LABEL_LIMIT) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def category_label(target: TargetProgress, number: int) -> str:
    """``3. Giảm số hộ nghèo``: the row number of the table beside the chart and the metric's short
    name, short enough to be drawn whole; the figures are in the table and in :func:`tooltip`."""
    metric = METRICS.get(target.code)
    return _short(f"{number}. {metric.label if metric else target.label}")


def tooltip(target: TargetProgress, number: int) -> str:
    """The full text of a target: its label, value against target, percent reached and state."""
    head = f"{number}. {target.label}"
    if target.target is None:
        return f"{head}\nChưa đặt chỉ tiêu" + (f" (mẫu: {_number(target.hint)} {target.unit})" if target.hint else "")
    if target.value is None:
        return f"{head}\nChưa đo được: {target.detail}" if target.detail else f"{head}\nChưa đo được"
    value = f"{target.value:.0f}" if target.kind == "coverage_pct" else _number(round(target.value, 2))
    reached = f" — đạt {target.progress:.0f} %".replace(".", ",") if target.progress is not None else ""
    return f"{head}\n{value}/{_number(target.target)} {target.unit}{reached} — {LABELS[state_of(target)]}"


class PlanDashboard(QWidget):
    """A chart of a plan's targets; call :meth:`set_targets` with ``plan.progress(...).targets``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = QChart()
        self.chart.setTitle("Tiến độ thực hiện chỉ tiêu (% so với chỉ tiêu)")
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.view = QChartView(self.chart)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.categories: list[str] = []
        self.tooltips: list[str] = []  # the full text of each category (hovering its bar shows it)
        self.states: list[str] = []
        self.bar_sets: dict[str, QBarSet] = {}

    def set_targets(self, targets: Sequence[TargetProgress]) -> None:
        chart = self.chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        # QtCharts draws the first category at the bottom: reverse so the plan reads top-down
        numbered = list(enumerate(targets, start=1))
        ordered = [t for _n, t in reversed(numbered)]
        self.categories = [category_label(t, n) for n, t in reversed(numbered)]
        self.tooltips = [tooltip(t, n) for n, t in reversed(numbered)]
        self.states = [state_of(t) for t in ordered]
        series = QHorizontalStackedBarSeries()
        series.hovered.connect(self._hovered)
        self.bar_sets = {}
        for state, color in COLORS.items():
            bar_set = QBarSet(LABELS[state])
            bar_set.setColor(QColor(color))
            bar_set.setBorderColor(QColor(color))
            for t in ordered:
                progress = min(t.progress or 0.0, CAP) if t.value is not None and t.target is not None else 0.0
                bar_set.append(progress if state_of(t) == state else 0.0)
            series.append(bar_set)
            self.bar_sets[state] = bar_set
        series.setBarWidth(0.7)
        chart.addSeries(series)
        y_axis = QBarCategoryAxis()
        y_axis.append(self.categories)
        font = QFont(y_axis.labelsFont())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        y_axis.setLabelsFont(font)
        # QtCharts cuts a label to "…" when its line is a pixel taller than the row's share of the
        # height (14 rows in the ~470 px of a 1366×768 screen): every label then read "…"
        y_axis.setTruncateLabels(False)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(y_axis)
        x_axis = QValueAxis()
        x_axis.setRange(0, CAP)
        x_axis.setTickCount(4)  # 0, 40, 80, 120 %: apart even in the 420 px the chart has at 1366×768
        x_axis.setLabelFormat("%d %%")
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(x_axis)

    def _hovered(self, status: bool, index: int, _bar_set: QBarSet) -> None:
        if status and 0 <= index < len(self.tooltips):
            QToolTip.showText(QCursor.pos(), self.tooltips[index], self.view)
        else:
            QToolTip.hideText()
