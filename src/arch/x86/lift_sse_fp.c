/*
 * lift_sse_fp.c — SSE..SSE4.2, part 3: the forms that cross between XMM
 * and the rest of the machine: COMISS/UCOMISS/COMISD/UCOMISD and PTEST
 * (results in EFLAGS), the conversions with a GPR or MMX operand
 * (CVTSI2SS/SD, CVT(T)SS2SI/SD2SI, CVTPI2PS/PD, CVT(T)PS2PI/PD2PI), and the
 * SSE4.2 string compares PCMPESTRI/PCMPESTRM/PCMPISTRI/PCMPISTRM (ECX or
 * XMM0 plus EFLAGS).
 *
 * Manual: Intel SDM vol. 2 (each instruction); vol. 2B §4.1 for the
 * PCMPxSTRx control byte.  The arithmetic lives in sse_fp.c, sse_cvt.c and
 * sse_str.c.
 */
#include "arch/x86/sse_priv.h"

/* COMISS & co.: ZF, PF, CF from the compare (the helper returns them in
 * RFLAGS positions); OF, SF, AF cleared. */
SSE_FORM(comis)
{
    u32 src = sse_get_W(L, in, mem);
    x86_set_eflags(L, sse_call(L, h, IR_I64, sse_get_xmm(L, in->reg), src, 0));
    return true;
}

/* v128 == 0 as an i1. */
static u32 is_zero128(IrBuilder *b, u32 v)
{
    u32 lo = ir_trunc(b, IR_I64, v), hi = ir_extract(b, IR_I64, v, 8);
    return ir_cmp(b, IR_CMPEQ, ir_or(b, lo, hi), ir_const(b, IR_I64, 0));
}

/* PTEST: ZF = (dst & src) == 0, CF = (~dst & src) == 0, the rest 0.  Plain
 * IR, so the memcheck pass can be exact about it. */
SSE_FORM(ptest)
{
    IrBuilder *b = L->b;
    u32 src = sse_get_W(L, in, mem);
    u32 dst = sse_get_xmm(L, in->reg);
    u32 zf = ir_zext(b, IR_I64, is_zero128(b, ir_and(b, dst, src)));
    u32 cf = ir_zext(b, IR_I64, is_zero128(b, ir_binop(b, IR_ANDN, IR_V128, dst, src)));
    x86_set_eflags(L, ir_or(b, ir_shl(b, zf, ir_const(b, IR_I8, 6)), cf));
    return true;
}

/* ---- conversions with GPR operands ---- */

/* F3/F2 0F 2A: CVTSI2SS/SD xmm, r/m32/64. */
SSE_FORM(cvtsi2f)
{
    IrBuilder *b = L->b;
    bool sd = in->mprefix == 0xf2, q = in->rex_w;
    const IrHelper *cv = sd ? (q ? &sse_h_cvtsi2sd64 : &sse_h_cvtsi2sd32)
                            : (q ? &sse_h_cvtsi2ss64 : &sse_h_cvtsi2ss32);
    u32 v = ir_zext(b, IR_V128, x86_get_E(L, in, q ? 8 : 4));
    sse_put_xmm(L, in->reg, sse_call(L, cv, IR_V128, sse_get_xmm(L, in->reg), v, 0));
    return true;
}

/* F3/F2 0F 2C/2D: CVT(T)SS2SI / CVT(T)SD2SI r32/64, xmm/m. */
SSE_FORM(cvtf2si)
{
    static const IrHelper *const tab[2][2][2] = {
        /* [sd][truncating][64-bit] */
        {{&sse_h_cvtss2si32, &sse_h_cvtss2si64}, {&sse_h_cvttss2si32, &sse_h_cvttss2si64}},
        {{&sse_h_cvtsd2si32, &sse_h_cvtsd2si64}, {&sse_h_cvttsd2si32, &sse_h_cvttsd2si64}},
    };
    unsigned size = in->rex_w ? 8 : 4;
    const IrHelper *cv = tab[in->mprefix == 0xf2][in->opc == 0x2c][in->rex_w];
    u32 src = sse_get_W(L, in, mem);
    x86_put_reg(L, in->reg, size, sse_call(L, cv, x86_int_type(size), src, 0, 0));
    return true;
}

