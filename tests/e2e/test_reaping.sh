#!/usr/bin/env bash
# Zombie reaping as PID 1 (issue 2, behaviour 2; pid1-behaviour.md scenarios 1 and 3):
# orphaned grandchildren are reaped while jvminit runs, and a SIGCHLD that stands for several exits
# (coalescing) never makes jvminit miss the main child's exit.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_jvminit
need_pidns

# ---- scenario 1 ------------------------------------------------------------------------------
check "scenario 1: orphans of 'sh -c \"(sleep .2 &); (sleep .2 &); exec sleep 5\"' leave no zombie"
start_pid1 -- sh -c '(sleep .2 &); (sleep .2 &); exec sleep 5'
# `sleep 5` exists once both subshells have run; from then on exactly two processes must remain
# (jvminit and `sleep 5`) once the two orphans have exited and been reaped.
wait_until 10 ns_has "$INIT_PID" '^sleep 5$' || fail "'sleep 5' never appeared"
two_left() { [[ $(ns_pids "$INIT_PID" | wc -l) == 2 ]]; }
wait_until 4 two_left || fail "orphans not reaped; processes in the namespace: $(ns_ps "$INIT_PID")"
is_running "$INIT_PID" || fail "jvminit ended before the check"
z=$(count_zombies_in_ns "$INIT_PID")
assert_eq 0 "$z" "zombies in the namespace while jvminit runs"
ok "no zombie, jvminit and sleep 5 left"
signal_init TERM
wait_done
assert_rc 143 "exit status after SIGTERM to 'sleep 5'"
ok "stopped with 143"

# ---- Orphans.java ----------------------------------------------------------------------------
compile_apps
check "Orphans.java: 3 orphaned grandchildren are reparented to jvminit and reaped while the JVM runs"
# Orphans [count] [ms to sleep after spawning] [grandchild lifetime in s]
# Lifetimes leave room for a loaded machine: the orphans live 3 s, the JVM 8 s after spawning.
start_pid1 -- java -cp "$APPS_DIR" Orphans 3 8000 3
wait_for_line "$OUT" '^spawned$' 30
mapfile -t sleeps < <(ns_find "$INIT_PID" '^sleep 3$')
assert_eq 3 "${#sleeps[@]}" "number of orphaned 'sleep 3' right after 'spawned'"
for p in "${sleeps[@]}"; do
  ppid=$(proc_stat_field "$p" 4) || continue # already gone: fine
  assert_eq "$INIT_PID" "$ppid" "parent of orphan $p"
done
ok "orphans are children of jvminit ($INIT_PID)"
all_reaped() {
  local p
  for p in "${sleeps[@]}"; do [[ -e /proc/$p ]] && return 1; done
  return 0
}
wait_until 8 all_reaped || fail "orphans not reaped: $(ns_ps "$INIT_PID")"
java_pid=$(ns_find "$INIT_PID" 'Orphans')
[[ -n $java_pid ]] || fail "the JVM ended too early to check while it runs"
z=$(count_zombies_in_ns "$INIT_PID")
assert_eq 0 "$z" "zombies in the namespace while the JVM runs"
ok "all 3 reaped, no zombie, JVM still running"
wait_done
assert_rc 0 "Orphans exit status"
ok "exit 0"

# ---- scenario 3 ------------------------------------------------------------------------------
check "scenario 3: 200 runs of the SIGCHLD-coalescing case, none hangs (5 s bound each)"
for i in $(seq 1 200); do
  # shellcheck disable=SC2016
  RUN_TIMEOUT=5 run_pid1 -- bash -c 'bash -c "sleep 0.01 & kill -9 \$BASHPID"; sleep 0.0087'
  [[ $RC == 0 ]] || fail "run $i: exit status $RC, expected 0"
done
ok "200 runs, all exit 0"

say "pass"
