/*
 * sse_priv.h — private to the SSE/MMX part of the x86 lifter: the lift side
 * (lift_sse*.c: operand access, the generic instruction forms the opcode
 * table sse_ops.def names) and the helper side (sse_*.c: the C bodies of the
 * lane operations the IR has no op for).
 *
 * How SSE is lifted (Intel SDM vol. 1 ch. 9-12, vol. 2 for each instruction):
 *  - XMM registers are lifter slots (SLOT_XMM + r): v128 temps buffered like
 *    GPRs.  Moves, logic (PAND/POR/PXOR/ANDPS...), PTEST and lane inserts and
 *    extracts are plain IR; every other lane operation is one helper call
 *    G = h(a, b, c) on whole v128 values, where by convention
 *        a = the destination's old value (0 for unary forms that ignore it),
 *        b = the source operand (register or memory, widened to v128),
 *        c = the immediate (as a v128 constant) or XMM0 (BLENDV*).
 *    Passing 0 rather than the old destination to a helper that ignores it
 *    keeps the data flow exact for the memcheck pass (a helper's result
 *    depends on all of its arguments as far as shadow propagation knows).
 *  - MMX registers MM0..MM7 are the low 64 bits of the x87 physical
 *    registers (X86Regs.st[i], i the register number, not relative to TOP).
 *    MMX instructions reuse the 128-bit helpers on zero-extended operands
 *    where the low half of the result is the 64-bit result, and say so where
 *    a different construction is needed (packs, horizontal ops, PUNPCKH*).
 *  - FP helpers read the guest MXCSR (rounding, DAZ, FTZ, masks), OR the
 *    exception flags they raise into it and say in X86Regs.simd_trap
 *    whether the instruction takes #XM; sse_call then leaves the block
 *    (IR_EXIT_SIMDFP) before the destination is written.  The lifter never
 *    caches MXCSR or simd_trap in a slot, so these calls need no flush of
 *    buffered slot writes.
 */
#ifndef UE_SSE_PRIV_H
#define UE_SSE_PRIV_H

#include "arch/x86/x86_priv.h"

/* ---- lane views (helper side) ---- */

/* A V128 seen as lanes.  Lane 0 is the lowest-addressed: the host (and any
 * ue host) is little-endian, as x86 is. */
typedef union SseVec {
    V128 v;
    u8 b[16];
    i8 sb[16];
    u16 w[8];
    i16 sw[8];
    u32 d[4];
    i32 sd[4];
    u64 q[2];
    i64 sq[2];
} SseVec;

/* MXCSR bits. */
enum {
    MXCSR_IE = 1 << 0, MXCSR_DE = 1 << 1, MXCSR_ZE = 1 << 2, MXCSR_OE = 1 << 3,
    MXCSR_UE = 1 << 4, MXCSR_PE = 1 << 5, MXCSR_FLAGS = 0x3f,
    MXCSR_DAZ = 1 << 6, MXCSR_MASKS = 0x3f << 7, MXCSR_RC_SHIFT = 13,
    MXCSR_FTZ = 1 << 15,
    MXCSR_VALID = 0xffff, /* MXCSR_MASK that FXSAVE reports; other bits #GP */
};

/* ---- the FP environment of a helper (sse_fp.c, sse_cvt.c) ----
 * A helper brackets its work with fp_begin/fp_end: the host MXCSR gets the
 * guest's rounding control, DAZ and FTZ with every exception masked and no
 * flag set; C arithmetic on float/double then rounds, flushes and raises
 * flags exactly as the guest's SSE unit would (the host is x86-64, so the
 * compiler's float ops are the same SSE instructions; a non-x86 host would
 * need a soft-float here).  fp_end restores ue's own MXCSR and settles the
 * exceptions, the ones the host raised plus those the helper raised itself
 * (e->flags, for the cases C cannot express).
 *
 * Unmasked exceptions (#XM, Intel SDM vol. 1 §11.5; the guest unmasks them
 * with LDMXCSR or feenableexcept) are decided after the fact, from what
 * the masked run raised, as the CPU decides them (fp_settle):
 *  - IE, DE and ZE are pre-computation exceptions: if one of them is
 *    raised (in any lane) and unmasked, MXCSR gets the pre-computation
 *    flags of all lanes and nothing else;
 *  - otherwise the computation completes: MXCSR gets every flag, and an
 *    unmasked OE, UE or PE among them traps.
 * Either way the instruction then delivers nothing: the unmasked
 * exceptions go to X86Regs.simd_trap (fp_end stores it) and the lifter
 * leaves the block with IR_EXIT_SIMDFP (#XM at the instruction) before
 * the destination is written.  An instruction done in steps (DPPS: the
 * products, then the sums) settles after each step and stops at the first
 * that traps.
 *
 * Overflow and underflow with OE or UE unmasked are the responses a masked
 * run does not show: the CPU raises UE for any tiny result, exact or not,
 * FTZ does not apply, and PE then says whether the result rounded to the
 * format's precision with an unbounded exponent is inexact (the scaled
 * result x87 would deliver; SSE delivers none but sets PE by it).  With
 * either unmasked (e->lane_flags) the arithmetic takes each lane's host
 * flags apart (fp_host_flags) and corrects them (sse_fp_lane.c.inc,
 * FN(arith)); fp_begin clears FTZ for the run when UE is unmasked.
 *
 * The compiler may move arithmetic on register values across the MXCSR
 * accesses, so operands and results pass through FP_HIDE (an empty volatile
 * asm that claims to change the value): volatile asms keep their order, and
 * the data dependencies pin the arithmetic between them. */
