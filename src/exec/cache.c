/*
 * cache.c — the code cache: guest pc -> translated IrBlock.
 *
 * One cache per process, shared by its threads.  Lookup is an open-addressed
 * hash probe; translation and invalidation take the lock.  Invalidation
 * finds the blocks a range touches in the page index (cache_pages.c) and
 * takes them out of the table in place (no tombstones), the world
 * stopped; it happens on munmap/mprotect/mremap of code and on writes to
 * translated pages, which a guest that JITs makes often.
 *
 * Threads.  Lookups take no lock: a table is filled by atomic stores into
 * empty slots and replaced (never resized in place); a replaced table is
 * retired and freed when the world next stops (DESIGN.md: "retired code is
 * freed only after every thread passed the dispatcher"), or at the next
 * dispatch of a process's only thread.  So are the ops of a block once it
 * is compiled: another thread may be interpreting them (an early run).
 * Blocks and native code are freed only with the world stopped
 * (exec_invalidate, cache_flush_native), so no thread can be running them.
 */
#include "exec/exec_priv.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static CacheTable *new_table(u32 mask)
{
    CacheTable *t = ue_calloc(1, sizeof *t + (size_t)(mask + 1) * sizeof(IrBlock *));
    t->mask = mask;
    return t;
}

void cache_init(CodeCache *c)
{
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    c->table = new_table(4095);
}

static u32 slot_of(GuestAddr pc) { return (u32)ue_hash64(pc); }

static void table_insert(CacheTable *t, IrBlock *blk)
{
    u32 i = slot_of(blk->guest_pc) & t->mask;
    while (t->slot[i])
        i = (i + 1) & t->mask;
    __atomic_store_n(&t->slot[i], blk, __ATOMIC_RELEASE);
}

/* Take blk out of t, with no thread probing it (the world stopped):
 * the blocks after it in its run move back to where a probe finds them. */
static void table_remove(CacheTable *t, const IrBlock *blk)
{
    u32 i = slot_of(blk->guest_pc) & t->mask;
    while (t->slot[i] != blk)
        i = (i + 1) & t->mask;
    for (u32 j = (i + 1) & t->mask; t->slot[j]; j = (j + 1) & t->mask) {
        u32 home = slot_of(t->slot[j]->guest_pc) & t->mask;
        if (((j - home) & t->mask) >= ((j - i) & t->mask)) { /* (i lies on its probe path) */
            t->slot[i] = t->slot[j];
            i = j;
        }
    }
    t->slot[i] = NULL;
}

/* A fresh table of the live blocks replaces the current one, which is
 * retired (another thread may still be probing it). */
static void rebuild(CodeCache *c, u32 mask)
{
    CacheTable *old = c->table, *t = new_table(mask);
    for (u32 i = 0; i <= old->mask; i++)
        if (old->slot[i])
            table_insert(t, old->slot[i]);
    VEC_PUSH(c->retired, c->nretired, c->cap_retired, (void *)old);
    __atomic_store_n(&c->table, t, __ATOMIC_RELEASE);
}

/* Take blk out of the cache and free it (the world stopped). */
static void drop_block(CodeCache *c, IrBlock *blk)
{
    cache_pages_remove(&c->pages, blk);
    table_remove(c->table, blk);
    c->count--;
    ir_block_free(blk);
}

void cache_free_retired(CodeCache *c)
{
    for (u32 i = 0; i < c->nretired; i++)
        free(c->retired[i]);
    c->nretired = 0;
}

IrBlock *cache_lookup(CodeCache *c, GuestAddr pc)
{
    CacheTable *t = __atomic_load_n(&c->table, __ATOMIC_ACQUIRE);
    for (u32 i = slot_of(pc) & t->mask;; i = (i + 1) & t->mask) {
        IrBlock *blk = __atomic_load_n(&t->slot[i], __ATOMIC_ACQUIRE);
        if (!blk || blk->guest_pc == pc)
            return blk;
    }
}

