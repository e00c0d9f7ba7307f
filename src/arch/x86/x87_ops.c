/*
 * x87_ops.c — the x87 helpers the lifter calls (lift_x87.c): the register
 * stack, tags, stack faults and status-word bookkeeping around one host
 * computation each (x87_host.c).
 *
 * Helpers follow ir.h's contract: memory operands arrive as arguments
 * (loaded by the lifter), stored values leave as results (stored by the
 * lifter, which then calls fst_done to pop), so a faulting store leaves the
 * FPU untouched.  Every helper here reads and writes guest state.
 *
 * Manual: Intel SDM vol. 1 ch. 8 (x87 FPU), §8.5.1.1 (stack faults), vol. 2
 * per instruction.  Exceptions get the masked or the unmasked response
 * as FCW says (see "unmasked exceptions" below); an unmasked one sets ES,
 * and the next waiting instruction takes #MF (lift_x87.c).  Condition codes of a computed instruction are the host's, which
 * ran it from the guest's (x87_host.c); where ue itself decides (stack
 * faults, register moves), a code the manual leaves undefined is kept,
 * except where the host CPU (the test oracle) was seen to change it, noted
 * at the place.
 *
 * Stack faults (masked): reading an empty register sets IE|SF with C1 = 0
 * and the destination receives the real indefinite; pushing onto a full
 * stack sets IE|SF with C1 = 1, TOP still moves and the new ST(0) is the
 * indefinite.  Pops happen as if nothing had gone wrong.
 */
#include "arch/x86/x87_priv.h"

/* ---- register stack ---- */

static unsigned phys(const X86Regs *r, unsigned i) { return (r->ftop + i) & 7; }

static bool st_valid(const X86Regs *r, unsigned i) { return (r->ftag >> phys(r, i)) & 1; }

static F80 st_get(const X86Regs *r, unsigned i) { return x87_phys(r, phys(r, i)); }

static void st_set(X86Regs *r, unsigned i, F80 v)
{
    x87_set_phys(r, phys(r, i), v);
    r->ftag |= (u8)(1u << phys(r, i));
}

static void st_pop(X86Regs *r)
{
    r->ftag &= (u8)~(1u << r->ftop);
    r->ftop = (r->ftop + 1) & 7;
}

/* True if a push has room: the register below ST(0) is empty. */
static bool push_room(const X86Regs *r) { return !((r->ftag >> phys(r, 7)) & 1); }

/* Push v (the caller has checked for room, or passes the indefinite). */
static void st_push(X86Regs *r, F80 v)
{
    r->ftop = (r->ftop - 1) & 7;
    st_set(r, 0, v);
}

/* ---- status word ---- */

static u16 with_es(u16 sw, u16 cw)
{
    return (sw & ~cw & FSW_EXC) ? sw | FSW_ES | FSW_B : sw & (u16) ~(FSW_ES | FSW_B);
}

/* Condition codes in mask become those of cc. */
static void set_cc(X86Regs *r, u16 mask, u16 cc) { r->fsw = (u16)((r->fsw & ~mask) | (cc & mask)); }

/* Fold a host status word in: its exception flags accumulate, and the
 * condition codes in cc_mask (those the instruction defines) replace ours. */
static void merge(X86Regs *r, u16 hsw, u16 cc_mask)
{
    r->fsw |= hsw & FSW_EXC;
    set_cc(r, cc_mask, hsw);
    r->fsw = with_es(r->fsw, r->fcw);
}

/* ---- unmasked exceptions (SDM vol. 1 §8.5, §8.6) ----
 * The host computed the masked response, except for OE and UE, which it
 * ran unmasked when the guest does (x87_host.c).  The unmasked responses:
 *  - invalid operation (stack faults included), denormal operand, divide
 *    by zero — detected before computing: the instruction changes nothing
 *    but the status word (no result, no push, no pop);
 *  - overflow, underflow: the host's scaled result is delivered to a
 *    register as usual; a store to memory stores nothing and does not pop;
 *  - precision: the result is delivered as usual. */