typedef struct FpEnv {
    X86Regs *r;
    u32 host;     /* ue's MXCSR, restored by fp_end */
    u32 run;      /* the MXCSR the host runs with: no flags, all masked */
    u32 flags;    /* exception flags raised by emulated paths */
    u32 unmasked; /* the guest's unmasked exceptions (MXCSR_IE..PE) */
    u32 trap;     /* the unmasked exceptions raised: simd_trap at fp_end */
    unsigned rc;  /* the guest's rounding control: 0 nearest, 1 down, 2 up, 3 zero */
    bool daz;
    bool lane_flags; /* OE or UE unmasked: flags per lane (see above) */
} FpEnv;

#define FP_HIDE(v) __asm__ volatile("" : "+x"(v))
#define FP_HIDE_INT(v) __asm__ volatile("" : "+r"(v))

/* The pre-computation exceptions. */
enum { MXCSR_PRE = MXCSR_IE | MXCSR_DE | MXCSR_ZE };

static inline void fp_begin(FpEnv *e, void *env)
{
    X86Regs *r = env;
    e->r = r;
    e->flags = 0;
    e->unmasked = ~(r->mxcsr >> 7) & MXCSR_FLAGS;
    e->lane_flags = (e->unmasked & (MXCSR_OE | MXCSR_UE)) != 0;
    e->rc = (r->mxcsr >> MXCSR_RC_SHIFT) & 3;
    e->daz = (r->mxcsr & MXCSR_DAZ) != 0;
    e->run = (r->mxcsr & (3u << MXCSR_RC_SHIFT | MXCSR_DAZ | MXCSR_FTZ)) | MXCSR_MASKS;
    if (e->unmasked & MXCSR_UE)
        e->run &= ~(u32)MXCSR_FTZ; /* FTZ works only with underflow masked */
    e->trap = 0;
    __asm__ volatile("stmxcsr %0" : "=m"(e->host));
    __asm__ volatile("ldmxcsr %0" : : "m"(e->run));
}

/* The flags the host raised since the last call (or fp_begin); clears them. */
static inline u32 fp_host_flags(FpEnv *e)
{
    u32 now;
    __asm__ volatile("stmxcsr %0" : "=m"(now));
    __asm__ volatile("ldmxcsr %0" : : "m"(e->run));
    return now & MXCSR_FLAGS;
}

/* Apply the rules above to the flags raised: into the guest MXCSR and
 * e->trap.  True if the instruction traps. */
static inline bool fp_apply(FpEnv *e, u32 raised)
{
    if (raised & e->unmasked & MXCSR_PRE)
        raised &= MXCSR_PRE;
    e->r->mxcsr |= raised;
    e->trap |= raised & e->unmasked;
    return e->trap != 0;
}

/* End one step of a multi-step instruction: true if it traps (the helper
 * then stops computing and calls fp_end). */
static inline bool fp_settle(FpEnv *e)
{
    u32 raised = fp_host_flags(e) | e->flags;
    e->flags = 0;
    return fp_apply(e, raised);
}

static inline void fp_end(FpEnv *e)
{
    u32 now;
    __asm__ volatile("stmxcsr %0" : "=m"(now));
    __asm__ volatile("ldmxcsr %0" : : "m"(e->host));
    fp_apply(e, (now & MXCSR_FLAGS) | e->flags);
    e->r->simd_trap = e->trap;
}

/* A finite value as mant * 2^e2 (the fraction with its implicit bit). */
typedef struct FpParts {
    bool neg;
    u64 mant;
    int e2;
} FpParts;