void exec_log_block(int fd, const IrBlock *blk, bool guest_code, bool ir)
{
    if (guest_code) {
        char line[256];
        snprintf(line, sizeof line, "IN: 0x%llx\n", (unsigned long long)blk->guest_pc);
        ue_write_all(fd, line, strlen(line));
        for (u32 i = 0; i < blk->nops; i++) {
            const IrOp *op = &blk->ops[i];
            if (op->opc != IR_IMARK)
                continue;
            char text[160];
            x86_disasm(op->imm, (const u8 *)(uintptr_t)op->imm, op->aux, text, sizeof text);
            int n = snprintf(line, sizeof line, "0x%016llx:  %s\n", (unsigned long long)op->imm, text);
            ue_write_all(fd, line, (size_t)n);
        }
        ue_write_all(fd, "\n", 1);
    }
    if (ir)
        ir_print(fd, blk, &x86_guest_info, exec_disasm_at);
}

/* The block at pc, translated (and instrumented) afresh; its ops may be in
 * c->arena (borrowed) until the next translation. */
static IrBlock *translate(GuestProcess *p, GuestAddr pc, const X86TranslateOpts *opts, bool again)
{
    CodeCache *c = &p->cache;
    IrBlock *blk;
    X86TranslateOpts xopts = *opts;
    xopts.borrow = true;
    /* (while the JIT uses host FP instructions every SSE exception is
     * masked; when that ends, exec_run drops every block made before) */
    xopts.fp_masked = p->backend == EXEC_JIT && jit_fp_inline();
    u64 avail = mem_exec_avail(&p->mem, pc);
    if (avail > 4096 * 4)
        avail = 4096 * 4;
    arena_reset(&c->arena);
    c->stats.translated++;
    blk = NULL;
    if (p->tool && p->tool->redirect) {
        /* A tool may replace a guest function (memcheck's malloc). */
        IrBuilder b;
        ir_begin(&b, &c->arena, &x86_guest_info, pc);
        if (p->tool->redirect(p, pc, &b))
            blk = ir_finish(&b, 1);
    }
    if (!blk) {
        blk = x86_translate(&xopts, &c->arena, pc, (const u8 *)(uintptr_t)pc, avail);
        if (p->tool && p->tool->instrument) {
            IrBlock *n = p->tool->instrument(p, blk, &c->arena);
            if (n != blk)
                ir_block_free(blk);
            blk = n;
        }
    }
#ifdef UE_DEBUG
    bool verify = true; /* debug builds check every block */
#else
    bool verify = p->verify_ir;
#endif
    if (verify) {
        u32 bad;
        const char *err = ir_verify(blk, &x86_guest_info, &bad);
        if (err) {
            ir_print(ue_log_fd(), blk, &x86_guest_info, exec_disasm_at);
            ue_panic("IR verifier: block 0x%llx op %u: %s", (unsigned long long)pc, bad, err);
        }
    }
    if ((p->log & (EXEC_LOG_IN_ASM | EXEC_LOG_OP)) && !again)
        exec_log_block(ue_log_fd(), blk, p->log & EXEC_LOG_IN_ASM, p->log & EXEC_LOG_OP);
    return blk;
}

static JitCode *native_locked(GuestProcess *p, IrBlock *blk);

/* The block at pc, from the cache or translated and added to it; with
 * compile, compiled at once (from the arena: no copy of its ops when they
 * are dropped after compiling). */
