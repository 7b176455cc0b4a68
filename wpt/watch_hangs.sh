#!/bin/bash
# Takes the thread stacks (gdb) of every servo-ff the WPT runner started that
# has been running for more than AFTER seconds (default 40), once each, into
# OUT_DIR (default /tmp): for a test file that hangs rarely, run this beside
# the suite (`wpt/watch_hangs.sh & ./sff wpt`) and read
# OUT_DIR/servo-ff-stacks-PID.txt. Watches for LIMIT seconds (default 1200).
set -u
after="${AFTER:-40}"
out="${OUT_DIR:-/tmp}"
end=$((SECONDS + ${LIMIT:-1200}))
command -v gdb >/dev/null || { echo "watch_hangs.sh: gdb is not installed" >&2; exit 1; }
while [ "$SECONDS" -lt "$end" ]; do
  for pid in $(pgrep -f "servo-ff --hosts-file"); do
    running=$(ps -o etimes= -p "$pid" 2>/dev/null | tr -d ' ')
    stacks="$out/servo-ff-stacks-$pid.txt"
    if [ -n "$running" ] && [ "$running" -gt "$after" ] && [ ! -f "$stacks" ]; then
      ps -o args= -p "$pid" > "$stacks"
      timeout 120 gdb -p "$pid" -batch -ex "thread apply all bt 30" >> "$stacks" 2>&1
      echo "watch_hangs.sh: stacks of $pid in $stacks" >&2
    fi
  done
  sleep 5
done
