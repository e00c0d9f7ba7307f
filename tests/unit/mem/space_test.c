/*
 * space_test.c — unit tests of the guest address space (src/mem/space.c):
 * the region list's bookkeeping (placement, splitting, merging), mmap with
 * MAP_FIXED / MAP_FIXED_NOREPLACE / hints, munmap, mprotect, mremap, brk,
 * and the /proc/self/maps text.
 *
 * The oracle is the host kernel: ue identity-maps guest memory, so for every
 * region ue creates the host has a mapping at the same address, and for
 * non-executable regions the kernel's own /proc/self/maps line must be
 * byte-identical to the line ue formats for the guest (same range, perms,
 * offset, device, inode, name and padding).  Holes must be ue's PROT_NONE
 * reservation on the host.  Data must survive splits and moves.
 *
 * Each test runs in its own process (test.h forks), so SetUp can reserve the
 * guest window G with mem_init once per test.
 */
#include "mem/mem.h"
#include "test.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define PG MEM_PAGE

static MemSpace ms;
static MemSpace *m = &ms;
static int init_err;

void SetUp(void) { init_err = mem_init(m, false, 1); }

/* The host kernel's /proc/self/maps line starting at a (without '\n'). */
static bool kernel_line(GuestAddr a, char *out, size_t len)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return false;
    char line[4096];
    bool found = false;
    while (fgets(line, sizeof line, f)) {
        unsigned long long s;
        if (sscanf(line, "%llx-", &s) == 1 && s == a) {
            line[strcspn(line, "\n")] = 0;
            snprintf(out, len, "%s", line);
            found = true;
            break;
        }
    }
    fclose(f);
    return found;
}

/* ue's maps line for the region starting at a. */
static bool ue_line(GuestAddr a, char *out, size_t len)
{
    size_t n;
    char *s = mem_format_maps(m, &n);
    bool found = false;
    for (char *p = s, *nl; *p; p = nl + 1) {
        nl = strchr(p, '\n');
        if (!nl)
            break;
        unsigned long long st;
        if (sscanf(p, "%llx-", &st) == 1 && st == a) {
            snprintf(out, len, "%.*s", (int)(nl - p), p);
            found = true;
            break;
        }
    }
    free(s);
    return found;
}

static unsigned count_lines(void)
{
    size_t n;
    char *s = mem_format_maps(m, &n);
    unsigned k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == '\n';
    free(s);
    return k;
}

/* The region at a must be [start, end) with prot, as ue says, and the
 * kernel must show the identical line. */
#define EXPECT_REGION(a, start_, end_, prot_)                                   \
    do {                                                                        \
        MemRegion r_;                                                           \
        bool f_ = mem_region_at(m, (a), &r_);                                   \
        EXPECT_TRUE(f_, "no region at %#llx", (unsigned long long)(a));         \
        if (f_) {                                                               \
            EXPECT_EQ((start_), r_.start, "start of the region at %#llx", (unsigned long long)(a)); \
            EXPECT_EQ((end_), r_.end, "end of the region at %#llx", (unsigned long long)(a));       \
            EXPECT_EQ((prot_), r_.prot, "prot of the region at %#llx", (unsigned long long)(a));    \
        }                                                                       \
        char k_[4096] = "", u_[4096] = "";                                      \
        EXPECT_TRUE(kernel_line((start_), k_, sizeof k_), "kernel has no mapping at %#llx",          \
                    (unsigned long long)(start_));                              \
        EXPECT_TRUE(ue_line((start_), u_, sizeof u_), "ue's maps have no line at %#llx",             \
                    (unsigned long long)(start_));                              \
        EXPECT_STREQ(k_, u_);                                                   \
    } while (0)

