# A script for importScripts() that is new on each fetch: it sets
# self.IMPORTED to a value no other fetch gives, so a test can tell a fetch
# from a script resource map hit.
import random
import time


def main(request, response):
    value = "%d-%d" % (time.time_ns(), random.randrange(1 << 30))
    headers = [(b"Content-Type", b"application/javascript"), (b"Cache-Control", b"no-store")]
    return headers, ("self.IMPORTED = %r;" % value).encode()
