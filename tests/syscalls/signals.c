/*
 * signals.c — signal state without delivery: rt_sigaction round trips
 * (handler, flags, mask, restorer; SIG_IGN/SIG_DFL; SIGKILL/SIGSTOP;
 * bad sizes and numbers), rt_sigprocmask (block, unblock, set, bad how),
 * rt_sigpending, and signals sent to ourselves that are ignored (kill,
 * tkill, tgkill) or blocked, or signal 0.
 */
#include "nolibc.h"

#include <signal.h>

struct ksigaction {
    u64 handler, flags, restorer, mask;
};

#define SA_RESTORER_ 0x04000000
#define SA_UNSUPPORTED_ 0x400

static void handler(int sig) { (void)sig; }
static void restorer(void) {}

static void show_act(const char *what, long r, const struct ksigaction *k)
{
    if (r < 0)
        show(what, r);
    else
        pr("%s: handler %s flags %lx restorer %s mask %lx\n", what,
           k->handler == (u64)handler ? "ours" : k->handler == 1 ? "SIG_IGN" : k->handler == 0 ? "SIG_DFL" : "?",
           k->flags, k->restorer == (u64)restorer ? "ours" : k->restorer ? "other" : "none", k->mask);
}

static void actions(void)
{
    struct ksigaction act = {(u64)handler, SA_RESTORER_ | SA_RESTART | SA_SIGINFO, (u64)restorer, 1UL << (SIGUSR2 - 1)};
    struct ksigaction old = {9, 9, 9, 9};
    show_act("SIGUSR1 initially", SYS4(__NR_rt_sigaction, SIGUSR1, 0, &old, 8), &old);
    show("set SIGUSR1", SYS4(__NR_rt_sigaction, SIGUSR1, &act, 0, 8));
    show_act("SIGUSR1 read back", SYS4(__NR_rt_sigaction, SIGUSR1, 0, &old, 8), &old);
    struct ksigaction ign = {1, SA_RESTORER_, (u64)restorer, 0};
    show_act("SIGUSR1 set to SIG_IGN, old", SYS4(__NR_rt_sigaction, SIGUSR1, &ign, &old, 8), &old);
    show_act("SIGUSR1 now", SYS4(__NR_rt_sigaction, SIGUSR1, 0, &old, 8), &old);
    struct ksigaction odd = {(u64)handler, SA_RESTORER_ | SA_UNSUPPORTED_, (u64)restorer, ~0UL};
    SYS4(__NR_rt_sigaction, SIGUSR2, &odd, 0, 8);
    show_act("unknown flag bits and SIGKILL/SIGSTOP in the mask", SYS4(__NR_rt_sigaction, SIGUSR2, 0, &old, 8), &old);
    show_act("SIGKILL read", SYS4(__NR_rt_sigaction, SIGKILL, 0, &old, 8), &old);
    show("SIGKILL set", SYS4(__NR_rt_sigaction, SIGKILL, &act, 0, 8));
    show("SIGSTOP set to SIG_IGN", SYS4(__NR_rt_sigaction, SIGSTOP, &ign, 0, 8));
    show("signal 0", SYS4(__NR_rt_sigaction, 0, 0, &old, 8));
    show("signal 65", SYS4(__NR_rt_sigaction, 65, 0, &old, 8));
    show("sigsetsize 4", SYS4(__NR_rt_sigaction, SIGUSR1, 0, &old, 4));
    show("act at a bad address", SYS4(__NR_rt_sigaction, SIGUSR1, 0x10, 0, 8));
    show("oldact at a bad address", SYS4(__NR_rt_sigaction, SIGUSR1, 0, 0x10, 8));
    show_act("SIGRTMIN+2 (64-bit mask word)", SYS4(__NR_rt_sigaction, 36, 0, &old, 8), &old);
    /* x86 has no write-only pages: the kernel reads act from a PROT_WRITE one. */
    struct ksigaction *wo = (struct ksigaction *)SYS6(__NR_mmap, 0, 4096, 2 /* PROT_WRITE */, 0x22, -1, 0);
    *wo = act;
    show("act in a write-only page", SYS4(__NR_rt_sigaction, SIGUSR2, wo, 0, 8));
    SYS3(__NR_mprotect, wo, 4096, 0 /* PROT_NONE */);
    show("act in a PROT_NONE page", SYS4(__NR_rt_sigaction, SIGUSR2, wo, 0, 8));
    SYS2(__NR_munmap, wo, 4096);
    show_act("signal 64", SYS4(__NR_rt_sigaction, 64, 0, &old, 8), &old);
}

