#!/usr/bin/env bash
# Rewriting or dropping signals, and a requested stop as success (pid1-behaviour.md scenario 9):
# signals.rewrite forwards another signal instead of the one received, or none; what jvminit does with
# it (the stop, its grace period) follows the signal forwarded. stop.exit_zero turns a stop the child
# obeyed into exit 0 and nothing else.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_jvminit
need_pidns
need_cmd bash
# The checks with a JVM run only where there is one; the others need none.
have_jdk=0
if command -v java >/dev/null && command -v javac >/dev/null; then
  compile_apps
  have_jdk=1
fi

# jvminit's line for a dropped signal: the test knows jvminit has handled it, so the child's survival
# afterwards means something.
wait_dropped() { wait_for_line "$ERR" "$1 \\(from pid [0-9]+\\) dropped \\(signals.rewrite\\)" 5; }

check "without a rule, SIGHUP kills a child that has no handler for it (129): what the rule is for"
start_pid1 -- sh -c 'echo ready; exec sleep 1000'
wait_for_line "$OUT" '^ready$' 10
signal_init HUP
wait_done_within 10
assert_rc 129 "exit status"
ok "129"

check "HUP:drop,USR2:drop: a child without handlers survives SIGHUP and SIGUSR2; SIGTERM still stops it"
JVMINIT_LOG_LEVEL=debug JVMINIT_SIGNAL_REWRITE='HUP:drop, SIGUSR2:drop' start_pid1 -- sh -c 'echo ready; exec sleep 1000'
wait_for_line "$OUT" '^ready$' 10
wait_for_line "$ERR" 'signals rewritten or dropped \(signals.rewrite\): HUP:drop,USR2:drop' 1
child=$(child_pids "$INIT_PID" | head -n 1)
[[ -n $child ]] || fail "jvminit has no child"
signal_init HUP
wait_dropped SIGHUP
signal_init USR2
wait_dropped SIGUSR2
is_running "$child" || fail "the child ended after a dropped signal"
signal_init TERM
wait_done_within 10
assert_rc 143 "exit status (sleep dies of the SIGTERM; 129 or 140 would be a dropped signal that got through)"
ok "child $child survived HUP and USR2, 143 after TERM"

check "TERM:INT: a SIGTERM reaches the child as SIGINT and starts the stop"
# shellcheck disable=SC2016
JVMINIT_SIGNAL_REWRITE=TERM:INT start_pid1 -- bash -c 'trap "echo got INT; exit 0" INT; trap "echo got TERM; exit 1" TERM; echo ready; while :; do sleep 0.05 & wait $!; done'
wait_for_line "$OUT" '^ready$' 10
signal_init TERM
wait_done_within 10
assert_file_contains "$OUT" "got INT" "the child's output"
assert_file_not_contains "$OUT" "got TERM" "the child's output"
assert_rc 0 "exit status (the child's INT trap exits 0)"
assert_file_contains "$ERR" "SIGINT (for SIGTERM, signals.rewrite) forwarded to pid" "jvminit's log (the stop it started)"
ok "got INT, the stop started with SIGINT, exit 0"

check "TERM:INT: the grace period runs from the rewritten SIGTERM (a child that ignores SIGINT is killed after 1 s)"
# shellcheck disable=SC2016
JVMINIT_SIGNAL_REWRITE=TERM:INT JVMINIT_STOP_TIMEOUT=1s start_pid1 -- bash -c 'trap "" INT; echo ready; while :; do sleep 0.05 & wait $!; done'
wait_for_line "$OUT" '^ready$' 10
signal_init TERM
wait_done_within 15 "the grace period did not start with the rewritten signal"
assert_rc 137 "exit status (SIGKILL at the end of the grace period)"
assert_file_contains "$ERR" "grace period of 1s ended" "jvminit's log"
ok "killed at the grace end, 137"

