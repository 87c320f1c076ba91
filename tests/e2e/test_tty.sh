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

# The terminal's own keys: Ctrl-Z and Ctrl-C typed on the pty go to its foreground group, the child's, not
# through jvminit (found by a trial: after Ctrl-Z the Ctrl-C stayed pending on the stopped child for ever).
# `script` reads the keys from a FIFO the test writes into; held open read-write first, so that opening it
# for script's stdin does not wait for a writer.
keys=$T/keys
mkfifo "$keys"
exec 7<>"$keys"
type_key() { printf '%b' "$1" >&7; }

check "with a TTY (pid1): Ctrl-Z stops the child; Ctrl-C then reaches it, continued (the terminal's keys come to jvminit)"
# shellcheck disable=SC2016
RUN_STDIN=$keys start_tty pid1 -- bash -c 'trap "echo got INT; exit 0" INT; echo ready; while :; do sleep 0.05 & wait $!; done'
wait_for_line "$OUT" 'ready' 10
child=$(main_child)
type_key '\032'
child_stopped() { [[ $(proc_state "$child") == T ]]; }
wait_until 5 child_stopped || fail "Ctrl-Z did not stop the child (state $(proc_state "$child"))"
type_key '\003'
wait_done_within 10 "Ctrl-C after Ctrl-Z left the child stopped"
wait_for_line "$OUT" 'got INT' 1
assert_rc 0 "exit status (the child's INT trap exits 0)"
ok "stopped by Ctrl-Z, ended by Ctrl-C"

# start_session CMD: CMD on a new pty (script), reading the keys typed; its output in $session_out.
sessions=0
start_session() {
  session_out=$T/session.$((++sessions)).out
  env --default-signal timeout -k 5 90 script -qefc "$1" /dev/null <"$keys" >"$session_out" 2>&1 &
  session=$!
  register_cleanup "$session"
}
J=$(printf '%q' "$JVMINIT")

