"""A resource of the third-party service, as the network serves it.

Answers {"from": "network", ...} with Access-Control-Allow-Origin: *, so that a
page can tell a network response from the foreign fetch worker's. Answers a
CORS preflight (OPTIONS) too, allowing any method and header, so that a request
that needs one reaches the network.
"""
import json


def main(request, response):
    response.headers.set(b"Access-Control-Allow-Origin", b"*")
    response.headers.set(b"Access-Control-Allow-Headers", b"*")
    response.headers.set(b"Access-Control-Allow-Methods", b"GET, POST, PUT")
    response.headers.set(b"Access-Control-Max-Age", b"600")
    response.headers.set(b"Cache-Control", b"no-store")
    if request.method == "OPTIONS":
        return b""
    response.headers.set(b"Content-Type", b"application/json")
    return json.dumps({"from": "network", "method": request.method, "url": request.url})
