#!/usr/bin/env bash
# Configuration end to end (issue 4): one settings model from a TOML file (--config PATH or
# JVMINIT_CONFIG), environment variables and flags; precedence flag > environment > file > default,
# seen both in `explain --json` (value and source) and in the child's JAVA_TOOL_OPTIONS; validation
# before anything starts, every error at once (file:line:column, "did you mean"), exit 2; booleans
# true/false/1/0/yes/no in any case and nothing else; flags mean the same before and after `explain`;
# the reference file config/jvminit.toml holds exactly the built-in defaults.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_jvminit
need_pidns
need_cmd python3

unset JAVA_DEBUG JAVA_DEBUG_PORT JAVA_DEBUG_SUSPEND BPL_DEBUG_ENABLED BPL_DEBUG_PORT \
      BPL_DEBUG_SUSPEND BPL_HEAP_DUMP_PATH JAVA_MAX_MEM_RATIO
need_default_settings
cd "$T"

MARKER=$T/started
# A child that prints its JAVA_TOOL_OPTIONS and leaves a marker that it ran.
cat >"$T/show" <<SH
#!/bin/sh
echo "JAVA_TOOL_OPTIONS=\$JAVA_TOOL_OPTIONS"
echo run >>'$MARKER'
SH
chmod +x "$T/show"

