/*
 * syscall_signal.c — the signal system calls whose state ue owns:
 * dispositions (rt_sigaction), the per-thread mask (rt_sigprocmask), the
 * pending set (rt_sigpending), waiting for signals (rt_sigsuspend,
 * rt_sigtimedwait).  sigaltstack and rt_sigreturn are in sigframe.c.
 *
 * Each call keeps the host in step (signal.c): a disposition becomes the
 * host's, a mask the host thread's.  Sending (kill, tgkill, rt_sigqueueinfo)
 * and signalfd pass straight through: guest pids and tids are the host's,
 * and the host mask is the guest's.
 */
#include "os/linux/lx_priv.h"

#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>

/* Flag bits the kernel keeps (UAPI_SA_FLAGS on x86-64: NOCLDSTOP,
 * NOCLDWAIT, SIGINFO, EXPOSE_TAGBITS, RESTORER, ONSTACK, RESTART, NODEFER,
 * RESETHAND).  It clears the others, which is how a program probes for a
 * flag's support (SA_UNSUPPORTED, 0x400, must read back as 0). */
#define LX_SA_KNOWN 0xdc000807ull

/* Setting SIG_IGN (or SIG_DFL for a signal ignored by default) discards
 * what is pending (kernel/signal.c, do_sigaction). */
static void discard_pending(int sig)
{
    for (LxThread *t = lx_proc.threads; t; t = t->next)
        __atomic_and_fetch(&t->pending, ~LX_SIGBIT(sig), __ATOMIC_SEQ_CST);
}

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
    pthread_mutex_lock(&lx_proc.lock);
    LxSigAction *cur = &lx_proc.sigactions[sig];
    LxSigAction old = *cur;
    if (a[1]) {
        memcpy(cur, (const void *)(uintptr_t)a[1], sizeof *cur);
        cur->flags &= LX_SA_KNOWN;
        cur->mask &= ~LX_SIG_UNBLOCKABLE;
        bool dfl_ignored = sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
        if (cur->handler == (u64)(uintptr_t)SIG_IGN || (cur->handler == (u64)(uintptr_t)SIG_DFL && dfl_ignored))
            discard_pending(sig);
        lx_sync_host_action(sig);
    }
    pthread_mutex_unlock(&lx_proc.lock);
    if (a[2])
        memcpy((void *)(uintptr_t)a[2], &old, sizeof old);
    return 0;
}

i64 sys_rt_sigprocmask(GuestCpu *cpu, const u64 *a)
{
    LxThread *t = lx_thread(cpu);
    if (a[3] != 8)
        return -EINVAL;
    if ((a[1] && !lx_readable(a[1], 8)) || (a[2] && !lx_writable(a[2], 8)))
        return -EFAULT;
    u64 old = t->sigmask;
    if (a[1] && lx_proc.check_sp)
        lx_stack_setcontext(a);
    if (a[1]) {
        u64 set = *(const u64 *)(uintptr_t)a[1], m = t->sigmask;
        switch (a[0]) {
        case SIG_BLOCK: m |= set; break;
        case SIG_UNBLOCK: m &= ~set; break;
        case SIG_SETMASK: m = set; break;
        default: return -EINVAL;
        }
        t->sigmask = m & ~LX_SIG_UNBLOCKABLE;
        lx_set_host_mask(t);
        lx_signals_changed(t);
    }
    if (a[2])
        *(u64 *)(uintptr_t)a[2] = old;
    return 0;
}

/* Blocked signals pending for the thread or the process: the host's, and
 * those ue holds for the guest. */
i64 sys_rt_sigpending(GuestCpu *cpu, const u64 *a)
{
    LxThread *t = lx_thread(cpu);
    if (a[1] != 8)
        return -EINVAL;
    if (!lx_writable(a[0], 8))
        return -EFAULT;
    u64 host = 0;
    syscall(SYS_rt_sigpending, &host, 8);
    *(u64 *)(uintptr_t)a[0] = (host | __atomic_load_n(&t->pending, __ATOMIC_SEQ_CST)) & t->sigmask;
    return 0;
}

/* rt_sigsuspend(mask): wait with mask in place until a handler runs.  The
 * call ends in -ERESTARTNOHAND: the handler's frame saves the old mask, or
 * (no handler) the call is made again. */
i64 sys_rt_sigsuspend(GuestCpu *cpu, const u64 *a)
{
    LxThread *t = lx_thread(cpu);
    if (a[1] != 8)
        return -EINVAL;
    if (!lx_readable(a[0], 8))
        return -EFAULT;
    t->saved_mask = t->sigmask;
    t->has_saved_mask = true;
    t->sigmask = *(const u64 *)(uintptr_t)a[0] & ~LX_SIG_UNBLOCKABLE;
    lx_set_host_mask(t);
    lx_signals_changed(t);
    u64 none[6] = {0};
    t->sig_flag = 0;
    lx_signals_changed(t);
    while (!(__atomic_load_n(&t->pending, __ATOMIC_SEQ_CST) & ~t->sigmask)) {
        i64 r = lx_host_syscall(SYS_pause, none);
        if (r != -EINTR && r != -LX_ERESTARTNOINTR)
            break;
    }
    return -LX_ERESTARTNOHAND;
}

/* rt_sigtimedwait(set, info, timeout, size): a signal ue holds for the
 * thread first, else the host's wait (the host keeps the rest pending). */
i64 sys_rt_sigtimedwait(GuestCpu *cpu, const u64 *a)
{
    LxThread *t = lx_thread(cpu);
    if (a[3] != 8)
        return -EINVAL;
    if (!lx_readable(a[0], 8) || (a[1] && !lx_writable(a[1], sizeof(LxSigInfo))) || (a[2] && !lx_readable(a[2], 16)))
        return -EFAULT;
    u64 set = *(const u64 *)(uintptr_t)a[0] & ~LX_SIG_UNBLOCKABLE;
    u64 mine = __atomic_load_n(&t->pending, __ATOMIC_SEQ_CST) & set;
    if (mine) {
        int sig = __builtin_ctzll(mine) + 1;
        if (a[1])
            memcpy((void *)(uintptr_t)a[1], &t->info[sig], sizeof(LxSigInfo));
        __atomic_and_fetch(&t->pending, ~LX_SIGBIT(sig), __ATOMIC_SEQ_CST);
        lx_set_host_mask(t);
        return sig;
    }
    u64 b[6] = {(u64)(uintptr_t)&set, a[1], a[2], 8, 0, 0};
    i64 r = lx_host_syscall(SYS_rt_sigtimedwait, b);
    return r == -EINTR ? -LX_ERESTARTNOHAND : r;
}
