/*
 * lift_alu.c — integer arithmetic and logic: the eight classic ALU ops in
 * all their encodings, INC/DEC/NEG/NOT, TEST, MUL/IMUL/DIV/IDIV, and the
 * flag-only instructions (CLC/STC/CMC/CLD/STD, SAHF/LAHF).
 *
 * Manual: Intel SDM vol. 2 (ADD..XOR, MUL, IMUL, DIV, IDIV), vol. 1 §3.4.3
 * for the flags.  Undefined flags are whatever the thunk computes; the
 * differential tests mask them as the SDM says.
 */
#include "arch/x86/x86_priv.h"

#define OPX(in) (((in)->modrm >> 3) & 7) /* ModRM.reg as an opcode extension */

enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };

/* a op b for one of the eight ALU ops; records flags; returns the result
 * (for CMP the result is only used by the flags). */
static u32 alu_compute(X86Lift *L, unsigned op, unsigned size, u32 a, u32 y)
{
    IrBuilder *b = L->b;
    IrType t = x86_int_type(size);
    u32 r, cf;
    switch (op) {
    case ALU_ADD:
        r = ir_binop(b, IR_ADD, t, a, y);
        x86_set_cc(L, CC_OP_ADD, size, r, a, y, 0);
        return r;
    case ALU_ADC:
        cf = ir_trunc(b, t, x86_get_cf(L));
        r = ir_binop(b, IR_ADD, t, ir_binop(b, IR_ADD, t, a, y), cf);
        x86_set_cc(L, CC_OP_ADC, size, r, a, y, cf);
        return r;
    case ALU_SBB:
        cf = ir_trunc(b, t, x86_get_cf(L));
        r = ir_binop(b, IR_SUB, t, ir_binop(b, IR_SUB, t, a, y), cf);
        x86_set_cc(L, CC_OP_SBB, size, r, a, y, cf);
        return r;
    case ALU_SUB:
    case ALU_CMP:
        r = ir_binop(b, IR_SUB, t, a, y);
        x86_set_cc(L, CC_OP_SUB, size, r, a, y, 0);
        return r;
    case ALU_AND:
        r = ir_binop(b, IR_AND, t, a, y);
        break;
    case ALU_OR:
        r = ir_binop(b, IR_OR, t, a, y);
        break;
    default:
        r = ir_binop(b, IR_XOR, t, a, y);
        break;
    }
    x86_set_cc(L, CC_OP_LOGIC, size, r, 0, 0, 0);
    return r;
}

/* E = E op y, with LOCK where given. */
static void alu_E(X86Lift *L, const X86Insn *in, unsigned op, unsigned size, u32 y)
{
    u32 a = x86_get_E(L, in, size);
    u32 r = alu_compute(L, op, size, a, y);
    if (op != ALU_CMP)
        x86_rmw_put_E(L, in, size, a, r);
}

LIFTER(alu)
{
    unsigned op = (in->opc >> 3) & 7, form = in->opc & 7;
    unsigned size = (form & 1) ? in->opsize : 1;
    switch (form) {
    case 0: case 1: /* Eb,Gb / Ev,Gv */
        alu_E(L, in, op, size, x86_get_G(L, in, size));
        return true;
    case 2: case 3: { /* Gb,Eb / Gv,Ev */
        u32 y = x86_get_E(L, in, size);
        u32 r = alu_compute(L, op, size, x86_get_G(L, in, size), y);
        if (op != ALU_CMP)
            x86_put_G(L, in, size, r);
        return true;
    }
    default: { /* AL,Ib / rAX,Iz */
        u32 r = alu_compute(L, op, size, x86_get_reg(L, X86_RAX, size), x86_imm(L, size, in->imm));
        if (op != ALU_CMP)
            x86_put_reg(L, X86_RAX, size, r);
        return true;
    }
    }
}

LIFTER(grp1)
{
    unsigned size = in->opc == 0x80 ? 1 : in->opsize;
    alu_E(L, in, OPX(in), size, x86_imm(L, size, in->imm));
    return true;
}

LIFTER(test)
{
    unsigned size = (in->opc & 1) ? in->opsize : 1;
    u32 a, y;
    if (in->opc == 0xa8 || in->opc == 0xa9) {
        a = x86_get_reg(L, X86_RAX, size);
        y = x86_imm(L, size, in->imm);
    } else {
        a = x86_get_E(L, in, size);
        y = x86_get_G(L, in, size);
    }
    alu_compute(L, ALU_AND, size, a, y);
    return true;
}

/* INC/DEC E: like ADD/SUB 1 but CF is kept. */
static void inc_dec(X86Lift *L, const X86Insn *in, unsigned size, bool dec)
{
    IrBuilder *b = L->b;
    u32 cf = x86_get_cf(L);
    u32 a = x86_get_E(L, in, size);
    u32 r = ir_binop(b, dec ? IR_SUB : IR_ADD, x86_int_type(size), a, x86_imm(L, size, 1));
    x86_rmw_put_E(L, in, size, a, r);
    x86_set_cc(L, dec ? CC_OP_DEC : CC_OP_INC, size, r, a, cf, 0);
}