enum { FOP_ADD, FOP_SUB, FOP_MUL, FOP_DIV, FOP_MIN, FOP_MAX, FOP_SQRT };

/* mant / 2^shift rounded to an integer by rc for a value of sign neg;
 * *inexact says whether bits were lost.  mant < 2^60. */
static inline u64 fp_round_shift(u64 mant, unsigned shift, bool neg, unsigned rc, bool *inexact)
{
    u64 q, rem, half;
    if (shift == 0) {
        *inexact = false;
        return mant;
    }
    if (shift >= 64) {
        q = 0;
        rem = mant;
        half = shift == 64 ? 1ull << 63 : ~0ull; /* mant < half: below one half */
    } else {
        q = mant >> shift;
        rem = mant & ((1ull << shift) - 1);
        half = 1ull << (shift - 1);
    }
    *inexact = rem != 0;
    bool up;
    switch (rc) {
    case 0: up = rem > half || (rem == half && (q & 1)); break;
    case 1: up = neg && rem; break;
    case 2: up = !neg && rem; break;
    default: up = false; break;
    }
    return q + up;
}

/* Whether op(x, y) (FOP_ADD..FOP_DIV on finite operands) rounded to prec
 * significant bits with an unbounded exponent is inexact: exact integer
 * arithmetic on the significands' odd parts.  The slow path of an
 * overflow or underflow with OE or UE unmasked (see fp_settle). */
static inline bool fp_inexact_unbounded(unsigned op, FpParts x, FpParts y, unsigned prec)
{
    typedef unsigned __int128 U128;
    u64 ox = x.mant, oy = y.mant;
    int ex = x.e2, ey = y.e2;
    if (ox) {
        ex += __builtin_ctzll(ox);
        ox >>= __builtin_ctzll(ox);
    }
    if (oy) {
        ey += __builtin_ctzll(oy);
        oy >>= __builtin_ctzll(oy);
    }
    U128 m;
    if (op == FOP_MUL) {
        m = (U128)ox * oy;
    } else if (op == FOP_DIV) {
        if (!oy || ox % oy)
            return oy != 0;
        m = ox / oy;
    } else {
        bool sub = (x.neg != y.neg) != (op == FOP_SUB);
        if (!ox || !oy) {
            m = ox | oy;
        } else {
            /* Align the odd parts; the one shifted by d > prec + 1 would
             * put its top bit more than prec bits above the other's odd
             * lowest bit: inexact. */
            int d = ex - ey;
            U128 big = d >= 0 ? ox : oy, small = d >= 0 ? oy : ox;
            unsigned sh = (unsigned)(d >= 0 ? d : -d);
            if (sh > prec + 1)
                return true;
            big <<= sh;
            m = !sub ? big + small : big > small ? big - small : small - big;
        }
    }
    if (!m)
        return false;
    u64 lo = (u64)m, hi = (u64)(m >> 64);
    unsigned tz = lo ? (unsigned)__builtin_ctzll(lo) : 64 + (unsigned)__builtin_ctzll(hi);
    m >>= tz;
    lo = (u64)m, hi = (u64)(m >> 64);
    unsigned len = hi ? 128 - (unsigned)__builtin_clzll(hi) : 64 - (unsigned)__builtin_clzll(lo);
    return len > prec;
}

/* ---- helpers ----
 * X(name, signature, IRH flags, number of arguments[, host instruction]);
 * the object is sse_h_<name>, the function h_<name> in the file whose list
 * names it. */

#define SSE_FP_STATE (IRH_READS_STATE | IRH_WRITES_STATE) /* MXCSR, simd_trap */

/* sse_int.c: integer lanes, shuffles, packs; no guest state.  The fifth
 * field is the host instruction computing the same (IrHostInsn): every one
 * but the MMX PSHUFB (8-byte indexing), PSLLDQ/PSRLDQ (count as a value,
 * the instruction takes an imm8) and the variable blends (XMM0 implied). */
