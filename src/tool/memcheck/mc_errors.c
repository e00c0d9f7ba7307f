/*
 * mc_errors.c — memcheck's errors: what each kind says (in memcheck's own
 * words, since developers and CI scripts already read them), how an
 * address is described relative to heap blocks, and the hand-off to the
 * debug layer's reporter (text, XML, SARIF, suppressions, de-duplication).
 */
#include "tool/memcheck/mc.h"

#include "arch/x86/x86.h"
#include "debug/debug.h"

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

DbgReporter *mc_reporter;

/* The stack of cpu at pc: pcs, and each frame's RSP in sps unless NULL
 * (see dbg_unwind_frames).  A replaced function at its entry (pc: its
 * slot, which has no unwind information) is the slot, then the caller's
 * stack from the return address on top of the stack. */
static u32 unwind_at(GuestCpu *cpu, GuestAddr pc, GuestAddr *pcs, GuestAddr *sps, u32 max)
{
    MemSpace *m = &cpu->proc->mem;
    X86Regs r = cpu->regs;
    u64 ra;
    u32 n = 0;
    if (mc_in_replacement(pc)) {
        pcs[0] = pc;
        if (sps)
            sps[0] = r.gpr[X86_RSP];
        if (max > 1 && dbg_read_guest(m, r.gpr[X86_RSP], &ra, 8)) {
            r.rip = ra;
            r.gpr[X86_RSP] += 8;
            n = dbg_unwind_frames(&r, dbg_read_guest, m, pcs + 1, sps ? sps + 1 : NULL, max - 1);
            if (n)
                pcs[1] -= 1; /* a return address: show the call */
        }
        return n + 1;
    }
    if (sps) {
        r.rip = pc;
        return dbg_unwind_frames(&r, dbg_read_guest, m, pcs, sps, max);
    }
    /* The hot path (a stack per malloc and free): the unwinder's reader
     * that caches the stack's region. */
    GuestAddr saved = cpu->regs.rip;
    cpu->regs.rip = pc;
    n = dbg_unwind_cpu(cpu, pcs, max);
    cpu->regs.rip = saved;
    return n;
}

u32 mc_stack_here(GuestCpu *cpu, GuestAddr pc)
{
    GuestAddr pcs[DBG_MAX_STACK];
    u32 n = unwind_at(cpu, pc, pcs, NULL, UE_MIN(mc_opts.num_callers + 4, (u32)DBG_MAX_STACK));
    return dbg_depot_put(pcs, n);
}

/* The error happened in cpu's thread, at pc. */
static void set_stack(DbgError *e, GuestCpu *cpu, GuestAddr pc)
{
    e->pcs = dbg_depot_get(mc_stack_here(cpu, pc), &e->npcs);
    e->tid = cpu->tid;
}

static void add_aux(DbgError *e, const char *text, u32 stack)
{
    DbgAux *a = &e->aux[e->naux++];
    a->text = text;
    a->pcs = stack ? dbg_depot_get(stack, &a->npcs) : NULL;
    if (!stack)
        a->npcs = 0;
}

/* ---- stack addresses (Valgrind's describe_addr, its Addr_Stack case) ----
 *
 * An address is on a thread's stack if it lies in the region holding the
 * thread's RSP: "stacked" from RSP less the red zone up, with the frame
 * holding it when the reporting thread's own stack says ("in frame #1,
 * created by main (file.c:12)"); lower, "N bytes below stack pointer".
 * A PROT_NONE page just below a thread's stack is its guard page.  A stack
 * region no live thread is on (a finished thread's) is just a segment. */

enum { STACK_REDZONE = 128, MAX_FRAME = 64 << 20 };

/* The thread whose stack region r is, or NULL; *guard: r is the guard
 * page below it. */
static GuestCpu *stack_owner(const MemRegion *r, bool *guard)
{
    GuestProcess *p = mc_proc;
    MemRegion above;
    bool maybe_guard = r->prot == PROT_NONE && mem_region_at(&p->mem, r->end, &above) && above.start == r->end;
    GuestCpu *owner = NULL;
    *guard = false;
    pthread_mutex_lock(&p->cpus_lock);
    for (u32 i = 0; i < p->ncpus && !owner; i++) {
        GuestAddr sp = p->cpus[i]->regs.gpr[X86_RSP];
        if (sp >= r->start && sp < r->end)
            owner = p->cpus[i];
        else if (maybe_guard && sp >= above.start && sp < above.end)
            owner = p->cpus[i], *guard = true;
    }
    pthread_mutex_unlock(&p->cpus_lock);
    return owner;
}

/* "in frame #N, created by fn (file:line)" for the frame of cpu's stack
 * at pc that holds a: frame N's stack is [its RSP, its caller's RSP), of a
 * sane size, among the first --num-callers frames.  False if none. */
