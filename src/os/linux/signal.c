/*
 * signal.c — guest signals: how they reach ue, when they are delivered, and
 * what their default actions do; and the end of the process.
 *
 * The host kernel does the bookkeeping.  Each guest thread is a host
 * thread whose host signal mask is the guest's (lx_set_host_mask), and each
 * signal has the host disposition the guest's implies (lx_sync_host_action):
 *
 *   guest SIG_IGN           host SIG_IGN (write gets EPIPE, children are reaped)
 *   guest SIG_DFL           host SIG_DFL: the kernel applies the default action
 *                           to ue itself (killed, stopped, ignored) — exactly
 *                           what the guest would get; with a tool or --strace
 *                           the fatal ones are caught instead, so that ue can
 *                           report before it dies of the same signal
 *   guest handler           host handler (host_signal): records the signal for
 *                           this thread and calls exec_interrupt
 *
 * The host kernel thus picks the thread a process-directed signal goes to
 * (one not blocking it), keeps blocked signals pending and queues real-time
 * ones.  The host handler keeps a caught signal blocked on the host until
 * the guest has taken it, so ue holds at most one of each per thread.
 *
 * Delivery happens between blocks, where the guest state is exact: the
 * dispatcher calls lx_interrupted, which builds the kernel's rt_sigframe
 * (sigframe.c) and points the guest at its handler.  A system call the
 * signal interrupted returns EINTR or is restarted as the kernel decides
 * (arch/x86/kernel/signal.c, handle_signal and the no-handler case of
 * arch_do_signal_or_restart); syscall.c says how a host call is interrupted.
 *
 * SIGSEGV and SIGBUS are ue's own on the host (src/exec/run.c): faults in
 * guest code come through ExecHooks.fault (lx_fault), sent ones through
 * ExecHooks.signal (lx_signal); neither is ever blocked on the host.
 */
#include "os/linux/lx_priv.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

LxProcess lx_proc = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* The host's view of ue-owned signals: never blocked, never the guest's. */
#define UE_OWNED (LX_SIGBIT(SIGSEGV) | LX_SIGBIT(SIGBUS))
/* Signals the kernel delivers first (kernel/signal.c, SYNCHRONOUS_MASK). */
#define SYNCHRONOUS (LX_SIGBIT(SIGSEGV) | LX_SIGBIT(SIGBUS) | LX_SIGBIT(SIGILL) | LX_SIGBIT(SIGTRAP) | \
                     LX_SIGBIT(SIGFPE) | LX_SIGBIT(SIGSYS))

/* ---- the host side: raw system calls ----
 * glibc's sigaction and sigprocmask refuse the signals it keeps for itself
 * (32 and 33); the guest's glibc uses those, so ue talks to the kernel. */

typedef struct HostSigaction {
    void *handler;
    unsigned long flags;
    void (*restorer)(void);
    u64 mask;
} HostSigaction;

void lx_host_restorer(void);
__asm__(".text\n"
        ".globl lx_host_restorer\n"
        ".type lx_host_restorer, @function\n"
        "lx_host_restorer:\n"
        "    mov $15, %eax\n" /* rt_sigreturn */
        "    syscall\n"
        "    hlt\n"
        ".size lx_host_restorer, .-lx_host_restorer\n");

static void host_sigaction(int sig, void *handler, unsigned long flags, u64 mask)
{
    HostSigaction k = {.handler = handler, .flags = flags | SA_RESTORER, .restorer = lx_host_restorer,
                       .mask = mask};
    syscall(SYS_rt_sigaction, sig, &k, NULL, 8);
}

static void host_setmask(u64 m)
{
    m &= ~(UE_OWNED | LX_SIG_UNBLOCKABLE);
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &m, NULL, 8);
}

void lx_block_host_signals(u64 *old)
{
    u64 all = ~UE_OWNED;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, old, 8);
}

void lx_restore_host_signals(u64 old) { syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, 8); }

void lx_set_host_mask(LxThread *t) { host_setmask(t->sigmask | __atomic_load_n(&t->pending, __ATOMIC_SEQ_CST)); }

/* ---- default actions (signal(7)) ---- */

