#!/usr/bin/env python3
# This Source Code Form is subject to the terms of the Mozilla Public
# License, v. 2.0. If a copy of the MPL was not distributed with this
# file, You can obtain one at https://mozilla.org/MPL/2.0/.
"""The foreign fetch demo: a third-party API's own service worker answers
another site's requests, and keeps answering while the API server is down.

    run.py --shell PATH_TO_servo-ff [--timeout S] [--wait S]
           [--show-registrations] [--verbose] [--register-by-script]
    run.py --serve [--site-port P] [--api-port P]

Starts two HTTP servers on loopback, each its own origin:

  the site     http://127.0.0.1:P1  demo/site/: a page with no service worker
               of its own that uses the API; and /control/stop-api, by which
               the page asks this script to stop the API server
  the API      http://127.0.0.1:P2  demo/api/server.py, in its own process:
               /api/weather JSON for any site (CORS), every answer carrying
               `Link: </sw.js>; rel="serviceworker"; scope="/api/"`, and
               /sw.js, the service's foreign fetch worker

then loads the page in servo-ff and narrates what happens: (1) the first
answer comes from the network and installs the API's worker; (2) the page
asks again until the worker answers, and says how long each took; (3) the
API server is stopped (its port refuses connections) and the worker still
answers, from its copy of the last answer; (4) a question never asked
before gets the worker's synthetic answer. Ends with `demo: PASS` (exit 0)
or `demo: FAIL: step N: why` (exit 1); exit 2 for usage or set-up errors.

--register-by-script is a debugging fallback: the page also registers the
worker the classic way, from a hidden frame of the API's origin
(demo/api/register.html), for a Servo that does not install workers from a
`Link` header. --serve only starts the two servers and prints the page's
address, to open by hand in a browser.

Python standard library only. Every wait has a time limit; the servers and
the shell are always stopped at the end.
"""
import argparse
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.parse
import http.server

HERE = os.path.dirname(os.path.abspath(__file__))
SITE_DIR = os.path.join(HERE, "site")
API_SERVER = os.path.join(HERE, "api", "server.py")

# Servo preferences the demo needs (servo-ff sets them by default too; passed
# explicitly so that the command line says what the demo depends on).
PREFS = [
    "dom_serviceworker_enabled=true",
    # Servo 0.7.0 computes a service worker's storage key only when
    # IndexedDB is enabled; without it register() fails.
    "dom_indexeddb_enabled=true",
]

SHELL_EXITS = {
    2: "timed out before the page finished",
    3: "could not load the page",
    4: "crashed",
    64: "rejected its command line",
}

WIDTH = 100


def say(text="", indent="   ", first=None):
    """Print a paragraph of narration, wrapped, and flush at once (the
    demo runs for a while; a person watches it)."""
    if not text:
        print(flush=True)
        return
    lines = textwrap.wrap(text, WIDTH, initial_indent=indent if first is None else first,
                          subsequent_indent=indent, break_on_hyphens=False,
                          break_long_words=False)
    # "asks ... URL ..." reads badly with the dots alone on a line.
    if len(lines) > 1 and lines[-1].strip() == "...":
        lines[-2:] = [lines[-2] + " ..."]
    print("\n".join(lines), flush=True)


def ms(value):
    return "%.0f ms" % value


# --- the API server, in a process of its own --------------------------------


