"""The chroma gate: token parsing and checking as pure functions, then the proxy in-process in front of a
tiny echo server (no chroma needed; `tests/functional/test_chroma_gate.py` runs it before `chroma run`)."""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from index import chroma_gate
from index.chroma_gate import (
    Address,
    GateError,
    GateServer,
    TokenSource,
    forwarded_headers,
    needs_token,
    parse_listen,
    parse_tokens,
    parse_upstream,
    presented_token,
    read_token_file,
    refusal_body,
    token_accepted,
)

TOKENS = ("alpha-token-1", "beta-token-2")


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Authorization": "Bearer abc"}, "abc"),
        ({"authorization": "bearer abc"}, "abc"),
        ({"AUTHORIZATION": "BEARER   abc  "}, "abc"),
        ({"X-Chroma-Token": "abc"}, "abc"),
        ({"x-chroma-token": " abc "}, "abc"),
        ({"Authorization": "Basic dXNlcjpwdw=="}, None),
        ({"Authorization": "Basic dXNlcjpwdw==", "X-Chroma-Token": "abc"}, "abc"),
        ({"Authorization": "Bearer "}, None),
        ({"Authorization": "Bearer"}, None),
        ({"X-Chroma-Token": ""}, None),
        ({}, None),
        ({"Authorization": "Bearer first", "X-Chroma-Token": "second"}, "first"),
    ],
)
def test_presented_token(headers, expected):
    assert presented_token(headers) == expected


@pytest.mark.parametrize(
    ("presented", "accepted"),
    [
        ("alpha-token-1", True),
        ("beta-token-2", True),
        ("alpha-token-", False),
        ("alpha-token-12", False),
        ("ALPHA-TOKEN-1", False),
        ("", False),
        (None, False),
        ("\udcff-not-utf8", False),
        ("åäö", False),
    ],
)
def test_token_accepted(presented, accepted):
    assert token_accepted(presented, TOKENS) is accepted


def test_no_token_is_accepted_when_none_are_configured():
    assert not token_accepted("anything", ())


@pytest.mark.parametrize(
    ("method", "target", "needed"),
    [
        ("GET", "/api/v2/heartbeat", False),
        ("HEAD", "/api/v2/heartbeat", False),
        ("GET", "/api/v2/heartbeat?x=1", False),
        ("POST", "/api/v2/heartbeat", True),
        ("GET", "/api/v2/heartbeat/../tenants", True),
        ("GET", "/api/v2/heartbeatx", True),
        ("GET", "/api/v2/tenants/default_tenant", True),
        ("DELETE", "/api/v2/tenants/t/databases/d/collections/c", True),
        ("GET", "/api/v2/auth/identity", True),
    ],
)
def test_needs_token(method, target, needed):
    assert needs_token(method, target) is needed


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("one\ntwo\n", ("one", "two")),
        ("  one  \r\n\n# a comment\n\ttwo\n", ("one", "two")),
        ("# only a comment\n\n", ()),
        ("", ()),
    ],
)
def test_parse_tokens(text, tokens):
    assert parse_tokens(text, "f") == tokens


@pytest.mark.parametrize("line", ["two words", "tab\tinside", "åäö", "bell\x07"])
def test_parse_tokens_refuses_tokens_a_header_cannot_carry(line):
    with pytest.raises(GateError, match="rad 2"):
        parse_tokens(f"fine\n{line}\n", "tokens.txt")


def test_token_file_problems_are_named(tmp_path):
    with pytest.raises(GateError, match=r"finns inte / token file .* does not exist"):
        read_token_file(tmp_path / "missing")
    (tmp_path / "empty").write_text("# no tokens yet\n")
    with pytest.raises(GateError, match="innehåller ingen token"):
        read_token_file(tmp_path / "empty")
    with pytest.raises(GateError, match="kan inte läsas"):
        read_token_file(tmp_path)  # a folder


def test_token_source_needs_some_token(tmp_path):
    with pytest.raises(GateError, match="FINSAM_CHROMA_GATE_TOKEN"):
        TokenSource(None, None)
    assert TokenSource(None, "from-env\n").tokens() == ("from-env",)
    file = tmp_path / "tokens"
    file.write_text("from-file\n")
    assert set(TokenSource(file, "from-env").tokens()) == {"from-file", "from-env"}


def test_token_source_reads_a_changed_file_and_keeps_tokens_when_it_turns_empty(tmp_path, monkeypatch):
    monkeypatch.setattr(chroma_gate, "TOKEN_RECHECK_SECONDS", 0.0)
    file = tmp_path / "tokens"
    file.write_text("old-token\n")
    source = TokenSource(file, None)
    assert source.tokens() == ("old-token",)
    file.write_text("old-token\nnew-token\n")
    os.utime(file, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert source.tokens() == ("old-token", "new-token")
    file.write_text("")
    assert source.tokens() == ("old-token", "new-token")


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("127.0.0.1:8001", Address("127.0.0.1", 8001)),
        ("0.0.0.0:80", Address("0.0.0.0", 80)),
        ("[::1]:8001", Address("::1", 8001)),
        ("localhost:65535", Address("localhost", 65535)),
    ],
)
def test_parse_listen(text, address):
    assert parse_listen(text) == address


