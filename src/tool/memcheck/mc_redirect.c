/*
 * mc_redirect.c — memcheck's allocator replacement by function
 * redirection (DESIGN.md "Heap"; Valgrind's redirection, without a preload
 * library): when a block starts at an allocator entry point of the C or
 * C++ runtime, its translation is IR that calls ue's allocator and returns
 * to the caller instead of the guest's own code.
 *
 *   PUT rip, pc                   (the helper records the caller's stack)
 *   rax = CALL mc_<fn>(rdi, rsi, rdx)
 *   ret                           (pop the return address, EXIT_IND)
 *
 * Which objects: glibc (libc.so.*, or a static program that contains
 * glibc's __libc_malloc) and the C++ runtimes (libstdc++.so.*, libc++.so.*).
 * A program's own allocator elsewhere is left alone; it can announce its
 * blocks with client requests.  Entry points are found by symbol name in
 * .dynsym/.symtab as each object is mapped (debug layer).
 */
#include "tool/memcheck/mc.h"

#include "arch/x86/x86.h"
#include "debug/debug.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>

typedef enum McFn {
#define FN(id, name, kind) MC_FN_##id,
#include "tool/memcheck/mc_redirect.def"
#undef FN
    MC_NFNS
} McFn;

static const char *const fn_symbols[MC_NFNS + 1] = {
#define FN(id, name, kind) name,
#include "tool/memcheck/mc_redirect.def"
#undef FN
};

/* The redirected entry points: a small open-addressed map pc -> what
 * (MC_RT_* | index). */
static struct {
    pthread_mutex_t lock;
    GuestAddr *pc;
    u16 *fn;
    u32 mask, n;
} R = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void add(GuestAddr pc, u16 what)
{
    if (2 * (R.n + 1) > R.mask + 1 || !R.pc) {
        u32 mask = R.pc ? 2 * R.mask + 1 : 255;
        GuestAddr *pcs = ue_calloc(mask + 1, sizeof *pcs);
        u16 *fns = ue_calloc(mask + 1, sizeof *fns);
        for (u32 i = 0; R.pc && i <= R.mask; i++) {
            if (!R.pc[i])
                continue;
            u32 j = (u32)ue_hash64(R.pc[i]) & mask;
            while (pcs[j])
                j = (j + 1) & mask;
            pcs[j] = R.pc[i];
            fns[j] = R.fn[i];
        }
        free(R.pc);
        free(R.fn);
        R.pc = pcs;
        R.fn = fns;
        R.mask = mask;
    }
    u32 j = (u32)ue_hash64(pc) & R.mask;
    while (R.pc[j] && R.pc[j] != pc)
        j = (j + 1) & R.mask;
    if (!R.pc[j])
        R.n++;
    R.pc[j] = pc;
    R.fn[j] = what;
}

void mc_redirect_add(GuestAddr pc, u16 what)
{
    pthread_mutex_lock(&R.lock);
    add(pc, what);
    pthread_mutex_unlock(&R.lock);
}

static int lookup(GuestAddr pc)
{
    if (!R.pc)
        return -1;
    for (u32 j = (u32)ue_hash64(pc) & R.mask; R.pc[j]; j = (j + 1) & R.mask)
        if (R.pc[j] == pc)
            return R.fn[j];
    return -1;
}

static void found(void *ctx, u32 i, const DbgSym *sym)
{
    (void)ctx;
    if (!sym->ifunc)
        add(sym->addr, (u16)(MC_RT_HEAP | i));
}

static void ignore(void *ctx, u32 i, const DbgSym *sym)
{
    (void)ctx, (void)i, (void)sym;
}

/* What a failed allocation does besides returning NULL, as natively:
 * malloc & co. set errno to ENOMEM (through the guest's own
 * __errno_location, the slots below), operator new throws std::bad_alloc
 * (a tail call of libstdc++'s std::__throw_bad_alloc). */
static struct {
    GuestAddr errno_location, throw_bad_alloc;
} F;

static void found_fail(void *ctx, u32 i, const DbgSym *sym)
{
    (void)ctx;
    GuestAddr *slot = i == 0 ? &F.errno_location : &F.throw_bad_alloc;
    if (!sym->ifunc && !*slot)
        *slot = sym->addr;
}

/* The file name of object o, without its directory. */
static const char *object_file(DbgObject *o)
{
    const char *path = dbg_object_path(o);
    const char *base = strrchr(path, '/');
    return base ? base + 1 : path;
}

