#!/usr/bin/env python3
"""Check that this Node.js satisfies every `engines.node` range in a lock file.

    check_node.py wpt/package-lock.json [NODE_VERSION]

npm ci only warns (EBADENGINE) when a package's `engines` excludes the
running Node, and the failure comes later, at run time. This reads the
ranges of every package in the lock (node-semver syntax: `||`, space-
separated comparators, `^`, `~`, `x`/`*` wildcards, a leading `v`) and exits 1,
naming the packages, when the version (default: `node --version`) is outside
any of them. Exits 0 and prints nothing otherwise.
"""

import json
import re
import subprocess
import sys


def parse_version(text):
    parts = re.findall(r"\d+|[x*]", text.lstrip("v=").split("-")[0])
    return [None if p in "x*" else int(p) for p in parts][:3]


def satisfies_comparator(version, comparator):
    match = re.fullmatch(r"(\^|~|>=|<=|>|<|=)?\s*v?([\dx*.]+)", comparator)
    if not match:
        return True  # unknown syntax: do not block on it
    op, wanted = match.group(1) or "=", parse_version(match.group(2))
    known = [w for w in wanted if w is not None]
    if op == "=":  # "20", "8.*", "20.1": every given part equal
        return version[:len(known)] == known
    if op == "^":  # same leftmost non-zero part, and >=
        lead = next((i for i, w in enumerate(known) if w != 0), len(known) - 1)
        return version[:lead + 1] == known[:lead + 1] and version >= known + [0] * (3 - len(known))
    if op == "~":
        return version[:min(2, len(known))] == known[:2] and version >= known + [0] * (3 - len(known))
    full = known + [0] * (3 - len(known))
    return {">=": version >= full, ">": version > full, "<=": version <= full, "<": version < full}[op]


def satisfies(version, spec):
    for alternative in spec.split("||"):
        comparators = re.findall(r"(?:\^|~|>=|<=|>|<|=)?\s*v?[\dx*.]+", alternative.strip())
        if all(satisfies_comparator(version, c.replace(" ", "")) for c in comparators):
            return True
    return False


def main(argv):
    lock = json.load(open(argv[0], encoding="utf-8"))
    raw = argv[1] if len(argv) > 1 else subprocess.run(
        ["node", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    version = [v or 0 for v in parse_version(raw)] + [0] * 3
    version = version[:3]
    misses = sorted("%s (node %s)" % (name.split("node_modules/")[-1], entry["engines"]["node"])
                    for name, entry in lock.get("packages", {}).items()
                    if isinstance(entry.get("engines"), dict) and "node" in entry["engines"]
                    and not satisfies(version, entry["engines"]["node"]))
    if misses:
        print("Node.js %s is outside what %s needs: %s" % (raw, argv[0], "; ".join(misses)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
