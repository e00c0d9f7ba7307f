/*
 * async.c — asynchronous signals reach the guest's handler while its code
 * loops without making a system call (the JIT must leave chained blocks
 * for them): timer signals (setitimer ITIMER_REAL and ITIMER_VIRTUAL, a
 * POSIX timer with SIGRTMIN and a value), a signal sent by another process
 * (kill from a child) and SIGCHLD from a child's exit.  Each loop spins on
 * a flag only the handler sets; a watchdog alarm ends the program with a
 * message if a signal never arrives.  One loop goes round through an
 * indirect jump only (computed goto), which must see the signal too.  The counts printed do not depend on
 * timing.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got_alrm, got_vtalrm, got_usr1, got_chld, got_rt, rt_value;
static volatile unsigned long spins;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    if (sig == SIGALRM)
        got_alrm++;
    else if (sig == SIGVTALRM)
        got_vtalrm++;
    else if (sig == SIGUSR1)
        got_usr1++;
    else if (sig == SIGCHLD)
        got_chld++;
    else if (sig == SIGRTMIN) {
        got_rt++;
        rt_value = si->si_value.sival_int;
    }
}

static void on_watchdog(int sig)
{
    (void)sig;
    static const char msg[] = "watchdog: a signal never reached the looping program\n";
    write(1, msg, sizeof msg - 1);
    _exit(2);
}

static void handle(int sig)
{
    struct sigaction sa = {.sa_sigaction = on_signal, .sa_flags = SA_SIGINFO | SA_RESTART};
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

/* Spin until *flag reaches n; the watchdog (SIGPROF, 60 s of CPU) ends a
 * wait that never ends. */
static void spin_until(volatile sig_atomic_t *flag, int n)
{
    while (*flag < n)
        spins++;
}

/* The same, going round through an indirect jump only: no backward direct
 * jump, so the JIT's indirect-jump lookup must notice the request. */
static void spin_indirect(volatile sig_atomic_t *flag, int n)
{
    static void *const next[2] = {&&top, &&out};
top:
    spins++;
    goto *next[*flag >= n];
out:
    return;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPROF, on_watchdog);
    struct itimerval dog = {{0, 0}, {60, 0}};
    setitimer(ITIMER_PROF, &dog, NULL);
    handle(SIGALRM);
    handle(SIGVTALRM);
    handle(SIGUSR1);
    handle(SIGCHLD);
    handle(SIGRTMIN);

    struct itimerval it = {{0, 10000}, {0, 10000}}, off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &it, NULL);
    spin_until(&got_alrm, 5);
    setitimer(ITIMER_REAL, &off, NULL);
    printf("ITIMER_REAL: 5 SIGALRMs while looping\n");

    got_alrm = 0;
    setitimer(ITIMER_REAL, &it, NULL);
    spin_indirect(&got_alrm, 3);
    setitimer(ITIMER_REAL, &off, NULL);
    printf("ITIMER_REAL: 3 SIGALRMs while looping through an indirect jump\n");

    setitimer(ITIMER_VIRTUAL, &it, NULL);
    spin_until(&got_vtalrm, 3);
    setitimer(ITIMER_VIRTUAL, &off, NULL);
    printf("ITIMER_VIRTUAL: 3 SIGVTALRMs while looping\n");

    timer_t tm;
    struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN};
    ev.sigev_value.sival_int = 1234;
    timer_create(CLOCK_MONOTONIC, &ev, &tm);
    struct itimerspec ts = {{0, 0}, {0, 20000000}};
    timer_settime(tm, 0, &ts, NULL);
    spin_until(&got_rt, 1);
    timer_delete(tm);
    printf("POSIX timer: SIGRTMIN with value %d while looping\n", (int)rt_value);

    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        usleep(50000);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    spin_until(&got_usr1, 1);
    printf("SIGUSR1 from another process while looping\n");
    spin_until(&got_chld, 1);
    printf("SIGCHLD from its exit while looping\n");
    int st;
    waitpid(pid, &st, 0);
    printf("child status %d\n", WEXITSTATUS(st));
    return 0;
}
