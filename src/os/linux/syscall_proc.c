/*
 * syscall_proc.c — process and thread system calls whose state ue owns:
 * exit, arch_prctl (the guest's FS/GS bases are virtual), thread-id and
 * robust-list bookkeeping, signal dispositions and masks.
 *
 * Signals: dispositions are recorded for the guest.  SIG_IGN and SIG_DFL are
 * also applied to the host (so an ignored SIGPIPE makes write fail with
 * EPIPE, as the guest expects); guest handler functions are recorded, and
 * delivering signals to them comes with the Linux-layer issue.  The fault
 * signals ue itself needs (SIGSEGV, SIGBUS) are never handed to the host.
 */
#include "os/linux/lx_priv.h"

#include <asm/prctl.h>
#include <errno.h>
#include <signal.h>
#include <unistd.h>

/* A tool may run guest code before the process ends (exec.h,
 * on_exit_group): the call then returns, to that code. */
static bool tool_before_exit(GuestCpu *cpu, int status)
{
    const ToolHooks *t = lx_proc.gp.tool;
    return t && t->on_exit_group && t->on_exit_group(cpu, status);
}

i64 sys_exit(GuestCpu *cpu, const u64 *a)
{
    /* One guest thread: its exit is the process's. */
    if (tool_before_exit(cpu, (int)(a[0] & 0xff)))
        return 0;
    lx_exit_group((int)(a[0] & 0xff));
}

i64 sys_exit_group(GuestCpu *cpu, const u64 *a)
{
    if (tool_before_exit(cpu, (int)(a[0] & 0xff)))
        return 0;
    lx_exit_group((int)(a[0] & 0xff));
}

i64 sys_arch_prctl(GuestCpu *cpu, const u64 *a)
{
    X86Regs *r = &cpu->regs;
    switch (a[0]) {
    case ARCH_SET_FS:
        if (a[1] >= (1ull << 47))
            return -EPERM;
        r->fs_base = a[1];
        return 0;
    case ARCH_SET_GS:
        if (a[1] >= (1ull << 47))
            return -EPERM;
        r->gs_base = a[1];
        return 0;
    case ARCH_GET_FS:
    case ARCH_GET_GS:
        if (!lx_writable(a[1], 8))
            return -EFAULT;
        *(u64 *)(uintptr_t)a[1] = a[0] == ARCH_GET_FS ? r->fs_base : r->gs_base;
        return 0;
    default:
        return -EINVAL;
    }
}

i64 sys_set_tid_address(GuestCpu *cpu, const u64 *a)
{
    (void)cpu;
    lx_proc.clear_child_tid = a[0];
    return gettid();
}

/* The robust futex list is recorded, not given to the host: the host
 * thread is ue's, and the list only matters when a thread dies holding a
 * lock (threads come with the Linux-layer issue). */
i64 sys_set_robust_list(GuestCpu *cpu, const u64 *a)
{
    (void)cpu;
    if (a[1] != 24) /* sizeof(struct robust_list_head) */
        return -EINVAL;
    lx_proc.robust_list = a[0];
    return 0;
}

i64 sys_get_robust_list(GuestCpu *cpu, const u64 *a)
{
    if (a[0] != 0 && (pid_t)a[0] != gettid())
        return lx_host_syscall(cpu->regs.gpr[X86_RAX], a);
    if (!lx_writable(a[1], 8) || !lx_writable(a[2], 8))
        return -EFAULT;
    *(u64 *)(uintptr_t)a[1] = lx_proc.robust_list;
    *(u64 *)(uintptr_t)a[2] = 24;
    return 0;
}

/* rseq: not offered; glibc copes with ENOSYS. */
i64 sys_rseq(GuestCpu *cpu, const u64 *a)
{
    (void)cpu, (void)a;
    return -ENOSYS;
}

static bool ue_owns_signal(int sig) { return sig == SIGSEGV || sig == SIGBUS; }

/* Flag bits the kernel keeps (UAPI_SA_FLAGS on x86-64: NOCLDSTOP,
 * NOCLDWAIT, SIGINFO, EXPOSE_TAGBITS, RESTORER, ONSTACK, RESTART, NODEFER,
 * RESETHAND).  It clears the others, which is how a program probes for a
 * flag's support (SA_UNSUPPORTED, 0x400, must read back as 0). */
#define LX_SA_KNOWN 0xdc000807ull
#define LX_SIG_UNBLOCKABLE ((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)))

/* rt_sigaction(sig, act, oldact, sigsetsize), checked in the kernel's order
 * (kernel/signal.c): size, then the signal number (SIGKILL and SIGSTOP may
 * be read, not set), then the pointers. */
