#!/usr/bin/env python3
"""Local ClickHouse server for development and tests, without Docker.

Serves the part of ClickHouse's HTTP interface that clickhouse-jdbc (client-v2) uses,
executing every request in one persistent chDB session (PyPI ``chdb-core``: the ClickHouse
engine built as a library). Data lives in ``--path`` and survives restarts.

    python3 local/chdb_http_server.py --port 8123 --path ./data

JDBC URL: ``jdbc:clickhouse://127.0.0.1:8123/default?compress=false``.

What is spoken (docs/run.md, "The local ClickHouse server", and docs/develop.md, "How the tests find Kafka and ClickHouse"):
  * ``GET /ping`` and ``GET /`` -> ``Ok.``; ``GET /?query=...`` runs a read-only query;
  * ``POST /``: SQL in the body, or ``query=`` in the URL with the data in the body
    (``INSERT INTO t FORMAT RowBinary`` + binary rows); ``param_<name>`` query parameters;
  * output format from ``X-ClickHouse-Format`` / ``default_format`` (default TabSeparated);
    database from ``X-ClickHouse-Database`` / ``database``; Basic auth or
    ``X-ClickHouse-User``/``X-ClickHouse-Key``;
  * response headers ``X-ClickHouse-Format``, ``-Summary``, ``-Timezone``, ``-Query-Id``,
    ``-Server-Display-Name``; errors as HTTP 4xx/5xx with ``X-ClickHouse-Exception-Code`` and
    a ``Code: N. DB::Exception: ...`` body, exactly like ClickHouse.
Closed to web pages: a request with an ``Origin`` header (what a browser adds to a page's
request) is refused with 403 before anything runs, and so is a ``Host`` that does not name the
loopback address this server listens on (DNS rebinding). Users and passwords: ``--user``.
Not spoken: ClickHouse's native compressed responses (``compress=1``; the client must use
``compress=false``), compressed request bodies (``decompress=1``), HTTP sessions. Per-request settings (URL
parameters that are not protocol parameters) apply to that request: through the INSERT's
SETTINGS clause, or SET before and SET ... = DEFAULT after any other statement.
"""
import argparse
import base64
import json
import logging
import os
import re
import signal
import socket
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

LOG = logging.getLogger("chdb-http")

# ClickHouse error codes this front raises itself (names as in ClickHouse's ErrorCodes.cpp).
SYNTAX_ERROR = 62
UNKNOWN_TABLE = 60
UNKNOWN_DATABASE = 81
NOT_IMPLEMENTED = 48
BAD_ARGUMENTS = 36
READONLY = 164
ACCESS_DENIED = 497
AUTHENTICATION_FAILED = 516
UNKNOWN_EXCEPTION = 1002

# HTTP status per error code, as ClickHouse's HTTPHandler maps them; everything else is 500.
HTTP_STATUS_BY_CODE = {
    SYNTAX_ERROR: 400, BAD_ARGUMENTS: 400, UNKNOWN_TABLE: 404, UNKNOWN_DATABASE: 404,
    READONLY: 403, ACCESS_DENIED: 403, AUTHENTICATION_FAILED: 403, NOT_IMPLEMENTED: 501,
}

# URL parameters that are part of the protocol, not settings.
PROTOCOL_PARAMS = {"query", "database", "default_format", "query_id", "compress", "decompress",
                   "user", "password", "session_id", "session_timeout", "session_check",
                   "buffer_size", "wait_end_of_query", "quota_key", "enable_http_compression"}

INSERT_WITH_FORMAT = re.compile(rb"^\s*(INSERT\s+INTO\s+.+?)\s+FORMAT\s+([A-Za-z0-9_]+)[ \t]*\r?\n?",
                                re.IGNORECASE | re.DOTALL)
TRAILING_FORMAT = re.compile(r"\bFORMAT\s+([A-Za-z0-9_]+)\s*;?\s*$", re.IGNORECASE)
READ_ONLY_STATEMENT = re.compile(r"^\s*(SELECT|WITH|SHOW|DESCRIBE|DESC|EXISTS|EXPLAIN)\b",
                                 re.IGNORECASE)