static IrBlock *translate_locked(GuestProcess *p, GuestAddr pc, bool compile)
{
    CodeCache *c = &p->cache;
    IrBlock *blk = cache_lookup(c, pc);
    if (blk)
        return blk;
    blk = translate(p, pc, &p->xopts, false);
    /* Its pages stay read-only on the host while it lives: a guest write
     * to them drops it first (mem/smc.c, exec_code_written). */
    for (GuestAddr pg = UE_ALIGN_DOWN(pc, MEM_PAGE); pg < pc + UE_MAX(blk->guest_size, 1); pg += MEM_PAGE)
        mem_smc_protect(&p->mem, pg);
    cache_pages_add(&c->pages, blk);
    if (2 * (c->count + 1) > c->table->mask + 1)
        rebuild(c, 2 * c->table->mask + 1);
    table_insert(c->table, blk);
    c->count++;
    if (compile)
        native_locked(p, blk);
    else
        ir_block_keep_ops(blk);
    return blk;
}

IrBlock *cache_translate_once(GuestProcess *p, GuestAddr pc)
{
    X86TranslateOpts once = p->xopts;
    once.single_step = true;
    pthread_mutex_lock(&p->cache.lock);
    IrBlock *blk = translate(p, pc, &once, false);
    ir_block_keep_ops(blk); /* (run outside the lock) */
    pthread_mutex_unlock(&p->cache.lock);
    return blk;
}

/* Tier 0.  A block's first TIER0_RUNS runs are interpreted, and it is
 * compiled when it is reached again: a third of a program's start-up
 * blocks run once (ld.so's relocations, libc's and the program's own
 * initialisation), and interpreting a block costs a few times less than
 * compiling it.  Interpreting the first run only made /bin/true 27%
 * faster, perl -e 1 18%, python3 -c pass 3%; the first four runs, a
 * further 10% and 14% (python3 -c pass the same; 8 runs: no better, 16:
 * python3 start-up 15% slower).  Steady state is unchanged.
 * UE_JIT_EAGER=1 compiles at once (tests: JIT code for run-once code). */
enum { TIER0_RUNS = 4 };

unsigned cache_tier0_runs(void)
{
    static int v = -1;
    if (v < 0)
        v = getenv("UE_JIT_EAGER") ? 0 : TIER0_RUNS;
    return (unsigned)v;
}

IrBlock *cache_translate_lazy(GuestProcess *p, GuestAddr pc)
{
    pthread_mutex_lock(&p->cache.lock);
    IrBlock *blk = translate_locked(p, pc, false);
    pthread_mutex_unlock(&p->cache.lock);
    return blk;
}

bool cache_ir_view(GuestProcess *p, const IrBlock *blk, IrBlock *view)
{
    pthread_mutex_lock(&p->cache.lock);
    *view = *blk;
    pthread_mutex_unlock(&p->cache.lock);
    return view->ops != NULL;
}

IrBlock *cache_translate(GuestProcess *p, GuestAddr pc)
{
    pthread_mutex_lock(&p->cache.lock);
    IrBlock *blk = translate_locked(p, pc, p->backend == EXEC_JIT);
    pthread_mutex_unlock(&p->cache.lock);
    return blk;
}

/* Forget every block's native code (the JIT cache was flushed).  Blocks
 * whose IR was dropped after compilation go too; they are translated
 * again when next reached. */
static void drop_native(CodeCache *c)
{
    c->stats.flushes++;
    cache_pages_forget_deps(&c->pages);
    CacheTable *t = c->table;
    for (u32 i = 0; i <= t->mask; i++) {
        IrBlock *blk = t->slot[i];
        if (!blk)
            continue;
        blk->nrelies = 0;
        if (!blk->ops) {
            cache_pages_remove(&c->pages, blk);
            c->count--;
            ir_block_free(blk);
            t->slot[i] = NULL; /* (the table is rebuilt below) */
            continue;
        }
        blk->native = NULL;
        blk->no_native = false;
    }
    rebuild(c, c->table->mask);
    jit_flush();
    c->flush_wanted = false;
}

void cache_flush_native(CodeCache *c)
{
    pthread_mutex_lock(&c->lock);
    drop_native(c);
    pthread_mutex_unlock(&c->lock);
}

/* perf(1) reads /tmp/perf-PID.map to name JIT code: one line per block,
 * "start size name". */
