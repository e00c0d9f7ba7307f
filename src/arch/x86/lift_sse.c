/*
 * lift_sse.c — SSE..SSE4.2 and MMX, part 1: the dispatcher (sse_ops.def
 * expanded into one switch on map, opcode and mandatory prefix), operand
 * access for XMM and MMX registers and W/Q operands, the generic forms most
 * instructions use (one helper applied to whole registers, IR logic ops, the
 * MMX adapters), the immediate shift groups, EMMS, LDMXCSR and STMXCSR.
 *
 * The other parts: lift_sse_mov.c (moves, inserts, extracts, masks),
 * lift_sse_fp.c (compares into EFLAGS, conversions, PTEST, PCMPxSTRx); the
 * helpers' C bodies are sse_int.c, sse_fp.c, sse_cvt.c and sse_str.c.
 * sse_priv.h explains the conventions they share.
 *
 * Manual: Intel SDM vol. 2 (each instruction), vol. 1 §10.2.3 (MXCSR),
 * §9.5 (MMX and the x87 state).  VEX-encoded forms (AVX) are not lifted and
 * not advertised by CPUID: they stay #UD.
 */
#include "arch/x86/sse_priv.h"

enum { PFX_NP, PFX_66, PFX_F3, PFX_F2 };

#define SSE_KEY(map, opc, pfx) (((map) << 10) | ((opc) << 2) | (pfx))

static unsigned pfx_index(const X86Insn *in)
{
    switch (in->mprefix) {
    case 0x66: return PFX_66;
    case 0xf3: return PFX_F3;
    case 0xf2: return PFX_F2;
    default: return PFX_NP;
    }
}

typedef bool (*SseFormFn)(X86Lift *L, const X86Insn *in, const IrHelper *h, unsigned mem);

/* Legacy-encoded SSE insists on 16-byte alignment for its m128 operands
 * (only the MOVU*, LDDQU and PCMPxSTRx forms are exempt): #GP(0), which
 * Linux delivers as SIGSEGV with si_code SI_KERNEL.  The check comes first,
 * before anything of the instruction is done.  A constant address known to
 * be misaligned ends the block with the fault; returns false then. */
static bool check_align(X86Lift *L, const X86Insn *in)
{
    IrBuilder *b = L->b;
    u32 mis = ir_and(b, x86_mem_addr(L, in), ir_const(b, IR_I64, 15));
    u32 bad = ir_cmp(b, IR_CMPNE, mis, ir_const(b, IR_I64, 0));
    u64 known;
    if (ir_is_const(b, bad, &known)) {
        if (known)
            x86_end_jump(L, in->pc, IR_EXIT_PRIV);
        return !known;
    }
    x86_fault_if(L, bad, IR_EXIT_PRIV);
    return true;
}

/* An MMX instruction: one that reads or writes an MM register (the mmx_*
 * forms, EMMS, MOVNTQ, MASKMOVQ, MOVQ2DQ, MOVDQ2Q, CVT(T)PS2PI/PD2PI, and
 * CVTPI2PS/PD from a register). */
static bool is_mmx(const X86Insn *in, SseFormFn form)
{
    if (form == sse_mmx_vv || form == sse_mmx_uv || form == sse_mmx_cat || form == sse_mmx_hi ||
        form == sse_mmx_uvi || form == sse_mmx_palignr || form == sse_mmx_logic || form == sse_mmx_shift_imm ||
        form == sse_mmx_movd_load || form == sse_mmx_movd_store || form == sse_mmx_movq_load ||
        form == sse_mmx_movq_store || form == sse_mmx_pmovmskb || form == sse_mmx_pinsrw || form == sse_mmx_pextrw ||
        form == sse_emms || form == sse_movq2dq || form == sse_movdq2q || form == sse_cvtf2pi)
        return true;
    if (form == sse_movnt || form == sse_maskmov)
        return !in->mprefix;
    return (form == sse_cvtpi2ps || form == sse_cvtpi2pd) && in->mod == 3;
}

static bool run_form(X86Lift *L, const X86Insn *in, SseFormFn form, const IrHelper *h, unsigned mem)
{
    /* Like a waiting x87 instruction, an MMX one first takes #MF if an
     * unmasked x87 exception is pending (SDM vol. 1 §12.5). */
    if (is_mmx(in, form))
        x86_x87_wait(L);
    if (mem == SSE_A16 && in->mod != 3 && !check_align(L, in))
        return true; /* always faults: the block ends here */
    return form(L, in, h, mem);
}

