#!/usr/bin/env bash
# Regressions: one check per problem a fresh user found (commits "Fix what a fresh user broke" 1/2 and
# 2/2), each named by its scenario, so that none comes back unnoticed. Everything is bounded by
# `timeout`; a check fails when the old behaviour returns.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_jvminit
need_pidns
need_cmd python3 mkfifo
compile_apps

unset JAVA_DEBUG JAVA_DEBUG_PORT JAVA_DEBUG_SUSPEND JAVA_MAX_MEM_RATIO BPL_DEBUG_ENABLED \
  BPL_DEBUG_PORT BPL_DEBUG_SUSPEND BPL_HEAP_DUMP_PATH JAVA_HOME
need_default_settings
cd "$T" # the runs' working directory: nothing may land elsewhere

STAMP_RE='[0-9]{8}T[0-9]{6}\.[0-9]{3}Z-[0-9]+'
MARKER=$T/started
# A program that only says it ran.
# shellcheck disable=SC2016
printf '#!/bin/sh\necho "$0 $*" >>"%s"\n' "$MARKER" >"$T/program"
chmod +x "$T/program"
no_start() { assert_absent "$MARKER" "marker of a started program ($1: $(cat "$MARKER" 2>/dev/null))"; }
error_lines() { grep -c '^\[jvminit error\]' "$ERR" || true; }
# The JAVA_TOOL_OPTIONS a child printed as "JTO=<value>".
# shellcheck disable=SC2016
show_jto() { printf '%s\n' '#!/bin/sh' 'printf "JTO=%s\n" "${JAVA_TOOL_OPTIONS-(unset)}"' >"$T/show-jto" && chmod +x "$T/show-jto"; }
jto() { sed -n 's/^JTO=//p' "$OUT"; }
show_jto
# A heap dump is an HPROF file: it starts with "JAVA PROFILE 1.0.2" (or 1.0.1).
is_hprof() { [[ -s $1 ]] && head -c 18 "$1" | grep -q '^JAVA PROFILE 1\.0\.[12]$'; }

# ------------------------------------------------------------------------------------------------
# a. stderr (and stdout) a pipe nobody reads any more: jvminit's own log writes fail with EPIPE. They
#    used to raise a SIGPIPE that jvminit forwarded to the child (killing it), and at debug level it read
#    its own SIGPIPE back in a loop.

# closed_pipe_run LIMIT ARGS...: jvminit ARGS... (as PID 1) with stdout and stderr a pipe whose read end
# was closed before the start, SIGPIPE at its default disposition; sets RC (124/137: timed out).
closed_pipe_run() {
  local limit=$1
  shift
  _next_files
  RC=0
  python3 -c 'import os, sys
r, w = os.pipe()
os.close(r)
os.dup2(w, 1)
os.dup2(w, 2)
os.execvp(sys.argv[1], sys.argv[1:])' env --default-signal timeout -k 5 "$limit" \
    unshare --pid --fork --mount-proc --kill-child "$JVMINIT" "$@" </dev/null || RC=$?
}

check "a. 'jvminit -- sh -c \"sleep 0.3; echo ran > FILE\" 2>&1 | true': exit 0 and the child ran to its end"
for level in info debug; do
  rm -f "$T/ran"
  set +e
  env --default-signal timeout -k 5 30 "$JVMINIT" --log-level="$level" -- sh -c "sleep 0.3; echo ran > '$T/ran'" 2>&1 </dev/null | true
  rc=${PIPESTATUS[0]}
  set -e
  [[ $rc != 124 && $rc != 137 ]] || fail "log level $level: jvminit did not end within 30 s (exit $rc): it spins on its own SIGPIPE"
  assert_eq 0 "$rc" "exit status with a closed stderr pipe at log level $level (141 = the child died of SIGPIPE)"
  assert_eq ran "$(cat "$T/ran" 2>/dev/null)" "content of the child's file at log level $level"
done
ok "exit 0 at info and debug level"

check "a. the same with the pipe's reader gone before the start (deterministic), as PID 1, info and debug level"
for level in info debug; do
  rm -f "$T/ran"
  t0=$(now_ms)
  closed_pipe_run 20 --log-level="$level" -- sh -c "sleep 0.3; echo ran > '$T/ran'"
  ms=$(elapsed_since "$t0")
  [[ $RC != 124 && $RC != 137 ]] || fail "log level $level: jvminit did not end within 20 s: it spins on its own SIGPIPE"
  assert_eq 0 "$RC" "exit status at log level $level"
  assert_eq ran "$(cat "$T/ran" 2>/dev/null)" "content of the child's file at log level $level"
  ((ms < 10000)) || fail "log level $level: jvminit took $ms ms for a 0.3 s child"
