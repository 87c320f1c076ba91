// The processes below jvminit (supervise/process_tree.hpp), from /proc/PID/stat (proc(5): field 4 is
// the parent pid; field 2, comm, may hold spaces and parentheses).
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "supervise/process_tree.hpp"

namespace jvminit::supervise {
namespace {

using Links = std::vector<std::pair<pid_t, pid_t>>;  // (pid, ppid)
using Pids = std::vector<pid_t>;

struct StatCase {
    const char* scenario;
    std::string stat;
    std::optional<pid_t> ppid;
};

TEST(ProcStat, ParentPidIsReadAfterTheLastParenthesis) {
    const std::vector<StatCase> cases = {
        {"plain comm", "1234 (java) S 1 1234 1234 0 -1 4194560 100 0 0 0", 1},
        {"comm with a space", "42 (my prog) R 7 42 42 0 -1", 7},
        {"comm with ')' in it", "42 (a) b) S 9 42 42 0", 9},
        {"comm with ') S 5 ' in it", "42 (x) S 5 (y) S 17 42 42 0", 17},
        {"comm in double parentheses", "812 ((sd-pam)) S 1 812 812 0", 1},
        {"comm that is only ')'", "42 ()) S 5 1 1", 5},
        {"empty comm", "42 () S 300 1 1", 300},
        {"zombie", "99 (defunct) Z 98 99 99 0", 98},
        {"kernel thread with ppid 0", "2 (kthreadd) S 0 0 0 0", 0},
        {"large pid", "4194303 (java) S 4194302 1 1", 4194302},
        {"nothing after the state but the ppid", "42 (java) S 7", 7},
        {"empty", "", std::nullopt},
        {"garbage", "garbage", std::nullopt},
        {"no closing parenthesis", "42 (java S 1 2 3", std::nullopt},
        {"nothing after comm", "42 (java)", std::nullopt},
        {"only the state", "42 (java) S", std::nullopt},
        {"state and a space", "42 (java) S ", std::nullopt},
        {"ppid not a number", "42 (java) S x 1 2", std::nullopt},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.scenario) + ": \"" + c.stat + "\"");
        EXPECT_EQ(parse_stat_ppid(c.stat), c.ppid);
    }
}

TEST(ProcStat, ThisProcessesStatGivesItsParent) {
    std::ifstream in("/proc/self/stat");
    ASSERT_TRUE(in) << "no /proc";
    std::ostringstream text;
    text << in.rdbuf();
    EXPECT_EQ(parse_stat_ppid(text.str()), ::getppid());
}

Pids sorted(Pids pids) {
    std::sort(pids.begin(), pids.end());
    return pids;
}

struct TreeCase {
    const char* scenario;
    pid_t root;
    Links links;
    Pids expected;  // any order
};

TEST(ProcessTree, DescendantsAreEveryProcessWhoseParentsReachTheRoot) {
    const std::vector<TreeCase> cases = {
        {"no processes", 10, {}, {}},
        {"root alone", 10, {{10, 1}}, {}},
        {"one child", 10, {{10, 1}, {11, 10}}, {11}},
        {"siblings", 10, {{11, 10}, {12, 10}, {13, 10}}, {11, 12, 13}},
        {"grandchildren", 10, {{11, 10}, {12, 11}, {13, 12}}, {11, 12, 13}},
        {"order of links does not matter", 10, {{13, 12}, {12, 11}, {11, 10}}, {11, 12, 13}},
        {"unrelated processes are left out",
         10,
         {{1, 0}, {10, 1}, {11, 10}, {20, 1}, {21, 20}, {22, 21}, {30, 0}},
         {11}},
        {"the root's parent and siblings are left out", 10, {{5, 1}, {10, 5}, {9, 5}, {11, 10}}, {11}},
        {"a tree with branches",
         1,
         {{2, 1}, {3, 1}, {4, 2}, {5, 2}, {6, 3}, {7, 6}, {8, 7}, {100, 0}, {101, 100}},
         {2, 3, 4, 5, 6, 7, 8}},
        {"a root with no entry of its own", 10, {{11, 10}}, {11}},
        {"a self-parented unrelated process", 10, {{11, 10}, {50, 50}}, {11}},
        {"a cycle through the root stops at the root", 10, {{10, 12}, {11, 10}, {12, 11}}, {11, 12}},
        {"an unrelated cycle", 10, {{11, 10}, {20, 21}, {21, 20}}, {11}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.scenario);
        Pids found = descendants_of(c.root, c.links);
        EXPECT_EQ(sorted(found), sorted(c.expected));
        EXPECT_EQ(std::count(found.begin(), found.end(), c.root), 0) << "the root is excluded";
    }
}

