/* pvalloc.c — pvalloc rounds the size up to a whole page (glibc): the
 * byte after the page is out of the block.
 * vg-skip: Valgrind 3.19 aborts on a call of pvalloc. */
#include <malloc.h>
#include <stdlib.h>

int main(void)
{
    volatile char *p = pvalloc(70);
    p[4095] = 1;
    p[4096] = 1;
    free((void *)p);
    return 0;
}
