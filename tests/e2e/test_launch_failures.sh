#!/usr/bin/env bash
# PROGRAM found but not started (README "Exit codes"; found by a fresh user): each cause gets its exit code
# and one error line that names it, and nothing runs.
#  - a script with Windows line endings: its #! line names "/bin/sh\r", which cannot exist: 127;
#  - arguments and environment too large for execve(2) (E2BIG), here JAVA_TOOL_OPTIONS past 128 KiB with
#    jvminit's additions: 126, naming the variable;
#  - no new process at all (the container's pids limit: vfork gives EAGAIN), in a real pids cgroup: 1,
#    jvminit's own failure, not "PROGRAM cannot be executed".
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_jvminit
need_cmd awk head tr

need_default_settings
MARKER=$T/ran
one_error_line() { assert_eq 1 "$(grep -c '^\[jvminit error\]' "$ERR" || true)" "error lines"; }

check "a script saved with CRLF line endings: 127, the line names the carriage return"
printf '#!/bin/sh\r\necho ran > %s\r\n' "$MARKER" >"$T/crlf.sh"
chmod +x "$T/crlf.sh"
run_plain -- "$T/crlf.sh"
assert_rc 127 "exit status"
one_error_line
assert_file_contains "$ERR" "its #! line ends in a carriage return, Windows line endings: the kernel looks for an interpreter named '/bin/sh\\r'" "the error"
assert_absent "$MARKER" "the script's output"
ok "$(cat "$ERR")"

check "JAVA_TOOL_OPTIONS past execve's 128 KiB per string: 126, the line names the variable"
big="-Dbig=$(head -c 131000 /dev/zero | tr '\0' a)"
RUN_ENV=("JAVA_TOOL_OPTIONS=$big")
run_plain -- sh -c "echo ran > '$MARKER'"
RUN_ENV=()
assert_rc 126 "exit status"
one_error_line
assert_file_contains "$ERR" "Argument list too long (JAVA_TOOL_OPTIONS is" "the error"
assert_file_contains "$ERR" "bytes; execve(2) takes at most 131071 per argument or variable)" "the error"
assert_absent "$MARKER" "the program's output"
ok "$(cut -c1-160 "$ERR")"

check "a launch that fails changes nothing on disk: no old dump deleted, no run directory or GC lock file left"
# Found by a fresh user: the clean-up ran before the launch, so a failed start deleted old dumps (down to
# keep-1) and left its empty run directory. It now waits for the launch.
dumps=$T/dumps
gcs=$T/gcs
mkdir -p "$dumps/run-20250101T000001.000Z-1" "$dumps/run-20250101T000002.000Z-1" "$gcs"
echo x >"$dumps/run-20250101T000001.000Z-1/java_pid1.hprof"
echo x >"$dumps/run-20250101T000002.000Z-1/java_pid2.hprof"
before=$(cd "$T" && find dumps gcs | sort)
run_plain --heap-dump-dir "$dumps" --heap-dump-keep 1 --gc-log --gc-log-dir "$gcs" -- "$T/crlf.sh"
assert_rc 127 "exit status (CRLF script)"
one_error_line
assert_eq "$before" "$(cd "$T" && find dumps gcs | sort)" "the dump and GC log directories"
assert_file_not_contains "$ERR" "deleted" "jvminit's log"
# The same start with a program that runs: the clean-up happens then.
run_plain --heap-dump-dir "$dumps" --heap-dump-keep 1 -- true
assert_rc 0 "exit status (true)"
assert_eq 0 "$(cd "$dumps" && find . -name '*.hprof' | grep -c . || true)" "dumps left with keep 1 after a start"
assert_file_contains "$ERR" "deleted old heap dump" "jvminit's log"
ok "untouched after 127; the next start that runs cleaned up"

check "no new process (pids.max 1 in a real pids cgroup): exit 1, not 'cannot be executed'"
make_test_cgroup pids # lib.sh; skips the rest where no pids cgroup can be made
echo 1 >"$CG/pids.max" || skip "cannot set pids.max in $CG"
run_in_cgroup -- sh -c "echo ran > '$MARKER'"
assert_rc 1 "exit status"
one_error_line
assert_file_contains "$ERR" "no new process: Resource temporarily unavailable (a pids limit of the container, or memory)" "the error"
assert_file_not_contains "$ERR" "cannot be executed" "the error"
assert_absent "$MARKER" "the program's output"
ok "$(cat "$ERR")"

say "pass"