ERROR_CODE = re.compile(r"Code: (\d+)\. ")


class ClickHouseError(Exception):
    """An error to report the way ClickHouse does: numeric code plus message."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message

    @staticmethod
    def from_engine(exc):
        text = str(exc)
        # chDB wraps streaming-insert failures ("Streaming insert finish failed: Code: 33. ...").
        match = ERROR_CODE.search(text)
        if not match:
            return ClickHouseError(UNKNOWN_EXCEPTION, f"Code: {UNKNOWN_EXCEPTION}. DB::Exception: {text}")
        return ClickHouseError(int(match.group(1)), text[match.start():].strip())


SETTING_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def identifier(name):
    if not SETTING_NAME.match(name):
        raise ClickHouseError(BAD_ARGUMENTS, f"Code: {BAD_ARGUMENTS}. DB::Exception: Invalid setting name {name!r}. (BAD_ARGUMENTS)")
    return name


def quote(text):
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def literal(value):
    """A setting's value as ClickHouse reads it from a URL: numbers as numbers, the rest as strings."""
    return value if re.fullmatch(r"-?\d+(\.\d+)?", value) else quote(value)


def settings_clause(settings):
    return ", ".join(f"{identifier(k)} = {literal(v)}" for k, v in settings.items())


class Engine:
    """One chDB session, shared by all connections.

    chDB runs one query at a time per session, so requests are serialised by a lock; the
    current database is per request (``USE`` under the same lock), like an HTTP request
    to ClickHouse that names its database.
    """

    def __init__(self, path):
        from chdb import session  # imported here so --help works without chdb installed
        os.makedirs(path, exist_ok=True)
        self._session = session.Session(path)
        self._lock = threading.Lock()
        self._database = None
        self._insert_file = os.path.join(tempfile.mkdtemp(prefix="chdb-http-"), "insert.data")
        self.timezone = self._query_text("SELECT timezone()").strip() or "UTC"
        self.version = self._query_text("SELECT version()").strip()

    def _query_text(self, sql):
        return self._session.query(sql, "TabSeparated").bytes().decode()

    def _use(self, database):
        if database != self._database:
            self._session.query(f"USE `{database}`")
            self._database = database

    def execute(self, sql, fmt, database, params, settings):
        """Runs one statement with the request's settings; returns (output bytes, summary dict)."""
        with self._lock:
            try:
                self._use(database)
                started = time.perf_counter()
                result = self._with_settings(settings, lambda: self._session.query(sql, fmt, params=params or None))
                body = result.bytes() or b""
                return body, {
                    "read_rows": result.rows_read(), "read_bytes": result.bytes_read(),
                    "written_rows": 0, "written_bytes": 0,
                    "elapsed_ns": int((time.perf_counter() - started) * 1e9),
                }
            except Exception as exc:  # chdb raises ChdbError / RuntimeError with ClickHouse text
                raise ClickHouseError.from_engine(exc) from None

    def insert(self, statement, fmt, data, database, settings):
        """Inserts ``data`` (already encoded in ``fmt``) with ``statement``; returns the summary.

        The data goes through a file and ``INSERT ... FROM INFILE``: a plain query, so every
        rejection (bad data, too many partitions, a type mismatch in the header) comes back as
        an error with ClickHouse's code, and the per-request settings apply through the
        statement's own SETTINGS clause. (chDB's streaming insert API reported rows as written
        for inserts that ClickHouse had rejected.) ``written_rows`` is ClickHouse's own count,
        which includes rows that materialized views wrote, as on a server.
        """
        with self._lock:
            try:
                self._use(database)
                started = time.perf_counter()
                with open(self._insert_file, "wb") as handle:
                    handle.write(data)
                clause = f" SETTINGS {settings_clause(settings)}" if settings else ""
                result = self._session.query(
                    f"{statement} FROM INFILE {quote(self._insert_file)}{clause} FORMAT {fmt}", "TabSeparated")
                return {
                    "read_rows": 0, "read_bytes": 0,
                    "written_rows": result.rows_written(), "written_bytes": result.bytes_written(),
                    "elapsed_ns": int((time.perf_counter() - started) * 1e9),
                }
            except Exception as exc:
                raise ClickHouseError.from_engine(exc) from None
            finally:
                try:
                    os.truncate(self._insert_file, 0)
                except OSError:
                    pass

    def _with_settings(self, settings, run):
        """Runs ``run`` with ``settings`` applied to the session for this request only."""
        if not settings:
            return run()
        for name, value in settings.items():
            self._session.query(f"SET {identifier(name)} = {literal(value)}")
        try:
            return run()
        finally:
            for name in settings:
                self._session.query(f"SET {identifier(name)} = DEFAULT")

    def close(self):
        with self._lock:
            self._session.close()


