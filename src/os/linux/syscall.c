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

i64 lx_host_syscall(u64 nr, const u64 *a)
{
    long r = syscall((long)nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    return r == -1 ? -(i64)errno : (i64)r;
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

/* The number is still in RAX while the call runs. */
static i64 lx_sys_pass(GuestCpu *cpu, const u64 *a) { return lx_host_syscall(cpu->regs.gpr[X86_RAX], a); }

void lx_syscall(GuestCpu *cpu)
{
    X86Regs *r = &cpu->regs;
    u64 nr = r->gpr[X86_RAX];
    u64 a[6] = {r->gpr[X86_RDI], r->gpr[X86_RSI], r->gpr[X86_RDX], r->gpr[X86_R10], r->gpr[X86_R8], r->gpr[X86_R9]};
    /* SYSCALL itself leaves the return address in RCX and RFLAGS in R11. */
    r->gpr[X86_RCX] = r->rip;
    r->gpr[X86_R11] = x86_get_rflags(r) & ~(u64)0x10100; /* RF and TF are not kept */
    const LxSyscall *sc = nr < lx_nsyscalls ? &lx_syscalls[nr] : NULL;
    if (lx_proc.strace)
        lx_strace_enter(cpu, nr, a);
    i64 ret;
    if (!sc || !sc->fn) {
        ret = -ENOSYS;
    } else if (sc->fn == lx_sys_pass && !pointers_ok(sc->fmt, a)) {
        ret = -EFAULT;
    } else {
        ret = sc->fn(cpu, a);
    }
    /* ENOSYS from ue itself (not from the host kernel, which may say it
     * for its own reasons, say a futex op it does not know). */
    if (ret == -ENOSYS && (!sc || sc->fn != lx_sys_pass))
        warn_unimplemented(nr);
    if (lx_proc.strace)
        lx_strace_exit(cpu, nr, a, ret);
    r->gpr[X86_RAX] = (u64)ret;
}
