/*
 * sse_fp.c — IR helpers for SSE..SSE4.1 floating-point arithmetic: ADD,
 * SUB, MUL, DIV, MIN, MAX, SQRT (SS/SD/PS/PD), CMPxx, (U)COMISS/SD, RCP and
 * RSQRT, ADDSUB/HADD/HSUB (SSE3), ROUND and DP (SSE4.1).
 *
 * Results are bit-exact with an x86 CPU, MXCSR included: each helper runs
 * between fp_begin/fp_end (sse_priv.h), which give the host's SSE unit the
 * guest's rounding control, DAZ and FTZ and collect the sticky exception
 * flags into the guest MXCSR.  The per-lane rules are in sse_fp_lane.c.inc.
 * This file is host-specific: it relies on C float arithmetic being x86
 * SSE arithmetic, reads and writes the host MXCSR with inline assembly and
 * takes RCPSS/RSQRTSS from the host instruction (their approximations
 * differ between CPU vendors; the guest sees the host's, as it would
 * natively).
 *
 * Helper contract (ir.h, sse_priv.h): h(env, a, b, c), a = destination,
 * b = source, c = immediate; only X86Regs.mxcsr is read and written.
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

static u32 f32_op(FpEnv *e, unsigned op, u32 a, u32 b)
{
    switch (op) {
    case FOP_MIN: return f32_minmax(e, false, a, b);
    case FOP_MAX: return f32_minmax(e, true, a, b);
    case FOP_SQRT: return f32_sqrt(e, b);
    default: return f32_arith(e, op, a, b);
    }
}

static u64 f64_op(FpEnv *e, unsigned op, u64 a, u64 b)
{
    switch (op) {
    case FOP_MIN: return f64_minmax(e, false, a, b);
    case FOP_MAX: return f64_minmax(e, true, a, b);
    case FOP_SQRT: return f64_sqrt(e, b);
    default: return f64_arith(e, op, a, b);
    }
}

/* a with its first n float lanes replaced by op(a, b). */
static V128 ps_op(void *env, unsigned op, V128 va, V128 vb, unsigned n)
{
    FpEnv e;
    SseVec a = {.v = va}, b = {.v = vb};
    fp_begin(&e, env);
    for (unsigned i = 0; i < n; i++)
        a.d[i] = f32_op(&e, op, a.d[i], b.d[i]);
    fp_end(&e);
    return a.v;
}

static V128 pd_op(void *env, unsigned op, V128 va, V128 vb, unsigned n)
{
    FpEnv e;
    SseVec a = {.v = va}, b = {.v = vb};
    fp_begin(&e, env);
    for (unsigned i = 0; i < n; i++)
        a.q[i] = f64_op(&e, op, a.q[i], b.q[i]);
    fp_end(&e);
    return a.v;
}

/* h_<name>ss/sd/ps/pd for one operation: scalar forms keep the upper lanes
 * of the destination. */
#define FP_FOUR(name, OP)                                                    \
    static V128 h_##name##ss(void *env, V128 a, V128 b, V128 c) { (void)c; return ps_op(env, OP, a, b, 1); } \
    static V128 h_##name##ps(void *env, V128 a, V128 b, V128 c) { (void)c; return ps_op(env, OP, a, b, 4); } \
    static V128 h_##name##sd(void *env, V128 a, V128 b, V128 c) { (void)c; return pd_op(env, OP, a, b, 1); } \
    static V128 h_##name##pd(void *env, V128 a, V128 b, V128 c) { (void)c; return pd_op(env, OP, a, b, 2); }

FP_FOUR(add, FOP_ADD)
FP_FOUR(sub, FOP_SUB)
FP_FOUR(mul, FOP_MUL)
FP_FOUR(div, FOP_DIV)
FP_FOUR(min, FOP_MIN)
FP_FOUR(max, FOP_MAX)
FP_FOUR(sqrt, FOP_SQRT)

/* ---- CMPxx: all ones where the predicate c[2:0] holds ---- */

static V128 cmp_ps(void *env, V128 va, V128 vb, V128 vc, unsigned n)
{
    FpEnv e;
    SseVec a = {.v = va}, b = {.v = vb};
    unsigned pred = vc.lo & 7;
    fp_begin(&e, env);
    for (unsigned i = 0; i < n; i++)
        a.d[i] = f32_cmp(&e, pred, a.d[i], b.d[i]) ? ~0u : 0;
    fp_end(&e);
    return a.v;
}

static V128 cmp_pd(void *env, V128 va, V128 vb, V128 vc, unsigned n)
{
    FpEnv e;
    SseVec a = {.v = va}, b = {.v = vb};
    unsigned pred = vc.lo & 7;
    fp_begin(&e, env);
    for (unsigned i = 0; i < n; i++)
        a.q[i] = f64_cmp(&e, pred, a.q[i], b.q[i]) ? ~0ull : 0;
    fp_end(&e);
    return a.v;
}

