#!/usr/bin/env python3
"""What a Cache lookup costs in the patched Servo: the time of
`Cache.match()` on a cache of N entries (default 10,000), hits and misses,
with and without `ignoreSearch`.

Serves one page on loopback that fills a cache with N entries (puts of
small responses, in batches of 100 at once), then times M sequential
`match()` calls of each kind. Prints, per kind, ms per call as min / median /
max over the runs (each run is a new shell and a new profile, so a new
cache). Standard library only.

    ./sff bench-cache [--entries N] [--matches M] [--runs R]
"""
import argparse
import http.server
import re
import statistics
import subprocess
import sys
import threading

PAGE = """<!doctype html>
<script>
const N = %(entries)d, M = %(matches)d;
(async () => {
  const cache = await caches.open("bench-" + Math.random());
  let start = performance.now();
  for (let i = 0; i < N; i += 100) {
    const puts = [];
    for (let j = i; j < Math.min(N, i + 100); j++)
      puts.push(cache.put(`/entry/${j}?v=${j}`, new Response(`entry ${j}`)));
    await Promise.all(puts);
  }
  console.log(`bench fill ${(performance.now() - start) / N}`);
  if ((await cache.keys()).length !== N) throw new Error("the cache does not hold N entries");
  async function time(name, url, options) {
    const start = performance.now();
    for (let i = 0; i < M; i++) await cache.match(url(i), options);
    console.log(`bench ${name} ${(performance.now() - start) / M}`);
  }
  const hit = await cache.match(`/entry/${N - 1}?v=${N - 1}`);
  if (!hit || (await hit.text()) !== `entry ${N - 1}`) throw new Error("no hit");
  await time("hit", i => `/entry/${(i * 7919) %% N}?v=${(i * 7919) %% N}`);
  await time("miss", i => `/none/${i}`);
  await time("hit-ignoreSearch", i => `/entry/${(i * 7919) %% N}`, {ignoreSearch: true});
  console.log("servo-ff:done");
})().catch(e => { console.log(`bench error ${e}`); console.log("servo-ff:done"); });
</script>
"""
KINDS = ["fill", "hit", "miss", "hit-ignoreSearch"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shell", required=True)
    parser.add_argument("--entries", type=int, default=10000)
    parser.add_argument("--matches", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    body = (PAGE % {"entries": args.entries, "matches": args.matches}).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d/" % server.server_address[1]
    results = {kind: [] for kind in KINDS}
    try:
        for run in range(args.runs):
            proc = subprocess.run([args.shell, "--timeout", str(args.timeout), url],
                                  capture_output=True, text=True, timeout=args.timeout + 30)
            seen = {}
            for line in proc.stdout.splitlines():
                match = re.match(r"\[page\] \w+ bench (\S+) (.*)$", line)
                if match:
                    seen[match.group(1)] = match.group(2)
            if proc.returncode != 0 or "error" in seen or set(KINDS) - set(seen):
                sys.exit("run failed (exit %s): %s\n%s" % (proc.returncode, seen.get("error"),
                                                           proc.stderr[-2000:]))
            for kind in KINDS:
                results[kind].append(float(seen[kind]))
            print("run %d/%d done" % (run + 1, args.runs), file=sys.stderr)
    finally:
        server.shutdown()
    print("Cache of %d entries, %d match() calls of each kind, %d runs; ms per call, "
          "min / median / max over the runs" % (args.entries, args.matches, args.runs))
    for kind in KINDS:
        values = results[kind]
        label = "put (filling, per entry)" if kind == "fill" else "match(): " + kind
        print("%-28s %s" % (label, " / ".join("%.3f" % v for v in (
            min(values), statistics.median(values), max(values)))))


if __name__ == "__main__":
    main()
