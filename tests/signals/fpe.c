/*
 * fpe.c — SIGFPE from floating-point exceptions a program unmasked with
 * feenableexcept, as the kernel reports them: an SSE instruction raising an
 * unmasked exception takes #XM at once; the handler gets the si_code of
 * the exception (FPE_FLTDIV, FPE_FLTINV, FPE_FLTOVF, FPE_FLTUND,
 * FPE_FLTRES), si_addr and RIP = the instruction, the MXCSR of the moment
 * in its frame (the flag set, the destination not written) and, itself,
 * the default MXCSR.  A handler that masks the exception in the saved
 * MXCSR and returns makes the instruction run again with the masked
 * response.  An exception raised but left masked raises nothing.
 *
 * Each case runs one labelled instruction on xmm1 (destination) and xmm2
 * (source), or a GPR destination for conversions, and prints what the
 * handler saw; tests/signals/suite.sh compares the output with a native
 * run.
 *
 * x87 exceptions are delayed: the excepting instruction gives the
 * unmasked response (no result for invalid/zero-divide, a scaled one for
 * overflow, nothing stored to memory) and sets ES; the next waiting x87
 * instruction, FWAIT or MMX instruction takes #MF, so SIGFPE's si_addr
 * and RIP are that instruction while the frame's FIP still names the
 * excepting one; FNSTSW, FNCLEX and FNSTENV do not wait (FNSTENV masks
 * every exception, which drops the pending one), FLDCW does.
 */
#define _GNU_SOURCE
#include <fenv.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

static sigjmp_buf env;
static volatile int fix_instead; /* mask everything in the frame and return */
static struct {
    int sig, code;
    void *addr;
    greg_t rip;
    unsigned mxcsr, handler_mxcsr;
    long trapno; /* the frame's: 19 for #XM, 16 for #MF */
    uint64_t xmm1_lo, rax;
} seen;

static void handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    unsigned own;
    __asm__ volatile("stmxcsr %0" : "=m"(own));
    seen.sig = sig;
    seen.code = si->si_code;
    seen.addr = si->si_addr;
    seen.rip = uc->uc_mcontext.gregs[REG_RIP];
    seen.trapno = (long)uc->uc_mcontext.gregs[REG_TRAPNO];
    seen.rax = (uint64_t)uc->uc_mcontext.gregs[REG_RAX];
    seen.mxcsr = uc->uc_mcontext.fpregs->mxcsr;
    memcpy(&seen.xmm1_lo, &uc->uc_mcontext.fpregs->_xmm[1], 8);
    seen.handler_mxcsr = own;
    if (fix_instead) {
        uc->uc_mcontext.fpregs->mxcsr |= 0x1f80;
        return;
    }
    siglongjmp(env, 1);
}

static const char *code_name(int code)
{
    switch (code) {
    case FPE_FLTDIV: return "FPE_FLTDIV";
    case FPE_FLTINV: return "FPE_FLTINV";
    case FPE_FLTOVF: return "FPE_FLTOVF";
    case FPE_FLTUND: return "FPE_FLTUND";
    case FPE_FLTRES: return "FPE_FLTRES";
    case FPE_INTDIV: return "FPE_INTDIV";
    default: return "?";
    }
}

static uint64_t bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

/* One instruction at a global label, xmm1 = a, xmm2 = b, rax = 0x5a5a;
 * afterwards xmm1 and rax are stored to out_xmm1/out_rax. */
static uint64_t out_xmm1, out_rax;
#define INSN_FN(fn, label, insn)                                             \
    static void __attribute__((noinline)) fn(double a, double b)             \
    {                                                                        \
        __asm__ volatile("movq %2, %%xmm1\n\tmovq %3, %%xmm2\n\tmov $0x5a5a, %%eax\n\t" \
                         ".globl " #label "\n" #label ":\n\t" insn "\n\t"    \
                         "movq %%xmm1, %0\n\tmov %%rax, %1"                  \
                         : "=m"(out_xmm1), "=m"(out_rax)                     \
                         : "r"(bits(a)), "r"(bits(b))                        \
                         : "rax", "xmm1", "xmm2", "memory");                 \
    }                                                                        \
    extern char label[];

INSN_FN(do_divsd, divsd_insn, "divsd %%xmm2, %%xmm1")
INSN_FN(do_mulsd, mulsd_insn, "mulsd %%xmm2, %%xmm1")
INSN_FN(do_addsd, addsd_insn, "addsd %%xmm2, %%xmm1")
INSN_FN(do_sqrtsd, sqrtsd_insn, "sqrtsd %%xmm2, %%xmm1")
INSN_FN(do_divps, divps_insn, "divps %%xmm2, %%xmm1")
INSN_FN(do_cvttsd2si, cvttsd2si_insn, "cvttsd2si %%xmm2, %%rax")
INSN_FN(do_cvtsd2ss, cvtsd2ss_insn, "cvtsd2ss %%xmm2, %%xmm1")

typedef void (*InsnFn)(double, double);

