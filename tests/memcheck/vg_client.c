/* vg_client.c — a program annotated with Valgrind's own client requests
 * (valgrind.h, memcheck.h): ue recognises Valgrind's instruction sequence
 * too, so it works under both, and Valgrind is the cross-check.  A small
 * pool allocator announces its blocks (MALLOCLIKE/FREELIKE/RESIZEINPLACE),
 * a mempool hands out chunks, memory is marked and checked, a leak check
 * runs mid-way, errors are counted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/memcheck.h>
#include <valgrind/valgrind.h>

/* A bump allocator over a heap superblock, 16-byte redzones between
 * blocks, which it marks unaddressable itself as Valgrind's manual asks. */
enum { RZ = 16, ARENA = 4096 };
static char *arena;
static size_t used;

static void *pool_alloc(size_t n)
{
    char *p = arena + used + RZ;
    used += RZ + ((n + 15) & ~(size_t)15) + RZ;
    VALGRIND_MALLOCLIKE_BLOCK(p, n, RZ, 0);
    return p;
}

static void pool_free(void *p)
{
    VALGRIND_FREELIKE_BLOCK(p, RZ);
}

/* Dead stack below main's frame keeps the pointers pool_alloc had
 * (Valgrind's malloc runs on the guest stack and overwrites them, ue's
 * does not): a conservative leak search would find them. */
static __attribute__((noinline)) void scrub(void)
{
    volatile char buf[512];
    memset((char *)buf, 0, sizeof buf);
}

int main(void)
{
    printf("running on valgrind: %d\n", RUNNING_ON_VALGRIND > 0);
    arena = malloc(ARENA);
    VALGRIND_MAKE_MEM_NOACCESS(arena, ARENA);
    char *a = pool_alloc(10);
    char *b = pool_alloc(24);
    memset(a, 1, 10);
    a[10] = 2;                                    /* overflow into the redzone */
    b[-1] = 3;                                    /* underflow */
    VALGRIND_RESIZEINPLACE_BLOCK(b, 24, 40, RZ);
    b[30] = 4;                                    /* fine now */
    pool_free(a);
    a[0] = 5;                                     /* use after free */
    pool_free(a);                                 /* double free */
    char *lost = pool_alloc(32);                  /* never freed: a leak */
    lost = NULL;

    /* A mempool anchored at a static. */
    static int anchor;
    char *chunk_mem = malloc(256);
    VALGRIND_MAKE_MEM_NOACCESS(chunk_mem, 256);
    VALGRIND_CREATE_MEMPOOL(&anchor, 0, 0);
    VALGRIND_MEMPOOL_ALLOC(&anchor, chunk_mem, 64);
    chunk_mem[64] = 6;                            /* past the chunk */
    VALGRIND_MEMPOOL_FREE(&anchor, chunk_mem);
    chunk_mem[0] = 7;                             /* freed chunk */
    VALGRIND_DESTROY_MEMPOOL(&anchor);

    /* Marking and checking. */
    char buf[32];
    VALGRIND_MAKE_MEM_NOACCESS(buf + 16, 16);
    unsigned long bad = VALGRIND_CHECK_MEM_IS_ADDRESSABLE(buf, 32);
    printf("first bad byte at offset %ld\n", (long)(bad ? (char *)bad - buf : -1));
    VALGRIND_MAKE_MEM_UNDEFINED(buf + 16, 16);
    printf("now: %ld\n", (long)VALGRIND_CHECK_MEM_IS_ADDRESSABLE(buf, 32));

    scrub();
    VALGRIND_DO_LEAK_CHECK;
    unsigned long leaked, dubious, reachable, suppressed;
    VALGRIND_COUNT_LEAKS(leaked, dubious, reachable, suppressed);
    printf("leaked %lu dubious %lu reachable %lu suppressed %lu\n", leaked, dubious, reachable, suppressed);
    printf("errors so far: %u\n", VALGRIND_COUNT_ERRORS);
    free(chunk_mem);
    free(arena);
    return 0;
}