/* The host range must be ue's reservation: PROT_NONE, no name. */
#define EXPECT_RESERVED(a)                                                      \
    do {                                                                        \
        EXPECT_FALSE(mem_region_at(m, (a), NULL), "a region at %#llx", (unsigned long long)(a));     \
        char k_[4096] = "";                                                     \
        FILE *f_ = fopen("/proc/self/maps", "r");                               \
        while (f_ && fgets(k_, sizeof k_, f_)) {                                \
            unsigned long long s_, e_;                                          \
            if (sscanf(k_, "%llx-%llx", &s_, &e_) == 2 && s_ <= (a) && (a) < e_) \
                break;                                                          \
            k_[0] = 0;                                                          \
        }                                                                       \
        if (f_)                                                                 \
            fclose(f_);                                                         \
        EXPECT_TRUE(strstr(k_, " ---p ") != NULL, "host mapping at %#llx is not a reservation: %.200s", \
                    (unsigned long long)(a), k_);                               \
    } while (0)

static i64 map_anon(GuestAddr addr, u64 len, int prot, int extra)
{
    return mem_map(m, addr, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | extra, -1, 0, MEM_KIND_ANON, NULL);
}

static void fill(GuestAddr a, u64 len, u8 seed)
{
    for (u64 i = 0; i < len; i++)
        ((u8 *)(uintptr_t)a)[i] = (u8)(seed + i * 13);
}

static bool check_fill(GuestAddr a, u64 len, u8 seed)
{
    for (u64 i = 0; i < len; i++)
        if (((u8 *)(uintptr_t)a)[i] != (u8)(seed + i * 13))
            return false;
    return true;
}

static bool all_zero(GuestAddr a, u64 len)
{
    for (u64 i = 0; i < len; i++)
        if (((u8 *)(uintptr_t)a)[i])
            return false;
    return true;
}

/* ---- the reservation ---- */

TEST(mem, init_reserves_the_guest_window)
{
    ASSERT_EQ(0, init_err, "mem_init failed: %s", strerror(-init_err));
    EXPECT_EQ(0, count_lines());
    EXPECT_RESERVED(MEM_G_START);
    EXPECT_RESERVED(MEM_G_END - PG);
    EXPECT_RESERVED(UE_ALIGN_DOWN(MEM_G_START / 2 + MEM_G_END / 2, PG));
    /* A second reservation of G in the same process must fail: the window is
     * taken, and MAP_FIXED_NOREPLACE must not clobber it. */
    MemSpace other;
    EXPECT_EQ(-EEXIST, mem_init(&other, false, 1));
    EXPECT_RESERVED(MEM_G_START);
}

/* ---- placement ---- */

TEST(mem, anonymous_maps_go_top_down_and_merge)
{
    ASSERT_EQ(0, init_err);
    i64 a = map_anon(0, 3 * PG, PROT_READ | PROT_WRITE, 0);
    EXPECT_EQ((i64)(MEM_G_END - 3 * PG), a);
    i64 b = map_anon(0, 2 * PG, PROT_READ | PROT_WRITE, 0);
    EXPECT_EQ(a - (i64)(2 * PG), b);
    /* same kind, adjacent: one region, as the kernel merges one vma */
    EXPECT_REGION((GuestAddr)b, (GuestAddr)b, MEM_G_END, PROT_READ | PROT_WRITE);
    EXPECT_EQ(1, count_lines());
    /* a different prot below: its own region */
    i64 c = map_anon(0, PG, PROT_READ, 0);
    EXPECT_EQ(b - (i64)PG, c);
    EXPECT_REGION((GuestAddr)c, (GuestAddr)c, (GuestAddr)b, PROT_READ);
    EXPECT_EQ(2, count_lines());
    EXPECT_TRUE(all_zero((GuestAddr)b, 5 * PG));
}

TEST(mem, lengths_round_up_to_pages)
{
    ASSERT_EQ(0, init_err);
    i64 a = map_anon(0, 1, PROT_READ | PROT_WRITE, 0);
    ASSERT_TRUE(a > 0);
    EXPECT_REGION((GuestAddr)a, (GuestAddr)a, (GuestAddr)a + PG, PROT_READ | PROT_WRITE);
    i64 b = map_anon(0, PG + 1, PROT_READ, 0);
    EXPECT_REGION((GuestAddr)b, (GuestAddr)b, (GuestAddr)b + 2 * PG, PROT_READ);
}

