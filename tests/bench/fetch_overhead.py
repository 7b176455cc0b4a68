#!/usr/bin/env python3
"""What foreign fetch costs and gains a page's fetches: patched vs. unpatched
Servo, side by side in one run.

Serves pages on loopback (`http://127.0.0.1:P` for the page, `localhost:P`
for the "service"; both are secure contexts) and runs the page alternately
in the patched `servo-ff` and in the same shell built against pristine Servo
0.7.0 (`./sff bench` builds both). The page times N sequential fetch() calls
in each scenario:

  same-origin       the hook returns at the eligibility check
  cross-origin      eligible; the service has no service worker at all
  cross-origin-sw   eligible; the service has two registrations, one of
                    them with foreign fetch scopes, and the URL matches
                    none of those scopes (net's local lookup says no)

and, in a shell that installs the service's foreign fetch worker (the
patched one, once dispatch works):

  ff-synthetic      answered by the worker: respondWith({response: new
                    Response(same 64 bytes), origin})
  ff-passthrough    answered with respondWith(fetch(event.request))
  ff-buffered       the worker's fetch(event.request), its body read whole,
                    answered as a new Response of those bytes (no body
                    stream to relay)
  ff-fetchonly      the worker's fetch(event.request), its body left alone,
                    answered with the synthetic 64 bytes (the cost of the
                    worker's own fetch without any body relay)
  concurrent-1000   1,000 intercepted fetches at once; each answer must
                    echo its own request's number (none lost, none crossed)
  paired-*          the network, ff-fetchonly and the pass-through,
                    interleaved fetch by fetch (a network fetch of the
                    service's /r, a fetch-only and a pass-through in turn,
                    the order rotated each time, N times): all three see
                    the same moments of the machine, so their ratios are
                    not moved by drift between scenarios

and, in a frame controlled by the page origin's own service worker (Handle
Fetch; the patched shell only):

  fe-synthetic      answered by the fetch event: respondWith(new
                    Response(same 64 bytes))
  fe-none           a fetch handler that does not call respondWith(): the
                    network answers (the cost of being controlled)

and, in lockstep (`--lockstep-runs`), the three scenarios no worker
answers with both shells running at once and taking turns fetch by fetch
(the server holds each shell's next fetch until the other has made its
own; who goes first alternates fetch by fetch): both see the same moments
of the machine, so the patched/unpatched ratio is not moved by drift
between runs. The same lockstep with two unpatched shells (an A/A run)
measures the resolution: its ratio would be 1.000 without noise.

With `--layout PATCHED:UNPATCHED` pairs (`SFF_BENCH_LAYOUTS=K ./sff bench`
links both shells again with their functions in K shuffled orders, the same
seed for both), the same lockstep runs for each pair, and each unpatched
layout against the next: a relink alone moves a shell's time, so a ratio
that holds over several layouts is what the code costs, not where the
linker happened to put it.

Prints, for each scenario, the time per fetch (min / median / max over the
runs) in both shells, the patched/unpatched ratio of each run (min / median
/ max), the foreign fetch scenarios as ratios to the same run's
cross-origin network fetches, the concurrent batch's time and check, and
the controlled frame's scenarios as ratios to the same run's same-origin
network fetches of the uncontrolled page.
Standard library only; loopback only; every run bounded by --timeout.
"""
import argparse
import http.server
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading

