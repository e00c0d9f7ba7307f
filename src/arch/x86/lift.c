/*
 * lift.c — the lifter's vocabulary: guest registers (with the x86 partial
 * register rules), effective addresses, memory, the stack, helper calls and
 * block exits, on top of the buffered-write discipline of x86_priv.h.
 *
 * Every lift_*.c file speaks only this vocabulary and the IR builder, so the
 * buffering (and with it precise fault state) is decided in one place.
 */
#include "arch/x86/x86_priv.h"

IrType x86_int_type(unsigned bytes)
{
    switch (bytes) {
    case 1: return IR_I8;
    case 2: return IR_I16;
    case 4: return IR_I32;
    case 8: return IR_I64;
    case 16: return IR_V128;
    default: ue_panic("bad operand size %u", bytes);
    }
}

static u32 slot_offset(unsigned slot)
{
    if (slot < 16)
        return X86_GPR_OFF(slot);
    if (slot >= SLOT_XMM)
        return X86_XMM_OFF(slot - SLOT_XMM);
    switch (slot) {
    case SLOT_CC_OP: return X86_OFF(cc_op);
    case SLOT_CC_DST: return X86_OFF(cc_dst);
    case SLOT_CC_SRC: return X86_OFF(cc_src);
    case SLOT_CC_SRC2: return X86_OFF(cc_src2);
    case SLOT_DF: return X86_OFF(df);
    }
    ue_panic("bad slot %u", slot);
}

static IrType slot_type(unsigned slot) { return slot >= SLOT_XMM ? IR_V128 : IR_I64; }

u32 x86_slot_get(X86Lift *L, unsigned slot)
{
    if (!L->cur[slot])
        L->cur[slot] = ir_get(L->b, slot_type(slot), slot_offset(slot));
    return L->cur[slot];
}

void x86_slot_put(X86Lift *L, unsigned slot, u32 val)
{
    ue_assert(ir_temp_type(L->b, val) == slot_type(slot));
    L->cur[slot] = val;
    L->written[slot] = true;
}

void x86_flush_committed(X86Lift *L)
{
    for (unsigned s = 0; s < NSLOTS; s++) {
        if (L->committed[s]) {
            ir_put(L->b, slot_offset(s), L->committed[s]);
            L->committed[s] = 0;
        }
    }
}

void x86_flush_all(X86Lift *L)
{
    for (unsigned s = 0; s < NSLOTS; s++) {
        u32 v = L->written[s] ? L->cur[s] : L->committed[s];
        if (v)
            ir_put(L->b, slot_offset(s), v);
        L->committed[s] = 0;
        L->written[s] = false;
    }
}

void x86_invalidate(X86Lift *L)
{
    for (unsigned s = 0; s < NSLOTS; s++)
        ue_assert(!L->committed[s] && !L->written[s]);
    memset(L->cur, 0, sizeof L->cur);
    L->cc.op = CC_UNKNOWN;
}

/* ---- registers ---- */

static bool is_high_byte(const X86Lift *L, unsigned reg, unsigned size)
{
    return size == 1 && !L->in->rex && reg >= 4 && reg < 8;
}

u32 x86_get_reg(X86Lift *L, unsigned reg, unsigned size)
{
    IrBuilder *b = L->b;
    if (is_high_byte(L, reg, size)) {
        u32 full = x86_slot_get(L, SLOT_GPR + reg - 4);
        return ir_trunc(b, IR_I8, ir_shr(b, full, ir_const(b, IR_I8, 8)));
    }
    u32 full = x86_slot_get(L, SLOT_GPR + reg);
    return ir_trunc(b, x86_int_type(size), full);
}

void x86_put_reg(X86Lift *L, unsigned reg, unsigned size, u32 val)
{
    IrBuilder *b = L->b;
    ue_assert(ir_temp_type(b, val) == x86_int_type(size));
    if (size == 8) {
        x86_slot_put(L, SLOT_GPR + reg, val);
    } else if (size == 4) {
        x86_slot_put(L, SLOT_GPR + reg, ir_zext(b, IR_I64, val));
    } else {
        unsigned shift = 0;
        if (is_high_byte(L, reg, size)) {
            reg -= 4;
            shift = 8;
        }
        u64 mask = (size == 1 ? 0xffull : 0xffffull) << shift;
        u32 old = x86_slot_get(L, SLOT_GPR + reg);
        u32 v = ir_shl(b, ir_zext(b, IR_I64, val), ir_const(b, IR_I8, shift));
        u32 keep = ir_and(b, old, ir_const(b, IR_I64, ~mask));
        x86_slot_put(L, SLOT_GPR + reg, ir_or(b, keep, v));
    }
}

/* ---- memory operands ---- */

u32 x86_lea_addr(X86Lift *L, const X86Insn *in)
{
    IrBuilder *b = L->b;
    u32 addr;
    if (in->rip_rel) {
        addr = ir_const(b, IR_I64, in->pc + in->len + (u64)in->disp);
    } else {
        /* (base + (index << scale)) + disp: the shape the JIT folds back
         * into one x86 memory operand, with the displacement last so that
         * accesses at different offsets share the rest. */
        addr = 0;
        if (in->base >= 0)
            addr = x86_slot_get(L, SLOT_GPR + (unsigned)in->base);
        if (in->index >= 0) {
            u32 idx = x86_slot_get(L, SLOT_GPR + (unsigned)in->index);
            idx = ir_shl(b, idx, ir_const(b, IR_I8, in->scale));
            addr = addr ? ir_add(b, addr, idx) : idx;
        }
        u32 disp = ir_const(b, IR_I64, (u64)in->disp);
        addr = addr ? ir_add(b, addr, disp) : disp;
    }
    if (in->addrsize == 4)
        addr = ir_zext(b, IR_I64, ir_trunc(b, IR_I32, addr));
    return addr;
}

