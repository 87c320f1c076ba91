#!/usr/bin/env bash
# Every combination of jvminit's JVM settings starts the real JVM, and the JVM's effective flags
# (-XX:+PrintFlagsFinal) are the intended ones (issue 3, "Tests": every combination of settings starts,
# no `Unrecognized VM option`; the effective values are the intended ones).
#
# The matrix: JVMINIT_ON_OOM exit/crash/none x JVMINIT_GC_LOG true/false x JVMINIT_HEAP_DUMP_DIR
# set/unset x JVMINIT_DEBUG true/false (a free port each time) x JVMINIT_MAX_RAM_PERCENTAGE 50/75:
# 48 JVM starts of `java -XX:+PrintFlagsFinal -version`. Then the merge rules with the user's own
# options: a user -Xmx keeps MaxRAMPercentage at the JVM's default, a user OOM flag wins, an unrelated
# user flag suppresses nothing, a dump directory with a space is read back exactly.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_jvminit
need_pidns
need_cmd java

# No jvminit setting from the developer's environment may leak into the runs (lib.sh unsets JVMINIT_*), nor a system file.
need_default_settings

# flag FILE NAME: the value column of NAME in a PrintFlagsFinal listing (empty for an empty ccstr).
flag() {
  local line value
  line=$(grep -m1 -E "^ *[A-Za-z0-9_]+ +$2 += " "$1") || fail "no flag $2 in the PrintFlagsFinal output"
  value=${line#*= }
  value=${value%%\{*}
  value=${value%"${value##*[! ]}"} # trailing blanks
  printf '%s\n' "$value"
}
# flag_origin FILE NAME: the last {...} of NAME's line: default, environment, command line, ergonomic.
flag_origin() {
  local line
  line=$(grep -m1 -E "^ *[A-Za-z0-9_]+ +$2 += " "$1") || fail "no flag $2 in the PrintFlagsFinal output"
  line=${line##*\{}
  printf '%s\n' "${line%\}*}"
}
expect_flag() { # NAME EXPECTED [WHAT]
  local got
  got=$(flag "$OUT" "$1")
  [[ $got == "$2" ]] || fail "${3:-}$1 is '$got', expected '$2'"
}
# The run started the JVM and nothing in it complained about an option.
expect_clean_start() {
  assert_rc 0 "${1:-}exit status of java -XX:+PrintFlagsFinal -version"
  ! grep -qE 'Unrecognized VM option|Unrecognized option|Could not create the Java Virtual Machine|Error:|Invalid' "$OUT" "$ERR" ||
    fail "${1:-}the JVM complained about its options: $(grep -hE 'Unrecognized|Could not create|Error:|Invalid' "$OUT" "$ERR" | head -3)"
  grep -q '^ *bool UseSerialGC ' "$OUT" || fail "${1:-}no PrintFlagsFinal listing on stdout"
}
# The JAVA_TOOL_OPTIONS the JVM picked up (its own stderr line), or empty.
picked_up() { sed -n 's/^Picked up JAVA_TOOL_OPTIONS: //p' "$ERR" | head -1; }
count_files() { # DIR GLOB
  local -a f
  shopt -s nullglob
  # shellcheck disable=SC2206
  f=("$1"/$2)
  shopt -u nullglob
  echo "${#f[@]}"
}

STAMP_RE='[0-9]{8}T[0-9]{6}\.[0-9]{3}Z-[0-9]+'
n=0
for oom in exit crash none; do
  for gc in true false; do
    for dump in set unset; do
      for debug in true false; do
        for pct in 50 75; do
          n=$((n + 1))
          case_dir=$T/case$n
          mkdir -p "$case_dir/cwd"
          dump_dir=$case_dir/dumps
          port=$(free_port)
          what="[on_oom=$oom gc_log=$gc heap_dump_dir=$dump debug=$debug max_ram_percentage=$pct] "
          check "${what}the JVM starts and its flags are the intended ones"
          env_words=("JVMINIT_ON_OOM=$oom" "JVMINIT_GC_LOG=$gc" "JVMINIT_MAX_RAM_PERCENTAGE=$pct"
            "JVMINIT_DEBUG=$debug" "JVMINIT_DEBUG_PORT=$port")
          [[ $dump == set ]] && env_words+=("JVMINIT_HEAP_DUMP_DIR=$dump_dir")
          cd "$case_dir/cwd"
          RUN_ENV=("${env_words[@]}")
          run_pid1 -- java -XX:+PrintFlagsFinal -version
          RUN_ENV=()
          cd "$T"
          expect_clean_start "$what"

          # OOM action
          expect_flag ExitOnOutOfMemoryError "$([[ $oom == exit ]] && echo true || echo false)" "$what"
          expect_flag CrashOnOutOfMemoryError "$([[ $oom == crash ]] && echo true || echo false)" "$what"

          # Heap dumps and hs_err beside them
          if [[ $dump == set ]]; then
            expect_flag HeapDumpOnOutOfMemoryError true "$what"
            hdp=$(flag "$OUT" HeapDumpPath)
            [[ $hdp =~ ^"$dump_dir"/run-${STAMP_RE}$ ]] ||
              fail "${what}HeapDumpPath '$hdp' is not $dump_dir/run-<UTC stamp>-<seq>"
            ef=$(flag "$OUT" ErrorFile)
            [[ $ef == "$hdp/hs_err_pid%p.log" ]] ||
              fail "${what}ErrorFile '$ef' is not $hdp/hs_err_pid%p.log"
            [[ -d $dump_dir ]] || fail "${what}the heap dump directory $dump_dir was not created"
            [[ -d $hdp ]] || fail "${what}the start's run directory $hdp was not created (the JVM creates none)"
          else
            expect_flag HeapDumpOnOutOfMemoryError false "$what"
            expect_flag HeapDumpPath "" "$what"
            expect_flag ErrorFile "" "$what"
          fi

          # GC log: in the heap dump directory when set, else in the working directory
          gc_dir=$case_dir/cwd
          [[ $dump == set ]] && gc_dir=$dump_dir
          gc_files=$(count_files "$gc_dir" 'gc-*.log*')
          other_gc=$(($(count_files "$case_dir/cwd" 'gc-*.log*') + $(count_files "$dump_dir" 'gc-*.log*') - gc_files))
          if [[ $gc == true ]]; then
            [[ $gc_files -ge 1 ]] || fail "${what}no gc-*.log in $gc_dir"
            shopt -s nullglob
            gc_file=("$gc_dir"/gc-*.log)
            shopt -u nullglob
            [[ ${#gc_file[@]} -eq 1 && -s ${gc_file[0]} ]] || fail "${what}expected one non-empty gc-*.log in $gc_dir, found: $(ls -A "$gc_dir")"
            [[ $(basename "${gc_file[0]}") =~ ^gc-${STAMP_RE}-pid[0-9]+\.log$ ]] || fail "${what}GC log name $(basename "${gc_file[0]}") is not gc-<UTC stamp>-<seq>-pid<N>.log"
            grep -qE '\[gc[],]' "${gc_file[0]}" || fail "${what}the GC log ${gc_file[0]} has no gc line"
          else
            [[ $gc_files -eq 0 ]] || fail "${what}gc_log=false but a GC log exists in $gc_dir: $(ls -A "$gc_dir")"
          fi
          [[ $other_gc -eq 0 ]] || fail "${what}a GC log in the wrong directory (expected only $gc_dir)"

          # Remote debugging: the agent announces its port
          if [[ $debug == true ]]; then
            grep -q "^Listening for transport dt_socket at address: $port\$" "$OUT" ||
              fail "${what}no JDWP banner for port $port on stdout"
          else
            ! grep -q 'Listening for transport' "$OUT" || fail "${what}a JDWP agent runs although debug=false"
            assert_not_contains "$(picked_up)" "jdwp" "${what}JAVA_TOOL_OPTIONS"
          fi

          # Heap sizing
          expect_flag MaxRAMPercentage "$pct.000000" "$what"
          assert_eq environment "$(flag_origin "$OUT" MaxRAMPercentage)" "${what}origin of MaxRAMPercentage"
          ok "${what}ok"
        done
      done
    done
  done
done
say "matrix: $n JVM starts, each with the intended flags"

# ------------------------------------------------------------------------------------------------
# The user's own options

check "a user -Xmx256m in JAVA_TOOL_OPTIONS: MaxRAMPercentage stays at the JVM default, MaxHeapSize = 256 MiB"
JAVA_TOOL_OPTIONS=-Xmx256m JVMINIT_MAX_RAM_PERCENTAGE=50 run_pid1 -- java -XX:+PrintFlagsFinal -version
expect_clean_start
expect_flag MaxHeapSize 268435456
assert_eq default "$(flag_origin "$OUT" MaxRAMPercentage)" "origin of MaxRAMPercentage"
expect_flag MaxRAMPercentage 25.000000
assert_not_contains "$(picked_up)" MaxRAMPercentage "the JAVA_TOOL_OPTIONS the JVM picked up"
expect_flag ExitOnOutOfMemoryError true "(unrelated to the heap size) "
ok "MaxHeapSize=268435456, MaxRAMPercentage default; JAVA_TOOL_OPTIONS: $(picked_up)"

check "a user -Xmx256m on the java command line: the same"
run_pid1 -- java -Xmx256m -XX:+PrintFlagsFinal -version
expect_clean_start
expect_flag MaxHeapSize 268435456
assert_eq default "$(flag_origin "$OUT" MaxRAMPercentage)" "origin of MaxRAMPercentage"
assert_not_contains "$(picked_up)" MaxRAMPercentage "the JAVA_TOOL_OPTIONS the JVM picked up"
ok "JAVA_TOOL_OPTIONS: $(picked_up)"

check "an @argfile read as the launcher reads it: after a '# comment' its -Xmx256m and its JDWP agent count (JVMINIT_DEBUG adds no second agent)"
# Found by a review: the trailing comment made `#` the main class for jvminit, so it added
# MaxRAMPercentage and a second JDWP agent, and the JVM refused to start ("Cannot load this JVM TI agent twice").
port=$(free_port)
printf '%s\n' '-Dapp=1  # application flag' '-Xmx256m' \
  "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:$port" >"$T/jvm.args"
JVMINIT_DEBUG=true run_pid1 -- java @"$T/jvm.args" -XX:+PrintFlagsFinal -version
expect_clean_start
expect_flag MaxHeapSize 268435456
assert_eq default "$(flag_origin "$OUT" MaxRAMPercentage)" "origin of MaxRAMPercentage"
assert_not_contains "$(picked_up)" jdwp "the JAVA_TOOL_OPTIONS the JVM picked up"
ok "JAVA_TOOL_OPTIONS: $(picked_up)"

check "a user -XX:MaxRAMPercentage=60 wins over JVMINIT_MAX_RAM_PERCENTAGE=50"
JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=60 JVMINIT_MAX_RAM_PERCENTAGE=50 run_pid1 -- java -XX:+PrintFlagsFinal -version
expect_clean_start
expect_flag MaxRAMPercentage 60.000000
assert_eq 1 "$(grep -o MaxRAMPercentage <<<"$(picked_up)" | wc -l)" "MaxRAMPercentage options in '$(picked_up)'"
ok "60"

check "a user -XX:-ExitOnOutOfMemoryError wins: ExitOnOutOfMemoryError stays false"
JAVA_TOOL_OPTIONS=-XX:-ExitOnOutOfMemoryError run_pid1 -- java -XX:+PrintFlagsFinal -version
expect_clean_start
expect_flag ExitOnOutOfMemoryError false
expect_flag CrashOnOutOfMemoryError false
assert_eq "-XX:-ExitOnOutOfMemoryError -XX:MaxRAMPercentage=75" "$(picked_up)" "the JAVA_TOOL_OPTIONS the JVM picked up"
ok "JAVA_TOOL_OPTIONS: $(picked_up)"

check "a user -XX:-ExitOnOutOfMemoryError also suppresses JVMINIT_ON_OOM=crash (the user decided the OOM behaviour)"
JAVA_TOOL_OPTIONS=-XX:-ExitOnOutOfMemoryError JVMINIT_ON_OOM=crash run_pid1 -- java -XX:+PrintFlagsFinal -version
expect_clean_start
expect_flag ExitOnOutOfMemoryError false
expect_flag CrashOnOutOfMemoryError false
ok "JAVA_TOOL_OPTIONS: $(picked_up)"

check "a user -XX:+CrashOnOutOfMemoryError on the command line: jvminit adds no ExitOnOutOfMemoryError"
run_pid1 -- java -XX:+CrashOnOutOfMemoryError -XX:+PrintFlagsFinal -version
expect_clean_start
expect_flag ExitOnOutOfMemoryError false
expect_flag CrashOnOutOfMemoryError true
assert_not_contains "$(picked_up)" OutOfMemoryError "the JAVA_TOOL_OPTIONS the JVM picked up"
ok "JAVA_TOOL_OPTIONS: $(picked_up)"

check "an unrelated user flag (-XX:+UseSerialGC) suppresses nothing"
JAVA_TOOL_OPTIONS=-XX:+UseSerialGC JVMINIT_GC_LOG=true JVMINIT_HEAP_DUMP_DIR=$T/unrelated run_pid1 -- java -XX:+PrintFlagsFinal -version
expect_clean_start
expect_flag UseSerialGC true
expect_flag ExitOnOutOfMemoryError true
expect_flag HeapDumpOnOutOfMemoryError true
expect_flag MaxRAMPercentage 75.000000
[[ $(count_files "$T/unrelated" 'gc-*.log') == 1 ]] || fail "no GC log in $T/unrelated"
ok "JAVA_TOOL_OPTIONS: $(picked_up)"

check "a user -Xlog:all=info is the user's GC logging (its file has the GC lines); all=warning and all=off are not"
JVMINIT_GC_LOG=true JVMINIT_HEAP_DUMP_DIR=$T/xlog-info run_pid1 -- java "-Xlog:all=info:file=$T/all-info.log" -XX:+PrintFlagsFinal -version
expect_clean_start
[[ $(count_files "$T/xlog-info" 'gc-*.log') == 0 ]] || fail "jvminit added a GC log beside the user's -Xlog:all=info"
grep -qE '\[gc[],]' "$T/all-info.log" || fail "the user's -Xlog:all=info file has no gc line"
JVMINIT_GC_LOG=true JVMINIT_HEAP_DUMP_DIR=$T/xlog-warning run_pid1 -- java "-Xlog:all=warning:file=$T/all-warning.log" -XX:+PrintFlagsFinal -version
expect_clean_start
gc_file=("$T"/xlog-warning/gc-*.log)
[[ -f ${gc_file[0]} ]] || fail "no jvminit GC log beside the user's -Xlog:all=warning"
grep -qE '\[gc[],]' "${gc_file[0]}" || fail "jvminit's GC log ${gc_file[0]} has no gc line"
! grep -qE '\[gc[],]' "$T/all-warning.log" || fail "the user's -Xlog:all=warning file has gc lines: all=warning is GC logging after all"
# all=off quiets stdout only (the usual way to keep the JVM's warnings off it): jvminit's GC log is still written.
JVMINIT_GC_LOG=true JVMINIT_HEAP_DUMP_DIR=$T/xlog-off run_pid1 -- java -Xlog:all=off -XX:+PrintFlagsFinal -version
expect_clean_start
gc_file=("$T"/xlog-off/gc-*.log)
[[ -f ${gc_file[0]} ]] || fail "no jvminit GC log beside the user's -Xlog:all=off"
grep -qE '\[gc[],]' "${gc_file[0]}" || fail "jvminit's GC log ${gc_file[0]} has no gc line under -Xlog:all=off"
ok "all=info: the user's file only; all=warning and all=off: jvminit's GC log too"

check "heap dump flags are decided one by one: a user -XX:HeapDumpPath still gets dumps switched on"
JAVA_TOOL_OPTIONS=-XX:HeapDumpPath=$T/users.hprof JVMINIT_HEAP_DUMP_DIR=$T/split run_pid1 -- java -XX:+PrintFlagsFinal -version
expect_clean_start
expect_flag HeapDumpOnOutOfMemoryError true
expect_flag HeapDumpPath "$T/users.hprof"
[[ $(flag "$OUT" ErrorFile) =~ ^"$T"/split/run-${STAMP_RE}/hs_err_pid%p\.log$ ]] || fail "ErrorFile '$(flag "$OUT" ErrorFile)' is not jvminit's"
assert_eq 1 "$(grep -o HeapDumpPath <<<"$(picked_up)" | wc -l)" "HeapDumpPath options in '$(picked_up)'"
ok "JAVA_TOOL_OPTIONS: $(picked_up)"

check "a user -XX:+HeapDumpOnOutOfMemoryError on the command line still gets jvminit's unique path"
JVMINIT_HEAP_DUMP_DIR=$T/split run_pid1 -- java -XX:+HeapDumpOnOutOfMemoryError -XX:+PrintFlagsFinal -version
expect_clean_start
expect_flag HeapDumpOnOutOfMemoryError true
[[ $(flag "$OUT" HeapDumpPath) =~ ^"$T"/split/run-${STAMP_RE}$ ]] || fail "HeapDumpPath '$(flag "$OUT" HeapDumpPath)' is not jvminit's run directory"
assert_not_contains "$(picked_up)" HeapDumpOnOutOfMemoryError "the JAVA_TOOL_OPTIONS the JVM picked up"
ok "JAVA_TOOL_OPTIONS: $(picked_up)"

check "a user -XX:-HeapDumpOnOutOfMemoryError: no dumps, jvminit adds neither heap dump flag"
JAVA_TOOL_OPTIONS=-XX:-HeapDumpOnOutOfMemoryError JVMINIT_HEAP_DUMP_DIR=$T/split run_pid1 -- java -XX:+PrintFlagsFinal -version
expect_clean_start
expect_flag HeapDumpOnOutOfMemoryError false
expect_flag HeapDumpPath ""
assert_not_contains "$(picked_up)" HeapDumpPath "the JAVA_TOOL_OPTIONS the JVM picked up"
ok "JAVA_TOOL_OPTIONS: $(picked_up)"

check "a heap dump directory with spaces is read back exactly by the JVM"
space_dir="$T/dump dir  with spaces"
JVMINIT_HEAP_DUMP_DIR=$space_dir run_pid1 -- java -XX:+PrintFlagsFinal -version
expect_clean_start
hdp=$(flag "$OUT" HeapDumpPath)
[[ $hdp =~ ^"$space_dir"/run-${STAMP_RE}$ ]] || fail "HeapDumpPath '$hdp' is not a run directory in '$space_dir'"
[[ -d $hdp ]] || fail "the run directory '$hdp' was not created"
ef=$(flag "$OUT" ErrorFile)
[[ $ef == "$hdp/hs_err_pid%p.log" ]] || fail "ErrorFile '$ef' is not '$hdp/hs_err_pid%p.log'"
ok "HeapDumpPath=$hdp"

say "pass"
