"""One self-contained HTML page of a coverage report: inline SVG charts, inline CSS, no scripts, no network.
All note text is escaped by Jinja2's autoescaping."""

from __future__ import annotations

from analyzer.codebook import ALL_CODES, OUTCOME_CODES, PRINCIPLE_CODES
from analyzer.messages import text as msg


def _env():
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(loader=PackageLoader("analyzer", "render/templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       trim_blocks=True, lstrip_blocks=True)


def render_report_html(report: dict, lang: str) -> str:
    from markupsafe import Markup

    from analyzer.render.charts import heatmap_svg, trend_svg

    t = lambda key, **kw: msg(key, lang, **kw)  # noqa: E731
    return _env().get_template("report.html.j2").render(
        r=report, lang=lang, t=t, principles=PRINCIPLE_CODES, outcomes=OUTCOME_CODES, codes=ALL_CODES,
        weak=set(report["model"].get("weak_codes", [])), f1=report["model"].get("code_f1", {}),
        heatmap=Markup(heatmap_svg(report, t("report.heatmap"))),
        trend=Markup(trend_svg(report, t("report.trend_chart"))),
    )


def render_review_html(review, codebook, lang: str) -> str:
    """One self-contained page of a note review with highlighted passages (all text escaped)."""
    t = lambda key, **kw: msg(key, lang, **kw)  # noqa: E731
    return _env().get_template("review.html.j2").render(r=review, cb=codebook, lang=lang, t=t,
                                                        weak=set(review.weak_codes))
