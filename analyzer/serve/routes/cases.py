"""One case (``/case?client=…[&worker=…]``): the engagement outcomes E1→E4 in order with the date each was first
reached, outcomes reached out of order, and the timeline of the case's notes with the codes each shows.

A case is a client seen by one worker when ``worker`` is given (the same initials with two workers are two
cases), else every note about the client."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.routing import Route

from analyzer.codebook import OUTCOME_CODES
from analyzer.serve.routes.common import NotFound, collection_of, server, text_param
from analyzer.serve.state import notes_of
from analyzer.serve.web import page

if TYPE_CHECKING:  # pragma: no cover
    from starlette.requests import Request


def outcomes_of(timeline: list[dict]) -> list[dict]:
    """E1–E4 in order: the note and date each was first reached, and whether it came before an earlier outcome
    was reached (out of order).

    >>> t = [{"note_id": "a", "date": "2026-08-01", "labels": ["E1", "E3"]}, {"note_id": "b", "date": "2026-08-09", "labels": ["E2"]}]
    >>> [(o["code"], o["note_id"], o["out_of_order"]) for o in outcomes_of(t)]
    [('E1', 'a', False), ('E2', 'b', False), ('E3', 'a', True), ('E4', None, False)]
    """
    first: dict[str, int] = {}
    for i, note in enumerate(timeline):
        for code in note["labels"]:
            if code in OUTCOME_CODES:
                first.setdefault(code, i)
    out = []
    for k, code in enumerate(OUTCOME_CODES):
        at = first.get(code)
        earlier = OUTCOME_CODES[:k]
        out_of_order = at is not None and any(first.get(e) is None or first[e] > at for e in earlier)
        out.append({"code": code, "note_id": timeline[at]["note_id"] if at is not None else None,
                    "date": timeline[at]["date"] if at is not None else None, "out_of_order": out_of_order})
    return out


def case_page(request: "Request"):
    state = server(request)
    collection = collection_of(request)
    client = text_param(request, "client")
    worker = text_param(request, "worker")
    if client is None:
        raise NotFound("serve.error.no_client")
    df = collection.df
    rows = df[df["client"] == client]
    if worker:
        rows = rows[rows["worker"] == worker]
    if rows.empty:
        raise NotFound("serve.error.unknown_case", client=client, worker=worker or "—")
    timeline = notes_of(rows)
    first_passage = {}
    body = rows[rows["kind"] == "body"]
    for note_id, group in body.groupby("note_id", sort=False):
        coded = group[(group["labels"].map(len) > 0) | (group["breaches"].map(len) > 0)]
        first_passage[note_id] = int((coded if len(coded) else group)["passage"].iloc[0])
    outcomes = outcomes_of(timeline)
    reached = [o for o in outcomes if o["note_id"]]
    workers = sorted(rows["worker"].unique().tolist())
    return page(request, "case.html.j2", client=client, worker=worker, workers=workers, timeline=timeline,
                outcomes=outcomes, complete=len(reached) == len(OUTCOME_CODES), first_passage=first_passage,
                cb=state.codebook)


ROUTES = [Route("/case", case_page)]
