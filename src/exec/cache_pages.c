/*
 * cache_pages.c — the code cache's page index: for each guest page, the
 * blocks whose code lies on it and the blocks whose native code relies on
 * a block starting on it (cache.c, "Tiers": a block compiled with its
 * successors' kills goes when they go).
 *
 * Invalidation asks it which blocks a write or an unmap touches, so its
 * cost follows the pages written, not the size of the cache: a guest that
 * JITs (java writes its code pages a thousand times a run) would otherwise
 * scan every block and rebuild the lookup table at each write.
 *
 * A hash map from page to two vectors, open-addressed; entries stay once
 * made (pages that held code are few).  Changed under the cache lock, read
 * with the world stopped.
 */
#include "exec/exec_priv.h"

#include <stdlib.h>

static u32 page_slot(GuestAddr page) { return (u32)ue_hash64(page / MEM_PAGE); }

static PageBlocks *find(const CachePages *ps, GuestAddr page)
{
    if (!ps->mask)
        return NULL;
    for (u32 i = page_slot(page) & ps->mask;; i = (i + 1) & ps->mask) {
        PageBlocks *e = &ps->slot[i];
        if (!e->used || e->page == page)
            return e->used ? e : NULL;
    }
}

static PageBlocks *place(PageBlocks *slot, u32 mask, GuestAddr page)
{
    u32 i = page_slot(page) & mask;
    while (slot[i].used && slot[i].page != page)
        i = (i + 1) & mask;
    return &slot[i];
}

static PageBlocks *find_or_add(CachePages *ps, GuestAddr page)
{
    PageBlocks *e = find(ps, page);
    if (e)
        return e;
    if (2 * (ps->count + 1) > ps->mask + 1) {
        u32 mask = ps->mask ? 2 * ps->mask + 1 : 255;
        PageBlocks *slot = ue_calloc((size_t)mask + 1, sizeof *slot);
        for (u32 i = 0; ps->mask && i <= ps->mask; i++)
            if (ps->slot[i].used)
                *place(slot, mask, ps->slot[i].page) = ps->slot[i];
        free(ps->slot);
        ps->slot = slot;
        ps->mask = mask;
    }
    e = place(ps->slot, ps->mask, page);
    e->used = true;
    e->page = page;
    ps->count++;
    return e;
}

static void vec_remove(IrBlock **v, u32 *n, const IrBlock *blk)
{
    for (u32 i = 0; i < *n; i++) {
        if (v[i] == blk) {
            v[i] = v[--*n];
            return;
        }
    }
    ue_panic("code cache page index: block 0x%llx missing", (unsigned long long)blk->guest_pc);
}

#define FOR_PAGES(pg, blk)                                                                       \
    for (GuestAddr pg = UE_ALIGN_DOWN((blk)->guest_pc, MEM_PAGE);                                \
         pg < (blk)->guest_pc + UE_MAX((blk)->guest_size, 1); pg += MEM_PAGE)

void cache_pages_add(CachePages *ps, IrBlock *blk)
{
    FOR_PAGES(pg, blk) {
        PageBlocks *e = find_or_add(ps, pg);
        VEC_PUSH(e->on, e->non, e->cap_on, blk);
    }
}

void cache_pages_remove(CachePages *ps, IrBlock *blk)
{
    cache_pages_clear_deps(ps, blk);
    FOR_PAGES(pg, blk) {
        PageBlocks *e = find(ps, pg);
        vec_remove(e->on, &e->non, blk);
    }
}

/* Is relies[i]'s page also that of an earlier entry (blk is in that page's
 * deps once)? */
static bool page_seen(const IrBlock *blk, u32 i)
{
    for (u32 j = 0; j < i; j++)
        if (UE_ALIGN_DOWN(blk->relies[j], MEM_PAGE) == UE_ALIGN_DOWN(blk->relies[i], MEM_PAGE))
            return true;
    return false;
}

