/*
 * sse_fp.c — SSE/SSE2/SSE3/SSE4.1 floating point, bit-exact with MXCSR:
 * every operation on a table of edge values (zeros, denormals, extremes,
 * infinities, QNaN/SNaN with payloads, halfway cases) under several MXCSR
 * settings (rounding modes, DAZ, FTZ), printing the result and the MXCSR
 * flags it raised.  Run natively and under ue (tests/sse/suite.sh): the
 * outputs must be identical.
 *
 *   sse_fp SECTION   SECTION: ss, sd, cmp, unary, packed, cvt, random
 *
 * Each instruction runs in inline assembly between LDMXCSR (the setting
 * under test, flags clear) and STMXCSR, so nothing is folded or moved.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct V {
    uint64_t lo, hi;
} V;
typedef float V4 __attribute__((vector_size(16)));

static const uint32_t f32s[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3fc00000, 0x3dcccccd, 0x7f7fffff, 0x00800000,
    0x00000001, 0x807fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00123, 0x7f800001, 0x7fa0beef,
    0x4b800001, 0x33800000, 0x4f000000, 0xcf000001, 0x5f000000, 0x3effffff, 0x3f000000, 0xc0200000,
};
static const uint64_t f64s[] = {
    0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000, 0xbff0000000000000,
    0x3ff8000000000000, 0x3fb999999999999a, 0x7fefffffffffffff, 0x0010000000000000,
    0x0000000000000001, 0x800fffffffffffff, 0x7ff0000000000000, 0xfff0000000000000,
    0x7ff8000000000000, 0xfff8000000000123, 0x7ff0000000000001, 0x7ff4deadbeef0000,
    0x4340000000000001, 0x3ca0000000000000, 0x41e0000000000000, 0xc1e0000000100000,
    0x43e0000000000000, 0xc3e0000000000000, 0x3fdfffffffffffff, 0x4004000000000000,
    0x36a0000000000000, 0x47efffffe0000000, 0x3810000000000000, 0x380fffffffffffff,
};
#define N32 (sizeof f32s / sizeof f32s[0])
#define N64 (sizeof f64s / sizeof f64s[0])

/* MXCSR settings: all exceptions masked, flags clear. */
static const uint32_t cfgs[] = {
    0x1f80,          /* nearest */
    0x3f80,          /* down */
    0x5f80,          /* up */
    0x7f80,          /* toward zero */
    0x1fc0,          /* DAZ */
    0x9f80,          /* FTZ */
    0xffc0,          /* DAZ, FTZ, toward zero */
};
#define NCFG (sizeof cfgs / sizeof cfgs[0])
static uint32_t cfg, dflt = 0x1f80;

/* r = insn(b, a) in AT&T order: "addss %[b], %[a]" is ADDSS a, b. */
#define DEF(fname, insn)                                                     \
    static V fname(V a, V b, uint32_t *m)                                    \
    {                                                                        \
        V4 x, y;                                                             \
        memcpy(&x, &a, 16);                                                  \
        memcpy(&y, &b, 16);                                                  \
        __asm__ volatile("ldmxcsr %[c]\n\t" insn " %[y], %[x]\n\tstmxcsr %[m]\n\tldmxcsr %[d]" \
                         : [x] "+x"(x), [m] "=m"(*m) : [y] "x"(y), [c] "m"(cfg), [d] "m"(dflt)); \
        memcpy(&a, &x, 16);                                                  \
        return a;                                                            \
    }
/* The same with the source in memory. */
#define DEFM(fname, insn)                                                    \
    static V fname(V a, V b, uint32_t *m)                                    \
    {                                                                        \
        V4 x, y;                                                             \
        memcpy(&x, &a, 16);                                                  \
        memcpy(&y, &b, 16);                                                  \
        __asm__ volatile("ldmxcsr %[c]\n\t" insn " %[y], %[x]\n\tstmxcsr %[m]\n\tldmxcsr %[d]" \
                         : [x] "+x"(x), [m] "=m"(*m) : [y] "m"(y), [c] "m"(cfg), [d] "m"(dflt)); \
        memcpy(&a, &x, 16);                                                  \
        return a;                                                            \
    }
