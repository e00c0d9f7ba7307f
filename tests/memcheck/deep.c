/* deep.c — an error 20 calls deep, for --num-callers. */
#include <stdlib.h>

static char *block;

__attribute__((noinline)) static void down(int n)
{
    if (n == 0) {
        block[8] = 1;
        return;
    }
    down(n - 1);
    __asm__ volatile("" ::: "memory"); /* not a tail call */
}

int main(void)
{
    block = malloc(8);
    down(20);
    free(block);
    return 0;
}