TEST(mem, hint_is_used_when_free)
{
    ASSERT_EQ(0, init_err);
    GuestAddr h = 0x200000000ull;
    EXPECT_EQ((i64)h, map_anon(h, 4 * PG, PROT_READ | PROT_WRITE, 0));
    fill(h, 4 * PG, 1);
    /* the same hint again: taken, so the mapping goes elsewhere and the
     * first one is untouched */
    i64 b = map_anon(h, PG, PROT_READ | PROT_WRITE, 0);
    EXPECT_TRUE(b > 0 && ((GuestAddr)b + PG <= h || (GuestAddr)b >= h + 4 * PG), "placed at %#llx",
                (unsigned long long)b);
    EXPECT_TRUE(check_fill(h, 4 * PG, 1));
    /* an unaligned hint is rounded down */
    EXPECT_EQ((i64)0x300000000ull, map_anon(0x300000123ull, PG, PROT_READ, 0));
    /* a hint outside G is ignored: the mapping still lands in G */
    i64 c = map_anon(0x600000000000ull, PG, PROT_READ, 0);
    EXPECT_TRUE(c >= (i64)MEM_G_START && (GuestAddr)c + PG <= MEM_G_END, "placed at %#llx", (unsigned long long)c);
}

TEST(mem, find_free_skips_regions_and_fills_gaps)
{
    ASSERT_EQ(0, init_err);
    /* Two regions with a 2-page gap between them, at the top of G. */
    GuestAddr top = MEM_G_END;
    EXPECT_EQ((i64)(top - PG), map_anon(top - PG, PG, PROT_READ, MAP_FIXED));
    EXPECT_EQ((i64)(top - 4 * PG), map_anon(top - 4 * PG, PG, PROT_READ, MAP_FIXED));
    EXPECT_EQ(top - 3 * PG, mem_find_free(m, 0, 2 * PG)); /* fits the gap exactly */
    EXPECT_EQ(top - 7 * PG, mem_find_free(m, 0, 3 * PG)); /* does not: below */
    EXPECT_EQ(0x500000000ull, mem_find_free(m, 0x500000000ull, 3 * PG));
}

/* ---- MAP_FIXED and MAP_FIXED_NOREPLACE ---- */

TEST(mem, fixed_map_replaces_and_splits)
{
    ASSERT_EQ(0, init_err);
    GuestAddr a = 0x100000000ull;
    ASSERT_EQ((i64)a, map_anon(a, 8 * PG, PROT_READ | PROT_WRITE, MAP_FIXED));
    fill(a, 8 * PG, 7);
    EXPECT_EQ((i64)(a + 3 * PG), map_anon(a + 3 * PG, 2 * PG, PROT_READ, MAP_FIXED));
    EXPECT_EQ(3, count_lines());
    EXPECT_REGION(a, a, a + 3 * PG, PROT_READ | PROT_WRITE);
    EXPECT_REGION(a + 3 * PG, a + 3 * PG, a + 5 * PG, PROT_READ);
    EXPECT_REGION(a + 5 * PG, a + 5 * PG, a + 8 * PG, PROT_READ | PROT_WRITE);
    EXPECT_TRUE(check_fill(a, 3 * PG, 7), "pages before the new mapping changed");
    EXPECT_TRUE(all_zero(a + 3 * PG, 2 * PG), "the new mapping is not fresh");
    EXPECT_TRUE(((u8 *)(uintptr_t)(a + 5 * PG))[0] == (u8)(7 + 5 * PG * 13), "pages after it changed");
    /* replacing across two regions' boundary */
    EXPECT_EQ((i64)(a + 2 * PG), map_anon(a + 2 * PG, 2 * PG, PROT_READ | PROT_WRITE, MAP_FIXED));
    EXPECT_REGION(a, a, a + 4 * PG, PROT_READ | PROT_WRITE);
    EXPECT_REGION(a + 4 * PG, a + 4 * PG, a + 5 * PG, PROT_READ);
}

