#!/usr/bin/env bash
# Bad input (issue 2, behaviour 10) and --help/--version (behaviour 1): each bad input gives exit
# status 2, one stderr line naming it (every problem of a run in one report, a line each), nothing on
# stdout, and nothing started.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_jvminit
need_pidns

marker=$T/started
program=(sh -c "touch '$marker'")

# run_with_env RUNNER NAME=VALUE...: the marker removed, then RUNNER (run_pid1 or run_plain) starts the program
# with those variables set.
run_with_env() {
  local runner=$1
  shift
  rm -f "$marker"
  RUN_ENV=("$@")
  "$runner" -- "${program[@]}"
  RUN_ENV=()
}

# expect_bad NEEDLE...: the last run was rejected as bad input; its stderr line names each NEEDLE.
expect_bad() {
  assert_rc 2 "exit status"
  local n
  n=$(nlines "$ERR")
  [[ $n == 1 ]] || fail "expected exactly one line on stderr, got $n"
  local needle
  for needle in "$@"; do assert_file_contains "$ERR" "$needle" "the stderr line"; done
  [[ ! -s $OUT ]] || fail "expected nothing on stdout"
  assert_absent "$marker" "marker of the program (it was started)"
  ok "$(cat "$ERR")"
}

check "unknown flag --no-such-flag"
rm -f "$marker"
run_pid1 --no-such-flag -- "${program[@]}"
expect_bad --no-such-flag

check "no program after --"
rm -f "$marker"
run_pid1 --
assert_rc 2 "exit status"
[[ $(nlines "$ERR") == 1 ]] || fail "expected exactly one line on stderr, got $(nlines "$ERR")"
ok "$(cat "$ERR")"

check "a setting flag without its value (--debug-port --): says what it takes"
rm -f "$marker"
run_pid1 --debug-port -- "${program[@]}"
expect_bad --debug-port
assert_file_contains "$ERR" "the value is missing: expected an integer from 1 to 65535" "stderr"

check "a setting flag that takes the subcommand as its value (--debug-port explain): one line, the value's, not also 'no PROGRAM given'"
rm -f "$marker"
run_pid1 --debug-port explain
expect_bad "--debug-port explain" "expected an integer from 1 to 65535"
assert_file_not_contains "$ERR" "no PROGRAM" "stderr"
# With a configuration file that cannot be read too: both lines (the file's stopped the flag's showing).
RUN_ENV=(JVMINIT_CONFIG="$T/no-such.toml")
run_pid1 --debug-port explain
RUN_ENV=()
assert_rc 2 "exit status with a missing JVMINIT_CONFIG file"
assert_eq 2 "$(nlines "$ERR")" "stderr lines: $(cat "$ERR")"
assert_file_contains "$ERR" "--debug-port explain: expected an integer from 1 to 65535" "stderr"
assert_file_contains "$ERR" "$T/no-such.toml: cannot read the configuration file" "stderr"
assert_file_not_contains "$ERR" "no PROGRAM" "stderr"

check "run-java.sh's and Paketo's names for one setting with different values: one line naming both, nothing started"
run_with_env run_pid1 JAVA_DEBUG_PORT=9000 BPL_DEBUG_PORT=9100
expect_bad JAVA_DEBUG_PORT=9000 BPL_DEBUG_PORT=9100 "set JVMINIT_DEBUG_PORT, which wins over both"

check "a Paketo boolean alias with a bad value: the accepted form includes t and f"
run_with_env run_pid1 BPL_DEBUG_ENABLED=maybe
expect_bad BPL_DEBUG_ENABLED maybe
assert_file_contains "$ERR" "expected true, false, t, f, 1, 0, yes or no" "stderr"

for setting in JVMINIT_DEBUG=maybe JVMINIT_DEBUG_PORT=abc JVMINIT_DEBUG_PORT=70000 JVMINIT_DEBUG_PORT=0 \
  JVMINIT_DEBUG_PORT=-1 JVMINIT_STOP_TIMEOUT=forever JVMINIT_STOP_TIMEOUT=-5s; do
  check "bad setting $setting"
  run_with_env run_pid1 "$setting"
  expect_bad "${setting%%=*}" "${setting#*=}"
done

check "a misspelt word of a setting that takes one of a few: a did-you-mean; 'warning' is a log level"
run_with_env run_pid1 JVMINIT_ON_OOM=crahs
expect_bad JVMINIT_ON_OOM=crahs "expected exit, crash or none; did you mean crash?"
run_with_env run_pid1 JVMINIT_LOG_LEVEL=DEBGU
expect_bad JVMINIT_LOG_LEVEL=DEBGU "did you mean debug?"
run_with_env run_pid1 JVMINIT_LOG_LEVEL=warning
assert_rc 0 "exit status with JVMINIT_LOG_LEVEL=warning"
assert_exists "$marker" "marker of the program"
assert_file_not_contains "$ERR" "[jvminit info]" "stderr at level warning"
ok "crahs and DEBGU refused with a hint; warning taken as warn"

