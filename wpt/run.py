#!/usr/bin/env python3
"""Run the web-platform-tests under wpt/tests in the servo-ff shell.

    run.py --shell PATH_TO_servo-ff [--timeout S] [--json OUT] [--jobs N]
           [--list] [--self-test] [paths or test files ...]

Makes a test CA and a certificate for the test host names (trustme), starts
wptserve on free loopback ports (two HTTP, two HTTPS, one HTTPS port whose
certificate no one trusts), writes a hosts file that maps the test host names
to 127.0.0.1, runs every test file in a fresh servo-ff process (`servo-ff
--hosts-file HOSTS --certificate-path CA --timeout S [--pref N=V]... URL`;
`*.https.*` files from the HTTPS origin), reads the
`wpt-result {...}` console line that tests/resources/testharnessreport.js
logs, compares each result with the expectations in wpt/meta (wptrunner's
.ini format) and exits 1 if any result is unexpected. See wpt/README.md.
"""

import argparse
import json
import logging
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed

WPT_DIR = os.path.dirname(os.path.abspath(__file__))
TESTS_ROOT = os.path.join(WPT_DIR, "tests")
META_ROOT = os.path.join(WPT_DIR, "meta")
DEFAULT_JSON = os.path.join(WPT_DIR, "results", "results.json")
TESTHARNESS_JS = os.path.join(WPT_DIR, "node_modules", "wpt-runner", "testharness", "testharness.js")
TESTHARNESSREPORT_JS = os.path.join(TESTS_ROOT, "resources", "testharnessreport.js")

# The origins (README.md, "Origins"), with upstream WPT's host names, subdomains
# and port names (tools/serve), so that `{{host}}`, `{{domains[www1]}}`,
# `{{hosts[alt][]}}`, `{{ports[https][0]}}` and common/get-host-info.sub.js
# mean what they mean upstream. Every name resolves to 127.0.0.1 through the
# hosts file (hosts_file_text); the `nonexistent` subdomain is left out of it,
# as upstream. `https-untrusted` is ours: its certificate (for the same names)
# is signed by a CA the shell does not trust.
PAGE_HOST = "web-platform.test"
ALTERNATE_HOSTS = {"alt": "not-web-platform.test"}
SUBDOMAINS = {"www", "www1", "www2", "天気の良い日", "élève"}  # the last two: IDNA names
NOT_SUBDOMAINS = {"nonexistent"}
PORTS = {"http": ["auto", "auto"], "https": ["auto", "auto"], "https-untrusted": ["auto"]}


def hosts_file_text(config):
    return ("# Written by wpt/run.py for servo-ff --hosts-file (hosts(5) format).\n" +
            "".join("127.0.0.1 %s\n" % host for host in sorted(config.domains_set)))

# servo-ff exit codes (components/shell).
SHELL_EXIT = {0: "done", 2: "timeout", 3: "load failure", 4: "crash", 64: "usage error"}
RESULT_LINE = re.compile(r"^\[page\] (?:\S+ )?wpt-result (\{.*\})\s*$")
LONG_TIMEOUT = re.compile(r"""<meta\s+name=["']?timeout["']?\s+content=["']?long""", re.I)
LONG_FACTOR = 3            # testharness.js: 10 s by default, 60 s for timeout=long
KILL_GRACE = 15            # seconds past --timeout before the runner kills the shell
STACKS_LEAD = 10           # with --stacks-before-timeout: seconds before --timeout
NOT_TEST_DIRS = {"resources", "support", "common", "tools"}


def fail(message):
    """A usage or setup error: exit 2 (1 means unexpected test results)."""
    print("run.py: error: " + message, file=sys.stderr)
    sys.exit(2)


# --- Metadata: the subset of wptrunner's .ini format that we use --------------

