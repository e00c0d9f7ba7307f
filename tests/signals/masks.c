/*
 * masks.c — masks, pending sets and waiting: a blocked signal stays
 * pending (sigpending) and runs its handler as soon as it is unblocked;
 * standard signals merge, real-time ones queue in order with their values;
 * the handler's mask (sa_mask, the signal itself unless SA_NODEFER);
 * SA_RESETHAND; sigsuspend; sigtimedwait and sigwaitinfo; nested handlers;
 * SIG_IGN discards a pending signal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char trace[512];
static int depth, max_depth;

static void add(const char *s) { strncat(trace, s, sizeof trace - strlen(trace) - 1); }

static void on_sig(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    char b[64];
    depth++;
    if (depth > max_depth)
        max_depth = depth;
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    char rt[16];
    snprintf(rt, sizeof rt, "RTMIN+%d", sig - SIGRTMIN);
    snprintf(b, sizeof b, "[%s%s v=%d self=%d]", sig >= SIGRTMIN ? rt : sigabbrev_np(sig), depth > 1 ? " nested" : "",
             si->si_code == SI_QUEUE ? si->si_value.sival_int : -1, sigismember(&cur, sig));
    add(b);
    if (sig == SIGUSR1)
        raise(SIGUSR2); /* not blocked by USR1's handler: runs nested */
    if (sig == SIGINT)
        raise(SIGTERM); /* blocked by INT's sa_mask: runs after INT's handler */
    depth--;
}

static void set(int sig, int flags, int also_block)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sig;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    if (also_block)
        sigaddset(&sa.sa_mask, also_block);
    sigaction(sig, &sa, NULL);
}

static void block(int how, int a, int b)
{
    sigset_t s;
    sigemptyset(&s);
    if (a)
        sigaddset(&s, a);
    if (b)
        sigaddset(&s, b);
    sigprocmask(how, &s, NULL);
}

static void show(const char *what)
{
    printf("%-40s %s\n", what, trace);
    trace[0] = 0;
}

int main(void)
{
    set(SIGUSR1, 0, 0);
    set(SIGUSR2, 0, 0);
    set(SIGRTMIN, 0, 0);
    set(SIGHUP, SA_NODEFER, 0);
    set(SIGINT, 0, SIGTERM);
    set(SIGTERM, SA_RESETHAND, 0);

    raise(SIGUSR1);
    show("USR1 (raises USR2 in its handler)");

    block(SIG_BLOCK, SIGUSR1, 0);
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR1);
    sigset_t p;
    sigpending(&p);
    printf("%-40s USR1 %d USR2 %d\n", "pending while blocked", sigismember(&p, SIGUSR1), sigismember(&p, SIGUSR2));
    add("(unblock)");
    block(SIG_UNBLOCK, SIGUSR1, 0);
    add("(after)");
    show("two USR1 while blocked, then unblock");

    block(SIG_BLOCK, SIGRTMIN, 0);
    for (int i = 1; i <= 3; i++)
        sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = i * 10});
    block(SIG_UNBLOCK, SIGRTMIN, 0);
    show("three queued SIGRTMIN");

    raise(SIGHUP);
    show("SA_NODEFER: HUP not blocked in its handler");

    raise(SIGINT);
    show("sa_mask: INT's handler blocks TERM");
    struct sigaction now;
    sigaction(SIGTERM, NULL, &now);
    printf("%-40s %s\n", "SA_RESETHAND: TERM's handler now", now.sa_handler == SIG_DFL ? "SIG_DFL" : "other");

    /* sigsuspend: wait with USR1 unblocked; back with the old mask. */
    block(SIG_BLOCK, SIGUSR1, 0);
    kill(getpid(), SIGUSR1);
    sigset_t wait_mask;
    sigemptyset(&wait_mask);
    sigaddset(&wait_mask, SIGUSR2);
    int r = sigsuspend(&wait_mask);
    printf("%-40s r=%d errno=%s", "sigsuspend", r, strerrorname_np(errno));
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    printf(" USR1 blocked after: %d\n", sigismember(&cur, SIGUSR1));
    show("  handlers run");

    /* sigtimedwait: takes a blocked pending signal without a handler. */
    kill(getpid(), SIGUSR1);
    sigset_t w;
    sigemptyset(&w);
    sigaddset(&w, SIGUSR1);
    siginfo_t si;
    struct timespec ts = {0, 50 * 1000 * 1000};
    int got = sigtimedwait(&w, &si, &ts);
    printf("%-40s %s code %d pid ok %d\n", "sigtimedwait", got > 0 ? sigabbrev_np(got) : "none", si.si_code,
           si.si_pid == getpid());
    got = sigtimedwait(&w, &si, &ts);
    printf("%-40s %d %s\n", "sigtimedwait, nothing pending", got, strerrorname_np(errno));
    show("  handlers run");

    block(SIG_BLOCK, SIGRTMIN + 1, 0);
    sigqueue(getpid(), SIGRTMIN + 1, (union sigval){.sival_int = 77});
    sigemptyset(&w);
    sigaddset(&w, SIGRTMIN + 1);
    got = sigwaitinfo(&w, &si);
    printf("%-40s %d value %d code %d\n", "sigwaitinfo RTMIN+1", got - SIGRTMIN, si.si_value.sival_int, si.si_code);

    /* SIG_IGN discards what is pending. */
    kill(getpid(), SIGUSR1);
    signal(SIGUSR1, SIG_IGN);
    sigpending(&p);
    printf("%-40s %d\n", "USR1 pending after SIG_IGN", sigismember(&p, SIGUSR1));
    printf("max nesting depth %d\n", max_depth);
    return 0;
}