check "bad input is rejected the same way when jvminit is not PID 1"
run_with_env run_plain JVMINIT_DEBUG_PORT=abc
expect_bad JVMINIT_DEBUG_PORT abc

# Every problem at once: an unknown option and the faults of the file --config names, in one report (the
# file's were missing: the report re-read the settings without the command line's --config).
check "--config BAD.toml --stop-timeout=forever --bogus: the unknown option, the file's two faults and the flag's, exit 2, nothing started"
rm -f "$marker"
printf '[debug]\nport = 70000\n[stop]\ntimeout = 10\n' >"$T/bad.toml"
run_pid1 --config "$T/bad.toml" --stop-timeout=forever --bogus -- "${program[@]}"
assert_rc 2 "exit status"
assert_absent "$marker" "marker of the program"
assert_file_contains "$ERR" "unknown option --bogus" "the report"
assert_file_contains "$ERR" "bad.toml:2:1: [debug] port = 70000" "the report"
assert_file_contains "$ERR" "bad.toml:4:1: [stop] timeout" "the report"
assert_file_contains "$ERR" "--stop-timeout forever: expected a whole number with a unit" "the report"
ok "$(grep -c '^\[jvminit error\]' "$ERR") error lines"

# The accepted forms must not be rejected (the program runs and exits 0).
for setting in JVMINIT_DEBUG=true JVMINIT_DEBUG=false JVMINIT_DEBUG=1 JVMINIT_DEBUG=0 \
  JVMINIT_DEBUG=yes JVMINIT_DEBUG=no JVMINIT_DEBUG_PORT=1 JVMINIT_DEBUG_PORT=65535 \
  JVMINIT_STOP_TIMEOUT=500ms JVMINIT_STOP_TIMEOUT=10s JVMINIT_STOP_TIMEOUT=2m \
  JVMINIT_LOG_LEVEL=trace JVMINIT_LOG_LEVEL=debug JVMINIT_LOG_LEVEL=info JVMINIT_LOG_LEVEL=warn \
  JVMINIT_LOG_LEVEL=error JVMINIT_LOG_LEVEL=off; do
  check "accepted setting $setting"
  run_with_env run_pid1 "$setting"
  assert_rc 0 "exit status with $setting"
  assert_exists "$marker" "marker of the program"
  ok "runs"
done

check "--help exits 0 and prints usage"
run_plain --help
assert_rc 0 "exit status of --help"
grep -qi 'usage' "$OUT" || fail "--help printed no usage on stdout"
assert_file_contains "$OUT" "jvminit" "--help output"
ok "$(head -n 1 "$OUT")"

check "an unknown option before --help is bad input (exit 2, nothing printed on stdout), as getopt(3) reads options in order"
run_plain --bogus --help
assert_rc 2 "exit status of --bogus --help"
[[ ! -s $OUT ]] || fail "--bogus --help printed on stdout: $(head -n 2 "$OUT")"
grep -q '^\[jvminit error\] unknown option --bogus ' "$ERR" || fail "no error line naming --bogus: $(cat "$ERR")"
ok "$(head -n 1 "$ERR")"

check "--version exits 0 and prints 'jvminit <version>' (the project version)"
run_plain --version
assert_rc 0 "exit status of --version"
version=$(sed -n 's/^project(jvminit VERSION \([0-9.]*\).*/\1/p' "$JVMINIT_SOURCE_DIR/CMakeLists.txt")
first=$(head -n 1 "$OUT")
if [[ -n $version ]]; then
  assert_eq "jvminit $version" "$first" "first line of --version"
else
  [[ $first =~ ^jvminit\ [0-9]+\.[0-9]+ ]] || fail "--version printed '$first'"
fi
ok "$first"

check "help, version and explain that cannot be written (stdout a full disk) exit 1 with the reason, not 0"
# They are written with stdio (jvminit has no iostreams): a failed write or flush must not pass unnoticed.
if [[ -w /dev/full ]]; then
  for args in "--help" "--version" "explain -- /bin/true" "explain --json -- /bin/true"; do
    # shellcheck disable=SC2086
    rc=0; "$JVMINIT" $args >/dev/full 2>"$T/full.err" || rc=$?
    [[ $rc == 1 ]] || fail "jvminit $args >/dev/full: exit $rc, expected 1"
    grep -q '^\[jvminit error\] cannot write to standard output: No space left on device$' "$T/full.err" ||
      fail "jvminit $args >/dev/full: no error line naming the cause: $(cat "$T/full.err")"
  done
  ok "exit 1 and '$(tail -n 1 "$T/full.err")'"
