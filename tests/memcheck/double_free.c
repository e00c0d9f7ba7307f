/* double_free.c — a block freed twice. */
#include <stdlib.h>

static void release(void *p) { free(p); }

int main(void)
{
    void *p = malloc(32);
    release(p);
    release(p);
    return 0;
}
