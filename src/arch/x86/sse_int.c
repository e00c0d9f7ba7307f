/*
 * sse_int.c — IR helpers for the SSE..SSE4.2 integer lane operations: the
 * arithmetic, compares, min/max, packs, unpacks, shifts and shuffles that
 * the IR has no op for.  The lifter (lift_sse*.c) calls them on whole v128
 * values; the MMX forms reuse them on zero-extended 64-bit operands.
 *
 * Contract (ir.h): h(env, a, b, c) with a = the destination's old value (or
 * 0 when unused), b = the source, c = the immediate or XMM0 (sse_priv.h);
 * no guest state, no guest memory, no longjmp.  Plain portable C on lane
 * views (SseVec), each instruction as the SDM's pseudo-code says.
 *
 * Manual: Intel SDM vol. 2 (each instruction).
 */
#include "arch/x86/sse_priv.h"

static inline i8 sat8s(int v) { return (i8)(v < -128 ? -128 : v > 127 ? 127 : v); }
static inline u8 sat8u(int v) { return (u8)(v < 0 ? 0 : v > 255 ? 255 : v); }
static inline i16 sat16s(i32 v) { return (i16)(v < -32768 ? -32768 : v > 32767 ? 32767 : v); }
static inline u16 sat16u(i32 v) { return (u16)(v < 0 ? 0 : v > 65535 ? 65535 : v); }

/* A helper computing r lane by lane: r.F[i] = expr for i < n, where expr
 * may use a, b, c (SseVec views of the arguments) and i. */
#define LANES(name, n, F, expr)                                              \
    static V128 h_##name(void *env, V128 va, V128 vb, V128 vc)               \
    {                                                                        \
        SseVec a = {.v = va}, b = {.v = vb}, c = {.v = vc}, r = {.v = {0, 0}}; \
        (void)env, (void)a, (void)b, (void)c;                                \
        for (int i = 0; i < (n); i++)                                        \
            r.F[i] = (expr);                                                 \
        return r.v;                                                          \
    }

/* ---- add, subtract, saturating ---- */
LANES(paddb, 16, b, (u8)(a.b[i] + b.b[i]))
LANES(paddw, 8, w, (u16)(a.w[i] + b.w[i]))
LANES(paddd, 4, d, a.d[i] + b.d[i])
LANES(paddq, 2, q, a.q[i] + b.q[i])
LANES(psubb, 16, b, (u8)(a.b[i] - b.b[i]))
LANES(psubw, 8, w, (u16)(a.w[i] - b.w[i]))
LANES(psubd, 4, d, a.d[i] - b.d[i])
LANES(psubq, 2, q, a.q[i] - b.q[i])
LANES(paddsb, 16, sb, sat8s(a.sb[i] + b.sb[i]))
LANES(paddsw, 8, sw, sat16s(a.sw[i] + b.sw[i]))
LANES(paddusb, 16, b, sat8u(a.b[i] + b.b[i]))
LANES(paddusw, 8, w, sat16u(a.w[i] + b.w[i]))
LANES(psubsb, 16, sb, sat8s(a.sb[i] - b.sb[i]))
LANES(psubsw, 8, sw, sat16s(a.sw[i] - b.sw[i]))
LANES(psubusb, 16, b, sat8u(a.b[i] - b.b[i]))
LANES(psubusw, 8, w, sat16u(a.w[i] - b.w[i]))

/* ---- compares: all ones where true ---- */
LANES(pcmpeqb, 16, b, a.b[i] == b.b[i] ? 0xff : 0)
LANES(pcmpeqw, 8, w, a.w[i] == b.w[i] ? 0xffff : 0)
LANES(pcmpeqd, 4, d, a.d[i] == b.d[i] ? ~0u : 0)
LANES(pcmpeqq, 2, q, a.q[i] == b.q[i] ? ~0ull : 0)
LANES(pcmpgtb, 16, b, a.sb[i] > b.sb[i] ? 0xff : 0)
LANES(pcmpgtw, 8, w, a.sw[i] > b.sw[i] ? 0xffff : 0)
LANES(pcmpgtd, 4, d, a.sd[i] > b.sd[i] ? ~0u : 0)
LANES(pcmpgtq, 2, q, a.sq[i] > b.sq[i] ? ~0ull : 0)

