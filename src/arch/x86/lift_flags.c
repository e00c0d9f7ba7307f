/*
 * lift_flags.c — the lazy flags thunk at lift time (DESIGN.md "flags thunk";
 * the thunk's encoding is in x86.h).
 *
 * A flag-setting instruction records its op and operands (three PUTs that
 * the write buffer usually drops because the next instruction overwrites
 * them).  A flag reader asks x86_cond: when the producer is known in this
 * block (X86CcKnown) the common conditions become one or two IR compares on
 * the producer's own operands (cmp+jcc is one CMPLTS), otherwise a helper
 * evaluates the thunk left in guest state by an earlier block.
 *
 * The same flag formulas exist once more, in C, in x86_cc_eflags
 * (helpers.c); the differential tests run both against the host CPU.
 */
#include "arch/x86/x86_priv.h"

static unsigned size_index(unsigned size) { return size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3; }

void x86_set_cc(X86Lift *L, unsigned op, unsigned size, u32 dst, u32 src1, u32 src, u32 src2)
{
    IrBuilder *b = L->b;
    unsigned full = op + size_index(size);
    x86_slot_put(L, SLOT_CC_OP, ir_const(b, IR_I64, full));
    x86_slot_put(L, SLOT_CC_DST, ir_zext(b, IR_I64, dst));
    x86_slot_put(L, SLOT_CC_SRC, src ? ir_zext(b, IR_I64, src) : ir_const(b, IR_I64, 0));
    if (src2)
        x86_slot_put(L, SLOT_CC_SRC2, ir_zext(b, IR_I64, src2));
    L->cc.op = full;
    L->cc.dst = dst;
    L->cc.src = src;
    L->cc.src1 = src1;
}

void x86_set_eflags(X86Lift *L, u32 flags)
{
    IrBuilder *b = L->b;
    flags = ir_and(b, ir_zext(b, IR_I64, flags), ir_const(b, IR_I64, X86_ARITH_FLAGS));
    x86_slot_put(L, SLOT_CC_OP, ir_const(b, IR_I64, CC_OP_EFLAGS));
    x86_slot_put(L, SLOT_CC_DST, ir_const(b, IR_I64, 0));
    x86_slot_put(L, SLOT_CC_SRC, flags);
    L->cc.op = CC_OP_EFLAGS;
    L->cc.dst = 0;
    L->cc.src = flags;
    L->cc.src1 = 0;
}

/* Bit n of an i64 as i1. */
static u32 bit(IrBuilder *b, u32 v, unsigned n)
{
    u32 t = ir_and(b, ir_shr(b, v, ir_const(b, IR_I8, n)), ir_const(b, IR_I64, 1));
    return ir_cmp(b, IR_CMPNE, t, ir_const(b, IR_I64, 0));
}

static u32 not1(IrBuilder *b, u32 c) { return ir_binop(b, IR_XOR, IR_I1, c, ir_const(b, IR_I1, 1)); }
static u32 or1(IrBuilder *b, u32 x, u32 y) { return ir_binop(b, IR_OR, IR_I1, x, y); }

/* Conditions from explicit flags (after POPF, SAHF, UCOMISD...). */
static u32 cond_from_flags(IrBuilder *b, u32 f, unsigned cc)
{
    switch (cc & ~1u) {
    case X86_CC_O: return bit(b, f, 11);
    case X86_CC_B: return bit(b, f, 0);
    case X86_CC_Z: return bit(b, f, 6);
    case X86_CC_BE: return ir_cmp(b, IR_CMPNE, ir_and(b, f, ir_const(b, IR_I64, X86_CF | X86_ZF)), ir_const(b, IR_I64, 0));
    case X86_CC_S: return bit(b, f, 7);
    case X86_CC_P: return bit(b, f, 2);
    case X86_CC_L: return ir_binop(b, IR_XOR, IR_I1, bit(b, f, 7), bit(b, f, 11));
    default: /* LE */
        return or1(b, bit(b, f, 6), ir_binop(b, IR_XOR, IR_I1, bit(b, f, 7), bit(b, f, 11)));
    }
}

