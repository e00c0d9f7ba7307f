/*
 * lift_mov.c — data movement: MOV in all its encodings, LEA, the stack
 * (PUSH/POP, PUSHF/POPF, ENTER/LEAVE), XLAT, MOVNTI and the NOP forms.
 *
 * Manual: Intel SDM vol. 2.
 */
#include "arch/x86/x86_priv.h"

#define OPX(in) (((in)->modrm >> 3) & 7)

/* 88/89/8A/8B: MOV Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev */
LIFTER(mov)
{
    unsigned size = (in->opc & 1) ? in->opsize : 1;
    if (in->opc & 2)
        x86_put_G(L, in, size, x86_get_E(L, in, size));
    else
        x86_put_E(L, in, size, x86_get_G(L, in, size));
    return true;
}

/* C6/C7 /0: MOV E, I (the other encodings are XABORT/XBEGIN: no TSX). */
LIFTER(mov_E_I)
{
    if (OPX(in) != 0)
        return false;
    unsigned size = (in->opc & 1) ? in->opsize : 1;
    x86_put_E(L, in, size, x86_imm(L, size, in->imm));
    return true;
}

LIFTER(mov_Zb_Ib)
{
    x86_put_reg(L, in->rm, 1, x86_imm(L, 1, in->imm));
    return true;
}

LIFTER(mov_Zv_Iv)
{
    x86_put_reg(L, in->rm, in->opsize, x86_imm(L, in->opsize, in->imm));
    return true;
}

/* A0..A3: MOV AL/rAX <-> [moffs] (segment overrides apply). */
LIFTER(mov_moffs)
{
    IrBuilder *b = L->b;
    unsigned size = (in->opc & 1) ? in->opsize : 1;
    u32 addr = ir_const(b, IR_I64, in->imm);
    if (in->seg != X86_SEG_NONE)
        addr = ir_add(b, ir_get(b, IR_I64, in->seg == X86_SEG_FS ? X86_OFF(fs_base) : X86_OFF(gs_base)), addr);
    if (in->opc < 0xa2)
        x86_put_reg(L, X86_RAX, size, x86_load(L, x86_int_type(size), addr));
    else
        x86_store(L, addr, x86_get_reg(L, X86_RAX, size));
    return true;
}

/* MOV Ev, Sw: the selectors Linux gives a 64-bit process. */
LIFTER(mov_Ev_Sw)
{
    static const u16 selectors[8] = {0, 0x33, 0x2b, 0, 0, 0, 0xffff, 0xffff}; /* ES CS SS DS FS GS */
    unsigned sreg = OPX(in);
    if (sreg > 5)
        return false;
    unsigned size = in->mod == 3 ? in->opsize : 2;
    x86_put_E(L, in, size, x86_imm(L, size, selectors[sreg]));
    return true;
}

/* MOV Sw, Ew: loading segment registers is not modelled. */
LIFTER(mov_Sw_Ew)
{
    (void)L, (void)in;
    return false;
}

LIFTER(lea)
{
    if (in->mod == 3)
        return false; /* LEA with a register operand is #UD */
    IrType t = x86_int_type(in->opsize);
    x86_put_G(L, in, in->opsize, ir_trunc(L->b, t, x86_lea_addr(L, in)));
    return true;
}

LIFTER(push_Zv)
{
    x86_push(L, in->opsize, x86_get_reg(L, in->rm, in->opsize));
    return true;
}

LIFTER(pop_Zv)
{
    x86_put_reg(L, in->rm, in->opsize, x86_pop(L, in->opsize));
    return true;
}

LIFTER(push_I)
{
    x86_push(L, in->opsize, x86_imm(L, in->opsize, in->imm));
    return true;
}

/* 8F /0: POP Ev.  A memory operand addressed through RSP uses the value
 * RSP has after the pop (x86_pop updates the cached RSP first). */
LIFTER(pop_Ev)
{
    if (OPX(in) != 0)
        return false;
    u32 v = x86_pop(L, in->opsize);
    x86_put_E(L, in, in->opsize, v);
    return true;
}

static u32 rflags_now(X86Lift *L)
{
    IrBuilder *b = L->b;
    u32 f = x86_get_eflags(L);
    u32 df = ir_shl(b, x86_slot_get(L, SLOT_DF), ir_const(b, IR_I8, 10));
    u32 hi = ir_get(b, IR_I64, X86_OFF(eflags_hi));
    return ir_or(b, ir_or(b, f, df), ir_or(b, hi, ir_const(b, IR_I64, 0x202)));
}