class ApiServer:
    """demo/api/server.py in its own process group, so that stopping it
    really closes its port. Counts the requests that reached it."""

    def __init__(self, port=0):
        self.process = subprocess.Popen(
            [sys.executable, API_SERVER, "--port", str(port)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            start_new_session=True)
        self.port = None
        self.hits = []
        self.lock = threading.Lock()
        self.listening = threading.Event()
        self.step = 0  # the narrator's current step, stamped on each hit
        threading.Thread(target=self._read, daemon=True).start()
        if not self.listening.wait(15) or self.port is None:
            self.kill()
            raise RuntimeError("the API server did not start within 15 s")

    def _read(self):
        for line in self.process.stdout:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if "listening" in record:
                self.port = record["listening"]
                self.listening.set()
            elif "hit" in record:
                with self.lock:
                    record["step"] = self.step
                    self.hits.append(record)
        self.listening.set()

    def api_hits(self):
        with self.lock:
            return [h for h in self.hits if h["hit"].startswith("/api/")]

    def kill(self):
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(5)

    def stop(self):
        """Stops the server and returns whether its port now refuses
        connections (checked for up to 3 s)."""
        self.kill()
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            if refuses(self.port):
                return True
            time.sleep(0.1)
        return False


def refuses(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except ConnectionRefusedError:
        return True
    except OSError:
        return False


# --- the site: the page's files and the control endpoint --------------------


def site_handler(api, events):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            path = urllib.parse.urlsplit(self.path).path
            if path == "/control/stop-api":
                return self.stop_api()
            if path == "/":
                path = "/index.html"
            name = os.path.normpath(path.lstrip("/"))
            file = os.path.join(SITE_DIR, name)
            kinds = {".html": "text/html; charset=utf-8", ".js": "text/javascript"}
            kind = kinds.get(os.path.splitext(name)[1])
            if name.startswith("..") or kind is None or not os.path.isfile(file):
                return self.send(404, "text/plain", b"not found")
            with open(file, "rb") as f:
                self.send(200, kind, f.read())

        # Answered only once the API's process is gone and its port refuses
        # connections, so that the page's next request cannot reach it.
        def stop_api(self):
            events.put(("control", "stopping the API server"))
            refused = api.stop()
            answer = {"stopped": refused, "port": api.port}
            if not refused:
                answer["error"] = "port %d still accepts connections" % api.port
            events.put(("control", "API server stopped; port refuses connections: %s" % refused))
            self.send(200, "application/json", json.dumps(answer).encode())

        def send(self, status, kind, body):
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


def start_site(api, events, port=0):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), site_handler(api, events))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# --- the shell ---------------------------------------------------------------


class Shell:
    """servo-ff in its own process group; its stdout lines go to `events`
    as ("out", line), then ("exit", code)."""

    def __init__(self, command, events):
        self.command = command
        self.stderr = []
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            errors="replace", start_new_session=True)
        threading.Thread(target=self._out, args=(events,), daemon=True).start()
        threading.Thread(target=self._err, daemon=True).start()

    def _out(self, events):
        for line in self.process.stdout:
            events.put(("out", line.rstrip("\n")))
        events.put(("exit", self.process.wait()))

    def _err(self):
        for line in self.process.stderr:
            self.stderr.append(line.rstrip("\n"))

    def kill(self):
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                pass


# --- the narration ------------------------------------------------------------

DEMO_LINE = re.compile(r"^\[page\] \w+ demo:(.*)$")
SW_LINE = re.compile(r"^\[sw\] \w+ (.*)$")


