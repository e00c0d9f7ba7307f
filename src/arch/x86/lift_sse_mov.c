/*
 * lift_sse_mov.c — SSE..SSE4.1 and MMX, part 2: data movement.  MOVD/MOVQ,
 * MOVDQA/MOVDQU/MOVAPS/MOVUPS (+PD), the non-temporal stores and loads,
 * LDDQU, MOVSS/MOVSD, MOVLPS/MOVHPS/MOVHLPS/MOVLHPS (+PD), MOVQ2DQ/MOVDQ2Q,
 * PINSRB/W/D/Q and PEXTRB/W/D/Q, INSERTPS/EXTRACTPS, the sign-mask extractions
 * (PMOVMSKB, MOVMSKPS/PD) and MASKMOVQ/MASKMOVDQU.
 *
 * Everything here except the mask extractions and INSERTPS is plain IR
 * (LOAD/STORE, ZEXT/TRUNC, EXTRACT/INSERT): these are the moves memcpy and
 * strlen are made of, and the memcheck pass must see their exact data flow.
 *
 * Manual: Intel SDM vol. 2 (each instruction).  Alignment: MOVDQA, MOVAPS,
 * MOVAPD, MOVNTxx and MOVNTDQA fault on a misaligned m128 (the table's A16);
 * the 4- and 8-byte forms never do.
 */
#include "arch/x86/sse_priv.h"

/* ---- 16-byte moves ---- */

static bool mov_load(X86Lift *L, const X86Insn *in, unsigned mem)
{
    sse_put_xmm(L, in->reg, sse_get_W(L, in, mem));
    return true;
}

static bool mov_store(X86Lift *L, const X86Insn *in, unsigned mem)
{
    u32 v = sse_get_xmm(L, in->reg);
    if (in->mod == 3)
        sse_put_xmm(L, in->rm, v);
    else
        x86_store(L, sse_mem_addr(L, in, mem), v);
    return true;
}

SSE_FORM(movu_load) { return mov_load(L, in, mem); }
SSE_FORM(mova_load) { return mov_load(L, in, mem); }
SSE_FORM(movu_store) { return mov_store(L, in, mem); }
SSE_FORM(mova_store) { return mov_store(L, in, mem); }

/* LDDQU and MOVNTDQA: loads from memory only (the hints change nothing). */
SSE_FORM(lddqu) { return in->mod != 3 && mov_load(L, in, mem); }
SSE_FORM(movntdqa) { return in->mod != 3 && mov_load(L, in, mem); }

/* MOVNTPS/PD, MOVNTDQ (m128, aligned) and MOVNTQ (m64 from an MM reg). */
SSE_FORM(movnt)
{
    if (in->mod == 3)
        return false;
    if (mem == SSE_M8) {
        x86_store(L, sse_mem_addr(L, in, mem), sse_get_mm(L, in->reg));
        sse_mmx_enter(L);
        return true;
    }
    return mov_store(L, in, mem);
}

/* ---- scalar moves: MOVSS / MOVSD ----
 * From a register only the low lane is copied; from memory the rest of the
 * destination is zeroed.  Stores to a register merge the low lane too. */

static bool movs_load(X86Lift *L, const X86Insn *in, unsigned mem)
{
    IrBuilder *b = L->b;
    IrType t = x86_int_type(mem);
    if (in->mod == 3) {
        u32 lane = ir_trunc(b, t, sse_get_xmm(L, in->rm));
        sse_put_xmm(L, in->reg, ir_insert(b, sse_get_xmm(L, in->reg), lane, 0));
    } else {
        sse_put_xmm(L, in->reg, sse_get_W(L, in, mem));
    }
    return true;
}

static bool movs_store(X86Lift *L, const X86Insn *in, unsigned mem)
{
    IrBuilder *b = L->b;
    u32 lane = ir_trunc(b, x86_int_type(mem), sse_get_xmm(L, in->reg));
    if (in->mod == 3)
        sse_put_xmm(L, in->rm, ir_insert(b, sse_get_xmm(L, in->rm), lane, 0));
    else
        x86_store(L, sse_mem_addr(L, in, mem), lane);
    return true;
}

SSE_FORM(movss_load) { return movs_load(L, in, mem); }
SSE_FORM(movsd_load) { return movs_load(L, in, mem); }
SSE_FORM(movss_store) { return movs_store(L, in, mem); }
SSE_FORM(movsd_store) { return movs_store(L, in, mem); }