LIFTER(grp4)
{
    if (OPX(in) > 1)
        return false;
    inc_dec(L, in, 1, OPX(in) == 1);
    return true;
}

/* Grp5's INC/DEC (the rest is in lift_ctrl.c). */
bool x86_lift_inc_dec_Ev(X86Lift *L, const X86Insn *in)
{
    inc_dec(L, in, in->opsize, OPX(in) == 1);
    return true;
}

/* MUL/IMUL with one operand: rDX:rAX = rAX * E (AX = AL * E for bytes). */
static void mul1(X86Lift *L, const X86Insn *in, unsigned size, bool sign)
{
    IrBuilder *b = L->b;
    IrType t = x86_int_type(size);
    u32 y = x86_get_E(L, in, size);
    u32 a = x86_get_reg(L, X86_RAX, size);
    u32 lo = ir_binop(b, IR_MUL, t, a, y);
    u32 hi = ir_binop(b, sign ? IR_MULHS : IR_MULHU, t, a, y);
    /* CF = OF = the high half carries information: non-zero (unsigned) or
     * not the sign extension of the low half (signed). */
    u32 ovf = sign ? ir_xor(b, hi, ir_sar(b, lo, ir_const(b, IR_I8, 8 * size - 1))) : hi;
    if (size == 1) {
        u32 ax = ir_or(b, ir_zext(b, IR_I16, lo), ir_shl(b, ir_zext(b, IR_I16, hi), ir_const(b, IR_I8, 8)));
        x86_put_reg(L, X86_RAX, 2, ax);
    } else {
        x86_put_reg(L, X86_RAX, size, lo);
        x86_put_reg(L, X86_RDX, size, hi);
    }
    x86_set_cc(L, CC_OP_MUL, size, lo, 0, ovf, 0);
}

/* DIV/IDIV: rAX = rDX:rAX / E, rDX = remainder (AL, AH = AX / E for
 * bytes).  #DE when the divisor is 0 or the quotient does not fit. */
static void div1(X86Lift *L, const X86Insn *in, unsigned size, bool sign)
{
    IrBuilder *b = L->b;
    IrType t = x86_int_type(size);
    u32 d = x86_get_E(L, in, size);
    u32 lo, hi;
    if (size == 1) {
        u32 ax = x86_get_reg(L, X86_RAX, 2);
        lo = ir_trunc(b, IR_I8, ax);
        hi = ir_trunc(b, IR_I8, ir_shr(b, ax, ir_const(b, IR_I8, 8)));
    } else {
        lo = x86_get_reg(L, X86_RAX, size);
        hi = x86_get_reg(L, X86_RDX, size);
    }
    u32 q, r;
    if (size == 8) {
        u32 fault = sign ? ir_cmp(b, IR_CMPNE, ir_call(b, &x86_h_idiv128_fault, IR_I64, hi, lo, d), ir_const(b, IR_I64, 0))
                         : ir_cmp(b, IR_CMPLEU, d, hi);
        x86_fault_if(L, fault, IR_EXIT_DIVIDE);
        if (L->ended)
            return;
        u32 qr = ir_call(b, sign ? &x86_h_div128s : &x86_h_div128u, IR_V128, hi, lo, d);
        q = ir_extract(b, IR_I64, qr, 0);
        r = ir_extract(b, IR_I64, qr, 8);
    } else {
        /* The double-width dividend fits an i64: divide there. */
        unsigned bits = 8 * size;
        u32 n = ir_or(b, ir_shl(b, ir_zext(b, IR_I64, hi), ir_const(b, IR_I8, bits)), ir_zext(b, IR_I64, lo));
        u32 fault;
        if (sign) {
            n = ir_sext(b, IR_I64, ir_trunc(b, x86_int_type(2 * size), n));
            u32 d64 = ir_sext(b, IR_I64, d);
            u32 zero = ir_cmp(b, IR_CMPEQ, d64, ir_const(b, IR_I64, 0));
            u32 one = ir_const(b, IR_I64, 1);
            u32 safe_d = ir_select(b, zero, one, d64);
            u32 q64 = ir_binop(b, IR_DIVS, IR_I64, n, safe_d);
            u32 fits = ir_cmp(b, IR_CMPEQ, ir_sext(b, IR_I64, ir_trunc(b, t, q64)), q64);
            fault = ir_binop(b, IR_OR, IR_I1, zero, ir_binop(b, IR_XOR, IR_I1, fits, ir_const(b, IR_I1, 1)));
            x86_fault_if(L, fault, IR_EXIT_DIVIDE);
            if (L->ended)
                return;
            q = ir_trunc(b, t, q64);
            r = ir_trunc(b, t, ir_binop(b, IR_REMS, IR_I64, n, safe_d));
        } else {
            fault = ir_cmp(b, IR_CMPLEU, d, hi);
            x86_fault_if(L, fault, IR_EXIT_DIVIDE);
            if (L->ended)
                return;
            u32 d64 = ir_select(b, ir_cmp(b, IR_CMPEQ, d, ir_const(b, t, 0)), ir_const(b, IR_I64, 1), ir_zext(b, IR_I64, d));
            q = ir_trunc(b, t, ir_binop(b, IR_DIVU, IR_I64, n, d64));
            r = ir_trunc(b, t, ir_binop(b, IR_REMU, IR_I64, n, d64));
        }
    }
    if (size == 1) {
        u32 ax = ir_or(b, ir_zext(b, IR_I16, q), ir_shl(b, ir_zext(b, IR_I16, r), ir_const(b, IR_I8, 8)));
        x86_put_reg(L, X86_RAX, 2, ax);
    } else {
        x86_put_reg(L, X86_RAX, size, q);
        x86_put_reg(L, X86_RDX, size, r);
    }
}

