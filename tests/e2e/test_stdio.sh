#!/usr/bin/env bash
# Standard streams (issue 2, behaviour 6): the child keeps jvminit's stdin, stdout and stderr, the
# very same open files (no pipes in between, so no buffering and no lost output).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_jvminit
need_pidns

check "the child's fds 0, 1, 2 are jvminit's own files"
printf 'line from stdin\n' >"$T/in"
RUN_STDIN=$T/in run_pid1 -- sh -c 'read -r line; echo "stdin said: $line"; echo "to stderr" >&2; readlink /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2'
assert_rc 0 "exit status"
assert_file_contains "$OUT" "stdin said: line from stdin" "stdout"
assert_file_contains "$ERR" "to stderr" "stderr"
mapfile -t fds < <(grep -v '^stdin said' "$OUT")
assert_eq "$T/in" "${fds[0]:-}" "the child's stdin"
assert_eq "$OUT" "${fds[1]:-}" "the child's stdout"
assert_eq "$ERR" "${fds[2]:-}" "the child's stderr"
ok "fd 0 -> ${fds[0]}, fd 1 -> ${fds[1]}, fd 2 -> ${fds[2]}"

check "output written just before the child dies is not lost (no pipe to drain)"
run_pid1 -- sh -c 'i=0; while [ $i -lt 2000 ]; do echo "line $i"; i=$((i+1)); done; kill -KILL $$'
assert_rc 137 "exit status"
assert_eq 2000 "$(grep -c '^line ' "$OUT")" "lines on stdout"
ok "2000 lines"

check "the child gets no open file from jvminit besides those it was given"
# `ls -l /proc/self/fd` run directly and under jvminit (fds 0-2 differ by design: the runs redirect
# them; ls's own directory fd gets the same number when the inherited fds are the same).
fds_above_2() { awk '$7 ~ /^[0-9]+$/ && $7 > 2 {print $7, $9}' | sed -E 's/pipe:\[[0-9]+\]/pipe/; s#/proc/[0-9]+/#/proc/N/#'; }
direct=$(env --default-signal ls -l --time-style=+X /proc/self/fd </dev/null 2>/dev/null | fds_above_2)
run_pid1 -- ls -l --time-style=+X /proc/self/fd
assert_rc 0 "exit status"
via=$(fds_above_2 <"$OUT")
[[ -n $via ]] || fail "no fd listing from ls"
[[ $direct == "$via" ]] || fail "the child's open fds differ from a direct run:
direct:
$direct
under jvminit:
$via"
ok "fds above 2: $(tr '\n' ' ' <<<"$direct")"

check "stderr a pipe whose reader stopped reading: jvminit still stops the child (SIGKILL at the grace end) and exits; the child's own stderr stays blocking"
# Found by a trial: jvminit blocked in its log write for ever, its SIGKILL never came.
stuck=$T/stuck-log
mkfifo "$stuck"
exec 8<>"$stuck" # a reader that never reads (held read-write, so opening it for writing does not wait)
blocking=$T/child-flags
# The child fills the pipe (64 KiB), then reports whether its stderr is non-blocking (O_NONBLOCK 04000 in
# /proc/self/fdinfo/2 flags), through a file, and waits with SIGTERM ignored.
child_script="trap '' TERM; grep -q . /proc/self/fdinfo/2 && sed -n 's/^flags:[[:space:]]*//p' /proc/self/fdinfo/2 > $blocking; head -c 70000 /dev/zero >&2 & sleep 100"
env --default-signal timeout -k 5 40 "$JVMINIT" --stop-timeout 1s -- sh -c "$child_script" </dev/null >/dev/null 2>"$stuck" &
BG_PID=$!
register_cleanup "$BG_PID"
INIT_PID=$(find_init "$BG_PID") || fail "jvminit did not start"
register_cleanup "$INIT_PID"
ERR_NOTE="(stderr went to a FIFO nobody reads)"
wait_until 10 test -s "$blocking" || fail "the child did not start"
sleep 1 # the pipe fills
signal_init TERM
wait_until 20 is_gone "$INIT_PID" || fail "jvminit still runs 20 s after SIGTERM with a 1 s grace period: blocked writing its log $ERR_NOTE"
RC=0
wait "$BG_PID" || RC=$?
assert_rc 137 "exit status (the child, SIGTERM ignored, killed at the grace end)"
flags=$(cat "$blocking")
(((8#$flags & 04000) == 0)) || fail "the child's stderr is non-blocking (flags $flags): jvminit's must be its own"
exec 8<&-
ok "137; the child's stderr flags $flags (blocking)"

check "stderr a pipe whose reader lags at the end: jvminit's last line (how the child ended, the exit status) still reaches it"
# Found by a trial: the child filled the pipe just before it ended, the reader came a moment later, and the
# last line was dropped (no later line could say so). Now the last lines wait for the reader, up to 2 s.
lagging=$T/lagging-log
mkfifo "$lagging"
# The reader opens the FIFO at once, starts reading 1 s later, and reads to the end.
python3 -c 'import sys, time
f = open(sys.argv[1], "rb"); time.sleep(1); open(sys.argv[2], "wb").write(f.read())' "$lagging" "$T/lagging.read" &
reader=$!
register_cleanup "$reader"
# The child fills the pipe (non-blocking writes until it is full), then exits 3 at once.
fill='import fcntl, os
fcntl.fcntl(2, fcntl.F_SETFL, fcntl.fcntl(2, fcntl.F_GETFL) | os.O_NONBLOCK)
try:
    while True: os.write(2, b"x" * 4096)
except BlockingIOError:
    pass
try:
    while True: os.write(2, b"x")
except BlockingIOError:
    pass
os._exit(3)'
RC=0
env --default-signal timeout -k 5 30 "$JVMINIT" -- python3 -c "$fill" </dev/null >/dev/null 2>"$lagging" || RC=$?
assert_rc 3 "exit status (the child's)"
wait "$reader" || fail "the reader failed"
grep -a -q 'exited with code 3; exiting with 3' "$T/lagging.read" ||
  fail "the last line did not reach the lagging reader: $(grep -a -o '\[jvminit[^x]*' "$T/lagging.read")"
ok "the reader got: $(grep -a -o 'python3 (pid [0-9]*) exited with code 3; exiting with 3' "$T/lagging.read")"

say "pass"
