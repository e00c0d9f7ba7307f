/*
 * stackcheck.c — stack regions and --check-stack-pointer (SerenityOS's
 * rule, from its kernel's syscall entry: a system call made with the stack
 * pointer outside every stack region is a stack pivot, the classic step of
 * a return-oriented exploit, and the process dies).
 *
 * What counts as a stack: regions of kind MEM_KIND_STACK — the main
 * stack, MAP_GROWSDOWN and MAP_STACK mappings (glibc maps thread stacks
 * with MAP_STACK) — and ranges the guest is seen to use as one:
 *
 *   - the alternate signal stack (sigaltstack);
 *   - the stack a clone'd thread starts on, when it is not in a stack
 *     region (up to 8 MiB below its top, within its region);
 *   - the stack a ucontext switches to (makecontext's uc_stack): glibc's
 *     setcontext and swapcontext set the context's mask with
 *     rt_sigprocmask(SIG_SETMASK, &ucp->uc_sigmask, ...) just before they
 *     load its RSP, so that call names the ucontext.
 *
 * The check runs at every system call and signal delivery when on
 * (--check-stack-pointer=yes; the default under a checking tool).  A pivot
 * is reported with the guest's region map, and the guest dies of SIGSEGV.
 */
#include "os/linux/lx_priv.h"

#include <signal.h>
#include <stdlib.h>

enum { MAX_DECLARED = 4096, UCONTEXT_SIGMASK = 296, UCONTEXT_RSP = 160, UCONTEXT_STACK = 16 };

typedef struct Range {
    GuestAddr lo, hi;
} Range;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static Range declared[MAX_DECLARED];
static u32 ndeclared, next_slot;

void lx_stack_declare(GuestAddr lo, GuestAddr hi)
{
    if (lo >= hi)
        return;
    pthread_mutex_lock(&lock);
    for (u32 i = 0; i < ndeclared; i++)
        if (declared[i].lo == lo && declared[i].hi == hi)
            goto out;
    /* A full table forgets the oldest entries. */
    declared[next_slot] = (Range){lo, hi};
    next_slot = (next_slot + 1) % MAX_DECLARED;
    if (ndeclared < MAX_DECLARED)
        ndeclared++;
out:
    pthread_mutex_unlock(&lock);
}

static bool in_stack(GuestAddr a)
{
    MemRegion r;
    if (mem_region_at(&lx_proc.gp.mem, a, &r) && r.kind == MEM_KIND_STACK)
        return true;
    bool hit = false;
    pthread_mutex_lock(&lock);
    for (u32 i = 0; i < ndeclared && !hit; i++)
        hit = a >= declared[i].lo && a < declared[i].hi;
    pthread_mutex_unlock(&lock);
    return hit;
}

/* RSP points into a stack (or just past the top of one: an empty stack). */
bool lx_stack_pointer_ok(GuestAddr rsp) { return in_stack(rsp) || in_stack(rsp - 1); }

void lx_stack_clone(GuestAddr newsp)
{
    MemRegion r;
    if (!newsp || lx_stack_pointer_ok(newsp) || !mem_region_at(&lx_proc.gp.mem, newsp - 1, &r))
        return;
    GuestAddr lo = newsp - r.start > (8ull << 20) ? newsp - (8ull << 20) : r.start;
    lx_stack_declare(lo, newsp);
}

void lx_stack_setcontext(const u64 *a)
{
    /* rt_sigprocmask(SIG_SETMASK, &ucp->uc_sigmask, oldset, 8) */
    if (a[0] != SIG_SETMASK || a[1] < UCONTEXT_SIGMASK)
        return;
    GuestAddr uc = a[1] - UCONTEXT_SIGMASK;
    if (!lx_readable(uc, UCONTEXT_SIGMASK + 8))
        return;
    u64 rsp, ss_sp, ss_size;
    memcpy(&rsp, (const void *)(uintptr_t)(uc + UCONTEXT_RSP), 8);
    memcpy(&ss_sp, (const void *)(uintptr_t)(uc + UCONTEXT_STACK), 8);
    memcpy(&ss_size, (const void *)(uintptr_t)(uc + UCONTEXT_STACK + 16), 8);
    if (ss_size && rsp > ss_sp && rsp - ss_sp <= ss_size && !lx_stack_pointer_ok(rsp))
        lx_stack_declare(ss_sp, ss_sp + ss_size);
}

void lx_stack_pivot(GuestCpu *cpu, const char *what)
{
    GuestAddr rsp = cpu->regs.gpr[X86_RSP];
    ue_log("stack pivot: %s with RSP 0x%llx outside every stack region, at pc 0x%llx", what,
           (unsigned long long)rsp, (unsigned long long)cpu->regs.rip);
    ue_log("the guest's regions (as /proc/self/maps shows them):");
    size_t len;
    char *maps = mem_format_maps(&lx_proc.gp.mem, &len);
    for (char *line = maps, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        if (!nl)
            break;
        *nl = 0;
        ue_log("  %s", line);
    }
    free(maps);
    LxSigInfo info = {.signo = SIGSEGV, .code = SI_KERNEL};
    lx_die_by_signal(cpu, SIGSEGV, &info);
}
