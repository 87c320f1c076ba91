#!/usr/bin/env bash
# jvminit not as PID 1 (issue 2, behaviour 3; pid1-behaviour.md scenario 8): it registers itself as
# child subreaper without a flag and runs normally, so orphans are reparented to it and reaped.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_jvminit
need_cmd timeout env pgrep ps

check "scenario 8: an orphan's parent is jvminit when jvminit is not PID 1"
pidfile=$T/orphan.pid
# The scenario prints `ps -o ppid= -C sleep`; other tests' sleeps would show there too, so the
# orphan's own pid is used instead.
start_plain -- sh -c "(sleep 1.5 & echo \$! > $pidfile); sleep .3; ps -o ppid= -p \"\$(cat $pidfile)\""
wait_done
assert_rc 0 "exit status"
orphan=$(cat "$pidfile")
register_cleanup "$orphan"
ppid=$(tr -d ' \n' <"$OUT")
assert_eq "$INIT_PID" "$ppid" "parent of the orphan (jvminit's pid is $INIT_PID)"
ok "orphan $orphan had parent $ppid = jvminit"

check "the orphan was not left behind when jvminit exited"
if is_running "$orphan" && [[ $(cmdline "$orphan") == "sleep 1.5" ]]; then
  fail "orphan 'sleep 1.5' ($orphan) still runs after jvminit ended"
fi
ok "gone"

check "orphans of a plain run are reaped while jvminit runs (no zombie child of jvminit)"
start_plain -- sh -c '(sleep .2 &); (sleep .2 &); exec sleep 5'
find_sleep5() {
  local p
  for p in $(descendants "$INIT_PID"); do
    [[ $(cmdline "$p") == "sleep 5" ]] && return 0
  done
  return 1
}
wait_until 10 find_sleep5 || fail "'sleep 5' never appeared"
only_sleep5() { [[ $(descendants "$INIT_PID" | wc -l) == 1 ]]; }
wait_until 4 only_sleep5 || fail "orphans not reaped; descendants of jvminit: $(ps -o pid,ppid,stat,args --ppid "$INIT_PID" 2>&1)"
is_running "$INIT_PID" || fail "jvminit ended before the check"
ok "only 'sleep 5' left under jvminit"
signal_init TERM
wait_done
assert_rc 143 "exit status after SIGTERM"
ok "143"

say "pass"