TEST(ProcessTree, DeepChainIsFoundCompletely) {
    // 100000 generations: no recursion depth limit.
    constexpr pid_t kRoot = 1000;
    constexpr pid_t kDepth = 100000;
    Links links;
    Pids expected;
    for (pid_t i = 1; i <= kDepth; ++i) {
        links.emplace_back(kRoot + i, kRoot + i - 1);
        expected.push_back(kRoot + i);
    }
    links.emplace_back(5, 1);  // unrelated
    Pids found = descendants_of(kRoot, links);
    EXPECT_EQ(sorted(found), expected);
}

TEST(ProcessTree, EachDescendantIsListedOnce) {
    // /proc read twice for the same pid, or a pid listed twice by a racing reader.
    Pids found = descendants_of(10, {{11, 10}, {11, 10}, {12, 11}});
    EXPECT_EQ(sorted(found), (Pids{11, 12}));
}

// Runs descendants_of in the death-test child with an alarm and a memory limit, so that a regression fails
// the test instead of hanging it or exhausting the machine. The alarm is only a guard: on success nothing
// waits for it. Exits 0 when the result, without duplicates, is `expected`.
[[noreturn]] void run_guarded(pid_t root, const Links& links, const Pids& expected) {
    ::alarm(5);
    struct rlimit limit {};
    limit.rlim_cur = limit.rlim_max = rlim_t{512} << 20;
    ::setrlimit(RLIMIT_AS, &limit);
    Pids found = descendants_of(root, links);
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
    ::_exit(found == expected ? 0 : 1);
}

TEST(ProcessTree, CycleBelowTheRootDoesNotHang) {
    // Pairs read from /proc at different moments can disagree (a pid exits and is reused while /proc is
    // read), so the links may hold a cycle below the root: 11 -> 12 -> 11. descendants_of must still end.
    const Links links = {{11, 10}, {12, 11}, {11, 12}};
    EXPECT_EXIT(run_guarded(10, links, Pids{11, 12}), ::testing::ExitedWithCode(0), "");
}

TEST(ProcessTree, SelfParentedDescendantDoesNotHang) {
    const Links links = {{11, 10}, {11, 11}};
    EXPECT_EXIT(run_guarded(10, links, Pids{11}), ::testing::ExitedWithCode(0), "");
}

TEST(ProcessTree, ReadDescendantsFindsARealChildAndGrandchild) {
    // A child that forks a grandchild; both block on a pipe until the test closes it. No sleeps.
    int release[2];
    int ready[2];
    ASSERT_EQ(::pipe(release), 0);
    ASSERT_EQ(::pipe(ready), 0);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(release[1]);
        ::close(ready[0]);
        pid_t grandchild = ::fork();
        if (grandchild == 0) {
            char c;
            (void)!::read(release[0], &c, 1);
            ::_exit(0);
        }
        (void)!::write(ready[1], &grandchild, sizeof grandchild);
        char c;
        (void)!::read(release[0], &c, 1);
        ::waitpid(grandchild, nullptr, 0);
        ::_exit(0);
    }
    ::close(release[0]);
    ::close(ready[1]);
    pid_t grandchild = 0;
    ASSERT_EQ(::read(ready[0], &grandchild, sizeof grandchild), static_cast<ssize_t>(sizeof grandchild));
    const std::optional<Pids> read = read_descendants(::getpid());
    const Pids found = read.value_or(Pids());
    ::close(release[1]);  // lets both exit
    ::close(ready[0]);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_NE(std::find(found.begin(), found.end(), child), found.end());
    EXPECT_NE(std::find(found.begin(), found.end(), grandchild), found.end());
    EXPECT_EQ(std::count(found.begin(), found.end(), ::getpid()), 0);
    EXPECT_TRUE(read.has_value()) << "this /proc is this pid namespace's";
}

}  // namespace
}  // namespace jvminit::supervise