check "TERM:drop: SIGTERM starts no stop (said at info level); the child runs on and SIGINT still reaches it"
JVMINIT_SIGNAL_REWRITE=TERM:drop JVMINIT_STOP_TIMEOUT=1s start_pid1 -- sh -c 'echo ready; exec sleep 1000'
wait_for_line "$OUT" '^ready$' 10
child=$(child_pids "$INIT_PID" | head -n 1)
signal_init TERM
wait_dropped SIGTERM
# Longer than the grace period: a stop started by the dropped SIGTERM would have killed the child by now.
sleep 1.5
is_running "$child" || fail "the child ended after a dropped SIGTERM"
assert_file_not_contains "$ERR" "grace period" "jvminit's log"
assert_file_contains "$ERR" "dropped (signals.rewrite): no stop started" "jvminit's log (at info level)"
signal_init INT
wait_done_within 10
assert_rc 130 "exit status (sleep dies of SIGINT)"
ok "child $child ran on for 1.5 s, 130 after INT"

if ((have_jdk)); then
  check "HUP:TERM: SIGHUP becomes a stop; a JVM runs its shutdown hook and exits 143"
  marker=$T/hook-hup
  JVMINIT_SIGNAL_REWRITE=HUP:TERM start_pid1 -- java -Dhook.ms=200 -Dhook.marker="$marker" -cp "$APPS_DIR" Sleeper
  wait_for_line "$OUT" '^ready$' 30
  signal_init HUP
  wait_done_within 30
  assert_rc 143 "exit status"
  assert_exists "$marker" "shutdown hook marker"
  assert_file_contains "$ERR" "SIGTERM (for SIGHUP, signals.rewrite) forwarded to pid" "jvminit's log"
  ok "hook ran, 143"

  check "stop.exit_zero: a JVM stopped by SIGTERM (143) ends jvminit with 0; the log keeps the JVM's status"
  marker=$T/hook-zero
  JVMINIT_STOP_EXIT_ZERO=true start_pid1 -- java -Dhook.ms=200 -Dhook.marker="$marker" -cp "$APPS_DIR" Sleeper
  wait_for_line "$OUT" '^ready$' 30
  signal_init TERM
  wait_done_within 30
  assert_rc 0 "exit status"
  assert_exists "$marker" "shutdown hook marker"
  assert_file_contains "$ERR" "exited with code 143, stopped on request; exiting with 0 (stop.exit_zero)" "jvminit's log"
  ok "0, and the log says 143"

  # Found by a review and a fresh user: the shell died of the SIGTERM, the JVM behind it got the SIGKILL at
  # the grace end in the middle of its 5 s shutdown hook, and jvminit exited 0.
  check "stop.exit_zero: a JVM behind a shell killed at the grace end is no success (the shell's 143 stays)"
  marker=$T/hook-cut
  JVMINIT_STOP_EXIT_ZERO=true JVMINIT_STOP_TIMEOUT=1s start_pid1 -- sh -c "java -Dhook.ms=5000 -Dhook.marker='$marker' -cp '$APPS_DIR' Sleeper; echo done"
  wait_for_line "$OUT" '^ready$' 30
  signal_init TERM
  wait_done_within 30
  assert_rc 143 "exit status (0 would call a JVM cut off in its shutdown hook a success)"
  assert_absent "$marker" "shutdown hook marker (the hook takes 5 s, the grace period 1 s)"
  assert_file_contains "$ERR" "grace period of 1s ended" "jvminit's log"
  assert_file_contains "$ERR" "exiting with 143 (not 0 for stop.exit_zero: the grace period ran out)" "jvminit's log"
  ok "143, the hook was cut off"

  check "stop.exit_zero: a JVM behind a shell that finishes its hook within the grace period: 0"
  marker=$T/hook-shell-ok
  JVMINIT_STOP_EXIT_ZERO=true JVMINIT_STOP_TIMEOUT=10s start_pid1 -- sh -c "java -Dhook.ms=300 -Dhook.marker='$marker' -cp '$APPS_DIR' Sleeper; echo done"
  wait_for_line "$OUT" '^ready$' 30
  signal_init TERM
  wait_done_within 30
  assert_rc 0 "exit status"
  assert_exists "$marker" "shutdown hook marker"
  ok "0, the hook ran"