TEST(mem, fixed_noreplace)
{
    ASSERT_EQ(0, init_err);
    GuestAddr a = 0x100000000ull;
    ASSERT_EQ((i64)a, map_anon(a, 4 * PG, PROT_READ | PROT_WRITE, MAP_FIXED_NOREPLACE));
    fill(a, 4 * PG, 3);
    /* any overlap: EEXIST, nothing changes */
    EXPECT_EQ(-EEXIST, map_anon(a + 3 * PG, 2 * PG, PROT_READ, MAP_FIXED_NOREPLACE));
    EXPECT_EQ(-EEXIST, map_anon(a - PG, 2 * PG, PROT_READ, MAP_FIXED_NOREPLACE));
    EXPECT_EQ(-EEXIST, map_anon(a, 4 * PG, PROT_READ, MAP_FIXED_NOREPLACE));
    EXPECT_REGION(a, a, a + 4 * PG, PROT_READ | PROT_WRITE);
    EXPECT_TRUE(check_fill(a, 4 * PG, 3));
    EXPECT_EQ(1, count_lines());
    /* right next to it: fine, exactly there */
    EXPECT_EQ((i64)(a + 4 * PG), map_anon(a + 4 * PG, PG, PROT_READ, MAP_FIXED_NOREPLACE));
    EXPECT_REGION(a + 4 * PG, a + 4 * PG, a + 5 * PG, PROT_READ);
}

TEST(mem, bad_map_arguments)
{
    ASSERT_EQ(0, init_err);
    EXPECT_EQ(-EINVAL, map_anon(0, 0, PROT_READ, 0));                              /* empty */
    EXPECT_EQ(-EINVAL, map_anon(0x100000123ull, PG, PROT_READ, MAP_FIXED));        /* unaligned fixed */
    EXPECT_EQ(-EINVAL, mem_map(m, 0, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 12, MEM_KIND_ANON, NULL));
    /* fixed outside G: ENOMEM (DESIGN.md, "G: guest mappings only") */
    EXPECT_EQ(-ENOMEM, map_anon(MEM_G_END, PG, PROT_READ, MAP_FIXED));
    EXPECT_EQ(-ENOMEM, map_anon(MEM_G_END - PG, 2 * PG, PROT_READ, MAP_FIXED));
    EXPECT_EQ(-ENOMEM, map_anon(0x7f0000000000ull, PG, PROT_READ, MAP_FIXED));
    EXPECT_EQ(-ENOMEM, map_anon(0, 1ull << 50, PROT_READ, 0)); /* more than G */
    EXPECT_EQ(0, count_lines());
}

/* ---- munmap ---- */

TEST(mem, unmap_splits_and_reserves)
{
    ASSERT_EQ(0, init_err);
    GuestAddr a = 0x100000000ull;
    ASSERT_EQ((i64)a, map_anon(a, 6 * PG, PROT_READ | PROT_WRITE, MAP_FIXED));
    fill(a, 6 * PG, 9);
    EXPECT_EQ(0, mem_unmap(m, a + 2 * PG, 2 * PG));
    EXPECT_EQ(2, count_lines());
    EXPECT_REGION(a, a, a + 2 * PG, PROT_READ | PROT_WRITE);
    EXPECT_REGION(a + 4 * PG, a + 4 * PG, a + 6 * PG, PROT_READ | PROT_WRITE);
    EXPECT_RESERVED(a + 2 * PG);
    EXPECT_RESERVED(a + 3 * PG);
    EXPECT_TRUE(check_fill(a, 2 * PG, 9));
    EXPECT_FALSE(mem_range_ok(m, a, 6 * PG, PROT_READ));
    EXPECT_TRUE(mem_range_ok(m, a, 2 * PG, PROT_READ | PROT_WRITE));
    /* unmapping what is not mapped, or partly: fine, as munmap(2) */
    EXPECT_EQ(0, mem_unmap(m, a + 2 * PG, PG));
    EXPECT_EQ(0, mem_unmap(m, a + PG, 4 * PG));
    EXPECT_REGION(a, a, a + PG, PROT_READ | PROT_WRITE);
    EXPECT_REGION(a + 5 * PG, a + 5 * PG, a + 6 * PG, PROT_READ | PROT_WRITE);
    EXPECT_RESERVED(a + 4 * PG);
    /* a length is rounded up to pages */
    EXPECT_EQ(0, mem_unmap(m, a, 1));
    EXPECT_RESERVED(a);
    EXPECT_EQ(1, count_lines());
    EXPECT_EQ(-EINVAL, mem_unmap(m, a + 5 * PG + 8, PG)); /* unaligned */
    EXPECT_EQ(-EINVAL, mem_unmap(m, a + 5 * PG, 0));
    EXPECT_EQ(1, count_lines());
}

