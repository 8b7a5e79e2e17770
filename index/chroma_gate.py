"""A token-checking reverse proxy in front of `chroma run`, for the shared server mode.

`chroma run` (chromadb 1.x, a Rust server) checks no tokens at all (chroma-core/chroma#4965). The gate
listens where the clients connect and forwards a request to the chroma server only when it carries one of
the configured tokens, as `Authorization: Bearer <token>` (what finsam sends for `FINSAM_CHROMA_TOKEN`) or
`X-Chroma-Token: <token>`. Anything else gets 401 with the JSON error body chroma's own client turns into
`chromadb.errors.AuthorizationError`. `GET /api/v2/heartbeat` passes without a token: it tells nothing but
the server time, and monitoring can use it.

Tokens come from a file (one per line, `#` comments; several at once, so staff can be rotated: add the new
token, hand it out, remove the old one) that is read again when it changes, and/or from the environment.
Never from the command line, where `ps` would show them.

The gate speaks plain HTTP: outside a trusted network put TLS termination or an SSH tunnel in front of it.
Standard library only: one thread per client connection, each with its own keep-alive upstream connection.
"""

from __future__ import annotations

import hmac
import http.client
import json
import logging
import os
import signal
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

log = logging.getLogger("finsam.chroma_gate")

TOKEN_ENV = "FINSAM_CHROMA_GATE_TOKEN"
OPEN_PATHS = frozenset({"/api/v2/heartbeat"})
"""Paths answered without a token (GET/HEAD only)."""

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)
TOKEN_HEADERS = frozenset({"authorization", "x-chroma-token"})
"""Not forwarded: the chroma server does not need the tokens, and its logs should not see them."""

BUFFER_LIMIT = 1 << 20
"""Request bodies up to this size are read first, so a request on a stale keep-alive connection can be sent
again; larger or chunked ones are streamed on a fresh connection."""
COPY_BLOCK = 64 * 1024
UPSTREAM_TIMEOUT = 300.0
CLIENT_IDLE_TIMEOUT = 300.0
TOKEN_RECHECK_SECONDS = 1.0


class GateError(Exception):
    """Bad start-up input; the message (Swedish / English) is shown as it is, with exit status 2."""


# --- tokens -------------------------------------------------------------------------------------------


def parse_tokens(text: str, source: str) -> tuple[str, ...]:
    """The tokens of a token file's text: one per line; blank lines and `#` comments are skipped."""
    tokens = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not line.isascii() or not line.isprintable() or " " in line:
            raise GateError(
                f"{source} rad {number}: en token får bara ha synliga ASCII-tecken utan mellanslag / "
                f"line {number}: a token must be visible ASCII characters without spaces"
            )
        tokens.append(line)
    return tuple(tokens)


def read_token_file(path: Path) -> tuple[str, ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise GateError(f"Tokenfilen {path} finns inte / token file {path} does not exist") from error
    except (OSError, UnicodeDecodeError) as error:
        raise GateError(
            f"Tokenfilen {path} kan inte läsas ({error}) / token file {path} cannot be read"
        ) from error
    tokens = parse_tokens(text, str(path))
    if not tokens:
        raise GateError(f"Tokenfilen {path} innehåller ingen token / token file {path} holds no token")
    return tokens


class TokenSource:
    """The accepted tokens: those of the token file (read again within a second of a change) and of the
    environment. A file that turns unreadable or empty keeps the tokens read last, with a warning."""

    def __init__(self, path: Path | None, env_text: str | None) -> None:
        self._path = path
        self._env = parse_tokens(env_text, TOKEN_ENV) if env_text else ()
        self._lock = threading.Lock()
        self._checked = time.monotonic()
        self._stamp = self._file_stamp()
        self._file = read_token_file(path) if path else ()
        if not self._file and not self._env:
            raise GateError(
                f"Ingen token: ange --token-file eller sätt {TOKEN_ENV} / no token: give --token-file "
                f"or set {TOKEN_ENV}"
            )

    def _file_stamp(self) -> tuple[int, int] | None:
        if self._path is None:
            return None
        try:
            stat = self._path.stat()
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size)

    def tokens(self) -> tuple[str, ...]:
        with self._lock:
            now = time.monotonic()
            if self._path is not None and now - self._checked >= TOKEN_RECHECK_SECONDS:
                self._checked = now
                stamp = self._file_stamp()
                if stamp != self._stamp:
                    self._stamp = stamp
                    try:
                        self._file = read_token_file(self._path)
                        log.info("tokenfilen lästes om / token file reloaded: %d tokens", len(self._file))
                    except GateError as error:
                        log.warning("%s; de förra gäller / keeping the previous tokens", error)
            return self._file + self._env


