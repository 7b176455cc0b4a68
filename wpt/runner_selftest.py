#!/usr/bin/env python3
"""Prove that wpt/run.py can fail.

    runner_selftest.py --shell PATH_TO_servo-ff      (or: run.py --self-test --shell ...)

Runs run.py in the shell on the fixtures in wpt/selftest/tests, whose metadata
in wpt/selftest/meta is deliberately wrong for one subtest ("this subtest
passes" is marked `expected: FAIL`), and checks that the runner reports that
subtest, and only that one, as UNEXPECTED, says `5 passed, 1 failed` and exits 1.
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
WRONG = "this subtest passes"          # expected FAIL in the metadata, but passes
RIGHT = ["this subtest fails", "this subtest [with brackets] fetches from the test server",
         "an empty test passes"]


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shell", required=True, help="path to the servo-ff binary")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="wpt-selftest-") as tmp:
        out_json = os.path.join(tmp, "results.json")
        cmd = [sys.executable, os.path.join(WPT_DIR, "run.py"), "--shell", args.shell,
               "--tests-root", os.path.join(SELFTEST, "tests"),
               "--meta-root", os.path.join(SELFTEST, "meta"), "--json", out_json]
        print("$ " + " ".join(cmd), flush=True)
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print("".join("  | " + line + "\n" for line in proc.stdout.splitlines()))
        results = {}
        if os.path.exists(out_json):
            with open(out_json) as f:
                for record in json.load(f)["results"]:
                    for sub in record["subtests"]:
                        results[sub["name"]] = sub

    table = [line for line in proc.stdout.splitlines() if line.startswith("selftest/")]
    lines = proc.stdout.strip().splitlines()
    checks = [
        ("the runner exits 1", proc.returncode == 1),
        ("the last line is exactly '5 passed, 1 failed'",
         bool(lines) and re.fullmatch(r"5 passed, 1 failed", lines[-1]) is not None),
        ("the table marks %r UNEXPECTED" % WRONG,
         any(WRONG in row and row.rstrip().endswith("UNEXPECTED") for row in table)),
        ("nothing else is marked UNEXPECTED in the table",
         sum(row.rstrip().endswith("UNEXPECTED") for row in table) == 1),
        ("the JSON has %r as PASS, expected FAIL, unexpected" % WRONG,
         results.get(WRONG, {}).get("status") == "PASS"
         and results.get(WRONG, {}).get("unexpected") is True),
        ("the JSON has the other subtests as expected",
         all(name in results and not results[name]["unexpected"] for name in RIGHT)),
    ]
    for what, ok in checks:
        print("%s  %s" % ("ok  " if ok else "FAIL", what))
    if all(ok for _, ok in checks):
        print("self-test passed: the runner reports a wrong expectation and fails")
        return 0
    print("self-test FAILED")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
