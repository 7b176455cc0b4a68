#!/usr/bin/env python3
"""What stored service worker registrations cost at start-up in the patched
Servo: the time from starting the shell to a page's first script, with a
profile that holds N stored registrations (default 1,000, spread over K
origins, default 100) against an empty profile.

The registrations are written straight into the profile's registration
database (`cachestorage/default_v1/cache_storage.sqlite`, in
the format of `sw_lifecycle::stored`), each with a foreign fetch scope; a
first run with `--show-registrations=json` checks that the shell restores
all N (so the figures cannot come from a profile it ignored). Then each run
starts the shell on a page that ends the run at once, alternating the full
and the empty profile, and the script prints the wall time of each as
min / median / max, and the per-pair difference and ratio. Standard library
only.

    ./sff bench-startup [--registrations N] [--origins K] [--runs R]
"""
import argparse
import http.server
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

PAGE = b"<!doctype html><script>console.log('servo-ff:done')</script>"


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args):
        pass


def fill(profile, registrations, origins):
    """Write `registrations` registrations over `origins` origins."""
    directory = os.path.join(profile, "cachestorage", "default_v1")
    os.makedirs(directory, exist_ok=True)
    db = sqlite3.connect(os.path.join(directory, "cache_storage.sqlite"))
    db.executescript(
        """CREATE TABLE IF NOT EXISTS registrations (
               id INTEGER PRIMARY KEY AUTOINCREMENT,
               scope TEXT NOT NULL UNIQUE,
               record TEXT NOT NULL,
               script BLOB NOT NULL);"""
    )
    script = b"self.addEventListener('foreignfetch', e => e.respondWith({response: new Response('x'), origin: e.origin}));"
    rows = []
    for i in range(registrations):
        origin = f"https://service-{i % origins}.example"
        scope = f"{origin}/s/{i}/"
        record = {
            "version": 1,
            "scope": scope,
            "script_url": f"{origin}/sw.js",
            "registered_by": {"kind": "script"},
            "update_via_cache": "Imports",
            "foreign_fetch": {"scopes": [f"{scope}data/"], "origins": "Any"},
            "handles_fetch": False,
        }
        rows.append((scope, json.dumps(record), script))
    db.executemany("INSERT INTO registrations (scope, record, script) VALUES (?, ?, ?)", rows)
    db.commit()
    db.close()


def run(shell, url, profile, *extra):
    start = time.perf_counter()
    done = subprocess.run(
        [shell, "--timeout", "60", "--profile", profile, *extra, url],
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - start, done


def summary(values):
    return f"{min(values):.3f} / {statistics.median(values):.3f} / {max(values):.3f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shell", required=True)
    parser.add_argument("--registrations", type=int, default=1000)
    parser.add_argument("--origins", type=int, default=100)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"

    with tempfile.TemporaryDirectory() as full, tempfile.TemporaryDirectory() as empty:
        fill(full, args.registrations, args.origins)
        # Every registration is restored.
        _, check = run(args.shell, url, full, "--show-registrations=json")
        listed = [line for line in check.stdout.splitlines() if line.startswith("[registrations] ")]
        restored = len(json.loads(listed[-1][len("[registrations] "):])) if listed else 0
        if check.returncode != 0 or restored != args.registrations:
            print(check.stdout + check.stderr, file=sys.stderr)
            sys.exit(f"the shell restored {restored} of {args.registrations} registrations")
        print(
            f"{args.registrations} stored registrations over {args.origins} origins, "
            f"{args.runs} runs each (after one warm-up), seconds min / median / max"
        )
        run(args.shell, url, empty)
        with_registrations, without, differences, ratios = [], [], [], []
        for _ in range(args.runs):
            a, done_a = run(args.shell, url, full)
            b, done_b = run(args.shell, url, empty)
            if done_a.returncode != 0 or done_b.returncode != 0:
                sys.exit("a run failed:\n" + done_a.stderr[-2000:] + done_b.stderr[-2000:])
            with_registrations.append(a)
            without.append(b)
            differences.append(a - b)
            ratios.append(a / b)
        print(f"  start-up to the page's first script, {args.registrations} registrations: {summary(with_registrations)}")
        print(f"  start-up to the page's first script, empty profile: {summary(without)}")
        print(f"  difference per pair: {summary(differences)}")
        print(f"  ratio per pair: {summary(ratios)}")
    server.shutdown()


if __name__ == "__main__":
    main()
