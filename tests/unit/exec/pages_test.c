/*
 * pages_test.c — unit tests of the code cache's page index
 * (src/exec/cache_pages.c): which blocks a change of a guest range touches.
 *
 * The oracle is a walk over every block: those overlapping the range are
 * inside, and of the others those with native code relying on a pc in the
 * range are deps.  Blocks (spanning pages, one byte long, far apart) and
 * their reliances are random; blocks come and go and forget their deps
 * between the questions, as invalidation and recompiling make them do.
 */
#include "exec/exec_priv.h"
#include "test.h"

#define PG MEM_PAGE
enum { NBLOCKS = 400 };

static u64 rng = 88172645463325252ull;
static u64 next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static char native_code; /* (what blk->native points to: only its being set matters) */

/* Guest pcs in a few clusters of pages, so that ranges meet several blocks. */
static GuestAddr random_pc(void)
{
    static const GuestAddr base[] = {0x400000, 0x7f0000000000, 0x10000};
    return base[next() % 3] + next() % (24 * PG);
}

static IrBlock *new_block(void)
{
    IrBlock *blk = calloc(1, sizeof *blk);
    blk->guest_pc = random_pc();
    u64 k = next() % 4;
    blk->guest_size = k == 0 ? 0 : k == 1 ? 1 : k == 2 ? (u32)(next() % 64) + 1 : (u32)(next() % (3 * PG));
    return blk;
}

static bool overlaps(GuestAddr a, u64 alen, GuestAddr b, u64 blen) { return a < b + blen && b < a + alen; }

static bool touches_inside(const IrBlock *blk, GuestAddr addr, u64 len)
{
    return overlaps(blk->guest_pc, UE_MAX(blk->guest_size, 1), addr, len);
}

static bool touches_dep(const IrBlock *blk, GuestAddr addr, u64 len)
{
    if (!blk->native || touches_inside(blk, addr, len))
        return false;
    for (u32 i = 0; i < blk->nrelies; i++)
        if (overlaps(blk->relies[i], 1, addr, len))
            return true;
    return false;
}

static bool listed(IrBlock **v, u32 n, const IrBlock *blk)
{
    u32 seen = 0;
    for (u32 i = 0; i < n; i++)
        seen += v[i] == blk;
    return seen == 1;
}

static void add_deps(CachePages *ps, IrBlock *blk)
{
    u32 n = (u32)(next() % 6);
    for (u32 i = 0; i < n; i++) {
        GuestAddr pc = next() % 4 ? random_pc() : blk->guest_pc + blk->guest_size; /* (often next to it) */
        cache_pages_add_dep(ps, blk, pc);
        if (next() % 3 == 0)
            cache_pages_add_dep(ps, blk, pc); /* (a pc relied on twice is kept once) */
    }
    blk->native = next() % 5 ? &native_code : NULL;
}

TEST(pages, touched_matches_a_walk_over_every_block)
{
    CachePages ps = {0};
    CacheTouched t = {0};
    IrBlock *blocks[NBLOCKS];
    for (u32 i = 0; i < NBLOCKS; i++) {
        blocks[i] = new_block();
        cache_pages_add(&ps, blocks[i]);
        add_deps(&ps, blocks[i]);
    }
    for (int round = 0; round < 3000; round++) {
        GuestAddr addr;
        u64 len;
        switch (next() % 4) {
        case 0: addr = UE_ALIGN_DOWN(random_pc(), PG), len = PG; break;   /* a page written */
        case 1: addr = random_pc(), len = next() % 16 + 1; break;         /* a few bytes */
        case 2: addr = random_pc(), len = next() % (6 * PG) + 1; break;   /* an unmap */
        default: addr = 0, len = 0x800000000000; break;                   /* everything */
        }
        cache_pages_touched(&ps, addr, len, &t);
        u32 want_inside = 0, want_deps = 0;
        for (u32 i = 0; i < NBLOCKS; i++) {
            IrBlock *blk = blocks[i];
            if (touches_inside(blk, addr, len)) {
                want_inside++;
                EXPECT_TRUE(listed(t.inside, t.ninside, blk), "round %d: block %#llx+%u inside [%#llx, +%#llx) once",
                            round, (unsigned long long)blk->guest_pc, blk->guest_size, (unsigned long long)addr,
                            (unsigned long long)len);
            } else if (touches_dep(blk, addr, len)) {
                want_deps++;
                EXPECT_TRUE(listed(t.deps, t.ndeps, blk), "round %d: block %#llx relies on [%#llx, +%#llx): listed once",
                            round, (unsigned long long)blk->guest_pc, (unsigned long long)addr, (unsigned long long)len);
            }
        }
        EXPECT_EQ(want_inside, t.ninside, "round %d: blocks inside", round);
        EXPECT_EQ(want_deps, t.ndeps, "round %d: blocks relying on the range", round);
        if (ue_tests.failures)
            return;
        /* Then what invalidation does: a touched block goes (and another
         * comes), or forgets its deps and is compiled again. */
        u32 k = (u32)(next() % NBLOCKS);
        if (next() % 2) {
            cache_pages_remove(&ps, blocks[k]);
            free(blocks[k]->relies);
            free(blocks[k]);
            blocks[k] = new_block();
            cache_pages_add(&ps, blocks[k]);
        } else {
            cache_pages_clear_deps(&ps, blocks[k]);
        }
        add_deps(&ps, blocks[k]);
        if (round % 1000 == 999) { /* (a flush: every block forgets) */
            cache_pages_forget_deps(&ps);
            for (u32 i = 0; i < NBLOCKS; i++)
                blocks[i]->nrelies = 0;
        }
    }
}
