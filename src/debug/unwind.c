/*
 * unwind.c — guest stack unwinding: from a register state to the return
 * addresses of the calls that led there, reading guest memory only through
 * a checked reader (a bad guest stack must never crash ue).
 *
 * Each step asks libdw for the call-frame information (CFI) at the pc:
 * .eh_frame of the object (dwfl_module_eh_cfi), else .debug_frame from its
 * DWARF (dwfl_module_dwarf_cfi); dwarf_cfi_addrframe gives the frame's
 * rules, dwarf_frame_cfa/dwarf_frame_register give them as DWARF
 * expressions, and the small stack machine below evaluates those against
 * the unwound registers and guest memory (libdw has no evaluator taking a
 * foreign address space; that evaluation is the one part written here).
 * Without CFI — JIT-ed code, hand-written assembly, objects built with
 * -fno-asynchronous-unwind-tables — the frame-pointer chain is followed
 * (saved rbp at [rbp], return address at [rbp+8]), accepted only if the
 * return address lies in a known object and the stack grows up.
 *
 * Rule cache: the checker unwinds at every malloc and free, so the rules
 * of a pc are compiled once into a small record (CFA = register + offset,
 * each register "same", "undefined" or "saved at CFA + offset") kept in a
 * direct-mapped cache keyed by pc; pcs whose rules are anything else
 * (DWARF expressions: PLT entries, realigned stacks, signal frames) are
 * marked "slow" and evaluated through libdw each time.  The cache is
 * dropped whenever an object is registered or forgotten.
 *
 * Registers are numbered as DWARF does on x86-64: 0 rax, 1 rdx, 2 rcx,
 * 3 rbx, 4 rsi, 5 rdi, 6 rbp, 7 rsp, 8-15 r8-r15, 16 the return address.
 *
 * Lookup pc: for a caller frame, the return address follows a call, which
 * may be the last instruction of a function (noreturn callee), so the CFI
 * (and later the symbol) is looked up at ra - 1 — except after a signal
 * frame, whose "return address" is the interrupted pc itself.
 */
#include "debug/debug_priv.h"

#include <dwarf.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

enum { NREGS = 17, REG_RSP = 7, REG_RBP = 6, REG_RA = 16, EVAL_DEPTH = 64 };

/* x86 GPR index (X86_RAX...) of each DWARF register 0-15. */
static const u8 dwarf_to_x86[16] = {X86_RAX, X86_RDX, X86_RCX, X86_RBX, X86_RSI, X86_RDI, X86_RBP, X86_RSP,
                                    X86_R8,  X86_R9,  X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15};

typedef struct UnwRegs {
    u64 r[NREGS];
    u32 valid;        /* bit i: r[i] is known */
    bool signal;      /* this frame was entered from a signal frame: r[16] is exact */
} UnwRegs;

typedef struct UnwCtx {
    DbgReadFn read;
    void *ctx;
} UnwCtx;

static bool read64(const UnwCtx *u, u64 a, u64 *v) { return u->read(u->ctx, a, v, 8); }

/* The guest's perms say whether it may be read; the copy itself goes
 * through process_vm_readv on ue's own pid, which fails with EFAULT
 * instead of faulting if another guest thread unmaps the range between
 * the check and the read.  (Where the call is refused, e.g. by a seccomp
 * filter, a plain copy.) */
bool dbg_read_guest(void *memspace, GuestAddr a, void *buf, size_t n)
{
    static int no_vm_readv;
    if (a + n < a || !mem_range_ok((MemSpace *)memspace, a, n, PROT_READ))
        return false;
    if (!no_vm_readv) {
        struct iovec local = {buf, n}, remote = {(void *)(uintptr_t)a, n};
        ssize_t got = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
        if (got == (ssize_t)n)
            return true;
        if (got >= 0 || errno == EFAULT)
            return false;
        no_vm_readv = 1;
    }
    memcpy(buf, (const void *)(uintptr_t)a, n);
    return true;
}

/* ------------------------------------------------- expression evaluator */

