"""A resource of the third-party service inside its foreign fetch scope that
the HTTP cache may keep for an hour.

Each answer from the network carries a new random serial (wptserve runs
the handler afresh for every request, so it keeps no counter), so that a
page can tell a network response ({"from": "network", "serial": S}) from the
same response served again by the HTTP cache (the same serial) and from the
foreign fetch worker's answer (which says "foreignfetch").
"""
import json
import uuid


def main(request, response):
    response.headers.set(b"Access-Control-Allow-Origin", b"*")
    response.headers.set(b"Cache-Control", b"max-age=3600")
    response.headers.set(b"Content-Type", b"application/json")
    return json.dumps({"from": "network", "serial": uuid.uuid4().hex, "url": request.url})