/* Every SSE/MMX opcode of the 0F, 0F38 and 0F3A maps comes here. */
LIFTER(sse)
{
    if (in->lock)
        return false; /* LOCK on an SSE instruction is #UD */
    switch (SSE_KEY(in->map, in->opc, pfx_index(in))) {
#define H(name) (&sse_h_##name)
#define X(map, opc, pfx, form, helper, mem)                                  \
    case SSE_KEY(map, opc, PFX_##pfx):                                       \
        return run_form(L, in, sse_##form, helper, SSE_##mem);
#include "arch/x86/sse_ops.def"
#undef X
#undef H
    default:
        return false;
    }
}

LIFTER(vex)
{
    (void)L, (void)in;
    return false; /* AVX is not advertised: every VEX encoding is #UD */
}

/* ---- operands ---- */

u32 sse_get_xmm(X86Lift *L, unsigned r) { return x86_slot_get(L, SLOT_XMM + r); }

void sse_put_xmm(X86Lift *L, unsigned r, u32 v) { x86_slot_put(L, SLOT_XMM + r, v); }

u32 sse_mem_addr(X86Lift *L, const X86Insn *in, unsigned mem)
{
    (void)mem; /* SSE_A16's alignment was checked by run_form already */
    return x86_mem_addr(L, in);
}

u32 sse_get_W(X86Lift *L, const X86Insn *in, unsigned mem)
{
    if (in->mod == 3)
        return sse_get_xmm(L, in->rm);
    ue_assert(mem != SSE_MNONE);
    u32 addr = sse_mem_addr(L, in, mem);
    unsigned bytes = mem & 0xff;
    if (bytes == 16)
        return x86_load(L, IR_V128, addr);
    return ir_zext(L->b, IR_V128, x86_load(L, x86_int_type(bytes), addr));
}

u32 sse_const128(X86Lift *L, u64 lo, u64 hi)
{
    IrBuilder *b = L->b;
    u32 v = ir_const(b, IR_V128, lo);
    return hi ? ir_insert(b, v, ir_const(b, IR_I64, hi), 8) : v;
}

u32 sse_call(X86Lift *L, const IrHelper *h, IrType ret, u32 x, u32 y, u32 z)
{
    /* Integer helpers touch no guest state; FP helpers touch only MXCSR
     * and simd_trap, which are never cached in a slot; PCMPESTRx, which
     * reads RAX/RDX, flushes through x86_call itself (lift_sse_fp.c). */
    IrBuilder *b = L->b;
    u32 r = ir_call(b, h, ret, x, y, z);
    if ((h->flags & IRH_WRITES_STATE) && !L->fp_masked) {
        /* An FP helper: #XM if it raised an unmasked exception (sse_priv.h,
         * fp_end), before the caller writes the destination.  The exit's
         * state is precise: MXCSR holds the flags the CPU sets, and
         * nothing of this instruction has been written. */
        u32 trap = ir_get(b, IR_I32, X86_OFF(simd_trap));
        x86_fault_if(L, ir_cmp(b, IR_CMPNE, trap, ir_const(b, IR_I32, 0)), IR_EXIT_SIMDFP);
    }
    return r;
}

/* ---- MMX registers ----
 * MMn is the mantissa (low 64 bits) of x87 physical register n.  Writing it
 * sets that register's exponent and sign (bits 64..79) to all ones, and any
 * MMX instruction sets TOP to 0 and tags every register valid (SDM vol. 1
 * §9.5.1).  These are direct GET/PUTs: the x87 state is not a lifter slot.
 * Forms emit the PUTs after their last memory access, so a fault leaves the
 * state of before the instruction. */

static u32 mm_off(unsigned r) { return X86_OFF(st) + 16 * (r & 7); }

u32 sse_get_mm(X86Lift *L, unsigned r) { return ir_get(L->b, IR_I64, mm_off(r)); }

void sse_put_mm(X86Lift *L, unsigned r, u32 v64)
{
    IrBuilder *b = L->b;
    ir_put(b, mm_off(r), v64);
    ir_put(b, mm_off(r) + 8, ir_const(b, IR_I16, 0xffff));
}

void sse_mmx_enter(X86Lift *L)
{
    IrBuilder *b = L->b;
    ir_put(b, X86_OFF(ftop), ir_const(b, IR_I8, 0));
    ir_put(b, X86_OFF(ftag), ir_const(b, IR_I8, 0xff));
}

u32 sse_get_Q(X86Lift *L, const X86Insn *in, unsigned mem)
{
    if (in->mod == 3)
        return sse_get_mm(L, in->rm);
    u32 addr = sse_mem_addr(L, in, mem);
    return ir_zext(L->b, IR_I64, x86_load(L, x86_int_type(mem & 0xff), addr));
}

/* Write MM[r] = the low half of v128 result v. */
static void put_mm_lo(X86Lift *L, unsigned r, u32 v)
{
    sse_mmx_enter(L);
    sse_put_mm(L, r, ir_trunc(L->b, IR_I64, v));
}

/* ---- generic XMM forms: G = h(a, b, c) as sse_priv.h describes ---- */

/* Register idioms whose result does not depend on the register: x - x and
 * x > x are 0, x == x is all ones, x ^ x and ~x & x are 0.  Lifted as
 * constants, so nothing downstream (the memcheck pass above all) thinks the
 * result depends on the register's old, possibly undefined, value — the
 * point of `pxor xmm0, xmm0` and `pcmpeqd xmm1, xmm1`.  Returns the
 * constant's temp, or 0 if the instruction is no such idiom. */
static u32 self_idiom(X86Lift *L, const X86Insn *in, const IrHelper *h, IrOpcode op)
{
    if (in->mod != 3 || in->rm != in->reg)
        return 0;
    if (op == IR_XOR || op == IR_ANDN || h == &sse_h_psubb || h == &sse_h_psubw || h == &sse_h_psubd ||
        h == &sse_h_psubq || h == &sse_h_pcmpgtb || h == &sse_h_pcmpgtw || h == &sse_h_pcmpgtd ||
        h == &sse_h_pcmpgtq)
        return ir_const(L->b, IR_V128, 0);
    if (h == &sse_h_pcmpeqb || h == &sse_h_pcmpeqw || h == &sse_h_pcmpeqd || h == &sse_h_pcmpeqq)
        return sse_const128(L, ~0ull, ~0ull);
    return 0;
}

SSE_FORM(vv)
{
    u32 k = self_idiom(L, in, h, IR_NOP);
    if (k) {
        sse_put_xmm(L, in->reg, k);
        return true;
    }
    u32 src = sse_get_W(L, in, mem);
    sse_put_xmm(L, in->reg, sse_call(L, h, IR_V128, sse_get_xmm(L, in->reg), src, 0));
    return true;
}

SSE_FORM(uv)
{
    u32 src = sse_get_W(L, in, mem);
    sse_put_xmm(L, in->reg, sse_call(L, h, IR_V128, ir_const(L->b, IR_V128, 0), src, 0));
    return true;
}

SSE_FORM(vvi)
{
    u32 src = sse_get_W(L, in, mem);
    u32 imm = ir_const(L->b, IR_V128, in->imm & 0xff);
    sse_put_xmm(L, in->reg, sse_call(L, h, IR_V128, sse_get_xmm(L, in->reg), src, imm));
    return true;
}

SSE_FORM(uvi)
{
    u32 src = sse_get_W(L, in, mem);
    u32 imm = ir_const(L->b, IR_V128, in->imm & 0xff);
    sse_put_xmm(L, in->reg, sse_call(L, h, IR_V128, ir_const(L->b, IR_V128, 0), src, imm));
    return true;
}

/* BLENDVPS/PD, PBLENDVB: the selector is XMM0, implicitly. */
SSE_FORM(vv0)
{
    u32 src = sse_get_W(L, in, mem);
    u32 r = sse_call(L, h, IR_V128, sse_get_xmm(L, in->reg), src, sse_get_xmm(L, 0));
    sse_put_xmm(L, in->reg, r);
    return true;
}

/* PAND/ANDPS.., POR, PXOR, PANDN: plain IR, so the memcheck pass sees
 * through the logic. */
static bool logic(X86Lift *L, const X86Insn *in, IrOpcode op, unsigned mem)
{
    u32 k = self_idiom(L, in, NULL, op);
    if (k) {
        sse_put_xmm(L, in->reg, k);
        return true;
    }
    u32 src = sse_get_W(L, in, mem);
    sse_put_xmm(L, in->reg, ir_binop(L->b, op, IR_V128, sse_get_xmm(L, in->reg), src));
    return true;
}

SSE_FORM(logic_and) { return logic(L, in, IR_AND, mem); }
SSE_FORM(logic_or) { return logic(L, in, IR_OR, mem); }
SSE_FORM(logic_xor) { return logic(L, in, IR_XOR, mem); }
SSE_FORM(logic_andn) { return logic(L, in, IR_ANDN, mem); } /* ~dst & src */

/* PUNPCKLQDQ/UNPCKLPD: {dst.lo, src.lo}; PUNPCKHQDQ/UNPCKHPD: {dst.hi,
 * src.hi}.  Two lane ops: no helper needed. */
SSE_FORM(unpcklq)
{
    IrBuilder *b = L->b;
    u32 src = ir_trunc(b, IR_I64, sse_get_W(L, in, mem));
    sse_put_xmm(L, in->reg, ir_insert(b, sse_get_xmm(L, in->reg), src, 8));
    return true;
}

SSE_FORM(unpckhq)
{
    IrBuilder *b = L->b;
    u32 src = ir_extract(b, IR_I64, sse_get_W(L, in, mem), 8);
    u32 lo = ir_zext(b, IR_V128, ir_extract(b, IR_I64, sse_get_xmm(L, in->reg), 8));
    sse_put_xmm(L, in->reg, ir_insert(b, lo, src, 8));
    return true;
}

/* ---- generic MMX forms ---- */

/* Lane-local ops: the 128-bit helper on zero-extended operands computes the
 * 64-bit result in its low half (PUNPCKL* too: they read the low halves). */
SSE_FORM(mmx_vv)
{
    IrBuilder *b = L->b;
    u32 src = ir_zext(b, IR_V128, sse_get_Q(L, in, mem));
    u32 dst = ir_zext(b, IR_V128, sse_get_mm(L, in->reg));
    put_mm_lo(L, in->reg, sse_call(L, h, IR_V128, dst, src, 0));
    return true;
}

SSE_FORM(mmx_uv)
{
    IrBuilder *b = L->b;
    u32 src = ir_zext(b, IR_V128, sse_get_Q(L, in, mem));
    put_mm_lo(L, in->reg, sse_call(L, h, IR_V128, ir_const(b, IR_V128, 0), src, 0));
    return true;
}

/* PSHUFW: PSHUFLW's low half. */
SSE_FORM(mmx_uvi)
{
    IrBuilder *b = L->b;
    u32 src = ir_zext(b, IR_V128, sse_get_Q(L, in, mem));
    u32 imm = ir_const(b, IR_V128, in->imm & 0xff);
    put_mm_lo(L, in->reg, sse_call(L, h, IR_V128, ir_const(b, IR_V128, 0), src, imm));
    return true;
}

/* Packs and horizontal ops combine the destination's lanes with the
 * source's: the 64-bit result is the low half of the 128-bit op applied to
 * the concatenation {dst, src} (and anything as the second operand). */
SSE_FORM(mmx_cat)
{
    IrBuilder *b = L->b;
    u32 src = sse_get_Q(L, in, mem);
    u32 cat = ir_insert(b, ir_zext(b, IR_V128, sse_get_mm(L, in->reg)), src, 8);
    put_mm_lo(L, in->reg, sse_call(L, h, IR_V128, cat, ir_const(b, IR_V128, 0), 0));
    return true;
}

/* PUNPCKH* on MMX: PUNPCKL* of the high halves (h is the PUNPCKL helper). */
SSE_FORM(mmx_hi)
{
    IrBuilder *b = L->b;
    u32 c32 = ir_const(b, IR_I8, 32);
    u32 src = ir_zext(b, IR_V128, ir_shr(b, sse_get_Q(L, in, mem), c32));
    u32 dst = ir_zext(b, IR_V128, ir_shr(b, sse_get_mm(L, in->reg), c32));
    put_mm_lo(L, in->reg, sse_call(L, h, IR_V128, dst, src, 0));
    return true;
}

/* PALIGNR mm: the 128-bit PALIGNR of {src, dst} (dst high) over zeros. */
SSE_FORM(mmx_palignr)
{
    IrBuilder *b = L->b;
    u32 src = sse_get_Q(L, in, mem);
    u32 cat = ir_insert(b, ir_zext(b, IR_V128, src), sse_get_mm(L, in->reg), 8);
    u32 imm = ir_const(b, IR_V128, in->imm & 0xff);
    put_mm_lo(L, in->reg, sse_call(L, h, IR_V128, ir_const(b, IR_V128, 0), cat, imm));
    return true;
}

SSE_FORM(mmx_logic)
{
    IrBuilder *b = L->b;
    IrOpcode op = in->opc == 0xdb ? IR_AND : in->opc == 0xdf ? IR_ANDN : in->opc == 0xeb ? IR_OR : IR_XOR;
    u32 src = sse_get_Q(L, in, mem);
    u32 r = ir_binop(b, op, IR_I64, sse_get_mm(L, in->reg), src);
    sse_mmx_enter(L);
    sse_put_mm(L, in->reg, r);
    return true;
}

/* ---- Grp12/13/14: shifts of the ModRM.rm register by an immediate ---- */

/* The helper for opcode 71..73 /opx, or NULL (#UD). */
static const IrHelper *shift_helper(const X86Insn *in, bool xmm)
{
    static const IrHelper *const tab[3][8] = {
        [0] = {[2] = &sse_h_psrlw, [4] = &sse_h_psraw, [6] = &sse_h_psllw},
        [1] = {[2] = &sse_h_psrld, [4] = &sse_h_psrad, [6] = &sse_h_pslld},
        [2] = {[2] = &sse_h_psrlq, [3] = &sse_h_psrldq, [6] = &sse_h_psllq, [7] = &sse_h_pslldq},
    };
    unsigned opx = SSE_OPX(in);
    if (in->mod != 3 || (!xmm && in->opc == 0x73 && (opx == 3 || opx == 7)))
        return NULL; /* PSRLDQ/PSLLDQ exist only for XMM */
    return tab[in->opc - 0x71][opx];
}

SSE_FORM(shift_imm)
{
    const IrHelper *sh = shift_helper(in, true);
    if (!sh)
        return false;
    u32 count = ir_const(L->b, IR_V128, in->imm & 0xff);
    sse_put_xmm(L, in->rm, sse_call(L, sh, IR_V128, sse_get_xmm(L, in->rm), count, 0));
    return true;
}

SSE_FORM(mmx_shift_imm)
{
    IrBuilder *b = L->b;
    const IrHelper *sh = shift_helper(in, false);
    if (!sh)
        return false;
    u32 count = ir_const(b, IR_V128, in->imm & 0xff);
    u32 v = ir_zext(b, IR_V128, sse_get_mm(L, in->rm));
    put_mm_lo(L, in->rm, sse_call(L, sh, IR_V128, v, count, 0));
    return true;
}

/* EMMS: every x87 register empty again. */
SSE_FORM(emms)
{
    ir_put(L->b, X86_OFF(ftag), ir_const(L->b, IR_I8, 0));
    return true;
}

/* ---- MXCSR (0F AE /2, /3, reached through Grp15 in lift_ctrl.c) ---- */

/* LDMXCSR m32: reserved bits set is #GP(0) -> SIGSEGV, MXCSR unchanged. */
bool x86_lift_ldmxcsr(X86Lift *L, const X86Insn *in)
{
    IrBuilder *b = L->b;
    if (in->mod == 3)
        return false;
    u32 v = x86_load(L, IR_I32, x86_mem_addr(L, in));
    u32 bad = ir_and(b, v, ir_const(b, IR_I32, ~(u64)MXCSR_VALID));
    x86_fault_if(L, ir_cmp(b, IR_CMPNE, bad, ir_const(b, IR_I32, 0)), IR_EXIT_PRIV);
    ir_put(b, X86_OFF(mxcsr), v);
    /* the dispatcher looks at the new control bits before more SSE code
     * runs (jit.c, "host FP instructions inline") */
    x86_end_jump(L, L->next_pc, IR_EXIT_CPU);
    return true;
}

bool x86_lift_stmxcsr(X86Lift *L, const X86Insn *in)
{
    if (in->mod == 3)
        return false;
    x86_store(L, x86_mem_addr(L, in), ir_get(L->b, IR_I32, X86_OFF(mxcsr)));
    return true;
}
