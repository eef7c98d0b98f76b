#!/usr/bin/env python3
"""lambda-mcp bounded load test: thousands of invocations on loopback, every answer checked.

Run it through `scripts/load` (which installs and builds what this needs).

Two phases against one moto (DynamoDB + Secrets Manager) seeded with data/demo-orders.json:
  runtime  the function binary driven through the Lambda Runtime API loop (bench/harness.py's
           emulator): invocations fed back-to-back to one process, as Lambda does
  watch    the same function under `cargo lambda watch`, over HTTP on its function URL path, from
           several concurrent keep-alive clients (watch queues them to one instance)
Each phase sends a seeded, realistic mix: initialize, notifications, tools/list, the four tools
(cancel_order on distinct orders: the preview, the call with its confirmation token, then a retry
with the same idempotency key), the
2026-07-28 era (server/discover, a tool call), and the refusals: a wrong key (401), malformed JSON
(-32700), an unknown tool (-32602), an unknown method (-32601), invalid arguments (isError), GET
(405). Every answer is checked for its exact status and JSON-RPC shape (id echoed, result or error
code, tool data matching the seeded data set).

Fails (exit 1) on any unexpected answer, any 5xx, an invocation error, a panic or ERROR line in the
function's log, the function process exiting or being replaced, or memory that is not flat: the
function's VmRSS at the end minus its VmRSS after the warm-up (the first 20% of the phase) above
64 KiB (allocator settling) + 16 bytes per request after the warm-up (a leak of that size is 16 MB
per million invocations of one sandbox). Both phases hand the function a new X-Ray trace id with
every invocation, as Lambda does. Latency (p50/p99/max per kind of request) is recorded, never
asserted; through watch it includes the queue of the concurrent clients (one function instance).
Figures: target/load/results.json.
"""
import argparse
import base64
import ctypes
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import harness as B  # noqa: E402  (bench/harness.py: Conn, RuntimeApi, url_event, rpc, call, lambda_env, pct, Table, ...)

OUT = os.path.join(ROOT, "target", "load")
# `cargo lambda watch` takes ORDERS_TABLE and MCP_API_KEY_SECRET_ID from Cargo.toml's
# [package.metadata.lambda.watch.env] (it overrides --env-var): both phases use those names.
TABLE = "lambda-mcp-orders"
SECRET = "lambda-mcp/api-key"
KEY = "load-key-0123456789abcdef"
LEGACY = "2025-06-18"
MODERN = "2026-07-28"
MCP_PATH = "/lambda-url/lambda-mcp/mcp"
now = time.perf_counter


