"""The network's answer in the fetch-event worker's scope: JSON
{from: "network", url}, readable by any origin."""
import json


def main(request, response):
    response.headers.set(b"Access-Control-Allow-Origin", b"*")
    response.headers.set(b"Content-Type", b"application/json")
    response.headers.set(b"Cache-Control", b"no-store")
    return json.dumps({"from": "network", "url": request.url})