/* COMISS & co.: the result is RFLAGS (below the red zone for PUSHF). */
#define DEFF(fname, insn)                                                    \
    static V fname(V a, V b, uint32_t *m)                                    \
    {                                                                        \
        V4 x, y;                                                             \
        uint64_t f;                                                          \
        memcpy(&x, &a, 16);                                                  \
        memcpy(&y, &b, 16);                                                  \
        __asm__ volatile("ldmxcsr %[c]\n\t" insn " %[y], %[x]\n\tstmxcsr %[m]\n\tldmxcsr %[d]\n\t" \
                         "lea -128(%%rsp), %%rsp\n\tpushfq\n\tpopq %[f]\n\tlea 128(%%rsp), %%rsp" \
                         : [f] "=r"(f), [m] "=m"(*m) : [x] "x"(x), [y] "x"(y), [c] "m"(cfg), [d] "m"(dflt) : "cc"); \
        return (V){f & 0x8d5, 0};                                            \
    }

typedef V (*OpFn)(V, V, uint32_t *);
typedef struct Op {
    const char *name;
    OpFn fn;
} Op;

DEF(addss, "addss") DEF(subss, "subss") DEF(mulss, "mulss") DEF(divss, "divss")
DEF(minss, "minss") DEF(maxss, "maxss") DEFM(addss_m, "addss") DEFM(divss_m, "divss")
DEF(addsd, "addsd") DEF(subsd, "subsd") DEF(mulsd, "mulsd") DEF(divsd, "divsd")
DEF(minsd, "minsd") DEF(maxsd, "maxsd") DEFM(mulsd_m, "mulsd") DEFM(maxsd_m, "maxsd")
static const Op ss_ops[] = {
    {"addss", addss}, {"subss", subss}, {"mulss", mulss}, {"divss", divss},
    {"minss", minss}, {"maxss", maxss}, {"addss_m", addss_m}, {"divss_m", divss_m},
};
static const Op sd_ops[] = {
    {"addsd", addsd}, {"subsd", subsd}, {"mulsd", mulsd}, {"divsd", divsd},
    {"minsd", minsd}, {"maxsd", maxsd}, {"mulsd_m", mulsd_m}, {"maxsd_m", maxsd_m},
};

#define CMP8(p, i) DEF(p##_##i, #p " $" #i ",")
CMP8(cmpss, 0) CMP8(cmpss, 1) CMP8(cmpss, 2) CMP8(cmpss, 3)
CMP8(cmpss, 4) CMP8(cmpss, 5) CMP8(cmpss, 6) CMP8(cmpss, 7)
CMP8(cmpsd, 0) CMP8(cmpsd, 1) CMP8(cmpsd, 2) CMP8(cmpsd, 3)
CMP8(cmpsd, 4) CMP8(cmpsd, 5) CMP8(cmpsd, 6) CMP8(cmpsd, 7)
DEFF(comiss, "comiss") DEFF(ucomiss, "ucomiss") DEFF(comisd, "comisd") DEFF(ucomisd, "ucomisd")
DEFM(cmpss_m, "cmpss $2,")
static const Op cmp32_ops[] = {
    {"cmpss0", cmpss_0}, {"cmpss1", cmpss_1}, {"cmpss2", cmpss_2}, {"cmpss3", cmpss_3},
    {"cmpss4", cmpss_4}, {"cmpss5", cmpss_5}, {"cmpss6", cmpss_6}, {"cmpss7", cmpss_7},
    {"comiss", comiss}, {"ucomiss", ucomiss}, {"cmpss_m", cmpss_m},
};
static const Op cmp64_ops[] = {
    {"cmpsd0", cmpsd_0}, {"cmpsd1", cmpsd_1}, {"cmpsd2", cmpsd_2}, {"cmpsd3", cmpsd_3},
    {"cmpsd4", cmpsd_4}, {"cmpsd5", cmpsd_5}, {"cmpsd6", cmpsd_6}, {"cmpsd7", cmpsd_7},
    {"comisd", comisd}, {"ucomisd", ucomisd},
};