json() { python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$OUT" "$1"; }
valid_json() {
  python3 -m json.tool "$OUT" >/dev/null 2>"$T/json-error" || fail "explain --json printed invalid JSON: $(cat "$T/json-error")"
}
# A setting's value as the file writes it (true, 60, crash); explain --json gives it the TOML key's type.
value() { json "(lambda v: v if isinstance(v, str) else json.dumps(v))(j['settings']['$1']['value'])"; }
source_() { json "j['settings']['$1']['source']"; }
child_jto() {
  local line
  line=$(grep -m1 '^JAVA_TOOL_OPTIONS=' "$OUT") || fail "the child printed no JAVA_TOOL_OPTIONS line"
  printf '%s\n' "${line#JAVA_TOOL_OPTIONS=}"
}
has_option() { [[ " $1 " == *" $2 "* ]]; }
# expect_bad_input WHAT: exit 2, nothing started, nothing on stdout.
expect_bad_input() {
  assert_rc 2 "exit status ($1)"
  assert_absent "$MARKER" "marker of the program ($1: it was started)"
  [[ ! -s $OUT ]] || fail "stdout is not empty ($1): $(head -5 "$OUT")"
}

# ------------------------------------------------------------------------------------------------
check "--config FILE: its values reach explain (source file:line:column) and the child's JAVA_TOOL_OPTIONS"
cfg=$T/a.toml
cat >"$cfg" <<'TOML'
# a comment
[oom]
action = "crash"

[memory]
max_ram_percentage = 60

[debug]
enabled = true
port = 6100
TOML
run_plain --config "$cfg" explain --json -- "$T/show"
assert_rc 0 "exit status of explain"
valid_json
assert_eq crash "$(value oom.action)" "oom.action"
assert_eq "file $cfg:3:1" "$(source_ oom.action)" "oom.action source"
assert_eq 60 "$(value memory.max_ram_percentage)" "memory.max_ram_percentage"
assert_eq "file $cfg:6:1" "$(source_ memory.max_ram_percentage)" "memory.max_ram_percentage source"
assert_eq true "$(value debug.enabled)" "debug.enabled"
assert_eq "file $cfg:9:1" "$(source_ debug.enabled)" "debug.enabled source"
assert_eq 6100 "$(value debug.port)" "debug.port"
assert_eq "file $cfg:10:1" "$(source_ debug.port)" "debug.port source"
assert_eq default "$(source_ gc_log.enabled)" "gc_log.enabled source"
run_pid1 --config "$cfg" -- "$T/show"
assert_rc 0 "exit status"
v=$(child_jto)
has_option "$v" -XX:+CrashOnOutOfMemoryError || fail "no -XX:+CrashOnOutOfMemoryError in the child's '$v'"
has_option "$v" -XX:MaxRAMPercentage=60 || fail "no -XX:MaxRAMPercentage=60 in the child's '$v'"
[[ $v == *"address=*:6100"* ]] || fail "no JDWP agent on port 6100 in the child's '$v'"
assert_not_contains "$v" ExitOnOutOfMemoryError "the child's JAVA_TOOL_OPTIONS"
rm -f "$MARKER"
ok "$v"

check "the same file through JVMINIT_CONFIG"
JVMINIT_CONFIG=$cfg run_plain explain --json
assert_rc 0 "exit status of explain"
assert_eq crash "$(value oom.action)" "oom.action"
assert_eq "file $cfg:3:1" "$(source_ oom.action)" "oom.action source"
JVMINIT_CONFIG=$cfg run_pid1 -- "$T/show"
assert_rc 0 "exit status"
has_option "$(child_jto)" -XX:MaxRAMPercentage=60 || fail "no -XX:MaxRAMPercentage=60 in the child's '$(child_jto)'"
rm -f "$MARKER"
ok "$(child_jto)"

check "the real JVM reads what the file says (Hello prints its input arguments)"
if command -v java >/dev/null && command -v javac >/dev/null; then
  compile_apps
  run_pid1 --config "$cfg" --debug=false -- java -cp "$APPS_DIR" Hello
  assert_rc 0 "exit status of Hello"
  assert_file_contains "$OUT" "arg: -XX:+CrashOnOutOfMemoryError" "Hello's input arguments"
  assert_file_contains "$OUT" "arg: -XX:MaxRAMPercentage=60" "Hello's input arguments"
  ok "$(grep '^arg:' "$OUT" | tr '\n' ' ')"
else
  skip_part "no JDK (java, javac) to run Hello"
fi

check "--config wins over JVMINIT_CONFIG"
cfg_b=$T/b.toml
printf '[oom]\naction = "none"\n' >"$cfg_b"
JVMINIT_CONFIG=$cfg_b run_plain --config "$cfg" explain --json
assert_rc 0 "exit status of explain"
assert_eq crash "$(value oom.action)" "oom.action (from --config, not JVMINIT_CONFIG)"
ok "file $cfg"

# ------------------------------------------------------------------------------------------------
# Precedence for every pair of layers, for an integer, a string and a boolean setting.
# layers: f = file, e = environment, l = flag ("command line")
pcfg=$T/precedence.toml
cat >"$pcfg" <<'TOML'
[memory]
max_ram_percentage = 60
[oom]
action = "crash"
[gc_log]
enabled = true
TOML
for layers in "" f e l fe fl el fel; do
  args=()
  RUN_ENV=()
  pct=75 oom=exit gc=false src=default
  if [[ $layers == *f* ]]; then args+=(--config "$pcfg"); pct=60 oom=crash gc=true src="file $pcfg"; fi
  if [[ $layers == *e* ]]; then
    RUN_ENV+=(JVMINIT_MAX_RAM_PERCENTAGE=70 JVMINIT_ON_OOM=none JVMINIT_GC_LOG=NO)
    pct=70 oom=none gc=false src=environment
  fi
  if [[ $layers == *l* ]]; then args+=(--max-ram-percentage 80 --on-oom exit --gc-log=yes); pct=80 oom=exit gc=true src=flag; fi
  name=
  [[ $layers == *f* ]] && name+=file+
  [[ $layers == *e* ]] && name+=env+
  [[ $layers == *l* ]] && name+=flag+
  name=${name%+}
  name=${name:-none}
  check "precedence, layers set: $name -> max_ram_percentage=$pct on_oom=$oom gc_log=$gc from $src"
  run_plain "${args[@]}" explain --json
  assert_rc 0 "exit status of explain ($name)"
  assert_eq "$pct" "$(value memory.max_ram_percentage)" "memory.max_ram_percentage ($name)"
  assert_eq "$oom" "$(value oom.action)" "oom.action ($name)"
  assert_eq "$gc" "$(value gc_log.enabled)" "gc_log.enabled ($name)"
  for setting in memory.max_ram_percentage oom.action gc_log.enabled; do
    s=$(source_ "$setting")
    [[ $s == "$src"* ]] || fail "$setting source is '$s', expected '$src...' ($name)"
  done
  run_pid1 "${args[@]}" -- "$T/show"
  RUN_ENV=()
  assert_rc 0 "exit status ($name)"
  v=$(child_jto)
  has_option "$v" "-XX:MaxRAMPercentage=$pct" || fail "the child's JAVA_TOOL_OPTIONS has no -XX:MaxRAMPercentage=$pct ($name): '$v'"
  case $oom in
    exit) has_option "$v" -XX:+ExitOnOutOfMemoryError && [[ $v != *CrashOn* ]] || fail "OOM flags ($name, exit): '$v'" ;;
    crash) has_option "$v" -XX:+CrashOnOutOfMemoryError && [[ $v != *ExitOn* ]] || fail "OOM flags ($name, crash): '$v'" ;;
    none) [[ $v != *OutOfMemoryError* ]] || fail "OOM flags ($name, none): '$v'" ;;
  esac
  if [[ $gc == true ]]; then [[ $v == *"-Xlog:gc"* ]] || fail "no GC log option ($name): '$v'"; else [[ $v != *"-Xlog:gc"* ]] || fail "a GC log option ($name): '$v'"; fi
  rm -f "$MARKER" "$T"/gc-*.log*
  ok "$v"