static bool get_reg(const UnwRegs *s, u64 reg, u64 *v)
{
    if (reg >= NREGS || !(s->valid & (1u << reg)))
        return false;
    *v = s->r[reg];
    return true;
}

static bool deref(const UnwCtx *u, u64 a, u64 size, u64 *v)
{
    u64 x = 0;
    if (size == 0 || size > 8 || !u->read(u->ctx, a, &x, size))
        return false;
    *v = x;
    return true;
}

/* Index of the op at byte offset target (DW_OP_skip/bra), or -1. */
static int op_at(const Dwarf_Op *ops, size_t n, u64 target)
{
    for (size_t i = 0; i < n; i++)
        if (ops[i].offset == target)
            return (int)i;
    return target == ops[n - 1].offset + 1 ? (int)n : -1;
}

/* Binary operators: st[*sp-2] op st[*sp-1]. */
static bool binop(u8 op, u64 *st, int *sp)
{
    if (*sp < 2)
        return false;
    u64 b = st[--*sp], a = st[*sp - 1], r;
    switch (op) {
    case DW_OP_and: r = a & b; break;
    case DW_OP_or: r = a | b; break;
    case DW_OP_xor: r = a ^ b; break;
    case DW_OP_plus: r = a + b; break;
    case DW_OP_minus: r = a - b; break;
    case DW_OP_mul: r = a * b; break;
    case DW_OP_div: if (!b) return false; r = (u64)((i64)a / (i64)b); break;
    case DW_OP_mod: if (!b) return false; r = a % b; break;
    case DW_OP_shl: r = b < 64 ? a << b : 0; break;
    case DW_OP_shr: r = b < 64 ? a >> b : 0; break;
    case DW_OP_shra: r = (u64)((i64)a >> (b < 64 ? b : 63)); break;
    case DW_OP_eq: r = a == b; break;
    case DW_OP_ne: r = a != b; break;
    case DW_OP_lt: r = (i64)a < (i64)b; break;
    case DW_OP_le: r = (i64)a <= (i64)b; break;
    case DW_OP_gt: r = (i64)a > (i64)b; break;
    case DW_OP_ge: r = (i64)a >= (i64)b; break;
    default: return false;
    }
    st[*sp - 1] = r;
    return true;
}

/* One op that is not control flow.  Returns false on anything unknown. */
static bool eval_op(const UnwCtx *u, const UnwRegs *s, u64 cfa, const Dwarf_Op *op, u64 *st, int *sp)
{
    u8 a = op->atom;
    u64 v;
    if (*sp >= EVAL_DEPTH - 1)
        return false;
    if (a >= DW_OP_lit0 && a <= DW_OP_lit31)
        return st[(*sp)++] = a - DW_OP_lit0, true;
    if (a >= DW_OP_breg0 && a <= DW_OP_breg31)
        return get_reg(s, a - DW_OP_breg0, &v) && (st[(*sp)++] = v + op->number, true);
    if (a >= DW_OP_reg0 && a <= DW_OP_reg31)
        return get_reg(s, a - DW_OP_reg0, &v) && (st[(*sp)++] = v, true);
    switch (a) {
    case DW_OP_const1u: case DW_OP_const1s: case DW_OP_const2u: case DW_OP_const2s:
    case DW_OP_const4u: case DW_OP_const4s: case DW_OP_const8u: case DW_OP_const8s:
    case DW_OP_constu: case DW_OP_consts: case DW_OP_addr:
        st[(*sp)++] = op->number;
        return true;
    case DW_OP_bregx: return get_reg(s, op->number, &v) && (st[(*sp)++] = v + op->number2, true);
    case DW_OP_regx: return get_reg(s, op->number, &v) && (st[(*sp)++] = v, true);
    case DW_OP_call_frame_cfa: st[(*sp)++] = cfa; return true;
    case DW_OP_dup: return *sp >= 1 && (st[*sp] = st[*sp - 1], ++*sp, true);
    case DW_OP_over: return *sp >= 2 && (st[*sp] = st[*sp - 2], ++*sp, true);
    case DW_OP_pick: return op->number < (u64)*sp && (st[*sp] = st[*sp - 1 - (int)op->number], ++*sp, true);
    case DW_OP_drop: return *sp >= 1 && (--*sp, true);
    case DW_OP_swap: if (*sp < 2) return false; v = st[*sp - 1]; st[*sp - 1] = st[*sp - 2]; st[*sp - 2] = v; return true;
    case DW_OP_rot:
        if (*sp < 3) return false;
        v = st[*sp - 1]; st[*sp - 1] = st[*sp - 2]; st[*sp - 2] = st[*sp - 3]; st[*sp - 3] = v;
        return true;
    case DW_OP_deref: return *sp >= 1 && deref(u, st[*sp - 1], 8, &st[*sp - 1]);
    case DW_OP_deref_size: return *sp >= 1 && deref(u, st[*sp - 1], op->number, &st[*sp - 1]);
    case DW_OP_abs: return *sp >= 1 && (st[*sp - 1] = (i64)st[*sp - 1] < 0 ? -st[*sp - 1] : st[*sp - 1], true);
    case DW_OP_neg: return *sp >= 1 && (st[*sp - 1] = -st[*sp - 1], true);
    case DW_OP_not: return *sp >= 1 && (st[*sp - 1] = ~st[*sp - 1], true);
    case DW_OP_plus_uconst: return *sp >= 1 && (st[*sp - 1] += op->number, true);
    case DW_OP_nop: return true;
    default: return binop(a, st, sp);
    }
}

