/* noncanonical.c — a read from a non-canonical address: the CPU raises a
 * general protection fault, which gives no address (SI_KERNEL, si_addr
 * 0): the invalid read names the address the instruction used, the death
 * says "General Protection Fault", as Valgrind says both. */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
    volatile int *p = (volatile int *)(uintptr_t)0x8000000000000000ull;
    printf("before\n");
    fflush(stdout);
    return p[1];
}
