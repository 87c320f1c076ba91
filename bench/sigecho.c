/*
 * sigecho: helper for bench/run (signal forwarding latency, orphan reaping, steady state, start-up split).
 *
 * One program, several modes, sharing a small file in /dev/shm (passed by path, created by the caller,
 * at least 4096 bytes):
 *
 *   sigecho serve SHM
 *       The supervised child. Installs a SIGUSR1 handler that stores CLOCK_MONOTONIC and bumps a counter
 *       (a futex word) in SHM, then waits for commands from the driver: make orphans, or exit.
 *   sigecho wait-ready SHM TIMEOUT_MS
 *       Waits until the child has installed its handler; prints the child's pid (as the child sees it).
 *   sigecho signal SHM PID COUNT [LOSS_TIMEOUT_MS [RAW_FILE]]
 *       The driver: COUNT times, one at a time, takes CLOCK_MONOTONIC, kill(PID, SIGUSR1) and waits for the
 *       child's acknowledgement (up to LOSS_TIMEOUT_MS, default 1000; a signal not acknowledged by then is
 *       counted as lost). Prints key=value statistics of kill() -> handler latency in microseconds; with
 *       RAW_FILE, also writes every latency (ns, one a line) there.
 *   sigecho orphans SHM COUNT BURST TIMEOUT_MS
 *       Asks the child to make COUNT orphans in bursts of BURST: for each burst the child forks BURST
 *       grandchildren that each fork one process and exit at once, so that process is re-parented to the
 *       init (PID 1 of the namespace); the BURST orphans of a burst block on a pipe and all exit together
 *       when the child closes it. The child waits until all of them have called _exit, then polls /proc (the
 *       namespace's, from unshare --mount-proc) until it lists no more processes than before the first burst:
 *       that wait is the burst's reaping tail. Then the next burst. Reports total time, the tails (median,
 *       p90, max, sum), the most processes left unreaped when a burst's last orphan exited, zombies left.
 *   sigecho quit SHM [PID TIMEOUT_MS]
 *       Asks the child to exit 0; with PID, waits (pidfd) until that process (the init) has exited and
 *       prints how long that took after the request.
 *
 *   sigecho stamp [LINGER_US]
 *       The child of the start-up split: writes CLOCK_MONOTONIC (ns, 8 bytes) to stdout at once, sleeps
 *       LINGER_US (default 0), writes CLOCK_MONOTONIC again and exits 0.
 *   sigecho split RUNS NAME 'COMMAND ...' [NAME 'COMMAND ...' ...]
 *       Runs each COMMAND (split at spaces, no shell) RUNS times, the commands interleaved, after RUNS/10
 *       warm-up runs each; each COMMAND must end in `sigecho stamp` (bare, or as an init's child), whose
 *       stdout is a pipe to the driver and stderr /dev/null. Per run: from posix_spawn to the first stamp
 *       (the child runs: the init's start and launch), and from the second stamp to the command's end (the
 *       init notices the child's end and exits). Prints one line per NAME: the runs measured (a failed one is
 *       counted apart and is not a sample; more than RUNS/10 end the split with status 3), medians and 10th
 *       percentiles in microseconds.
 *
 * Clocks: CLOCK_MONOTONIC is system-wide, so the driver (outside the namespace) and the child compare directly.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { CMD_IDLE = 0, CMD_ORPHANS = 1, CMD_QUIT = 2 };

struct shared {
  _Atomic uint32_t ready;     /* futex word: 1 once the handler is installed */
  _Atomic uint32_t count;     /* futex word: SIGUSR1 handled so far */
  _Atomic uint64_t last_ns;   /* CLOCK_MONOTONIC at entry of the last SIGUSR1 handler */
  _Atomic uint32_t cmd;       /* futex word: CMD_* */
  _Atomic uint32_t cmd_done;  /* futex word: bumped when a command is finished */
  _Atomic int32_t child_pid;  /* pid of the serving child, as it sees itself */
  /* orphans command: parameters */
  uint32_t n_orphans, burst;
  /* orphans command: results */
  _Atomic uint32_t orphans_exited; /* bumped by each orphan just before _exit */
  uint64_t t_start, t_clean, tail_sum, tail_median, tail_p90, tail_max;
  uint32_t bursts, procs_before, procs_after, unreaped_max, zombies_left, fork_failures, timed_out;
};

static struct shared *S;
static void usage(void);
extern char **environ;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static long futex_wait(_Atomic uint32_t *addr, uint32_t val, const struct timespec *rel) {
  return syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAIT, val, rel, NULL, 0);
}

