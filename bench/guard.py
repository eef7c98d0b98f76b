#!/usr/bin/env python3
"""The performance guard: instructions counted by callgrind, compared with budgets.

Run it through `bench/guard` (which builds what it measures); docs/performance.md explains it.

Each contender runs under `valgrind --tool=callgrind` behind the benchmark's Lambda Runtime API
emulator (bench/bench.py), against moto on loopback. The counters are dumped (through vgdb) only
while the process is blocked on its next `/next` poll, so each figure covers exactly:

  init               spawn -> the first /next poll
  first initialize   the first authenticated `initialize` of the process (API key fetched from
                     Secrets Manager, AWS SDK set up)
  warm ...           one invocation of a warm process, the mean of N after W warm-up invocations:
                     initialize, tools/list, each tool call
  ... (oauth)        the same process verifying OAuth access tokens (MCP_AUTH=oauth) from the
                     tests' authorization server (tests/oauth, oidc-provider) instead of API keys:
                     the first initialize fetches its keys (JWKS), the warm one verifies a token
  ... (customer-bound)  lookups bound to a verified customer (MCP_TRUST_MODEL=customer-bound):
                     their own order, another customer's, a missing one; another customer's email
                     and an unknown one. The pairs in bench/budgets.toml's [pairs] must count
                     alike (another customer's data answers exactly like missing data)

The floor (bench/floor, a bare lambda_http hello-world built with the same profile) is counted
the same way; every figure is also shown as a ratio to the floor's matching one. Budgets and the
reason for each live in bench/budgets.toml; the guard fails when a figure is more than the margin
above its budget, and says when a budget could be lowered.

What would make counts vary is fixed: the environment (nothing inherited), request ids and X-Ray
trace ids (a fixed-width sequence, new per invocation), the data (lambda-mcp-seed's deterministic
generator), and the moments of the dumps. What remains is explained in docs/performance.md.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import identity  # noqa: E402
import harness  # noqa: E402
from harness import INITIALIZE, KEY, SECRET, TOOLS_LIST, call, url_event  # noqa: E402

ROOT = harness.ROOT
OUT = os.path.join(ROOT, "target", "guard")
TABLE = "guard-orders"


class SequencedRuntimeApi(harness.RuntimeApi):
    """The emulator with request ids and trace ids from a fixed-width sequence (a new trace id per
    invocation, as Lambda sends, but the same sequence on every run), and a record of each poll."""

    def __init__(self):
        super().__init__()
        self.polls = 0
        self.seq = 0

    def trace_id(self, request_id):
        n = int(request_id.split("-")[0], 16)
        return f"Root=1-6a000000-{n:024x};Parent={n:016x};Sampled=0"

    def next_id(self):
        self.seq += 1
        return f"{self.seq:08x}-0000-4000-8000-{self.seq:012x}"

    def _serve(self, conn):
        # Count /next polls: the emulator's reader sees each one before it blocks on the queue.
        original = conn.read_message

        def read_message():
            message = original()
            if message[0].startswith("GET ") and message[0].split(" ")[1].endswith("/runtime/invocation/next"):
                self.polls += 1
            return message
        conn.read_message = read_message
        super()._serve(conn)


class Counted:
    """One contender under callgrind: start, drive, dump counters at quiet points, stop."""

    def __init__(self, name, binary, env, work, keep=None):
        self.name, self.work, self.keep = name, work, keep
        self.api = SequencedRuntimeApi()
        self.out = os.path.join(work, f"{name}.callgrind")
        self.prefix = os.path.join(work, f"vgdb-{name}")
        env = dict(env, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{self.api.port}")
        argv = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={self.out}", "--vgdb=yes",
                f"--vgdb-prefix={self.prefix}", "--dump-instr=no", "--compress-strings=no", binary]
        self.log = open(os.path.join(work, f"{name}.log"), "wb")
        self.proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.dumps = 0

    def wait_polls(self, n, timeout=300):
        deadline = time.time() + timeout
        while self.api.polls < n:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log.name}")
            if time.time() > deadline:
                raise RuntimeError(f"{self.name}: no /next poll within {timeout} s")
            time.sleep(0.005)

    def settle(self):
        """Waits until every thread of the process is asleep and stays so (blocked on its poll)."""
        quiet, last = 0, None
        while quiet < 4:
            time.sleep(0.025)
            states, cpu = [], 0
            for stat in glob.glob(f"/proc/{self.proc.pid}/task/*/stat"):
                try:
                    with open(stat) as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                states.append(fields[0])
                cpu += int(fields[11]) + int(fields[12])
            sample = (len(states), cpu)
            quiet = quiet + 1 if all(s == "S" for s in states) and sample == last else 0
            last = sample

    def dump(self, label):
        """Instructions since the previous dump (callgrind zeroes its counters at each dump)."""
        self.settle()
        try:
            # The process is blocked in a system call: vgdb wakes it through ptrace.
            subprocess.run(["vgdb", f"--pid={self.proc.pid}", f"--vgdb-prefix={self.prefix}", "dump", label],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            raise RuntimeError(f"{self.name}: vgdb could not ask callgrind for a dump ({error}); "
                               "it needs ptrace (a container may need --cap-add=SYS_PTRACE)") from error
        self.dumps += 1
        path = f"{self.out}.{self.dumps}"
        for _ in range(400):
            if os.path.exists(path):
                with open(path) as f:
                    for line in f:
                        if line.startswith("totals:") or line.startswith("summary:"):
                            self.retire(path, label)
                            return int(line.split()[1])
            time.sleep(0.01)
        raise RuntimeError(f"{self.name}: callgrind wrote no dump for {label}")

    def retire(self, path, label):
        """Deletes a dump, or keeps it for callgrind_annotate under --profile."""
        if not self.keep:
            os.remove(path)
            return
        safe = "".join(c if c.isalnum() else "_" for c in label).strip("_")
        shutil.move(path, os.path.join(self.keep, f"{self.name}.{self.dumps:02d}.{safe}.callgrind"))

    def invoke(self, message, check, what, **event):
        polls = self.api.polls
        _, response, _ = self.api.invoke(self.api.next_id(), url_event(message, **event), timeout=300)
        if check:
            harness.lambda_result(response, what)
        self.wait_polls(polls + 1)
        return response

    def warm(self, label, messages, warmup, check=True, event=None, answers=None):
        """Mean instructions per invocation over `messages` after the first `warmup` of them;
        `event`: url_event's arguments (a token, headers); `answers`: a list that receives every
        response."""
        for message in messages[:warmup]:
            response = self.invoke(message, check, label, **(event or {}))
            answers is None or answers.append(response)
        self.dump(f"{label} warm-up")
        for message in messages[warmup:]:
            response = self.invoke(message, check, label, **(event or {}))
            answers is None or answers.append(response)
        return round(self.dump(label) / len(messages[warmup:]))

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        self.api.close()
        self.log.close()


def environment(moto_port):
    """Everything the function sees: nothing inherited from this shell, nothing that changes."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "TZ": ":UTC",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{moto_port}", "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "guard", "AWS_SECRET_ACCESS_KEY": "guard",
        "AWS_EC2_METADATA_DISABLED": "true", "AWS_LAMBDA_FUNCTION_NAME": "guard",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_STREAM_NAME": "guard", "AWS_LAMBDA_LOG_GROUP_NAME": "guard",
        "AWS_LAMBDA_LOG_FORMAT": "JSON", "_HANDLER": "bootstrap", "ORDERS_TABLE": TABLE,
        "MCP_API_KEY_SECRET_ID": SECRET,
    }


