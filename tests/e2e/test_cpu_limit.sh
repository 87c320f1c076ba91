#!/usr/bin/env bash
# The CPU quota of jvminit's own cgroup, read and logged at start (issue 3, behaviour 3), in a real cpu
# cgroup: cgroup v1 cpu.cfs_quota_us / cpu.cfs_period_us (the period is read only under a quota), cgroup v2
# cpu.max. The JVM's own count (-XshowSettings:system, "Effective CPU Count") is checked beside it: a quota
# of 1.5 CPUs is 2 for the JVM. The test cgroup is made under the test's own cpu cgroup and removed at exit.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_jvminit
need_pidns
need_cmd java python3 awk

while read -r name; do unset "$name"; done < <(compgen -e | grep '^JVMINIT_' || true)
unset JVMINIT_CONFIG
[[ ! -e /etc/jvminit/jvminit.toml ]] || skip "/etc/jvminit/jvminit.toml exists and would change the defaults under test"

CG=
PARENT=
_cgroup_cleanup() {
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
trap _cgroup_cleanup EXIT

# The cpu cgroup of the test, and set_quota QUOTA_US PERIOD_US (or set_quota max: no quota) for its version.
v1_mount=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break;
                  if ($(i + 1) == "cgroup" && $(i + 3) ~ /(^|,)cpu(,|$)/) { print $4, $5; exit } }' /proc/self/mountinfo)
v1_path=$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ { print $3; exit }' /proc/self/cgroup)
if [[ -n $v1_mount && -n $v1_path ]]; then
  version=1
  root=${v1_mount%% *} mount_point=${v1_mount#* }
  if [[ $root == / ]]; then
    PARENT=$mount_point${v1_path%/}
  elif [[ $v1_path == "$root" || $v1_path == "$root"/* ]]; then
    PARENT=$mount_point${v1_path#"$root"}
  else
    skip "the test's cpu cgroup $v1_path is outside the mounted hierarchy (root $root at $mount_point)"
  fi
  PARENT=${PARENT%/}
  CG=$PARENT/jvminit-cpu-test-$$
  mkdir "$CG" 2>/dev/null || { CG=; skip "cannot create a cpu cgroup under $PARENT (cgroup v1 not writable here)"; }
  set_quota() {
    if [[ $1 == max ]]; then
      echo -1 >"$CG/cpu.cfs_quota_us"
    else
      echo "$2" >"$CG/cpu.cfs_period_us" && echo "$1" >"$CG/cpu.cfs_quota_us"
    fi
  }
elif [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
  version=2
  grep -qw cpu /sys/fs/cgroup/cgroup.controllers || skip "cgroup v2 without the cpu controller"
  v2_path=$(sed -n 's/^0:://p' /proc/self/cgroup)
  PARENT=/sys/fs/cgroup${v2_path%/}
  grep -qw cpu "$PARENT/cgroup.subtree_control" 2>/dev/null ||
    skip "cgroup v2: the cpu controller is not enabled for children of $PARENT (cgroup.subtree_control)"
  CG=$PARENT/jvminit-cpu-test-$$
  mkdir "$CG" 2>/dev/null || { CG=; skip "cannot create a cgroup under $PARENT (cgroup v2 not writable here)"; }
  set_quota() { if [[ $1 == max ]]; then echo "max" >"$CG/cpu.max"; else echo "$1 $2" >"$CG/cpu.max"; fi; }
else
  skip "no cpu cgroup: neither a cgroup v1 cpu hierarchy nor cgroup v2 at /sys/fs/cgroup"
fi
set_quota 150000 100000 2>/dev/null || skip "cannot set a CPU quota in $CG"
say "test cgroup (v$version): $CG, quota 1.5 CPUs"

cat >"$T/in-cgroup" <<'SH'
#!/bin/sh
echo $$ >"$1" || { echo "in-cgroup: cannot join $1" >&2; exit 98; }
shift
exec "$@"
SH
chmod +x "$T/in-cgroup"
run_in_cgroup() {
  _run "$RUN_TIMEOUT" "$T/in-cgroup" "$CG/cgroup.procs" unshare --pid --fork --mount-proc --kill-child "$JVMINIT" "$@"
  ! grep -q '^in-cgroup: cannot join' "$ERR" || skip "cannot move a process into $CG: $(cat "$ERR")"
}

check "a quota of 1.5 CPUs: the start log says so, and the JVM counts 2 CPUs"
run_in_cgroup -- java -XshowSettings:system -version
assert_rc 0 "exit status"
line=$(grep -E '^\[jvminit info\] container limits' "$ERR" || true)
assert_contains "$line" "CPUs 1.5 (" "jvminit's start log"
grep -qE 'Effective CPU Count: 2$' "$ERR" || fail "the JVM does not count 2 CPUs: $(grep -i 'cpu count' "$ERR")"
ok "$line; the JVM: $(grep -E 'Effective CPU Count' "$ERR" | sed 's/^ *//')"

check "explain --json inside the cgroup: cpu_limit 1.5"
_run "$RUN_TIMEOUT" "$T/in-cgroup" "$CG/cgroup.procs" "$JVMINIT" explain --json -- java -version
assert_rc 0 "exit status of explain"
assert_eq "1.5" "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["container"]["cpu_limit"])' "$OUT")" \
  "container.cpu_limit"
ok "cpu_limit 1.5"

check "no quota (-1 / max): CPUs unlimited"
set_quota max || fail "cannot remove the quota of $CG"
run_in_cgroup -- /bin/true
assert_rc 0 "exit status"
line=$(grep -E '^\[jvminit info\] container limits' "$ERR" || true)
assert_contains "$line" "CPUs unlimited" "jvminit's start log"
ok "$line"