done
ok "exit 0, the child's file written, within bounds"

# ------------------------------------------------------------------------------------------------
# b. jvminit ignores SIGPIPE for itself; its child must get the disposition jvminit started with (a
#    shell pipeline in the child relies on SIGPIPE to stop `yes | head`).

# sig_bit FIELD N: bit N-1 of a /proc/PID/status signal mask (SigIgn, SigBlk) the last run printed.
sig_bit() {
  local hex
  hex=$(sed -n "s/^$1:[[:space:]]*//p" "$OUT")
  [[ $hex =~ ^[0-9a-f]+$ ]] || fail "no $1 line in the child's /proc/self/status: $(cat "$OUT")"
  echo $(((16#$hex >> ($2 - 1)) & 1))
}

check "b. a child started by jvminit has SIGPIPE at its default disposition, not ignored, not blocked"
run_pid1 -- grep -E '^Sig(Ign|Blk):' /proc/self/status
assert_rc 0 "exit status"
assert_eq 0 "$(sig_bit SigIgn 13)" "SIGPIPE bit in the child's SigIgn ($(grep SigIgn "$OUT"))"
assert_eq 0 "$(sig_bit SigBlk 13)" "SIGPIPE bit in the child's SigBlk ($(grep SigBlk "$OUT"))"
# shellcheck disable=SC2016
run_pid1 -- sh -c 'yes | head -n 1 >/dev/null; echo "status ${?}"'
assert_rc 0 "exit status of 'yes | head -n 1'"
assert_file_contains "$OUT" "status 0" "output of 'yes | head -n 1' (a yes that ignores SIGPIPE never ends)"
ok "SigIgn and SigBlk without SIGPIPE; 'yes | head' ends"

check "b. jvminit started with SIGPIPE ignored gives its child that disposition back (the original one)"
_run "$RUN_TIMEOUT" env --ignore-signal=PIPE unshare --pid --fork --mount-proc --kill-child "$JVMINIT" \
  -- grep -E '^Sig(Ign|Blk):' /proc/self/status
assert_rc 0 "exit status"
assert_eq 1 "$(sig_bit SigIgn 13)" "SIGPIPE bit in the child's SigIgn ($(grep SigIgn "$OUT"))"
ok "$(grep SigIgn "$OUT")"

# ------------------------------------------------------------------------------------------------
# c. SIGTSTP then SIGTERM at once: signalfd hands out SIGTERM (15) before SIGTSTP (20), so the JVM was
#    stopped right after its SIGTERM and sat stopped until the grace period's SIGKILL (137, no hook).
check "c. SIGTSTP immediately followed by SIGTERM to jvminit (PID 1) running Sleeper: hook runs, exit 143 (3 times)"
for i in 1 2 3; do
  marker=$T/hook-tstp-$i
  JVMINIT_STOP_TIMEOUT=5s start_pid1 -- java -Dhook.ms=200 -Dhook.marker="$marker" -cp "$APPS_DIR" Sleeper
  wait_for_line "$OUT" '^ready$' 30
  { kill -TSTP "$INIT_PID" && kill -TERM "$INIT_PID"; } || fail "cannot signal jvminit ($INIT_PID)"
  wait_done_within 20 "after SIGTSTP + SIGTERM"
  assert_rc 143 "exit status of round $i (137: the stopped JVM was SIGKILLed at the end of the grace period)"
  assert_exists "$marker" "shutdown hook marker of round $i"
done
ok "143 and the hook's marker, 3 times"

# ------------------------------------------------------------------------------------------------
# d. Two JVMs of one start (a shell running java twice) used to get the same HeapDumpPath file: the
#    second dump was refused ("File exists") and lost.
check "d. sh -c 'java OomApp; java OomApp' with JVMINIT_HEAP_DUMP_DIR: two dumps, none lost, no 'File exists'"
dir=$T/two-jvms
JVMINIT_HEAP_DUMP_DIR=$dir run_pid1 -- sh -c "java -Xmx16m -cp '$APPS_DIR' OomApp; java -Xmx16m -cp '$APPS_DIR' OomApp"
assert_rc 3 "exit status (the second JVM's ExitOnOutOfMemoryError)"
! grep -q 'File exists' "$OUT" "$ERR" || fail "a dump was refused: $(grep -h 'File exists' "$OUT" "$ERR")"
assert_eq 2 "$(grep -c '^Heap dump file created' "$OUT" || true)" "'Heap dump file created' lines"
mapfile -t dumps < <(cd "$dir" && find . -name '*.hprof' -type f | sed 's|^\./||' | sort)
assert_eq 2 "${#dumps[@]}" "heap dumps in $dir ($(cd "$dir" && find . | tr '\n' ' '))"
[[ ${dumps[0]} != "${dumps[1]}" ]] || fail "the two dumps have one name"
for f in "${dumps[@]}"; do
  [[ $f =~ ^run-${STAMP_RE}/java_pid[0-9]+\.hprof$ ]] || fail "dump $f is not run-<stamp>/java_pid<N>.hprof"
  is_hprof "$dir/$f" || fail "$f is not a valid, non-empty HPROF file"
done
assert_eq "${dumps[0]%/*}" "${dumps[1]%/*}" "run directory of the two dumps of one start"
ok "${dumps[*]}"

# ------------------------------------------------------------------------------------------------
# e. `--debug true`: CLI11 took `true` as PROGRAM and ran /bin/true instead of the application.
check "e. '--debug true -- java ...' and '--gc-log yes -- java ...' exit 2 and start nothing (neither java nor true)"
mkdir -p "$T/fakebin"
for name in true yes java; do
  printf '#!/bin/sh\necho "%s $*" >>"%s"\n' "$name" "$MARKER" >"$T/fakebin/$name"
  chmod +x "$T/fakebin/$name"
done
for args in "--debug true" "--gc-log yes"; do
  read -r -a words <<<"$args"
  PATH=$T/fakebin:$PATH run_pid1 "${words[@]}" -- java -cp "$APPS_DIR" Hello
  assert_rc 2 "exit status of '$args -- java'"
  no_start "$args"
  assert_eq 1 "$(error_lines)" "error lines for '$args'"
  assert_file_contains "$ERR" "${words[0]}=${words[1]}" "the error for '$args'"
  [[ ! -s $OUT ]] || fail "stdout is not empty for '$args': $(cat "$OUT")"
done
ok "$(cat "$ERR")"

# ------------------------------------------------------------------------------------------------
# f. HotSpot expands % in ErrorFile/-Xlog names and ':' or '"' end or quote an -Xlog file name: such
#    a directory used to reach the JVM and break its options.
check "f. a heap dump or GC log directory holding ':', '%' or '\"' is refused with exit 2 before start"
for char in ':' '%' '"'; do
  for var in JVMINIT_HEAP_DUMP_DIR JVMINIT_GC_LOG_DIR; do
    bad="$T/bad${char}dir"
    RUN_ENV=("$var=$bad" JVMINIT_GC_LOG=true)
    run_pid1 -- "$T/program"
    RUN_ENV=()
    assert_rc 2 "exit status for $var=$bad"
    no_start "$var=$bad"
    assert_absent "$bad" "the refused directory"
    assert_file_contains "$ERR" "$var" "the error for $var=$bad"
  done
done
ok "6 cases refused, e.g. $(tail -1 "$ERR")"

# ------------------------------------------------------------------------------------------------
# g. The user's JDWP agent in a java @argfile was not seen: jvminit added a second agent and the JVM
#    refused to start ("Cannot load this JVM TI agent twice").
user_port=$(free_port)
argfile=$T/debug.args
printf '%s\n' "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:$user_port" >"$argfile"
# expect_one_user_agent WHAT: the last run started the JVM with the user's agent only.
expect_one_user_agent() {
  assert_rc 0 "exit status of Hello ($1)"
  ! grep -q 'agent twice' "$OUT" "$ERR" || fail "$1: $(grep -h 'agent twice' "$OUT" "$ERR")"
  assert_eq 1 "$(grep -c 'Listening for transport dt_socket' "$OUT" || true)" "JDWP banners ($1)"
  assert_file_contains "$OUT" "$user_port" "the JDWP banner ($1: the user's port)"
  assert_not_contains "$(sed -n 's/^JAVA_TOOL_OPTIONS=//p' "$OUT")" "jdwp" "the JAVA_TOOL_OPTIONS Hello saw ($1)"
  assert_eq 1 "$(grep -c '^arg: -agentlib:jdwp' "$OUT" || true)" "JDWP agents among the JVM's arguments ($1)"
}
check "g. java @argfile (a JDWP agent) with --debug: the JVM starts with the user's agent only"
jvminit_port=$(free_port)
while [[ $jvminit_port == "$user_port" ]]; do jvminit_port=$(free_port); done
run_pid1 --debug --debug-port="$jvminit_port" -- java "@$argfile" -cp "$APPS_DIR" Hello
expect_one_user_agent "@argfile first"
ok "$(grep 'Listening' "$OUT")"

# ------------------------------------------------------------------------------------------------
# h. `--config DIR` read as an empty file (silently the defaults); `--config FIFO` blocked forever.
check "h. --config naming a directory or a FIFO: exit 2 promptly, nothing started"
mkfifo "$T/config.fifo"
RUN_TIMEOUT=10
for cfg in /tmp "$T/config.fifo"; do
  t0=$(now_ms)
  run_plain --config "$cfg" -- "$T/program"
  ms=$(elapsed_since "$t0")
  assert_rc 2 "exit status of --config $cfg"
  no_start "--config $cfg"
  assert_file_contains "$ERR" "$cfg" "the error for --config $cfg"
  ((ms < 5000)) || fail "--config $cfg took $ms ms"
  JVMINIT_CONFIG=$cfg run_plain -- "$T/program"
  assert_rc 2 "exit status of JVMINIT_CONFIG=$cfg"
  no_start "JVMINIT_CONFIG=$cfg"
done
RUN_TIMEOUT=60
ok "$(cat "$ERR")"

# ------------------------------------------------------------------------------------------------
# i. explain --json failed (nlohmann::json threw on invalid UTF-8) for a JAVA_TOOL_OPTIONS that is not UTF-8.
check "i. JAVA_TOOL_OPTIONS=\$'-Dx=\\xff' jvminit explain --json: exit 0 and valid JSON"
JAVA_TOOL_OPTIONS=$'-Dx=\xff' run_plain explain --json -- true
assert_rc 0 "exit status of explain --json"
jto_json=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1], encoding="utf-8"))["java_tool_options"])' "$OUT" 2>"$T/json-error") ||
  fail "explain --json printed invalid JSON: $(cat "$T/json-error")"