static bool runtime_object(DbgObject *o)
{
    const char *base = object_file(o);
    if (!strncmp(base, "libc.so", 7) || !strncmp(base, "libstdc++.so", 12) || !strncmp(base, "libc++.so", 9))
        return true;
    /* A static program with glibc inside. */
    static const char *const probe[] = {"__libc_malloc"};
    return dbg_find_functions(o, probe, 1, ignore, NULL) > 0;
}

/* The debug layer's hook: a new object is mapped. */
void mc_object_hook(void *ctx, DbgObject *o);
void mc_object_hook(void *ctx, DbgObject *o)
{
    (void)ctx;
    if (!runtime_object(o)) {
        /* The dynamic linker has its own string functions (rtld's strlen
         * reads whole aligned vectors, as libc's does); Valgrind redirects
         * them too.  Found by name when its symbols are there (libc6-dbg). */
        if (!strncmp(object_file(o), "ld-linux", 8))
            mc_string_object(o);
        return;
    }
    pthread_mutex_lock(&R.lock);
    dbg_find_functions(o, fn_symbols, MC_NFNS, found, NULL);
    pthread_mutex_unlock(&R.lock);
    static const char *const fail_fns[] = {"__errno_location", "_ZSt17__throw_bad_allocv"};
    dbg_find_functions(o, fail_fns, 2, found_fail, NULL);
    mc_string_object(o);
    mc_freeres_object(o);
}

/* ---- the replacements (helpers called from redirected blocks) ---- */

static bool fishy(GuestCpu *cpu, const char *fn, const char *arg, u64 v)
{
    if ((i64)v >= 0)
        return false;
    mc_report_fishy(cpu, cpu->regs.rip, fn, arg, (i64)v);
    return true;
}

static GuestAddr do_realloc(GuestCpu *cpu, GuestAddr p, u64 size, const char *fn)
{
    if (!p)
        return fishy(cpu, fn, "size", size) ? 0 : mc_heap_alloc(cpu, size, 16, MC_ALLOC_MALLOC, false);
    if (fishy(cpu, fn, "size", size))
        return 0;
    McBlock *b = mc_heap_find(p);
    if (!b || b->state != MC_BLOCK_LIVE || b->payload != p) {
        mc_report_free(cpu, cpu->regs.rip, p, fn, b, false);
        return 0;
    }
    if (size == 0) { /* glibc: realloc(p, 0) frees p */
        mc_heap_free(cpu, p, MC_ALLOC_MALLOC, fn);
        return 0;
    }
    GuestAddr n = mc_heap_alloc(cpu, size, 16, MC_ALLOC_MALLOC, false);
    if (!n)
        return 0;
    memcpy((void *)(uintptr_t)n, (const void *)(uintptr_t)p, UE_MIN(size, b->size));
    mc_heap_free(cpu, p, MC_ALLOC_MALLOC, fn);
    return n;
}

static bool pow2(u64 x) { return x && !(x & (x - 1)); }

/* memalign and aligned_alloc as glibc 2.36 has them: an alignment that is
 * not a power of two is reported (Valgrind 3.22's check and wording) and
 * rounded up to one; 16 or less is malloc's own. */
static GuestAddr do_memalign(GuestCpu *cpu, const char *fn, u64 align, u64 size)
{
    if (!pow2(align))
        mc_report_bad_align(cpu, cpu->regs.rip, align, " (should be power of 2)");
    if (align > (1ull << 63) || fishy(cpu, fn, "size", size))
        return 0;
    u64 a = 16;
    while (a < align)
        a <<= 1;
    return mc_heap_alloc(cpu, size, a, MC_ALLOC_MALLOC, false);
}

/* posix_memalign: EINVAL, and a report, unless the alignment is a power
 * of two multiple of sizeof(void *). */
static u64 do_posix_memalign(GuestCpu *cpu, GuestAddr out, u64 align, u64 size)
{
    if (!pow2(align) || align % sizeof(void *)) {
        mc_report_bad_align(cpu, cpu->regs.rip, align,
                            " (should be non-zero, a power of 2 and a multiple of sizeof(void*))");
        return EINVAL;
    }
    GuestAddr p = fishy(cpu, "posix_memalign", "size", size) ? 0 : mc_heap_alloc(cpu, size, align, MC_ALLOC_MALLOC, false);
    if (!p)
        return ENOMEM;
    if (!mem_range_ok(&mc_proc->mem, out, 8, PROT_WRITE)) {
        mc_report_access(cpu, cpu->regs.rip, out, 8, true);
        return EINVAL;
    }
    *(u64 *)(uintptr_t)out = p;
    return 0;
}

/* calloc: a product that overflows fails quietly (glibc: NULL), as in
 * memcheck, before the fishy-argument checks. */
