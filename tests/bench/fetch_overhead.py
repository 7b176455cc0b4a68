#!/usr/bin/env python3
"""What the foreign fetch hook costs a page's fetches: patched vs. unpatched
Servo, side by side in one run.

Serves one page on loopback that times N sequential fetch() calls in three
scenarios, and runs it alternately in the patched `servo-ff` and in the same
shell built against pristine Servo 0.7.0 (`./sff bench` builds both):

  same-origin    the hook returns at the eligibility check
  cross-origin   eligible; the remote origin has no service worker manager
  cross-origin-sw  eligible; an iframe of the remote origin registered a
                 service worker first, so the hook asks that origin's
                 manager for the active worker on every fetch

Prints the median time per fetch of each scenario for both shells and the
ratio patched / unpatched. Uses only the standard library; loopback only;
every run is bounded by the shell's --timeout.
"""
import argparse
import http.server
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading

PAGE = """<!doctype html>
<script>
const N = %(n)d;
const remote = `http://localhost:${location.port}`;
async function time(name, url) {
  await (await fetch(url + "?warm")).text();
  const start = performance.now();
  for (let i = 0; i < N; i++) await (await fetch(`${url}?${i}`)).text();
  console.log(`bench ${name} ${(performance.now() - start) / N}`);
}
(async () => {
  await time("same-origin", "/r");
  await time("cross-origin", `${remote}/r`);
  // Give the remote origin a service worker manager (and, in the patched
  // Servo, an active worker for /scope/).
  await new Promise(resolve => {
    addEventListener("message", resolve, { once: true });
    const frame = document.createElement("iframe");
    frame.src = `${remote}/register.html`;
    document.body.appendChild(frame);
  });
  await time("cross-origin-sw", `${remote}/scope/r`);
  console.log("servo-ff:done");
})().catch(e => { console.log(`bench error ${e}`); console.log("servo-ff:done"); });
</script>
"""

REGISTER = """<!doctype html>
<script>
navigator.serviceWorker.register("/sw.js", { scope: "/scope/" })
  .then(r => new Promise(resolve => setTimeout(resolve, 500)))
  .catch(() => {})
  .then(() => parent.postMessage("registered", "*"));
</script>
"""

SCENARIOS = ["same-origin", "cross-origin", "cross-origin-sw"]


def handler_for(n):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            path = self.path.split("?")[0]
            if path == "/":
                body, kind = (PAGE % {"n": n}).encode(), "text/html"
            elif path == "/register.html":
                body, kind = REGISTER.encode(), "text/html"
            elif path == "/sw.js":
                body, kind = b"// an empty service worker\n", "text/javascript"
            elif path in ("/r", "/scope/r"):
                body, kind = b"x" * 64, "text/plain"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


def run_once(shell, url, hosts, timeout):
    proc = subprocess.run(
        [shell, "--hosts-file", hosts, "--timeout", str(timeout), url],
        capture_output=True, text=True, timeout=timeout + 30)
    results = {}
    for line in proc.stdout.splitlines():
        match = re.match(r"\[page\] \w+ bench (\S+) (\S+)$", line)
        if match and match.group(1) in SCENARIOS:
            results[match.group(1)] = float(match.group(2))
    if proc.returncode != 0 or set(results) != set(SCENARIOS):
        sys.exit("%s failed (exit %s):\n%s\n%s" % (shell, proc.returncode, proc.stdout, proc.stderr))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patched", required=True)
    parser.add_argument("--unpatched", required=True)
    parser.add_argument("--fetches", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_for(args.fetches))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d/" % server.server_address[1]
    with tempfile.NamedTemporaryFile("w", suffix=".hosts", delete=False) as hosts:
        hosts.write("127.0.0.1 localhost\n")
    samples = {"patched": {s: [] for s in SCENARIOS}, "unpatched": {s: [] for s in SCENARIOS}}
    try:
        for run in range(args.runs):
            # Alternate, so that drift in the machine's load hits both alike.
            for name, shell in (("unpatched", args.unpatched), ("patched", args.patched)):
                for scenario, ms in run_once(shell, url, hosts.name, args.timeout).items():
                    samples[name][scenario].append(ms)
            print("run %d/%d done" % (run + 1, args.runs), file=sys.stderr)
    finally:
        server.shutdown()
        os.unlink(hosts.name)

    print("%d sequential fetches per scenario, %d runs each, median ms per fetch" % (args.fetches, args.runs))
    print("%-16s %10s %10s %8s" % ("scenario", "unpatched", "patched", "ratio"))
    for scenario in SCENARIOS:
        before = statistics.median(samples["unpatched"][scenario])
        after = statistics.median(samples["patched"][scenario])
        print("%-16s %10.3f %10.3f %7.2fx" % (scenario, before, after, after / before))


if __name__ == "__main__":
    main()