def parse_ini(path):
    """Parse a wptrunner metadata file into nested dicts.

    Supported: `[heading]` sections nested by indentation (`\\]` and `\\\\`
    escape inside headings), `key: value` lines, list values `[a, b]`, and
    whole-line `#` comments. Conditional values (`if os == ...:`) are not.
    Returns {"keys": {...}, "sections": {name: {"keys", "sections"}}}.
    """
    root = {"keys": {}, "sections": {}}
    stack = [(-1, root)]
    last_key = None
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip("\n").rstrip()
            stripped = line.lstrip(" ")
            if not stripped or stripped.startswith("#"):
                continue
            indent = len(line) - len(stripped)
            where = "%s:%d" % (path, lineno)
            if "\t" in line[:indent]:
                fail(where + ": indent with spaces, not tabs")
            while stack[-1][0] >= indent:
                stack.pop()
            parent = stack[-1][1]
            if stripped.startswith("[") and stripped.endswith("]"):
                name = re.sub(r"\\(.)", r"\1", stripped[1:-1])
                node = parent["sections"].setdefault(name, {"keys": {}, "sections": {}})
                stack.append((indent, node))
                last_key = None
            elif ":" in stripped and not stripped.startswith("if "):
                key, _, value = stripped.partition(":")
                value = value.strip()
                if value.startswith("[") and value.endswith("]"):
                    value = [v.strip() for v in value[1:-1].split(",") if v.strip()]
                elif value == "":
                    fail(where + ": empty value (conditional values are not supported)")
                parent["keys"][key.strip()] = value
                last_key = key
            else:
                fail(where + ": cannot parse %r%s" % (
                    stripped, " (conditional values are not supported)" if last_key else ""))
    return root


def as_list(value):
    return value if isinstance(value, list) else [value]


def load_metadata(meta_root, test):
    """Expectations for one test file (path relative to the tests root).

    `__dir__.ini` files from the meta root down to the test's directory give
    `prefs` (accumulated) and `disabled`; `<test>.ini`, section `[<file name>]`,
    gives `expected`, `disabled`, `prefs` and per-subtest `expected`.
    """
    meta = {"expected": ["OK"], "disabled": None, "prefs": [], "subtests": {}}
    parts = test.split("/")
    for depth in range(len(parts)):
        dir_ini = os.path.join(meta_root, *parts[:depth], "__dir__.ini")
        if os.path.exists(dir_ini):
            keys = parse_ini(dir_ini)["keys"]
            meta["prefs"] += as_list(keys.get("prefs", []))
            meta["disabled"] = keys.get("disabled", meta["disabled"])
    test_ini = os.path.join(meta_root, *parts) + ".ini"
    if os.path.exists(test_ini):
        sections = parse_ini(test_ini)["sections"]
        if parts[-1] not in sections:
            fail("%s has no [%s] section" % (test_ini, parts[-1]))
        node = sections[parts[-1]]
        keys = node["keys"]
        meta["expected"] = as_list(keys.get("expected", "OK"))
        meta["disabled"] = keys.get("disabled", meta["disabled"])
        meta["prefs"] += as_list(keys.get("prefs", []))
        for name, sub in node["sections"].items():
            meta["subtests"][name] = as_list(sub["keys"].get("expected", "PASS"))
    # wptrunner writes prefs as `name: value`; servo-ff takes `--pref name=value`.
    meta["prefs"] = ["=".join(p.strip() for p in pref.split(":", 1)) for pref in meta["prefs"]]
    return meta


# --- Test discovery -----------------------------------------------------------

def is_test(tests_root, rel):
    parts = rel.split("/")
    if not rel.endswith((".html", ".htm", ".xhtml")) or NOT_TEST_DIRS & set(parts[:-1]):
        return False
    with open(os.path.join(tests_root, rel), encoding="utf-8", errors="replace") as f:
        return "/resources/testharness.js" in f.read()


def find_tests(tests_root, selectors):
    found = []
    for dirpath, dirnames, filenames in os.walk(tests_root):
        dirnames.sort()
        for name in sorted(filenames):
            rel = os.path.relpath(os.path.join(dirpath, name), tests_root).replace(os.sep, "/")
            if is_test(tests_root, rel):
                found.append(rel)
    if not selectors:
        return found
    chosen = []
    for selector in selectors:
        if os.path.exists(selector):
            rel = os.path.relpath(os.path.abspath(selector), tests_root).replace(os.sep, "/")
        else:
            rel = selector.lstrip("/").rstrip("/")
            if not os.path.exists(os.path.join(tests_root, rel)):
                fail("no such test or directory: %s" % selector)
        matches = [t for t in found if rel == "." or t == rel or t.startswith(rel + "/")]
        if not matches:
            fail("%s is not a testharness.js test and holds none" % selector)
        chosen += [t for t in matches if t not in chosen]
    return chosen


# --- The server ---------------------------------------------------------------