static GuestAddr do_calloc(GuestCpu *cpu, u64 n, u64 size)
{
    unsigned __int128 total = (unsigned __int128)n * size;
    if (total >> 64)
        return 0;
    if (fishy(cpu, "calloc", "nmemb", n) || fishy(cpu, "calloc", "size", size) || (total >> 63))
        return 0;
    return mc_heap_alloc(cpu, (u64)total, 16, MC_ALLOC_MALLOC, true);
}

/* Where a call of fn that returned NULL for these arguments goes instead
 * of returning, or 0. */
static GuestAddr on_failure(McFn fn, u64 a, u64 b, u64 c)
{
    switch (fn) {
    case MC_FN_NEW: case MC_FN_NEW_ARRAY: case MC_FN_NEW_ALIGNED: case MC_FN_NEW_ARRAY_ALIGNED:
        return F.throw_bad_alloc;
    case MC_FN_MALLOC: case MC_FN_CALLOC: case MC_FN_MEMALIGN: case MC_FN_ALIGNED_ALLOC: case MC_FN_VALLOC:
    case MC_FN_PVALLOC:
        return F.errno_location ? mc_slot_addr(MC_SLOT_ENOMEM) : 0;
    case MC_FN_REALLOC: /* realloc(p, 0) returns NULL without failing */
        return b && F.errno_location ? mc_slot_addr(MC_SLOT_ENOMEM) : 0;
    case MC_FN_REALLOCARRAY: return b && c && F.errno_location ? mc_slot_addr(MC_SLOT_ENOMEM) : 0;
    default: (void)a; return 0;
    }
}

/* One entry for every replacement: fn selects, a/b/c are rdi/rsi/rdx. */
static u64 heap_call(GuestCpu *cpu, u64 which, u64 a, u64 b)
{
    u64 c = cpu->regs.gpr[X86_RDX];
    switch ((McFn)which) {
#define ALLOC(fnname, kind, size, align, zero) \
    return fishy(cpu, fnname, "size", size) ? 0 : mc_heap_alloc(cpu, size, align, kind, zero)
    case MC_FN_MALLOC: ALLOC("malloc", MC_ALLOC_MALLOC, a, 16, false);
    case MC_FN_NEW: case MC_FN_NEW_NOTHROW: ALLOC("operator new", MC_ALLOC_NEW, a, 16, false);
    case MC_FN_NEW_ARRAY: case MC_FN_NEW_ARRAY_NOTHROW: ALLOC("operator new[]", MC_ALLOC_NEW_ARRAY, a, 16, false);
    case MC_FN_NEW_ALIGNED: case MC_FN_NEW_ALIGNED_NOTHROW: ALLOC("operator new", MC_ALLOC_NEW, a, b, false);
    case MC_FN_NEW_ARRAY_ALIGNED: case MC_FN_NEW_ARRAY_ALIGNED_NOTHROW:
        ALLOC("operator new[]", MC_ALLOC_NEW_ARRAY, a, b, false);
    case MC_FN_VALLOC: ALLOC("valloc", MC_ALLOC_MALLOC, a, 4096, false);
    case MC_FN_PVALLOC: ALLOC("pvalloc", MC_ALLOC_MALLOC, UE_ALIGN_UP(a, 4096), 4096, false);
#undef ALLOC
    case MC_FN_MEMALIGN: return do_memalign(cpu, "memalign", a, b);
    case MC_FN_ALIGNED_ALLOC: return do_memalign(cpu, "aligned_alloc", a, b);
    case MC_FN_CALLOC: return do_calloc(cpu, a, b);
    case MC_FN_REALLOC: return do_realloc(cpu, a, b, "realloc");
    case MC_FN_REALLOCARRAY: {
        unsigned __int128 total = (unsigned __int128)b * c;
        if (total >> 63)
            return 0;
        return do_realloc(cpu, a, (u64)total, "reallocarray");
    }
    case MC_FN_POSIX_MEMALIGN: return do_posix_memalign(cpu, a, b, c);
    case MC_FN_FREE: mc_heap_free(cpu, a, MC_ALLOC_MALLOC, "free"); return 0;
    case MC_FN_DELETE: case MC_FN_DELETE_SIZED: case MC_FN_DELETE_ALIGNED: case MC_FN_DELETE_SIZED_ALIGNED:
    case MC_FN_DELETE_NOTHROW: case MC_FN_DELETE_ALIGNED_NOTHROW:
        mc_heap_free(cpu, a, MC_ALLOC_NEW, "operator delete");
        return 0;
    case MC_FN_DELETE_ARRAY: case MC_FN_DELETE_ARRAY_SIZED: case MC_FN_DELETE_ARRAY_ALIGNED:
    case MC_FN_DELETE_ARRAY_SIZED_ALIGNED: case MC_FN_DELETE_ARRAY_NOTHROW: case MC_FN_DELETE_ARRAY_ALIGNED_NOTHROW:
        mc_heap_free(cpu, a, MC_ALLOC_NEW_ARRAY, "operator delete[]");
        return 0;
    case MC_FN_MALLOC_USABLE_SIZE: {
        McBlock *blk = a ? mc_heap_find(a) : NULL;
        return blk && blk->state == MC_BLOCK_LIVE && blk->payload == a ? blk->size : 0;
    }
    default:
        return 0;
    }
}