/* The unmasked exceptions among the flags of host status word hsw. */
static u16 unmasked(const X86Regs *r, u16 hsw) { return hsw & ~r->fcw & FSW_EXC; }

/* True if hsw has an unmasked pre-computation exception among pre: then
 * only the flags of pre are taken, and the condition codes in cc_mask (a
 * compare's), or, with cc_mask 0, C1 is cleared (as the host CPU does);
 * the caller changes nothing else. */
static bool pre_trap_of(X86Regs *r, u16 hsw, u16 cc_mask, u16 pre)
{
    if (!(unmasked(r, hsw) & pre))
        return false;
    r->fsw |= hsw & pre;
    if (cc_mask)
        set_cc(r, cc_mask, hsw);
    else
        set_cc(r, FSW_C1, 0);
    r->fsw = with_es(r->fsw, r->fcw);
    return true;
}

static bool pre_trap(X86Regs *r, u16 hsw, u16 cc_mask)
{
    return pre_trap_of(r, hsw, cc_mask, FSW_IE | FSW_DE | FSW_ZE);
}

/* Stack fault: IE|SF, C1 says overflow (1) or underflow (0).  True if IE
 * is unmasked: the instruction then changes nothing else. */
static bool stack_fault(X86Regs *r, bool overflow)
{
    r->fsw |= FSW_IE | FSW_SF;
    set_cc(r, FSW_C1, overflow ? FSW_C1 : 0);
    r->fsw = with_es(r->fsw, r->fcw);
    return !(r->fcw & FSW_IE);
}

unsigned x87_tag_of(const X86Regs *r, unsigned p)
{
    if (!((r->ftag >> p) & 1))
        return 3;
    F80 v = x87_phys(r, p);
    unsigned exp = v.se & 0x7fff;
    if (exp == 0x7fff)
        return 2;
    if (exp == 0)
        return v.m == 0 ? 1 : 2;        /* zero, or (pseudo-)denormal */
    return (v.m >> 63) ? 0 : 2;         /* normal, or unnormal (unsupported) */
}

void x87_reset(X86Regs *r)
{
    r->fcw = 0x037f;
    r->fsw = 0;
    r->ftop = 0;
    r->ftag = 0;
    r->fop = 0;
    r->fpu_ip = 0;
    r->fpu_dp = 0;
}

/* ---- loads and stores ---- */

/* FLD/FILD/FBLD/FLD ST(i)/FLD1..FLDZ: push a value.  ctl = kind | i << 8;
 * lo/hi: the memory operand (10-byte ones: lo = bytes 0..7, hi = 8..9).
 * FLD clears C1 (stack overflow sets it). */
static u64 h_fld(void *env, u64 ctl, u64 lo, u64 hi)
{
    X86Regs *r = env;
    X87Kind kind = (X87Kind)(ctl & 0x1f);
    unsigned i = (ctl >> X87_CTL_I) & 7;
    /* An empty source is reported (underflow, C1 = 0) before a full stack. */
    bool underflow = kind == X87_REG && !st_valid(r, i);
    if (underflow || !push_room(r)) {
        if (!stack_fault(r, !underflow))
            st_push(r, X87_INDEF);
        return 0;
    }
    F80 v;
    u64 mem[2] = {lo, hi};
    u16 hsw = 0;
    switch (kind) {
    case X87_REG: /* register and m80 loads are plain copies */
        v = st_get(r, i);
        set_cc(r, FSW_C1, 0);
        break;
    case X87_M80FP:
        v = (F80){lo, (u16)hi};
        set_cc(r, FSW_C1, 0);
        break;
    case X87_CONST:
        hsw = x87_host_const(i, &v, r->fcw, r->fsw);
        break;
    default:
        hsw = x87_host_load(kind, &v, mem, r->fcw, r->fsw);
        /* An SNaN, unmasked, is not loaded; a denormal (DE) is. */
        if (pre_trap_of(r, hsw, 0, FSW_IE))
            return 0;
        break;
    }
    if (kind != X87_REG && kind != X87_M80FP)
        merge(r, hsw, FSW_CC);
    st_push(r, v);
    return 0;
}

