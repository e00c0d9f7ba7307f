/*
 * timeit.c — bench/run's process launcher: run one command, measure it.
 *
 *   timeit RESULT-FILE PROGRAM [ARGS...]
 *
 * Forks, execs PROGRAM (stdin/stdout/stderr inherited), waits with wait4
 * and writes one line to RESULT-FILE:
 *
 *   <wall seconds> <user+sys seconds> <peak RSS in KiB> <exit code>
 *
 * where the exit code is the program's, or 128+N if signal N killed it; the
 * launcher exits with the same code.  Why not measure from bench/run (a
 * Python process) directly: a process inherits its parent's resident size
 * as the starting point of its peak RSS (the kernel folds the pre-exec
 * memory into ru_maxrss), so every child of Python would report at least
 * Python's own ~20 MB.  This launcher is small, so its child's figure is
 * the program's own.  Wall time is taken here too, around fork and wait,
 * so it includes no Python.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: timeit RESULT-FILE PROGRAM [ARGS...]\n");
        return 2;
    }
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0) {
        perror("timeit: fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        perror(argv[2]);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("timeit: wait4");
        return 2;
    }
    double wall = now() - t0;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
    FILE *f = fopen(argv[1], "w");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    fprintf(f, "%.6f %.6f %ld %d\n", wall, cpu, ru.ru_maxrss, code);
    fclose(f);
    return code;
}