else
  skip_part "no writable /dev/full here"
fi
# A pipe whose reader is gone (`jvminit --help | true`): exit 1 and the reason, not death by SIGPIPE (141).
# The reader is closed before jvminit starts, and SIGPIPE has its default action in it (Python restores it).
for args in "--help" "--version" "explain -- /bin/true"; do
  # shellcheck disable=SC2086
  got=$(python3 - "$JVMINIT" $args <<'PY'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run(sys.argv[1:], stdout=w, stderr=subprocess.PIPE)
print(p.returncode, p.stderr.decode().strip().splitlines()[-1] if p.stderr.strip() else "")
PY
  )
  [[ $got == "1 [jvminit error] cannot write to standard output: Broken pipe" ]] ||
    fail "jvminit $args into a pipe without reader: got '$got', expected exit 1 and the Broken pipe line"
done
ok "into a pipe without reader: $got"
# Bad input reported into such a pipe (`jvminit --bogus 2>&1 | true`) still exits 2, not 141.
got=$(python3 - "$JVMINIT" --bogus <<'PY'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
print(subprocess.run(sys.argv[1:], stdout=w, stderr=w).returncode)
PY
)
assert_eq 2 "$got" "exit status of --bogus with stdout and stderr a pipe without reader"

check "a flag given twice, its first value bad: bad input, though the last value is good"
rm -f "$marker"
run_pid1 --stop-timeout=10 --stop-timeout 30s -- "${program[@]}"
expect_bad "--stop-timeout 10" "expected a whole number with a unit"

check "a PROGRAM that cannot run and bad input besides: one report with both lines, exit 2, nothing created"
# The run stopped at the program (127) and said the bad input only once the program was fixed: two rounds
# for a user. Now the rest is checked as explain checks it, creating nothing, and both lines come at once.
missing=jvminit-no-such-program-$$
mkdir -p "$T/dumps-both"
RUN_ENV=("JAVA_TOOL_OPTIONS=-Dx='unclosed" "JVMINIT_HEAP_DUMP_DIR=$T/dumps-both")
run_pid1 -- "$missing"
RUN_ENV=()
assert_rc 2 "exit status (bad input wins over 127)"
assert_eq 2 "$(nlines "$ERR")" "lines on stderr"
assert_eq "PROGRAM '$missing': not found" "$(sed -n '1s/^\[jvminit error\] \(.*\) (PATH=.*$/\1/p' "$ERR")" "first line: the program's"
sed -n 2p "$ERR" | grep -qF "JAVA_TOOL_OPTIONS" || fail "second line: not the JAVA_TOOL_OPTIONS one: $(cat "$ERR")"
assert_eq "" "$(ls -A "$T/dumps-both")" "the heap dump directory (nothing may be created in it)"
# Bad settings (a variable, a flag) with it: the program's line first as well, for a run and for explain.
for cmd in run explain; do
  sub=()
  [[ $cmd == explain ]] && sub=(explain)
  RUN_ENV=(JVMINIT_DEBUG_PORT=99999)
  run_pid1 --stop-timeout=soon "${sub[@]}" -- "$missing"
  RUN_ENV=()
  assert_rc 2 "$cmd: exit status"
  assert_eq 3 "$(nlines "$ERR")" "$cmd: lines on stderr"
  sed -n 1p "$ERR" | grep -qF "PROGRAM '$missing': not found" || fail "$cmd: first line not the program's: $(cat "$ERR")"
  grep -qF "JVMINIT_DEBUG_PORT=99999" "$ERR" || fail "$cmd: no line for the variable: $(cat "$ERR")"
  grep -qF -- "--stop-timeout soon" "$ERR" || grep -qF -- "--stop-timeout=soon" "$ERR" ||
    fail "$cmd: no line for the flag: $(cat "$ERR")"
