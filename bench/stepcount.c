// bench/stepcount: runs a command under ptrace(2), single-stepping its first process (not its children), and
// prints how many instructions it executed and how many of them were CPUID. On a VM a CPUID traps to the
// hypervisor (7.2 us each on this project's VM), and the start-up code of every static glibc program runs
// dozens of them (the cache sizes, sysdeps/x86/dl-cacheinfo.h): this counts them for jvminit and the Debian
// inits alike. Slow (one ptrace stop per instruction): for short commands such as `INIT -- /bin/true`.
//
//   cc -O2 -o stepcount bench/stepcount.c && ./stepcount /usr/bin/tini-static -s -- /bin/true
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s PROGRAM [ARGS...]\n", argv[0]);
        return 2;
    }
    const pid_t pid = fork();
    if (pid < 0) return perror("fork"), 1;
    if (pid == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        execv(argv[1], argv + 1);
        perror(argv[1]);
        _exit(127);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) < 0 || !WIFSTOPPED(status)) return fprintf(stderr, "no trace stop\n"), 1;
    ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_EXITKILL);
    unsigned long steps = 0, cpuids = 0;
    int deliver = 0;
    for (;;) {
        struct user_regs_struct regs;
        if (ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0) {
            errno = 0;
            const long word = ptrace(PTRACE_PEEKTEXT, pid, regs.rip, 0);
            if (errno == 0 && (word & 0xffff) == 0xa20f) ++cpuids;  // 0F A2: CPUID
        }
        if (ptrace(PTRACE_SINGLESTEP, pid, 0, deliver) < 0) break;
        if (waitpid(pid, &status, 0) < 0 || WIFEXITED(status) || WIFSIGNALED(status)) break;
        ++steps;
        // A signal other than the step's SIGTRAP (SIGCHLD from the init's child) is handed on at the next step.
        deliver = WIFSTOPPED(status) && WSTOPSIG(status) != SIGTRAP ? WSTOPSIG(status) : 0;
    }
    printf("instructions %lu cpuid %lu\n", steps, cpuids);
    return 0;
}
