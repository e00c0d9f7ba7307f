/*
 * mem.h — the guest address space: the guest's regions with their perms,
 * kinds and names, as the kernel would keep them, inside the guest window G
 * of DESIGN.md ("Guest memory").
 *
 * Native build: identity mapping.  At start-up ue reserves G (and, for the
 * checker, the shadow ranges) PROT_NONE/MAP_NORESERVE so the kernel never
 * places ue's own mappings there; guest mmap becomes MAP_FIXED inside G and
 * guest munmap re-reserves.  A guest address is the host address.
 *
 * Region perms are the guest's view.  The host pages get the guest's
 * read/write bits, and read as well wherever the guest may execute (the
 * translator reads code through the host mapping; guest code never runs
 * natively, so no host page needs PROT_EXEC).
 *
 * All functions lock the space; they may be called from any guest thread.
 */
#ifndef UE_MEM_H
#define UE_MEM_H

#include "base/base.h"

#include <pthread.h>
#include <sys/types.h>

/* The guest window G: guest mappings only.  A build may move it (the ELF
 * fuzzer does: ASan's shadow lives in the normal G); code must not assume
 * more than that G is page aligned and below 2^47. */
#ifndef MEM_G_START
#define MEM_G_START 0x10000ull
#define MEM_G_END 0x100000000000ull
#endif
#define MEM_PAGE 4096ull

/* The A (addressability) shadow and the guard above it (shadow.c). */
#define MEM_A_SHADOW_START 0x200000000000ull
#define MEM_A_SHADOW_END 0x220000000000ull
#define MEM_SHADOW_GUARD_END 0x300000000000ull
#define MEM_A_SHADOW_OFFSET MEM_A_SHADOW_START

/* The A shadow byte of guest address a. */
static inline u8 *mem_a_shadow(GuestAddr a) { return (u8 *)(uintptr_t)((a >> 3) + MEM_A_SHADOW_OFFSET); }
/* The guest address an A shadow byte describes (the first of its 8). */
static inline GuestAddr mem_a_shadow_addr(const u8 *s) { return ((GuestAddr)(uintptr_t)s - MEM_A_SHADOW_OFFSET) << 3; }

typedef enum MemKind {
    MEM_KIND_ANON,
    MEM_KIND_FILE,
    MEM_KIND_STACK,
    MEM_KIND_HEAP,
    MEM_KIND_GUARD,
} MemKind;

typedef struct MemRegion {
    GuestAddr start, end; /* [start, end), page aligned */
    int prot;             /* guest PROT_* */
    int flags;            /* MAP_SHARED / MAP_PRIVATE, MAP_GROWSDOWN */
    MemKind kind;
    u64 offset;           /* file offset of start */
    u64 dev, ino;
    char *name;           /* path, "[heap]", "[stack]" or NULL */
    /* A private file mapping that has been writable: the kernel gives it
     * copied-on-write pages of its own (an anon_vma) and never merges it
     * with a neighbour that has none, so /proc/self/maps shows ld.so's
     * RELRO apart from the read-only data before it.  Kept to match. */
    bool cow;
} MemRegion;

typedef struct MemSpace {
    pthread_mutex_t lock;
    MemRegion *r;         /* sorted by start, non-overlapping */
    u32 n, cap;
    GuestAddr mmap_top;   /* top-down placement starts below this */
    GuestAddr brk_start, brk_end; /* [heap] grows from brk_start to brk_end */
    u64 brk_limit;        /* how far brk may grow above brk_start */
    UeRand rng;
    bool aslr;
    u32 generation;       /* bumped on every unmap/protect of executable memory */
} MemSpace;

/* Reserve G and set up placement.  seed 0 means "random". Returns 0 or
 * -errno (the reservation failed: ue cannot run on this host). */
int mem_init(MemSpace *m, bool aslr, u64 seed);

/* A random page-aligned offset below `range` (0 without ASLR). */
u64 mem_random_offset(MemSpace *m, u64 range);

/* Find room for len bytes: near hint if it is free, else top-down from
 * mmap_top.  Returns the address or 0. */
GuestAddr mem_find_free(MemSpace *m, GuestAddr hint, u64 len);

/* mmap in G.  flags are the guest's MAP_*; with MAP_FIXED addr is used (any
 * overlap is replaced).  fd < 0 for anonymous.  kind/name describe the
 * region (name NULL: derived from fd).  Returns the address or -errno. */
i64 mem_map(MemSpace *m, GuestAddr addr, u64 len, int prot, int flags, int fd, u64 off, MemKind kind,
            const char *name);
int mem_unmap(MemSpace *m, GuestAddr addr, u64 len);
int mem_protect(MemSpace *m, GuestAddr addr, u64 len, int prot);
i64 mem_remap(MemSpace *m, GuestAddr old, u64 old_len, u64 new_len, int flags, GuestAddr new_addr);
/* brk(2): returns the new break (the old one if the request fails). */
GuestAddr mem_brk(MemSpace *m, GuestAddr want);
/* Set where the heap starts (after the program's image). */
void mem_set_brk(MemSpace *m, GuestAddr start);

/* Copy of the region containing a (false if none). */
bool mem_region_at(MemSpace *m, GuestAddr a, MemRegion *out);
/* True if every byte of [a, a+len) is mapped with at least prot. */
bool mem_range_ok(MemSpace *m, GuestAddr a, u64 len, int prot);
/* Bytes from pc that are mapped executable without a gap (0 if none). */
u64 mem_exec_avail(MemSpace *m, GuestAddr pc);
/* Rename the regions within [a, a+len) (e.g. "[stack]"), set their kind. */
void mem_set_kind(MemSpace *m, GuestAddr a, u64 len, MemKind kind, const char *name);
/* Give the regions within [a, a+len) the identity /proc/self/maps shows
 * for them (dev, inode): SysV shared memory's inode is its segment id. */
void mem_set_ident(MemSpace *m, GuestAddr a, u64 len, u64 dev, u64 ino);

/* Reserve the A shadow and its guard (tools that check memory).  Returns 0
 * or -errno. */
int mem_reserve_shadow(void);
/* Reset the A shadow of [addr, addr+len) to "addressable" (zero),
 * returning whole shadow pages to the kernel. */
void mem_shadow_discard(GuestAddr addr, u64 len);

/* Self-modifying code (smc.c).  A page holding translated code is
 * marked, and while marked its host mapping is not writable:
 *   protect       mark the page of a (translation does it)
 *   protected     is a's page marked (lock-free, async-signal-safe)
 *   host_prot     the host protection for a page the guest re-protects to
 *                 host_prot (mem_protect)
 *   release       unmark, host protection back from the region list
 *   release_fault unmark from a fault handler: ue itself wrote the page on
 *                 the guest's behalf (async-signal-safe; false: not marked)
 *   forget        unmark a range whose mapping is replaced
 *   any_writable  has a marked page ever been writable by the guest (only
 *                 then can a guest write need it released) */
void mem_smc_protect(MemSpace *m, GuestAddr a);
bool mem_smc_protected(GuestAddr a);
int mem_smc_host_prot(GuestAddr page, int host_prot);
void mem_smc_release(MemSpace *m, GuestAddr a);
bool mem_smc_release_fault(GuestAddr a);
void mem_smc_forget(GuestAddr a, u64 len);
bool mem_smc_any_writable(void);
/* The host protection of guest memory with guest protection prot (x86
 * pages are readable whenever they are executable). */
int mem_host_prot(int prot);

/* Write /proc/self/maps as the guest sees it into a malloc'd string. */
char *mem_format_maps(MemSpace *m, size_t *len);

#endif