/* Evaluate a DWARF expression; *is_value is set if it ends with
 * DW_OP_stack_value (the result is the value, not its address). */
static bool eval_expr(const UnwCtx *u, const UnwRegs *s, u64 cfa, const Dwarf_Op *ops, size_t n, u64 *out,
                      bool *is_value)
{
    u64 st[EVAL_DEPTH];
    int sp = 0, steps = 0;
    *is_value = false;
    for (size_t i = 0; i < n;) {
        const Dwarf_Op *op = &ops[i];
        if (++steps > 1000)
            return false; /* a loop made of DW_OP_skip */
        if (op->atom == DW_OP_stack_value) {
            *is_value = true;
            break;
        }
        if (op->atom == DW_OP_skip || op->atom == DW_OP_bra) {
            bool jump = true;
            if (op->atom == DW_OP_bra) {
                if (sp < 1)
                    return false;
                jump = st[--sp] != 0;
            }
            if (jump) {
                int t = op_at(ops, n, op->offset + 3 + (u64)(i64)(i16)op->number);
                if (t < 0)
                    return false;
                i = (size_t)t;
                continue;
            }
            i++;
            continue;
        }
        if (!eval_op(u, s, cfa, op, st, &sp))
            return false;
        i++;
    }
    if (sp < 1)
        return false;
    *out = st[sp - 1];
    return true;
}

/* --------------------------------------------------------- one step */

static Dwarf_CFI *cfi_for(Dwfl_Module *m, GuestAddr pc, Dwarf_Addr *bias, Dwarf_Frame **frame)
{
    Dwarf_CFI *cfi = dwfl_module_eh_cfi(m, bias);
    if (cfi && dwarf_cfi_addrframe(cfi, pc - *bias, frame) == 0)
        return cfi;
    cfi = dwfl_module_dwarf_cfi(m, bias);
    if (cfi && dwarf_cfi_addrframe(cfi, pc - *bias, frame) == 0)
        return cfi;
    return NULL;
}

