"""``analyzer serve``: a local web page over the same library functions as the command line.

For one person or a small team on one machine or a local network, not for the internet. Starlette + uvicorn,
pages rendered on the server from Jinja2 templates (``serve/templates``, autoescaping on), one vendored
stylesheet (``serve/static``), no script and no request to any other site.

- ``app.py``: :func:`create_app`, the application factory (inputs, model, corrections, options);
- ``state.py``: what the server holds (model and codebook loaded once, the collection, cached aggregates);
- ``security.py``: headers (CSP), host check, token, body limit, CSRF;
- ``web.py``: templates, language (``?lang=en`` or a cookie), error pages;
- ``routes/``: one module per page;
- ``run.py``: binding the socket and running uvicorn (the command is in ``cli/serve.py``).
"""

from __future__ import annotations

from analyzer.errors import AnalyzerError


class ServeError(AnalyzerError):
    """The server cannot start (address in use, address not of this machine)."""


def create_app(*args, **kwargs):
    """See :func:`analyzer.serve.app.create_app` (imported lazily: Starlette loads only when serving)."""
    from analyzer.serve.app import create_app as _create_app

    return _create_app(*args, **kwargs)


__all__ = ["ServeError", "create_app"]
