/*
 * syscall_io.c — I/O and IPC calls that pass to the host but need more
 * than the table's pointer check (syscall.c, pointers_ok):
 *
 *   - pointers the kernel reads from the guest's structures (iovec arrays,
 *     msghdr names, buffers and control data, mmsghdr vectors, fd_sets,
 *     pollfd and epoll_event arrays) must lie in the guest window too: a
 *     guest must not make the kernel read or write ue's own memory;
 *   - ppoll, pselect6, epoll_pwait and epoll_pwait2 install a signal mask
 *     for the time of the wait: it is the guest's, kept by ue (signal.c),
 *     so the mask is applied as rt_sigsuspend applies it and the host call
 *     made without one;
 *   - ue's own descriptors (its --log-file, its copy of the report's
 *     stderr, the objects it reads debug information from; base.h,
 *     ue_fd_reserved) are not the guest's: close, dup2, dup3 and
 *     close_range leave them alone, as Valgrind does.
 */
#include "os/linux/lx_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/prctl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { UIO_MAXIOV = 1024 };

/* ---- pointers inside structures ---- */

/* An iovec array of n entries, and every buffer it names. */
static bool iov_ok(u64 iov, u64 n)
{
    if (n == 0)
        return true;
    if (!lx_guest_ptr(iov, n * 16) || !lx_readable(iov, n * 16))
        return false;
    const u64 *v = (const u64 *)(uintptr_t)iov;
    for (u64 i = 0; i < n; i++)
        if (v[2 * i + 1] && !lx_guest_ptr(v[2 * i], v[2 * i + 1]))
            return false;
    return true;
}

static i64 pass_iov(GuestCpu *cpu, const u64 *a)
{
    if (a[2] > UIO_MAXIOV)
        return -EINVAL;
    if (!iov_ok(a[1], a[2]))
        return -EFAULT;
    return lx_host_syscall(cpu->regs.gpr[X86_RAX], a);
}

i64 sys_readv(GuestCpu *cpu, const u64 *a) { return pass_iov(cpu, a); }
i64 sys_writev(GuestCpu *cpu, const u64 *a) { return pass_iov(cpu, a); }
i64 sys_preadv(GuestCpu *cpu, const u64 *a) { return pass_iov(cpu, a); }
i64 sys_pwritev(GuestCpu *cpu, const u64 *a) { return pass_iov(cpu, a); }
i64 sys_preadv2(GuestCpu *cpu, const u64 *a) { return pass_iov(cpu, a); }
i64 sys_pwritev2(GuestCpu *cpu, const u64 *a) { return pass_iov(cpu, a); }

/* struct msghdr {name, namelen, iov, iovlen, control, controllen, flags}:
 * 56 bytes. */
static bool msghdr_ok(u64 m)
{
    if (!lx_guest_ptr(m, 56) || !lx_readable(m, 56))
        return false;
    const u64 *h = (const u64 *)(uintptr_t)m;
    u32 namelen = (u32)h[1];
    if (h[0] && namelen && !lx_guest_ptr(h[0], namelen))
        return false;
    if (h[3] > UIO_MAXIOV || !iov_ok(h[2], h[3]))
        return false;
    return !h[4] || !h[5] || lx_guest_ptr(h[4], h[5]);
}

i64 sys_sendmsg(GuestCpu *cpu, const u64 *a)
{
    if (!msghdr_ok(a[1]))
        return -EFAULT;
    return lx_host_syscall(cpu->regs.gpr[X86_RAX], a);
}

i64 sys_recvmsg(GuestCpu *cpu, const u64 *a) { return sys_sendmsg(cpu, a); }

/* sendmmsg/recvmmsg: vlen struct mmsghdr {msghdr, msg_len} of 64 bytes. */
i64 sys_sendmmsg(GuestCpu *cpu, const u64 *a)
{
    u64 n = UE_MIN(a[2], (u64)UIO_MAXIOV);
    if (!lx_guest_ptr(a[1], n * 64))
        return -EFAULT;
    for (u64 i = 0; i < n; i++)
        if (!msghdr_ok(a[1] + 64 * i))
            return -EFAULT;
    return lx_host_syscall(cpu->regs.gpr[X86_RAX], a);
}

