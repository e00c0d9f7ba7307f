/*
 * syscall.c — system call dispatch: the table (syscalls.def), pass-through
 * to the host kernel, and the SYSCALL instruction's register convention.
 *
 * Pass-through is sound because guest memory is identity-mapped: a guest
 * pointer handed to the kernel is the host address of the guest's data.  The
 * one thing ue must add is that a pointer may not point into ue itself;
 * lx_guest_ptr checks the pointer arguments the strace format marks.
 */
#include "os/linux/lx_priv.h"

#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define HANDLER_pass(name) lx_sys_pass
#define HANDLER_emu(name) sys_##name
#define HANDLER_nosys(name) NULL

static i64 lx_sys_pass(GuestCpu *cpu, const u64 *a);

const LxSyscall lx_syscalls[] = {
#define SC(nr, name, how, fmt) [nr] = {#name, HANDLER_##how(name), fmt},
#include "os/linux/syscalls.def"
#undef SC
};
const u32 lx_nsyscalls = UE_ARRAY_LEN(lx_syscalls);

bool lx_guest_ptr(u64 p, u64 len)
{
    return p >= MEM_G_START && p < MEM_G_END && len <= MEM_G_END - p;
}

bool lx_readable(u64 p, u64 len)
{
    if (len == 0)
        return true;
    if (!lx_guest_ptr(p, len))
        return false;
    /* On x86 any access right implies reading (there are no write-only or
     * execute-only pages), so the kernel can read whatever is not
     * PROT_NONE. */
    for (u64 at = p; at < p + len;) {
        MemRegion r;
        if (!mem_region_at(&lx_proc.gp.mem, at, &r) || r.prot == PROT_NONE)
            return false;
        at = r.end;
    }
    return true;
}

bool lx_writable(u64 p, u64 len)
{
    return len == 0 || (lx_guest_ptr(p, len) && mem_range_ok(&lx_proc.gp.mem, p, len, PROT_WRITE));
}

i64 lx_copy_str(u64 p, char *buf, size_t cap)
{
    size_t n = 0;
    while (n < cap) {
        /* Check a page at a time: the string may end before a hole. */
        u64 at = p + n, chunk = UE_MIN(MEM_PAGE - (at & (MEM_PAGE - 1)), cap - n);
        if (!lx_readable(at, chunk))
            return -EFAULT;
        const char *src = (const char *)(uintptr_t)at;
        const char *nul = memchr(src, 0, chunk);
        size_t k = nul ? (size_t)(nul - src) : chunk;
        memcpy(buf + n, src, k);
        n += k;
        if (nul) {
            buf[n] = 0;
            return (i64)n;
        }
    }
    return -ENAMETOOLONG;
}

/*
 * Blocking host calls and signals.  A host signal handler (signal.c) that
 * runs while the thread blocks in a host call makes the call fail with
 * EINTR (ue's handlers have no SA_RESTART), and the guest then gets EINTR or
 * a restart, as the kernel decides for the guest's handler.  A signal that
 * arrives just before the call would be missed until the call returns by
 * itself, so the call is made through lx_safe_syscall: it looks at the
 * thread's sig_flag first, and the handler, finding the host pc between
 * that test and the SYSCALL instruction, moves it to lx_safe_syscall_intr
 * (the call is not made: -ERESTARTNOINTR).  QEMU's safe_syscall does the
 * same; no library offers it.
 *
 *   i64 lx_safe_syscall(volatile int *flag, u64 nr, const u64 *args)
 */
i64 lx_safe_syscall(volatile int *flag, u64 nr, const u64 *a);
__asm__(".text\n"
        ".globl lx_safe_syscall, lx_safe_syscall_start, lx_safe_syscall_insn, lx_safe_syscall_intr\n"
        ".type lx_safe_syscall, @function\n"
        "lx_safe_syscall:\n"
        "    mov %rsi, %rax\n"       /* the call's number */
        "    mov %rdx, %r11\n"       /* its arguments */
        "    mov %rdi, %rcx\n"       /* the flag */
        "    mov 0(%r11), %rdi\n"
        "    mov 8(%r11), %rsi\n"
        "    mov 16(%r11), %rdx\n"
        "    mov 24(%r11), %r10\n"
        "    mov 32(%r11), %r8\n"
        "    mov 40(%r11), %r9\n"
        "lx_safe_syscall_start:\n"
        "    cmpl $0, (%rcx)\n"      /* a signal is pending: do not block */
        "    jne lx_safe_syscall_intr\n"
        "lx_safe_syscall_insn:\n"
        "    syscall\n"
        "    ret\n"
        "lx_safe_syscall_intr:\n"
        "    mov $-513, %rax\n"      /* -ERESTARTNOINTR */
        "    ret\n"
        ".size lx_safe_syscall, .-lx_safe_syscall\n");