[[ $jto_json == "-Dx="$'\xef\xbf\xbd'* ]] || fail "java_tool_options '$jto_json' does not show the byte as U+FFFD"
ok "java_tool_options: $jto_json"

# ------------------------------------------------------------------------------------------------
# j. An error quoting a PROGRAM with a newline was two lines (a log reader would take the second for a
#    line of its own).
check "j. jvminit -- \$'foo\\nbar': exactly one line on stderr, exit 127"
run_plain -- $'foo\nbar'
assert_rc 127 "exit status"
assert_eq 1 "$(wc -l <"$ERR")" "lines on stderr: $(cat "$ERR")"
assert_file_contains "$ERR" 'foo\nbar' "the error (the newline escaped)"
ok "$(cat "$ERR")"

# ------------------------------------------------------------------------------------------------
# k. `-e JVMINIT_DEBUG=` (empty) was an invalid boolean (exit 2); JAVA_MAX_MEM_RATIO=0 (run-java.sh: leave
#    the heap to the JVM) was out of range.
check "k. empty variables count as unset: JVMINIT_DEBUG= JAVA_DEBUG= jvminit -- CHILD exits 0, no agent"
JVMINIT_DEBUG='' JAVA_DEBUG='' JVMINIT_GC_LOG='' JVMINIT_HEAP_DUMP_DIR='' run_pid1 -- "$T/show-jto"
assert_rc 0 "exit status"
assert_eq 0 "$(error_lines)" "error lines"
assert_not_contains "$(jto)" "jdwp" "the child's JAVA_TOOL_OPTIONS"
ok "JTO=$(jto)"