done

# ------------------------------------------------------------------------------------------------
check "errors all at once: unknown key (did you mean), wrong type, out-of-range port, two bad env vars, a bad flag -> exit 2, nothing started"
bad=$T/bad.toml
cat >"$bad" <<'TOML'
[debug]
enabeld = true
port = 70000

[oom]
action = 5

[heap_dump]
keep = 3
TOML
JVMINIT_DEBUG_PROT=5005 JVMINIT_GC_LOG=maybe run_pid1 --config "$bad" --max-ram-percentage 101 -- "$T/show"
expect_bad_input "several errors"
say "  stderr:"
sed 's/^/    /' "$ERR"
assert_eq 6 "$(nlines "$ERR")" "error lines (one per error)"
grep -E "^\[jvminit error\] $bad:2:1: .*enabeld.*did you mean enabled" "$ERR" >/dev/null ||
  fail "no '$bad:2:1: ... enabeld ... did you mean enabled' line"
grep -E "^\[jvminit error\] $bad:3:1: .*port.*70000.*65535" "$ERR" >/dev/null ||
  fail "no '$bad:3:1: ... port = 70000 ... 1 to 65535' line"
grep -E "^\[jvminit error\] $bad:6:1: .*action.*string" "$ERR" >/dev/null ||
  fail "no '$bad:6:1: ... action must be a string' line"
grep -E '^\[jvminit error\] JVMINIT_DEBUG_PROT.*did you mean JVMINIT_DEBUG_PORT' "$ERR" >/dev/null ||
  fail "no 'JVMINIT_DEBUG_PROT ... did you mean JVMINIT_DEBUG_PORT' line"
grep -E '^\[jvminit error\] JVMINIT_GC_LOG=maybe: .*true, false, 1, 0, yes or no' "$ERR" >/dev/null ||
  fail "no 'JVMINIT_GC_LOG=maybe: expected true, false, 1, 0, yes or no' line"
grep -qE '^\[jvminit error\] --max-ram-percentage 101: .*0 to 100' "$ERR" || fail "no '--max-ram-percentage 101: ... 0 to 100' line"
ok "all six errors reported, nothing started"

check "explain validates the same way (exit 2, same lines)"
JVMINIT_DEBUG_PROT=5005 JVMINIT_GC_LOG=maybe run_plain --config "$bad" --max-ram-percentage 101 explain -- "$T/show"
expect_bad_input "explain with errors"
assert_eq 6 "$(nlines "$ERR")" "error lines from explain"
ok "same"

check "an unknown table gets a 'did you mean', invalid TOML names file:line:column"
printf '[debgu]\nport = 6000\n' >"$T/table.toml"
run_pid1 --config "$T/table.toml" -- "$T/show"
expect_bad_input "unknown table"
grep -qE "^\[jvminit error\] $T/table.toml:1:[0-9]+: .*debgu.*did you mean debug" "$ERR" || fail "no did-you-mean for [debgu]: $(cat "$ERR")"
printf '[debug\nport = 6000\n' >"$T/syntax.toml"
run_pid1 --config "$T/syntax.toml" -- "$T/show"
expect_bad_input "invalid TOML"
grep -qE "^\[jvminit error\] $T/syntax.toml:[0-9]+:[0-9]+: " "$ERR" || fail "no file:line:column for invalid TOML: $(cat "$ERR")"
ok "$(tail -1 "$ERR")"

check "a missing --config file: exit 2, the path named, nothing started"
run_pid1 --config "$T/no-such.toml" -- "$T/show"
expect_bad_input "missing --config"
assert_file_contains "$ERR" "$T/no-such.toml" "jvminit's error"
ok "$(cat "$ERR")"

check "a missing JVMINIT_CONFIG file: exit 2 too"
JVMINIT_CONFIG=$T/no-such.toml run_pid1 -- "$T/show"
expect_bad_input "missing JVMINIT_CONFIG"
assert_file_contains "$ERR" "$T/no-such.toml" "jvminit's error"
ok "$(cat "$ERR")"