static long futex_wake(_Atomic uint32_t *addr) {
  return syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAKE, 0x7fffffff, NULL, NULL, 0);
}

/* Waits until *addr != val or the absolute CLOCK_MONOTONIC deadline passes. Returns 1 if changed. */
static int wait_change(_Atomic uint32_t *addr, uint32_t val, uint64_t deadline) {
  for (;;) {
    if (atomic_load(addr) != val) return 1;
    uint64_t t = now_ns();
    if (t >= deadline) return 0;
    uint64_t rem = deadline - t;
    struct timespec ts = {(time_t)(rem / 1000000000ull), (long)(rem % 1000000000ull)};
    futex_wait(addr, val, &ts);
  }
}

static void die(const char *what) {
  fprintf(stderr, "sigecho: %s: %s\n", what, strerror(errno));
  exit(2);
}

static void map_shared(const char *path) {
  int fd = open(path, O_RDWR);
  if (fd < 0) die(path);
  if (ftruncate(fd, 4096) != 0) die("ftruncate");
  void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) die("mmap");
  close(fd);
  S = p;
}

/* ---------------------------------------------------------------- child */

static void on_usr1(int sig) {
  (void)sig;
  int saved = errno;
  atomic_store(&S->last_ns, now_ns());
  atomic_fetch_add(&S->count, 1);
  futex_wake(&S->count);
  errno = saved;
}

/* Number of processes /proc lists (thread-group leaders, zombies included); *zombies gets those in state Z. */
static uint32_t count_procs(uint32_t *zombies) {
  DIR *d = opendir("/proc");
  if (!d) return 0;
  uint32_t n = 0, z = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    n++;
    if (zombies) {
      char path[300], buf[512];
      snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
      int fd = open(path, O_RDONLY);
      if (fd < 0) continue;
      ssize_t r = read(fd, buf, sizeof buf - 1);
      close(fd);
      if (r <= 0) continue;
      buf[r] = 0;
      char *rp = strrchr(buf, ')');
      if (rp && rp[1] == ' ' && rp[2] == 'Z') z++;
    }
  }
  closedir(d);
  if (zombies) *zombies = z;
  return n;
}

static void sleep_us(long us) {
  struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

static pid_t fork_retry(void) {
  for (int i = 0; i < 1000; i++) {
    pid_t p = fork();
    if (p >= 0) return p;
    S->fork_failures++;
    sleep_us(1000);
  }
  return -1;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Waits until at most `limit` processes are listed in /proc or the deadline passes; returns the last count. */
static uint32_t wait_procs_at_most(uint32_t limit, uint64_t deadline) {
  for (;;) {
    uint32_t procs = count_procs(NULL);
    if (procs <= limit || now_ns() >= deadline) return procs;
    sleep_us(20);
  }
}

static void make_orphans(void) {
  uint32_t n = S->n_orphans, burst = S->burst ? S->burst : 100;
  prctl(PR_SET_TIMERSLACK, 1UL); /* short polling sleeps really short */
  S->timed_out = 0;
  S->fork_failures = 0;
  S->unreaped_max = 0;
  atomic_store(&S->orphans_exited, 0);
  S->procs_before = count_procs(NULL);
  uint32_t nbursts = (n + burst - 1) / burst, b = 0;
  uint64_t *tails = calloc(nbursts ? nbursts : 1, sizeof *tails);
  pid_t *gc = calloc(burst, sizeof *gc);
  if (!tails || !gc) die("calloc");
  uint64_t deadline = now_ns() + 60000000000ull;
  S->t_start = now_ns();
  uint32_t made = 0;
  while (made < n && !S->timed_out) {
    uint32_t k = n - made < burst ? n - made : burst;
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) die("pipe");
    uint32_t started = 0;
    for (uint32_t j = 0; j < k; j++) {
      pid_t g = fork_retry();
      if (g < 0) break;
      if (g == 0) { /* grandchild */
        pid_t o = fork();
        if (o == 0) { /* orphan-to-be: wait for the burst's go, then exit */
          close(p[1]);
          char c;
          while (read(p[0], &c, 1) < 0 && errno == EINTR) {
          }
          atomic_fetch_add(&S->orphans_exited, 1);
          _exit(0);
        }
        _exit(o < 0 ? 1 : 0);
      }
      gc[started++] = g;
    }
    for (uint32_t j = 0; j < started; j++) {
      int st;
      while (waitpid(gc[j], &st, 0) < 0 && errno == EINTR) {
      }
      if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) S->fork_failures++;
    }
    made += started;
    close(p[1]); /* last write end: the burst's orphans all see EOF and exit together */
    close(p[0]);
    while (atomic_load(&S->orphans_exited) < made && now_ns() < deadline) sleep_us(20);
    uint64_t t_exited = now_ns();
    uint32_t procs = count_procs(NULL);
    if (procs > S->procs_before && procs - S->procs_before > S->unreaped_max) S->unreaped_max = procs - S->procs_before;
    procs = wait_procs_at_most(S->procs_before, deadline);
    tails[b++] = now_ns() - t_exited;
    if (procs > S->procs_before || atomic_load(&S->orphans_exited) < made) S->timed_out = 1;
    if (started < k) S->timed_out = 1;
  }
  S->t_clean = now_ns();
  free(gc);
  uint64_t sum = 0;
  for (uint32_t i = 0; i < b; i++) sum += tails[i];
  qsort(tails, b, sizeof *tails, cmp_u64);
  S->bursts = b;
  S->tail_sum = sum;
  S->tail_median = b ? tails[b / 2] : 0;
  S->tail_p90 = b ? tails[(b - 1) * 9 / 10] : 0;
  S->tail_max = b ? tails[b - 1] : 0;
  free(tails);
  uint32_t z = 0;
  S->procs_after = count_procs(&z);
  S->zombies_left = z;
}