/* Unary: the source is b, the destination's other lanes come from a. */
DEF(sqrtss, "sqrtss") DEF(sqrtsd, "sqrtsd") DEF(rcpss, "rcpss") DEF(rsqrtss, "rsqrtss")
DEF(cvtss2sd, "cvtss2sd") DEF(cvtsd2ss, "cvtsd2ss") DEFM(sqrtss_m, "sqrtss") DEFM(cvtss2sd_m, "cvtss2sd")
#define ROUND(p, i) DEF(p##_##i, #p " $" #i ",")
ROUND(roundss, 0) ROUND(roundss, 1) ROUND(roundss, 2) ROUND(roundss, 3)
ROUND(roundss, 4) ROUND(roundss, 8) ROUND(roundss, 9) ROUND(roundss, 11)
ROUND(roundsd, 0) ROUND(roundsd, 1) ROUND(roundsd, 2) ROUND(roundsd, 3)
ROUND(roundsd, 4) ROUND(roundsd, 8) ROUND(roundsd, 10) ROUND(roundsd, 12)
static const Op un32_ops[] = {
    {"sqrtss", sqrtss}, {"rcpss", rcpss}, {"rsqrtss", rsqrtss}, {"cvtss2sd", cvtss2sd},
    {"sqrtss_m", sqrtss_m}, {"cvtss2sd_m", cvtss2sd_m},
    {"roundss0", roundss_0}, {"roundss1", roundss_1}, {"roundss2", roundss_2}, {"roundss3", roundss_3},
    {"roundss4", roundss_4}, {"roundss8", roundss_8}, {"roundss9", roundss_9}, {"roundss11", roundss_11},
};
static const Op un64_ops[] = {
    {"sqrtsd", sqrtsd}, {"cvtsd2ss", cvtsd2ss},
    {"roundsd0", roundsd_0}, {"roundsd1", roundsd_1}, {"roundsd2", roundsd_2}, {"roundsd3", roundsd_3},
    {"roundsd4", roundsd_4}, {"roundsd8", roundsd_8}, {"roundsd10", roundsd_10}, {"roundsd12", roundsd_12},
};

/* Packed: lanes drawn from the table. */
DEF(addps, "addps") DEF(subps, "subps") DEF(mulps, "mulps") DEF(divps, "divps")
DEF(minps, "minps") DEF(maxps, "maxps") DEF(sqrtps, "sqrtps") DEF(rcpps, "rcpps")
DEF(rsqrtps, "rsqrtps") DEF(cmpps1, "cmpps $1,") DEF(cmpps4, "cmpps $4,") DEF(addsubps, "addsubps")
DEF(haddps, "haddps") DEF(hsubps, "hsubps") DEF(dpps_ff, "dpps $0xff,") DEF(dpps_35, "dpps $0x35,")
DEF(dpps_c2, "dpps $0xc2,") DEF(roundps, "roundps $1,") DEFM(mulps_m, "mulps")
DEF(addpd, "addpd") DEF(subpd, "subpd") DEF(mulpd, "mulpd") DEF(divpd, "divpd")
DEF(minpd, "minpd") DEF(maxpd, "maxpd") DEF(sqrtpd, "sqrtpd") DEF(cmppd2, "cmppd $2,")
DEF(addsubpd, "addsubpd") DEF(haddpd, "haddpd") DEF(hsubpd, "hsubpd") DEF(dppd_33, "dppd $0x33,")
DEF(dppd_12, "dppd $0x12,") DEF(roundpd, "roundpd $2,") DEFM(subpd_m, "subpd")
static const Op ps_ops[] = {
    {"addps", addps}, {"subps", subps}, {"mulps", mulps}, {"divps", divps}, {"minps", minps},
    {"maxps", maxps}, {"sqrtps", sqrtps}, {"rcpps", rcpps}, {"rsqrtps", rsqrtps}, {"cmpps1", cmpps1},
    {"cmpps4", cmpps4}, {"addsubps", addsubps}, {"haddps", haddps}, {"hsubps", hsubps},
    {"dpps_ff", dpps_ff}, {"dpps_35", dpps_35}, {"dpps_c2", dpps_c2}, {"roundps", roundps},
    {"mulps_m", mulps_m},
};
static const Op pd_ops[] = {
    {"addpd", addpd}, {"subpd", subpd}, {"mulpd", mulpd}, {"divpd", divpd}, {"minpd", minpd},
    {"maxpd", maxpd}, {"sqrtpd", sqrtpd}, {"cmppd2", cmppd2}, {"addsubpd", addsubpd},
    {"haddpd", haddpd}, {"hsubpd", hsubpd}, {"dppd_33", dppd_33}, {"dppd_12", dppd_12},
    {"roundpd", roundpd}, {"subpd_m", subpd_m},
};

