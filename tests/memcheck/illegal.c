/* illegal.c — an invalid instruction (ud2): ue's note naming it, then
 * the death by SIGILL as Valgrind tells it ("Illegal opcode at address"),
 * then the summaries. */
#include <stdio.h>

int main(void)
{
    printf("before\n");
    fflush(stdout);
    __asm__ volatile("ud2");
    return 0;
}
