"""The server's protections, as plain ASGI middleware and two helpers for forms.

- **Headers** on every response: a strict Content-Security-Policy (no script, styles and images only from this
  server, forms only to it, never framed), ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer``
  and ``Cache-Control: no-store`` (pages show note text; nothing is kept in a shared cache).
- **Host check**: only the names the server was started for are answered (a web page elsewhere cannot reach it
  by pointing a domain name at 127.0.0.1).
- **Token**: with ``--token`` every request must carry it, once as ``?token=…`` (then kept in a cookie) or as
  ``Authorization: Bearer …``.
- **Body size**: a request body larger than the upload limit is refused (413) while it is read, whatever its
  ``Content-Length`` says.
- **CSRF**: double-submit. Every response sets a random ``analyzer_csrf`` cookie if the request had none
  (``SameSite=Strict``, ``HttpOnly``); every form carries the same value in a hidden field; a POST whose field
  does not match its cookie is refused (403). A page elsewhere can neither read the cookie nor set it.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException

if TYPE_CHECKING:  # pragma: no cover
    from starlette.requests import Request
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("analyzer.serve")
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]
CSRF_COOKIE = "analyzer_csrf"
CSRF_FIELD = "csrf"
TOKEN_COOKIE = "analyzer_token"


def _cookies(scope: "Scope") -> dict[str, str]:
    jar = SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header is ignored, never an error page
                continue
    return {k: m.value for k, m in jar.items()}


def _valid_token(value: str | None) -> bool:
    return bool(value) and len(value) == 43 and all(c.isalnum() or c in "-_" for c in value)


class Guard:
    """Host check, token, security headers, CSRF cookie and body limit, around the whole application."""

    def __init__(self, app: "ASGIApp", *, allowed_hosts: tuple[str, ...], token: str | None,
                 max_body: int, on_error, redact: str = "all") -> None:
        self.app = app
        self.redact = redact
        self.allowed_hosts = {h.lower() for h in allowed_hosts}
        self.token = token
        self.max_body = max_body
        self.on_error = on_error  # (scope, status, key) -> Response: the error page

    async def __call__(self, scope: "Scope", receive: "Receive", send: "Send") -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = _cookies(scope)
        csrf = cookies.get(CSRF_COOKIE)
        new_csrf = None
        if not _valid_token(csrf):
            csrf = None
            new_csrf = secrets.token_urlsafe(32)
        scope.setdefault("state", {})
        scope["state"]["csrf"] = csrf or new_csrf
        scope["state"]["csrf_from_cookie"] = csrf is not None
        scope["state"]["redact"] = self.redact

        async def send_with_headers(message: "Message") -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in {name for name, _ in SECURITY_HEADERS}]
                headers += SECURITY_HEADERS
                if new_csrf:
                    headers.append((b"set-cookie", f"{CSRF_COOKIE}={new_csrf}; Path=/; HttpOnly; "
                                                   f"SameSite=Strict".encode()))
                message = {**message, "headers": headers}
            await send(message)

        if not self._host_allowed(scope):
            await self.on_error(scope, 400, "serve.error.bad_host")(scope, receive, send_with_headers)
            return
        if self.token is not None:
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            given = query.get("token")
            if given is not None and hmac.compare_digest(given.encode(), self.token.encode()):
                # Keep the token in a cookie and take it out of the address bar (and the history).
                rest = urlencode([(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1"))
                                  if k != "token"])
                location = scope.get("path", "/") + (f"?{rest}" if rest else "")
                await send_with_headers({"type": "http.response.start", "status": 303, "headers": [
                    (b"location", location.encode("latin-1", "replace")),
                    (b"set-cookie", f"{TOKEN_COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict".encode()),
                    (b"content-length", b"0")]})
                await send_with_headers({"type": "http.response.body", "body": b""})
                return
            if not self._token_ok(scope, cookies):
                await self.on_error(scope, 401, "serve.error.token")(scope, receive, send_with_headers)
                return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            await self.on_error(scope, 413, "serve.error.too_large")(scope, receive, send_with_headers)
            return
        received = 0
        started = False

        async def tracked_send(message: "Message") -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send_with_headers(message)

        async def limited_receive() -> "Message":
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise HTTPException(413)
            return message

        try:
            await self.app(scope, limited_receive, tracked_send)
        except Exception as exc:  # the error page, with these headers; the details go to the server's log only
            log.error("error on %s %s", scope.get("method"), scope.get("path"), exc_info=exc)
            if not started:
                await self.on_error(scope, 500, "serve.error.internal")(scope, receive, send_with_headers)

    def _host_allowed(self, scope: "Scope") -> bool:
        if "*" in self.allowed_hosts:
            return True
        host = dict(scope.get("headers", [])).get(b"host", b"").decode("latin-1").lower()
        if host.startswith("["):
            name = host.split("]", 1)[0] + "]"
        else:
            name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        return name in self.allowed_hosts

    def _token_ok(self, scope: "Scope", cookies: dict[str, str]) -> bool:
        expected = self.token.encode()
        auth = dict(scope.get("headers", [])).get(b"authorization", b"")
        if auth.lower().startswith(b"bearer ") and hmac.compare_digest(auth[7:].strip(), expected):
            return True
        cookie = cookies.get(TOKEN_COOKIE)
        return cookie is not None and hmac.compare_digest(cookie.encode(), expected)


async def checked_form(request: "Request", max_bytes: int) -> FormData:
    """The form of a POST, after its CSRF field was checked against the cookie (403 otherwise). At most one
    file and 20 fields; a part larger than ``max_bytes`` is refused (413)."""
    from starlette.formparsers import MultiPartException

    try:
        form = await request.form(max_files=1, max_fields=20, max_part_size=max_bytes)
    except MultiPartException:
        raise HTTPException(400) from None
    sent = form.get(CSRF_FIELD)
    token = request.scope["state"].get("csrf")
    if not (request.scope["state"].get("csrf_from_cookie") and isinstance(sent, str) and token
            and hmac.compare_digest(sent.encode(), token.encode())):
        raise HTTPException(403, "csrf")
    return form


def safe_next(value: object, default: str = "/") -> str:
    """A local path to go back to after a form (never another site: ``//host`` and ``\\`` are refused)."""
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//") or "\\" in value \
            or any(ord(c) < 32 for c in value):
        return default
    return value
