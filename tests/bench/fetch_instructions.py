#!/usr/bin/env python3
"""What the patches cost a fetch no worker answers, in instructions: the
patched and the unpatched shell under valgrind's callgrind, which counts the
instructions each function executes. Unlike a time, a count does not move
with the machine's load or with where the linker put the code, so it tells
what the patched code executes from where it happens to lie.

For each scenario of `fetch_overhead.py` that no worker answers
(same-origin, cross-origin, cross-origin-sw), each shell loads a page that
makes 20 fetches to warm up and then N sequential fetches, once with
N = --base and once with N = --base + --fetches; the difference of the two
counts, divided by --fetches, is what a fetch executes (start-up, the page
and the warm-up cancel out). That is repeated --repeats times.

Not every function's count repeats: SpiderMonkey's collector and JIT run
when they decide to, `malloc` follows them, and net's resource thread
polls its channels for as long as a run lasts (that thread is left out).
A function counts as *deterministic* when its per-fetch count is the same
(within 2 %) in every repeat of a shell; the figures are over the functions
deterministic in both shells, and say what share of the per-fetch count
they cover. Prints, per scenario: instructions per fetch in each shell,
their ratio, and the functions that differ most.

    ./sff bench-instructions [--fetches N] [--repeats R] [--scenario S ...]

Needs valgrind (Debian's package). A run takes about 20 s to 3 min
(a scenario with service workers is the slowest); the default, 3 scenarios
x 2 shells x 2 counts x 2 repeats, about 30 min on 2 cores.
"""
import argparse
import collections
import glob
import http.server
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fetch_overhead  # noqa: E402 (the scenarios' server and pages)

PAGE = """<!doctype html><body><script>
const q = new URLSearchParams(location.search);
const N = +q.get("n"), scenario = q.get("s");
const remote = `http://localhost:${location.port}`;
const url = {"same-origin": "/r", "cross-origin": `${remote}/r`,
             "cross-origin-sw": `${remote}/scope/r`}[scenario];
(async () => {
  if (scenario === "cross-origin-sw") {
    // The service's registrations, as in fetch_overhead.py.
    console.log(`bench registered ${await new Promise(resolve => {
      addEventListener("message", e => resolve(e.data), { once: true });
      const frame = document.createElement("iframe");
      frame.src = `${remote}/register.html`;
      document.body.appendChild(frame);
    })}`);
  }
  for (let i = 0; i < 20; i++) await (await fetch(`${url}?w${i}`)).text();
  for (let i = 0; i < N; i++) await (await fetch(`${url}?${i}`)).text();
  console.log("bench fetched");
  console.log("servo-ff:done");
})().catch(e => { console.log(`bench error ${e}`); console.log("servo-ff:done"); });
</script>"""

