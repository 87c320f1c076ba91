#!/usr/bin/env bash
# Job control (issue 2, behaviour 6; pid1-behaviour.md scenarios 11 and 12): with a TTY the child is in the
# terminal's foreground process group; after SIGTSTP stopped the child, a following SIGTERM does not
# leave it stopped forever (jvminit sends SIGCONT), so jvminit ends long before its grace period.
#
# The TTY comes from `script` (util-linux), which runs the command as a session leader on a new
# pseudo-terminal, as `docker run -t` does. Process groups are read from /proc here, outside the pid
# namespace: inside it, ps shows 0 for groups that belong to the outer namespace.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_jvminit
need_pidns
need_cmd script bash

# start_tty pid1|plain ARGS...: like start_pid1/start_plain, with jvminit on a new pseudo-terminal.
# pid1: as `docker run -t` starts it, PID 1 of a new pid namespace, leader of a new session whose
# controlling terminal is the pty (setsid -c). plain: not PID 1, session leader on the pty (as in a
# terminal window). Inside a pid namespace without its own session jvminit cannot see the terminal's
# foreground group (it belongs to the outer namespace, tcgetpgrp gives 0), so that is not a setup here.
start_tty() {
  local mode=$1 q
  shift
  printf -v q '%q ' "$JVMINIT" "$@"
  if [[ $mode == pid1 ]]; then
    _start script -qefc "exec unshare --pid --fork --mount-proc --kill-child setsid -c $q" /dev/null
  else
    _start script -qefc "exec $q" /dev/null
  fi
}

_first_child=
_has_child() {
  _first_child=$(child_pids "$INIT_PID" | head -n 1)
  [[ -n $_first_child ]]
}
main_child() {
  wait_until 10 _has_child || fail "jvminit has no child"
  printf '%s\n' "$_first_child"
}

for mode in pid1 plain; do
  check "with a TTY ($mode), the child is in the terminal's foreground process group"
  start_tty "$mode" -- sh -c 'echo ready; exec sleep 1000'
  wait_for_line "$OUT" 'ready' 10
  child=$(main_child)
  pgrp=$(proc_stat_field "$child" 5)
  tty_nr=$(proc_stat_field "$child" 7)
  tpgid=$(proc_stat_field "$child" 8)
  [[ $tty_nr != 0 ]] || fail "the child has no controlling terminal (tty_nr 0)"
  [[ $tpgid -gt 0 ]] || fail "the terminal has no foreground process group (tpgid $tpgid)"
  assert_eq "$tpgid" "$pgrp" "the child's process group (the terminal's foreground group is $tpgid)"
  ok "child $child: pgrp $pgrp = foreground group $tpgid"
  signal_init TERM
  wait_done_within 10
  assert_rc 143 "exit status after SIGTERM"
  ok "143"
done

# Scenario 12: an init that detaches from the terminal (TIOCNOTTY, or a session leader that lets go of it)
# makes the kernel send SIGHUP and SIGCONT to the foreground group: the child, right after its start.
for mode in pid1 plain; do
  check "with a TTY ($mode), no SIGHUP or SIGCONT reaches the child after its start (scenario 12)"
  # shellcheck disable=SC2016
  start_tty "$mode" -- bash -c 'trap "echo got HUP" HUP; trap "echo got CONT" CONT; echo ready; while :; do sleep 0.05 & wait $!; done'
  wait_for_line "$OUT" 'ready' 10
  sleep 1
  assert_file_not_contains "$OUT" "got HUP" "the child's output in its first second"
  assert_file_not_contains "$OUT" "got CONT" "the child's output in its first second"
  # The traps work: a SIGHUP sent to jvminit is forwarded and seen.
  signal_init HUP
  wait_for_line "$OUT" 'got HUP' 5
  signal_init TERM
  wait_done_within 10
  assert_rc 143 "exit status after SIGTERM"
  ok "nothing in the first second; a forwarded SIGHUP is seen"
done

check "with a TTY: SIGTSTP stops the child; a following SIGTERM does not leave it stopped (grace period 30 s)"
# bash with a TERM trap: a stopped process with a handler stays stopped until SIGCONT (a signal with
# the default action would kill it even while stopped).
# shellcheck disable=SC2016
JVMINIT_STOP_TIMEOUT=30s start_tty pid1 -- bash -c 'trap "echo got TERM; exit 0" TERM; echo ready; while :; do sleep 0.05 & wait $!; done'
wait_for_line "$OUT" 'ready' 10
child=$(main_child)
signal_init TSTP
stopped() { [[ $(proc_state "$child") == T ]]; }
wait_until 5 stopped || fail "the child (state $(proc_state "$child")) did not stop after SIGTSTP to jvminit (not forwarded, or the child's process group is orphaned so the kernel drops stop signals)"
ok "child $child stopped"
t0=$(now_ms)
signal_init TERM
wait_done_within 10 "the stopped child was not continued after SIGTERM"
ms=$(elapsed_since "$t0")
wait_for_line "$OUT" 'got TERM' 1
assert_rc 0 "exit status (the child's TERM trap exits 0)"
((ms < 10000)) || fail "jvminit took $ms ms after SIGTERM: the stopped child was not continued"
ok "child continued, trap ran, exit 0 after $ms ms"

say "pass"