def cancellable(dynamo, n):
    """`n` pending or processing order numbers, in table order (a setup-only Scan)."""
    found, start = [], None
    while len(found) < n:
        kwargs = {"TableName": TABLE, "Limit": 500}
        if start:
            kwargs["ExclusiveStartKey"] = start
        page = dynamo.scan(**kwargs)
        found += [item["number"]["S"] for item in page["Items"]
                  if item.get("entity", {}).get("S") == "order" and item["status"]["S"] in ("pending", "processing")]
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    if len(found) < n:
        raise RuntimeError(f"only {len(found)} cancellable orders in {TABLE}")
    return found[:n]


def measure_oauth(args, env, server, work):
    """The function verifying OAuth access tokens instead of API keys."""
    figures, w, n = {}, args.warmup, args.n
    c = Counted("lambda-mcp-oauth", args.binary, dict(env, **server.env("oauth")), work, args.keep)
    try:
        c.wait_polls(1)
        c.dump("init")
        token = server.token()
        c.invoke(INITIALIZE, True, "first initialize (oauth)", token=token)
        figures["first initialize (oauth)"] = c.dump("first initialize (oauth)")
        figures["warm initialize (oauth)"] = c.warm("initialize (oauth)", [INITIALIZE] * (w + n), w,
                                                    event={"token": token})
    finally:
        c.stop()
    return figures


