/*
 * syscall_mem.c — memory system calls, emulated on the guest address space
 * (src/mem): mmap, munmap, mprotect, mremap, brk; and the calls on ranges of
 * existing mappings (madvise, msync, mincore, mlock...), checked against the
 * guest's regions before the host sees them.
 *
 * Every change to executable memory drops the affected translations
 * (exec_invalidate), so code that is unmapped, remapped or re-protected is
 * translated afresh.
 */
#include "os/linux/lx_priv.h"

#include "debug/debug.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/mman.h>

static void drop_code(GuestAddr addr, u64 len) { exec_invalidate(&lx_proc.gp, addr, UE_ALIGN_UP(len, MEM_PAGE)); }

/* The tool (memcheck) keeps its shadow in step with the guest's mappings. */
static const ToolHooks *tool(void) { return lx_proc.gp.tool; }

i64 sys_mmap(GuestCpu *cpu, const u64 *a)
{
    (void)cpu;
    int flags = (int)a[3];
    if ((flags & MAP_FIXED) && (a[0] < MEM_G_START || a[0] >= MEM_G_END || a[1] > MEM_G_END - a[0])) {
        static bool warned;
        if (!warned)
            ue_log("warning: guest mmap(MAP_FIXED) at 0x%llx is outside the guest address range; failing it with ENOMEM",
                   (unsigned long long)a[0]);
        warned = true;
        return -ENOMEM;
    }
    int fd = (flags & MAP_ANONYMOUS) ? -1 : (int)a[4];
    i64 r = mem_map(&lx_proc.gp.mem, a[0], a[1], (int)a[2], flags, fd, a[5],
                    (flags & (MAP_GROWSDOWN | MAP_STACK)) ? MEM_KIND_STACK : MEM_KIND_ANON, NULL);
    if (r > 0 && (flags & MAP_FIXED))
        drop_code((GuestAddr)r, a[1]);
    if (r > 0 && tool() && tool()->on_map)
        tool()->on_map((GuestAddr)r, UE_ALIGN_UP(a[1], MEM_PAGE), (int)a[2], flags);
    if (r > 0 && fd >= 0 && (a[2] & PROT_EXEC)) {
        /* Code from a file (a library ld.so maps): symbols for reports, and
         * tools redirect functions in it by name. */
        char link[64], path[4096];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, path, sizeof path - 1);
        if (n > 0) {
            path[n] = 0;
            dbg_note_mapping(path, fd, (GuestAddr)r, a[1], a[5]);
        }
    }
    return r;
}

i64 sys_munmap(GuestCpu *cpu, const u64 *a)
{
    (void)cpu;
    int r = mem_unmap(&lx_proc.gp.mem, a[0], a[1]);
    if (r == 0) {
        drop_code(a[0], a[1]);
        dbg_forget_range(a[0], UE_ALIGN_UP(a[1], MEM_PAGE)); /* dlclose: its symbols go too */
    }
    if (r == 0 && tool() && tool()->on_unmap)
        tool()->on_unmap(a[0], UE_ALIGN_UP(a[1], MEM_PAGE));
    return r;
}

i64 sys_mprotect(GuestCpu *cpu, const u64 *a)
{
    (void)cpu;
    int r = mem_protect(&lx_proc.gp.mem, a[0], a[1], (int)a[2]);
    if (r == 0 && !(a[2] & PROT_EXEC))
        drop_code(a[0], a[1]);
    if (r == 0 && tool() && tool()->on_protect)
        tool()->on_protect(a[0], UE_ALIGN_UP(a[1], MEM_PAGE), (int)a[2]);
    return r;
}

i64 sys_mremap(GuestCpu *cpu, const u64 *a)
{
    (void)cpu;
    i64 r = mem_remap(&lx_proc.gp.mem, a[0], a[1], a[2], (int)a[3], a[4]);
    if (r >= 0)
        drop_code(a[0], a[1]);
    if (r >= 0 && (GuestAddr)r != a[0] && tool() && tool()->on_unmap)
        tool()->on_unmap(a[0], UE_ALIGN_UP(a[1], MEM_PAGE));
    return r;
}

/* Calls that work on a range of existing mappings (madvise, msync, mincore,
 * mlock...).  The host would accept any range of G, since ue keeps all of
 * it reserved: the guest gets ENOMEM for a range with unmapped pages, as
 * from the kernel, before the call is passed on.  Alignment and argument
 * errors (EINVAL) are left to the host, which checks them first too. */
static i64 pass_on_mapped(GuestCpu *cpu, const u64 *a)
{
    if (a[0] & (MEM_PAGE - 1))
        return lx_host_syscall(cpu->regs.gpr[X86_RAX], a);
    u64 len = UE_ALIGN_UP(a[1], MEM_PAGE);
    if (len < a[1] || !lx_guest_ptr(a[0], len) || !mem_range_ok(&lx_proc.gp.mem, a[0], len, 0))
        return -ENOMEM;
    return lx_host_syscall(cpu->regs.gpr[X86_RAX], a);
}

i64 sys_madvise(GuestCpu *cpu, const u64 *a) { return pass_on_mapped(cpu, a); }
i64 sys_msync(GuestCpu *cpu, const u64 *a) { return pass_on_mapped(cpu, a); }
i64 sys_mincore(GuestCpu *cpu, const u64 *a) { return pass_on_mapped(cpu, a); }
i64 sys_mlock(GuestCpu *cpu, const u64 *a) { return pass_on_mapped(cpu, a); }
i64 sys_munlock(GuestCpu *cpu, const u64 *a) { return pass_on_mapped(cpu, a); }
i64 sys_mlock2(GuestCpu *cpu, const u64 *a) { return pass_on_mapped(cpu, a); }

i64 sys_brk(GuestCpu *cpu, const u64 *a)
{
    (void)cpu;
    return (i64)mem_brk(&lx_proc.gp.mem, a[0]);
}
