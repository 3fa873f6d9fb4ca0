"""Small inline SVG charts for the HTML reports: hand-written markup, no chart library, no fonts or scripts.

Each chart is a few dozen elements, labelled with its values (so it reads without colour and prints in black and
white) and carrying a ``<title>`` for screen readers.

>>> svg = bar_chart([0.5, None, 1.0], ["Agu", "Sep", "Okt"], ["50%", "—", "100%"], "P10")
>>> svg.count("<rect"), "<title>P10</title>" in svg
(2, True)
"""

from __future__ import annotations

from markupsafe import escape

BAR_WIDTH = 26
GAP = 8
HEIGHT = 44  # bar area
FONT = 11


def bar_chart(values: list[float | None], labels: list[str], value_labels: list[str], title: str,
              max_value: float = 1.0, css_class: str = "bars") -> str:
    """One bar per month (``None``: no notes that month, no bar), its value above and its label below."""
    width = max(len(values), 1) * (BAR_WIDTH + GAP) + GAP
    height = HEIGHT + 2 * FONT + 10
    scale = max_value or 1.0
    parts = [f'<svg class="{css_class}" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
             f'<line x1="0" y1="{FONT + 4 + HEIGHT}" x2="{width}" y2="{FONT + 4 + HEIGHT}" class="axis"/>']
    for i, (value, label, shown) in enumerate(zip(values, labels, value_labels)):
        x = GAP + i * (BAR_WIDTH + GAP)
        mid = x + BAR_WIDTH / 2
        base = FONT + 4 + HEIGHT
        if value is not None:
            h = round(HEIGHT * min(value / scale, 1.0), 1)
            if h > 0:
                parts.append(f'<rect x="{x}" y="{base - h}" width="{BAR_WIDTH}" height="{h}"/>')
            parts.append(f'<text x="{mid}" y="{base - h - 3}" text-anchor="middle">{escape(shown)}</text>')
        parts.append(f'<text x="{mid}" y="{base + FONT + 3}" text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