def presented_token(headers: Mapping[str, str]) -> str | None:
    """The token a request carries: `Authorization: Bearer <token>` (scheme in any case) or
    `X-Chroma-Token: <token>`. None when neither header holds one."""
    lowered = {k.lower(): v for k, v in headers.items()}
    scheme, _, value = lowered.get("authorization", "").strip().partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    token = lowered.get("x-chroma-token", "").strip()
    return token or None


def token_accepted(presented: str | None, tokens: tuple[str, ...]) -> bool:
    """Constant-time comparison with every accepted token (no early exit that would time which matched)."""
    if not presented:
        return False
    given = presented.encode("utf-8", "surrogateescape")
    matched = False
    for token in tokens:
        matched |= hmac.compare_digest(given, token.encode("ascii"))
    return matched


def needs_token(method: str, target: str) -> bool:
    """Everything but a GET/HEAD of an open path (the heartbeat) needs a token."""
    path = urlsplit(target).path
    return not (method in ("GET", "HEAD") and path in OPEN_PATHS)


def refusal_reason(presented: str | None) -> str:
    return "ingen token / no token" if presented is None else "fel token / wrong token"


def refusal_body(reason: str) -> bytes:
    """chroma's client raises `errors.error_types[body["error"]](body["message"])` for an error body."""
    message = f"finsam chroma-gate: {reason}"
    return json.dumps({"error": "AuthorizationError", "message": message}, ensure_ascii=False).encode()


# --- addresses ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Address:
    host: str
    port: int

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


def parse_listen(text: str) -> Address:
    """`HOST:PORT` (or `[v6]:PORT`) the gate listens on."""
    host, sep, port = text.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise GateError(
            f"--listen '{text}' är inte VÄRD:PORT, t.ex. 0.0.0.0:8001 / is not HOST:PORT, e.g. 0.0.0.0:8001"
        )
    return Address(host, int(port))