static u32 parity_even(IrBuilder *b, u32 dst)
{
    u32 lo = ir_zext(b, IR_I64, ir_trunc(b, IR_I8, ir_zext(b, IR_I64, dst)));
    u32 n = ir_and(b, ir_unop(b, IR_POPCNT, IR_I64, lo), ir_const(b, IR_I64, 1));
    return ir_cmp(b, IR_CMPEQ, n, ir_const(b, IR_I64, 0));
}

/* O, L or LE from OF (i1) and the result (SF, ZF); 0 for other bases. */
static u32 signed_cond(IrBuilder *b, unsigned base, u32 dst, u32 of)
{
    u32 zero = ir_const(b, ir_temp_type(b, dst), 0);
    u32 lt = ir_binop(b, IR_XOR, IR_I1, ir_cmp(b, IR_CMPLTS, dst, zero), of); /* SF != OF */
    switch (base) {
    case X86_CC_O: return of;
    case X86_CC_L: return lt;
    case X86_CC_LE: return or1(b, ir_cmp(b, IR_CMPEQ, dst, zero), lt);
    default: return 0;
    }
}

/* The positive (even) condition of cc for a known producer, or 0 if it has
 * no cheap inline form. */
static u32 cond_known(X86Lift *L, unsigned cc)
{
    IrBuilder *b = L->b;
    unsigned kind = L->cc.op & ~3u;
    u32 dst = L->cc.dst, src = L->cc.src, src1 = L->cc.src1;
    IrType t = dst ? ir_temp_type(b, dst) : IR_I64;
    u32 zero = ir_const(b, t, 0);
    unsigned base = cc & ~1u;

    if (kind == CC_OP_EFLAGS)
        return cond_from_flags(b, L->cc.src, cc);
    if (kind == CC_OP_MUL)
        return 0;
    if (base == X86_CC_Z && kind != CC_OP_RESULT)
        return ir_cmp(b, IR_CMPEQ, dst, zero);
    if (base == X86_CC_S && kind != CC_OP_RESULT)
        return ir_cmp(b, IR_CMPLTS, dst, zero);
    if (base == X86_CC_P && kind != CC_OP_RESULT)
        return parity_even(b, dst);
    switch (kind) {
    case CC_OP_SUB:
        switch (base) {
        case X86_CC_B: return ir_cmp(b, IR_CMPLTU, src1, src);
        case X86_CC_BE: return ir_cmp(b, IR_CMPLEU, src1, src);
        case X86_CC_L: return ir_cmp(b, IR_CMPLTS, src1, src);
        case X86_CC_LE: return ir_cmp(b, IR_CMPLES, src1, src);
        case X86_CC_O: {
            u32 x = ir_and(b, ir_xor(b, src1, src), ir_xor(b, src1, dst));
            return ir_cmp(b, IR_CMPLTS, x, zero);
        }
        }
        return 0;
    case CC_OP_LOGIC:
        switch (base) {
        case X86_CC_O: case X86_CC_B: return ir_const(b, IR_I1, 0);
        case X86_CC_BE: return ir_cmp(b, IR_CMPEQ, dst, zero);
        case X86_CC_L: return ir_cmp(b, IR_CMPLTS, dst, zero);
        case X86_CC_LE: return ir_cmp(b, IR_CMPLES, dst, zero);
        }
        return 0;
    case CC_OP_ADD: {
        if (base == X86_CC_B)
            return ir_cmp(b, IR_CMPLTU, dst, src);
        if (base == X86_CC_BE)
            return or1(b, ir_cmp(b, IR_CMPLTU, dst, src), ir_cmp(b, IR_CMPEQ, dst, zero));
        if (!src1)
            return 0;
        u64 k, min = 1ull << (ir_type_bits(t) - 1);
        if ((base == X86_CC_L || base == X86_CC_LE) && ir_is_const(b, src, &k) && k != min) {
            /* SF != OF: the exact sum src1 + k is negative, src1 < -k;
             * LE adds a zero sum: src1 <= -k (one signed compare) */
            u32 neg = ir_const(b, t, 0 - k);
            return ir_cmp(b, base == X86_CC_L ? IR_CMPLTS : IR_CMPLES, src1, neg);
        }
        u32 of = ir_cmp(b, IR_CMPLTS, ir_and(b, ir_xor(b, src1, dst), ir_xor(b, src, dst)), zero);
        return signed_cond(b, base, dst, of);
    }
    case CC_OP_INC: case CC_OP_DEC:
        if (base == X86_CC_B)
            return ir_cmp(b, IR_CMPNE, src, ir_const(b, ir_temp_type(b, src), 0));
        if (src1 && (base == X86_CC_L || base == X86_CC_LE)) {
            /* the exact result src1 +- 1 below zero (L) or at most zero
             * (LE): INC src1 < -1, <= -1; DEC src1 < 1, <= 1 */
            u32 k = ir_const(b, t, kind == CC_OP_INC ? (u64)-1 : 1);
            return ir_cmp(b, base == X86_CC_L ? IR_CMPLTS : IR_CMPLES, src1, k);
        }
        if (base == X86_CC_O) {
            /* the result wrapped to the most negative (INC) or most
             * positive (DEC) value */
            u64 min = 1ull << (ir_type_bits(t) - 1);
            return ir_cmp(b, IR_CMPEQ, dst, ir_const(b, t, kind == CC_OP_INC ? min : min - 1));
        }
        return 0;
    default:
        return 0;
    }
}

