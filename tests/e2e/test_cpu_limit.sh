#!/usr/bin/env bash
# The CPU quota of jvminit's own cgroup, read and logged at start (issue 3, behaviour 3), in a real cpu
# cgroup: cgroup v1 cpu.cfs_quota_us / cpu.cfs_period_us (the period is read only under a quota), cgroup v2
# cpu.max. The JVM's own count (-XshowSettings:system, "Effective CPU Count") is checked beside it: a quota
# of 1.5 CPUs is 2 for the JVM. The test cgroup is made under the test's own cpu cgroup and removed at exit.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_jvminit
need_pidns
need_cmd java python3 awk

need_default_settings

make_test_cgroup cpu  # lib.sh
version=$CGROUP_VERSION
# set_quota QUOTA_US PERIOD_US, or set_quota max: no quota.
if ((version == 1)); then
  set_quota() {
    if [[ $1 == max ]]; then
      echo -1 >"$CG/cpu.cfs_quota_us"
    else
      echo "$2" >"$CG/cpu.cfs_period_us" && echo "$1" >"$CG/cpu.cfs_quota_us"
    fi
  }
else
  set_quota() { if [[ $1 == max ]]; then echo "max" >"$CG/cpu.max"; else echo "$1 $2" >"$CG/cpu.max"; fi; }
fi
set_quota 150000 100000 2>/dev/null || skip "cannot set a CPU quota in $CG"
say "test cgroup (v$version): $CG, quota 1.5 CPUs"

check "a quota of 1.5 CPUs: the start log says so, and the JVM counts 2 CPUs"
run_in_cgroup --pid1 -- java -XshowSettings:system -version
assert_rc 0 "exit status"
line=$(grep -E '^\[jvminit info\] container limits' "$ERR" || true)
assert_contains "$line" "CPUs 1.5 (" "jvminit's start log"
grep -qE 'Effective CPU Count: 2$' "$ERR" || fail "the JVM does not count 2 CPUs: $(grep -i 'cpu count' "$ERR")"
ok "$line; the JVM: $(grep -E 'Effective CPU Count' "$ERR" | sed 's/^ *//')"

check "explain --json inside the cgroup: cpu_limit 1.5"
run_in_cgroup explain --json -- java -version
assert_rc 0 "exit status of explain"
assert_eq "1.5" "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["container"]["cpu_limit"])' "$OUT")" \
  "container.cpu_limit"
ok "cpu_limit 1.5"

check "no quota (-1 / max): CPUs unlimited"
set_quota max || fail "cannot remove the quota of $CG"
run_in_cgroup --pid1 -- /bin/true
assert_rc 0 "exit status"
line=$(grep -E '^\[jvminit info\] container limits' "$ERR" || true)
assert_contains "$line" "CPUs unlimited" "jvminit's start log"
ok "$line"

say "pass"