static int serve(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  if (sigaction(SIGUSR1, &sa, NULL) != 0) die("sigaction");
  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, NULL); /* whatever the init left blocked */
  atomic_store(&S->child_pid, (int32_t)getpid());
  atomic_store(&S->cmd, CMD_IDLE);
  atomic_store(&S->ready, 1);
  futex_wake(&S->ready);
  for (;;) {
    uint32_t c = atomic_load(&S->cmd);
    if (c == CMD_IDLE) {
      futex_wait(&S->cmd, CMD_IDLE, NULL); /* EINTR on each SIGUSR1: just look again */
      continue;
    }
    if (c == CMD_QUIT) return 0;
    if (c == CMD_ORPHANS) make_orphans();
    atomic_store(&S->cmd, CMD_IDLE);
    atomic_fetch_add(&S->cmd_done, 1);
    futex_wake(&S->cmd_done);
  }
}

/* ---------------------------------------------------------------- driver */

static double pct(const uint64_t *v, size_t n, double p) {
  if (n == 0) return 0;
  double r = p * (double)(n - 1);
  size_t i = (size_t)r;
  double f = r - (double)i;
  double a = (double)v[i], b = (double)v[i + 1 < n ? i + 1 : i];
  return (a + (b - a) * f) / 1000.0;
}

static int drive_signals(pid_t pid, long count, long loss_ms, const char *raw) {
  uint64_t *lat = calloc((size_t)count, sizeof *lat);
  if (!lat) die("calloc");
  size_t ok = 0;
  long lost = 0, consecutive = 0, sent = 0;
  int aborted = 0;
  uint64_t t_begin = now_ns();
  for (long i = 0; i < count; i++) {
    uint32_t base = atomic_load(&S->count);
    uint64_t t0 = now_ns();
    if (kill(pid, SIGUSR1) != 0) {
      fprintf(stderr, "sigecho: kill(%d): %s\n", (int)pid, strerror(errno));
      aborted = 1;
      break;
    }
    sent++;
    if (wait_change(&S->count, base, t0 + (uint64_t)loss_ms * 1000000ull)) {
      uint64_t t1 = atomic_load(&S->last_ns);
      lat[ok++] = t1 > t0 ? t1 - t0 : 0;
      consecutive = 0;
    } else {
      lost++;
      if (++consecutive >= 5) { /* it does not forward at all: stop rather than wait COUNT seconds */
        aborted = 1;
        break;
      }
      sleep_us(50000); /* let a late one land before the next baseline */
    }
  }
  uint64_t t_end = now_ns();
  if (raw) { /* every latency in ns, in the order measured, for aggregating several runs */
    FILE *f = fopen(raw, "w");
    if (!f) die(raw);
    for (size_t i = 0; i < ok; i++) fprintf(f, "%llu\n", (unsigned long long)lat[i]);
    if (fclose(f) != 0) die(raw);
  }
  qsort(lat, ok, sizeof *lat, cmp_u64);
  double sum = 0;
  for (size_t i = 0; i < ok; i++) sum += (double)lat[i];
  printf("sent=%ld\nacked=%zu\nlost=%ld\naborted=%d\n", sent, ok, lost, aborted);
  printf("min_us=%.2f\nmedian_us=%.2f\nmean_us=%.2f\np90_us=%.2f\np99_us=%.2f\np999_us=%.2f\nmax_us=%.2f\n",
         ok ? (double)lat[0] / 1000.0 : 0.0, pct(lat, ok, 0.5), ok ? sum / (double)ok / 1000.0 : 0.0,
         pct(lat, ok, 0.9), pct(lat, ok, 0.99), pct(lat, ok, 0.999), ok ? (double)lat[ok - 1] / 1000.0 : 0.0);
  printf("wall_s=%.3f\n", (double)(t_end - t_begin) / 1e9);
  free(lat);
  return aborted ? 3 : 0;
}