PAGE = """<!doctype html>
<body>
<script>
const N = %(n)d;
const CONCURRENT = %(concurrent)d;
const remote = `http://localhost:${location.port}`;
async function time(name, url) {
  await (await fetch(url + "?warm")).text();
  const start = performance.now();
  for (let i = 0; i < N; i++) await (await fetch(`${url}?${i}`)).text();
  console.log(`bench ${name} ${(performance.now() - start) / N}`);
}
// Each of `scenarios` in turn (the order rotated each time), each summed on
// its own: they see the same moments of the machine.
async function paired(...scenarios) {
  const total = {};
  for (const {name, url} of scenarios) {
    await (await fetch(url + "?warm")).text();
    total[name] = 0;
  }
  for (let i = 0; i < N; i++) {
    const k = i %% scenarios.length;
    for (const {name, url} of [...scenarios.slice(k), ...scenarios.slice(0, k)]) {
      const start = performance.now();
      await (await fetch(`${url}?p${i}`)).text();
      total[name] += performance.now() - start;
    }
  }
  for (const [name, ms] of Object.entries(total)) console.log(`bench ${name} ${ms / N}`);
}
async function concurrent() {
  const start = performance.now();
  const answers = await Promise.all(Array.from({length: CONCURRENT}, (_, i) =>
    fetch(`${remote}/ff/echo/c?${i}`).then(r => r.text()).then(t => t === `echo ${i}`, () => false)));
  const ms = performance.now() - start;
  console.log(`bench concurrent-${CONCURRENT} ${ms} ${answers.filter(ok => !ok).length}`);
}
(async () => {
  await time("same-origin", "/r");
  await time("cross-origin", `${remote}/r`);
  // Give the service its registrations: an empty worker for /scope/ and a
  // foreign fetch worker for /ff/ (in the unpatched Servo neither activates).
  const foreign = await new Promise(resolve => {
    addEventListener("message", e => resolve(e.data), { once: true });
    const frame = document.createElement("iframe");
    frame.src = `${remote}/register.html`;
    document.body.appendChild(frame);
  });
  await time("cross-origin-sw", `${remote}/scope/r`);
  if (foreign === "foreign fetch") {
    const probe = await (await fetch(`${remote}/ff/synthetic/r`)).text();
    if (probe === "x".repeat(64) &&
        (await (await fetch(`${remote}/ff/echo/c?7`)).text()) === "echo 7") {
      await time("ff-synthetic", `${remote}/ff/synthetic/r`);
      await time("ff-passthrough", `${remote}/ff/passthrough/r`);
      await time("ff-buffered", `${remote}/ff/buffered/r`);
      await time("ff-fetchonly", `${remote}/ff/fetchonly/r`);
      await paired({name: "paired-network", url: `${remote}/r`},
                   {name: "paired-fetchonly", url: `${remote}/ff/fetchonly/r`},
                   {name: "paired-passthrough", url: `${remote}/ff/passthrough/r`});
      await concurrent();
    } else {
      console.log(`bench note the foreign fetch worker did not answer`);
    }
  } else {
    console.log(`bench note no foreign fetch worker: ${foreign}`);
  }
  // The page origin's own worker for /ctl/, and a frame it controls.
  const controlled = await new Promise(resolve => {
    addEventListener("message", function listener(e) {
      if (!e.data || e.data.ctl === undefined) return;
      removeEventListener("message", listener);
      resolve(e.data.ctl);
    });
    const frame = document.createElement("iframe");
    frame.src = "/ctl-register.html";
    document.body.appendChild(frame);
  });
  if (typeof controlled === "object") {
    for (const [name, ms] of Object.entries(controlled)) console.log(`bench ${name} ${ms}`);
  } else {
    console.log(`bench note no controlled frame: ${controlled}`);
  }
  console.log("servo-ff:done");
})().catch(e => { console.log(`bench error ${e}`); console.log("servo-ff:done"); });
</script>
"""

REGISTER = """<!doctype html>
<script>
// Whether the registration's worker activates within 5 s (in Servo 0.7.0,
// which has no lifecycle, it never does).
function activated(registration) {
  const worker = registration.installing || registration.waiting || registration.active;
  if (!worker || worker.state === "activated") return Promise.resolve(!!worker);
  return new Promise(resolve => {
    setTimeout(() => resolve(false), 5000);
    worker.addEventListener("statechange", () => {
      if (worker.state === "activated" || worker.state === "redundant")
        resolve(worker.state === "activated");
    });
  });
}
(async () => {
  let answer = "no service workers";
  try {
    await activated(await navigator.serviceWorker.register("/sw.js", { scope: "/scope/" }));
    const ok = await activated(await navigator.serviceWorker.register("/ff-sw.js", { scope: "/ff/" }));
    answer = ok ? "foreign fetch" : "the foreign fetch worker did not activate";
  } catch (e) {
    answer = String(e);
  }
  parent.postMessage(answer, "*");
})();
</script>
"""

