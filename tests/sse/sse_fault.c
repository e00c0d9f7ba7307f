/*
 * sse_fault.c — the faults SSE instructions raise: a misaligned m128 operand
 * of MOVAPS/MOVDQA/MOVNTDQ/PADDB... is #GP (the process dies of SIGSEGV);
 * MOVUPS, MOVDQU, LDDQU, MOVSD, PCMPISTRI and friends accept any alignment;
 * LDMXCSR with a reserved bit set is #GP.  Each case runs in its own process
 * (tests/sse/suite.sh compares exit status and output with a native run):
 *
 *   sse_fault CASE     one of the names below; prints the result if the
 *                      instruction did not fault
 *   sse_fault vex      a VEX-encoded instruction (ue: SIGILL, AVX is not
 *                      advertised; natively it may run)
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static _Alignas(64) unsigned char buf[128];
static const uint64_t pat[2] = {0x1111111111111111ull, 0x2222222222222222ull};

/* insn runs with %rax = buf + off and xmm0 = pat; then xmm0 is printed. */
#define CASE(name, off, insn)                                                \
    if (!strcmp(which, #name)) {                                             \
        uint64_t out[2];                                                     \
        __asm__ volatile("movdqu %1, %%xmm0\n\t" insn "\n\tmovdqu %%xmm0, %0" \
                         : "=m"(out) : "m"(pat), "a"(buf + (off)) : "xmm0", "memory"); \
        printf("%s ok %016llx%016llx\n", which, (unsigned long long)out[1], (unsigned long long)out[0]); \
        return 0;                                                            \
    }

int main(int argc, char **argv)
{
    const char *which = argc > 1 ? argv[1] : "";
    for (int i = 0; i < 128; i++)
        buf[i] = (unsigned char)(i * 7 + 1);
    printf("%s:\n", which);
    fflush(stdout);
    CASE(movaps_ok, 16, "movaps (%%rax), %%xmm0")
    CASE(movaps_bad, 8, "movaps (%%rax), %%xmm0")
    CASE(movdqa_st_bad, 4, "movdqa %%xmm0, (%%rax)")
    CASE(movntdq_bad, 1, "movntdq %%xmm0, (%%rax)")
    CASE(paddb_bad, 12, "paddb (%%rax), %%xmm0")
    CASE(mulps_bad, 2, "mulps (%%rax), %%xmm0")
    CASE(pshufd_bad, 3, "pshufd $0x1b, (%%rax), %%xmm0")
    CASE(ptest_bad, 5, "ptest (%%rax), %%xmm0")
    CASE(pmovzxbw_ok, 3, "pmovzxbw (%%rax), %%xmm0")
    CASE(movups_ok, 3, "movups (%%rax), %%xmm0")
    CASE(movdqu_st_ok, 7, "movdqu %%xmm0, (%%rax)\n\tmovdqu -7(%%rax), %%xmm0")
    CASE(lddqu_ok, 9, "lddqu (%%rax), %%xmm0")
    CASE(movsd_ok, 5, "movsd (%%rax), %%xmm0")
    CASE(addss_ok, 1, "addss (%%rax), %%xmm0")
    CASE(movhps_ok, 3, "movhps (%%rax), %%xmm0")
    CASE(pcmpistri_ok, 3, "pcmpistri $0x0c, (%%rax), %%xmm0\n\tmovd %%ecx, %%xmm0")
    CASE(pcmpestrm_ok, 11, "mov $5, %%edx\n\tpcmpestrm $0x48, (%%rax), %%xmm0")
    /* a register base the lifter cannot see through */
    CASE(movaps_reg_bad, 0, "add $8, %%rax\n\tmovaps (%%rax), %%xmm0")
    if (!strcmp(which, "ldmxcsr_bad")) {
        uint32_t bad = 0x10000 | 0x1f80;
        __asm__ volatile("ldmxcsr %0" : : "m"(bad));
        printf("no fault\n");
        return 0;
    }
    if (!strcmp(which, "ldmxcsr_ok")) {
        uint32_t good = 0xffbf, now = 0; /* every valid bit but DAZ */
        __asm__ volatile("ldmxcsr %1\n\tstmxcsr %0" : "=m"(now) : "m"(good));
        printf("mxcsr %x\n", now);
        return 0;
    }
    if (!strcmp(which, "vex")) {
        __asm__ volatile("vpxor %%xmm1, %%xmm1, %%xmm1" ::: "xmm1");
        printf("vex ran\n");
        return 0;
    }
    printf("unknown case\n");
    return 2;
}
