/* sse_mxcsr.c — SSE arithmetic around MXCSR changes, run natively and
 * under ue (tests/sse/suite.sh compares the output).
 *
 * ue's JIT runs SSE arithmetic as host instructions while the guest's
 * MXCSR control bits are the default ones, and ORs the flags they raise
 * into the guest's MXCSR; the first change of the control bits makes it
 * call its exact helpers instead (src/jit/jit.c).  Each step prints the
 * results' bits and the MXCSR flags:
 *   - flags cleared by LDMXCSR, FXRSTOR or a signal return are not raised
 *     again by later exact operations;
 *   - a signal handler's flags do not leak into the interrupted code;
 *   - a fault right after an inexact division shows its flag in the
 *     handler's context;
 *   - the same compiled function, once the rounding mode, FTZ or DAZ
 *     change, rounds and flushes as the CPU does, and so does an
 *     instruction right after the LDMXCSR that changes them;
 *   - an unmasked exception after default-mode code traps (SIGFPE).
 */
#include <fenv.h>
#include <immintrin.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

static volatile double vone = 1.0, vthree = 3.0, vtiny = 2.2250738585072014e-308, vhalf = 0.5;
static volatile float fone = 1.0f, fthree = 3.0f;

static uint64_t bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static uint32_t fbits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static unsigned flags(void) { return _mm_getcsr() & 0x3f; }
static void clear_flags(void) { _mm_setcsr(_mm_getcsr() & ~0x3fu); }

/* The same code for every step (compiled once by ue's JIT). */
__attribute__((noinline)) static double work(double a, double b)
{
    double s = 0;
    for (int i = 0; i < 200; i++)
        s += a / b + (a * b - a) * 0.125 - b / (a + i);
    return s;
}

__attribute__((noinline)) static float workf(float a, float b)
{
    float s = 0;
    for (int i = 0; i < 200; i++)
        s += a / b - b * 0.1f + (float)i / (a + b);
    return s;
}

/* Run in default mode first, then with division by zero unmasked. */
__attribute__((noinline)) static double ratio(double a, double b) { return a / b; }

static void step(const char *what)
{
    clear_flags();
    double d = work(vone, vthree);
    unsigned f1 = flags();
    float f = workf(fone, fthree);
    double sq = __builtin_sqrt(vthree), tiny = vtiny * vhalf;
    printf("%-22s work %016llx workf %08x sqrt %016llx tiny %016llx flags %02x %02x\n", what,
           (unsigned long long)bits(d), fbits(f), (unsigned long long)bits(sq), (unsigned long long)bits(tiny),
           f1, flags());
}

static void exact_after_clear(const char *what)
{
    volatile double x = vone + vone; /* exact: raises nothing */
    (void)x;
    printf("%-22s flags %02x\n", what, flags());
}

static unsigned handler_flags;

static void on_usr1(int sig)
{
    (void)sig;
    volatile double x = vone / vthree; /* inexact: PE in the handler */
    (void)x;
    handler_flags = flags();
}

static sigjmp_buf fpe_jmp, segv_jmp;

/* The MXCSR the kernel saved for the handler: the flags of the division
 * just before the faulting load are in it. */
static void on_segv(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    (void)si;
    printf("SIGSEGV %d: mxcsr flags %02x\n", sig, uc->uc_mcontext.fpregs->mxcsr & 0x3f);
    siglongjmp(segv_jmp, 1);
}

static void on_fpe(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    printf("SIGFPE %d si_code %d\n", sig, si->si_code);
    siglongjmp(fpe_jmp, 1);
}

int main(void)
{
    step("default");
    printf("%-22s %016llx\n", "ratio", (unsigned long long)bits(ratio(vone, vthree)));

    /* LDMXCSR clears flags the host raised: an exact op raises none */
    clear_flags();
    exact_after_clear("after ldmxcsr clear");

    /* FXRSTOR of an image with no flags */
    (void)work(vone, vthree);
    _Alignas(16) unsigned char img[512];
    __builtin_ia32_fxsave(img);
    uint32_t mx;
    memcpy(&mx, img + 24, 4);
    mx &= ~0x3fu;
    memcpy(img + 24, &mx, 4);
    __builtin_ia32_fxrstor(img);
    exact_after_clear("after fxrstor clear");

    /* a handler's flags stay in the handler */
    clear_flags();
    signal(SIGUSR1, on_usr1);
    raise(SIGUSR1);
    printf("%-22s handler %02x main %02x\n", "after signal", handler_flags, flags());

    /* an inexact division, then a fault in the same block of code */
    struct sigaction sv;
    memset(&sv, 0, sizeof sv);
    sv.sa_sigaction = on_segv;
    sv.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sv, NULL);
    clear_flags();
    if (!sigsetjmp(segv_jmp, 1)) {
        double r = vone;
        __asm__ volatile("divsd %1, %0\n\tmovq (%2), %%rax" : "+x"(r) : "x"(vthree), "r"((void *)0) : "rax");
        printf("no fault\n");
    }
    printf("%-22s flags %02x\n", "after the fault", flags());

    /* a new rounding mode and a division in one block of code */
    double q = vone;
    unsigned up = (_mm_getcsr() & ~0x6000u) | 0x4000u, near = _mm_getcsr();
    __asm__ volatile("ldmxcsr %1\n\tdivsd %2, %0\n\tldmxcsr %3" : "+x"(q) : "m"(up), "x"(vthree), "m"(near));
    printf("%-22s %016llx\n", "ldmxcsr; divsd", (unsigned long long)bits(q));

    fesetround(FE_UPWARD);
    step("upward");
    fesetround(FE_TOWARDZERO);
    step("toward zero");
    fesetround(FE_TONEAREST);
    step("nearest again");

    _MM_SET_FLUSH_ZERO_MODE(_MM_FLUSH_ZERO_ON);
    step("ftz");
    _MM_SET_DENORMALS_ZERO_MODE(_MM_DENORMALS_ZERO_ON);
    step("ftz daz");
    _MM_SET_FLUSH_ZERO_MODE(_MM_FLUSH_ZERO_OFF);
    _MM_SET_DENORMALS_ZERO_MODE(_MM_DENORMALS_ZERO_OFF);
    step("default again");

    /* an unmasked exception traps: #XM, SIGFPE */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fpe;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGFPE, &sa, NULL);
    if (!sigsetjmp(fpe_jmp, 1)) {
        _mm_setcsr(_mm_getcsr() & ~(unsigned)_MM_MASK_DIV_ZERO);
        volatile double z = 0.0;
        volatile double q = vone / z;
        printf("no trap: %g\n", q);
    }
    if (!sigsetjmp(fpe_jmp, 1)) {
        _mm_setcsr(_mm_getcsr() & ~(unsigned)_MM_MASK_DIV_ZERO);
        double q = ratio(vone, 0.0); /* (code that ran with every exception masked) */
        printf("no trap: %g\n", q);
    }
    _mm_setcsr(0x1f80);
    step("after the trap");
    return 0;
}