/* ---- multiplies ---- */
LANES(pmullw, 8, w, (u16)(a.w[i] * b.w[i]))
LANES(pmulhw, 8, w, (u16)(((i32)a.sw[i] * b.sw[i]) >> 16))
LANES(pmulhuw, 8, w, (u16)(((u32)a.w[i] * b.w[i]) >> 16))
LANES(pmulld, 4, d, (u32)((i64)a.sd[i] * b.sd[i]))
LANES(pmuludq, 2, q, (u64)a.d[2 * i] * b.d[2 * i])
LANES(pmuldq, 2, sq, (i64)a.sd[2 * i] * b.sd[2 * i])
/* The sum of two products can be 2^31: it wraps to INT32_MIN. */
LANES(pmaddwd, 4, d, (u32)((i32)a.sw[2 * i] * b.sw[2 * i]) + (u32)((i32)a.sw[2 * i + 1] * b.sw[2 * i + 1]))
/* Unsigned bytes of the destination times signed bytes of the source. */
LANES(pmaddubsw, 8, sw, sat16s(a.b[2 * i] * b.sb[2 * i] + a.b[2 * i + 1] * b.sb[2 * i + 1]))
LANES(pmulhrsw, 8, sw, (i16)(((((i32)a.sw[i] * b.sw[i]) >> 14) + 1) >> 1))

static V128 h_psadbw(void *env, V128 va, V128 vb, V128 vc)
{
    SseVec a = {.v = va}, b = {.v = vb}, r = {.v = {0, 0}};
    (void)env, (void)vc;
    for (int i = 0; i < 16; i++)
        r.q[i / 8] += (u64)(a.b[i] > b.b[i] ? a.b[i] - b.b[i] : b.b[i] - a.b[i]);
    return r.v;
}

/* ---- averages, min/max, sign, abs ---- */
LANES(pavgb, 16, b, (u8)((a.b[i] + b.b[i] + 1) >> 1))
LANES(pavgw, 8, w, (u16)((a.w[i] + b.w[i] + 1) >> 1))
LANES(pminub, 16, b, UE_MIN(a.b[i], b.b[i]))
LANES(pmaxub, 16, b, UE_MAX(a.b[i], b.b[i]))
LANES(pminsb, 16, sb, UE_MIN(a.sb[i], b.sb[i]))
LANES(pmaxsb, 16, sb, UE_MAX(a.sb[i], b.sb[i]))
LANES(pminuw, 8, w, UE_MIN(a.w[i], b.w[i]))
LANES(pmaxuw, 8, w, UE_MAX(a.w[i], b.w[i]))
LANES(pminsw, 8, sw, UE_MIN(a.sw[i], b.sw[i]))
LANES(pmaxsw, 8, sw, UE_MAX(a.sw[i], b.sw[i]))
LANES(pminud, 4, d, UE_MIN(a.d[i], b.d[i]))
LANES(pmaxud, 4, d, UE_MAX(a.d[i], b.d[i]))
LANES(pminsd, 4, sd, UE_MIN(a.sd[i], b.sd[i]))
LANES(pmaxsd, 4, sd, UE_MAX(a.sd[i], b.sd[i]))
LANES(psignb, 16, b, b.sb[i] < 0 ? (u8)-a.b[i] : b.sb[i] ? a.b[i] : 0)
LANES(psignw, 8, w, b.sw[i] < 0 ? (u16)-a.w[i] : b.sw[i] ? a.w[i] : 0)
LANES(psignd, 4, d, b.sd[i] < 0 ? -a.d[i] : b.sd[i] ? a.d[i] : 0)
/* |INT_MIN| is INT_MIN's bit pattern read as unsigned. */
LANES(pabsb, 16, b, b.sb[i] < 0 ? (u8)-b.b[i] : b.b[i])
LANES(pabsw, 8, w, b.sw[i] < 0 ? (u16)-b.w[i] : b.w[i])
LANES(pabsd, 4, d, b.sd[i] < 0 ? -b.d[i] : b.d[i])

/* ---- packs: the destination's lanes narrowed, then the source's ---- */
LANES(packsswb, 16, sb, sat8s(i < 8 ? a.sw[i] : b.sw[i - 8]))
LANES(packuswb, 16, b, sat8u(i < 8 ? a.sw[i] : b.sw[i - 8]))
LANES(packssdw, 8, sw, sat16s(i < 4 ? a.sd[i] : b.sd[i - 4]))
LANES(packusdw, 8, w, sat16u(i < 4 ? a.sd[i] : b.sd[i - 4]))