/* Conversions with packed and integer operands. */
DEF(cvtps2dq, "cvtps2dq") DEF(cvttps2dq, "cvttps2dq") DEF(cvtdq2ps, "cvtdq2ps") DEF(cvtps2pd, "cvtps2pd")
DEF(cvtpd2ps, "cvtpd2ps") DEF(cvtpd2dq, "cvtpd2dq") DEF(cvttpd2dq, "cvttpd2dq") DEF(cvtdq2pd, "cvtdq2pd")
static const Op cvt_ops[] = {
    {"cvtps2dq", cvtps2dq}, {"cvttps2dq", cvttps2dq}, {"cvtdq2ps", cvtdq2ps}, {"cvtps2pd", cvtps2pd},
    {"cvtpd2ps", cvtpd2ps}, {"cvtpd2dq", cvtpd2dq}, {"cvttpd2dq", cvttpd2dq}, {"cvtdq2pd", cvtdq2pd},
};

#define CVT2I(fname, insn, R)                                                \
    static uint64_t fname(V b, uint32_t *m)                                  \
    {                                                                        \
        V4 y;                                                                \
        uint64_t r = 0x5555555555555555ull;                                  \
        memcpy(&y, &b, 16);                                                  \
        __asm__ volatile("ldmxcsr %[c]\n\t" insn " %[y], %" R "[r]\n\tstmxcsr %[m]\n\tldmxcsr %[d]" \
                         : [r] "+r"(r), [m] "=m"(*m) : [y] "x"(y), [c] "m"(cfg), [d] "m"(dflt)); \
        return r;                                                            \
    }
CVT2I(cvtss2si32, "cvtss2si", "k") CVT2I(cvtss2si64, "cvtss2si", "q")
CVT2I(cvttss2si32, "cvttss2si", "k") CVT2I(cvttss2si64, "cvttss2si", "q")
CVT2I(cvtsd2si32, "cvtsd2si", "k") CVT2I(cvtsd2si64, "cvtsd2si", "q")
CVT2I(cvttsd2si32, "cvttsd2si", "k") CVT2I(cvttsd2si64, "cvttsd2si", "q")

#define CVTI2F(fname, insn, R)                                               \
    static V fname(V a, uint64_t v, uint32_t *m)                             \
    {                                                                        \
        V4 x;                                                                \
        memcpy(&x, &a, 16);                                                  \
        __asm__ volatile("ldmxcsr %[c]\n\t" insn " %" R "[v], %[x]\n\tstmxcsr %[m]\n\tldmxcsr %[d]" \
                         : [x] "+x"(x), [m] "=m"(*m) : [v] "r"(v), [c] "m"(cfg), [d] "m"(dflt)); \
        memcpy(&a, &x, 16);                                                  \
        return a;                                                            \
    }