static void perf_map_add(const IrBlock *blk, const JitCode *code)
{
    static int fd = -1;
    if (fd < 0) {
        char path[64];
        snprintf(path, sizeof path, "/tmp/perf-%d.map", getpid());
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
            return;
    }
    char line[96];
    int n = snprintf(line, sizeof line, "%lx %x guest_%llx\n", (unsigned long)jit_code_addr(code),
                     jit_code_size(code), (unsigned long long)blk->guest_pc);
    ue_write_all(fd, line, (size_t)n);
}

/* Finding a miscompiled block: with UE_JIT_BISECT=N in the environment,
 * only the first N blocks compiled are compiled, the rest interpreted; a
 * bisection on N names the first block whose code breaks the program
 * (printed as N is reached). */
static bool jit_bisect_allows(const IrBlock *blk)
{
    static i64 limit = -2;
    static u64 seen;
    if (limit == -2) {
        const char *e = getenv("UE_JIT_BISECT");
        limit = e ? strtoll(e, NULL, 0) : -1;
    }
    if (limit < 0)
        return true;
    if (++seen == (u64)limit)
        ue_log("UE_JIT_BISECT: block %llu is 0x%llx", (unsigned long long)seen, (unsigned long long)blk->guest_pc);
    return seen <= (u64)limit;
}

/* Tiers.  A block is compiled first with the kills of those successors
 * already translated, and counts its runs; the hot_after-th run leaves
 * with IR_EXIT_HOT and cache_promote compiles it again, translating its
 * successors for their kills.  Most blocks of a program's start-up run a
 * few times only: translating every successor ahead (a quarter of them
 * never run) cost python3's start-up an eighth of its time, while the
 * blocks that loop gain their full facts after hot_after runs. */
static u32 hot_after(void)
{
    static u32 n;
    if (!n) {
        const char *e = getenv("UE_JIT_HOT"); /* (tests: promote early) */
        n = e && atoi(e) > 0 ? (u32)atoi(e) : 1000;
    }
    return n;
}

typedef struct SuccessorCtx {
    GuestProcess *p;
    IrBlock *blk;   /* the block being compiled */
    bool translate; /* translate successors not translated yet */
} SuccessorCtx;

static bool successor(void *ctx, GuestAddr pc, u64 *kills)
{
    SuccessorCtx *sc = ctx;
    GuestProcess *p = sc->p;
    IrBlock *blk = sc->blk;
    IrBlock *succ = cache_lookup(&p->cache, pc);
    if (!succ && (!sc->translate || !mem_exec_avail(&p->mem, pc)))
        return false;
    if (!succ)
        succ = translate_locked(p, pc, false);
    *kills = succ->kills;
    /* The compiled code relies on what that block kills: it goes when
     * that block goes (invalidate_stopped).  (Each pc, not a "more than a
     * few" mark: a guest JIT invalidates code often, and every block so
     * marked went at each invalidation anywhere: java, 96% of retranslation.) */
    cache_pages_add_dep(&p->cache.pages, blk, pc);
    return true;
}

/* Native code for ir (blk itself, or blk translated again), with facts
 * from its successors; NULL with *full if the code cache is full. */