/* ---- unpacks: interleave the low (or high) halves, destination first ---- */
LANES(punpcklbw, 16, b, (i & 1) ? b.b[i / 2] : a.b[i / 2])
LANES(punpcklwd, 8, w, (i & 1) ? b.w[i / 2] : a.w[i / 2])
LANES(punpckldq, 4, d, (i & 1) ? b.d[i / 2] : a.d[i / 2])
LANES(punpckhbw, 16, b, (i & 1) ? b.b[8 + i / 2] : a.b[8 + i / 2])
LANES(punpckhwd, 8, w, (i & 1) ? b.w[4 + i / 2] : a.w[4 + i / 2])
LANES(punpckhdq, 4, d, (i & 1) ? b.d[2 + i / 2] : a.d[2 + i / 2])

/* ---- horizontal: adjacent pairs of the destination, then the source ---- */
#define PAIR(v, F, i, n) ((i) < (n) ? a.F[2 * (i)] v a.F[2 * (i) + 1] : b.F[2 * (i) - 2 * (n)] v b.F[2 * (i) - 2 * (n) + 1])
LANES(phaddw, 8, w, (u16)PAIR(+, w, i, 4))
LANES(phaddd, 4, d, PAIR(+, d, i, 2))
LANES(phaddsw, 8, sw, sat16s(PAIR(+, sw, i, 4)))
LANES(phsubw, 8, w, (u16)PAIR(-, w, i, 4))
LANES(phsubd, 4, d, PAIR(-, d, i, 2))
LANES(phsubsw, 8, sw, sat16s(PAIR(-, sw, i, 4)))
#undef PAIR

/* PHMINPOSUW: the smallest word of the source and its index (the lowest
 * index on ties) in the two low words; the rest zero. */
static V128 h_phminposuw(void *env, V128 va, V128 vb, V128 vc)
{
    SseVec b = {.v = vb}, r = {.v = {0, 0}};
    (void)env, (void)va, (void)vc;
    unsigned best = 0;
    for (unsigned i = 1; i < 8; i++)
        if (b.w[i] < b.w[best])
            best = i;
    r.w[0] = b.w[best];
    r.w[1] = (u16)best;
    return r.v;
}

/* ---- shifts by a count: the low 64 bits of b (a register, memory or the
 * immediate).  Counts past the lane width give 0, or the sign for SRA. ---- */
#define CNT (b.q[0])
LANES(psllw, 8, w, CNT > 15 ? 0 : (u16)(a.w[i] << CNT))
LANES(pslld, 4, d, CNT > 31 ? 0 : a.d[i] << CNT)
LANES(psllq, 2, q, CNT > 63 ? 0 : a.q[i] << CNT)
LANES(psrlw, 8, w, CNT > 15 ? 0 : a.w[i] >> CNT)
LANES(psrld, 4, d, CNT > 31 ? 0 : a.d[i] >> CNT)
LANES(psrlq, 2, q, CNT > 63 ? 0 : a.q[i] >> CNT)
LANES(psraw, 8, sw, (i16)(a.sw[i] >> (CNT > 15 ? 15 : CNT)))
LANES(psrad, 4, sd, a.sd[i] >> (CNT > 31 ? 31 : CNT))
/* Whole-register byte shifts (PSLLDQ/PSRLDQ: the count is the immediate). */
LANES(pslldq, 16, b, (u64)i >= CNT ? a.b[i - CNT] : 0)
LANES(psrldq, 16, b, i + CNT < 16 ? a.b[i + CNT] : 0)
#undef CNT

/* ---- shuffles and blends (c.b[0] is the immediate) ---- */
#define IMM (c.b[0])
LANES(pshufd, 4, d, b.d[(IMM >> (2 * i)) & 3])
LANES(pshuflw, 8, w, i < 4 ? b.w[(IMM >> (2 * i)) & 3] : b.w[i])
LANES(pshufhw, 8, w, i < 4 ? b.w[i] : b.w[4 + ((IMM >> (2 * (i - 4))) & 3)])
LANES(shufps, 4, d, i < 2 ? a.d[(IMM >> (2 * i)) & 3] : b.d[(IMM >> (2 * i)) & 3])
LANES(shufpd, 2, q, i == 0 ? a.q[IMM & 1] : b.q[(IMM >> 1) & 1])
LANES(pblendw, 8, w, (IMM >> i) & 1 ? b.w[i] : a.w[i])
LANES(blendps, 4, d, (IMM >> i) & 1 ? b.d[i] : a.d[i])
LANES(blendpd, 2, q, (IMM >> i) & 1 ? b.q[i] : a.q[i])
/* PSHUFB: byte i = a[b[i] & 15], or 0 if b[i]'s top bit is set; the MMX
 * form indexes 8 bytes. */
