#!/usr/bin/env bash
# A stop signal between jvminit's vfork and its child's exec (a Ctrl-Z at the very start, found while a test
# typed one right after a dash script's own vfork): with the default action it stops the vfork child before
# its exec, and jvminit, suspended in vfork until that exec, hangs for good (state D: no signal read,
# forwarded or reaped). The child catches SIGTSTP, SIGTTIN and SIGTTOU with a handler that does nothing until
# its exec, which resets them (supervise/launcher.hpp). strace delays the child's setpgid(2), the first thing
# it does, so that a SIGTSTP sent meanwhile is pending when the child unblocks signals.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_jvminit
need_cmd python3 pgrep
need_default_settings

vfork_child() { VFORK_CHILD=$(child_pids "$INIT_PID" | head -n 1) && [[ -n $VFORK_CHILD ]]; }
signals=(TSTP TTIN TTOU)
if ! command -v strace >/dev/null; then
  skip_part "the stop signals between vfork and exec: strace is not installed (apt-get install -y strace)"
  signals=()
elif ! strace -f -qq -o /dev/null true 2>/dev/null; then
  skip_part "the stop signals between vfork and exec: strace cannot trace here (ptrace refused)"
  signals=()
fi
for sig in "${signals[@]}"; do
  check "SIG$sig to the child between vfork and exec: the program runs and jvminit ends (no hang in vfork)"
  # (A sanitizer build's leak check cannot run under ptrace and would turn the exit status into 1.)
  RUN_ENV=(ASAN_OPTIONS=detect_leaks=0)
  _start strace -f -qq -o /dev/null -e trace=setpgid -e inject=setpgid:delay_exit=1500000 \
    "$JVMINIT" -- sh -c 'echo CHILD-$((20+1))'
  RUN_ENV=()
  wait_until 5 vfork_child || fail "no child of jvminit appeared"
  # Still jvminit's vfork child (its setpgid held by strace), not yet the program: the signal comes before exec.
  assert_eq "$JVMINIT_REAL" "$(readlink "/proc/$VFORK_CHILD/exe")" "the child's executable when signalled"
  kill -s "$sig" "$VFORK_CHILD"
  wait_done_within 10 "jvminit hung in vfork: its child stopped before exec (state $(proc_state "$VFORK_CHILD"))"
  assert_rc 0 "exit status"
  assert_file_contains "$OUT" "CHILD-21" "the program's output"
  ok "the program ran; jvminit exited 0"
done

# The handler must not outlive the exec: the program starts with the three at their default (not caught),
# or ignored when jvminit was started with them ignored (execve keeps SIG_IGN). /proc/PID/status masks:
# bit N-1 for signal N; SIGTSTP 20, SIGTTIN 21, SIGTTOU 22: 0x380000.
stop_bits() { # MASKNAME: the SIGTSTP/SIGTTIN/SIGTTOU bits of the program's mask, in hex
  local hex
  hex=$(awk -v k="$1:" '$1 == k { print $2 }' "$OUT")
  [[ -n $hex ]] || fail "no $1 line in the program's output"
  printf '%x\n' $((0x$hex & 0x380000))
}
check "the program starts with SIGTSTP, SIGTTIN and SIGTTOU at their default: none caught, none ignored"
run_plain -- sh -c 'exec grep -E "^Sig(Cgt|Ign):" /proc/self/status'
assert_rc 0 "exit status"
assert_eq 0 "$(stop_bits SigCgt)" "caught stop signals"
assert_eq 0 "$(stop_bits SigIgn)" "ignored stop signals"
ok "$(tr '\n' ' ' <"$OUT")"

check "SIGTSTP ignored by jvminit's parent stays ignored in the program (and none is caught)"
_run "$RUN_TIMEOUT" python3 -c 'import os, signal, sys; signal.signal(signal.SIGTSTP, signal.SIG_IGN); os.execv(sys.argv[1], sys.argv[1:])' \
  "$JVMINIT" -- sh -c 'exec grep -E "^Sig(Cgt|Ign):" /proc/self/status'
assert_rc 0 "exit status"
assert_eq 0 "$(stop_bits SigCgt)" "caught stop signals"
assert_eq 80000 "$(stop_bits SigIgn)" "ignored stop signals (SIGTSTP only)"
ok "$(tr '\n' ' ' <"$OUT")"

say "pass"
