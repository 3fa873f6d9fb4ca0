"""Helpers every page uses: the server state, filters and page numbers from the URL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analyzer.codebook import ALL_CODES, PRINCIPLE_CODES
from analyzer.serve.state import Filters, parse_date
from analyzer.serve.web import lang_of

if TYPE_CHECKING:  # pragma: no cover
    from starlette.requests import Request

    from analyzer.serve.state import ServerState


class BadParameter(Exception):
    """A URL parameter that cannot be used (the error page names it)."""

    def __init__(self, name: str, value: str) -> None:
        super().__init__(name)
        self.name = name
        self.value = value


class NotFound(Exception):
    """Something the URL names (a note, a passage, a client) that is not in the collection."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class NoCollection(Exception):
    """A page that needs notes or results, on a server started without them."""


def server(request: "Request") -> "ServerState":
    return request.app.state.server


def collection_of(request: "Request"):
    state = server(request)
    if not state.has_collection:
        raise NoCollection()
    return state.collection()


def text_param(request: "Request", name: str, limit: int = 300) -> str | None:
    value = request.query_params.get(name)
    if value is None or value == "":
        return None
    if len(value) > limit:
        raise BadParameter(name, value[:40] + "…")
    return value


def filters_of(request: "Request") -> Filters:
    """The report filters of the URL (``worker``, ``client``, ``from``, ``to``, ``code``, ``breach``)."""
    values = {}
    for name in ("from", "to"):
        raw = text_param(request, name, 10)
        try:
            values[name] = parse_date(raw)
        except ValueError:
            raise BadParameter(name, raw or "") from None
    code = text_param(request, "code", 3)
    if code is not None and code not in ALL_CODES:
        raise BadParameter("code", code)
    breach = request.query_params.get("breach") in ("1", "true", "on")
    if breach and code is not None and code not in PRINCIPLE_CODES:
        raise BadParameter("code", code)
    if values["from"] and values["to"] and values["from"] > values["to"]:
        raise BadParameter("from", values["from"].isoformat())
    return Filters(text_param(request, "worker"), text_param(request, "client"), values["from"], values["to"], code,
                   breach)


def page_of(request: "Request", name: str = "page") -> int:
    raw = request.query_params.get(name, "1")
    if not raw.isdigit() or not 1 <= int(raw) <= 1_000_000:
        raise BadParameter(name, raw[:20])
    return int(raw)


def paginate(items_count: int, page: int, size: int) -> dict:
    pages = max(1, -(-items_count // size))
    page = min(page, pages)
    return {"page": page, "pages": pages, "start": (page - 1) * size, "stop": min(items_count, page * size),
            "total": items_count}


__all__ = ["BadParameter", "NotFound", "NoCollection", "server", "collection_of", "filters_of", "page_of",
           "paginate", "text_param", "lang_of"]
