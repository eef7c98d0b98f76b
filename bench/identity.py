"""Who the caller is, measured: OAuth access tokens against API keys, and customer-bound lookups.

Shared by bench/bench.py (timed) and bench/guard.py (instructions counted).

  OAuth     the real local authorization server of the tests (tests/oauth/auth_server.mjs,
            oidc-provider) on a free loopback port issues access tokens (client credentials,
            resource indicator = the bench function's URL); lambda-mcp verifies them with
            MCP_AUTH=oauth, its keys (JWKS) fetched from that server on the first token.
  customer  lambda-mcp with MCP_TRUST_MODEL=customer-bound, the verified customer's email in the
  -bound    `x-moveo-external-id` header: the customer's own order, another customer's order and
            a number no order has; another customer's email and an unknown one. Another customer's
            data must answer exactly like missing data, with no measurable timing difference.
"""
import base64
import glob
import json
import math
import os
import random
import subprocess
import urllib.parse
import urllib.request

import harness

OAUTH_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "oauth")
# The bench function's canonical URL: the host and path of harness.url_event's requests.
RESOURCE = "https://abcdefg.lambda-url.us-east-1.on.aws/mcp"
SCOPE = "orders:read orders:cancel"
CUSTOMER_HEADER = "x-moveo-external-id"


