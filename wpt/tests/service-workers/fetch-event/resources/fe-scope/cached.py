"""A resource in the fetch-event worker's scope that the HTTP cache may keep
for an hour: {"from": "network", "serial": S} with a new random serial for
each answer from the network, so that a page can tell the network's answer,
the same answer served again by the HTTP cache (the same serial) and the
fetch event's answer ("fetch-event") apart."""
import json
import uuid


def main(request, response):
    response.headers.set(b"Cache-Control", b"max-age=3600")
    response.headers.set(b"Content-Type", b"application/json")
    return json.dumps({"from": "network", "serial": uuid.uuid4().hex, "url": request.url})