check "a missing JVMINIT_CONFIG file and a bad flag: both reported at once, exit 2, nothing started"
# Before, the file's line stopped the report: the flag's fault showed only once the file was fixed.
JVMINIT_CONFIG=$T/no-such.toml run_pid1 --debug-port 0 -- "$T/show"
expect_bad_input "missing JVMINIT_CONFIG and --debug-port 0"
assert_eq 2 "$(nlines "$ERR")" "stderr lines: $(cat "$ERR")"
assert_file_contains "$ERR" "$T/no-such.toml: cannot read the configuration file" "jvminit's errors"
assert_file_contains "$ERR" "--debug-port 0: expected an integer from 1 to 65535" "jvminit's errors"
ok "$(tr '\n' ' ' <"$ERR")"

# ------------------------------------------------------------------------------------------------
check "booleans: true/false/1/0/yes/no in any case are accepted (environment and flags)"
for word in true TRUE True 1 yes YES Yes yEs false FALSE False 0 no NO No nO; do
  case ${word,,} in true | 1 | yes) want=true ;; *) want=false ;; esac
  JVMINIT_DEBUG=$word run_plain explain --json
  assert_rc 0 "exit status for JVMINIT_DEBUG=$word"
  assert_eq "$want" "$(value debug.enabled)" "debug.enabled for JVMINIT_DEBUG=$word"
  run_plain --gc-log="$word" explain --json
  assert_rc 0 "exit status for --gc-log=$word"
  assert_eq "$want" "$(value gc_log.enabled)" "gc_log.enabled for --gc-log=$word"
done
run_plain --debug explain --json
assert_rc 0 "exit status for --debug alone"
assert_eq true "$(value debug.enabled)" "debug.enabled for --debug alone"
printf '[debug]\nenabled = true\nsuspend = false\n' >"$T/bools.toml"
run_plain --config "$T/bools.toml" explain --json
assert_rc 0 "exit status for TOML true/false"
assert_eq true "$(value debug.enabled)" "debug.enabled from TOML true"
assert_eq false "$(value debug.suspend)" "debug.suspend from TOML false"
ok "accepted"

check "booleans: maybe (and on, 2) are rejected with the accepted form"
for word in maybe on 2; do
  JVMINIT_DEBUG=$word run_pid1 -- "$T/show"
  expect_bad_input "JVMINIT_DEBUG=$word"
  assert_eq 1 "$(nlines "$ERR")" "error lines for JVMINIT_DEBUG=$word"
  grep -qE "^\[jvminit error\] JVMINIT_DEBUG=$word: .*true, false, 1, 0, yes or no" "$ERR" || fail "message for JVMINIT_DEBUG=$word: $(cat "$ERR")"
  run_pid1 --debug="$word" -- "$T/show"
  expect_bad_input "--debug=$word"
  grep -qE -- "--debug.*$word.*true, false, 1, 0, yes or no" "$ERR" || fail "message for --debug=$word: $(cat "$ERR")"
done
ok "rejected"

# ------------------------------------------------------------------------------------------------
check "flags after explain mean the same as before it"
run_plain --debug-port 6000 --on-oom none --config "$cfg_b" explain --json -- java -Xmx64m -jar app.jar
assert_rc 0 "exit status (flags before explain)"
cp "$OUT" "$T/before.json"
run_plain explain --debug-port 6000 --on-oom none --config "$cfg_b" --json -- java -Xmx64m -jar app.jar
assert_rc 0 "exit status (flags after explain)"
cmp -s "$T/before.json" "$OUT" || fail "explain --json differs: $(diff "$T/before.json" "$OUT" | head -10)"
assert_eq 6000 "$(value debug.port)" "debug.port"
assert_eq "flag --debug-port" "$(source_ debug.port)" "debug.port source"
run_plain explain --json --debug-port 6000 --on-oom none --config "$cfg_b" -- java -Xmx64m -jar app.jar
assert_rc 0 "exit status (flags after --json)"
cmp -s "$T/before.json" "$OUT" || fail "explain --json differs with the flags after --json: $(diff "$T/before.json" "$OUT" | head -10)"
ok "identical JSON"

# ------------------------------------------------------------------------------------------------
check "the reference file config/jvminit.toml parses, and every value in it equals the built-in default"
ref=$JVMINIT_SOURCE_DIR/config/jvminit.toml
if [[ ! -f $ref ]]; then
  skip_part "config/jvminit.toml does not exist (yet)"
