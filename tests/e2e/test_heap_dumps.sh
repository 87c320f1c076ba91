#!/usr/bin/env bash
# Heap dumps that are never lost, OOM modes and GC logs with the real JVM (issue 3, behaviour 1, and
# its "Tests": three OOM runs into one directory leave distinct dumps, never more than
# JVMINIT_HEAP_DUMP_KEEP; a dump directory with a space in its name works).
#
# The JVM refuses to overwrite an existing dump and creates no directories; its pid repeats after a
# container restart (../shared/docs/jvm-facts.md), so jvminit gives each start its own directory
# DIR/run-<UTC stamp>-<seq>/ (HeapDumpPath names it: the JVM writes java_pid<pid>.hprof there, and the
# hs_err file is hs_err_pid<pid>.log beside it); GC logs are gc-<stamp>-pid<pid>.log (jvm/output_files.hpp).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_jvminit
need_pidns
compile_apps

need_default_settings

# files DIR GLOB: the matching names in DIR, one a line, sorted.
files() {
  (
    shopt -s nullglob
    cd "$1" 2>/dev/null || exit 0
    # shellcheck disable=SC2206
    local -a f=($2)
    ((${#f[@]})) && printf '%s\n' "${f[@]}" | sort
    exit 0
  )
}
count() { files "$1" "$2" | grep -c . || true; }
# dumps DIR: the heap dumps in DIR and in its run-* directories, as paths relative to DIR, one a line, sorted.
dumps() {
  [[ -d $1 ]] || return 0
  (cd "$1" && find . -mindepth 1 -maxdepth 2 -type f -name '*.hprof' | sed 's|^\./||' | sort)
}
ndumps() { dumps "$1" | grep -c . || true; }

# A heap dump is an HPROF file: it starts with "JAVA PROFILE 1.0.2" (or 1.0.1) and a NUL.
is_hprof() { [[ -s $1 ]] && head -c 18 "$1" | grep -q '^JAVA PROFILE 1\.0\.[12]$'; }

# The heap dump path the last run gave the JVM (from the JVM's "Dumping heap to ..." line).
dumped_to() { sed -n 's/^Dumping heap to \(.*\) \.\.\.$/\1/p' "$OUT" | head -1; }

# oom_run DIR [EXPECTED_RC=3] [java options...]: OomApp with a 32 MiB heap, dumps into DIR.
oom_run() {
  local dir=$1 want=${2:-3}
  shift 2 || shift $#
  JVMINIT_HEAP_DUMP_DIR=$dir run_pid1 -- java -Xmx32m "$@" -cp "$APPS_DIR" OomApp
  assert_rc "$want" "exit status of the OOM run"
}

STAMP_RE='[0-9]{8}T[0-9]{6}\.[0-9]{3}Z-[0-9]+'
RUN_RE="run-${STAMP_RE}"
cd "$T" # the JVMs' working directory: no hs_err_pid or GC file may land here

# ------------------------------------------------------------------------------------------------
check "three OOM runs into one directory: each exits 3 and leaves its own dump (three distinct, valid .hprof files)"
dir=$T/dumps
declare -A seen=()
for i in 1 2 3; do
  if ((i == 2)); then
    # The heap size from JAVA_TOOL_OPTIONS instead of the command line: the same result.
    JAVA_TOOL_OPTIONS=-Xmx32m JVMINIT_HEAP_DUMP_DIR=$dir run_pid1 -- java -cp "$APPS_DIR" OomApp
    assert_rc 3 "exit status of OOM run $i"
  else
    oom_run "$dir" 3
  fi
  assert_file_contains "$OUT" "Terminating due to java.lang.OutOfMemoryError: Java heap space" "stdout of OOM run $i"
  path=$(dumped_to)
  [[ -n $path ]] || fail "run $i: the JVM did not dump the heap (no 'Dumping heap to' line)"
  [[ $path =~ ^"$dir"/${RUN_RE}/java_pid[0-9]+\.hprof$ ]] || fail "run $i: dump path $path is not $dir/run-<stamp>-<seq>/java_pid<N>.hprof"
  assert_file_contains "$OUT" "Heap dump file created" "stdout of OOM run $i"
  [[ -z ${seen[$path]:-} ]] || fail "run $i dumped to $path, the same name as an earlier run"
  seen[$path]=1
  is_hprof "$path" || fail "run $i: $path is not a non-empty HPROF file"
  assert_eq "$i" "$(ndumps "$dir")" "number of dumps after run $i ($(dumps "$dir" | tr '\n' ' '))"
done
assert_eq 3 "$(count "$dir" 'run-*')" "run directories (one per start: $(files "$dir" '*' | tr '\n' ' '))"
for f in $(dumps "$dir"); do is_hprof "$dir/$f" || fail "$f is not a valid, non-empty HPROF file"; done
ok "$(dumps "$dir" | tr '\n' ' ')"

# ------------------------------------------------------------------------------------------------
check "JVMINIT_HEAP_DUMP_KEEP=2: three OOM runs never leave more than 2 dumps, the newest ones"
dir=$T/keep2
newest=()
for i in 1 2 3; do
  JVMINIT_HEAP_DUMP_KEEP=2 oom_run "$dir" 3
  path=$(dumped_to)
  [[ -n $path ]] && is_hprof "$path" || fail "run $i: no valid heap dump (dumped to '$path')"
  newest+=("${path#"$dir"/}")
  n=$(ndumps "$dir")
  ((n <= 2)) || fail "after run $i the directory holds $n dumps (keep=2): $(dumps "$dir" | tr '\n' ' ')"
  say "  after run $i: $(dumps "$dir" | tr '\n' ' ')"
done
assert_eq 2 "$(ndumps "$dir")" "dumps after three runs with keep=2"
for f in "${newest[1]}" "${newest[2]}"; do
  [[ -f $dir/$f ]] || fail "the dump $f of run 2 or 3 was deleted; kept: $(dumps "$dir" | tr '\n' ' ')"
done
[[ ! -e $dir/${newest[0]%/*} ]] || fail "the run directory of run 1 (${newest[0]%/*}) is left after its dump was deleted"
assert_file_contains "$ERR" "deleted old heap dump" "jvminit's log of run 3"
ok "kept: $(dumps "$dir" | tr '\n' ' ')"

# ------------------------------------------------------------------------------------------------
check "gzipped dumps (-XX:HeapDumpGzipLevel: java_pid<pid>.hprof.gz) count for JVMINIT_HEAP_DUMP_KEEP=2 too"
# Found by a fresh user and a review: only *.hprof counted, so a crash loop with gzip filled the volume.
dir=$T/gzip
for i in 1 2 3; do
  JVMINIT_HEAP_DUMP_KEEP=2 oom_run "$dir" 3 -XX:HeapDumpGzipLevel=1
  [[ $(dumped_to) == *.hprof.gz ]] || fail "run $i: the JVM did not write a gzipped dump: $(dumped_to)"
done
n=$(cd "$dir" && find . -type f -name '*.hprof.gz' | grep -c . || true)
assert_eq 2 "$n" "gzipped dumps after three runs with keep=2"
assert_file_contains "$ERR" "deleted old heap dump" "jvminit's log of run 3"
ok "$(cd "$dir" && find . -type f | sort | tr '\n' ' ')"

check "a dump directory with a space in its name works: the dump is created there"
dir="$T/heap dumps/with space"
mkdir -p "$dir"
oom_run "$dir" 3
path=$(dumped_to)
[[ $path =~ ^"$dir"/${RUN_RE}/java_pid[0-9]+\.hprof$ ]] || fail "dump path '$path' is not in '$dir'"
assert_eq 1 "$(ndumps "$dir")" "dumps in '$dir'"
is_hprof "$path" || fail "'$path' is not a valid HPROF file"
# The start log shows the additions as they are exported, quoted (found by a fresh user: unquoted there).
assert_file_contains "$ERR" "-XX:HeapDumpPath=\"$dir/run-" "the start log's additions"
ok "$path"

# ------------------------------------------------------------------------------------------------
check "a missing dump directory (nested) is created, and the dump lands in it"
dir=$T/missing/a/b
assert_absent "$T/missing"
oom_run "$dir" 3
[[ -d $dir ]] || fail "$dir was not created"
assert_eq 1 "$(ndumps "$dir")" "dumps in $dir"
is_hprof "$(dumped_to)" || fail "no valid dump in $dir"
ok "$(dumps "$dir")"

# ------------------------------------------------------------------------------------------------
# expect_refused WHAT DIR: the last run failed before starting anything, with one line naming DIR.
expect_refused() {
  assert_rc 2 "exit status ($1)"
  assert_absent "$T/started" "marker of the program ($1: the program was started)"
  assert_eq 1 "$(nlines "$ERR")" "lines on stderr ($1): $(cat "$ERR")"
  assert_file_contains "$ERR" "$2" "jvminit's error ($1)"
  [[ ! -s $OUT ]] || fail "stdout is not empty ($1): $(cat "$OUT")"
}

check "a dump directory whose parent is a regular file: exit 2 before start, one line naming it"
printf 'x\n' >"$T/regular-file"
dir=$T/regular-file/dumps
JVMINIT_HEAP_DUMP_DIR=$dir run_pid1 -- touch "$T/started"
expect_refused "parent is a file" "$dir"
ok "$(cat "$ERR")"

check "a dump directory that is a regular file: exit 2 before start, one line naming it"
JVMINIT_HEAP_DUMP_DIR=$T/regular-file run_pid1 -- touch "$T/started"
expect_refused "a file" "$T/regular-file"
ok "$(cat "$ERR")"

check "a dump directory on a read-only mount: exit 2 before start, one line naming it"
ro=$T/readonly
mkdir -p "$ro/existing"
# shellcheck disable=SC2016
RO_MOUNT='mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" || exit 99; shift; exec "$@"'
if timeout 10 unshare --mount sh -c "$RO_MOUNT" sh "$ro" sh -c '! touch "$1/probe"' sh "$ro" >/dev/null 2>&1; then
  for sub in existing new; do
    _run "$RUN_TIMEOUT" unshare --mount sh -c "$RO_MOUNT" sh "$ro" "$JVMINIT" --heap-dump-dir "$ro/$sub" -- touch "$T/started"
    expect_refused "read-only, $sub directory" "$ro/$sub"
    ok "$sub: $(cat "$ERR")"
  done
  # GC logs with no directory set go to the working directory: the line says so (found by a fresh user).
  _run "$RUN_TIMEOUT" unshare --mount sh -c "$RO_MOUNT" sh "$ro" sh -c 'cd "$1" && shift && exec "$@"' sh "$ro" \
    "$JVMINIT" --gc-log -- touch "$T/started"
  expect_refused "GC log in a read-only working directory" "$ro"
  assert_file_contains "$ERR" "the working directory" "jvminit's error"
  assert_file_contains "$ERR" "JVMINIT_GC_LOG_DIR" "jvminit's error"
  ok "working directory: $(cat "$ERR")"
else
  skip_part "cannot make a read-only bind mount here (unshare --mount, mount -o remount,bind,ro)"
fi

check "an unwritable GC log directory is refused the same way"
JVMINIT_GC_LOG=true JVMINIT_GC_LOG_DIR=$T/regular-file/gc run_pid1 -- touch "$T/started"
expect_refused "GC log dir under a file" "$T/regular-file/gc"
ok "$(cat "$ERR")"

# ------------------------------------------------------------------------------------------------
check "a dump directory below a symbolic link that leads nowhere: exit 2 before start, one line naming the link"
ln -s "$T/gone" "$T/dangling"
JVMINIT_HEAP_DUMP_DIR=$T/dangling/dumps run_pid1 -- touch "$T/started"
expect_refused "dangling link" "$T/dangling is a symbolic link to $T/gone, which does not resolve"
ok "$(cat "$ERR")"

check "another start holding the dump directory's lock (a paused container): this one starts after 2 s, with a warning"
locked=$T/locked
mkdir -p "$locked"
flock -x "$locked" sleep 6 &
holder=$!
for _ in $(seq 50); do flock -n -x "$locked" true 2>/dev/null || break; sleep 0.1; done
JVMINIT_HEAP_DUMP_DIR=$locked run_pid1 -- touch "$T/started-locked"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null || true
assert_rc 0 "exit status with the lock held elsewhere"
assert_exists "$T/started-locked" "marker of the program"
grep -q "^\[jvminit warning\] heap dump directory $locked: another start held its lock for 2 s" "$ERR" ||
  fail "no warning about the held lock: $(cat "$ERR")"
ok "$(grep 'held its lock' "$ERR")"

check "JVMINIT_ON_OOM=crash: death by SIGABRT (jvminit exits 134), hs_err file and heap dump in the dump directory"
dir=$T/crash
JVMINIT_ON_OOM=crash oom_run "$dir" 134
assert_file_contains "$OUT" "Aborting due to java.lang.OutOfMemoryError" "stdout of the crash run"
assert_eq 1 "$(count "$dir" 'run-*/hs_err_pid*.log')" "hs_err files in $dir ($(cd "$dir" && find . | tr '\n' ' '))"
hs=$(files "$dir" 'run-*/hs_err_pid*.log')
[[ $hs =~ ^${RUN_RE}/hs_err_pid[0-9]+\.log$ ]] || fail "hs_err file $hs is not run-<stamp>-<seq>/hs_err_pid<N>.log"
grep -q 'OutOfMemory' "$dir/$hs" || fail "$hs does not mention the OutOfMemoryError"
assert_eq 1 "$(ndumps "$dir")" "heap dumps in $dir"
is_hprof "$(dumped_to)" || fail "no valid heap dump from the crash run"
# The dump and the hs_err file of one start: the same run directory, the same JVM (pid).
assert_eq "$(dirname "$dir/$hs")" "$(dirname "$(dumped_to)")" "directory of the hs_err file vs the heap dump's"
hs_pid=${hs##*hs_err_pid}
dump_pid=$(basename "$(dumped_to)" .hprof)
assert_eq "${hs_pid%.log}" "${dump_pid#java_pid}" "pid in the hs_err file's name vs the heap dump's"
grep -q 'SIGABRT' "$ERR" || fail "jvminit's log does not say the JVM died of SIGABRT"
[[ $(count "$T" 'hs_err_pid*.log') == 0 ]] || fail "an hs_err_pid file in the working directory"
ok "exit 134; $(cd "$dir" && find . -type f | sort | tr '\n' ' ')"

# ------------------------------------------------------------------------------------------------
check "JVMINIT_GC_LOG=true with JVMINIT_GC_LOG_DIR: a gc-*.log with GC lines there (not in the dump directory)"
dir=$T/gc-dumps
gcdir=$T/gclogs/nested
JVMINIT_GC_LOG=true JVMINIT_GC_LOG_DIR=$gcdir oom_run "$dir" 3
assert_eq 1 "$(count "$gcdir" 'gc-*.log')" "GC logs in $gcdir ($(files "$gcdir" '*' | tr '\n' ' '))"
gclog=$gcdir/$(files "$gcdir" 'gc-*.log')
[[ $(basename "$gclog") =~ ^gc-${STAMP_RE}-pid[0-9]+\.log$ ]] || fail "GC log name $(basename "$gclog") is not gc-<stamp>-<seq>-pid<N>.log"
grep -qE '\[gc[],]' "$gclog" || fail "$gclog has no [gc] line"
grep -qE '\[gc[^]]*\].*Pause' "$gclog" || fail "$gclog has no GC pause line (the OOM run collected garbage)"
assert_eq 0 "$(count "$dir" 'gc-*.log*')" "GC logs in the dump directory"
ok "$(basename "$gclog"): $(grep -c 'Pause' "$gclog") pause lines"

check "JVMINIT_GC_LOG=true without JVMINIT_GC_LOG_DIR: the GC log goes to the heap dump directory"
dir=$T/gc-default
JVMINIT_GC_LOG=true JVMINIT_HEAP_DUMP_DIR=$dir run_pid1 -- java -cp "$APPS_DIR" Hello
assert_rc 0 "exit status"
assert_eq 1 "$(count "$dir" 'gc-*.log')" "GC logs in $dir"
grep -qE '\[gc[],]' "$dir/$(files "$dir" 'gc-*.log')" || fail "the GC log in $dir has no [gc] line"
ok "$(files "$dir" '*' | tr '\n' ' ')"

# ------------------------------------------------------------------------------------------------
# jvminit as root, the JVM as another user (gosu, setpriv): the run directory jvminit makes must be as
# writable for that user as the heap dump directory is (found by a fresh user: root-owned 0755, the dump
# was refused with "Permission denied").
check "a heap dump directory of user 65534, the JVM run as 65534 with setpriv: the dump is written into the run directory"
if command -v setpriv >/dev/null; then
  chmod 711 "$T" # let user 65534 reach what is below
  udir=$T/u-dumps uapps=$T/u-apps
  mkdir -p "$udir" "$uapps" && chown 65534:65534 "$udir" && cp "$APPS_DIR"/OomApp*.class "$uapps/" && chmod -R a+rX "$uapps"
  JVMINIT_HEAP_DUMP_DIR=$udir run_pid1 -- setpriv --reuid=65534 --regid=65534 --clear-groups \
    java -Xmx32m -cp "$uapps" OomApp
  assert_rc 3 "exit status of the OOM run"
  assert_file_not_contains "$OUT" "Permission denied" "the JVM's output"
  udump=$(dumps "$udir")
  [[ $udump =~ ^${RUN_RE}/java_pid[0-9]+\.hprof$ ]] || fail "no dump in a run directory of $udir: '$udump'"
  is_hprof "$udir/$udump" || fail "$udir/$udump is not a heap dump"
  assert_eq "65534:65534" "$(stat -c %u:%g "$udir/$(dirname "$udump")")" "the run directory's owner"
  ok "$udump, written by user 65534"
else
  skip_part "no setpriv"
fi

# ------------------------------------------------------------------------------------------------
# Replicas or restarts sharing a GC log directory: the logs of the last 5 starts are kept, but never the
# log of a JVM that still runs (found by a review: the fifth later start deleted it, and the JVM went on
# writing into a deleted file). A running start holds its gc-<stamp>.lock.
check "GC logs on a shared directory: a running JVM's log outlives 5 later starts, and goes by the count once it ended"
gcs=$T/gc-shared
JVMINIT_GC_LOG=true JVMINIT_GC_LOG_DIR=$gcs start_pid1 -- java -Dhook.ms=0 -cp "$APPS_DIR" Sleeper
has_gc_log() { [[ $(count "$gcs" 'gc-*.log') -ge 1 ]]; }
wait_until 20 has_gc_log || fail "the running JVM wrote no GC log in $gcs"
first_log=$gcs/$(files "$gcs" 'gc-*.log')
first_stamp=$(basename "$first_log" | sed -E 's/^gc-(.*)-pid[0-9]+\.log$/\1/')
for i in 1 2 3 4 5; do
  JVMINIT_GC_LOG=true JVMINIT_GC_LOG_DIR=$gcs run_plain -- java -cp "$APPS_DIR" Hello
  assert_rc 0 "exit status of later start $i"
done
assert_exists "$first_log" "the running JVM's GC log after 5 later starts"
jvm=$(ns_find "$INIT_PID" 'Sleeper')
[[ -n $jvm ]] || fail "the first JVM is not running any more"
if ls -l "/proc/$jvm/fd" 2>/dev/null | grep -F "$first_log" | grep -qF '(deleted)'; then
  fail "the running JVM writes into a deleted GC log"
fi
assert_exists "$gcs/gc-$first_stamp.lock" "the running start's lock file"
kept=$(count "$gcs" 'gc-*.log')
signal_init TERM
wait_done
JVMINIT_GC_LOG=true JVMINIT_GC_LOG_DIR=$gcs run_plain -- java -cp "$APPS_DIR" Hello
assert_rc 0 "exit status of the start after the first ended"
assert_absent "$first_log" "the ended start's GC log (beyond the last 5 starts)"
assert_absent "$gcs/gc-$first_stamp.lock" "the ended start's lock file"
ok "$kept GC logs while it ran; then $(count "$gcs" 'gc-*.log') logs, $(count "$gcs" 'gc-*.lock') lock files"

# ------------------------------------------------------------------------------------------------
check "room for a heap of all the RAM in the dump directory: the cgroup files wait until the child runs"
# No memory limit can make the JVM's heap larger than its share of the RAM, so with room for all of it no
# warning about the dump directory can come of the limits: the limits line follows the start (it preceded it
# whenever a dump directory was set). The directory is a tmpfs twice the RAM's size (a tmpfs takes memory only
# for what is written), so the room does not depend on this machine's disk.
roomy=$T/roomy
mkdir -p "$roomy"
ram=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) * 1024))
# shellcheck disable=SC2016
BIG_TMPFS_MOUNT='mount -t tmpfs -o size='"$((2 * ram))"' tmpfs "$1" || exit 99; shift; exec "$@"'
if timeout 10 unshare --mount sh -c "$BIG_TMPFS_MOUNT" sh "$roomy" true >/dev/null 2>&1; then
  _run "$RUN_TIMEOUT" unshare --mount sh -c "$BIG_TMPFS_MOUNT" sh "$roomy" \
    "$JVMINIT" --heap-dump-dir "$roomy" -- java -cp "$APPS_DIR" Hello
  assert_rc 0 "exit status"
  l=$(grep -n 'container limits' "$ERR" | head -1 | cut -d: -f1)
  s=$(grep -n 'started java' "$ERR" | head -1 | cut -d: -f1)
  [[ -n $l && -n $s ]] || fail "no start or no limits line: $(cat "$ERR")"
  ((l > s)) || fail "a dump directory with room for a heap of all $((ram >> 20)) MiB of RAM, but the limits were read before the start: $(cat "$ERR")"
  ! grep -q 'may not fit' "$ERR" || fail "a free-space warning with $((2 * ram >> 20)) MiB free: $(cat "$ERR")"
  ok "$((2 * ram >> 20)) MiB free, RAM $((ram >> 20)) MiB: the limits read after the start"
else
  skip_part "cannot mount a tmpfs here (unshare --mount, mount -t tmpfs)"
fi

# ------------------------------------------------------------------------------------------------
check "free space in the dump directory below the maximum heap: a warning before start"
small=$T/small
mkdir -p "$small"
# shellcheck disable=SC2016
TMPFS_MOUNT='mount -t tmpfs -o size=1m tmpfs "$1" || exit 99; shift; exec "$@"'
if timeout 10 unshare --mount sh -c "$TMPFS_MOUNT" sh "$small" true >/dev/null 2>&1; then
  _run "$RUN_TIMEOUT" unshare --mount sh -c "$TMPFS_MOUNT" sh "$small" \
    "$JVMINIT" --heap-dump-dir "$small" -- java -Xmx64m -cp "$APPS_DIR" Hello
  assert_rc 0 "exit status"
  grep -E '^\[jvminit warn' "$ERR" | grep -F "$small" | grep -q 'free' ||
    fail "no warning about the free space in $small (1 MiB) below the 64 MiB heap"
  w=$(grep -n 'free' "$ERR" | head -1 | cut -d: -f1)
  s=$(grep -n 'started java' "$ERR" | head -1 | cut -d: -f1)
  [[ -n $s && $w -lt $s ]] || fail "the free-space warning does not come before the start"
  ok "$(grep -F "$small" "$ERR" | grep free)"
  # Without -Xmx the heap is a share of the memory limit or the RAM: 1 MiB is less than any, so the cgroup
  # files are read before the start and the warning still comes first.
  _run "$RUN_TIMEOUT" unshare --mount sh -c "$TMPFS_MOUNT" sh "$small" \
    "$JVMINIT" --heap-dump-dir "$small" -- java -cp "$APPS_DIR" Hello
  assert_rc 0 "exit status"
  w=$(grep -n "^\[jvminit warn.*$small.*free" "$ERR" | head -1 | cut -d: -f1)
  s=$(grep -n 'started java' "$ERR" | head -1 | cut -d: -f1)
  [[ -n $w && -n $s && $w -lt $s ]] || fail "without -Xmx: no free-space warning before the start: $(cat "$ERR")"
  ok "without -Xmx too: $(grep -F "$small" "$ERR" | grep free)"
else
  skip_part "cannot mount a small tmpfs here (unshare --mount, mount -t tmpfs)"
fi

# full_volume DIR TAG CLASSPATH MAIN [JAVA OPTION...]: on a 12 MiB tmpfs mounted at DIR (a mount namespace of
# its own), an OOM run of MAIN with an 8 MiB heap, whose dump fits, then one with 32 MiB, whose dump fills the
# volume ("Dump file is incomplete"); then a start with keep 3, which must keep both and warn about the cut
# dump only, and one with keep 2, which must delete the cut dump, not the older complete one. Logs: $T/TAG*.
full_volume() {
  local dir=$1 tag=$2 classpath=$3 main=$4
  shift 4
  mkdir -p "$dir"
  # shellcheck disable=SC2016
  local script='mount -t tmpfs -o size=12m tmpfs "$1" || exit 99
dir=$1 logs=$2 classpath=$3 main=$4 tag=$5 jvminit=$6
shift 6
for heap in 8 32; do
  "$jvminit" --heap-dump-dir "$dir" -- java -Xmx${heap}m "$@" -cp "$classpath" "$main" >"$logs/$tag$heap.out" 2>&1
  echo $? >"$logs/$tag$heap.rc"
done
for keep in 3 2; do
  "$jvminit" --heap-dump-dir "$dir" --heap-dump-keep $keep -- true >"$logs/${tag}keep$keep.out" 2>&1
  echo $? >"$logs/${tag}keep$keep.rc"
done
cd "$dir" && find . -name "*.hprof*" | sort >"$logs/${tag}left"'
  if ! timeout 10 unshare --mount sh -c 'mount -t tmpfs -o size=1m tmpfs "$1"' sh "$dir" >/dev/null 2>&1; then
    skip_part "cannot mount a small tmpfs here (unshare --mount, mount -t tmpfs)"
    return
  fi
  _run "$RUN_TIMEOUT" unshare --mount sh -c "$script" sh "$dir" "$T" "$classpath" "$main" "$tag" "$JVMINIT" "$@"
  assert_rc 0 "exit status of the script on the small volume: $(cat "$ERR")"
  local heap
  for heap in 8 32; do
    [[ $(cat "$T/$tag$heap.rc") == 3 ]] || fail "OOM run with $heap MiB exited $(cat "$T/$tag$heap.rc"), not 3: $(cat "$T/$tag$heap.out")"
  done
  grep -q 'Heap dump file created' "$T/${tag}8.out" || fail "the first dump was not completed: $(cat "$T/${tag}8.out")"
  grep -q 'Dump file is incomplete' "$T/${tag}32.out" ||
    fail "the setup needs the second dump cut short by the full volume: $(cat "$T/${tag}32.out")"
  local complete truncated
  complete=$(sed -n 's|^Dumping heap to '"$dir"'/\(.*\) \.\.\.$|\1|p' "$T/${tag}8.out")
  truncated=$(sed -n 's|^Dumping heap to '"$dir"'/\(.*\) \.\.\.$|\1|p' "$T/${tag}32.out")
  [[ -n $complete && -n $truncated ]] || fail "no 'Dumping heap to' lines"
  [[ $(cat "$T/${tag}keep3.rc") == 0 && $(cat "$T/${tag}keep2.rc") == 0 ]] ||
    fail "the starts with keep 3 and 2: $(cat "$T/${tag}keep3.out" "$T/${tag}keep2.out")"
  grep -E '^\[jvminit warn' "$T/${tag}keep3.out" | grep -F "$truncated" | grep -q 'incomplete' ||
    fail "the start with keep 3 gives no warning about the incomplete $truncated: $(cat "$T/${tag}keep3.out")"
  grep -F "$complete" "$T/${tag}keep3.out" && fail "the start with keep 3 names the complete dump $complete"
  grep -E '^\[jvminit warn' "$T/${tag}keep2.out" | grep -F "$truncated" | grep -q 'deleted incomplete heap dump' ||
    fail "the start with keep 2 did not delete the incomplete dump $truncated: $(cat "$T/${tag}keep2.out")"
  # run-STAMP/java_pid<pid>.hprof[.gz], as `find .` in the volume lists it.
  assert_eq "./$complete" "$(cat "$T/${tag}left")" "the dumps left after the start with keep 2"
  ok "$(grep -h 'incomplete' "$T/${tag}keep3.out" "$T/${tag}keep2.out" | tr '\n' ' ')"
}

check "a full dump volume: the JVM leaves an incomplete dump; a later start warns about it, and deletes it before an older complete one"
# The first dump is about 5 MiB; the cut one has no HPROF end record (before: keep 2 deleted the oldest dump).
full_volume "$T/full" plain "$APPS_DIR" OomApp

check "a full dump volume with gzipped dumps (-XX:HeapDumpGzipLevel): the JVM leaves its last gzip member cut short; a later start warns about it, and deletes it before an older complete one"
# A heap of random longs (gzip cannot shrink it), so that the second dump fills the volume. A gzip dump has
# no HPROF end record to look at: jvminit inflates its last members (before: any .hprof.gz counted as
# complete, and keep 2 deleted the complete one).
cat >"$T/RandomOom.java" <<'JAVA'
class RandomOom {
    public static void main(String[] args) {
        java.util.List<long[]> keep = new java.util.ArrayList<>();
        java.util.Random random = new java.util.Random(1);
        while (true) {
            long[] block = new long[64 * 1024];
            for (int i = 0; i < block.length; i++) block[i] = random.nextLong();
            keep.add(block);
        }
    }
}
JAVA
javac -d "$T" "$T/RandomOom.java" || fail "cannot compile RandomOom.java"
full_volume "$T/fullgz" gz "$T" RandomOom -XX:HeapDumpGzipLevel=1

check "a heap dump directory so long that the hs_err path passes HotSpot's 2000 bytes: a warning names it"
long=$T/long
while ((${#long} < 1990)); do long=$long/$(printf 'd%.0s' {1..100}); done
mkdir -p "$long"
run_pid1 --heap-dump-dir "$long" -- true
assert_rc 0 "exit status"
grep -E '^\[jvminit warn' "$ERR" | grep -q "too long for HotSpot's 2000-byte buffer" ||
  fail "no warning about the hs_err path of ${#long} bytes: $(cut -c1-300 "$ERR")"
ok "warned for a directory of ${#long} bytes"

check "a JVM's later dumps (-XX:+HeapDumpBeforeFullGC: java_pid<pid>.hprof, then .hprof.1) count and go like its first"
cat >"$T/TwoFullGcs.java" <<'JAVA'
class TwoFullGcs { public static void main(String[] args) { System.gc(); System.gc(); } }
JAVA
numbered=$T/numbered
JVMINIT_HEAP_DUMP_DIR=$numbered run_pid1 -- java -XX:+UseSerialGC -XX:+HeapDumpBeforeFullGC "$T/TwoFullGcs.java"
assert_rc 0 "exit status of the JVM with two full GCs"
first=$(sed -n 's|^Dumping heap to '"$numbered"'/\(.*\) \.\.\.$|\1|p' "$OUT" | head -1)
[[ $first =~ ^${RUN_RE}/java_pid[0-9]+\.hprof$ ]] || fail "the first dump is not in a run directory: '$first' ($(cat "$OUT"))"
grep -qF "Dumping heap to $numbered/$first.1 ..." "$OUT" || fail "the JVM wrote no second dump $first.1: $(cat "$OUT")"
is_hprof "$numbered/$first.1" || fail "$first.1 is not an HPROF file"
# keep 2: room for one besides the next; the JVM's older dump goes, its newer one stays.
JVMINIT_HEAP_DUMP_DIR=$numbered JVMINIT_HEAP_DUMP_KEEP=2 run_pid1 -- true
assert_rc 0 "exit status of the start with keep 2"
grep -E '^\[jvminit info' "$ERR" | grep -qF "deleted old heap dump $numbered/$first " ||
  fail "keep 2 did not delete the older dump $first: $(cat "$ERR")"
[[ -f $numbered/$first.1 && ! -e $numbered/$first ]] || fail "expected only $first.1 left: $(cd "$numbered" && find . -type f)"
ok "$(grep -h '^\[jvminit info\] deleted' "$ERR" | tr '\n' ' ')"

check "a JVM killed during a parallel heap dump (JDK 22+: <dump>.p<N> segment files): the dump is incomplete, its segments count with it and go with it"
# JDK 17 writes no segments, so the child writes what a JDK 22+ JVM killed during its dump leaves: the dump's
# start without HEAP_DUMP_END and two segments, in the run directory its HeapDumpPath names; then it is killed.
seg=$T/segments
# shellcheck disable=SC2016
KILLED_DURING_DUMP='run=${JAVA_TOOL_OPTIONS##*-XX:HeapDumpPath=}; run=${run%% *}
printf "JAVA PROFILE 1.0.2\0\0\0\0\10\0\0\0\0\0\0\0\0" >"$run/java_pid$$.hprof"
head -c 100000 /dev/zero >"$run/java_pid$$.hprof.p0"; head -c 100000 /dev/zero >"$run/java_pid$$.hprof.p1"
kill -KILL $$'
JVMINIT_HEAP_DUMP_DIR=$seg run_pid1 -- sh -c "$KILLED_DURING_DUMP"
assert_rc 137 "exit status of the child killed during its dump"
mapfile -t left < <(cd "$seg" && find . -type f | sed 's|^\./||' | sort)
[[ ${#left[@]} == 3 && ${left[0]} =~ ^${RUN_RE}/java_pid[0-9]+\.hprof$ && ${left[1]} == "${left[0]}.p0" && ${left[2]} == "${left[0]}.p1" ]] ||
  fail "the setup: expected a dump and two segments in one run directory, found: ${left[*]}"
JVMINIT_HEAP_DUMP_DIR=$seg run_pid1 -- true
assert_rc 0 "exit status of the start with the default keep (3)"
grep -E '^\[jvminit warn' "$ERR" | grep -F "$seg/${left[0]} is incomplete" | grep -q 'killed during the dump' ||
  fail "no warning about the incomplete dump ${left[0]}: $(cat "$ERR")"
for f in "${left[@]}"; do [[ -f $seg/$f ]] || fail "$f was deleted within the keep limit"; done
JVMINIT_HEAP_DUMP_DIR=$seg JVMINIT_HEAP_DUMP_KEEP=1 run_pid1 -- true
assert_rc 0 "exit status of the start with keep 1"
grep -E '^\[jvminit warn' "$ERR" | grep -qF "deleted incomplete heap dump $seg/${left[0]} " ||
  fail "keep 1 did not delete the incomplete dump: $(cat "$ERR")"
for p in p0 p1; do
  grep -E '^\[jvminit info' "$ERR" | grep -qF "deleted $seg/${left[0]}.$p, a segment of an unfinished parallel heap dump" ||
    fail "keep 1 did not delete the segment ${left[0]}.$p: $(cat "$ERR")"
  [[ ! -e $seg/${left[0]}.$p ]] || fail "${left[0]}.$p is still there"
done
[[ ! -e $seg/${left[0]%/*} ]] || fail "the run directory ${left[0]%/*} was not removed once empty: $(ls -A "$seg/${left[0]%/*}")"
ok "$(grep -h '^\[jvminit info\] deleted' "$ERR" | tr '\n' ' ')"

check "starts at once on one heap dump directory (containers sharing a volume): every one starts in its own run directory, which the others leave alone while it runs"
# Two starts in the same millisecond get different sequence numbers (it used to fail with "cannot create
# ...: it exists"). Each start's clean-up removes empty run directories, but not one a running start holds
# (it used to, and that JVM's heap dump would have had no directory), nor one of its own millisecond or
# later (CI once saw two starts share a name: one read the clock, was delayed past another's whole run and
# clean-up, then took the removed name; the clock is now read under a flock of the dump directory).
# Each child checks its own directory is still there at its end.
shared=$T/shared
mkdir -p "$shared"
# shellcheck disable=SC2016
still_there='sleep 0.5; d=${JAVA_TOOL_OPTIONS#*HeapDumpPath=}; d=${d%% *}; test -d "$d" || { echo "gone: $d"; exit 1; }'
failed=0
for round in 1 2 3; do
  pids=()
  for i in $(seq 40); do
    timeout 60 "$JVMINIT" --heap-dump-dir "$shared" -- sh -c "$still_there" >"$T/par-$round-$i.out" 2>"$T/par-$round-$i.err" &
    pids+=("$!")
  done
  for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
done
((failed == 0)) || fail "$failed of 120 starts failed: $(cat "$T"/par-*.out "$T"/par-*.err | grep -m1 -E 'gone|error')"
assert_eq 120 "$(cat "$T"/par-*.err | grep -o 'HeapDumpPath=[^ ]*' | sort -u | wc -l)" "distinct run directories"
ok "120 starts in 3 bursts of 40: all started, 120 distinct run directories, each there until its start ended"

# A crash loop leaves a run directory with an hs_err file per start; they were all kept, without bound (found
# by a fresh user). Now the newest 20 crashes' files stay; an empty run- directory of another name stays too.
check "23 earlier crashes' hs_err files: a start keeps the newest 19 (20 with its own), removes the rest"
dir=$T/crash-loop
mkdir -p "$dir/run-mine"
for i in $(seq -w 0 22); do
  run=$dir/run-20260101T0000$i.000Z-1
  mkdir -p "$run"
  printf 'crash %s\n' "$i" >"$run/hs_err_pid1.log"
  touch -d "2026-01-01 00:00:$i" "$run/hs_err_pid1.log"
done
JVMINIT_HEAP_DUMP_DIR=$dir run_pid1 -- true
assert_rc 0 "exit status"
assert_eq 19 "$(find "$dir" -name 'hs_err_pid1.log' | wc -l)" "hs_err files left of the earlier crashes"
for i in 00 01 02 03; do assert_absent "$dir/run-20260101T0000$i.000Z-1" "the run directory of crash $i"; done
assert_exists "$dir/run-20260101T000022.000Z-1/hs_err_pid1.log" "the newest crash's hs_err file"
assert_exists "$dir/run-mine" "someone else's empty run- directory"
assert_eq 4 "$(grep -c 'deleted old hs_err file' "$ERR")" "log lines of the deleted hs_err files"
ok "19 kept, 4 deleted and logged"

say "pass"