/* ---- mprotect ---- */

TEST(mem, protect_splits_then_merges_back)
{
    ASSERT_EQ(0, init_err);
    GuestAddr a = 0x100000000ull;
    ASSERT_EQ((i64)a, map_anon(a, 6 * PG, PROT_READ | PROT_WRITE, MAP_FIXED));
    fill(a, 6 * PG, 5);
    EXPECT_EQ(0, mem_protect(m, a + 2 * PG, 2 * PG, PROT_READ));
    EXPECT_EQ(3, count_lines());
    EXPECT_REGION(a, a, a + 2 * PG, PROT_READ | PROT_WRITE);
    EXPECT_REGION(a + 2 * PG, a + 2 * PG, a + 4 * PG, PROT_READ);
    EXPECT_REGION(a + 4 * PG, a + 4 * PG, a + 6 * PG, PROT_READ | PROT_WRITE);
    EXPECT_FALSE(mem_range_ok(m, a, 6 * PG, PROT_WRITE));
    EXPECT_TRUE(mem_range_ok(m, a, 6 * PG, PROT_READ));
    EXPECT_EQ(0, mem_protect(m, a + 2 * PG, 2 * PG, PROT_READ | PROT_WRITE));
    EXPECT_EQ(1, count_lines());
    EXPECT_REGION(a, a, a + 6 * PG, PROT_READ | PROT_WRITE);
    EXPECT_TRUE(check_fill(a, 6 * PG, 5));
    /* the edge pages, then all of it */
    EXPECT_EQ(0, mem_protect(m, a, PG, PROT_READ));
    EXPECT_EQ(0, mem_protect(m, a + 5 * PG, 1, PROT_READ)); /* length rounds up */
    EXPECT_REGION(a + PG, a + PG, a + 5 * PG, PROT_READ | PROT_WRITE);
    EXPECT_REGION(a + 5 * PG, a + 5 * PG, a + 6 * PG, PROT_READ);
    EXPECT_EQ(0, mem_protect(m, a, 6 * PG, PROT_NONE));
    EXPECT_EQ(1, count_lines());
    EXPECT_EQ(0, mem_protect(m, a, 6 * PG, PROT_READ | PROT_WRITE));
    EXPECT_REGION(a, a, a + 6 * PG, PROT_READ | PROT_WRITE);
}

TEST(mem, protect_needs_everything_mapped)
{
    ASSERT_EQ(0, init_err);
    GuestAddr a = 0x100000000ull;
    ASSERT_EQ((i64)a, map_anon(a, 2 * PG, PROT_READ | PROT_WRITE, MAP_FIXED));
    ASSERT_EQ((i64)(a + 3 * PG), map_anon(a + 3 * PG, PG, PROT_READ | PROT_WRITE, MAP_FIXED));
    /* a hole in the middle: ENOMEM, and nothing changed */
    EXPECT_EQ(-ENOMEM, mem_protect(m, a, 4 * PG, PROT_READ));
    EXPECT_REGION(a, a, a + 2 * PG, PROT_READ | PROT_WRITE);
    EXPECT_REGION(a + 3 * PG, a + 3 * PG, a + 4 * PG, PROT_READ | PROT_WRITE);
    EXPECT_EQ(-EINVAL, mem_protect(m, a + 1, PG, PROT_READ));
}