def start_server(tests_root, cert_dir):
    """Make the certificates in cert_dir and start wptserve on free loopback
    ports (PORTS); return (servers, config). config.ssl_config["ca_cert_path"]
    is the CA the shell must trust."""
    if not os.path.exists(TESTHARNESS_JS):
        fail("%s is missing: run `npm ci --prefix wpt` in the checkout first" % TESTHARNESS_JS)
    from wptserve import config as wptconfig, handlers, routes, server
    # Code shared by the Python handlers (wptserve runs them in-process).
    sys.path.insert(0, os.path.join(WPT_DIR, "lib"))
    import wpt_certs

    def static(path):
        def serve(request, response):
            response.headers.set("Content-Type", "text/javascript; charset=utf-8")
            with open(path, "rb") as f:
                return f.read()
        return handlers.handler(serve)

    # The host names first (no certificate needed for that), then the
    # certificates for them, then the configuration wptserve serves with.
    def builder(ssl):
        return wptconfig.ConfigBuilder(
            logging.getLogger("wptserve"), browser_host=PAGE_HOST, alternate_hosts=ALTERNATE_HOSTS,
            subdomains=SUBDOMAINS, not_subdomains=NOT_SUBDOMAINS, ports=PORTS, ssl=ssl,
            doc_root=tests_root)
    with builder({"type": "none"}) as names:
        hosts = sorted(names.domains_set)
    certs = wpt_certs.make_certs(cert_dir, hosts)
    config = builder({"type": "pregenerated", "pregenerated": {
        "host_key_path": certs["key"], "host_cert_path": certs["cert"], "ca_cert_path": certs["ca"]}
    }).__enter__()  # computes the free ports and the domain tables
    all_routes = [("GET", "/resources/testharness.js", static(TESTHARNESS_JS)),
                  ("GET", "/resources/testharnessreport.js", static(TESTHARNESSREPORT_JS))]
    all_routes += routes.routes
    servers = []
    for scheme, key, cert in (("http", None, None), ("https", certs["key"], certs["cert"]),
                              ("https-untrusted", certs["untrusted_key"], certs["untrusted_cert"])):
        for port in config.ports[scheme]:
            httpd = server.WebTestHttpd(host="127.0.0.1", port=port, doc_root=tests_root,
                                        routes=all_routes, config=config, use_ssl=key is not None,
                                        key_file=key, certificate=cert)
            httpd.start()
            servers.append(httpd)
    return servers, config


# --- Running one test file ----------------------------------------------------

# A Rust panic anywhere in the shell's process (Servo catches some in its
# threads and goes on, so the exit status alone does not show them).
PANIC_LINE = re.compile(r"^thread '[^']*' (?:\(\d+\) )?panicked at .*$", re.M)
# Except the panic a test asks for: Servo's `ServoTestUtils.panic()` (behind
# the dom_servo_helpers_enabled pref) panics at this file on purpose, to kill
# the thread it is called on (a service worker's, in the crash tests).
REQUESTED_PANIC = "/dom/testing/servotestutils.rs:"


def find_panic(*outputs):
    """The first panic line a test did not ask for, or None."""
    for output in outputs:
        for match in PANIC_LINE.finditer(output):
            if REQUESTED_PANIC not in match.group(0):
                return match
    return None


def after_report_status(code, killed, panic):
    """The file status that overrides the harness's once results were
    reported: a shell that had to be killed is an ERROR; one that crashed
    (exit 4, a signal), exited otherwise non-zero, or panicked is a CRASH
    or an ERROR. None when the shell ended cleanly."""
    if killed:
        return "ERROR"
    if code == 4 or code < 0 or panic:
        return "CRASH"
    if code != 0:
        return "ERROR"
    return None


def test_origin(config, test):
    """As in WPT: a file with the `https` flag (`foo.https.html`,
    `foo.https.sub.html`, `foo.sub.https.html`) loads from the HTTPS page
    origin, a secure context; every other file from the HTTP page origin,
    which is not one (`web-platform.test` is no loopback name). The old
    `*.insecure.*` flag of ours changes nothing any more."""
    flags = os.path.basename(test).split(".")[1:-1]
    scheme = "https" if "https" in flags else "http"
    return "%s://%s:%d" % (scheme, PAGE_HOST, config.ports[scheme][0])


def thread_stacks(pid):
    """Every thread's stack of process `pid`, from gdb (text, or why not)."""
    try:
        done = subprocess.run(["gdb", "-p", str(pid), "-batch", "-ex", "thread apply all bt 30"],
                              capture_output=True, text=True, timeout=120)
        return done.stdout + done.stderr
    except (OSError, subprocess.TimeoutExpired) as e:
        return "no stacks: %s" % e