LOCKSTEP_PAGE = """<!doctype html>
<body>
<script>
const N = %(n)d;
const who = new URLSearchParams(location.search).get("who");
const remote = `http://localhost:${location.port}`;
let slot = 0;
// Wait for this shell's turn (the server answers once the other shell has
// made its fetch of the previous turn); `last` only says this shell is done.
async function turn(last) {
  const answer = await fetch(`/turn?who=${who}&i=${slot}${last ? "&last=1" : ""}`);
  if (!answer.ok) throw new Error(`no turn ${slot}: ${answer.status}`);
  await answer.text();
}
async function lockstep(name, url) {
  await (await fetch(url + "?warm")).text();
  let total = 0;
  for (let i = 0; i < N; i++, slot++) {
    await turn(false);
    const start = performance.now();
    await (await fetch(`${url}?${who}${i}`)).text();
    total += performance.now() - start;
  }
  console.log(`bench ${name} ${total / N}`);
}
(async () => {
  await lockstep("same-origin", "/r");
  await lockstep("cross-origin", `${remote}/r`);
  await new Promise(resolve => {
    addEventListener("message", e => resolve(e.data), { once: true });
    const frame = document.createElement("iframe");
    frame.src = `${remote}/register.html`;
    document.body.appendChild(frame);
  });
  await lockstep("cross-origin-sw", `${remote}/scope/r`);
  await turn(true);
  console.log("servo-ff:done");
})().catch(e => { console.log(`bench error ${e}`); console.log("servo-ff:done"); });
</script>
"""


class Lockstep:
    """Turns for two shells: in slot i, `order[i % 2]` fetches first, then
    the other. A shell's request for its turn in slot i says that it made
    its fetch of slot i - 1."""

    def __init__(self, first, second, timeout):
        self.order = (first, second)
        self.done = {first: -1, second: -1}
        self.cond = threading.Condition()
        self.timeout = timeout

    def turn(self, who, i, last):
        """Whether `who` may go in slot `i` (False: the other shell is gone)."""
        if who not in self.done:
            return False
        other = self.order[1] if who == self.order[0] else self.order[0]
        with self.cond:
            self.done[who] = i - 1
            self.cond.notify_all()
            if last:
                return True
            # First in the slot: the other made its fetch of the previous
            # slot; second: of this one.
            need = i - 1 if who == self.order[i % 2] else i
            return self.cond.wait_for(lambda: self.done[other] >= need, self.timeout)


CTL_REGISTER = """<!doctype html>
<script>
// Registers the page origin's worker for /ctl/ and, once it is activated,
// navigates this frame into its scope: the new document is controlled.
(async () => {
  try {
    const registration = await navigator.serviceWorker.register("/ctl-sw.js", { scope: "/ctl/" });
    const worker = registration.installing || registration.waiting || registration.active;
    if (worker.state !== "activated") {
      await new Promise((resolve, reject) => {
        setTimeout(() => reject(new Error("the worker did not activate")), 5000);
        worker.addEventListener("statechange", () => {
          if (worker.state === "activated") resolve();
        });
      });
    }
    location.href = "/ctl/page.html";
  } catch (e) {
    parent.postMessage({ctl: String(e)}, "*");
  }
})();
</script>
"""

CTL_PAGE = """<!doctype html>
<script>
const N = %(n)d;
async function time(url) {
  await (await fetch(url + "?warm")).text();
  const start = performance.now();
  for (let i = 0; i < N; i++) await (await fetch(`${url}?${i}`)).text();
  return (performance.now() - start) / N;
}
(async () => {
  if (!navigator.serviceWorker.controller) {
    parent.postMessage({ctl: "the frame is not controlled"}, "*");
    return;
  }
  const probe = await (await fetch("/ctl/synthetic/r?probe")).text();
  if (probe !== "y".repeat(64)) {
    parent.postMessage({ctl: "the fetch event did not answer"}, "*");
    return;
  }
  parent.postMessage({ctl: {
    "fe-synthetic": await time("/ctl/synthetic/r"),
    "fe-none": await time("/ctl/none/r"),
  }}, "*");
})().catch(e => parent.postMessage({ctl: String(e)}, "*"));
</script>
"""

# The page origin's own worker (Handle Fetch). Its answer ("y" x 64) differs
# from the network's ("x" x 64), so the probe tells them apart.
CTL_WORKER = """self.addEventListener("install", () => self.skipWaiting());
const BODY = "y".repeat(64);
self.addEventListener("fetch", event => {
  if (new URL(event.request.url).pathname.startsWith("/ctl/synthetic/"))
    event.respondWith(new Response(BODY, {headers: {"Content-Type": "text/plain"}}));
});
"""

