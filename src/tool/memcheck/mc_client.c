/*
 * mc_client.c — memcheck's answers to client requests (include/ue/client.h,
 * which also documents each request; Valgrind's valgrind.h/memcheck.h
 * requests have the same numbers and are answered the same way):
 *
 *   custom blocks    MALLOCLIKE/FREELIKE/RESIZEINPLACE_BLOCK and the
 *                    mempool requests: a record per block, kept apart from
 *                    the heap's (the memory is the program's allocator's),
 *                    sorted by address; blocks get redzones, allocation and
 *                    free stacks, descriptions in reports and a place in
 *                    the leak check, as malloc's do
 *   memory state     MAKE_MEM_NOACCESS / UNDEFINED / DEFINED set the A
 *                    shadow (definedness is not tracked yet: undefined and
 *                    defined are both addressable); CHECK_MEM_IS_*
 *   the run          DO_LEAK_CHECK, COUNT_LEAKS, COUNT_ERRORS
 *
 * Where Valgrind's semantics are the model: a FREELIKE_BLOCK of an
 * unknown address is an invalid free; a request naming an unknown pool is
 * "Illegal memory pool address"; MALLOCLIKE and MEMPOOL_ALLOC count as
 * allocations in the heap summary, FREELIKE_BLOCK as a free, MEMPOOL_FREE
 * not.  Where ue differs: MALLOCLIKE_BLOCK also makes the rz bytes around
 * the block unaddressable (the allocator declared them redzones; Valgrind
 * leaves that to the allocator), and an address in a custom block inside a
 * heap block is described relative to the custom block.
 *
 * Marking memory outside the heap unaddressable (a stack buffer, a global)
 * switches the instrumentation to check every access, stack and constant
 * addresses included (mc_check_all), and drops the translations made
 * without those checks: such memory is otherwise never checked.
 */
#include "tool/memcheck/mc.h"

#include "arch/x86/x86.h"
#include "debug/debug.h"
#include "ue/client.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>

typedef struct McCustom {
    McBlock b;      /* payload, size, stacks, state: as the heap's blocks */
    u64 rz;
    GuestAddr pool; /* its mempool's anchor, 0 for MALLOCLIKE_BLOCK */
} McCustom;

typedef struct McPool {
    GuestAddr anchor;
    u64 rz;
} McPool;

static struct {
    pthread_mutex_t lock;
    McCustom **v; /* sorted by payload; live and freed (for descriptions) */
    u32 n, cap;
    McPool *pools;
    u32 npools, cap_pools;
} C = {.lock = PTHREAD_MUTEX_INITIALIZER};

bool mc_check_all;

/* ------------------------------------------------------------ records */

