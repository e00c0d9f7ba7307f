/*
 * sse_str.c — the SSE4.2 string compares PCMPISTRI, PCMPISTRM, PCMPESTRI,
 * PCMPESTRM (and PCMPESTRI with REX.W) for every control byte 0..127 on a
 * set of operand pairs (and, for the explicit forms, length pairs including
 * negative and oversized ones), printing ECX or XMM0 and the flags.  Run
 * natively and under ue (tests/sse/suite.sh): the outputs must match.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef char V16 __attribute__((vector_size(16)));

/* RFLAGS after the instruction, read below the red zone. */
#define FLAGS_OUT "lea -128(%%rsp), %%rsp\n\tpushfq\n\tpopq %[f]\n\tlea 128(%%rsp), %%rsp"

#define CASE(n)                                                              \
    case n:                                                                  \
        __asm__ volatile("pcmpistri %[i], %[b], %[a]\n\t" FLAGS_OUT          \
                         : "=c"(r->ecx_i), [f] "=r"(r->f_i) : [a] "x"(a), [b] "x"(b), [i] "i"(n) : "cc"); \
        __asm__ volatile("pcmpistrm %[i], %[b], %[a]\n\t" FLAGS_OUT          \
                         : "=Yz"(r->m_i), [f] "=r"(r->f_im) : [a] "x"(a), [b] "m"(*bp), [i] "i"(n) : "cc"); \
        __asm__ volatile("pcmpestri %[i], %[b], %[a]\n\t" FLAGS_OUT          \
                         : "=c"(r->ecx_e), [f] "=r"(r->f_e) : [a] "x"(a), [b] "m"(*bp), [i] "i"(n), "a"(la), "d"(lb) : "cc"); \
        __asm__ volatile("pcmpestriq %[i], %[b], %[a]\n\t" FLAGS_OUT         \
                         : "=c"(r->ecx_q), [f] "=r"(r->f_q) : [a] "x"(a), [b] "x"(b), [i] "i"(n), "a"(la), "d"(lb) : "cc"); \
        __asm__ volatile("pcmpestrm %[i], %[b], %[a]\n\t" FLAGS_OUT          \
                         : "=Yz"(r->m_e), [f] "=r"(r->f_em) : [a] "x"(a), [b] "x"(b), [i] "i"(n), "a"(la), "d"(lb) : "cc"); \
        break;
#define C4(n) CASE(n) CASE(n + 1) CASE(n + 2) CASE(n + 3)
#define C16(n) C4(n) C4(n + 4) C4(n + 8) C4(n + 12)

typedef struct Res {
    uint64_t ecx_i, ecx_e, ecx_q, f_i, f_im, f_e, f_q, f_em;
    V16 m_i, m_e;
} Res;

static void run(unsigned imm, V16 a, V16 b, long la, long lb, Res *r)
{
    const V16 *bp = &b;
    switch (imm) {
        C16(0) C16(16) C16(32) C16(48) C16(64) C16(80) C16(96) C16(112)
    }
}

static void hex(V16 v)
{
    uint64_t q[2];
    memcpy(q, &v, 16);
    printf(" %016llx%016llx", (unsigned long long)q[1], (unsigned long long)q[0]);
}

int main(void)
{
    static const char *const strs[][2] = {
        {"aeiou", "hello, world!!!!"},
        {"azAZ09", "Hello World 2024"},
        {"world", "hello, world"},
        {"lo", "hello, world lo!"},
        {"", "abc"},
        {"abc", ""},
        {"0123456789abcdef", "0123456789abcdef"},
        {"0123456789abcdeX", "0123456789abcdef"},
        {"\x80\xff\x01\x7f", "\x01\x02\x80\x81\xff\xfe\x7f\x7e"},
        {"\xff\x7f\x01\x80", "\x80\x81\x00\x7f\x7f\x7f\x7f\x7f"},
        {"ab", "xxxxxxxxxxxxxxab"},
        {"abcd", "xxxxxxxxxxxxxabc"},
    };
    static const long lens[][2] = {{5, 16}, {16, 16}, {0, 7}, {-3, 9}, {20, -20}, {8, 3},
                                   {0x100000003l, 5}, {-0x7fffffffffffffffl - 1, 0x80000001l}};
    for (unsigned s = 0; s < sizeof strs / sizeof strs[0]; s++) {
        V16 a = {0}, b = {0};
        memcpy(&a, strs[s][0], strlen(strs[s][0]) < 16 ? strlen(strs[s][0]) : 16);
        memcpy(&b, strs[s][1], strlen(strs[s][1]) < 16 ? strlen(strs[s][1]) : 16);
        for (unsigned l = 0; l < sizeof lens / sizeof lens[0]; l++) {
            for (unsigned imm = 0; imm < 128; imm++) {
                Res r;
                run(imm, a, b, lens[l][0], lens[l][1], &r);
                printf("%u %u %02x", s, l, imm);
                if (l == 0)
                    printf(" i %llx %03llx", (unsigned long long)r.ecx_i, (unsigned long long)(r.f_i & 0x8d5));
                if (l == 0)
                    printf(" im %03llx", (unsigned long long)(r.f_im & 0x8d5)), hex(r.m_i);
                printf(" e %llx %03llx", (unsigned long long)r.ecx_e, (unsigned long long)(r.f_e & 0x8d5));
                printf(" q %llx %03llx", (unsigned long long)r.ecx_q, (unsigned long long)(r.f_q & 0x8d5));
                printf(" em %03llx", (unsigned long long)(r.f_em & 0x8d5));
                hex(r.m_e);
                printf("\n");
            }
        }
    }
    return 0;
}