i64 sys_recvmmsg(GuestCpu *cpu, const u64 *a)
{
    if (a[4] && !lx_guest_ptr(a[4], 16))
        return -EFAULT;
    return sys_sendmmsg(cpu, a);
}

i64 sys_poll(GuestCpu *cpu, const u64 *a)
{
    if (a[1] && !lx_guest_ptr(a[0], a[1] * 8))
        return -EFAULT;
    return lx_host_syscall(cpu->regs.gpr[X86_RAX], a);
}

/* The fd_sets of select: nfds bits each, in longs. */
static bool fdsets_ok(const u64 *a)
{
    if ((i64)a[0] < 0)
        return true; /* the host says EINVAL */
    u64 bytes = UE_ALIGN_UP(UE_MIN(a[0], (u64)1 << 20), 64) / 8;
    for (int i = 1; i <= 3; i++)
        if (a[i] && !lx_guest_ptr(a[i], bytes))
            return false;
    return true;
}

i64 sys_select(GuestCpu *cpu, const u64 *a)
{
    if (!fdsets_ok(a) || (a[4] && !lx_guest_ptr(a[4], 16)))
        return -EFAULT;
    return lx_host_syscall(cpu->regs.gpr[X86_RAX], a);
}

i64 sys_epoll_wait(GuestCpu *cpu, const u64 *a)
{
    if ((i32)a[2] > 0 && !lx_guest_ptr(a[1], (u64)(i32)a[2] * 12))
        return -EFAULT;
    return lx_host_syscall(cpu->regs.gpr[X86_RAX], a);
}

/* ---- waits with a signal mask ---- */

/* Make the call (nr, b: the host's arguments, without a mask) with the
 * guest's mask *mask_ptr in place (NULL: none), as the kernel's
 * set_user_sigmask / restore_saved_sigmask_unless do: interrupted, the call
 * returns -ERESTARTNOHAND and the handler's frame saves the old mask;
 * otherwise the old mask comes back at once. */
static i64 wait_with_mask(GuestCpu *cpu, u64 nr, const u64 *b, u64 mask_ptr, u64 size)
{
    LxThread *t = lx_thread(cpu);
    if (!mask_ptr)
        return lx_host_syscall(nr, b);
    if (size != 8)
        return -EINVAL;
    if (!lx_readable(mask_ptr, 8))
        return -EFAULT;
    t->saved_mask = t->sigmask;
    t->has_saved_mask = true;
    t->sigmask = *(const u64 *)(uintptr_t)mask_ptr & ~LX_SIG_UNBLOCKABLE;
    lx_set_host_mask(t);
    lx_signals_changed(t);
    i64 r = lx_host_syscall(nr, b);
    if (r == -EINTR || r == -LX_ERESTARTNOINTR)
        return -LX_ERESTARTNOHAND;
    t->sigmask = t->saved_mask;
    t->has_saved_mask = false;
    lx_set_host_mask(t);
    return r;
}

i64 sys_ppoll(GuestCpu *cpu, const u64 *a)
{
    if ((a[1] && !lx_guest_ptr(a[0], a[1] * 8)) || (a[2] && !lx_guest_ptr(a[2], 16)))
        return -EFAULT;
    u64 b[6] = {a[0], a[1], a[2], 0, 8, 0};
    return wait_with_mask(cpu, SYS_ppoll, b, a[3], a[4]);
}

/* pselect6's sixth argument: {const sigset_t *ss; size_t ss_len}. */
i64 sys_pselect6(GuestCpu *cpu, const u64 *a)
{
    if (!fdsets_ok(a) || (a[4] && !lx_guest_ptr(a[4], 16)) || (a[5] && !lx_readable(a[5], 16)))
        return -EFAULT;
    u64 mask = 0, size = 0;
    if (a[5]) {
        mask = ((const u64 *)(uintptr_t)a[5])[0];
        size = ((const u64 *)(uintptr_t)a[5])[1];
    }
    u64 b[6] = {a[0], a[1], a[2], a[3], a[4], 0};
    return wait_with_mask(cpu, SYS_pselect6, b, mask, size);
}

i64 sys_epoll_pwait(GuestCpu *cpu, const u64 *a)
{
    if ((i32)a[2] > 0 && !lx_guest_ptr(a[1], (u64)(i32)a[2] * 12))
        return -EFAULT;
    u64 b[6] = {a[0], a[1], a[2], a[3], 0, 8};
    return wait_with_mask(cpu, SYS_epoll_pwait, b, a[4], a[5]);
}

