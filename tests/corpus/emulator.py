#!/usr/bin/env python3
"""Which corpus cases cargo-lambda's local server can carry to the function.

`cargo lambda watch` turns an HTTP request into a Lambda event itself, and for some requests it
gives up and answers 500 without invoking the function (a body that is not UTF-8, a header value
that is not ASCII, ...). API Gateway sends those as events the handler does answer (a base64 body
with `isBase64Encoded`; headers as JSON strings), and tests/api/corpus.rs checks them there. This
script sends every case of tests/corpus/*.jsonl (but runtime.jsonl) to a running
`cargo lambda watch` as a real HTTP request (method, path, query, headers, body bytes) and sorts
the answers into those from the function and the emulator's own 500s. The cases the emulator
cannot carry are listed in tests/corpus/README.md ("Through cargo lambda watch"); the run fails
when that list and the 500s differ, either way.

  emulator.py URL KEY     URL: the function's endpoint under cargo lambda watch, e.g.
                          http://127.0.0.1:9000/lambda-url/lambda-mcp (the case's path is added)

Only whether the emulator answers is checked, not the function's answer (tests/api/corpus.rs does
that, against a known data set): some cases call cancel_order, so run it on a throwaway table.
"""

from __future__ import annotations

import base64
import glob
import http.client
import json
import os
import re
import socket
import sys
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))


def text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "$text" in value:
        return "".join(piece * times for piece, times in value["$text"])
    raise ValueError(f"expected a string or $text: {value!r}")


def expand(value):
    if isinstance(value, dict) and "$text" in value:
        return text(value)
    if isinstance(value, dict):
        out = {}
        many = value.get("$many")
        if many:
            for i in range(many["count"]):
                out[f"{many['prefix']}{i}"] = expand(many["value"])
        out.update({k: expand(v) for k, v in value.items() if k != "$many"})
        return out
    if isinstance(value, list):
        return [expand(v) for v in value]
    return value


def header_bytes(value: str) -> bytes:
    """A header value as a client puts it on the wire: Latin-1 where it fits, else UTF-8."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


def request_of(case: dict, key: str):
    """(method, path with query, [(name, value bytes)], body bytes or None) of a case."""
    method = case.get("method", "POST")
    path = text(case["path"]) if "path" in case else "/mcp"
    query = text(case["query"]) if "query" in case else ""
    headers = {"content-type": ["application/json"], "x-api-key": [key],
               "accept": ["application/json, text/event-stream"]}
    for name, value in (expand(case.get("headers")) or {}).items():
        name = name.lower()
        if value is None:
            headers.pop(name, None)
        elif isinstance(value, list):
            headers[name] = [text(v) for v in value]
        else:
            headers[name] = [text(value)]
    if "body_base64" in case:
        body = base64.b64decode(text(case["body_base64"]), validate=False)
    elif "json" in case:
        body = json.dumps(expand(case["json"]), separators=(",", ":"), ensure_ascii=False).encode()
    elif case.get("body") is not None:
        body = text(case["body"]).encode("utf-8")
    else:
        body = None
    pairs = [(name, header_bytes(v)) for name, values in headers.items() for v in values]
    return method, path + (f"?{query}" if query else ""), pairs, body


def wire_path(path: str) -> str:
    """The request target as a client must write it: controls, spaces and non-ASCII
    percent-encoded (UTF-8), everything else as the case has it."""
    return quote(path, safe="/%?=&;:@!$'()*+,~-._[]")


def send(base: str, case: dict, key: str):
    """One case as a raw HTTP/1.1 request; (status, body) or (None, why)."""
    parts = urlsplit(base)
    method, path, headers, body = request_of(case, key)
    chunked = any(n == "transfer-encoding" and b"chunked" in v.lower() for n, v in headers)
    head = [f"{method} {wire_path(parts.path + path)} HTTP/1.1".encode(), f"host: {parts.netloc}".encode()]
    head += [name.encode() + b": " + value for name, value in headers if name != "host"]
    if body is not None and chunked:
        body = f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
    elif body is not None:
        head.append(f"content-length: {len(body)}".encode())
    head.append(b"connection: close")
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=60) as sock:
            sock.sendall(b"\r\n".join(head) + b"\r\n\r\n" + (body or b""))
            response = http.client.HTTPResponse(sock, method=method)
            response.begin()
            return response.status, response.read()
    except (OSError, http.client.HTTPException) as e:
        return None, str(e).encode()


def listed_in_readme() -> set[str]:
    """The case names in the ```text block of the README's section "Through cargo lambda watch"
    (the first word of each line)."""
    readme = open(os.path.join(HERE, "README.md"), encoding="utf-8").read()
    parts = readme.split("## Through cargo lambda watch", 1)
    if len(parts) < 2:
        sys.exit("emulator.py: tests/corpus/README.md has no section 'Through cargo lambda watch'")
    section = parts[1].split("\n## ", 1)[0]
    names = set()
    for block in re.findall(r"```text\n(.*?)```", section, re.S):
        names |= {line.split()[0] for line in block.splitlines() if line.strip()}
    return names


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    base, key = sys.argv[1].rstrip("/"), sys.argv[2]
    cases = []
    for path in sorted(glob.glob(os.path.join(HERE, "*.jsonl"))):
        if os.path.basename(path) == "runtime.jsonl":
            continue
        for line in open(path, encoding="utf-8"):
            if line.strip():
                cases.append(json.loads(line))
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda c: send(base, c, key), cases))
    refused, unanswered = [], []
    for case, (status, data) in zip(cases, answers):
        if status is None:
            unanswered.append(f"{case['name']}: {data.decode(errors='replace')[:120]}")
        elif status >= 500:
            refused.append(case["name"])
    listed = listed_in_readme()
    print(f"# through cargo lambda watch: {len(cases)} corpus cases, {len(cases) - len(refused) - len(unanswered)} "
          f"reached the function, {len(refused)} answered 500 by the emulator itself, {len(unanswered)} not answered")
    for name in refused:
        print(f"    500 from the emulator: {name}" + ("" if name in listed else "   <- NOT in tests/corpus/README.md"))
    for line in unanswered:
        print(f"    no answer: {line}")
    stale = sorted(listed - set(refused))
    for name in stale:
        print(f"    listed in tests/corpus/README.md but reached the function: {name}")
    new = [n for n in refused if n not in listed]
    return 1 if new or stale or unanswered else 0


if __name__ == "__main__":
    sys.exit(main())