class Request:
    """What one HTTP request asks for, parsed from URL, headers and body."""

    def __init__(self, handler, body):
        url = urlsplit(handler.path)
        self.path = url.path
        self.params = dict(parse_qsl(url.query, keep_blank_values=True))
        headers = handler.headers
        self.body = body
        self.query_id = self.params.get("query_id") or headers.get("X-ClickHouse-Query-Id") or str(uuid.uuid4())
        self.database = headers.get("X-ClickHouse-Database") or self.params.get("database") or "default"
        self.format = headers.get("X-ClickHouse-Format") or self.params.get("default_format") or "TabSeparated"
        self.query_params = {k[len("param_"):]: v for k, v in self.params.items() if k.startswith("param_")}
        self.settings = {k: v for k, v in self.params.items()
                         if k not in PROTOCOL_PARAMS and not k.startswith("param_")}
        self.user, self.password = self._credentials(headers)

    def _credentials(self, headers):
        auth = headers.get("Authorization", "")
        if auth.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
                return user, password
            except (ValueError, UnicodeDecodeError):
                raise ClickHouseError(AUTHENTICATION_FAILED, "Code: 516. DB::Exception: Malformed Basic authorization header. (AUTHENTICATION_FAILED)")
        user = headers.get("X-ClickHouse-User") or self.params.get("user") or "default"
        password = headers.get("X-ClickHouse-Key") or self.params.get("password") or ""
        return user, password


