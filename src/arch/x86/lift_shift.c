/*
 * lift_shift.c — shifts and rotates: Grp2 (ROL ROR RCL RCR SHL SHR SAL SAR)
 * and SHLD/SHRD.
 *
 * Manual: Intel SDM vol. 2B, "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR",
 * "SHLD", "SHRD".  The quirks handled here:
 *  - The count is masked to 5 bits (6 with REX.W) *before* anything else, so
 *    an 8-bit operand can be shifted by up to 31: shifts of bytes and words
 *    are done on a 64-bit copy, where such counts mean what they should.
 *  - A masked count of 0 changes no flags (but a 32-bit register operand is
 *    still written, which clears its upper half).  With a CL count that is
 *    only known at run time, a zero count leaves the block by a side exit
 *    to the next instruction once the result is written, before the flags
 *    are set (zero_count_exit); past it they are the shift's.  Selecting
 *    between old and new thunks instead kept both alive in every shift by
 *    CL, for a case compiled code hardly ever meets.
 *  - Rotates change only CF and OF; RCL/RCR rotate through CF, modulo 9 or
 *    17 for bytes and words (done in a helper).
 */
#include "arch/x86/x86_priv.h"

#define OPX(in) (((in)->modrm >> 3) & 7)

enum { SH_ROL, SH_ROR, SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SAL, SH_SAR };

/* A count that is zero at run time ends the instruction here: the result
 * is written (flushed), the flags are left as they were, and the block
 * leaves for the next instruction.  False if the count is known zero. */
static bool zero_count_exit(X86Lift *L, u32 nz)
{
    IrBuilder *b = L->b;
    u64 known;
    if (ir_is_const(b, nz, &known))
        return known != 0;
    x86_flush_all(L);
    ir_exit_if(b, ir_xor(b, nz, ir_const(b, IR_I1, 1)), L->next_pc, IR_EXIT_JUMP);
    return true;
}

/* Thunk update unless the count is zero (nz, i1). */
static void set_cc_if(X86Lift *L, u32 nz, unsigned op, unsigned size, u32 dst, u32 src)
{
    if (zero_count_exit(L, nz))
        x86_set_cc(L, op, size, dst, 0, src, 0);
}

/* Replace CF and OF (i64 0/1 each) in the flags, unless the count is zero. */
static void set_cf_of_if(X86Lift *L, u32 nz, u32 cf, u32 of)
{
    IrBuilder *b = L->b;
    if (!zero_count_exit(L, nz))
        return;
    u32 f = x86_get_eflags(L);
    u32 merged = ir_and(b, f, ir_const(b, IR_I64, ~(u64)(X86_CF | X86_OF)));
    merged = ir_or(b, merged, ir_or(b, cf, ir_shl(b, of, ir_const(b, IR_I8, 11))));
    x86_set_eflags(L, merged);
}

static u32 msb_of(IrBuilder *b, u32 v, unsigned size)
{
    return ir_and(b, ir_shr(b, ir_zext(b, IR_I64, v), ir_const(b, IR_I8, 8 * size - 1)), ir_const(b, IR_I64, 1));
}

static u32 shift_result(X86Lift *L, unsigned op, unsigned size, u32 a, u32 cnt, u32 *src)
{
    IrBuilder *b = L->b;
    IrType t = x86_int_type(size);
    u32 one = ir_const(b, IR_I8, 1);
    u32 cm1 = ir_binop(b, IR_SUB, IR_I8, cnt, one);
    u32 wide = op == SH_SAR ? ir_sext(b, IR_I64, a) : ir_zext(b, IR_I64, a);
    IrOpcode irop = op == SH_SAR ? IR_SAR : op == SH_SHR ? IR_SHR : IR_SHL;
    *src = ir_trunc(b, t, ir_binop(b, irop, IR_I64, wide, cm1));
    return ir_trunc(b, t, ir_binop(b, irop, IR_I64, wide, cnt));
}

