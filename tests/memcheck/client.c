/* client.c — every request of include/ue/client.h.  Natively each is a
 * no-op (client.native.exp: RUNNING_ON_UE is 0, checks find nothing);
 * under ue they drive memcheck (client.stdout.exp, client.stderr.exp).
 * A custom allocator hands out blocks from an mmap'd arena and announces
 * them; a mempool does the same; memory is marked and checked; leak checks
 * run mid-way; errors are counted.
 * vg-skip: Valgrind runs ue's requests as the no-ops they are natively;
 * vg_client.c, with Valgrind's requests, is the cross-check. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ue/client.h>

enum { RZ = 16, ARENA = 1 << 16 };
static char *arena;
static size_t used;

static void *my_alloc(size_t n)
{
    char *p = arena + used + RZ;
    used += RZ + ((n + 15) & ~(size_t)15) + RZ;
    UE_MALLOCLIKE_BLOCK(p, n, RZ, 0);
    return p;
}

static void my_free(void *p) { UE_FREELIKE_BLOCK(p, RZ); }

/* See vg_client.c: dead stack keeps the pointers my_alloc had. */
static __attribute__((noinline)) void scrub(void)
{
    volatile char buf[512];
    memset((char *)buf, 0, sizeof buf);
}

int main(void)
{
    printf("running on ue: %u\n", RUNNING_ON_UE);
    arena = mmap(NULL, ARENA, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    UE_MAKE_MEM_NOACCESS(arena, ARENA);
    char *a = my_alloc(10);
    char *b = my_alloc(24);
    memset(a, 1, 10);
    a[10] = 2;                                /* the byte after a: its redzone */
    b[-1] = 3;                                /* the byte before b */
    UE_RESIZEINPLACE_BLOCK(b, 24, 40, RZ);
    b[30] = 4;                                /* inside now */
    my_free(a);
    a[0] = 5;                                 /* a freed block */
    my_free(a);                               /* freed twice */
    my_free(arena + 8);                       /* never a block */
    char *lost = my_alloc(48);                /* leaked */
    lost = NULL;

    static int anchor, nowhere;
    char *chunks = my_alloc(256);
    UE_MAKE_MEM_NOACCESS(chunks, 256);
    UE_CREATE_MEMPOOL(&anchor, 0, 0);
    printf("pool exists: %u %u\n", UE_MEMPOOL_EXISTS(&anchor), UE_MEMPOOL_EXISTS(&nowhere));
    UE_MEMPOOL_ALLOC(&anchor, chunks, 64);
    UE_MEMPOOL_ALLOC(&anchor, chunks + 64, 32);
    chunks[100] = 6;                          /* past the second chunk */
    UE_MEMPOOL_FREE(&anchor, chunks);
    chunks[1] = 7;                            /* a freed chunk */
    UE_MEMPOOL_ALLOC(&nowhere, chunks, 8);    /* no such pool */
    UE_DESTROY_MEMPOOL(&anchor);
    chunks[70] = 8;                           /* the pool is gone, its chunks too */

    char buf[32];
    memset(buf, 0, sizeof buf);
    UE_MAKE_MEM_NOACCESS(buf + 16, 16);
    buf[20] = 9;                              /* marked unaddressable on the stack */
    unsigned long bad = UE_CHECK_MEM_IS_ADDRESSABLE(buf, 32);
    printf("first bad byte at offset %ld\n", bad ? (long)((char *)bad - buf) : -1L);
    UE_MAKE_MEM_UNDEFINED(buf + 16, 8);
    UE_MAKE_MEM_DEFINED(buf + 24, 8);
    printf("after marking: %lu %lu\n", UE_CHECK_MEM_IS_ADDRESSABLE(buf, 32), UE_CHECK_MEM_IS_DEFINED(buf, 32));

    scrub();
    UE_DO_QUICK_LEAK_CHECK;
    UE_DO_LEAK_CHECK;
    unsigned long leaked, dubious, reachable, suppressed;
    UE_COUNT_LEAKS(leaked, dubious, reachable, suppressed);
    printf("leaked %lu dubious %lu reachable %lu suppressed %lu\n", leaked, dubious, reachable, suppressed);
    printf("errors so far: %u\n", UE_COUNT_ERRORS);
    UE_DISCARD_TRANSLATIONS((void *)main, 64);
    my_free(b);
    my_free(chunks);
    munmap(arena, ARENA);
    return 0;
}