/* ---- half moves: 0F 12/13/16/17 ---- */

/* Replace the 64-bit half at byte offset off of G with m64, or with the
 * other half of E for the register forms MOVHLPS/MOVLHPS (NP only). */
static bool movhalf_load(X86Lift *L, const X86Insn *in, unsigned off)
{
    IrBuilder *b = L->b;
    u32 v;
    if (in->mod == 3) {
        if (in->mprefix)
            return false; /* MOVLPD/MOVHPD have no register form */
        v = ir_extract(b, IR_I64, sse_get_xmm(L, in->rm), 8 - off);
    } else {
        v = x86_load(L, IR_I64, sse_mem_addr(L, in, SSE_M8));
    }
    sse_put_xmm(L, in->reg, ir_insert(b, sse_get_xmm(L, in->reg), v, off));
    return true;
}

static bool movhalf_store(X86Lift *L, const X86Insn *in, unsigned off)
{
    if (in->mod == 3)
        return false;
    u32 v = ir_extract(L->b, IR_I64, sse_get_xmm(L, in->reg), off);
    x86_store(L, sse_mem_addr(L, in, SSE_M8), v);
    return true;
}

SSE_FORM(movlps_load) { return movhalf_load(L, in, 0); }  /* MOVLPS/MOVLPD/MOVHLPS */
SSE_FORM(movhps_load) { return movhalf_load(L, in, 8); }  /* MOVHPS/MOVHPD/MOVLHPS */
SSE_FORM(movlps_store) { return movhalf_store(L, in, 0); }
SSE_FORM(movhps_store) { return movhalf_store(L, in, 8); }

/* ---- MOVD / MOVQ ---- */

static unsigned movd_size(const X86Insn *in) { return in->rex_w ? 8 : 4; }

/* 66 0F 6E: MOVD/MOVQ xmm, r/m32/64 (upper lanes zeroed). */
SSE_FORM(movd_load)
{
    u32 v = x86_get_E(L, in, movd_size(in));
    sse_put_xmm(L, in->reg, ir_zext(L->b, IR_V128, v));
    return true;
}

/* 66 0F 7E: MOVD/MOVQ r/m32/64, xmm. */
SSE_FORM(movd_store)
{
    unsigned size = movd_size(in);
    x86_put_E(L, in, size, ir_trunc(L->b, x86_int_type(size), sse_get_xmm(L, in->reg)));
    return true;
}

/* F3 0F 7E: MOVQ xmm, xmm/m64 (upper half zeroed). */
SSE_FORM(movq_load)
{
    IrBuilder *b = L->b;
    u32 v = sse_get_W(L, in, mem);
    if (in->mod == 3)
        v = ir_zext(b, IR_V128, ir_trunc(b, IR_I64, v));
    sse_put_xmm(L, in->reg, v);
    return true;
}

/* 66 0F D6: MOVQ xmm/m64, xmm (a register destination's upper half is
 * zeroed). */
SSE_FORM(movq_store)
{
    IrBuilder *b = L->b;
    u32 v = ir_trunc(b, IR_I64, sse_get_xmm(L, in->reg));
    if (in->mod == 3)
        sse_put_xmm(L, in->rm, ir_zext(b, IR_V128, v));
    else
        x86_store(L, sse_mem_addr(L, in, mem), v);
    return true;
}

/* NP 0F 6E: MOVD/MOVQ mm, r/m32/64. */
SSE_FORM(mmx_movd_load)
{
    u32 v = ir_zext(L->b, IR_I64, x86_get_E(L, in, movd_size(in)));
    sse_mmx_enter(L);
    sse_put_mm(L, in->reg, v);
    return true;
}

/* NP 0F 7E: MOVD/MOVQ r/m32/64, mm. */
SSE_FORM(mmx_movd_store)
{
    unsigned size = movd_size(in);
    x86_put_E(L, in, size, ir_trunc(L->b, x86_int_type(size), sse_get_mm(L, in->reg)));
    sse_mmx_enter(L);
    return true;
}

/* NP 0F 6F: MOVQ mm, mm/m64. */
SSE_FORM(mmx_movq_load)
{
    u32 v = sse_get_Q(L, in, mem);
    sse_mmx_enter(L);
    sse_put_mm(L, in->reg, v);
    return true;
}

