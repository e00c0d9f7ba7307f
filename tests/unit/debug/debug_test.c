/*
 * debug_test.c — unit tests of src/debug's parts that need no program to
 * symbolise (tests/debug/suite.sh holds the rest against addr2line and gdb):
 * the stack depot (ids stable and distinct, concurrent insertion), the
 * suppression glob (against fnmatch(3) as the oracle), the suppression
 * parser's errors, the guest-memory reader and the unwinder on bad guest
 * stacks (they must stop, not fault).
 */
#include "debug/debug.h"
#include "test.h"

#include <fnmatch.h>
#include <pthread.h>
#include <sys/mman.h>

TEST(depot, round_trip)
{
    GuestAddr a[3] = {0x401000, 0x401100, 0x401200}, b[3] = {0x401000, 0x401100, 0x401201};
    u32 ia = dbg_depot_put(a, 3), ib = dbg_depot_put(b, 3), ia2 = dbg_depot_put(a, 3);
    EXPECT_NE(0, ia);
    EXPECT_EQ(ia, ia2);
    EXPECT_NE(ia, ib);
    EXPECT_NE(ia, dbg_depot_put(a, 2), "a prefix is another stack");
    u32 n;
    const GuestAddr *p = dbg_depot_get(ib, &n);
    ASSERT_EQ(3, n);
    EXPECT_EQ(0x401201, p[2]);
    EXPECT_TRUE(dbg_depot_get(0, &n) == NULL && n == 0);
    EXPECT_TRUE(dbg_depot_get(0xfffffff, &n) == NULL);
    u32 e = dbg_depot_put(NULL, 0);
    EXPECT_NE(0, e);
    EXPECT_EQ(e, dbg_depot_put(a, 0));
}

TEST(depot, long_stacks_are_cut)
{
    GuestAddr s[DBG_MAX_STACK + 10];
    for (u32 i = 0; i < UE_ARRAY_LEN(s); i++)
        s[i] = 0x1000 + i;
    u32 n, id = dbg_depot_put(s, UE_ARRAY_LEN(s));
    dbg_depot_get(id, &n);
    EXPECT_EQ(DBG_MAX_STACK, n);
    EXPECT_EQ(id, dbg_depot_put(s, DBG_MAX_STACK));
}

enum { NTHREADS = 4, NSTACKS = 20000 };
static u32 ids[NTHREADS][NSTACKS];

static void *put_many(void *arg)
{
    u32 t = (u32)(uintptr_t)arg;
    for (u32 i = 0; i < NSTACKS; i++) {
        u32 k = (i * 7919u + t * 104729u) % NSTACKS; /* each thread its own order */
        GuestAddr s[4] = {k, k * 3, 0x5000, k ^ 0x77};
        ids[t][k] = dbg_depot_put(s, 4);
    }
    return NULL;
}

TEST(depot, threads_agree)
{
    pthread_t th[NTHREADS];
    for (u32 t = 0; t < NTHREADS; t++)
        pthread_create(&th[t], NULL, put_many, (void *)(uintptr_t)t);
    for (u32 t = 0; t < NTHREADS; t++)
        pthread_join(th[t], NULL);
    u32 bad = 0;
    for (u32 k = 0; k < NSTACKS; k++) {
        for (u32 t = 1; t < NTHREADS; t++)
            bad += ids[t][k] != ids[0][k];
        u32 n;
        const GuestAddr *p = dbg_depot_get(ids[0][k], &n);
        bad += !p || n != 4 || p[0] != k || p[3] != (k ^ 0x77);
    }
    EXPECT_EQ(0, bad);
}

TEST(glob, against_fnmatch)
{
    static const char *const pats[] = {"*", "?", "a*", "*a", "a?c", "*lib*.so*", "_Z*new*", "??*", "a**b", "",
                                       "*x*y*", "malloc", "obj*?"};
    static const char alphabet[] = "abcxy_Z.lo";
    UeRand r = {42};
    u32 bad = 0;
    for (u32 i = 0; i < 20000; i++) {
        char s[12];
        u32 len = (u32)(ue_rand_next(&r) % 10);
        for (u32 k = 0; k < len; k++)
            s[k] = alphabet[ue_rand_next(&r) % (sizeof alphabet - 1)];
        s[len] = 0;
        const char *p = pats[i % UE_ARRAY_LEN(pats)];
        bool want = fnmatch(p, s, 0) == 0;
        if (dbg_glob(p, s) != want && bad++ < 3)
            EXPECT_EQ(want, dbg_glob(p, s), "pattern '%s' string '%s'", p, s);
    }
    EXPECT_EQ(0, bad);
    EXPECT_TRUE(dbg_glob("operator new*", "operator new(unsigned long)"));
}