LIFTER(grp3)
{
    IrBuilder *b = L->b;
    unsigned size = in->opc == 0xf6 ? 1 : in->opsize;
    IrType t = x86_int_type(size);
    switch (OPX(in)) {
    case 0: case 1: /* TEST E,I */
        alu_compute(L, ALU_AND, size, x86_get_E(L, in, size), x86_imm(L, size, in->imm));
        return true;
    case 2: { /* NOT: no flags */
        u32 a = x86_get_E(L, in, size);
        x86_rmw_put_E(L, in, size, a, ir_unop(b, IR_NOT, t, a));
        return true;
    }
    case 3: { /* NEG: flags of 0 - a */
        u32 a = x86_get_E(L, in, size);
        u32 zero = ir_const(b, t, 0);
        u32 r = ir_binop(b, IR_SUB, t, zero, a);
        x86_rmw_put_E(L, in, size, a, r);
        x86_set_cc(L, CC_OP_SUB, size, r, zero, a, 0);
        return true;
    }
    case 4: mul1(L, in, size, false); return true;
    case 5: mul1(L, in, size, true); return true;
    case 6: div1(L, in, size, false); return true;
    default: div1(L, in, size, true); return true;
    }
}

/* IMUL G = a * y with the two- and three-operand forms' flags. */
static void imul_to_G(X86Lift *L, const X86Insn *in, u32 a, u32 y)
{
    IrBuilder *b = L->b;
    unsigned size = in->opsize;
    IrType t = x86_int_type(size);
    u32 lo = ir_binop(b, IR_MUL, t, a, y);
    u32 hi = ir_binop(b, IR_MULHS, t, a, y);
    u32 ovf = ir_xor(b, hi, ir_sar(b, lo, ir_const(b, IR_I8, 8 * size - 1)));
    x86_put_G(L, in, size, lo);
    x86_set_cc(L, CC_OP_MUL, size, lo, 0, ovf, 0);
}

LIFTER(imul3)
{
    u32 a = x86_get_E(L, in, in->opsize);
    imul_to_G(L, in, a, x86_imm(L, in->opsize, in->imm));
    return true;
}

LIFTER(imul2)
{
    u32 y = x86_get_E(L, in, in->opsize);
    imul_to_G(L, in, x86_get_G(L, in, in->opsize), y);
    return true;
}

/* CLC, STC, CMC, CLD, STD */
LIFTER(flagop)
{
    IrBuilder *b = L->b;
    if (in->opc == 0xfc || in->opc == 0xfd) {
        x86_slot_put(L, SLOT_DF, ir_const(b, IR_I64, in->opc == 0xfd));
        return true;
    }
    u32 f = x86_get_eflags(L);
    u32 cf = ir_const(b, IR_I64, X86_CF);
    if (in->opc == 0xf8)
        f = ir_binop(b, IR_ANDN, IR_I64, cf, f);
    else if (in->opc == 0xf9)
        f = ir_or(b, f, cf);
    else
        f = ir_xor(b, f, cf);
    x86_set_eflags(L, f);
    return true;
}

/* SAHF: SF ZF AF PF CF from AH; OF kept. */
LIFTER(sahf)
{
    IrBuilder *b = L->b;
    (void)in;
    u32 ah = ir_shr(b, x86_slot_get(L, SLOT_GPR + X86_RAX), ir_const(b, IR_I8, 8)); /* AH even with REX */
    u32 keep = ir_and(b, x86_get_eflags(L), ir_const(b, IR_I64, X86_OF));
    u32 f = ir_or(b, keep, ir_and(b, ah, ir_const(b, IR_I64, X86_SF | X86_ZF | X86_AF | X86_PF | X86_CF)));
    x86_set_eflags(L, f);
    return true;
}

/* LAHF: AH = SF:ZF:0:AF:0:PF:1:CF */
LIFTER(lahf)
{
    IrBuilder *b = L->b;
    (void)in;
    u32 f = ir_and(b, x86_get_eflags(L), ir_const(b, IR_I64, X86_SF | X86_ZF | X86_AF | X86_PF | X86_CF));
    f = ir_or(b, f, ir_const(b, IR_I64, 2));
    u32 rax = x86_slot_get(L, SLOT_GPR + X86_RAX);
    u32 v = ir_or(b, ir_and(b, rax, ir_const(b, IR_I64, ~0xff00ull)), ir_shl(b, f, ir_const(b, IR_I8, 8)));
    x86_slot_put(L, SLOT_GPR + X86_RAX, v);
    return true;
}