FF_WORKER = """// The service's foreign fetch worker (benchmark).
self.addEventListener("install", event => {
  event.registerForeignFetch({scopes: [self.registration.scope], origins: ["*"]});
});
const BODY = "x".repeat(64);
self.addEventListener("foreignfetch", event => {
  const url = new URL(event.request.url);
  if (url.pathname.startsWith("/ff/synthetic/")) {
    event.respondWith(Promise.resolve({
      response: new Response(BODY, {headers: {"Content-Type": "text/plain"}}),
      origin: event.origin,
    }));
  } else if (url.pathname.startsWith("/ff/echo/")) {
    event.respondWith(Promise.resolve({
      response: new Response(`echo ${url.search.slice(1)}`), origin: event.origin,
    }));
  } else if (url.pathname.startsWith("/ff/buffered/")) {
    event.respondWith(fetch(event.request).then(r => r.arrayBuffer())
      .then(bytes => ({response: new Response(bytes), origin: event.origin})));
  } else if (url.pathname.startsWith("/ff/fetchonly/")) {
    event.respondWith(fetch(event.request)
      .then(() => ({response: new Response(BODY), origin: event.origin})));
  } else if (url.pathname.startsWith("/ff/passthrough/")) {
    event.respondWith(fetch(event.request).then(response => ({response, origin: event.origin})));
  }
});
"""

NON_MATCHING = ["same-origin", "cross-origin", "cross-origin-sw"]
FOREIGN = ["ff-synthetic", "ff-passthrough", "ff-buffered", "ff-fetchonly"]
CONTROLLED = ["fe-synthetic", "fe-none"]
PAIRED = ["paired-network", "paired-fetchonly", "paired-passthrough"]


