/*
 * fork.c — new processes: fork, vfork and clone without CLONE_THREAD.  The
 * child is a host fork of ue: guest memory is identity-mapped, so the host
 * kernel copies it (private mappings) or keeps it shared (MAP_SHARED), as
 * it would for the guest; ue's own state (code cache, regions, tool state)
 * comes along and is made the child's own (exec_after_fork).
 *
 * Other guest threads are held at safe points around the fork (no lock of
 * ue's may be held in the child by a thread that does not exist there).
 *
 * vfork and clone(CLONE_VM|CLONE_VFORK) — glibc's posix_spawn — are done
 * as fork, as Valgrind does: the child cannot share the parent's memory
 * under ue, but the parent waits until the child has exec'd or exited
 * (a close-on-exec pipe whose write end the child holds), as natively.
 *
 * What a vfork child writes to the parent's memory is lost, but for one
 * part: a child that exits without exec'ing (posix_spawn's child after a
 * failed execve, which leaves the error in the parent's stack frame for
 * posix_spawn to return) sends the stack of the thread that vforked, from
 * its stack pointer at the vfork to the end of its region, back through
 * the pipe, and the parent writes it over its own (lx_vfork_child_exit):
 * natively that memory is shared and only the child runs on it meanwhile.
 * Writes elsewhere (globals, the heap) are still not seen.
 */
#include "os/linux/lx_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* clone flags the kernel rejects or ue cannot give a process. */
#define CLONE_NAMESPACES 0x7e020000ull /* CLONE_NEWNS..CLONE_NEWNET, CLONE_NEWCGROUP */

/* A vfork child: the pipe's write end, and the parent's stack in use at
 * the vfork ([lo, hi)) to send back if the child exits without exec. */
static int vfork_fd = -1;
static GuestAddr vfork_lo, vfork_hi;

void lx_vfork_child_exit(void)
{
    if (vfork_fd < 0)
        return;
    for (GuestAddr at = vfork_lo; at < vfork_hi;) {
        u64 len = UE_MIN(vfork_hi - at, 64 * 1024);
        u64 hdr[2] = {at, len};
        if (!lx_readable(at, len))
            break; /* the child unmapped it */
        ue_write_all(vfork_fd, hdr, sizeof hdr);
        ue_write_all(vfork_fd, (const void *)(uintptr_t)at, len);
        at += len;
    }
    ue_fd_close(vfork_fd);
    vfork_fd = -1;
}

/* The parent's side: the child's stack records until the pipe closes (the
 * child exec'd or ended).  Each record is applied where the parent's
 * memory is still writable. */
static void vfork_wait(int fd)
{
    u64 hdr[2];
    static u8 scratch[64 * 1024];
    while (ue_read_all(fd, hdr, sizeof hdr, -1) && hdr[1] <= sizeof scratch) {
        bool ok = lx_writable(hdr[0], hdr[1]);
        if (ok)
            exec_before_write(&lx_proc.gp, hdr[0], hdr[1]);
        if (!ue_read_all(fd, ok ? (void *)(uintptr_t)hdr[0] : scratch, hdr[1], -1))
            break;
    }
    ue_fd_close(fd);
}

/* The child's side: only this thread exists; registers as clone says. */
static void become_child(GuestCpu *cpu, u64 flags, u64 newsp, u64 ctid, u64 tls)
{
    LxThread *t = lx_thread(cpu);
    lx_proc.holding = 0;
    lx_proc.threads = NULL;
    lx_proc.nthreads = 0;
    t->next = NULL;
    t->tid = (int)syscall(SYS_gettid);
    lx_thread_add(t);
    /* The kernel gives a new process no pending signals. */
    __atomic_store_n(&t->pending, 0, __ATOMIC_SEQ_CST);
    t->sig_flag = 0;
    lx_set_host_mask(t);
    exec_after_fork(cpu, true);
    lx_proc.is_child = true;
    ue_log_set_pid(getpid());
    if (lx_proc.gp.tool && lx_proc.gp.tool->on_fork_child)
        lx_proc.gp.tool->on_fork_child();
    if (newsp) {
        lx_stack_clone(newsp);
        cpu->regs.gpr[X86_RSP] = newsp;
    }
    if (flags & CLONE_SETTLS)
        cpu->regs.fs_base = tls;
    if ((flags & CLONE_CHILD_SETTID) && lx_writable(ctid, 4))
        *(volatile i32 *)(uintptr_t)ctid = t->tid;
    t->clear_child_tid = (flags & CLONE_CHILD_CLEARTID) ? ctid : 0;
}

i64 lx_clone_process(GuestCpu *cpu, u64 flags, u64 newsp, u64 ptid, u64 ctid, u64 tls)
{
    if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
        return -EINVAL;
    if (flags & CLONE_NAMESPACES)
        return -EPERM;
    if ((flags & CLONE_VM) && !(flags & CLONE_VFORK)) {
        /* A process sharing the parent's memory without being a thread:
         * ue's own state would be shared too. */
        static bool warned;
        if (!warned)
            ue_log("clone(CLONE_VM) without CLONE_THREAD or CLONE_VFORK is not supported: the guest gets EINVAL");
        warned = true;
        return -EINVAL;
    }
    int vfork_pipe[2] = {-1, -1};
    if ((flags & CLONE_VFORK) && pipe2(vfork_pipe, O_CLOEXEC) == 0) {
        vfork_pipe[0] = ue_fd_high(vfork_pipe[0]);
        vfork_pipe[1] = ue_fd_high(vfork_pipe[1]);
    }
    lx_proc.forked = true;
    lx_hold_others(cpu);
    /* Signals wait on the host across the fork: one sent to the new child
     * at once must find its signal state ready (become_child). */
    u64 old_mask;
    lx_block_host_signals(&old_mask);
    exec_before_fork(&lx_proc.gp);
    pid_t pid = fork();
    int err = errno;
    if (pid == 0) {
        if (vfork_fd >= 0)
            ue_fd_close(vfork_fd); /* a vfork child forking: its parent waits for it alone */
        vfork_fd = vfork_pipe[1]; /* closes at execve, or at exit (lx_vfork_child_exit) */
        if (vfork_pipe[0] >= 0) {
            ue_fd_close(vfork_pipe[0]);
            MemRegion r;
            vfork_lo = cpu->regs.gpr[X86_RSP];
            vfork_hi = mem_region_at(&lx_proc.gp.mem, vfork_lo, &r) ? r.end : vfork_lo;
        }
        become_child(cpu, flags, newsp, ctid, tls);
        return 0;
    }
    exec_after_fork(cpu, false);
    lx_restore_host_signals(old_mask);
    lx_release_others();
    if (vfork_pipe[1] >= 0)
        ue_fd_close(vfork_pipe[1]);
    if (pid < 0) {
        if (vfork_pipe[0] >= 0)
            ue_fd_close(vfork_pipe[0]);
        return -err;
    }
    if (vfork_pipe[0] >= 0)
        vfork_wait(vfork_pipe[0]);
    /* After the vfork child's stack came back: it would undo the write. */
    if ((flags & CLONE_PARENT_SETTID) && lx_writable(ptid, 4))
        *(volatile i32 *)(uintptr_t)ptid = pid;
    return pid;
}
