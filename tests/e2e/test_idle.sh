#!/usr/bin/env bash
# Idle cost (issue 2, behaviour 7; pid1-behaviour.md scenario 14): jvminit blocks on its signalfd
# with no timer, so while the child runs and nothing happens it never wakes up (tini wakes once a
# second). A wake-up shows as a voluntary context switch in /proc/PID/status.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_jvminit
need_pidns

switches() { # PID: voluntary + involuntary context switches of all its threads
  local t total=0 n
  for t in /proc/"$1"/task/*; do
    n=$(awk '/^(voluntary|nonvoluntary)_ctxt_switches:/ {s += $2} END {print s}' "$t/status" 2>/dev/null || echo 0)
    total=$((total + n))
  done
  printf '%s\n' "$total"
}

check "jvminit does not wake up while the child runs quietly (5 s)"
start_pid1 -- sleep 1000
wait_until 10 ns_has "$INIT_PID" '^sleep 1000$' || fail "'sleep 1000' never appeared"
sleep 0.5 # let start-up work settle
before=$(switches "$INIT_PID")
sleep 5
after=$(switches "$INIT_PID")
woke=$((after - before))
((woke <= 1)) || fail "jvminit woke up $woke times in 5 s while idle"
ok "$woke wake-ups in 5 s"
signal_init TERM
wait_done_within 10
assert_rc 143 "exit status"
ok "143"

say "pass"
