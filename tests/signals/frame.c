/*
 * frame.c — the signal frame: what a handler finds (siginfo, ucontext,
 * registers, FP state, mask, alignment) and what rt_sigreturn takes back
 * (registers and FP state the handler changed).  A ud2 at a known address
 * raises SIGILL with chosen values in the callee-saved registers, XMM0 and
 * MXCSR; the handler checks them, changes RBX, R12, XMM1 and RIP (to skip
 * the ud2), and the program checks the changes arrived.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

extern char fault_insn[], after_insn[];
static uintptr_t seen_rsp;
static int ok = 1;

static void check(const char *what, int cond)
{
    printf("%-44s %s\n", what, cond ? "ok" : "WRONG");
    ok &= cond;
}

static void on_ill(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    check("signal number", sig == SIGILL && si->si_signo == SIGILL);
    check("si_code ILL_ILLOPN", si->si_code == ILL_ILLOPN);
    check("si_addr is the ud2", si->si_addr == (void *)fault_insn);
    check("REG_RIP is the ud2", g[REG_RIP] == (greg_t)fault_insn);
    check("REG_RBX/R12..R15 as set", g[REG_RBX] == 0x1111 && g[REG_R12] == 0x1212 && g[REG_R13] == 0x1313 &&
                                         g[REG_R14] == 0x1414 && g[REG_R15] == 0x1515);
    check("REG_RSP as it was", (uintptr_t)g[REG_RSP] == seen_rsp);
    check("REG_CSGSFS: cs 0x33", (g[REG_CSGSFS] & 0xffff) == 0x33);
    check("REG_TRAPNO 6 (#UD)", g[REG_TRAPNO] == 6);
    check("uc_flags: FP_XSTATE|SIGCONTEXT_SS|STRICT_RESTORE_SS", uc->uc_flags == 7);
    check("uc_link NULL", uc->uc_link == NULL);
    check("uc_stack: none", uc->uc_stack.ss_flags == 0 && uc->uc_stack.ss_sp == NULL && uc->uc_stack.ss_size == 0);
    check("siginfo 304 bytes above the ucontext", (char *)si - (char *)uc == 304);
    check("frame: RSP+8 16-aligned at entry", (((uintptr_t)uc - 8 + 8) & 15) == 0);
    check("fpregs 64-byte aligned, above the frame", ((uintptr_t)uc->uc_mcontext.fpregs & 63) == 0 &&
                                                         (char *)uc->uc_mcontext.fpregs > (char *)si);
    struct _libc_fpstate *fp = uc->uc_mcontext.fpregs;
    check("saved MXCSR as set", fp->mxcsr == 0x9fc0);
    check("saved XMM0 as set", fp->_xmm[0].element[0] == 0x01020304 && fp->_xmm[0].element[3] == 0x0d0e0f10);
    uint32_t sw[2];
    memcpy(sw, (char *)fp + 464, sizeof sw);
    check("fpx_sw_bytes magic1", sw[0] == 0x46505853);
    uint32_t magic2;
    memcpy(&magic2, (char *)fp + sw[1] - 4, 4);
    check("FP_XSTATE_MAGIC2 after the XSAVE area", magic2 == 0x46505845);
    unsigned mx;
    __asm__ volatile("stmxcsr %0" : "=m"(mx));
    check("handler starts with MXCSR 0x1f80", mx == 0x1f80);
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    check("SIGILL and sa_mask blocked in the handler", sigismember(&cur, SIGILL) && sigismember(&cur, SIGUSR2));
    check("uc_sigmask: the mask before", !sigismember(&uc->uc_sigmask, SIGILL) && sigismember(&uc->uc_sigmask, SIGHUP));
    /* Changes rt_sigreturn must carry back. */
    g[REG_RIP] = (greg_t)after_insn;
    g[REG_RBX] = 0x2222;
    g[REG_R12] = 0x3333;
    fp->_xmm[1].element[0] = 0xabcdef01;
    fp->mxcsr = 0x1f80 | 0x6000; /* round toward zero */
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_ill;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sigaction(SIGILL, &sa, NULL);
    sigset_t hup;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    sigprocmask(SIG_BLOCK, &hup, NULL);
    static const uint32_t pattern[4] = {0x01020304, 0x05060708, 0x090a0b0c, 0x0d0e0f10};
    uint64_t rbx, r12, xmm1;
    unsigned mx_before = 0x9fc0, mx_after;
    __asm__ volatile("ldmxcsr %[mx]\n movdqu %[pat], %%xmm0\n pxor %%xmm1, %%xmm1\n"
                     "mov $0x1111, %%rbx\n mov $0x1212, %%r12\n mov $0x1313, %%r13\n"
                     "mov $0x1414, %%r14\n mov $0x1515, %%r15\n"
                     "mov %%rsp, %[sp]\n"
                     ".globl fault_insn, after_insn\n"
                     "fault_insn: ud2\n"
                     "after_insn:\n"
                     "mov %%rbx, %[rbx]\n mov %%r12, %[r12]\n movq %%xmm1, %[x1]\n stmxcsr %[mxa]\n"
                     : [rbx] "=m"(rbx), [r12] "=m"(r12), [x1] "=m"(xmm1), [mxa] "=m"(mx_after), [sp] "=m"(seen_rsp)
                     : [mx] "m"(mx_before), [pat] "m"(pattern)
                     : "rbx", "r12", "r13", "r14", "r15", "xmm0", "xmm1", "memory");
    unsigned ftz = 0x1f80;
    __asm__ volatile("ldmxcsr %0" ::"m"(ftz));
    check("RBX changed by the handler", rbx == 0x2222);
    check("R12 changed by the handler", r12 == 0x3333);
    check("XMM1 changed by the handler", (uint32_t)xmm1 == 0xabcdef01);
    check("MXCSR changed by the handler", mx_after == (0x1f80 | 0x6000));
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    check("mask restored after the handler", !sigismember(&cur, SIGILL) && !sigismember(&cur, SIGUSR2) &&
                                                 sigismember(&cur, SIGHUP));
    return ok ? 0 : 1;
}
