"""Bar charts as plain geometry, drawn as inline SVG by templates/portal/charts.html.

Server-side and script-free, so they pass the gateway's Content-Security-Policy, print well, and
come with a table as their text alternative. Each bar carries its value as text, so colour is
never the only way to read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

# Drawn at its own size (the page never scales a chart up, see portal.css), 340 units fit a 375 px
# phone at about 1:1: labels stay at 14 px everywhere, smaller than the headings and still readable.
WIDTH = 340
LEFT = 8
BAR_AREA = 290  # the value label sits to the right of the longest bar
LEGEND_SPACING = 110
BAR_HEIGHT = 18
BAR_GAP = 4
LABEL_HEIGHT = 22
GROUP_GAP = 12
LEGEND_HEIGHT = 28
COLOURS = ("#1f5fa8", "#b35900", "#2e7d32", "#6a3d9a")  # each at least 4.5:1 against white
# A plan step's status always in the same colour, the portal's own: green only ever means done.
STATUS_COLOURS = {"done": "#2e7d32", "open": "#1f5fa8", "blocked": "#a61b1b"}


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    value_text: str
    text_x: float
    text_y: float


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class LegendEntry:
    x: float
    y: float
    colour: str
    name: str


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    width: int
    height: int
    bars: list[Bar]
    labels: list[Label]
    legend: list[LegendEntry]
    series: list[str]
    table: list[tuple[str, list[str]]]  # category, the value of each series as text


def _format(value: float | None) -> str:
    if value is None:
        return "–"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def chart_id(title: str) -> str:
    return "chart-" + re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def grouped_bar_chart(
    title: str,
    description: str,
    categories: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    maximum: float,
    colours: Mapping[str, str] | None = None,
) -> BarChart:
    """Horizontal bars: for each category its label, then one bar per series scaled to `maximum`.

    `colours` gives a series a colour of its own (a step's status); the others take COLOURS in turn.
    """
    names = list(series)
    colour = {name: (colours or {}).get(name, COLOURS[index % len(COLOURS)]) for index, name in enumerate(names)}
    bars: list[Bar] = []
    labels: list[Label] = []
    legend = [LegendEntry(LEFT + index * LEGEND_SPACING, 8, colour[name], name) for index, name in enumerate(names)]
    y = float(LEGEND_HEIGHT + 8)
    scale = BAR_AREA / maximum if maximum > 0 else 0
    for position, category in enumerate(categories):
        labels.append(Label(LEFT, y + 15, category))
        y += LABEL_HEIGHT
        for index, name in enumerate(names):
            value = series[name][position]
            width = max(0.0, min(float(value or 0), maximum)) * scale
            bars.append(
                Bar(LEFT, y, width, BAR_HEIGHT, colour[name], _format(value), LEFT + width + 6, y + 14)
            )
            y += BAR_HEIGHT + BAR_GAP
        y += GROUP_GAP
    table = [(category, [_format(series[name][position]) for name in names]) for position, category in enumerate(categories)]
    return BarChart(chart_id(title), title, description, WIDTH, int(y), bars, labels, legend, names, table)