u32 x86_mem_addr(X86Lift *L, const X86Insn *in)
{
    if (L->ea)
        return L->ea;
    u32 addr = x86_lea_addr(L, in);
    if (in->seg == X86_SEG_FS || in->seg == X86_SEG_GS) {
        u32 off = in->seg == X86_SEG_FS ? X86_OFF(fs_base) : X86_OFF(gs_base);
        addr = ir_add(L->b, ir_get(L->b, IR_I64, off), addr);
    }
    L->ea = addr;
    return addr;
}

u32 x86_load(X86Lift *L, IrType type, u32 addr)
{
    x86_flush_committed(L);
    return ir_load(L->b, type, addr);
}

void x86_store(X86Lift *L, u32 addr, u32 val)
{
    x86_flush_committed(L);
    ir_store(L->b, addr, val);
}

u32 x86_get_E(X86Lift *L, const X86Insn *in, unsigned size)
{
    if (in->mod == 3)
        return x86_get_reg(L, in->rm, size);
    return x86_load(L, x86_int_type(size), x86_mem_addr(L, in));
}

void x86_put_E(X86Lift *L, const X86Insn *in, unsigned size, u32 val)
{
    if (in->mod == 3)
        x86_put_reg(L, in->rm, size, val);
    else
        x86_store(L, x86_mem_addr(L, in), val);
}

void x86_rmw_put_E(X86Lift *L, const X86Insn *in, unsigned size, u32 old, u32 val)
{
    if (in->mod == 3 || !in->lock) {
        x86_put_E(L, in, size, val);
        return;
    }
    IrBuilder *b = L->b;
    x86_flush_committed(L);
    u32 seen = ir_cas(b, x86_mem_addr(L, in), old, val);
    x86_fault_if(L, ir_cmp(b, IR_CMPNE, seen, old), IR_EXIT_JUMP);
}

u32 x86_get_G(X86Lift *L, const X86Insn *in, unsigned size) { return x86_get_reg(L, in->reg, size); }

void x86_put_G(X86Lift *L, const X86Insn *in, unsigned size, u32 val) { x86_put_reg(L, in->reg, size, val); }

u32 x86_imm(X86Lift *L, unsigned size, u64 v) { return ir_const(L->b, x86_int_type(size), v); }

/* ---- stack ---- */

void x86_push(X86Lift *L, unsigned size, u32 val)
{
    IrBuilder *b = L->b;
    u32 sp = ir_sub(b, x86_slot_get(L, SLOT_GPR + X86_RSP), ir_const(b, IR_I64, size));
    x86_store(L, sp, val);
    x86_slot_put(L, SLOT_GPR + X86_RSP, sp);
}

u32 x86_pop(X86Lift *L, unsigned size)
{
    IrBuilder *b = L->b;
    u32 sp = x86_slot_get(L, SLOT_GPR + X86_RSP);
    u32 v = x86_load(L, x86_int_type(size), sp);
    x86_slot_put(L, SLOT_GPR + X86_RSP, ir_add(b, sp, ir_const(b, IR_I64, size)));
    return v;
}

/* ---- helpers and exits ---- */

u32 x86_call(X86Lift *L, const IrHelper *h, IrType ret, u32 a, u32 b, u32 c)
{
    if (h->flags & IRH_WRITES_STATE)
        x86_flush_all(L);
    else if (h->flags & IRH_READS_STATE)
        x86_flush_committed(L);
    u32 r = ir_call(L->b, h, ret, a, b, c);
    if (h->flags & IRH_WRITES_STATE)
        x86_invalidate(L);
    return r;
}

void x86_fault_if(X86Lift *L, u32 cond, IrExitKind kind)
{
    x86_flush_committed(L);
    ir_exit_if(L->b, cond, L->in->pc, kind);
    /* A condition known true here (`mov ecx, 0; div ecx` in one block)
     * folds to the block's final EXIT: the instruction always faults, and
     * its lifter must stop emitting (it checks L->ended). */
    if (L->b->ended)
        L->ended = true;
}

void x86_end_jump(X86Lift *L, GuestAddr target, IrExitKind kind)
{
    x86_flush_all(L);
    ir_exit(L->b, target, kind);
    L->ended = true;
}

void x86_end_jump_ind(X86Lift *L, u32 target, IrExitKind kind)
{
    x86_flush_all(L);
    ir_exit_ind(L->b, target, kind);
    L->ended = true;
}

void x86_end_branch(X86Lift *L, u32 cond, GuestAddr target)
{
    x86_flush_all(L);
    ir_exit_if(L->b, cond, target, IR_EXIT_JUMP);
    if (!L->b->ended && L->side_exits_left) {
        L->side_exits_left--; /* the taken path leaves; lifting goes on */
        return;
    }
    if (!L->b->ended)
        ir_exit(L->b, L->next_pc, IR_EXIT_JUMP);
    L->ended = true;
}