def handler_for(n, concurrent, lockstep=None):
    """`lockstep()` is the current run's `Lockstep`, if any."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            path, _, query = self.path.partition("?")
            if path == "/turn":
                params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
                steps = lockstep() if lockstep else None
                ok = steps is not None and steps.turn(
                    params.get("who"), int(params.get("i", "0")), "last" in params)
                body, kind = (b"go", "text/plain") if ok else (None, None)
                if not ok:
                    self.send_error(504)
                    return
            elif path == "/lockstep.html":
                body, kind = (LOCKSTEP_PAGE % {"n": n}).encode(), "text/html"
            elif path == "/":
                body, kind = (PAGE % {"n": n, "concurrent": concurrent}).encode(), "text/html"
            elif path == "/register.html":
                body, kind = REGISTER.encode(), "text/html"
            elif path == "/sw.js":
                body, kind = b"// an empty service worker\n", "text/javascript"
            elif path == "/ff-sw.js":
                body, kind = FF_WORKER.encode(), "text/javascript"
            elif path == "/ctl-register.html":
                body, kind = CTL_REGISTER.encode(), "text/html"
            elif path == "/ctl/page.html":
                body, kind = (CTL_PAGE % {"n": n}).encode(), "text/html"
            elif path == "/ctl-sw.js":
                body, kind = CTL_WORKER.encode(), "text/javascript"
            elif path in ("/r", "/scope/r", "/ff/passthrough/r", "/ff/synthetic/r",
                          "/ff/buffered/r", "/ff/fetchonly/r", "/ctl/none/r", "/ctl/synthetic/r"):
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
    """One page load; returns {scenario: ms per fetch} and, if it ran, the
    concurrent batch as (ms, wrong answers)."""
    proc = subprocess.run(
        [shell, "--hosts-file", hosts, "--timeout", str(timeout), url],
        capture_output=True, text=True, timeout=timeout + 30)
    results, batch, notes = {}, None, []
    for line in proc.stdout.splitlines():
        match = re.match(r"\[page\] \w+ bench (\S+) (.*)$", line)
        if not match:
            continue
        name, value = match.groups()
        if name in NON_MATCHING + FOREIGN + CONTROLLED + PAIRED:
            results[name] = float(value)
        elif name.startswith("concurrent-"):
            ms, wrong = value.split()
            batch = (float(ms), int(wrong))
        elif name in ("note", "error"):
            notes.append(value)
    if proc.returncode != 0 or not set(NON_MATCHING) <= set(results):
        sys.exit("%s failed (exit %s): %s\n%s\n%s" % (
            shell, proc.returncode, "; ".join(notes), proc.stdout, proc.stderr))
    return results, batch, notes


def lockstep_once(shells, url, hosts, timeout):
    """One lockstep run of two (name, shell) pairs at once; returns each
    one's {scenario: ms per fetch}."""
    procs = [
        (name, subprocess.Popen(
            [shell, "--hosts-file", hosts, "--timeout", str(timeout),
             "%slockstep.html?who=%s" % (url, name)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        for name, shell in shells
    ]
    results = {}
    for name, proc in procs:
        try:
            stdout, stderr = proc.communicate(timeout=timeout + 30)
        except subprocess.TimeoutExpired:
            proc.kill()
            stdout, stderr = proc.communicate()
        times = {}
        for line in stdout.splitlines():
            match = re.match(r"\[page\] \w+ bench (\S+) (.*)$", line)
            if match and match.group(1) in NON_MATCHING:
                times[match.group(1)] = float(match.group(2))
        if proc.returncode != 0 or set(times) != set(NON_MATCHING):
            sys.exit("lockstep: %s failed (exit %s)\n%s\n%s" % (name, proc.returncode, stdout, stderr))
        results[name] = times
    return results


def spread(values, fmt="%.3f"):
    if not values:
        return "-"
    return " / ".join(fmt % v for v in (min(values), statistics.median(values), max(values)))


def median_interval(values, fmt="%.3fx"):
    """A distribution-free 95 % confidence interval of the median: the
    order statistics x(k) and x(n + 1 - k), with the largest k such that
    P(Binomial(n, 1/2) < k) <= 0.025 (so at least 95 % coverage). Runs
    of a lockstep are independent, and nothing is assumed of their
    spread. "-" below 6 runs, where no such k exists."""
    n = len(values)
    k, tail = 0, 0.0
    while True:
        below = tail + math.comb(n, k) / 2 ** n
        if below > 0.025:
            break
        k, tail = k + 1, below
    if k == 0:
        return "-"
    ordered = sorted(values)
    return "%s to %s" % (fmt % ordered[k - 1], fmt % ordered[n - k])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patched", required=True)
    parser.add_argument("--unpatched", required=True)
    parser.add_argument("--fetches", type=int, default=200)
    parser.add_argument("--concurrent", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=180)
    parser.add_argument("--lockstep-runs", type=int, default=9,
                        help="lockstep runs of each pair (patched + unpatched, and unpatched twice)")
    parser.add_argument("--lockstep-fetches", type=int, default=1000)
    parser.add_argument("--layout", action="append", default=[], metavar="PATCHED:UNPATCHED",
                        help="the two shells linked again with the same shuffled function order "
                             "seed (`./sff bench` with SFF_BENCH_LAYOUTS); each pair runs in "
                             "lockstep --layout-runs times, and each unpatched layout against "
                             "the next (a relink alone)")
    parser.add_argument("--layout-runs", type=int, default=3)
    parser.add_argument("--save", metavar="FILE",
                        help="write every run's figures (ms per fetch, per shell and scenario) as JSON")
    args = parser.parse_args()
    layouts = [tuple(pair.split(":", 1)) for pair in args.layout]
    if any(len(pair) != 2 for pair in layouts):
        parser.error("--layout takes PATCHED:UNPATCHED")

    current = {"lockstep": None}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_for(
        args.fetches, args.concurrent, lambda: current["lockstep"]))
    lockstep_server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_for(
        args.lockstep_fetches, args.concurrent, lambda: current["lockstep"]))
    threading.Thread(target=lockstep_server.serve_forever, daemon=True).start()
    lockstep_url = "http://127.0.0.1:%d/" % lockstep_server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d/" % server.server_address[1]
    with tempfile.NamedTemporaryFile("w", suffix=".hosts", delete=False) as hosts:
        hosts.write("127.0.0.1 localhost\n")
    runs = {"patched": [], "unpatched": []}
    lockstep_runs = {"patched": [], "control": []}
    layout_runs = {"patched": [], "relink": []}
    try:
        for run in range(args.runs):
            # Alternate, so that drift in the machine's load hits both alike.
            for name, shell in (("unpatched", args.unpatched), ("patched", args.patched)):
                runs[name].append(run_once(shell, url, hosts.name, args.timeout))
            print("run %d/%d done" % (run + 1, args.runs), file=sys.stderr)
        for run in range(args.lockstep_runs):
            for pair, shells in (("patched", (("unpatched", args.unpatched), ("patched", args.patched))),
                                 ("control", (("a", args.unpatched), ("b", args.unpatched)))):
                # Who goes first in even slots alternates from run to run.
                names = [name for name, _ in shells][::1 if run % 2 == 0 else -1]
                current["lockstep"] = Lockstep(names[0], names[1], args.timeout)
                lockstep_runs[pair].append(lockstep_once(shells, lockstep_url, hosts.name, args.timeout))
            print("lockstep run %d/%d done" % (run + 1, args.lockstep_runs), file=sys.stderr)
        for run in range(args.layout_runs if layouts else 0):
            for k, (patched_k, unpatched_k) in enumerate(layouts):
                next_unpatched = layouts[(k + 1) % len(layouts)][1]
                for pair, shells in (("patched", (("unpatched", unpatched_k), ("patched", patched_k))),
                                     ("relink", (("a", unpatched_k), ("b", next_unpatched)))):
                    names = [name for name, _ in shells][::1 if run % 2 == 0 else -1]
                    current["lockstep"] = Lockstep(names[0], names[1], args.timeout)
                    layout_runs[pair].append(lockstep_once(shells, lockstep_url, hosts.name, args.timeout))
            print("layout run %d/%d done" % (run + 1, args.layout_runs), file=sys.stderr)
    finally:
        server.shutdown()
        lockstep_server.shutdown()
        os.unlink(hosts.name)

    if args.save:
        with open(args.save, "w") as out:
            json.dump({"runs": {name: [r[0] for r in rs] for name, rs in runs.items()},
                       "lockstep": lockstep_runs, "layouts": layouts, "layout_runs": layout_runs},
                      out, indent=1)
    print("%d sequential fetches per scenario, %d runs of each shell, alternated; "
          "figures are min / median / max over the runs" % (args.fetches, args.runs))
    print()
    print("Fetches that no foreign worker answers (ms per fetch; ratio = patched / unpatched, run by run):")
    print("%-16s  %-24s  %-24s  %s" % ("scenario", "unpatched", "patched", "patched/unpatched"))
    for scenario in NON_MATCHING:
        before = [r[0][scenario] for r in runs["unpatched"]]
        after = [r[0][scenario] for r in runs["patched"]]
        ratios = [a / b for a, b in zip(after, before)]
        print("%-16s  %-24s  %-24s  %s" % (scenario, spread(before), spread(after), spread(ratios, "%.3fx")))

    if lockstep_runs["patched"]:
        print()
        print("Lockstep: both shells at once, taking turns fetch by fetch, %d fetches per scenario, "
              "%d runs (ms per fetch; ratios run by run; A/A = two unpatched shells, its ratio "
              "is 1.000 but for noise):" % (args.lockstep_fetches, args.lockstep_runs))
        print("%-16s  %-24s  %-24s  %-26s  %s" % (
            "scenario", "unpatched", "patched", "patched/unpatched", "A/A (b/a)"))
        intervals = []
        for scenario in NON_MATCHING:
            before = [r["unpatched"][scenario] for r in lockstep_runs["patched"]]
            after = [r["patched"][scenario] for r in lockstep_runs["patched"]]
            ratios = [a / b for a, b in zip(after, before)]
            control = [r["b"][scenario] / r["a"][scenario] for r in lockstep_runs["control"]]
            print("%-16s  %-24s  %-24s  %-26s  %s" % (
                scenario, spread(before), spread(after),
                spread(ratios, "%.3fx"), spread(control, "%.3fx")))
            intervals.append((scenario, median_interval(ratios), median_interval(control)))
        print("95 %% confidence interval of each median (order statistics, %d runs):" % args.lockstep_runs)
        print("%-16s  %-26s  %s" % ("scenario", "patched/unpatched", "A/A (b/a)"))
        for scenario, ratios, control in intervals:
            print("%-16s  %-26s  %s" % (scenario, ratios, control))

    if layout_runs["patched"]:
        print()
        print("Lockstep over %d shuffled function orders (lld --shuffle-sections; patched and unpatched "
              "linked with the same seed), %d runs each; relink = unpatched, one seed / the next "
              "(the same code, another layout):" % (len(layouts), args.layout_runs))
        print("%-16s  %-26s  %s" % ("scenario", "patched/unpatched", "relink (b/a)"))
        per_layout = []
        for scenario in NON_MATCHING:
            ratios = [r["patched"][scenario] / r["unpatched"][scenario] for r in layout_runs["patched"]]
            relink = [r["b"][scenario] / r["a"][scenario] for r in layout_runs["relink"]]
            print("%-16s  %-26s  %s" % (scenario, spread(ratios, "%.3fx"), spread(relink, "%.3fx")))
            # The runs are appended run by run, each run over every layout.
            medians = [statistics.median(ratios[k::len(layouts)]) for k in range(len(layouts))]
            per_layout.append((scenario, medians, median_interval(ratios), median_interval(relink)))
        print("Median of each layout (patched/unpatched), and a 95 %% interval of the median of all "
              "%d runs (it takes the runs as independent; runs of one layout share its cost, so the "
              "spread of the layouts' medians is the fairer measure of what a layout moves):"
              % len(layout_runs["patched"]))
        print("%-16s  %-36s  %-24s  %s" % ("scenario", "per layout", "all runs, 95 %", "relink, 95 %"))
        for scenario, medians, ratios, relink in per_layout:
            print("%-16s  %-36s  %-24s  %s" % (
                scenario, " ".join("%.3f" % m for m in medians), ratios, relink))

    patched = runs["patched"]
    if not patched:
        return
    if all(set(FOREIGN) <= set(r[0]) for r in patched):
        print()
        print("Answered by the foreign worker, patched shell (ratio to the same run's cross-origin network fetch):")
        for scenario in FOREIGN:
            times = [r[0][scenario] for r in patched]
            ratios = [r[0][scenario] / r[0]["cross-origin"] for r in patched]
            print("%-16s  %-24s  %s" % (scenario, spread(times), spread(ratios, "%.3fx")))
        if all(set(PAIRED) <= set(r[0]) for r in patched):
            print()
            print("The network, ff-fetchonly and the pass-through, interleaved fetch by fetch "
                  "(ms per fetch; ratios run by run):")
            ms = {name: [r[0][name] for r in patched] for name in PAIRED}
            for name in PAIRED:
                print("%-20s  %s" % (name, spread(ms[name])))
            for a, b in (("paired-passthrough", "paired-network"),
                         ("paired-fetchonly", "paired-network"),
                         ("paired-passthrough", "paired-fetchonly")):
                ratios = [x / y for x, y in zip(ms[a], ms[b])]
                print("%-20s  %s" % ("%s / %s" % (a[len("paired-"):], b[len("paired-"):]),
                                     spread(ratios, "%.3fx")))
        batches = [r[1] for r in patched if r[1] is not None]
        wrong = sum(b[1] for b in batches)
        print("%d intercepted fetches at once: %s ms for the batch; %s" % (
            args.concurrent, spread([b[0] for b in batches], "%.0f"),
            "every answer matched its request in every run" if wrong == 0 and len(batches) == len(patched)
            else "%d wrong or missing answers" % wrong))
    else:
        notes = sorted({n for r in patched for n in r[2]})
        print()
        print("No foreign fetch scenarios: %s" % ("; ".join(notes) or "the worker did not answer"))

    if all(set(CONTROLLED) <= set(r[0]) for r in patched):
        print()
        print("A frame controlled by the page origin's own worker, patched shell "
              "(ratio to the same run's same-origin network fetch of the uncontrolled page):")
        for scenario in CONTROLLED:
            times = [r[0][scenario] for r in patched]
            ratios = [r[0][scenario] / r[0]["same-origin"] for r in patched]
            print("%-16s  %-24s  %s" % (scenario, spread(times), spread(ratios, "%.3fx")))
    else:
        notes = sorted({n for r in patched for n in r[2] if "controlled" in n or "fetch event" in n})
        print()
        print("No controlled-frame scenarios: %s" % ("; ".join(notes) or "no answer from the frame"))


if __name__ == "__main__":
    main()
