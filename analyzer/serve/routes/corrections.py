"""Corrections (``/corrections``): every correction with its status in these results (applied, at new offsets,
stale, about a note not in the results, undone), a form to confirm, reject or add a code on any passage, and undo.

A correction is checked and written as ``analyzer correct`` does it (``analysis.corrections.make_correction``,
``io.corrections.append``/``undo``), into the corrections file the server was started with (``--corrections``, or
``corrections.jsonl`` beside the inputs). The next page shows the figures with it applied.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import RedirectResponse
from starlette.routing import Route

from analyzer.codebook import ALL_CODES
from analyzer.serve.routes.common import BadParameter, NoCollection, server
from analyzer.serve.routes.passages import BY_COOKIE, by_of
from analyzer.serve.security import checked_form, safe_next
from analyzer.serve.web import page, url

if TYPE_CHECKING:  # pragma: no cover
    from starlette.requests import Request

ACTIONS = ("confirm", "reject", "add")


def corrections_page(request: "Request"):
    state = server(request)
    if not state.corrections_enabled:
        raise NoCollection()
    rows = state.correction_list()
    stale = [r for r in rows if r["status"].startswith("stale")]
    undone = {r["target"] for r in rows if r["action"] == "undo"}
    for r in rows:
        r["undoable"] = r["action"] != "undo" and r["id"] not in undone
    summary = state.collection().analysis.corrections
    done = request.query_params.get("done")
    return page(request, "corrections.html.j2", rows=list(reversed(rows)), stale=stale, summary=summary,
                path=str(state.corrections_path), cb=state.codebook, done=done if done in ("saved", "undone") else None,
                by=by_of(request))


async def _correction_form(request: "Request"):
    """(server state, the posted form) of a request that changes the corrections file."""
    state = server(request)
    if not state.corrections_enabled:
        raise NoCollection()
    return state, await checked_form(request, 100_000)


async def add_correction(request: "Request"):
    from starlette.concurrency import run_in_threadpool

    state, form = await _correction_form(request)
    note_id = _field(form, "note", 300)
    raw = _field(form, "p", 7)
    action = _field(form, "action", 10)
    code = _field(form, "code", 3).upper()
    if not raw.isdigit():
        raise BadParameter("p", raw)
    if action not in ACTIONS:
        raise BadParameter("action", action)
    if code not in ALL_CODES:
        raise BadParameter("code", code)
    breach = form.get("breach") in ("1", "on", "true")
    by = (_field(form, "by", 80, required=False) or "").strip() or None
    await run_in_threadpool(state.add_correction, note_id, int(raw), action, code, breach, by)
    target = safe_next(form.get("next"), url("/passage", note=note_id, p=int(raw)))
    return _back(target, "saved", by)


async def undo_correction(request: "Request"):
    from starlette.concurrency import run_in_threadpool

    state, form = await _correction_form(request)
    correction_id = _field(form, "id", 40)
    by = by_of(request) or None
    await run_in_threadpool(state.undo_correction, correction_id, by)
    return _back(safe_next(form.get("next"), "/corrections"), "undone", None)


def _field(form, name: str, limit: int, required: bool = True) -> str:
    value = form.get(name)
    if value is None or not isinstance(value, str) or (required and not value.strip()):
        if not required:
            return ""
        raise BadParameter(name, "")
    if len(value) > limit:
        raise BadParameter(name, value[:40] + "…")
    return value


def _back(target: str, done: str, by: str | None) -> RedirectResponse:
    """Back to the page the form was on (303, so a reload does not send the form again), with a notice."""
    path, _, query = target.partition("?")
    query = "&".join(p for p in query.split("&") if p and not p.startswith("done="))
    response = RedirectResponse(f"{path}?{query + '&' if query else ''}done={done}", status_code=303)
    if by:
        from urllib.parse import quote

        response.set_cookie(BY_COOKIE, quote(by), path="/", httponly=True, samesite="strict", max_age=365 * 24 * 3600)
    return response


ROUTES = [
    Route("/corrections", corrections_page),
    Route("/corrections", add_correction, methods=["POST"]),
    Route("/corrections/undo", undo_correction, methods=["POST"]),
]