/* What a masked invalid store writes: the indefinite of the format. */
static V128 store_indefinite(X87Kind kind)
{
    switch (kind) {
    case X87_M32FP: return (V128){0xffc00000u, 0};
    case X87_M64FP: return (V128){0xfff8000000000000ull, 0};
    case X87_M16INT: case X87_T16: return (V128){0x8000, 0};
    case X87_M32INT: case X87_T32: return (V128){0x80000000u, 0};
    case X87_M64INT: case X87_T64: return (V128){1ull << 63, 0};
    default: return (V128){X87_INDEF.m, X87_INDEF.se}; /* m80 real and BCD */
    }
}

/* FST/FSTP/FIST/FISTP/FISTTP/FBSTP m: ST(0) converted for memory, without
 * changing the FPU.  Returns {bytes 0..7, bytes 8..9 | new status << 32 |
 * X87_FST_SKIP}; the lifter stores the value, then passes the status to
 * fst_done.  An unmasked exception other than precision stores nothing
 * and does not pop (X87_FST_SKIP): the lifter then stores the memory's
 * old contents, so the access still faults as the CPU's does. */
static V128 h_fst(void *env, u64 ctl, u64 u1, u64 u2)
{
    X86Regs *r = env;
    X87Kind kind = (X87Kind)(ctl & 0x1f);
    u16 sw = r->fsw;
    bool skip;
    V128 v;
    if (!st_valid(r, 0)) {
        sw = with_es((u16)((sw | FSW_IE | FSW_SF) & ~FSW_C1), r->fcw);
        v = store_indefinite(kind);
        skip = !(r->fcw & FSW_IE);
    } else if (kind == X87_M80FP) {
        F80 a = st_get(r, 0);
        sw &= (u16)~FSW_C1; /* an exact copy: no rounding to report */
        v = (V128){a.m, a.se};
        skip = false;
    } else {
        F80 a = st_get(r, 0);
        u64 out[2] = {0, 0};
        u16 hsw = x87_host_store(kind, out, &a, r->fcw, r->fsw);
        sw = with_es((u16)((sw | (hsw & FSW_EXC)) & ~FSW_CC) | (hsw & FSW_CC), r->fcw);
        v = (V128){out[0], out[1] & 0xffff};
        skip = (unmasked(r, hsw) & ~FSW_PE) != 0;
    }
    if (skip)
        v.hi |= X87_FST_SKIP;
    v.hi |= (u64)sw << 32;
    return v;
}

/* After a store: install the status h_fst computed (bits 0..15 of sw);
 * pop if asked, unless the store was skipped (X87_FST_SKIP, bit 16). */
static u64 h_fst_done(void *env, u64 sw, u64 pop, u64 u)
{
    X86Regs *r = env;
    r->fsw = (u16)sw;
    if (pop && !(sw & X87_FST_SKIP >> 32))
        st_pop(r);
    return 0;
}

/* FST/FSTP ST(i): ST(i) = ST(0), then pop if asked.  C1 = 0. */
static u64 h_fst_st(void *env, u64 i, u64 pop, u64 u)
{
    X86Regs *r = env;
    F80 v = X87_INDEF;
    if (st_valid(r, 0)) {
        v = st_get(r, 0);
        set_cc(r, FSW_C1, 0);
    } else if (stack_fault(r, false)) {
        return 0;
    }
    st_set(r, (unsigned)i & 7, v);
    if (pop)
        st_pop(r);
    return 0;
}

/* ---- arithmetic and compares ---- */

/* FADD..FDIVR in every form; see X87_CTL_* for ctl.  mem: the memory
 * operand. */
