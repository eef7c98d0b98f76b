"""moto for the benchmark: the project's launcher (scripts/moto_server.py, requests applied one at a
time like DynamoDB) with TCP_NODELAY on every connection.

Without it, moto's server (werkzeug) writes a response's head and body in two sends; with Nagle's
algorithm on, the body waits for the client's delayed ACK of the head: 40 ms added to every
DynamoDB or Secrets Manager call on loopback, which real AWS endpoints do not add.

    python bench/moto_server.py -H 127.0.0.1 -p PORT
"""
import os
import runpy
import selectors
import socket
import sys
import types

import werkzeug.serving

_setup = werkzeug.serving.WSGIRequestHandler.setup


def setup(self):
    self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    _setup(self)


werkzeug.serving.WSGIRequestHandler.setup = setup


# Werkzeug's development server ends every response with `Connection: close`, so each DynamoDB or
# Secrets Manager call of the function opened a new TCP connection: ten more system calls and
# hyper's connection set-up on every tool call, which real AWS endpoints (keep-alive) do not cost.
# The function's requests always carry Content-Length and moto reads whole bodies, so the
# connection can stay open, as HTTP/1.1 allows; Werkzeug's drain of unread request bytes after
# each response (which would swallow the next request on a kept connection) is skipped.
_send_header = werkzeug.serving.WSGIRequestHandler.send_header


def send_header(self, keyword, value):
    if keyword.lower() == "connection" and value.lower() == "close" and self.headers.get("Content-Length"):
        return
    _send_header(self, keyword, value)


class _NoDrainSelector:
    def register(self, *args):
        pass

    def select(self, timeout=None):
        return []

    def close(self):
        pass


werkzeug.serving.WSGIRequestHandler.send_header = send_header
werkzeug.serving.selectors = types.SimpleNamespace(DefaultSelector=_NoDrainSelector, EVENT_READ=selectors.EVENT_READ)


# moto 5.2's Query sorts every item of the table (Table.all_items) before it looks at the key
# condition: 40 ms per query at 1k orders, seconds at 100k, far beyond the function's 2.5 s attempt
# timeout. Give Query only the items of the requested partition (the base table's hash key, or an
# index's hash attribute, from a map rebuilt after any write). Everything else - key conditions,
# sort order, limits, projections, Count and ScannedCount - is still moto's own code.
import inspect  # noqa: E402
import threading  # noqa: E402

from moto.dynamodb.models import DynamoDBBackend  # noqa: E402
from moto.dynamodb.models.table import Table  # noqa: E402

_local = threading.local()
_version = [0]
_all_items = Table.all_items
_query = Table.query


def _bump(method):
    def wrapper(*args, **kwargs):
        _version[0] += 1
        try:
            return method(*args, **kwargs)
        finally:
            _version[0] += 1
    return wrapper


for _cls, _names in ((Table, ("put_item", "delete_item")),
                     (DynamoDBBackend, ("put_item", "update_item", "delete_item", "transact_write_items",
                                        "execute_statement", "execute_transaction", "batch_execute_statement"))):
    for _name in _names:
        if hasattr(_cls, _name):
            setattr(_cls, _name, _bump(getattr(_cls, _name)))


def _key(value):
    return value.type, str(value.value)


def _partition(table, attr, value):
    cache = table.__dict__.get("_bench_partitions")
    if cache is None or cache[0] != _version[0]:
        cache = (_version[0], {})
        table.__dict__["_bench_partitions"] = cache
    by_attr = cache[1].get(attr)
    if by_attr is None:
        by_attr = {}
        for hash_set in table.items.values():
            for item in (hash_set.values() if table.range_key_attr else [hash_set]):
                v = item.attrs.get(attr)
                if v is not None:
                    by_attr.setdefault(_key(v), []).append(item)
        cache[1][attr] = by_attr
    return by_attr.get(_key(value), [])


def all_items(self):
    candidates = getattr(_local, "candidates", None)
    if candidates is not None and candidates[0] is self:
        return list(candidates[1])
    return _all_items(self)


_signature = inspect.signature(_query)


def query(self, hash_key, *args, **kwargs):
    bound = _signature.bind(self, hash_key, *args, **kwargs).arguments
    try:
        if bound.get("index_name"):
            conditions = bound.get("hash_key_conditions") or []
            if conditions:
                attr, value = conditions[0]
                _local.candidates = (self, _partition(self, attr, value))
        elif hash_key is not None:
            partition = self.items.get(hash_key, {})
            _local.candidates = (self, list(partition.values()) if self.range_key_attr else [partition])
        return _query(self, hash_key, *args, **kwargs)
    finally:
        _local.candidates = None


Table.all_items = all_items
Table.query = query


# Bulk loading for the benchmark's large table: `POST /_bench/load` naming a file of JSON lines, each
# a BatchWriteItem request body as lambda-mcp-seed sent it (captured by bench.py), puts every item
# through moto's own put_item in this process: minutes of HTTP round trips saved at 100k orders.
import json  # noqa: E402

import moto.server  # noqa: E402
from moto.core import DEFAULT_ACCOUNT_ID  # noqa: E402
from moto.dynamodb.models import dynamodb_backends  # noqa: E402


class BulkLoad:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != "/_bench/load":
            return self.app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        with open(environ["wsgi.input"].read(length).decode()) as f:
            lines = f.read().splitlines()
        region = environ.get("QUERY_STRING", "").partition("region=")[2] or "us-east-1"
        backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][region]
        count = 0
        for line in lines:
            if not line.strip():
                continue
            for table, requests in json.loads(line)["RequestItems"].items():
                for request in requests:
                    backend.put_item(table, request["PutRequest"]["Item"])
                    count += 1
        body = json.dumps({"items": count}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]


_run_simple = moto.server.run_simple


def run_simple(hostname, port, application, *args, **kwargs):
    return _run_simple(hostname, port, BulkLoad(application), *args, **kwargs)


moto.server.run_simple = run_simple

if __name__ == "__main__":
    launcher = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts", "moto_server.py")
    if os.path.exists(launcher):
        sys.argv = [launcher] + sys.argv[1:]
        runpy.run_path(launcher, run_name="__main__")
    else:
        import moto.server

        moto.server.main(sys.argv[1:])
