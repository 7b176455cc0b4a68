"""The network's answer under the request-bodies worker's foreign scope.

JSON {from: "network", method, bytes: [the request body's byte values],
contentType}; any origin may read it with CORS. The foreign worker answers
these URLs itself, or sends the request on to here (see
ff-request-bodies-worker.js).
"""

import json


def main(request, response):
    response.headers.set(b"Access-Control-Allow-Origin", b"*")
    response.headers.set(b"Content-Type", b"application/json")
    response.headers.set(b"Cache-Control", b"no-store")
    content_type = request.headers.get(b"Content-Type", b"").decode("latin-1")
    return json.dumps({
        "from": "network",
        "method": request.method,
        "bytes": list(request.body),
        "contentType": content_type,
    })
