"""The benchmark's harness, shared by bench/bench.py (bench/run), bench/identity.py and
bench/guard.py: the Lambda Runtime API emulator, the events and JSON-RPC messages it sends, process
spawning with CPU and memory readings, the function and HTTP peers as contenders, the counting
proxy in front of moto, and the statistics and table formatting of the report.
"""
import json
import os
import queue
import socket
import statistics
import subprocess
import threading
import time

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
