/*
 * sse_cvt.c — IR helpers for the SSE/SSE2 conversions: integer -> float
 * (CVTSI2SS/SD, CVTDQ2PS/PD, CVTPI2PS), float -> integer with MXCSR
 * rounding or truncation (CVT(T)SS2SI, CVT(T)SD2SI, CVT(T)PS2DQ,
 * CVT(T)PD2DQ; the MMX forms take the low half of the latter), and float
 * <-> double (CVTSS2SD, CVTSD2SS, CVTPS2PD, CVTPD2PS).
 *
 * Float -> integer is emulated exactly (sse_fp_lane.c.inc, FN(to_int)):
 * C leaves out-of-range conversions undefined, x86 returns the "integer
 * indefinite" 0x80000000(00000000) with IE.  The others are host
 * conversions between fp_begin/fp_end (rounding, DAZ, FTZ, flags from the
 * host SSE unit), with NaNs converted by hand as x86 does: quieted, payload
 * kept (shifted), IE for an SNaN.
 *
 * Helper contract (ir.h, sse_priv.h): h(env, a, b, c), a = destination,
 * b = source; only X86Regs.mxcsr is read and written.
 */
#include "arch/x86/sse_priv.h"

/* The host's SQRTSS/SQRTSD: C's sqrt would add an errno check calling libm. */
static inline float host_sqrtf(float x)
{
    typedef float V4sf __attribute__((vector_size(16)));
    V4sf v = {x, 0, 0, 0};
    return __builtin_ia32_sqrtss(v)[0];
}

static inline double host_sqrt(double x)
{
    typedef double V2df __attribute__((vector_size(16)));
    V2df v = {x, 0};
    return __builtin_ia32_sqrtsd(v)[0];
}

#define FP_P f32
#define FP_UT u32
#define FP_FT float
#define FP_MANT 23
#define FP_EXPBITS 8
#define FP_SQRT host_sqrtf
#include "arch/x86/sse_fp_lane.c.inc"
#undef FP_P
#undef FP_UT
#undef FP_FT
#undef FP_MANT
#undef FP_EXPBITS
#undef FP_SQRT

#define FP_P f64
#define FP_UT u64
#define FP_FT double
#define FP_MANT 52
#define FP_EXPBITS 11
#define FP_SQRT host_sqrt
#include "arch/x86/sse_fp_lane.c.inc"
#undef FP_P
#undef FP_UT
#undef FP_FT
#undef FP_MANT
#undef FP_EXPBITS
#undef FP_SQRT

/* ---- one lane ---- */

static u32 i32_to_f32(i32 v)
{
    FP_HIDE_INT(v);
    float f = (float)v;
    FP_HIDE(f);
    return f32_bits(f);
}

static u32 i64_to_f32(i64 v)
{
    FP_HIDE_INT(v);
    float f = (float)v;
    FP_HIDE(f);
    return f32_bits(f);
}

static u64 i32_to_f64(i32 v)
{
    FP_HIDE_INT(v);
    double d = (double)v;
    FP_HIDE(d);
    return f64_bits(d);
}

static u64 i64_to_f64(i64 v)
{
    FP_HIDE_INT(v);
    double d = (double)v;
    FP_HIDE(d);
    return f64_bits(d);
}

static u64 f32_to_f64(FpEnv *e, u32 x)
{
    if (f32_isnan(x)) {
        if (f32_issnan(x))
            e->flags |= MXCSR_IE;
        return (u64)(x >> 31) << 63 | 0x7ff8000000000000ull | (u64)(x & 0x3fffff) << 29;
    }
    float f = f32_val(x);
    FP_HIDE(f);
    double d = f;
    FP_HIDE(d);
    return f64_bits(d);
}

/* The flags of one CVTSD2SS lane with OE or UE unmasked, as
 * sse_fp_lane.c.inc's lane_flags: PE for an overflow or underflow is
 * whether the double's significand has more than 24 bits. */