#define HOST(pfx, map, op, flags) pfx, map, op, flags
#define HOST_W(pfx, map, op, flags) pfx, map, op, flags, 1 /* (IrHostInsn.wide) */
#define NO_HOST 0
#define SSE_INT_HELPERS(X) \
    X(paddb, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xfc, 0))                         \
    X(paddw, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xfd, 0))                         \
    X(paddd, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xfe, 0))                         \
    X(paddq, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xd4, 0))                         \
    X(psubb, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xf8, 0))                         \
    X(psubw, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xf9, 0))                         \
    X(psubd, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xfa, 0))                         \
    X(psubq, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xfb, 0))                         \
    X(paddsb, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xec, 0))                        \
    X(paddsw, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xed, 0))                        \
    X(paddusb, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xdc, 0))                       \
    X(paddusw, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xdd, 0))                       \
    X(psubsb, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xe8, 0))                        \
    X(psubsw, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xe9, 0))                        \
    X(psubusb, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xd8, 0))                       \
    X(psubusw, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xd9, 0))                       \
    X(pcmpeqb, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0x74, 0))                       \
    X(pcmpeqw, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0x75, 0))                       \
    X(pcmpeqd, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0x76, 0))                       \
    X(pcmpeqq, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x29, IRHI_SSE41))              \
    X(pcmpgtb, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0x64, 0))                       \
    X(pcmpgtw, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0x65, 0))                       \
    X(pcmpgtd, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0x66, 0))                       \
    X(pcmpgtq, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x37, IRHI_SSE42))              \
    X(pmullw, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xd5, 0))                        \
    X(pmulhw, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xe5, 0))                        \
    X(pmulhuw, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xe4, 0))                       \
    X(pmulld, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x40, IRHI_SSE41))               \
    X(pmuludq, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xf4, 0))                       \
    X(pmuldq, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x28, IRHI_SSE41))               \
    X(pmaddwd, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xf5, 0))                       \
    X(pmaddubsw, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x04, IRHI_SSSE3))            \
    X(pmulhrsw, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x0b, IRHI_SSSE3))             \
    X(psadbw, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xf6, 0))                        \
    X(pavgb, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xe0, 0))                         \
    X(pavgw, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xe3, 0))                         \
    X(pminub, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xda, 0))                        \
    X(pmaxub, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xde, 0))                        \
    X(pminsb, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x38, IRHI_SSE41))               \
    X(pmaxsb, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x3c, IRHI_SSE41))               \
    X(pminuw, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x3a, IRHI_SSE41))               \
    X(pmaxuw, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x3e, IRHI_SSE41))               \
    X(pminsw, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xea, 0))                        \
    X(pmaxsw, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xee, 0))                        \
    X(pminud, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x3b, IRHI_SSE41))               \
    X(pmaxud, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x3f, IRHI_SSE41))               \
    X(pminsd, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x39, IRHI_SSE41))               \
    X(pmaxsd, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x3d, IRHI_SSE41))               \
    X(psignb, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x08, IRHI_SSSE3))               \
    X(psignw, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x09, IRHI_SSSE3))               \
    X(psignd, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x0a, IRHI_SSSE3))               \
    X(pabsb, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x1c, IRHI_SSSE3))                \
    X(pabsw, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x1d, IRHI_SSSE3))                \
    X(pabsd, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x1e, IRHI_SSSE3))                \
    X(packsswb, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0x63, 0))                      \
    X(packssdw, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0x6b, 0))                      \
    X(packuswb, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0x67, 0))                      \
    X(packusdw, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x2b, IRHI_SSE41))             \
    X(punpcklbw, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0x60, 0))                     \
    X(punpcklwd, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0x61, 0))                     \
    X(punpckldq, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0x62, 0))                     \
    X(punpckhbw, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0x68, 0))                     \
    X(punpckhwd, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0x69, 0))                     \
    X(punpckhdq, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0x6a, 0))                     \
    X(phaddw, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x01, IRHI_SSSE3))               \
    X(phaddd, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x02, IRHI_SSSE3))               \
    X(phaddsw, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x03, IRHI_SSSE3))              \
    X(phsubw, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x05, IRHI_SSSE3))               \
    X(phsubd, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x06, IRHI_SSSE3))               \
    X(phsubsw, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x07, IRHI_SSSE3))              \
    X(phminposuw, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x41, IRHI_SSE41))           \
    X(psllw, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xf1, 0))                         \
    X(pslld, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xf2, 0))                         \
    X(psllq, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xf3, 0))                         \
    X(psrlw, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xd1, 0))                         \
    X(psrld, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xd2, 0))                         \
    X(psrlq, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xd3, 0))                         \
    X(psraw, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xe1, 0))                         \
    X(psrad, IRH_V_V, 0, 2, HOST(0x66, 0x00, 0xe2, 0))                         \
    X(pslldq, IRH_V_V, 0, 2, NO_HOST)                                          \
    X(psrldq, IRH_V_V, 0, 2, NO_HOST)                                          \
    X(pshufd, IRH_V_V, 0, 3, HOST(0x66, 0x00, 0x70, IRHI_IMM8))                \
    X(pshuflw, IRH_V_V, 0, 3, HOST(0xf2, 0x00, 0x70, IRHI_IMM8))               \
    X(pshufhw, IRH_V_V, 0, 3, HOST(0xf3, 0x00, 0x70, IRHI_IMM8))               \
    X(pshufb, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x00, IRHI_SSSE3))               \
    X(pshufb_mmx, IRH_V_V, 0, 2, NO_HOST)                                      \
    X(palignr, IRH_V_V, 0, 3, HOST(0x66, 0x3a, 0x0f, IRHI_SSSE3 | IRHI_IMM8))  \
    X(shufps, IRH_V_V, 0, 3, HOST(0x00, 0x00, 0xc6, IRHI_IMM8))                \
    X(shufpd, IRH_V_V, 0, 3, HOST(0x66, 0x00, 0xc6, IRHI_IMM8))                \
    X(pblendw, IRH_V_V, 0, 3, HOST(0x66, 0x3a, 0x0e, IRHI_SSE41 | IRHI_IMM8))  \
    X(blendps, IRH_V_V, 0, 3, HOST(0x66, 0x3a, 0x0c, IRHI_SSE41 | IRHI_IMM8))  \
    X(blendpd, IRH_V_V, 0, 3, HOST(0x66, 0x3a, 0x0d, IRHI_SSE41 | IRHI_IMM8))  \
    X(pblendvb, IRH_V_V, 0, 3, NO_HOST)                                        \
    X(blendvps, IRH_V_V, 0, 3, NO_HOST)                                        \
    X(blendvpd, IRH_V_V, 0, 3, NO_HOST)                                        \
    X(pmovsxbw, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x20, IRHI_SSE41))             \
    X(pmovsxbd, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x21, IRHI_SSE41))             \
    X(pmovsxbq, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x22, IRHI_SSE41))             \
    X(pmovsxwd, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x23, IRHI_SSE41))             \
    X(pmovsxwq, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x24, IRHI_SSE41))             \
    X(pmovsxdq, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x25, IRHI_SSE41))             \
    X(pmovzxbw, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x30, IRHI_SSE41))             \
    X(pmovzxbd, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x31, IRHI_SSE41))             \
    X(pmovzxbq, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x32, IRHI_SSE41))             \
    X(pmovzxwd, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x33, IRHI_SSE41))             \
    X(pmovzxwq, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x34, IRHI_SSE41))             \
    X(pmovzxdq, IRH_V_V, 0, 2, HOST(0x66, 0x38, 0x35, IRHI_SSE41))             \
    X(mpsadbw, IRH_V_V, 0, 3, HOST(0x66, 0x3a, 0x42, IRHI_SSE41 | IRHI_IMM8))  \
    X(insertps, IRH_V_V, 0, 3, HOST(0x66, 0x3a, 0x21, IRHI_SSE41 | IRHI_IMM8)) \
    X(movsldup, IRH_V_V, 0, 2, HOST(0xf3, 0x00, 0x12, IRHI_SSE3))              \
    X(movshdup, IRH_V_V, 0, 2, HOST(0xf3, 0x00, 0x16, IRHI_SSE3))              \
    X(movddup, IRH_V_V, 0, 2, HOST(0xf2, 0x00, 0x12, IRHI_SSE3))               \
    X(pmovmskb, IRH_I_V, 0, 1, HOST(0x66, 0x00, 0xd7, 0))                      \
    X(movmskps, IRH_I_V, 0, 1, HOST(0x00, 0x00, 0x50, 0))                      \
    X(movmskpd, IRH_I_V, 0, 1, HOST(0x66, 0x00, 0x50, 0))

