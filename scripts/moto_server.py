"""moto's server with requests applied one at a time.

moto's DynamoDB backend takes no locks: two concurrent conditional writes can both see the old
item and both succeed, which real DynamoDB never allows (writes to an item are serialised and
conditions are checked atomically). Tests of concurrent duplicates need the real guarantee, so
this launcher wraps moto's WSGI application in one lock. Connections are still served
concurrently; only request handling is serialised. Usage: python moto_server.py -H HOST -p PORT
"""
import sys
import threading

import moto.dynamodb.models as dynamodb_models
import moto.server as moto_server

_lock = threading.Lock()
_Base = moto_server.DomainDispatcherApplication


class SerialisedApplication(_Base):
    def __call__(self, environ, start_response):
        with _lock:
            # moto answers with fully built bodies, so the work is done inside the lock.
            return list(super().__call__(environ, start_response))


moto_server.DomainDispatcherApplication = SerialisedApplication


# moto's TransactWriteItems deep-copies every table it touches before writing, to roll back on a
# failure: seconds per transaction on a table of a few thousand orders, past the SDK's attempt
# timeout. With requests serialised, the conditions can be checked first, without writing; when
# they all hold, the writes go ahead without the backup. Any failing condition takes moto's own
# path, which reports per-item cancellation reasons exactly as before.
_original_transact = dynamodb_models.DynamoDBBackend.transact_write_items


class _NoBackup:
    @staticmethod
    def deepcopy(value):
        return value


def _conditions_hold(backend, transact_items):
    for entry in transact_items:
        op_type, op = next(iter(entry.items()))
        condition = op.get("ConditionExpression")
        if condition is None:
            continue
        table = backend.get_table(op["TableName"])
        if op_type == "Put":
            names = [table.hash_key_attr] + ([table.range_key_attr] if table.range_key_attr else [])
            key = {name: op["Item"][name] for name in names}
        else:
            key = op["Key"]
        current = backend.get_item(op["TableName"], key)
        check = dynamodb_models.get_filter_expression(
            condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
        )
        if not check.expr(current):
            return False
    return True


def _transact_write_items(self, transact_items):
    if len(transact_items) > 100 or not _conditions_hold(self, transact_items):
        return _original_transact(self, transact_items)
    real_copy = dynamodb_models.copy
    dynamodb_models.copy = _NoBackup
    try:
        return _original_transact(self, transact_items)
    finally:
        dynamodb_models.copy = real_copy


dynamodb_models.DynamoDBBackend.transact_write_items = _transact_write_items

if __name__ == "__main__":
    moto_server.main(sys.argv[1:])
