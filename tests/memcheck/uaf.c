/* uaf.c — use after free: a read and a write of a freed block, and a read
 * through the old pointer after realloc moved the block. */
#include <stdlib.h>
#include <string.h>

static volatile int sink;

int main(void)
{
    int *p = malloc(10 * sizeof *p);
    memset(p, 0, 10 * sizeof *p);
    free(p);
    sink = p[3];
    p[5] = 7;

    char *q = malloc(16);
    char *old = q;
    q = realloc(q, 4096);  /* grows: the block moves */
    sink = old[2];
    old[0] = 'x';
    free(q);
    return 0;
}