static JitCode *compile(GuestProcess *p, IrBlock *blk, const IrBlock *ir, bool first, bool *full)
{
    bool tiered = !(p->log & EXEC_LOG_NOCHAIN);
    /* (not in the translation arena: translating successors reuses it) */
    arena_reset(&p->cache.facts);
    IrExitFacts facts = {arena_alloc(&p->cache.facts, ir->nops),
                         arena_alloc(&p->cache.facts, ir->nops * sizeof(u64))};
    /* (a second compile adds to what the first relied on: the first code
     * stays valid for a thread still running it) */
    if (first)
        cache_pages_clear_deps(&p->cache.pages, blk);
    if (!tiered) {
        /* block-by-block comparison with the interpreter wants exact state */
        memset(facts.dead_put, 0, ir->nops);
        memset(facts.exit_kills, 0, ir->nops * sizeof(u64));
    } else {
        SuccessorCtx sc = {p, blk, !first};
        ir_exit_facts(ir, successor, &sc, &facts);
    }
    *full = false;
    JitCode *code = jit_bisect_allows(blk) ? jit_compile(ir, &facts, tiered && first ? hot_after() : 0, full) : NULL;
    blk->counted = code && tiered && first;
    if (code && (p->log & EXEC_LOG_OUT_ASM))
        jit_disasm(code, ue_log_fd());
    if (code && (p->log & EXEC_LOG_PERF_MAP))
        perf_map_add(blk, code);
    return code;
}

/* Compile blk the first time (c->lock held).  Its ops go unless a log
 * or --diff-check wants them, or it is to be interpreted or compiled after
 * a flush. */
static JitCode *native_locked(GuestProcess *p, IrBlock *blk)
{
    CodeCache *c = &p->cache;
    bool full;
    JitCode *code = compile(p, blk, blk, true, &full);
    if (!code && full) {
        /* Flushing needs every thread out of generated code: the
         * dispatcher stops the world and comes back. */
        c->flush_wanted = true;
        ir_block_keep_ops(blk);
        return NULL;
    }
    if (code)
        c->stats.compiled++;
    else
        c->stats.declined++;
    blk->no_native = code == NULL;
    __atomic_store_n(&blk->native, code, __ATOMIC_RELEASE);
    if (code && !(p->log & (EXEC_LOG_OUT_ASM | EXEC_LOG_PERF_MAP)) && !p->diff_check) {
        /* Native code only from now on.  Another thread may be running
         * an early run of the block in the interpreter (cache_ir_view): the
         * ops are freed when no thread can be. */
        void *ops = ir_block_detach_ops(blk);
        if (ops)
            VEC_PUSH(c->retired, c->nretired, c->cap_retired, ops);
    } else
        ir_block_keep_ops(blk);
    return code;
}

JitCode *cache_native(GuestProcess *p, IrBlock *blk)
{
    JitCode *done = __atomic_load_n(&blk->native, __ATOMIC_ACQUIRE);
    if (done || blk->no_native)
        return done;
    CodeCache *c = &p->cache;
    pthread_mutex_lock(&c->lock);
    /* (another thread may have compiled it meanwhile, and dropped its IR) */
    JitCode *code = blk->native || blk->no_native ? blk->native : native_locked(p, blk);
    pthread_mutex_unlock(&c->lock);
    return code;
}

void cache_promote(GuestProcess *p, GuestAddr pc)
{
    CodeCache *c = &p->cache;
    pthread_mutex_lock(&c->lock);
    IrBlock *blk = cache_lookup(c, pc);
    if (blk && blk->native && blk->counted) {
        /* (the IR went after the first compile; the guest code cannot have
         * changed since: that would have dropped blk) */
        IrBlock *ir = blk->ops ? blk : translate(p, pc, &p->xopts, true);
        ir_block_keep_ops(ir); /* (translating its successors reuses the arena) */
        bool full;
        JitCode *code = compile(p, blk, ir, false, &full);
        if (ir != blk)
            ir_block_free(ir);
        if (code) {
            /* Threads may still run the first code: it stays, and what
             * jumps to it jumps here from now on. */
            jit_replace(blk->native, code);
            __atomic_store_n(&blk->native, code, __ATOMIC_RELEASE);
            c->stats.promoted++;
        }
        /* (with the cache full, the first code stays, its count spent,
         * until the next flush) */
    }
    pthread_mutex_unlock(&c->lock);
}

/* Drop the translations overlapping [addr, addr+len), and the compiled
 * code that relies on them, the world stopped.  Pages wholly inside the
 * range lose their write protection (mem/smc.c).  Compiled code dropped is
 * unlinked (jit_unlink), not flushed: the rest of the cache stays. */
