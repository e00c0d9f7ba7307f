/*
 * time.c — clocks and sleeping: clock_gettime (realtime, monotonic, boot,
 * process/thread CPU time), clock_getres, gettimeofday, time, nanosleep,
 * clock_nanosleep.  Only what is deterministic is printed: resolutions,
 * errors, and relations (monotonic does not go back, a sleep lasts at
 * least as long as asked, the clocks agree with each other).
 */
#include "nolibc.h"

#include <sys/time.h>
#include <time.h>

static long ns_between(const struct timespec *a, const struct timespec *b)
{
    return (b->tv_sec - a->tv_sec) * 1000000000L + (b->tv_nsec - a->tv_nsec);
}

int main(int argc, char **argv, char **envp)
{
    static const struct { int id; const char *name; } clocks[] = {
        {CLOCK_REALTIME, "REALTIME"}, {CLOCK_MONOTONIC, "MONOTONIC"}, {CLOCK_BOOTTIME, "BOOTTIME"},
        {CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME"}, {CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME"},
        {CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE"},
    };
    for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        struct timespec r = {0, 0}, t = {0, 0};
        long a = SYS2(__NR_clock_getres, clocks[i].id, &r);
        long b = SYS2(__NR_clock_gettime, clocks[i].id, &t);
        int coarse = clocks[i].id == CLOCK_MONOTONIC_COARSE;
        pr("%s: getres %ld res %s, gettime %ld valid %d\n", clocks[i].name, a,
           coarse ? (r.tv_nsec > 0 ? ">0" : "0") : (r.tv_sec == 0 && r.tv_nsec == 1 ? "1ns" : "other"), b,
           t.tv_nsec >= 0 && t.tv_nsec < 1000000000 && (t.tv_sec > 0 || t.tv_nsec > 0));
    }
    struct timespec ts;
    show("clock_gettime bad clock", SYS2(__NR_clock_gettime, 1000, &ts));
    show("clock_gettime into NULL", SYS2(__NR_clock_gettime, CLOCK_REALTIME, 0));
    show("clock_getres NULL result", SYS2(__NR_clock_getres, CLOCK_MONOTONIC, 0));

    struct timespec m0, m1, rt;
    struct timeval tv;
    long t_arg = 0;
    SYS2(__NR_clock_gettime, CLOCK_MONOTONIC, &m0);
    SYS2(__NR_clock_gettime, CLOCK_REALTIME, &rt);
    show("gettimeofday", SYS2(__NR_gettimeofday, &tv, 0));
    long t = SYS1(__NR_time, &t_arg);
    check("time() returns what it stores", t == t_arg);
    check("time, gettimeofday and CLOCK_REALTIME agree", t - rt.tv_sec <= 1 && t >= rt.tv_sec &&
          tv.tv_sec - rt.tv_sec <= 1 && tv.tv_sec >= rt.tv_sec && tv.tv_usec < 1000000);
    check("time(NULL) works", SYS1(__NR_time, 0) >= t);

    struct timespec req = {0, 2000000}, rem = {9, 9};
    show("nanosleep 2ms", SYS2(__NR_nanosleep, &req, &rem));
    SYS2(__NR_clock_gettime, CLOCK_MONOTONIC, &m1);
    check("slept at least 2ms, monotonic forwards", ns_between(&m0, &m1) >= 2000000);
    struct timespec bad = {0, 1000000000};
    show("nanosleep nsec out of range", SYS2(__NR_nanosleep, &bad, 0));
    struct timespec negative = {-1, 0};
    show("nanosleep negative", SYS2(__NR_nanosleep, &negative, 0));
    req.tv_nsec = 1000000;
    show("clock_nanosleep relative 1ms", SYS4(__NR_clock_nanosleep, CLOCK_MONOTONIC, 0, &req, 0));
    SYS2(__NR_clock_gettime, CLOCK_MONOTONIC, &m0);
    struct timespec until = {m0.tv_sec, m0.tv_nsec + 1000000};
    if (until.tv_nsec >= 1000000000)
        until.tv_sec++, until.tv_nsec -= 1000000000;
    show("clock_nanosleep TIMER_ABSTIME", SYS4(__NR_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &until, 0));
    SYS2(__NR_clock_gettime, CLOCK_MONOTONIC, &m1);
    check("woke after the absolute time", ns_between(&until, &m1) >= 0);
    show("clock_nanosleep on a CPU clock", SYS4(__NR_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &req, 0));
    return 0;
}