class Narrator:
    def __init__(self, args, site, api):
        self.args = args
        self.site = site
        self.api = api
        self.answers = {}  # step -> the page's answer event
        self.failure = None  # the first failure: "step N: why"
        self.stopped = None  # the page's api-stopped event
        self.sw = []  # the worker's own console lines
        self.registrations = []  # servo-ff --show-registrations
        self.sw_told = False
        self.error = None

    def fail(self, why):
        if self.failure is None:
            self.failure = why

    # One stdout line of the shell.
    def line(self, text):
        sw = SW_LINE.match(text)
        if sw:
            self.sw.append(sw.group(1))
            if self.args.verbose:
                say(text, indent="   | ")
            return
        demo = DEMO_LINE.match(text)
        if demo:
            try:
                event = json.loads(demo.group(1))
            except ValueError:
                say("(an unreadable line from the page: %s)" % text)
                return
            self.event(event)
            return
        if text.startswith("[registrations] "):
            # servo-ff --show-registrations, at exit: kept for the end.
            self.registrations.append(text[len("[registrations] "):])
            return
        if self.args.verbose or (self.args.show_registrations and text.startswith("[shell]")
                                 and "load complete" not in text):
            say(text, indent="   | ")

    def event(self, event):
        kind = event.get("event")
        if kind == "start":
            self.api.step = 1
            say("1. The page on %s asks the API at %s ..." % (event["site"], event["url"]), first="")
        elif kind == "answer":
            self.answers[event["step"]] = event
            getattr(self, "step%d" % event["step"])(event)
        elif kind == "registered-by-script":
            say("(debugging fallback, --register-by-script: the page also registered the worker "
                "from a hidden frame of the API's origin: %s)" % event["result"])
            if event["result"] != "activated":
                self.fail("step 2: the worker could not be registered by script: %s" % event["result"])
        elif kind == "waiting":
            say("... still %s after %.0f s (%d tries)" % (
                "the network" if event.get("last") == "network" else event.get("last"),
                event["waitedMs"] / 1000, event["tries"]))
        elif kind == "api-stopped":
            self.stopped = event
            self.api.step = 3
            if event.get("stopped"):
                say("3. The API server is stopped (port %d refuses connections). The page asks the "
                    "API again ..." % event["port"], first="")
            else:
                say("3. The API server could not be stopped: %s" % event.get("error"), first="")
                self.fail("step 3: the API server could not be stopped: %s" % event.get("error"))
        elif kind == "error":
            self.error = event.get("message")
            say("The page stopped with an error: %s" % self.error)

    def step1(self, a):
        if a.get("error"):
            say("no answer: %s." % a["error"])
            return self.fail("step 1: the page's first request to the API failed: %s" % a["error"])
        say("answered by %s in %s: %s." % (who(a), ms(a["ms"]), weather(a)))
        if a.get("servedBy") != "network":
            return self.fail("step 1: the first answer came from %s, not from the network" % who(a))
        if a.get("link"):
            say("The response carried `Link: %s`, which tells Servo to install the service's "
                "worker, with no page of the service involved%s." % (a["link"], (
                    " (this run also registers it by script: --register-by-script)"
                    if self.args.register_by_script else "")))
        else:
            say("(the page could not see a `Link` header on the response)")
        self.api.step = 2
        say("2. The page asks the API again every 200 ms until the service's worker answers "
            "(it cannot see another origin's registrations) ...", first="")

    def tell_install(self):
        """What the worker said about its install, once."""
        if self.sw_told:
            return
        install = [s for s in self.sw if s.startswith("sw: install:")]
        if install:
            self.sw_told = True
            say("Servo ran the worker's install handler: %s%s." % (
                install[0][len("sw: install: "):],
                "; the worker activated" if any(s.startswith("sw: activated") for s in self.sw) else ""))

    def step2(self, a):
        self.tell_install()
        first = self.answers.get(1, {})
        if a.get("servedBy", "").startswith("worker"):
            say("answered by the API's foreign fetch worker in %s (the network took %s in step 1), "
                "%.1f s and %d %s after the first answer: %s." % (
                    ms(a["ms"]), ms(first.get("ms", 0)), a["waitedMs"] / 1000, a["tries"],
                    "try" if a["tries"] == 1 else "tries", weather(a)))
            if a["servedBy"] == "worker-network":
                say("The worker fetched the data from the network itself and kept a copy.")
            return
        why = ("the worker's install handler never ran: Servo did not install the service's worker"
               if not any(s.startswith("sw: install:") for s in self.sw)
               else "the worker was installed but did not answer")
        last = a.get("error") or "every answer still came from %s" % who(a)
        say("no answer came from the worker: after %.1f s and %d tries, %s; %s." % (
            a["waitedMs"] / 1000, a["tries"], last, why))
        if not self.args.register_by_script:
            say("(to check the worker alone, without registration from the `Link` header: "
                "run.py --register-by-script)")
        self.fail("step 2: no answer came from the API's foreign fetch worker within %.0f s "
                  "(%d tries; %s)" % (a["waitedMs"] / 1000, a["tries"], last))

    def step3(self, a):
        served = a.get("servedBy", "")
        if a.get("error"):
            say("no answer: %s." % a["error"])
            return self.fail("step 3: with the API server down the page got no answer: %s" % a["error"])
        if served == "worker-cache":
            body = a.get("body", {})
            say("still answered, by the worker, from its copy of the last answer (the server's "
                "request #%s at %s), in %s: %s. The worker's own network try failed: %s." % (
                    body.get("request"), body.get("servedAt"), ms(a["ms"]), weather(a),
                    body.get("networkError")))
        elif served.startswith("worker"):
            say("still answered, by the worker (%s), in %s: %s." % (served, ms(a["ms"]), weather(a)))
        else:
            say("answered by %s in %s." % (who(a), ms(a["ms"])))
            return self.fail("step 3: with the API server down the answer came from %s, "
                             "not from the worker" % who(a))
        self.api.step = 4

    def step4(self, a):
        served = a.get("servedBy", "")
        city = urllib.parse.parse_qs(urllib.parse.urlsplit(a["url"]).query).get("city", ["?"])[0]
        say("4. The page asks for the weather in %s, which nobody asked for before, the API server "
            "still down ..." % city, first="")
        if a.get("error"):
            say("no answer: %s." % a["error"])
            return self.fail("step 4: with the API server down the page got no answer: %s" % a["error"])
        if served == "worker-synthetic":
            say("answered by the worker with a synthetic answer, in %s: \"%s\" (no temperature)." % (
                ms(a["ms"]), ((a.get("body") or {}).get("data") or {}).get("sky")))
        elif served.startswith("worker"):
            say("answered by the worker (%s), in %s: %s." % (served, ms(a["ms"]), weather(a)))
        else:
            say("answered by %s in %s." % (who(a), ms(a["ms"])))
            self.fail("step 4: with the API server down the answer came from %s, "
                      "not from the worker" % who(a))

    def hits(self):
        """Which requests reached the API server: the proof of which
        answers the network gave."""
        hits = self.api.api_hits()
        site = "http://127.0.0.1:%d" % self.site.server_address[1]
        by_page = [h for h in hits if h.get("origin") == site]
        others = [h for h in hits if h.get("origin") != site]
        polls = [h for h in by_page if h["step"] == 2]
        parts = []
        if by_page:
            parts.append("%d from the page (%s)" % (len(by_page), "step 1" + (
                ", and %d more while it waited for the worker" % len(polls) if polls else "")))
        if others:
            parts.append("%d from the worker itself" % len(others))
        late = [h for h in hits if h["step"] >= 3]
        text = "The API server saw %d request%s for /api/weather%s%s" % (
            len(hits), "" if len(hits) == 1 else "s", ": " if parts else "", " and ".join(parts))
        if self.stopped and self.stopped.get("stopped"):
            text += "; none after it was stopped" if not late else "; %d after it was stopped (!)" % len(late)
        say(text + ".", first="", indent="")
        if self.args.verbose:
            for h in hits:
                say("GET %s?%s  Origin: %s  (step %d)" % (h["hit"], h["query"], h.get("origin"), h["step"]),
                    indent="   | ")


