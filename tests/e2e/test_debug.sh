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

check "without IPv6 sockets (a kernel booted with ipv6.disable=1): the JVM starts and listens on 0.0.0.0, with a warning"
without_ipv6=${JVMINIT_BUILD_DIR:-}/tests/without_ipv6
if [[ -x $without_ipv6 ]]; then
  port=$(free_port)
  # What the helper simulates: JDWP with *:PORT cannot start such a JVM.
  _run "$RUN_TIMEOUT" "$without_ipv6" java -agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address="*:$port" -version
  [[ $RC != 0 ]] && grep -q 'socket creation failed' "$OUT" "$ERR" ||
    fail "the setup: a JVM with address=*:$port should fail without IPv6 sockets (exit $RC): $(cat "$OUT" "$ERR")"
  JVMINIT_DEBUG=true JVMINIT_DEBUG_PORT=$port _start "$without_ipv6" unshare --pid --fork --mount-proc --kill-child \
    "$JVMINIT" -- java -Dhook.ms=0 -cp "$APPS_DIR" Sleeper
  wait_for_line "$OUT" '^ready$' 30
  wait_until 10 listening || fail "nothing listens on port $port"
  mapfile -t locals < <(ss -ltnH "sport = :$port" | awk '{print $4}')
  [[ ${locals[*]} == "0.0.0.0:$port" ]] || fail "port $port listens on '${locals[*]}', not on 0.0.0.0:$port"
  grep -E '^\[jvminit warn' "$ERR" |
    grep -qF "no IPv6 socket here (socket: Address family not supported by protocol): the JDWP agent listens on 0.0.0.0:$port" ||
    fail "no warning about the IPv4-only JDWP address: $(cat "$ERR")"
  signal_init TERM
  wait_done
  assert_rc 143 "exit status"
  ok "listening on ${locals[*]}"
else
  skip_part "no $without_ipv6 (built with the tests; JVMINIT_BUILD_DIR=${JVMINIT_BUILD_DIR:-unset})"
fi

say "pass"
