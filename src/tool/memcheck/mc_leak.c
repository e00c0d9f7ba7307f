/*
 * mc_leak.c — the leak check at exit, memcheck's definitions:
 *
 *   still reachable   a pointer to its start is in a root or a reachable block
 *   possibly lost     only pointers into its middle were found
 *   definitely lost   no pointer at all
 *   indirectly lost   reachable only through definitely lost blocks
 *
 * An interior pointer counts as a start pointer where it is one of the
 * shapes C++ and C programs keep (memcheck's --leak-check-heuristics, all
 * on by default): a libstdc++ COW string's characters (three words in:
 * length <= capacity, capacity + 25 bytes the block's size), the second
 * word after a 64-bit length of the rest, the second word after a new[]
 * element count dividing the rest, and a base class's vtable pointer
 * inside a block that starts with one (a vtable: a table in a file
 * mapping whose first non-null words, two at least in twenty, point into
 * executable file mappings).
 *
 * Roots: every guest thread's registers and every readable and writable
 * guest mapping except the heap (stacks, .data, .bss, anonymous mappings).
 * Blocks are scanned when reached.  Then each unreached block, in address
 * order, claims the unreached blocks only it leads to as indirectly lost,
 * and earlier such leaders with their blocks (memcheck's cliques); what is
 * left is definitely lost.
 *
 * Loss records group blocks by kind and allocation stack, printed smallest
 * first, as memcheck does.
 */
#include "tool/memcheck/mc.h"

#include "arch/x86/x86.h"
#include "debug/debug.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

extern DbgReporter *mc_reporter;

enum { UNREACHED, POSSIBLE, REACHABLE, INDIRECT, DEFINITE };

/* n with thousands separators, as memcheck prints byte and block counts. */
static const char *commas(u64 n, char *buf)
{
    char tmp[32];
    int len = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)n), o = 0;
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = 0;
    return buf;
}

typedef struct Blk {
    McBlock *b;
    bool custom;     /* a custom allocator's block (client requests) */
    u32 state;
    u8 heuristic;    /* 1 + the McLeakHeuristic that took it for reachable */
    u32 leader;      /* INDIRECT: the definitely lost block it hangs off */
    u64 indirect;    /* DEFINITE: bytes it makes indirectly lost */
} Blk;

typedef struct Scan {
    Blk *v;
    u32 n, cap;
    u32 *work;
    u32 nwork, cap_work;
} Scan;

static void collect(McBlock *b, void *ctx)
{
    Scan *s = ctx;
    VEC_PUSH(s->v, s->n, s->cap, ((Blk){.b = b}));
}

static void collect_custom(McBlock *b, void *ctx)
{
    Scan *s = ctx;
    VEC_PUSH(s->v, s->n, s->cap, ((Blk){.b = b, .custom = true}));
}

/* A heap block a custom allocator carves its blocks from takes no part in
 * the search (memcheck's rule): its blocks do. */
static void drop_superblocks(Scan *s)
{
    u32 out = 0;
    for (u32 i = 0; i < s->n; i++) {
        const McBlock *b = s->v[i].b;
        bool super = false;
        for (u32 j = i + 1; !s->v[i].custom && j < s->n && s->v[j].b->payload < b->payload + b->size; j++)
            super |= s->v[j].custom;
        if (!super)
            s->v[out++] = s->v[i];
    }
    s->n = out;
}

/* By address; of two blocks starting together, the larger first (a custom
 * allocator's first block at the start of its heap superblock). */
static int by_addr(const void *x, const void *y)
{
    const McBlock *a = ((const Blk *)x)->b, *b = ((const Blk *)y)->b;
    if (a->payload != b->payload)
        return a->payload < b->payload ? -1 : 1;
    return (a->size < b->size) - (a->size > b->size);
}

static bool holds(const McBlock *b, u64 v) { return v >= b->payload && v < b->payload + (b->size ? b->size : 1); }

/* The innermost block containing v (start or interior), or -1.  Blocks
 * nest when a custom allocator carves its blocks (client requests) out of
 * a heap block: the last block starting at or below v that holds it. */
