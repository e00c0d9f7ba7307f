/*
 * thread.c — guest threads as host threads: clone with CLONE_THREAD starts
 * a host thread (a pthread of ue's, with its own host stack and signal
 * stack) that runs the dispatcher on a new GuestCpu; the guest thread's
 * tid is the host thread's, so tgkill, futexes and /proc/PID/task work
 * unchanged.  Thread exit, and stopping the other threads when the process
 * ends.
 *
 *   parent (in clone)                      child (thread_start)
 *   new GuestCpu = parent's registers,
 *     RAX 0, RSP newsp, FS base tls
 *   pthread_create, all signals blocked -> tid = gettid(); CLONE_CHILD_SETTID
 *   wait for start_state 1             <-  start_state = 1
 *   CLONE_PARENT_SETTID, add to list
 *   start_state = 2                    ->  host mask = the guest's; exec_run
 *   return tid
 *
 * A thread that exits (exit, not exit_group) clears and wakes its
 * clear_child_tid as the kernel does (what pthread_join waits on), after
 * releasing its robust futexes; its host thread then returns from its start
 * routine.  The process's first thread has no start routine of ue's to
 * return to: it ends with the raw exit system call, as a native main thread
 * calling pthread_exit would.
 */
#include "os/linux/lx_priv.h"

#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { HOST_STACK = 1u << 20 }; /* ue's own stack for a guest thread's dispatcher */

static long futex(int *addr, int op, int val)
{
    return syscall(SYS_futex, addr, op, val, NULL, NULL, 0);
}

LxThread *lx_thread_new(GuestCpu *cpu)
{
    LxThread *t = ue_calloc(1, sizeof *t);
    t->cpu = cpu;
    cpu->os = t;
    return t;
}

/* The lowest thread number no live thread has (under lx_proc.lock). */
static int free_thread_number(void)
{
    for (int n = 1;; n++) {
        LxThread *u = lx_proc.threads;
        while (u && u->cpu->tid != n)
            u = u->next;
        if (!u)
            return n;
    }
}

void lx_thread_add(LxThread *t)
{
    pthread_mutex_lock(&lx_proc.lock);
    /* Valgrind's thread numbers, as reports print them ("thread 2's
     * stack"): 1 for the first thread, the lowest free one for each new
     * thread; a forked child's only thread keeps the number it had. */
    if (!t->cpu->tid)
        t->cpu->tid = free_thread_number();
    t->next = lx_proc.threads;
    lx_proc.threads = t;
    lx_proc.nthreads++;
    pthread_mutex_unlock(&lx_proc.lock);
}

/* Unlink t; returns the number of threads left. */
static int thread_remove(LxThread *t)
{
    pthread_mutex_lock(&lx_proc.lock);
    for (LxThread **p = &lx_proc.threads; *p; p = &(*p)->next)
        if (*p == t) {
            *p = t->next;
            lx_proc.nthreads--;
            break;
        }
    int left = lx_proc.nthreads;
    pthread_mutex_unlock(&lx_proc.lock);
    return left;
}

static void *thread_start(void *arg)
{
    LxThread *t = arg;
    t->tid = (int)syscall(SYS_gettid);
    exec_thread_setup(); /* ue's signal stack, before any signal is let in */
    if (t->child_settid && lx_writable(t->child_settid, 4))
        *(volatile i32 *)(uintptr_t)t->child_settid = t->tid;
    __atomic_store_n(&t->start_state, 1, __ATOMIC_SEQ_CST);
    futex(&t->start_state, FUTEX_WAKE_PRIVATE, 1);
    while (__atomic_load_n(&t->start_state, __ATOMIC_SEQ_CST) != 2)
        futex(&t->start_state, FUTEX_WAIT_PRIVATE, 1);
    lx_set_host_mask(t);
    if (sigsetjmp(t->exit_jmp, 0) == 0)
        exec_run(t->cpu);
    /* lx_thread_exit came back here, every host signal blocked.  The
     * LxThread stays, as the GuestCpu does: a late signal may name it. */
    exec_cpu_release(t->cpu);
    exec_thread_teardown();
    return NULL;
}