LANES(pshufb, 16, b, (b.b[i] & 0x80) ? 0 : a.b[b.b[i] & 15])
LANES(pshufb_mmx, 8, b, (b.b[i] & 0x80) ? 0 : a.b[b.b[i] & 7])
/* PALIGNR: bytes imm.. of the 32-byte concatenation dst:src (src low). */
LANES(palignr, 16, b, i + IMM < 16 ? b.b[i + IMM] : i + IMM < 32 ? a.b[i + IMM - 16] : 0)
#undef IMM
/* Variable blends: the top bit of each XMM0 (c) lane picks the source. */
LANES(pblendvb, 16, b, (c.b[i] & 0x80) ? b.b[i] : a.b[i])
LANES(blendvps, 4, d, (c.d[i] >> 31) ? b.d[i] : a.d[i])
LANES(blendvpd, 2, q, (c.q[i] >> 63) ? b.q[i] : a.q[i])

/* ---- widening moves (SSE4.1): the source's low lanes, extended ---- */
LANES(pmovsxbw, 8, sw, b.sb[i])
LANES(pmovsxbd, 4, sd, b.sb[i])
LANES(pmovsxbq, 2, sq, b.sb[i])
LANES(pmovsxwd, 4, sd, b.sw[i])
LANES(pmovsxwq, 2, sq, b.sw[i])
LANES(pmovsxdq, 2, sq, b.sd[i])
LANES(pmovzxbw, 8, w, b.b[i])
LANES(pmovzxbd, 4, d, b.b[i])
LANES(pmovzxbq, 2, q, b.b[i])
LANES(pmovzxwd, 4, d, b.w[i])
LANES(pmovzxwq, 2, q, b.w[i])
LANES(pmovzxdq, 2, q, b.d[i])

/* ---- duplicating moves (SSE3) ---- */
LANES(movsldup, 4, d, b.d[i & ~1])
LANES(movshdup, 4, d, b.d[i | 1])
LANES(movddup, 2, q, b.q[0])

/* MPSADBW: eight sums of absolute differences of 4-byte groups.  imm[1:0]
 * picks the source's group (offset 4 * imm[1:0]), imm[2] the destination's
 * window start (0 or 4 bytes); sum i starts at window + i. */
static V128 h_mpsadbw(void *env, V128 va, V128 vb, V128 vc)
{
    SseVec a = {.v = va}, b = {.v = vb}, c = {.v = vc}, r;
    (void)env;
    unsigned so = 4 * (c.b[0] & 3), dof = 4 * ((c.b[0] >> 2) & 1);
    for (unsigned i = 0; i < 8; i++) {
        unsigned s = 0;
        for (unsigned j = 0; j < 4; j++) {
            int d = a.b[dof + i + j] - b.b[so + j];
            s += (unsigned)(d < 0 ? -d : d);
        }
        r.w[i] = (u16)s;
    }
    return r.v;
}

/* INSERTPS: dword imm[7:6] of the source into lane imm[5:4], then zero
 * the lanes set in imm[3:0]. */
static V128 h_insertps(void *env, V128 va, V128 vb, V128 vc)
{
    SseVec a = {.v = va}, b = {.v = vb}, c = {.v = vc};
    (void)env;
    unsigned imm = c.b[0];
    a.d[(imm >> 4) & 3] = b.d[(imm >> 6) & 3];
    for (unsigned i = 0; i < 4; i++)
        if (imm & (1u << i))
            a.d[i] = 0;
    return a.v;
}

/* ---- sign masks (integer results) ---- */

static u64 h_pmovmskb(void *env, V128 va, V128 vb, V128 vc)
{
    SseVec a = {.v = va};
    (void)env, (void)vb, (void)vc;
    u64 m = 0;
    for (unsigned i = 0; i < 16; i++)
        m |= (u64)(a.b[i] >> 7) << i;
    return m;
}

static u64 h_movmskps(void *env, V128 va, V128 vb, V128 vc)
{
    SseVec a = {.v = va};
    (void)env, (void)vb, (void)vc;
    u64 m = 0;
    for (unsigned i = 0; i < 4; i++)
        m |= (u64)(a.d[i] >> 31) << i;
    return m;
}

static u64 h_movmskpd(void *env, V128 va, V128 vb, V128 vc)
{
    (void)env, (void)vb, (void)vc;
    return (va.lo >> 63) | (va.hi >> 63) << 1;
}

SSE_INT_HELPERS(SSE_DEFINE_HELPER)
