/*
 * ids.c — who the process is: getpid/gettid/getppid, the user and group
 * ids (real, effective, saved), supplementary groups, process group and
 * session.  ue is the process, so everything must equal the native run's
 * values (compared as printed values where the suite runs both from the
 * same shell, else as relations).
 */
#include "nolibc.h"

int main(int argc, char **argv, char **envp)
{
    long pid = SYS0(__NR_getpid), tid = SYS0(__NR_gettid);
    check("pid > 1", pid > 1);
    check("tid == pid (one thread)", tid == pid);
    check("ppid > 0 and not us", SYS0(__NR_getppid) > 0 && SYS0(__NR_getppid) != pid);
    pr("uid %ld euid %ld gid %ld egid %ld\n", SYS0(__NR_getuid), SYS0(__NR_geteuid), SYS0(__NR_getgid),
       SYS0(__NR_getegid));
    unsigned r, e, s;
    SYS3(__NR_getresuid, &r, &e, &s);
    pr("getresuid %u %u %u\n", r, e, s);
    SYS3(__NR_getresgid, &r, &e, &s);
    pr("getresgid %u %u %u\n", r, e, s);
    show("getresuid into NULL", SYS3(__NR_getresuid, 0, &e, &s));
    unsigned groups[64];
    long n = show("getgroups count", SYS2(__NR_getgroups, 0, 0));
    long m = show("getgroups", SYS2(__NR_getgroups, 64, groups));
    for (long i = 0; i < m; i++)
        pr("  group %u\n", groups[i]);
    check("getgroups count matches", n == m);
    check("getpgrp == getpgid(0)", SYS0(__NR_getpgrp) == SYS1(__NR_getpgid, 0));
    check("getsid(0) == getsid(pid)", SYS1(__NR_getsid, 0) == SYS1(__NR_getsid, pid));
    show("getpgid of a missing process", SYS1(__NR_getpgid, 0x3fffffff));
    show("setuid to ourselves", SYS1(__NR_setuid, SYS0(__NR_getuid)));
    return 0;
}
