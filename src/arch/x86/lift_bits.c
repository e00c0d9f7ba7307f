/*
 * lift_bits.c — bit tests and scans (BT/BTS/BTR/BTC, BSF/BSR, TZCNT/LZCNT,
 * POPCNT), BSWAP/MOVBE, CRC32, conditional ops (SETcc, CMOVcc), widening
 * moves (MOVZX/MOVSX/MOVSXD, CBW/CWD family) and the exchanging
 * instructions (XCHG, XADD, CMPXCHG, CMPXCHG8B/16B).
 *
 * Manual: Intel SDM vol. 2.  Quirks handled here are commented where they
 * are implemented.
 */
#include "arch/x86/x86_priv.h"

#define OPX(in) (((in)->modrm >> 3) & 7)

/* Replace only CF (i64 0/1) in the flags: BT* keep ZF (the others are
 * undefined; keeping them is one valid choice). */
static void set_cf_only(X86Lift *L, u32 cf)
{
    IrBuilder *b = L->b;
    u32 f = ir_and(b, x86_get_eflags(L), ir_const(b, IR_I64, ~(u64)X86_CF));
    x86_set_eflags(L, ir_or(b, f, cf));
}

/* BT/BTS/BTR/BTC, register (0F A3/AB/B3/BB) and immediate (0F BA) forms. */
LIFTER(bt)
{
    IrBuilder *b = L->b;
    unsigned size = in->opsize, bits = 8 * size, op;
    IrType t = x86_int_type(size);
    u32 off;
    if (in->opc == 0xba) {
        if (OPX(in) < 4)
            return false;
        op = OPX(in) - 4;
        off = ir_const(b, IR_I64, in->imm & (bits - 1));
    } else {
        op = (in->opc >> 3) & 3; /* A3: BT, AB: BTS, B3: BTR, BB: BTC */
        off = ir_sext(b, IR_I64, x86_get_G(L, in, size));
    }
    if (op != 0 && in->mod == 3 && in->lock)
        return false;
    u32 bitno = ir_trunc(b, IR_I8, ir_and(b, off, ir_const(b, IR_I64, bits - 1)));
    u32 val;
    if (in->mod == 3) {
        val = x86_get_reg(L, in->rm, size);
    } else {
        /* A register bit offset may reach outside the operand: it selects
         * the operand-sized unit at (offset >> log2(bits)) from the address. */
        if (in->opc != 0xba) {
            u32 unit = ir_sar(b, off, ir_const(b, IR_I8, __builtin_ctz(bits)));
            u32 addr = ir_add(b, x86_mem_addr(L, in), ir_shl(b, unit, ir_const(b, IR_I8, __builtin_ctz(size))));
            L->ea = addr;
        }
        val = x86_load(L, t, x86_mem_addr(L, in));
    }
    u32 cf = ir_and(b, ir_zext(b, IR_I64, ir_binop(b, IR_SHR, t, val, bitno)), ir_const(b, IR_I64, 1));
    if (op != 0) {
        u32 mask = ir_binop(b, IR_SHL, t, ir_const(b, t, 1), bitno);
        u32 nv = op == 1 ? ir_or(b, val, mask) : op == 2 ? ir_binop(b, IR_ANDN, t, mask, val) : ir_xor(b, val, mask);
        x86_rmw_put_E(L, in, size, val, nv);
    }
    set_cf_only(L, cf);
    return true;
}

/* Write a scan result, or leave the destination alone (all 64 bits of it,
 * as hardware does) when the source was zero. */
static void put_G_unless(X86Lift *L, const X86Insn *in, unsigned size, u32 zero, u32 val)
{
    IrBuilder *b = L->b;
    u32 old = x86_slot_get(L, SLOT_GPR + in->reg);
    u32 nv;
    if (size == 8)
        nv = val;
    else if (size == 4)
        nv = ir_zext(b, IR_I64, val);
    else
        nv = ir_or(b, ir_and(b, old, ir_const(b, IR_I64, ~0xffffull)), ir_zext(b, IR_I64, val));
    x86_slot_put(L, SLOT_GPR + in->reg, ir_select(b, zero, old, nv));
}

