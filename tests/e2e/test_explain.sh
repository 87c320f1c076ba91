#!/usr/bin/env bash
# `jvminit explain [--json] [-- PROGRAM ARGS...]` (issue 3, behaviours 4 and 5; issue 4, behaviour 4):
# prints the JDK found, the container limits, every setting with its value and source, the final
# JAVA_TOOL_OPTIONS and one line per option with its reason or, when suppressed, why; starts nothing.
# Against a fake JDK 8 home (a `release` file with JAVA_VERSION="1.8.0_392") it prints the JDK 8 forms.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_jvminit
need_cmd python3

unset JAVA_DEBUG JAVA_DEBUG_PORT JAVA_DEBUG_SUSPEND BPL_DEBUG_ENABLED BPL_DEBUG_PORT \
      BPL_DEBUG_SUSPEND BPL_HEAP_DUMP_PATH JAVA_MAX_MEM_RATIO
need_default_settings sources
cd "$T"

MARKER=$T/java-was-run
# fake_jdk DIR VERSION: a Java home whose bin/java only creates $MARKER.
fake_jdk() {
  mkdir -p "$1/bin"
  printf 'IMPLEMENTOR="Fake"\nJAVA_VERSION="%s"\nOS_NAME="Linux"\n' "$2" >"$1/release"
  printf '#!/bin/sh\necho "$0 $*" >>"%s"\n' "$MARKER" >"$1/bin/java"
  chmod +x "$1/bin/java"
}
fake_jdk "$T/jdk8" 1.8.0_392
fake_jdk "$T/jdk8u151" 1.8.0_151
# Any program: if it runs, the marker says so.
printf '#!/bin/sh\necho "$0 $*" >>"%s"\n' "$MARKER" >"$T/program"
chmod +x "$T/program"