def who(answer):
    served = answer.get("servedBy")
    return {
        "network": "the network",
        "worker-network": "the API's worker (from the network)",
        "worker-cache": "the API's worker (from its copy)",
        "worker-synthetic": "the API's worker (a synthetic answer)",
    }.get(served, repr(served))


def weather(answer):
    data = (answer.get("body") or {}).get("data") or {}
    temperature = data.get("temperatureC")
    return "%s, %s, %s" % (data.get("city"), "?" if temperature is None else "%s °C" % temperature,
                           data.get("sky"))


# --- running it ----------------------------------------------------------------


def shell_command(args, url, show_registrations):
    command = [args.shell, url, "--timeout", str(args.timeout)]
    for pref in PREFS:
        command += ["--pref", pref]
    if show_registrations:
        command.append("--show-registrations")
    return command


def run_shell(args, narrator, url, events, show_registrations):
    """Runs the shell once, narrating as its lines arrive; returns its exit
    code (None if it had to be killed)."""
    shell = Shell(shell_command(args, url, show_registrations), events)
    try:
        deadline = time.monotonic() + args.timeout + 15
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                say("servo-ff did not exit within %.0f s; stopping it." % (args.timeout + 15), first="")
                return None, shell.stderr
            try:
                kind, value = events.get(timeout=min(left, 1))
            except queue.Empty:
                continue
            if kind == "out":
                narrator.line(value)
            elif kind == "control":
                if args.verbose:
                    say("(narrator: %s)" % value)
            elif kind == "exit":
                # Let the stderr reader catch up.
                time.sleep(0.2)
                return value, shell.stderr
    finally:
        shell.kill()


def verdict(narrator, code, stderr, args):
    if narrator.failure is None:
        missing = [n for n in (1, 2, 3, 4) if n not in narrator.answers]
        if code != 0:
            what = "exited %s (%s)" % (code, SHELL_EXITS.get(code, "error")) if code is not None \
                else "did not exit in time"
            where = "step %d" % missing[0] if missing else "after step 4"
            narrator.fail("%s: servo-ff %s" % (where, what))
        elif missing:
            narrator.fail("step %d: the page ended without reporting it%s" % (
                missing[0], ": " + narrator.error if narrator.error else ""))
        elif narrator.registrations and not args.register_by_script:
            # The list must show the API's worker, registered by its Link
            # header, with its foreign fetch scope.
            listing = "\n".join(narrator.registrations)
            if "registered by   Link header on" not in listing or \
                    "foreign fetch   scopes" not in listing:
                narrator.fail("the registration list does not show the API's worker registered "
                              "by its Link header with its foreign fetch scopes")
    if narrator.failure is not None and (code != 0 or args.verbose):
        tail = [l for l in stderr if "XDG_RUNTIME_DIR" not in l][-20:]
        if tail:
            say("servo-ff's stderr (last lines):", first="")
            for l in tail:
                say(l, indent="   | ")
    print(flush=True)
    if narrator.failure is None:
        print("demo: PASS", flush=True)
        return 0
    print("demo: FAIL: %s" % narrator.failure, flush=True)
    return 1


def page_url(site_origin, query):
    # ':' and '/' may stay as they are in a query: the address stays readable.
    return "%s/index.html?%s" % (site_origin, urllib.parse.urlencode(query, safe=":/"))