static bool scan(X86Lift *L, const X86Insn *in, bool reverse)
{
    IrBuilder *b = L->b;
    unsigned size = in->opsize;
    IrType t = x86_int_type(size);
    u32 src = x86_get_E(L, in, size);
    u32 zero = ir_cmp(b, IR_CMPEQ, src, ir_const(b, t, 0));
    if (in->rep == 0xf3) {
        /* TZCNT/LZCNT: the count (width for 0); CF = source was 0, ZF = the
         * count is 0. */
        u32 r = ir_unop(b, reverse ? IR_CLZ : IR_CTZ, t, src);
        x86_put_G(L, in, size, r);
        x86_set_cc(L, CC_OP_RESULT, size, r, 0, ir_zext(b, IR_I64, zero), 0);
        return true;
    }
    /* BSF/BSR: index of the lowest/highest set bit; ZF = source was 0. */
    u32 r = ir_unop(b, IR_CTZ, t, src);
    if (reverse)
        r = ir_binop(b, IR_SUB, t, ir_const(b, t, 8 * size - 1), ir_unop(b, IR_CLZ, t, src));
    put_G_unless(L, in, size, zero, r);
    x86_set_cc(L, CC_OP_LOGIC, size, src, 0, 0, 0);
    return true;
}

LIFTER(bsf) { return scan(L, in, false); }
LIFTER(bsr) { return scan(L, in, true); }

LIFTER(popcnt)
{
    IrBuilder *b = L->b;
    if (in->rep != 0xf3)
        return false; /* 0F B8 without F3 is JMPE, not in 64-bit mode */
    unsigned size = in->opsize;
    IrType t = x86_int_type(size);
    u32 src = x86_get_E(L, in, size);
    x86_put_G(L, in, size, ir_unop(b, IR_POPCNT, t, src));
    /* ZF = source was 0; CF, OF, SF, AF, PF cleared. */
    u32 zf = ir_zext(b, IR_I64, ir_cmp(b, IR_CMPEQ, src, ir_const(b, t, 0)));
    x86_set_eflags(L, ir_shl(b, zf, ir_const(b, IR_I8, 6)));
    return true;
}

LIFTER(bswap)
{
    if (in->opsize == 2)
        return false; /* BSWAP r16 is undefined */
    u32 v = x86_get_reg(L, in->rm, in->opsize);
    x86_put_reg(L, in->rm, in->opsize, ir_unop(L->b, IR_BSWAP, x86_int_type(in->opsize), v));
    return true;
}

static u32 bswap_any(IrBuilder *b, unsigned size, u32 v)
{
    if (size == 2)
        return ir_binop(b, IR_ROL, IR_I16, v, ir_const(b, IR_I8, 8));
    return ir_unop(b, IR_BSWAP, x86_int_type(size), v);
}

/* 0F 38 F0/F1: MOVBE (no prefix or 66) and CRC32 (F2). */
LIFTER(movbe_crc32)
{
    IrBuilder *b = L->b;
    if (in->rep == 0xf2) {
        unsigned size = in->opc == 0xf0 ? 1 : in->opsize;
        u32 data = ir_zext(b, IR_I64, x86_get_E(L, in, size));
        unsigned dsize = in->rex_w ? 8 : 4;
        u32 crc = ir_zext(b, IR_I64, x86_get_G(L, in, 4));
        u32 r = ir_call(b, &x86_h_crc32c, IR_I64, crc, data, ir_const(b, IR_I64, size));
        x86_put_G(L, in, dsize, ir_trunc(b, x86_int_type(dsize), r));
        return true;
    }
    if (in->mod == 3 || in->rep)
        return false;
    unsigned size = in->opsize;
    if (in->opc == 0xf0) {
        u32 v = x86_load(L, x86_int_type(size), x86_mem_addr(L, in));
        x86_put_G(L, in, size, bswap_any(b, size, v));
    } else {
        x86_store(L, x86_mem_addr(L, in), bswap_any(b, size, x86_get_G(L, in, size)));
    }
    return true;
}

LIFTER(setcc)
{
    u32 c = x86_cond(L, in->opc & 15);
    x86_put_E(L, in, 1, ir_zext(L->b, IR_I8, c));
    return true;
}

/* CMOVcc: the source is read (and may fault) whatever the condition, and a
 * 32-bit destination is written (upper half cleared) even when false. */
LIFTER(cmovcc)
{
    unsigned size = in->opsize;
    u32 src = x86_get_E(L, in, size);
    u32 c = x86_cond(L, in->opc & 15);
    x86_put_G(L, in, size, ir_select(L->b, c, src, x86_get_G(L, in, size)));
    return true;
}

/* MOVZX/MOVSX Gv, Eb/Ew */
LIFTER(movx)
{
    unsigned from = (in->opc & 1) ? 2 : 1;
    u32 v = x86_get_E(L, in, from);
    IrType t = x86_int_type(in->opsize);
    if (ir_type_bits(t) <= 8u * from) {
        x86_put_G(L, in, in->opsize, ir_trunc(L->b, t, v)); /* MOVZX r16, r/m16 */
        return true;
    }
    x86_put_G(L, in, in->opsize, in->opc >= 0xbe ? ir_sext(L->b, t, v) : ir_zext(L->b, t, v));
    return true;
}

