/*
 * smc.c — self-modifying code: host write protection of translated pages.
 *
 * A page holding translated code is marked in a bitmap over G, and while
 * marked its host mapping is never writable, whatever the guest's own
 * permissions (which the region list keeps).  A guest write to it then
 * faults; ue drops the page's translations, unmarks the page, gives it back
 * its permissions and runs the write again (exec/run.c).  The bitmap is
 * reserved NORESERVE and touched only where code lives, and is read without
 * a lock, from fault handlers too.
 */
#include "mem/mem.h"

#include <sys/mman.h>

static u8 *smc_bits;
static u64 smc_writable; /* pages marked while the guest could write them, ever */

static bool smc_bitmap(void)
{
    if (__atomic_load_n(&smc_bits, __ATOMIC_ACQUIRE))
        return true;
    void *p = mmap(NULL, (MEM_G_END / MEM_PAGE) / 8, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return false;
    void *none = NULL;
    if (!__atomic_compare_exchange_n(&smc_bits, &none, p, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        munmap(p, (MEM_G_END / MEM_PAGE) / 8);
    return true;
}

static void smc_clear(GuestAddr page)
{
    u64 pg = page / MEM_PAGE;
    __atomic_fetch_and(&smc_bits[pg / 8], (u8)~(1u << (pg % 8)), __ATOMIC_RELEASE);
}

bool mem_smc_protected(GuestAddr a)
{
    u8 *bits = __atomic_load_n(&smc_bits, __ATOMIC_ACQUIRE);
    if (!bits || a < MEM_G_START || a >= MEM_G_END)
        return false;
    u64 pg = a / MEM_PAGE;
    return (__atomic_load_n(&bits[pg / 8], __ATOMIC_ACQUIRE) >> (pg % 8)) & 1;
}

bool mem_smc_any_writable(void) { return __atomic_load_n(&smc_writable, __ATOMIC_RELAXED) != 0; }

void mem_smc_protect(MemSpace *m, GuestAddr a)
{
    GuestAddr page = UE_ALIGN_DOWN(a, MEM_PAGE);
    if (mem_smc_protected(page) || !smc_bitmap())
        return;
    u64 pg = page / MEM_PAGE;
    __atomic_fetch_or(&smc_bits[pg / 8], (u8)(1u << (pg % 8)), __ATOMIC_RELEASE);
    if (mem_range_ok(m, page, 1, PROT_WRITE)) {
        __atomic_fetch_add(&smc_writable, 1, __ATOMIC_RELAXED);
        mprotect((void *)(uintptr_t)page, MEM_PAGE, PROT_READ);
    }
}

int mem_smc_host_prot(GuestAddr page, int host_prot)
{
    if (!mem_smc_protected(page) || !(host_prot & PROT_WRITE))
        return host_prot;
    __atomic_fetch_add(&smc_writable, 1, __ATOMIC_RELAXED);
    return host_prot & ~PROT_WRITE;
}

void mem_smc_release(MemSpace *m, GuestAddr a)
{
    GuestAddr page = UE_ALIGN_DOWN(a, MEM_PAGE);
    if (!mem_smc_protected(page))
        return;
    MemRegion r;
    if (mem_region_at(m, page, &r))
        mprotect((void *)(uintptr_t)page, MEM_PAGE, mem_host_prot(r.prot));
    smc_clear(page);
}

bool mem_smc_release_fault(GuestAddr a)
{
    GuestAddr page = UE_ALIGN_DOWN(a, MEM_PAGE);
    if (!mem_smc_protected(page))
        return false;
    /* Only pages the guest may write are written by ue on its behalf (the
     * OS layer checks first), so read+write is the page's host protection. */
    if (mprotect((void *)(uintptr_t)page, MEM_PAGE, PROT_READ | PROT_WRITE) != 0)
        return false;
    smc_clear(page);
    return true;
}

void mem_smc_forget(GuestAddr a, u64 len)
{
    if (!__atomic_load_n(&smc_bits, __ATOMIC_ACQUIRE))
        return;
    for (GuestAddr p = UE_ALIGN_DOWN(a, MEM_PAGE); p < a + len && p < MEM_G_END; p += MEM_PAGE)
        if (mem_smc_protected(p))
            smc_clear(p);
}