check "k. JAVA_MAX_MEM_RATIO=0 and JVMINIT_MAX_RAM_PERCENTAGE=0: no MaxRAMPercentage in the child's JAVA_TOOL_OPTIONS"
for var in JAVA_MAX_MEM_RATIO JVMINIT_MAX_RAM_PERCENTAGE; do
  RUN_ENV=("$var=0")
  run_pid1 -- "$T/show-jto"
  RUN_ENV=()
  assert_rc 0 "exit status with $var=0"
  assert_not_contains "$(jto)" "MaxRAMPercentage" "the child's JAVA_TOOL_OPTIONS with $var=0"
  assert_contains "$(jto)" "-XX:+ExitOnOutOfMemoryError" "the child's JAVA_TOOL_OPTIONS with $var=0"
done
ok "JTO=$(jto)"

# ------------------------------------------------------------------------------------------------
# l. A script without #! failed with "Exec format error" (execvp runs it with /bin/sh); a missing #!
#    interpreter was reported as the script itself missing.
check "l. a script without #! runs with /bin/sh and its exit code passes through"
printf 'echo "no shebang ran"\nexit 7\n' >"$T/no-shebang"
chmod +x "$T/no-shebang"
run_pid1 -- "$T/no-shebang" a b
assert_rc 7 "exit status"
assert_file_contains "$OUT" "no shebang ran" "stdout"
ok "exit 7"

