/*
 * sse_mmx.c — MMX (and the SSE/SSSE3 instructions on MM registers) on a
 * table of edge-case operands, every result printed in hex; then the MMX/x87
 * aliasing: an MMX write seen through FSAVE (TOP = 0, all tags valid, the
 * exponent bytes all ones) and EMMS emptying the tags.  Run natively and
 * under ue (tests/sse/suite.sh): the outputs must be identical.
 *
 * Inline assembly with "y" (MM register) operands: GCC implements the MMX
 * intrinsics with SSE instructions on x86-64, so they would test nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef int V2 __attribute__((vector_size(8)));
typedef float V4 __attribute__((vector_size(16)));

static const uint64_t vals[] = {
    0, ~0ull, 0x8000800080008000ull, 0x7fff7fff7fff7fffull, 0x0706050403020100ull,
    0x80ff017f0080fe01ull, 0x00000001ffffffffull, 0x123456789abcdef0ull, 0xfedcba9876543210ull,
    0x8000000000000000ull, 0x0000000000000040ull, 0x00000000000000ffull,
};
#define NV (sizeof vals / sizeof vals[0])

#define OP2(name, insn)                                                      \
    static uint64_t name(uint64_t a, uint64_t b)                             \
    {                                                                        \
        V2 x, y;                                                             \
        memcpy(&x, &a, 8);                                                   \
        memcpy(&y, &b, 8);                                                   \
        __asm__ volatile(insn " %1, %0" : "+y"(x) : "y"(y));                 \
        memcpy(&a, &x, 8);                                                   \
        return a;                                                            \
    }
#define OP2M(name, insn)                                                     \
    static uint64_t name(uint64_t a, uint64_t b)                             \
    {                                                                        \
        V2 x;                                                                \
        memcpy(&x, &a, 8);                                                   \
        __asm__ volatile(insn " %1, %0" : "+y"(x) : "m"(b));                 \
        memcpy(&a, &x, 8);                                                   \
        return a;                                                            \
    }
#define OPS(X)                                                               \
    X(paddb) X(paddw) X(paddd) X(paddq) X(psubb) X(psubw) X(psubd) X(psubq)  \
    X(paddsb) X(paddsw) X(paddusb) X(paddusw) X(psubsb) X(psubsw)            \
    X(psubusb) X(psubusw) X(pcmpeqb) X(pcmpeqw) X(pcmpeqd) X(pcmpgtb)        \
    X(pcmpgtw) X(pcmpgtd) X(pmullw) X(pmulhw) X(pmulhuw) X(pmuludq)          \
    X(pmaddwd) X(psadbw) X(pavgb) X(pavgw) X(pminub) X(pmaxub) X(pminsw)     \
    X(pmaxsw) X(pand) X(pandn) X(por) X(pxor) X(packsswb) X(packssdw)        \
    X(packuswb) X(punpcklbw) X(punpcklwd) X(punpckldq) X(punpckhbw)          \
    X(punpckhwd) X(punpckhdq) X(psllw) X(pslld) X(psllq) X(psrlw) X(psrld)   \
    X(psrlq) X(psraw) X(psrad) X(pshufb) X(phaddw) X(phaddd) X(phaddsw)      \
    X(phsubw) X(phsubd) X(phsubsw) X(pmaddubsw) X(pmulhrsw) X(psignb)        \
    X(psignw) X(psignd) X(pabsb) X(pabsw) X(pabsd)
#define DEF_OP(n) OP2(op_##n, #n)
OPS(DEF_OP)
OP2M(m_punpcklbw, "punpcklbw") OP2M(m_punpckhwd, "punpckhwd") OP2M(m_paddw, "paddw")
OP2M(m_pshufb, "pshufb") OP2M(m_packsswb, "packsswb") OP2M(m_psrlq, "psrlq")

typedef struct Op {
    const char *name;
    uint64_t (*fn)(uint64_t, uint64_t);
} Op;
#define ROW(n) {#n, op_##n},
static const Op ops[] = {
    OPS(ROW)
    {"m_punpcklbw", m_punpcklbw}, {"m_punpckhwd", m_punpckhwd}, {"m_paddw", m_paddw},
    {"m_pshufb", m_pshufb}, {"m_packsswb", m_packsswb}, {"m_psrlq", m_psrlq},
};

#define IMM(name, insn)                                                      \
    static uint64_t name(uint64_t a, uint64_t b)                             \
    {                                                                        \
        V2 x, y;                                                             \
        memcpy(&x, &a, 8);                                                   \
        memcpy(&y, &b, 8);                                                   \
        __asm__ volatile(insn : "+y"(x) : "y"(y));                           \
        memcpy(&a, &x, 8);                                                   \
        return a;                                                            \
    }
IMM(pshufw_1b, "pshufw $0x1b, %1, %0") IMM(pshufw_e4, "pshufw $0xe4, %1, %0")
IMM(pshufw_00, "pshufw $0, %1, %0") IMM(palignr_0, "palignr $0, %1, %0")
IMM(palignr_3, "palignr $3, %1, %0") IMM(palignr_8, "palignr $8, %1, %0")
IMM(palignr_13, "palignr $13, %1, %0") IMM(palignr_16, "palignr $16, %1, %0")
IMM(psllw_3, "psllw $3, %0") IMM(psllw_16, "psllw $16, %0") IMM(pslld_31, "pslld $31, %0")
IMM(psllq_1, "psllq $1, %0") IMM(psllq_64, "psllq $64, %0") IMM(psrlw_15, "psrlw $15, %0")
IMM(psrld_5, "psrld $5, %0") IMM(psrlq_40, "psrlq $40, %0") IMM(psraw_4, "psraw $4, %0")
IMM(psraw_99, "psraw $99, %0") IMM(psrad_31, "psrad $31, %0")
static const Op imm_ops[] = {
    {"pshufw_1b", pshufw_1b}, {"pshufw_e4", pshufw_e4}, {"pshufw_00", pshufw_00},
    {"palignr_0", palignr_0}, {"palignr_3", palignr_3}, {"palignr_8", palignr_8},
    {"palignr_13", palignr_13}, {"palignr_16", palignr_16}, {"psllw_3", psllw_3},
    {"psllw_16", psllw_16}, {"pslld_31", pslld_31}, {"psllq_1", psllq_1}, {"psllq_64", psllq_64},
    {"psrlw_15", psrlw_15}, {"psrld_5", psrld_5}, {"psrlq_40", psrlq_40}, {"psraw_4", psraw_4},
    {"psraw_99", psraw_99}, {"psrad_31", psrad_31},
};

/* Moves between MM, GPRs, XMM and memory; PINSRW/PEXTRW/PMOVMSKB; the
 * conversions with MM operands. */