else
  skip_part "no java/javac: the checks with a JVM (HUP:TERM, stop.exit_zero with a JVM)"
fi

# Found by a fresh user: only the first stop signal counted.
check "stop.exit_zero: SIGINT after an ignored SIGTERM, the child exits 130: 0"
# shellcheck disable=SC2016
JVMINIT_STOP_EXIT_ZERO=true start_pid1 -- bash -c 'trap "" TERM; trap "exit 130" INT; echo ready; while :; do sleep 0.05 & wait $!; done'
wait_for_line "$OUT" '^ready$' 10
signal_init TERM
wait_for_line "$ERR" 'SIGTERM forwarded to pid' 5
signal_init INT
wait_done_within 10
assert_rc 0 "exit status"
assert_file_contains "$ERR" "exited with code 130, stopped on request; exiting with 0 (stop.exit_zero)" "jvminit's log"
ok "0"

# Found by a review: the shell died of the SIGTERM; the program behind it failed in its stop (exit 1).
check "stop.exit_zero: a process behind a shell that fails during the stop keeps the status (not PID 1 too)"
for mode in pid1 plain; do
  # shellcheck disable=SC2016
  JVMINIT_STOP_EXIT_ZERO=true "start_$mode" -- sh -c 'bash -c "trap \"exit 1\" TERM; echo ready; while :; do sleep 0.05; done"; echo done'
  wait_for_line "$OUT" '^ready$' 10
  signal_init TERM
  wait_done_within 10
  assert_rc 143 "exit status ($mode; 0 would hide the exit 1)"
  assert_file_contains "$ERR" "(not 0 for stop.exit_zero: another process failed during the stop, see the debug log)" "jvminit's log ($mode)"
done
ok "143 as PID 1 and as subreaper"

# Found by a fresh user: with no CAP_KILL and a child of another user, jvminit's SIGTERM is refused; the child
# then died of someone else's SIGTERM, and jvminit called that "stopped on request" and exited 0.
check "stop.exit_zero: a SIGTERM jvminit could not deliver is no requested stop (no CAP_KILL, child of another user)"
if have_cap_tools; then
  start_pid1_without_cap_kill "--stop-exit-zero --stop-timeout=20s" "echo ready; exec sleep 30"
  wait_for_line "$OUT" '^ready$' 10
  signal_init TERM
  wait_for_line "$ERR" 'SIGTERM not delivered to pid' 10
  main_child_is "sleep 30"
  kill -TERM "$CHILD"
  wait_done_within 10
  assert_rc 143 "exit status (0 would call someone else's SIGTERM a stop jvminit asked for)"
  assert_file_not_contains "$ERR" "stopped on request" "log"
  ok "143"
else
  skip_part "capsh or setpriv missing (apt-get install -y libcap2-bin util-linux)"
fi

check "stop.exit_zero: an ending that is not the stop's says why it is not 0 (exit 130 after SIGTERM)"
# shellcheck disable=SC2016
JVMINIT_STOP_EXIT_ZERO=true start_pid1 -- bash -c 'trap "exit 130" TERM; echo ready; while :; do sleep 0.05 & wait $!; done'
wait_for_line "$OUT" '^ready$' 10
signal_init TERM
wait_done_within 10
assert_rc 130 "exit status"
assert_file_contains "$ERR" "exiting with 130 (not 0 for stop.exit_zero: not the ending of the stop signal forwarded)" "log"
ok "130, and why"

check "stop.exit_zero with SIGINT: 0 for a program that dies of the forwarded SIGINT (flag form)"
start_pid1 --stop-exit-zero -- sh -c 'echo ready; exec sleep 1000'
wait_for_line "$OUT" '^ready$' 10
signal_init INT
wait_done_within 10
assert_rc 0 "exit status"
assert_file_contains "$ERR" "was killed by signal 2 (SIGINT), stopped on request; exiting with 0" "jvminit's log"
ok "0"