/* NP 0F 7F: MOVQ mm/m64, mm. */
SSE_FORM(mmx_movq_store)
{
    u32 v = sse_get_mm(L, in->reg);
    if (in->mod == 3) {
        sse_mmx_enter(L);
        sse_put_mm(L, in->rm, v);
    } else {
        x86_store(L, sse_mem_addr(L, in, mem), v);
        sse_mmx_enter(L);
    }
    return true;
}

/* F3 0F D6: MOVQ2DQ xmm, mm. */
SSE_FORM(movq2dq)
{
    if (in->mod != 3)
        return false;
    u32 v = sse_get_mm(L, in->rm);
    sse_mmx_enter(L);
    sse_put_xmm(L, in->reg, ir_zext(L->b, IR_V128, v));
    return true;
}

/* F2 0F D6: MOVDQ2Q mm, xmm. */
SSE_FORM(movdq2q)
{
    if (in->mod != 3)
        return false;
    u32 v = ir_trunc(L->b, IR_I64, sse_get_xmm(L, in->rm));
    sse_mmx_enter(L);
    sse_put_mm(L, in->reg & 7, v);
    return true;
}

/* ---- sign masks ---- */

/* PMOVMSKB/MOVMSKPS/MOVMSKPD r32/64, xmm: the mask, zero-extended. */
SSE_FORM(movmsk)
{
    if (in->mod != 3)
        return false;
    u32 m = sse_call(L, h, IR_I32, sse_get_xmm(L, in->rm), 0, 0);
    x86_put_reg(L, in->reg, 4, m);
    return true;
}

SSE_FORM(mmx_pmovmskb)
{
    if (in->mod != 3)
        return false;
    u32 v = ir_zext(L->b, IR_V128, sse_get_mm(L, in->rm));
    x86_put_reg(L, in->reg, 4, sse_call(L, h, IR_I32, v, 0, 0));
    sse_mmx_enter(L);
    return true;
}

/* ---- lane inserts and extracts ---- */

/* The source of PINSRx: a GPR's low bytes or a narrow memory operand. */
static u32 insert_source(X86Lift *L, const X86Insn *in, unsigned bytes)
{
    IrType t = x86_int_type(bytes);
    if (in->mod == 3)
        return ir_trunc(L->b, t, x86_get_reg(L, in->rm, bytes < 4 ? 4 : bytes));
    return x86_load(L, t, sse_mem_addr(L, in, bytes));
}

/* 66 0F C4: PINSRW xmm, r32/m16, imm8. */
SSE_FORM(pinsrw)
{
    u32 v = insert_source(L, in, 2);
    sse_put_xmm(L, in->reg, ir_insert(L->b, sse_get_xmm(L, in->reg), v, 2 * (in->imm & 7)));
    return true;
}

/* NP 0F C4: PINSRW mm, r32/m16, imm8. */
SSE_FORM(mmx_pinsrw)
{
    IrBuilder *b = L->b;
    u32 v = ir_zext(b, IR_I64, insert_source(L, in, 2));
    unsigned sh = 16 * (in->imm & 3);
    u32 keep = ir_and(b, sse_get_mm(L, in->reg), ir_const(b, IR_I64, ~(0xffffull << sh)));
    u32 r = ir_or(b, keep, ir_shl(b, v, ir_const(b, IR_I8, sh)));
    sse_mmx_enter(L);
    sse_put_mm(L, in->reg, r);
    return true;
}

/* 66 0F C5: PEXTRW r32, xmm, imm8 (register form only). */
SSE_FORM(pextrw)
{
    if (in->mod != 3)
        return false;
    u32 v = ir_extract(L->b, IR_I16, sse_get_xmm(L, in->rm), 2 * (in->imm & 7));
    x86_put_reg(L, in->reg, 4, ir_zext(L->b, IR_I32, v));
    return true;
}

SSE_FORM(mmx_pextrw)
{
    IrBuilder *b = L->b;
    if (in->mod != 3)
        return false;
    u32 v = ir_shr(b, sse_get_mm(L, in->rm), ir_const(b, IR_I8, 16 * (in->imm & 3)));
    x86_put_reg(L, in->reg, 4, ir_zext(b, IR_I32, ir_trunc(b, IR_I16, v)));
    sse_mmx_enter(L);
    return true;
}

