/*
 * spawn.c — posix_spawn and vfork as a program sees them (output identical
 * natively and under ue, where every child is itself a ue):
 *
 *   posix_spawn   of a shell command (its exit status), posix_spawnp
 *                 through PATH, file actions (open onto stdout, dup2,
 *                 close), a signal mask and default dispositions for the
 *                 child (POSIX_SPAWN_SETSIGMASK / SETSIGDEF), a new
 *                 process group (POSIX_SPAWN_SETPGROUP), a child killed by
 *                 a signal; of a missing program and of a directory
 *                 (ENOENT, EACCES: glibc's child leaves the error in the
 *                 parent's stack frame)
 *   vfork         + execve: the parent is blocked until the child has
 *                 exec'd (the child sleeps first); + _exit: the status;
 *                 an execve that fails in the child (ENOENT, reported
 *                 through a pipe as programs that vfork do, and through a
 *                 variable of the parent's stack frame)
 *
 * Not checked: a vfork child's writes to globals or the heap, which ue
 * does not share (its vfork is a fork whose parent waits, then takes back
 * only the stack of the thread that vforked: fork.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void status(const char *what, int st)
{
    if (WIFEXITED(st))
        printf("%-36s exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        printf("%-36s killed by %s\n", what, sigabbrev_np(WTERMSIG(st)));
    else
        printf("%-36s status 0x%x\n", what, st);
    fflush(stdout);
}

/* posix_spawn + waitpid; prints what posix_spawn returned and the status. */
static void spawn_wait(const char *what, bool use_path, const posix_spawn_file_actions_t *fa,
                       const posix_spawnattr_t *attr, char *const argv[])
{
    pid_t pid;
    int e = use_path ? posix_spawnp(&pid, argv[0], fa, attr, argv, environ)
                     : posix_spawn(&pid, argv[0], fa, attr, argv, environ);
    if (e) {
        printf("%-36s posix_spawn: %s\n", what, strerrorname_np(e));
        return;
    }
    int st;
    if (waitpid(pid, &st, 0) != pid)
        printf("%-36s waitpid: %s\n", what, strerrorname_np(errno));
    else
        status(what, st);
}

static void spawns(void)
{
    char *sh3[] = {"/bin/sh", "-c", "echo spawned shell; exit 3", NULL};
    spawn_wait("posix_spawn sh exit 3", false, NULL, NULL, sh3);
    char *echo[] = {"echo", "through PATH", NULL};
    spawn_wait("posix_spawnp echo", true, NULL, NULL, echo);
    char *missing[] = {"/nonexistent/program", NULL};
    spawn_wait("posix_spawn of a missing program", false, NULL, NULL, missing);
    char *dir[] = {"/", NULL};
    spawn_wait("posix_spawn of a directory", false, NULL, NULL, dir);
    char *nopath[] = {"no-such-program-anywhere", NULL};
    spawn_wait("posix_spawnp of an unknown name", true, NULL, NULL, nopath);

    /* stdout into a file, stderr onto stdout, stdin closed. */
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "spawn.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    posix_spawn_file_actions_addclose(&fa, 0);
    char *redir[] = {"/bin/sh", "-c", "echo to stdout; echo to stderr >&2; cat 2>/dev/null || echo no stdin", NULL};
    spawn_wait("posix_spawn with file actions", false, &fa, NULL, redir);
    posix_spawn_file_actions_destroy(&fa);
    FILE *f = fopen("spawn.out", "r");
    char line[128];
    while (f && fgets(line, sizeof line, f))
        printf("  spawn.out: %s", line);
    if (f)
        fclose(f);
    unlink("spawn.out");

    /* A blocked SIGUSR1 and an ignored SIGTERM, changed for the child. */
    sigset_t block, none;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &block, NULL);
    signal(SIGTERM, SIG_IGN);
    char *mask[] = {"/bin/sh", "-c", "grep -E '^Sig(Blk|Ign)' /proc/self/status | sed 's/\\t/ /'", NULL};
    spawn_wait("posix_spawn inheriting mask", false, NULL, NULL, mask);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &term);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    spawn_wait("posix_spawn SETSIGMASK SETSIGDEF", false, NULL, &attr, mask);
    char *killself[] = {"/bin/sh", "-c", "kill -TERM $$; echo not reached", NULL};
    spawn_wait("posix_spawn SIGTERM to default", false, NULL, &attr, killself);
    posix_spawnattr_destroy(&attr);
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    signal(SIGTERM, SIG_DFL);

    posix_spawnattr_init(&attr);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    char *pg[] = {"/bin/sh", "-c", "[ $(ps -o pgid= $$) = $$ ] && echo own process group", NULL};
    spawn_wait("posix_spawn SETPGROUP", false, NULL, &attr, pg);
    posix_spawnattr_destroy(&attr);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void vforks(void)
{
    /* The parent goes on only once the child has exec'd. */
    double t0 = now();
    pid_t pid = vfork();
    if (pid == 0) {
        struct timespec ts = {0, 300000000};
        nanosleep(&ts, NULL);
        char *argv[] = {"/bin/sh", "-c", "exit 5", NULL};
        execve(argv[0], argv, environ);
        _exit(99);
    }
    printf("vfork parent waited for the exec      %d\n", now() - t0 >= 0.29);
    int st;
    waitpid(pid, &st, 0);
    status("vfork + execve sh exit 5", st);

    pid = vfork();
    if (pid == 0)
        _exit(42);
    waitpid(pid, &st, 0);
    status("vfork + _exit 42", st);

    /* A failed execve reported through a close-on-exec pipe. */
    int p[2];
    pipe2(p, O_CLOEXEC);
    pid = vfork();
    if (pid == 0) {
        char *argv[] = {"/nonexistent/program", NULL};
        execve(argv[0], argv, environ);
        int e = errno;
        write(p[1], &e, sizeof e);
        _exit(127);
    }
    close(p[1]);
    int e = 0;
    ssize_t n = read(p[0], &e, sizeof e);
    close(p[0]);
    waitpid(pid, &st, 0);
    printf("vfork + execve of a missing program   %s\n", n == sizeof e ? strerrorname_np(e) : "no error");
    status("  its status", st);

    /* The same error through the parent's stack frame, as glibc's
     * posix_spawn takes it. */
    volatile int child_errno = 0;
    pid = vfork();
    if (pid == 0) {
        char *argv[] = {"/nonexistent/program", NULL};
        execve(argv[0], argv, environ);
        child_errno = errno;
        _exit(127);
    }
    waitpid(pid, &st, 0);
    printf("vfork child's errno in the parent     %s\n", child_errno ? strerrorname_np(child_errno) : "0");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    spawns();
    vforks();
    return 0;
}