i64 lx_clone_thread(GuestCpu *cpu, u64 flags, u64 newsp, u64 ptid, u64 ctid, u64 tls)
{
    /* The kernel's rules (copy_process): a thread shares the signal
     * handlers, which are shared only with the address space. */
    if (!(flags & CLONE_SIGHAND) || !(flags & CLONE_VM))
        return -EINVAL;
    lx_stack_clone(newsp);
    GuestCpu *child = exec_new_cpu(cpu->proc);
    child->regs = cpu->regs;
    child->regs.gpr[X86_RAX] = 0;
    if (newsp)
        child->regs.gpr[X86_RSP] = newsp;
    if (flags & CLONE_SETTLS)
        child->regs.fs_base = tls;
    LxThread *t = lx_thread_new(child);
    t->sigmask = lx_thread(cpu)->sigmask;
    t->altstack_flags = SS_DISABLE; /* sas_ss_reset: a thread has no alternate stack */
    t->clear_child_tid = (flags & CLONE_CHILD_CLEARTID) ? ctid : 0;
    t->child_settid = (flags & CLONE_CHILD_SETTID) ? ctid : 0;
    t->own_pthread = true;

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, HOST_STACK);
    pthread_t th;
    u64 old;
    lx_block_host_signals(&old); /* the new thread starts with all blocked */
    int e = pthread_create(&th, &attr, thread_start, t);
    lx_restore_host_signals(old);
    pthread_attr_destroy(&attr);
    if (e) {
        exec_cpu_release(child);
        return -EAGAIN;
    }
    while (__atomic_load_n(&t->start_state, __ATOMIC_SEQ_CST) == 0)
        futex(&t->start_state, FUTEX_WAIT_PRIVATE, 0);
    int tid = t->tid;
    if ((flags & CLONE_PARENT_SETTID) && lx_writable(ptid, 4))
        *(volatile i32 *)(uintptr_t)ptid = tid;
    lx_thread_add(t);
    __atomic_store_n(&t->start_state, 2, __ATOMIC_SEQ_CST);
    futex(&t->start_state, FUTEX_WAKE_PRIVATE, 1);
    return tid;
}