static V128 h_cmpss(void *env, V128 a, V128 b, V128 c) { return cmp_ps(env, a, b, c, 1); }
static V128 h_cmpps(void *env, V128 a, V128 b, V128 c) { return cmp_ps(env, a, b, c, 4); }
static V128 h_cmpsd(void *env, V128 a, V128 b, V128 c) { return cmp_pd(env, a, b, c, 1); }
static V128 h_cmppd(void *env, V128 a, V128 b, V128 c) { return cmp_pd(env, a, b, c, 2); }

/* ---- (U)COMISS/SD: the RFLAGS image ---- */

#define FP_COMI(name, T, sig, lo_of)                                         \
    static u64 h_##name(void *env, V128 a, V128 b, V128 c)                   \
    {                                                                        \
        FpEnv e;                                                             \
        (void)c;                                                             \
        fp_begin(&e, env);                                                   \
        u64 f = T##_comi(&e, sig, lo_of(a), lo_of(b));                       \
        fp_end(&e);                                                          \
        return f;                                                            \
    }
#define LO32(v) ((u32)(v).lo)
#define LO64(v) ((v).lo)
FP_COMI(comiss, f32, true, LO32)
FP_COMI(ucomiss, f32, false, LO32)
FP_COMI(comisd, f64, true, LO64)
FP_COMI(ucomisd, f64, false, LO64)

/* ---- RCP/RSQRT: the host's approximation (no exceptions raised) ---- */

typedef float SseV4sf __attribute__((vector_size(16)));

static V128 approx(void *env, V128 va, V128 vb, bool rsqrt, bool scalar)
{
    FpEnv e;
    SseV4sf x, y;
    memcpy(&x, &vb, sizeof x);
    fp_begin(&e, env);
    FP_HIDE(x);
    if (scalar)
        y = rsqrt ? __builtin_ia32_rsqrtss(x) : __builtin_ia32_rcpss(x);
    else
        y = rsqrt ? __builtin_ia32_rsqrtps(x) : __builtin_ia32_rcpps(x);
    FP_HIDE(y);
    fp_end(&e);
    SseVec r = {.v = va};
    memcpy(r.d, &y, scalar ? 4 : 16);
    return r.v;
}

static V128 h_rcpss(void *env, V128 a, V128 b, V128 c) { (void)c; return approx(env, a, b, false, true); }
static V128 h_rcpps(void *env, V128 a, V128 b, V128 c) { (void)c; return approx(env, a, b, false, false); }
static V128 h_rsqrtss(void *env, V128 a, V128 b, V128 c) { (void)c; return approx(env, a, b, true, true); }
static V128 h_rsqrtps(void *env, V128 a, V128 b, V128 c) { (void)c; return approx(env, a, b, true, false); }

/* ---- SSE3: ADDSUB (subtract in even lanes, add in odd), horizontal ---- */

static V128 h_addsubps(void *env, V128 va, V128 vb, V128 vc)
{
    FpEnv e;
    SseVec a = {.v = va}, b = {.v = vb};
    (void)vc;
    fp_begin(&e, env);
    for (unsigned i = 0; i < 4; i++)
        a.d[i] = f32_arith(&e, (i & 1) ? FOP_ADD : FOP_SUB, a.d[i], b.d[i]);
    fp_end(&e);
    return a.v;
}

static V128 h_addsubpd(void *env, V128 va, V128 vb, V128 vc)
{
    FpEnv e;
    SseVec a = {.v = va}, b = {.v = vb};
    (void)vc;
    fp_begin(&e, env);
    a.q[0] = f64_arith(&e, FOP_SUB, a.q[0], b.q[0]);
    a.q[1] = f64_arith(&e, FOP_ADD, a.q[1], b.q[1]);
    fp_end(&e);
    return a.v;
}

/* HADDPS/HSUBPS: r = {a0 op a1, a2 op a3, b0 op b1, b2 op b3}. */
static V128 hop_ps(void *env, unsigned op, V128 va, V128 vb)
{
    FpEnv e;
    SseVec a = {.v = va}, b = {.v = vb}, r;
    fp_begin(&e, env);
    r.d[0] = f32_arith(&e, op, a.d[0], a.d[1]);
    r.d[1] = f32_arith(&e, op, a.d[2], a.d[3]);
    r.d[2] = f32_arith(&e, op, b.d[0], b.d[1]);
    r.d[3] = f32_arith(&e, op, b.d[2], b.d[3]);
    fp_end(&e);
    return r.v;
}