def measure_bound(args, env, subjects, work):
    """Customer-bound lookups: the verified customer's own order, another customer's, a missing
    one; another customer's email, an unknown one (answers checked alike first)."""
    figures, w, n = {}, args.warmup, args.n
    c = Counted("lambda-mcp-bound", args.binary, dict(env, **identity.bound_env()), work, args.keep)
    header = {"headers": {identity.CUSTOMER_HEADER: subjects["verified"]}}
    try:
        c.wait_polls(1)
        c.dump("init")
        c.invoke(INITIALIZE, True, "first initialize")
        c.dump("first initialize")
        calls = identity.bound_calls(subjects)
        texts = {label: identity.answer_text(c.invoke(message, False, label, **header), label)
                 for label, message in calls}
        identity.check_bound_answers(texts, subjects)
        for label, message in calls:
            figures[f"warm {label} (customer-bound)"] = c.warm(label, [message] * (w + n), w, False, header)
    finally:
        c.stop()
    return figures


def measure(args, env, subjects, dynamo, work):
    figures = {}
    w, n = args.warmup, args.n
    repeat = lambda message: [message] * (w + n)  # noqa: E731
    keep = args.keep
    product = Counted("lambda-mcp", args.binary, env, work, keep)
    try:
        product.wait_polls(1)
        figures["init"] = product.dump("init")
        product.invoke(INITIALIZE, True, "first initialize")
        figures["first initialize"] = product.dump("first initialize")
        figures["warm initialize"] = product.warm("initialize", repeat(INITIALIZE), w)
        figures["warm tools/list"] = product.warm("tools/list", repeat(TOOLS_LIST), w)
        tools_list_body = product.invoke(TOOLS_LIST, True, "tools/list")["body"]
        product.dump("answer")
        for label, message in bench.tool_calls(subjects):
            figures[f"warm {label}"] = product.warm(label, repeat(message), w)
        # A first call previews (no confirmation token yet); a confirmed call cancels. Every call
        # is on another order (a repeated cancellation would only replay).
        orders = cancellable(dynamo, w + n)
        cancel = lambda o, **extra: call("cancel_order", {"order_number": o, "reason": "customer_request", **extra})  # noqa: E731
        previews = []
        figures["warm cancel_order (preview)"] = product.warm(
            "cancel_order preview", [cancel(o) for o in orders], w, answers=previews)
        tokens = [harness.lambda_result(p, "cancel_order preview")["structuredContent"]["confirmation_token"]
                  for p in previews]
        confirmed = [cancel(o, confirmation_token=t) for o, t in zip(orders, tokens)]
        figures["warm cancel_order (confirmed)"] = product.warm("cancel_order confirmed", confirmed, w)
    finally:
        product.stop()

    floor_binary = args.floor
    floor = Counted("floor", floor_binary, env, work, keep)
    try:
        floor.wait_polls(1)
        figures["floor init"] = floor.dump("init")
        floor.invoke(INITIALIZE, False, "first")
        figures["floor first invocation"] = floor.dump("first")
        figures["floor warm"] = floor.warm("hello", repeat(TOOLS_LIST), w, check=False)
    finally:
        floor.stop()
    body = os.path.join(work, "tools-list-answer.json")
    with open(body, "w") as f:
        f.write(tools_list_body)
    same = Counted("floor-same-body", floor_binary, dict(env, FLOOR_BODY_FILE=body), work, keep)
    try:
        same.wait_polls(1)
        same.dump("init")
        figures["floor warm, tools/list bytes"] = same.warm("hello", repeat(TOOLS_LIST), w, check=False)
    finally:
        same.stop()
    return figures