/* ---- x87: an excepting instruction at x87_bad_<name>, the one that takes
 * #MF at x87_wait_<name>; st0 and the m32 slot are printed after. ---- */

static float m32_out;
static const long double big = 0x1p16000L, huge_for_float = 0x1p200L;
static char env28[28];
static const unsigned short cw_masked = 0x37f;
static struct {
    unsigned short swd, cwd;
    uint64_t fip;
    uint64_t st0_lo;
    unsigned short st0_hi;
} x87_seen;

static void x87_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    struct _libc_fpstate *fp = uc->uc_mcontext.fpregs;
    seen.sig = sig;
    seen.code = si->si_code;
    seen.addr = si->si_addr;
    seen.rip = uc->uc_mcontext.gregs[REG_RIP];
    seen.trapno = (long)uc->uc_mcontext.gregs[REG_TRAPNO];
    x87_seen.swd = fp->swd;
    x87_seen.cwd = fp->cwd;
    x87_seen.fip = fp->rip;
    memcpy(&x87_seen.st0_lo, &fp->_st[0], 8);
    memcpy(&x87_seen.st0_hi, (char *)&fp->_st[0] + 8, 2);
    if (fix_instead) {
        fp->swd &= (unsigned short)~0x80ff; /* clear the exception: the wait runs on */
        return;
    }
    siglongjmp(env, 1);
}

#define X87_FN(name, setup, bad, wait)                                       \
    static void __attribute__((noinline)) x87_##name(void)                   \
    {                                                                        \
        __asm__ volatile(setup "\n\t.globl x87_bad_" #name "\nx87_bad_" #name ":\n\t" bad "\n\t" \
                         ".globl x87_wait_" #name "\nx87_wait_" #name ":\n\t" wait "\n\tfninit" \
                         : "=m"(m32_out) : "m"(big), "m"(huge_for_float), "m"(env28), "m"(cw_masked) \
                         : "memory");                                        \
    }                                                                        \
    extern char x87_bad_##name[], x87_wait_##name[];

X87_FN(div0, "fld1\n\tfldz", "fdivrp", "fld1")
X87_FN(ovf, "fldt %1\n\tfld %%st(0)", "fmulp", "fwait")
X87_FN(stack, "", "fadd %%st(1), %%st", "fld1")
X87_FN(fst_ovf, "fldt %2", "fsts %0", "fnstsw %%ax\n\tfnclex\n\tfld1")
X87_FN(mmx, "fld1\n\tfldz", "fdivrp", "paddb %%mm1, %%mm0\n\temms")
X87_FN(fnstsw, "fld1\n\tfldz", "fdivrp", "fnstsw %%ax\n\tfnclex\n\tfld1")
X87_FN(fnstenv, "fld1\n\tfldz", "fdivrp", "fnstenv %3\n\tfld1")
X87_FN(fldcw, "fld1\n\tfldz", "fdivrp", "fldcw %4\n\tfld1")

static void x87_case(const char *what, void (*fn)(void), const char *bad, const char *wait, int enable)
{
    memset(&seen, 0, sizeof seen);
    memset(&x87_seen, 0, sizeof x87_seen);
    m32_out = 0;
    feclearexcept(FE_ALL_EXCEPT);
    fedisableexcept(FE_ALL_EXCEPT);
    __asm__ volatile("fninit");
    feenableexcept(enable);
    if (!sigsetjmp(env, 1)) {
        fn();
        fedisableexcept(FE_ALL_EXCEPT);
        printf("%-30s %s: m32 %a\n", what, seen.sig ? "the handler returned" : "no signal", m32_out);
        return;
    }
    __asm__ volatile("fninit");
    fedisableexcept(FE_ALL_EXCEPT);
    printf("%-30s SIG%s %s trap %ld addr %s rip %s fip %s swd %04x cwd %04x st0 %04x%016llx m32 %a\n", what,
           sigabbrev_np(seen.sig), code_name(seen.code), seen.trapno, seen.addr == (void *)wait ? "ok" : "WRONG",
           seen.rip == (greg_t)wait ? "ok" : "WRONG", x87_seen.fip == (uint64_t)bad ? "ok" : "WRONG", x87_seen.swd,
           x87_seen.cwd, x87_seen.st0_hi, (unsigned long long)x87_seen.st0_lo, m32_out);
}

