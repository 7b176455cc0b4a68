"""A plain service worker script for the Link type "serviceworker" tests
(link-header-subresources, link-element-registration; docs/feature.md §1).

Query parameters:

  allowed  the value of a `Service-Worker-Allowed` response header
  delay    milliseconds to wait before answering (at most 8000): a slow
           worker script
  status   the response status (default 200; e.g. 404 for a missing script)

The script has no fetch or foreignfetch handler: it only answers a
message with "ff-link-worker" and the URL it was loaded from.
"""
import time

SCRIPT = b"""// ff-link-worker.py
"use strict";
self.addEventListener("message", event => {
  if (event.source) event.source.postMessage({from: "ff-link-worker", url: location.href});
});
"""


def main(request, response):
    delay = min(int(request.GET.first(b"delay", b"0")), 8000)
    if delay:
        time.sleep(delay / 1000)
    status = int(request.GET.first(b"status", b"200"))
    response.status = status
    response.headers.set(b"Cache-Control", b"no-store")
    if b"allowed" in request.GET:
        response.headers.set(b"Service-Worker-Allowed", request.GET.first(b"allowed"))
    if status != 200:
        response.headers.set(b"Content-Type", b"text/plain")
        return b"no worker here"
    response.headers.set(b"Content-Type", b"text/javascript")
    return SCRIPT