def parse_upstream(url: str) -> Address:
    """The chroma server, `http://host:port` (the gate talks plain HTTP to it, normally on loopback)."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    try:
        port = parts.port or 8000
    except ValueError:
        port = 0
    if parts.scheme != "http" or not parts.hostname or not port or parts.path not in ("", "/"):
        raise GateError(
            f"--upstream '{url}' är ingen http://värd:port / is not http://host:port (the chroma server)"
        )
    return Address(parts.hostname, port)


def check_upstream(upstream: Address, timeout: float = 5.0) -> None:
    """Fail at start-up, not at the first request, when no chroma server answers upstream."""
    connection = http.client.HTTPConnection(upstream.host, upstream.port, timeout=timeout)
    try:
        connection.request("GET", "/api/v2/heartbeat")
        response = connection.getresponse()
        response.read()
    except OSError as error:
        raise GateError(
            f"Chroma-servern {upstream.url} svarar inte ({error}); starta 'chroma run' först / "
            "the chroma server does not answer; start 'chroma run' first"
        ) from error
    finally:
        connection.close()
    if response.status != 200:
        raise GateError(
            f"{upstream.url}/api/v2/heartbeat svarade {response.status}; är det en chroma-server? / "
            "answered that status; is it a chroma server?"
        )


# --- forwarding ---------------------------------------------------------------------------------------


def forwarded_headers(headers: Mapping[str, str], client: str) -> dict[str, str]:
    """Request headers for the chroma server: hop-by-hop headers, Host and the tokens dropped."""
    connection_named = {h.strip().lower() for h in headers.get("Connection", "").split(",")}
    kept = {
        k: v
        for k, v in headers.items()
        if k.lower() not in HOP_BY_HOP | TOKEN_HEADERS | connection_named | {"host", "content-length"}
    }
    kept["X-Forwarded-For"] = client
    return kept


def read_chunked(stream: IO[bytes]) -> Iterator[bytes]:
    """The data of a chunked request body (trailers are read and dropped)."""
    while True:
        size_line = stream.readline(1024)
        try:
            size = int(size_line.split(b";", 1)[0].strip(), 16)
        except ValueError as error:
            raise ValueError(f"bad chunk size line {size_line!r}") from error
        if size == 0:
            while stream.readline(1024) not in (b"\r\n", b"\n", b""):
                pass
            return
        yield from read_exactly(stream, size, "body ended inside a chunk")
        stream.readline(1024)


def read_exactly(
    stream: IO[bytes], length: int, short: str = "body shorter than its Content-Length"
) -> Iterator[bytes]:
    remaining = length
    while remaining:
        block = stream.read(min(remaining, COPY_BLOCK))
        if not block:
            raise ValueError(short)
        remaining -= len(block)
        yield block


STALE_CONNECTION = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class GateHandler(BaseHTTPRequestHandler):
    """One client connection; forwards each authorised request on its own keep-alive upstream connection."""

    protocol_version = "HTTP/1.1"
    timeout = CLIENT_IDLE_TIMEOUT
    disable_nagle_algorithm = True  # headers and body go out in two writes: Nagle would hold the body ~40 ms
    server: GateServer

    def setup(self) -> None:
        super().setup()
        self._upstream: http.client.HTTPConnection | None = None
        self._upstream_used = False
        self._pre_authorised = False
        """Set when an `Expect: 100-continue` request passed the token check before its body was sent."""

    def finish(self) -> None:
        self._drop_upstream()
        super().finish()

    def log_message(self, format: str, *args: object) -> None:
        """Requests are not logged one by one (a busy index run sends thousands); refusals are."""

    def _authorised(self) -> bool:
        if not needs_token(self.command, self.path):
            return True
        presented = presented_token(self.headers)
        if token_accepted(presented, self.server.tokens.tokens()):
            return True
        reason = refusal_reason(presented)
        log.warning(
            "nekad / refused %s %s %s: %s",
            self.client_address[0],
            self.command,
            urlsplit(self.path).path,
            reason,
        )
        body = refusal_body(reason)
        self.close_connection = True  # the unread request body must not be taken for the next request
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("WWW-Authenticate", 'Bearer realm="chroma"')
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return False

    def handle_expect_100(self) -> bool:
        self._pre_authorised = self._authorised()
        return self._pre_authorised and super().handle_expect_100()

    def _forward(self) -> None:
        checked, self._pre_authorised = self._pre_authorised, False
        if not checked and not self._authorised():
            return
        try:
            body, length = self._request_body()
            response = self._send_upstream(body, length)
        except ValueError as error:  # a malformed request body
            self._send_error_json(400, "InvalidArgumentError", f"finsam chroma-gate: {error}")
            self.close_connection = True
            return
        except OSError as error:
            log.error("chroma-servern svarar inte / upstream failed: %s", error)
            self._drop_upstream()
            self._send_error_json(502, "InternalError", f"finsam chroma-gate: chroma server: {error}")
            return
        self._relay(response)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _forward

    def _request_body(self) -> tuple[bytes | Iterator[bytes] | None, int | None]:
        """The body as bytes (small: can be sent again) or an iterator (streamed), and its length."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return read_chunked(self.rfile), None
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError("negative Content-Length")
        if length <= BUFFER_LIMIT:
            return (b"".join(read_exactly(self.rfile, length)) if length else None), length
        return read_exactly(self.rfile, length), length

    def _connection(self) -> http.client.HTTPConnection:
        if self._upstream is None:
            upstream = self.server.upstream
            self._upstream = http.client.HTTPConnection(
                upstream.host, upstream.port, timeout=UPSTREAM_TIMEOUT
            )
            self._upstream_used = False
        return self._upstream

    def _drop_upstream(self) -> None:
        if self._upstream is not None:
            self._upstream.close()
            self._upstream = None

    def _send_upstream(
        self, body: bytes | Iterator[bytes] | None, length: int | None
    ) -> http.client.HTTPResponse:
        headers = forwarded_headers(self.headers, self.client_address[0])
        if length is not None and (length or self.command in ("POST", "PUT", "PATCH")):
            headers["Content-Length"] = str(length)
        replayable = not isinstance(body, Iterator)
        if not replayable:
            self._drop_upstream()  # a streamed body cannot be sent twice: never risk a stale connection
        for attempt in (1, 2):
            connection = self._connection()
            reused = self._upstream_used
            try:
                connection.request(
                    self.command, self.path, body=body, headers=headers, encode_chunked=length is None
                )
                response = connection.getresponse()
            except STALE_CONNECTION:
                # The server closed the idle keep-alive connection before reading the request: safe to
                # send again, on a fresh connection.
                self._drop_upstream()
                if attempt == 2 or not reused or not replayable:
                    raise
                continue
            self._upstream_used = True
            return response
        raise AssertionError("unreachable")

    def _relay(self, response: http.client.HTTPResponse) -> None:
        self.send_response_only(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP | {"content-length", "date", "server"}:
                self.send_header(name, value)
        self.send_header("Date", self.date_time_string())
        no_body = self.command == "HEAD" or response.status in (204, 304) or 100 <= response.status < 200
        length = response.getheader("Content-Length")
        chunked = not no_body and length is None and self.request_version == "HTTP/1.1"
        if no_body:
            if length is not None:
                self.send_header("Content-Length", length)
        elif length is not None:
            self.send_header("Content-Length", length)
        elif chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:  # an HTTP/1.0 client: the end of the body is the end of the connection
            self.close_connection = True
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        try:
            while not no_body and (block := response.read1(COPY_BLOCK)):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(block), block) if chunked else block)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        finally:
            response.close()
            if response.will_close:
                self._drop_upstream()

    def _send_error_json(self, status: int, error: str, message: str) -> None:
        body = json.dumps({"error": error, "message": message}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class GateServer(ThreadingHTTPServer):
    daemon_threads = True  # idle keep-alive clients must not hold up a shutdown
    allow_reuse_address = True

    def __init__(self, listen: Address, upstream: Address, tokens: TokenSource) -> None:
        self.upstream = upstream
        self.tokens = tokens
        if ":" in listen.host:
            import socket

            self.address_family = socket.AF_INET6
        try:
            super().__init__((listen.host, listen.port), GateHandler)
        except OSError as error:
            raise GateError(
                f"Kan inte lyssna på {listen.host}:{listen.port} ({error.strerror or error}); är porten "
                "upptagen? / cannot listen there; is the port in use?"
            ) from error


def make_server(listen: str, upstream: str, token_file: Path | None, env_token: str | None) -> GateServer:
    """Check the start-up input (tokens, upstream answers, port free) and bind; raises GateError."""
    address = parse_listen(listen)
    target = parse_upstream(upstream)
    tokens = TokenSource(token_file, env_token)
    check_upstream(target)
    return GateServer(address, target, tokens)


def serve(listen: str, upstream: str, token_file: Path | None, env: Mapping[str, str] = os.environ) -> None:
    """Run the gate until SIGINT/SIGTERM."""
    server = make_server(listen, upstream, token_file, env.get(TOKEN_ENV))
    if not logging.getLogger().handlers:
        logging.basicConfig(format="%(asctime)s chroma-gate %(message)s", level=logging.INFO)
    if token_file and token_file.stat().st_mode & 0o077:
        log.warning("%s kan läsas av andra; chmod 600 / is readable by others", token_file)
    log.info(
        "lyssnar på / listening on %s → %s (%d tokens)",
        parse_listen(listen).url,
        server.upstream.url,
        len(server.tokens.tokens()),
    )

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        log.info("stoppar / stopping")
    finally:
        server.server_close()