def _loopback_host(host):
    """Whether a Host header names this machine's loopback interface (with or without a port)."""
    name = host.strip().lower()
    if name.startswith("["):
        name = name[1:name.find("]")] if "]" in name else name
    elif name.count(":") == 1:
        name = name.partition(":")[0]
    return name in ("localhost", "::1") or name.startswith("127.")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the client pools connections
    # Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm and the
    # client's delayed ACK add ~40 ms to every response.
    disable_nagle_algorithm = True
    server_version = "ClickHouse-chDB"
    engine = None      # set by serve()
    users = {}         # user -> password
    loopback_only = True  # listening on a loopback address only: Host must name it

    def log_message(self, fmt, *args):
        LOG.debug("%s " + fmt, self.address_string(), *args)

    # --- transport -------------------------------------------------------------------
    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status, body, headers):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_error(self, request_id, error):
        body = (error.message.rstrip() + "\n").encode()
        LOG.info("query %s failed: %s", request_id, error.message.splitlines()[0] if error.message else error.code)
        self._send(HTTP_STATUS_BY_CODE.get(error.code, 500), body, {
            "Content-Type": "text/plain; charset=UTF-8",
            "X-ClickHouse-Exception-Code": str(error.code),
            "X-ClickHouse-Query-Id": request_id,
            "X-ClickHouse-Server-Display-Name": socket.gethostname(),
        })

    # --- verbs -----------------------------------------------------------------------
    def do_GET(self):
        if not self._from_this_machine():
            return
        path = urlsplit(self.path).path
        if path in ("/ping", "/") and "query=" not in self.path:
            self._send(200, b"Ok.\n", {"Content-Type": "text/plain; charset=UTF-8"})
            return
        self._handle(readonly=True)

    do_HEAD = do_GET

    def do_POST(self):
        if not self._from_this_machine():
            self._read_body()
            return
        self._handle(readonly=False)

    def _from_this_machine(self):
        """Refuses what a web page can make a browser send here (answered 403, nothing run).

        Any page the user visits may POST to http://127.0.0.1:8123/ with Content-Type
        text/plain, which needs no CORS preflight: the browser sends it, with an Origin header,
        and only hides the answer from the page, after the query ran. ClickHouse's clients
        (clickhouse-jdbc, curl, Grafana's back end) send no Origin, so every request that has
        one is refused, "null" included. A page on a host name that resolves to 127.0.0.1 (DNS
        rebinding) is same-origin and may send none: while this server listens on a loopback
        address, a Host header that is not a loopback name is refused too.
        """
        origin = self.headers.get("Origin")
        if origin is not None:
            reason = f"requests from web pages are refused (Origin: {origin[:100]})"
        elif self.loopback_only and not _loopback_host(self.headers.get("Host", "")):
            reason = f"Host {self.headers.get('Host', '')[:100]!r} is not this machine's loopback address"
        else:
            return True
        LOG.warning("refused a request from %s: %s", self.address_string(), reason)
        self._send(403, f"Code: {ACCESS_DENIED}. DB::Exception: {reason}. (ACCESS_DENIED)\n".encode(), {
            "Content-Type": "text/plain; charset=UTF-8",
            "X-ClickHouse-Exception-Code": str(ACCESS_DENIED),
            "Connection": "close",
        })
        self.close_connection = True
        return False

    def _handle(self, readonly):
        body = self._read_body()
        query_id = "-"
        try:
            request = Request(self, body)
            query_id = request.query_id
            if request.path not in ("/", ""):
                raise ClickHouseError(BAD_ARGUMENTS, f"Code: {BAD_ARGUMENTS}. DB::Exception: Unknown path {request.path}. (BAD_ARGUMENTS)")
            self._authenticate(request)
            self._check_transport(request)
            output, summary, fmt = self._execute(request, readonly)
        except ClickHouseError as error:
            self._send_error(query_id, error)
            return
        self._send(200, output, {
            "Content-Type": "application/octet-stream" if "Binary" in fmt or fmt == "Native" else "text/plain; charset=UTF-8",
            "X-ClickHouse-Format": fmt,
            "X-ClickHouse-Query-Id": request.query_id,
            "X-ClickHouse-Timezone": self.engine.timezone,
            "X-ClickHouse-Server-Display-Name": socket.gethostname(),
            # ClickHouse sends every summary value as a string.
            "X-ClickHouse-Summary": json.dumps({k: str(v) for k, v in summary.items()}, separators=(",", ":")),
        })

    def _authenticate(self, request):
        expected = self.users.get(request.user)
        if expected is None or expected != request.password:
            raise ClickHouseError(AUTHENTICATION_FAILED, f"Code: {AUTHENTICATION_FAILED}. DB::Exception: {request.user}: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)")

    @staticmethod
    def _check_transport(request):
        if request.params.get("compress") in ("1", "true"):
            raise ClickHouseError(NOT_IMPLEMENTED, f"Code: {NOT_IMPLEMENTED}. DB::Exception: This local server does not produce ClickHouse-compressed responses: connect with compress=false (e.g. jdbc:clickhouse://host:port/db?compress=false). (NOT_IMPLEMENTED)")
        if request.params.get("decompress") in ("1", "true"):
            raise ClickHouseError(NOT_IMPLEMENTED, f"Code: {NOT_IMPLEMENTED}. DB::Exception: This local server does not accept compressed request bodies (decompress=1). (NOT_IMPLEMENTED)")
        if request.settings:
            LOG.debug("query %s: settings %s", request.query_id, request.settings)

    def _execute(self, request, readonly):
        if "query" in request.params:
            head, data = request.params["query"].encode(), request.body
        else:
            head, data = request.body, b""
        insert = INSERT_WITH_FORMAT.match(head)
        if insert:
            if readonly:
                raise ClickHouseError(READONLY, f"Code: {READONLY}. DB::Exception: Cannot execute query in readonly mode: an INSERT must be sent with POST. (READONLY)")
            statement, fmt = insert.group(1).decode(), insert.group(2).decode()
            inline = head[insert.end():]  # data following the FORMAT clause inside the SQL itself
            payload = inline + data if inline else data
            summary = self.engine.insert(statement, fmt, payload, request.database, request.settings)
            LOG.debug("query %s: %s FORMAT %s -> %s rows", request.query_id, statement, fmt, summary["written_rows"])
            return b"", summary, request.format
        try:
            sql = (head + (b"\n" + data if data else b"")).decode("utf-8")
        except UnicodeDecodeError:
            raise ClickHouseError(SYNTAX_ERROR, f"Code: {SYNTAX_ERROR}. DB::Exception: Query is not valid UTF-8 (binary data needs INSERT ... FORMAT <format>). (SYNTAX_ERROR)")
        if not sql.strip():
            raise ClickHouseError(SYNTAX_ERROR, f"Code: {SYNTAX_ERROR}. DB::Exception: Empty query. (SYNTAX_ERROR)")
        if readonly and not READ_ONLY_STATEMENT.match(sql):
            raise ClickHouseError(READONLY, f"Code: {READONLY}. DB::Exception: Cannot execute query in readonly mode: only read queries may use GET. (READONLY)")
        explicit = TRAILING_FORMAT.search(sql)
        fmt = explicit.group(1) if explicit else request.format
        output, summary = self.engine.execute(sql, fmt, request.database, request.query_params, request.settings)
        LOG.debug("query %s: %s", request.query_id, sql[:200].replace("\n", " "))
        return output, summary, fmt


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client dropping a pooled keep-alive connection is normal, not a server error.
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            LOG.debug("%s closed the connection", client_address)
            return
        super().handle_error(request, client_address)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Local ClickHouse (chDB-backed) speaking ClickHouse's HTTP interface for clickhouse-jdbc.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8123, help="HTTP port (default 8123; 0 picks a free port)")
    parser.add_argument("--path", default="./data", help="data directory, created if missing (default ./data)")
    parser.add_argument("--user", action="append", default=[], metavar="NAME[:PASSWORD]",
                        help="accepted user; repeatable. Default: 'default' with password $CLICKHOUSE_PASSWORD (empty if unset)")
    parser.add_argument("--port-file", help="write the bound port to this file once ready (for tests)")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    parser.add_argument("--exit-with-parent", action="store_true",
                        help="shut down when the process that started this one exits (for test runs)")
    return parser.parse_args(argv)