static void sse_case(const char *what, InsnFn fn, const char *label, int enable, double a, double b)
{
    memset(&seen, 0, sizeof seen);
    feclearexcept(FE_ALL_EXCEPT);
    fedisableexcept(FE_ALL_EXCEPT);
    feenableexcept(enable);
    if (!sigsetjmp(env, 1)) {
        fn(a, b);
        fedisableexcept(FE_ALL_EXCEPT);
        printf("%-30s no signal: xmm1 %016llx rax %llx flags %02x\n", what, (unsigned long long)out_xmm1,
               (unsigned long long)out_rax, fetestexcept(FE_ALL_EXCEPT));
        return;
    }
    fedisableexcept(FE_ALL_EXCEPT);
    printf("%-30s SIG%s %s trap %ld addr %s rip %s mxcsr %04x (handler's %04x) xmm1 %016llx rax %llx\n", what,
           sigabbrev_np(seen.sig), code_name(seen.code), seen.trapno, seen.addr == (void *)label ? "ok" : "WRONG",
           seen.rip == (greg_t)label ? "ok" : "WRONG", seen.mxcsr, seen.handler_mxcsr,
           (unsigned long long)seen.xmm1_lo, (unsigned long long)seen.rax);
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGFPE, &sa, NULL);

    sse_case("divsd 1/0", do_divsd, divsd_insn, FE_DIVBYZERO, 1.0, 0.0);
    sse_case("divsd 0/0", do_divsd, divsd_insn, FE_INVALID, 0.0, 0.0);
    sse_case("divsd 0/0, all enabled", do_divsd, divsd_insn, FE_ALL_EXCEPT, 0.0, 0.0);
    sse_case("mulsd overflow", do_mulsd, mulsd_insn, FE_OVERFLOW, 1e300, 1e300);
    sse_case("mulsd overflow, exact scaled", do_mulsd, mulsd_insn, FE_OVERFLOW | FE_INEXACT, 0x1p1000, 0x1p1000);
    sse_case("mulsd underflow", do_mulsd, mulsd_insn, FE_UNDERFLOW, 1e-300, 1e-300);
    sse_case("mulsd tiny exact", do_mulsd, mulsd_insn, FE_UNDERFLOW, 0x1p-1040, 0.5);
    sse_case("mulsd tiny exact, masked", do_mulsd, mulsd_insn, FE_INEXACT, 0x1p-1040, 0.5);
    sse_case("addsd inexact", do_addsd, addsd_insn, FE_INEXACT, 1.0, 1e-30);
    sse_case("addsd exact", do_addsd, addsd_insn, FE_ALL_EXCEPT, 1.0, 2.0);
    sse_case("sqrtsd -1", do_sqrtsd, sqrtsd_insn, FE_INVALID, 7.0, -1.0);
    sse_case("divps 1/0 (floats)", do_divps, divps_insn, FE_DIVBYZERO, 1.0, 0.0);
    sse_case("cvttsd2si 1e30", do_cvttsd2si, cvttsd2si_insn, FE_INVALID, 0.0, 1e30);
    sse_case("cvttsd2si 2.5", do_cvttsd2si, cvttsd2si_insn, FE_INEXACT, 0.0, 2.5);
    sse_case("cvtsd2ss 1e300", do_cvtsd2ss, cvtsd2ss_insn, FE_OVERFLOW, 3.0, 1e300);
    sse_case("divsd 1/0, not enabled", do_divsd, divsd_insn, FE_INEXACT | FE_UNDERFLOW, 1.0, 0.0);

    /* The handler masks every exception in the frame and returns: the
     * divide runs again and gives infinity. */
    fix_instead = 1;
    sse_case("divsd 1/0, handler returns", do_divsd, divsd_insn, FE_DIVBYZERO, 1.0, 0.0);
    printf("%-30s code %s, after it: xmm1 %016llx\n", "", code_name(seen.code), (unsigned long long)out_xmm1);
    fix_instead = 0;

    sa.sa_sigaction = x87_handler;
    sigaction(SIGFPE, &sa, NULL);
    x87_case("x87 1/0, then fld1", x87_div0, x87_bad_div0, x87_wait_div0, FE_DIVBYZERO);
    x87_case("x87 1/0, masked", x87_div0, x87_bad_div0, x87_wait_div0, FE_INVALID);
    x87_case("x87 overflow, then fwait", x87_ovf, x87_bad_ovf, x87_wait_ovf, FE_OVERFLOW);
    x87_case("x87 empty st1, then fld1", x87_stack, x87_bad_stack, x87_wait_stack, FE_INVALID);
    x87_case("x87 fsts overflow, fnclex", x87_fst_ovf, x87_bad_fst_ovf, x87_wait_fst_ovf, FE_OVERFLOW);
    x87_case("x87 1/0, then paddb", x87_mmx, x87_bad_mmx, x87_wait_mmx, FE_DIVBYZERO);
    x87_case("x87 1/0, fnstsw and fnclex", x87_fnstsw, x87_bad_fnstsw, x87_wait_fnstsw, FE_DIVBYZERO);
    x87_case("x87 1/0, fnstenv masks all", x87_fnstenv, x87_bad_fnstenv, x87_wait_fnstenv, FE_DIVBYZERO);
    x87_case("x87 1/0, fldcw (waits)", x87_fldcw, x87_bad_fldcw, x87_wait_fldcw, FE_DIVBYZERO);
    fix_instead = 1;
    x87_case("x87 1/0, handler returns", x87_div0, x87_bad_div0, x87_wait_div0, FE_DIVBYZERO);
    printf("%-30s code %s\n", "", code_name(seen.code));
    fix_instead = 0;
    return 0;
}
