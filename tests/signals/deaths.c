/*
 * deaths.c — default actions as a parent sees them: children that die of
 * a signal (terminate, core), are stopped and continued, ignore or die of
 * SIGPIPE, exit with a status; an ignored signal stays ignored across
 * execve; SIGCHLD reaches the parent's handler; waitid's siginfo.  Under
 * ue every child is itself a ue (fork), so this checks that ue dies of the
 * guest's signal: wait(2) sees the truth.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int chld;
static void on_chld(int sig) { (void)sig; chld++; }

static void describe(const char *what, int st)
{
    if (WIFEXITED(st))
        printf("%-36s exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        printf("%-36s killed by signal %d\n", what, WTERMSIG(st));
    else if (WIFSTOPPED(st))
        printf("%-36s stopped by SIG%s\n", what, sigabbrev_np(WSTOPSIG(st)));
    else if (WIFCONTINUED(st))
        printf("%-36s continued\n", what);
}

static void run(const char *what, void (*child)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        /* ue's one-line report of a fault goes to stderr: not compared */
        freopen("/dev/null", "w", stderr);
        child();
        _exit(99);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    describe(what, st);
}

static void c_term(void) { raise(SIGTERM); }
static void c_abort(void) { abort(); }
static void c_segv(void) { *(volatile int *)8 = 0; }
static void c_kill(void) { kill(getpid(), SIGKILL); }
static void c_exit(void) { exit(300); }
static void c_rt(void) { raise(SIGRTMIN + 3); }
static void c_pipe_default(void)
{
    int p[2];
    pipe(p);
    close(p[0]);
    write(p[1], "x", 1);
}
static void c_pipe_ignored(void)
{
    int p[2];
    pipe(p);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    if (write(p[1], "x", 1) < 0 && errno == EPIPE)
        _exit(3);
}
static void c_exec_ignored(void)
{
    signal(SIGINT, SIG_IGN);
    execl("/bin/sh", "sh", "-c", "kill -INT $$; exit 4", (char *)NULL);
}
static void c_alarm(void)
{
    alarm(1);
    for (;;)
        ;
}

int main(void)
{
    signal(SIGCHLD, on_chld);
    run("raise(SIGTERM)", c_term);
    run("abort()", c_abort);
    run("write to address 8", c_segv);
    run("kill(self, SIGKILL)", c_kill);
    run("exit(300)", c_exit);
    run("raise(SIGRTMIN+3)", c_rt);
    run("write to a closed pipe", c_pipe_default);
    run("the same with SIGPIPE ignored", c_pipe_ignored);
    run("SIGINT ignored across execve", c_exec_ignored);
    run("alarm(1) in a busy loop", c_alarm);

    /* stopped and continued */
    fflush(stdout);
    int go[2];
    pipe(go);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        raise(SIGSTOP);
        read(go[0], &c, 1); /* exit only once the parent has seen "continued" */
        _exit(6);
    }
    int st;
    waitpid(pid, &st, WUNTRACED);
    describe("raise(SIGSTOP)", st);
    kill(pid, SIGCONT);
    waitpid(pid, &st, WCONTINUED);
    describe("then SIGCONT", st);
    write(go[1], "x", 1);
    waitpid(pid, &st, 0);
    describe("then", st);

    /* waitid's siginfo */
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        pause();
        _exit(0);
    }
    kill(pid, SIGHUP);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    while (waitid(P_PID, pid, &si, WEXITED) < 0 && errno == EINTR)
        ;
    printf("%-36s si_code %s status SIG%s pid ok %d\n", "waitid after SIGHUP",
           si.si_code == CLD_KILLED ? "CLD_KILLED" : si.si_code == CLD_DUMPED ? "CLD_DUMPED" : "other",
           sigabbrev_np(si.si_status), si.si_pid == pid);
    printf("SIGCHLD handler ran: %s\n", chld > 0 ? "yes" : "no");
    return 0;
}
