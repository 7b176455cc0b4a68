"""The network response a foreign fetch worker fetches to build its answer.

Body "inner"; headers X-Foreign (exposed to CORS readers by
Access-Control-Expose-Headers) and X-Hidden (not exposed); any origin may read
it with CORS.
"""


def main(request, response):
    response.headers.set(b"Access-Control-Allow-Origin", b"*")
    response.headers.set(b"Access-Control-Expose-Headers", b"X-Foreign")
    response.headers.set(b"Content-Type", b"text/plain")
    response.headers.set(b"Cache-Control", b"no-store")
    response.headers.set(b"X-Foreign", b"exposed")
    response.headers.set(b"X-Hidden", b"hidden")
    return b"inner"
