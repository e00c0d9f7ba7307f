/* fishy.c — allocator arguments that look negative ("fishy"): malloc(-1),
 * calloc with a negative count, realloc to a negative size, and a calloc
 * whose size overflows (not fishy: it just fails, as with glibc). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    volatile long minus = -1;
    void *a = malloc((size_t)minus);
    void *b = calloc((size_t)minus, 4);
    void *c = malloc(16);
    void *d = realloc(c, (size_t)-100);
    void *e = calloc(SIZE_MAX / 2, 4);   /* overflows: NULL, no report */
    printf("%p %p %p %d\n", a, b, e, d == NULL);
    free(c);
    return 0;
}
