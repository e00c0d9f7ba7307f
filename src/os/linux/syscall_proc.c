/*
 * syscall_proc.c — process and thread system calls whose state ue owns:
 * exit and exit_group, arch_prctl (the guest's FS/GS bases are virtual),
 * set_tid_address, and the entry points of clone, clone3, fork and vfork
 * (threads: thread.c; processes: fork.c).
 */
#include "os/linux/lx_priv.h"

#include <asm/prctl.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

/* A tool may run guest code before the process ends (exec.h,
 * on_exit_group): the call then returns, to that code. */
static bool tool_before_exit(GuestCpu *cpu, int status)
{
    const ToolHooks *t = lx_proc.gp.tool;
    return t && t->on_exit_group && t->on_exit_group(cpu, status);
}

/* exit: the thread's end; the last thread's is the process's. */
i64 sys_exit(GuestCpu *cpu, const u64 *a)
{
    if (lx_proc.nthreads > 1)
        lx_thread_exit(cpu);
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
    lx_thread(cpu)->clear_child_tid = a[0];
    return gettid();
}

/* rseq: not offered; glibc copes with ENOSYS. */
i64 sys_rseq(GuestCpu *cpu, const u64 *a)
{
    (void)cpu, (void)a;
    return -ENOSYS;
}

/* clone: a thread (CLONE_THREAD) or a process, as its flags say. */
i64 sys_clone(GuestCpu *cpu, const u64 *a)
{
    /* x86-64 order: flags, newsp, parent_tid, child_tid, tls. */
    if (a[0] & CLONE_THREAD)
        return lx_clone_thread(cpu, a[0], a[1], a[2], a[3], a[4]);
    return lx_clone_process(cpu, a[0], a[1], a[2], a[3], a[4]);
}

/* clone3(args, size): struct clone_args {flags, pidfd, child_tid,
 * parent_tid, exit_signal, stack, stack_size, tls, set_tid,
 * set_tid_size, cgroup}.  The features beyond clone's are refused. */
i64 sys_clone3(GuestCpu *cpu, const u64 *a)
{
    u64 ca[11] = {0};
    if (a[1] < 64 || a[1] > 4096)
        return -EINVAL;
    if (!lx_readable(a[0], a[1]))
        return -EFAULT;
    memcpy(ca, (const void *)(uintptr_t)a[0], UE_MIN(a[1], sizeof ca));
    for (u64 off = sizeof ca; off < a[1]; off++)
        if (((const u8 *)(uintptr_t)a[0])[off])
            return -E2BIG;
    u64 flags = ca[0], exit_signal = ca[4];
    if (exit_signal > 64 || (exit_signal && (flags & CLONE_THREAD)) || ca[8] || ca[9] || (flags & CLONE_PIDFD) ||
        (flags & 0xff) || (flags & (1ull << 32) /* CLONE_CLEAR_SIGHAND */) || (flags & (1ull << 33) /* INTO_CGROUP */))
        return -EINVAL;
    u64 sp = ca[5] ? ca[5] + ca[6] : 0;
    flags |= exit_signal;
    if (flags & CLONE_THREAD)
        return lx_clone_thread(cpu, flags, sp, ca[3], ca[2], ca[7]);
    return lx_clone_process(cpu, flags, sp, ca[3], ca[2], ca[7]);
}

i64 sys_fork(GuestCpu *cpu, const u64 *a)
{
    (void)a;
    return lx_clone_process(cpu, SIGCHLD, 0, 0, 0, 0);
}

i64 sys_vfork(GuestCpu *cpu, const u64 *a)
{
    (void)a;
    return lx_clone_process(cpu, CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0);
}