def run_test(args, test, meta, config, hosts_file, log_dir):
    with open(os.path.join(args.tests_root, test), encoding="utf-8", errors="replace") as f:
        long_test = bool(LONG_TIMEOUT.search(f.read()))
    timeout = args.timeout * (LONG_FACTOR if long_test else 1)
    url = test_origin(config, test) + "/" + urllib.parse.quote(test)
    cmd = [args.shell, "--hosts-file", hosts_file,
           "--certificate-path", config.ssl_config["ca_cert_path"], "--timeout", str(timeout)]
    # The command line's prefs come last: the shell applies them over the
    # expectation files'.
    for pref in meta["prefs"] + args.pref:
        cmd += ["--pref", pref]
    cmd.append(url)
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["HOST_FILE"] = hosts_file

    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, start_new_session=True)
    stacks = None
    try:
        if args.stacks_before_timeout and timeout > STACKS_LEAD:
            # A shell about to time out is most likely stuck: its threads'
            # stacks say where (gdb stops it meanwhile; its own timer runs on
            # after).
            try:
                out, err = proc.communicate(timeout=timeout - STACKS_LEAD)
            except subprocess.TimeoutExpired:
                stacks = thread_stacks(proc.pid)
                out, err = proc.communicate(timeout=STACKS_LEAD + args.kill_grace)
        else:
            out, err = proc.communicate(timeout=timeout + args.kill_grace)
        killed = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the shell's own process group
        out, err = proc.communicate()
        killed = True
    duration = time.monotonic() - started
    out = out.decode("utf-8", "replace")
    err = err.decode("utf-8", "replace")

    log_path = os.path.join(log_dir, test + ".log")
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as f:
        f.write("$ %s\n\n--- stdout ---\n%s\n--- stderr ---\n%s" % (" ".join(cmd), out, err))
        if stacks is not None:
            f.write("\n--- thread stacks %d s before the shell's time limit ---\n%s"
                    % (STACKS_LEAD, stacks))

    result = None
    for line in out.splitlines():
        match = RESULT_LINE.match(line)
        if match:
            try:
                result = json.loads(match.group(1))
            except ValueError as e:
                result = {"status": "ERROR", "message": "bad wpt-result line: %s" % e, "tests": []}
    code = proc.returncode
    shell_said = "shell exited %s (%s)" % (code, SHELL_EXIT.get(code, "signal %d" % -code if code < 0 else "?"))
    panic = find_panic(err, out)
    if result is not None:
        status, message, subtests = result.get("status"), result.get("message"), result.get("tests", [])
        # What happens after the report still counts (as in wptrunner): the
        # file is a CRASH or an ERROR whatever its subtests said.
        after = after_report_status(code, killed, panic)
        if after is not None:
            status = after
            why = ("runner killed the shell after %d s" % (timeout + args.kill_grace) if killed
                   else shell_said)
            if panic:
                why += "; a thread panicked: " + panic.group(0).strip()
            message = "after reporting, " + why + ("; harness said: " + message if message else "")
    elif killed:
        status, message, subtests = "TIMEOUT", "runner killed the shell after %d s" % (timeout + args.kill_grace), []
    elif code == 2:
        status, message, subtests = "TIMEOUT", shell_said, []
    elif code == 4 or code < 0 or panic:
        status, message, subtests = "CRASH", shell_said + (
            "; " + panic.group(0).strip() if panic else ""), []
    else:
        status, message, subtests = "ERROR", shell_said + ", no wpt-result line", []

    record = {"test": "/" + test, "url": url, "status": status, "expected": meta["expected"],
              "unexpected": status not in meta["expected"], "message": message,
              "exit_code": code, "duration": round(duration, 2), "log": log_path, "subtests": []}
    for sub in subtests:
        expected = meta["subtests"].get(sub.get("name"), ["PASS"])
        record["subtests"].append({"name": sub.get("name"), "status": sub.get("status"),
                                   "expected": expected, "unexpected": sub.get("status") not in expected,
                                   "message": sub.get("message")})
    return record


# --- Reporting ----------------------------------------------------------------

