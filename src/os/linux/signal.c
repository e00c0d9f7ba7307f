/*
 * signal.c — what becomes of a guest signal, and process exit.
 *
 * Synchronous faults and traps (exec layer -> lx_fault) take the default
 * action: one report line naming the signal, the guest pc and the faulting
 * address, then ue exits with 128 + signo (the status a shell shows for a
 * process killed by that signal).  Running guest handlers needs signal
 * frames and comes with the Linux-layer issue; until then a fault in a
 * program that installed a handler is reported as such.
 */
#include "os/linux/lx_priv.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

LxProcess lx_proc;

void lx_exit_group(int status)
{
    _exit(status & 0xff);
}

static const char *code_name(int sig, int code)
{
    if (code == SI_KERNEL)
        return "SI_KERNEL";
    switch (sig) {
    case SIGSEGV: return code == SEGV_MAPERR ? "SEGV_MAPERR" : code == SEGV_ACCERR ? "SEGV_ACCERR" : "";
    case SIGBUS: return code == BUS_ADRERR ? "BUS_ADRERR" : code == BUS_ADRALN ? "BUS_ADRALN" : "";
    case SIGFPE: return code == FPE_INTDIV ? "FPE_INTDIV" : "";
    case SIGILL: return code == ILL_ILLOPN ? "ILL_ILLOPN" : "";
    default: return "";
    }
}

void lx_fault(GuestCpu *cpu, int sig, int code, GuestAddr addr)
{
    char name[32], why[48] = "", where[64] = "";
    const char *abbr = sigabbrev_np(sig);
    snprintf(name, sizeof name, "SIG%s", abbr ? abbr : "?");
    const char *cn = code_name(sig, code);
    if (*cn)
        snprintf(why, sizeof why, " (%s)", cn);
    if (sig == SIGSEGV || sig == SIGBUS)
        snprintf(where, sizeof where, ", fault address 0x%llx", (unsigned long long)addr);
    u64 h = lx_proc.sigactions[sig].handler;
    bool handled = h != (u64)(uintptr_t)SIG_DFL && h != (u64)(uintptr_t)SIG_IGN;
    ue_log("guest killed by %s%s at pc 0x%llx%s%s", name, why, (unsigned long long)cpu->regs.rip, where,
           handled ? " (its handler was not run: guest signal delivery is not implemented yet)" : "");
    lx_exit_group(128 + sig);
}
