/*
 * exec.c — execve as the kernel does it, and process groups:
 *
 *   errors    execve of a missing file, a directory, a file without the x
 *             bit, a text file without #! (ENOEXEC), a script whose
 *             interpreter is missing, #! scripts nested too deep (ELOOP),
 *             a NULL argv
 *   argv0     the new program gets the argv[0] it was given; execve of
 *             /proc/self/exe runs the program itself again (as busybox
 *             does to run an applet)
 *   pgrp      setpgid, getpgid, setsid, getsid, kill of a process group
 *   deathsig  PR_SET_PDEATHSIG: the parent's exit signals the child
 *   onue      (the program itself run by exec) prints whether it runs
 *             under ue: the suite compares that with what
 *             --trace-children says
 *
 * Everything printed is the same natively and under ue.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ue/client.h"

static void file(const char *path, const char *text, int mode)
{
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, mode);
    write(fd, text, strlen(text));
    close(fd);
    chmod(path, mode);
}

static void try_exec(const char *what, const char *path, char **argv)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char *envp[] = {"PATH=/usr/bin:/bin", NULL};
        execve(path, argv, envp);
        printf("%-40s -1 %s\n", what, strerrorname_np(errno));
        fflush(stdout);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st))
        printf("%-40s ran, status %#x\n", what, st);
}

static void errors(void)
{
    char dir[] = "/tmp/ue-exec-XXXXXX";
    mkdtemp(dir);
    if (chdir(dir))
        return;
    char *argv[] = {"x", NULL};
    file("noexec", "#!/bin/sh\necho hi\n", 0644);
    file("plain", "echo from a plain text file\n", 0755);
    file("badinterp", "#!/nonexistent/interp\n", 0755);
    file("loop1", "#!./loop2\n", 0755);
    file("loop2", "#!./loop3\n", 0755);
    file("loop3", "#!./loop4\n", 0755);
    file("loop4", "#!./loop5\n", 0755);
    file("loop5", "#!./loop6\n", 0755);
    file("loop6", "#!/bin/true\n", 0755);
    mkdir("adir", 0755);
    try_exec("missing file", "./missing", argv);
    try_exec("a directory", "./adir", argv);
    try_exec("no execute permission", "./noexec", argv);
    try_exec("text without #!", "./plain", argv);
    try_exec("#! interpreter missing", "./badinterp", argv);
    try_exec("#! nested too deep", "./loop1", argv);
    try_exec("empty path", "", argv);
    /* sh runs a text file without #! itself (after ENOEXEC) */
    fflush(stdout);
    system("sh -c ./plain");
    if (chdir("/") == 0)
        system("rm -rf /tmp/ue-exec-*");
}

static void argv0(void)
{
    fflush(stdout);
    if (fork() == 0) {
        execl("/bin/sh", "a-name-of-its-own", "-c", "echo \"\\$0 is $0\"", (char *)NULL);
        _exit(1);
    }
    wait(NULL);
    fflush(stdout);
    if (fork() == 0) {
        char *argv[] = {NULL};
        execv("/bin/true", argv); /* argv[0] becomes "" */
        _exit(1);
    }
    int st;
    wait(&st);
    printf("%-40s %d\n", "execv with an empty argv, status", WEXITSTATUS(st));
    fflush(stdout);
    if (fork() == 0) {
        char *argv[] = {"again", "self", NULL};
        execv("/proc/self/exe", argv);
        _exit(1);
    }
    wait(&st);
    printf("%-40s %d\n", "execv of /proc/self/exe, status", WEXITSTATUS(st));
}

static void pgrp(void)
{
    int p[2];
    pipe(p);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        pid_t me = getpid();
        printf("%-40s %d\n", "child leads its group", getpgid(0) == me);
        fflush(stdout);
        pid_t s = setsid();
        printf("%-40s %d (sid is pid %d, pgid %d)\n", "setsid after setpgid", s == -1 ? -1 : 0, getsid(0) == me,
               getpgrp() == me);
        fflush(stdout);
        close(p[1]);
        char c;
        read(p[0], &c, 1);
        pause();
        _exit(0);
    }
    close(p[0]);
    usleep(100 * 1000);
    int st;
    printf("%-40s %d\n", "parent sees the child's group", getpgid(pid) == pid);
    fflush(stdout);
    write(p[1], "x", 1);
    kill(-pid, SIGTERM);
    waitpid(pid, &st, 0);
    printf("%-40s %s\n", "kill of the group", WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : "exited");
}

static void deathsig(void)
{
    int p[2];
    pipe(p);
    fflush(stdout);
    pid_t middle = fork();
    if (middle == 0) {
        if (fork() == 0) {
            prctl(PR_SET_PDEATHSIG, SIGUSR1);
            int got = 0;
            prctl(PR_GET_PDEATHSIG, &got);
            sigset_t s;
            sigemptyset(&s);
            sigaddset(&s, SIGUSR1);
            sigprocmask(SIG_BLOCK, &s, NULL);
            write(p[1], got == SIGUSR1 ? "r" : "?", 1); /* ready */
            int sig;
            sigwait(&s, &sig);
            write(p[1], sig == SIGUSR1 ? "d" : "?", 1);
            _exit(0);
        }
        char c;
        read(p[0], &c, 1);
        _exit(0); /* the grandchild's parent dies */
    }
    waitpid(middle, NULL, 0);
    close(p[1]);
    char c = 0;
    read(p[0], &c, 1);
    printf("%-40s %s\n", "PR_SET_PDEATHSIG delivered", c == 'd' ? "yes" : "no");
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "self")) {
        printf("run again through /proc/self/exe as %s\n", argv[0]);
        return 3;
    }
    if (argc > 1 && !strcmp(argv[1], "onue")) {
        printf("%s\n", RUNNING_ON_UE ? "under ue" : "native");
        return 0;
    }
    errors();
    argv0();
    pgrp();
    deathsig();
    return 0;
}