LIFTER(pushf)
{
    u32 f = rflags_now(L);
    x86_push(L, in->opsize, ir_trunc(L->b, x86_int_type(in->opsize), f));
    return true;
}

/* POPF: user mode may change the arithmetic flags, DF, AC and ID (TF is
 * accepted but single-stepping is not modelled). */
LIFTER(popf)
{
    IrBuilder *b = L->b;
    u32 v = ir_zext(b, IR_I64, x86_pop(L, in->opsize));
    x86_set_eflags(L, v);
    x86_slot_put(L, SLOT_DF, ir_and(b, ir_shr(b, v, ir_const(b, IR_I8, 10)), ir_const(b, IR_I64, 1)));
    u32 hi = ir_and(b, v, ir_const(b, IR_I64, X86_AC | X86_ID));
    if (in->opsize == 2) /* a 16-bit POPF leaves the upper flags alone */
        hi = ir_get(b, IR_I64, X86_OFF(eflags_hi));
    /* eflags_hi is not a cached slot: this PUT is the instruction's last
     * write, after its only memory access. */
    ir_put(b, X86_OFF(eflags_hi), hi);
    return true;
}

/* LEAVE: RSP = RBP; RBP = pop. */
LIFTER(leave)
{
    IrBuilder *b = L->b;
    unsigned size = in->opsize;
    u32 rbp = x86_slot_get(L, SLOT_GPR + X86_RBP);
    u32 v = x86_load(L, x86_int_type(size), rbp);
    x86_slot_put(L, SLOT_GPR + X86_RSP, ir_add(b, rbp, ir_const(b, IR_I64, size)));
    x86_put_reg(L, X86_RBP, size, v);
    return true;
}

/* ENTER Iw, Ib: push RBP, copy `level` frame pointers, RBP = frame,
 * RSP -= Iw. */
LIFTER(enter)
{
    IrBuilder *b = L->b;
    unsigned size = in->opsize;
    unsigned level = (unsigned)in->imm2 & 31;
    u32 rsp = x86_slot_get(L, SLOT_GPR + X86_RSP);
    u32 rbp = x86_slot_get(L, SLOT_GPR + X86_RBP);
    u32 sp = ir_sub(b, rsp, ir_const(b, IR_I64, size));
    x86_store(L, sp, ir_trunc(b, x86_int_type(size), rbp));
    u32 frame = sp;
    for (unsigned i = 1; i < level; i++) {
        u32 src = ir_sub(b, rbp, ir_const(b, IR_I64, (u64)i * size));
        sp = ir_sub(b, sp, ir_const(b, IR_I64, size));
        x86_store(L, sp, x86_load(L, x86_int_type(size), src));
    }
    if (level > 0) {
        sp = ir_sub(b, sp, ir_const(b, IR_I64, size));
        x86_store(L, sp, ir_trunc(b, x86_int_type(size), frame));
    }
    sp = ir_sub(b, sp, ir_const(b, IR_I64, in->imm & 0xffff));
    x86_put_reg(L, X86_RBP, size, ir_trunc(b, x86_int_type(size), frame));
    x86_slot_put(L, SLOT_GPR + X86_RSP, sp);
    return true;
}

/* XLAT: AL = [rBX + AL]. */
LIFTER(xlat)
{
    IrBuilder *b = L->b;
    u32 addr = ir_add(b, x86_slot_get(L, SLOT_GPR + X86_RBX), ir_zext(b, IR_I64, x86_get_reg(L, X86_RAX, 1)));
    if (in->addrsize == 4)
        addr = ir_zext(b, IR_I64, ir_trunc(b, IR_I32, addr));
    if (in->seg != X86_SEG_NONE)
        addr = ir_add(b, ir_get(b, IR_I64, in->seg == X86_SEG_FS ? X86_OFF(fs_base) : X86_OFF(gs_base)), addr);
    x86_put_reg(L, X86_RAX, 1, x86_load(L, IR_I8, addr));
    return true;
}

/* MOVNTI My, Gy: a store (the non-temporal hint means nothing here). */
LIFTER(movnti)
{
    if (in->mod == 3)
        return false;
    unsigned size = in->rex_w ? 8 : 4;
    x86_store(L, x86_mem_addr(L, in), x86_get_G(L, in, size));
    return true;
}

/* NOP Ev, prefetches, ENDBR64, reserved-NOP space: no memory access. */
LIFTER(nop_Ev)
{
    (void)L;
    if (in->opc == 0x0d || in->opc == 0x18)
        return in->mod != 3 || in->opc == 0x18; /* prefetch with a register is reserved */
    return true;
}
