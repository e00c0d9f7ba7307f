/*
 * signal.c — what becomes of a guest signal, and process exit.
 *
 * Synchronous faults and traps (exec layer -> lx_fault) take the default
 * action: one report line naming the signal, the guest pc and the faulting
 * address (for SIGILL: the instruction's bytes), then ue exits with
 * 128 + signo (the status a shell shows for a process killed by that
 * signal).  SIGSEGV and SIGBUS sent with kill() reach ue's own fault handler
 * and come here through lx_signal: ignored if the guest ignores them, else
 * the same report.  Running guest handlers needs signal
 * frames and comes with the Linux-layer issue; until then a fault in a
 * program that installed a handler is reported as such.
 */
#include "os/linux/lx_priv.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

LxProcess lx_proc;

static UE_NORETURN void finish(int status)
{
    if (lx_proc.gp.log & EXEC_LOG_STATS)
        exec_print_stats(&lx_proc.gp);
    const ToolHooks *t = lx_proc.gp.tool;
    if (t && t->on_exit) {
        lx_proc.gp.tool = NULL; /* once, even if the tool's exit path faults */
        status = t->on_exit(&lx_proc.gp, status);
    }
    _exit(status & 0xff);
}

void lx_exit_group(int status)
{
    if (lx_proc.strace)
        lx_strace_exited(status & 0xff);
    finish(status);
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

/* " at pc X: unsupported or invalid instruction BYTES (DISASSEMBLY)" for a
 * SIGILL, so that its one report line says what could not be run. */
static void describe_insn(GuestCpu *cpu, GuestAddr pc, char *out, size_t len)
{
    char bytes[64] = "", text[160] = "?";
    size_t avail = (size_t)UE_MIN(mem_exec_avail(&cpu->proc->mem, pc), 15), n = 0;
    X86Insn in;
    /* Decodable but not implemented: just its bytes; else all 15 there are. */
    if (avail && x86_decode(&in, (const u8 *)(uintptr_t)pc, avail, pc) == X86_DECODE_OK)
        avail = in.len;
    for (size_t i = 0; i < avail; i++)
        n += (size_t)snprintf(bytes + n, sizeof bytes - n, "%s%02x", i ? " " : "", ((const u8 *)(uintptr_t)pc)[i]);
    if (avail)
        x86_disasm(pc, (const u8 *)(uintptr_t)pc, avail, text, sizeof text);
    snprintf(out, len, ": unsupported or invalid instruction %s (%s)", bytes, text);
}

/* The one line reporting that sig ended the guest, and the exit.  code
 * and addr are the siginfo, for --strace. */
static UE_NORETURN void die_of(GuestCpu *cpu, int sig, const char *code, GuestAddr addr, const char *why,
                               const char *where)
{
    if (lx_proc.strace)
        lx_strace_killed(sig, code, addr);
    char name[32];
    const char *abbr = sigabbrev_np(sig);
    snprintf(name, sizeof name, "SIG%s", abbr ? abbr : "?");
    u64 h = lx_proc.sigactions[sig].handler;
    bool handled = h != (u64)(uintptr_t)SIG_DFL && h != (u64)(uintptr_t)SIG_IGN;
    ue_log("guest killed by %s%s at pc 0x%llx%s%s", name, why, (unsigned long long)cpu->regs.rip, where,
           handled ? " (its handler was not run: guest signal delivery is not implemented yet)" : "");
    finish(128 + sig);
}

void lx_fault(GuestCpu *cpu, int sig, int code, GuestAddr addr)
{
    char why[48] = "", where[300] = "";
    const char *cn = code_name(sig, code);
    if (*cn)
        snprintf(why, sizeof why, " (%s)", cn);
    if (sig == SIGSEGV || sig == SIGBUS)
        snprintf(where, sizeof where, ", fault address 0x%llx", (unsigned long long)addr);
    else if (sig == SIGILL)
        describe_insn(cpu, cpu->regs.rip, where, sizeof where);
    const ToolHooks *t = lx_proc.gp.tool;
    if (t && t->on_fault)
        t->on_fault(cpu, sig, code, addr); /* memcheck's "Process terminating..." */
    die_of(cpu, sig, *cn ? cn : "0", addr, why, where);
}

void lx_signal(GuestCpu *cpu, int sig, int code)
{
    /* A synchronous fault cannot be ignored, but a sent signal can.  One the
     * guest blocks would stay pending until unblocked; with no delivery to
     * do it later, it is dropped (a program exiting with it still pending
     * behaves the same). */
    if (lx_proc.sigactions[sig].handler == (u64)(uintptr_t)SIG_IGN || (lx_proc.sigmask >> (sig - 1) & 1))
        return;
    char why[48];
    const char *sender = code == SI_TKILL ? "tkill/tgkill" : code == SI_QUEUE ? "sigqueue" : "kill";
    snprintf(why, sizeof why, " (sent by %s)", sender);
    die_of(cpu, sig, code == SI_TKILL ? "SI_TKILL" : code == SI_QUEUE ? "SI_QUEUE" : "SI_USER", 0, why, "");
}