static void moves(uint64_t a, uint64_t b, unsigned i)
{
    V2 x, y;
    uint64_t r = 0x5555555555555555ull, r2 = 0;
    V4 v, w = {1.5f, -2.5f, 3.0e9f, -7.0f};
    memcpy(&x, &a, 8);
    memcpy(&y, &b, 8);
    __asm__ volatile("movd %1, %0" : "=y"(x) : "r"((uint32_t)b));
    __asm__ volatile("movd %1, %k0" : "+r"(r) : "y"(x));
    printf("movd %u %llx\n", i, (unsigned long long)r);
    __asm__ volatile("movq %1, %0\n\tmovq %0, %1" : "+r"(r2), "+y"(y));
    printf("movq %u %llx\n", i, (unsigned long long)r2);
    memcpy(&x, &a, 8);
    __asm__ volatile("pinsrw $2, %1, %0" : "+y"(x) : "r"((uint32_t)b));
    __asm__ volatile("pextrw $1, %1, %k0" : "=r"(r) : "y"(x));
    __asm__ volatile("pmovmskb %1, %k0" : "=r"(r2) : "y"(x));
    memcpy(&a, &x, 8);
    printf("pinsrw %u %llx %llx %llx\n", i, (unsigned long long)a, (unsigned long long)r, (unsigned long long)r2);
    memcpy(&y, &b, 8);
    memcpy(&v, &(uint64_t[2]){0xaaaaaaaaaaaaaaaaull, 0xbbbbbbbbbbbbbbbbull}, 16);
    __asm__ volatile("movq2dq %1, %0" : "=x"(v) : "y"(y));
    __asm__ volatile("cvtpi2ps %1, %0" : "+x"(w) : "y"(y));
    uint64_t q[4];
    memcpy(q, &v, 16);
    memcpy(q + 2, &w, 16);
    printf("movq2dq %u %llx %llx cvtpi2ps %llx %llx\n", i, (unsigned long long)q[0], (unsigned long long)q[1],
           (unsigned long long)q[2], (unsigned long long)q[3]);
    __asm__ volatile("cvtps2pi %1, %0" : "=y"(x) : "x"(w));
    __asm__ volatile("cvttps2pi %1, %0" : "=y"(y) : "x"(w));
    memcpy(&a, &x, 8);
    memcpy(&b, &y, 8);
    __asm__ volatile("movdq2q %1, %0" : "=y"(x) : "x"(w));
    memcpy(&r, &x, 8);
    printf("cvtps2pi %u %llx %llx movdq2q %llx\n", i, (unsigned long long)a, (unsigned long long)b,
           (unsigned long long)r);
}

/* TOP, the tag word and the register image as FSAVE sees them. */
static void x87_view(const char *when)
{
    unsigned char img[108];
    __asm__ volatile("fnsave %0\n\tfrstor %0" : "=m"(img));
    printf("%s: fsw %02x%02x ftw %02x%02x st0..", when, img[5], img[4], img[9], img[8]);
    for (int k = 0; k < 10; k++)
        printf("%02x", img[28 + 9 - k]);
    printf(" st3..");
    for (int k = 0; k < 10; k++)
        printf("%02x", img[28 + 30 + 9 - k]);
    printf("\n");
}

static void aliasing(void)
{
    __asm__ volatile("emms");
    x87_view("start");
    __asm__ volatile("fld1\n\tfldpi" ::: "st", "st(1)");
    x87_view("two pushes");
    /* MM3 written: TOP becomes 0, every tag valid, st3's exponent 0xffff */
    __asm__ volatile("movq %0, %%mm3" : : "r"(0x0123456789abcdefull) : "mm3");
    x87_view("movq mm3");
    __asm__ volatile("emms");
    x87_view("emms");
    __asm__ volatile("pxor %%mm0, %%mm0" : : : "mm0");
    x87_view("pxor mm0");
    __asm__ volatile("emms\n\tfld1\n\tfstp %%st(0)" : : : "st");
    x87_view("emms fld1 fstp");
}

int main(void)
{
    for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++)
        for (unsigned i = 0; i < NV; i++)
            for (unsigned j = 0; j < NV; j++)
                printf("%s %u %u %016llx\n", ops[k].name, i, j, (unsigned long long)ops[k].fn(vals[i], vals[j]));
    for (unsigned k = 0; k < sizeof imm_ops / sizeof imm_ops[0]; k++)
        for (unsigned i = 0; i < NV; i++)
            printf("%s %u %016llx\n", imm_ops[k].name, i, (unsigned long long)imm_ops[k].fn(vals[i], vals[(i + 5) % NV]));
    for (unsigned i = 0; i < NV; i++)
        moves(vals[i], vals[(i + 3) % NV], i);
    __asm__ volatile("emms");
    aliasing();
    return 0;
}
