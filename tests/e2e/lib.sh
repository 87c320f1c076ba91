# shellcheck shell=bash
# Shared helpers for the end-to-end tests. Each tests/e2e/test_*.sh starts with
#
#     source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Environment (set by CTest, see tests/CMakeLists.txt; defaults for a manual run):
#   JVMINIT             the binary under test         (default: $JVMINIT_SOURCE_DIR/build/jvminit)
#   JVMINIT_SOURCE_DIR  the source tree               (default: two levels above this file)
#   JVMINIT_BUILD_DIR   the build tree; compiled sample apps are cached in $JVMINIT_BUILD_DIR/apps
#
# Conventions: a test prints what it checks ("check: ..."), exits 0 on pass, 1 on failure
# ("FAIL: ..."), 77 on skip ("skip: <reason>"). Every process a test starts runs under `timeout`
# and is SIGKILLed by the EXIT trap, so a test never hangs and never leaves anything behind.
#
# Running processes:
#   run_pid1 ARGS...     jvminit ARGS... as PID 1 of a new pid namespace, in the foreground
#   run_plain ARGS...    jvminit ARGS... as a plain process (not PID 1)
#       both set RC (exit status), OUT and ERR (files with stdout and stderr); stdin is $RUN_STDIN
#       (default /dev/null); bounded by $RUN_TIMEOUT seconds (default 60): a timeout fails the test.
#       Settings: VAR=value run_pid1 ..., or NAME=VALUE words in the array RUN_ENV.
#   start_pid1 ARGS... / start_plain ARGS...
#       the same in the background; they set BG_PID (the launcher), INIT_PID (jvminit's pid as seen
#       from here), OUT and ERR. Then: signal_init SIG, wait_done (sets RC), child_pids, ...
#
# PID 1 runs use `unshare --pid --fork --mount-proc --kill-child "$JVMINIT" ARGS...`. unshare --fork
# forks: its child is the namespace's PID 1, found from here as the descendant whose /proc/PID/exe is
# the jvminit binary. --kill-child makes jvminit die (and with it the whole namespace) if unshare is
# killed, e.g. by the `timeout` bound. Every run starts with default signal dispositions
# (`env --default-signal`): bash starts background jobs with SIGINT and SIGQUIT ignored, and an
# ignored signal cannot be trapped by a shell child, which would falsify the signal tests.

set -euo pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TEST_NAME=$(basename "$0" .sh)
: "${JVMINIT_SOURCE_DIR:=$(cd "$E2E_DIR/../.." && pwd)}"
: "${JVMINIT:=$JVMINIT_SOURCE_DIR/build/jvminit}"
# jvminit rejects unknown JVMINIT_* variables (a typo must not go unnoticed), so CTest's
# JVMINIT_SOURCE_DIR and JVMINIT_BUILD_DIR stay shell variables here and never reach a run.
export -n JVMINIT_SOURCE_DIR
if [[ -n ${JVMINIT_BUILD_DIR+set} ]]; then export -n JVMINIT_BUILD_DIR; fi

# Settings a developer may have exported must not leak into the runs: each test sets what it needs.
while read -r _name; do
  case $_name in JVMINIT_SOURCE_DIR | JVMINIT_BUILD_DIR) ;; *) unset "$_name" ;; esac
done < <(compgen -e | grep '^JVMINIT_' || true)
unset _name JAVA_TOOL_OPTIONS JDK_JAVA_OPTIONS _JAVA_OPTIONS
ulimit -c 0 # the signal tests kill shells with SIGSEGV/SIGABRT: no core files

# need_default_settings [WHAT]: skips the test when /etc/jvminit/jvminit.toml exists: it would change WHAT
# (the defaults) under test. The caller's JVMINIT_* variables are unset above already.
need_default_settings() {
  [[ ! -e /etc/jvminit/jvminit.toml ]] || skip "/etc/jvminit/jvminit.toml exists and would change the ${1:-defaults} under test"
}