/* Index of the first record whose payload is >= a. */
static u32 lower_bound(GuestAddr a)
{
    u32 lo = 0, hi = C.n;
    while (lo < hi) {
        u32 mid = (lo + hi) / 2;
        if (C.v[mid]->b.payload < a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void insert(McCustom *c)
{
    u32 i = lower_bound(c->b.payload);
    VEC_PUSH(C.v, C.n, C.cap, NULL);
    memmove(&C.v[i + 1], &C.v[i], (C.n - 1 - i) * sizeof *C.v);
    C.v[i] = c;
}

static void remove_at(u32 i)
{
    free(C.v[i]);
    memmove(&C.v[i], &C.v[i + 1], (C.n - 1 - i) * sizeof *C.v);
    C.n--;
}

/* The live block of pool (0: MALLOCLIKE) starting at a. */
static McCustom *live_at(GuestAddr a, GuestAddr pool)
{
    for (u32 i = lower_bound(a); i < C.n && C.v[i]->b.payload == a; i++)
        if (C.v[i]->b.state == MC_BLOCK_LIVE && C.v[i]->pool == pool)
            return C.v[i];
    return NULL;
}

/* Freed records overlapping [lo, hi) go: the memory is being reused. */
static void forget_freed(GuestAddr lo, GuestAddr hi)
{
    for (u32 i = 0; i < C.n;) {
        McCustom *c = C.v[i];
        if (c->b.state != MC_BLOCK_LIVE && c->b.payload < hi && c->b.payload + c->b.size + c->rz > lo)
            remove_at(i);
        else
            i++;
    }
}

McBlock *mc_custom_find(GuestAddr a)
{
    McBlock *best = NULL;
    pthread_mutex_lock(&C.lock);
    /* The innermost block holding a (a mempool's chunk inside a block),
     * live or freed; else one whose redzones hold it, live first. */
    for (u32 i = 0; i < C.n; i++) {
        McBlock *b = &C.v[i]->b;
        if (a >= b->payload && a < b->payload + b->size && (!best || b->size < best->size))
            best = b;
    }
    for (int pass = 0; pass < 2 && !best; pass++) {
        for (u32 i = 0; i < C.n && !best; i++) {
            McCustom *c = C.v[i];
            if ((c->b.state == MC_BLOCK_LIVE) == (pass == 0) && a + c->rz >= c->b.payload &&
                a < c->b.payload + c->b.size + c->rz)
                best = &c->b;
        }
    }
    pthread_mutex_unlock(&C.lock);
    return best;
}

void mc_custom_each_live(void (*fn)(McBlock *b, void *ctx), void *ctx)
{
    pthread_mutex_lock(&C.lock);
    for (u32 i = 0; i < C.n; i++)
        if (C.v[i]->b.state == MC_BLOCK_LIVE)
            fn(&C.v[i]->b, ctx);
    pthread_mutex_unlock(&C.lock);
}

/* ---------------------------------------------------------- the shadow */

/* Can [a, a+len) have a shadow (inside the guest window)? */
static bool in_window(GuestAddr a, u64 len)
{
    return len && a >= MEM_G_START && a < MEM_G_END && len <= MEM_G_END - a;
}

/* Mark [a, a+len) with code (0: addressable); outside the heap, an
 * unaddressable mark makes the instrumentation check every access. */
static void mark(GuestProcess *p, GuestAddr a, u64 len, u8 code)
{
    if (!in_window(a, len))
        return;
    mc_shadow_set(a, len, code);
    if (code && !mc_check_all && !(mc_heap_contains(a) && mc_heap_contains(a + len - 1))) {
        mc_check_all = true;
        exec_invalidate(p, MEM_G_START, MEM_G_END - MEM_G_START);
    }
}

/* ------------------------------------------------------- custom blocks */

/* The stack of the request: the pc inside its sequence (rip is after it). */
static u32 request_stack(GuestCpu *cpu) { return mc_stack_here(cpu, cpu->regs.rip - 1); }

static void new_block(GuestCpu *cpu, GuestAddr a, u64 size, u64 rz, GuestAddr pool)
{
    if (!in_window(a, size ? size : 1) || rz > 4096)
        return;
    McCustom *c = ue_calloc(1, sizeof *c);
    c->b.payload = a;
    c->b.size = size;
    c->b.kind = MC_ALLOC_MALLOC;
    c->b.state = MC_BLOCK_LIVE;
    c->b.alloc_stack = request_stack(cpu);
    c->rz = rz;
    c->pool = pool;
    pthread_mutex_lock(&C.lock);
    forget_freed(a - rz, a + size + rz);
    insert(c);
    pthread_mutex_unlock(&C.lock);
    mc_heap_count(1, 0, size);
    if (rz && a - rz >= MEM_G_START)
        mark(cpu->proc, a - rz, rz, MC_SH_HEAP_LEFT);
    mark(cpu->proc, a, size, 0);
    if (rz)
        mark(cpu->proc, a + size, rz, MC_SH_HEAP_RIGHT);
}

/* FREELIKE_BLOCK and MEMPOOL_FREE: an unknown address is an invalid free. */
static void free_block(GuestCpu *cpu, GuestAddr a, GuestAddr pool)
{
    if (!pool)
        mc_heap_count(0, 1, 0);
    pthread_mutex_lock(&C.lock);
    McCustom *c = live_at(a, pool);
    if (c)
        c->b.state = MC_BLOCK_FREED;
    pthread_mutex_unlock(&C.lock);
    if (!c) {
        mc_report_free(cpu, cpu->regs.rip - 1, a, "free", mc_custom_find(a), false);
        return;
    }
    c->b.free_stack = request_stack(cpu);
    mark(cpu->proc, a, c->b.size, MC_SH_FREED);
}

static void resize_block(GuestCpu *cpu, GuestAddr a, u64 old, u64 size, u64 rz)
{
    pthread_mutex_lock(&C.lock);
    McCustom *c = live_at(a, 0);
    bool ok = c && c->b.size == old && size;
    if (ok)
        c->b.size = size;
    pthread_mutex_unlock(&C.lock);
    if (!ok)
        return;
    if (size > old)
        mark(cpu->proc, a + old, size - old, 0);
    mark(cpu->proc, a + size, (size < old ? old - size : 0) + rz, MC_SH_HEAP_RIGHT);
}

/* ------------------------------------------------------------ mempools */

static McPool *pool_of(GuestAddr anchor)
{
    for (u32 i = 0; i < C.npools; i++)
        if (C.pools[i].anchor == anchor)
            return &C.pools[i];
    return NULL;
}

static void create_pool(GuestAddr anchor, u64 rz)
{
    pthread_mutex_lock(&C.lock);
    if (!pool_of(anchor))
        VEC_PUSH(C.pools, C.npools, C.cap_pools, ((McPool){.anchor = anchor, .rz = rz}));
    pthread_mutex_unlock(&C.lock);
}

/* The pool anchored at anchor, or NULL after an "Illegal memory pool
 * address" report. */
static bool known_pool(GuestCpu *cpu, GuestAddr anchor, u64 *rz)
{
    pthread_mutex_lock(&C.lock);
    McPool *p = pool_of(anchor);
    if (p && rz)
        *rz = p->rz;
    pthread_mutex_unlock(&C.lock);
    if (!p)
        mc_report_mempool(cpu, cpu->regs.rip - 1, anchor);
    return p != NULL;
}

/* Every block of the pool is freed, and the pool forgotten. */
static void destroy_pool(GuestCpu *cpu, GuestAddr anchor)
{
    if (!known_pool(cpu, anchor, NULL))
        return;
    u32 stack = request_stack(cpu);
    pthread_mutex_lock(&C.lock);
    for (u32 i = 0; i < C.n; i++) {
        McCustom *c = C.v[i];
        if (c->pool == anchor && c->b.state == MC_BLOCK_LIVE) {
            c->b.state = MC_BLOCK_FREED;
            c->b.free_stack = stack;
            if (in_window(c->b.payload, c->b.size))
                mc_shadow_set(c->b.payload, c->b.size, MC_SH_FREED);
        }
    }
    McPool *p = pool_of(anchor);
    *p = C.pools[--C.npools];
    pthread_mutex_unlock(&C.lock);
}

/* -------------------------------------------------------- other requests */

/* CHECK_MEM_IS_ADDRESSABLE: 0, or the first byte that is unmapped or not
 * addressable, reported. */
static u64 check_addressable(GuestCpu *cpu, GuestAddr a, u64 len)
{
    if (!len)
        return 0;
    GuestAddr bad = 0;
    MemSpace *m = &cpu->proc->mem;
    for (GuestAddr q = a; q - a < len && !bad; q = UE_ALIGN_DOWN(q, 4096) + 4096)
        if (!in_window(q, 1) || (!mem_range_ok(m, q, 1, PROT_READ) && !mem_range_ok(m, q, 1, PROT_WRITE)))
            bad = q;
    u8 code;
    GuestAddr sbad = in_window(a, len) ? mc_shadow_first_bad(a, bad ? bad - a : len, false, &code) : 0;
    if (sbad)
        bad = sbad;
    if (bad)
        mc_report_client_check(cpu, cpu->regs.rip - 1, bad);
    return bad;
}

/* COUNT_LEAKS / COUNT_LEAK_BLOCKS: the last leak check's totals, written
 * through the four pointers the request passes. */
static void count_leaks(GuestCpu *cpu, const u64 *args, bool blocks)
{
    u64 v[4];
    mc_leak_totals(v, blocks);
    for (int i = 0; i < 4; i++)
        if (args[1 + i] && mem_range_ok(&cpu->proc->mem, args[1 + i], 8, PROT_WRITE))
            *(u64 *)(uintptr_t)args[1 + i] = v[i];
}

bool mc_client_request(GuestCpu *cpu, const u64 *args, u64 *result)
{
    GuestProcess *p = cpu->proc;
    u64 rz = 0;
    switch (args[0]) {
    case UE_REQ_RUNNING_ON_UE: *result = 1; return true;
    case UE_REQ_DISCARD_TRANSLATIONS:
        if (in_window(args[1], args[2]))
            exec_invalidate(p, args[1], args[2]);
        return true;
    case UE_REQ_COUNT_ERRORS: *result = mc_error_count(); return true;
    case UE_REQ_MALLOCLIKE_BLOCK: new_block(cpu, args[1], args[2], args[3], 0); return true;
    case UE_REQ_FREELIKE_BLOCK: free_block(cpu, args[1], 0); return true;
    case UE_REQ_RESIZEINPLACE_BLOCK: resize_block(cpu, args[1], args[2], args[3], args[4]); return true;
    case UE_REQ_CREATE_MEMPOOL: create_pool(args[1], args[2]); return true;
    case UE_REQ_DESTROY_MEMPOOL: destroy_pool(cpu, args[1]); return true;
    case UE_REQ_MEMPOOL_ALLOC:
        if (known_pool(cpu, args[1], &rz))
            new_block(cpu, args[2], args[3], rz, args[1]);
        return true;
    case UE_REQ_MEMPOOL_FREE:
        if (known_pool(cpu, args[1], NULL))
            free_block(cpu, args[2], args[1]);
        return true;
    case UE_REQ_MEMPOOL_EXISTS:
        pthread_mutex_lock(&C.lock);
        *result = pool_of(args[1]) != NULL;
        pthread_mutex_unlock(&C.lock);
        return true;
    case UE_REQ_MAKE_MEM_NOACCESS: mark(p, args[1], args[2], MC_SH_USER); *result = 0; return true;
    case UE_REQ_MAKE_MEM_UNDEFINED:
    case UE_REQ_MAKE_MEM_DEFINED: mark(p, args[1], args[2], 0); *result = 0; return true;
    case UE_REQ_CHECK_MEM_IS_ADDRESSABLE:
    case UE_REQ_CHECK_MEM_IS_DEFINED: *result = check_addressable(cpu, args[1], args[2]); return true;
    case UE_REQ_DO_LEAK_CHECK:
        mc_leak_check(p, args[1] ? MC_LEAK_SUMMARY : MC_LEAK_FULL, false);
        return true;
    case UE_REQ_COUNT_LEAKS: count_leaks(cpu, args, false); return true;
    case UE_REQ_COUNT_LEAK_BLOCKS: count_leaks(cpu, args, true); return true;
    default: return false;
    }
}
