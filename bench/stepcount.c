// bench/stepcount: runs a command under ptrace(2), single-stepping its first process (not its children), and
// prints how many instructions it executed and how many of them were CPUID. On a VM a CPUID traps to the
// hypervisor (7.2 us each on this project's VM), and the start-up code of every static glibc program runs
// dozens of them (the cache sizes, sysdeps/x86/dl-cacheinfo.h): this counts them for jvminit and the Debian
// inits alike. Slow (one ptrace stop per instruction): for short commands such as `INIT -- /bin/true`.
//
//   cc -O2 -o stepcount bench/stepcount.c && ./stepcount /usr/bin/tini-static -s -- /bin/true
//
// With --addresses FILE it also writes every distinct instruction address the process executed, in the order
// of first execution, one hexadecimal number per line; a child started with vfork(2) is stepped too until its
// execve(2) (it runs the parent's code on the parent's memory, so its pages are the parent's). bench/startup-order
// turns the addresses into the static build's function order: this is the real CPU's path (the string
// function variants glibc's IFUNC resolvers pick for it, the vDSO set-up), which valgrind's emulated CPU
// does not take. Counts stay those of the first process.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

// The distinct addresses, in first-execution order: an open-addressing set beside an append-only list.
static unsigned long* set_slots;
static size_t set_mask;
static FILE* addresses_out;

static size_t set_used;

static void record(unsigned long address) {
    if (!addresses_out) return;
    size_t i = (address * 0x9E3779B97F4A7C15ul) >> 12 & set_mask;
    while (set_slots[i] != 0) {
        if (set_slots[i] == address) return;
        i = (i + 1) & set_mask;
    }
    if (++set_used > set_mask / 4 * 3) {
        fprintf(stderr, "stepcount: more than %zu distinct instruction addresses; --addresses gives up\n", set_used);
        exit(1);  // PTRACE_O_EXITKILL ends the traced program
    }
    set_slots[i] = address;
    fprintf(addresses_out, "%lx\n", address);
}

static int is_event(int status, int event) {
    return status >> 8 == (SIGTRAP | (event << 8));
}

// Steps the vfork child `child` until its execve or its end, recording its addresses, then lets it go. Signals
// for it other than the step traps are handed on, as for the first process; the SIGSTOP of the automatic
// attach is not.
static void step_vfork_child(pid_t child) {
    int status = 0;
    if (waitpid(child, &status, __WALL) < 0) return;  // its first stop (SIGSTOP of the automatic attach)
    int deliver = 0;
    for (;;) {
        struct user_regs_struct regs;
        if (ptrace(PTRACE_GETREGS, child, 0, &regs) == 0) record(regs.rip);
        if (ptrace(PTRACE_SINGLESTEP, child, 0, deliver) < 0) return;
        if (waitpid(child, &status, __WALL) < 0 || WIFEXITED(status) || WIFSIGNALED(status)) return;
        if (is_event(status, PTRACE_EVENT_EXEC)) {
            ptrace(PTRACE_DETACH, child, 0, 0);
            return;
        }
        deliver = WIFSTOPPED(status) && WSTOPSIG(status) != SIGTRAP ? WSTOPSIG(status) : 0;
    }
}

int main(int argc, char** argv) {
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "--addresses") == 0) first = 3;
    if (argc <= first) {
        fprintf(stderr, "usage: %s [--addresses FILE] PROGRAM [ARGS...]\n", argv[0]);
        return 2;
    }
    if (first == 3) {
        addresses_out = fopen(argv[2], "w");
        if (!addresses_out) return perror(argv[2]), 1;
        set_mask = (1u << 22) - 1;
        set_slots = calloc(set_mask + 1, sizeof *set_slots);
        if (!set_slots) return perror("calloc"), 1;
    }
    const pid_t pid = fork();
    if (pid < 0) return perror("fork"), 1;
    if (pid == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        execv(argv[first], argv + first);
        perror(argv[first]);
        _exit(127);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) < 0 || !WIFSTOPPED(status)) return fprintf(stderr, "no trace stop\n"), 1;
    long options = PTRACE_O_EXITKILL;
    if (addresses_out) options |= PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC;
    if (ptrace(PTRACE_SETOPTIONS, pid, 0, options) != 0) {
        perror("ptrace(PTRACE_SETOPTIONS)");
        kill(pid, SIGKILL);
        return 1;
    }
    unsigned long steps = 0, cpuids = 0;
    int deliver = 0;
    for (;;) {
        struct user_regs_struct regs;
        if (ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0) {
            record(regs.rip);
            errno = 0;
            const long word = ptrace(PTRACE_PEEKTEXT, pid, regs.rip, 0);
            if (errno == 0 && (word & 0xffff) == 0xa20f) ++cpuids;  // 0F A2: CPUID
        }
        if (ptrace(PTRACE_SINGLESTEP, pid, 0, deliver) < 0) break;
        if (waitpid(pid, &status, __WALL) < 0 || WIFEXITED(status) || WIFSIGNALED(status)) break;
        if (is_event(status, PTRACE_EVENT_VFORK)) {
            // Stopped in vfork: the child runs first (the parent stays in the kernel until the child's exec).
            unsigned long child = 0;
            if (ptrace(PTRACE_GETEVENTMSG, pid, 0, &child) != 0) {
                perror("ptrace(PTRACE_GETEVENTMSG)");  // the child would stay stopped, and its parent in vfork
                kill(pid, SIGKILL);
                return 1;
            }
            step_vfork_child((pid_t)child);
            deliver = 0;
            continue;
        }
        ++steps;
        // A signal other than the step's SIGTRAP (SIGCHLD from the init's child) is handed on at the next step.
        deliver = WIFSTOPPED(status) && WSTOPSIG(status) != SIGTRAP ? WSTOPSIG(status) : 0;
    }
    printf("instructions %lu cpuid %lu\n", steps, cpuids);
    if (addresses_out && fclose(addresses_out) != 0) return perror("--addresses"), 1;
    return 0;
}
