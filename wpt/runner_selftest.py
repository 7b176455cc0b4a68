#!/usr/bin/env python3
"""Prove that wpt/run.py can fail, and fails for the right reasons.

    runner_selftest.py --shell PATH_TO_servo-ff      (or: run.py --self-test --shell ...)

Runs run.py on the fixtures in wpt/selftest/tests, in the real shell wrapped
by wpt/selftest/bin/faulty-shell (which crashes, panics or hangs after the
page reported, for the files named so), with the metadata of
wpt/selftest/meta, and checks each case of the runner's contract:

  all-pass.html               OK, nothing unexpected
  expectation-mismatch.html   an expected FAIL that now passes is UNEXPECTED;
                              an expected FAIL that fails is not
  unexpected-fail.html        a FAIL that nothing expects is UNEXPECTED
  harness-error.html          an uncaught error in the page: file ERROR
  timeout-before-report.html  the page never reports: file TIMEOUT
  crash-after-report.html     the shell dies by a signal after the report:
                              file CRASH, whatever its subtests said
  panic-after-report.html     a Rust panic after the report: file CRASH
  hang-after-report.html      the shell must be killed after the report:
                              file ERROR
  requested-panic.html        the panic of ServoTestUtils.panic(), which a
                              test asks for: file OK

and that the closing line is exactly `13 passed, 7 failed` and the exit
status 1.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

WPT_DIR = os.path.dirname(os.path.abspath(__file__))
SELFTEST = os.path.join(WPT_DIR, "selftest")
FAULTY_SHELL = os.path.join(SELFTEST, "bin", "faulty-shell")

# file: (file status, file unexpected?, {subtest: (status, unexpected?)})
EXPECTED = {
    "all-pass.html": ("OK", False, {"an empty test passes": ("PASS", False)}),
    "expectation-mismatch.html": ("OK", False, {
        "this subtest passes": ("PASS", True),
        "this subtest fails": ("FAIL", False),
        "this subtest [with brackets] fetches from the test server": ("PASS", False)}),
    "unexpected-fail.html": ("OK", False, {
        "this subtest passes too": ("PASS", False),
        "this subtest fails unexpectedly": ("FAIL", True)}),
    "harness-error.html": ("ERROR", True, {"this subtest passes before the error": ("PASS", False)}),
    "timeout-before-report.html": ("TIMEOUT", True, {}),
    "crash-after-report.html": ("CRASH", True, {"this subtest passes before the shell fails": ("PASS", False)}),
    "panic-after-report.html": ("CRASH", True, {"this subtest passes before the shell fails": ("PASS", False)}),
    "hang-after-report.html": ("ERROR", True, {"this subtest passes before the shell fails": ("PASS", False)}),
    "requested-panic.html": ("OK", False, {"this subtest passes beside a requested panic": ("PASS", False)}),
}
CLOSING_LINE = "13 passed, 7 failed"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shell", required=True, help="path to the servo-ff binary")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="wpt-selftest-") as tmp:
        out_json = os.path.join(tmp, "results.json")
        cmd = [sys.executable, os.path.join(WPT_DIR, "run.py"), "--shell", FAULTY_SHELL,
               "--tests-root", os.path.join(SELFTEST, "tests"),
               "--meta-root", os.path.join(SELFTEST, "meta"), "--json", out_json,
               "--timeout", "6", "--kill-grace", "4", "--jobs", "2"]
        env = dict(os.environ, SERVO_FF_REAL=os.path.abspath(args.shell))
        print("$ SERVO_FF_REAL=%s %s" % (env["SERVO_FF_REAL"], " ".join(cmd)), flush=True)
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        print("".join("  | " + line + "\n" for line in proc.stdout.splitlines()))
        records = {}
        if os.path.exists(out_json):
            with open(out_json) as f:
                for record in json.load(f)["results"]:
                    records[os.path.basename(record["test"])] = record

    lines = proc.stdout.strip().splitlines()
    checks = [
        ("the runner exits 1", proc.returncode == 1),
        ("the last line is exactly %r" % CLOSING_LINE,
         bool(lines) and re.fullmatch(re.escape(CLOSING_LINE), lines[-1]) is not None),
        ("the real-results table counts 9 PASS of 11 subtests, 4 files OK of 9",
         any(re.match(r"\s*all\s+9/11\s+", line) and " 4/9 " in line for line in lines)),
    ]
    for name, (status, unexpected, subtests) in EXPECTED.items():
        record = records.get(name, {})
        checks.append(("%s: file %s%s" % (name, status, ", unexpected" if unexpected else ""),
                       record.get("status") == status and record.get("unexpected") is unexpected))
        got = {s["name"]: (s["status"], s["unexpected"]) for s in record.get("subtests", [])}
        checks.append(("%s: subtests %s" % (name, subtests or "none"), got == subtests))
    for what, ok in checks:
        print("%s  %s" % ("ok  " if ok else "FAIL", what))
    if all(ok for _, ok in checks):
        print("self-test passed: the runner reports crashes, hangs, harness errors and wrong expectations")
        return 0
    print("self-test FAILED")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