def demo(args):
    events = queue.Queue()
    api = ApiServer()
    site = None
    try:
        site = start_site(api, events)
        site_origin = "http://127.0.0.1:%d" % site.server_address[1]
        api_origin = "http://127.0.0.1:%d" % api.port
        query = {"api": api_origin, "wait": "%g" % args.wait}
        if args.register_by_script:
            query["register"] = "script"
        url = page_url(site_origin, query)

        print("Foreign fetch demo, in the patched Servo (%s)" % args.shell, flush=True)
        say("The site, %s: a page with no service worker of its own that uses a weather API on "
            "another origin." % site_origin)
        say("The API service, %s: answers /api/weather with JSON for any site (CORS), each answer "
            "carrying a `Link` header to its foreign fetch worker, /sw.js, which registers "
            "{scopes: [\"%s/api/\"], origins: [\"*\"]}." % (api_origin, api_origin))
        say("Loading %s in servo-ff (a debug build takes several seconds to start) ..." % url)
        print(flush=True)

        narrator = Narrator(args, site, api)
        show = args.show_registrations
        code, stderr = run_shell(args, narrator, url, events, show)
        if show and code == 64 and not narrator.answers:
            say("(this servo-ff has no --show-registrations option: running without it)", first="")
            code, stderr = run_shell(args, narrator, url, events, False)
        if 1 in narrator.answers:
            print(flush=True)
            narrator.hits()
        if narrator.registrations:
            print(flush=True)
            say("What Servo holds at the end (servo-ff --show-registrations, the \"show all\" "
                "list of service workers):", first="")
            for line in narrator.registrations:
                print("   | " + line, flush=True)
        return verdict(narrator, code, stderr, args)
    finally:
        api.kill()
        if site is not None:
            site.shutdown()
            site.server_close()


def serve(args):
    """Only the servers, for a browser opened by hand."""
    events = queue.Queue()
    api = ApiServer(args.api_port)
    try:
        site = start_site(api, events, args.site_port)
        site_origin = "http://127.0.0.1:%d" % site.server_address[1]
        api_origin = "http://127.0.0.1:%d" % api.port
        print("The API service: %s/api/weather?city=Paris (its worker: %s/sw.js)" % (
            api_origin, api_origin))
        print("The site; open this in a browser (Ctrl-C stops both servers):")
        print("  %s" % page_url(site_origin, {"api": api_origin}))
        print("  or, registering the worker by script: %s" % page_url(
            site_origin, {"api": api_origin, "register": "script"}))
        print("The page's step 3 stops the API server: start this again for another run.", flush=True)
        while True:
            try:
                print("(site) %s" % events.get(timeout=1)[1], flush=True)
            except queue.Empty:
                pass
    except KeyboardInterrupt:
        return 0
    finally:
        api.kill()


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Exit status: 0 PASS, 1 FAIL, 2 usage or set-up error.")
    parser.add_argument("--shell", help="the servo-ff binary")
    parser.add_argument("--timeout", type=float, default=60,
                        help="servo-ff's --timeout, in seconds (default 60)")
    parser.add_argument("--wait", type=float, default=15,
                        help="how long step 2 waits for the worker to answer, in seconds (default 15)")
    parser.add_argument("--show-registrations", action="store_true",
                        help="pass --show-registrations to servo-ff, and show its [shell] lines")
    parser.add_argument("--verbose", action="store_true",
                        help="also show the worker's console ([sw] lines) and all of servo-ff's output")
    parser.add_argument("--register-by-script", action="store_true",
                        help="debugging fallback: also register the worker from a frame of the API's "
                             "origin (for a Servo that ignores the Link header)")
    parser.add_argument("--serve", action="store_true",
                        help="only start the two servers and print the page's address")
    parser.add_argument("--site-port", type=int, default=0, help="with --serve (default: a free port)")
    parser.add_argument("--api-port", type=int, default=0, help="with --serve (default: a free port)")
    args = parser.parse_args()
    # Killed (e.g. with sff): unwind, so that the finally clauses stop the
    # servers and the shell.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(2))

    try:
        if args.serve:
            return serve(args)
        if not args.shell:
            parser.error("--shell is required (or --serve)")
        if not (os.path.isfile(args.shell) and os.access(args.shell, os.X_OK)):
            print("run.py: not an executable file: %s (build it with ./sff build)" % args.shell,
                  file=sys.stderr)
            return 2
        if args.timeout <= 0 or args.wait <= 0:
            parser.error("--timeout and --wait must be positive")
        return demo(args)
    except (RuntimeError, OSError) as error:
        print("run.py: %s" % error, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("run.py: interrupted", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