else
  run_plain explain --json
  assert_rc 0 "exit status of explain without a file"
  cp "$OUT" "$T/defaults.json"
  defaults=$(json 'json.dumps({k: v["value"] for k, v in j["settings"].items()}, sort_keys=True)')

  run_plain --config "$ref" explain --json
  assert_rc 0 "exit status of explain --config $ref: $(cat "$ERR")"
  valid_json
  assert_eq "$defaults" "$(json 'json.dumps({k: v["value"] for k, v in j["settings"].items()}, sort_keys=True)')" \
    "settings read from the reference file as shipped"

  # With every `# key = value` line uncommented, the file sets every setting, to its default.
  sed -E 's/^#[[:space:]]*([a-z_]+[[:space:]]*=[[:space:]])/\1/' "$ref" >"$T/reference-uncommented.toml"
  run_plain --config "$T/reference-uncommented.toml" explain --json
  if [[ $RC != 0 ]]; then
    fail "the reference file with its keys uncommented does not parse: $(cat "$ERR")"
  fi
  valid_json
  got=$(json 'json.dumps({k: v["value"] for k, v in j["settings"].items()}, sort_keys=True)')
  assert_eq "$defaults" "$got" "settings from the uncommented reference file vs the built-in defaults"
  not_from_file=$(json '" ".join(sorted(k for k, v in j["settings"].items() if not v["source"].startswith("file ")))')
  [[ -z $not_from_file ]] || fail "the reference file has no key for: $not_from_file"
  ok "$(json 'len(j["settings"])') settings, every one in the file, every value the default"
fi

# ------------------------------------------------------------------------------------------------
check "a TOML boolean given as a string (\"yes\"): accepted as true, or rejected without claiming that \"yes\" is accepted"
printf '[gc_log]\nenabled = "yes"\n' >"$T/strbool.toml"
run_plain --config "$T/strbool.toml" explain --json
if [[ $RC == 0 ]]; then
  assert_eq true "$(value gc_log.enabled)" "gc_log.enabled from \"yes\""
  ok "accepted as true"
else
  assert_rc 2 "exit status for enabled = \"yes\""
  grep -qF "$T/strbool.toml:2:1" "$ERR" || fail "the error does not name $T/strbool.toml:2:1: $(cat "$ERR")"
  ! grep -qiE '(^|[ ,])yes([ ,]|$)' "$ERR" ||
    fail "the TOML value \"yes\" is rejected, but the message lists yes among the accepted forms: $(cat "$ERR")"
  ok "rejected: $(cat "$ERR")"
fi

# ------------------------------------------------------------------------------------------------
check "the default file under a directory the container's user may not search: exit 2 naming it, not its settings lost"
# /etc is overlaid in a mount namespace of its own, so the real /etc/jvminit is never touched. As uid 65534,
# /etc/jvminit (0700, root's) cannot be searched: before, jvminit took the file for missing and ran with the
# defaults (a debug port from the file was silently lost).
# shellcheck disable=SC2016
HIDDEN_DEFAULT='upper=$1/upper work=$1/work; shift
mkdir -p "$upper" "$work" && mount -t overlay overlay -o "lowerdir=/etc,upperdir=$upper,workdir=$work" /etc || exit 99
mkdir -p /etc/jvminit && printf "[debug]\nenabled = true\nport = 6000\n" >/etc/jvminit/jvminit.toml && chmod 700 /etc/jvminit
exec "$@"'
if timeout 10 unshare --mount sh -c "$HIDDEN_DEFAULT" sh "$T/ov-probe" true >/dev/null 2>&1; then
  marker_dir=$T/marker-65534 # uid 65534 may write it (and pass through $T), and run the copy of jvminit there
  mkdir -p "$marker_dir" && chmod 0777 "$marker_dir" && chmod o+x "$T"
  cp "$JVMINIT" "$marker_dir/jvminit" && chmod 0755 "$marker_dir/jvminit" # the build may be under /root (0700)
  _run "$RUN_TIMEOUT" unshare --mount sh -c "$HIDDEN_DEFAULT" sh "$T/ov" \
    setpriv --reuid=65534 --regid=65534 --clear-groups "$marker_dir/jvminit" -- sh -c "touch '$marker_dir/started'"
  assert_rc 2 "exit status"
  [[ $(nlines "$ERR") == 1 ]] || fail "expected one line on stderr, got: $(cat "$ERR")"
  assert_file_contains "$ERR" "/etc/jvminit/jvminit.toml: cannot read the configuration file: Permission denied" "stderr"
  assert_absent "$marker_dir/started" "marker of the program (it was started)"
  refused=$(cat "$ERR")
  # Root may search it: the file's settings hold.
  _run "$RUN_TIMEOUT" unshare --mount sh -c "$HIDDEN_DEFAULT" sh "$T/ov2" "$JVMINIT" explain
  assert_rc 0 "exit status of explain as root"
  assert_file_contains "$OUT" "6000" "explain as root (the file's port)"
  ok "as uid 65534: $refused"
else
  skip_part "cannot overlay /etc in a mount namespace (unshare --mount, mount -t overlay)"
fi

say "pass"