static void invalidate_stopped(GuestProcess *p, GuestAddr addr, u64 len)
{
    CodeCache *c = &p->cache;
    pthread_mutex_lock(&c->lock);
    CacheTouched *t = &c->touched;
    cache_pages_touched(&c->pages, addr, len, t);
    for (u32 i = 0; i < t->ndeps; i++) {
        IrBlock *blk = t->deps[i];
        jit_unlink(blk->native);
        blk->native = NULL;
        cache_pages_clear_deps(&c->pages, blk);
        if (!blk->ops) /* (no IR left to compile again) */
            drop_block(c, blk);
    }
    for (u32 i = 0; i < t->ninside; i++) {
        IrBlock *blk = t->inside[i];
        if (blk->native)
            jit_unlink(blk->native);
        drop_block(c, blk);
    }
    if (t->ninside || t->ndeps)
        c->stats.invalidations++;
    for (GuestAddr pg = UE_ALIGN_UP(addr, MEM_PAGE); pg + MEM_PAGE <= addr + len; pg += MEM_PAGE)
        mem_smc_release(&p->mem, pg);
    cache_free_retired(c);
    pthread_mutex_unlock(&c->lock);
}

void exec_invalidate(GuestProcess *p, GuestAddr addr, u64 len)
{
    exec_stop_world(p);
    invalidate_stopped(p, addr, len);
    exec_resume_world(p);
}

void exec_code_written(GuestProcess *p, GuestAddr addr)
{
    exec_stop_world(p);
    invalidate_stopped(p, UE_ALIGN_DOWN(addr, MEM_PAGE), MEM_PAGE);
    exec_resume_world(p);
}

void exec_before_write(GuestProcess *p, GuestAddr addr, u64 len)
{
    if (!mem_smc_any_writable() || !len)
        return;
    GuestAddr first = 0, last = 0; /* marked pages the guest may write */
    for (GuestAddr pg = UE_ALIGN_DOWN(addr, MEM_PAGE); pg < addr + len && pg >= UE_ALIGN_DOWN(addr, MEM_PAGE);
         pg += MEM_PAGE) {
        if (mem_smc_protected(pg) && mem_range_ok(&p->mem, pg, 1, PROT_WRITE)) {
            if (!first)
                first = pg;
            last = pg;
        }
    }
    if (first)
        exec_invalidate(p, first, last + MEM_PAGE - first);
}

void exec_release_code_pages(GuestProcess *p)
{
    if (!mem_smc_any_writable())
        return;
    exec_stop_world(p);
    CodeCache *c = &p->cache;
    /* The marked pages are the pages of live blocks; drop those the guest
     * may write, and every translation on them.  (Invalidating adds no
     * page to the index: the walk may go on.) */
    for (u32 i = 0; c->pages.mask && i <= c->pages.mask; i++) {
        const PageBlocks *e = &c->pages.slot[i];
        if (e->used && e->non && mem_smc_protected(e->page) && mem_range_ok(&p->mem, e->page, 1, PROT_WRITE))
            invalidate_stopped(p, e->page, MEM_PAGE);
    }
    exec_resume_world(p);
}

void exec_print_stats(GuestProcess *p)
{
    const ExecStats *s = &p->cache.stats;
    ue_log("stats: %llu blocks translated, %llu compiled (%llu compiled again when hot), "
           "%llu interpreted (JIT declined), %llu invalidations, %llu JIT flushes",
           (unsigned long long)s->translated, (unsigned long long)s->compiled, (unsigned long long)s->promoted,
           (unsigned long long)s->declined, (unsigned long long)s->invalidations, (unsigned long long)s->flushes);
    ue_log("stats: %llu dispatches (%llu for system calls)", (unsigned long long)s->dispatches,
           (unsigned long long)s->syscalls);
}
