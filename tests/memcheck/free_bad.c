/* free_bad.c — free() of pointers malloc never returned: a stack
 * address, a global, the middle of a block, and a string literal. */
#include <stdlib.h>

int global[4];

int main(void)
{
    int local[4];
    char *p = malloc(64);
    free(local);
    free(global);
    free(p + 10);
    free((void *)"literal");
    free(p);
    return local[0] = 0;
}