@pytest.mark.parametrize("text", ["8001", "host", "host:", ":8001", "host:0", "host:70000", "host:eighty"])
def test_parse_listen_refuses(text):
    with pytest.raises(GateError, match="VÄRD:PORT"):
        parse_listen(text)


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://127.0.0.1:8000", Address("127.0.0.1", 8000)),
        ("http://chroma:9000/", Address("chroma", 9000)),
        ("127.0.0.1:8000", Address("127.0.0.1", 8000)),
        ("http://localhost", Address("localhost", 8000)),
    ],
)
def test_parse_upstream(url, address):
    assert parse_upstream(url) == address


@pytest.mark.parametrize("url", ["https://chroma:8000", "http://:8000", "http://h:x", "http://h:8000/api"])
def test_parse_upstream_refuses(url):
    with pytest.raises(GateError, match="http://värd:port"):
        parse_upstream(url)


def test_forwarded_headers_drop_tokens_and_hop_by_hop_headers():
    headers = {
        "Authorization": "Bearer alpha-token-1",
        "X-Chroma-Token": "alpha-token-1",
        "Connection": "keep-alive, X-Private",
        "X-Private": "1",
        "Keep-Alive": "timeout=5",
        "Host": "gate:8001",
        "Content-Type": "application/json",
        "Content-Length": "12",
        "X-Chroma-Trace": "t",
    }
    assert forwarded_headers(headers, "10.0.0.9") == {
        "Content-Type": "application/json",
        "X-Chroma-Trace": "t",
        "X-Forwarded-For": "10.0.0.9",
    }


def test_refusal_body_is_the_error_chromas_client_raises():
    from chromadb.errors import AuthorizationError, error_types

    body = json.loads(refusal_body("fel token / wrong token"))
    assert error_types[body["error"]] is AuthorizationError
    assert "wrong token" in body["message"]


# --- the proxy in front of an echo server -----------------------------------------------------------------


