/* leak_cliques.c — lost blocks that hold the only pointers to other
 * blocks allocated before them (at lower addresses, so the leak check
 * meets them first): those are indirectly lost, through the block that
 * holds them, as memcheck reports.  (perl's interpreter lost 24 KB of
 * buffers this way and ue called them definitely lost.) */
#include <stdlib.h>
#include <string.h>

/* Zero the stack below main's frame, where chain's frames left copies of
 * its pointers (a root for the leak check, as natively under memcheck). */
__attribute__((noinline)) static void scrub(void)
{
    volatile char pad[8192];
    memset((char *)pad, 0, sizeof pad);
}

static void *chain(int depth)
{
    /* each level's child is allocated before its parent */
    void **child = depth ? chain(depth - 1) : NULL;
    void **b = malloc(48 + 16 * depth);
    b[1] = child;
    return b;
}

int main(void)
{
    void **buffer = malloc(4096);   /* allocated first */
    buffer[0] = malloc(100);        /* and something it holds */
    void **owner = malloc(656);
    owner[5] = buffer;

    void *c = chain(3);             /* four blocks, lowest leaf first */

    void **x = malloc(32), **y = malloc(32); /* a cycle, entered from a later block */
    x[0] = y;
    y[0] = x;
    void **z = malloc(24);
    z[2] = y;

    owner = buffer = NULL;
    c = NULL;
    x = y = z = NULL;
    scrub();
    return c != NULL;
}