/* i1 c as the RFLAGS bit at position pos (an i64). */
static u32 flag_at(IrBuilder *b, u32 c, unsigned pos)
{
    u32 v = ir_zext(b, IR_I64, c);
    return pos ? ir_shl(b, v, ir_const(b, IR_I8, pos)) : v;
}

/* The six flags of a known ADD, SUB or logic producer in this block, from
 * the conditions flag readers use, in IR (cheaper than the helper;
 * rotates and BT, which keep some flags, meet these producers most).  0
 * for other producers. */
static u32 eflags_known(X86Lift *L)
{
    static const struct { u8 cc, pos; } flags[] = {
        {X86_CC_B, 0}, {X86_CC_P, 2}, {X86_CC_Z, 6}, {X86_CC_S, 7}, {X86_CC_O, 11},
    };
    IrBuilder *b = L->b;
    unsigned kind = L->cc.op & ~3u;
    u32 dst = L->cc.dst, src = L->cc.src, src1 = L->cc.src1;
    bool arith = (kind == CC_OP_ADD || kind == CC_OP_SUB) && src && src1;
    if (!dst || (kind != CC_OP_LOGIC && !arith))
        return 0;
    /* AF, the carry into bit 4 (clear after logic) */
    u32 f = arith ? ir_and(b, ir_zext(b, IR_I64, ir_xor(b, ir_xor(b, src1, src), dst)), ir_const(b, IR_I64, X86_AF))
                  : ir_const(b, IR_I64, 0);
    for (size_t i = 0; i < UE_ARRAY_LEN(flags); i++) {
        u32 c = cond_known(L, flags[i].cc);
        if (!c)
            return 0;
        f = ir_or(b, f, flag_at(b, c, flags[i].pos));
    }
    return f;
}

u32 x86_get_eflags(X86Lift *L)
{
    if (L->cc.op == CC_OP_EFLAGS)
        return L->cc.src;
    if (L->cc.op != CC_UNKNOWN) {
        u32 f = eflags_known(L);
        if (f)
            return f;
    }
    return x86_call(L, &x86_h_cc_eflags, IR_I64, 0, 0, 0);
}

u32 x86_cond(X86Lift *L, unsigned cc)
{
    IrBuilder *b = L->b;
    if (L->cc.op != CC_UNKNOWN) {
        u32 c = cond_known(L, cc);
        if (c)
            return (cc & 1) ? not1(b, c) : c;
    }
    u32 r = x86_call(L, &x86_h_cc_cond, IR_I64, ir_const(b, IR_I64, cc), 0, 0);
    return ir_cmp(b, IR_CMPNE, r, ir_const(b, IR_I64, 0));
}

u32 x86_get_cf(X86Lift *L)
{
    IrBuilder *b = L->b;
    return ir_zext(b, IR_I64, x86_cond(L, X86_CC_B));
}
