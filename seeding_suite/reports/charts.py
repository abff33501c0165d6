"""Line charts as inline SVG, drawn here in Python.

Why not a JavaScript charting library: the smallest that draw lines (uPlot, about 50 KB
minified; Chart.js about 200 KB) would be inlined into every report, and would draw only after
the page's scripts ran. SVG from Python costs no library bytes, shows before any script runs
(also in mail clients that block scripts), and each point is an element the browser test can
compare with the data. At 500 runs a chart is a few hundred `<circle>`s: small and fast.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

WIDTH, HEIGHT, PAD = 720, 180, 34
PALETTE = ("#2563eb", "#d97706", "#059669", "#dc2626", "#7c3aed", "#0891b2", "#be185d", "#4b5563")


def _number(value: float) -> str:
    return f"{value:.4g}"


def line_chart(
    chart_id: str,
    title: str,
    series: Mapping[str, Sequence[tuple[str, float]]],
    order: Sequence[str],
    unit: str = "",
    x_name: str = "run",
) -> Markup:
    """One line per series over `order` (run ids, or days, oldest first); every point is a
    `<circle data-series data-{x_name} data-value>` with a `<title>` tooltip."""
    position = {run_id: index for index, run_id in enumerate(order)}
    values = [v for points in series.values() for _, v in points]
    top = max(values, default=0.0) or 1.0
    span = max(len(order) - 1, 1)
    plot_w, plot_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD

    def xy(run_id: str, value: float) -> tuple[float, float]:
        return (
            round(PAD + plot_w * position[run_id] / span, 1),
            round(PAD + plot_h * (1 - value / top), 1),
        )

    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        'class="axis"/>',
        f'<text x="2" y="{PAD}" class="tick">{_number(top)}{escape(unit)}</text>',
        f'<text x="2" y="{HEIGHT - PAD}" class="tick">0</text>',
    ]
    for index, (name, points) in enumerate(series.items()):
        colour = PALETTE[index % len(PALETTE)]
        coords = [xy(run_id, value) for run_id, value in points]
        path = " ".join(f"{x},{y}" for x, y in coords)
        parts.append(
            f'<g class="series" data-series="{escape(name)}" style="--c:{colour}">'
            f'<polyline points="{path}"/>'
        )
        parts += [
            f'<circle cx="{x}" cy="{y}" r="2.5" data-{x_name}="{escape(run_id)}" '
            f'data-value="{_number(value)}"><title>{escape(name)} {escape(run_id)}: '
            f"{_number(value)}{escape(unit)}</title></circle>"
            for (run_id, value), (x, y) in zip(points, coords, strict=True)
        ]
        parts.append("</g>")
    legend = "".join(
        f'<span class="key" style="--c:{PALETTE[i % len(PALETTE)]}">{escape(name)}</span>'
        for i, name in enumerate(series)
    )
    parts.append("</svg>")
    return Markup(
        f"<figure><figcaption>{escape(title)} {legend}</figcaption>{''.join(parts)}</figure>"
    )