CVTI2F(cvtsi2ss32, "cvtsi2ssl", "k") CVTI2F(cvtsi2ss64, "cvtsi2ssq", "q")
CVTI2F(cvtsi2sd32, "cvtsi2sdl", "k") CVTI2F(cvtsi2sd64, "cvtsi2sdq", "q")

static const uint64_t ints[] = {
    0, 1, 0xffffffffffffffffull, 0x7fffffff, 0x80000000, 0xffffffff80000000ull, 0x1000001, 0xfffffffffeffffffull,
    0x20000000000001ull, 0x7fffffffffffffffull, 0x8000000000000000ull, 0x123456789ull, 0x7ffffff5,
    0xfffffffffffffa01ull, 0x3ffffffffffffe00ull,
};

static void pv(const char *name, unsigned c, unsigned i, unsigned j, V r, uint32_t m)
{
    printf("%s %u %u %u %016llx%016llx %04x\n", name, c, i, j, (unsigned long long)r.hi,
           (unsigned long long)r.lo, m);
}

static V s32(unsigned i) { return (V){f32s[i] | 0xabcdef0100000000ull, 0x0123456789abcdefull}; }
static V s64(unsigned i) { return (V){f64s[i], 0xfedcba9876543210ull}; }

/* Every op on every pair of table values, under MXCSR settings c0..c1-1. */
static void run_binary(const Op *ops, unsigned nops, int f64, unsigned c0, unsigned c1)
{
    unsigned n = f64 ? N64 : N32;
    for (unsigned c = c0; c < c1; c++) {
        cfg = cfgs[c];
        for (unsigned k = 0; k < nops; k++)
            for (unsigned i = 0; i < n; i++)
                for (unsigned j = 0; j < n; j++) {
                    uint32_t m;
                    V r = ops[k].fn(f64 ? s64(i) : s32(i), f64 ? s64(j) : s32(j), &m);
                    pv(ops[k].name, c, i, j, r, m);
                }
    }
}

static void run_unary(const Op *ops, unsigned nops, int f64)
{
    unsigned n = f64 ? N64 : N32;
    for (unsigned c = 0; c < NCFG; c++) {
        cfg = cfgs[c];
        for (unsigned k = 0; k < nops; k++)
            for (unsigned i = 0; i < n; i++) {
                uint32_t m;
                V r = ops[k].fn(f64 ? s64(3) : s32(3), f64 ? s64(i) : s32(i), &m);
                pv(ops[k].name, c, i, 0, r, m);
            }
    }
}

/* Packed operands: four (two) table entries per vector. */
static V p32(unsigned i, unsigned j)
{
    uint32_t d[4] = {f32s[i % N32], f32s[j % N32], f32s[(i + j) % N32], f32s[(3 * i + j + 1) % N32]};
    V v;
    memcpy(&v, d, 16);
    return v;
}

static V p64(unsigned i, unsigned j) { return (V){f64s[i % N64], f64s[(i + 2 * j + 1) % N64]}; }

static void run_packed(void)
{
    for (unsigned c = 0; c < NCFG; c++) {
        cfg = cfgs[c];
        for (unsigned i = 0; i < N32; i++)
            for (unsigned j = 0; j < N32; j += 3) {
                uint32_t m;
                for (unsigned k = 0; k < sizeof ps_ops / sizeof ps_ops[0]; k++)
                    pv(ps_ops[k].name, c, i, j, ps_ops[k].fn(p32(i, j), p32(j, i + 5), &m), m);
                for (unsigned k = 0; k < sizeof pd_ops / sizeof pd_ops[0]; k++)
                    pv(pd_ops[k].name, c, i, j, pd_ops[k].fn(p64(i, j), p64(j + 3, i), &m), m);
                for (unsigned k = 0; k < sizeof cvt_ops / sizeof cvt_ops[0]; k++) {
                    V src = (k == 2 || k == 7) ? (V){ints[i % 15] ^ ints[j % 15] << 32, ints[(i + j) % 15]}
                            : k >= 4 && k != 7 ? p64(i, j) : p32(i, j);
                    pv(cvt_ops[k].name, c, i, j, cvt_ops[k].fn(p32(j, i), src, &m), m);
                }
            }
    }
}