typedef enum { DFL_TERM, DFL_CORE, DFL_IGN, DFL_STOP, DFL_CONT } DefaultAction;

static DefaultAction default_action(int sig)
{
    switch (sig) {
    case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE:
    case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
        return DFL_CORE;
    case SIGCHLD: case SIGURG: case SIGWINCH:
        return DFL_IGN;
    case SIGCONT:
        return DFL_CONT;
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
        return DFL_STOP;
    default:
        return DFL_TERM;
    }
}

static bool is_fatal_default(int sig) { return default_action(sig) <= DFL_CORE; }

static bool is_handler(u64 h) { return h != (u64)(uintptr_t)SIG_DFL && h != (u64)(uintptr_t)SIG_IGN; }

/* ---- catching ---- */

/* Where a blocking host call can be abandoned (syscall.c). */
extern const char lx_safe_syscall_start[], lx_safe_syscall_insn[], lx_safe_syscall_intr[];

static void record(LxThread *t, int sig, const void *si)
{
    memcpy(&t->info[sig], si, sizeof t->info[sig]);
    __atomic_or_fetch(&t->pending, LX_SIGBIT(sig), __ATOMIC_SEQ_CST);
    t->sig_flag = 1;
    exec_interrupt(t->cpu);
}

/* The host handler of every signal the guest handles (and, with a tool or
 * --strace, of those whose default action kills).  Async-signal-safe. */
static void host_signal(int sig, siginfo_t *si, void *ucv)
{
    int saved_errno = errno;
    ucontext_t *uc = ucv;
    u64 *mask = (u64 *)(void *)&uc->uc_sigmask;
    GuestCpu *cpu = exec_current();
    LxThread *t = cpu ? lx_thread(cpu) : NULL;
    *mask |= LX_SIGBIT(sig); /* no further instance until the guest has this one */
    if (!t || t->parked) {
        /* Not a thread running guest code (starting, ending): leave the
         * signal pending on the host, blocked, for another thread or later. */
        syscall(SYS_rt_tgsigqueueinfo, getpid(), syscall(SYS_gettid), sig, si);
        errno = saved_errno;
        return;
    }
    record(t, sig, si);
    /* Interrupted on its way into a blocking call: the call is not made
     * (syscall.c, lx_safe_syscall). */
    uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    if (pc >= (uintptr_t)lx_safe_syscall_start && pc <= (uintptr_t)lx_safe_syscall_insn)
        uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)lx_safe_syscall_intr;
    errno = saved_errno;
}

void lx_sync_host_action(int sig)
{
    if (sig < 1 || sig > 64 || (LX_SIGBIT(sig) & (UE_OWNED | LX_SIG_UNBLOCKABLE)))
        return;
    const LxSigAction *a = &lx_proc.sigactions[sig];
    /* What the kernel does with children follows SIGCHLD's flags. */
    unsigned long chld = sig == SIGCHLD ? a->flags & (SA_NOCLDSTOP | SA_NOCLDWAIT) : 0;
    if (a->handler == (u64)(uintptr_t)SIG_IGN)
        host_sigaction(sig, SIG_IGN, chld, 0);
    else if (a->handler == (u64)(uintptr_t)SIG_DFL && !(lx_proc.catch_fatal && is_fatal_default(sig)))
        host_sigaction(sig, SIG_DFL, chld, 0);
    else
        host_sigaction(sig, (void *)host_signal, SA_SIGINFO | SA_ONSTACK | chld, ~UE_OWNED);
}

void lx_signal(GuestCpu *cpu, int sig, int code)
{
    /* A sent SIGSEGV/SIGBUS, in ue's fault handler: the guest's disposition
     * decides, at delivery.  An ignored one is dropped now. */
    if (lx_proc.sigactions[sig].handler == (u64)(uintptr_t)SIG_IGN)
        return;
    LxSigInfo info = {.signo = sig, .code = code};
    record(lx_thread(cpu), sig, &info);
}