class Echo(BaseHTTPRequestHandler):
    """Answers every request with what it received, as JSON; `/chunked` answers in chunks."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # as chroma's server: otherwise the echo itself stalls ~40 ms

    def log_message(self, format, *args):
        pass

    def _echo(self):
        if "chunked" in self.headers.get("Transfer-Encoding", ""):
            body = b"".join(chroma_gate.read_chunked(self.rfile))
        else:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append(self.command)
        payload = json.dumps(
            {
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body_len": len(body),
                "body_head": body[:40].decode("latin-1"),
                "body_sum": sum(body) % 1_000_003,
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if self.path == "/chunked":
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(0, len(payload), 7):
                part = payload[i : i + 7]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
            return
        self.send_header("Content-Length", str(len(payload)))
        if self.path == "/close":
            self.send_header("Connection", "close")
            self.close_connection = True
        if self.path == "/drop":  # closes the kept connection without saying so, as an idle timeout does
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _echo


def _serve(server):
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    return thread


@pytest.fixture
def gate(tmp_path) -> Iterator[tuple[Address, ThreadingHTTPServer]]:
    echo = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    echo.daemon_threads = True
    echo.seen = []
    _serve(echo)
    tokens = tmp_path / "tokens"
    tokens.write_text("\n".join(TOKENS) + "\n")
    upstream = Address("127.0.0.1", echo.server_address[1])
    chroma_gate.check_upstream(upstream)
    echo.seen.clear()
    server = GateServer(Address("127.0.0.1", 0), upstream, TokenSource(tokens, None))
    _serve(server)
    try:
        yield Address("127.0.0.1", server.server_address[1]), echo
    finally:
        server.shutdown()
        server.server_close()
        echo.shutdown()
        echo.server_close()


def _request(address, method, path, body=None, headers=None, connection=None):
    conn = connection or http.client.HTTPConnection(address.host, address.port, timeout=10)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    if connection is None:
        conn.close()
    return response, data


AUTH = {"Authorization": f"Bearer {TOKENS[1]}"}


def test_gate_forwards_method_path_query_headers_and_body(gate):
    address, _ = gate
    body = json.dumps({"ids": ["a", "b"], "x": "å"}).encode()
    response, data = _request(
        address, "POST", "/api/v2/x?limit=5&offset=2", body, {**AUTH, "Content-Type": "application/json"}
    )
    assert response.status == 200
    seen = json.loads(data)
    assert seen["method"] == "POST"
    assert seen["path"] == "/api/v2/x?limit=5&offset=2"
    assert seen["body_len"] == len(body) and seen["body_sum"] == sum(body) % 1_000_003
    assert seen["headers"]["content-type"] == "application/json"
    assert "authorization" not in seen["headers"]
    assert seen["headers"]["x-forwarded-for"] == "127.0.0.1"


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE", "HEAD"])
def test_gate_forwards_every_method(gate, method):
    address, echo = gate
    response, data = _request(address, method, "/api/v2/y", None, {"X-Chroma-Token": TOKENS[0]})
    assert response.status == 200
    assert echo.seen == [method]
    if method == "HEAD":
        assert data == b""
    else:
        assert json.loads(data)["method"] == method


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"X-Chroma-Token": TOKENS[0][:-1]}, {"Authorization": "Basic x"}],
)
def test_gate_refuses_without_a_valid_token_and_forwards_nothing(gate, headers):
    address, echo = gate
    response, data = _request(address, "POST", "/api/v2/collections", b'{"name": "x"}', headers)
    assert response.status == 401
    assert json.loads(data)["error"] == "AuthorizationError"
    assert echo.seen == []


def test_heartbeat_passes_without_a_token(gate):
    address, echo = gate
    response, _ = _request(address, "GET", "/api/v2/heartbeat")
    assert response.status == 200
    assert echo.seen == ["GET"]


def test_gate_streams_a_large_body_and_a_chunked_one(gate):
    address, _ = gate
    big = bytes(range(256)) * (3 * chroma_gate.BUFFER_LIMIT // 256 + 7)
    _, data = _request(address, "POST", "/big", big, AUTH)
    assert json.loads(data)["body_len"] == len(big)
    assert json.loads(data)["body_sum"] == sum(big) % 1_000_003

    parts = [b"first part,", b"", b"second" * 5000]
    _, data = _request(address, "POST", "/chunks", iter(p for p in parts if p), AUTH)
    seen = json.loads(data)
    assert seen["headers"].get("transfer-encoding") == "chunked"
    assert seen["body_len"] == sum(len(p) for p in parts)
    assert seen["body_head"].startswith("first part,second")


def test_gate_relays_a_chunked_response(gate):
    address, _ = gate
    response, data = _request(address, "GET", "/chunked", None, AUTH)
    assert response.status == 200
    assert json.loads(data)["path"] == "/chunked"


def test_one_client_connection_serves_many_requests_across_upstream_closes(gate):
    """The upstream may close a kept connection, saying so or not: the next request is sent again."""
    address, echo = gate
    connection = http.client.HTTPConnection(address.host, address.port, timeout=10)
    for path in ("/a", "/close", "/b", "/drop", "/c", "/drop", "/d"):
        response, data = _request(address, "GET", path, None, AUTH, connection)
        assert response.status == 200 and json.loads(data)["path"] == path
    connection.close()
    assert echo.seen == ["GET"] * 7


def test_a_refused_request_on_a_kept_connection_closes_it(gate):
    address, _ = gate
    connection = http.client.HTTPConnection(address.host, address.port, timeout=10)
    response, _ = _request(address, "POST", "/x", b"{}" * 10, {}, connection)
    assert response.status == 401 and response.will_close
    connection.close()


def test_upstream_gone_gives_502_not_a_hang(gate):
    address, echo = gate
    echo.shutdown()
    echo.server_close()
    response, data = _request(address, "GET", "/x", None, AUTH)
    assert response.status == 502
    assert json.loads(data)["error"] == "InternalError"


def test_start_up_refuses_a_port_in_use_and_a_silent_upstream(gate, tmp_path):
    address, _ = gate
    tokens = TokenSource(None, "t0ken")
    with pytest.raises(GateError, match="porten upptagen"):
        GateServer(address, address, tokens)
    with pytest.raises(GateError, match="svarar inte"):
        chroma_gate.check_upstream(Address("127.0.0.1", _closed_port()))


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_refusals_are_logged_without_the_token(gate, caplog):
    address, _ = gate
    with caplog.at_level("WARNING", logger="finsam.chroma_gate"):
        _request(address, "GET", "/api/v2/secret?q=1", None, {"Authorization": "Bearer not-the-token-xyz"})
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1
    assert "/api/v2/secret" in lines[0] and "wrong token" in lines[0]
    assert "not-the-token-xyz" not in lines[0] and "q=1" not in lines[0]


def test_the_gate_adds_milliseconds_not_a_delayed_ack(gate):
    """Headers and body are two writes: with Nagle's algorithm on, each response would wait ~40 ms for the
    client's delayed ACK (measured: +43 ms per request before the gate disabled it)."""
    address, _ = gate
    connection = http.client.HTTPConnection(address.host, address.port, timeout=10)
    timings = []
    for _ in range(15):
        start = time.perf_counter()
        response, _ = _request(address, "POST", "/q", b'{"query": [0.1]}', AUTH, connection)
        timings.append(time.perf_counter() - start)
        assert response.status == 200
    connection.close()
    assert sorted(timings)[len(timings) // 2] < 0.025