TEST(supp, parse_errors_name_the_line)
{
    char err[256];
    DbgSuppList *l = dbg_supp_new();
    EXPECT_EQ(0, dbg_supp_parse(l, "ok", "# c\n{\n n\n Memcheck:Leak\n match-leak-kinds: definite\n fun:malloc\n ...\n}\n",
                                err, sizeof err));
    EXPECT_EQ(-1, dbg_supp_parse(l, "f", "{\n n\n}\n", err, sizeof err));
    EXPECT_STREQ("f:3: expected TOOL:KIND after the name", err);
    EXPECT_EQ(-1, dbg_supp_parse(l, "g", "\n\n{\n n\n M:K\n fun:a\n", err, sizeof err));
    EXPECT_STREQ("g:6: missing '}' at the end of the file", err);
    EXPECT_EQ(-1, dbg_supp_parse(l, "h", "x\n", err, sizeof err));
    EXPECT_STREQ("h:1: expected '{', got 'x'", err);
    dbg_supp_free(l);
}

TEST(supp, leak_kinds_and_tools)
{
    char err[256];
    DbgSuppList *l = dbg_supp_new();
    ASSERT_EQ(0, dbg_supp_parse(l, "s", "{\n leak\n Memcheck:Leak\n match-leak-kinds: definite,possible\n}\n", err,
                                sizeof err));
    DbgError e = {.kind = "Leak_DefinitelyLost", .supp_kind = "Leak", .leak_kind = "definite"};
    EXPECT_STREQ("leak", dbg_supp_match(l, "Memcheck", &e, 12));
    e.leak_kind = "reachable";
    EXPECT_TRUE(dbg_supp_match(l, "Memcheck", &e, 12) == NULL);
    e.leak_kind = "possible";
    EXPECT_TRUE(dbg_supp_match(l, "Helgrind", &e, 12) == NULL);
    EXPECT_EQ(1, dbg_supp_each_used(l, NULL, NULL));
    dbg_supp_free(l);
}

TEST(unwind, bad_guest_stacks_stop)
{
    MemSpace ms;
    ASSERT_EQ(0, mem_init(&ms, false, 1));
    /* One mapped page; rbp and rsp point around it. */
    i64 page = mem_map(&ms, 0, MEM_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0,
                       MEM_KIND_ANON, NULL);
    ASSERT_TRUE(page > 0);
    u64 v;
    EXPECT_TRUE(dbg_read_guest(&ms, (GuestAddr)page, &v, 8));
    EXPECT_FALSE(dbg_read_guest(&ms, (GuestAddr)page + MEM_PAGE - 4, &v, 8), "crosses into unmapped");
    EXPECT_FALSE(dbg_read_guest(&ms, 0x10, &v, 8), "below G");
    EXPECT_FALSE(dbg_read_guest(&ms, ~0ull - 3, &v, 8), "wraps");
    X86Regs r = {0};
    r.rip = 0x123456; /* no object there: frame-pointer fallback */
    GuestAddr pcs[8];
    r.gpr[X86_RSP] = r.gpr[X86_RBP] = (GuestAddr)page + MEM_PAGE + 64; /* unmapped */
    EXPECT_EQ(1, dbg_unwind(&r, dbg_read_guest, &ms, pcs, 8));
    EXPECT_EQ(0x123456, pcs[0]);
    /* A frame-pointer chain whose return address is in no known object. */
    u64 *stack = (u64 *)(uintptr_t)page;
    stack[0] = (u64)page + 64;
    stack[1] = 0x999999;
    r.gpr[X86_RSP] = r.gpr[X86_RBP] = (GuestAddr)page;
    EXPECT_EQ(1, dbg_unwind(&r, dbg_read_guest, &ms, pcs, 8));
    EXPECT_EQ(0, dbg_unwind(&r, dbg_read_guest, &ms, pcs, 0));
}

TEST(frame, format_as_memcheck)
{
    char buf[256];
    DbgFrame f = {.pc = 1, .fn = "main", .file = "/src/dir/bad.c", .line = 7, .object = "/bin/x"};
    dbg_format_frame(&f, buf, sizeof buf);
    EXPECT_STREQ("main (bad.c:7)", buf);
    f.file = NULL;
    dbg_format_frame(&f, buf, sizeof buf);
    EXPECT_STREQ("main (in /bin/x)", buf);
    f.fn = NULL;
    dbg_format_frame(&f, buf, sizeof buf);
    EXPECT_STREQ("??? (in /bin/x)", buf);
    f.object = NULL;
    dbg_format_frame(&f, buf, sizeof buf);
    EXPECT_STREQ("???", buf);
}