void lx_signals_init(LxProcess *lp)
{
    lp->catch_fatal = lp->strace || lp->gp.tool;
    /* A signal ignored by whoever ran ue stays ignored (nohup, & in a
     * non-interactive shell), as it would across execve. */
    for (int sig = 1; sig <= 64; sig++) {
        HostSigaction old;
        if (LX_SIGBIT(sig) & (UE_OWNED | LX_SIG_UNBLOCKABLE))
            continue;
        if (syscall(SYS_rt_sigaction, sig, NULL, &old, 8) == 0 && old.handler == SIG_IGN)
            lp->sigactions[sig].handler = (u64)(uintptr_t)SIG_IGN;
        else if (lp->catch_fatal && is_fatal_default(sig))
            lx_sync_host_action(sig);
    }
}

void lx_signals_changed(LxThread *t)
{
    if (__atomic_load_n(&t->pending, __ATOMIC_SEQ_CST) & ~t->sigmask) {
        t->sig_flag = 1;
        exec_interrupt(t->cpu);
    }
}

void lx_note_restart(GuestCpu *cpu, u64 nr, i64 code)
{
    LxThread *t = lx_thread(cpu);
    t->restart = code;
    t->restart_nr = nr;
    exec_interrupt(cpu); /* lx_interrupted settles it, signal or not */
}

/* ---- delivery ---- */

/* The kernel's choice among deliverable signals: synchronous ones first,
 * then the lowest number. */
static int next_signal(u64 ready)
{
    u64 sync = ready & SYNCHRONOUS;
    return __builtin_ctzll(sync ? sync : ready) + 1;
}

/* A handler is about to run: the interrupted call returns EINTR or is made
 * again (handle_signal). */
static void restart_for_handler(GuestCpu *cpu, LxThread *t, const LxSigAction *act)
{
    X86Regs *r = &cpu->regs;
    switch (t->restart) {
    case -LX_ERESTARTSYS:
        if (!(act->flags & SA_RESTART)) {
            r->gpr[X86_RAX] = (u64)-EINTR;
            break;
        }
        /* fall through */
    case -LX_ERESTARTNOINTR:
        r->gpr[X86_RAX] = t->restart_nr;
        r->rip -= 2; /* SYSCALL is 0f 05 */
        break;
    case -LX_ERESTARTNOHAND:
    case -LX_ERESTART_RESTARTBLOCK:
        r->gpr[X86_RAX] = (u64)-EINTR;
        break;
    }
    t->restart = 0;
}

/* No handler ran: the call is made again, with the mask it replaced. */
static void restart_without_handler(GuestCpu *cpu, LxThread *t)
{
    if (t->restart) {
        cpu->regs.gpr[X86_RAX] = t->restart_nr;
        cpu->regs.rip -= 2;
        t->restart = 0;
    }
    if (t->has_saved_mask) {
        t->sigmask = t->saved_mask;
        t->has_saved_mask = false;
    }
}

static LxSigAction action_of(int sig)
{
    pthread_mutex_lock(&lx_proc.lock);
    LxSigAction a = lx_proc.sigactions[sig];
    pthread_mutex_unlock(&lx_proc.lock);
    return a;
}

/* Run the guest's handler for sig: the frame, then the mask and flags the
 * kernel applies after it (signal_delivered). */
static void run_handler(GuestCpu *cpu, LxThread *t, int sig, const LxSigInfo *info, const LxSigAction *act)
{
    u64 saved = t->has_saved_mask ? t->saved_mask : t->sigmask;
    t->has_saved_mask = false;
    /* The stack the handler will run on: the alternate one is always one. */
    bool alt = (act->flags & SA_ONSTACK) && t->altstack_size;
    if (lx_proc.check_sp && !alt && !lx_stack_pointer_ok(cpu->regs.gpr[X86_RSP])) {
        char what[48];
        snprintf(what, sizeof what, "delivery of signal %d", sig);
        lx_stack_pivot(cpu, what);
    }
    if (lx_proc.strace)
        lx_strace_signal(info);
    if (!lx_setup_frame(cpu, sig, info, act, saved)) {
        /* force_sigsegv: no room for the frame.  SIGSEGV's own handler is
         * not tried again on a stack that failed. */
        LxSigInfo segv = {.signo = SIGSEGV, .code = SI_KERNEL};
        lx_die_by_signal(cpu, SIGSEGV, &segv);
    }
    t->sigmask |= act->mask;
    if (!(act->flags & SA_NODEFER))
        t->sigmask |= LX_SIGBIT(sig);
    t->sigmask &= ~LX_SIG_UNBLOCKABLE;
    if (act->flags & SA_RESETHAND) {
        pthread_mutex_lock(&lx_proc.lock);
        lx_proc.sigactions[sig].handler = (u64)(uintptr_t)SIG_DFL;
        pthread_mutex_unlock(&lx_proc.lock);
        lx_sync_host_action(sig);
    }
    if (t->altstack_flags & SS_AUTODISARM) {
        t->altstack_sp = t->altstack_size = 0;
        t->altstack_flags = SS_DISABLE;
    }
}

