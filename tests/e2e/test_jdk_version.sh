#!/usr/bin/env bash
# The JDK version comes from the `release` file, never from running java (issue 2, behaviour 8;
# jvm facts "Finding the Java version without starting Java"), and picks the JDWP address form:
# JDK 9+ `address=*:PORT` (all interfaces), JDK 8 `address=PORT`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_jvminit
need_pidns

AGENT='-agentlib:jdwp=transport=dt_socket,server=y,suspend=n'
invocations=$T/java-invocations

# fake_jdk DIR VERSION: a Java home whose bin/java only logs that it was run.
fake_jdk() {
  mkdir -p "$1/bin"
  printf 'IMPLEMENTOR="Fake"\nJAVA_VERSION="%s"\nOS_NAME="Linux"\n' "$2" >"$1/release"
  cat >"$1/bin/java" <<JAVA
#!/bin/sh
echo "\$0 \$*" >> '$invocations'
echo "JAVA_TOOL_OPTIONS=\$JAVA_TOOL_OPTIONS"
JAVA
  chmod +x "$1/bin/java"
}
# jto_value: the JAVA_TOOL_OPTIONS line of the last run.
jto_value() {
  local line
  line=$(grep -m1 '^JAVA_TOOL_OPTIONS=' "$OUT") || fail "no JAVA_TOOL_OPTIONS line on stdout"
  printf '%s\n' "${line#JAVA_TOOL_OPTIONS=}"
}
# has_option VALUE OPTION: OPTION is one whole whitespace-separated option of VALUE.
has_option() { [[ " $1 " == *" $2 "* ]]; }

fake_jdk "$T/jdk8" 1.8.0_392
fake_jdk "$T/jdk17" 17.0.21.1
fake_jdk "$T/jdk25" 25

for case in "jdk8:address=5005" "jdk17:address=*:5005" "jdk25:address=*:5005"; do
  jdk=${case%%:*} want="$AGENT,${case#*:}"
  check "JAVA_HOME=fake $jdk: the JDWP agent is '$want', and no java was run"
  rm -f "$invocations"
  # shellcheck disable=SC2016
  JAVA_HOME=$T/$jdk PATH=$T/$jdk/bin:$PATH JVMINIT_DEBUG=true \
    run_pid1 -- sh -c 'printf "%s\n" "JAVA_TOOL_OPTIONS=$JAVA_TOOL_OPTIONS"'
  assert_rc 0 "exit status"
  assert_absent "$invocations" "log of java runs (jvminit ran java: $(cat "$invocations" 2>/dev/null))"
  v=$(jto_value)
  has_option "$v" "$want" || fail "JAVA_TOOL_OPTIONS='$v' has no option '$want'"
  assert_eq 1 "$(grep -o jdwp <<<"$v" | wc -l)" "JDWP agents in '$v'"
  ok "$v"
done

# JDK 7 has neither ExitOnOutOfMemoryError nor MaxRAMPercentage (both stop its JVM as unknown flags); it got
# the first (found by a fresh user).
check "JAVA_HOME=fake JDK 7 (1.7.0_80): neither ExitOnOutOfMemoryError nor MaxRAMPercentage is given"
fake_jdk "$T/jdk7" 1.7.0_80
rm -f "$invocations"
# shellcheck disable=SC2016
JAVA_HOME=$T/jdk7 run_pid1 -- sh -c 'printf "%s\n" "JAVA_TOOL_OPTIONS=${JAVA_TOOL_OPTIONS-}"'
assert_rc 0 "exit status"
assert_eq "" "$(jto_value)" "JAVA_TOOL_OPTIONS for JDK 7"
assert_file_contains "$ERR" "JAVA_TOOL_OPTIONS additions: none" "the start log"
ok "nothing added"

check "no JAVA_HOME: the version of the java that PROGRAM resolves to (a symlink on PATH to JDK 8)"
mkdir -p "$T/pathbin"
ln -s "$T/jdk8/bin/java" "$T/pathbin/java"
rm -f "$invocations"
saved_java_home=${JAVA_HOME-}
had_java_home=${JAVA_HOME+yes}
unset JAVA_HOME
PATH=$T/pathbin:$PATH JVMINIT_DEBUG=true run_pid1 -- java -cp /nowhere Hello
if [[ -n $had_java_home ]]; then export JAVA_HOME=$saved_java_home; fi
assert_rc 0 "exit status"
[[ $(wc -l <"$invocations") == 1 ]] || fail "java ran more than once (only the child may run it): $(cat "$invocations")"
v=$(jto_value)
has_option "$v" "$AGENT,address=5005" || fail "JAVA_TOOL_OPTIONS='$v' has no JDK 8 agent '$AGENT,address=5005'"
ok "$v; java ran once, as the child"

check "the real JDK: JVMINIT_DEBUG=true gives the JVM the agent for its version"
compile_apps
java_bin=$(readlink -f "$(command -v java)")
release=$(dirname "$(dirname "$java_bin")")/release
if [[ ! -f $release ]]; then
  skip_part "the installed java ($java_bin) has no release file at $release"
  say "pass"
  exit 0
fi
version=$(sed -n 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$release")
major=${version%%.*}
[[ $major == 1 ]] && major=$(cut -d. -f2 <<<"$version")
port=5005
[[ -z $(ss -ltnH "sport = :5005" 2>/dev/null) ]] || port=$(free_port)
if ((major >= 9)); then want="$AGENT,address=*:$port"; else want="$AGENT,address=$port"; fi
if [[ $port == 5005 ]]; then
  JVMINIT_DEBUG=true run_pid1 -- java -cp "$APPS_DIR" Hello
else
  JVMINIT_DEBUG=true JVMINIT_DEBUG_PORT=$port run_pid1 -- java -cp "$APPS_DIR" Hello
fi
assert_rc 0 "Hello's exit status"
v=$(jto_value)
has_option "$v" "$want" || fail "JAVA_TOOL_OPTIONS='$v' has no option '$want' (JDK $version)"
assert_file_contains "$OUT" "arg: $want" "the JVM's input arguments"
assert_file_contains "$OUT" "Listening for transport dt_socket at address: $port" "stdout"
ok "JDK $version: $want"

say "pass"