def log(message):
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Processes: every one in its own process group, recorded in OUT/pgids (scripts/load's trap kills
# what is left there if this process dies without cleaning up), killed with PR_SET_PDEATHSIG too.

_libc = ctypes.CDLL(None, use_errno=True)


def _die_with_parent():
    _libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class Procs:
    def __init__(self, pgid_file):
        self.pgid_file = pgid_file
        self.procs = []

    def start(self, argv, log_path, env=None, cwd=None):
        out = open(log_path, "ab")
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, preexec_fn=_die_with_parent)
        out.close()
        self.procs.append(proc)
        with open(self.pgid_file, "a") as f:
            f.write(f"{proc.pid}\n")
        return proc

    def stop(self, proc):
        if proc not in self.procs:
            return
        family = descendants(proc.pid)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                pass
            for pid in family:  # anything that left the group
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            try:
                proc.wait(timeout=5)
                if not any(alive(pid) for pid in family):
                    break
            except subprocess.TimeoutExpired:
                pass
        proc.wait()
        self.procs.remove(proc)

    def stop_all(self):
        for proc in reversed(list(self.procs)):
            self.stop(proc)
        try:
            os.remove(self.pgid_file)
        except OSError:
            pass


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def descendants(root):
    """Pids of every process below `root` (from /proc/*/stat parent links)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    out, frontier = [], [root]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parents.items() if pp == p]
        out += kids
        frontier += kids
    return out


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return None


def rss_kb(pid, field="VmRSS"):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None


# --------------------------------------------------------------------------------------------
# The mix. A request is a dict: kind, method, headers, body (text), id, check(status, text) -> None
# or what was wrong.

class Data:
    """The seeded data set (data/demo-orders.json, what lambda-mcp-seed loads by default)."""

    def __init__(self, path):
        with open(path) as f:
            data = json.load(f)
        self.orders = {o["order"]["number"]: o["order"] for o in data["orders"]}
        self.customers = {c["email"]: c for c in data["customers"]}
        self.by_email = {}
        for o in self.orders.values():
            self.by_email.setdefault(o["customer_email"], []).append(o)
        # Statuses that no request of this run changes (cancel_order only moves pending/processing).
        stable = ("shipped", "delivered", "returned")
        self.stable = sorted(n for n, o in self.orders.items() if o["status"] in stable)
        self.cancellable = sorted(n for n, o in self.orders.items() if o["status"] in ("pending", "processing"))
        self.cancelled = sorted(n for n, o in self.orders.items() if o["status"] == "cancelled")
        self.stable_pairs = sorted({(o["customer_email"], o["status"]) for n, o in self.orders.items()
                                    if o["status"] in stable})
        self.emails = sorted(self.customers)


WEIGHTS = [  # per 100 requests; cancel_order adds its retry right after it
    ("initialize", 8), ("notifications/initialized", 4), ("tools/list", 8),
    ("get_order", 17), ("get_order (missing)", 3),
    ("search_orders (email)", 10), ("search_orders (email, status)", 5), ("search_orders (order number)", 5),
    ("get_customer", 10), ("cancel_order", 2),
    ("server/discover (2026-07-28)", 3), ("get_order (2026-07-28)", 3),
    ("wrong key (401)", 3), ("malformed JSON (-32700)", 3), ("unknown tool (-32602)", 3),
    ("invalid arguments (isError)", 4), ("unknown method (-32601)", 2), ("GET (405)", 2),
]
TOOLS = {"get_order", "search_orders", "get_customer", "cancel_order"}


class Fail(Exception):
    pass


def want(cond, what):
    if not cond:
        raise Fail(what)


def parse(text):
    try:
        return json.loads(text)
    except ValueError:
        raise Fail(f"not JSON: {text[:200]!r}")


def success(status, text, rid):
    want(status == 200, f"HTTP {status}")
    doc = parse(text)
    want(doc.get("jsonrpc") == "2.0" and doc.get("id") == rid, f"id {doc.get('id')!r}, expected {rid}")
    want("result" in doc and "error" not in doc, f"no result: {str(doc)[:200]}")
    return doc["result"]


def tool_result(status, text, rid, is_error=False, modern=False):
    result = success(status, text, rid)
    want(result.get("isError") is is_error, f"isError {result.get('isError')!r}, expected {is_error}")
    want(isinstance(result.get("content"), list) and result["content"], "no content")
    if modern:
        want(result.get("resultType") == "complete", f"resultType {result.get('resultType')!r}")
    return result.get("structuredContent") or {}


def failure(status, text, rid, http, code):
    want(status == http, f"HTTP {status}, expected {http}")
    doc = parse(text)
    want(doc.get("jsonrpc") == "2.0" and doc.get("id") == rid, f"id {doc.get('id')!r}, expected {rid!r}")
    want("result" not in doc and (doc.get("error") or {}).get("code") == code,
         f"error {doc.get('error')!r}, expected code {code}")


def plain(text):
    """One clean line: printable, no format (zero-width, bidi) characters, single spaces, at most
    80 characters (a person's name as the tools show it)."""
    return (len(text) <= 80 and text == " ".join(text.split())
            and all(c.isprintable() and unicodedata.category(c) != "Cf" for c in text))


def body_of(req):
    """A request's body: fixed, or made when it is sent from what earlier answers said (the
    confirmed cancellation carries the token its preview returned)."""
    if "body_fn" in req:
        req["body"] = req.pop("body_fn")()
    return req["body"]


class Mix:
    """Builds the requests of a phase (or of one client of it), with its own share of the
    cancellable orders so cancellations never collide across clients."""

    def __init__(self, data, rng, cancellable, ids, tag):
        self.data, self.rng, self.pool, self.ids, self.tag = data, rng, list(cancellable), ids, tag
        self.cancelled_at = {}  # idempotency key -> cancelled_at of the first answer
        self.tokens = {}  # idempotency key -> the confirmation token its preview handed out
        self.n = 0

    def _id(self):
        return next(self.ids)

    def request(self, kind, message=None, body=None, key=KEY, protocol=LEGACY, method="POST", headers=None):
        if message is not None:
            body = json.dumps(message, separators=(",", ":"))
        h = {"content-type": "application/json", "accept": "application/json, text/event-stream"}
        if key:
            h["x-api-key"] = key
        if protocol and not (message and message.get("method") == "initialize"):
            h["mcp-protocol-version"] = protocol
        h.update(headers or {})
        return {"kind": kind, "method": method, "headers": h, "body": body or ""}

    def modern(self, kind, method, params, rid):
        params = dict(params, _meta={"io.modelcontextprotocol/protocolVersion": MODERN,
                                     "io.modelcontextprotocol/clientCapabilities": {}})
        headers = {"mcp-method": method}
        if "name" in params:
            headers["mcp-name"] = params["name"]
        return self.request(kind, B.rpc(method, params, rid), protocol=MODERN, headers=headers)

    def build(self, n):
        kinds, weights = zip(*WEIGHTS)
        out = []
        while len(out) < n:
            out += self.make(self.rng.choices(kinds, weights)[0])
        return out[:n] if out[-1]["kind"] != "cancel_order (retry, same key)" else out

    def make(self, kind):
        d, rng = self.data, self.rng
        rid = self._id()
        if kind == "initialize":
            msg = B.rpc("initialize", {"protocolVersion": LEGACY, "capabilities": {},
                                       "clientInfo": {"name": "load", "version": "1.0.0"}}, rid)

            def check(s, t):
                r = success(s, t, rid)
                want(r.get("protocolVersion") == LEGACY, f"protocolVersion {r.get('protocolVersion')!r}")
                want((r.get("serverInfo") or {}).get("name") == "lambda-mcp", "serverInfo")
                want("tools" in (r.get("capabilities") or {}), "no tools capability")
            return [dict(self.request(kind, msg), check=check)]
        if kind == "notifications/initialized":
            def check(s, t):
                want(s == 202 and not t, f"HTTP {s} {t[:100]!r}, expected 202 and no body")
            return [dict(self.request(kind, {"jsonrpc": "2.0", "method": "notifications/initialized"}), check=check)]
        if kind == "tools/list":
            def check(s, t):
                names = {tool.get("name") for tool in success(s, t, rid).get("tools", [])}
                want(TOOLS <= names, f"tools {sorted(names)}")
            return [dict(self.request(kind, B.rpc("tools/list", {}, rid)), check=check)]
        if kind in ("get_order", "get_order (2026-07-28)"):
            number = rng.choice(d.stable)
            order = d.orders[number]
            modern = kind != "get_order"
            params = {"name": "get_order", "arguments": {"order_number": number}}

            def check(s, t):
                sc = tool_result(s, t, rid, modern=modern)
                got = (sc.get("order_number"), sc.get("status"), sc.get("customer_email"))
                want(got == (number, order["status"], order["customer_email"]), f"order {got}")
                want(len(sc.get("lines") or []) >= 1, "no lines")
            req = self.modern(kind, "tools/call", params, rid) if modern else \
                self.request(kind, B.rpc("tools/call", params, rid))
            return [dict(req, check=check)]
        if kind == "get_order (missing)":
            number = str(rng.randrange(8_000_000, 9_999_999))

            def check(s, t):
                tool_result(s, t, rid, is_error=True)
            return [dict(self.request(kind, B.call("get_order", {"order_number": number}) | {"id": rid}), check=check)]
        if kind == "search_orders (email)":
            email = rng.choice(d.emails)
            have = len(d.by_email.get(email, []))

            def check(s, t):
                sc = tool_result(s, t, rid)
                orders = sc.get("orders")
                want(isinstance(orders, list) and (len(orders) > 0) == (have > 0), f"{len(orders or [])} orders, {have} seeded")
                want(all(o.get("customer_email") == email for o in orders), "another customer's order")
            return [dict(self.request(kind, B.call("search_orders", {"email": email}) | {"id": rid}), check=check)]
        if kind == "search_orders (email, status)":
            email, status = rng.choice(d.stable_pairs)

            def check(s, t):
                orders = tool_result(s, t, rid).get("orders") or []
                want(orders and all(o.get("status") == status and o.get("customer_email") == email for o in orders),
                     f"orders {[(o.get('customer_email'), o.get('status')) for o in orders][:3]}")
            return [dict(self.request(kind, B.call("search_orders", {"email": email, "status": status}) | {"id": rid}),
                         check=check)]
        if kind == "search_orders (order number)":
            number = rng.choice(d.stable)

            def check(s, t):
                orders = tool_result(s, t, rid).get("orders") or []
                want([o.get("order_number") for o in orders] == [number], f"orders {[o.get('order_number') for o in orders]}")
            return [dict(self.request(kind, B.call("search_orders", {"order_number": number}) | {"id": rid}), check=check)]
        if kind == "get_customer":
            email = rng.choice(d.emails)
            name = d.customers[email]["name"]

            def check(s, t):
                sc = tool_result(s, t, rid)
                got = sc.get("name") or ""
                # A hostile stored name (src/order_desk/seed/hostile.rs) comes back normalised.
                fine = got == name if plain(name) else plain(got) and len(got) <= 80
                want(sc.get("email") == email and fine, f"customer {sc.get('email')!r}: name {got[:40]!r}")
            return [dict(self.request(kind, B.call("get_customer", {"email": email}) | {"id": rid}), check=check)]
        if kind == "cancel_order":
            # A confirmed cancellation: the preview (nothing changes; a confirmation token), the
            # call with the token, then a retry with the same key, which replays without a token.
            self.n += 1
            key = f"load-{self.tag}-{self.n}"
            if self.pool:
                number, first_kind = self.pool.pop(), "cancel_order (preview)"
            else:  # every cancellable order of this share is cancelled: the refusal path from here on
                number, first_kind = rng.choice(d.cancelled), "cancel_order (already cancelled)"
            args = {"order_number": number, "reason": "customer_request", "idempotency_key": key}
            rid2, rid3 = self._id(), self._id()
            retry = dict(self.request("cancel_order (retry, same key)", B.call("cancel_order", args) | {"id": rid3}))
            if first_kind == "cancel_order (already cancelled)":
                def check1(s, t):
                    tool_result(s, t, rid, is_error=True)

                def check3(s, t):
                    tool_result(s, t, rid3, is_error=True)
                return [dict(self.request(first_kind, B.call("cancel_order", args) | {"id": rid}), check=check1),
                        dict(retry, check=check3)]

            def check1(s, t):
                sc = tool_result(s, t, rid)
                got = (sc.get("order_number"), sc.get("status"))
                want(got == (number, "confirmation_required") and sc.get("confirmation_token"), f"preview {got}")
                self.tokens[key] = sc.get("confirmation_token")

            def confirmed_body():
                message = B.call("cancel_order", dict(args, confirmation_token=self.tokens.get(key, "missing-token-0000")))
                return json.dumps(message | {"id": rid2}, separators=(",", ":"))

            def check2(s, t):
                sc = tool_result(s, t, rid2)
                got = (sc.get("order_number"), sc.get("status"), sc.get("replayed"))
                want(got == (number, "cancelled", False), f"cancellation {got}")
                self.cancelled_at[key] = sc.get("cancelled_at")

            def check3(s, t):
                sc = tool_result(s, t, rid3)
                got = (sc.get("order_number"), sc.get("status"), sc.get("replayed"), sc.get("cancelled_at"))
                want(got == (number, "cancelled", True, self.cancelled_at.get(key)), f"replay {got}")
            confirm = self.request("cancel_order (confirmed)", body="{}")
            confirm["body_fn"] = confirmed_body
            return [dict(self.request(first_kind, B.call("cancel_order", args) | {"id": rid}), check=check1),
                    dict(confirm, check=check2), dict(retry, check=check3)]
        if kind == "server/discover (2026-07-28)":
            def check(s, t):
                r = success(s, t, rid)
                want(r.get("resultType") == "complete" and MODERN in (r.get("supportedVersions") or []),
                     f"discover {str(r)[:200]}")
            return [dict(self.modern(kind, "server/discover", {}, rid), check=check)]
        if kind == "wrong key (401)":
            def check(s, t):
                failure(s, t, None, 401, -32001)
            return [dict(self.request(kind, B.rpc("tools/list", {}, rid), key="wrong-key-0123456789"), check=check)]
        if kind == "malformed JSON (-32700)":
            def check(s, t):
                failure(s, t, None, 400, -32700)
            body = rng.choice(['{"jsonrpc":"2.0",', '{"jsonrpc":"2.0","id":1,"method":"tools/list"', "nope", "{]"])
            return [dict(self.request(kind, body=body), check=check)]
        if kind == "unknown tool (-32602)":
            def check(s, t):
                failure(s, t, rid, 200, -32602)
            return [dict(self.request(kind, B.call("delete_everything", {}) | {"id": rid}), check=check)]
        if kind == "unknown method (-32601)":
            def check(s, t):
                failure(s, t, rid, 200, -32601)
            return [dict(self.request(kind, B.rpc("orders/drop", {}, rid)), check=check)]
        if kind == "invalid arguments (isError)":
            name, args = rng.choice([("get_order", {"order_number": "12ab"}), ("get_order", {}),
                                     ("search_orders", {"email": "not-an-email"}),
                                     ("cancel_order", {"order_number": "1000001", "reason": "bored"}),
                                     ("get_customer", {"email": "x@example.com", "extra": 1})])

            def check(s, t):
                tool_result(s, t, rid, is_error=True)
            return [dict(self.request(kind, B.call(name, args) | {"id": rid}), check=check)]
        if kind == "GET (405)":
            def check(s, t):
                want(s == 405, f"HTTP {s}, expected 405")
            return [dict(self.request(kind, method="GET"), check=check)]
        raise ValueError(kind)


def counter(start=1):
    lock = threading.Lock()
    n = [start - 1]

    def nxt():
        with lock:
            n[0] += 1
            return n[0]

    class It:
        def __next__(self):
            return nxt()
    return It()


# --------------------------------------------------------------------------------------------
# Recording

class Record:
    def __init__(self, name, pid_of):
        self.name, self.pid_of = name, pid_of
        self.lock = threading.Lock()
        self.latency = {}
        self.status = {}
        self.failures = []
        self.failed = 0
        self.samples = []  # (requests done, pid, VmRSS kB)
        self.done = 0

    def add(self, req, seconds, status, problem):
        with self.lock:
            self.done += 1
            self.latency.setdefault(req["kind"], []).append(seconds)
            self.status[str(status)] = self.status.get(str(status), 0) + 1
            if problem:
                self.failed += 1
                if len(self.failures) < 20:
                    self.failures.append(f"{req['kind']} (#{self.done}): {problem}")

    def sample(self):
        pid = self.pid_of()
        with self.lock:
            self.samples.append((self.done, pid, rss_kb(pid) if pid else None))

    def problem(self, text):
        with self.lock:
            self.failed += 1
            if len(self.failures) < 20:
                self.failures.append(text)


def judge(ok_text, req, status, text):
    try:
        if isinstance(status, int) and status >= 500:
            raise Fail(f"HTTP {status}: {text[:200]!r}")
        req["check"](status, text)
        return None
    except Fail as e:
        return f"{e} | {text[:300]!r}"
    except Exception as e:  # a check that could not even look at the answer
        return f"{type(e).__name__}: {e} | {text[:300]!r}"


def summarise(rec, total, args, seconds, log_path, pid_changes):
    kinds = {}
    for kind, values in sorted(rec.latency.items(), key=lambda kv: -len(kv[1])):
        kinds[kind] = {"n": len(values), "p50_ms": B.pct(values, 50) * 1e3, "p99_ms": B.pct(values, 99) * 1e3,
                       "max_ms": max(values) * 1e3}
    every = [v for values in rec.latency.values() for v in values]
    samples = [s for s in rec.samples if s[2] is not None]
    warm_at = int(total * args.warmup)
    warm = next((s for s in samples if s[0] >= warm_at), None)
    end = samples[-1] if samples else None
    memory = {"samples": rec.samples}
    if warm and end:
        bound_kib = args.rss_allowance_kib + args.rss_bytes_per_request * (end[0] - warm[0]) / 1024
        memory.update(bound_kib=round(bound_kib, 1), bound=f"{args.rss_allowance_kib} KiB + "
                      f"{args.rss_bytes_per_request} B x {end[0] - warm[0]:,} requests = {bound_kib:.0f} KiB",
                      first_kb=samples[0][2], warm_kb=warm[2], warm_at=warm[0], end_kb=end[2], end_at=end[0],
                      max_after_warm_kb=max(s[2] for s in samples if s[0] >= warm[0]),
                      growth_kb=end[2] - warm[2])
        memory["flat"] = memory["growth_kb"] <= bound_kib
        after = [s for s in samples if s[0] >= warm[0]]
        if len(after) >= 3:
            xs, ys = [s[0] for s in after], [s[2] for s in after]
            mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
            den = sum((x - mx) ** 2 for x in xs)
            memory["slope_kib_per_1k"] = 1000 * sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0
        if memory["growth_kb"] > bound_kib:
            rec.problem(f"memory grew {memory['growth_kb']} KiB between request {warm[0]:,} and {end[0]:,} "
                        f"(bound {memory['bound']}; trend {memory.get('slope_kib_per_1k', 0):+.1f} KiB per 1,000 "
                        f"requests)")
    else:
        memory["flat"] = False
        rec.problem("no RSS samples of the function process")
    # The function's log: no panics, no ERROR lines.
    panics = errors = 0
    if log_path and os.path.exists(log_path):
        with open(log_path, errors="replace") as f:
            for line in f:
                if "panicked" in line:
                    panics += 1
                if '"level":"ERROR"' in line or " ERROR " in line:
                    errors += 1
    if panics:
        rec.problem(f"{panics} panic line(s) in {log_path}")
    if errors:
        rec.problem(f"{errors} ERROR line(s) in {log_path}")
    return {"requests": rec.done, "planned": total, "failed": rec.failed, "failures": rec.failures,
            "status": rec.status, "seconds": seconds, "rate_per_s": rec.done / seconds if seconds else None,
            "all": {"n": len(every), "p50_ms": B.pct(every, 50) * 1e3, "p99_ms": B.pct(every, 99) * 1e3,
                    "max_ms": max(every) * 1e3 if every else None},
            "kinds": kinds, "memory": memory, "log_panics": panics, "log_errors": errors,
            "pid_changes": pid_changes}


# --------------------------------------------------------------------------------------------
# Phase 1: the Runtime API loop

class LambdaRuntimeApi(B.RuntimeApi):
    """bench's Runtime API emulator handing over a fresh X-Ray trace id with every invocation, as
    Lambda does (and `cargo lambda watch`): the runtime copies it into `_X_AMZN_TRACE_ID` each time."""

    fixed = False

    def trace_id(self, request_id):
        if self.fixed:
            return super().trace_id(request_id)
        r = random.getrandbits(160)
        return f"Root=1-{int(time.time()):08x}-{r >> 64:024x};Parent={r & (2**64 - 1):016x};Sampled=0"


def to_event(req):
    """A Lambda function URL (payload v2) event for a request (bench's url_event, headers and body
    replaced)."""
    event = json.loads(B.url_event({}, key=None, protocol=None))
    headers = {k: v for k, v in event["headers"].items() if k in ("host", "user-agent", "x-forwarded-proto")}
    headers.update(req["headers"])
    headers["content-length"] = str(len(body_of(req).encode()))
    event["headers"] = headers
    event["body"] = req["body"]
    event["requestContext"]["http"]["method"] = req["method"]
    return json.dumps(event).encode()


def run_runtime(args, procs, env, data, binary):
    n = args.invocations
    log(f"runtime API loop: {n:,} invocations of {os.path.relpath(binary, ROOT)}")
    rng = random.Random(args.seed)
    pool = data.cancellable[: len(data.cancellable) // 2]
    requests = Mix(data, rng, pool, counter(), "rt").build(n)
    api = LambdaRuntimeApi()
    api.fixed = args.fixed_trace_id
    fn_env = dict(B.lambda_env(env, api, TABLE), MCP_API_KEY_SECRET_ID=SECRET, AWS_LAMBDA_FUNCTION_NAME="lambda-mcp")
    log_path = os.path.join(OUT, "runtime-function.log")
    open(log_path, "w").close()
    proc = procs.start([binary], log_path, env=fn_env)
    rec = Record("runtime", lambda: proc.pid if proc.poll() is None else None)
    every = max(1, n // 50)
    started = time.time()
    try:
        for i, req in enumerate(requests):
            event = to_event(req)  # made now: a confirmed cancellation's body needs its preview's answer
            if i % every == 0 and i:
                rec.sample()
            rid = f"load-{i}"
            api.events.put((rid, event))
            try:
                while True:
                    got, kind, sent, done, body = api.responses.get(timeout=args.timeout)
                    if got == rid or got == "init":
                        break
            except Exception:
                rec.add(req, float(args.timeout), None, f"no answer within {args.timeout}s"
                        + (f" (the function exited with {proc.returncode})" if proc.poll() is not None else ""))
                break
            if got == "init" or kind != "response":
                rec.add(req, done - (sent or done), kind, f"the function reported an {kind}: {body[:300]!r}")
                if got == "init":
                    break
                continue
            try:
                response = json.loads(body)
                status = response.get("statusCode")
                text = response.get("body") or ""
                if response.get("isBase64Encoded"):
                    text = base64.b64decode(text).decode()
            except (ValueError, AttributeError) as e:
                rec.add(req, done - sent, None, f"not a function URL response ({e}): {body[:300]!r}")
                continue
            rec.add(req, done - sent, status, judge(None, req, status, text))
            if i == 0:
                rec.sample()
        rec.sample()
        if proc.poll() is not None:
            rec.problem(f"the function exited with {proc.returncode}")
        hwm = rss_kb(proc.pid, "VmHWM")
    finally:
        procs.stop(proc)
        api.close()
    seconds = time.time() - started
    out = summarise(rec, n, args, seconds, log_path, 0)
    out["memory"]["peak_kb"] = hwm
    out["binary"] = os.path.relpath(binary, ROOT)
    out["trace_ids"] = "fixed" if args.fixed_trace_id else "one per invocation"
    return out


# --------------------------------------------------------------------------------------------
# Phase 2: through `cargo lambda watch`

def http_request(req, port):
    body = body_of(req).encode()
    lines = [f"{req['method']} {MCP_PATH} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    lines += [f"{k}: {v}" for k, v in req["headers"].items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def post_raw(port, body, timeout=5):
    """One request on a fresh connection: the HTTP status, or None when nothing answered."""
    try:
        conn = B.Conn(socket.create_connection(("127.0.0.1", port), timeout))
        conn.sock.settimeout(timeout)
        conn.send(http_request({"method": "POST", "headers": {"content-type": "application/json"}, "body": body}, port))
        status = int(conn.read_message()[0].split()[1])
        conn.close()
        return status
    except (OSError, EOFError, ValueError, IndexError):
        return None


def function_under(watch_pid):
    pids = [p for p in descendants(watch_pid) if comm(p) == "lambda-mcp"]
    return pids[0] if len(pids) == 1 else (None if not pids else max(pids))


def run_watch(args, procs, env, data, moto_port):
    m, threads = args.requests, args.clients
    port = B.free_port()
    log_path = os.path.join(OUT, "watch.log")
    open(log_path, "w").close()
    argv = [os.path.join(ROOT, ".tools/lambda/bin/cargo-lambda"), "lambda", "watch", "-A", "127.0.0.1", "-P", str(port),
            "--ignore-changes", "--quiet",
            "--env-var", f"AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:{moto_port}",
            "--env-var", f"AWS_ENDPOINT_URL_SECRETS_MANAGER=http://127.0.0.1:{moto_port}"]
    if args.release:
        argv.append("--release")
    watch_env = dict(os.environ, PATH=os.path.join(ROOT, ".tools/lambda/bin") + ":" + os.environ.get("PATH", ""))
    log(f"cargo lambda watch: {m:,} requests from {threads} concurrent clients "
        f"({'release' if args.release else 'debug'} build)")
    watch = procs.start(argv, log_path, env=watch_env, cwd=ROOT)
    try:
        deadline = time.time() + args.watch_start_timeout
        while post_raw(port, "{}") is None:
            if watch.poll() is not None:
                raise RuntimeError(f"cargo lambda watch exited with {watch.returncode}; see {log_path}")
            if time.time() > deadline:
                raise RuntimeError(f"cargo lambda watch did not answer within {args.watch_start_timeout}s; see {log_path}")
            time.sleep(0.5)
        pid = function_under(watch.pid)
        if not pid:
            raise RuntimeError("no lambda-mcp process under cargo lambda watch")
        log(f"watch answers on {port}; the function is pid {pid}")

        rng = random.Random(args.seed + 1)
        pool = data.cancellable[len(data.cancellable) // 2:]
        ids = counter()
        shares = [pool[i::threads] for i in range(threads)]
        plans = [Mix(data, random.Random(rng.random()), shares[t], ids, f"watch{t}").build(m // threads + (t < m % threads))
                 for t in range(threads)]
        total = sum(len(p) for p in plans)
        pids = set()

        def current_pid():
            p = function_under(watch.pid)
            if p:
                pids.add(p)
            return p

        rec = Record("watch", current_pid)
        every = max(1, total // 50)
        marks = iter(range(every, total + every, every))
        next_mark = [next(marks)]
        reconnects = [0]
        stop = threading.Event()

        def client(plan):
            conn = None
            for req in plan:
                if stop.is_set():
                    return
                request = http_request(req, port)
                status, text, t0 = None, "", now()
                for attempt in (0, 1):
                    reused = conn is not None
                    try:
                        if conn is None:
                            conn = B.Conn(socket.create_connection(("127.0.0.1", port), 10))
                            conn.sock.settimeout(args.timeout)
                        t0 = now()
                        conn.send(request)
                        start, headers, body, _, t1 = conn.read_message()
                        status, text = int(start.split()[1]), body.decode("utf-8", "replace")
                        if headers.get("connection", "").lower() == "close":
                            conn.close()
                            conn = None
                        break
                    except (OSError, EOFError, ValueError, IndexError) as e:
                        if conn is not None:
                            conn.close()
                        conn = None
                        t1 = now()
                        text = f"no answer: {type(e).__name__}: {e}"
                        # A kept-alive connection the server had already closed: once more on a
                        # new one (counted in the report).
                        if attempt == 0 and reused and isinstance(e, (EOFError, ConnectionResetError, BrokenPipeError)):
                            with rec.lock:
                                reconnects[0] += 1
                            continue
                        break
                problem = judge(None, req, status, text) if status is not None else text
                rec.add(req, t1 - t0, status, problem)
                with rec.lock:
                    due = rec.done >= next_mark[0]
                    if due:
                        next_mark[0] = next(marks, total + 1)
                if due:
                    rec.sample()
            if conn is not None:
                conn.close()

        # Warm-up outside the measurement: the first tool call opens the function's DynamoDB client.
        for req in Mix(data, random.Random(0), [], counter(10_000_000), "warmup").build(20):
            if req["kind"].startswith("cancel_order"):
                continue
            c = B.Conn(socket.create_connection(("127.0.0.1", port), 10))
            c.sock.settimeout(args.timeout)
            c.send(http_request(req, port))
            c.read_message()
            c.close()
        started = time.time()
        rec.sample()
        watch_rss = [rss_kb(watch.pid)]
        workers = [threading.Thread(target=client, args=(p,), daemon=True) for p in plans]
        for w in workers:
            w.start()
        for w in workers:
            w.join(args.timeout * (total // threads + 2))
        if any(w.is_alive() for w in workers):
            stop.set()
            rec.problem("a client thread did not finish")
        seconds = time.time() - started
        rec.sample()
        watch_rss.append(rss_kb(watch.pid))
        hwm = rss_kb(pid, "VmHWM")
        if watch.poll() is not None:
            rec.problem(f"cargo lambda watch exited with {watch.returncode}")
        if len(pids) > 1:
            rec.problem(f"the function process was replaced during the run (pids {sorted(pids)}): a crash or restart")
    finally:
        procs.stop(watch)
    out = summarise(rec, total, args, seconds, log_path, len(pids) - 1)
    out["memory"]["peak_kb"] = hwm
    out["clients"] = threads
    out["reconnects"] = reconnects[0]
    out["watch_rss_kb"] = watch_rss
    out["build"] = "release" if args.release else "debug"
    return out


# --------------------------------------------------------------------------------------------

def report(results):
    out = []
    for phase, title in (("runtime", "Runtime API loop (one process, back-to-back)"),
                         ("watch", "cargo lambda watch (function URL path over HTTP)")):
        r = results.get(phase)
        if not r:
            continue
        how = (f"{r['binary']}, trace ids: {r['trace_ids']}" if phase == "runtime" else f"{r['build']} build, {r['clients']} concurrent clients, "
               f"{r['reconnects']} reconnects")
        t = B.Table(f"{title}: {r['requests']:,} requests in {r['seconds']:.1f} s ({r['rate_per_s']:.0f}/s), "
                    f"{r['failed']} failed; {how}", ["request", "n", "p50 ms", "p99 ms", "max ms"])
        for kind, s in r["kinds"].items():
            t.add(kind, s["n"], f"{s['p50_ms']:.2f}", f"{s['p99_ms']:.2f}", f"{s['max_ms']:.1f}")
        a = r["all"]
        t.add("all", a["n"], f"{a['p50_ms']:.2f}", f"{a['p99_ms']:.2f}", f"{a['max_ms']:.1f}")
        out.append(t.render())
        mem = r["memory"]
        if "warm_kb" in mem:
            out.append(f"HTTP statuses: {', '.join(f'{k}: {v}' for k, v in sorted(r['status'].items()))}.")
            out.append(f"Function VmRSS: {mem['first_kb']} KiB at the start, {mem['warm_kb']} KiB after the warm-up "
                       f"(request {mem['warm_at']:,}), {mem['end_kb']} KiB at the end (request {mem['end_at']:,}); "
                       f"growth {mem['growth_kb']:+d} KiB, bound {mem['bound']}: "
                       f"{'flat' if mem['flat'] else 'NOT FLAT'}; max after warm-up {mem['max_after_warm_kb']} KiB; "
                       f"peak (VmHWM) {mem.get('peak_kb')} KiB; trend after the warm-up {mem.get('slope_kib_per_1k', 0):+.1f} KiB "
                       f"per 1,000 requests. Log: {r['log_panics']} panics, {r['log_errors']} ERROR lines.")
            if r.get("watch_rss_kb"):
                w = r["watch_rss_kb"]
                out.append(f"cargo-lambda itself (not the product; not asserted): VmRSS {w[0]} KiB after the warm-up, "
                           f"{w[1]} KiB at the end.")
        for f in r["failures"]:
            out.append(f"  FAILED {f}")
    return "\n".join(out)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--long", action="store_true", help="the long variant: 100,000 invocations and 20,000 requests "
                   "through watch, release build (unless --debug)")
    p.add_argument("--invocations", type=int, help="Runtime API loop invocations (default 3000; --long 100000)")
    p.add_argument("--requests", type=int, help="requests through cargo lambda watch (default 1500; --long 20000)")
    p.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients against watch (default 8)")
    p.add_argument("--release", action="store_true", help="measure the release build (default with --long)")
    p.add_argument("--debug", action="store_true", help="measure the debug build (default without --long)")
    p.add_argument("--warmup", type=float, default=0.2,
                   help="share of a phase's requests before the memory baseline is taken (default 0.2)")
    p.add_argument("--rss-allowance-kib", type=int, default=64,
                   help="VmRSS growth allowed from the baseline to the end, fixed part, KiB (default 64: "
                        "allocator settling, measured at 20-56 KiB)")
    p.add_argument("--rss-bytes-per-request", type=int, default=16,
                   help="VmRSS growth allowed per request after the baseline, bytes (default 16: "
                        "under 16 MB per million invocations)")
    p.add_argument("--seed", type=int, default=7, help="seed of the request mix")
    p.add_argument("--timeout", type=float, default=30, help="seconds to wait for any one answer")
    p.add_argument("--watch-start-timeout", type=float, default=600, help="seconds for watch to build and answer")
    p.add_argument("--binary", help="Runtime API loop: this function binary instead of target/<profile>/lambda-mcp "
                   "(an A/B of a fix; watch always builds the checkout)")
    p.add_argument("--fixed-trace-id", action="store_true",
                   help="Runtime API loop: the same Lambda-Runtime-Trace-Id for every invocation (a control; "
                        "Lambda and cargo lambda watch send a new one each time)")
    p.add_argument("--skip-watch", action="store_true", help="only the Runtime API loop")
    p.add_argument("--skip-runtime", action="store_true", help="only cargo lambda watch")
    p.add_argument("--json", default=os.path.join(OUT, "results.json"), help="where to write the figures")
    args = p.parse_args()
    args.invocations = args.invocations or (100_000 if args.long else 3000)
    args.requests = args.requests or (20_000 if args.long else 1500)
    args.release = (args.long or args.release) and not args.debug
    profile = "release" if args.release else "debug"
    binary = os.path.abspath(args.binary) if args.binary else os.path.join(ROOT, "target", profile, "lambda-mcp")
    seeder = os.path.join(ROOT, "target", profile, "lambda-mcp-seed")

    os.makedirs(OUT, exist_ok=True)
    procs = Procs(os.path.join(OUT, "pgids"))
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    parent = os.getppid()
    _libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: end (and clean up) with scripts/load
    if os.getppid() != parent:
        sys.exit(143)
    started = time.time()
    results = {"machine": {"cpus": os.cpu_count(), "load_start": os.getloadavg()}, "profile": profile,
               "long": args.long, "seed": args.seed}
    try:
        moto_port = B.free_port()
        moto = procs.start([sys.executable, os.path.join(ROOT, "bench", "moto_server.py"), "-H", "127.0.0.1",
                            "-p", str(moto_port)], os.path.join(OUT, "moto.log"))
        B.wait_port(moto_port, proc=moto)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "TZ": ":UTC",
               "AWS_ENDPOINT_URL": f"http://127.0.0.1:{moto_port}", "AWS_REGION": "us-east-1",
               "AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "load", "AWS_SECRET_ACCESS_KEY": "load",
               "AWS_EC2_METADATA_DISABLED": "true"}
        os.environ.update({k: v for k, v in env.items() if k.startswith("AWS_")})
        os.environ.pop("AWS_PROFILE", None)
        import boto3
        boto3.client("secretsmanager").create_secret(Name=SECRET, SecretString=KEY)
        log(f"moto on {moto_port}; seeding {TABLE} with data/demo-orders.json")
        subprocess.run([seeder, "--table", TABLE], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        data = Data(os.path.join(ROOT, "data", "demo-orders.json"))
        if not args.skip_runtime:
            results["runtime"] = run_runtime(args, procs, env, data, binary)
        if not args.skip_watch:
            results["watch"] = run_watch(args, procs, env, data, moto_port)
    finally:
        procs.stop_all()
    results["seconds"] = time.time() - started
    results["machine"]["load_end"] = os.getloadavg()
    with open(args.json, "w") as f:
        json.dump(results, f, indent=1)
    failed = sum(results[k]["failed"] for k in ("runtime", "watch") if k in results)
    print(f"lambda-mcp load test{' (--long)' if args.long else ''}: {profile} build, {os.cpu_count()} CPUs, "
          f"{results['seconds']:.0f} s; latency is recorded, never asserted.")
    print(report(results))
    print(f"\n{'FAILED' if failed else 'ok'}: {failed} failed check(s); figures in {os.path.relpath(args.json, ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the processes are ended by main's finally
        print("interrupted", file=sys.stderr)
        sys.exit(130)
