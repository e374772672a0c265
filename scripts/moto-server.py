"""moto's S3 server, as `moto_server` serves it, less two wastes per request.

1. moto (5.x) finds the service behind each request by listing its own package directory and
   stat-ing every entry in it, twice per request: about 400 system calls, a millisecond of CPU
   and most of a small GetObject. The listing cannot change while the server runs, so it is
   read once here. If a moto release no longer has the function, it runs as shipped.
2. `moto_server` serves through werkzeug's development server, which closes the connection
   after every response and starts a thread per connection: a new TCP connection and thread
   for every request. When waitress is installed (scripts/local-s3.sh installs it), the same
   moto application is served by waitress instead, which keeps connections open (HTTP/1.1
   keep-alive) and answers from a fixed pool of threads. moto's handling is unchanged.

    python3 scripts/moto-server.py -H 127.0.0.1 -p 25433     (the arguments of moto_server)
"""
import argparse
import functools
import logging
import os
import sys

import moto.backends
import moto.server

listing = getattr(moto.backends, "list_of_moto_modules", None)
if callable(listing):
    modules = functools.lru_cache(maxsize=1)(lambda: tuple(listing()))
    moto.backends.list_of_moto_modules = modules

try:
    import waitress
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
except ImportError:
    moto.server.main()
    sys.exit(0)

parser = argparse.ArgumentParser()
parser.add_argument("-H", "--host", default="127.0.0.1")
parser.add_argument("-p", "--port", type=int, default=int(os.environ.get("MOTO_PORT", 5000)))
args = parser.parse_args()
# moto builds some answers (presigned URLs, redirects) from the port it believes it serves on.
os.environ.setdefault("MOTO_PORT", str(args.port))
print(f"moto {moto.__version__} served by waitress on http://{args.host}:{args.port}", flush=True)
moto_app = DomainDispatcherApplication(create_backend_app)


def app(environ, start_response):
    # moto reads an object's key from the request's raw path (werkzeug's RAW_URI), not from
    # the decoded PATH_INFO, which loses what %-escapes told apart ('%2520' from '%20', say).
    # waitress passes the raw request target as REQUEST_URI.
    environ.setdefault("RAW_URI", environ.get("REQUEST_URI", ""))
    return moto_app(environ, start_response)


# waitress warns each time a request waits for a free thread: expected here, and noise in the log.
logging.getLogger("waitress.queue").setLevel(logging.ERROR)
waitress.serve(app, host=args.host, port=args.port, threads=8, ident="moto", _quiet=True)
