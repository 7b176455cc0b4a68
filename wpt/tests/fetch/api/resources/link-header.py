"""Answers with `Link` response headers taken from the query string.

Query parameters:

  link   the value of one `Link` header, e.g.
         `</service-worker.js>; rel="serviceworker"; scope="/"`
         (repeatable: one header per occurrence)
  body   the response body (default: `link-header`)

plus the CORS parameters of access-control.py (ACAOrigin, ACEHeaders,
ACAMethods, ACAHeaders, ACACredentials), so a cross-origin page can be allowed
to read the `Link` header with `ACEHeaders=Link`.
"""

CORS_PARAMS = [
    (b"ACAOrigin", b"Access-Control-Allow-Origin"),
    (b"ACEHeaders", b"Access-Control-Expose-Headers"),
    (b"ACAMethods", b"Access-Control-Allow-Methods"),
    (b"ACAHeaders", b"Access-Control-Allow-Headers"),
    (b"ACACredentials", b"Access-Control-Allow-Credentials"),
]


def main(request, response):
    for param, header in CORS_PARAMS:
        if param in request.GET:
            value = request.GET.first(param)
            if param == b"ACAOrigin" and value == b"origin":
                value = request.headers.get(b"origin", b"null")
            response.headers.set(header, value)
    for link in request.GET.get_list(b"link"):
        response.headers.append(b"Link", link)
    response.headers.set(b"Content-Type", b"text/plain")
    response.headers.set(b"Cache-Control", b"no-store")
    return request.GET.first(b"body", b"link-header")