static u64 h_arith(void *env, u64 ctl, u64 mem, u64 u)
{
    X86Regs *r = env;
    unsigned op = ctl & 7, i = (ctl >> X87_CTL_I) & 7;
    X87Kind kind = (X87Kind)((ctl >> 3) & 0x1f);
    bool to_src = kind == X87_REG && (ctl & X87_CTL_TO_SRC);
    F80 res = X87_INDEF;
    if (!st_valid(r, 0) || (kind == X87_REG && !st_valid(r, i))) {
        if (stack_fault(r, false))
            return 0;
    } else {
        F80 a = st_get(r, 0), b = st_get(r, i);
        const void *src = kind == X87_REG ? (const void *)&b : (const void *)&mem;
        u16 hsw = x87_host_arith(op, kind, to_src, &res, &a, src, r->fcw, r->fsw);
        if (pre_trap(r, hsw, 0))
            return 0;
        merge(r, hsw, FSW_CC);
    }
    st_set(r, to_src ? i : 0, res);
    if (ctl & X87_CTL_POP)
        st_pop(r);
    return 0;
}

/* FCOM, FCOMP, FCOMPP, FUCOM(P)(P), FICOM(P) (C3 C2 C0 = result) and
 * FCOMI/FUCOMI(P) (ZF PF CF = result, returned as RFLAGS bits).  Unordered
 * or empty: all three set. */
static u64 h_fcom(void *env, u64 ctl, u64 mem, u64 u)
{
    X86Regs *r = env;
    X87Kind kind = (X87Kind)(ctl & 0x1f);
    unsigned i = (ctl >> X87_CTL_I) & 7;
    bool efl = (ctl & X87_CTL_EFLAGS) != 0;
    u64 flags = X86_ZF | X86_PF | X86_CF;
    if (!st_valid(r, 0) || (kind == X87_REG && !st_valid(r, i))) {
        bool stop = stack_fault(r, false);
        if (!efl)
            set_cc(r, FSW_C0 | FSW_C2 | FSW_C3, FSW_C0 | FSW_C2 | FSW_C3);
        if (stop)
            return efl ? flags : 0; /* no pop */
    } else {
        F80 a = st_get(r, 0), b = st_get(r, i);
        const void *src = kind == X87_REG ? (const void *)&b : (const void *)&mem;
        unsigned how = ((ctl & X87_CTL_UNORD) ? X87_CMP_UNORDERED : 0) | (efl ? X87_CMP_EFLAGS : 0);
        u16 hsw = x87_host_compare(kind, how, &a, src, &flags, r->fcw, r->fsw);
        /* FCOMI leaves C1 alone on the host CPU (Intel documents it
         * cleared); the host's own operand loads cleared it, so keep ours. */
        u16 cc = efl ? FSW_C0 | FSW_C2 | FSW_C3 : FSW_CC;
        if (pre_trap(r, hsw, cc))
            return efl ? flags : 0; /* no pop */
        merge(r, hsw, cc);
    }
    for (unsigned n = (ctl / X87_CTL_POP) & 3; n; n--)
        st_pop(r);
    return efl ? flags : 0;
}

/* ---- register moves ---- */

/* FXCH ST(i): an empty operand becomes the indefinite first (underflow). */
static u64 h_fxch(void *env, u64 i, u64 u1, u64 u2)
{
    X86Regs *r = env;
    i &= 7;
    if (!st_valid(r, 0) || !st_valid(r, (unsigned)i)) {
        if (stack_fault(r, false))
            return 0;
        if (!st_valid(r, 0))
            st_set(r, 0, X87_INDEF);
        if (!st_valid(r, (unsigned)i))
            st_set(r, (unsigned)i, X87_INDEF);
    } else {
        set_cc(r, FSW_C1, 0);
    }
    F80 a = st_get(r, 0);
    st_set(r, 0, st_get(r, (unsigned)i));
    st_set(r, (unsigned)i, a);
    return 0;
}

/* FFREE ST(i) (FFREEP: then pop).  The manual leaves C1 undefined; the
 * host CPU clears it. */
