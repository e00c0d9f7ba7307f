/*
 * sse_str.c — IR helpers for the SSE4.2 string compares PCMPESTRI,
 * PCMPESTRM, PCMPISTRI and PCMPISTRM (glibc's strchr/strcspn/strstr/strcmp
 * variants use them).
 *
 * The control byte (Intel SDM vol. 2B §4.1, "Imm8 Control Byte Operation
 * for PCMPESTRI / PCMPESTRM / PCMPISTRI / PCMPISTRM"):
 *   [1:0] elements: unsigned bytes, unsigned words, signed bytes, signed words
 *   [3:2] aggregation: equal any, ranges, equal each, equal ordered
 *   [5:4] polarity: positive, negative, masked positive, masked negative
 *   [6]   index: least (0) or most (1) significant bit of IntRes2;
 *         mask: bit mask (0) or element mask (1)
 * The first operand (xmm1) is the set/pattern, the second (xmm2/m128) the
 * string searched.  Lengths are implicit (up to the first zero element) or
 * explicit (|EAX| and |EDX|, or |RAX| and |RDX| with REX.W, saturated to the
 * element count).
 *
 * pcmpistr/pcmpestr return IntRes2 in bits 0..15, the PCMPxSTRI index in
 * bits 16..23 and CF, ZF, SF, OF (RFLAGS positions) from bit 32;
 * pcmpstr_mask expands IntRes2 into PCMPxSTRM's XMM0.
 */
#include "arch/x86/sse_priv.h"

typedef struct StrCmp {
    SseVec a, b;       /* xmm1, xmm2/m128 */
    unsigned imm;
    unsigned n;        /* elements: 16 bytes or 8 words */
    unsigned la, lb;   /* valid elements of a and b */
} StrCmp;

static int elem(const StrCmp *s, const SseVec *v, unsigned i)
{
    switch (s->imm & 3) {
    case 0: return v->b[i];
    case 1: return v->w[i];
    case 2: return v->sb[i];
    default: return v->sw[i];
    }
}

static unsigned implicit_len(const StrCmp *s, const SseVec *v)
{
    unsigned i = 0;
    while (i < s->n && elem(s, v, i) != 0)
        i++;
    return i;
}

/* IntRes1 from the BoolRes matrix held as one mask per element i of a:
 * bit j of m[i] is BoolRes(i, j), a's element i against b's element j, with
 * the SDM's overrides for elements past the end of either string (table
 * 4-7: equal each is true where both ended, equal ordered where the
 * pattern ended, the others false). */
static unsigned intres1(const StrCmp *s)
{
    unsigned agg = (s->imm >> 2) & 3, n = s->n, all = (1u << n) - 1;
    unsigned bvalid = (1u << s->lb) - 1;
    int ea[16], eb[16];
    u16 m[16];
    for (unsigned i = 0; i < n; i++) {
        ea[i] = elem(s, &s->a, i);
        eb[i] = elem(s, &s->b, i);
    }
    for (unsigned i = 0; i < n; i++) {
        unsigned r = 0;
        if (i >= s->la) {
            r = agg == 3 ? all : agg == 2 ? all & ~bvalid : 0;
        } else if (agg == 1) {
            /* ranges: a holds [lo, hi] pairs */
            for (unsigned j = 0; j < s->lb; j++)
                r |= (unsigned)((i & 1) ? eb[j] <= ea[i] : eb[j] >= ea[i]) << j;
        } else {
            for (unsigned j = 0; j < s->lb; j++)
                r |= (unsigned)(eb[j] == ea[i]) << j;
        }
        m[i] = (u16)r;
    }
    unsigned res = 0;
    switch (agg) {
    case 0: /* equal any */
        for (unsigned i = 0; i < n; i++)
            res |= m[i];
        break;
    case 1: /* ranges */
        for (unsigned i = 0; i + 1 < n; i += 2)
            res |= m[i] & m[i + 1];
        break;
    case 2: /* equal each */
        for (unsigned j = 0; j < n; j++)
            res |= (m[j] >> j & 1u) << j;
        break;
    default: /* equal ordered: bit j when a[k] matches b[j + k] for every k with j + k < n */
        res = all;
        for (unsigned k = 0; k < n; k++)
            res &= (unsigned)(m[k] >> k) | (all & ~((1u << (n - k)) - 1));
        break;
    }
    return res;
}

static u64 pcmpstr(StrCmp *s)
{
    unsigned all = (1u << s->n) - 1, res = intres1(s);
    switch ((s->imm >> 4) & 3) {
    case 1: res ^= all; break;                       /* negative */
    case 3: res ^= (1u << s->lb) - 1; break;         /* masked negative: valid b only */
    default: break;
    }
    unsigned idx = s->n;
    if (res)
        idx = (s->imm & 0x40) ? 31 - (unsigned)__builtin_clz(res) : (unsigned)__builtin_ctz(res);
    u64 f = (res ? X86_CF : 0) | (s->lb < s->n ? X86_ZF : 0) | (s->la < s->n ? X86_SF : 0) |
            ((res & 1) ? X86_OF : 0);
    return res | (u64)idx << 16 | f << 32;
}

static void str_init(StrCmp *s, V128 a, V128 b, V128 ctl)
{
    s->a.v = a;
    s->b.v = b;
    s->imm = ctl.lo & 0xff;
    s->n = (s->imm & 1) ? 8 : 16;
}

static u64 h_pcmpistr(void *env, V128 a, V128 b, V128 ctl)
{
    StrCmp s;
    (void)env;
    str_init(&s, a, b, ctl);
    s.la = implicit_len(&s, &s.a);
    s.lb = implicit_len(&s, &s.b);
    return pcmpstr(&s);
}

/* |v| saturated to n; v is RAX/RDX, or its low half sign-extended. */
static unsigned explicit_len(u64 v, bool wide, unsigned n)
{
    i64 x = wide ? (i64)v : (i64)(i32)v;
    u64 m = x < 0 ? -(u64)x : (u64)x;
    return m > n ? n : (unsigned)m;
}

static u64 h_pcmpestr(void *env, V128 a, V128 b, V128 ctl)
{
    X86Regs *r = env;
    StrCmp s;
    bool wide = (ctl.lo & 0x100) != 0;
    str_init(&s, a, b, ctl);
    s.la = explicit_len(r->gpr[X86_RAX], wide, s.n);
    s.lb = explicit_len(r->gpr[X86_RDX], wide, s.n);
    return pcmpstr(&s);
}

/* PCMPxSTRM's XMM0: IntRes2 as a bit mask (imm[6] = 0) or one all-ones
 * byte/word per set bit. */
static V128 h_pcmpstr_mask(void *env, u64 res, u64 imm, u64 unused)
{
    SseVec r = {.v = {0, 0}};
    (void)env, (void)unused;
    if (!(imm & 0x40)) {
        r.q[0] = res & 0xffff;
        return r.v;
    }
    for (unsigned i = 0; i < 16; i++) {
        if (imm & 1) {
            if (i < 8 && (res >> i & 1))
                r.w[i] = 0xffff;
        } else if (res >> i & 1) {
            r.b[i] = 0xff;
        }
    }
    return r.v;
}

SSE_STR_HELPERS(SSE_DEFINE_HELPER)