check "stop.exit_zero keeps every other ending: exit 3 during a stop, 143 without a stop request, SIGKILL at the grace end"
# shellcheck disable=SC2016
JVMINIT_STOP_EXIT_ZERO=true start_pid1 -- bash -c 'trap "exit 3" TERM; echo ready; while :; do sleep 0.05 & wait $!; done'
wait_for_line "$OUT" '^ready$' 10
signal_init TERM
wait_done_within 10
assert_rc 3 "exit status of a child that exits 3 on SIGTERM"
JVMINIT_STOP_EXIT_ZERO=true run_pid1 -- sh -c 'exit 143'
assert_rc 143 "exit status of a child that exits 143 on its own"
assert_file_not_contains "$ERR" "stop.exit_zero" "jvminit's log"
# shellcheck disable=SC2016
JVMINIT_STOP_EXIT_ZERO=true JVMINIT_STOP_TIMEOUT=500ms start_pid1 -- bash -c 'trap "" TERM; echo ready; while :; do sleep 0.05 & wait $!; done'
wait_for_line "$OUT" '^ready$' 10
signal_init TERM
wait_done_within 15
assert_rc 137 "exit status of a child killed at the end of the grace period"
ok "3, 143, 137"

check "bad rules are refused before anything starts (exit 2, one line naming the input)"
for bad in KILL:drop CHLD:drop PIPE:TERM HUP HUP:nothing HUP:drop,HUP:TERM 32:drop TREM:INT ' '; do
  marker=$T/started-$RANDOM
  JVMINIT_SIGNAL_REWRITE=$bad run_pid1 -- touch "$marker"
  assert_rc 2 "exit status for JVMINIT_SIGNAL_REWRITE=$bad"
  assert_absent "$marker" "a file the child would have made"
  assert_file_contains "$ERR" "JVMINIT_SIGNAL_REWRITE=$bad: " "stderr"
  assert_file_contains "$ERR" "; expected comma-separated FROM:TO pairs" "stderr"
  assert_eq 1 "$(nlines "$ERR")" "lines on stderr for '$bad'"
done
assert_file_contains "$ERR" "only spaces (leave it empty for no rule)" "stderr for a value of spaces only"
# Every bad entry in the one line, a FROM given twice too when one of the two has a bad TO.
marker=$T/started-several
JVMINIT_SIGNAL_REWRITE='FOO:drop,HUP:x,USR1:drop,HUP:drop' run_pid1 -- touch "$marker"
assert_rc 2 "exit status for several bad entries"
assert_absent "$marker" "a file the child would have made"
assert_eq 1 "$(nlines "$ERR")" "lines on stderr for several bad entries"
assert_file_contains "$ERR" "'FOO:drop': 'FOO' is not a signal name or number; 'HUP:x': 'x' is not a signal name or number, nor drop; 'HUP:x' and 'HUP:drop' are two rules for HUP" "stderr"
# Found by a fresh user: a value flag right before `--` (a shell variable left empty) gave a second line
# that took `--` for the value.
run_pid1 --signal-rewrite -- true
assert_rc 2 "exit status for --signal-rewrite without a value"
assert_eq 1 "$(nlines "$ERR")" "lines on stderr for --signal-rewrite without a value"
assert_file_contains "$ERR" "--signal-rewrite" "stderr"
marker=$T/started-toml
printf '[signals]\nrewrite = "STOP:drop"\n' >"$T/bad.toml"
run_pid1 --config "$T/bad.toml" -- touch "$marker"
assert_rc 2 "exit status for a bad TOML rule"
assert_absent "$marker" "a file the child would have made"
assert_file_contains "$ERR" "rewrite" "stderr"
ok "all refused"

say "pass"
