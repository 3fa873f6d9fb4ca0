"""The coverage report (``/report``) with its filters in the URL, and the passages behind a count
(``/passages``): the drill-down of the HTML report, one request per level."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from starlette.responses import RedirectResponse
from starlette.routing import Route

from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES
from analyzer.serve.routes.common import NotFound, collection_of, filters_of, page_of, paginate, server
from analyzer.serve.web import page

if TYPE_CHECKING:  # pragma: no cover
    from starlette.requests import Request

HEAT_BINS = 5  # colour classes h0 (no note) … h5 (every note)


def heat(share: float) -> int:
    """The colour class of a share of notes: 0 for none, else 1–5 by fifths (the legend states the ranges)."""
    if share <= 0:
        return 0
    return min(HEAT_BINS, 1 + int(share * HEAT_BINS - 1e-9))


def home(request: "Request"):
    target = "/report" if server(request).has_collection else "/review"
    return RedirectResponse(target, status_code=303)


def report_page(request: "Request"):
    state = server(request)
    if not state.has_collection:
        return page(request, "empty.html.j2", title_key="serve.nav.report")
    filters = filters_of(request)
    clients_page = page_of(request)
    collection = collection_of(request)
    if filters.client and filters.client not in set(collection.df["client"]):
        raise NotFound("serve.error.unknown_client", client=filters.client)
    from analyzer.serve.web import lang_of

    data = state.report(filters, lang_of(request))
    clients = data["clients"]
    window = paginate(len(clients), clients_page, state.config.page_size)
    code_rows = []
    if filters.code:
        for w in data["workers"]:
            code_rows.append({"worker": w["worker"], "worker_notes": w["notes"], **w["codes"][filters.code]})
    return page(request, "report.html.j2", r=data, f=filters, params=filters.params(), heat=heat,
                clients=clients[window["start"]:window["stop"]], window=window, code_rows=code_rows,
                cb=state.codebook, workers=state.workers(), weak=set(data["model"].get("weak_codes", [])),
                f1=data["model"].get("code_f1", {}), breach_f1=data["model"].get("breach_f1", {}),
                month_bounds=_month_bounds)


def _month_bounds(month: str) -> tuple[str, str]:
    """The first and last day of ``YYYY-MM``."""
    import calendar

    year, mon = int(month[:4]), int(month[5:7])
    return f"{month}-01", f"{month}-{calendar.monthrange(year, mon)[1]:02d}"


def passages_page(request: "Request"):
    state = server(request)
    filters = filters_of(request)
    number = page_of(request)
    collection_of(request)
    rows = state.passage_rows(filters)
    window = paginate(len(rows), number, state.config.page_size)
    shown = rows.iloc[window["start"]:window["stop"]]
    items = [passage_item(r, filters.code, filters.breach) for r in shown.itertuples(index=False)]
    return page(request, "passages.html.j2", f=filters, params=filters.params(), items=items, window=window,
                cb=state.codebook, weak=set(state.model.weak_codes))


def passage_item(r, code: str | None = None, breach: bool = False) -> dict:
    """What a list shows of one passage: where it is, its codes, the evidence and the score of ``code``."""
    evidence = json.loads(r.evidence or "{}")
    score = None
    if code:
        score = getattr(r, f"breach_score_{code}" if breach else f"score_{code}")
    return {"note_id": r.note_id, "passage": int(r.passage), "worker": r.worker, "client": r.client, "date": r.date,
            "text": r.text, "labels": list(r.labels), "breaches": list(r.breaches), "evidence": evidence,
            "score": score, "confirmed": list(getattr(r, "confirmed", []) or [])}


ROUTES = [
    Route("/", home),
    Route("/report", report_page),
    Route("/passages", passages_page),
]

__all__ = ["ROUTES", "heat", "passage_item", "ALL_CODES", "PRINCIPLE_CODES"]
