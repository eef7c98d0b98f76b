#!/usr/bin/env python3
"""User and system CPU per warm invocation, for one or more builds of the function.

`bench/run` reports the CPU a warm call costs (user + system); this splits it, to tell the
function's own work (user) from the kernel's (system: the loopback TCP of the Runtime API and of
each DynamoDB call, and the wake-ups of the processes at the other end). Each build runs behind
the benchmark's Runtime API emulator against moto with a seeded 1k-order table, as in bench.py;
after 100 warm-up invocations per call, N invocations are counted from /proc/PID/stat (clock
ticks, so N of a few hundred or more).

    .tools/aws/bin/python bench/cpusplit.py [--n 1000] [--pin] BINARY [BINARY ...]

--pin puts the function on CPU 0 and everything else (moto, the emulator in this process) on CPU
1, as on Lambda, where the data store and the Runtime API run on other machines: moto's Python
then no longer runs on the function's core between the request and the answer, evicting its
caches (needs two CPUs).

Prints one line per build and call: user, system and total µs per invocation.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import boto3

import bench
from harness import BENCH, INITIALIZE, KEY, SECRET, TABLE_SMALL, Function, Spawner, free_port, wait_port

CALLS = ["initialize", "search_orders (order number)", "search_orders (email)", "get_order"]


def ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]), int(fields[12])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("binaries", nargs="+")
    p.add_argument("--n", type=int, default=1000, help="counted invocations per call (default 1000)")
    p.add_argument("--pin", action="store_true", help="the function on CPU 0, moto and the emulator on CPU 1")
    args = p.parse_args()
    if args.pin:
        if not {0, 1} <= os.sched_getaffinity(0):
            p.error("--pin needs CPUs 0 and 1")
        os.sched_setaffinity(0, {1})  # this process, and moto started below
    logs = tempfile.mkdtemp(prefix="cpusplit-")
    moto_port = free_port()
    moto = subprocess.Popen([sys.executable, os.path.join(BENCH, "moto_server.py"), "-H", "127.0.0.1",
                             "-p", str(moto_port)], stdout=open(os.path.join(logs, "moto.log"), "wb"),
                            stderr=subprocess.STDOUT)
    spawner = Spawner(logs)
    try:
        wait_port(moto_port, proc=moto)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "TZ": ":UTC",
               "AWS_ENDPOINT_URL": f"http://127.0.0.1:{moto_port}", "AWS_REGION": "us-east-1",
               "AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "bench",
               "AWS_SECRET_ACCESS_KEY": "bench", "AWS_EC2_METADATA_DISABLED": "true"}
        os.environ.update({k: v for k, v in env.items() if k.startswith("AWS_")})
        os.environ.pop("AWS_PROFILE", None)
        boto3.client("secretsmanager").create_secret(Name=SECRET, SecretString=KEY)
        bench.seed(env, TABLE_SMALL, 1000)
        calls = dict(bench.tool_calls(bench.pick_subjects(boto3.client("dynamodb"), TABLE_SMALL)))
        calls["initialize"] = INITIALIZE
        tick = 1e6 / os.sysconf("SC_CLK_TCK")
        print(f"{'build':<28} {'call':<30} {'user µs':>8} {'sys µs':>8} {'total µs':>9}  (n={args.n}, "
              f"load average {os.getloadavg()[0]:.2f}{', pinned' if args.pin else ''})")
        for binary in args.binaries:
            f = Function(os.path.basename(binary), binary)
            f.start(spawner, env, TABLE_SMALL)
            if args.pin:
                for task in os.listdir(f"/proc/{f.proc.pid}/task"):
                    os.sched_setaffinity(int(task), {0})
            for what in CALLS:
                for _ in range(100):
                    f.invoke(calls[what], what, True)
                u0, s0 = ticks(f.proc.pid)
                for _ in range(args.n):
                    f.invoke(calls[what], what, True)
                u1, s1 = ticks(f.proc.pid)
                user, system = (u1 - u0) * tick / args.n, (s1 - s0) * tick / args.n
                print(f"{binary[-28:]:<28} {what:<30} {user:>8.0f} {system:>8.0f} {user + system:>9.0f}")
            f.stop()
    finally:
        spawner.stop_all()
        moto.kill()


if __name__ == "__main__":
    main()
