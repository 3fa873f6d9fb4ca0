"""Rendering: the template environment (autoescaping on), the page language, URLs and the error pages.

The language is Indonesian unless ``?lang=en`` (or ``?lang=id``) was given, which is then kept in a cookie.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

from starlette.responses import HTMLResponse

from analyzer.codebook import ALL_CODES, OUTCOME_CODES, PRINCIPLE_CODES
from analyzer.messages import LANGS
from analyzer.messages import text as msg

if TYPE_CHECKING:  # pragma: no cover
    from starlette.requests import Request
    from starlette.types import Scope

LANG_COOKIE = "analyzer_lang"


@lru_cache(maxsize=1)
def environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(loader=PackageLoader("analyzer", "serve/templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined)
    env.globals.update(principles=PRINCIPLE_CODES, outcomes=OUTCOME_CODES, codes=ALL_CODES, url=url,
                       percent=percent)
    return env


def url(path: str, params: dict | None = None, **more) -> str:
    """``path`` with the non-empty ``params`` (and ``more``) as its query string."""
    values = {**(params or {}), **more}
    query = urlencode([(k, v) for k, v in values.items() if v not in (None, "")])
    return f"{path}?{query}" if query else path


def percent(value: float | None, lang: str) -> str:
    """A share as a whole per cent in the language's notation."""
    if value is None:
        return "—"
    return f"{value * 100:.0f}%" if lang == "en" else f"{value * 100:.0f}%".replace(".", ",")


def lang_of_scope(scope: "Scope") -> tuple[str, bool]:
    """(language, whether it was chosen in this request's URL)."""
    query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
    if query.get("lang") in LANGS:
        return query["lang"], True
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _, val = part.strip().partition("=")
                if key == LANG_COOKIE and val in LANGS:
                    return val, False
    return "id", False


def lang_of(request: "Request") -> str:
    return lang_of_scope(request.scope)[0]


def translator(lang: str):
    return lambda key, **kw: msg(key, lang, **kw)


NAV = (("report", "/report"), ("review", "/review"), ("corrections", "/corrections"), ("export", "/export"),
       ("model", "/model"), ("codebook", "/codebook"))


def page(request: "Request", template: str, status: int = 200, **context) -> HTMLResponse:
    """A full page from ``template`` in the request's language (with the CSRF token, navigation and language
    switch)."""
    lang, chosen = lang_of_scope(request.scope)
    html = render(request.scope, template, lang, **context)
    response = HTMLResponse(html, status_code=status)
    if chosen:
        response.set_cookie(LANG_COOKIE, lang, path="/", httponly=True, samesite="strict")
    return response


def render(scope: "Scope", template: str, lang: str, **context) -> str:
    state = scope.get("state", {})
    query = [(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1")) if k != "lang"]
    path = scope.get("path", "/")
    other = "en" if lang == "id" else "id"
    switch = f"{path}?{urlencode(query + [('lang', other)])}"
    return environment().get_template(template).render(
        lang=lang, t=translator(lang), csrf=state.get("csrf", ""), nav=NAV, current=path, switch_lang=switch,
        other_lang=other, redacted=state.get("redact", "all") != "none", **context)


def error_response(scope: "Scope", status: int, key: str, **params) -> HTMLResponse:
    """The error page: what went wrong and what to do, in the page's language; never a traceback."""
    lang, _ = lang_of_scope(scope)
    t = translator(lang)
    title = t(f"serve.status.{status}") if status in STATUS_KEYS else t("serve.status.500")
    try:
        detail = msg(key, lang, **params)
    except (KeyError, IndexError):
        detail = t("serve.error.internal")
    html = render(scope, "error.html.j2", lang, status=status, title=title, detail=detail)
    return HTMLResponse(html, status_code=status)


STATUS_KEYS = (400, 401, 403, 404, 405, 413, 500)
