"""Offline SVG charts for the HTML reports (matplotlib, Agg, no network, no external fonts)."""

from __future__ import annotations

import io
import re

from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES


def _svg(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype: the SVG is inlined in HTML
    return re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)  # RDF block with external namespaces


def _setup():
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "analyzer", "font.size": 8})
    import matplotlib.pyplot as plt

    return plt


def heatmap_svg(report: dict, title: str) -> str:
    """Workers × codes heat map of the share of each worker's notes with evidence for the code."""
    import numpy as np

    plt = _setup()
    workers = [w["worker"] for w in report["workers"]]
    data = np.array([[w["codes"][c]["note_share"] for c in ALL_CODES] for w in report["workers"]] or [[0] * 20])
    fig, ax = plt.subplots(figsize=(9, 0.45 * max(len(workers), 1) + 1.4))
    im = ax.imshow(data, cmap="Greens", vmin=0, vmax=1, aspect="auto")
    weak = set(report["model"].get("weak_codes", []))
    ax.set_xticks(range(len(ALL_CODES)), [c + ("*" if c in weak else "") for c in ALL_CODES], rotation=90)
    ax.set_yticks(range(len(workers)), workers)
    for i in range(len(workers)):
        for j in range(len(ALL_CODES)):
            ax.text(j, i, f"{data[i, j] * 100:.0f}", ha="center", va="center", fontsize=6,
                    color="white" if data[i, j] > 0.6 else "black")
    ax.set_title(title)
    fig.colorbar(im, ax=ax, fraction=0.02, pad=0.01)
    return _svg(fig)


def trend_svg(report: dict, title: str) -> str:
    """Principle coverage by month, one line per worker."""
    plt = _setup()
    months = [m["month"] for m in report["months"] if m["month"]]
    fig, ax = plt.subplots(figsize=(7, 3))
    for w in report["workers"]:
        ys = [next((m["by_worker"].get(w["worker"], {}).get("principle_coverage") for m in report["months"]
                    if m["month"] == month), None) for month in months]
        xs = [i for i, y in enumerate(ys) if y is not None]
        ax.plot(xs, [ys[i] * len(PRINCIPLE_CODES) for i in xs], marker="o", label=w["worker"])
    ax.set_xticks(range(len(months)), months)
    ax.set_ylim(0, len(PRINCIPLE_CODES))
    ax.set_ylabel("/16")
    ax.set_title(title)
    ax.legend(fontsize=6, loc="center left", bbox_to_anchor=(1, 0.5))
    return _svg(fig)
