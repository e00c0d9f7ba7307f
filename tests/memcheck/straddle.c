/* straddle.c — 8-byte accesses partly inside, partly past the end of a
 * block of 13 bytes.  Only the bytes past the end are bad, but memcheck
 * reports the whole access, at its start address ("10 bytes inside a
 * block").  An aligned 8-byte load that straddles the end is not an error
 * (--partial-loads-ok=yes, the default): glibc's word-at-a-time string
 * functions make such loads; with --partial-loads-ok=no it is. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t __attribute__((aligned(1), may_alias)) u64_unaligned;

static void *volatile sink;

int main(void)
{
    char *p = malloc(13);
    memset(p, 'x', 13);
    uint64_t v = *(volatile u64_unaligned *)(p + 10); /* unaligned read: 3 bytes in, 5 past */
    *(volatile u64_unaligned *)(p + 9) = 0;            /* unaligned write: 4 in, 4 past */
    volatile uint64_t *aligned = (uint64_t *)(p + 8);
    v += *aligned;                                     /* aligned read, 5 in, 3 past: fine */
    *aligned = v;                                      /* aligned write: invalid */
    sink = (void *)(uintptr_t)v;
    free(p);
    return 0;
}