i64 sys_epoll_pwait2(GuestCpu *cpu, const u64 *a)
{
    if (((i32)a[2] > 0 && !lx_guest_ptr(a[1], (u64)(i32)a[2] * 12)) || (a[3] && !lx_guest_ptr(a[3], 16)))
        return -EFAULT;
    u64 b[6] = {a[0], a[1], a[2], a[3], 0, 8};
    return wait_with_mask(cpu, 441 /* epoll_pwait2 */, b, a[4], a[5]);
}

/* ---- ue's own descriptors ---- */

bool lx_ue_fd(i64 fd) { return fd > 2 && (fd == ue_log_fd() || ue_fd_own(fd)); }

i64 sys_close(GuestCpu *cpu, const u64 *a)
{
    if (lx_ue_fd((i32)a[0]))
        return -EBADF;
    return lx_host_syscall(cpu->regs.gpr[X86_RAX], a);
}

i64 sys_dup2(GuestCpu *cpu, const u64 *a)
{
    if (lx_ue_fd((i32)a[0]) || lx_ue_fd((i32)a[1]))
        return -EBADF;
    return lx_host_syscall(cpu->regs.gpr[X86_RAX], a);
}

i64 sys_dup3(GuestCpu *cpu, const u64 *a) { return sys_dup2(cpu, a); }

/* The lowest of ue's descriptors in [from, last], or -1. */
static i64 next_ue_fd(u64 from, u64 last)
{
    int base = ue_fd_reserved();
    i64 best = lx_ue_fd(ue_log_fd()) && (u64)ue_log_fd() >= from && (u64)ue_log_fd() <= last ? ue_log_fd() : -1;
    for (int i = 0; base >= 0 && i < UE_FD_RESERVE; i++) {
        u64 fd = (u64)base + (u64)i;
        if (fd >= from && fd <= last && (best < 0 || fd < (u64)best) && ue_fd_own((i64)fd))
            best = (i64)fd;
    }
    return best;
}

/* close_range(first, last, flags): the stretches between ue's own
 * descriptors. */
i64 sys_close_range(GuestCpu *cpu, const u64 *a)
{
    u64 from = (u32)a[0], last = (u32)a[1];
    if (from > last)
        return -EINVAL;
    for (;;) {
        i64 mine = next_ue_fd(from, last);
        if (mine != (i64)from) {
            u64 b[6] = {from, mine < 0 ? last : (u64)mine - 1, a[2], 0, 0, 0};
            i64 r = lx_host_syscall(cpu->regs.gpr[X86_RAX], b);
            if (r != 0)
                return r;
        }
        if (mine < 0 || (u64)mine >= last)
            return 0;
        from = (u64)mine + 1;
    }
}

/* ---- prctl ---- */

/* The options that read or write guest memory are checked; the ones that
 * would change ue's own process in ways the guest must not (seccomp
 * filters on ue's system calls, the mm fields behind /proc/self) are
 * refused with EINVAL; the rest pass. */
i64 sys_prctl(GuestCpu *cpu, const u64 *a)
{
    switch ((int)a[0]) {
    case PR_SET_NAME:
        if (!lx_readable(a[1], 1))
            return -EFAULT;
        break;
    case PR_GET_NAME:
        if (!lx_writable(a[1], 16))
            return -EFAULT;
        break;
    case PR_GET_PDEATHSIG:
    case PR_GET_CHILD_SUBREAPER:
    case PR_GET_TSC:
    case PR_GET_FPEXC:
    case PR_GET_ENDIAN:
    case PR_GET_UNALIGN:
        if (!lx_writable(a[1], 4))
            return -EFAULT;
        break;
    case PR_GET_TID_ADDRESS:
        if (!lx_writable(a[1], 8))
            return -EFAULT;
        *(u64 *)(uintptr_t)a[1] = lx_thread(cpu)->clear_child_tid;
        return 0;
    case PR_SET_SECCOMP:
    case PR_SET_MM:
        return -EINVAL;
    default:
        break;
    }
    return lx_host_syscall(cpu->regs.gpr[X86_RAX], a);
}