static bool frame_holding(GuestCpu *cpu, GuestAddr pc, GuestAddr a, char *buf, size_t len)
{
    GuestAddr pcs[DBG_MAX_STACK], sps[DBG_MAX_STACK];
    u32 n = unwind_at(cpu, pc, pcs, sps, UE_MIN(mc_opts.num_callers, (u32)DBG_MAX_STACK));
    char who[120];
    for (u32 f = 0; f + 1 < n; f++) {
        if (sps[f] <= a && a < sps[f + 1] && sps[f + 1] - sps[f] <= MAX_FRAME) {
            if (!dbg_frame_creator(pcs[f], who, sizeof who))
                return false;
            snprintf(buf, len, "in frame #%u, created by %s", f, who);
            return true;
        }
    }
    return false;
}

/* The lines for a on a thread's stack (region r), or false if r is no
 * live thread's stack. */
static bool describe_stack(GuestCpu *cpu, GuestAddr pc, GuestAddr a, const MemRegion *r, DbgError *e,
                           char bufs[3][160])
{
    bool guard;
    GuestCpu *owner = stack_owner(r, &guard);
    if (!owner)
        return false;
    GuestAddr sp = owner->regs.gpr[X86_RSP];
    snprintf(bufs[0], 160, "Address 0x%llx is on thread %d's stack", (unsigned long long)a,
             owner->tid ? owner->tid : 1);
    add_aux(e, bufs[0], 0);
    if (guard || a + STACK_REDZONE < sp) {
        snprintf(bufs[1], 160, "%s%llu bytes below stack pointer", guard ? "In stack guard protected page, " : "",
                 (unsigned long long)(sp - a));
        add_aux(e, bufs[1], 0);
    } else if (owner == cpu && frame_holding(cpu, pc, a, bufs[1], 160)) {
        add_aux(e, bufs[1], 0);
    }
    return true;
}

/* Where a non-heap address is, in memcheck's words: e's aux lines. */
static void describe_region(GuestCpu *cpu, GuestAddr pc, GuestAddr addr, DbgError *e, char bufs[3][160])
{
    char *buf = bufs[0];
    size_t len = 160;
    MemRegion r;
    if (!mem_region_at(&mc_proc->mem, addr, &r) || mc_heap_contains(addr)) {
        snprintf(buf, len, "Address 0x%llx is not stack'd, malloc'd or (recently) free'd", (unsigned long long)addr);
        add_aux(e, buf, 0);
        return;
    }
    char perms[4] = {r.prot & PROT_READ ? 'r' : '-', r.prot & PROT_WRITE ? 'w' : '-', r.prot & PROT_EXEC ? 'x' : '-', 0};
    DbgDataSym ds;
    if (r.kind == MEM_KIND_FILE && dbg_data_symbol(addr, &ds)) {
        snprintf(buf, len, "Address 0x%llx is %llu bytes inside data symbol \"%s\"", (unsigned long long)addr,
                 (unsigned long long)(addr - ds.addr), ds.name);
        add_aux(e, buf, 0);
        return;
    }
    if (r.kind != MEM_KIND_FILE && describe_stack(cpu, pc, addr, &r, e, bufs))
        return;
    char path[128] = "";
    if (r.kind == MEM_KIND_FILE) {
        DbgObject *o = dbg_object_at(addr);
        snprintf(path, sizeof path, "%s", o ? dbg_object_path(o) : "");
    }
    if (path[0])
        snprintf(buf, len, "Address 0x%llx is in a %s mapped file %s segment", (unsigned long long)addr, perms, path);
    else
        snprintf(buf, len, "Address 0x%llx is in a %s %s segment", (unsigned long long)addr, perms,
                 r.kind == MEM_KIND_FILE ? "mapped file" : "anonymous");
    add_aux(e, buf, 0);
}

/* The "Address 0x... is ..." lines for addr, found by cpu at pc; text
 * buffers come from bufs. */
static void describe(GuestCpu *cpu, GuestAddr pc, DbgError *e, GuestAddr addr, char bufs[3][160])
{
    /* A custom allocator's block first: it may lie inside a heap block. */
    McBlock *b = mc_custom_find(addr);
    if (!b)
        b = mc_heap_find(addr);
    if (!b || (b->state == MC_BLOCK_AVAILABLE && !b->free_stack)) {
        describe_region(cpu, pc, addr, e, bufs);
        return;
    }
    const char *where;
    u64 off;
    if (addr < b->payload) {
        where = "before";
        off = b->payload - addr;
    } else if (addr >= b->payload + b->size) {
        where = "after";
        off = addr - (b->payload + b->size);
    } else {
        where = "inside";
        off = addr - b->payload;
    }
    bool freed = b->state != MC_BLOCK_LIVE;
    snprintf(bufs[0], 160, "Address 0x%llx is %llu bytes %s a block of size %llu %s", (unsigned long long)addr,
             (unsigned long long)off, where, (unsigned long long)b->size, freed ? "free'd" : "alloc'd");
    add_aux(e, bufs[0], freed ? b->free_stack : b->alloc_stack);
    if (freed)
        add_aux(e, "Block was alloc'd at", b->alloc_stack);
}

