# A resource for the Cache tests: a text body naming the request's query, a
# header script may see (X-Visible) and one a CORS response hides
# (X-Hidden). Query parameters: cors (allow any origin, expose X-Visible),
# status=N, vary=VALUE.
def main(request, response):
    headers = [(b"Content-Type", b"text/plain"), (b"X-Visible", b"yes"), (b"X-Hidden", b"secret"),
               (b"Cache-Control", b"no-store")]
    if b"cors" in request.GET:
        headers += [(b"Access-Control-Allow-Origin", b"*"),
                    (b"Access-Control-Expose-Headers", b"X-Visible")]
    if b"vary" in request.GET:
        headers.append((b"Vary", request.GET.first(b"vary")))
    status = int(request.GET.first(b"status", b"200"))
    return status, headers, b"body of " + request.url_parts.query.encode()
