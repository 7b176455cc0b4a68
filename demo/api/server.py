#!/usr/bin/env python3
# This Source Code Form is subject to the terms of the Mozilla Public
# License, v. 2.0. If a copy of the MPL was not distributed with this
# file, You can obtain one at https://mozilla.org/MPL/2.0/.
"""The demo's third-party service: a small weather API on loopback.

    server.py [--port PORT]     (default: a free port)

Serves, on http://127.0.0.1:PORT:

  /api/weather?city=NAME  JSON weather data, readable by any site
                          (`Access-Control-Allow-Origin: *`), carrying
                          `Link: </sw.js>; rel="serviceworker"; scope="/api/"`:
                          the header by which a browser with foreign fetch
                          installs the service's worker
  /sw.js                  that worker (demo/api/sw.js)
  /register.html          debugging fallback: registers the worker by script
                          (demo/api/register.html)

It runs in a process of its own so that the narrator (demo/run.py) can
really stop it: once the process is gone its port refuses connections.

stdout, one JSON object a line, flushed at once (the narrator reads them):
first {"listening": PORT}, then one {"hit": PATH, "origin": ..., ...} for
each request, so that the narrator can count what reached the network.
"""
import argparse
import datetime
import http.server
import json
import os
import signal
import threading
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))

# On every answer of the API. The scope is below the script's directory
# (`/`), so no `Service-Worker-Allowed` header is needed on /sw.js.
LINK = '</sw.js>; rel="serviceworker"; scope="/api/"'

# Made-up, stable weather: the demo is about where answers come from.
WEATHER = {
    "paris": (21, "clear"),
    "oslo": (9, "rain"),
}


def emit(record):
    print(json.dumps(record), flush=True)


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "weather-api/1"
    requests_seen = 0  # requests for /api/...
    lock = threading.Lock()

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        with Handler.lock:
            # The API's requests are numbered, so that an answer kept by the
            # worker shows which request of the server it was.
            if url.path.startswith("/api/"):
                Handler.requests_seen += 1
            self.number = Handler.requests_seen
            emit({
                "hit": url.path,
                "query": url.query,
                "origin": self.headers.get("Origin"),
                "referer": self.headers.get("Referer"),
            })
        if url.path == "/api/weather":
            self.weather(urllib.parse.parse_qs(url.query).get("city", ["Paris"])[0])
        elif url.path == "/sw.js":
            self.file("sw.js", "text/javascript")
        elif url.path == "/register.html":
            self.file("register.html", "text/html; charset=utf-8")
        elif url.path.startswith("/api/"):
            self.send(404, "application/json", {"error": "no such API"}, api=True)
        else:
            self.send(404, "text/plain", "not found")

    def weather(self, city):
        temperature, sky = WEATHER.get(city.lower(), (15, "cloudy"))
        self.send(200, "application/json", {
            "data": {"city": city, "temperatureC": temperature, "sky": sky},
            "servedBy": "network",
            "servedAt": datetime.datetime.now().strftime("%H:%M:%S.%f")[:-3],
            "request": self.number,
        }, api=True)

    def file(self, name, kind):
        with open(os.path.join(HERE, name), "rb") as f:
            self.send(200, kind, f.read())

    def send(self, status, kind, body, api=False):
        if isinstance(body, dict):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        # Every request must reach the network (or the worker), never the
        # HTTP cache, so that the demo can tell who answered.
        self.send_header("Cache-Control", "no-store")
        if api:
            self.send_header("Access-Control-Allow-Origin", "*")
            # Lets the page show the header that installs the worker.
            self.send_header("Access-Control-Expose-Headers", "Link")
            self.send_header("Link", LINK)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass  # the JSON lines on stdout are the log


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    # SIGTERM from the narrator: exit at once (the socket closes with us).
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    emit({"listening": server.server_address[1]})
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