i64 lx_host_syscall(u64 nr, const u64 *a)
{
    static volatile int never;
    GuestCpu *cpu = exec_current();
    LxThread *t = cpu ? lx_thread(cpu) : NULL;
    if (!t)
        return lx_safe_syscall(&never, nr, a);
    t->blocking = 1;
    i64 r = lx_safe_syscall(&t->sig_flag, nr, a);
    t->blocking = 0;
    return r;
}

/* Pointer arguments (format letters p s b B T Q q) must point into G. */
static bool pointers_ok(const char *fmt, const u64 *a)
{
    for (unsigned i = 0; i < 6 && fmt[i] && fmt[i] != ':'; i++) {
        char c = fmt[i];
        if (strchr("psbBTQq", c) && a[i] != 0) {
            u64 len = (c == 'b' || c == 'B') && i + 1 < 6 ? a[i + 1] : 1;
            /* A zero-length buffer is never touched: the kernel accepts any
             * address for it (write(fd, junk, 0) returns 0). */
            if (len && !lx_guest_ptr(a[i], len))
                return false;
        }
    }
    return true;
}

/* Calls glibc makes and expects ENOSYS from on kernels without them: a
 * warning would only be noise.  Keep this list short. */
static bool quietly_unimplemented(u64 nr)
{
    switch (nr) {
    case 334: /* rseq: glibc registers its area if it can, and goes on if not */
    case 435: /* clone3: glibc falls back to clone */
        return true;
    default:
        return false;
    }
}

/* One line per system call number the first time the guest makes it and
 * ue does not implement it (the call returns ENOSYS). */
static void warn_unimplemented(u64 nr)
{
    static u64 warned[8]; /* numbers below 512; the rest are not tracked */
    if (quietly_unimplemented(nr) || (nr < 512 && (warned[nr / 64] >> (nr % 64) & 1)))
        return;
    if (nr < 512)
        warned[nr / 64] |= 1ull << (nr % 64);
    const char *name = nr < lx_nsyscalls && lx_syscalls[nr].name ? lx_syscalls[nr].name : "unknown";
    ue_log("system call %llu (%s) is not implemented: the guest gets ENOSYS", (unsigned long long)nr, name);
}

/* Before the kernel writes a call's output buffers: those in pages of
 * translated code are released (exec_before_write; buffers of unknown size
 * are taken as 256 bytes). */
static void before_writes(const char *fmt, const u64 *a)
{
    for (unsigned i = 0; i < 6 && fmt[i] && fmt[i] != ':'; i++)
        if (strchr("bTpq", fmt[i]) && a[i])
            exec_before_write(&lx_proc.gp, a[i], fmt[i] == 'b' && i < 5 ? a[i + 1] : 256);
}

/* The number is still in RAX while the call runs.  If the guest may write
 * pages of translated code (self-modifying code, mem/smc.c), they are
 * read-only on the host: output buffers in them are released first, and a
 * call that met one anyway (EFAULT) is made again with all released. */
static i64 lx_sys_pass(GuestCpu *cpu, const u64 *a)
{
    u64 nr = cpu->regs.gpr[X86_RAX];
    if (!mem_smc_any_writable())
        return lx_host_syscall(nr, a);
    before_writes(lx_syscalls[nr].fmt, a);
    i64 r = lx_host_syscall(nr, a);
    if (r == -EFAULT) {
        exec_release_code_pages(&lx_proc.gp);
        r = lx_host_syscall(nr, a);
    }
    return r;
}

/* Calls the kernel never restarts after a handler ran (signal(7): they
 * fail with EINTR whatever SA_RESTART says); the others restart with
 * SA_RESTART. */
