#!/usr/bin/env bash
# JAVA_TOOL_OPTIONS of the child (issue 2, behaviour 8; jvm facts on OOM and JAVA_TOOL_OPTIONS):
# the user's own value first and unchanged (a quoted space included), then what jvminit adds,
# -XX:+ExitOnOutOfMemoryError by default, never a flag the user already set. A heap OOM, in main or
# in a worker thread, then ends the JVM with exit code 3.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_jvminit
need_pidns
compile_apps

# jto_line: the JAVA_TOOL_OPTIONS value Hello printed in the last run.
jto_value() {
  local line
  line=$(grep -m1 '^JAVA_TOOL_OPTIONS=' "$OUT") || fail "Hello printed no JAVA_TOOL_OPTIONS line"
  printf '%s\n' "${line#JAVA_TOOL_OPTIONS=}"
}
# count_of NEEDLE TEXT: how many times NEEDLE occurs in TEXT.
count_of() { grep -oF -- "$1" <<<"$2" | wc -l; }

check "no user value: the JVM gets -XX:+ExitOnOutOfMemoryError"
run_pid1 -- java -cp "$APPS_DIR" Hello
assert_rc 0 "Hello's exit status"
v=$(jto_value)
assert_contains "$v" "-XX:+ExitOnOutOfMemoryError" "JAVA_TOOL_OPTIONS"
assert_eq 1 "$(count_of ExitOnOutOfMemoryError "$v")" "occurrences of ExitOnOutOfMemoryError in '$v'"
assert_file_contains "$OUT" "arg: -XX:+ExitOnOutOfMemoryError" "the JVM's input arguments"
ok "JAVA_TOOL_OPTIONS=$v"

check "Hello's exit code passes through (Hello 42 -> 42)"
run_pid1 -- java -cp "$APPS_DIR" Hello 42
assert_rc 42 "exit status"
ok "42"

check "a user value with a quoted space comes first, unchanged"
user='-Dgreeting="hello world"'
JAVA_TOOL_OPTIONS=$user run_pid1 -- java -cp "$APPS_DIR" Hello
assert_rc 0 "Hello's exit status"
v=$(jto_value)
[[ $v == "$user" || $v == "$user "* ]] || fail "JAVA_TOOL_OPTIONS does not start with the user's exact value followed by a space: '$v'"
assert_contains "$v" "-XX:+ExitOnOutOfMemoryError" "JAVA_TOOL_OPTIONS"
assert_file_contains "$OUT" "greeting=hello world" "Hello's properties"
grep -qx 'greeting=hello world' "$OUT" || fail "greeting property is not exactly 'hello world'"
ok "JAVA_TOOL_OPTIONS=$v"

check "a user value with several options and a single-quoted value is kept as is"
user="-Djvminit.a=1 -Djvminit.b='x  y' -Xss1m"
JAVA_TOOL_OPTIONS=$user run_pid1 -- java -cp "$APPS_DIR" Hello
assert_rc 0 "Hello's exit status"
v=$(jto_value)
[[ $v == "$user" || $v == "$user "* ]] || fail "JAVA_TOOL_OPTIONS does not start with the user's exact value: '$v'"
grep -qx 'jvminit.b=x  y' "$OUT" || fail "property jvminit.b is not 'x  y'"
grep -qx 'jvminit.a=1' "$OUT" || fail "property jvminit.a is not '1'"
ok "JAVA_TOOL_OPTIONS=$v"

check "a user -XX:+ExitOnOutOfMemoryError is not added again"
user='-XX:+ExitOnOutOfMemoryError'
JAVA_TOOL_OPTIONS=$user run_pid1 -- java -cp "$APPS_DIR" Hello
assert_rc 0 "Hello's exit status"
v=$(jto_value)
assert_eq 1 "$(count_of ExitOnOutOfMemoryError "$v")" "occurrences of ExitOnOutOfMemoryError in '$v'"
[[ $v == "$user" || $v == "$user "* ]] || fail "JAVA_TOOL_OPTIONS does not start with the user's value: '$v'"
ok "JAVA_TOOL_OPTIONS=$v"

check "a user -XX:-ExitOnOutOfMemoryError is respected: no + form added"
user='-XX:-ExitOnOutOfMemoryError'
JAVA_TOOL_OPTIONS=$user run_pid1 -- java -cp "$APPS_DIR" Hello
assert_rc 0 "Hello's exit status"
v=$(jto_value)
assert_not_contains "$v" "-XX:+ExitOnOutOfMemoryError" "JAVA_TOOL_OPTIONS"
assert_eq 1 "$(count_of ExitOnOutOfMemoryError "$v")" "occurrences of ExitOnOutOfMemoryError in '$v'"
ok "JAVA_TOOL_OPTIONS=$v"

