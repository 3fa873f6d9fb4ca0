"""One passage in its note (``/passage?note=…&p=…``): the note's passages around it, its codes and breaches with
their evidence, the model's score for every code, and the forms to confirm, reject or add a code."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from starlette.routing import Route

from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES
from analyzer.serve.routes.common import BadParameter, NotFound, collection_of, server, text_param
from analyzer.serve.web import lang_of, page, translator, url

if TYPE_CHECKING:  # pragma: no cover
    from starlette.requests import Request

CONTEXT = 3  # passages shown before and after the passage (the rest of the note is folded)


def passage_page(request: "Request"):
    state = server(request)
    collection = collection_of(request)
    note_id = text_param(request, "note")
    raw = request.query_params.get("p", "")
    if note_id is None:
        raise NotFound("serve.error.unknown_note", note="—")
    if not raw.isdigit() or len(raw) > 6:
        raise BadParameter("p", raw[:20])
    rows = collection.rows_of_note(note_id)
    if rows is None:
        raise NotFound("serve.error.unknown_note", note=note_id)
    index = int(raw)
    match = rows[rows["passage"] == index]
    if match.empty:
        raise NotFound("serve.error.unknown_passage", note=note_id, passage=index)
    r = match.iloc[0]
    position = list(rows["passage"]).index(index)
    context = []
    for k, c in enumerate(rows.itertuples(index=False)):
        context.append({"passage": int(c.passage), "kind": c.kind, "text": c.text, "labels": list(c.labels),
                        "breaches": list(c.breaches), "near": abs(k - position) <= CONTEXT, "current": k == position})
    scores = [{"code": c, "score": float(r[f"score_{c}"]), "applied": c in r["labels"]} for c in ALL_CODES]
    breach_scores = [{"code": c, "score": float(r[f"breach_score_{c}"]), "breached": c in r["breaches"]}
                     for c in PRINCIPLE_CODES]
    thresholds = state.model.metadata.get("thresholds", {})
    passage = {"note_id": note_id, "passage": index, "worker": r["worker"], "client": r["client"], "date": r["date"],
               "start": int(r["start"]), "end": int(r["end"]), "kind": r["kind"], "text": r["text"],
               "labels": list(r["labels"]), "breaches": list(r["breaches"]),
               "evidence": json.loads(r["evidence"] or "{}"),
               "confirmed": list(r["confirmed"]) if "confirmed" in r.index else []}
    corrections = state.corrections_of(note_id, index) if state.corrections_enabled else []
    return page(request, "passage.html.j2", p=passage, context=context, scores=scores, breach_scores=breach_scores,
                thresholds=thresholds, cb=state.codebook, weak=set(state.model.weak_codes),
                corrections=corrections, corrections_enabled=state.corrections_enabled,
                here=url("/passage", note=note_id, p=index), done=done_message(request),
                by=by_of(request))


BY_COOKIE = "analyzer_by"


def by_of(request: "Request") -> str:
    """The name the person gave on their last correction (kept in a cookie), or ''."""
    from urllib.parse import unquote

    return unquote(request.cookies.get(BY_COOKIE, ""))[:80]
DONE_KEYS = ("saved", "undone")


def done_message(request: "Request") -> str | None:
    """The notice after a form sent the browser back here (``?done=saved``)."""
    done = request.query_params.get("done")
    return translator(lang_of(request))(f"serve.done.{done}") if done in DONE_KEYS else None


ROUTES = [Route("/passage", passage_page)]
