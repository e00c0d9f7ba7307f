/*
 * depot.c — the stack depot: every distinct stack trace stored once, named
 * by a u32 id (as ASan's and KASAN's stack depots), so the checker can keep
 * an allocation stack and a free stack per heap block in 8 bytes.
 *
 * Layout: records (hash, length, pcs) are bump-allocated and never freed
 * or moved; id -> record goes through a two-level table of pages; a fixed
 * array of bucket heads chains records of equal hash bucket through their
 * `next` id.  Both grow only by publishing new entries with release
 * stores, so a lookup of a stack already stored takes no lock (the common
 * case: most mallocs come from a few call sites).  Insertion takes the
 * lock and searches the chain again before adding.
 *
 * Bucket heads: 2^20 u32 (4 MiB of zero pages, touched only where used).
 * Ids: page (12 bits) and index (16 bits) + 1, so 0 means "none" and the
 * depot holds 2^28 stacks before it says so with ue_panic.
 */
#include "debug/debug_priv.h"

#include <stdatomic.h>
#include <stdlib.h>

enum { BUCKET_BITS = 20, PAGE_BITS = 16, NPAGES = 4096, CHUNK = 1 << 20 };

typedef struct DepotRec {
    _Atomic u32 next;  /* id of the next record in the bucket, 0 = end */
    u32 n;
    u64 hash;
    GuestAddr pcs[];
} DepotRec;

static _Atomic(u32) *buckets;
static DepotRec *_Atomic *_Atomic pages[NPAGES];
static _Atomic u32 count;          /* records stored */
static pthread_mutex_t depot_lock = PTHREAD_MUTEX_INITIALIZER;
static char *chunk;                /* bump allocation, under depot_lock */
static size_t chunk_left;

static u64 hash_pcs(const GuestAddr *pcs, u32 n)
{
    u64 h = n * 0x9e3779b97f4a7c15ull;
    for (u32 i = 0; i < n; i++)
        h = ue_hash64(h ^ pcs[i]);
    return h;
}

static DepotRec *rec_of(u32 id)
{
    u32 k = id - 1;
    DepotRec *_Atomic *page = atomic_load_explicit(&pages[k >> PAGE_BITS], memory_order_acquire);
    if (!page)
        return NULL;
    return atomic_load_explicit(&page[k & ((1u << PAGE_BITS) - 1)], memory_order_acquire);
}

static u32 find(u32 head, u64 h, const GuestAddr *pcs, u32 n)
{
    for (u32 id = head; id;) {
        DepotRec *r = rec_of(id);
        if (r->hash == h && r->n == n && memcmp(r->pcs, pcs, n * sizeof *pcs) == 0)
            return id;
        id = atomic_load_explicit(&r->next, memory_order_acquire);
    }
    return 0;
}

static DepotRec *alloc_rec(u32 n)
{
    size_t size = UE_ALIGN_UP(sizeof(DepotRec) + n * sizeof(GuestAddr), 8);
    if (size > chunk_left) {
        chunk = ue_malloc(CHUNK);
        chunk_left = CHUNK;
    }
    DepotRec *r = (DepotRec *)chunk;
    chunk += size;
    chunk_left -= size;
    return r;
}

/* Under depot_lock: store a new record and publish its id. */
static u32 insert(_Atomic u32 *bucket, u64 h, const GuestAddr *pcs, u32 n)
{
    u32 k = atomic_load_explicit(&count, memory_order_relaxed);
    if (k >= (u32)NPAGES << PAGE_BITS)
        ue_panic("stack depot full (%u stacks)", k);
    DepotRec *r = alloc_rec(n);
    r->hash = h;
    r->n = n;
    memcpy(r->pcs, pcs, n * sizeof *pcs);
    atomic_store_explicit(&r->next, atomic_load_explicit(bucket, memory_order_relaxed), memory_order_relaxed);
    DepotRec *_Atomic *page = atomic_load_explicit(&pages[k >> PAGE_BITS], memory_order_relaxed);
    if (!page) {
        page = ue_calloc((size_t)1 << PAGE_BITS, sizeof *page);
        atomic_store_explicit(&pages[k >> PAGE_BITS], page, memory_order_release);
    }
    atomic_store_explicit(&page[k & ((1u << PAGE_BITS) - 1)], r, memory_order_release);
    atomic_store_explicit(&count, k + 1, memory_order_release);
    atomic_store_explicit(bucket, k + 1, memory_order_release);
    return k + 1;
}

u32 dbg_depot_put(const GuestAddr *pcs, u32 n)
{
    if (n > DBG_MAX_STACK)
        n = DBG_MAX_STACK;
    u64 h = hash_pcs(pcs, n);
    _Atomic(u32) *b = atomic_load_explicit(&buckets, memory_order_acquire);
    if (b) {
        u32 id = find(atomic_load_explicit(&b[h & ((1u << BUCKET_BITS) - 1)], memory_order_acquire), h, pcs, n);
        if (id)
            return id;
    }
    pthread_mutex_lock(&depot_lock);
    b = atomic_load_explicit(&buckets, memory_order_relaxed);
    if (!b) {
        b = ue_calloc((size_t)1 << BUCKET_BITS, sizeof *b);
        atomic_store_explicit(&buckets, b, memory_order_release);
    }
    _Atomic u32 *bucket = &b[h & ((1u << BUCKET_BITS) - 1)];
    u32 id = find(atomic_load_explicit(bucket, memory_order_relaxed), h, pcs, n);
    if (!id)
        id = insert(bucket, h, pcs, n);
    pthread_mutex_unlock(&depot_lock);
    return id;
}

const GuestAddr *dbg_depot_get(u32 id, u32 *n)
{
    *n = 0;
    if (id == 0 || id > atomic_load_explicit(&count, memory_order_acquire))
        return NULL;
    DepotRec *r = rec_of(id);
    if (!r)
        return NULL;
    *n = r->n;
    return r->pcs;
}