static u32 f64_to_f32_flags(FpEnv *e, u64 x, u32 r)
{
    u32 f = fp_host_flags(e);
    if ((e->unmasked & MXCSR_UE) && f32_isdenorm(r))
        f |= MXCSR_UE;
    if (f & e->unmasked & (MXCSR_OE | MXCSR_UE)) {
        FpParts one = {.mant = 1};
        f &= ~(u32)MXCSR_PE;
        if (fp_inexact_unbounded(FOP_MUL, f64_parts(e, x), one, 24))
            f |= MXCSR_PE;
    }
    return f;
}

static u32 f64_to_f32(FpEnv *e, u64 x)
{
    if (f64_isnan(x)) {
        if (f64_issnan(x))
            e->flags |= MXCSR_IE;
        return (u32)(x >> 63) << 31 | 0x7fc00000u | (u32)((x >> 29) & 0x3fffff);
    }
    if (e->lane_flags)
        e->flags |= fp_host_flags(e); /* the lanes before, kept apart */
    double d = f64_val(x);
    FP_HIDE(d);
    float f = (float)d;
    FP_HIDE(f);
    u32 r = f32_bits(f);
    if (e->lane_flags)
        e->flags |= f64_to_f32_flags(e, x, r);
    return r;
}

/* ---- integer -> float ---- */

static V128 h_cvtsi2ss32(void *env, V128 va, V128 vb, V128 vc)
{
    FpEnv e;
    SseVec a = {.v = va};
    (void)vc;
    fp_begin(&e, env);
    a.d[0] = i32_to_f32((i32)vb.lo);
    fp_end(&e);
    return a.v;
}

static V128 h_cvtsi2ss64(void *env, V128 va, V128 vb, V128 vc)
{
    FpEnv e;
    SseVec a = {.v = va};
    (void)vc;
    fp_begin(&e, env);
    a.d[0] = i64_to_f32((i64)vb.lo);
    fp_end(&e);
    return a.v;
}

static V128 h_cvtsi2sd32(void *env, V128 va, V128 vb, V128 vc)
{
    FpEnv e;
    (void)vc;
    fp_begin(&e, env);
    va.lo = i32_to_f64((i32)vb.lo);
    fp_end(&e);
    return va;
}

static V128 h_cvtsi2sd64(void *env, V128 va, V128 vb, V128 vc)
{
    FpEnv e;
    (void)vc;
    fp_begin(&e, env);
    va.lo = i64_to_f64((i64)vb.lo);
    fp_end(&e);
    return va;
}

/* CVTDQ2PS: four dwords; CVTPI2PS: two, into the low lanes of a. */
static V128 dq2ps(void *env, V128 va, V128 vb, unsigned n)
{
    FpEnv e;
    SseVec a = {.v = va}, b = {.v = vb};
    fp_begin(&e, env);
    for (unsigned i = 0; i < n; i++)
        a.d[i] = i32_to_f32(b.sd[i]);
    fp_end(&e);
    return a.v;
}

static V128 h_cvtdq2ps(void *env, V128 a, V128 b, V128 c) { (void)c; return dq2ps(env, a, b, 4); }
static V128 h_cvtpi2ps(void *env, V128 a, V128 b, V128 c) { (void)c; return dq2ps(env, a, b, 2); }

/* CVTDQ2PD (and CVTPI2PD): exact. */
static V128 h_cvtdq2pd(void *env, V128 va, V128 vb, V128 vc)
{
    FpEnv e;
    SseVec b = {.v = vb}, r;
    (void)va, (void)vc;
    fp_begin(&e, env);
    r.q[0] = i32_to_f64(b.sd[0]);
    r.q[1] = i32_to_f64(b.sd[1]);
    fp_end(&e);
    return r.v;
}

/* ---- float -> integer ---- */

#define CVT_SCALAR(name, T, lo_of, rc_expr, bits)                            \
    static u64 h_##name(void *env, V128 a, V128 b, V128 c)                   \
    {                                                                        \
        FpEnv e;                                                             \
        (void)b, (void)c;                                                    \
        fp_begin(&e, env);                                                   \
        u64 r = T##_to_int(&e, lo_of(a), rc_expr, bits);                     \
        fp_end(&e);                                                          \
        return r;                                                            \
    }
