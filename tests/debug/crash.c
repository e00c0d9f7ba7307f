/* crash.c — dies of SIGSEGV five calls deep, through a static inline
 * function, a function called through a pointer and a recursive one;
 * tests/debug unwinds it (dbgtool bt) and compares with gdb.  With an
 * argument ("sig"), the fault happens in a SIGUSR1 handler, so the stack
 * goes through the kernel's signal frame (glibc's __restore_rt). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

volatile int *volatile target;

static inline __attribute__((always_inline)) void store(int v)
{
    *target = v; /* the fault */
}

__attribute__((noinline)) void leaf(int v)
{
    store(v * 3);
    __asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) int recurse(int n, void (*fn)(int))
{
    if (n == 0) {
        fn(n + 7);
        return 1;
    }
    return recurse(n - 1, fn) + 1;
}

static void on_usr1(int sig)
{
    recurse(sig & 1, leaf);
}

__attribute__((noinline)) int middle(int argc)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%d", argc);
    if (argc > 1) {
        signal(SIGUSR1, on_usr1);
        raise(SIGUSR1);
    }
    return recurse(argc + 2, leaf) + buf[0];
}

int main(int argc, char **argv)
{
    (void)argv;
    int r = middle(argc);
    printf("%d\n", r);
    return 0;
}
