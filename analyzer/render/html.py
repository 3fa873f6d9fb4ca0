"""One self-contained HTML page of a coverage report: inline CSS and SVG, no scripts, no network, all note text
escaped by Jinja2's autoescaping.

Drill-down works with anchors and ``<details>``: every count links to the passages behind it (``#p12``), every
worker (``#w3``), code (``#code-P10``) and case (``#c4``) has its own section, and gaps link to the codebook's
definition and reflection prompt. Ids are numbered in report order, so the page is deterministic.
"""

from __future__ import annotations

from analyzer.codebook import ALL_CODES, OUTCOME_CODES, PRINCIPLE_CODES
from analyzer.messages import text as msg
from analyzer.render import formats

# Heat-map bins on the percentage shown in the cell (share of a worker's notes with evidence for a code); the
# legend lists exactly these bins.
HEAT_BINS = ((1, "h1"), (25, "h2"), (50, "h3"), (75, "h4"))


def heat_percent(share: float) -> int:
    """The whole percentage a heat-map cell shows (half up, so the cell and its colour agree; any evidence shows
    at least 1%).

    >>> heat_percent(0.245), heat_percent(0.2449), heat_percent(1.0), heat_percent(0.003), heat_percent(0)
    (25, 24, 100, 1, 0)
    """
    return max(1, int(share * 100 + 0.5)) if share > 0 else 0


def heat_class(percent: int) -> str:
    """The colour class of a heat-map cell showing ``percent``.

    >>> heat_class(0), heat_class(1), heat_class(24), heat_class(25), heat_class(74), heat_class(75)
    ('h0', 'h1', 'h1', 'h2', 'h3', 'h4')
    """
    name = "h0"
    for lower, cls in HEAT_BINS:
        if percent >= lower:
            name = cls
    return name


PAGE_PASSAGES = 20_000  # coded passages one page lists at most; beyond, the strongest per worker and code
PAGE_CASES = 5_000  # case sections one page shows at most; beyond, those worth a look first
EXCERPT_BUDGET = 900_000  # characters of excerpts in one page: keeps the page of 200 workers under 5 MB
MIN_EXCERPT = 60
LARGE_PAGE = 5000  # coded passages beyond which an applied code shows its one strongest evidence word