#define LO32(v) ((u32)(v).lo)
#define LO64(v) ((v).lo)
CVT_SCALAR(cvtss2si32, f32, LO32, e.rc, 32)
CVT_SCALAR(cvtss2si64, f32, LO32, e.rc, 64)
CVT_SCALAR(cvttss2si32, f32, LO32, 3, 32)
CVT_SCALAR(cvttss2si64, f32, LO32, 3, 64)
CVT_SCALAR(cvtsd2si32, f64, LO64, e.rc, 32)
CVT_SCALAR(cvtsd2si64, f64, LO64, e.rc, 64)
CVT_SCALAR(cvttsd2si32, f64, LO64, 3, 32)
CVT_SCALAR(cvttsd2si64, f64, LO64, 3, 64)

static V128 ps2dq(void *env, V128 vb, bool trunc)
{
    FpEnv e;
    SseVec b = {.v = vb}, r;
    fp_begin(&e, env);
    for (unsigned i = 0; i < 4; i++)
        r.d[i] = (u32)f32_to_int(&e, b.d[i], trunc ? 3 : e.rc, 32);
    fp_end(&e);
    return r.v;
}

/* CVTPD2DQ: two dwords, the upper half zeroed. */
static V128 pd2dq(void *env, V128 vb, bool trunc)
{
    FpEnv e;
    SseVec b = {.v = vb}, r = {.v = {0, 0}};
    fp_begin(&e, env);
    for (unsigned i = 0; i < 2; i++)
        r.d[i] = (u32)f64_to_int(&e, b.q[i], trunc ? 3 : e.rc, 32);
    fp_end(&e);
    return r.v;
}

static V128 h_cvtps2dq(void *env, V128 a, V128 b, V128 c) { (void)a, (void)c; return ps2dq(env, b, false); }
static V128 h_cvttps2dq(void *env, V128 a, V128 b, V128 c) { (void)a, (void)c; return ps2dq(env, b, true); }
static V128 h_cvtpd2dq(void *env, V128 a, V128 b, V128 c) { (void)a, (void)c; return pd2dq(env, b, false); }
static V128 h_cvttpd2dq(void *env, V128 a, V128 b, V128 c) { (void)a, (void)c; return pd2dq(env, b, true); }

/* ---- float <-> double ---- */

static V128 h_cvtss2sd(void *env, V128 va, V128 vb, V128 vc)
{
    FpEnv e;
    (void)vc;
    fp_begin(&e, env);
    va.lo = f32_to_f64(&e, (u32)vb.lo);
    fp_end(&e);
    return va;
}

static V128 h_cvtsd2ss(void *env, V128 va, V128 vb, V128 vc)
{
    FpEnv e;
    SseVec a = {.v = va};
    (void)vc;
    fp_begin(&e, env);
    a.d[0] = f64_to_f32(&e, vb.lo);
    fp_end(&e);
    return a.v;
}

static V128 h_cvtps2pd(void *env, V128 va, V128 vb, V128 vc)
{
    FpEnv e;
    SseVec b = {.v = vb}, r;
    (void)va, (void)vc;
    fp_begin(&e, env);
    r.q[0] = f32_to_f64(&e, b.d[0]);
    r.q[1] = f32_to_f64(&e, b.d[1]);
    fp_end(&e);
    return r.v;
}

static V128 h_cvtpd2ps(void *env, V128 va, V128 vb, V128 vc)
{
    FpEnv e;
    SseVec b = {.v = vb}, r = {.v = {0, 0}};
    (void)va, (void)vc;
    fp_begin(&e, env);
    r.d[0] = f64_to_f32(&e, b.q[0]);
    r.d[1] = f64_to_f32(&e, b.q[1]);
    fp_end(&e);
    return r.v;
}

SSE_CVT_HELPERS(SSE_DEFINE_HELPER)