no_run() { assert_absent "$MARKER" "marker of a started program (explain ran: $(cat "$MARKER" 2>/dev/null))"; }
# json EXPR: the Python expression EXPR evaluated on the JSON (`j`) the last run printed.
json() { python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$OUT" "$1"; }
valid_json() {
  python3 -m json.tool "$OUT" >/dev/null 2>"$T/json-error" || fail "explain --json printed invalid JSON: $(cat "$T/json-error")"
}
# has_option VALUE OPTION: OPTION is one whole option of VALUE.
has_option() { [[ " $1 " == *" $2 "* ]]; }
jto_line() { sed -n 's/^JAVA_TOOL_OPTIONS=//p' "$OUT"; }
# source_of SETTING: the source column of a setting in explain's text output.
source_of() {
  local line
  line=$(grep -E "^  $1 += " "$OUT") || fail "explain lists no setting $1"
  sed -E 's/^  [a-z_.]+ += (""|[^ ]+) +//' <<<"$line"
}
value_of() {
  local line
  line=$(grep -E "^  $1 += " "$OUT") || fail "explain lists no setting $1"
  sed -E 's/^  [a-z_.]+ += ((""|[^ ]+)).*/\1/' <<<"$line"
}

AGENT='-agentlib:jdwp=transport=dt_socket,server=y,suspend=n'

# ------------------------------------------------------------------------------------------------
check "fake JDK 8 via JAVA_HOME, JVMINIT_DEBUG=true and JVMINIT_GC_LOG=true: the JDK 8 forms, java never run"
JAVA_HOME=$T/jdk8 JVMINIT_DEBUG=true JVMINIT_GC_LOG=true run_plain explain
assert_rc 0 "exit status of explain"
no_run
grep -E '^JDK:' "$OUT" | grep -F "$T/jdk8" | grep -F 'JAVA_HOME' | grep -F '1.8.0_392' | grep -qF 'major 8' ||
  fail "the JDK line does not name the fake JDK 8 home, JAVA_HOME and major 8: $(grep '^JDK:' "$OUT")"
v=$(jto_line)
has_option "$v" "$AGENT,address=5005" || fail "JAVA_TOOL_OPTIONS has no JDK 8 agent '$AGENT,address=5005': $v"
assert_not_contains "$v" "address=*:" "JAVA_TOOL_OPTIONS for JDK 8"
grep -qE '^  \+ -Xloggc:/' "$OUT" || fail "no '+ -Xloggc:...' line"
has_option "$v" "-XX:+PrintGCDetails" || fail "no -XX:+PrintGCDetails for JDK 8: $v"
assert_not_contains "$v" "-Xlog:" "JAVA_TOOL_OPTIONS for JDK 8"
grep -qE "^  \+ $AGENT,address=5005 +<- JVMINIT_DEBUG=true \(environment JVMINIT_DEBUG\)" "$OUT" ||
  fail "the agent's line does not give JVMINIT_DEBUG=true (environment JVMINIT_DEBUG) as its reason"
# 8u392 >= 8u191: MaxRAMPercentage exists
has_option "$v" "-XX:MaxRAMPercentage=75" || fail "no -XX:MaxRAMPercentage=75 for 8u392: $v"
ok "$v"

check "the same as JSON: jdk.major 8, found by JAVA_HOME"
JAVA_HOME=$T/jdk8 JVMINIT_DEBUG=true JVMINIT_GC_LOG=true run_plain explain --json
assert_rc 0 "exit status of explain --json"
valid_json
no_run
assert_eq 8 "$(json 'j["jdk"]["major"]')" "jdk.major"
assert_eq "1.8.0_392" "$(json 'j["jdk"]["version"]')" "jdk.version"
assert_eq "$T/jdk8" "$(json 'j["jdk"]["home"]')" "jdk.home"
assert_eq "JAVA_HOME" "$(json 'j["jdk"]["found_by"]')" "jdk.found_by"
v=$(json 'j["java_tool_options"]')
has_option "$v" "$AGENT,address=5005" || fail "java_tool_options has no JDK 8 agent: $v"
json '[a["option"] for a in j["added"]]' | grep -qF "'-Xloggc:" || fail "added has no -Xloggc option: $(json 'j["added"]')"
ok "$v"

check "fake JDK 8 as PROGRAM (java on PATH, explain -- java -jar app.jar): the JDK 8 forms, java never run"
PATH=$T/jdk8/bin:$PATH JVMINIT_DEBUG=true JVMINIT_GC_LOG=true run_plain explain -- java -jar app.jar
assert_rc 0 "exit status of explain"
no_run
grep -E '^program:' "$OUT" | grep -qF "$T/jdk8/bin/java" || fail "the program line does not name the fake java: $(grep '^program:' "$OUT")"
grep -E '^JDK:' "$OUT" | grep -qF 'major 8' || fail "not JDK 8: $(grep '^JDK:' "$OUT")"
has_option "$(jto_line)" "$AGENT,address=5005" || fail "no JDK 8 agent: $(jto_line)"
grep -q '^  + -Xloggc:' "$OUT" || fail "no -Xloggc line"
ok "$(jto_line)"

check "fake JDK 8u151 (before 8u191): MaxRAMPercentage is not added, and explain says why"
JAVA_HOME=$T/jdk8u151 run_plain explain
assert_rc 0 "exit status of explain"
no_run
assert_not_contains "$(jto_line)" "MaxRAMPercentage" "JAVA_TOOL_OPTIONS for 8u151"
grep -E '^  - -XX:MaxRAMPercentage=75 +not added: ' "$OUT" | grep -q '191' ||
  fail "no '- -XX:MaxRAMPercentage=75 not added: ...' line naming 8u191: $(grep MaxRAM "$OUT")"
ok "$(grep -E '^  - -XX:MaxRAMPercentage' "$OUT")"

# ------------------------------------------------------------------------------------------------
check "the real JDK: address=*:5005 and -Xlog:gc*"
real_major=0
if command -v java >/dev/null 2>&1; then
  java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  real_version=$(sed -n 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$java_home/release" 2>/dev/null || true)
  real_major=${real_version%%.*}
  [[ $real_major =~ ^[0-9]+$ ]] || real_major=0
fi
if ((real_major < 9)); then
  skip_part "no installed JDK 9+ with a release file (java: $(command -v java || echo none))"
else
  JVMINIT_DEBUG=true JVMINIT_GC_LOG=true run_plain explain -- java -version
  assert_rc 0 "exit status of explain"
  grep -E '^JDK:' "$OUT" | grep -F "$java_home" | grep -qF "major $real_major" || fail "JDK line: $(grep '^JDK:' "$OUT")"
  v=$(jto_line)
  has_option "$v" "$AGENT,address=*:5005" || fail "JAVA_TOOL_OPTIONS has no '$AGENT,address=*:5005': $v"
  grep -qE '^  \+ -Xlog:gc\*:file=/' "$OUT" || fail "no '+ -Xlog:gc*:file=...' line"
  assert_not_contains "$v" "-Xloggc" "JAVA_TOOL_OPTIONS for JDK $real_major"
  grep -E '^warning:' "$OUT" | grep -q 'all interfaces' || fail "no warning that the agent listens on all interfaces"
  ok "$v"
fi

# ------------------------------------------------------------------------------------------------
check "explain --json is valid JSON with every setting, its value and its source: default, environment, flag, file"
cfg=$T/explain.toml
cat >"$cfg" <<'TOML'
[oom]
action = "crash"

[heap_dump]
keep = 7
TOML
JVMINIT_GC_LOG=true run_plain --config "$cfg" --debug-port 6001 explain --json -- java -version
assert_rc 0 "exit status of explain --json"
valid_json
no_run
settings=$(json '" ".join(sorted(j["settings"]))')
for name in debug.enabled debug.port debug.suspend debug.bind oom.action heap_dump.dir heap_dump.keep \
  gc_log.enabled gc_log.dir memory.max_ram_percentage stop.timeout log.level; do
  [[ " $settings " == *" $name "* ]] || fail "settings has no $name: $settings"
done
assert_eq "crash" "$(json 'j["settings"]["oom.action"]["value"]')" "oom.action value"
assert_eq "file $cfg:2:1" "$(json 'j["settings"]["oom.action"]["source"]')" "oom.action source"
assert_eq "7" "$(json 'j["settings"]["heap_dump.keep"]["value"]')" "heap_dump.keep value"
assert_eq "file $cfg:5:1" "$(json 'j["settings"]["heap_dump.keep"]["source"]')" "heap_dump.keep source"
assert_eq "True" "$(json 'j["settings"]["gc_log.enabled"]["value"]')" "gc_log.enabled value (a JSON boolean)"
assert_eq "environment JVMINIT_GC_LOG" "$(json 'j["settings"]["gc_log.enabled"]["source"]')" "gc_log.enabled source"
assert_eq "6001" "$(json 'j["settings"]["debug.port"]["value"]')" "debug.port value"
# Values have the JSON types of their TOML keys: booleans, integers, and strings for the rest.
assert_eq "bool int int str str" \
  "$(json '" ".join(type(j["settings"][k]["value"]).__name__ for k in ["debug.suspend", "heap_dump.keep", "debug.port", "stop.timeout", "oom.action"])')" \
  "types of setting values"
assert_eq "flag --debug-port" "$(json 'j["settings"]["debug.port"]["source"]')" "debug.port source"
assert_eq "75" "$(json 'j["settings"]["memory.max_ram_percentage"]["value"]')" "memory.max_ram_percentage value"
assert_eq "default" "$(json 'j["settings"]["memory.max_ram_percentage"]["source"]')" "memory.max_ram_percentage source"
assert_eq "JVMINIT_ON_OOM" "$(json 'j["settings"]["oom.action"]["env"]')" "oom.action env"
assert_eq "--on-oom" "$(json 'j["settings"]["oom.action"]["flag"]')" "oom.action flag"
assert_eq "-XX:+CrashOnOutOfMemoryError" \
  "$(json '[a["option"] for a in j["added"] if "OutOfMemoryError" in a["option"]][0]')" "OOM option added"
json '[a["reason"] for a in j["added"] if a["option"] == "-XX:+CrashOnOutOfMemoryError"][0]' | grep -qF "file $cfg:2:1" ||
  fail "the reason of -XX:+CrashOnOutOfMemoryError does not name the file line"
assert_eq "True" "$(json 'j["program_is_java"]')" "program_is_java"
ok "oom.action: file $cfg:2:1; heap_dump.keep: file $cfg:5:1; gc_log.enabled: environment; debug.port: flag; the rest default"

check "the text form shows the same sources"
JVMINIT_GC_LOG=true run_plain --config "$cfg" --debug-port 6001 explain -- java -version
assert_rc 0 "exit status of explain"
assert_eq "file $cfg:2:1" "$(source_of oom.action)" "oom.action source"
assert_eq "crash" "$(value_of oom.action)" "oom.action value"
assert_eq "file $cfg:5:1" "$(source_of heap_dump.keep)" "heap_dump.keep source"
assert_eq "environment JVMINIT_GC_LOG" "$(source_of gc_log.enabled)" "gc_log.enabled source"
assert_eq "flag --debug-port" "$(source_of debug.port)" "debug.port source"
assert_eq "default" "$(source_of memory.max_ram_percentage)" "memory.max_ram_percentage source"
assert_eq "default" "$(source_of debug.enabled)" "debug.enabled source"
grep -qE '^  \+ -XX:\+CrashOnOutOfMemoryError +<- JVMINIT_ON_OOM=crash \(file ' "$OUT" ||
  fail "no '+ -XX:+CrashOnOutOfMemoryError <- JVMINIT_ON_OOM=crash (file ...)' line"
ok "$(grep -E '^  (oom.action|heap_dump.keep|gc_log.enabled|debug.port) ' "$OUT" | tr -s ' ' | tr '\n' ';')"

check "an alias (BPL_DEBUG_ENABLED, Paketo) shows as the source, with a note that the JVMINIT_ name is preferred"
BPL_DEBUG_ENABLED=true run_plain explain
assert_rc 0 "exit status of explain"
assert_eq "environment BPL_DEBUG_ENABLED" "$(source_of debug.enabled)" "debug.enabled source"
grep -E '^note:' "$OUT" | grep -F BPL_DEBUG_ENABLED | grep -qF JVMINIT_DEBUG || fail "no note about the alias"
# Paketo listens on 8000 (found by a fresh user: 5005 was taken).
assert_eq "default of BPL_DEBUG_ENABLED (Paketo's port)" "$(source_of debug.port)" "debug.port source"
grep -qE 'address=[^ ]*:8000' "$OUT" || fail "the JDWP agent does not listen on 8000: $(grep jdwp "$OUT")"
ok "$(grep '^note:' "$OUT")"

# ------------------------------------------------------------------------------------------------
check "suppressed options show why: a user -Xmx512m in JAVA_TOOL_OPTIONS -> MaxRAMPercentage not added"
JAVA_TOOL_OPTIONS=-Xmx512m run_plain explain -- java -version
assert_rc 0 "exit status of explain"
assert_not_contains "$(jto_line)" "MaxRAMPercentage" "JAVA_TOOL_OPTIONS"
grep -qE '^  - -XX:MaxRAMPercentage=75 +not added: the user set -Xmx512m in JAVA_TOOL_OPTIONS$' "$OUT" ||
  fail "no '- -XX:MaxRAMPercentage=75 not added: the user set -Xmx512m in JAVA_TOOL_OPTIONS' line: $(grep MaxRAM "$OUT")"
ok "$(grep -E '^  - ' "$OUT")"

check "the same as JSON, and for the java command line, OOM and JDWP"
JVMINIT_DEBUG=true JAVA_TOOL_OPTIONS='-XX:-ExitOnOutOfMemoryError -agentlib:jdwp=transport=dt_socket,server=y,address=7000' \
  run_plain explain --json -- java -Xmx512m -jar app.jar
assert_rc 0 "exit status of explain --json"
valid_json
why() { json "[s['why'] for s in j['suppressed'] if s['option'].startswith('$1')]"; }
assert_eq "['the user set -Xmx512m in the java command line']" "$(why -XX:MaxRAMPercentage)" "why MaxRAMPercentage was not added"
assert_eq "['the user set -XX:-ExitOnOutOfMemoryError in JAVA_TOOL_OPTIONS']" "$(why -XX:+ExitOnOutOfMemoryError)" "why ExitOnOutOfMemoryError was not added"
why -agentlib:jdwp | grep -qF 'the user set -agentlib:jdwp=transport=dt_socket,server=y,address=7000 in JAVA_TOOL_OPTIONS' ||
  fail "why the JDWP agent was not added: $(why -agentlib:jdwp)"
assert_eq "[]" "$(json '[a["option"] for a in j["added"]]')" "options added"
ok "$(json 'j["suppressed"]')"

# ------------------------------------------------------------------------------------------------
check "explain starts nothing: PROGRAM is not run, the dump directory is not created, old dumps are not deleted"
dumps=$T/old-dumps
mkdir -p "$dumps"
for i in 1 2 3 4; do printf 'x' >"$dumps/heapdump-old-$i.hprof"; done
JVMINIT_HEAP_DUMP_DIR=$dumps JVMINIT_HEAP_DUMP_KEEP=1 run_plain explain -- "$T/program" a b
assert_rc 0 "exit status of explain"
no_run
assert_eq 4 "$(find "$dumps" -name '*.hprof' | wc -l)" "old dumps after explain with keep=1"
JVMINIT_HEAP_DUMP_DIR=$T/not-yet JVMINIT_GC_LOG=true JVMINIT_GC_LOG_DIR=$T/gc-not-yet run_plain explain --json -- "$T/program"
assert_rc 0 "exit status of explain --json"
valid_json
no_run
assert_absent "$T/not-yet" "heap dump directory (explain created it)"
assert_absent "$T/gc-not-yet" "GC log directory (explain created it)"
assert_eq "False" "$(json 'j["program_is_java"]')" "program_is_java for a script"
[[ -z $(find "$T" -maxdepth 1 -name 'gc-*.log*') ]] || fail "explain created a GC log file"
ok "nothing run, created or deleted"

check "explain with no JDK at all (no JAVA_HOME, no java on PATH) warns and assumes the newest behaviour, runs nothing"
mkdir -p "$T/emptybin"
_run "$RUN_TIMEOUT" env -u JAVA_HOME PATH="$T/emptybin" "$JVMINIT" explain --json
assert_rc 0 "exit status of explain --json"
valid_json
assert_eq "None" "$(json 'j["jdk"]["major"]')" "jdk.major without a JDK"
json '"\n".join(j["warnings"])' | grep -qi 'version unknown' || fail "no warning about the unknown JDK version: $(json 'j["warnings"]')"
ok "assumed major $(json 'j["jdk"]["assumed_major"]')"

check "a JAVA_TOOL_OPTIONS that jvminit's additions push past execve(2)'s 131,071 bytes: explain warns exactly when the run fails (126)"
# The user's value fits; with the additions the variable passes MAX_ARG_STRLEN at some length. Around that
# length, explain's warning and the real launch's E2BIG must agree (before: explain said nothing). The
# additions' length comes from explain itself, so that other defaults or settings move the lengths along.
RUN_ENV=("JAVA_TOOL_OPTIONS=-Dx=a")
run_plain explain
RUN_ENV=()
assert_rc 0 "exit status of explain with a short JAVA_TOOL_OPTIONS"
final=$(sed -n 's/^JAVA_TOOL_OPTIONS=//p' "$OUT")
[[ $final == "-Dx=a"* ]] || fail "explain shows no JAVA_TOOL_OPTIONS starting with the user's -Dx=a: $(cat "$OUT")"
additions=$((${#final} - 5))
# "JAVA_TOOL_OPTIONS=" (18) + "-Dx=" (4) + n + additions = 131071: the longest that starts.
edge=$((131071 - 18 - 4 - additions))
agree=0
warned=0
for n in $(seq $((edge - 7)) $((edge + 8))); do
  RUN_ENV=("JAVA_TOOL_OPTIONS=-Dx=$(head -c "$n" /dev/zero | tr '\0' a)")
  run_plain explain
  w=$(grep -c "^warning: JAVA_TOOL_OPTIONS would be .* bytes; execve(2) takes at most 131071" "$OUT" || true)
  run_plain -- true
  RUN_ENV=()
  if [[ $RC == 126 ]]; then
    [[ $w == 1 ]] || fail "value of $n bytes: the run failed with 126, explain gave no warning"
    warned=$((warned + 1))
  else
    assert_rc 0 "value of $n bytes: exit status of the run"
    [[ $w == 0 ]] || fail "value of $n bytes: explain warned, the run started"
  fi
  agree=$((agree + 1))
done
((warned > 0 && warned < agree)) || fail "the lengths tried should straddle the limit: $warned of $agree failed"
ok "$agree lengths, $warned over the limit: explain and the launch agree on each"

# ------------------------------------------------------------------------------------------------
check "a PROGRAM that cannot run here: explain says so, as a run would, explains the rest, and exits as a run would"
# It printed one error line and nothing else (a trial), so explain on a machine without the image's program
# showed nothing of the settings.
run_plain explain -- no-such-program-here x
assert_rc 127 "exit status of explain, as a run's"
grep -E '^\[jvminit error\] PROGRAM .no-such-program-here.: not found' "$ERR" >/dev/null ||
  fail "no error line naming the program on stderr: $(cat "$ERR")"
grep -E '^program: +PROGRAM .no-such-program-here.: not found .*\(a run exits 127\)$' "$OUT" >/dev/null ||
  fail "the program line does not say it was not found: $(grep '^program:' "$OUT")"
grep -qE '^JAVA_TOOL_OPTIONS=.*-XX:\+ExitOnOutOfMemoryError' "$OUT" || fail "no JAVA_TOOL_OPTIONS explained: $(cat "$OUT")"
grep -qE '^  stop.timeout +=' "$OUT" || fail "no settings explained: $(cat "$OUT")"
run_plain -- no-such-program-here x
assert_rc 127 "exit status of the run"
no_run
# With bad input too: both lines at once, and the status of bad input (nothing is explained).
RUN_ENV=("JAVA_TOOL_OPTIONS=-Dx='unclosed")
run_plain explain -- no-such-program-here
RUN_ENV=()
assert_rc 2 "exit status of explain with a bad JAVA_TOOL_OPTIONS as well"
grep -qF "PROGRAM 'no-such-program-here': not found" "$ERR" || fail "the program's line is missing: $(cat "$ERR")"
grep -qF "JAVA_TOOL_OPTIONS:" "$ERR" || fail "the JAVA_TOOL_OPTIONS line is missing: $(cat "$ERR")"
assert_eq 2 "$(grep -c '^\[jvminit error\]' "$ERR")" "error lines"
printf 'not a program\n' >"$T/not-executable"
chmod -x "$T/not-executable"
run_plain explain --json -- "$T/not-executable"
assert_rc 126 "exit status of explain for a file that is not executable"
valid_json
assert_eq "None" "$(json 'j["program"]')" "program"
assert_eq "126" "$(json 'j["program_exit_code"]')" "program_exit_code"
[[ $(json 'j["program_error"]') == *"cannot be executed: $T/not-executable is not an executable file"* ]] ||
  fail "program_error: $(json 'j["program_error"]')"
run_plain explain --json -- "$T/program"
assert_rc 0 "exit status of explain for a runnable program"
assert_eq "None" "$(json 'j["program_error"]')" "program_error of a runnable program"
ok "127 and 126 with the rest explained; a runnable program has no program_error"

say "pass"