static void run_cvt(void)
{
    static const struct {
        const char *name;
        uint64_t (*fn)(V, uint32_t *);
        int f64;
    } f2i[] = {
        {"cvtss2si32", cvtss2si32, 0}, {"cvtss2si64", cvtss2si64, 0}, {"cvttss2si32", cvttss2si32, 0},
        {"cvttss2si64", cvttss2si64, 0}, {"cvtsd2si32", cvtsd2si32, 1}, {"cvtsd2si64", cvtsd2si64, 1},
        {"cvttsd2si32", cvttsd2si32, 1}, {"cvttsd2si64", cvttsd2si64, 1},
    };
    static const struct {
        const char *name;
        V (*fn)(V, uint64_t, uint32_t *);
    } i2f[] = {
        {"cvtsi2ss32", cvtsi2ss32}, {"cvtsi2ss64", cvtsi2ss64}, {"cvtsi2sd32", cvtsi2sd32}, {"cvtsi2sd64", cvtsi2sd64},
    };
    for (unsigned c = 0; c < NCFG; c++) {
        cfg = cfgs[c];
        for (unsigned k = 0; k < sizeof f2i / sizeof f2i[0]; k++)
            for (unsigned i = 0; i < (f2i[k].f64 ? N64 : N32); i++) {
                uint32_t m;
                uint64_t r = f2i[k].fn(f2i[k].f64 ? s64(i) : s32(i), &m);
                printf("%s %u %u %llx %04x\n", f2i[k].name, c, i, (unsigned long long)r, m);
            }
        for (unsigned k = 0; k < sizeof i2f / sizeof i2f[0]; k++)
            for (unsigned i = 0; i < sizeof ints / sizeof ints[0]; i++) {
                uint32_t m;
                V r = i2f[k].fn(s64(5), ints[i], &m);
                pv(i2f[k].name, c, i, 0, r, m);
            }
    }
    /* values near the integer limits and halfway cases */
    static const double near[] = {2147483647.4, 2147483647.5, 2147483647.6, -2147483648.4, -2147483648.5,
                                  -2147483648.6, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 9.2233720368547748e18,
                                  -9.2233720368547758e18, 4503599627370495.5, -4503599627370495.5};
    for (unsigned c = 0; c < 4; c++) {
        cfg = cfgs[c];
        for (unsigned i = 0; i < sizeof near / sizeof near[0]; i++) {
            V v = {0, 0};
            memcpy(&v.lo, &near[i], 8);
            for (unsigned k = 4; k < 8; k++) {
                uint32_t m;
                uint64_t r = f2i[k].fn(v, &m);
                printf("near %s %u %u %llx %04x\n", f2i[k].name, c, i, (unsigned long long)r, m);
            }
            float f = (float)near[i];
            memcpy(&v.lo, &f, 4);
            for (unsigned k = 0; k < 4; k++) {
                uint32_t m;
                uint64_t r = f2i[k].fn(v, &m);
                printf("near %s %u %u %llx %04x\n", f2i[k].name, c, i, (unsigned long long)r, m);
            }
        }
    }
}

/* Pseudo-random operands, biased towards the interesting exponents (tiny,
 * huge, near 1, near the integer limits) and special values. */
static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint64_t rand64(void)
{
    static const uint64_t exps[] = {0, 1, 2, 0x3c9, 0x3fe, 0x3ff, 0x400, 0x41d, 0x41e, 0x43d, 0x43e, 0x7fe, 0x7ff};
    uint64_t r = next(), sel = next();
    if (sel & 1)
        r = (r & 0x800fffffffffffffull) | exps[(sel >> 1) % 13] << 52;
    if ((sel & 0x70) == 0)
        r &= 0xfff0000000000fffull; /* few fraction bits: exact and halfway cases */
    return r;
}