/* handle_futex_death: a futex the dead thread owned. */
static void futex_death(u64 addr, int tid)
{
    if (!lx_writable(addr, 4))
        return;
    u32 *word = (u32 *)(uintptr_t)addr;
    u32 v = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    if ((v & FUTEX_TID_MASK) != (u32)tid)
        return;
    u32 nv = (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
    if (__atomic_compare_exchange_n(word, &v, nv, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) && (v & FUTEX_WAITERS))
        futex((int *)word, FUTEX_WAKE, 1);
}

/* The kernel's exit_robust_list (kernel/futex/core.c): every futex on the
 * thread's robust list that it still owns gets FUTEX_OWNER_DIED and one
 * waiter woken.  Done here, before clear_child_tid, because the host
 * kernel would walk the list only when the host thread ends, by which time
 * the guest may have freed the thread's stack.  The host registration is
 * dropped first. */
static void release_robust_futexes(int tid)
{
    u64 head = 0, len = 0;
    if (syscall(SYS_get_robust_list, 0, &head, &len) != 0 || !head)
        return;
    syscall(SYS_set_robust_list, NULL, 24);
    if (!lx_readable(head, 24))
        return;
    const u64 *h = (const u64 *)(uintptr_t)head; /* {list.next, futex_offset, list_op_pending} */
    i64 off = (i64)h[1];
    u64 pending = h[2] & ~1ull, entry = h[0] & ~1ull;
    for (int limit = 2048; entry && entry != head && limit-- > 0;) {
        if (!lx_readable(entry, 8))
            break;
        u64 next = *(const u64 *)(uintptr_t)entry & ~1ull;
        if (entry != pending)
            futex_death(entry + (u64)off, tid);
        entry = next;
    }
    if (pending)
        futex_death(pending + (u64)off, tid);
}

void lx_thread_exit(GuestCpu *cpu)
{
    LxThread *t = lx_thread(cpu);
    lx_block_host_signals(NULL);
    t->parked = 1; /* the host handler hands signals to other threads now */
    if (thread_remove(t) == 0) {
        /* Raced with the other threads' exits: this one is the last. */
        lx_thread_add(t);
        t->parked = 0;
        lx_set_host_mask(t);
        return;
    }
    /* Signals ue caught for this thread and has not delivered go back to
     * the process, for another thread (a thread-directed one is lost, as
     * natively when a thread exits with it pending). */
    u64 left = __atomic_exchange_n(&t->pending, 0, __ATOMIC_SEQ_CST);
    for (int sig = 1; sig <= 64; sig++)
        if ((left & LX_SIGBIT(sig)) && sig != SIGSEGV && sig != SIGBUS)
            syscall(SYS_rt_sigqueueinfo, getpid(), sig, &t->info[sig]);
    release_robust_futexes(t->tid);
    if (t->clear_child_tid && lx_writable(t->clear_child_tid, 4)) {
        __atomic_store_n((u32 *)(uintptr_t)t->clear_child_tid, 0, __ATOMIC_SEQ_CST);
        futex((int *)(uintptr_t)t->clear_child_tid, FUTEX_WAKE, 1);
    }
    if (t->own_pthread)
        siglongjmp(t->exit_jmp, 1);
    /* The process's first thread: end only it (the process lives on). */
    for (;;)
        syscall(SYS_exit, 0);
}

void lx_park(LxThread *t)
{
    lx_block_host_signals(NULL);
    t->parked = 1;
    for (;;)
        syscall(SYS_pause);
}

void lx_stop_others(GuestCpu *cpu)
{
    LxThread *self = lx_thread(cpu);
    if (lx_proc.nthreads <= 1)
        return;
    lx_proc.stopping = 1;
    pthread_mutex_lock(&lx_proc.lock);
    for (LxThread *t = lx_proc.threads; t; t = t->next)
        if (t != self)
            exec_interrupt(t->cpu);
    pthread_mutex_unlock(&lx_proc.lock);
    /* Threads running guest code stop at their next block; those blocked
     * in a system call stop when it returns (they touch no guest memory
     * meanwhile, beyond what the call itself writes).  Up to a second. */
    for (int i = 0; i < 1000; i++) {
        bool all = true;
        pthread_mutex_lock(&lx_proc.lock);
        for (LxThread *t = lx_proc.threads; t; t = t->next)
            if (t != self && !t->parked && !t->in_syscall)
                all = false;
        pthread_mutex_unlock(&lx_proc.lock);
        if (all)
            return;
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
}

/* ---- holding the other threads while this one forks ---- */

void lx_hold_here(LxThread *t)
{
    t->held = 1;
    while (__atomic_load_n(&lx_proc.holding, __ATOMIC_SEQ_CST))
        futex((int *)&lx_proc.holding, FUTEX_WAIT_PRIVATE, 1);
    t->held = 0;
}

void lx_hold_others(GuestCpu *cpu)
{
    LxThread *self = lx_thread(cpu);
    if (lx_proc.nthreads <= 1)
        return;
    __atomic_store_n(&lx_proc.holding, 1, __ATOMIC_SEQ_CST);
    pthread_mutex_lock(&lx_proc.lock);
    for (LxThread *t = lx_proc.threads; t; t = t->next)
        if (t != self)
            exec_interrupt(t->cpu);
    pthread_mutex_unlock(&lx_proc.lock);
    /* Held at a safe point, or blocked in a host call (holding no lock of
     * ue's).  A thread that never gets there (a long translation) is waited
     * for up to a second. */
    for (int i = 0; i < 1000; i++) {
        bool all = true;
        pthread_mutex_lock(&lx_proc.lock);
        for (LxThread *t = lx_proc.threads; t; t = t->next)
            if (t != self && !t->parked && !t->held && !t->blocking)
                all = false;
        pthread_mutex_unlock(&lx_proc.lock);
        if (all)
            return;
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
}

void lx_release_others(void)
{
    if (!__atomic_load_n(&lx_proc.holding, __ATOMIC_SEQ_CST))
        return;
    __atomic_store_n(&lx_proc.holding, 0, __ATOMIC_SEQ_CST);
    futex((int *)&lx_proc.holding, FUTEX_WAKE_PRIVATE, 1 << 30);
}
