/*
 * addrs.c — where things were put: the stack, AT_RANDOM, the initial break,
 * a fresh anonymous mapping and the program itself.  The loader suite runs
 * it twice under one setting (--no-aslr, --seed=N) and requires the same
 * output, and under different seeds or default ASLR requires a difference.
 */
#include "nolibc.h"

#include <sys/mman.h>

extern void _start(void);

int main(int argc, char **argv, char **envp)
{
    int local = 0;
    pr("stack %p\n", (void *)&local);
    pr("random %lx\n", getauxval(AT_RANDOM));
    pr("brk %lx\n", SYS1(__NR_brk, 0));
    pr("mmap %lx\n", SYS6(__NR_mmap, 0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    pr("start %p\n", (void *)&_start);
    return local;
}