RUN_TIMEOUT=${RUN_TIMEOUT:-60}
RUN_STDIN=${RUN_STDIN:-/dev/null}
RUN_ENV=() # extra NAME=VALUE settings for the runs (besides the test's own environment)
RC=
OUT=
ERR=
BG_PID=
INIT_PID=
_RUN_N=0
_CLEANUP_PIDS=()

T=$(mktemp -d "${TMPDIR:-/tmp}/jvminit-e2e.$TEST_NAME.XXXXXX")

# ---------------------------------------------------------------------------------------------
# Reporting

say() { printf '%s\n' "$*"; }
check() { printf 'check: %s\n' "$*"; }
ok() { printf '  ok: %s\n' "$*"; }
skip() {
  printf 'skip: %s\n' "$*"
  exit 77
}
# A part of a test that cannot be checked (yet); the rest of the test still runs.
skip_part() { printf '  skip-part: %s\n' "$*"; }

# Prints the last run's output files (bounded) to help diagnose a failure.
dump_run() {
  local f
  for f in "$OUT" "$ERR"; do
    [[ -n $f && -f $f ]] || continue
    printf -- '--- %s (last 40 lines) ---\n' "$(basename "$f")"
    tail -n 40 "$f" | sed 's/^/  | /'
  done
}

fail() {
  printf 'FAIL: %s\n' "$*"
  dump_run
  exit 1
}

# ---------------------------------------------------------------------------------------------
# Assertions

assert_eq() { # EXPECTED ACTUAL [WHAT]
  [[ $1 == "$2" ]] || fail "${3:-value}: expected '$1', got '$2'"
}
assert_ne() { # UNEXPECTED ACTUAL [WHAT]
  [[ $1 != "$2" ]] || fail "${3:-value}: expected anything but '$1'"
}
assert_contains() { # HAYSTACK NEEDLE [WHAT]   (fixed string)
  [[ $1 == *"$2"* ]] || fail "${3:-text} does not contain '$2'; it is: '$1'"
}
assert_not_contains() { # HAYSTACK NEEDLE [WHAT]
  [[ $1 != *"$2"* ]] || fail "${3:-text} contains '$2' but must not; it is: '$1'"
}
assert_file_contains() { # FILE NEEDLE [WHAT]  (fixed string, any line)
  grep -qF -- "$2" "$1" || fail "${3:-$(basename "$1")} has no line containing '$2'"
}
assert_file_not_contains() { # FILE NEEDLE [WHAT]
  ! grep -qF -- "$2" "$1" || fail "${3:-$(basename "$1")} has a line containing '$2' but must not"
}
assert_exists() { # PATH [WHAT]
  [[ -e $1 ]] || fail "${2:-file} $1 does not exist"
}
assert_absent() { # PATH [WHAT]
  [[ ! -e $1 ]] || fail "${2:-file} $1 exists but must not"
}
assert_rc() { # EXPECTED [WHAT]: checks RC of the last run
  [[ $RC == "$1" ]] || fail "${2:-exit status}: expected $1, got $RC"
}
# Number of non-empty lines in a file.
nlines() { grep -c . "$1" || true; }

# ---------------------------------------------------------------------------------------------
# Preconditions

need_cmd() {
  local c
  for c in "$@"; do command -v "$c" >/dev/null 2>&1 || skip "'$c' is not installed"; done
}

need_jvminit() {
  [[ -x $JVMINIT ]] || fail "jvminit binary not found or not executable: $JVMINIT (build it first)"
  JVMINIT_REAL=$(readlink -f "$JVMINIT")
}

need_pidns() {
  need_cmd unshare nsenter timeout env pgrep ps
  unshare --pid --fork --mount-proc --kill-child true >/dev/null 2>&1 ||
    skip "cannot create a pid namespace here (unshare --pid --fork --mount-proc fails; needs root or user namespaces)"
}

# ---------------------------------------------------------------------------------------------
# Time and polling

now_ms() { date +%s%3N; }