static int run_command(uint32_t cmd, long timeout_ms) {
  uint32_t done = atomic_load(&S->cmd_done);
  atomic_store(&S->cmd, cmd);
  futex_wake(&S->cmd);
  if (cmd == CMD_QUIT) return 0;
  if (!wait_change(&S->cmd_done, done, now_ns() + (uint64_t)timeout_ms * 1000000ull)) {
    fprintf(stderr, "sigecho: the child did not finish the command within %ld ms\n", timeout_ms);
    return 3;
  }
  return 0;
}

static int cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int stamp(long linger_us) {
  const uint64_t start = now_ns();
  if (write(1, &start, sizeof start) != (ssize_t)sizeof start) return 1;
  if (linger_us > 0) sleep_us(linger_us);
  const uint64_t end = now_ns();
  return write(1, &end, sizeof end) == (ssize_t)sizeof end ? 0 : 1;
}

/* One run of argv: nanoseconds from the spawn to the first stamp, and from the second stamp to the end. Returns 0
   when the run failed (no two stamps, or not exit 0), 1 otherwise. */
static int split_once(char **argv, uint64_t *to_child, uint64_t *after_end) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) die("pipe2");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, p[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  const uint64_t t0 = now_ns();
  const int err = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(p[1]);
  if (err != 0) {
    close(p[0]);
    errno = err;
    die(argv[0]);
  }
  uint64_t stamps[2] = {0, 0};
  size_t got = 0;
  for (;;) {
    const ssize_t r = read(p[0], (char *)stamps + got, sizeof stamps - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
    if (got == sizeof stamps) break;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const uint64_t t1 = now_ns();
  close(p[0]);
  if (got != sizeof stamps || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 0;
  *to_child = stamps[0] - t0;
  *after_end = t1 - stamps[1];
  return 1;
}

static int split(long runs, int n_cmds, char **names, char **commands) {
  if (runs < 10 || n_cmds < 1) usage();
  char **argvs[16];
  if (n_cmds > 16) usage();
  for (int c = 0; c < n_cmds; c++) {
    char **v = calloc(64, sizeof *v);
    int k = 0;
    for (char *tok = strtok(commands[c], " "); tok && k < 63; tok = strtok(NULL, " ")) v[k++] = tok;
    if (k == 0) usage();
    argvs[c] = v;
  }
  double *to = calloc((size_t)(runs * n_cmds), sizeof *to), *after = calloc((size_t)(runs * n_cmds), sizeof *after);
  long failed[16] = {0}, valid[16] = {0};  /* failed: measured runs only; valid: the samples kept */
  for (long i = -(runs / 10); i < runs; i++)
    for (int c = 0; c < n_cmds; c++) {
      uint64_t a = 0, b = 0;
      const int good = split_once(argvs[c], &a, &b);
      if (i < 0) continue; /* warm-up */
      if (!good) {         /* not a sample: a failed run would pull the statistics down */
        if (++failed[c] > runs / 10) {
          fprintf(stderr, "sigecho: %s: more than %ld runs failed (no stamp, or not exit 0)\n", names[c], runs / 10);
          return 3;
        }
        continue;
      }
      to[c * runs + valid[c]] = (double)a / 1000.0;
      after[c * runs + valid[c]] = (double)b / 1000.0;
      valid[c]++;
    }
  for (int c = 0; c < n_cmds; c++) {
    const long n = valid[c];
    qsort(to + c * runs, (size_t)n, sizeof *to, cmp_double);
    qsort(after + c * runs, (size_t)n, sizeof *after, cmp_double);
    printf("name=%s runs=%ld failed=%ld to_child_median_us=%.1f to_child_p10_us=%.1f after_end_median_us=%.1f "
           "after_end_p10_us=%.1f\n",
           names[c], n, failed[c], to[c * runs + n / 2], to[c * runs + n / 10], after[c * runs + n / 2],
           after[c * runs + n / 10]);
  }
  return 0;
}

static void usage(void) {
  fprintf(stderr,
          "usage: sigecho serve SHM | wait-ready SHM TIMEOUT_MS | signal SHM PID COUNT [LOSS_TIMEOUT_MS [RAW_FILE]]\n"
          "       | orphans SHM COUNT BURST TIMEOUT_MS | quit SHM [PID TIMEOUT_MS]\n"
          "       | stamp [LINGER_US] | split RUNS NAME 'COMMAND ...' [NAME 'COMMAND ...' ...]\n");
  exit(64);
}

int main(int argc, char **argv) {
  if ((argc == 2 || argc == 3) && strcmp(argv[1], "stamp") == 0) return stamp(argc == 3 ? atol(argv[2]) : 0);
  if (argc >= 5 && strcmp(argv[1], "split") == 0) {
    if ((argc - 3) % 2 != 0) usage();
    const int n = (argc - 3) / 2;
    char *names[16], *commands[16];
    if (n > 16) usage();
    for (int c = 0; c < n; c++) {
      names[c] = argv[3 + 2 * c];
      commands[c] = argv[4 + 2 * c];
    }
    return split(atol(argv[2]), n, names, commands);
  }
  if (argc < 3) usage();
  const char *mode = argv[1];
  map_shared(argv[2]);
  if (strcmp(mode, "serve") == 0) return serve();
  if (strcmp(mode, "wait-ready") == 0) {
    if (argc < 4) usage();
    if (!wait_change(&S->ready, 0, now_ns() + (uint64_t)atol(argv[3]) * 1000000ull)) {
      fprintf(stderr, "sigecho: the child did not get ready\n");
      return 3;
    }
    printf("%d\n", (int)atomic_load(&S->child_pid));
    return 0;
  }
  if (strcmp(mode, "signal") == 0) {
    if (argc < 5) usage();
    return drive_signals((pid_t)atoi(argv[3]), atol(argv[4]), argc > 5 ? atol(argv[5]) : 1000, argc > 6 ? argv[6] : NULL);
  }
  if (strcmp(mode, "orphans") == 0) {
    if (argc < 6) usage();
    S->n_orphans = (uint32_t)atol(argv[3]);
    S->burst = (uint32_t)atol(argv[4]);
    int rc = run_command(CMD_ORPHANS, atol(argv[5]));
    if (rc != 0) return rc;
    printf("orphans=%u\nburst=%u\nbursts=%u\n", S->n_orphans, S->burst, S->bursts);
    printf("total_ms=%.3f\ntail_sum_ms=%.3f\ntail_median_ms=%.3f\ntail_p90_ms=%.3f\ntail_max_ms=%.3f\n",
           (double)(S->t_clean - S->t_start) / 1e6, (double)S->tail_sum / 1e6, (double)S->tail_median / 1e6,
           (double)S->tail_p90 / 1e6, (double)S->tail_max / 1e6);
    printf("procs_before=%u\nprocs_after=%u\nunreaped_max=%u\nzombies_left=%u\nfork_failures=%u\ntimed_out=%u\n",
           S->procs_before, S->procs_after, S->unreaped_max, S->zombies_left, S->fork_failures, S->timed_out);
    return S->timed_out ? 4 : 0;
  }
  if (strcmp(mode, "quit") == 0) {
    /* optional: PID TIMEOUT_MS: wait (pidfd) until that process (the init) has exited and print how long */
    int pfd = -1;
    if (argc >= 5) {
      pfd = (int)syscall(SYS_pidfd_open, (pid_t)atoi(argv[3]), 0);
      if (pfd < 0) die("pidfd_open");
    }
    uint64_t t0 = now_ns();
    run_command(CMD_QUIT, 0);
    if (pfd < 0) return 0;
    struct pollfd pf = {pfd, POLLIN, 0};
    int r;
    while ((r = poll(&pf, 1, atoi(argv[4]))) < 0 && errno == EINTR) {
    }
    if (r == 0) {
      printf("exit_ms=timeout\n");
      return 5;
    }
    printf("exit_ms=%.3f\n", (double)(now_ns() - t0) / 1e6);
    return 0;
  }
  usage();
  return 64;
}
