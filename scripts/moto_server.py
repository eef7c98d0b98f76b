"""moto's server with requests applied one at a time.

moto's DynamoDB backend takes no locks: two concurrent conditional writes can both see the old
item and both succeed, which real DynamoDB never allows (writes to an item are serialised and
conditions are checked atomically). Tests of concurrent duplicates need the real guarantee, so
this launcher wraps moto's WSGI application in one lock. Connections are still served
concurrently; only request handling is serialised. Usage: python moto_server.py -H HOST -p PORT
"""
import sys
import threading

import moto.server as moto_server

_lock = threading.Lock()
_Base = moto_server.DomainDispatcherApplication


class SerialisedApplication(_Base):
    def __call__(self, environ, start_response):
        with _lock:
            # moto answers with fully built bodies, so the work is done inside the lock.
            return list(super().__call__(environ, start_response))


moto_server.DomainDispatcherApplication = SerialisedApplication

if __name__ == "__main__":
    moto_server.main(sys.argv[1:])
