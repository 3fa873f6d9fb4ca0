"""The application factory: :func:`create_app` builds the Starlette application of ``analyzer serve`` from the
collection (notes or a results file), the model, the corrections file and the options.

>>> from starlette.testclient import TestClient
>>> client = TestClient(create_app(), base_url="http://127.0.0.1")
>>> response = client.get("/model?lang=en")
>>> response.status_code, response.headers["content-security-policy"].split(";")[0]
(200, "default-src 'none'")
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Mapping, Sequence

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Route

from analyzer.errors import AnalyzerError
from analyzer.serve.routes import all_routes
from analyzer.serve.routes.common import BadParameter, NoCollection, NotFound
from analyzer.serve.security import Guard
from analyzer.serve.state import ServeConfig, ServerState
from analyzer.serve.web import error_response

STATIC = Path(__file__).resolve().parent / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".png": "image/png"}


def _static_files() -> dict[str, tuple[bytes, str]]:
    """The vendored files the pages use, read once: a request can only name one of these."""
    return {p.name: (p.read_bytes(), STATIC_TYPES[p.suffix]) for p in sorted(STATIC.iterdir())
            if p.suffix in STATIC_TYPES}


def create_app(inputs: Sequence[str | Path] = (), model_dir: str | Path | None = None,
               corrections: str | Path | None = None, *, redact: str = "all", token: str | None = None,
               columns: Mapping[str, str] | None = None, codebook: str | Path | None = None,
               allowed_hosts: Sequence[str] | None = None,
               progress: Callable[[int, int | None], None] | None = None, warm: bool = False,
               **limits) -> Starlette:
    """The web application over ``inputs`` (notes or one results file; none: review and model pages only).

    The model, the codebook and the collection are loaded here, once. ``redact`` is ``"all"`` (default) or
    ``"none"``; ``token``, when given, is required on every request; ``allowed_hosts`` are the host names the
    server answers to (default: the loopback names; ``"*"`` for any, only with a token); ``limits`` override
    ``ServeConfig``'s upload and page limits. ``warm`` aggregates the unfiltered report in the background.
    """
    if redact not in ("all", "ids", "none"):
        raise ValueError(f"unknown redaction mode {redact!r}")
    config = ServeConfig(
        inputs=tuple(Path(p) for p in inputs), model_dir=Path(model_dir) if model_dir else None,
        corrections=Path(corrections) if corrections else None, redact=redact, token=token,
        columns=dict(columns) if columns else None, codebook_path=Path(codebook) if codebook else None,
        **({"allowed_hosts": tuple(allowed_hosts)} if allowed_hosts is not None else {}), **limits)
    state = ServerState(config, progress)
    if warm:
        state.warm()
    static = _static_files()

    def static_file(request):
        found = static.get(request.path_params["name"])
        if found is None:
            raise HTTPException(404)
        return Response(found[0], media_type=found[1], headers={"cache-control": "max-age=3600"})

    app = Starlette(routes=[*all_routes(), Route("/static/{name}", static_file)],
                    exception_handlers={HTTPException: _http_error, AnalyzerError: _analyzer_error,
                                        BadParameter: _bad_parameter, NotFound: _not_found,
                                        NoCollection: _no_collection})
    app.state.server = state
    app.add_middleware(Guard, allowed_hosts=config.allowed_hosts, token=token,
                       max_body=config.max_upload_bytes + 100_000, on_error=_guard_error, redact=redact)
    return app


def _guard_error(scope, status: int, key: str):
    return error_response(scope, status, key)


HTTP_KEYS = {400: "serve.error.bad_request", 403: "serve.error.csrf", 404: "serve.error.not_found",
             405: "serve.error.method", 413: "serve.error.too_large"}


async def _http_error(request, exc: HTTPException):
    return error_response(request.scope, exc.status_code, HTTP_KEYS.get(exc.status_code, "serve.error.internal"))


async def _analyzer_error(request, exc: AnalyzerError):
    from analyzer.serve.web import lang_of

    response = error_response(request.scope, 400, "serve.error.input", detail=exc.render(lang_of(request)))
    return response


async def _bad_parameter(request, exc: BadParameter):
    return error_response(request.scope, 400, "serve.error.bad_parameter", name=exc.name, value=exc.value)


async def _not_found(request, exc: NotFound):
    return error_response(request.scope, 404, exc.key, **exc.params)


async def _no_collection(request, exc: NoCollection):
    return error_response(request.scope, 404, "serve.error.no_collection")


__all__ = ["create_app", "ServeConfig", "ServerState"]