i64 sys_rt_sigaction(GuestCpu *cpu, const u64 *a)
{
    (void)cpu;
    int sig = (int)a[0];
    if (a[3] != 8)
        return -EINVAL;
    if (sig < 1 || sig > 64 || (a[1] && (sig == SIGKILL || sig == SIGSTOP)))
        return -EINVAL;
    if ((a[1] && !lx_readable(a[1], sizeof(LxSigAction))) || (a[2] && !lx_writable(a[2], sizeof(LxSigAction))))
        return -EFAULT;
    LxSigAction *cur = &lx_proc.sigactions[sig];
    LxSigAction old = *cur;
    if (a[1]) {
        memcpy(cur, (const void *)(uintptr_t)a[1], sizeof *cur);
        cur->flags &= LX_SA_KNOWN;
        cur->mask &= ~LX_SIG_UNBLOCKABLE;
        /* SIG_IGN and SIG_DFL take effect on the host too, so that, say, an
         * ignored SIGPIPE makes write fail with EPIPE.  A guest handler
         * leaves the host as it was: delivery to guest handlers comes with
         * the signal work (see signal.c). */
        if (!ue_owns_signal(sig) && (cur->handler == (u64)(uintptr_t)SIG_IGN || cur->handler == (u64)(uintptr_t)SIG_DFL))
            signal(sig, cur->handler == (u64)(uintptr_t)SIG_IGN ? SIG_IGN : SIG_DFL);
    }
    if (a[2])
        memcpy((void *)(uintptr_t)a[2], &old, sizeof old);
    return 0;
}

i64 sys_rt_sigprocmask(GuestCpu *cpu, const u64 *a)
{
    (void)cpu;
    if (a[3] != 8)
        return -EINVAL;
    if ((a[1] && !lx_readable(a[1], 8)) || (a[2] && !lx_writable(a[2], 8)))
        return -EFAULT;
    u64 old = lx_proc.sigmask;
    if (a[1]) {
        u64 set = *(const u64 *)(uintptr_t)a[1];
        switch (a[0]) {
        case SIG_BLOCK: lx_proc.sigmask |= set; break;
        case SIG_UNBLOCK: lx_proc.sigmask &= ~set; break;
        case SIG_SETMASK: lx_proc.sigmask = set; break;
        default: return -EINVAL;
        }
        lx_proc.sigmask &= ~LX_SIG_UNBLOCKABLE;
    }
    if (a[2])
        *(u64 *)(uintptr_t)a[2] = old;
    return 0;
}

#define LX_SS_AUTODISARM (1u << 31)
#define LX_MINSIGSTKSZ 2048 /* the kernel's, not glibc's sysconf-based macro */

/* sigaltstack(ss, old_ss), as the kernel's do_sigaltstack: the stack is
 * recorded for the signal frames to come; with no delivery yet the guest
 * is never running on it (so never EPERM, never SS_ONSTACK).  stack_t is
 * {void *ss_sp; int ss_flags; size_t ss_size;}. */
i64 sys_sigaltstack(GuestCpu *cpu, const u64 *a)
{
    (void)cpu;
    if ((a[0] && !lx_readable(a[0], 24)) || (a[1] && !lx_writable(a[1], 24)))
        return -EFAULT;
    u64 old_sp = lx_proc.altstack_sp, old_size = lx_proc.altstack_size;
    u32 old_flags = (old_size ? 0 : SS_DISABLE) | lx_proc.altstack_flags;
    if (a[0]) {
        const u8 *ss = (const u8 *)(uintptr_t)a[0];
        u64 sp, size;
        u32 flags;
        memcpy(&sp, ss, 8);
        memcpy(&flags, ss + 8, 4);
        memcpy(&size, ss + 16, 8);
        u32 mode = flags & ~LX_SS_AUTODISARM;
        if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
            return -EINVAL;
        if (mode == SS_DISABLE) {
            sp = size = 0;
        } else if (size < LX_MINSIGSTKSZ) {
            return -ENOMEM;
        }
        lx_proc.altstack_sp = sp;
        lx_proc.altstack_size = size;
        lx_proc.altstack_flags = flags & LX_SS_AUTODISARM;
    }
    if (a[1]) {
        u8 *o = (u8 *)(uintptr_t)a[1];
        memset(o, 0, 24);
        memcpy(o, &old_sp, 8);
        memcpy(o + 8, &old_flags, 4);
        memcpy(o + 16, &old_size, 8);
    }
    return 0;
}

/* Processes and exec come with the Linux-layer issue. */
i64 sys_clone(GuestCpu *cpu, const u64 *a) { (void)cpu, (void)a; return -ENOSYS; }
i64 sys_clone3(GuestCpu *cpu, const u64 *a) { (void)cpu, (void)a; return -ENOSYS; }
i64 sys_fork(GuestCpu *cpu, const u64 *a) { (void)cpu, (void)a; return -ENOSYS; }
i64 sys_vfork(GuestCpu *cpu, const u64 *a) { (void)cpu, (void)a; return -ENOSYS; }
i64 sys_execve(GuestCpu *cpu, const u64 *a) { (void)cpu, (void)a; return -ENOSYS; }
i64 sys_execveat(GuestCpu *cpu, const u64 *a) { (void)cpu, (void)a; return -ENOSYS; }