/* ---- conversions with MMX operands ----
 * A source in an MM register makes these MMX instructions (TOP = 0, all
 * tags valid); a memory source does not.  An MM destination always does. */

/* NP 0F 2A: CVTPI2PS xmm, mm/m64 (upper two lanes kept). */
SSE_FORM(cvtpi2ps)
{
    IrBuilder *b = L->b;
    u32 v = ir_zext(b, IR_V128, sse_get_Q(L, in, mem));
    if (in->mod == 3)
        sse_mmx_enter(L); /* before an #XM the helper may raise: the CPU does */
    sse_put_xmm(L, in->reg, sse_call(L, h, IR_V128, sse_get_xmm(L, in->reg), v, 0));
    return true;
}

/* 66 0F 2A: CVTPI2PD xmm, mm/m64. */
SSE_FORM(cvtpi2pd)
{
    IrBuilder *b = L->b;
    u32 v = ir_zext(b, IR_V128, sse_get_Q(L, in, mem));
    if (in->mod == 3)
        sse_mmx_enter(L);
    sse_put_xmm(L, in->reg, sse_call(L, h, IR_V128, ir_const(b, IR_V128, 0), v, 0));
    return true;
}

/* NP/66 0F 2C/2D: CVT(T)PS2PI mm, xmm/m64 and CVT(T)PD2PI mm, xmm/m128:
 * the packed-dword conversion, whose low half is the result.  The PS forms
 * convert two floats only: the upper lanes of an XMM source are zeroed
 * first, or converting them would raise MXCSR flags (a NaN there sets IE). */
SSE_FORM(cvtf2pi)
{
    IrBuilder *b = L->b;
    u32 src = sse_get_W(L, in, mem);
    if (!in->mprefix)
        src = ir_zext(b, IR_V128, ir_trunc(b, IR_I64, src));
    sse_mmx_enter(L); /* before an #XM the helper may raise: the CPU does */
    u32 r = sse_call(L, h, IR_V128, ir_const(b, IR_V128, 0), src, 0);
    sse_put_mm(L, in->reg, ir_trunc(b, IR_I64, r));
    return true;
}

/* ---- PCMPxSTRx ----
 * The helper returns IntRes2 in bits 0..15, the index PCMPxSTRI wants in
 * bits 16..23 and the flags (CF ZF SF OF in RFLAGS positions) from bit 32.
 * The explicit-length forms read RAX/RDX (EAX/EDX without REX.W) in the
 * helper, after the flush x86_call does for IRH_READS_STATE.  The memory
 * operand needs no alignment. */
SSE_FORM(pcmpstr)
{
    IrBuilder *b = L->b;
    bool explicit_len = in->opc < 0x62, index = in->opc & 1;
    u32 src = sse_get_W(L, in, mem);
    u32 ctl = ir_const(b, IR_V128, (in->imm & 0xff) | (in->rex_w ? 0x100 : 0));
    u32 dst = sse_get_xmm(L, in->reg);
    u32 r = explicit_len ? x86_call(L, h, IR_I64, dst, src, ctl) : sse_call(L, h, IR_I64, dst, src, ctl);
    if (index) {
        u32 idx = ir_shr(b, r, ir_const(b, IR_I8, 16));
        x86_put_reg(L, X86_RCX, 4, ir_and(b, ir_trunc(b, IR_I32, idx), ir_const(b, IR_I32, 0xff)));
    } else {
        u32 res = ir_and(b, r, ir_const(b, IR_I64, 0xffff));
        u32 m = sse_call(L, &sse_h_pcmpstr_mask, IR_V128, res, ir_const(b, IR_I64, in->imm & 0xff), 0);
        sse_put_xmm(L, 0, m);
    }
    x86_set_eflags(L, ir_shr(b, r, ir_const(b, IR_I8, 32)));
    return true;
}