def floor_of(name):
    """The floor figure a product figure is compared with."""
    if name == "init":
        return "floor init"
    if name.startswith("first initialize"):
        return "floor first invocation"
    if name == "warm tools/list":
        return "floor warm, tools/list bytes"
    return "floor warm"


def report_pairs(runs, pairs):
    """Figures that must count alike (another customer's data against missing data)."""
    first = runs[0]
    lines, failed = [], []
    for name, pair in pairs.items():
        a, b = pair["figures"]
        if a not in first or b not in first:
            failed.append(f"{name}: {a} or {b} was not counted")
            continue
        gap = (first[a] - first[b]) / first[b]
        ok = abs(gap) <= pair["within"]
        lines.append(f"{name}: {first[a]:,} against {first[b]:,} instructions, {first[a] - first[b]:+,} "
                     f"({gap * 100:+.2f}%, allowed {pair['within'] * 100:.0f}%): {'ok' if ok else 'APART'}")
        if not ok:
            failed.append(f"{name}: {gap * 100:+.2f}% apart")
    return lines, failed


def report(runs, budgets, margin):
    first = runs[0]
    names = [k for k in first if not k.startswith("floor")]
    floors = [k for k in first if k.startswith("floor")]
    width = max(len(k) for k in first)
    head = f"{'figure':<{width}}  {'instructions':>13}  {'x floor':>8}  {'budget':>13}  {'use':>6}  verdict"
    if len(runs) > 1:
        head += "  spread over runs"
    lines, failed, lower = [head, "-" * len(head)], [], []
    for name in names + floors:
        value = first[name]
        ratio = "" if name in floors else f"{value / first[floor_of(name)]:.2f}x"
        budget = budgets.get(name, {}).get("budget")
        if budget is None:
            verdict, use, shown = "no budget", "", "-"
            if name not in floors:
                failed.append(f"{name}: no budget in bench/budgets.toml")
        else:
            use_ratio = value / budget
            use, shown = f"{use_ratio * 100:.1f}%", f"{budget:,}"
            if use_ratio > 1 + margin:
                verdict = f"OVER by {(use_ratio - 1) * 100:.1f}% (margin {margin * 100:.0f}%)"
                failed.append(f"{name}: {value:,} instructions, budget {budget:,}")
            else:
                verdict = "ok"
                if use_ratio < 1 - 2 * margin:
                    lower.append(f"{name}: {value:,} (budget {budget:,})")
        row = f"{name:<{width}}  {value:>13,}  {ratio:>8}  {shown:>13}  {use:>6}  {verdict}"
        if len(runs) > 1:
            values = [r[name] for r in runs]
            row += f"  {min(values):,}..{max(values):,} ({(max(values) - min(values)) / min(values) * 100:.3f}%)"
        lines.append(row)
    return "\n".join(lines), failed, lower


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--binary", default=os.path.join(ROOT, "target/release/lambda-mcp"), help="the function to count")
    p.add_argument("--floor", default=os.path.join(ROOT, "target/bench/release/lambda-floor"), help="the floor binary")
    p.add_argument("--seeder", default=os.path.join(ROOT, "target/release/lambda-mcp-seed"), help="lambda-mcp-seed")
    p.add_argument("--budgets", default=os.path.join(ROOT, "bench/budgets.toml"))
    p.add_argument("--orders", type=int, default=300, help="orders in the table (default 300)")
    p.add_argument("--warmup", type=int, default=3, help="warm-up invocations before each warm figure (default 3)")
    p.add_argument("-n", type=int, default=10, help="invocations per warm figure (default 10)")
    p.add_argument("--runs", type=int, default=1, help="measure this many times and show the spread (default 1)")
    p.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                   help="an extra variable for the counted processes (an experiment; the budgets assume none)")
    p.add_argument("--profile", metavar="DIR",
                   help="keep every dump in DIR for callgrind_annotate (build with symbols to read it: "
                        "cargo rustc --release --bin lambda-mcp -- -C strip=none)")
    p.add_argument("--json", default=os.path.join(OUT, "figures.json"), help="where to write the figures")
    args = p.parse_args()
    for tool in ("valgrind", "vgdb"):
        if not shutil.which(tool):
            print(f"guard: {tool} is not installed (apt-get install valgrind)", file=sys.stderr)
            return 2
    with open(args.budgets, "rb") as f:
        config = tomllib.load(f)
    margin, budgets, pairs = config.get("margin", 0.03), config.get("figures", {}), config.get("pairs", {})

    os.makedirs(OUT, exist_ok=True)
    started = time.time()
    runs = []
    for run in range(args.runs):
        work = tempfile.mkdtemp(prefix="run-", dir=OUT)
        args.keep = os.path.join(args.profile, f"run-{run + 1}") if args.profile else None
        if args.keep:
            os.makedirs(args.keep, exist_ok=True)
        server = identity.AuthServer(os.path.join(work, "auth-server.log"))  # node starts meanwhile
        moto_port = harness.free_port()
        moto = subprocess.Popen([sys.executable, os.path.join(ROOT, "bench/moto_server.py"), "-H", "127.0.0.1",
                                 "-p", str(moto_port)], stdout=open(os.path.join(work, "moto.log"), "wb"),
                                stderr=subprocess.STDOUT)
        try:
            harness.wait_port(moto_port, proc=moto)
            env = environment(moto_port)
            env.update(item.split("=", 1) for item in args.env)
            os.environ.update({k: v for k, v in env.items() if k.startswith("AWS_") and "LAMBDA" not in k})
            os.environ.pop("AWS_PROFILE", None)
            import boto3
            boto3.client("secretsmanager").create_secret(Name=SECRET, SecretString=KEY)
            subprocess.run([args.seeder, "--table", TABLE, "--orders", str(args.orders)], env=env, check=True,
                           stdout=subprocess.DEVNULL)
            dynamo = boto3.client("dynamodb")
            subjects = bench.pick_subjects(dynamo, TABLE)
            figures = measure(args, env, subjects, dynamo, work)
            figures.update(measure_oauth(args, env, server.ready(), work))
            figures.update(measure_bound(args, env, identity.bound_subjects(dynamo, TABLE, subjects["order"]), work))
            runs.append(dict(sorted(figures.items(), key=lambda kv: kv[0].startswith("floor"))))
        finally:
            server.stop()
            moto.terminate()
            moto.wait()
        shutil.rmtree(work, ignore_errors=True)
    with open(args.json, "w") as f:
        json.dump({"runs": runs, "binary": args.binary, "floor": args.floor}, f, indent=1)
    table, failed, lower = report(runs, budgets, margin)
    pair_lines, pair_failed = report_pairs(runs, pairs)
    failed += pair_failed
    print(f"Instructions per figure (callgrind; {args.runs} run(s), {time.time() - started:.0f} s; "
          f"warm figures: mean of {args.n} after {args.warmup} warm-up)")
    print(table)
    if pair_lines:
        print("\nMust count alike (bench/budgets.toml [pairs]):\n" + "\n".join(pair_lines))
    if lower:
        print("\nWell under budget (lower it in bench/budgets.toml): " + "; ".join(lower))
    if failed:
        print("\nguard FAILED: " + "; ".join(failed))
        return 1
    print("\nguard ok: every figure within its budget")
    return 0


if __name__ == "__main__":
    sys.exit(main())
