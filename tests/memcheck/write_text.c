/* write_text.c — a write into the program's own code: reported, then
 * SIGSEGV. */
#include <stdio.h>

static int f(void) { return 1; }

int main(void)
{
    volatile unsigned char *code = (volatile unsigned char *)f;
    printf("before\n");
    fflush(stdout);
    code[0] = 0xc3; /* ue-only: Valgrind reports only the SIGSEGV, ue also the write */
    printf("after\n");
    return f();
}
