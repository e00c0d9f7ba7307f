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
 * (a close-on-exec pipe whose write end the child holds), as natively.  A
 * vfork child writing the parent's memory (posix_spawn's error report) is
 * not seen by the parent.
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

/* A descriptor of ue's own, out of the guest's way (fds are numbered
 * lowest-first: the guest must keep getting the numbers it expects). */
static int high_fd(int fd)
{
    struct rlimit rl;
    if (fd < 0 || getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < 64)
        return fd;
    int high = fcntl(fd, F_DUPFD_CLOEXEC, (int)UE_MIN(rl.rlim_cur - 16, 1u << 20));
    if (high < 0)
        return fd;
    close(fd);
    return high;
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
        vfork_pipe[0] = high_fd(vfork_pipe[0]);
        vfork_pipe[1] = high_fd(vfork_pipe[1]);
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
        if (vfork_pipe[0] >= 0)
            close(vfork_pipe[0]); /* the write end closes at execve or exit */
        become_child(cpu, flags, newsp, ctid, tls);
        return 0;
    }
    exec_after_fork(cpu, false);
    lx_restore_host_signals(old_mask);
    lx_release_others();
    if (vfork_pipe[1] >= 0)
        close(vfork_pipe[1]);
    if (pid < 0) {
        if (vfork_pipe[0] >= 0)
            close(vfork_pipe[0]);
        return -err;
    }
    if ((flags & CLONE_PARENT_SETTID) && lx_writable(ptid, 4))
        *(volatile i32 *)(uintptr_t)ptid = pid;
    if (vfork_pipe[0] >= 0) {
        char c;
        while (read(vfork_pipe[0], &c, 1) < 0 && errno == EINTR)
            ;
        close(vfork_pipe[0]);
    }
    return pid;
}
