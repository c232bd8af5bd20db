"""The shared machinery of the calendar fakes: a threaded HTTP(S) server on 127.0.0.1, request recording,
routing, failure injection and held (silent or slow) requests. Each fake subclasses `FakeServer` and declares its routes."""

from __future__ import annotations

import json
import re
import socket
import ssl
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import requests
from requests.structures import CaseInsensitiveDict

from tests.calendars.fakes import tls

QueryDict = dict[str, str | list[str]]


def flatten_query(pairs: dict[str, list[str]]) -> QueryDict:
    """parse_qs output with single values unwrapped: {"a": "1", "b": ["2", "3"]}."""
    return {key: values[0] if len(values) == 1 else values for key, values in pairs.items()}


@dataclass
class RecordedRequest:
    """One request as the fake received it (path still percent-encoded, query and form decoded)."""

    method: str
    path: str
    query: QueryDict
    headers: CaseInsensitiveDict
    body: bytes
    json: Any = None
    form: QueryDict | None = None
    time: float = field(default_factory=time.time)
    status: int | None = None  # what the fake answered, set once answered

    def param(self, name: str) -> str | None:
        """A single query value (the first, if repeated)."""
        value = self.query.get(name)
        return value[0] if isinstance(value, list) else value

    def form_value(self, name: str) -> str | None:
        value = (self.form or {}).get(name)
        return value[0] if isinstance(value, list) else value

    def bearer_token(self) -> str | None:
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        return (token.strip() or None) if scheme.lower() == "bearer" else None


@dataclass
class Reply:
    status: int
    body: Any = None  # dict/list → JSON, str → HTML/text, bytes → as is, None → empty
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self) -> tuple[bytes, str | None]:
        if self.body is None:
            return b"", None
        if isinstance(self.body, bytes):
            return self.body, "application/octet-stream"
        if isinstance(self.body, str):
            return self.body.encode(), "text/html; charset=utf-8"
        return json.dumps(self.body).encode(), "application/json; charset=utf-8"


@dataclass
class Streamed:
    """A body sent as it comes (chunked): each piece after its delay in seconds, e.g. server-sent events."""

    pieces: list[tuple[float, bytes]]
    content_type: str = "text/event-stream"