/* sse_fp.c: FP arithmetic, compares, min/max, rounding; MXCSR.  The
 * arithmetic has a host form the JIT may use (IRHI_MXCSR). */
#define SSE_FP_HELPERS(X)                                                     \
    X(addss, IRH_V_V, SSE_FP_STATE, 2, HOST(0xf3, 0x00, 0x58, IRHI_MXCSR))    \
    X(addsd, IRH_V_V, SSE_FP_STATE, 2, HOST(0xf2, 0x00, 0x58, IRHI_MXCSR))    \
    X(addps, IRH_V_V, SSE_FP_STATE, 2, HOST(0x00, 0x00, 0x58, IRHI_MXCSR))    \
    X(addpd, IRH_V_V, SSE_FP_STATE, 2, HOST(0x66, 0x00, 0x58, IRHI_MXCSR))    \
    X(subss, IRH_V_V, SSE_FP_STATE, 2, HOST(0xf3, 0x00, 0x5c, IRHI_MXCSR))    \
    X(subsd, IRH_V_V, SSE_FP_STATE, 2, HOST(0xf2, 0x00, 0x5c, IRHI_MXCSR))    \
    X(subps, IRH_V_V, SSE_FP_STATE, 2, HOST(0x00, 0x00, 0x5c, IRHI_MXCSR))    \
    X(subpd, IRH_V_V, SSE_FP_STATE, 2, HOST(0x66, 0x00, 0x5c, IRHI_MXCSR))    \
    X(mulss, IRH_V_V, SSE_FP_STATE, 2, HOST(0xf3, 0x00, 0x59, IRHI_MXCSR))    \
    X(mulsd, IRH_V_V, SSE_FP_STATE, 2, HOST(0xf2, 0x00, 0x59, IRHI_MXCSR))    \
    X(mulps, IRH_V_V, SSE_FP_STATE, 2, HOST(0x00, 0x00, 0x59, IRHI_MXCSR))    \
    X(mulpd, IRH_V_V, SSE_FP_STATE, 2, HOST(0x66, 0x00, 0x59, IRHI_MXCSR))    \
    X(divss, IRH_V_V, SSE_FP_STATE, 2, HOST(0xf3, 0x00, 0x5e, IRHI_MXCSR))    \
    X(divsd, IRH_V_V, SSE_FP_STATE, 2, HOST(0xf2, 0x00, 0x5e, IRHI_MXCSR))    \
    X(divps, IRH_V_V, SSE_FP_STATE, 2, HOST(0x00, 0x00, 0x5e, IRHI_MXCSR))    \
    X(divpd, IRH_V_V, SSE_FP_STATE, 2, HOST(0x66, 0x00, 0x5e, IRHI_MXCSR))    \
    X(minss, IRH_V_V, SSE_FP_STATE, 2, HOST(0xf3, 0x00, 0x5d, IRHI_MXCSR))    \
    X(minsd, IRH_V_V, SSE_FP_STATE, 2, HOST(0xf2, 0x00, 0x5d, IRHI_MXCSR))    \
    X(minps, IRH_V_V, SSE_FP_STATE, 2, HOST(0x00, 0x00, 0x5d, IRHI_MXCSR))    \
    X(minpd, IRH_V_V, SSE_FP_STATE, 2, HOST(0x66, 0x00, 0x5d, IRHI_MXCSR))    \
    X(maxss, IRH_V_V, SSE_FP_STATE, 2, HOST(0xf3, 0x00, 0x5f, IRHI_MXCSR))    \
    X(maxsd, IRH_V_V, SSE_FP_STATE, 2, HOST(0xf2, 0x00, 0x5f, IRHI_MXCSR))    \
    X(maxps, IRH_V_V, SSE_FP_STATE, 2, HOST(0x00, 0x00, 0x5f, IRHI_MXCSR))    \
    X(maxpd, IRH_V_V, SSE_FP_STATE, 2, HOST(0x66, 0x00, 0x5f, IRHI_MXCSR))    \
    X(sqrtss, IRH_V_V, SSE_FP_STATE, 2, HOST(0xf3, 0x00, 0x51, IRHI_MXCSR))   \
    X(sqrtsd, IRH_V_V, SSE_FP_STATE, 2, HOST(0xf2, 0x00, 0x51, IRHI_MXCSR))   \
    X(sqrtps, IRH_V_V, SSE_FP_STATE, 2, HOST(0x00, 0x00, 0x51, IRHI_MXCSR))   \
    X(sqrtpd, IRH_V_V, SSE_FP_STATE, 2, HOST(0x66, 0x00, 0x51, IRHI_MXCSR))   \
    X(cmpss, IRH_V_V, SSE_FP_STATE, 3)                                        \
    X(cmpsd, IRH_V_V, SSE_FP_STATE, 3)                                        \
    X(cmpps, IRH_V_V, SSE_FP_STATE, 3)                                        \
    X(cmppd, IRH_V_V, SSE_FP_STATE, 3)                                        \
    X(comiss, IRH_I_V, SSE_FP_STATE, 2, HOST(0x00, 0x00, 0x2f, IRHI_MXCSR | IRHI_EFLAGS)) \
    X(ucomiss, IRH_I_V, SSE_FP_STATE, 2, HOST(0x00, 0x00, 0x2e, IRHI_MXCSR | IRHI_EFLAGS)) \
    X(comisd, IRH_I_V, SSE_FP_STATE, 2, HOST(0x66, 0x00, 0x2f, IRHI_MXCSR | IRHI_EFLAGS)) \
    X(ucomisd, IRH_I_V, SSE_FP_STATE, 2, HOST(0x66, 0x00, 0x2e, IRHI_MXCSR | IRHI_EFLAGS)) \
    X(rcpss, IRH_V_V, SSE_FP_STATE, 2)                                        \
    X(rcpps, IRH_V_V, SSE_FP_STATE, 2)                                        \
    X(rsqrtss, IRH_V_V, SSE_FP_STATE, 2)                                      \
    X(rsqrtps, IRH_V_V, SSE_FP_STATE, 2)                                      \
    X(addsubps, IRH_V_V, SSE_FP_STATE, 2)                                     \
    X(addsubpd, IRH_V_V, SSE_FP_STATE, 2)                                     \
    X(haddps, IRH_V_V, SSE_FP_STATE, 2)                                       \
    X(haddpd, IRH_V_V, SSE_FP_STATE, 2)                                       \
    X(hsubps, IRH_V_V, SSE_FP_STATE, 2)                                       \
    X(hsubpd, IRH_V_V, SSE_FP_STATE, 2)                                       \
    X(roundss, IRH_V_V, SSE_FP_STATE, 3)                                      \
    X(roundsd, IRH_V_V, SSE_FP_STATE, 3)                                      \
    X(roundps, IRH_V_V, SSE_FP_STATE, 3)                                      \
    X(roundpd, IRH_V_V, SSE_FP_STATE, 3)                                      \
    X(dpps, IRH_V_V, SSE_FP_STATE, 3)                                         \
    X(dppd, IRH_V_V, SSE_FP_STATE, 3)