/* A signal whose action is the default reached the guest (ue caught it for
 * a tool or --strace, or the disposition changed after it was caught). */
static void take_default(GuestCpu *cpu, int sig, const LxSigInfo *info)
{
    switch (default_action(sig)) {
    case DFL_TERM:
    case DFL_CORE:
        lx_die_by_signal(cpu, sig, info);
    case DFL_STOP:
        kill(getpid(), SIGSTOP);
        return;
    case DFL_IGN:
    case DFL_CONT:
        return;
    }
}

void lx_interrupted(GuestCpu *cpu)
{
    LxThread *t = lx_thread(cpu);
    if (lx_proc.stopping)
        lx_park(t);
    if (lx_proc.holding)
        lx_hold_here(t);
    t->sig_flag = 0;
    bool handled = false;
    for (;;) {
        u64 ready = __atomic_load_n(&t->pending, __ATOMIC_SEQ_CST) & ~t->sigmask;
        if (!ready)
            break;
        int sig = next_signal(ready);
        LxSigInfo info = t->info[sig];
        __atomic_and_fetch(&t->pending, ~LX_SIGBIT(sig), __ATOMIC_SEQ_CST);
        LxSigAction act = action_of(sig);
        if (act.handler == (u64)(uintptr_t)SIG_IGN)
            continue;
        if (act.handler == (u64)(uintptr_t)SIG_DFL) {
            take_default(cpu, sig, &info);
            continue;
        }
        if (!handled)
            restart_for_handler(cpu, t, &act);
        handled = true;
        run_handler(cpu, t, sig, &info, &act);
    }
    if (!handled)
        restart_without_handler(cpu, t);
    lx_set_host_mask(t);
}

/* ---- synchronous signals ---- */

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

/* The one line reporting that a fault (or a sent SIGSEGV/SIGBUS) ends the
 * guest. */
static void report_death(GuestCpu *cpu, int sig, const char *why, const char *where)
{
    const char *abbr = sigabbrev_np(sig);
    ue_log("guest killed by SIG%s%s at pc 0x%llx%s", abbr ? abbr : "?", why, (unsigned long long)cpu->regs.rip, where);
}

/* ---- the end ---- */

static void run_tool_exit(int status, int *out)
{
    if (lx_proc.gp.log & EXEC_LOG_STATS)
        exec_print_stats(&lx_proc.gp);
    const ToolHooks *t = lx_proc.gp.tool;
    if (t && t->on_exit) {
        lx_proc.gp.tool = NULL; /* once, even if the tool's exit path faults */
        status = t->on_exit(&lx_proc.gp, status);
    }
    *out = status;
}

void lx_exit_group(int status)
{
    GuestCpu *cpu = exec_current();
    if (cpu && lx_proc.gp.tool)
        lx_stop_others(cpu);
    if (lx_proc.strace)
        lx_strace_exited(status & 0xff);
    run_tool_exit(status, &status);
    lx_vfork_child_exit();
    _exit(status & 0xff);
}

static const char *sender_code(int code)
{
    switch (code) {
    case SI_USER: return "SI_USER";
    case SI_TKILL: return "SI_TKILL";
    case SI_QUEUE: return "SI_QUEUE";
    case SI_KERNEL: return "SI_KERNEL";
    case SI_TIMER: return "SI_TIMER";
    default: return NULL;
    }
}

