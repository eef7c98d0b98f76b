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
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile

import boto3

import identity
from harness import (
    BENCH, call, Conn, cold_stats, CountingProxy, fmt_cold, fmt_ratio, fmt_warm, free_port,
    Function, HttpPeer, INITIALIZE, KEY, OUT, PEERS, ratio, ROOT, SECRET, Spawner, Table,
    TABLE_LARGE, TABLE_SMALL, TOOLS_LIST, verdict, wait_port, warm_stats,
)

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
