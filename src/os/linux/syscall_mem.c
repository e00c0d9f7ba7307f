/*
 * syscall_mem.c — memory system calls, emulated on the guest address space
 * (src/mem): mmap, munmap, mprotect, mremap, brk; and the calls on ranges of
 * existing mappings (madvise, msync, mincore, mlock...), checked against the
 * guest's regions before the host sees them.
 *
 * Every change to executable memory drops the affected translations
 * (exec_invalidate), so code that is unmapped, remapped or re-protected is
 * translated afresh.
 *
 * SysV shared memory (shmat, shmdt) is a mapping like the others: the
 * segment must land inside G and be a region of the space.  shmget and
 * shmctl pass through (they touch no guest memory ue owns).
 */
#include "os/linux/lx_priv.h"

#include "debug/debug.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/shm.h>

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

/* Memory protection keys, as the kernel gives them on a CPU without PKU
 * (the CPU ue presents: no PKU/OSPKE in its CPUID, no RDPKRU/WRPKRU):
 * pkey_alloc fails with EINVAL (arch_set_user_pkey_access refuses any
 * rights), no key is allocated so pkey_free fails, and pkey_mprotect is
 * mprotect with key -1 and EINVAL with any other (what Linux 6.18 answers
 * on a CPU without PKU).  V8 (node) asks and goes on without. */
i64 sys_pkey_alloc(GuestCpu *cpu, const u64 *a)
{
    (void)cpu;
    (void)a;
    return -EINVAL;
}

i64 sys_pkey_free(GuestCpu *cpu, const u64 *a)
{
    (void)cpu;
    (void)a;
    return -EINVAL;
}

