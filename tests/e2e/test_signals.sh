#!/usr/bin/env bash
# Signal forwarding (issue 2, behaviour 4; pid1-behaviour.md scenario 10; jvm facts on SIGQUIT):
# each signal sent to jvminit reaches the child; the child starts with no blocked and no ignored
# signal; SIGQUIT makes a JVM print a thread dump and go on.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_jvminit
need_pidns
need_cmd bash

check "the child starts with an empty signal mask and no ignored signal"
run_pid1 -- sh -c 'grep -E "^Sig(Blk|Ign):" /proc/self/status'
assert_rc 0 "exit status"
blk=$(awk '/^SigBlk:/ {print $2}' "$OUT")
ign=$(awk '/^SigIgn:/ {print $2}' "$OUT")
assert_eq 0000000000000000 "$blk" "the child's blocked signals (SigBlk)"
assert_eq 0000000000000000 "$ign" "the child's ignored signals (SigIgn)"
ok "SigBlk=$blk SigIgn=$ign"

has_child() { [[ -n $(child_pids "$1") ]]; }
# jvminit started with SIGTERM and SIGINT blocked (a parent that blocked them around its fork and exec, as
# bash briefly does): the child used to get that mask, and a forwarded SIGTERM then waited in it until the
# SIGKILL at the grace end (found by a fresh user). The child gets an empty mask whatever jvminit's.
check "jvminit started with SIGTERM and SIGINT blocked: the child's mask is empty, and SIGTERM stops it"
# Python blocks the two and execs jvminit, which keeps Python's pid: 1 in the namespace. The children are
# grep and sleep themselves: a shell (dash) clears its mask when it starts and would hide the difference.
blocked_exec='import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
os.execv(sys.argv[1], sys.argv[1:])'
run_pid1_blocked() { _run "$RUN_TIMEOUT" unshare --pid --fork --mount-proc --kill-child python3 -c "$blocked_exec" "$JVMINIT" "$@"; }
run_pid1_blocked -- grep -E '^SigBlk:' /proc/self/status
assert_rc 0 "exit status"
assert_eq 0000000000000000 "$(awk '/^SigBlk:/ {print $2}' "$OUT")" "the child's blocked signals (SigBlk)"
_start unshare --pid --fork --mount-proc --kill-child python3 -c "$blocked_exec" "$JVMINIT" --stop-timeout=10s -- sleep 30
wait_until 10 has_child "$INIT_PID" || fail "jvminit started no child"
signal_init TERM
wait_done
assert_rc 143 "exit status (137: the SIGTERM waited in the child's mask until the SIGKILL at the grace end)"
ok "SigBlk 0, 143"

# The child traps SIG, says "ready", and exits 0 from the trap. Waiting with `sleep & wait` lets
# the trap run at once, and keeps bash free of a stopped foreground job should a stop signal also
# reach the sleep.
for sig in TERM INT HUP QUIT USR1 USR2 WINCH CONT ABRT TSTP; do
  check "SIG$sig sent to jvminit reaches the child"
  # shellcheck disable=SC2016
  start_pid1 -- bash -c 'trap "echo got '"$sig"'; exit 0" '"$sig"'; echo ready; while :; do sleep 0.05 & wait $!; done'
  wait_for_line "$OUT" '^ready$' 10
  signal_init "$sig"
  wait_for_line "$OUT" "^got $sig\$" 5
  wait_done
  assert_rc 0 "exit status after the child's trap for SIG$sig"
  ok "got $sig, exit 0"
done

check "without a TTY: SIGTSTP stops the child; a following SIGTERM does not leave it stopped (grace period 30 s)"
# bash with a TERM trap: a stopped process with a handler stays stopped until SIGCONT.
# shellcheck disable=SC2016
JVMINIT_STOP_TIMEOUT=30s start_pid1 -- bash -c 'trap "echo got TERM; exit 0" TERM; echo ready; while :; do sleep 0.05 & wait $!; done'
wait_for_line "$OUT" '^ready$' 10
child=$(child_pids "$INIT_PID" | head -n 1)
[[ -n $child ]] || fail "jvminit has no child"
signal_init TSTP
stopped() { [[ $(proc_state "$child") == T ]]; }
wait_until 5 stopped || fail "the child (state $(proc_state "$child")) did not stop after SIGTSTP to jvminit"
ok "child stopped"
t0=$(now_ms)
signal_init TERM
wait_done_within 10 "the stopped child was not continued after SIGTERM"
ms=$(elapsed_since "$t0")
assert_file_contains "$OUT" "got TERM" "stdout"
assert_rc 0 "exit status (the child's TERM trap exits 0)"
ok "continued, trap ran, exit 0 after $ms ms"

check "in a session without a terminal, a kill -TTIN or -TTOU of the child is not the job's stop: under a job-control shell jvminit does not stop its group"
# Found by a trial: jvminit took any SIGTTIN/SIGTTOU stop for a terminal read or write from the background and
# stopped its whole process group as the shell's job; without a terminal nobody continues it, the child stays
# a zombie and the shell's subshell never reports.
for sig in TTIN TTOU; do
  # shellcheck disable=SC2016
  # setsid: a session of its own, without a controlling terminal, wherever the test runs.
  _start setsid -w bash -c 'set -m; ( "$1" -- sleep 2; echo "jvminit rc=$?" ) & wait' bash "$JVMINIT"
  # exec'd: the vfork child ignores stop signals until its exec
  child_runs_sleep() { [[ $(cmdline "$(child_pids "$INIT_PID")") == "sleep 2" ]]; }
  wait_until 5 child_runs_sleep || fail "jvminit's child is not sleep 2"
  child=$(child_pids "$INIT_PID")
  kill "-$sig" "$child"
  sleep 0.5 # the child has stopped and jvminit has seen it by now
  # Before: jvminit stopped its group (state T); the kernel then hung up the orphaned stopped group.
  state=$(proc_state "$INIT_PID")
  [[ $state == S ]] || fail "jvminit is in state '${state:-gone}' after a kill -$sig of the child, not S (running on)"
  [[ $(proc_state "$child") == T ]] || fail "the child is in state '$(proc_state "$child")' after SIG$sig, not T"
  kill -CONT "$child" # whoever stopped it continues it
  wait_done_within 10 "the job did not end after the child was continued"
  assert_file_contains "$OUT" "jvminit rc=0" "stdout of the job-control shell"
done
ok "jvminit kept running; the job ended with rc=0 after kill -CONT"

compile_apps
check "SIGQUIT to jvminit makes the JVM print a thread dump, and the JVM goes on"
start_pid1 -- java -Dhook.ms=0 -cp "$APPS_DIR" Sleeper
wait_for_line "$OUT" '^ready$' 30
signal_init QUIT
wait_for_line "$OUT" 'Full thread dump' 10
ok "thread dump printed"
# The dump is printed by the JVM's signal thread; give an (unwanted) exit a moment to happen.
sleep 0.5
is_running "$INIT_PID" || fail "jvminit ended after SIGQUIT"
[[ -n $(ns_find "$INIT_PID" 'Sleeper') ]] || fail "the JVM ended after SIGQUIT"
assert_file_not_contains "$OUT" "hook done" "stdout"
ok "JVM still running"
signal_init TERM
wait_done
assert_rc 143 "exit status after SIGTERM"
assert_file_contains "$OUT" "hook done" "stdout"
ok "stopped with 143"

say "pass"