check "an empty user value: the JVM gets only what jvminit adds, and starts"
JAVA_TOOL_OPTIONS='' run_pid1 -- java -cp "$APPS_DIR" Hello
assert_rc 0 "Hello's exit status"
v=$(jto_value)
assert_contains "$v" "-XX:+ExitOnOutOfMemoryError" "JAVA_TOOL_OPTIONS"
ok "JAVA_TOOL_OPTIONS=$v"

# With nothing to add, an empty JAVA_TOOL_OPTIONS must not be exported (the JVM would print
# "Picked up JAVA_TOOL_OPTIONS:" for nothing). Making the addition empty needs settings beyond
# issue 2 (the OOM flag turned off, and no heap sizing added when the user sized the heap).
if "$JVMINIT" --help 2>/dev/null | grep -q JVMINIT_ON_OOM; then
  for user in unset empty; do
    check "nothing to add (JVMINIT_ON_OOM=none, java -Xmx64m), user value $user: JAVA_TOOL_OPTIONS is not exported"
    if [[ $user == unset ]]; then
      JVMINIT_ON_OOM=none run_pid1 -- java -Xmx64m -cp "$APPS_DIR" Hello
    else
      JAVA_TOOL_OPTIONS='' JVMINIT_ON_OOM=none run_pid1 -- java -Xmx64m -cp "$APPS_DIR" Hello
    fi
    assert_rc 0 "Hello's exit status"
    v=$(jto_value)
    assert_eq "(unset)" "$v" "JAVA_TOOL_OPTIONS seen by the JVM"
    assert_file_not_contains "$ERR" "Picked up JAVA_TOOL_OPTIONS" "stderr"
    ok "unset"
  done
else
  skip_part "'an empty JAVA_TOOL_OPTIONS is never exported': no setting makes jvminit's addition empty (no JVMINIT_ON_OOM)"
fi
skip_part "'JAVA_TOOL_OPTIONS is set in the child's environment only': a variable jvminit sets in itself does not show in /proc/PID/environ, so it is not observable from outside"

check "the variable is the child's: the child of a non-Java program sees it too"
run_pid1 -- sh -c 'printf "%s\n" "JAVA_TOOL_OPTIONS=$JAVA_TOOL_OPTIONS"'
assert_rc 0 "exit status"
v=$(jto_value)
assert_contains "$v" "-XX:+ExitOnOutOfMemoryError" "JAVA_TOOL_OPTIONS of sh"
ok "JAVA_TOOL_OPTIONS=$v"

check "a variable set twice (a process that builds its own environment): jvminit and the child both take its last value, once"
# os.execve takes a mapping, which cannot hold a name twice: execve(2) is called through ctypes.
cat >"$T/dupenv.py" <<'PY'
import ctypes, sys
env = [e.encode() for e in sys.argv[1:sys.argv.index("--")]]
argv = [a.encode() for a in sys.argv[sys.argv.index("--") + 1:]]
arr = lambda items: (ctypes.c_char_p * (len(items) + 1))(*items, None)
ctypes.CDLL(None, use_errno=True).execve(argv[0], arr(argv), arr(env))
sys.exit("execve failed: errno %d" % ctypes.get_errno())
PY
_run "$RUN_TIMEOUT" python3 "$T/dupenv.py" "PATH=$PATH" JVMINIT_DEBUG=true JVMINIT_DEBUG_PORT=70000 \
  JVMINIT_DEBUG_PORT=6000 X_TWICE=first X_TWICE=last -- "$JVMINIT" -- /usr/bin/env
assert_rc 0 "exit status (70000 was overridden by the later 6000)"
assert_eq 1 "$(grep -c '^JVMINIT_DEBUG_PORT=' "$OUT")" "JVMINIT_DEBUG_PORT entries the child got"
assert_file_contains "$OUT" "JVMINIT_DEBUG_PORT=6000" "the child's environment"
assert_eq "X_TWICE=last" "$(grep '^X_TWICE=' "$OUT")" "the child's X_TWICE"
grep '^JAVA_TOOL_OPTIONS=' "$OUT" | grep -q 'address=\*:6000' ||
  fail "the JDWP agent does not use the last port: $(grep '^JAVA_TOOL_OPTIONS=' "$OUT")"
ok "$(grep -o 'address=[^, ]*' "$OUT"); X_TWICE=last once"

check "heap OOM in main: exit 3 and 'Terminating due to java.lang.OutOfMemoryError' on stdout"
run_pid1 -- java -Xmx32m -cp "$APPS_DIR" OomApp
assert_rc 3 "exit status"
assert_file_contains "$OUT" "Terminating due to java.lang.OutOfMemoryError" "stdout"
ok "3"

check "heap OOM in a worker thread: exit 3 too (without the flag the JVM would keep running)"
run_pid1 -- java -Xmx32m -cp "$APPS_DIR" OomApp thread
assert_rc 3 "exit status"
assert_file_contains "$OUT" "Terminating due to java.lang.OutOfMemoryError" "stdout"
ok "3"

say "pass"
