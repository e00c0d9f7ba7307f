/*
 * jit.c — the JIT's runtime: the code cache (one region, mapped twice:
 * writable for the emitter, executable for the CPU — W^X without
 * mprotect flips), the enter/exit trampolines, chaining, the helper
 * adapter and fault lookup.
 *
 * Layout of the cache: [enter routine][exit routine][blocks...], bump
 * allocated; when full, everything is dropped at once (jit_flush) at a
 * point where no thread runs generated code (the dispatcher).
 */
#include "jit/jit_priv.h"

#include <Zydis/Zydis.h>
#include <asm/prctl.h>
#include <pthread.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

JitCache jit_cache;
JitConfig jit_cfg;
/* Every thread's indirect-jump table, to empty them all at a flush. */
static pthread_mutex_t tables_lock = PTHREAD_MUTEX_INITIALIZER;
static JitIndEntry **tables;
static u32 ntables, cap_tables;
static Arena jit_arena;   /* lowering scratch */
/* Until the next flush: each block's JitCode and side tables (the compiling
 * thread holds the exec layer's cache lock), and chain links (chain_lock). */
static Region records = {.size = 512u << 20}, links = {.size = 128u << 20};
static uintptr_t routines_end;
static size_t populated;  /* bytes of the cache already faulted in */

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#endif

/* Fault the next stretch of the cache in with one call per view instead of
 * two page faults per 4 KiB page (one writing, one executing); stretches
 * double from 128 KiB to 2 MiB, so a short run populates little. */
static void populate_ahead(size_t need)
{
    enum { STEP = 2 << 20, FIRST_STEP = 128 << 10 };
    while (populated < need && populated < jit_cache.size) {
        size_t step = UE_MIN((size_t)STEP, UE_MAX((size_t)FIRST_STEP, populated));
        size_t len = UE_MIN(step, jit_cache.size - populated);
        madvise(jit_cache.rw + populated, len, MADV_POPULATE_WRITE);
        if (jit_cache.rx != jit_cache.rw)
            madvise(jit_cache.rx + populated, len, MADV_POPULATE_READ);
        populated += len;
    }
}

static inline intptr_t rx_delta(void) { return jit_cache.rx - jit_cache.rw; }

/* jit_enter(code): save ue's callee-saved registers and stack, load the
 * guest GPRs from the env, jump to code. */
static void emit_enter(X64Buf *b)
{
    static const int saved[] = {X64_RBX, X64_RBP, X64_R12, X64_R13, X64_R14, X64_R15};
    for (size_t i = 0; i < UE_ARRAY_LEN(saved); i++)
        x64_push(b, saved[i]);                                   /* push callee-saved */
    x64_alu_ri(b, X64_SUB, 8, X64_RSP, 8);                       /* sub rsp, 8: 16-byte aligned for calls */
    x64_store(b, 8, x64_gs(JIT_THREAD(host_rsp)), X64_RSP);      /* mov gs:[host_rsp], rsp */
    x64_store(b, 8, x64_gs(JIT_THREAD(adapter_args) + 24), X64_RDI); /* mov gs:[target], rdi */
    for (int r = 0; r < 16; r++)
        if (r != X64_RSP)
            x64_load(b, 8, r, x64_gs((i32)jit_cfg.gpr_offset[r])); /* mov r, gs:[guest r] */
    x64_load(b, 8, X64_RSP, x64_gs((i32)jit_cfg.gpr_offset[X64_RSP])); /* mov rsp, gs:[guest rsp] */
    x64_jmp_m(b, x64_gs(JIT_THREAD(adapter_args) + 24));         /* jmp gs:[target] */
}