i64 sys_pkey_mprotect(GuestCpu *cpu, const u64 *a)
{
    if ((int)a[3] != -1)
        return -EINVAL;
    return sys_mprotect(cpu, a);
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

/*
 * SysV shared memory.  The kernel's shmat (ipc/shm.c do_shmat) maps the
 * segment MAP_SHARED where the caller says, or where mmap would put it.
 * Under ue that place must be in G and recorded as a region, so shmat
 * first maps an anonymous shared placeholder of the segment's size through
 * mem_map (which picks the address and records the region under the
 * space's lock), then has the host attach the segment over it with
 * SHM_REMAP.  shmdt unmaps what shmat attached through mem_unmap, which
 * puts the reservation back: a host shmdt would leave a hole in G for the
 * kernel to fill with ue's own mappings.  Replacing the mapping detaches
 * the segment on the host (shm_nattch drops), as shmdt would.
 *
 * shmdt's argument must be the start of an attachment (EINVAL otherwise),
 * and the kernel unmaps only the segment's own mappings from there: the
 * attachments are kept in a table (copied by fork with the rest of ue;
 * execve starts afresh) and shmdt unmaps the regions of the attached range
 * that are still the segment's (shared, with its id as inode).
 */
typedef struct ShmAttach {
    GuestAddr addr;
    u64 len;
    int id;        /* the segment: its regions' inode, as in the kernel's maps */
} ShmAttach;

static struct {
    pthread_mutex_t lock;
    ShmAttach *v;
    u32 n, cap;
} shm_attached = {PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0};

#ifndef SHM_EXEC
#define SHM_EXEC 0100000
#endif
#ifndef SHM_REMAP
#define SHM_REMAP 040000
#endif

static void shm_record(GuestAddr addr, u64 len, int id)
{
    pthread_mutex_lock(&shm_attached.lock);
    u32 i = 0;
    while (i < shm_attached.n && shm_attached.v[i].addr != addr)
        i++;
    if (i == shm_attached.n) {
        VEC_GROW(shm_attached.v, shm_attached.n, shm_attached.cap, i + 1);
        shm_attached.n = i + 1;
    }
    shm_attached.v[i] = (ShmAttach){.addr = addr, .len = len, .id = id};
    pthread_mutex_unlock(&shm_attached.lock);
}

/* Take the attachment starting at addr out of the table (false if none). */
static bool shm_forget(GuestAddr addr, ShmAttach *out)
{
    pthread_mutex_lock(&shm_attached.lock);
    bool found = false;
    for (u32 i = 0; i < shm_attached.n && !found; i++) {
        if (shm_attached.v[i].addr == addr) {
            *out = shm_attached.v[i];
            shm_attached.v[i] = shm_attached.v[--shm_attached.n];
            found = true;
        }
    }
    pthread_mutex_unlock(&shm_attached.lock);
    return found;
}

static bool shm_region_of(const MemRegion *r, const ShmAttach *at)
{
    return (r->flags & MAP_SHARED) && r->kind == MEM_KIND_ANON && r->ino == (u64)at->id;
}

/* shmat's address rules (do_shmat): SHM_RND rounds down to SHMLBA (a page
 * on x86-64), an unaligned address is EINVAL, SHM_REMAP needs an address.
 * Returns the address to use (0: anywhere) or -EINVAL. */
static i64 shm_place(GuestAddr addr, int flags)
{
    if (!addr)
        return (flags & SHM_REMAP) ? -EINVAL : 0;
    if (addr & (MEM_PAGE - 1)) {
        if (!(flags & SHM_RND))
            return -EINVAL;
        addr = UE_ALIGN_DOWN(addr, MEM_PAGE);
        if (!addr && (flags & SHM_REMAP))
            return -EINVAL;
    }
    return (i64)addr;
}

i64 sys_shmat(GuestCpu *cpu, const u64 *a)
{
    (void)cpu;
    int id = (int)a[0], flags = (int)a[2];
    i64 want = shm_place(a[1], flags);
    if (want < 0)
        return want;
    struct shmid_ds ds;
    if (shmctl(id, IPC_STAT, &ds) != 0)
        return -errno; /* EINVAL for a bad id, EACCES without read permission: shmat's too */
    u64 len = UE_ALIGN_UP((u64)ds.shm_segsz, MEM_PAGE);
    int prot = (flags & SHM_RDONLY) ? PROT_READ : PROT_READ | PROT_WRITE;
    if (flags & SHM_EXEC)
        prot |= PROT_EXEC;
    GuestAddr addr = (GuestAddr)want;
    if (addr && (!lx_guest_ptr(addr, len) ||
                 (!(flags & SHM_REMAP) && mem_find_free(&lx_proc.gp.mem, addr, len) != addr)))
        return -EINVAL; /* the kernel: the range overlaps a mapping */
    char name[32];
    snprintf(name, sizeof name, "/SYSV%08x (deleted)", (unsigned)ds.shm_perm.__key);
    int mflags = MAP_SHARED | MAP_ANONYMOUS | (addr ? MAP_FIXED : 0);
    i64 r = mem_map(&lx_proc.gp.mem, addr, len, prot, mflags, -1, 0, MEM_KIND_ANON, name);
    if (r < 0)
        return r;
    addr = (GuestAddr)r;
    void *host = shmat(id, (void *)(uintptr_t)addr, (flags & (SHM_RDONLY | SHM_EXEC)) | SHM_REMAP);
    if (host == (void *)-1) {
        int err = errno;
        mem_unmap(&lx_proc.gp.mem, addr, len);
        return -err;
    }
    mem_set_ident(&lx_proc.gp.mem, addr, len, 0, (u64)id);
    drop_code(addr, len);
    shm_record(addr, len, id);
    if (tool() && tool()->on_map)
        tool()->on_map(addr, len, prot, MAP_SHARED);
    return (i64)addr;
}

i64 sys_shmdt(GuestCpu *cpu, const u64 *a)
{
    (void)cpu;
    ShmAttach at;
    MemRegion r;
    if ((a[0] & (MEM_PAGE - 1)) || !shm_forget(a[0], &at))
        return -EINVAL;
    if (!mem_region_at(&lx_proc.gp.mem, at.addr, &r) || !shm_region_of(&r, &at))
        return -EINVAL; /* unmapped or replaced since shmat */
    for (GuestAddr p = at.addr; p < at.addr + at.len;) {
        if (!mem_region_at(&lx_proc.gp.mem, p, &r)) {
            p += MEM_PAGE; /* a hole the guest unmapped */
            continue;
        }
        GuestAddr end = UE_MIN(r.end, at.addr + at.len);
        if (shm_region_of(&r, &at)) {
            mem_unmap(&lx_proc.gp.mem, p, end - p);
            drop_code(p, end - p);
            if (tool() && tool()->on_unmap)
                tool()->on_unmap(p, end - p);
        }
        p = end;
    }
    return 0;
}