static i64 find(const Scan *s, u64 v)
{
    u32 lo = 0, hi = s->n;
    while (lo < hi) {
        u32 mid = (lo + hi) / 2;
        if (s->v[mid].b->payload <= v)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (i64 i = (i64)lo - 1; i >= 0 && i >= (i64)lo - 64; i--)
        if (holds(s->v[i].b, v))
            return i;
    return -1;
}

const char *const mc_leak_heuristic_names[MC_HEUR_COUNT] = {"stdstring", "length64", "newarray",
                                                            "multipleinheritance"};

static u64 word_at(GuestAddr a) { return *(const u64 *)(uintptr_t)a; }

/* Does a file mapping of the guest's hold a, with prot? */
static bool in_file_mapping(GuestAddr a, int prot, MemRegion *r)
{
    return mem_region_at(&mc_proc->mem, a, r) && r->kind == MEM_KIND_FILE && (r->prot & prot) == prot;
}

static bool is_vtable(u64 a)
{
    MemRegion r, fn;
    if (a % 8 || a < 4096 || !in_file_mapping(a, PROT_READ, &r))
        return false;
    int fns = 0;
    for (GuestAddr w = a; w < a + 20 * 8 && w + 8 <= r.end; w += 8) {
        u64 f = word_at(w);
        if (!f)
            continue;
        if (!in_file_mapping(f, PROT_EXEC, &fn))
            return false;
        if (++fns == 2)
            return true;
    }
    return false;
}

/* 1 + the heuristic by which interior pointer v reaches b, or 0. */
static u8 heuristic_of(const McBlock *b, u64 v)
{
    u32 on = mc_opts.leak_heuristics;
    GuestAddr p = b->payload;
    if ((on & 1u << MC_HEUR_STDSTRING) && v == p + 24 && b->size >= 24 && word_at(p + 8) + 25 == b->size &&
        word_at(p) <= word_at(p + 8))
        return 1 + MC_HEUR_STDSTRING;
    if ((on & 1u << MC_HEUR_LENGTH64) && v == p + 8 && b->size >= 8 && word_at(p) && word_at(p) == b->size - 8)
        return 1 + MC_HEUR_LENGTH64;
    if ((on & 1u << MC_HEUR_NEWARRAY) && v == p + 8 && b->size >= 8 && word_at(p) && (b->size - 8) % word_at(p) == 0)
        return 1 + MC_HEUR_NEWARRAY;
    if ((on & 1u << MC_HEUR_MULTIPLE_INHERITANCE) && v % 8 == 0 && v + 8 <= p + b->size && is_vtable(word_at(v)) &&
        is_vtable(word_at(p)))
        return 1 + MC_HEUR_MULTIPLE_INHERITANCE;
    return 0;
}

/* A pointer value seen while marking from roots or reachable blocks. */
static void see(Scan *s, u64 v, bool from_possible)
{
    i64 i = find(s, v);
    if (i < 0)
        return;
    Blk *k = &s->v[i];
    bool start = v == k->b->payload;
    if (k->state == REACHABLE) {
        if (start)
            k->heuristic = 0; /* (reached by its start after all) */
        return;
    }
    if (!start && mc_opts.leak_heuristics) {
        k->heuristic = heuristic_of(k->b, v); /* (kept even from a possible block, as memcheck does) */
        start = k->heuristic != 0;
    }
    u32 want = start && !from_possible ? REACHABLE : POSSIBLE;
    if (k->state >= want)
        return;
    k->state = want;
    VEC_PUSH(s->work, s->nwork, s->cap_work, (u32)i);
}

/* Every addressable aligned word of [a, a+len): memory a client request
 * made unaddressable (a custom allocator's free space) holds no pointers. */
static void scan_range(Scan *s, GuestAddr a, u64 len, void (*fn)(Scan *, u64, u32), u32 arg)
{
    for (GuestAddr p = UE_ALIGN_UP(a, 8); p + 8 <= a + len; p += 8)
        if (*mem_a_shadow(p) == 0)
            fn(s, *(const u64 *)(uintptr_t)p, arg);
}

/* Scan a block's contents: a custom allocator's block may lie in memory
 * the program has unmapped since. */
static void scan_block(Scan *s, const Blk *k, void (*fn)(Scan *, u64, u32), u32 arg)
{
    if (k->custom && !mem_range_ok(&mc_proc->mem, k->b->payload, k->b->size, PROT_READ))
        return;
    scan_range(s, k->b->payload, k->b->size, fn, arg);
}

/* Scan a root mapping, skipping pages never touched (they hold only
 * zeros): a program may map gigabytes it never uses. */
static void scan_root_region(Scan *s, GuestAddr start, GuestAddr end, void (*fn)(Scan *, u64, u32))
{
    enum { CHUNK = 512 * 4096 };
    unsigned char vec[512];
    for (GuestAddr c = start; c < end; c += CHUNK) {
        u64 len = UE_MIN((u64)CHUNK, end - c);
        if (mincore((void *)(uintptr_t)c, len, vec) != 0) {
            scan_range(s, c, len, fn, false);
            continue;
        }
        for (u64 pg = 0; pg * 4096 < len; pg++)
            if (vec[pg] & 1)
                scan_range(s, c + pg * 4096, UE_MIN(4096ull, len - pg * 4096), fn, false);
    }
}

static void see_root(Scan *s, u64 v, u32 arg)
{
    see(s, v, arg);
}

/* Is region r a root?  Data the program can write, and the read-only
 * data of its ELF images: RELRO is written during relocation, then
 * protected, and static glibc keeps heap pointers there.  Not code, not
 * the heap, not other read-only mappings (data files). */
static bool root_region(const MemRegion *r)
{
    if (!(r->prot & PROT_READ) || (r->prot & PROT_EXEC) || mc_heap_contains(r->start))
        return false;
    return (r->prot & PROT_WRITE) || (r->kind == MEM_KIND_FILE && dbg_object_at(r->start));
}

static void mark_from_roots(Scan *s, GuestProcess *p)
{
    /* Every guest thread's registers (the others are stopped, or blocked
     * in a system call, with their state in their context); of the
     * current thread's stack only what is in use (above RSP and the ABI's
     * 128-byte red zone): dead frames below hold stale pointers. */
    pthread_mutex_lock(&p->cpus_lock);
    for (u32 i = 0; i < p->ncpus; i++)
        for (int r = 0; r < 16; r++)
            see(s, p->cpus[i]->regs.gpr[r], false);
    pthread_mutex_unlock(&p->cpus_lock);
    GuestCpu *cpu = exec_current();
    GuestAddr sp = cpu ? cpu->regs.gpr[X86_RSP] - 128 : 0;
    MemSpace *m = &p->mem;
    MemRegion *regs = NULL;
    u32 n = 0, cap = 0;
    pthread_mutex_lock(&m->lock);
    for (u32 i = 0; i < m->n; i++)
        VEC_PUSH(regs, n, cap, m->r[i]);
    pthread_mutex_unlock(&m->lock);
    for (u32 i = 0; i < n; i++) {
        const MemRegion *r = &regs[i];
        if (!root_region(r))
            continue;
        GuestAddr start = r->start;
        if (sp > r->start && sp < r->end)
            start = UE_ALIGN_DOWN(sp, 8);
        scan_root_region(s, start, r->end, see_root);
    }
    free(regs);
    while (s->nwork) {
        Blk *k = &s->v[s->work[--s->nwork]];
        scan_block(s, k, see_root, k->state == POSSIBLE);
    }
}

/* Clique pass from one unreached leader.  The leader of an earlier
 * clique, reached from this one, joins it with what it holds, as memcheck
 * folds cliques: blocks are taken in address order, and a block's own
 * buffers often lie below it. */
static void claim(Scan *s, u64 v, u32 leader)
{
    i64 i = find(s, v);
    if (i < 0 || (u32)i == leader)
        return;
    Blk *k = &s->v[i];
    if (k->state == DEFINITE) {
        k->state = INDIRECT; /* (its clique was scanned: it never reached this leader) */
        k->leader = leader;
        s->v[leader].indirect += k->b->size + k->indirect;
        k->indirect = 0;
        return;
    }
    if (k->state != UNREACHED)
        return;
    s->v[i].state = INDIRECT;
    s->v[i].leader = leader;
    s->v[leader].indirect += s->v[i].b->size;
    VEC_PUSH(s->work, s->nwork, s->cap_work, (u32)i);
}

static void find_cliques(Scan *s)
{
    for (u32 i = 0; i < s->n; i++) {
        if (s->v[i].state != UNREACHED)
            continue;
        s->v[i].state = DEFINITE;
        VEC_PUSH(s->work, s->nwork, s->cap_work, i);
        while (s->nwork) {
            Blk *k = &s->v[s->work[--s->nwork]];
            scan_block(s, k, claim, i);
        }
    }
}

typedef struct Record {
    u32 kind;        /* McLeakKind */
    u32 stack;
    u64 bytes, indirect, blocks;
} Record;

/* memcheck's order: total bytes, then reachable < possible < indirect <
 * definite, then the number of blocks, then the older allocation stack. */
static int by_bytes(const void *x, const void *y)
{
    const Record *a = x, *b = y;
    u64 ta = a->bytes + a->indirect, tb = b->bytes + b->indirect;
    if (ta != tb)
        return ta < tb ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind > b->kind ? -1 : 1;
    if (a->blocks != b->blocks)
        return a->blocks < b->blocks ? -1 : 1;
    return (a->stack > b->stack) - (a->stack < b->stack);
}

static u32 kind_of(u32 state)
{
    switch (state) {
    case DEFINITE: return MC_LEAK_DEFINITE;
    case INDIRECT: return MC_LEAK_INDIRECT;
    case POSSIBLE: return MC_LEAK_POSSIBLE;
    default: return MC_LEAK_REACHABLE;
    }
}

static const char *const kind_words[] = {"definitely lost", "indirectly lost", "possibly lost", "still reachable"};
static const char *const kind_xml[] = {"Leak_DefinitelyLost", "Leak_IndirectlyLost", "Leak_PossiblyLost",
                                       "Leak_StillReachable"};
static const char *const kind_short[] = {"definite", "indirect", "possible", "reachable"};

static u32 build_records(Scan *s, Record **out)
{
    Record *rec = NULL;
    u32 n = 0, cap = 0;
    for (u32 i = 0; i < s->n; i++) {
        u32 kind = kind_of(s->v[i].state);
        u32 stack = s->v[i].b->alloc_stack;
        u32 j;
        for (j = 0; j < n; j++)
            if (rec[j].kind == kind && rec[j].stack == stack)
                break;
        if (j == n)
            VEC_PUSH(rec, n, cap, ((Record){.kind = kind, .stack = stack}));
        rec[j].bytes += s->v[i].b->size;
        rec[j].indirect += s->v[i].indirect;
        rec[j].blocks++;
    }
    qsort(rec, n, sizeof *rec, by_bytes);
    *out = rec;
    return n;
}

/* Hand every loss record to the reporter, which applies suppressions:
 * printed if its kind is shown (--leak-check=full only), an error if its
 * kind is in --errors-for-leak-kinds.  Suppressed records move their bytes
 * and blocks to supp[]. */
static u32 report_records(Record *rec, u32 n, bool full, u64 supp[2])
{
    u32 errors = 0;
    for (u32 i = 0; i < n; i++) {
        Record *r = &rec[i];
        char what[200];
        char c1[32], c2[32], c3[32], c4[32], c5[32], c6[32];
        if (r->indirect)
            snprintf(what, sizeof what, "%s (%s direct, %s indirect) bytes in %s blocks are %s in loss record %s of %s",
                     commas(r->bytes + r->indirect, c1), commas(r->bytes, c2), commas(r->indirect, c3),
                     commas(r->blocks, c4), kind_words[r->kind], commas(i + 1, c5), commas(n, c6));
        else
            snprintf(what, sizeof what, "%s bytes in %s blocks are %s in loss record %s of %s", commas(r->bytes, c1),
                     commas(r->blocks, c2), kind_words[r->kind], commas(i + 1, c3), commas(n, c4));
        DbgError e = {.kind = kind_xml[r->kind], .what = what, .supp_kind = "Leak", .leak_kind = kind_short[r->kind],
                      .leaked_bytes = r->bytes + r->indirect, .leaked_blocks = r->blocks, .unique = true};
        e.pcs = dbg_depot_get(r->stack, &e.npcs);
        e.no_print = !full || !(mc_opts.show_leak_kinds & (1u << r->kind));
        e.no_count = !full || !(mc_opts.errors_for_leak_kinds & (1u << r->kind));
        int res = dbg_report_error(mc_reporter, &e);
        if (res == 0) {
            supp[0] += r->bytes;
            supp[1] += r->blocks;
            r->blocks = r->bytes = 0; /* out of the summary's kinds */
        } else if (!e.no_count) {
            errors++;
        }
    }
    return errors;
}

/* The last check's totals by McLeakKind, and the suppressed ones. */
static u64 last_bytes[4], last_blocks[4], last_supp[2];

void mc_leak_totals(u64 out[4], bool blocks)
{
    const u64 *v = blocks ? last_blocks : last_bytes;
    out[0] = v[MC_LEAK_DEFINITE] + v[MC_LEAK_INDIRECT];
    out[1] = v[MC_LEAK_POSSIBLE];
    out[2] = v[MC_LEAK_REACHABLE];
    out[3] = last_supp[blocks];
}

static void heap_summary(const Scan *s)
{
    u64 allocs, frees, bytes, in_use = 0;
    mc_heap_totals(&allocs, &frees, &bytes);
    for (u32 i = 0; i < s->n; i++)
        in_use += s->v[i].b->size;
    char c1[32], c2[32], c3[32];
    dbg_report_line(mc_reporter, "%s", "");
    dbg_report_line(mc_reporter, "HEAP SUMMARY:");
    dbg_report_line(mc_reporter, "    in use at exit: %s bytes in %s blocks", commas(in_use, c1), commas(s->n, c2));
    dbg_report_line(mc_reporter, "  total heap usage: %s allocs, %s frees, %s bytes allocated", commas(allocs, c1),
                    commas(frees, c2), commas(bytes, c3));
    dbg_report_line(mc_reporter, "%s", "");
}

static void leak_summary(const Scan *s, const Record *rec, u32 nrec, McLeakCheck mode, const u64 supp[2])
{
    memset(last_bytes, 0, sizeof last_bytes);
    memset(last_blocks, 0, sizeof last_blocks);
    for (u32 i = 0; i < nrec; i++) {
        last_bytes[rec[i].kind] += rec[i].bytes;
        last_blocks[rec[i].kind] += rec[i].blocks;
    }
    last_supp[0] = supp[0], last_supp[1] = supp[1];
    static const char *const labels[] = {"   definitely lost", "   indirectly lost", "     possibly lost",
                                         "   still reachable"};
    char c1[32], c2[32];
    dbg_report_line(mc_reporter, "LEAK SUMMARY:");
    for (int k = 0; k < 4; k++)
        dbg_report_line(mc_reporter, "%s: %s bytes in %s blocks", labels[k], commas(last_bytes[k], c1),
                        commas(last_blocks[k], c2));
    u64 hbytes[MC_HEUR_COUNT] = {0}, hblocks[MC_HEUR_COUNT] = {0};
    bool any = false;
    for (u32 i = 0; i < s->n; i++) {
        if (s->v[i].heuristic) {
            hbytes[s->v[i].heuristic - 1] += s->v[i].b->size;
            hblocks[s->v[i].heuristic - 1]++;
            any = true;
        }
    }
    if (any)
        dbg_report_line(mc_reporter, "                      of which reachable via heuristic:");
    for (int h = 0; h < MC_HEUR_COUNT; h++)
        if (hblocks[h])
            dbg_report_line(mc_reporter, "                        %-19s: %s bytes in %s blocks",
                            mc_leak_heuristic_names[h], commas(hbytes[h], c1), commas(hblocks[h], c2));
    dbg_report_line(mc_reporter, "        suppressed: %s bytes in %s blocks", commas(supp[0], c1), commas(supp[1], c2));
    bool hidden = last_bytes[MC_LEAK_REACHABLE] && !(mc_opts.show_leak_kinds & (1u << MC_LEAK_REACHABLE));
    if (mode != MC_LEAK_FULL) {
        dbg_report_line(mc_reporter, "Rerun with --leak-check=full to see details of leaked memory");
    } else if (hidden) {
        dbg_report_line(mc_reporter, "Reachable blocks (those to which a pointer was found) are not shown.");
        dbg_report_line(mc_reporter, "To see them, rerun with: --leak-check=full --show-leak-kinds=all");
    }
    dbg_report_line(mc_reporter, "%s", "");
}

u32 mc_leak_check(GuestProcess *p, McLeakCheck mode, bool at_exit)
{
    Scan s = {0};
    mc_heap_each_live(collect, &s);
    mc_custom_each_live(collect_custom, &s);
    if (at_exit)
        heap_summary(&s);
    u32 errors = 0;
    if (s.n == 0) {
        if (mode != MC_LEAK_NO || at_exit) {
            dbg_report_line(mc_reporter, "All heap blocks were freed -- no leaks are possible");
            dbg_report_line(mc_reporter, "%s", "");
        }
    } else if (mode != MC_LEAK_NO) {
        qsort(s.v, s.n, sizeof *s.v, by_addr);
        drop_superblocks(&s);
        mark_from_roots(&s, p);
        find_cliques(&s);
        Record *rec;
        u32 nrec = build_records(&s, &rec);
        u64 supp[2] = {0, 0};
        errors = report_records(rec, nrec, mode == MC_LEAK_FULL, supp);
        leak_summary(&s, rec, nrec, mode, supp);
        free(rec);
    }
    free(s.v);
    free(s.work);
    return errors;
}
