/*
 * stack.c — how far the stack can grow: touches one byte per page from the
 * entry stack pointer down to argv[1] KiB below it.  Natively the kernel
 * grows the stack up to RLIMIT_STACK and beyond that the access faults;
 * under ue the same must hold (the suite runs it under several ulimit -s).
 */
#include "nolibc.h"

int main(int argc, char **argv, char **envp)
{
    long kib = 0;
    for (const char *s = argc > 1 ? argv[1] : "0"; *s; s++)
        kib = kib * 10 + (*s - '0');
    volatile char *p = (volatile char *)(nolibc_entry_sp & ~4095UL);
    for (long off = 0; off < kib * 1024; off += 4096)
        p[-off - 1] = 1;
    pr("touched %ld KiB below the entry stack pointer\n", kib);
    return 0;
}
