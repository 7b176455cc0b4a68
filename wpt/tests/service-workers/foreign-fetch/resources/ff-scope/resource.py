"""A resource inside the foreign fetch scope, as the network serves it.

Answers {"from": "network"} with Access-Control-Allow-Origin: *, so a page can
tell a network response from one made by the foreign fetch worker.
"""
import json


def main(request, response):
    response.headers.set(b"Access-Control-Allow-Origin", b"*")
    response.headers.set(b"Content-Type", b"application/json")
    response.headers.set(b"Cache-Control", b"no-store")
    return json.dumps({"from": "network", "url": request.url})