class AuthServer:
    """tests/oauth/auth_server.mjs on a free loopback port; it exits when this process does (its
    stdin closes)."""

    def __init__(self, log_path):
        if not os.path.isdir(os.path.join(OAUTH_DIR, "node_modules", "oidc-provider")):
            raise RuntimeError("tests/oauth has no node_modules: run scripts/bootstrap local")
        self.port = harness.free_port()
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(
            ["node", "auth_server.mjs", "--port", str(self.port), "--resource", RESOURCE, "--exit-with-stdin"],
            cwd=OAUTH_DIR, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log)
        self.info = None

    def ready(self):
        """Waits for the server's ready line (it is started early so node's start overlaps other
        setup)."""
        if self.info is None:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"the authorization server exited with {self.proc.wait()}; see {self.log.name}")
            self.info = json.loads(line)
        return self

    @property
    def issuer(self):
        return self.ready().info["issuer"]

    def env(self, modes="oauth"):
        """The function's settings for this issuer: keys from its JWK Set, tokens for RESOURCE."""
        return {"MCP_AUTH": modes, "MCP_RESOURCE_URL": RESOURCE, "MCP_OAUTH_ISSUER": self.issuer,
                "MCP_OAUTH_JWKS_URL": self.info["jwks_uri"]}

    def token(self, client="machine", scope=SCOPE):
        """An access token (a JWT, RS256) from the client credentials grant, for RESOURCE."""
        c = self.ready().info["clients"][client]
        basic = base64.b64encode(f"{c['client_id']}:{c['client_secret']}".encode()).decode()
        form = urllib.parse.urlencode({"grant_type": "client_credentials", "resource": RESOURCE, "scope": scope})
        request = urllib.request.Request(f"{self.issuer}/token", data=form.encode(), headers={
            "authorization": f"Basic {basic}", "content-type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(request, timeout=20) as answer:
            return json.load(answer)["access_token"]

    def jwks_fetches(self):
        """How often the server's key set has been fetched (its test-only /test/stats)."""
        with urllib.request.urlopen(f"{self.issuer}/test/stats", timeout=20) as answer:
            return json.load(answer)["jwks"]

    def stop(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        self.log.close()


# --------------------------------------------------------------------------------------------
# Customer-bound subjects

def bound_env():
    return {"MCP_TRUST_MODEL": "customer-bound", "MCP_CUSTOMER_HEADER": CUSTOMER_HEADER}


def bound_subjects(dynamo, table, own_order):
    """The verified customer (the owner of `own_order`), another customer's order with a number
    of the same length, a number of that length no order has, the other customer's email and an
    unknown email of the same length (setup-only reads: the first Scan page that has another
    customer's order, and key lookups)."""
    def head(number):
        item = dynamo.get_item(TableName=table, Key={"pk": {"S": f"ORDER#{number}"}, "sk": {"S": "#ORDER"}})
        return item.get("Item")

    me = head(own_order)["customer_email"]["S"].lower()
    other, start = None, None
    while other is None:
        kwargs = {"TableName": table, "Limit": 200}
        if start:
            kwargs["ExclusiveStartKey"] = start
        page = dynamo.scan(**kwargs)
        for item in page["Items"]:
            email = item.get("customer_email", {}).get("S", "")
            if item.get("entity", {}).get("S") == "order" and len(item["number"]["S"]) == len(own_order) \
                    and email.lower() != me and email.isascii() and email == email.strip() and "@" in email:
                other = (item["number"]["S"], email)
                break
        start = page.get("LastEvaluatedKey")
        if other is None and not start:
            raise RuntimeError(f"no order of another customer in {table}")
    number, other_email = other
    missing = next(str(n) for n in range(int(number) + 500_000, 10 ** len(number)) if head(n) is None)
    local, domain = other_email.split("@", 1)
    unknown = "u" * len(local) + "@" + domain
    known = dynamo.query(TableName=table, IndexName="gsi1", KeyConditionExpression="gsi1pk = :pk",
                         ExpressionAttributeValues={":pk": {"S": f"CUSTOMER#{unknown.lower()}"}}, Limit=1)
    if known["Items"]:
        raise RuntimeError(f"{unknown} is a customer in {table}")
    return {"verified": me, "own": own_order, "other": number, "missing": missing,
            "other_email": other_email, "unknown_email": unknown}


def bound_calls(s):
    """(label, message) of each customer-bound call measured; the pairs compared come next."""
    return [
        ("get_order: own order", harness.call("get_order", {"order_number": s["own"]})),
        ("get_order: other customer's order", harness.call("get_order", {"order_number": s["other"]})),
        ("get_order: missing order", harness.call("get_order", {"order_number": s["missing"]})),
        ("search_orders: other customer's email", harness.call("search_orders", {"email": s["other_email"]})),
        ("search_orders: unknown email", harness.call("search_orders", {"email": s["unknown_email"]})),
    ]


BOUND_PAIRS = [("get_order: other customer's order", "get_order: missing order"),
               ("search_orders: other customer's email", "search_orders: unknown email")]


def check_bound_answers(texts, s):
    """The verified customer's own order answers, and another customer's data answers like missing
    data: the same text once the number or email the caller gave is swapped (raises otherwise)."""
    own = texts["get_order: own order"]
    if not own.startswith(f"Order #{s['own']}"):
        raise RuntimeError(f"customer-bound: the verified customer's own order answers: {own[:300]}")
    for other, missing, was, now in ((*BOUND_PAIRS[0], s["other"], s["missing"]),
                                     (*BOUND_PAIRS[1], s["other_email"], s["unknown_email"])):
        if texts[other].replace(was, now) != texts[missing]:
            raise RuntimeError(f"customer-bound: {other} answers unlike {missing}:\n{texts[other]}\n{texts[missing]}")


# --------------------------------------------------------------------------------------------
# Measurement

def cpu_ns(proc):
    """CPU time the process's threads have run, in nanoseconds (the scheduler's own account,
    /proc/PID/task/*/schedstat: exact, unlike the 10 ms ticks of /proc/PID/stat)."""
    total = 0
    for path in glob.glob(f"/proc/{proc.pid}/task/*/schedstat"):
        try:
            with open(path) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


def interleaved(c, series, n, block, warmup=10, pairs=()):
    """Runs each series (label, message, url_event arguments) at least `n` times on the started
    function `c`, in blocks of `block` calls, so that drift on a shared machine and what ran before
    hit every series alike: the series in a new random order (seeded) every other round, and in
    the round after it in the same order with the members of each of `pairs` swapped, and one
    `initialize` between rounds, so the two of a pair follow and precede the same calls equally
    often. Per series: latency p50 / p90 (s),
    CPU per call (s), the latencies and the CPU per call of each block (for the rank test), and
    the last answer's text."""
    out = {label: {"lat": [], "block_cpu": [], "text": None} for label, _, _ in series}
    for label, message, event in series:
        for _ in range(warmup):
            c.invoke(message, label, False, **event)
    swap = {a: b for a, b in pairs} | {b: a for a, b in pairs}
    by_label = {s_[0]: s_ for s_ in series}
    shuffle, order = random.Random(1), None
    for round_ in range(2 * math.ceil(n / (2 * block))):
        if round_ % 2 == 0:
            order = shuffle.sample(series, len(series))
        else:
            order = [by_label[swap.get(label, label)] for label, _, _ in order]
        for label, message, event in order:
            cpu0 = cpu_ns(c.proc)
            for _ in range(block):
                latency, response = c.invoke(message, label, False, **event)
                out[label]["lat"].append(latency)
            out[label]["block_cpu"].append((cpu_ns(c.proc) - cpu0) / block / 1e9)
            out[label]["text"] = answer_text(response, label)
        # The same call between rounds: whatever opens the next round follows it, not a block.
        c.invoke(harness.INITIALIZE, "initialize", False, **series[0][2])
    for label, s in out.items():
        s["p50"], s["p90"] = harness.pct(s["lat"], 50), harness.pct(s["lat"], 90)
        s["cpu"] = sum(s["block_cpu"]) / len(s["block_cpu"])
    return out


def answer_text(response, what):
    """The answer's text: a tool's first content item, or the JSON-RPC result (HTTP 200 only)."""
    if response.get("statusCode") != 200:
        raise RuntimeError(f"{what}: HTTP {response.get('statusCode')}: {str(response.get('body'))[:300]}")
    result = json.loads(response["body"]).get("result")
    if result is None:
        raise RuntimeError(f"{what}: {response['body'][:300]}")
    content = result.get("content")
    return content[0]["text"] if content else json.dumps(result, sort_keys=True)


def rank_z(a, b):
    """Mann-Whitney U of two samples as a z score (normal approximation, ties ranked by their
    mean): |z| under 3 means the two are not told apart at p < 0.003."""
    both = sorted([(v, 0) for v in a] + [(v, 1) for v in b])
    ranks, i = [0.0] * len(both), 0
    while i < len(both):
        j = i
        while j + 1 < len(both) and both[j + 1][0] == both[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[k] = (i + j) / 2 + 1
        i = j + 1
    n1, n2 = len(a), len(b)
    r1 = sum(r for r, (_, g) in zip(ranks, both) if g == 0)
    u = r1 - n1 * (n1 + 1) / 2
    sd = math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12)
    return (u - n1 * n2 / 2) / sd if sd else 0.0


def compare(a, b):
    """`a` against `b` (two interleaved series): differences of p50, p90 and CPU, rank tests."""
    return {"d_p50": a["p50"] - b["p50"], "d_p90": a["p90"] - b["p90"], "d_cpu": a["cpu"] - b["cpu"],
            "z_latency": rank_z(a["lat"], b["lat"]), "z_cpu": rank_z(a["block_cpu"], b["block_cpu"])}


def slim(series):
    """A series without its raw samples, for results.json."""
    return {k: v for k, v in series.items() if k not in ("lat", "block_cpu")}


# --------------------------------------------------------------------------------------------
# The bench's two sections

def measure_oauth(server, key_fn, oauth_cold, spawner, base_env, table, warm_n):
    """The warm comparison and the no-network check; the cold runs are bench.py's loop.

    One process accepting both (MCP_AUTH=header,oauth) answers `initialize` with a key and with a
    token in alternating blocks: the CPU difference is the token's verification."""
    out = {}
    # initialize without a token never touches the network: no key set fetched for it.
    probe = harness.Function("lambda-mcp-oauth-probe", key_fn.binary, oauth_cold.extra_env)
    before = server.jwks_fetches()
    probe.start(spawner, base_env, table)
    try:
        _, unauthenticated = probe.invoke(harness.INITIALIZE, check=False, key=None)
        after_none = server.jwks_fetches()
        probe.invoke(harness.INITIALIZE, token=server.token())
        after_token = server.jwks_fetches()
    finally:
        probe.stop()
    out["no_token"] = {"status": unauthenticated.get("statusCode"), "jwks_fetches": after_none - before,
                       "jwks_fetches_first_token": after_token - after_none}
    both = harness.Function("lambda-mcp-key+oauth", key_fn.binary, dict(server.env("header,oauth")))
    both.start(spawner, base_env, table)
    try:
        token = server.token()
        series = [("key", harness.INITIALIZE, {}), ("token", harness.INITIALIZE, {"token": token})]
        warm = interleaved(both, series, warm_n, 50, warmup=50, pairs=[("key", "token")])
    finally:
        out["rss_kb"] = both.stop()
    out["n"], out["warm"] = len(warm["key"]["lat"]), {k: slim(v) for k, v in warm.items()}
    out["verification"] = compare(warm["token"], warm["key"])
    return out


def measure_bound(fn, spawner, base_env, table, subjects, n):
    """Each customer-bound call `n` times, interleaved in blocks of 5, on one process."""
    fn.start(spawner, base_env, table)
    try:
        fn.invoke(harness.INITIALIZE)  # the key fetch belongs to the cold start
        header = {"headers": {CUSTOMER_HEADER: subjects["verified"]}}
        series = [(label, message, header) for label, message in bound_calls(subjects)]
        warm = interleaved(fn, series, n, 5, pairs=BOUND_PAIRS)
    finally:
        fn.stop()
    check_bound_answers({k: v["text"] for k, v in warm.items()}, subjects)
    return {"subjects": subjects, "n": len(next(iter(warm.values()))["lat"]),
            "warm": {k: slim(v) for k, v in warm.items()},
            "pairs": {f"{a} vs {b}": compare(warm[a], warm[b]) for a, b in BOUND_PAIRS}}


# --------------------------------------------------------------------------------------------
# The report

def us(v):
    return f"{v * 1e6:+.0f}" if v is not None else "-"


def report_oauth(r):
    cold, o = r["cold"], r["oauth"]
    key, tok = cold["lambda-mcp"], cold["lambda-mcp-oauth"]
    ratio = harness.ratio(tok["handshake"]["median"], key["handshake"]["median"])
    t = harness.Table("OAuth access tokens against API keys (the local authorization server, oidc-provider)",
                    ["", "API key", "OAuth token", "difference", "target"])
    t.add("cold handshake: spawn -> authenticated initialize (key from Secrets Manager | JWKS from the AS)",
          harness.fmt_cold(key["handshake"]), harness.fmt_cold(tok["handshake"]), f"{harness.fmt_ratio(ratio)} the key's",
          f"<= 2x the key's: {harness.verdict(ratio is not None and ratio <= 2)}")
    t.add("CPU to the cold handshake", harness.fmt_cold(key["cpu"]), harness.fmt_cold(tok["cpu"]),
          harness.fmt_ratio(harness.ratio(tok["cpu"]["median"], key["cpu"]["median"])), "-")
    wk, wt, v = o["warm"]["key"], o["warm"]["token"], o["verification"]
    t.add("warm initialize p50 / p90 (one process, MCP_AUTH=header,oauth)",
          f"{harness.ms(wk['p50'])} / {harness.ms(wk['p90'])}", f"{harness.ms(wt['p50'])} / {harness.ms(wt['p90'])}",
          f"p50 {us(v['d_p50'])} us", "-")
    t.add("CPU per warm initialize, us", f"{wk['cpu'] * 1e6:.0f}", f"{wt['cpu'] * 1e6:.0f}",
          f"{us(v['d_cpu'])} us: the token's verification",
          f"< 100 us: {harness.verdict(v['d_cpu'] < 100e-6)}")
    nt = o["no_token"]
    ok = nt["status"] == 401 and nt["jwks_fetches"] == 0 and nt["jwks_fetches_first_token"] == 1
    t.add("initialize without a token", f"HTTP {nt['status']}", f"JWKS fetches: {nt['jwks_fetches']} "
          f"(then {nt['jwks_fetches_first_token']} for the first token)", "-",
          f"no network call: {harness.verdict(ok)}")
    return t.render() + (f"\nWarm: {o['n']} calls each, blocks of 50, alternating. Cold: the key fetched from moto's "
                         "Secrets Manager, the keys (JWKS) from oidc-provider on node, both on loopback.")


def report_bound(r):
    b = r["customer_bound"]
    t = harness.Table(f"Customer-bound lookups (MCP_TRUST_MODEL=customer-bound; {b['n']} calls each, "
                    "in blocks of 5, the pairs' order balanced)", ["call", "p50 / p90 ms", "CPU per call, us"])
    for label, s in b["warm"].items():
        t.add(label, f"{harness.ms(s['p50'])} / {harness.ms(s['p90'])}", f"{s['cpu'] * 1e6:.0f}")
    out = [t.render()]
    t = harness.Table("Another customer's data against missing data",
                    ["pair", "p50 diff, us", "p90 diff, us", "CPU diff, us", "rank test z (time; CPU)",
                     "no measurable difference: time; the function's CPU"])
    for pair, c in b["pairs"].items():
        t.add(pair, us(c["d_p50"]), us(c["d_p90"]), us(c["d_cpu"]), f"{c['z_latency']:+.1f}; {c['z_cpu']:+.1f}",
              f"{harness.verdict(abs(c['z_latency']) < 3)}; {harness.verdict(abs(c['z_cpu']) < 3)}")
    out.append(t.render())
    out.append("The answers of each pair are the same text (checked). z: Mann-Whitney rank test of the two "
               "series (time: each call; CPU: each block), |z| < 3 = not told apart (p > 0.003). get_order's "
               "time includes moto's: for both numbers it reads the verified customer's own orders (gsi1), "
               "filtered on the number, and the order itself is never read.")
    return "\n".join(out)