/* The caller's value of register reg under frame's rule. */
static bool caller_reg(const UnwCtx *u, Dwarf_Frame *frame, const UnwRegs *s, u64 cfa, int reg, UnwRegs *next)
{
    Dwarf_Op mem[3], *ops;
    size_t nops;
    if (dwarf_frame_register(frame, reg, mem, &ops, &nops) != 0)
        return false;
    if (nops == 0) {
        if (ops) /* undefined */
            return false;
        u64 v; /* same value */
        if (!get_reg(s, (u64)reg, &v))
            return false;
        next->r[reg] = v;
        next->valid |= 1u << reg;
        return true;
    }
    bool is_value;
    u64 v;
    if (!eval_expr(u, s, cfa, ops, nops, &v, &is_value))
        return false;
    /* A lone DW_OP_regN / DW_OP_bregx-less "register(R)" rule is a value. */
    bool reg_loc = nops == 1 && ((ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg31) || ops[0].atom == DW_OP_regx);
    if (!is_value && !reg_loc && !read64(u, v, &v))
        return false;
    next->r[reg] = v;
    next->valid |= 1u << reg;
    return true;
}

/* ------------------------------------------------------- rule cache */

enum { RULE_EMPTY, RULE_SIMPLE, RULE_SLOW, RULE_NONE };
enum { CACHE_BITS = 12 };

typedef struct UnwRule {
    GuestAddr pc;
    u32 gen;
    u8 kind;            /* RULE_* */
    u8 cfa_reg;
    bool signal;
    u8 nat;             /* registers saved in the frame */
    u32 undef;          /* mask of registers the caller cannot have back */
    i32 cfa_off;
    u8 at_reg[NREGS];   /* saved register i is at CFA + at_off[i] */
    i32 at_off[NREGS];
} UnwRule;

static UnwRule *rule_cache; /* under dbg_lock */

/* The offset N of a "saved at CFA + N" rule as libdw spells it (CFA;
 * CFA, plus_uconst N; CFA, consts N, plus), or false. */
static bool cfa_offset_rule(const Dwarf_Op *ops, size_t n, i32 *off)
{
    if (n < 1 || n > 3 || ops[0].atom != DW_OP_call_frame_cfa)
        return false;
    i64 v = 0;
    if (n == 2 && ops[1].atom == DW_OP_plus_uconst)
        v = (i64)ops[1].number;
    else if (n == 3 && (ops[1].atom == DW_OP_consts || ops[1].atom == DW_OP_constu) && ops[2].atom == DW_OP_plus)
        v = (i64)ops[1].number;
    else if (n != 1)
        return false;
    *off = (i32)v;
    return v == *off;
}

/* Compile frame's rules into r; RULE_SLOW if they are not all simple. */
static void compile_rule(Dwarf_Frame *frame, UnwRule *r)
{
    Dwarf_Op *ops, mem[3];
    size_t n;
    r->kind = RULE_SLOW;
    int ra = dwarf_frame_info(frame, NULL, NULL, &r->signal);
    if (r->signal || ra != REG_RA || dwarf_frame_cfa(frame, &ops, &n) != 0 || n != 1)
        return;
    if (ops[0].atom >= DW_OP_breg0 && ops[0].atom < DW_OP_breg0 + 16)
        r->cfa_reg = ops[0].atom - DW_OP_breg0;
    else if (ops[0].atom == DW_OP_bregx && ops[0].number < 16)
        r->cfa_reg = (u8)ops[0].number;
    else
        return;
    r->cfa_off = (i32)ops[0].number2;
    if (ops[0].atom != DW_OP_bregx)
        r->cfa_off = (i32)ops[0].number;
    for (int reg = 0; reg < NREGS; reg++) {
        if (reg == REG_RSP)
            continue;
        if (dwarf_frame_register(frame, reg, mem, &ops, &n) != 0)
            return;
        if (n == 0 && ops)
            r->undef |= 1u << reg;
        else if (n != 0 && cfa_offset_rule(ops, n, &r->at_off[r->nat]))
            r->at_reg[r->nat++] = (u8)reg;
        else if (n != 0)
            return;
    }
    r->kind = RULE_SIMPLE;
}

