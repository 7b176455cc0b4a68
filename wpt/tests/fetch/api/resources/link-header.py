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

from wpt_cors import set_cors_headers


def main(request, response):
    set_cors_headers(request, response)
    for link in request.GET.get_list(b"link"):
        response.headers.append(b"Link", link)
    response.headers.set(b"Content-Type", b"text/plain")
    response.headers.set(b"Cache-Control", b"no-store")
    return request.GET.first(b"body", b"link-header")