static void report(DbgError *e)
{
    if (mc_reporter)
        dbg_report_error(mc_reporter, e);
}

void mc_report_access(GuestCpu *cpu, GuestAddr pc, GuestAddr addr, unsigned size, bool write)
{
    char what[64], supp[16], bufs[3][160];
    DbgError e = {0};
    snprintf(what, sizeof what, "Invalid %s of size %u", write ? "write" : "read", size);
    snprintf(supp, sizeof supp, "Addr%u", size);
    e.kind = write ? "InvalidWrite" : "InvalidRead";
    e.what = what;
    e.supp_kind = supp;
    set_stack(&e, cpu, pc);
    describe(cpu, pc, &e, addr, bufs);
    report(&e);
}

void mc_report_free(GuestCpu *cpu, GuestAddr pc, GuestAddr addr, const char *fn, const McBlock *b, bool mismatch)
{
    char bufs[3][160];
    DbgError e = {0};
    e.kind = mismatch ? "MismatchedFree" : "InvalidFree";
    e.what = mismatch ? "Mismatched free() / delete / delete []" : "Invalid free() / delete / delete[] / realloc()";
    e.supp_kind = "Free";
    (void)fn;
    set_stack(&e, cpu, pc);
    if (mismatch && b) {
        snprintf(bufs[0], 160, "Address 0x%llx is 0 bytes inside a block of size %llu alloc'd",
                 (unsigned long long)addr, (unsigned long long)b->size);
        add_aux(&e, bufs[0], b->alloc_stack);
    } else {
        describe(cpu, pc, &e, addr, bufs);
    }
    report(&e);
}

void mc_report_fishy(GuestCpu *cpu, GuestAddr pc, const char *fn, const char *arg, i64 value)
{
    char what[160];
    DbgError e = {0};
    snprintf(what, sizeof what, "Argument '%s' of function %s has a fishy (possibly negative) value: %lld", arg, fn,
             (long long)value);
    char supp_aux[96];
    snprintf(supp_aux, sizeof supp_aux, "%s(%s)", fn, arg); /* the suppression's extra line */
    e.kind = "FishyValue";
    e.what = what;
    e.dedup = supp_aux; /* the function and argument, whatever the value */
    e.supp_kind = "FishyValue";
    e.supp_aux = supp_aux;
    set_stack(&e, cpu, pc);
    report(&e);
}

/* Valgrind 3.22's wording (3.19 has no such check): memalign and
 * aligned_alloc say " (should be power of 2)", posix_memalign
 * " (should be non-zero, a power of 2 and a multiple of sizeof(void*))". */
void mc_report_bad_align(GuestCpu *cpu, GuestAddr pc, u64 align, const char *why)
{
    char what[160];
    DbgError e = {0};
    snprintf(what, sizeof what, "Invalid alignment value: %llu%s", (unsigned long long)align, why);
    e.kind = "InvalidAlignment";
    e.what = what;
    e.supp_kind = "BadAlign";
    set_stack(&e, cpu, pc);
    report(&e);
}

void mc_report_client_check(GuestCpu *cpu, GuestAddr pc, GuestAddr addr)
{
    char bufs[3][160];
    DbgError e = {0};
    e.kind = "ClientCheck";
    e.what = "Unaddressable byte(s) found during client check request";
    e.supp_kind = "User";
    set_stack(&e, cpu, pc);
    describe(cpu, pc, &e, addr, bufs);
    report(&e);
}

void mc_report_mempool(GuestCpu *cpu, GuestAddr pc, GuestAddr addr)
{
    char bufs[3][160];
    DbgError e = {0};
    e.kind = "InvalidMemPool";
    e.what = "Illegal memory pool address";
    e.supp_kind = "Mempool";
    set_stack(&e, cpu, pc);
    describe(cpu, pc, &e, addr, bufs);
    report(&e);
}

void mc_report_overlap(GuestCpu *cpu, GuestAddr pc, const char *fn, GuestAddr dst, GuestAddr src, u64 n)
{
    char what[160];
    DbgError e = {0};
    if (n)
        snprintf(what, sizeof what, "Source and destination overlap in %s(0x%llx, 0x%llx, %llu)", fn,
                 (unsigned long long)dst, (unsigned long long)src, (unsigned long long)n);
    else
        snprintf(what, sizeof what, "Source and destination overlap in %s(0x%llx, 0x%llx)", fn,
                 (unsigned long long)dst, (unsigned long long)src);
    e.kind = "Overlap";
    e.what = what;
    e.dedup = fn; /* one context per function and stack, whatever the addresses */
    e.supp_kind = "Overlap";
    set_stack(&e, cpu, pc);
    report(&e);
}

u32 mc_error_count(void)
{
    u64 errors = 0, contexts, supp, supp_ctx;
    if (mc_reporter)
        dbg_report_counts(mc_reporter, &errors, &contexts, &supp, &supp_ctx);
    return (u32)errors;
}