static void shift_E(X86Lift *L, const X86Insn *in, unsigned op, unsigned size, u32 cnt_raw)
{
    IrBuilder *b = L->b;
    IrType t = x86_int_type(size);
    u32 cnt = ir_and(b, cnt_raw, ir_const(b, IR_I8, size == 8 ? 63 : 31));
    u32 nz = ir_cmp(b, IR_CMPNE, cnt, ir_const(b, IR_I8, 0));
    u32 a = x86_get_E(L, in, size);
    u32 r, src;
    switch (op) {
    case SH_ROL:
    case SH_ROR: {
        r = ir_binop(b, op == SH_ROL ? IR_ROL : IR_ROR, t, a, ir_zext(b, t == IR_I8 ? IR_I8 : t, cnt));
        u32 msb = msb_of(b, r, size), cf, of;
        if (op == SH_ROL) {
            cf = ir_and(b, ir_zext(b, IR_I64, r), ir_const(b, IR_I64, 1));
            of = ir_xor(b, msb, cf);
        } else {
            cf = msb;
            u32 next = ir_and(b, ir_shr(b, ir_zext(b, IR_I64, r), ir_const(b, IR_I8, 8 * size - 2)), ir_const(b, IR_I64, 1));
            of = ir_xor(b, msb, next);
        }
        x86_put_E(L, in, size, r);
        set_cf_of_if(L, nz, cf, of);
        return;
    }
    case SH_RCL:
    case SH_RCR: {
        u32 cf = x86_get_cf(L);
        u32 arg = ir_or(b, ir_zext(b, IR_I64, cnt),
                        ir_const(b, IR_I64, (u64)size << 16 | (op == SH_RCR ? 1u << 8 : 0)));
        u32 res = ir_call(b, &x86_h_rotc, IR_V128, ir_zext(b, IR_I64, a), arg, cf);
        r = ir_trunc(b, t, ir_extract(b, IR_I64, res, 0));
        u32 flags = ir_extract(b, IR_I64, res, 8);
        x86_put_E(L, in, size, r);
        set_cf_of_if(L, nz, ir_and(b, flags, ir_const(b, IR_I64, 1)),
                     ir_and(b, ir_shr(b, flags, ir_const(b, IR_I8, 11)), ir_const(b, IR_I64, 1)));
        return;
    }
    default: {
        unsigned kind = op == SH_SAR ? SH_SAR : op == SH_SHR ? SH_SHR : SH_SHL;
        r = shift_result(L, kind, size, a, cnt, &src);
        x86_put_E(L, in, size, r);
        set_cc_if(L, nz, kind == SH_SAR ? CC_OP_SAR : kind == SH_SHR ? CC_OP_SHR : CC_OP_SHL, size, r, src);
        return;
    }
    }
}

LIFTER(grp2)
{
    IrBuilder *b = L->b;
    unsigned size = (in->opc & 1) ? in->opsize : 1;
    u32 cnt;
    if (in->opc == 0xc0 || in->opc == 0xc1)
        cnt = ir_const(b, IR_I8, in->imm);
    else if (in->opc == 0xd0 || in->opc == 0xd1)
        cnt = ir_const(b, IR_I8, 1);
    else
        cnt = x86_get_reg(L, X86_RCX, 1); /* CL */
    shift_E(L, in, OPX(in), size, cnt);
    return true;
}

/* SHLD/SHRD E, G, count: shift E, filling from G. */
LIFTER(shd)
{
    IrBuilder *b = L->b;
    unsigned size = in->opsize, bits = 8 * size;
    IrType t = x86_int_type(size);
    bool left = in->opc < 0xa8;
    u32 cnt = (in->opc & 1) ? x86_get_reg(L, X86_RCX, 1) : ir_const(b, IR_I8, in->imm);
    cnt = ir_and(b, cnt, ir_const(b, IR_I8, size == 8 ? 63 : 31));
    u32 nz = ir_cmp(b, IR_CMPNE, cnt, ir_const(b, IR_I8, 0));
    u32 d = x86_get_E(L, in, size);
    u32 s = x86_get_G(L, in, size);
    u32 one = ir_const(b, IR_I8, 1);
    u32 cm1 = ir_binop(b, IR_SUB, IR_I8, cnt, one);
    u32 r, cf;
    if (size == 8) {
        u32 inv = ir_binop(b, IR_SUB, IR_I8, ir_const(b, IR_I8, 64), cnt); /* 1..63 when nz */
        if (left) {
            r = ir_or(b, ir_shl(b, d, cnt), ir_shr(b, s, inv));
            cf = ir_shr(b, ir_shl(b, d, cm1), ir_const(b, IR_I8, 63));
        } else {
            r = ir_or(b, ir_shr(b, d, cnt), ir_shl(b, s, inv));
            cf = ir_and(b, ir_shr(b, d, cm1), ir_const(b, IR_I64, 1));
        }
        r = ir_select(b, nz, r, d);
    } else {
        /* Concatenate into 64 bits (d:s for SHLD, s:d for SHRD) and shift
         * there.  Counts beyond a word's width give what the wide shift
         * gives; the SDM leaves the result undefined for them. */
        u32 sh = ir_const(b, IR_I8, bits);
        u32 d64 = ir_zext(b, IR_I64, d), s64 = ir_zext(b, IR_I64, s);
        if (left) {
            u32 w = ir_or(b, ir_shl(b, d64, sh), s64);
            r = ir_trunc(b, t, ir_shr(b, ir_binop(b, IR_SHL, IR_I64, w, cnt), sh));
            cf = ir_and(b, ir_shr(b, ir_binop(b, IR_SHL, IR_I64, w, cm1), ir_const(b, IR_I8, 2 * bits - 1)),
                        ir_const(b, IR_I64, 1));
        } else {
            u32 w = ir_or(b, ir_shl(b, s64, sh), d64);
            r = ir_trunc(b, t, ir_binop(b, IR_SHR, IR_I64, w, cnt));
            cf = ir_and(b, ir_binop(b, IR_SHR, IR_I64, w, cm1), ir_const(b, IR_I64, 1));
        }
        r = ir_select(b, nz, r, d);
    }
    x86_put_E(L, in, size, r);
    /* OF: did the sign change (defined for count 1). */
    u32 of = ir_xor(b, msb_of(b, r, size), msb_of(b, d, size));
    u32 fl = ir_or(b, ir_zext(b, IR_I64, cf), ir_shl(b, of, ir_const(b, IR_I8, 11)));
    set_cc_if(L, nz, CC_OP_RESULT, size, r, fl);
    return true;
}
