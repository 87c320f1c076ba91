#!/usr/bin/env bash
# Remote debugging (issue 2, behaviour 8; jvm facts "Remote debugging"): with JVMINIT_DEBUG=true and
# JVMINIT_DEBUG_PORT=P the JVM listens for JDWP on all interfaces (a published container port can
# reach it, unlike loopback), and jdb can attach.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_jvminit
need_pidns
need_cmd ss jdb
compile_apps

port=$(free_port)
check "JVMINIT_DEBUG=true JVMINIT_DEBUG_PORT=$port: the JVM listens on port $port on all interfaces"
JVMINIT_DEBUG=true JVMINIT_DEBUG_PORT=$port start_pid1 -- java -Dhook.ms=0 -cp "$APPS_DIR" Sleeper
wait_for_line "$OUT" '^ready$' 30
assert_file_contains "$OUT" "Listening for transport dt_socket at address: $port" "stdout"
listening() { [[ -n $(ss -ltnH "sport = :$port") ]]; }
wait_until 10 listening || fail "nothing listens on port $port"
mapfile -t locals < <(ss -ltnH "sport = :$port" | awk '{print $4}')
for addr in "${locals[@]}"; do
  case $addr in
    "*:$port" | "0.0.0.0:$port" | "[::]:$port") ;;
    *) fail "port $port listens on $addr, not on all interfaces (ss -ltn: ${locals[*]})" ;;
  esac
done
ok "listening on ${locals[*]}"

check "jdb -attach localhost:$port connects"
jdb_out=$T/jdb.out
rc=0
printf 'version\nquit\n' | timeout -k 5 60 jdb -attach "localhost:$port" >"$jdb_out" 2>&1 || rc=$?
grep -q 'Initializing jdb' "$jdb_out" || fail "jdb did not start (exit $rc): $(cat "$jdb_out")"
grep -q 'JVM version' "$jdb_out" || fail "jdb did not get the remote JVM's version (exit $rc): $(cat "$jdb_out")"
[[ $rc == 0 ]] || fail "jdb exited $rc: $(cat "$jdb_out")"
ok "$(grep -m1 'JVM version' "$jdb_out" | sed 's/^> //')"

check "the JVM still runs after jdb detached, and stops on SIGTERM with 143"
is_running "$INIT_PID" || fail "jvminit ended after jdb detached"
signal_init TERM
wait_done
assert_rc 143 "exit status"
ok "143"

say "pass"