/* MOVSXD Gv, Ed: sign-extends only with REX.W; otherwise a plain move. */
LIFTER(movsxd)
{
    unsigned from = in->opsize == 8 ? 4 : in->opsize;
    u32 v = x86_get_E(L, in, from);
    x86_put_G(L, in, in->opsize, ir_sext(L->b, x86_int_type(in->opsize), v));
    return true;
}

/* CBW/CWDE/CDQE: rAX = sign-extended lower half. */
LIFTER(cbw)
{
    unsigned size = in->opsize;
    u32 v = x86_get_reg(L, X86_RAX, size / 2);
    x86_put_reg(L, X86_RAX, size, ir_sext(L->b, x86_int_type(size), v));
    return true;
}

/* CWD/CDQ/CQO: rDX = sign of rAX. */
LIFTER(cwd)
{
    IrBuilder *b = L->b;
    unsigned size = in->opsize;
    u32 v = x86_get_reg(L, X86_RAX, size);
    x86_put_reg(L, X86_RDX, size, ir_sar(b, v, ir_const(b, IR_I8, 8 * size - 1)));
    return true;
}

/* XCHG E, G.  With a memory operand it is atomic even without LOCK. */
LIFTER(xchg)
{
    IrBuilder *b = L->b;
    unsigned size = (in->opc & 1) ? in->opsize : 1;
    u32 g = x86_get_G(L, in, size);
    if (in->mod == 3) {
        u32 e = x86_get_reg(L, in->rm, size);
        x86_put_reg(L, in->rm, size, g);
        x86_put_G(L, in, size, e);
        return true;
    }
    u32 addr = x86_mem_addr(L, in);
    u32 old = x86_load(L, x86_int_type(size), addr);
    u32 seen = ir_cas(b, addr, old, g);
    x86_fault_if(L, ir_cmp(b, IR_CMPNE, seen, old), IR_EXIT_JUMP);
    x86_put_G(L, in, size, old);
    return true;
}

/* 90..97: XCHG rAX, r.  90 itself is NOP (it does not clear the upper half
 * of RAX), F3 90 is PAUSE. */
LIFTER(xchg_Zv)
{
    if (in->rm == X86_RAX)
        return true;
    unsigned size = in->opsize;
    u32 a = x86_get_reg(L, X86_RAX, size);
    u32 r = x86_get_reg(L, in->rm, size);
    x86_put_reg(L, X86_RAX, size, r);
    x86_put_reg(L, in->rm, size, a);
    return true;
}

/* XADD E, G: G = E; E = E + G. */
LIFTER(xadd)
{
    IrBuilder *b = L->b;
    unsigned size = (in->opc & 1) ? in->opsize : 1;
    u32 e = x86_get_E(L, in, size);
    u32 g = x86_get_G(L, in, size);
    u32 sum = ir_binop(b, IR_ADD, x86_int_type(size), e, g);
    if (in->mod == 3) {
        x86_put_G(L, in, size, e);
        x86_put_E(L, in, size, sum); /* written last: wins if E and G are one register */
    } else {
        x86_rmw_put_E(L, in, size, e, sum);
        x86_put_G(L, in, size, e);
    }
    x86_set_cc(L, CC_OP_ADD, size, sum, e, g, 0);
    return true;
}

/* CMPXCHG E, G: if rAX == E then E = G (ZF=1) else rAX = E (ZF=0); flags
 * as CMP rAX, E.  A memory operand is always written (with its own value
 * on failure), as the processor does. */