TEST(mem, exec_regions)
{
    ASSERT_EQ(0, init_err);
    GuestAddr a = 0x100000000ull;
    ASSERT_EQ((i64)a, map_anon(a, 2 * PG, PROT_READ | PROT_EXEC, MAP_FIXED));
    ASSERT_EQ((i64)(a + 2 * PG), map_anon(a + 2 * PG, PG, PROT_EXEC, MAP_FIXED));
    ASSERT_EQ((i64)(a + 3 * PG), map_anon(a + 3 * PG, PG, PROT_READ, MAP_FIXED));
    /* executable bytes without a gap, across the two exec regions */
    EXPECT_EQ(3 * PG - 16, mem_exec_avail(m, a + 16));
    EXPECT_EQ(0, mem_exec_avail(m, a + 3 * PG));
    EXPECT_EQ(0, mem_exec_avail(m, a + 4 * PG));
    /* the translator reads code through the host mapping: readable there */
    EXPECT_EQ(0, ((volatile u8 *)(uintptr_t)(a + 2 * PG))[0]);
    char u[4096];
    ASSERT_TRUE(ue_line(a + 2 * PG, u, sizeof u));
    EXPECT_TRUE(strstr(u, " --xp ") != NULL, "%.200s", u);
    u32 gen = m->generation;
    EXPECT_EQ(0, mem_protect(m, a, PG, PROT_READ));
    EXPECT_TRUE(m->generation != gen, "generation not bumped by mprotect of code");
    gen = m->generation;
    EXPECT_EQ(0, mem_unmap(m, a + 2 * PG, PG));
    EXPECT_TRUE(m->generation != gen, "generation not bumped by munmap of code");
}

/* ---- mremap ---- */

TEST(mem, remap_grows_in_place)
{
    ASSERT_EQ(0, init_err);
    GuestAddr a = 0x100000000ull;
    ASSERT_EQ((i64)a, map_anon(a, 2 * PG, PROT_READ | PROT_WRITE, MAP_FIXED));
    fill(a, 2 * PG, 11);
    EXPECT_EQ((i64)a, mem_remap(m, a, 2 * PG, 5 * PG, 0, 0));
    EXPECT_REGION(a, a, a + 5 * PG, PROT_READ | PROT_WRITE);
    EXPECT_TRUE(check_fill(a, 2 * PG, 11));
    EXPECT_TRUE(all_zero(a + 2 * PG, 3 * PG));
}

TEST(mem, remap_moves_when_blocked)
{
    ASSERT_EQ(0, init_err);
    GuestAddr a = 0x100000000ull;
    ASSERT_EQ((i64)a, map_anon(a, 2 * PG, PROT_READ | PROT_WRITE, MAP_FIXED));
    ASSERT_EQ((i64)(a + 2 * PG), map_anon(a + 2 * PG, PG, PROT_READ, MAP_FIXED));
    fill(a, 2 * PG, 13);
    EXPECT_EQ(-ENOMEM, mem_remap(m, a, 2 * PG, 4 * PG, 0, 0)); /* may not move */
    EXPECT_REGION(a, a, a + 2 * PG, PROT_READ | PROT_WRITE);
    i64 b = mem_remap(m, a, 2 * PG, 4 * PG, MREMAP_MAYMOVE, 0);
    ASSERT_TRUE(b > 0 && (GuestAddr)b != a, "remap returned %lld", (long long)b);
    EXPECT_REGION((GuestAddr)b, (GuestAddr)b, (GuestAddr)b + 4 * PG, PROT_READ | PROT_WRITE);
    EXPECT_TRUE(check_fill((GuestAddr)b, 2 * PG, 13), "data did not move");
    EXPECT_RESERVED(a);
    EXPECT_RESERVED(a + PG);
    EXPECT_REGION(a + 2 * PG, a + 2 * PG, a + 3 * PG, PROT_READ); /* the neighbour stays */
}

