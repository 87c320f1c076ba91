#!/usr/bin/env bash
# Exit status of jvminit (issue 2, behaviour 1; pid1-behaviour.md scenario 2):
# the child's exit code 0..255 passes through, death by signal N gives 128+N, a program that is not
# found gives 127 and one that cannot be executed 126, each with one stderr line naming it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_jvminit
need_pidns

check "exit codes 0..255 of 'sh -c \"exit N\"' pass through jvminit as PID 1"
bad=()
for n in $(seq 0 255); do
  run_pid1 -- sh -c "exit $n"
  [[ $RC == "$n" ]] || bad+=("exit $n gave $RC")
  if ((${#bad[@]} >= 5)); then break; fi
done
((${#bad[@]} == 0)) || fail "wrong exit statuses: ${bad[*]}"
ok "256 codes"

check "exit codes pass through when jvminit is not PID 1"
for n in 0 1 7 42 126 127 128 255; do
  run_plain -- sh -c "exit $n"
  assert_rc "$n" "not PID 1, 'exit $n'"
done
ok "0 1 7 42 126 127 128 255"

check "a parent that left SIGCHLD ignored: the status still passes through, at once, and the child gets SIGCHLD's default"
# Found by a trial: SIG_IGN survives execve, so the kernel reaped the child unseen and jvminit waited for ever.
# shellcheck disable=SC2016
IGNORE_CHLD='import os, signal, sys; signal.signal(signal.SIGCHLD, signal.SIG_IGN); os.execvp(sys.argv[1], sys.argv[1:])'
for where in pid1 plain; do
  if [[ $where == pid1 ]]; then
    _run 20 unshare --pid --fork --mount-proc --kill-child python3 -c "$IGNORE_CHLD" "$JVMINIT" -- sh -c 'grep SigIgn /proc/self/status; exit 3'
  else
    _run 20 python3 -c "$IGNORE_CHLD" "$JVMINIT" -- sh -c 'grep SigIgn /proc/self/status; exit 3'
  fi
  assert_rc 3 "exit status ($where)"
  ignored=$(sed -n 's/^SigIgn:[[:space:]]*//p' "$OUT")
  [[ -n $ignored ]] || fail "no SigIgn line from the child ($where)"
  (((16#$ignored & 0x10000) == 0)) || fail "the child has SIGCHLD ignored ($where): SigIgn $ignored"
done
ok "3 as PID 1 and not; the child's SigIgn $ignored"

check "death by signal N gives 128+N"
for sig in TERM:15 KILL:9 SEGV:11 INT:2 HUP:1 ABRT:6 USR1:10 QUIT:3; do
  name=${sig%%:*} num=${sig##*:}
  run_pid1 -- sh -c "kill -$name \$\$; sleep 5"
  assert_rc $((128 + num)) "child killed by SIG$name"
  ok "SIG$name -> $RC"
done

# A missing or non-executable program: the status, and exactly one line on stderr, naming it.
expect_one_line_naming() { # NAME
  local n
  n=$(nlines "$ERR")
  [[ $n == 1 ]] || fail "expected exactly one line on stderr, got $n"
  assert_file_contains "$ERR" "$1" "the stderr line"
  [[ ! -s $OUT ]] || fail "expected nothing on stdout"
}

check "a program not found on PATH gives 127 and one stderr line naming it"
missing=jvminit-no-such-program-$$
run_pid1 -- "$missing" --some-arg
assert_rc 127 "program not on PATH"
expect_one_line_naming "$missing"
ok "$(cat "$ERR")"

check "a missing absolute path gives 127 and one stderr line naming it"
run_pid1 -- "$T/no/such/dir/prog"
assert_rc 127 "missing absolute path"
expect_one_line_naming "$T/no/such/dir/prog"
ok "$(cat "$ERR")"

check "the same when jvminit is not PID 1"
run_plain -- "$missing"
assert_rc 127 "program not on PATH, not PID 1"
expect_one_line_naming "$missing"
ok "127"

check "a file without execute permission gives 126 and one stderr line naming it"
printf '#!/bin/sh\ntouch %s/ran\n' "$T" >"$T/not-executable"
chmod 0644 "$T/not-executable"
run_pid1 -- "$T/not-executable"
assert_rc 126 "non-executable file"
expect_one_line_naming "$T/not-executable"
assert_absent "$T/ran" "marker of the non-executable script"
ok "$(cat "$ERR")"

check "PROGRAM below a directory its user may not search gives 126 and 'Permission denied', as execvp does (not 127 'not found')"
# Found by a trial: the lookup took the failed stat(2) for "not there".
if command -v setpriv >/dev/null; then
  locked=$T/locked
  mkdir -p "$locked" && cp "$(type -P true)" "$locked/prog" && chmod 700 "$locked"
  chmod o+x "$T" # the test directory itself stays searchable for 65534
  for program in prog "$locked/prog"; do
    _run 20 setpriv --reuid=65534 --regid=65534 --clear-groups env PATH="$locked:/usr/bin:/bin" "$JVMINIT" -- "$program"
    assert_rc 126 "$program below an unsearchable directory"
    expect_one_line_naming "$locked/prog"
    assert_file_contains "$ERR" "Permission denied" "the error"
  done
  ok "$(cat "$ERR")"
else
  skip_part "no setpriv"
fi

check "a directory as program gives 126 and one stderr line naming it"
mkdir "$T/a-directory"
run_pid1 -- "$T/a-directory"
assert_rc 126 "directory as program"
expect_one_line_naming "$T/a-directory"
ok "$(cat "$ERR")"

say "pass"
