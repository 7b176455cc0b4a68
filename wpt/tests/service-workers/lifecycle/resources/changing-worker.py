# A service worker script whose body is different at every fetch (and never
# cached), so that update() finds a new script.
import uuid


def main(request, response):
    headers = [
        (b"Content-Type", b"text/javascript"),
        (b"Cache-Control", b"no-store"),
    ]
    body = "// version %s\n\"use strict\";\n" % uuid.uuid4()
    return headers, body.encode()