/* jit_exit: store the guest GPRs to the env, return to jit_enter's caller. */
static void emit_exit(X64Buf *b)
{
    static const int saved[] = {X64_R15, X64_R14, X64_R13, X64_R12, X64_RBP, X64_RBX};
    for (int r = 0; r < 16; r++)
        x64_store(b, 8, x64_gs((i32)jit_cfg.gpr_offset[r]), r);  /* mov gs:[guest r], r */
    x64_load(b, 8, X64_RSP, x64_gs(JIT_THREAD(host_rsp)));       /* mov rsp, gs:[host_rsp] */
    x64_alu_ri(b, X64_ADD, 8, X64_RSP, 8);                       /* add rsp, 8 */
    for (size_t i = 0; i < UE_ARRAY_LEN(saved); i++)
        x64_pop(b, saved[i]);                                    /* pop callee-saved */
    x64_ret(b);                                                  /* ret (jit_run reads gs:[exit_rec]) */
}

/* The register-saving call, entered (call rel32) on ue's stack with the
 * arguments in gs:[adapter_args], the helper in gs:[call_fn]: call
 * fn(env, a0, a1, a2) keeping every caller-saved register, and leave the
 * result in gs:[call_ret].  Generated code then keeps its registers (guest
 * values and temps) across the call instead of saving and reloading them
 * around it. */
static void emit_call_routine(X64Buf *b)
{
    static const int kept[] = {X64_RAX, X64_RCX, X64_RDX, X64_RSI, X64_RDI, X64_R8, X64_R9, X64_R10, X64_R11};
    for (size_t i = 0; i < UE_ARRAY_LEN(kept); i++)
        x64_push(b, kept[i]);                                       /* push rax..r11 (rsp 16-aligned after) */
    x64_load(b, 8, X64_RDI, x64_gs(JIT_THREAD(env)));               /* mov rdi, gs:[env] */
    x64_load(b, 8, X64_RSI, x64_gs(JIT_THREAD(adapter_args)));      /* mov rsi, gs:[a0] */
    x64_load(b, 8, X64_RDX, x64_gs(JIT_THREAD(adapter_args) + 8));  /* mov rdx, gs:[a1] */
    x64_load(b, 8, X64_RCX, x64_gs(JIT_THREAD(adapter_args) + 16)); /* mov rcx, gs:[a2] */
    /* (the call site stores fn as two dwords: one qword load of them
     * would wait for both stores to retire instead of forwarding) */
    x64_load(b, 4, X64_RAX, x64_gs(JIT_THREAD(call_fn)));           /* mov eax, gs:[fn] */
    x64_load(b, 4, X64_R11, x64_gs(JIT_THREAD(call_fn) + 4));       /* mov r11d, gs:[fn+4] */
    x64_shift_ri(b, X64_SHL, 8, X64_R11, 32);                       /* shl r11, 32 */
    x64_alu_rr(b, X64_OR, 8, X64_RAX, X64_R11);                     /* or rax, r11 */
    x64_call_r(b, X64_RAX);                                         /* call rax */
    x64_store(b, 8, x64_gs(JIT_THREAD(call_ret)), X64_RAX);         /* mov gs:[ret], rax */
    for (size_t i = UE_ARRAY_LEN(kept); i-- > 0;)
        x64_pop(b, kept[i]);                                        /* pop r11..rax */
    x64_ret(b);                                                     /* ret */
}

static void emit_routines(void)
{
    X64Buf b = {.p = jit_cache.rw, .end = jit_cache.rw + 4096};
    jit_cache.enter_routine = (uintptr_t)(b.p + rx_delta());
    emit_enter(&b);
    while ((uintptr_t)b.p & 15)
        *b.p++ = 0xcc;
    jit_cache.exit_routine = (uintptr_t)(b.p + rx_delta());
    emit_exit(&b);
    while ((uintptr_t)b.p & 15)
        *b.p++ = 0xcc;
    jit_cache.call_routine = (uintptr_t)(b.p + rx_delta());
    emit_call_routine(&b);
    while ((uintptr_t)b.p & 63)
        *b.p++ = 0xcc;
    ue_assert(!b.full);
    jit_cache.used = (size_t)(b.p - jit_cache.rw);
    routines_end = jit_cache.used;
}

/* Indirect-jump tables are mapped, not allocated: fresh pages are empty
 * tables (jit_priv.h), and emptying one gives its pages back. */
static size_t ind_table_bytes(void) { return sizeof(JitIndEntry) << JIT_IND_BITS; }

