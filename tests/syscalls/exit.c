/*
 * exit.c — how the process ends, chosen by argv[1]: "exit N" (SYS_exit),
 * "group N" (exit_group), "return N" (main returns; the entry point calls
 * exit_group).  The status is N & 0xff, as the kernel keeps it.
 */
#include "nolibc.h"

static long num(const char *s)
{
    long v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (*s++ - '0');
    return v;
}

int main(int argc, char **argv, char **envp)
{
    if (argc < 3)
        return 2;
    long n = num(argv[2]);
    pr("ending with %s %ld\n", argv[1], n);
    flush();
    if (streq(argv[1], "exit"))
        SYS1(__NR_exit, n);
    if (streq(argv[1], "group"))
        SYS1(__NR_exit_group, n);
    return (int)n;
}
