"""Running the application: bind the socket first (so a port in use is a clear error, not a log line), then hand
it to uvicorn, which stops cleanly on Ctrl-C."""

from __future__ import annotations

import errno
import ipaddress
import secrets
import socket
from typing import TYPE_CHECKING

from analyzer.serve import ServeError

if TYPE_CHECKING:  # pragma: no cover
    from starlette.applications import Starlette

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0"), is_loopback("192.168.1.5")
    (True, True, False, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def allowed_hosts(host: str, token: str | None) -> tuple[str, ...]:
    """The Host names the server answers to: the loopback names (and ``host``); any name when a token guards
    it on another address."""
    if not is_loopback(host) and token:
        return ("*",)
    return tuple(dict.fromkeys([*LOOPBACK_NAMES, host]))


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free port)."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ServeError("serve.bad_host", host=host, detail=exc.strerror or str(exc)) from None
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit it: a response's head and body leave at once instead of the body waiting
        # for the browser's delayed acknowledgement (about 40 ms on every request of a kept-alive connection).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ServeError("serve.port_in_use", host=host, port=port) from None
        raise ServeError("serve.bad_host", host=host, detail=exc.strerror or str(exc)) from None
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def serve(app: "Starlette", sock: socket.socket) -> None:
    """Serve ``app`` on ``sock`` until Ctrl-C (or SIGTERM)."""
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False, date_header=False,
                            timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn stops cleanly, then raises the Ctrl-C it caught again
        pass
    finally:
        sock.close()