static u64 h_ffree(void *env, u64 i, u64 pop, u64 u)
{
    X86Regs *r = env;
    r->ftag &= (u8)~(1u << phys(r, (unsigned)i & 7));
    set_cc(r, FSW_C1, 0);
    if (pop)
        st_pop(r);
    return 0;
}

/* FCMOVcc ST(0), ST(i): cond is the lifter's evaluation of the EFLAGS
 * condition.  An empty operand makes ST(0) the indefinite whatever the
 * condition (as the hardware does); C1 is otherwise unchanged. */
static u64 h_fcmov(void *env, u64 i, u64 cond, u64 u)
{
    X86Regs *r = env;
    i &= 7;
    if (!st_valid(r, 0) || !st_valid(r, (unsigned)i)) {
        if (!stack_fault(r, false))
            st_set(r, 0, X87_INDEF);
    } else if (cond) {
        st_set(r, 0, st_get(r, (unsigned)i));
    }
    return 0;
}

/* ---- D9 E0..FF ---- */

/* FCHS/FABS: sign-bit operations, no exceptions; C1 = 0. */
static void sign_op(X86Regs *r, unsigned op)
{
    F80 v = st_get(r, 0);
    v.se = op == 0 ? v.se ^ 0x8000 : v.se & 0x7fff;
    st_set(r, 0, v);
    set_cc(r, FSW_C1, 0);
}

/* FTST/FXAM: condition codes only.  FXAM of an empty register is not a
 * fault: class "empty" (C3, C0) with C1 the sign of what the register
 * holds. */
static void examine(X86Regs *r, unsigned op)
{
    F80 a = st_get(r, 0), unused;
    if (op == 0x05 && !st_valid(r, 0)) {
        set_cc(r, FSW_CC, FSW_C3 | FSW_C0 | ((a.se & 0x8000) ? FSW_C1 : 0));
        return;
    }
    if (!st_valid(r, 0)) {
        stack_fault(r, false);
        set_cc(r, FSW_C0 | FSW_C2 | FSW_C3, FSW_C0 | FSW_C2 | FSW_C3);
        return;
    }
    u16 hsw = x87_host_unary(op, &unused, &a, r->fcw, r->fsw);
    if (!pre_trap(r, hsw, FSW_CC))
        merge(r, hsw, FSW_CC);
}

/* F2XM1, FSQRT, FRNDINT (C1), FSIN, FCOS (C1, C2: out of range, ST(0)
 * unchanged).  The instructions that define C2 clear it on a stack fault. */
static void unary_op(X86Regs *r, unsigned op)
{
    if (!st_valid(r, 0)) {
        bool stop = stack_fault(r, false);
        if (op >= 0x1e)
            set_cc(r, FSW_C2, 0);
        if (!stop)
            st_set(r, 0, X87_INDEF);
        return;
    }
    F80 a = st_get(r, 0), res;
    u16 hsw = x87_host_unary(op, &res, &a, r->fcw, r->fsw);
    if (pre_trap(r, hsw, 0)) {
        if (op >= 0x1e)
            set_cc(r, FSW_C2, 0);
        return;
    }
    merge(r, hsw, FSW_CC);
    st_set(r, 0, res);
}

/* FSCALE, FPREM, FPREM1 (ST(0) = f(ST(0), ST(1))); FYL2X, FPATAN, FYL2XP1
 * (ST(1) = f(ST(1), ST(0)), then pop).  FPREM* define all condition codes
 * (C2: incomplete; C0 C3 C1: quotient bits), the others C1. */