static i64 interrupted_code(u64 nr, const u64 *a)
{
    switch (nr) {
    case 7: case 23: case 270: case 271:          /* poll select pselect6 ppoll */
    case 232: case 281: case 441:                 /* epoll_wait epoll_pwait epoll_pwait2 */
    case 35: case 230: case 34:                   /* nanosleep clock_nanosleep pause */
    case 128: case 130:                           /* rt_sigtimedwait rt_sigsuspend */
    case 65: case 69: case 70: case 220:          /* semop msgsnd msgrcv semtimedop */
    case 208: case 333: case 299:                 /* io_getevents io_pgetevents recvmmsg */
        return -LX_ERESTARTNOHAND;
    case 202: {                                   /* futex: a wait with a timeout */
        unsigned op = (unsigned)a[1] & 127;
        bool waits = op == 0 || op == 9 || op == 6 || op == 11; /* WAIT WAIT_BITSET LOCK_PI WAIT_REQUEUE_PI */
        return waits && a[3] ? -LX_ERESTART_RESTARTBLOCK : -LX_ERESTARTSYS;
    }
    default:
        return -LX_ERESTARTSYS;
    }
}

static bool deliverable(LxThread *t) { return __atomic_load_n(&t->pending, __ATOMIC_SEQ_CST) & ~t->sigmask; }

void lx_syscall(GuestCpu *cpu)
{
    X86Regs *r = &cpu->regs;
    LxThread *t = lx_thread(cpu);
    u64 nr = r->gpr[X86_RAX];
    u64 a[6] = {r->gpr[X86_RDI], r->gpr[X86_RSI], r->gpr[X86_RDX], r->gpr[X86_R10], r->gpr[X86_R8], r->gpr[X86_R9]};
    /* SYSCALL itself leaves the return address in RCX and RFLAGS in R11. */
    r->gpr[X86_RCX] = r->rip;
    r->gpr[X86_R11] = x86_get_rflags(r) & ~(u64)0x10100; /* RF and TF are not kept */
    if (t->sig_flag) {
        /* A signal came before the call: natively it is delivered on the
         * way to the SYSCALL instruction, which runs after its handler. */
        if (deliverable(t)) {
            r->rip -= 2;
            exec_interrupt(cpu);
            return;
        }
        t->sig_flag = 0;
    }
    const LxSyscall *sc = nr < lx_nsyscalls ? &lx_syscalls[nr] : NULL;
    if (lx_proc.check_sp && !lx_stack_pointer_ok(r->gpr[X86_RSP])) {
        char what[64];
        snprintf(what, sizeof what, "system call %s (%llu)", sc && sc->name ? sc->name : "?", (unsigned long long)nr);
        lx_stack_pivot(cpu, what);
    }
    if (lx_proc.strace)
        lx_strace_enter(cpu, nr, a);
    i64 ret;
    t->in_syscall = 1;
    if (!sc || !sc->fn) {
        ret = -ENOSYS;
    } else if (sc->fn == lx_sys_pass && !pointers_ok(sc->fmt, a)) {
        ret = -EFAULT;
    } else {
        ret = sc->fn(cpu, a);
    }
    t->in_syscall = 0;
    /* ENOSYS from ue itself (not from the host kernel, which may say it
     * for its own reasons, say a futex op it does not know). */
    if (ret == -ENOSYS && (!sc || sc->fn != lx_sys_pass))
        warn_unimplemented(nr);
    /* rt_sigreturn returns the guest's restored RAX, whatever it is. */
    bool sigreturn = nr == 15;
    if (ret == -EINTR && !sigreturn && deliverable(t))
        ret = interrupted_code(nr, a); /* a handler of ue's interrupted the host call */
    bool restart = !sigreturn && ret <= -LX_ERESTARTSYS && ret >= -LX_ERESTART_RESTARTBLOCK;
    if (lx_proc.strace)
        lx_strace_exit(cpu, nr, a, ret);
    r->gpr[X86_RAX] = (u64)ret;
    if (restart)
        lx_note_restart(cpu, nr, ret);
    if (lx_proc.stopping)
        lx_park(t);
    if (lx_proc.holding)
        lx_hold_here(t);
}
