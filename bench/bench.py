#!/usr/bin/env python3
"""lambda-mcp benchmark: the function against the physical floor and the peers, in one run.

Run it through `bench/run` (which installs and builds what this needs); see README, Performance.

What it measures, on this machine, side by side:
  cold    spawn -> first Runtime API poll (init), spawn -> first authenticated `initialize`
          answered (key fetched from the local Secrets Manager), over fresh processes
  warm    per-invocation latency of initialize, tools/list, get_order, search_orders through
          the Runtime API loop (events fed back-to-back to one process); peers over HTTP keep-alive
  memory  peak RSS (VmHWM) of the function process after the warm run
  package size of the zipped deployment package
  work    DynamoDB requests per tool call and items read vs returned, counted by a proxy in front
          of moto, at 1k and 100k orders
  oauth   the cold handshake with an OAuth access token (keys fetched from the tests' local
          authorization server) against the API key one; warm initialize CPU with a token against
          a key (the verification's cost); no key fetch for an initialize without a token
  bound   customer-bound lookups (bench/identity.py): another customer's order or email against a
          missing one, interleaved, time and CPU compared with a rank test
Baselines: the floor (bench/floor, a bare lambda_http hello-world, same profile), the official
TypeScript SDK (stateless JSON mode) and the official Python SDK's FastMCP (stateless JSON mode).
"""
import argparse
import hashlib
import json
import os
import queue
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile

import boto3

if __name__ == "__main__":
    sys.modules["bench"] = sys.modules["__main__"]  # bench/identity.py uses this module as `bench`
import identity  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
PEERS = os.path.join(BENCH, ".peers")
OUT = os.path.join(ROOT, "target", "bench")
KEY = "bench-key-0123456789abcdef"
SECRET = "lambda-mcp-bench/api-key"
TABLE_SMALL, TABLE_LARGE = "bench-orders-1k", "bench-orders-100k"
PROTOCOL = "2025-06-18"
now = time.perf_counter


# --------------------------------------------------------------------------------------------
# Minimal HTTP/1.1 over raw sockets (TCP_NODELAY everywhere): little Python between the bytes and
# the timestamps, the same code for the Runtime API emulator, the HTTP client and the proxy.

class Conn:
    def __init__(self, sock):
        self.sock = sock
        self.buf = bytearray()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _fill(self):
        chunk = self.sock.recv(262144)
        if not chunk:
            raise EOFError
        self.buf += chunk

    def read_message(self):
        """One request or response: (start line, headers dict lower-cased, body, time the head
        arrived, time the body was complete)."""
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        t_head = now()
        end = self.buf.index(b"\r\n\r\n")
        lines = bytes(self.buf[:end]).decode("latin-1").split("\r\n")
        del self.buf[:end + 4]
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            n = int(headers["content-length"])
            while len(self.buf) < n:
                self._fill()
            body = bytes(self.buf[:n])
            del self.buf[:n]
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = bytearray()
            while True:
                while b"\r\n" not in self.buf:
                    self._fill()
                i = self.buf.index(b"\r\n")
                size = int(bytes(self.buf[:i]).split(b";")[0], 16)
                while len(self.buf) < i + 2 + size + 2:
                    self._fill()
                body += self.buf[i + 2:i + 2 + size]
                del self.buf[:i + 2 + size + 2]
                if size == 0:
                    break
            body = bytes(body)
        else:
            body = b""
        return lines[0], headers, body, t_head, now()

    def send(self, data):
        self.sock.sendall(data)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def listener():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(128)
    return s


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=60, proc=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"nothing listens on {port}")


# --------------------------------------------------------------------------------------------
# The Lambda Runtime API emulator: hands out queued events on /next, timestamps each hand-over and
# the response that comes back.

class RuntimeApi:
    def __init__(self):
        self.sock = listener()
        self.port = self.sock.getsockname()[1]
        self.events = queue.Queue()
        self.responses = queue.Queue()
        self.first_poll = None
        self.sent = {}
        self.conns = []
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                s, _ = self.sock.accept()
            except OSError:
                return
            conn = Conn(s)
            self.conns.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        try:
            while True:
                start, _, body, t_head, t_body = conn.read_message()
                method, path = start.split(" ")[:2]
                if method == "GET" and path.endswith("/runtime/invocation/next"):
                    if self.first_poll is None:
                        self.first_poll = t_head
                    item = self.events.get()
                    if item is None:
                        self.events.put(None)
                        return
                    request_id, event = item
                    head = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                            f"Lambda-Runtime-Aws-Request-Id: {request_id}\r\n"
                            f"Lambda-Runtime-Deadline-Ms: {int(time.time() * 1000) + 30000}\r\n"
                            "Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:123456789012:function:bench\r\n"
                            f"Lambda-Runtime-Trace-Id: {self.trace_id(request_id)}\r\n"
                            f"Content-Length: {len(event)}\r\n\r\n").encode()
                    self.sent[request_id] = now()
                    conn.send(head + event)
                elif method == "POST":
                    parts = path.split("/")
                    kind = parts[-1]  # response | error (invocation or init)
                    request_id = parts[-2] if parts[-3] == "invocation" else "init"
                    conn.send(b"HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{}")
                    self.responses.put((request_id, kind, self.sent.get(request_id), t_body, body))
                else:
                    conn.send(b"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}")
        except (EOFError, OSError, ValueError, IndexError):
            conn.close()

    def trace_id(self, request_id):
        """The Lambda-Runtime-Trace-Id handed over with an event: a new one per invocation, as
        Lambda sends (a fixed one hid lambda_runtime's per-invocation setenv leak from the
        benchmark). bench/guard uses a fixed-width sequence instead, to count instructions."""
        return f"Root=1-{int(time.time()):08x}-{os.urandom(12).hex()};Parent={os.urandom(8).hex()};Sampled=0"

    def invoke(self, request_id, event, timeout=30):
        """Queues one event and waits for its answer: (seconds from hand-over to response, the
        function's response document)."""
        self.events.put((request_id, event))
        return self.wait(request_id, timeout)

    def wait(self, request_id, timeout=30):
        while True:
            rid, kind, sent, done, body = self.responses.get(timeout=timeout)
            if kind != "response":
                raise RuntimeError(f"the function reported an error: {body[:500]!r}")
            if rid == request_id:
                return done - sent, json.loads(body), done

    def close(self):
        self.closed = True
        self.events.put(None)
        try:
            self.sock.close()
        except OSError:
            pass
        for conn in self.conns:
            conn.close()