class Refusal(Exception):  # noqa: N818 (a reply, not a bug)
    """Raised by a handler to answer an error reply."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


@dataclass
class Route:
    method: str
    pattern: str  # regex for the whole path; named groups become handler keyword arguments (percent-decoded)
    handler: Callable[..., Reply]
    compiled: re.Pattern = field(init=False)

    def __post_init__(self) -> None:
        self.compiled = re.compile(self.pattern, re.IGNORECASE)


@dataclass
class InjectedFailure:
    method: str
    path_prefix: str
    status: int
    retry_after: int | float | str | None
    times: int
    after_commit: bool

    def matches(self, request: RecordedRequest) -> bool:
        return self.method in ("*", request.method) and request.path.startswith(self.path_prefix)


@dataclass
class InjectedHold:
    """Requests that get no answer for a while (`seconds`), or at all (None)."""

    method: str
    path_prefix: str
    seconds: float | None
    times: int
    released: threading.Event = field(default_factory=threading.Event)

    def matches(self, request: RecordedRequest) -> bool:
        return self.method in ("*", request.method) and request.path.startswith(self.path_prefix)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as requests sessions expect
    server: _Server

    def _serve(self) -> None:
        headers = CaseInsensitiveDict({name: ", ".join(self.headers.get_all(name)) for name in set(self.headers)})
        reply = self.server.fake._answer(self.command, self.path, headers, self._read_body())
        if reply is None:  # a silent request: the connection closes with no answer at all
            self.close_connection = True
            return
        if isinstance(reply.body, Streamed):
            self._stream(reply)
            return
        payload, content_type = reply.encode()
        self.send_response(reply.status)
        if content_type and "content-type" not in {name.lower() for name in reply.headers}:
            self.send_header("Content-Type", content_type)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _stream(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.body.content_type)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            for delay, piece in reply.body.pieces:
                if delay:
                    time.sleep(delay)
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):  # the client stopped reading: as a real server, let it go
            self.close_connection = True

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve  # noqa: N815 (BaseHTTPRequestHandler names)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0], 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (signature of the base class)
        pass  # the request log is `fake.requests`


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeServer, ssl_context: ssl.SSLContext | None) -> None:
        self.fake = fake
        self.ssl_context = ssl_context
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def finish_request(self, request: socket.socket, client_address: Any) -> None:
        # Runs in the connection's own thread, so a slow TLS handshake never blocks accept().
        if self.ssl_context is not None:
            try:
                request = self.ssl_context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        with self.connections_lock:
            self.connections.add(request)
        try:
            super().finish_request(request, client_address)
        except (ConnectionError, ssl.SSLError, TimeoutError):
            pass
        finally:
            with self.connections_lock:
                self.connections.discard(request)
            if self.ssl_context is not None:
                request.close()

    def close_connections(self) -> None:
        """Unblock handler threads waiting on idle keep-alive connections."""
        with self.connections_lock:
            for connection in list(self.connections):
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class FakeServer:
    """Base of the fakes. Subclasses implement `routes()` and `failure_body()`; state changes happen under
    `self.lock`, so handlers see one request at a time even though connections are served by threads."""

    def __init__(self, *, tls: bool) -> None:
        self.tls = tls
        self.lock = threading.RLock()
        self.requests: list[RecordedRequest] = []
        self.crashes: list[str] = []  # tracebacks of handler bugs (answered 500); `__exit__` fails on any
        self._failures: list[InjectedFailure] = []
        self._holds: list[InjectedHold] = []
        self._holds_given: list[InjectedHold] = []  # every hold ever set, so stop() can release them all
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._routes = self.routes()
        self.port = 0
        self.base = ""

    # -- to implement ------------------------------------------------------------------------------------------
    def routes(self) -> list[Route]:
        raise NotImplementedError

    def failure_body(self, status: int, request: RecordedRequest) -> Any:
        raise NotImplementedError

    def no_route(self, request: RecordedRequest) -> Reply:
        return Reply(404, f"fake: no route for {request.method} {request.path}")

    # -- lifecycle ---------------------------------------------------------------------------------------------
    def start(self):
        if self._server is not None:
            raise RuntimeError("already started")
        self._server = _Server(self, tls.server_ssl_context() if self.tls else None)
        self.port = self._server.server_address[1]
        self.base = f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name=type(self).__name__, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self.release_holds()
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc, tb) -> None:
        self.stop()
        if exc_type is None and self.crashes:
            raise AssertionError(f"{type(self).__name__} crashed while answering:\n" + "\n".join(self.crashes))

    def session(self) -> requests.Session:
        """A requests session fit for this fake (trusts the test CA; ignores proxy/CA environment variables)."""
        session = tls.trusting_session()
        if not self.tls:
            session.verify = True
        return session

    # -- test controls -----------------------------------------------------------------------------------------
    def fail_next(
        self, method: str, path_prefix: str, status: int, retry_after: int | float | str | None = None, times: int = 1
    ) -> None:
        """The next `times` requests matching method (or "*") and path prefix answer `status` without being
        performed (429/503 get the service's throttling body, and `Retry-After` when given)."""
        self._inject(method, path_prefix, status, retry_after, times, after_commit=False)

    def fail_after_commit_next(
        self,
        method: str,
        path_prefix: str,
        status: int = 504,
        retry_after: int | float | str | None = None,
        times: int = 1,
    ) -> None:
        """Like fail_next, but the request is performed first and only its answer is replaced: a timeout
        after the service already committed (say, created the event)."""
        self._inject(method, path_prefix, status, retry_after, times, after_commit=True)

    def hold_next(self, method: str, path_prefix: str, *, seconds: float | None = None, times: int = 1) -> None:
        """The next `times` requests matching method (or "*") and path prefix get no answer. With `seconds`, a
        slow service: the request is performed and answered that much later (it commits even when the client
        gave up waiting). Without, a silent one: never performed, no answer until `release_holds()` or stop,
        and then the connection closes with none. Either way the request is recorded at once (status None
        until answered)."""
        if times < 1:
            raise ValueError("times must be at least 1")
        with self.lock:
            hold = InjectedHold(method.upper(), path_prefix, seconds, times)
            self._holds.append(hold)
            self._holds_given.append(hold)

    def release_holds(self) -> None:
        """End every hold now: slow requests are performed and answered, silent ones closed unanswered."""
        with self.lock:
            self._holds.clear()
            for hold in self._holds_given:
                hold.released.set()

    def wait_for_requests(self, method: str, path_prefix: str, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until `count` matching requests have arrived (answered or not)."""
        give_up = time.monotonic() + timeout
        while len(self.requests_to(method, path_prefix)) < count:
            if time.monotonic() > give_up:
                raise AssertionError(f"{type(self).__name__}: no {count} {method} {path_prefix} in {timeout} s")
            time.sleep(0.01)

    def _inject(self, method, path_prefix, status, retry_after, times, *, after_commit) -> None:
        if times < 1:
            raise ValueError("times must be at least 1")
        with self.lock:
            self._failures.append(
                InjectedFailure(method.upper(), path_prefix, status, retry_after, times, after_commit)
            )

    def requests_to(self, method: str, path_prefix: str) -> list[RecordedRequest]:
        with self.lock:
            return [r for r in self.requests if method.upper() in ("*", r.method) and r.path.startswith(path_prefix)]

    def now(self) -> float:
        """The fake's clock (token lifetimes); tests may replace it."""
        return time.time()

    # -- answering ---------------------------------------------------------------------------------------------
    def _answer(self, method: str, target: str, headers: CaseInsensitiveDict, body: bytes) -> Reply | None:
        request = self._parse(method, target, headers, body)
        with self.lock:
            self.requests.append(request)
            hold = self._take_hold(request)
        if hold is not None:
            hold.released.wait(hold.seconds)  # outside the lock: other requests are answered meanwhile
            if hold.seconds is None:
                return None
        with self.lock:
            failure = self._take_failure(request)
            if failure is not None and not failure.after_commit:
                reply = self._failure_reply(failure, request)
            else:
                reply = self._dispatch(request)
                if failure is not None:
                    reply = self._failure_reply(failure, request)
            request.status = reply.status
        return reply

    def _parse(self, method: str, target: str, headers: CaseInsensitiveDict, body: bytes) -> RecordedRequest:
        parts = urlsplit(target)
        request = RecordedRequest(
            method=method.upper(),
            path=parts.path,
            query=flatten_query(parse_qs(parts.query, keep_blank_values=True)),
            headers=headers,
            body=body,
        )
        content_type = headers.get("Content-Type", "").lower()
        if content_type.startswith("application/x-www-form-urlencoded"):
            request.form = flatten_query(parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True))
        elif "json" in content_type and body:
            try:
                request.json = json.loads(body)
            except ValueError:
                request.json = None
        return request

    def _take_hold(self, request: RecordedRequest) -> InjectedHold | None:
        for hold in self._holds:
            if hold.matches(request):
                hold.times -= 1
                if hold.times == 0:
                    self._holds.remove(hold)
                return hold
        return None

    def _take_failure(self, request: RecordedRequest) -> InjectedFailure | None:
        for failure in self._failures:
            if failure.matches(request):
                failure.times -= 1
                if failure.times == 0:
                    self._failures.remove(failure)
                return failure
        return None

    def _failure_reply(self, failure: InjectedFailure, request: RecordedRequest) -> Reply:
        headers = {} if failure.retry_after is None else {"Retry-After": str(failure.retry_after)}
        return Reply(failure.status, self.failure_body(failure.status, request), headers)

    def _dispatch(self, request: RecordedRequest) -> Reply:
        allowed = []
        for route in self._routes:
            match = route.compiled.fullmatch(request.path)
            if match is None:
                continue
            if route.method != request.method:
                allowed.append(route.method)
                continue
            arguments = {name: _unquote(value) for name, value in match.groupdict().items()}
            try:
                return route.handler(request, **arguments)
            except Refusal as refusal:
                return refusal.reply
            except Exception:
                self.crashes.append(traceback.format_exc())
                return Reply(500, f"fake crashed:\n{traceback.format_exc()}")
        if allowed:
            return Reply(405, f"fake: {request.method} not allowed on {request.path}", {"Allow": ", ".join(allowed)})
        return self.no_route(request)


def _unquote(value: str | None) -> str | None:
    return None if value is None else unquote(value)