def print_table(records):
    rows = [("file", "subtest", "result", "expected", "")]
    for r in records:
        test = r["test"].lstrip("/")
        if r["status"] == "SKIP":
            rows.append((test, "-", "SKIP", "-", "disabled: " + str(r["message"])))
            continue
        rows.append((test, "-", r["status"], "|".join(r["expected"]), "UNEXPECTED" if r["unexpected"] else ""))
        for s in r["subtests"]:
            name = s["name"] if len(s["name"]) <= 70 else s["name"][:69] + "~"
            rows.append((test, name, s["status"], "|".join(s["expected"]),
                         "UNEXPECTED" if s["unexpected"] else ""))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    print()
    for row in rows:
        print(("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[4]).rstrip())


SUBTEST_STATUSES = ("PASS", "FAIL", "TIMEOUT", "NOTRUN", "PRECONDITION_FAILED")
FILE_STATUSES = ("OK", "ERROR", "TIMEOUT", "CRASH")


def real_counts(records):
    """What actually passed, regardless of expectations: per directory of
    test files and overall, the files by harness status and the subtests
    by status. Returns [(directory, {"files": Counter, "subtests": Counter})],
    the overall row last (directory "all")."""
    rows = {}
    for r in records:
        if r["status"] == "SKIP":
            continue
        directory = os.path.dirname(r["test"].lstrip("/")) + "/"
        for key in (directory, "all"):
            row = rows.setdefault(key, {"files": Counter(), "subtests": Counter()})
            row["files"][r["status"]] += 1
            for sub in r["subtests"]:
                row["subtests"][sub["status"]] += 1
    total = rows.pop("all", {"files": Counter(), "subtests": Counter()})
    return sorted(rows.items()) + [("all", total)]


def print_real_counts(records):
    """The table of real results (README.md, "Status", quotes it)."""
    print()
    print("Real results (what passed, whatever wpt/meta expects):")
    head = ["directory", "subtests PASS", "FAIL", "TIMEOUT", "NOTRUN", "other", "files OK", "not OK"]
    table = [head]
    for directory, row in real_counts(records):
        subs, files = row["subtests"], row["files"]
        total = sum(subs.values())
        other = total - sum(subs[s] for s in SUBTEST_STATUSES[:4])
        not_ok = sum(files.values()) - files["OK"]
        table.append([directory, "%d/%d" % (subs["PASS"], total), str(subs["FAIL"]), str(subs["TIMEOUT"]),
                      str(subs["NOTRUN"]), str(other), "%d/%d" % (files["OK"], sum(files.values())),
                      ", ".join("%d %s" % (files[s], s) for s in FILE_STATUSES[1:] if files[s]) or "0"])
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    for row in table:
        print("  " + "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                                for i, (cell, w) in enumerate(zip(row, widths))).rstrip())


def summarize(records):
    results = []  # every file's harness status and every subtest
    for r in records:
        if r["status"] != "SKIP":
            results.append(r)
            results += r["subtests"]
    unexpected = [x for x in results if x["unexpected"]]
    expected_fail = [x for x in results if not x["unexpected"] and x["status"] != "PASS"
                     and x["status"] != "OK"]
    files = sum(1 for r in records if r["status"] != "SKIP")
    print()
    print("Ran %d files (%d skipped), %d subtests" % (
        files, len(records) - files, len(results) - files))
    print("Expected non-passing results (FAIL etc. listed in wpt/meta): %d" % len(expected_fail))
    print_real_counts(records)
    print()
    print("Matching their expectations (the line below; WPT's expectation-file convention):")
    for r in records:
        if r["status"] != "SKIP" and (r["unexpected"] or any(s["unexpected"] for s in r["subtests"])):
            print("UNEXPECTED in /%s (log: %s)" % (r["test"].lstrip("/"), r["log"]))
            if r["unexpected"]:
                print("  file: %s, expected %s: %s" % (r["status"], "|".join(r["expected"]), r["message"] or ""))
            for s in r["subtests"]:
                if s["unexpected"]:
                    print("  [%s] %s, expected %s: %s" % (s["name"], s["status"], "|".join(s["expected"]),
                                                          s["message"] or ""))
    print("%d passed, %d failed" % (len(results) - len(unexpected), len(unexpected)))
    return not unexpected


class Heartbeat:
    """Prints the progress lines, and a line every HEARTBEAT seconds in which
    nothing else was printed, so that a long test file is never silent."""

    HEARTBEAT = 15

    def __init__(self, total):
        self.total, self.done = total, 0
        self.started = self.last = time.monotonic()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.beat, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    def say(self, line, done=None):
        with self.lock:
            if done is not None:
                self.done = done
            self.last = time.monotonic()
            print(line, flush=True)

    def beat(self):
        while not self.stop.wait(1):
            if time.monotonic() - self.last >= self.HEARTBEAT:
                self.say("... %d of %d files done, still running (%d s)" % (
                    self.done, self.total, time.monotonic() - self.started))


# --- Main ---------------------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shell", help="path to the servo-ff binary")
    parser.add_argument("--stacks-before-timeout", action="store_true",
                        help="with gdb: write the threads' stacks of a shell still running "
                             "%d s before its time limit into the file's log" % STACKS_LEAD)
    parser.add_argument("--timeout", type=int, default=30,
                        help="seconds per test file, x%d for <meta name=timeout content=long>" % LONG_FACTOR)
    parser.add_argument("--json", default=DEFAULT_JSON, help="where to write the results (%(default)s)")
    parser.add_argument("--jobs", type=int, default=1, help="test files run at once (%(default)s)")
    parser.add_argument("--pref", action="append", default=[], metavar="NAME=VALUE",
                        help="a Servo preference for every test, over those of wpt/meta "
                             "(repeatable)")
    parser.add_argument("--list", action="store_true", help="list the tests and exit")
    parser.add_argument("--self-test", action="store_true",
                        help="check that the runner reports a wrong expectation (runner_selftest.py)")
    parser.add_argument("--kill-grace", type=int, default=KILL_GRACE, help=argparse.SUPPRESS)
    parser.add_argument("--tests-root", default=TESTS_ROOT, help=argparse.SUPPRESS)
    parser.add_argument("--meta-root", default=META_ROOT, help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", help="test files or directories (default: all)")
    return parser.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    args.tests_root = os.path.abspath(args.tests_root)
    args.meta_root = os.path.abspath(args.meta_root)
    if args.self_test:
        import runner_selftest
        return runner_selftest.main(["--shell", args.shell] if args.shell else [])
    tests = find_tests(args.tests_root, args.paths)
    if args.list:
        for test in tests:
            disabled = load_metadata(args.meta_root, test)["disabled"]
            print(test + ("  (disabled: %s)" % disabled if disabled else ""))
        return 0
    if not args.shell:
        fail("--shell PATH_TO_servo-ff is required")
    if not os.access(args.shell, os.X_OK):
        fail("%s is not an executable" % args.shell)
    logging.basicConfig(level=logging.WARNING, format="wptserve: %(levelname)s %(message)s")

    # A CA of its own for each run (in a temporary directory, as the hosts
    # file): runs may overlap, and a test CA is never reused.
    cert_dir = tempfile.TemporaryDirectory(prefix="wpt-certs-")
    servers, config = start_server(args.tests_root, cert_dir.name)
    page_origin = "http://%s:%d" % (PAGE_HOST, config.ports["http"][0])
    print("wptserve on %s (ports %s), tests from %s; trusted CA %s" % (
        page_origin, ", ".join("%s %s" % (scheme, "/".join(map(str, ports)))
                               for scheme, ports in config.ports.items()),
        args.tests_root, config.ssl_config["ca_cert_path"]))
    log_dir = os.path.join(os.path.dirname(os.path.abspath(args.json)), "logs")
    records = {}
    with tempfile.TemporaryDirectory(prefix="wpt-hosts-") as tmp:
        hosts_file = os.path.join(tmp, "hosts")
        with open(hosts_file, "w") as f:
            f.write(hosts_file_text(config))
        metas = {test: load_metadata(args.meta_root, test) for test in tests}
        for test in tests:
            if metas[test]["disabled"]:
                records[test] = {"test": "/" + test, "status": "SKIP", "message": metas[test]["disabled"],
                                 "expected": [], "unexpected": False, "subtests": []}
        todo = [t for t in tests if t not in records]
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = {pool.submit(run_test, args, t, metas[t], config, hosts_file, log_dir): t
                       for t in todo}
            with Heartbeat(len(todo)) as heartbeat:
                for n, future in enumerate(as_completed(futures), 1):
                    r = future.result()
                    records[futures[future]] = r
                    bad = sum(1 for s in r["subtests"] if s["unexpected"]) + r["unexpected"]
                    heartbeat.say("[%d/%d] %s %s, %d subtests, %d unexpected (%.1f s)" % (
                        n, len(todo), r["test"], r["status"], len(r["subtests"]), bad, r["duration"]),
                        done=n)
    for httpd in servers:
        httpd.stop()
    cert_dir.cleanup()

    ordered = [records[t] for t in tests]
    print_table(ordered)
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w", encoding="utf-8") as f:
        json.dump({"shell": os.path.abspath(args.shell), "page_origin": page_origin,
                   "duration": round(time.monotonic() - started, 2),
                   "real": {d: {k: dict(v) for k, v in row.items()} for d, row in real_counts(ordered)},
                   "results": ordered}, f, indent=2)
    print("\nResults written to %s" % args.json)
    return 0 if summarize(ordered) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
