/*
 * cpu.c — what glibc concludes from ue's CPUID and XGETBV: XSAVE usable
 * (OSXSAVE, XCR0 = x87|SSE), AVX not (XCR0 lacks the YMM state), and the
 * XSAVE area size glibc's lazy-binding trampoline will use.  Printed for
 * tests/x87/suite.sh to compare with what ue advertises.
 */
#include <stdio.h>
#include <sys/platform/x86.h>

int main(void)
{
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    printf("xsave=%d osxsave=%d avx=%d avx2=%d xcr0=%#x:%#x\n", CPU_FEATURE_ACTIVE(XSAVE),
           CPU_FEATURE_ACTIVE(OSXSAVE), CPU_FEATURE_ACTIVE(AVX), CPU_FEATURE_ACTIVE(AVX2), hi, lo);
    return 0;
}
