"""The pages, one module each: ``report`` (coverage report and the passages behind a count), ``cases`` (a case
and its timeline), ``passages`` (one passage in its note), ``review`` (review a pasted or uploaded note),
``corrections``, ``export`` and ``model`` (model card, reliability per code, codebook)."""

from __future__ import annotations

from starlette.routing import Route

from analyzer.serve.routes import cases, corrections, export, model, passages, report, review


def all_routes() -> list[Route]:
    return [*report.ROUTES, *cases.ROUTES, *passages.ROUTES, *review.ROUTES, *corrections.ROUTES, *export.ROUTES,
            *model.ROUTES]