static void masks(void)
{
    u64 set = (1UL << (SIGUSR1 - 1)) | (1UL << (SIGKILL - 1)) | (1UL << (SIGSTOP - 1)), old = 7;
    show("block USR1, KILL, STOP", SYS4(__NR_rt_sigprocmask, SIG_BLOCK, &set, &old, 8));
    pr("  old mask %lx\n", old);
    SYS4(__NR_rt_sigprocmask, SIG_BLOCK, 0, &old, 8);
    pr("  mask now %lx (KILL and STOP cannot be blocked)\n", old);
    set = 1UL << (SIGUSR2 - 1);
    SYS4(__NR_rt_sigprocmask, SIG_BLOCK, &set, 0, 8);
    set = 1UL << (SIGUSR1 - 1);
    SYS4(__NR_rt_sigprocmask, SIG_UNBLOCK, &set, &old, 8);
    SYS4(__NR_rt_sigprocmask, SIG_SETMASK, 0, &old, 8);
    pr("  after unblocking USR1: %lx\n", old);
    set = 1UL << (SIGHUP - 1);
    SYS4(__NR_rt_sigprocmask, SIG_SETMASK, &set, 0, 8);
    SYS4(__NR_rt_sigprocmask, 12345, 0, &old, 8);
    pr("  after SETMASK HUP: %lx\n", old);
    show("bad how", SYS4(__NR_rt_sigprocmask, 12345, &set, 0, 8));
    show("bad size", SYS4(__NR_rt_sigprocmask, SIG_BLOCK, &set, 0, 4));
    show("set at a bad address", SYS4(__NR_rt_sigprocmask, SIG_BLOCK, 0x10, 0, 8));
    set = 0;
    SYS4(__NR_rt_sigprocmask, SIG_SETMASK, &set, 0, 8);
}

static void self_signals(void)
{
    struct ksigaction ign = {1, SA_RESTORER_, (u64)restorer, 0};
    SYS4(__NR_rt_sigaction, SIGUSR1, &ign, 0, 8);
    SYS4(__NR_rt_sigaction, SIGUSR2, &ign, 0, 8);
    SYS4(__NR_rt_sigaction, SIGPIPE, &ign, 0, 8);
    long pid = SYS0(__NR_getpid), tid = SYS0(__NR_gettid);
    show("kill self SIGUSR1 (ignored)", SYS2(__NR_kill, pid, SIGUSR1));
    show("tkill self SIGUSR2 (ignored)", SYS2(__NR_tkill, tid, SIGUSR2));
    show("tgkill self SIGUSR1 (ignored)", SYS3(__NR_tgkill, pid, tid, SIGUSR1));
    show("kill signal 0", SYS2(__NR_kill, pid, 0));
    show("kill bad signal", SYS2(__NR_kill, pid, 1000));
    show("kill a missing process", SYS2(__NR_kill, 0x3fffffff, 0));
    show("tgkill wrong tgid", SYS3(__NR_tgkill, 0x3fffffff, tid, 0));
    int p[2];
    SYS1(__NR_pipe, p);
    SYS1(__NR_close, p[0]);
    show("write to a pipe without reader, SIGPIPE ignored", SYS3(__NR_write, p[1], "x", 1));
    u64 pending = 99;
    show("rt_sigpending", SYS2(__NR_rt_sigpending, &pending, 8));
    pr("  pending %lx\n", pending);
}

/* stack_t as the kernel has it. */
struct kstack {
    void *sp;
    int flags;
    u64 size;
};

static void altstack(void)
{
    static char stack_mem[16384];
    struct kstack ss = {stack_mem, 0, sizeof stack_mem}, old = {(void *)1, 77, 77};
    show("sigaltstack query", SYS2(__NR_sigaltstack, 0, &old));
    pr("  sp set %d flags %d size %lu\n", old.sp != 0, old.flags, old.size);
    show("sigaltstack set", SYS2(__NR_sigaltstack, &ss, &old));
    SYS2(__NR_sigaltstack, 0, &old);
    pr("  sp ours %d flags %d size %lu\n", old.sp == stack_mem, old.flags, old.size);
    struct kstack small = {stack_mem, 0, 1000};
    show("sigaltstack too small", SYS2(__NR_sigaltstack, &small, 0));
    struct kstack bad = {stack_mem, 5, sizeof stack_mem};
    show("sigaltstack bad flags", SYS2(__NR_sigaltstack, &bad, 0));
    struct kstack autod = {stack_mem, (int)(1u << 31), sizeof stack_mem};
    show("sigaltstack SS_AUTODISARM", SYS2(__NR_sigaltstack, &autod, 0));
    SYS2(__NR_sigaltstack, 0, &old);
    pr("  flags %x\n", (unsigned)old.flags);
    struct kstack off = {0, SS_DISABLE, 0};
    show("sigaltstack disable", SYS2(__NR_sigaltstack, &off, 0));
    SYS2(__NR_sigaltstack, 0, &old);
    pr("  sp set %d flags %d size %lu\n", old.sp != 0, old.flags, old.size);
    show("sigaltstack bad pointer", SYS2(__NR_sigaltstack, 0x10, 0));
}

static void robust(void)
{
    static u64 head[3];
    u64 got = 0, len = 0;
    show("set_robust_list", SYS2(__NR_set_robust_list, head, 24));
    show("set_robust_list bad size", SYS2(__NR_set_robust_list, head, 23));
    show("get_robust_list", SYS3(__NR_get_robust_list, 0, &got, &len));
    pr("  ours %d len %lu\n", got == (u64)head, len);
}

int main(int argc, char **argv, char **envp)
{
    altstack();
    robust();
    actions();
    masks();
    self_signals();
    return 0;
}