/* The end by signal sig.  why/where: lx_fault's report line (NULL: not
 * from a fault).  A tool that hears of the death (ToolHooks.on_fault)
 * tells of it in its own report — memcheck's "Process terminating with
 * default action of signal N", as Valgrind — and ue's line would say it
 * twice, so it is printed only without one; told: lx_fault already
 * called the tool. */
static UE_NORETURN void die(GuestCpu *cpu, int sig, const LxSigInfo *info, const char *why, const char *where,
                            bool told)
{
    const ToolHooks *tool = lx_proc.gp.tool;
    char sent[48];
    if (!told && tool && tool->on_fault) {
        tool->on_fault(cpu, sig, info->code, info->code > 0 ? info->u.fault.addr : 0);
        told = true;
    } else if (!why && (sig == SIGSEGV || sig == SIGBUS) && info->code <= 0) {
        /* A sent SIGSEGV/SIGBUS: ue caught it in its fault handler, so it
         * says what happened, as for a fault. */
        const char *sender = info->code == SI_TKILL ? "tkill/tgkill" : info->code == SI_QUEUE ? "sigqueue" : "kill";
        snprintf(sent, sizeof sent, " (sent by %s)", sender);
        why = sent;
        where = "";
    }
    if (lx_proc.gp.tool)
        lx_stop_others(cpu);
    if (lx_proc.strace) {
        const char *cn = code_name(sig, info->code);
        const char *sc = sender_code(info->code);
        char num[16];
        snprintf(num, sizeof num, "%d", info->code);
        lx_strace_killed(sig, *cn ? cn : sc ? sc : num, info->u.fault.addr);
    }
    if (why && !told)
        report_death(cpu, sig, why, where);
    int ignored;
    run_tool_exit(128 + sig, &ignored);
    /* Die of the signal itself, so that the shell and wait(2) see the truth
     * ("Segmentation fault", WTERMSIG).  No core file of ue: it would be a
     * core of the emulator, not of the guest. */
    if (default_action(sig) == DFL_CORE) {
        struct rlimit rl = {0, 0};
        setrlimit(RLIMIT_CORE, &rl);
    }
    u64 old;
    lx_block_host_signals(&old);
    if (sig == SIGSEGV || sig == SIGBUS)
        signal(sig, SIG_DFL);
    else
        host_sigaction(sig, SIG_DFL, 0, 0);
    syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);
    u64 only = ~LX_SIGBIT(sig);
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &only, NULL, 8);
    _exit(128 + sig); /* not reached */
}

void lx_die_by_signal(GuestCpu *cpu, int sig, const LxSigInfo *info) { die(cpu, sig, info, NULL, NULL, false); }

void lx_fault(GuestCpu *cpu, int sig, int code, GuestAddr addr)
{
    LxThread *t = lx_thread(cpu);
    LxSigAction act = action_of(sig);
    LxSigInfo info = {.signo = sig, .code = code};
    if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE)
        info.u.fault.addr = addr;
    /* force_sig_fault: a handler runs unless the signal is blocked or
     * ignored; then the default action (death) is forced. */
    if (is_handler(act.handler) && !(t->sigmask & LX_SIGBIT(sig))) {
        run_handler(cpu, t, sig, &info, &act);
        lx_set_host_mask(t);
        return;
    }
    char why[48] = "", where[300] = "";
    const char *cn = code_name(sig, code);
    if (*cn)
        snprintf(why, sizeof why, " (%s)", cn);
    if (sig == SIGSEGV || sig == SIGBUS)
        snprintf(where, sizeof where, ", fault address 0x%llx", (unsigned long long)addr);
    else if (sig == SIGILL)
        describe_insn(cpu, cpu->regs.rip, where, sizeof where);
    const ToolHooks *tool = lx_proc.gp.tool;
    if (tool && tool->on_fault) {
        /* What only ue knows goes first, as Valgrind's "Unrecognised
         * instruction" note comes before its report of the SIGILL. */
        if (sig == SIGILL)
            ue_log("guest pc 0x%llx%s", (unsigned long long)cpu->regs.rip, where);
        tool->on_fault(cpu, sig, code, addr); /* memcheck's "Process terminating..." */
        die(cpu, sig, &info, NULL, NULL, true);
    }
    die(cpu, sig, &info, why, where, false);
}