/* sse_cvt.c: conversions between integers, floats and doubles; MXCSR. */
#define SSE_CVT_HELPERS(X)                                                   \
    X(cvtsi2ss32, IRH_V_V, SSE_FP_STATE, 2, HOST(0xf3, 0x00, 0x2a, IRHI_MXCSR | IRHI_GPR_SRC)) \
    X(cvtsi2ss64, IRH_V_V, SSE_FP_STATE, 2, HOST_W(0xf3, 0x00, 0x2a, IRHI_MXCSR | IRHI_GPR_SRC)) \
    X(cvtsi2sd32, IRH_V_V, SSE_FP_STATE, 2, HOST(0xf2, 0x00, 0x2a, IRHI_MXCSR | IRHI_GPR_SRC)) \
    X(cvtsi2sd64, IRH_V_V, SSE_FP_STATE, 2, HOST_W(0xf2, 0x00, 0x2a, IRHI_MXCSR | IRHI_GPR_SRC)) \
    X(cvtss2si32, IRH_I_V, SSE_FP_STATE, 1) X(cvtss2si64, IRH_I_V, SSE_FP_STATE, 1) \
    X(cvttss2si32, IRH_I_V, SSE_FP_STATE, 1) X(cvttss2si64, IRH_I_V, SSE_FP_STATE, 1) \
    X(cvtsd2si32, IRH_I_V, SSE_FP_STATE, 1) X(cvtsd2si64, IRH_I_V, SSE_FP_STATE, 1) \
    X(cvttsd2si32, IRH_I_V, SSE_FP_STATE, 1) X(cvttsd2si64, IRH_I_V, SSE_FP_STATE, 1) \
    X(cvtss2sd, IRH_V_V, SSE_FP_STATE, 2) X(cvtsd2ss, IRH_V_V, SSE_FP_STATE, 2) \
    X(cvtps2pd, IRH_V_V, SSE_FP_STATE, 2) X(cvtpd2ps, IRH_V_V, SSE_FP_STATE, 2) \
    X(cvtdq2ps, IRH_V_V, SSE_FP_STATE, 2) X(cvtdq2pd, IRH_V_V, SSE_FP_STATE, 2) \
    X(cvtps2dq, IRH_V_V, SSE_FP_STATE, 2) X(cvttps2dq, IRH_V_V, SSE_FP_STATE, 2) \
    X(cvtpd2dq, IRH_V_V, SSE_FP_STATE, 2) X(cvttpd2dq, IRH_V_V, SSE_FP_STATE, 2) \
    X(cvtpi2ps, IRH_V_V, SSE_FP_STATE, 2)