/* The replacement of fn (rdi, rsi, rdx): its result; rip stays pc, or
 * names where a failure goes on (on_failure). */
static u64 h_heap(void *env, u64 which, u64 a, u64 b)
{
    GuestCpu *cpu = mc_cpu_of(env);
    GuestAddr pc = cpu->regs.rip;
    u64 r = heap_call(cpu, which, a, b);
    GuestAddr next = r ? 0 : on_failure((McFn)which, a, b, cpu->regs.gpr[X86_RDX]);
    cpu->regs.rip = next ? next : pc;
    return r;
}

static const IrHelper mc_h_heap = {.name = "mc_heap", .fn = (void *)h_heap, .sig = IRH_I_I,
                                   .flags = IRH_READS_STATE | IRH_WRITES_STATE, .nargs = 3};

/* The ENOMEM slots: set the guest's errno as glibc's malloc does, from
 * the entry of the failed function (its return address on the stack):
 *
 *   MC_SLOT_ENOMEM:      push MC_SLOT_ENOMEM_RET (16 below: the callee's
 *                        entry RSP is 8 mod 16); jump to __errno_location
 *   MC_SLOT_ENOMEM_RET:  *(int *)rax = ENOMEM; rax = NULL; return to the
 *                        failed function's caller */
static void emit_enomem(IrBuilder *b, GuestAddr pc, bool ret)
{
    u32 rsp = X86_GPR_OFF(X86_RSP);
    ir_imark(b, pc, 1);
    ir_put(b, X86_OFF(rip), ir_const(b, IR_I64, pc));
    u32 sp = ir_get(b, IR_I64, rsp);
    if (!ret) {
        u32 nsp = ir_sub(b, sp, ir_const(b, IR_I64, 16));
        ir_store(b, nsp, ir_const(b, IR_I64, mc_slot_addr(MC_SLOT_ENOMEM_RET)));
        ir_put(b, rsp, nsp);
        ir_exit(b, F.errno_location, IR_EXIT_CALL);
        return;
    }
    ir_store(b, ir_get(b, IR_I64, X86_GPR_OFF(X86_RAX)), ir_const(b, IR_I32, ENOMEM));
    ir_put(b, X86_GPR_OFF(X86_RAX), ir_const(b, IR_I64, 0));
    u32 caller_sp = ir_add(b, sp, ir_const(b, IR_I64, 8));
    ir_put(b, rsp, ir_add(b, caller_sp, ir_const(b, IR_I64, 8)));
    ir_exit_ind(b, ir_load(b, IR_I64, caller_sp), IR_EXIT_RET);
}

bool mc_redirect(GuestProcess *p, GuestAddr pc, IrBuilder *b)
{
    (void)p;
    pthread_mutex_lock(&R.lock);
    int what = lookup(pc);
    pthread_mutex_unlock(&R.lock);
    if (what < 0)
        return false;
    switch (what & MC_RT_TAG) {
    case MC_RT_STRING: mc_string_emit(b, pc, (u32)what & 0xff); return true;
    case MC_RT_RESOLVER: mc_string_emit_resolver(b, pc, (u32)what & 0xff); return true;
    case MC_RT_FREERES: mc_freeres_emit(b, pc); return true;
    case MC_RT_ENOMEM: emit_enomem(b, pc, what & 1); return true;
    default: break;
    }
    u32 fn = (u32)what & 0xff;
    ir_imark(b, pc, 1);
    ir_put(b, X86_OFF(rip), ir_const(b, IR_I64, pc));
    u32 rdi = ir_get(b, IR_I64, X86_GPR_OFF(X86_RDI));
    u32 rsi = ir_get(b, IR_I64, X86_GPR_OFF(X86_RSI));
    u32 r = ir_call(b, &mc_h_heap, IR_I64, ir_const(b, IR_I64, (u64)fn), rdi, rsi);
    ir_put(b, X86_GPR_OFF(X86_RAX), r);
    mc_emit_return(b, pc);
    return true;
}