static uint32_t rand32(void)
{
    static const uint32_t exps[] = {0, 1, 2, 0x66, 0x7e, 0x7f, 0x80, 0x96, 0x9d, 0x9e, 0xbd, 0xbe, 0xfe, 0xff};
    uint32_t r = (uint32_t)next(), sel = (uint32_t)next();
    if (sel & 1)
        r = (r & 0x807fffffu) | exps[(sel >> 1) % 14] << 23;
    if ((sel & 0x70) == 0)
        r &= 0xff80000fu;
    return r;
}

static void run_random(void)
{
    for (unsigned c = 0; c < NCFG; c++) {
        cfg = cfgs[c];
        for (unsigned n = 0; n < 120; n++) {
            uint32_t m, d32[4];
            for (unsigned k = 0; k < 4; k++)
                d32[k] = rand32();
            V a32, b32, a64 = {rand64(), rand64()}, b64 = {rand64(), rand64()};
            memcpy(&a32, d32, 16);
            for (unsigned k = 0; k < 4; k++)
                d32[k] = rand32();
            memcpy(&b32, d32, 16);
            for (unsigned k = 0; k < sizeof ps_ops / sizeof ps_ops[0]; k++)
                pv(ps_ops[k].name, c, n, 0, ps_ops[k].fn(a32, b32, &m), m);
            for (unsigned k = 0; k < sizeof pd_ops / sizeof pd_ops[0]; k++)
                pv(pd_ops[k].name, c, n, 0, pd_ops[k].fn(a64, b64, &m), m);
            for (unsigned k = 0; k < sizeof cvt_ops / sizeof cvt_ops[0]; k++)
                pv(cvt_ops[k].name, c, n, 0, cvt_ops[k].fn(a32, k >= 4 && k != 7 ? b64 : b32, &m), m);
            uint64_t r1 = cvtsd2si64(a64, &m), r2 = cvtss2si32(a32, &m);
            uint32_t m2;
            uint64_t r3 = cvttsd2si32(b64, &m2);
            printf("cvt2si %u %u %llx %llx %llx %04x\n", c, n, (unsigned long long)r1, (unsigned long long)r2,
                   (unsigned long long)r3, m | m2 << 16);
            pv("cvtsi2sd64", c, n, 0, cvtsi2sd64(a64, b64.lo, &m), m);
            pv("cvtsi2ss64", c, n, 0, cvtsi2ss64(a32, b64.hi >> (n & 31), &m), m);
        }
    }
}

int main(int argc, char **argv)
{
    const char *sec = argc > 1 ? argv[1] : "ss";
    if (!strcmp(sec, "ss"))
        run_binary(ss_ops, sizeof ss_ops / sizeof ss_ops[0], 0, 0, NCFG);
    else if (!strcmp(sec, "sd"))
        run_binary(sd_ops, sizeof sd_ops / sizeof sd_ops[0], 1, 0, NCFG);
    else if (!strcmp(sec, "cmp")) {
        run_binary(cmp32_ops, sizeof cmp32_ops / sizeof cmp32_ops[0], 0, 0, 1);
        run_binary(cmp64_ops, sizeof cmp64_ops / sizeof cmp64_ops[0], 1, 0, 1);
        /* DAZ: denormals compare as zeros */
        run_binary(cmp32_ops, sizeof cmp32_ops / sizeof cmp32_ops[0], 0, 4, 5);
        run_binary(cmp64_ops, sizeof cmp64_ops / sizeof cmp64_ops[0], 1, 4, 5);
    } else if (!strcmp(sec, "unary")) {
        run_unary(un32_ops, sizeof un32_ops / sizeof un32_ops[0], 0);
        run_unary(un64_ops, sizeof un64_ops / sizeof un64_ops[0], 1);
    } else if (!strcmp(sec, "packed")) {
        run_packed();
    } else if (!strcmp(sec, "cvt")) {
        run_cvt();
    } else if (!strcmp(sec, "random")) {
        run_random();
    }
    return 0;
}
