/* write_rodata.c — a write to a string literal (.rodata): reported, then
 * SIGSEGV. */
#include <stdio.h>

int main(void)
{
    volatile char *s = (volatile char *)"constant";
    printf("before\n");
    fflush(stdout);
    s[2] = 'X'; /* ue-only: Valgrind reports only the SIGSEGV, ue also the write */
    printf("after\n");
    return 0;
}