# wait_until SECONDS CMD...: polls CMD every 20 ms until it succeeds; returns 1 after SECONDS.
wait_until() {
  local limit_ms=$(($(now_ms) + ${1%.*} * 1000)) # whole seconds
  shift
  until "$@"; do
    (($(now_ms) < limit_ms)) || return 1
    sleep 0.02
  done
}

# file_has_line FILE ERE: a line of FILE matches the extended regex.
file_has_line() { [[ -f $1 ]] && grep -qE -- "$2" "$1"; }

# wait_for_line FILE ERE [SECONDS=30]: fails the test unless a line matching ERE appears in FILE.
wait_for_line() {
  wait_until "${3:-30}" file_has_line "$1" "$2" && return 0
  if [[ $1 != "$OUT" && $1 != "$ERR" && -f $1 ]]; then  # dump_run shows those two
    printf -- '--- %s (last 40 lines) ---\n' "$(basename "$1")"
    tail -n 40 "$1" | sed 's/^/  | /'
  fi
  fail "no line matching /$2/ in $(basename "$1") within ${3:-30} s"
}

# ---------------------------------------------------------------------------------------------
# Processes (all pids are as seen from the test, i.e. in the initial pid namespace)

# proc_state PID: one-letter state (R, S, D, T, Z, ...) or empty if gone.
proc_state() {
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  s=${s##*) }
  printf '%s\n' "${s%% *}"
}

# proc_stat_field PID N: field N of /proc/PID/stat (N >= 3, counting as in proc(5)).
proc_stat_field() {
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  s=${s##*) }
  local -a f
  read -r -a f <<<"$s"
  printf '%s\n' "${f[$(($2 - 3))]}"
}

# is_running PID: exists and is not a zombie.
is_running() {
  local s
  s=$(proc_state "$1")
  [[ -n $s && $s != Z ]]
}

is_gone() { ! is_running "$1"; }

# cmdline PID: the command line with spaces between arguments.
cmdline() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | sed 's/ $//' || true; }

# descendants PID: every descendant pid of PID, breadth first (parents before children).
descendants() {
  local -a queue=("$1")
  local p c
  while ((${#queue[@]})); do
    p=${queue[0]}
    queue=("${queue[@]:1}")
    for c in $(pgrep -P "$p" 2>/dev/null || true); do
      printf '%s\n' "$c"
      queue+=("$c")
    done
  done
}

# child_pids PID: direct children of PID.
child_pids() { pgrep -P "$1" 2>/dev/null || true; }

# find_init ROOT: prints the pid of the jvminit process among ROOT and its descendants (the first
# one whose executable is the jvminit binary; its own forked children come later in the walk).
find_init() {
  local root=$1 p limit_ms=$(($(now_ms) + 10000))
  while :; do
    for p in "$root" $(descendants "$root"); do
      if [[ $(readlink "/proc/$p/exe" 2>/dev/null) == "$JVMINIT_REAL" ]]; then
        printf '%s\n' "$p"
        return 0
      fi
    done
    is_running "$root" || return 1
    (($(now_ms) < limit_ms)) || return 1
    sleep 0.01
  done
}

# kill_tree PID: SIGKILL PID and all its descendants.
kill_tree() {
  local -a pids
  mapfile -t pids < <(descendants "$1")
  kill -KILL "$1" "${pids[@]}" 2>/dev/null || true
}

# ns_pids PID: pids (as seen from here) of every process in the pid namespace of PID, zombies
# included. Reads /proc here, so the listing itself adds no process to the namespace.
ns_pids() {
  local ns
  ns=$(stat -L -c %i "/proc/$1/ns/pid" 2>/dev/null) || return 0
  # One stat for all processes (a readlink per process is slow on a loaded machine).
  stat -L -c '%n %i' /proc/[0-9]*/ns/pid 2>/dev/null |
    awk -v ns="$ns" '$2 == ns { split($1, p, "/"); print p[3] }' || true
}

# ns_ps PID: `ps` of the pid namespace of PID, as seen from inside it (for messages).
ns_ps() { nsenter -t "$1" -p -m ps -eo pid,ppid,pgid,stat,args 2>&1 || true; }

# count_zombies_in_ns PID: number of processes in state Z in the pid namespace of PID, from `ps`
# run inside that namespace (its own line is never a zombie).
count_zombies_in_ns() {
  nsenter -t "$1" -p -m ps -eo stat= | grep -c '^Z' || true
}

# ns_find PID ERE: host pids of processes in PID's namespace whose command line matches ERE.
ns_find() {
  local p
  for p in $(ns_pids "$1"); do
    [[ $(cmdline "$p") =~ $2 ]] && printf '%s\n' "$p"
  done
  return 0
}
ns_has() { [[ -n $(ns_find "$1" "$2") ]]; }

# ---------------------------------------------------------------------------------------------
# Running jvminit

_next_files() {
  _RUN_N=$((_RUN_N + 1))
  OUT=$T/run$_RUN_N.out
  ERR=$T/run$_RUN_N.err
}

# Timeout's own message (--verbose) tells a timeout apart from jvminit's exit status.
_check_not_timed_out() {
  if grep -q '^timeout: sending signal' "$ERR" 2>/dev/null; then
    fail "the run did not end within its time bound (${1}s): jvminit hung"
  fi
}

_run() { # LIMIT CMD...
  local limit=$1
  shift
  _next_files
  RC=0
  env --default-signal "${RUN_ENV[@]}" timeout --verbose -k 5 "$limit" "$@" <"$RUN_STDIN" >"$OUT" 2>"$ERR" || RC=$?
  _check_not_timed_out "$limit"
}

run_pid1() { _run "$RUN_TIMEOUT" unshare --pid --fork --mount-proc --kill-child "$JVMINIT" "$@"; }
run_plain() { _run "$RUN_TIMEOUT" "$JVMINIT" "$@"; }

_start() { # CMD...
  _next_files
  RC=
  env --default-signal "${RUN_ENV[@]}" timeout --verbose -k 5 "$RUN_TIMEOUT" "$@" <"$RUN_STDIN" >"$OUT" 2>"$ERR" &
  BG_PID=$!
  _CLEANUP_PIDS+=("$BG_PID")
  INIT_PID=$(find_init "$BG_PID") || fail "jvminit did not start (or ended at once)"
  _CLEANUP_PIDS+=("$INIT_PID")
}

start_pid1() { _start unshare --pid --fork --mount-proc --kill-child "$JVMINIT" "$@"; }
start_plain() { _start "$JVMINIT" "$@"; }

# A container without CAP_KILL (--cap-drop=ALL) whose child switched users (gosu, setpriv): kill(2) from
# jvminit gets EPERM. have_cap_tools: capsh and setpriv are there.
# start_pid1_without_cap_kill OPTIONS SCRIPT: jvminit OPTIONS as PID 1 of a new pid namespace, without
# CAP_KILL (capsh), its child `sh -c SCRIPT` running as user 65534 (setpriv). SCRIPT holds no single quote.
# main_child_is CMDLINE: jvminit's child is the process of that command line (a `sh -c '...; exec CMD'` has
# exec'd); sets CHILD to its pid.
have_cap_tools() { command -v capsh >/dev/null && command -v setpriv >/dev/null; }
start_pid1_without_cap_kill() {
  _start unshare --pid --fork --mount-proc --kill-child capsh --drop=cap_kill -- -c \
    "exec '$JVMINIT' $1 -- setpriv --reuid=65534 --regid=65534 --clear-groups sh -c '$2'"
}
CHILD=
main_child_is() {
  CHILD=$(child_pids "$INIT_PID")
  [[ $(cmdline "$CHILD") == "$1" ]] || fail "jvminit's child is not the '$1' it should be: '$CHILD' $(cmdline "$CHILD")"
}

# register_cleanup PID...: SIGKILL these too (with their descendants) when the test ends.
register_cleanup() { _CLEANUP_PIDS+=("$@"); }

# signal_init SIG: sends SIG to the jvminit started last.
signal_init() { kill -s "$1" "$INIT_PID" || fail "cannot send SIG$1 to jvminit ($INIT_PID)"; }

# wait_done: waits for the run started last (bounded by its timeout) and sets RC.
wait_done() {
  RC=0
  wait "$BG_PID" || RC=$?
  _check_not_timed_out "$RUN_TIMEOUT"
}

# wait_done_within SECONDS [WHY]: like wait_done, but fails the test if jvminit still runs after
# SECONDS (instead of waiting for the run's whole time bound).
wait_done_within() {
  wait_until "$1" is_gone "$INIT_PID" || fail "jvminit still runs ${1} s later${2:+: $2}"
  wait_done
}

# elapsed_since MS: milliseconds since MS (from now_ms).
elapsed_since() { echo $(($(now_ms) - $1)); }

# free_port: a TCP port nobody listens on now.
free_port() {
  local p _
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 40000))
    if [[ -z $(ss -ltnH "sport = :$p" 2>/dev/null) ]]; then
      printf '%s\n' "$p"
      return 0
    fi
  done
  fail "no free TCP port found"
}

# ---------------------------------------------------------------------------------------------
# Java sample apps

# compile_apps: compiles examples/apps/*.java once (cached in $JVMINIT_BUILD_DIR/apps when set,
# recompiled when a source is newer) and sets APPS_DIR. Skips the test without a JDK.
compile_apps() {
  need_cmd java javac
  local dir src stale=0
  if [[ -n ${JVMINIT_BUILD_DIR:-} ]]; then
    dir=$JVMINIT_BUILD_DIR/apps
  else
    dir=$T/apps
  fi
  mkdir -p "$dir"
  (
    flock 9 # tests may run in parallel (ctest -j)
    [[ -f $dir/.stamp ]] || stale=1
    for src in "$JVMINIT_SOURCE_DIR"/examples/apps/*.java; do
      [[ $src -nt $dir/.stamp ]] && stale=1
    done
    if ((stale)); then
      javac -d "$dir" "$JVMINIT_SOURCE_DIR"/examples/apps/*.java || exit 1
      touch "$dir/.stamp"
    fi
  ) 9>"$dir/.lock" || fail "javac failed on examples/apps"
  APPS_DIR=$dir
  export APPS_DIR
}

# ---------------------------------------------------------------------------------------------
# A test cgroup (test_container_limits.sh, test_cpu_limit.sh)

# make_test_cgroup CONTROLLER (memory, cpu): makes CG, a child of the test's own cgroup for CONTROLLER
# (cgroup v1: that controller's hierarchy, found through /proc/self/mountinfo and /proc/self/cgroup; v2:
# when the controller is enabled for children of the test's cgroup), and sets CGROUP_VERSION (1 or 2) and
# PARENT. CG is removed at exit, its processes moved out first. Writes $T/in-cgroup, a wrapper that joins
# CG and execs its arguments (the test shell itself stays where it is). Skips the test, saying why, where
# no such cgroup can be made.
CG=
PARENT=
CGROUP_VERSION=
make_test_cgroup() {
  local controller=$1 v1_mount v1_path root mount_point v2_path
  v1_mount=$(awk -v c="$controller" '{ for (i = 7; i <= NF; i++) if ($i == "-") break;
                  if ($(i + 1) == "cgroup" && $(i + 3) ~ "(^|,)" c "(,|$)") { print $4, $5; exit } }' /proc/self/mountinfo)
  v1_path=$(awk -F: -v c="$controller" '$2 ~ "(^|,)" c "(,|$)" { print $3; exit }' /proc/self/cgroup)
  if [[ -n $v1_mount && -n $v1_path ]]; then
    CGROUP_VERSION=1
    root=${v1_mount%% *} mount_point=${v1_mount#* }
    if [[ $root == / ]]; then
      PARENT=$mount_point${v1_path%/}
    elif [[ $v1_path == "$root" || $v1_path == "$root"/* ]]; then
      PARENT=$mount_point${v1_path#"$root"}
    else
      skip "the test's $controller cgroup $v1_path is outside the mounted hierarchy (root $root at $mount_point)"
    fi
  elif [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
    CGROUP_VERSION=2
    grep -qw "$controller" /sys/fs/cgroup/cgroup.controllers || skip "cgroup v2 without the $controller controller"
    v2_path=$(sed -n 's/^0:://p' /proc/self/cgroup)
    PARENT=/sys/fs/cgroup${v2_path%/}
    grep -qw "$controller" "$PARENT/cgroup.subtree_control" 2>/dev/null ||
      skip "cgroup v2: the $controller controller is not enabled for children of $PARENT (cgroup.subtree_control)"
  else
    skip "no $controller cgroup: neither a cgroup v1 $controller hierarchy nor cgroup v2 at /sys/fs/cgroup"
  fi
  PARENT=${PARENT%/}
  mkdir "$PARENT/jvminit-$controller-test-$$" 2>/dev/null ||
    skip "cannot create a cgroup under $PARENT (cgroup v$CGROUP_VERSION not writable here)"
  CG=$PARENT/jvminit-$controller-test-$$
  trap _test_cgroup_cleanup EXIT
  cat >"$T/in-cgroup" <<'SH'
#!/bin/sh
echo $$ >"$1" || { echo "in-cgroup: cannot join $1" >&2; exit 98; }
shift
exec "$@"
SH
  chmod +x "$T/in-cgroup"
}

# Leaves and removes the test cgroup, then the usual cleanup. `$?` on entry is the test's status.
_test_cgroup_cleanup() {
  local rc=$? p _
  set +e
  if [[ -n $CG && -d $CG ]]; then
    for p in $(cat "$CG/cgroup.procs" 2>/dev/null); do
      echo "$p" >"$PARENT/cgroup.procs" 2>/dev/null || kill -KILL "$p" 2>/dev/null
    done
    for _ in $(seq 1 50); do
      rmdir "$CG" 2>/dev/null && break
      sleep 0.1
    done
    [[ -d $CG ]] && printf 'warning: could not remove the test cgroup %s\n' "$CG"
  fi
  (exit "$rc")
  _e2e_cleanup
}

# run_in_cgroup [--pid1] ARGS...: jvminit ARGS... inside CG (as PID 1 of a new pid namespace with --pid1);
# sets RC, OUT, ERR like run_pid1.
run_in_cgroup() {
  if [[ $1 == --pid1 ]]; then
    shift
    _run "$RUN_TIMEOUT" "$T/in-cgroup" "$CG/cgroup.procs" unshare --pid --fork --mount-proc --kill-child "$JVMINIT" "$@"
  else
    _run "$RUN_TIMEOUT" "$T/in-cgroup" "$CG/cgroup.procs" "$JVMINIT" "$@"
  fi
  ! grep -q '^in-cgroup: cannot join' "$ERR" || skip "cannot move a process into $CG: $(cat "$ERR")"
}

# ---------------------------------------------------------------------------------------------
# Cleanup: SIGKILL everything started (a namespace's PID 1 takes its whole namespace with it).

_e2e_cleanup() {
  local rc=$? p
  set +e
  exec 2>/dev/null # no "Killed" job notices from bash
  for p in "${_CLEANUP_PIDS[@]}"; do
    [[ -n $p ]] && is_running "$p" && kill_tree "$p"
  done
  for p in "${_CLEANUP_PIDS[@]}"; do
    [[ -n $p ]] && wait "$p" 2>/dev/null
  done
  rm -rf "$T"
  exit "$rc"
}
trap _e2e_cleanup EXIT

say "== $TEST_NAME (jvminit: $JVMINIT)"
