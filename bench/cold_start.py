#!/usr/bin/env python3
"""Cold-start benchmark of the release binary through a local Lambda Runtime API emulator.

Measures, over repeated fresh processes:
  init       process spawn -> first `GET /runtime/invocation/next` (what Lambda bills as init)
  handshake  process spawn -> the first authenticated `initialize` answered (the key fetched from
             the local Secrets Manager), i.e. what a platform's connection handshake sees

Usage: bench/cold_start.py [--runs N] [--binary PATH]   (run from the repository root, after
scripts/bootstrap; it builds the release binary and starts its own moto on loopback)
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEY = "bench-key-0123456789"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on {port}")


def initialize_event():
    with open(os.path.join(ROOT, "events/url/initialize.json")) as f:
        event = json.load(f)
    event["headers"]["x-api-key"] = KEY
    return json.dumps(event).encode()


class Emulator(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port):
        super().__init__(("127.0.0.1", port), Handler)
        self.event = initialize_event()
        self.reset()

    def reset(self):
        self.run = Run()

    def handle_error(self, request, client_address):
        pass  # connections cut by a killed process are expected

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().server_bind()


class Run:
    """One cold start: when the first poll came, what the function answered."""

    def __init__(self):
        self.first_poll = None
        self.response = None
        self.served = False
        self.done = threading.Event()
        self.over = threading.Event()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        server, run = self.server, self.server.run
        if not self.path.endswith("/runtime/invocation/next"):
            return self.reply(404, b"{}")
        now = time.perf_counter()
        if run.first_poll is None:
            run.first_poll = now
        if run.served:
            # A second poll parks, as Lambda's does, until the process is killed.
            run.over.wait(30)
            self.close_connection = True
            return
        run.served = True
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Lambda-Runtime-Aws-Request-Id", "bench-request-1")
        self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 30000))
        self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:lambda-mcp")
        self.send_header("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000")
        self.send_header("Content-Length", str(len(server.event)))
        self.end_headers()
        self.wfile.write(server.event)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        run = self.server.run
        if self.path.endswith("/response"):
            run.response = (time.perf_counter(), json.loads(body or b"{}"))
        else:
            run.response = (time.perf_counter(), {"error": body.decode(errors="replace")})
        self.reply(202, b"{}")
        run.done.set()

    def reply(self, status, body):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def summary(values):
    ms = [v * 1000 for v in values]
    return f"median {statistics.median(ms):7.2f} ms   min {min(ms):7.2f}   max {max(ms):7.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--verbose", action="store_true", help="show the function's output")
    parser.add_argument("--binary", default=os.path.join(ROOT, "target/release/lambda-mcp"))
    args = parser.parse_args()

    if args.binary.endswith("target/release/lambda-mcp"):
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "lambda-mcp"], cwd=ROOT, check=True)
    aws_port, api_port = free_port(), free_port()
    moto = subprocess.Popen([os.path.join(ROOT, ".tools/aws/bin/moto_server"), "-H", "127.0.0.1", "-p", str(aws_port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(aws_port)
        env = dict(os.environ, AWS_ENDPOINT_URL=f"http://127.0.0.1:{aws_port}", AWS_REGION="us-east-1",
                   AWS_DEFAULT_REGION="us-east-1", AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
        subprocess.run([os.path.join(ROOT, ".tools/aws/bin/python"), "-c",
                        f"import boto3; boto3.client('secretsmanager').create_secret(Name='bench-key', SecretString='{KEY}')"],
                       env=env, check=True)
        env.update(AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{api_port}", AWS_LAMBDA_FUNCTION_NAME="lambda-mcp",
                   AWS_LAMBDA_FUNCTION_MEMORY_SIZE="128", AWS_LAMBDA_FUNCTION_VERSION="$LATEST",
                   AWS_LAMBDA_LOG_STREAM_NAME="bench", AWS_LAMBDA_LOG_GROUP_NAME="bench", AWS_LAMBDA_LOG_FORMAT="JSON",
                   ORDERS_TABLE="bench-orders", MCP_API_KEY_SECRET_ID="bench-key")
        emulator = Emulator(api_port)
        threading.Thread(target=emulator.serve_forever, daemon=True).start()
        inits, handshakes = [], []
        for _ in range(args.runs):
            emulator.reset()
            start = time.perf_counter()
            proc = subprocess.Popen([args.binary], env=env, stdout=subprocess.DEVNULL, stderr=None if args.verbose else subprocess.DEVNULL)
            run = emulator.run
            answered = run.done.wait(30)
            proc.kill()
            proc.wait()
            run.over.set()
            if not answered:
                raise SystemExit("no response within 30 s")
            at, response = run.response
            if response.get("statusCode") != 200:
                raise SystemExit(f"unexpected response: {response}")
            inits.append(run.first_poll - start)
            handshakes.append(at - start)
        emulator.shutdown()
    finally:
        moto.terminate()
    size = os.path.getsize(args.binary)
    print(f"binary {args.binary} ({size / 1e6:.1f} MB), {args.runs} cold starts, {os.cpu_count()} CPUs")
    print(f"init       (spawn -> first runtime API poll):            {summary(inits)}")
    print(f"handshake  (spawn -> authenticated initialize answered):  {summary(handshakes)}")


if __name__ == "__main__":
    sys.exit(main())
