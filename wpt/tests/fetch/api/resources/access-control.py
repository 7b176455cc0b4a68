"""CORS echo handler.

Sets CORS response headers from the query string and answers with a JSON
description of the request it received, so a test can check both what the
browser sent and what it lets the page read.

Query parameters (all optional, repeatable ones noted; names as in WPT's
fetch/api/resources/preflight.py and service-workers' fetch-access-control.py):

  ACAOrigin       Access-Control-Allow-Origin; the value `origin` echoes the
                  request's Origin header
  ACEHeaders      Access-Control-Expose-Headers
  ACAMethods      Access-Control-Allow-Methods
  ACAHeaders      Access-Control-Allow-Headers
  ACACredentials  Access-Control-Allow-Credentials
  header          an extra response header `Name: value` (repeatable)

Body (application/json):
  {"method": "GET", "origin": "http://127.0.0.1:8000" or null,
   "url": "...", "headers": {"lower-case-name": "value", ...}}
"""
import json

from wpt_cors import set_cors_headers


def main(request, response):
    set_cors_headers(request, response)
    origin = request.headers.get(b"origin")
    body = {
        "method": request.method,
        "origin": origin.decode("latin-1") if origin is not None else None,
        "url": request.url,
        "headers": {name.decode("latin-1"): request.headers[name].decode("latin-1")
                    for name in request.headers},
    }
    response.headers.set(b"Content-Type", b"application/json")
    response.headers.set(b"Cache-Control", b"no-store")
    return json.dumps(body)
