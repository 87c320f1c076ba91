#!/usr/bin/env bash
# Logging (issue 2, behaviour 9): every line jvminit writes goes to stderr and starts with
# "[jvminit "; at the default level `info` it logs the start (program, pid) and the end (the exit
# status); JVMINIT_LOG_LEVEL selects the level, `off` silences it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_jvminit
need_pidns

# The child says its pid (as seen in the namespace, as jvminit sees it) on stdout, nothing on stderr.
child=(sh -c 'echo "pid $$"; exit 7')

check "default level: lines on stderr only, each marked '[jvminit '; start and end are logged"
run_pid1 -- "${child[@]}"
assert_rc 7 "exit status"
[[ -s $ERR ]] || fail "nothing logged at the default level"
if grep -v '^\[jvminit ' "$ERR" | grep -q .; then
  fail "stderr has lines not marked as jvminit's: $(grep -v '^\[jvminit ' "$ERR" | head -n 3)"
fi
if grep -q '^\[jvminit' "$OUT"; then fail "jvminit logged to stdout"; fi
pid=$(sed -n 's/^pid //p' "$OUT")
grep -q '^\[jvminit info\]' "$ERR" || fail "no '[jvminit info]' line at the default level"
grep -E "\\b$pid\\b" "$ERR" | grep -q 'sh' || fail "no log line names the program (sh) and its pid ($pid)"
grep -qE '\b7\b' "$ERR" || fail "no log line gives the exit status 7"
grep -qF -- '-XX:+ExitOnOutOfMemoryError' "$ERR" || fail "the start line does not give the options jvminit added (-XX:+ExitOnOutOfMemoryError)"
ok "$(nlines "$ERR") lines, e.g. $(head -n 1 "$ERR")"

check "JVMINIT_LOG_LEVEL=off: nothing on stderr"
JVMINIT_LOG_LEVEL=off run_pid1 -- "${child[@]}"
assert_rc 7 "exit status"
[[ ! -s $ERR ]] || fail "stderr not empty with JVMINIT_LOG_LEVEL=off"
ok "silent"

check "JVMINIT_LOG_LEVEL=error: no info lines"
JVMINIT_LOG_LEVEL=error run_pid1 -- "${child[@]}"
assert_rc 7 "exit status"
if grep -qE '^\[jvminit (info|debug|trace|warn)' "$ERR"; then fail "lines below error were logged"; fi
ok "$(nlines "$ERR") lines"

for level in debug trace; do
  check "JVMINIT_LOG_LEVEL=$level: every line still marked '[jvminit '"
  JVMINIT_LOG_LEVEL=$level run_pid1 -- "${child[@]}"
  assert_rc 7 "exit status"
  if grep -v '^\[jvminit ' "$ERR" | grep -q .; then
    fail "unmarked lines at level $level: $(grep -v '^\[jvminit ' "$ERR" | head -n 3)"
  fi
  ok "$(nlines "$ERR") lines"
done

say "pass"