def serve(args):
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    users = {}
    for spec in args.user or [f"default:{os.environ.get('CLICKHOUSE_PASSWORD', '')}"]:
        name, _, password = spec.partition(":")
        users[name] = password
    try:
        engine = Engine(args.path)
    except ImportError:
        LOG.error("chDB is not installed: pip install -r local/requirements.txt (or run local/python.sh)")
        return 3
    Handler.engine, Handler.users = engine, users
    Handler.loopback_only = _loopback_host(args.host)
    try:
        server = Server((args.host, args.port), Handler)
    except OSError as exc:
        LOG.error("cannot listen on %s:%s: %s", args.host, args.port, exc)
        return 2
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as handle:
            handle.write(str(port))
        os.replace(tmp, args.port_file)  # atomic: readers never see a half-written port
    LOG.info("ClickHouse %s (chDB) on http://%s:%d, data in %s, users %s",
             engine.version, args.host, port, os.path.abspath(args.path), ", ".join(sorted(users)))

    def stop(signum, _frame):
        LOG.info("signal %d: shutting down", signum)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.exit_with_parent:
        parent = os.getppid()

        def watch_parent():
            # Re-parented (to init or a subreaper) once the parent is gone: a killed test JVM
            # must not leave its ClickHouse running.
            while os.getppid() == parent:
                time.sleep(1)
            LOG.info("parent process %d exited: shutting down", parent)
            server.shutdown()

        threading.Thread(target=watch_parent, name="parent-watch", daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        engine.close()  # under the engine lock: an in-flight insert completes first
        LOG.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(serve(parse_args(sys.argv[1:])))