TEST(mem, remap_shrinks_and_moves_fixed)
{
    ASSERT_EQ(0, init_err);
    GuestAddr a = 0x100000000ull, d = 0x180000000ull;
    ASSERT_EQ((i64)a, map_anon(a, 4 * PG, PROT_READ | PROT_WRITE, MAP_FIXED));
    fill(a, 4 * PG, 17);
    EXPECT_EQ((i64)a, mem_remap(m, a, 4 * PG, 2 * PG, 0, 0));
    EXPECT_REGION(a, a, a + 2 * PG, PROT_READ | PROT_WRITE);
    EXPECT_RESERVED(a + 2 * PG);
    EXPECT_EQ((i64)d, mem_remap(m, a, 2 * PG, 3 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, d));
    EXPECT_REGION(d, d, d + 3 * PG, PROT_READ | PROT_WRITE);
    EXPECT_TRUE(check_fill(d, 2 * PG, 17));
    EXPECT_RESERVED(a);
    EXPECT_EQ(1, count_lines());
    /* FIXED without MAYMOVE, and a source that is not one mapping */
    EXPECT_EQ(-EINVAL, mem_remap(m, d, PG, PG, MREMAP_FIXED, a));
    EXPECT_EQ(-EFAULT, mem_remap(m, a, PG, 2 * PG, MREMAP_MAYMOVE, 0));
}

/* ---- brk ---- */

TEST(mem, brk_grows_and_shrinks_the_heap)
{
    ASSERT_EQ(0, init_err);
    GuestAddr start = 0x10000000ull;
    mem_set_brk(m, start + 100); /* rounded up to a page, as the kernel does */
    GuestAddr b0 = mem_brk(m, 0);
    EXPECT_EQ(start + PG, b0);
    EXPECT_EQ(b0 + 10000, mem_brk(m, b0 + 10000));
    MemRegion r;
    ASSERT_TRUE(mem_region_at(m, b0, &r));
    EXPECT_EQ(b0, r.start);
    EXPECT_EQ(b0 + 3 * PG, r.end);
    EXPECT_EQ(PROT_READ | PROT_WRITE, r.prot);
    EXPECT_EQ(MEM_KIND_HEAP, r.kind);
    fill(b0, 10000, 21);
    char u[4096], want[4096];
    ASSERT_TRUE(ue_line(b0, u, sizeof u));
    snprintf(want, sizeof want, "%08llx-%08llx rw-p 00000000 00:00 0 %*s[heap]", (unsigned long long)b0,
             (unsigned long long)(b0 + 3 * PG), 73 - (int)strlen("10001000-10004000 rw-p 00000000 00:00 0 "), "");
    EXPECT_STREQ(want, u);
    /* shrink within the last page: nothing unmapped; then below it */
    EXPECT_EQ(b0 + 8200, mem_brk(m, b0 + 8200));
    EXPECT_TRUE(mem_region_at(m, b0 + 2 * PG, NULL));
    EXPECT_EQ(b0 + 10, mem_brk(m, b0 + 10));
    EXPECT_FALSE(mem_region_at(m, b0 + PG, NULL));
    EXPECT_RESERVED(b0 + PG);
    EXPECT_TRUE(check_fill(b0, 10, 21));
    /* below the start: refused, the break stays */
    EXPECT_EQ(b0 + 10, mem_brk(m, start - PG));
    /* into another mapping: refused, the break stays */
    ASSERT_EQ((i64)(b0 + 4 * PG), map_anon(b0 + 4 * PG, PG, PROT_READ, MAP_FIXED));
    EXPECT_EQ(b0 + 10, mem_brk(m, b0 + 6 * PG));
    EXPECT_EQ(b0 + 4 * PG, mem_brk(m, b0 + 4 * PG)); /* up to it is fine */
}

/* ---- files and names ---- */

