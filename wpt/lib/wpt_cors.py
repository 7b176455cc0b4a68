"""CORS response headers from a request's query string, shared by the
Python handlers under tests/ (wpt/run.py puts this directory on sys.path).

Query parameters (names as in WPT's fetch/api/resources/preflight.py):

  ACAOrigin       Access-Control-Allow-Origin; the value `origin` echoes the
                  request's Origin header
  ACEHeaders      Access-Control-Expose-Headers
  ACAMethods      Access-Control-Allow-Methods
  ACAHeaders      Access-Control-Allow-Headers
  ACACredentials  Access-Control-Allow-Credentials
  header          an extra response header `Name: value` (repeatable)
"""

CORS_PARAMS = [
    (b"ACAOrigin", b"Access-Control-Allow-Origin"),
    (b"ACEHeaders", b"Access-Control-Expose-Headers"),
    (b"ACAMethods", b"Access-Control-Allow-Methods"),
    (b"ACAHeaders", b"Access-Control-Allow-Headers"),
    (b"ACACredentials", b"Access-Control-Allow-Credentials"),
]


def set_cors_headers(request, response):
    for param, header in CORS_PARAMS:
        if param in request.GET:
            value = request.GET.first(param)
            if param == b"ACAOrigin" and value == b"origin":
                value = request.headers.get(b"origin", b"null")
            response.headers.set(header, value)
    for extra in request.GET.get_list(b"header"):
        name, _, value = extra.partition(b":")
        response.headers.append(name.strip(), value.strip())
