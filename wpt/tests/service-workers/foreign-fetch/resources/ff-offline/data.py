# The service's data, in the foreign scope of ff-offline-worker.js:
# "data <query>", never stored by the HTTP cache. With `gone` in the query
# the service is unreachable: what comes back is not HTTP at all, and the
# fetch ends in a network error.
def main(request, response):
    if b"gone" in request.GET:
        response.writer.write(b"the service is gone\r\n\r\n")
        response.close_connection = True
        return
    return (200, [(b"Content-Type", b"text/plain"), (b"Cache-Control", b"no-store"),
                  (b"Access-Control-Allow-Origin", b"*")],
            b"data " + request.url_parts.query.encode())