check "l. a script whose #! interpreter is missing: exit 127, one error line about the interpreter"
printf '#!/nonexistent/shell-x\necho hi\n' >"$T/script-b"
chmod +x "$T/script-b"
run_pid1 -- "$T/script-b"
assert_rc 127 "exit status"
assert_eq 1 "$(error_lines)" "error lines: $(cat "$ERR")"
grep '^\[jvminit error\]' "$ERR" | grep -F "$T/script-b" | grep -qF 'interpreter' ||
  fail "the error does not name the script and mention its interpreter: $(cat "$ERR")"
ok "$(grep '^\[jvminit error\]' "$ERR")"

# ------------------------------------------------------------------------------------------------
# m. GC logs were never deleted: one more per start, forever.
check "m. after 7 runs with --gc-log, the GC logs of only the last 5 starts remain"
gcdir=$T/gc7
# stamps_in DIR: the distinct start stamps of the GC logs in DIR (gc-STAMP-pid<N>.log*, or gc-STAMP.log* as before).
stamps_in() { find "$1" -maxdepth 1 -name 'gc-*.log*' -printf '%f\n' | sed -nE "s/^gc-(${STAMP_RE})(-pid[0-9]+)?\.log.*/\1/p" | sort -u; }
declare -a run_stamps=()
for i in 1 2 3 4 5 6 7; do
  before=$(stamps_in "$gcdir" 2>/dev/null || true)
  run_pid1 --gc-log --gc-log-dir="$gcdir" -- java -cp "$APPS_DIR" Hello
  assert_rc 0 "exit status of run $i"
  new=$(comm -13 <(printf '%s\n' "$before" | sed '/^$/d') <(stamps_in "$gcdir"))
  [[ $(grep -c . <<<"$new") == 1 ]] || fail "run $i: expected one new GC log stamp, got '$new'"
  run_stamps+=("$new")
  expected=$((i < 5 ? i : 5))
  assert_eq "$expected" "$(stamps_in "$gcdir" | grep -c .)" "distinct GC log stamps after run $i ($(stamps_in "$gcdir" | tr '\n' ' '))"
done
assert_eq "$(printf '%s\n' "${run_stamps[@]:2}" | sort)" "$(stamps_in "$gcdir")" "the stamps left (those of runs 3-7)"
ok "$(stamps_in "$gcdir" | tr '\n' ' ')"