TEST(mem, file_mapping_line_matches_the_kernel)
{
    ASSERT_EQ(0, init_err);
    char path[] = "/tmp/ue-space-test.XXXXXX";
    int fd = mkstemp(path);
    ASSERT_TRUE(fd >= 0);
    u8 page[4096];
    for (int p = 0; p < 4; p++) {
        memset(page, 'a' + p, sizeof page);
        ASSERT_EQ((ssize_t)sizeof page, write(fd, page, sizeof page));
    }
    i64 a = mem_map(m, 0x300000000ull, 2 * PG, PROT_READ, MAP_PRIVATE, fd, PG, MEM_KIND_ANON, NULL);
    ASSERT_TRUE(a > 0, "mmap of the file: %lld", (long long)a);
    EXPECT_REGION((GuestAddr)a, (GuestAddr)a, (GuestAddr)a + 2 * PG, PROT_READ);
    MemRegion r;
    ASSERT_TRUE(mem_region_at(m, (GuestAddr)a, &r));
    EXPECT_EQ(MEM_KIND_FILE, r.kind);
    EXPECT_EQ(PG, r.offset);
    EXPECT_EQ('b', ((u8 *)(uintptr_t)a)[0]);
    EXPECT_EQ('c', ((u8 *)(uintptr_t)a)[PG]);
    /* the next part of the file right after it: the kernel merges the two
     * (same file, contiguous offsets), so must ue */
    EXPECT_EQ(a + (i64)(2 * PG), mem_map(m, (GuestAddr)a + 2 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 3 * PG,
                                         MEM_KIND_ANON, NULL));
    EXPECT_REGION((GuestAddr)a, (GuestAddr)a, (GuestAddr)a + 3 * PG, PROT_READ);
    /* unmapping the middle page splits it: the upper part's offset moves */
    EXPECT_EQ(0, mem_unmap(m, (GuestAddr)a + PG, PG));
    EXPECT_REGION((GuestAddr)a + 2 * PG, (GuestAddr)a + 2 * PG, (GuestAddr)a + 3 * PG, PROT_READ);
    /* the same file with a jump in offsets right after it: two vmas */
    GuestAddr c = (GuestAddr)a + 3 * PG;
    EXPECT_EQ((i64)c, mem_map(m, c, PG, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0, MEM_KIND_ANON, NULL));
    EXPECT_REGION((GuestAddr)a + 2 * PG, (GuestAddr)a + 2 * PG, c, PROT_READ);
    EXPECT_REGION(c, c, c + PG, PROT_READ);
    /* a shared writable mapping */
    i64 s = mem_map(m, 0, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0, MEM_KIND_ANON, NULL);
    ASSERT_TRUE(s > 0);
    EXPECT_REGION((GuestAddr)s, (GuestAddr)s, (GuestAddr)s + PG, PROT_READ | PROT_WRITE);
    close(fd);
    unlink(path);
}

TEST(mem, set_kind_names_a_subrange)
{
    ASSERT_EQ(0, init_err);
    GuestAddr a = 0x7000000000ull;
    ASSERT_EQ((i64)a, map_anon(a, 8 * PG, PROT_READ | PROT_WRITE, MAP_FIXED));
    mem_set_kind(m, a + 4 * PG, 4 * PG, MEM_KIND_STACK, "[stack]");
    EXPECT_EQ(2, count_lines());
    MemRegion r;
    ASSERT_TRUE(mem_region_at(m, a + 5 * PG, &r));
    EXPECT_EQ(a + 4 * PG, r.start);
    EXPECT_EQ(MEM_KIND_STACK, r.kind);
    char u[4096];
    ASSERT_TRUE(ue_line(a + 4 * PG, u, sizeof u));
    size_t n = strlen(u);
    EXPECT_TRUE(n > 7 && strcmp(u + n - 7, "[stack]") == 0, "%.200s", u);
    EXPECT_EQ(' ', u[72], "the name starts at column 74 as in the kernel's maps: %.200s", u);
    EXPECT_EQ('[', u[73], "%.200s", u);
    ASSERT_TRUE(ue_line(a, u, sizeof u));
    EXPECT_TRUE(strstr(u, "[stack]") == NULL, "%.200s", u);
}

TEST(mem, aslr_offsets)
{
    ASSERT_EQ(0, init_err);
    EXPECT_EQ(0, mem_random_offset(m, 1ull << 30)); /* no ASLR in SetUp */
    m->aslr = true;
    bool differ = false;
    u64 first = mem_random_offset(m, 1ull << 30);
    for (int i = 0; i < 64; i++) {
        u64 o = mem_random_offset(m, 1ull << 30);
        EXPECT_EQ(0, o & (PG - 1), "offset %#llx not page aligned", (unsigned long long)o);
        EXPECT_TRUE(o < (1ull << 30), "offset %#llx out of range", (unsigned long long)o);
        differ |= o != first;
    }
    EXPECT_TRUE(differ, "64 offsets all equal");
}
