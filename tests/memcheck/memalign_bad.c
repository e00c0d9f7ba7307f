/* memalign_bad.c — bad alignments: posix_memalign fails with EINVAL,
 * memalign rounds up to a power of two (glibc does); each is reported in
 * Valgrind 3.22's words ("Invalid alignment value: 24 (should be power of
 * 2)"); Valgrind 3.19, the cross-check, has no such check.  A good
 * alignment is fine. */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    void *p = NULL;
    volatile size_t align = 24;
    int r1 = posix_memalign(&p, align, 64);       /* ue-only: Valgrind 3.19 has no alignment check */
    int r2 = posix_memalign(&p, 4, 64);           /* ue-only: a power of 2, but < sizeof(void *) */
    void *q = memalign(align, 64);                /* ue-only: rounded up to 32, as glibc does */
    int r3 = posix_memalign(&p, 64, 100);
    printf("%d %d %d %d\n", r1, r2, q && (uintptr_t)q % 32 == 0, r3);
    free(p);
    free(q);
    return 0;
}