/* The cached rule of pc, compiled on a miss. */
static UnwRule *rule_of(GuestAddr pc)
{
    if (!rule_cache)
        rule_cache = ue_calloc((size_t)1 << CACHE_BITS, sizeof *rule_cache);
    UnwRule *r = &rule_cache[ue_hash64(pc) & ((1u << CACHE_BITS) - 1)];
    if (r->kind != RULE_EMPTY && r->pc == pc && r->gen == dbg_obj_gen)
        return r;
    memset(r, 0, sizeof *r);
    r->pc = pc;
    r->gen = dbg_obj_gen;
    r->kind = RULE_NONE;
    DbgObject *o = dbg_obj_find(pc, true);
    Dwfl_Module *m = o ? dbg_obj_load(o) : NULL;
    Dwarf_Addr bias;
    Dwarf_Frame *frame = NULL;
    if (m && cfi_for(m, pc, &bias, &frame)) {
        compile_rule(frame, r);
        free(frame);
    }
    return r;
}

/* Unwind one frame by a simple rule (see rule_of). */
static int apply_rule(const UnwCtx *u, const UnwRule *r, const UnwRegs *s, UnwRegs *next)
{
    u64 base;
    if (!get_reg(s, r->cfa_reg, &base))
        return -1;
    u64 cfa = base + (u64)(i64)r->cfa_off;
    *next = *s; /* "same value" for every register not named below */
    next->signal = false;
    /* The return address is only ever known from where it was saved. */
    next->valid &= ~(r->undef | 1u << REG_RA);
    for (u32 i = 0; i < r->nat; i++) {
        u32 reg = r->at_reg[i];
        if (read64(u, cfa + (u64)(i64)r->at_off[i], &next->r[reg]))
            next->valid |= 1u << reg;
        else
            next->valid &= ~(1u << reg);
    }
    next->r[REG_RSP] = cfa;
    next->valid |= 1u << REG_RSP;
    return (next->valid & (1u << REG_RA)) && next->r[REG_RA] ? 1 : 0;
}

/* Unwind one frame by CFI evaluated through libdw (the slow rules).
 * Returns 1 on success, 0 at the outermost frame (return address
 * undefined), -1 if there is no usable CFI. */
static int step_cfi_slow(const UnwCtx *u, GuestAddr lookup, const UnwRegs *s, UnwRegs *next)
{
    DbgObject *o = dbg_obj_find(lookup, true);
    Dwfl_Module *m = o ? dbg_obj_load(o) : NULL;
    Dwarf_Addr bias;
    Dwarf_Frame *frame = NULL;
    if (!m || !cfi_for(m, lookup, &bias, &frame))
        return -1;
    int ret = -1;
    Dwarf_Op *ops;
    size_t nops;
    bool sig = false, is_value;
    u64 cfa;
    int ra = dwarf_frame_info(frame, NULL, NULL, &sig);
    if (dwarf_frame_cfa(frame, &ops, &nops) != 0 || nops == 0 || !eval_expr(u, s, 0, ops, nops, &cfa, &is_value))
        goto out;
    memset(next, 0, sizeof *next);
    for (int r = 0; r < NREGS; r++)
        if (r != REG_RSP)
            caller_reg(u, frame, s, cfa, r, next);
    next->r[REG_RSP] = cfa;
    next->valid |= 1u << REG_RSP;
    if (ra >= 0 && ra < NREGS && ra != REG_RA) {
        next->r[REG_RA] = next->r[ra];
        next->valid = (next->valid & ~(1u << REG_RA)) | ((next->valid >> ra & 1) << REG_RA);
    }
    ret = (next->valid & (1u << REG_RA)) && next->r[REG_RA] ? 1 : 0;
    next->signal = sig;
out:
    free(frame);
    return ret;
}

/* Unwind one frame by CFI: 1 done, 0 outermost frame, -1 no CFI. */
static int step_cfi(const UnwCtx *u, GuestAddr lookup, const UnwRegs *s, UnwRegs *next)
{
    const UnwRule *r = rule_of(lookup);
    if (r->kind == RULE_NONE)
        return -1;
    if (r->kind == RULE_SIMPLE)
        return apply_rule(u, r, s, next);
    return step_cfi_slow(u, lookup, s, next);
}