done
# A bad command line (an unknown option) with a PROGRAM after `--` that cannot run: the
# program's line first as well (a trial: only the option's line came, then 127 once it was fixed).
run_pid1 --bogus -- "$missing"
assert_rc 2 "an unknown option with a PROGRAM not found"
assert_eq 2 "$(nlines "$ERR")" "lines on stderr (the program's, --bogus's)"
sed -n 1p "$ERR" | grep -qF "PROGRAM '$missing': not found" || fail "first line not the program's: $(cat "$ERR")"
sed -n 2p "$ERR" | grep -qF -- "--bogus" || fail "second line not --bogus's: $(cat "$ERR")"
# `--debug-port 0 --`: nothing after `--`, so PROGRAM is missing, not taken by the flag: both lines (a trial).
run_pid1 --debug-port 0 --
assert_rc 2 "a bad port and no PROGRAM after --"
assert_eq 2 "$(nlines "$ERR")" "lines on stderr (no PROGRAM, the port)"
grep -qF "no PROGRAM given" "$ERR" || fail "no 'no PROGRAM given' line: $(cat "$ERR")"
# Bad settings with a JAVA_TOOL_OPTIONS the JVM refuses and a heap dump directory that cannot be made: all at once
# (a trial: prepare ran only once the settings were good, and stopped at its first problem), for a run, for
# explain and for a bad command line, and nothing made.
touch "$T/a-file"
RUN_ENV=(JVMINIT_DEBUG_PORT=x "JAVA_TOOL_OPTIONS=-Dx='unclosed" "JVMINIT_HEAP_DUMP_DIR=$T/a-file/dumps")
for args in "-- $missing" "explain -- $missing" "--bogus -- $missing"; do
  # shellcheck disable=SC2086
  run_pid1 $args
  assert_rc 2 "$args: exit status"
  sed -n 1p "$ERR" | grep -qF "PROGRAM '$missing': not found" || fail "$args: first line not the program's: $(cat "$ERR")"
  for needle in "JVMINIT_DEBUG_PORT=x" "heap dump directory $T/a-file/dumps" "JAVA_TOOL_OPTIONS: unmatched single quote"; do
    grep -qF -- "$needle" "$ERR" || fail "$args: no line with '$needle': $(cat "$ERR")"
  done
  [[ $args != --bogus* ]] || grep -qF -- "--bogus" "$ERR" || fail "$args: no line for --bogus: $(cat "$ERR")"
  assert_eq "$(sort "$ERR" | uniq -d)" "" "$args: repeated lines"
done
RUN_ENV=()
# A directory given first and replaced by a refused value is not checked: the user replaced it (a review).
run_pid1 --heap-dump-dir="$T/a-file/dumps" --heap-dump-dir=relative -- true
assert_rc 2 "a replaced directory and a refused one"
assert_eq 1 "$(nlines "$ERR")" "lines on stderr (the refused value's only)"
grep -qF -- "--heap-dump-dir relative" "$ERR" || fail "no line for the refused value: $(cat "$ERR")"
# PROGRAM begins at a word (sh): a later `--` is sh's argument, and no 'y' is looked up (a review).
run_pid1 --debug={} sh -c 'echo hi' -- y
assert_rc 2 "a bad flag before a PROGRAM without --"
assert_file_not_contains "$ERR" "PROGRAM 'y'" "stderr"
# Settings good: the directory's problem and the JAVA_TOOL_OPTIONS' together (prepare said the first only).
run_with_env run_pid1 "JAVA_TOOL_OPTIONS=-Dx='unclosed" "JVMINIT_HEAP_DUMP_DIR=$T/a-file/dumps"
assert_rc 2 "a directory that cannot be made and a bad JAVA_TOOL_OPTIONS"
assert_eq 2 "$(nlines "$ERR")" "lines on stderr (the directory's, JAVA_TOOL_OPTIONS')"
assert_absent "$marker" "marker of the program (it was started)"
# Without bad input, a PROGRAM not found is 127, one line, as before.
run_pid1 -- "$missing"
assert_rc 127 "a PROGRAM not found alone"
assert_eq 1 "$(nlines "$ERR")" "lines on stderr for a PROGRAM not found alone"
ok "the program's line, then the bad input's, exit 2; a PROGRAM not found alone: 127"

check "a PROGRAM name that is not UTF-8: its bytes escaped in the line (printed raw before), UTF-8 kept"
run_pid1 -- $'no-such-caf\xe9-\xc3\xa9'
assert_rc 127 "exit status"
grep -qF "PROGRAM 'no-such-caf\\xE9-"$'\xc3\xa9'"': not found" "$ERR" || fail "not escaped as expected: $(cat -v "$ERR")"
python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$ERR" || fail "stderr is not UTF-8"
ok "$(cat "$ERR")"
# The log lines of a run escape them too (a trial: the start and end lines held the raw bytes, and a newline
# in the name split each in two).
odd=$T/$'prog\xff\xc2\x9b\nend'
printf '#!/bin/sh\nexit 0\n' >"$odd"
chmod +x "$odd"
run_pid1 -- "$odd"
assert_rc 0 "exit status of the oddly named program"
assert_eq "" "$(grep -v '^\[jvminit ' "$ERR")" "log lines not starting with [jvminit (a line split in two)"
grep -qF 'prog\xFF\xC2\x9B\nend (pid' "$ERR" || fail "the name is not escaped in the log: $(cat -v "$ERR")"
python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$ERR" || fail "the log is not UTF-8"
ok "$(head -1 "$ERR")"

say "pass"
