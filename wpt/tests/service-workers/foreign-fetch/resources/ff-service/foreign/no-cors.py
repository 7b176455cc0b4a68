"""A resource of the third-party service without CORS headers: only a
no-cors request (opaque) or the service's own worker can read it."""


def main(request, response):
    response.headers.set(b"Content-Type", b"application/json")
    response.headers.set(b"Cache-Control", b"no-store")
    return b'{"from": "network"}'