/* sse_str.c: PCMPxSTRx.  The explicit-length forms read RAX/RDX. */
#define SSE_STR_HELPERS(X)                                                   \
    X(pcmpistr, IRH_I_V, 0, 3) X(pcmpestr, IRH_I_V, IRH_READS_STATE, 3)      \
    X(pcmpstr_mask, IRH_V_I, 0, 2)

#define SSE_DECLARE_HELPER(name, ...) extern const IrHelper sse_h_##name;
SSE_INT_HELPERS(SSE_DECLARE_HELPER)
SSE_FP_HELPERS(SSE_DECLARE_HELPER)
SSE_CVT_HELPERS(SSE_DECLARE_HELPER)
SSE_STR_HELPERS(SSE_DECLARE_HELPER)
#undef SSE_DECLARE_HELPER

/* In a helper file: define the IrHelper objects of a list whose functions
 * h_<name> precede the expansion. */
#define SSE_DEFINE_HELPER(id, sig_, flags_, nargs_, ...)                     \
    const IrHelper sse_h_##id = {.name = #id, .fn = (void *)h_##id, .sig = sig_, .flags = flags_, .nargs = nargs_, \
                                 .host = {__VA_ARGS__}};

/* ---- lift side: operands (lift_sse.c) ---- */

/* Memory operand kinds of a W (xmm/m) operand, from the opcode table:
 * the number of bytes read, and SSE_A16 for 16-byte operands that must be
 * aligned (legacy-encoded SSE raises #GP otherwise: SIGSEGV). */