/* 0F 3A 20/22: PINSRB, PINSRD, PINSRQ xmm, r/m, imm8. */
SSE_FORM(pinsr)
{
    unsigned bytes = in->opc == 0x20 ? 1 : in->rex_w ? 8 : 4;
    unsigned lane = (unsigned)in->imm & (16 / bytes - 1);
    u32 v = insert_source(L, in, bytes);
    sse_put_xmm(L, in->reg, ir_insert(L->b, sse_get_xmm(L, in->reg), v, lane * bytes));
    return true;
}

/* Write a lane to r/m: a register gets it zero-extended (to 32 bits, which
 * clears the upper half as any 32-bit write does). */
static void extract_put(X86Lift *L, const X86Insn *in, unsigned bytes, u32 v)
{
    if (in->mod == 3)
        x86_put_reg(L, in->rm, bytes < 4 ? 4 : bytes, bytes < 4 ? ir_zext(L->b, IR_I32, v) : v);
    else
        x86_store(L, sse_mem_addr(L, in, bytes), v);
}

/* 0F 3A 14/15/16: PEXTRB, PEXTRW, PEXTRD/Q r/m, xmm, imm8. */
SSE_FORM(pextr)
{
    unsigned bytes = in->opc == 0x14 ? 1 : in->opc == 0x15 ? 2 : in->rex_w ? 8 : 4;
    unsigned lane = (unsigned)in->imm & (16 / bytes - 1);
    u32 v = ir_extract(L->b, x86_int_type(bytes), sse_get_xmm(L, in->reg), lane * bytes);
    extract_put(L, in, bytes, v);
    return true;
}

/* 0F 3A 17: EXTRACTPS r/m32, xmm, imm8. */
SSE_FORM(extractps)
{
    u32 v = ir_extract(L->b, IR_I32, sse_get_xmm(L, in->reg), 4 * (in->imm & 3));
    extract_put(L, in, 4, v);
    return true;
}

/* 0F 3A 21: INSERTPS xmm, xmm/m32, imm8.  From memory the source is the
 * loaded dword, so the source-lane field (imm[7:6]) does not apply. */
SSE_FORM(insertps)
{
    u32 src = sse_get_W(L, in, mem);
    u64 imm = in->mod == 3 ? (in->imm & 0xff) : (in->imm & 0x3f);
    u32 r = sse_call(L, h, IR_V128, sse_get_xmm(L, in->reg), src, ir_const(L->b, IR_V128, imm));
    sse_put_xmm(L, in->reg, r);
    return true;
}

/* ---- MASKMOVQ / MASKMOVDQU: store the bytes of G whose mask byte (in E)
 * has its top bit set, to [rDI] (DS, overridable).
 * Done as load, merge, store of the whole 8/16 bytes: a difference from the
 * CPU only if the unselected bytes are unmapped or another thread writes
 * them concurrently (hardware writes selected bytes only). ---- */
SSE_FORM(maskmov)
{
    IrBuilder *b = L->b;
    if (in->mod != 3)
        return false;
    bool mmx = in->mprefix == 0;
    u32 addr = ir_zext(b, IR_I64, x86_get_reg(L, X86_RDI, in->addrsize));
    if (in->seg != X86_SEG_NONE)
        addr = ir_add(b, ir_get(b, IR_I64, in->seg == X86_SEG_FS ? X86_OFF(fs_base) : X86_OFF(gs_base)), addr);
    u32 data = mmx ? ir_zext(b, IR_V128, sse_get_mm(L, in->reg)) : sse_get_xmm(L, in->reg);
    u32 sel = mmx ? ir_zext(b, IR_V128, sse_get_mm(L, in->rm)) : sse_get_xmm(L, in->rm);
    /* 0 > byte (signed) is the byte's top bit, as a 0x00/0xff mask */
    u32 mask = sse_call(L, &sse_h_pcmpgtb, IR_V128, ir_const(b, IR_V128, 0), sel, 0);
    IrType t = mmx ? IR_I64 : IR_V128;
    u32 old = x86_load(L, t, addr);
    if (mmx) {
        data = ir_trunc(b, IR_I64, data);
        mask = ir_trunc(b, IR_I64, mask);
    }
    u32 merged = ir_or(b, ir_and(b, data, mask), ir_binop(b, IR_ANDN, t, mask, old));
    x86_store(L, addr, merged);
    if (mmx)
        sse_mmx_enter(L);
    return true;
}