# The resource thread's loop over its channels: its count grows with the
# run's length, not with the fetches (in both shells).
POLLING = "crossbeam_channel::select::run_select"
# Generated code has no name; its address changes from run to run.
JIT = re.compile(r"^0x[0-9a-f]+")
GENERATED = "(generated code)"
LINE = re.compile(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$")


def handler():
    Base = fetch_overhead.handler_for(10, 10)

    class Handler(Base):
        def do_GET(self):
            if not self.path.startswith("/count.html"):
                return super().do_GET()
            body = PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def function_name(text):
    """`file:function [object]` as callgrind_annotate prints it, to the
    function alone."""
    text = re.sub(r" \[[^\]]*\]$", "", text)
    prefix, sep, rest = text.partition(":")
    if sep and (prefix == "???" or prefix.endswith((".S", ".c", ".h", ".cpp"))):
        text = rest
    return GENERATED if JIT.match(text) else text


def self_counts(out_dir):
    """{function: instructions} over every thread of one run but the
    resource thread's polling loop."""
    total = collections.Counter()
    for path in glob.glob(os.path.join(out_dir, "callgrind.out-*")):
        text = subprocess.run(["callgrind_annotate", "--inclusive=no", "--threshold=100", path],
                              capture_output=True, text=True, check=True).stdout
        counts = collections.Counter()
        for line in text.split("file:function", 1)[-1].splitlines()[2:]:
            match = LINE.match(line)
            if match:
                counts[function_name(match.group(2))] += int(match.group(1).replace(",", ""))
        if counts[POLLING] > 0.05 * sum(counts.values()):
            continue
        total.update(counts)
    return total


def run(shell, url, scenario, n, hosts, timeout):
    out_dir = tempfile.mkdtemp(prefix="sff-callgrind-")
    try:
        proc = subprocess.run(
            ["valgrind", "--tool=callgrind", "--separate-threads=yes", "--smc-check=all-non-file",
             "--callgrind-out-file=%s/callgrind.out" % out_dir,
             shell, "--hosts-file", hosts, "--timeout", str(timeout),
             "%scount.html?s=%s&n=%d" % (url, scenario, n)],
            capture_output=True, text=True, timeout=timeout + 60)
        if proc.returncode != 0 or "bench fetched" not in proc.stdout:
            sys.exit("%s (%s, %d fetches) failed (exit %s)\n%s\n%s" % (
                shell, scenario, n, proc.returncode, proc.stdout, proc.stderr[-4000:]))
        return self_counts(out_dir)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


def per_fetch(low, high, fetches):
    return {name: (high.get(name, 0) - low.get(name, 0)) / fetches for name in set(low) | set(high)}


def deterministic(repeats):
    """The functions whose per-fetch count is the same (within 2 %, or 2
    instructions) in every repeat."""
    names = set().union(*repeats)
    steady = set()
    for name in names:
        values = [r.get(name, 0) for r in repeats]
        if max(values) - min(values) <= 0.02 * max(abs(v) for v in values) + 2:
            steady.add(name)
    return steady


def mean(repeats, name):
    return sum(r.get(name, 0) for r in repeats) / len(repeats)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patched", required=True)
    parser.add_argument("--unpatched", required=True)
    parser.add_argument("--base", type=int, default=50)
    parser.add_argument("--fetches", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--scenario", action="append", choices=fetch_overhead.NON_MATCHING)
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--save", metavar="FILE",
                        help="write every per-fetch count (scenario, shell, repeat, function) as JSON")
    args = parser.parse_args()
    if args.repeats < 2:
        parser.error("--repeats must be at least 2 (a count that repeats is what tells code from noise)")
    if not shutil.which("valgrind") or not shutil.which("callgrind_annotate"):
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d/" % server.server_address[1]
    with tempfile.NamedTemporaryFile("w", suffix=".hosts", delete=False) as hosts:
        hosts.write("127.0.0.1 localhost\n")
    shells = (("patched", args.patched), ("unpatched", args.unpatched))
    results = {}
    try:
        for scenario in args.scenario or fetch_overhead.NON_MATCHING:
            counts = {name: [] for name, _ in shells}
            for repeat in range(args.repeats):
                for name, shell in shells:
                    low = run(shell, url, scenario, args.base, hosts.name, args.timeout)
                    high = run(shell, url, scenario, args.base + args.fetches, hosts.name, args.timeout)
                    counts[name].append(per_fetch(low, high, args.fetches))
                print("%s: repeat %d/%d done" % (scenario, repeat + 1, args.repeats), file=sys.stderr)
            results[scenario] = counts
    finally:
        server.shutdown()
        os.unlink(hosts.name)
    if args.save:
        with open(args.save, "w") as out:
            json.dump(results, out)

    print("Instructions per fetch (callgrind; %d fetches, %d repeats of each shell; over the "
          "functions whose count repeats in both shells):" % (args.fetches, args.repeats))
    print("%-16s  %-10s  %-10s  %-18s  %s" % (
        "scenario", "unpatched", "patched", "patched/unpatched", "share of all counted"))
    details = []
    for scenario, counts in results.items():
        steady = deterministic(counts["patched"]) & deterministic(counts["unpatched"])
        patched = sum(mean(counts["patched"], f) for f in steady)
        unpatched = sum(mean(counts["unpatched"], f) for f in steady)
        everything = sum(sum(r.values()) for r in counts["unpatched"]) / args.repeats
        print("%-16s  %-10.0f  %-10.0f  %-18s  %.0f %%" % (
            scenario, unpatched, patched, "%.4fx" % (patched / unpatched), 100 * unpatched / everything))
        diffs = sorted(steady, key=lambda f: -abs(mean(counts["patched"], f) - mean(counts["unpatched"], f)))
        details.append((scenario, counts, diffs[:args.top]))
    print()
    print("Over every function counted (with the collector, generated code and malloc, which move "
          "from repeat to repeat), instructions per fetch: min / max over the repeats, and the sum "
          "of each function's median over the repeats but generated code (a collection or a "
          "compilation in one repeat only does not move a median):")
    print("%-16s  %-20s  %-20s  %s" % ("scenario", "unpatched", "patched", "median sums, patched/unpatched"))
    for scenario, counts, _ in details:
        totals = {name: [sum(r.values()) for r in counts[name]] for name in counts}
        medians = {name: sum(statistics.median(r.get(f, 0) for r in counts[name])
                             for f in set().union(*counts[name]) if f != GENERATED)
                   for name in counts}
        print("%-16s  %-20s  %-20s  %.0f / %.0f = %.4fx" % (
            scenario, "%.0f / %.0f" % (min(totals["unpatched"]), max(totals["unpatched"])),
            "%.0f / %.0f" % (min(totals["patched"]), max(totals["patched"])),
            medians["patched"], medians["unpatched"], medians["patched"] / medians["unpatched"]))
    for scenario, counts, diffs in details:
        print()
        print("%s: the functions that differ most (instructions per fetch, unpatched -> patched):" % scenario)
        for f in diffs:
            before, after = mean(counts["unpatched"], f), mean(counts["patched"], f)
            print("  %+7.0f  %7.0f -> %-7.0f  %s" % (after - before, before, after, f[:120]))


if __name__ == "__main__":
    main()