def excerpt_chars(passages: int) -> int:
    """How long an excerpt may be in a page listing ``passages`` passages: the report's full excerpt up to a few
    thousand passages, shorter (never under 60 characters) beyond.

    >>> excerpt_chars(545), excerpt_chars(13_600), excerpt_chars(1_000_000)
    (320, 66, 60)
    """
    from analyzer.report.coverage import EXCERPT_CHARS

    return max(MIN_EXCERPT, min(EXCERPT_CHARS, EXCERPT_BUDGET // max(passages, 1)))


def _env():
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(loader=PackageLoader("analyzer", "render/templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       trim_blocks=True, lstrip_blocks=True)


def _filters(env, lang: str) -> None:
    env.filters["n"] = lambda v: formats.number(v, lang)
    env.filters["pct"] = lambda v, digits=0: formats.percent(v, lang, digits)
    env.filters["dec"] = lambda v, digits=2: formats.decimal(v if isinstance(v, (int, float)) else None, lang, digits)
    env.filters["date"] = lambda v, form="medium": formats.date(v, lang, form)
    env.filters["month"] = lambda v, short=False: formats.month(v, lang, short)


def _trend_charts(report: dict, lang: str) -> dict:
    """Per code: share of notes with evidence by month (and breach passages by month for principles);
    overall: breach passages and principle coverage by month."""
    from markupsafe import Markup

    from analyzer.render.charts import bar_chart

    months = [m for m in report["months"] if m["month"]]
    labels = [formats.month(m["month"], lang, short=True) for m in months]
    charts: dict[str, Markup] = {}
    for code in ALL_CODES:
        shares = [m["codes"][code]["notes"] / m["notes"] if m["notes"] else None for m in months]
        charts[code] = Markup(bar_chart(shares, labels, [formats.percent(s, lang) if s is not None else "—"
                                                           for s in shares],
                                        msg("report.trend_code", lang, code=code), css_class="bars applied"))
        if code in PRINCIPLE_CODES:
            counts = [m["codes"][code]["breached"] for m in months]
            top = max(counts, default=0)
            charts["breach:" + code] = Markup(bar_chart(
                counts, labels, [formats.number(c, lang) for c in counts],
                msg("report.trend_code_breach", lang, code=code), max_value=top or 1, css_class="bars breach"))
    counts = [m["breach_passages"] for m in months]
    charts["breaches"] = Markup(bar_chart(counts, labels, [formats.number(c, lang) for c in counts],
                                          msg("report.trend_breaches", lang), max_value=max(counts, default=0) or 1,
                                          css_class="bars breach"))
    coverage = [m["principle_coverage"] for m in months]
    charts["coverage"] = Markup(bar_chart(coverage, labels, [formats.percent(c, lang) for c in coverage],
                                          msg("report.trend_chart", lang), css_class="bars applied"))
    return charts


def listed_refs(passages: list[dict], budget: int | None = None) -> tuple[set[str] | None, int]:
    """Which coded passages a page lists when there are more than ``budget``: for every worker and code (and
    every worker and breached principle) its ``k`` strongest passages, ``k`` as large as the budget allows
    (at least 1). Returns (the references listed, ``k``), or (None, 0) when every passage fits.

    A passage's *rank* is its best place in any of its (worker, code) lists (by score, strongest first); the
    passages listed for ``k`` are exactly those ranked below ``k``.

    >>> ps = [{"ref": f"p{i}", "worker": "A", "labels": ["P01"], "breaches": [], "scores": {"P01": i / 10}}
    ...       for i in range(5)] + [{"ref": "p9", "worker": "B", "labels": ["P02"], "breaches": [],
    ...                              "scores": {"P02": 0.5}}]
    >>> refs, k = listed_refs(ps, 3); sorted(refs), k
    (['p3', 'p4', 'p9'], 2)
    >>> listed_refs(ps, 6)
    (None, 0)
    """
    budget = PAGE_PASSAGES if budget is None else budget
    if len(passages) <= budget:
        return None, 0
    groups: dict[tuple[str, str], list[tuple[float, int]]] = {}
    for i, p in enumerate(passages):
        for c in p["labels"]:
            groups.setdefault((p["worker"], c), []).append((-p["scores"].get(c, 0.0), i))
        for c in p["breaches"]:
            groups.setdefault((p["worker"], "!" + c), []).append((-p["scores"].get("breach:" + c, 0.0), i))
    rank = [len(passages)] * len(passages)
    for members in groups.values():
        members.sort()  # strongest first; ties in report order
        for place, (_, i) in enumerate(members):
            if place < rank[i]:
                rank[i] = place
    ordered = sorted(rank)
    k = max(1, ordered[budget])  # the budget-th smallest rank: every passage ranked below it fits
    return {p["ref"] for p, r in zip(passages, rank) if r < k}, k


def shown_cases(cases: list[dict], listed: set[str], budget: int | None = None) -> list[dict]:
    """The cases a page shows: all of them up to ``budget``; beyond, the ``budget`` cases worth a look first (an
    outcome out of order, then the cases of the notes listed, then more breaches and more notes), in report
    order."""
    budget = PAGE_CASES if budget is None else budget
    if len(cases) <= budget:
        return cases

    def priority(item):
        i, c = item
        return (not c["out_of_order"], c["case"] not in listed, -(c["breach_passages"] or 0), -c["notes"], i)

    keep = {i for i, _ in sorted(enumerate(cases), key=priority)[:budget]}
    return [c for i, c in enumerate(cases) if i in keep]


def report_view(report: dict, lang: str) -> dict:
    """What the template needs beside the report: anchors of workers, cases and notes, each worker's listed
    passages grouped by note, what a large page leaves out, and the charts."""
    listed, per_code = listed_refs(report["passages"])
    passages = report["passages"] if listed is None else [p for p in report["passages"] if p["ref"] in listed]
    worker_ids = {w["worker"]: f"w{i + 1}" for i, w in enumerate(report["workers"])}
    note_ids: dict[str, str] = {}
    by_worker: dict[str, list[dict]] = {}
    for p in passages:
        notes = by_worker.setdefault(p["worker"], [])
        if p["note_id"] not in note_ids:
            note_ids[p["note_id"]] = f"n{len(note_ids) + 1}"
            notes.append({"id": note_ids[p["note_id"]], "note_id": p["note_id"], "date": p["date"],
                          "client": p["client"], "case": p["case"], "passages": []})
        note = notes[-1]
        classes = p["labels"] + ["b" + c for c in p["breaches"]] + (["hb"] if p["breaches"] else [])
        note["passages"].append(dict(p, classes=" ".join(classes)))
    cases = shown_cases(report["clients"], {p["case"] for p in passages})
    case_ids = {c["case"]: f"c{i + 1}" for i, c in enumerate(report["clients"])}
    case_ids = {c["case"]: case_ids[c["case"]] for c in cases}
    coded: dict[str, int] = {}
    for p in report["passages"]:
        coded[p["worker"]] = coded.get(p["worker"], 0) + 1
    breaches = {w["worker"]: [b for b in w["breaches"] if listed is None or b["ref"] in listed]
                for w in report["workers"]}
    return {
        "worker_ids": worker_ids, "case_ids": case_ids, "note_ids": note_ids, "notes_by_worker": by_worker,
        "names": {c["code"]: c["name"] for c in report["codes"]},
        "code_info": {c["code"]: c for c in report["codes"]},
        "charts": _trend_charts(report, lang),
        "heat": heat_class, "heat_percent": heat_percent, "heat_bins": HEAT_BINS,
        "excerpt_chars": excerpt_chars(len(passages)),
        "evidence_terms": 2 if len(passages) <= LARGE_PAGE else 1,
        "passage_counts": {w: sum(len(n["passages"]) for n in notes) for w, notes in by_worker.items()},
        "coded_counts": coded, "per_code": per_code, "breaches": breaches,
        "cases": cases,
        "complete_cases": sum(1 for c in report["clients"] if c["engagement_complete"]),
        "breach_count": sum(len(w["breaches"]) for w in report["workers"]),
        "breach_shown": sum(len(b) for b in breaches.values()),
    }


def render_report_html(report: dict, lang: str) -> str:
    from analyzer.bulk import REPORT_COLLECT_AFTER, fewer_collections

    env = _env()
    _filters(env, lang)
    t = lambda key, **kw: msg(key, lang, **kw)  # noqa: E731
    with fewer_collections(REPORT_COLLECT_AFTER):
        return env.get_template("report.html.j2").render(
            r=report, lang=lang, t=t, principles=PRINCIPLE_CODES, outcomes=OUTCOME_CODES, codes=ALL_CODES,
            weak=set(report["model"].get("weak_codes", [])), f1=report["model"].get("code_f1", {}),
            v=report_view(report, lang),
        )


def render_review_html(review, codebook, lang: str) -> str:
    """One self-contained page of a note review with highlighted passages (all text escaped)."""
    env = _env()
    _filters(env, lang)
    t = lambda key, **kw: msg(key, lang, **kw)  # noqa: E731
    return env.get_template("review.html.j2").render(r=review, cb=codebook, lang=lang, t=t,
                                                     weak=set(review.weak_codes))