# The steps that failed in review: a child reading the terminal after fg (it stopped again on SIGTTIN, the
# terminal dead); a job behind a shell continued as a whole by fg; a child that stops itself with SIGSTOP
# (as nano does). Each output to wait for is made by the program, not the echo of what was typed.
check "with a TTY under a job-control shell: Ctrl-Z stops jvminit as the shell's job (prompt back); fg gives the child the terminal and its whole group SIGCONT"
start_session "env PS1='prompt> ' bash --norc -i"
wait_for_line "$session_out" 'prompt>' 10
type_key "$J -- sed -u s/ping/PONG/\n"
wait_for_line "$session_out" 'started sed' 10
type_key 'ping-1\n'
wait_for_line "$session_out" 'PONG-1' 10
type_key '\032'
wait_for_line "$session_out" 'Stopped' 10
type_key 'echo PROMPT-$((40+2))\n'
wait_for_line "$session_out" 'PROMPT-42' 10
type_key 'fg\n'
type_key 'ping-2\n'
wait_for_line "$session_out" 'PONG-2' 10
type_key '\004'
wait_for_line "$session_out" 'sed .pid [0-9]+. exited with code 0' 10
ok "Stopped, prompt back, fg, the child reads the terminal again"
# A job behind a shell: fg continues the sleep too.
# The shells' `sleep 3 &` + `wait`, and Ctrl-Z only once the child says it forked: dash starts a foreground
# command with vfork(2), and a Ctrl-Z between that vfork and the exec stops the vfork child, whose parent then
# waits for it in the kernel and never reports a stop (bash shows no "Stopped" for such a job either). That
# window, wider on a loaded machine, made these steps fail now and then.
type_key "$J -- sh -c 'sleep 3 & echo FORKED-\$((5+5)); wait; echo SLEPT-\$((1+1))'\n"
wait_for_line "$session_out" 'FORKED-10' 10
type_key '\032'
wait_for_line "$session_out" 'Stopped.*sleep 3' 10
type_key 'fg\n'
wait_for_line "$session_out" 'SLEPT-2' 15
ok "the whole job continued"
# A child that stops itself.
type_key "$J -- sh -c 'kill -STOP \$\$; echo RESUMED-\$((2+3))'\n"
wait_for_line "$session_out" 'Stopped.*kill -STOP' 10
type_key 'fg\n'
wait_for_line "$session_out" 'RESUMED-5' 10
ok "self-stopped child: Stopped, fg resumes it"
# Found by a second review: stdin not the terminal (no terminal given to the child: Ctrl-Z reaches jvminit,
# which forwarded it and went on running), and a pipeline (jvminit stopped alone, `cat` kept the job running).
type_key "$J -- env sh -c 'sleep 3 & echo FORKED-\$((5+6)); wait; echo NOTTY-\$((3+4))' < /dev/null\n"
wait_for_line "$session_out" 'FORKED-11' 10
type_key '\032'
wait_for_line "$session_out" 'Stopped.*dev/null' 10
type_key 'fg\n'
wait_for_line "$session_out" 'NOTTY-7' 15
ok "stdin not the terminal: Stopped, fg resumes it"
type_key "$J -- nice sh -c 'sleep 3 & echo FORKED-\$((5+7)); wait; echo PIPED-\$((4+4))' 2>&1 | cat\n"
wait_for_line "$session_out" 'FORKED-12' 10
type_key '\032'
wait_for_line "$session_out" 'Stopped.*cat' 10
type_key 'fg\n'
wait_for_line "$session_out" 'PIPED-8' 15
ok "a pipeline: the whole job Stopped, fg resumes it"
# A shutdown hook that restores the terminal (a JVM's Console does) stops on SIGTTOU when the job is in the
# background: jvminit stops as the job instead of continuing it in a loop, and the grace period does not run
# while it is stopped, so `fg` later lets the hook finish (found by a second review: SIGKILL, hook lost).
# shellcheck disable=SC2016
# (`sleep & wait`, not a loop of sleeps: see the vfork window above; dash runs the trap as wait returns.)
printf '%s\n' 'trap "stty sane; echo HOOK-$((1+1)); exit 0" TERM' 'sleep 1000 & echo FORKED-$((5+8))' 'wait' >"$T/hook.sh"
type_key "$J --stop-timeout 2s -- dash $T/hook.sh\n"
wait_for_line "$session_out" 'FORKED-13' 10
type_key '\032'
wait_for_line "$session_out" 'Stopped.*hook.sh' 10
type_key 'kill %1\n'
sleep 4 # the hook stops on SIGTTOU, jvminit stops as the job; longer than the 2 s grace period
type_key 'fg\n'
wait_for_line "$session_out" 'HOOK-2' 10
type_key 'echo HOOKRC-$?\n'
wait_for_line "$session_out" 'HOOKRC-0' 10
ok "the hook stopped on the terminal, fg after the grace period let it finish: 0"
# A job in the background whose child someone else stops (kill -STOP): not the job's stop, jvminit goes on
# (found by a review: it stopped itself, and nobody continued it).
type_key "$J -- sleep 1001 </dev/null >/dev/null 2>&1 &\n"
outside() { pgrep -fx "sleep 1001" >/dev/null; }
wait_until 10 outside || fail "the background job's sleep did not start"
kill -STOP "$(pgrep -fx 'sleep 1001')"
sleep 1
bg_init=$(pgrep -f -- "-- sleep 1001" | head -n 1)
[[ $(proc_state "$bg_init") != T ]] || fail "jvminit stopped itself after an outside SIGSTOP of its child"
kill -CONT "$(pgrep -fx 'sleep 1001')"
kill -TERM "$bg_init"
wait_until 10 is_gone "$bg_init" || fail "the background jvminit did not end on SIGTERM"
ok "an outside SIGSTOP of the child does not stop jvminit"
# Ctrl-C after fg.
type_key "$J -- sleep 1000\n"
wait_for_line "$session_out" 'started sleep' 10
type_key '\032'
wait_for_line "$session_out" 'Stopped.*sleep 1000' 10
type_key 'fg\n'
wait_for_line "$session_out" 'fg' 5
sleep 1 # fg: jvminit continues and gives the child the terminal; a Ctrl-C before that reaches it through jvminit
type_key '\003'
wait_for_line "$session_out" 'killed by signal 2' 10
type_key 'echo STATUS-$?\n'
wait_for_line "$session_out" 'STATUS-130' 10
type_key 'exit\n'
wait "$session" || true
ok "Ctrl-C after fg: 130"

check "with a TTY under a shell without job control: Ctrl-Z does not stop jvminit (nobody would continue it), Ctrl-C ends the child; the terminal goes back to jvminit's group when it exits"
# The first jvminit's child group kept the terminal after it ended: the second found it on a dead group,
# could not give it to its child, and Ctrl-C reached nobody (found by a review, older code).
start_session "bash -c \"$J -- true; $J -- sed -u s/ping/PONG/; echo DONE-\\\$?\""
wait_for_line "$session_out" 'started sed' 10
type_key 'ping-3\n'
wait_for_line "$session_out" 'PONG-3' 10
type_key '\032'
sleep 1
type_key '\003'
wait_for_line "$session_out" 'DONE-130' 10
wait "$session" || true
ok "the second start got the terminal; Ctrl-Z then Ctrl-C: 130, nothing stopped for ever"
exec 7>&-

say "pass"