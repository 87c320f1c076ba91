#!/usr/bin/env bash
# Without a /proc of its own pid namespace (none mounted, or the host's: `unshare --pid` without
# --mount-proc), jvminit cannot walk the process tree to stop what the main child left (pid1-behaviour.md
# scenarios 5 and 7). Found by a trial: no SIGTERM went out at all, and as subreaper jvminit waited for
# ever. Now: as PID 1 it signals every process of the namespace (kill -1); as subreaper the main child's
# process group, and it stops waiting a moment after the SIGKILL, with a warning.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_jvminit
need_pidns
need_cmd unshare umount timeout

# Each run mounts nothing of its own: `umount -l /proc` in a private mount namespace.
NO_PROC='umount -l /proc || exit 99; exec "$@"'
timeout 10 unshare --mount sh -c "$NO_PROC" sh true >/dev/null 2>&1 ||
  skip "cannot unmount /proc in a private mount namespace (unshare --mount)"

check "PID 1 without /proc: a process the main child left gets SIGTERM (its trap runs), then jvminit exits with the child's 7"
marker=$T/got-term
# shellcheck disable=SC2016
_run 30 unshare --pid --fork --kill-child --mount sh -c "$NO_PROC" sh "$JVMINIT" -- sh -c \
  "sh -c 'trap \"touch $marker; exit\" TERM; while :; do sleep .05; done' & sleep .3; exit 7"
assert_rc 7 "exit status"
[[ -e $marker ]] || fail "the left-over process got no SIGTERM (only the grace period's SIGKILL): $(cat "$ERR")"
assert_file_contains "$ERR" "no /proc of this pid namespace" "jvminit's log"
assert_file_contains "$ERR" "every process of the namespace" "jvminit's log"
ok "$(grep -h 'no /proc' "$ERR")"

check "PID 1 with the host's /proc (no --mount-proc): it is not taken for this namespace's (its pids are other processes); the same SIGTERM"
rm -f "$marker"
_run 30 unshare --pid --fork --kill-child "$JVMINIT" -- sh -c \
  "sh -c 'trap \"touch $marker; exit\" TERM; while :; do sleep .05; done' & sleep .3; exit 7"
assert_rc 7 "exit status"
[[ -e $marker ]] || fail "the left-over process got no SIGTERM: $(cat "$ERR")"
assert_file_contains "$ERR" "no /proc of this pid namespace" "jvminit's log"
ok "the host's /proc was not taken for this namespace's"

check "subreaper without /proc: the main child's process group gets SIGTERM; a process that left it (setsid, ignoring TERM) does not keep jvminit waiting for ever"
rm -f "$marker"
# sh is PID 1 of the namespace (so that what is left dies with it), jvminit its child, a subreaper.
_run 30 unshare --pid --fork --kill-child --mount-proc sh -c \
  "umount -l /proc || exit 99; \"\$0\" --stop-timeout 1s -- sh -c \"sh -c 'trap \\\"touch $marker; exit\\\" TERM; while :; do sleep .05; done' & setsid sh -c 'trap \\\"\\\" TERM; sleep 1000' & sleep .3; exit 5\"; echo \"jvminit exited \$?\"" \
  "$JVMINIT"
assert_rc 0 "exit status of the namespace's shell"
assert_file_contains "$OUT" "jvminit exited 5" "the shell's report"
[[ -e $marker ]] || fail "the process in the child's group got no SIGTERM: $(cat "$ERR")"
assert_file_contains "$ERR" "process group" "jvminit's log"
assert_file_contains "$ERR" "exiting without waiting for them" "jvminit's log"
ok "$(grep -h 'exiting without' "$ERR")"

check "PID 1 without /proc: a main child that ignores SIGTERM is killed at the grace end, and the last line says so"
_start unshare --pid --fork --kill-child --mount sh -c "$NO_PROC" sh "$JVMINIT" --stop-timeout 1s -- sh -c 'trap "" TERM; echo up; exec sleep 30'
wait_for_line "$OUT" 'up' 10
signal_init TERM
wait_done
assert_rc 137 "exit status"
assert_file_contains "$ERR" "killed at the end of the grace period" "the last line"
ok "$(tail -n 1 "$ERR")"

check "subreaper without /proc, no CAP_KILL, a child of another user: the refused SIGKILL is said, and jvminit waits for the child's own end (its 4), not 1 s"
# Found by a review: it gave up a second after the refused SIGKILL and exited 0 with no status reaped.
if have_cap_tools; then
  _start unshare --pid --fork --kill-child --mount-proc sh -c \
    "umount -l /proc || exit 99; capsh --drop=cap_kill -- -c 'exec \"\$0\" --stop-timeout=1s -- setpriv --reuid=65534 --regid=65534 --clear-groups sh -c \"trap \\\"\\\" TERM; echo up; sleep 4; exit 4\"' \"\$0\"; echo \"jvminit exited \$?\"" \
    "$JVMINIT"
  wait_for_line "$OUT" 'up' 10
  signal_init TERM # INIT_PID: jvminit (by its executable), inside the namespace
  wait_done
  assert_file_contains "$OUT" "jvminit exited 4" "the shell's report"
  assert_file_contains "$ERR" "cannot send SIGKILL" "jvminit's log"
  ok "$(grep -h 'exiting with' "$ERR")"
else
  skip_part "no capsh or setpriv"
fi

say "pass"