/* Unwind one frame through the saved frame pointer. */
static bool step_fp(const UnwCtx *u, const UnwRegs *s, UnwRegs *next)
{
    u64 fp, saved_fp, ra;
    if (!get_reg(s, REG_RBP, &fp) || fp & 7 || !read64(u, fp, &saved_fp) || !read64(u, fp + 8, &ra))
        return false;
    if (!dbg_obj_find(ra - 1, true))
        return false;
    memset(next, 0, sizeof *next);
    next->r[REG_RBP] = saved_fp;
    next->r[REG_RSP] = fp + 16;
    next->r[REG_RA] = ra;
    next->valid = 1u << REG_RBP | 1u << REG_RSP | 1u << REG_RA;
    return true;
}

/* Under dbg_lock.  sps (NULL: not wanted) gets each frame's RSP. */
static u32 unwind_locked(const UnwCtx *u, UnwRegs s, GuestAddr *pcs, GuestAddr *sps, u32 max)
{
    u32 n = 0;
    bool exact = true; /* r[16] is a pc, not a return address */
    while (n < max) {
        u64 pc = s.r[REG_RA];
        u64 lookup = exact ? pc : pc - 1;
        if (sps)
            sps[n] = s.r[REG_RSP];
        pcs[n++] = lookup;
        UnwRegs next;
        int r = step_cfi(u, lookup, &s, &next);
        if (r == 0)
            break;
        if (r < 0 && !step_fp(u, &s, &next))
            break;
        /* The stack only grows up as we go out; equal is allowed once a
         * signal frame hands back the interrupted state. */
        if (next.r[REG_RSP] < s.r[REG_RSP] || (next.r[REG_RSP] == s.r[REG_RSP] && !next.signal))
            break;
        if (!next.r[REG_RA])
            break;
        exact = next.signal;
        s = next;
    }
    return n;
}

u32 dbg_unwind_frames(const X86Regs *regs, DbgReadFn read, void *ctx, GuestAddr *pcs, GuestAddr *sps, u32 max)
{
    if (!max)
        return 0;
    UnwRegs s = {.valid = (1u << NREGS) - 1};
    for (int i = 0; i < 16; i++)
        s.r[i] = regs->gpr[dwarf_to_x86[i]];
    s.r[REG_RA] = regs->rip;
    UnwCtx u = {read, ctx};
    pthread_mutex_lock(&dbg_lock);
    u32 n = unwind_locked(&u, s, pcs, sps, max);
    pthread_mutex_unlock(&dbg_lock);
    return n;
}

u32 dbg_unwind(const X86Regs *regs, DbgReadFn read, void *ctx, GuestAddr *pcs, u32 max)
{
    return dbg_unwind_frames(regs, read, ctx, pcs, NULL, max);
}

/* A reader that remembers the last readable region it checked: an unwind
 * reads a handful of words from one stack region, so one region lookup
 * serves them all.  (Another thread unmapping the stack meanwhile is the
 * same race as between any check and the read after it.) */
typedef struct GuestReader {
    MemSpace *m;
    GuestAddr lo, hi;
} GuestReader;

static bool read_cached(void *ctx, GuestAddr a, void *buf, size_t n)
{
    GuestReader *g = ctx;
    /* The stack being unwound is the calling thread's own: no other thread
     * can unmap it while this one runs, so the cached region is read
     * directly (the hot path: a stack per malloc and free). */
    if (a < g->lo || a + n > g->hi || a + n < a) {
        MemRegion reg;
        if (!mem_region_at(g->m, a, &reg) || reg.start > a || !(reg.prot & PROT_READ))
            return false;
        g->lo = reg.start;
        g->hi = reg.end;
        if (a + n > g->hi || a + n < a)
            return dbg_read_guest(g->m, a, buf, n);
    }
    memcpy(buf, (const void *)(uintptr_t)a, n);
    return true;
}

u32 dbg_unwind_cpu(GuestCpu *cpu, GuestAddr *pcs, u32 max)
{
    GuestReader g = {&cpu->proc->mem, 0, 0};
    return dbg_unwind(&cpu->regs, read_cached, &g, pcs, max);
}
