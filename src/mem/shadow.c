/*
 * shadow.c — reserving the shadow ranges of the guest address partition
 * (DESIGN.md, "Guest memory"):
 *
 *   [0x2000_0000_0000, 0x2200_0000_0000)  A shadow: one byte per 8 guest
 *                                         bytes, A(a) = (a >> 3) + 2^45
 *   [0x2200_0000_0000, 0x3000_0000_0000)  guard: the A shadow of any wild
 *                                         canonical pointer lands here, so
 *                                         the check itself faults
 *
 * The A range is mapped readable and writable but NORESERVE: untouched
 * shadow pages read as zero ("addressable") and cost nothing.  Only tools
 * that check memory reserve it.  What the shadow bytes mean is the tool's
 * business (src/tool/memcheck/mc_shadow.c).
 */
#include "mem/mem.h"

#include <errno.h>
#include <sys/mman.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

int mem_reserve_shadow(void)
{
    void *a = mmap((void *)MEM_A_SHADOW_START, MEM_A_SHADOW_END - MEM_A_SHADOW_START, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (a == MAP_FAILED)
        return -errno;
    void *g = mmap((void *)MEM_A_SHADOW_END, MEM_SHADOW_GUARD_END - MEM_A_SHADOW_END, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (g == MAP_FAILED)
        return -errno;
    return 0;
}

void mem_shadow_discard(GuestAddr addr, u64 len)
{
    /* Whole shadow pages go back to the kernel (and read as zero again);
     * partial ones are cleared. */
    u8 *s = mem_a_shadow(addr), *e = mem_a_shadow(addr + len + 7);
    u8 *ps = (u8 *)UE_ALIGN_UP((uintptr_t)s, MEM_PAGE), *pe = (u8 *)UE_ALIGN_DOWN((uintptr_t)e, MEM_PAGE);
    if (ps < pe) {
        memset(s, 0, (size_t)(ps - s));
        madvise(ps, (size_t)(pe - ps), MADV_DONTNEED);
        memset(pe, 0, (size_t)(e - pe));
    } else {
        memset(s, 0, (size_t)(e - s));
    }
}
