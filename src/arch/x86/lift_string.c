/*
 * lift_string.c — MOVS, CMPS, STOS, LODS, SCAS with REP/REPE/REPNE.
 *
 * A REP-prefixed instruction does one element per execution and branches
 * back to itself while the count is not exhausted, as QEMU does: every
 * iteration ends at an instruction boundary, so a fault in the middle of a
 * long copy leaves RSI/RDI/RCX exactly where the hardware would, and
 * interrupts (signals) are taken between elements.  The dispatcher re-runs a
 * block that exits to itself without a lookup.
 *
 * Manual: Intel SDM vol. 2B, "REP/REPE/REPZ/REPNE/REPNZ", and the
 * instructions.  Sources use DS (FS/GS overrides apply); destinations use ES,
 * which cannot be overridden.  67h makes RSI/RDI/RCX 32-bit (wrapping).
 */
#include "arch/x86/x86_priv.h"

enum { S_MOVS, S_CMPS, S_STOS, S_LODS, S_SCAS };

static u32 seg_base(X86Lift *L, const X86Insn *in, u32 addr)
{
    if (in->seg == X86_SEG_NONE)
        return addr;
    u32 off = in->seg == X86_SEG_FS ? X86_OFF(fs_base) : X86_OFF(gs_base);
    return ir_add(L->b, ir_get(L->b, IR_I64, off), addr);
}

/* Advance an index register by ±size according to DF. */
static void advance(X86Lift *L, const X86Insn *in, unsigned reg, u32 step)
{
    IrBuilder *b = L->b;
    u32 v = x86_slot_get(L, SLOT_GPR + reg);
    u32 nv = ir_add(b, v, step);
    if (in->addrsize == 4)
        x86_put_reg(L, reg, 4, ir_trunc(b, IR_I32, nv));
    else
        x86_slot_put(L, SLOT_GPR + reg, nv);
}

static u32 index_addr(X86Lift *L, const X86Insn *in, unsigned reg)
{
    IrBuilder *b = L->b;
    u32 v = x86_slot_get(L, SLOT_GPR + reg);
    if (in->addrsize == 4)
        v = ir_zext(b, IR_I64, ir_trunc(b, IR_I32, v));
    return v;
}

LIFTER(string)
{
    IrBuilder *b = L->b;
    static const u8 kinds[16] = {
        [0x4] = S_MOVS, [0x5] = S_MOVS, [0x6] = S_CMPS, [0x7] = S_CMPS, [0xa] = S_STOS, [0xb] = S_STOS,
        [0xc] = S_LODS, [0xd] = S_LODS, [0xe] = S_SCAS, [0xf] = S_SCAS,
    };
    unsigned kind = kinds[in->opc & 15];
    unsigned size = (in->opc & 1) ? in->opsize : 1;
    IrType t = x86_int_type(size);
    bool rep = in->rep != 0;
    unsigned csize = in->addrsize;
    IrType ct = x86_int_type(csize);

    if (rep) {
        /* Count exhausted: the instruction does nothing. */
        u32 cx = x86_get_reg(L, X86_RCX, csize);
        x86_flush_committed(L);
        ir_exit_if(b, ir_cmp(b, IR_CMPEQ, cx, ir_const(b, ct, 0)), L->next_pc, IR_EXIT_JUMP);
        if (b->ended) { /* RCX is a constant 0: the exit above ended the block */
            L->ended = true;
            return true;
        }
    }

    /* step = DF ? -size : size */
    u32 df = x86_slot_get(L, SLOT_DF);
    u32 step = ir_select(b, ir_cmp(b, IR_CMPNE, df, ir_const(b, IR_I64, 0)), ir_const(b, IR_I64, -(u64)size),
                         ir_const(b, IR_I64, size));
    u32 src = seg_base(L, in, index_addr(L, in, X86_RSI));
    u32 dst = index_addr(L, in, X86_RDI);
    u32 zf_cond = 0;

    switch (kind) {
    case S_MOVS:
        x86_store(L, dst, x86_load(L, t, src));
        advance(L, in, X86_RSI, step);
        advance(L, in, X86_RDI, step);
        break;
    case S_STOS:
        x86_store(L, dst, x86_get_reg(L, X86_RAX, size));
        advance(L, in, X86_RDI, step);
        break;
    case S_LODS:
        x86_put_reg(L, X86_RAX, size, x86_load(L, t, src));
        advance(L, in, X86_RSI, step);
        break;
    case S_CMPS: {
        u32 a = x86_load(L, t, src);
        u32 y = x86_load(L, t, dst);
        u32 r = ir_binop(b, IR_SUB, t, a, y);
        x86_set_cc(L, CC_OP_SUB, size, r, a, y, 0);
        advance(L, in, X86_RSI, step);
        advance(L, in, X86_RDI, step);
        zf_cond = ir_cmp(b, IR_CMPEQ, r, ir_const(b, t, 0));
        break;
    }
    default: { /* SCAS */
        u32 a = x86_get_reg(L, X86_RAX, size);
        u32 y = x86_load(L, t, dst);
        u32 r = ir_binop(b, IR_SUB, t, a, y);
        x86_set_cc(L, CC_OP_SUB, size, r, a, y, 0);
        advance(L, in, X86_RDI, step);
        zf_cond = ir_cmp(b, IR_CMPEQ, r, ir_const(b, t, 0));
        break;
    }
    }

    if (!rep) {
        /* Not repeated: falls through to the next instruction. */
        return true;
    }
    u32 cx = ir_binop(b, IR_SUB, ct, x86_get_reg(L, X86_RCX, csize), ir_const(b, ct, 1));
    x86_put_reg(L, X86_RCX, csize, cx);
    u32 again = ir_cmp(b, IR_CMPNE, cx, ir_const(b, ct, 0));
    if (zf_cond) {
        /* REPE (F3) continues while equal, REPNE (F2) while different. */
        u32 keep = in->rep == 0xf3 ? zf_cond : ir_binop(b, IR_XOR, IR_I1, zf_cond, ir_const(b, IR_I1, 1));
        again = ir_binop(b, IR_AND, IR_I1, again, keep);
    }
    x86_flush_all(L);
    ir_exit_if(b, again, in->pc, IR_EXIT_JUMP);
    if (!b->ended) /* a constant RCX folds `again` to true: the exit_if ended it */
        ir_exit(b, L->next_pc, IR_EXIT_JUMP);
    L->ended = true;
    return true;
}