static void ind_table_clear(JitIndEntry *t) { madvise(t, ind_table_bytes(), MADV_DONTNEED); }

/* Run counters of counted blocks (jit_compile's hot_after): a u32 each,
 * bump allocated, in private memory just below the cache so generated code
 * reaches them RIP-relative; emptied with the cache. */
enum { COUNTER_BYTES = 16u << 20 };
static u32 *counters;
static u32 ncounters;

/* [counters][RW view][RX view] (or [counters][RWX]) in one reservation:
 * every counter within 2 GiB of every block. */
static bool map_cache(size_t size, int fd)
{
    size_t views = fd < 0 ? size : 2 * size;
    u8 *base = mmap(NULL, COUNTER_BYTES + views, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED)
        return false;
    u8 *ctr = mmap(base, COUNTER_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    u8 *rw, *rx;
    if (fd < 0)
        rw = rx = mmap(base + COUNTER_BYTES, size, PROT_READ | PROT_WRITE | PROT_EXEC,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    else {
        rw = mmap(base + COUNTER_BYTES, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
        rx = mmap(base + COUNTER_BYTES + size, size, PROT_READ | PROT_EXEC, MAP_SHARED | MAP_FIXED, fd, 0);
    }
    if (ctr == MAP_FAILED || rw == MAP_FAILED || rx == MAP_FAILED) {
        munmap(base, COUNTER_BYTES + views);
        return false;
    }
    counters = (u32 *)ctr;
    jit_cache.rw = rw;
    jit_cache.rx = rx;
    jit_cache.size = size;
    return true;
}

/* ---- host FP instructions inline ----
 * An SSE FP instruction computes what the guest's would when the host
 * MXCSR's control bits (rounding, DAZ, FTZ, exception masks) are the
 * guest's, and ue runs generated code under its own MXCSR, whose control
 * bits never change.  So while the guest keeps those same bits (as
 * nearly every program does: 0x1f80, round to nearest, all masked), the
 * JIT emits the instruction and ORs the flags it raised into the guest
 * MXCSR before anything can read it (lower.c, fp_merge), several times
 * cheaper than the helper, which switches MXCSR twice (sse_priv.h,
 * fp_begin).  Host flags stay set after that: the guest's MXCSR has them
 * too.  Blocks are also translated without the #XM check after each FP
 * instruction (X86TranslateOpts.fp_masked): nothing traps.  The first
 * thread whose control bits differ ends both for the process: the
 * dispatcher drops every translation, and the new ones call the helpers
 * and check.  The instructions that can change the bits (LDMXCSR,
 * FXRSTOR, XRSTOR) end their block with IR_EXIT_CPU, so no inline
 * instruction runs before the dispatcher has looked; a signal return
 * passes the dispatcher anyway. */
static u32 fp_control; /* the host MXCSR's control bits */
static bool fp_inline;

static u32 host_mxcsr(void)
{
    u32 m;
    __asm__ volatile("stmxcsr %0" : "=m"(m));
    return m;
}

bool jit_fp_inline(void) { return __atomic_load_n(&fp_inline, __ATOMIC_ACQUIRE); }

static u32 *guest_mxcsr(const void *env) { return (u32 *)((uintptr_t)env + jit_cfg.mxcsr_offset); }

bool jit_fp_departs(const void *env)
{
    if (!__atomic_load_n(&fp_inline, __ATOMIC_ACQUIRE))
        return false;
    u32 guest = *guest_mxcsr(env), host = host_mxcsr();
    if (host & MXCSR_FLAG_BITS & ~guest) {
        host &= ~(u32)MXCSR_FLAG_BITS;
        __asm__ volatile("ldmxcsr %0" : : "m"(host));
    }
    if ((guest & ~(u32)MXCSR_FLAG_BITS) == fp_control)
        return false;
    __atomic_store_n(&fp_inline, false, __ATOMIC_RELEASE);
    return true;
}

void jit_fault_fp(void *env, u32 host)
{
    /* (host flags the guest does not have are ones it cleared, by an
     * instruction that ends its block: no fault comes after it) */
    if (jit_cfg.mxcsr_offset)
        *guest_mxcsr(env) |= host & MXCSR_FLAG_BITS;
}

bool jit_init(const JitConfig *cfg)
{
    jit_cfg = *cfg;
    fp_control = host_mxcsr() & ~(u32)MXCSR_FLAG_BITS;
    fp_inline = cfg->mxcsr_offset != 0;
    jit_lower_setup();
    size_t size = cfg->code_size ? cfg->code_size : 256u << 20;
    int fd = -1;
    if (!cfg->rwx) {
        fd = (int)syscall(SYS_memfd_create, "ue-jit", 1u /* MFD_CLOEXEC */);
        if (fd < 0 || ftruncate(fd, (off_t)size) != 0) {
            ue_log("JIT unavailable: cannot create the code cache (%s)", strerror(errno));
            return false;
        }
    }
    bool ok = map_cache(size, fd);
    if (fd >= 0)
        close(fd);
    /* (reserved now: a cache whose records cannot be allocated would look
     * full after every flush) */
    ok = ok && region_alloc(&records, 16) && region_alloc(&links, 16);
    region_reset(&records);
    region_reset(&links);
    if (!ok) {
        ue_log("JIT unavailable: cannot map the code cache (%s)", strerror(errno));
        return false;
    }
    emit_routines();
    return true;
}

/* Fork.  The two views share one memfd, which a forked child would share
 * with its parent: code the parent compiles or chains after the fork would
 * change the child's.  So before the fork the cache is copied into a new
 * memfd (the caller has every other thread stopped: nothing compiles
 * meanwhile), which the child maps in place of the shared one.  (The RWX
 * form is a private mapping: fork copies it.) */
static int fork_fd = -1;

void jit_before_fork(void)
{
    if (!jit_cache.rw || jit_cache.rw == jit_cache.rx)
        return;
    int fd = (int)syscall(SYS_memfd_create, "ue-jit", 1u /* MFD_CLOEXEC */);
    if (fd < 0 || ftruncate(fd, (off_t)jit_cache.size) != 0)
        ue_panic("cannot copy the JIT code cache for fork: %s", strerror(errno));
    for (size_t done = 0; done < jit_cache.used;) {
        ssize_t n = pwrite(fd, jit_cache.rw + done, jit_cache.used - done, (off_t)done);
        if (n <= 0)
            ue_panic("cannot copy the JIT code cache for fork: %s", strerror(errno));
        done += (size_t)n;
    }
    fork_fd = fd;
}

void jit_after_fork(bool child)
{
    if (fork_fd < 0)
        return;
    if (child) {
        if (mmap(jit_cache.rw, jit_cache.size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fork_fd, 0) ==
                MAP_FAILED ||
            mmap(jit_cache.rx, jit_cache.size, PROT_READ | PROT_EXEC, MAP_SHARED | MAP_FIXED, fork_fd, 0) == MAP_FAILED)
            ue_panic("cannot map the JIT code cache after fork: %s", strerror(errno));
        populated = 0;
    }
    close(fork_fd);
    fork_fd = -1;
}

void jit_set_thread_base(void *env)
{
    JitThread *t = (JitThread *)((char *)env + jit_cfg.thread_offset);
    t->env = (u64)(uintptr_t)env;
    t->ind_key = JIT_IND_KEY;
    if (!t->ind_table) {
        JitIndEntry *table = mmap(NULL, ind_table_bytes(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (table == MAP_FAILED)
            ue_panic("out of memory for an indirect-jump table");
        pthread_mutex_lock(&tables_lock);
        VEC_PUSH(tables, ntables, cap_tables, table);
        pthread_mutex_unlock(&tables_lock);
        t->ind_table = (u64)(uintptr_t)table;
    }
    syscall(SYS_arch_prctl, ARCH_SET_GS, env);
}

void jit_thread_interrupt(JitThread *t)
{
    __atomic_store_n(&t->interrupt, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&t->ind_key, JIT_IND_STOP, __ATOMIC_SEQ_CST);
}

/* The owner clears the flag, then restores the key: a request landing
 * between the two stores leaves the flag set for the next call; one landing
 * after leaves the key poisoned, so lookups miss and the dispatcher calls
 * again.  A poisoned key with no flag (its request already taken) is
 * restored, and the flag looked at once more in case a request came
 * meanwhile. */
bool jit_thread_take_interrupt(JitThread *t)
{
    if (!__atomic_load_n(&t->interrupt, __ATOMIC_SEQ_CST)) {
        if (__atomic_load_n(&t->ind_key, __ATOMIC_SEQ_CST) == JIT_IND_KEY)
            return false;
        __atomic_store_n(&t->ind_key, JIT_IND_KEY, __ATOMIC_SEQ_CST);
        if (!__atomic_load_n(&t->interrupt, __ATOMIC_SEQ_CST))
            return false;
    }
    __atomic_store_n(&t->interrupt, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&t->ind_key, JIT_IND_KEY, __ATOMIC_SEQ_CST);
    return true;
}

void jit_release_thread(void *env)
{
    JitThread *t = (JitThread *)((char *)env + jit_cfg.thread_offset);
    JitIndEntry *table = (JitIndEntry *)(uintptr_t)t->ind_table;
    if (!table)
        return;
    pthread_mutex_lock(&tables_lock);
    for (u32 i = 0; i < ntables; i++) {
        if (tables[i] == table) {
            tables[i] = tables[--ntables];
            break;
        }
    }
    pthread_mutex_unlock(&tables_lock);
    t->ind_table = 0;
    munmap(table, ind_table_bytes());
}

void jit_flush(void)
{
    jit_cache.nblocks = 0;
    region_reset(&records);
    region_reset(&links);
    jit_cache.used = routines_end;
    ncounters = 0;
    pthread_mutex_lock(&tables_lock);
    for (u32 i = 0; i < ntables; i++)
        ind_table_clear(tables[i]);
    pthread_mutex_unlock(&tables_lock);
}

void jit_publish(void *env, GuestAddr pc, JitCode *to)
{
    JitThread *t = (JitThread *)((char *)env + jit_cfg.thread_offset);
    JitIndEntry *e = &((JitIndEntry *)(uintptr_t)t->ind_table)[jit_ind_slot(pc)];
    e->host = (u64)(uintptr_t)to->rx;
    e->guest_pc = pc ^ JIT_IND_KEY;
}

JitCode *jit_compile(const IrBlock *blk, const IrExitFacts *facts, u32 hot_after, bool *full)
{
    *full = false;
    size_t room = jit_cache.size - jit_cache.used;
    if (room < 64 * 1024 || (hot_after && ncounters == COUNTER_BYTES / sizeof *counters)) {
        *full = true;
        return NULL;
    }
    u32 *counter = NULL;
    if (hot_after) {
        counter = &counters[ncounters];
        *counter = hot_after;
    }
    populate_ahead(jit_cache.used + 64 * 1024);
    X64Buf b = {.p = jit_cache.rw + jit_cache.used, .end = jit_cache.rw + jit_cache.size};
    JitCode tmp = {0};
    arena_reset(&jit_arena);
    if (!jit_lower(blk, facts, counter, &b, rx_delta(), &tmp, &jit_arena)) {
        if (b.full)
            *full = true;
        return NULL;
    }
    JitCode *c = region_alloc(&records, sizeof *c + tmp.nside * sizeof(JitSideEntry) + tmp.nlazy * sizeof(JitLazyRec));
    if (!c) {
        *full = true;
        return NULL;
    }
    *c = tmp;
    c->side = (JitSideEntry *)(c + 1);
    if (tmp.nside) /* (memcpy from NULL is undefined even for 0 bytes) */
        memcpy(c->side, tmp.side, tmp.nside * sizeof(JitSideEntry));
    c->lazy = (JitLazyRec *)(c->side + tmp.nside);
    if (tmp.nlazy)
        memcpy(c->lazy, tmp.lazy, tmp.nlazy * sizeof(JitLazyRec));
    jit_cache.used = UE_ALIGN_UP((size_t)(b.p - jit_cache.rw), 16);
    ncounters += counter != NULL;
    VEC_PUSH(jit_cache.blocks, jit_cache.nblocks, jit_cache.cap_blocks, c);
    return c;
}

JitExitRec *jit_exit_rec(u32 *offset)
{
    JitExitRec *r = region_alloc(&records, sizeof *r);
    if (r)
        *offset = (u32)((u8 *)r - records.base);
    return r;
}

typedef void (*EnterFn)(u8 *code);

IrExitKind jit_run(void *env, JitCode *code)
{
    ((EnterFn)jit_cache.enter_routine)(code->rx);
    JitThread *t = (JitThread *)((char *)env + jit_cfg.thread_offset);
    const JitExitRec *r = (const JitExitRec *)(records.base + (u32)t->exit_rec);
    if (!r->pc_in_env)
        *(u64 *)((char *)env + jit_cfg.guest->pc_offset) = r->pc;
    t->exit_link = r->link;
    return (IrExitKind)r->kind;
}

static pthread_mutex_t chain_lock = PTHREAD_MUTEX_INITIALIZER; /* jumps being chained */

/* Is the rel32 at link (RX address) a jump to target? */
static bool jumps_to(u64 link, uintptr_t target)
{
    i32 rel;
    memcpy(&rel, (u8 *)(uintptr_t)link - rx_delta(), 4);
    return link + 4 + (u64)(i64)rel == target;
}

void jit_chain(u64 link, JitCode *to)
{
    pthread_mutex_lock(&chain_lock);
    struct JitLink *l;
    /* (another thread may have chained it; with no room for the link, the
     * jump stays an exit) */
    if (!jumps_to(link, (uintptr_t)to->rx) && (l = region_alloc(&links, sizeof *l))) {
        *l = (struct JitLink){link, to->in};
        to->in = l;
        x64_patch_rel32((u8 *)(uintptr_t)link - rx_delta(), (uintptr_t)link, (uintptr_t)to->rx);
    }
    pthread_mutex_unlock(&chain_lock);
}

void jit_unlink(JitCode *c)
{
    for (struct JitLink *l = c->in; l; l = l->next)
        if (jumps_to(l->link, (uintptr_t)c->rx)) /* (a jump re-chained elsewhere since is left alone) */
            x64_patch_rel32((u8 *)(uintptr_t)l->link - rx_delta(), (uintptr_t)l->link, (uintptr_t)l->link + 4);
    c->in = NULL;
    pthread_mutex_lock(&tables_lock);
    for (u32 i = 0; i < ntables; i++) {
        JitIndEntry *e = &tables[i][jit_ind_slot(c->guest_pc)];
        if (e->host == (u64)(uintptr_t)c->rx)
            *e = (JitIndEntry){0, 0};
    }
    pthread_mutex_unlock(&tables_lock);
}

void jit_replace(JitCode *from, JitCode *to)
{
    pthread_mutex_lock(&chain_lock);
    for (struct JitLink *l = from->in, *next; l; l = next) {
        next = l->next;
        if (!jumps_to(l->link, (uintptr_t)from->rx))
            continue; /* (re-chained elsewhere since) */
        l->next = to->in;
        to->in = l;
        x64_patch_rel32((u8 *)(uintptr_t)l->link - rx_delta(), (uintptr_t)l->link, (uintptr_t)to->rx);
    }
    from->in = NULL;
    pthread_mutex_unlock(&chain_lock);
    pthread_mutex_lock(&tables_lock);
    for (u32 i = 0; i < ntables; i++) {
        /* (a compare-and-swap: the table's thread may be filling the
         * entry with another block meanwhile) */
        u64 old = (u64)(uintptr_t)from->rx;
        __atomic_compare_exchange_n(&tables[i][jit_ind_slot(from->guest_pc)].host, &old, (u64)(uintptr_t)to->rx,
                                    false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
    }
    pthread_mutex_unlock(&tables_lock);
}

uintptr_t jit_code_addr(const JitCode *c) { return (uintptr_t)c->rx; }
u32 jit_code_size(const JitCode *c) { return c->size; }

static JitCode *block_at(uintptr_t host_pc)
{
    u32 lo = 0, hi = jit_cache.nblocks;
    while (lo < hi) {
        u32 mid = (lo + hi) / 2;
        JitCode *c = jit_cache.blocks[mid];
        if ((uintptr_t)c->rx + c->size <= host_pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < jit_cache.nblocks && (uintptr_t)jit_cache.blocks[lo]->rx <= host_pc)
        return jit_cache.blocks[lo];
    return NULL;
}

bool jit_fault_state(uintptr_t host_pc, const u64 *host_gprs, void *env)
{
    JitCode *c = block_at(host_pc);
    if (!c)
        return false;
    u32 off = (u32)(host_pc - (uintptr_t)c->rx);
    for (u32 i = 0; i < c->nside; i++) {
        const JitSideEntry *e = &c->side[i];
        if (e->host_off != off)
            continue;
        for (int r = 0; r < 16; r++)
            if (!(e->in_env & (1u << r)))
                *(u64 *)((char *)env + jit_cfg.gpr_offset[r]) = host_gprs[r];
        const JitThread *t = (const JitThread *)((const char *)env + jit_cfg.thread_offset);
        for (u32 k = 0; k < e->nlazy; k++) {
            const JitLazyRec *l = &c->lazy[e->lazy_first + k];
            u64 v = l->kind == JIT_LAZY_REG ? host_gprs[l->reg] : l->kind == JIT_LAZY_SLOT ? t->spill[2 * l->slot] : l->value;
            *(u64 *)((char *)env + l->offset) = v;
        }
        *(u64 *)((char *)env + jit_cfg.guest->pc_offset) = e->guest_pc;
        return true;
    }
    ue_panic("fault in generated code at 0x%lx (block 0x%llx+0x%x) outside any guest access",
             (unsigned long)host_pc, (unsigned long long)c->guest_pc, off);
}

/* Helpers of any signature: slots packs the spill-slot numbers of up to
 * three arguments (bits 0..47) and of the result (bits 48..63). */
void jit_call_adapter(void *env, const IrHelper *h, u64 slots);
void jit_call_adapter(void *env, const IrHelper *h, u64 slots)
{
    JitThread *t = (JitThread *)((char *)env + jit_cfg.thread_offset);
    V128 *s = (V128 *)t->spill;
    V128 a = s[slots & 0xffff], b = s[(slots >> 16) & 0xffff], c = s[(slots >> 32) & 0xffff];
    V128 *ret = &s[slots >> 48];
    switch (h->sig) {
    case IRH_I_I: ret->lo = ((IrHelperII)h->fn)(env, a.lo, b.lo, c.lo); ret->hi = 0; break;
    case IRH_V_V: *ret = ((IrHelperVV)h->fn)(env, a, b, c); break;
    case IRH_I_V: ret->lo = ((IrHelperIV)h->fn)(env, a, b, c); ret->hi = 0; break;
    case IRH_V_I: *ret = ((IrHelperVI)h->fn)(env, a.lo, b.lo, c.lo); break;
    }
}

void jit_disasm(const JitCode *c, int fd)
{
    char line[256];
    int n = snprintf(line, sizeof line, "OUT: [guest 0x%llx] %u bytes\n", (unsigned long long)c->guest_pc, c->size);
    ue_write_all(fd, line, (size_t)n);
    for (u32 off = 0; off < c->size;) {
        ZydisDisassembledInstruction insn;
        uintptr_t at = (uintptr_t)c->rx + off;
        if (!ZYAN_SUCCESS(ZydisDisassembleIntel(ZYDIS_MACHINE_MODE_LONG_64, at, (const void *)at, c->size - off, &insn)))
            break;
        n = snprintf(line, sizeof line, "  0x%lx:  %s\n", (unsigned long)at, insn.text);
        ue_write_all(fd, line, (size_t)n);
        off += insn.info.length;
    }
}