def url_event(body, key=KEY, protocol=PROTOCOL, token=None, headers=None):
    """A Lambda function URL (payload v2) event carrying one JSON-RPC message, authenticated by
    the API key `key` or, when given, the OAuth access token `token`; `headers` are added."""
    text = json.dumps(body, separators=(",", ":"))
    fields = {
        "accept": "application/json, text/event-stream",
        "content-type": "application/json",
        "content-length": str(len(text)),
        "host": "abcdefg.lambda-url.us-east-1.on.aws",
        "user-agent": "bench",
        "x-forwarded-proto": "https",
    }
    if token:
        fields["authorization"] = f"Bearer {token}"
    elif key:
        fields["x-api-key"] = key
    fields.update(headers or {})
    if protocol and body.get("method") != "initialize":
        fields["mcp-protocol-version"] = protocol
    return json.dumps({
        "version": "2.0", "routeKey": "$default", "rawPath": "/mcp", "rawQueryString": "",
        "headers": fields,
        "requestContext": {
            "accountId": "anonymous", "apiId": "abcdefg", "domainName": "abcdefg.lambda-url.us-east-1.on.aws",
            "domainPrefix": "abcdefg", "requestId": "bench", "routeKey": "$default", "stage": "$default",
            "time": "01/Jan/2026:00:00:00 +0000", "timeEpoch": 1767225600000,
            "http": {"method": "POST", "path": "/mcp", "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "bench"},
        },
        "body": text, "isBase64Encoded": False,
    }).encode()


def rpc(method, params=None, id=1):
    message = {"jsonrpc": "2.0", "id": id, "method": method}
    if params is not None:
        message["params"] = params
    return message


INITIALIZE = rpc("initialize", {"protocolVersion": PROTOCOL, "capabilities": {},
                                "clientInfo": {"name": "bench", "version": "1.0.0"}})
TOOLS_LIST = rpc("tools/list", {})


def call(name, arguments):
    return rpc("tools/call", {"name": name, "arguments": arguments})


def rpc_result(status, body, what):
    """The JSON-RPC result of an answer, checking it is a success (a benchmark of errors is worthless)."""
    if status != 200:
        raise RuntimeError(f"{what}: HTTP {status}: {body[:300]!r}")
    doc = json.loads(body)
    if "result" not in doc:
        raise RuntimeError(f"{what}: {str(doc)[:300]}")
    result = doc["result"]
    if result.get("isError"):
        raise RuntimeError(f"{what}: tool error: {str(result)[:300]}")
    return result


def lambda_result(response, what):
    body = response.get("body") or ""
    if response.get("isBase64Encoded"):
        import base64
        body = base64.b64decode(body).decode()
    return rpc_result(response.get("statusCode"), body, what)


# --------------------------------------------------------------------------------------------
# Processes

class Spawner:
    """Starts measured processes: logs to files, optionally inside a CPU-limited cgroup."""

    def __init__(self, logs):
        self.logs = logs
        self.cgroup = None
        self.procs = []

    def start(self, name, argv, env, cwd=None):
        log = open(os.path.join(self.logs, f"{name}.log"), "ab")
        extra = {}
        if self.cgroup:
            procs = os.path.join(self.cgroup, "cgroup.procs")
            extra["preexec_fn"] = lambda: open(procs, "w").write("0")
        t = now()
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, **extra)
        log.close()
        self.procs.append(proc)
        return proc, t

    @staticmethod
    def peak_rss_kb(proc):
        try:
            with open(f"/proc/{proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1])
        except OSError:
            return None

    @staticmethod
    def cpu_seconds(proc):
        """User + system CPU the process has used so far."""
        try:
            with open(f"/proc/{proc.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            return None

    def stop(self, proc):
        """Kills the process; returns the CPU seconds it used (exact, from wait4)."""
        cpu = None
        if proc.returncode is None:
            if proc.poll() is None:
                proc.kill()
            try:
                _, status, usage = os.wait4(proc.pid, 0)
                proc.returncode = status
                cpu = usage.ru_utime + usage.ru_stime
            except ChildProcessError:
                proc.wait()
        if proc in self.procs:
            self.procs.remove(proc)
        return cpu

    def stop_all(self):
        for proc in list(self.procs):
            self.stop(proc)


def lambda_env(base, api, table):
    env = dict(base)
    env.update(AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{api.port}", AWS_LAMBDA_FUNCTION_NAME="bench",
               AWS_LAMBDA_FUNCTION_MEMORY_SIZE="128", AWS_LAMBDA_FUNCTION_VERSION="$LATEST",
               AWS_LAMBDA_LOG_STREAM_NAME="bench", AWS_LAMBDA_LOG_GROUP_NAME="bench",
               AWS_LAMBDA_LOG_FORMAT="JSON", _HANDLER="bootstrap", ORDERS_TABLE=table,
               MCP_API_KEY_SECRET_ID=SECRET)
    return env


class Function:
    """A Lambda function binary driven through its own Runtime API emulator."""

    def __init__(self, name, binary, extra_env=None, event=None):
        self.name, self.binary, self.extra_env = name, binary, extra_env or {}
        self.event = event or {}  # url_event's arguments for every invocation (a token, headers)

    def env(self, base_env, api, table):
        return dict(lambda_env(base_env, api, table), **self.extra_env)

    def cold(self, spawner, base_env, table):
        """One cold start: init and handshake seconds, peak RSS kB, CPU seconds used."""
        api = RuntimeApi()
        api.events.put(("cold-1", url_event(INITIALIZE, **self.event)))
        proc, t0 = spawner.start(self.name, [self.binary], self.env(base_env, api, table))
        result = {}
        try:
            _, response, done = api.wait("cold-1")
            if self.name != "floor":
                lambda_result(response, f"{self.name} cold initialize")
            result = {"init": api.first_poll - t0, "handshake": done - t0, "rss_kb": spawner.peak_rss_kb(proc)}
        finally:
            result["cpu"] = spawner.stop(proc)
            api.close()
        return result

    def start(self, spawner, base_env, table):
        self.api = RuntimeApi()
        self.cpu_mark = None
        self.proc, _ = spawner.start(self.name, [self.binary], self.env(base_env, self.api, table))
        self.seq = 0
        self.spawner = spawner

    def invoke(self, message, what=None, check=True, **event):
        self.seq += 1
        latency, response, _ = self.api.invoke(f"req-{self.seq}", url_event(message, **{**self.event, **event}))
        result = lambda_result(response, what or message.get("method")) if check else response
        return latency, result

    def stop(self):
        rss = self.spawner.peak_rss_kb(self.proc)
        self.spawner.stop(self.proc)
        self.api.close()
        return rss


class HttpPeer:
    """An MCP server over HTTP on loopback (the TypeScript and Python SDK peers)."""

    def __init__(self, name, argv_for_port, cwd=None):
        self.name, self.argv_for_port, self.cwd = name, argv_for_port, cwd

    def _request(self, message, port, key=KEY):
        body = json.dumps(message, separators=(",", ":")).encode()
        head = (f"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
                "Accept: application/json, text/event-stream\r\n"
                + (f"MCP-Protocol-Version: {PROTOCOL}\r\n" if message.get("method") != "initialize" else "")
                + (f"x-api-key: {key}\r\n" if key else "")
                + f"Content-Length: {len(body)}\r\n\r\n")
        return head.encode() + body

    def cold(self, spawner, base_env, table):
        """Spawn -> first authenticated initialize answered over HTTP: handshake seconds, peak RSS kB,
        CPU seconds used."""
        port = free_port()
        env = dict(base_env, ORDERS_TABLE=table, MCP_API_KEY_SECRET_ID=SECRET)
        request = self._request(INITIALIZE, port)
        proc, t0 = spawner.start(self.name, self.argv_for_port(port), env, self.cwd)
        result = {}
        try:
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"{self.name} exited with {proc.returncode}; see {spawner.logs}/{self.name}.log")
                if now() - t0 > 60:
                    raise RuntimeError(f"{self.name} did not listen within 60 s")
                try:
                    sock = socket.create_connection(("127.0.0.1", port), 1)
                    sock.settimeout(120)
                    break
                except OSError:
                    time.sleep(0.001)
            conn = Conn(sock)
            conn.send(request)
            status, _, body, _, done = conn.read_message()
            rpc_result(int(status.split()[1]), body, f"{self.name} cold initialize")
            conn.close()
            result = {"init": None, "handshake": done - t0, "rss_kb": spawner.peak_rss_kb(proc)}
        finally:
            result["cpu"] = spawner.stop(proc)
        return result

    def start(self, spawner, base_env, table):
        port = free_port()
        env = dict(base_env, ORDERS_TABLE=table, MCP_API_KEY_SECRET_ID=SECRET)
        self.proc, _ = spawner.start(self.name, self.argv_for_port(port), env, self.cwd)
        self.spawner = spawner
        wait_port(port, proc=self.proc)
        self.port = port
        self.conn = Conn(socket.create_connection(("127.0.0.1", port)))

    def invoke(self, message, what=None, check=True):
        request = self._request(message, self.port)
        t0 = now()
        self.conn.send(request)
        status, headers, body, _, done = self.conn.read_message()
        if headers.get("connection", "").lower() == "close":
            raise RuntimeError(f"{self.name} closed the keep-alive connection")
        result = rpc_result(int(status.split()[1]), body, what or message.get("method")) if check else body
        return done - t0, result

    def stop(self):
        rss = self.spawner.peak_rss_kb(self.proc)
        self.conn.close()
        self.spawner.stop(self.proc)
        return rss


# --------------------------------------------------------------------------------------------
# Counting proxy in front of moto: DynamoDB / Secrets Manager requests by X-Amz-Target, and the
# items each DynamoDB answer carried (Count / ScannedCount / Items / Item).

class CountingProxy:
    def __init__(self, upstream_port):
        self.upstream = upstream_port
        self.capture = None  # a file: BatchWriteItem bodies are written there and not forwarded
        self.sock = listener()
        self.port = self.sock.getsockname()[1]
        self.lock = threading.Lock()
        self.calls = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                s, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(Conn(s),), daemon=True).start()

    def _serve(self, client):
        upstream = Conn(socket.create_connection(("127.0.0.1", self.upstream)))
        try:
            while True:
                start, headers, body, _, _ = client.read_message()
                target = headers.get("x-amz-target", "?")
                if self.capture and target.endswith(".BatchWriteItem"):
                    with self.lock:
                        self.capture.write(body + b"\n")
                    reply = b'{"UnprocessedItems":{}}'
                    client.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\n"
                                b"Content-Length: %d\r\n\r\n%s" % (len(reply), reply))
                    continue
                lines = [start] + [f"{k}: {v}" for k, v in headers.items()
                                   if k not in ("content-length", "transfer-encoding", "connection")]
                upstream.send(("\r\n".join(lines) + f"\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body)
                status, rheaders, rbody, _, _ = upstream.read_message()
                record = {"target": target, "status": int(status.split()[1])}
                if target.startswith("DynamoDB"):
                    try:
                        doc = json.loads(rbody or b"{}")
                        request = json.loads(body or b"{}")
                    except ValueError:
                        doc, request = {}, {}
                    record.update(
                        count=doc.get("Count", len(doc.get("Items", [])) if "Items" in doc else (1 if "Item" in doc else 0)),
                        scanned=doc.get("ScannedCount"),
                        limit=request.get("Limit"), index=request.get("IndexName"))
                with self.lock:
                    self.calls.append(record)
                out = [status] + [f"{k}: {v}" for k, v in rheaders.items()
                                  if k not in ("content-length", "transfer-encoding", "connection")]
                client.send(("\r\n".join(out) + f"\r\nContent-Length: {len(rbody)}\r\n\r\n").encode() + rbody)
        except (EOFError, OSError):
            pass
        finally:
            client.close()
            upstream.close()

    def take(self):
        with self.lock:
            calls, self.calls = self.calls, []
        return calls


# --------------------------------------------------------------------------------------------
# Statistics and the table

def pct(values, p):
    s = sorted(values)
    if not s:
        return float("nan")
    k = (len(s) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def cold_stats(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def warm_stats(values):
    return {"p50": pct(values, 50), "p99": pct(values, 99), "min": min(values), "max": max(values), "n": len(values)}


def ms(v):
    if v is None:
        return "-"
    v *= 1000
    return f"{v:.2f}" if v < 10 else f"{v:.1f}" if v < 100 else f"{v:.0f}"


def fmt_cold(s):
    return f"{ms(s['median'])} ({ms(s['min'])}-{ms(s['max'])})" if s else "-"


def fmt_warm(s):
    return f"{ms(s['p50'])} / {ms(s['p99'])}" if s else "-"


def ratio(a, b):
    return a / b if a and b else None


def fmt_ratio(r):
    return "-" if r is None else f"{r:.2f}x" if r < 10 else f"{r:.0f}x"


def verdict(ok):
    return "-" if ok is None else ("MET" if ok else "MISSED")


class Table:
    def __init__(self, title, columns):
        self.title, self.columns, self.rows = title, columns, []

    def add(self, *cells):
        self.rows.append([str(c) for c in cells])

    def render(self):
        widths = [max(len(self.columns[i]), *(len(r[i]) for r in self.rows)) if self.rows else len(self.columns[i])
                  for i in range(len(self.columns))]
        line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"
        out = [f"\n### {self.title}\n", line(self.columns), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
        out += [line(r) for r in self.rows]
        return "\n".join(out)


# --------------------------------------------------------------------------------------------

def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def seed(env, table, orders):
    seeder = os.path.join(ROOT, "target/release/lambda-mcp-seed")
    t = time.time()
    subprocess.run([seeder, "--table", table, "--orders", str(orders)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return time.time() - t


def seed_bulk(env, table, orders, moto_port):
    """lambda-mcp-seed creates the table in moto and produces the items; its BatchWriteItem calls
    are captured by the proxy and loaded inside moto in one go (moto takes tens of minutes over
    HTTP for 100k orders)."""
    proxy = CountingProxy(moto_port)
    path = os.path.join(OUT, f"{table}.batches.jsonl")
    t = time.time()
    with open(path, "wb") as capture:
        proxy.capture = capture
        seed(dict(env, AWS_ENDPOINT_URL=f"http://127.0.0.1:{proxy.port}"), table, orders)
    produced = time.time() - t
    conn = Conn(socket.create_connection(("127.0.0.1", moto_port)))
    body = path.encode()
    conn.send(b"POST /_bench/load HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
    conn.sock.settimeout(1200)
    status, _, reply, _, _ = conn.read_message()
    conn.close()
    os.remove(path)
    if " 200 " not in status + " ":
        raise RuntimeError(f"bulk load failed: {status} {reply[:200]!r}")
    return produced, time.time() - t - produced, json.loads(reply)["items"]


def pick_subjects(dynamo, table):
    """An order with lines and a shipment, and a customer with more orders than the default limit
    (so search_orders has to stop at its limit), found with a setup-only Scan."""
    order = customer = status = None
    start = None
    while order is None or customer is None:
        kwargs = {"TableName": table, "Limit": 500}
        if start:
            kwargs["ExclusiveStartKey"] = start
        page = dynamo.scan(**kwargs)
        for item in page["Items"]:
            entity = item.get("entity", {}).get("S")
            if order is None and entity == "order" and item["status"]["S"] in ("shipped", "delivered") \
                    and int(item["item_count"]["N"]) >= 2:
                order = item["number"]["S"]
            if customer is None and entity == "customer" and int(item["order_count"]["N"]) >= 8:
                customer = item["email"]["S"]
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    if customer:
        out = dynamo.query(TableName=table, IndexName="gsi1", KeyConditionExpression="gsi1pk = :pk",
                           ExpressionAttributeValues={":pk": {"S": f"CUSTOMER#{customer}"}})
        statuses = {}
        for item in out["Items"]:
            if item.get("entity", {}).get("S") == "order":
                statuses[item["status"]["S"]] = statuses.get(item["status"]["S"], 0) + 1
        status = max(statuses, key=statuses.get)
    if not (order and customer):
        raise RuntimeError(f"no suitable order/customer in {table}")
    return {"order": order, "email": customer, "status": status}


def tool_calls(subjects):
    s = subjects
    return [
        ("get_order", call("get_order", {"order_number": s["order"]})),
        ("search_orders (email)", call("search_orders", {"email": s["email"]})),
        ("search_orders (email, status)", call("search_orders", {"email": s["email"], "status": s["status"]})),
        ("search_orders (order number)", call("search_orders", {"order_number": s["order"]})),
        ("get_customer", call("get_customer", {"email": s["email"]})),
    ]


def items_returned(name, result):
    """How many stored items the tool's answer lists (from structuredContent)."""
    sc = result.get("structuredContent") or {}
    if name == "get_order":
        return 1 + len(sc.get("lines", [])) + len(sc.get("shipments", [])), \
            f"1 order + {len(sc.get('lines', []))} lines + {len(sc.get('shipments', []))} shipments"
    if name == "get_customer":
        return 1 + len(sc.get("recent_orders", [])), f"profile + {len(sc.get('recent_orders', []))} orders"
    orders = len(sc.get("orders", []))
    if "total_orders" in sc:
        return orders + 1, f"{orders} orders + profile (total {sc['total_orders']})"
    return orders, f"{orders} orders"


def cgroup_limit(quota_fraction):
    """A cgroup (v1 cpu or v2) limiting its members to `quota_fraction` of one CPU, or None."""
    period = 20000
    quota = max(1000, int(period * quota_fraction))
    name = f"lambda-mcp-bench-{os.getpid()}"
    for base, v2 in (("/sys/fs/cgroup/cpu", False), ("/sys/fs/cgroup", True), ("/sys/fs/cgroup/unified", True)):
        path = os.path.join(base, name)
        try:
            if v2 and not os.path.exists(os.path.join(base, "cgroup.controllers")):
                continue
            if not v2 and not os.path.exists(os.path.join(base, "cpu.cfs_quota_us")):
                continue
            os.mkdir(path)
            if v2:
                with open(os.path.join(path, "cpu.max"), "w") as f:
                    f.write(f"{quota} {period}")
            else:
                with open(os.path.join(path, "cpu.cfs_period_us"), "w") as f:
                    f.write(str(period))
                with open(os.path.join(path, "cpu.cfs_quota_us"), "w") as f:
                    f.write(str(quota))
            return path, f"{quota}us per {period}us ({100 * quota / period:.1f}% of one CPU)"
        except OSError:
            try:
                os.rmdir(path)
            except OSError:
                pass
    return None, None


def zip_size(path):
    """Size of `path` zipped as a Lambda package (deflate, like cargo lambda)."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "bootstrap.zip")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            z.write(path, "bootstrap")
        return os.path.getsize(out)


def versions():
    out = {}
    try:
        out["node"] = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
        with open(os.path.join(PEERS, "ts/node_modules/@modelcontextprotocol/sdk/package.json")) as f:
            out["ts-sdk"] = json.load(f)["version"]
    except (OSError, ValueError, KeyError):
        pass
    try:
        out["python-mcp"] = subprocess.run([os.path.join(PEERS, "py/bin/python"), "-c",
                                            "import importlib.metadata as m; print(m.version('mcp'))"],
                                           capture_output=True, text=True).stdout.strip()
    except OSError:
        pass
    return out


def measure_warm(c, plan, check):
    """Runs each (label, message, n) of the plan back-to-back on a started contender: latency
    stats and CPU per invocation (the process's user + system time over the measured loop)."""
    out = {}
    for what, message, n in plan:
        for _ in range(min(50, n)):  # warm-up: first-use work (schemas, clients) belongs to the cold start
            c.invoke(message, what, check)
        cpu0 = Spawner.cpu_seconds(c.proc)
        latencies = [c.invoke(message, what, check)[0] for _ in range(n)]
        cpu1 = Spawner.cpu_seconds(c.proc)
        out[what] = warm_stats(latencies)
        out[what]["cpu"] = (cpu1 - cpu0) / n if cpu0 is not None and cpu1 is not None else None
    return out


def summarise_cold(runs):
    inits = [r["init"] for r in runs if r.get("init") is not None]
    cpus = [r["cpu"] for r in runs if r.get("cpu") is not None]
    return {
        "init": cold_stats(inits) if inits else None,
        "handshake": cold_stats([r["handshake"] for r in runs]),
        "cpu": cold_stats(cpus) if cpus else None,
        "rss_kb": max(r.get("rss_kb") or 0 for r in runs),
    }


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="a shorter run (not part of CI): fewer runs, 1k orders only, no CPU-limited run")
    p.add_argument("--cold-runs", type=int, help="fresh processes per Rust cold start (default 30, quick 8)")
    p.add_argument("--peer-cold-runs", type=int, help="fresh processes per peer cold start (default 10, quick 3)")
    p.add_argument("--warm", type=int, help="invocations per warm measurement (default 2000, quick 300)")
    p.add_argument("--large", type=int, help="orders in the large table (default 100000; 0 skips; quick 0)")
    p.add_argument("--no-peers", action="store_true", help="skip the TypeScript and Python peers")
    p.add_argument("--no-cpu-limit", action="store_true", help="skip the CPU-limited run")
    p.add_argument("--cpu-share", type=float, default=128 / 1769,
                   help="CPU share of the limited run (default 128/1769 of one CPU: a 128 MB Lambda)")
    p.add_argument("--binary", default=os.path.join(ROOT, "target/release/lambda-mcp"),
                   help="the function binary to measure (default: the release build)")
    p.add_argument("--candidate", help="a second build of the function to measure beside the first (A/B of a change)")
    p.add_argument("--package", help="zipped deployment package to report (bench/run builds it)")
    p.add_argument("--package-note", default="", help="how the package was built")
    p.add_argument("--json", default=os.path.join(OUT, "results.json"), help="where to write the figures")
    args = p.parse_args()
    q = args.quick
    cold_runs = args.cold_runs or (8 if q else 30)
    peer_runs = args.peer_cold_runs or (3 if q else 10)
    warm_n = args.warm or (300 if q else 2000)
    tool_n = max(50, warm_n // 4)
    large = args.large if args.large is not None else (0 if q else 100000)
    started = time.time()

    os.makedirs(OUT, exist_ok=True)
    logs = tempfile.mkdtemp(prefix="logs-", dir=OUT)
    product = Function("lambda-mcp", args.binary)
    floor = Function("floor", os.path.join(ROOT, "target/bench/release/lambda-floor"))
    candidate = Function("candidate", args.candidate) if args.candidate else None
    rust = [product] + ([candidate] if candidate else [])
    peers = []
    if not args.no_peers:
        ts = os.path.join(PEERS, "ts")
        # node resolves packages from the script's directory: run the committed source from there.
        shutil.copy(os.path.join(BENCH, "peers/ts/server.mjs"), os.path.join(ts, "server.mjs"))
        peers.append(HttpPeer("ts-sdk", lambda port: ["node", os.path.join(ts, "server.mjs"), str(port)], ts))
        if os.path.exists(os.path.join(ts, "server.bundle.mjs")):
            peers.append(HttpPeer("ts-sdk-bundled",
                                  lambda port: ["node", os.path.join(ts, "server.bundle.mjs"), str(port)], ts))
        peers.append(HttpPeer("py-fastmcp", lambda port: [os.path.join(PEERS, "py/bin/python"),
                                                          os.path.join(BENCH, "peers/py/server.py"), str(port)]))

    moto_port = free_port()
    moto = subprocess.Popen([sys.executable, os.path.join(BENCH, "moto_server.py"), "-H", "127.0.0.1", "-p", str(moto_port)],
                            stdout=open(os.path.join(logs, "moto.log"), "wb"), stderr=subprocess.STDOUT)
    spawner = Spawner(logs)
    cgroup = None
    auth_server = identity.AuthServer(os.path.join(logs, "auth-server.log"))  # node starts meanwhile
    results = {"candidate": args.candidate, "machine": {"cpus": os.cpu_count(), "uname": " ".join(os.uname()), "load_start": os.getloadavg()},
               "quick": q, "versions": versions() if peers else {}, "binary": args.binary}
    try:
        wait_port(moto_port, proc=moto)
        # Measured processes get an environment like Lambda's: nothing from this shell (no
        # SSL_CERT_FILE/SSL_CERT_DIR, NODE_EXTRA_CA_CERTS, HOME ...), only what Lambda would set.
        base_env = {"PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"), "LANG": "C.UTF-8", "TZ": ":UTC"}
        base_env.update(AWS_ENDPOINT_URL=f"http://127.0.0.1:{moto_port}", AWS_REGION="us-east-1",
                        AWS_DEFAULT_REGION="us-east-1", AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
                        AWS_EC2_METADATA_DISABLED="true", NODE_ENV="production")
        os.environ.update({k: v for k, v in base_env.items() if k.startswith("AWS_")})
        os.environ.pop("AWS_PROFILE", None)
        boto3.client("secretsmanager").create_secret(Name=SECRET, SecretString=KEY)
        dynamo = boto3.client("dynamodb")
        log(f"seeding {TABLE_SMALL} (1,000 orders)")
        seed(base_env, TABLE_SMALL, 1000)
        subjects = pick_subjects(dynamo, TABLE_SMALL)
        calls = dict(tool_calls(subjects))
        search, get_order = calls["search_orders (email)"], calls["get_order"]
        # The same function verifying OAuth access tokens from the local authorization server.
        oauth = Function("lambda-mcp-oauth", product.binary, auth_server.ready().env("oauth"),
                         {"token": auth_server.token()})

        # ---- cold starts; the Rust ones interleaved so drift hits both alike
        log(f"cold starts: {cold_runs} x lambda-mcp (API key; OAuth token) and floor, {peer_runs} x each peer")
        cold_runs_by = {f.name: [] for f in rust + [floor, oauth]}
        for _ in range(cold_runs):
            for f in rust + [floor, oauth]:
                cold_runs_by[f.name].append(f.cold(spawner, base_env, TABLE_SMALL))
        for peer in peers:
            cold_runs_by[peer.name] = [peer.cold(spawner, base_env, TABLE_SMALL) for _ in range(peer_runs)]
        results["cold"] = {name: summarise_cold(runs) for name, runs in cold_runs_by.items()}

        # ---- warm: back-to-back invocations of one process
        log(f"warm: {warm_n} x initialize and tools/list, {tool_n} x each tool call, per contender")
        plans = {
            product.name: [("initialize", INITIALIZE, warm_n), ("tools/list", TOOLS_LIST, warm_n),
                           ("get_order", get_order, tool_n), ("search_orders", search, tool_n)],
            floor.name: [("hello", TOOLS_LIST, warm_n)],
        }
        if candidate:
            plans[candidate.name] = plans[product.name]
        for peer in peers:
            plans[peer.name] = [("initialize", INITIALIZE, warm_n // 2), ("tools/list", TOOLS_LIST, warm_n // 2),
                                ("search_orders", search, tool_n)]
        results["warm"], results["rss"] = {}, {}
        same_body = os.path.join(logs, "tools-list-answer.json")
        for c in rust + [floor] + peers:
            c.start(spawner, base_env, TABLE_SMALL)
            try:
                results["warm"][c.name] = measure_warm(c, plans[c.name], c is not floor)
                if c is product:
                    answer = c.invoke(TOOLS_LIST, check=False)[1]["body"]
                    results["tools_list_bytes"] = len(answer.encode())
                    with open(same_body, "w") as f:
                        f.write(answer)
            finally:
                results["rss"][c.name] = c.stop()
            if c is floor:
                # The floor again, answering with lambda-mcp's exact tools/list bytes: the cost of
                # shipping that answer through the Runtime API with no MCP work at all.
                c2 = Function("floor-same-body", floor.binary, {"FLOOR_BODY_FILE": same_body})
                c2.start(spawner, base_env, TABLE_SMALL)
                try:
                    results["warm"][c2.name] = measure_warm(c2, plans[floor.name], False)
                finally:
                    results["rss"][c2.name] = c2.stop()

        # ---- OAuth tokens against API keys, warm; customer-bound lookups
        log(f"OAuth: {warm_n} x initialize with a key and with a token, alternating, one process")
        results["oauth"] = identity.measure_oauth(auth_server, product, oauth, spawner, base_env, TABLE_SMALL, warm_n)
        bound_n = min(tool_n, 200)
        log(f"customer-bound: at least {bound_n} x each of 5 lookups, interleaved")
        bound = Function("lambda-mcp-customer-bound", product.binary, identity.bound_env())
        results["customer_bound"] = identity.measure_bound(
            bound, spawner, base_env, TABLE_SMALL, identity.bound_subjects(dynamo, TABLE_SMALL, subjects["order"]),
            bound_n)

        # ---- work per call, counted by a proxy between the function and moto
        log("work per call at 1k orders")
        proxy = CountingProxy(moto_port)
        proxy_env = dict(base_env, AWS_ENDPOINT_URL=f"http://127.0.0.1:{proxy.port}")
        work = {}

        def count_calls(table, subjects_for_table, label):
            product.start(spawner, proxy_env, table)
            try:
                product.invoke(INITIALIZE)  # the key fetch happens here
                handshake = proxy.take()
                product.invoke(TOOLS_LIST)
                listing = proxy.take()
                rows = {}
                for name, message in tool_calls(subjects_for_table):
                    _, result = product.invoke(message, name)
                    got = proxy.take()
                    dynamo_calls = [r for r in got if r["target"].startswith("DynamoDB")]
                    returned, detail = items_returned(name, result)
                    rows[name] = {
                        "requests": len(dynamo_calls),
                        "targets": [r["target"].split(".")[-1] + (f"({r['index']})" if r.get("index") else "")
                                    for r in dynamo_calls],
                        "read": sum(r["count"] for r in dynamo_calls),
                        "scanned": sum(r["scanned"] if r["scanned"] is not None else r["count"] for r in dynamo_calls),
                        "returned": returned, "detail": detail,
                        "other_requests": len(got) - len(dynamo_calls),
                    }
                work[label] = {"rows": rows, "subjects": subjects_for_table,
                               "handshake_requests": [r["target"] for r in handshake],
                               "tools_list_requests": len(listing)}
            finally:
                product.stop()

        count_calls(TABLE_SMALL, subjects, "1k")
        if candidate:
            candidate.start(spawner, proxy_env, TABLE_SMALL)
            try:
                candidate.invoke(INITIALIZE)
                results["candidate_handshake_requests"] = [r["target"] for r in proxy.take()]
            finally:
                candidate.stop()
        if large:
            log(f"seeding {TABLE_LARGE} ({large:,} orders)")
            produced, loaded, n = seed_bulk(base_env, TABLE_LARGE, large, moto_port)
            results["large_seed"] = {"items": n, "seeder_s": produced, "load_s": loaded}
            log(f"seeded {n:,} items (seeder {produced:.0f}s, load into moto {loaded:.0f}s); work per call")
            count_calls(TABLE_LARGE, pick_subjects(dynamo, TABLE_LARGE), f"{large // 1000}k")
        results["work"] = work

        # ---- CPU-limited run: the measured processes in a cgroup at a 128 MB Lambda's CPU share
        if not q and not args.no_cpu_limit:
            cgroup, how = cgroup_limit(args.cpu_share)
            if cgroup:
                log(f"CPU-limited run: {how}")
                spawner.cgroup = cgroup
                limited = {"how": how}
                runs = max(5, cold_runs // 3)
                limited_runs = {f.name: [] for f in rust + [floor]}
                for _ in range(runs):
                    for f in rust + [floor]:
                        limited_runs[f.name].append(f.cold(spawner, base_env, TABLE_SMALL))
                for name, r_ in limited_runs.items():
                    limited[name] = summarise_cold(r_)
                for peer in peers:
                    n = 2 if peer.name.startswith("py") else 3
                    try:
                        limited[peer.name] = summarise_cold([peer.cold(spawner, base_env, TABLE_SMALL) for _ in range(n)])
                    except (RuntimeError, OSError) as error:
                        log(f"{peer.name} under the CPU limit: {error}")
                product_plan = [("tools/list", TOOLS_LIST, 200), ("search_orders", search, 100)]
                for c, plan in [(f, product_plan) for f in rust] + [(floor, [("hello", TOOLS_LIST, 200)])]:
                    c.start(spawner, base_env, TABLE_SMALL)
                    try:
                        limited[c.name]["warm"] = measure_warm(c, plan, c is not floor)
                    finally:
                        c.stop()
                spawner.cgroup = None
                results["cpu_limited"] = limited
            else:
                results["cpu_limited"] = {"skipped": "no writable cgroup CPU controller (v1 cpu or v2 cpu.max)"}

        results["size"] = {
            "binary": os.path.getsize(product.binary), "binary_zip": zip_size(product.binary),
            "floor_binary": os.path.getsize(floor.binary), "floor_zip": zip_size(floor.binary),
        }
        if args.package and os.path.exists(args.package):
            results["size"]["package"] = os.path.getsize(args.package)
            results["size"]["package_note"] = args.package_note
        results["seconds"] = time.time() - started
        results["machine"]["load_end"] = os.getloadavg()
    finally:
        spawner.stop_all()
        auth_server.stop()
        moto.terminate()
        moto.wait()
        if cgroup:
            try:
                os.rmdir(cgroup)
            except OSError:
                pass

    with open(args.json, "w") as f:
        json.dump(results, f, indent=1)
    print(report(results))
    shutil.rmtree(logs, ignore_errors=True)


def us(v):
    return "-" if v is None else f"{v * 1e6:.0f}"


def report(r):
    cold, warm, size, rss = r["cold"], r["warm"], r["size"], r["rss"]
    P, F = "lambda-mcp", "floor"
    peers = [n for n in ("ts-sdk", "ts-sdk-bundled", "py-fastmcp") if n in cold]
    m = r["machine"]
    v = r.get("versions", {})
    out = [f"lambda-mcp benchmark{' (--quick)' if r['quick'] else ''}: {m['cpus']} CPUs, "
           f"load average {m['load_start'][0]:.2f} at start, {m['load_end'][0]:.2f} at end; {r['seconds']:.0f} s.",
           "Peers: " + (", ".join(f"{k} {val}" for k, val in v.items()) or "none") + ".",
           "Cold: median (min-max) over fresh processes, ms. Warm: p50 / p99 per invocation, ms. "
           "Ratios compare medians / p50s."]

    # ---- cold
    cols = ["", P, F, *peers, "ratio", "target"]
    t = Table("Cold start", cols)
    pi, fi = cold[P]["init"], cold[F]["init"]
    ri = ratio(pi["median"], fi["median"])
    t.add("init: spawn -> first Runtime API poll", fmt_cold(pi), fmt_cold(fi), *["-" for _ in peers],
          f"{fmt_ratio(ri)} the floor", f"<= 1.5x floor: {verdict(ri <= 1.5)}")
    ph = cold[P]["handshake"]
    hs = {n: ratio(cold[n]["handshake"]["median"], ph["median"]) for n in peers}
    target = "; ".join(f"{n}: {verdict(hs[n] >= 30)}" for n in peers if n.startswith("ts"))
    t.add("handshake: spawn -> authenticated initialize answered", fmt_cold(ph), fmt_cold(cold[F]["handshake"]) + " *",
          *[fmt_cold(cold[n]["handshake"]) for n in peers],
          "; ".join(f"{n} {fmt_ratio(hs[n])} slower" for n in peers) or "-",
          f">= 30x faster than TS {target}" if target else "-")
    cpu = lambda n: fmt_cold(cold[n]["cpu"]) if cold[n].get("cpu") else "-"
    t.add("CPU used by the process (user+sys) up to the handshake", cpu(P), cpu(F), *[cpu(n) for n in peers],
          "; ".join(f"{n} {fmt_ratio(ratio(cold[n]['cpu']['median'], cold[P]['cpu']['median']))}" for n in peers
                    if cold[n].get("cpu")) or "-", "-")
    out.append(t.render())
    out.append("* the floor answers any event with a small JSON body: no auth, no key fetch, no MCP.")

    # ---- warm
    t = Table("Warm invocation (one process, back-to-back; tool calls query moto on loopback)", cols)
    fl = warm[F]["hello"]
    fsb = warm.get("floor-same-body", {}).get("hello")
    for what in ("initialize", "tools/list", "get_order", "search_orders"):
        s = warm[P][what]
        notes, target = [], "-"
        if what in ("initialize", "tools/list"):
            notes.append(f"{fmt_ratio(ratio(s['p50'], fl['p50']))} the floor")
        if what == "tools/list" and fsb:
            notes.append(f"{fmt_ratio(ratio(s['p50'], fsb['p50']))} the floor with the same answer bytes")
        for n in peers:
            if warm[n].get(what):
                notes.append(f"{n} {fmt_ratio(ratio(warm[n][what]['p50'], s['p50']))} slower")
        if what == "tools/list":
            rf = ratio(s["p50"], fl["p50"])
            worst = min((ratio(warm[n][what]["p50"], s["p50"]) for n in peers), default=None)
            target = f"<= 1.2x floor: {verdict(rf <= 1.2)}; >= 10x faster than every peer: " \
                     f"{verdict(None if worst is None else worst >= 10)}"
        floor_cell = "-"
        if what == "initialize":
            floor_cell = fmt_warm(fl)
        elif what == "tools/list":
            floor_cell = fmt_warm(fl) + (f"; same bytes: {fmt_warm(fsb)}" if fsb else "")
        t.add(what, fmt_warm(s), floor_cell,
              *[fmt_warm(warm[n].get(what)) for n in peers], "; ".join(notes), target)
    cpu_cell = lambda st: us(st.get("cpu")) if st else "-"
    t.add("CPU per tools/list (floor: per invocation), us", cpu_cell(warm[P]["tools/list"]),
          cpu_cell(fl) + (f"; same bytes: {cpu_cell(fsb)}" if fsb else ""),
          *[cpu_cell(warm[n].get("tools/list")) for n in peers],
          f"{fmt_ratio(ratio(warm[P]['tools/list'].get('cpu'), fl.get('cpu')))} the floor", "-")
    t.add("CPU per search_orders, us", cpu_cell(warm[P]["search_orders"]), "-",
          *[cpu_cell(warm[n].get("search_orders")) for n in peers], "-", "-")
    out.append(t.render())
    out.append(f"tools/list answer: {r['tools_list_bytes']:,} bytes (the floor's: 17). Tool-call latency is mostly "
               f"moto's (a Python DynamoDB emulator); the CPU rows show each server's own work.")
    out.append(identity.report_oauth(r))
    out.append(identity.report_bound(r))

    # ---- memory and package
    t = Table("Memory and package", ["", P, F, *peers, "target"])
    mb = lambda kb: f"{kb / 1024:.1f} MiB" if kb else "-"
    t.add("peak RSS (VmHWM) after the warm run", mb(rss[P]), mb(rss[F]), *[mb(rss.get(n)) for n in peers],
          f"< 20 MB: {verdict(rss[P] * 1024 < 20e6)}")
    t.add("peak RSS at the cold handshake", mb(cold[P]["rss_kb"]), mb(cold[F]["rss_kb"]),
          *[mb(cold[n]["rss_kb"]) for n in peers], "-")
    mib = lambda b: f"{b / 1048576:.2f} MiB"
    if "package" in size:
        b = size["package"]
        t.add(f"deployment zip ({size['package_note']})", f"{b:,} B = {b / 1e6:.2f} MB = {mib(b)}", "-",
              *["-" for _ in peers], f"< 4 MB: {verdict(b < 4e6)}; < 4 MiB: {verdict(b < 4 * 1048576)}")
    else:
        t.add("deployment zip (arm64)", "not built (bench/run builds it; --quick reuses a fresh one)", "-",
              *["-" for _ in peers], "-")
    t.add("release binary for this host / zipped", f"{mib(size['binary'])} / {mib(size['binary_zip'])}",
          f"{mib(size['floor_binary'])} / {mib(size['floor_zip'])}", *["-" for _ in peers], "-")
    out.append(t.render())

    # ---- work per call
    t = Table("Work per call (counted by a proxy in front of moto)",
              ["tool call", "table", "DynamoDB requests", "items read", "items returned", "target"])
    work = r["work"]
    labels = list(work)
    first = work[labels[0]]["rows"]
    for name in first:
        for label in labels:
            row = work[label]["rows"][name]
            # Same request count at every size, and nothing read that the answer does not use
            # (the order or customer picked at each size may have a different number of lines).
            ok = (row["requests"] == 1 == first[name]["requests"]
                  and row["read"] == row["returned"] == row["scanned"])
            scanned = f" (scanned {row['scanned']})" if row["scanned"] != row["read"] else ""
            t.add(name, f"{label} orders", f"{row['requests']}: {', '.join(row['targets'])}",
                  f"{row['read']}{scanned}", f"{row['returned']}: {row['detail']}", verdict(ok))
    out.append(t.render())
    w0 = work[labels[0]]
    out.append(f"First initialize (cold): {len(w0['handshake_requests'])} request(s) "
               f"({', '.join(w0['handshake_requests'])}); tools/list: {w0['tools_list_requests']} requests.")
    if "large_seed" in r:
        ls = r["large_seed"]
        out.append(f"Large table: {ls['items']:,} items; lambda-mcp-seed took {ls['seeder_s']:.0f} s to produce them "
                   f"(its BatchWriteItem calls captured, then loaded inside moto in {ls['load_s']:.0f} s).")

    # ---- CPU-limited
    lim = r.get("cpu_limited")
    if lim and "skipped" in lim:
        out.append(f"\nCPU-limited run skipped: {lim['skipped']}")
    elif lim:
        t = Table(f"CPU-limited run ({lim['how']}): cold median (min-max) ms, warm p50 / p99 ms",
                  ["", P, F, *peers, "ratio"])
        t.add("init", fmt_cold(lim[P]["init"]), fmt_cold(lim[F]["init"]), *["-" for _ in peers],
              f"{fmt_ratio(ratio(lim[P]['init']['median'], lim[F]['init']['median']))} the floor")
        t.add("handshake", fmt_cold(lim[P]["handshake"]), fmt_cold(lim[F]["handshake"]) + " *",
              *[fmt_cold(lim[n]["handshake"]) if n in lim else "failed" for n in peers],
              "; ".join(f"{n} {fmt_ratio(ratio(lim[n]['handshake']['median'], lim[P]['handshake']['median']))} slower"
                        for n in peers if n in lim) or "-")
        lw, fw = lim[P]["warm"], lim[F]["warm"]
        t.add("warm tools/list", fmt_warm(lw["tools/list"]), fmt_warm(fw["hello"]), *["-" for _ in peers],
              f"{fmt_ratio(ratio(lw['tools/list']['p50'], fw['hello']['p50']))} the floor")
        t.add("warm search_orders", fmt_warm(lw["search_orders"]), "-", *["-" for _ in peers], "-")
        out.append(t.render())
    if "candidate" in cold:
        out.append(candidate_table(r))
    return "\n".join(out)


def candidate_table(r):
    cold, warm, rss = r["cold"], r["warm"], r["rss"]
    P, C = "lambda-mcp", "candidate"
    t = Table(f"A/B: lambda-mcp against the candidate build ({r['candidate']}), same run",
              ["", P, C, "candidate / lambda-mcp", "candidate / floor"])
    fl = cold["floor"]
    for what, label in (("init", "cold init"), ("handshake", "cold handshake"), ("cpu", "cold CPU to handshake")):
        a, b = cold[P][what], cold[C][what]
        t.add(label, fmt_cold(a), fmt_cold(b), fmt_ratio(ratio(b["median"], a["median"])),
              fmt_ratio(ratio(b["median"], fl[what]["median"])) if what == "init" else "-")
    flw = warm["floor"]["hello"]
    for what in ("initialize", "tools/list", "get_order", "search_orders"):
        a, b = warm[P][what], warm[C][what]
        t.add(f"warm {what}", fmt_warm(a), fmt_warm(b), fmt_ratio(ratio(b["p50"], a["p50"])),
              fmt_ratio(ratio(b["p50"], flw["p50"])) if what in ("initialize", "tools/list") else "-")
        t.add(f"CPU per {what}, us", us(a.get("cpu")), us(b.get("cpu")), fmt_ratio(ratio(b.get("cpu"), a.get("cpu"))),
              fmt_ratio(ratio(b.get("cpu"), flw.get("cpu"))) if what in ("initialize", "tools/list") else "-")
    t.add("peak RSS after the warm run", f"{rss[P] / 1024:.1f} MiB", f"{rss[C] / 1024:.1f} MiB",
          fmt_ratio(ratio(rss[C], rss[P])), "-")
    if "candidate_handshake_requests" in r:
        t.add("requests at the first initialize", str(len(r["work"]["1k"]["handshake_requests"])),
              str(len(r["candidate_handshake_requests"])), "-", "-")
    lim = r.get("cpu_limited") or {}
    if C in lim:
        a, b = lim[P]["handshake"], lim[C]["handshake"]
        t.add("cold handshake, CPU-limited", fmt_cold(a), fmt_cold(b), fmt_ratio(ratio(b["median"], a["median"])), "-")
        a, b = lim[P]["warm"]["tools/list"], lim[C]["warm"]["tools/list"]
        t.add("warm tools/list, CPU-limited", fmt_warm(a), fmt_warm(b), fmt_ratio(ratio(b["p50"], a["p50"])), "-")
    return t.render()


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))
    sys.exit(main())
