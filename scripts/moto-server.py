"""moto's S3 server, started as `moto_server` starts it, less one waste per request.

moto (5.x) finds the service behind each request by listing its own package directory and
stat-ing every entry in it, twice per request: about 400 system calls, a millisecond of CPU
and most of a small GetObject. The listing cannot change while the server runs, so it is
read once here. Nothing else differs; if a moto release no longer has the function, the
server runs as shipped.

    python3 scripts/moto-server.py -H 127.0.0.1 -p 25433     (the arguments of moto_server)
"""
import functools

import moto.backends
import moto.server

listing = getattr(moto.backends, "list_of_moto_modules", None)
if callable(listing):
    modules = functools.lru_cache(maxsize=1)(lambda: tuple(listing()))
    moto.backends.list_of_moto_modules = modules

moto.server.main()