# ------------------------------------------------------------------------------------------------
# n. JDK 8 before 8u92 has neither ExitOnOutOfMemoryError nor CrashOnOutOfMemoryError: the JVM refused to
#    start. A user's -XX:±PrintGC... flag did not count as GC logging: jvminit added -Xloggc and its own
#    -XX:+PrintGCDateStamps beside it.
fake_jdk() {
  mkdir -p "$1/bin"
  printf 'IMPLEMENTOR="Fake"\nJAVA_VERSION="%s"\nOS_NAME="Linux"\n' "$2" >"$1/release"
  # shellcheck disable=SC2016
  printf '#!/bin/sh\necho "$0 $*" >>"%s"\n' "$MARKER" >"$1/bin/java"
  chmod +x "$1/bin/java"
}
# json EXPR: the Python expression EXPR on the JSON (`j`) the last run printed.
json() { python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$OUT" "$1"; }
added() { json '" ".join(a["option"] for a in j["added"])'; }
fake_jdk "$T/jdk8u77" 1.8.0_77
fake_jdk "$T/jdk8u392" 1.8.0_392

check "n. fake JDK 8u77: explain says ExitOnOutOfMemoryError is not added (8u92); on 8u392 it is added"
JAVA_HOME=$T/jdk8u77 run_plain explain --json -- "$T/program"
assert_rc 0 "exit status of explain (8u77)"
no_start "explain"
assert_not_contains "$(added)" "OutOfMemoryError" "the options added on 8u77"
json '[s["why"] for s in j["suppressed"] if s["option"] == "-XX:+ExitOnOutOfMemoryError"][0]' | grep -q '8u92' ||
  fail "no suppressed -XX:+ExitOnOutOfMemoryError naming 8u92: $(json 'j["suppressed"]')"
JAVA_HOME=$T/jdk8u77 JVMINIT_ON_OOM=crash run_plain explain -- "$T/program"
assert_rc 0 "exit status of explain (8u77, crash)"
grep -E '^  - -XX:\+CrashOnOutOfMemoryError +not added: ' "$OUT" | grep -q '8u92' ||
  fail "no '- -XX:+CrashOnOutOfMemoryError not added: ... 8u92' line: $(grep OutOfMemory "$OUT")"
JAVA_HOME=$T/jdk8u392 run_plain explain --json -- "$T/program"
assert_rc 0 "exit status of explain (8u392)"
assert_contains " $(added) " " -XX:+ExitOnOutOfMemoryError " "the options added on 8u392"
ok "8u77: not added; 8u392: $(added)"

check "n. JAVA_TOOL_OPTIONS=-XX:-PrintGCDateStamps with --gc-log on the fake JDK 8: no GC log flags added"
JAVA_TOOL_OPTIONS=-XX:-PrintGCDateStamps JAVA_HOME=$T/jdk8u392 run_plain --gc-log explain --json -- "$T/program"
assert_rc 0 "exit status of explain"
v=$(added)
for option in -Xloggc -PrintGC UseGCLogFileRotation NumberOfGCLogFiles GCLogFileSize; do
  assert_not_contains "$v" "$option" "the options added beside the user's -XX:-PrintGCDateStamps"
done
json '[s["option"] for s in j["suppressed"]]' | grep -qF -- "-Xloggc:" || fail "-Xloggc is not among the suppressed options"
JAVA_TOOL_OPTIONS=-XX:-PrintGCDateStamps JAVA_HOME=$T/jdk8u392 JVMINIT_GC_LOG=true run_pid1 -- "$T/show-jto"
assert_rc 0 "exit status of the run"
assert_eq "-XX:-PrintGCDateStamps -XX:+ExitOnOutOfMemoryError -XX:MaxRAMPercentage=75" "$(jto)" "the child's JAVA_TOOL_OPTIONS"
ok "added: $v"

# ------------------------------------------------------------------------------------------------
# Found while writing the checks above: open problems in the fixes themselves.

# o. The @argfile fix reads only @argfiles before any option value: `java -cp DIR @argfile Main` (DIR is -cp's
#    value, not the main class) still gets jvminit's second agent.
check "o. java -cp DIR @argfile (a JDWP agent) with --debug: the JVM starts with the user's agent only"
run_pid1 --debug --debug-port="$jvminit_port" -- java -cp "$APPS_DIR" "@$argfile" Hello
expect_one_user_agent "@argfile after -cp DIR"
ok "$(grep 'Listening' "$OUT")"

# p. The '--debug true' check looks past PROGRAM: without --, PROGRAM's own arguments (`--debug true`,
#    e.g. a Spring Boot application's) are refused although everything after PROGRAM is PROGRAM's.
check "p. 'jvminit PROGRAM --debug true': PROGRAM runs with its arguments '--debug true'"
run_pid1 "$T/program" --debug true
assert_rc 0 "exit status"
assert_eq "$T/program --debug true" "$(cat "$MARKER" 2>/dev/null)" "the program's command line"
rm -f "$MARKER"
ok "ran: $T/program --debug true"

# q. The path rule (no ':', '%', '"': the JVM splits on or expands them) covers JVMINIT_GC_LOG_DIR but not
#    the working directory that GC logs go to without one: the JVM then refuses its -Xlog option.
check "q. --gc-log in a working directory holding ':' (no GC log or dump dir): the JVM starts, or exit 2 before start"
mkdir -p "$T/work:dir"
cd "$T/work:dir"
run_pid1 --gc-log -- java -cp "$APPS_DIR" Hello
cd "$T"
! grep -q 'Invalid -Xlog option' "$OUT" "$ERR" || fail "the JVM refused jvminit's -Xlog option: $(grep -h 'Invalid -Xlog' "$OUT" "$ERR")"
if [[ $RC == 2 ]]; then
  assert_eq 1 "$(error_lines)" "error lines of the refusal"
  assert_file_contains "$ERR" "work:dir" "the refusal"
  ok "refused before start: $(cat "$ERR")"
else
  assert_rc 0 "exit status of Hello"
  [[ -n $(find "$T/work:dir" -name 'gc-*.log*') ]] || fail "no GC log in the working directory $T/work:dir"
  ok "the JVM started and wrote its GC log in $T/work:dir"
fi

# r. An @argfile that is a pipe (`java @<(generate-args) ...`) is read by jvminit to look for the user's
#    options, so the JVM finds it empty.
check "r. java @<(printf ...) Hello: the JVM still gets the arguments of a pipe argfile"
run_pid1 -- java @<(printf -- '-Dgreeting=from-a-pipe -cp %s\n' "$APPS_DIR") Hello
assert_rc 0 "exit status of Hello (1: the JVM got an empty argfile and no class path)"
assert_file_contains "$OUT" "greeting=from-a-pipe" "Hello's output"
ok "greeting=from-a-pipe"

# ------------------------------------------------------------------------------------------------
# s. A missing @argfile was reported as "not a regular file" (found by a fresh-eyes test); a FIFO still is.
check "s. explain with a missing @argfile says no such file; with a FIFO, not a regular file"
run_plain explain -- java "@$T/missing.args" -version
assert_rc 0 "explain exit status"
grep -F "@$T/missing.args" "$OUT" | grep -q 'no such file' || fail "no 'no such file' warning for the missing @argfile: $(grep -F missing.args "$OUT")"
mkfifo "$T/options.fifo"
run_plain explain -- java "@$T/options.fifo" -version
grep -F "@$T/options.fifo" "$OUT" | grep -q 'not a regular file' || fail "no 'not a regular file' warning for the FIFO"
ok "$(grep -F missing.args "$T"/run*.out | head -1 | cut -d: -f2-)"

# ------------------------------------------------------------------------------------------------
# u. An @argfile in JDK_JAVA_OPTIONS was not read: the JVM takes its -Xmx300m, while jvminit added its
#    MaxRAMPercentage and explain said the percentage applied (found by a fresh user).
check "u. JDK_JAVA_OPTIONS=@FILE holding -Xmx300m: no MaxRAMPercentage added, the JVM's heap is 300 MiB"
printf -- '-Xmx300m\n' >"$T/jdk.args"
JDK_JAVA_OPTIONS="@$T/jdk.args" run_pid1 -- java -XX:+PrintFlagsFinal -version
assert_rc 0 "exit status"
assert_file_not_contains "$ERR" "MaxRAMPercentage=" "the start log's additions"
grep -qE '^ *size_t +MaxHeapSize += 314572800 ' "$OUT" || fail "MaxHeapSize is not 300 MiB: $(grep -E ' MaxHeapSize ' "$OUT")"
ok "$(grep -F 'JAVA_TOOL_OPTIONS additions' "$ERR" | sed 's/.*additions: //')"

# ------------------------------------------------------------------------------------------------
# v. `java --source 17 -Xmx1g Hello.java`: --source takes the next argument as its value and options may
#    follow it; it was taken for the end of the options, so the user's -Xmx1g did not count.
check "v. java --source 17 -Xmx1g Hello.java: the user's -Xmx1g keeps MaxRAMPercentage out"
run_plain explain -- java --source 17 -Xmx1g Hello.java
assert_rc 0 "explain exit status"
grep -F 'MaxRAMPercentage' "$OUT" | grep -qF 'the user set -Xmx1g' ||
  fail "explain does not say the user's -Xmx1g keeps MaxRAMPercentage out: $(grep -F MaxRAMPercentage "$OUT")"
ok "$(grep -F 'MaxRAMPercentage' "$OUT" | head -1)"

# ------------------------------------------------------------------------------------------------
# t. A signal that arrived after jvminit's last read was delivered on its way out with its default action:
#    the signalfd's destructor gave the original mask back. A SIGPWR (default action: terminate) pending when
#    the child had ended made jvminit (not PID 1) exit 158 instead of the child's 5 (found reading the exit
#    path). The order is made certain here: jvminit is stopped while its child ends and the SIGPWR comes; on
#    SIGCONT it reads SIGCHLD first (signalfd hands out the lowest number first), has nothing left to wait
#    for and ends, with SIGCONT and SIGPWR still pending.
check "t. SIGPWR pending when jvminit (not PID 1) ends: the child's exit status 5, not 158"
start_plain -- sh -c 'trap "" PWR; sleep 0.5; exit 5'
has_child() { [[ -n $(child_pids "$1") ]]; }
wait_until 5 has_child "$INIT_PID" || fail "jvminit started no child"
child=$(child_pids "$INIT_PID")
kill -STOP "$INIT_PID"
wait_until 5 is_gone "$child" || fail "the child (pid $child) did not end"
[[ $(proc_state "$INIT_PID") == T ]] || fail "jvminit is not stopped: $(proc_state "$INIT_PID")"
kill -PWR "$INIT_PID"
kill -CONT "$INIT_PID"
wait_done
assert_rc 5 "jvminit's exit status (158: the pending SIGPWR was delivered on the way out)"
ok "exit 5; $(grep -c . "$ERR") log lines"

# ------------------------------------------------------------------------------------------------
# w. Once the main child was reaped its pid was free, and a later process given the same pid (here forced
#    with ns_last_pid: an orphan's child, reaped while the rest stop) was taken for the main child again:
#    its exit status replaced the main child's (found by a review; jvminit exited 0 instead of 7).
check "w. the main child's pid reused after its end (ns_last_pid): jvminit still exits with the main child's 7"
# shellcheck disable=SC2016
run_pid1 --log-level debug -- sh -c '
  setsid sh -c "trap \"\" TERM; sleep 0.3; echo 1 > /proc/sys/kernel/ns_last_pid; sh -c \"sleep 0.3; exit 0\" & exit 0" &
  sleep 0.1; exit 7'
assert_rc 7 "jvminit's exit status (0: the reused pid's status replaced the main child's)"
# The check means something only if pid 2 came round again: the old code logged that as the main child.
assert_file_contains "$ERR" "[jvminit debug] reaped pid 2: exited with code 0" "the log (pid 2 reused and reaped)"
ok "exit 7; $(grep -F 'reaped pid 2' "$ERR")"

# ------------------------------------------------------------------------------------------------
# x. Bad input found by the planner (an unmatched quote in JAVA_TOOL_OPTIONS) gave exit 2 and started
#    nothing, but only after the heap dump directory had been cleaned up: an old dump was deleted and a new
#    run directory made for a start that never came (found by a review).
check "x. JAVA_TOOL_OPTIONS with an unmatched quote and a heap dump directory: exit 2, the directory untouched"
old_run="$T/x-dumps/run-20260101T000000.000Z-1"
mkdir -p "$old_run" && echo dump >"$old_run/java_pid1.hprof"
JAVA_TOOL_OPTIONS='-Dx="unterminated' run_plain --heap-dump-dir "$T/x-dumps" --heap-dump-keep 1 -- "$T/program"
assert_rc 2 "exit status"
no_start "unmatched quote"
assert_file_contains "$ERR" "unmatched double quote" "the error"
assert_exists "$old_run/java_pid1.hprof" "the old dump"
assert_eq "run-20260101T000000.000Z-1" "$(ls "$T/x-dumps")" "the heap dump directory's entries"
ok "$(grep -F 'unmatched' "$ERR")"

# ------------------------------------------------------------------------------------------------
# y. The launcher expands an @argfile where it stands, but jvminit read every option file after the whole
#    command line: `java @args -XX:+HeapDumpOnOutOfMemoryError` with -XX:- in args was taken for "dumps
#    off", so the JVM dumped with no HeapDumpPath, to a name a restart repeats (found by a review).
check "y. java @args(-XX:-HeapDumpOnOutOfMemoryError) -XX:+HeapDumpOnOutOfMemoryError: the JVM dumps, and into DIR/run-STAMP"
printf -- '-XX:-HeapDumpOnOutOfMemoryError\n' >"$T/y.args"
run_pid1 --heap-dump-dir "$T/y-dumps" -- java "@$T/y.args" -XX:+HeapDumpOnOutOfMemoryError -XX:+PrintFlagsFinal -version
assert_rc 0 "exit status"
grep -qE '^ *bool +HeapDumpOnOutOfMemoryError += true ' "$OUT" ||
  fail "the JVM does not dump (the test's premise): $(grep -E ' HeapDumpOnOutOfMemoryError ' "$OUT")"
grep -qE "^ *ccstr +HeapDumpPath += $T/y-dumps/run-$STAMP_RE " "$OUT" ||
  fail "HeapDumpPath is not a run directory of $T/y-dumps: $(grep -E ' HeapDumpPath ' "$OUT")"
ok "$(grep -E ' HeapDumpPath ' "$OUT" | sed 's/  */ /g')"

# ------------------------------------------------------------------------------------------------
# z. Files the launcher expands that jvminit did not read: a -XX:VMOptionsFile named inside an @argfile,
#    and an @argfile given as -cp's value (found by a review: explain expected 75% of the RAM, the JVM took
#    the file's -Xmx).
check "z. java @a (naming a VM options file with -Xmx2g) and java -cp @c (holding -Xmx3g): explain's heap is the JVM's"
printf -- '-XX:VMOptionsFile=%s\n' "$T/z.vm" >"$T/z.args"
printf -- '-Xmx2g\n' >"$T/z.vm"
printf -- '%s -Xmx3g\n' "$APPS_DIR" >"$T/z.cp"
for form in "@$T/z.args" "-cp @$T/z.cp"; do
  # shellcheck disable=SC2086
  run_plain explain --json -- java $form -version
  assert_rc 0 "explain exit status ($form)"
  expected=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["expected_max_heap_bytes"])' "$OUT")
  # shellcheck disable=SC2086
  run_plain -- java $form -XX:+PrintFlagsFinal -version
  assert_rc 0 "exit status ($form)"
  jvm=$(sed -nE 's/^ *size_t +MaxHeapSize += ([0-9]+) .*/\1/p' "$OUT")
  assert_eq "$jvm" "$expected" "explain's expected heap against the JVM's MaxHeapSize ($form)"
done
ok "2 GiB and 3 GiB, as the JVM takes them"

say "pass"