static V128 hop_pd(void *env, unsigned op, V128 va, V128 vb)
{
    FpEnv e;
    SseVec a = {.v = va}, b = {.v = vb}, r;
    fp_begin(&e, env);
    r.q[0] = f64_arith(&e, op, a.q[0], a.q[1]);
    r.q[1] = f64_arith(&e, op, b.q[0], b.q[1]);
    fp_end(&e);
    return r.v;
}

static V128 h_haddps(void *env, V128 a, V128 b, V128 c) { (void)c; return hop_ps(env, FOP_ADD, a, b); }
static V128 h_hsubps(void *env, V128 a, V128 b, V128 c) { (void)c; return hop_ps(env, FOP_SUB, a, b); }
static V128 h_haddpd(void *env, V128 a, V128 b, V128 c) { (void)c; return hop_pd(env, FOP_ADD, a, b); }
static V128 h_hsubpd(void *env, V128 a, V128 b, V128 c) { (void)c; return hop_pd(env, FOP_SUB, a, b); }

/* ---- SSE4.1 ROUNDxx: imm[1:0] rounding (imm[2]: MXCSR's instead),
 * imm[3]: no precision exception.  Packed forms ignore a. ---- */

static V128 round_ps(void *env, V128 va, V128 vb, V128 vc, unsigned n)
{
    FpEnv e;
    SseVec a = {.v = va}, b = {.v = vb};
    unsigned imm = vc.lo & 0xff;
    fp_begin(&e, env);
    unsigned rc = (imm & 4) ? e.rc : imm & 3;
    for (unsigned i = 0; i < n; i++)
        a.d[i] = f32_round_int(&e, b.d[i], rc, imm & 8);
    fp_end(&e);
    return a.v;
}

static V128 round_pd(void *env, V128 va, V128 vb, V128 vc, unsigned n)
{
    FpEnv e;
    SseVec a = {.v = va}, b = {.v = vb};
    unsigned imm = vc.lo & 0xff;
    fp_begin(&e, env);
    unsigned rc = (imm & 4) ? e.rc : imm & 3;
    for (unsigned i = 0; i < n; i++)
        a.q[i] = f64_round_int(&e, b.q[i], rc, imm & 8);
    fp_end(&e);
    return a.v;
}

static V128 h_roundss(void *env, V128 a, V128 b, V128 c) { return round_ps(env, a, b, c, 1); }
static V128 h_roundps(void *env, V128 a, V128 b, V128 c) { return round_ps(env, a, b, c, 4); }
static V128 h_roundsd(void *env, V128 a, V128 b, V128 c) { return round_pd(env, a, b, c, 1); }
static V128 h_roundpd(void *env, V128 a, V128 b, V128 c) { return round_pd(env, a, b, c, 2); }

/* ---- SSE4.1 DPPS/DPPD: products of the lanes selected by imm[7:4]
 * (others +0.0), summed pairwise ((t0 + t1) + (t2 + t3)), the sum written
 * to the lanes selected by imm[3:0] (others +0.0).  Each of these steps
 * raises its exceptions before the next: an unmasked one stops the
 * instruction there (fp_settle), so the flags of later steps are not
 * set. ---- */

static V128 h_dpps(void *env, V128 va, V128 vb, V128 vc)
{
    FpEnv e;
    SseVec a = {.v = va}, b = {.v = vb}, r;
    unsigned imm = vc.lo & 0xff;
    u32 t[4];
    u32 s = 0;
    fp_begin(&e, env);
    for (unsigned i = 0; i < 4; i++)
        t[i] = (imm >> (4 + i)) & 1 ? f32_arith(&e, FOP_MUL, a.d[i], b.d[i]) : 0;
    if (!fp_settle(&e)) {
        u32 lo = f32_arith(&e, FOP_ADD, t[0], t[1]), hi = f32_arith(&e, FOP_ADD, t[2], t[3]);
        if (!fp_settle(&e))
            s = f32_arith(&e, FOP_ADD, lo, hi);
    }
    fp_end(&e);
    for (unsigned i = 0; i < 4; i++)
        r.d[i] = (imm >> i) & 1 ? s : 0;
    return r.v;
}

static V128 h_dppd(void *env, V128 va, V128 vb, V128 vc)
{
    FpEnv e;
    SseVec a = {.v = va}, b = {.v = vb}, r;
    unsigned imm = vc.lo & 0xff;
    u64 t[2];
    u64 s = 0;
    fp_begin(&e, env);
    for (unsigned i = 0; i < 2; i++)
        t[i] = (imm >> (4 + i)) & 1 ? f64_arith(&e, FOP_MUL, a.q[i], b.q[i]) : 0;
    if (!fp_settle(&e))
        s = f64_arith(&e, FOP_ADD, t[0], t[1]);
    fp_end(&e);
    for (unsigned i = 0; i < 2; i++)
        r.q[i] = (imm >> i) & 1 ? s : 0;
    return r.v;
}

SSE_FP_HELPERS(SSE_DEFINE_HELPER)