enum { SSE_A16 = 0x100 | 16, SSE_U16 = 16, SSE_M8 = 8, SSE_M4 = 4, SSE_M2 = 2, SSE_M1 = 1, SSE_MNONE = 0 };

#define SSE_OPX(in) (((in)->modrm >> 3) & 7) /* ModRM.reg as an opcode extension */

u32 sse_get_xmm(X86Lift *L, unsigned r);
void sse_put_xmm(X86Lift *L, unsigned r, u32 v);
/* The address of the memory operand.  (An SSE_A16 operand's alignment is
 * checked before the form runs: lift_sse.c, run_form.) */
u32 sse_mem_addr(X86Lift *L, const X86Insn *in, unsigned mem);
/* The W operand as v128: XMM[rm], or mem's bytes zero-extended. */
u32 sse_get_W(X86Lift *L, const X86Insn *in, unsigned mem);
/* MMX registers (ModRM fields with REX ignored).  Reading or writing one is
 * an MMX instruction: sse_mmx_enter makes TOP = 0 and every tag valid. */
u32 sse_get_mm(X86Lift *L, unsigned r);
void sse_put_mm(X86Lift *L, unsigned r, u32 v64);
void sse_mmx_enter(X86Lift *L);
/* The MMX Q operand as i64: MM[rm], or mem's bytes zero-extended. */
u32 sse_get_Q(X86Lift *L, const X86Insn *in, unsigned mem);
/* A v128 constant with both halves given. */
u32 sse_const128(X86Lift *L, u64 lo, u64 hi);
/* Call an SSE helper.  None of them touches a lifter slot, so no flush. */
u32 sse_call(X86Lift *L, const IrHelper *h, IrType ret, u32 a, u32 b, u32 c);

/* ---- lift side: forms named by sse_ops.def ----
 * Each lifts one instruction with the helper h (or none) and the memory
 * operand kind mem given by its table row; false means #UD. */
#define SSE_FORM(name) bool sse_##name(X86Lift *L, const X86Insn *in, const IrHelper *h, unsigned mem)

#define SSE_FORMS(X)                                                         \
    X(vv) X(uv) X(vvi) X(uvi) X(vv0) X(logic_and) X(logic_or) X(logic_xor)   \
    X(logic_andn) X(unpcklq) X(unpckhq) X(mmx_vv) X(mmx_uv) X(mmx_cat) X(mmx_hi) X(mmx_uvi)        \
    X(mmx_palignr) X(mmx_logic) X(shift_imm) X(mmx_shift_imm) X(emms)        \
    X(movu_load) X(movu_store) X(mova_load) X(mova_store) X(movnt)           \
    X(movss_load) X(movsd_load) X(movss_store) X(movsd_store)               \
    X(movlps_load) X(movhps_load) X(movlps_store) X(movhps_store)           \
    X(movd_load) X(movd_store) X(mmx_movd_load) X(mmx_movd_store)           \
    X(mmx_movq_load) X(mmx_movq_store) X(movq_load) X(movq_store)           \
    X(movq2dq) X(movdq2q) X(lddqu) X(movntdqa) X(movmsk) X(mmx_pmovmskb)     \
    X(pinsrw) X(pextrw) X(mmx_pinsrw) X(mmx_pextrw) X(pinsr) X(pextr)        \
    X(extractps) X(insertps) X(maskmov) X(ptest)                            \
    X(comis) X(cvtsi2f) X(cvtf2si) X(cvtpi2ps)                              \
    X(cvtpi2pd) X(cvtf2pi) X(pcmpstr)

#define SSE_DECLARE_FORM(name) SSE_FORM(name);
SSE_FORMS(SSE_DECLARE_FORM)
#undef SSE_DECLARE_FORM

#endif