void cache_pages_add_dep(CachePages *ps, IrBlock *blk, GuestAddr pc)
{
    for (u32 i = 0; i < blk->nrelies; i++)
        if (blk->relies[i] == pc)
            return;
    VEC_PUSH(blk->relies, blk->nrelies, blk->cap_relies, pc);
    if (page_seen(blk, blk->nrelies - 1))
        return;
    PageBlocks *e = find_or_add(ps, UE_ALIGN_DOWN(pc, MEM_PAGE));
    VEC_PUSH(e->deps, e->ndeps, e->cap_deps, blk);
}

void cache_pages_clear_deps(CachePages *ps, IrBlock *blk)
{
    for (u32 i = 0; i < blk->nrelies; i++) {
        if (page_seen(blk, i))
            continue;
        PageBlocks *e = find(ps, UE_ALIGN_DOWN(blk->relies[i], MEM_PAGE));
        vec_remove(e->deps, &e->ndeps, blk);
    }
    blk->nrelies = 0;
}

void cache_pages_forget_deps(CachePages *ps)
{
    for (u32 i = 0; ps->mask && i <= ps->mask; i++)
        ps->slot[i].ndeps = 0;
}

static bool overlaps(GuestAddr a, u64 alen, GuestAddr b, u64 blen) { return a < b + blen && b < a + alen; }

/* Does blk's compiled code rely on a block in [addr, addr+len)? */
static bool relies_on(const IrBlock *blk, GuestAddr addr, u64 len)
{
    if (!blk->native)
        return false;
    for (u32 i = 0; i < blk->nrelies; i++)
        if (overlaps(blk->relies[i], 1, addr, len))
            return true;
    return false;
}

static void touched_on(PageBlocks *e, GuestAddr addr, u64 len, CacheTouched *t)
{
    for (u32 i = 0; i < e->non; i++)
        if (overlaps(e->on[i]->guest_pc, UE_MAX(e->on[i]->guest_size, 1), addr, len))
            VEC_PUSH(t->inside, t->ninside, t->cap_inside, e->on[i]);
    for (u32 i = 0; i < e->ndeps; i++)
        if (relies_on(e->deps[i], addr, len))
            VEC_PUSH(t->deps, t->ndeps, t->cap_deps, e->deps[i]);
}

static int by_address(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (IrBlock *const *)a, y = (uintptr_t) * (IrBlock *const *)b;
    return x < y ? -1 : x > y;
}

/* Sort v and drop repeats; with not, also what is in not (sorted). */
static u32 unique(IrBlock **v, u32 n, IrBlock **not, u32 nnot)
{
    qsort(v, n, sizeof *v, by_address);
    u32 k = 0, j = 0;
    for (u32 i = 0; i < n; i++) {
        if (k && v[k - 1] == v[i])
            continue;
        while (j < nnot && (uintptr_t)not[j] < (uintptr_t)v[i])
            j++;
        if (j < nnot && not[j] == v[i])
            continue;
        v[k++] = v[i];
    }
    return k;
}

void cache_pages_touched(CachePages *ps, GuestAddr addr, u64 len, CacheTouched *t)
{
    t->ninside = t->ndeps = 0;
    GuestAddr first = UE_ALIGN_DOWN(addr, MEM_PAGE);
    u64 npages = (addr + len - first + MEM_PAGE - 1) / MEM_PAGE;
    if (npages <= ps->count) {
        for (u64 k = 0; k < npages; k++) {
            PageBlocks *e = find(ps, first + k * MEM_PAGE);
            if (e)
                touched_on(e, addr, len, t);
        }
    } else {
        for (u32 i = 0; ps->mask && i <= ps->mask; i++)
            if (ps->slot[i].used && overlaps(ps->slot[i].page, MEM_PAGE, addr, len))
                touched_on(&ps->slot[i], addr, len, t);
    }
    t->ninside = unique(t->inside, t->ninside, NULL, 0);
    t->ndeps = unique(t->deps, t->ndeps, t->inside, t->ninside);
}