LIFTER(cmpxchg)
{
    IrBuilder *b = L->b;
    unsigned size = (in->opc & 1) ? in->opsize : 1;
    IrType t = x86_int_type(size);
    u32 acc = x86_get_reg(L, X86_RAX, size);
    u32 g = x86_get_G(L, in, size);
    u32 old, eq;
    if (in->mod == 3) {
        old = x86_get_reg(L, in->rm, size);
        eq = ir_cmp(b, IR_CMPEQ, old, acc);
        u32 full = x86_slot_get(L, SLOT_GPR + in->rm);
        x86_put_reg(L, in->rm, size, ir_select(b, eq, g, old));
        if (size == 4) /* a failed compare leaves the register untouched */
            x86_slot_put(L, SLOT_GPR + in->rm, ir_select(b, eq, L->cur[SLOT_GPR + in->rm], full));
    } else if (in->lock) {
        x86_flush_committed(L);
        old = ir_cas(b, x86_mem_addr(L, in), acc, g);
        eq = ir_cmp(b, IR_CMPEQ, old, acc);
    } else {
        old = x86_load(L, t, x86_mem_addr(L, in));
        eq = ir_cmp(b, IR_CMPEQ, old, acc);
        x86_store(L, x86_mem_addr(L, in), ir_select(b, eq, g, old));
    }
    /* On success rAX is not written at all (a 32-bit RAX keeps its upper
     * half); on failure it is loaded, zero-extended as usual. */
    u32 rax = x86_slot_get(L, SLOT_GPR + X86_RAX);
    x86_put_reg(L, X86_RAX, size, old);
    x86_slot_put(L, SLOT_GPR + X86_RAX, ir_select(b, eq, rax, L->cur[SLOT_GPR + X86_RAX]));
    x86_set_cc(L, CC_OP_SUB, size, ir_binop(b, IR_SUB, t, acc, old), acc, old, 0);
    return true;
}

/* Grp9 (0F C7): /1 CMPXCHG8B m64 / CMPXCHG16B m128.  Only ZF changes. */
LIFTER(grp9)
{
    IrBuilder *b = L->b;
    if (OPX(in) != 1 || in->mod == 3)
        return false; /* RDRAND/RDSEED/RDPID are not advertised */
    u32 addr = x86_mem_addr(L, in);
    u32 eq;
    if (in->rex_w) {
        /* CMPXCHG16B needs a 16-byte aligned operand: #GP otherwise. */
        u32 mis = ir_cmp(b, IR_CMPNE, ir_and(b, addr, ir_const(b, IR_I64, 15)), ir_const(b, IR_I64, 0));
        x86_fault_if(L, mis, IR_EXIT_PRIV);
        if (L->ended) /* a constant misaligned address */
            return true;
        u32 rax = x86_slot_get(L, SLOT_GPR + X86_RAX), rdx = x86_slot_get(L, SLOT_GPR + X86_RDX);
        u32 rbx = x86_slot_get(L, SLOT_GPR + X86_RBX), rcx = x86_slot_get(L, SLOT_GPR + X86_RCX);
        u32 expect = ir_insert(b, ir_zext(b, IR_V128, rax), rdx, 8);
        u32 desire = ir_insert(b, ir_zext(b, IR_V128, rbx), rcx, 8);
        x86_flush_committed(L);
        u32 old = ir_cas(b, addr, expect, desire);
        u32 lo = ir_extract(b, IR_I64, old, 0), hi = ir_extract(b, IR_I64, old, 8);
        eq = ir_binop(b, IR_AND, IR_I1, ir_cmp(b, IR_CMPEQ, lo, rax), ir_cmp(b, IR_CMPEQ, hi, rdx));
        x86_slot_put(L, SLOT_GPR + X86_RAX, ir_select(b, eq, rax, lo));
        x86_slot_put(L, SLOT_GPR + X86_RDX, ir_select(b, eq, rdx, hi));
    } else {
        u32 rax = x86_slot_get(L, SLOT_GPR + X86_RAX), rdx = x86_slot_get(L, SLOT_GPR + X86_RDX);
        u32 lo32 = ir_const(b, IR_I64, 0xffffffffull);
        u32 expect = ir_or(b, ir_and(b, rax, lo32), ir_shl(b, rdx, ir_const(b, IR_I8, 32)));
        u32 desire = ir_or(b, ir_and(b, x86_slot_get(L, SLOT_GPR + X86_RBX), lo32),
                           ir_shl(b, x86_slot_get(L, SLOT_GPR + X86_RCX), ir_const(b, IR_I8, 32)));
        x86_flush_committed(L);
        u32 old = ir_cas(b, addr, expect, desire);
        eq = ir_cmp(b, IR_CMPEQ, old, expect);
        x86_slot_put(L, SLOT_GPR + X86_RAX, ir_select(b, eq, rax, ir_and(b, old, lo32)));
        x86_slot_put(L, SLOT_GPR + X86_RDX, ir_select(b, eq, rdx, ir_shr(b, old, ir_const(b, IR_I8, 32))));
    }
    u32 f = ir_and(b, x86_get_eflags(L), ir_const(b, IR_I64, ~(u64)X86_ZF));
    x86_set_eflags(L, ir_or(b, f, ir_shl(b, ir_zext(b, IR_I64, eq), ir_const(b, IR_I8, 6))));
    return true;
}

/* ADCX/ADOX (ADX) are not advertised by CPUID. */
LIFTER(adx)
{
    (void)L, (void)in;
    return false;
}