static void binary_op(X86Regs *r, unsigned op)
{
    bool pops = op == 0x11 || op == 0x13 || op == 0x19;
    bool prem = op == 0x15 || op == 0x18;
    F80 res = X87_INDEF;
    if (!st_valid(r, 0) || !st_valid(r, 1)) {
        bool stop = stack_fault(r, false);
        if (prem)
            set_cc(r, FSW_C2, 0); /* "complete" */
        if (stop)
            return;
    } else {
        F80 a = st_get(r, 0), b = st_get(r, 1);
        u16 hsw = x87_host_binary(op, &res, &a, &b, r->fcw, r->fsw);
        if (pre_trap(r, hsw, 0)) {
            if (prem)
                set_cc(r, FSW_C2, 0);
            return;
        }
        merge(r, hsw, FSW_CC);
    }
    st_set(r, pops ? 1 : 0, res);
    if (pops)
        st_pop(r);
}

/* FPTAN, FSINCOS, FXTRACT: ST(0) is replaced and a second value pushed.  A
 * fault (empty ST(0): underflow; full stack: overflow) leaves the
 * indefinite in both (and FPTAN/FSINCOS clear C2). */
static void split_op(X86Regs *r, unsigned op)
{
    if (!st_valid(r, 0) || !push_room(r)) {
        bool stop = stack_fault(r, st_valid(r, 0));
        if (op != 0x14)
            set_cc(r, FSW_C2, 0);
        if (stop)
            return;
        st_set(r, 0, X87_INDEF);
        st_push(r, X87_INDEF);
        return;
    }
    F80 a = st_get(r, 0), res0, res1;
    u16 hsw = x87_host_split(op, &res0, &res1, &a, r->fcw, r->fsw);
    if (pre_trap(r, hsw, 0)) {
        if (op != 0x14)
            set_cc(r, FSW_C2, 0);
        return;
    }
    merge(r, hsw, FSW_CC);
    st_set(r, 0, res1);
    if (op == 0x14 || !(hsw & FSW_C2))
        st_push(r, res0);
}

/* D9 E0..FF except the constants (FLD1..FLDZ go through h_fld) and FNOP;
 * op = ModRM - 0xE0. */
static u64 h_special(void *env, u64 op, u64 u1, u64 u2)
{
    X86Regs *r = env;
    switch (op) {
    case 0x00: case 0x01:
        if (!st_valid(r, 0)) {
            if (!stack_fault(r, false))
                st_set(r, 0, X87_INDEF);
        } else {
            sign_op(r, (unsigned)op);
        }
        break;
    case 0x04: case 0x05: examine(r, (unsigned)op); break;
    case 0x10: case 0x1a: case 0x1c: case 0x1e: case 0x1f: unary_op(r, (unsigned)op); break;
    case 0x11: case 0x13: case 0x15: case 0x18: case 0x19: case 0x1d: binary_op(r, (unsigned)op); break;
    case 0x12: case 0x14: case 0x1b: split_op(r, (unsigned)op); break;
    case 0x16: /* FDECSTP */
        r->ftop = (r->ftop - 1) & 7;
        set_cc(r, FSW_C1, 0);
        break;
    case 0x17: /* FINCSTP */
        r->ftop = (r->ftop + 1) & 7;
        set_cc(r, FSW_C1, 0);
        break;
    default:
        ue_panic("x87: bad D9 op E0+%#llx", (unsigned long long)op);
    }
    return 0;
}

/* ---- control ---- */

/* FLDCW: reserved bits 13..15 read back as 0 and bit 6 as 1; ES follows
 * the new masks (unmasking a pending exception sets it). */
static u64 h_fldcw(void *env, u64 cw, u64 u1, u64 u2)
{
    X86Regs *r = env;
    r->fcw = (u16)((cw & 0x1f3f) | 0x40);
    r->fsw = with_es(r->fsw, r->fcw);
    return 0;
}

/* FNCLEX: exception flags, SF, ES and B cleared; condition codes kept. */
static u64 h_fnclex(void *env, u64 u1, u64 u2, u64 u3)
{
    X86Regs *r = env;
    r->fsw &= FSW_CC;
    return 0;
}

static u64 h_fninit(void *env, u64 u1, u64 u2, u64 u3)
{
    x87_reset(env);
    return 0;
}

X87_OPS_HELPERS(X87_DEFINE_HELPER)
