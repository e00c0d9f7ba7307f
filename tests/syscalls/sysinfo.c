/*
 * sysinfo.c — the system and resource limits: uname, sysinfo, getrlimit,
 * prlimit64 (read, lower, read back), setrlimit, getrusage, times,
 * sched_getaffinity, sched_yield, getcpu.  ue passes these through: the
 * values must be the native ones.
 */
#include "nolibc.h"

#include <sched.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/utsname.h>

int main(int argc, char **argv, char **envp)
{
    struct utsname u;
    show("uname", SYS1(__NR_uname, &u));
    pr("sysname [%s] release [%s] version [%s] machine [%s] nodename [%s]\n", u.sysname, u.release, u.version,
       u.machine, u.nodename);
    show("uname into NULL", SYS1(__NR_uname, 0));
    struct sysinfo si;
    show("sysinfo", SYS1(__NR_sysinfo, &si));
    pr("mem_unit %u totalram>0 %d procs>0 %d uptime>0 %d\n", si.mem_unit, si.totalram > 0, si.procs > 0,
       si.uptime > 0);
    static const struct { int r; const char *name; } lims[] = {
        {RLIMIT_STACK, "STACK"}, {RLIMIT_NOFILE, "NOFILE"}, {RLIMIT_AS, "AS"}, {RLIMIT_CORE, "CORE"},
        {RLIMIT_NPROC, "NPROC"}, {RLIMIT_DATA, "DATA"},
    };
    for (unsigned i = 0; i < sizeof lims / sizeof lims[0]; i++) {
        struct rlimit a, b;
        long ra = SYS2(__NR_getrlimit, lims[i].r, &a);
        long rb = SYS4(__NR_prlimit64, 0, lims[i].r, 0, &b);
        pr("%s: getrlimit %ld cur %lx max %lx, prlimit64 %ld same %d\n", lims[i].name, ra, a.rlim_cur, a.rlim_max,
           rb, a.rlim_cur == b.rlim_cur && a.rlim_max == b.rlim_max);
    }
    struct rlimit nf, old, now;
    SYS2(__NR_getrlimit, RLIMIT_NOFILE, &nf);
    struct rlimit lower = {64, nf.rlim_max};
    show("prlimit64 set NOFILE soft 64", SYS4(__NR_prlimit64, 0, RLIMIT_NOFILE, &lower, &old));
    check("prlimit64 returned the old limit", old.rlim_cur == nf.rlim_cur);
    SYS2(__NR_getrlimit, RLIMIT_NOFILE, &now);
    pr("NOFILE now %lu\n", now.rlim_cur);
    show("setrlimit NOFILE back", SYS2(__NR_setrlimit, RLIMIT_NOFILE, &nf));
    show("getrlimit bad resource", SYS2(__NR_getrlimit, 999, &now));
    struct rlimit inverted = {100, 50};
    show("setrlimit cur > max", SYS2(__NR_setrlimit, RLIMIT_NOFILE, &inverted));
    struct rusage ru;
    show("getrusage self", SYS2(__NR_getrusage, RUSAGE_SELF, &ru));
    pr("maxrss>0 %d\n", ru.ru_maxrss > 0);
    show("getrusage bad who", SYS2(__NR_getrusage, 42, &ru));
    struct tms tm;
    check("times returns a tick count", SYS1(__NR_times, &tm) > 0);
    unsigned long mask[16] = {0};
    long n = SYS3(__NR_sched_getaffinity, 0, sizeof mask, mask);
    int cpus = 0;
    for (long i = 0; i < n / 8; i++)
        for (unsigned long m = mask[i]; m; m &= m - 1)
            cpus++;
    pr("sched_getaffinity returned >0 %d, cpus %d\n", n > 0, cpus);
    show("sched_getaffinity tiny buffer", SYS3(__NR_sched_getaffinity, 0, 1, mask));
    show("sched_yield", SYS0(__NR_sched_yield));
    unsigned cpu = 99, node = 99;
    show("getcpu", SYS3(__NR_getcpu, &cpu, &node, 0));
    check("getcpu is in the affinity mask", cpu < 1024 && (mask[cpu / 64] >> (cpu % 64) & 1));
    return 0;
}
