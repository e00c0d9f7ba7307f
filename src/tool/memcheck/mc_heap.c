/*
 * mc_heap.c — the guest heap under memcheck: blocks carved with redzones
 * inside one region of G, freed blocks held in a FIFO quarantine bounded
 * in bytes (--freelist-vol), a record per block in ue's own memory.
 *
 * Layout.  The region is divided into 64 KiB units.  A small block (stride
 * up to 64 KiB) comes from a slab: a unit cut into equal strides; a large
 * block takes a run of whole units.  Any address in the region finds its
 * block in O(1): unit -> slab stride -> index -> record.
 *
 *   stride:  [ left redzone | payload (size) | right redzone ]
 *            16 bytes or the alignment; the right redzone is >= 16 bytes
 *            and grows with the size, so larger overflows are still caught
 *
 * Memory the heap has not handed out is PROT_NONE until a slab or run is
 * carved (wild pointers into it fault), then poisoned as right redzone.
 *
 * Why hand-written: the allocator is the checker's core (redzones,
 * quarantine, records with stacks); an ordinary malloc cannot provide
 * that, and ASan's and Valgrind's are not libraries.
 */
#include "tool/memcheck/mc.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>

enum {
    UNIT_SHIFT = 16,
    UNIT = 1 << UNIT_SHIFT,
    HEAP_UNITS = 1 << 20, /* 64 GiB of address space */
    MIN_RZ = 16,
};

static const u32 class_strides[] = {32,   48,   64,   96,    128,   192,   256,   384,   512,   768,   1024,  1536,
                                    2048, 3072, 4096, 6144,  8192,  12288, 16384, 24576, 32768, 49152, 65536};
#define NCLASSES UE_ARRAY_LEN(class_strides)

typedef struct Unit {
    u32 stride;      /* slab: block stride; 0: unused or part of a run */
    u32 nblocks;
    McBlock *blocks; /* slab: records of its blocks; run: the one record (every unit of the run) */
} Unit;

typedef struct FreeList {
    McBlock **v;
    u32 n, cap;
} FreeList;

static struct {
    pthread_mutex_t lock;
    GuestAddr base;
    Unit *units;
    u32 next_unit;         /* bump allocation of units */
    FreeList free[NCLASSES];
    McBlock **runs;        /* available large runs (records), for reuse */
    u32 nruns, cap_runs;
    McBlock **quarantine;  /* ring buffer */
    u32 qhead, qcount, qcap;
    u64 qbytes;
    u64 allocs, frees, bytes;
} H = {.lock = PTHREAD_MUTEX_INITIALIZER};

bool mc_heap_init(void) { return true; }

/* The region is reserved at the first allocation: by then the loader has
 * placed the stack and the images, and the region goes where an mmap
 * would. */
static bool reserve_region(void)
{
    u64 len = (u64)HEAP_UNITS << UNIT_SHIFT;
    i64 r = mem_map(&mc_proc->mem, 0, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0,
                    MEM_KIND_HEAP, NULL);
    if (r < 0) {
        ue_log("memcheck: cannot reserve the heap region");
        return false;
    }
    H.base = UE_ALIGN_UP((GuestAddr)r, UNIT);
    void *u = mmap(NULL, HEAP_UNITS * sizeof(Unit), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (u == MAP_FAILED)
        return false;
    H.units = u;
    H.next_unit = 0;
    return true;
}

bool mc_heap_contains(GuestAddr a) { return H.base && a >= H.base && a < H.base + ((u64)H.next_unit << UNIT_SHIFT); }

static GuestAddr unit_addr(u32 u) { return H.base + ((GuestAddr)u << UNIT_SHIFT); }

/* Make n fresh units usable: guest-visible RW, shadow "not handed out". */
static bool carve_units(u32 n, u32 *first)
{
    if (!H.base && !reserve_region())
        return false;
    if (H.next_unit + n > HEAP_UNITS)
        return false;
    *first = H.next_unit;
    GuestAddr a = unit_addr(H.next_unit);
    if (mem_protect(&mc_proc->mem, a, (u64)n << UNIT_SHIFT, PROT_READ | PROT_WRITE) != 0)
        return false;
    mc_shadow_poison(a, (u64)n << UNIT_SHIFT, MC_SH_HEAP_RIGHT);
    H.next_unit += n;
    return true;
}

McBlock *mc_heap_find(GuestAddr a)
{
    if (!mc_heap_contains(a))
        return NULL;
    u32 u = (u32)((a - H.base) >> UNIT_SHIFT);
    Unit *unit = &H.units[u];
    if (!unit->blocks)
        return NULL;
    if (!unit->stride)
        return unit->blocks;
    u32 idx = (u32)((a - unit_addr(u)) / unit->stride);
    return idx < unit->nblocks ? &unit->blocks[idx] : NULL;
}

/* Right redzone for a payload of `size` bytes: larger blocks get more. */
static u64 right_rz(u64 size)
{
    return size <= 64 ? 16 : size <= 512 ? 32 : size <= 4096 ? 64 : size <= 16384 ? 128 : 256;
}

static u32 class_for(u64 need)
{
    for (u32 c = 0; c < NCLASSES; c++)
        if (class_strides[c] >= need)
            return c;
    return NCLASSES;
}

/* A free block record of class c, carving a new slab if needed. */
static McBlock *small_block(u32 c)
{
    FreeList *fl = &H.free[c];
    if (fl->n)
        return fl->v[--fl->n];
    u32 u;
    if (!carve_units(1, &u))
        return NULL;
    Unit *unit = &H.units[u];
    unit->stride = class_strides[c];
    unit->nblocks = UNIT / unit->stride;
    unit->blocks = ue_calloc(unit->nblocks, sizeof(McBlock));
    for (u32 i = 0; i < unit->nblocks; i++)
        unit->blocks[i].payload = unit_addr(u) + (GuestAddr)i * unit->stride; /* block start until used */
    for (u32 i = unit->nblocks; i-- > 1;)
        VEC_PUSH(fl->v, fl->n, fl->cap, &unit->blocks[i]);
    return &unit->blocks[0];
}

/* The start of a block's stride (its records keep the payload address). */
static GuestAddr block_start(const McBlock *b)
{
    u32 u = (u32)((b->payload - H.base) >> UNIT_SHIFT);
    const Unit *unit = &H.units[u];
    if (!unit->stride) {
        while (u > 0 && H.units[u - 1].blocks == unit->blocks && !H.units[u - 1].stride)
            u--;
        return unit_addr(u);
    }
    return unit_addr(u) + (b->payload - unit_addr(u)) / unit->stride * unit->stride;
}

static u64 block_stride(const McBlock *b)
{
    u32 u = (u32)((b->payload - H.base) >> UNIT_SHIFT);
    if (H.units[u].stride)
        return H.units[u].stride;
    u32 first = (u32)((block_start(b) - H.base) >> UNIT_SHIFT), n = 0;
    while (first + n < H.next_unit && H.units[first + n].blocks == b && !H.units[first + n].stride)
        n++;
    return (u64)n << UNIT_SHIFT;
}

/* A run of units for a large block (reusing a freed run if one fits). */
static McBlock *large_block(u64 need)
{
    u32 n = (u32)((need + UNIT - 1) >> UNIT_SHIFT);
    for (u32 i = 0; i < H.nruns; i++) {
        McBlock *b = H.runs[i];
        if (block_stride(b) >> UNIT_SHIFT == n) {
            H.runs[i] = H.runs[--H.nruns];
            return b;
        }
    }
    u32 first;
    if (!carve_units(n, &first))
        return NULL;
    McBlock *b = ue_calloc(1, sizeof *b);
    b->payload = unit_addr(first);
    for (u32 i = 0; i < n; i++)
        H.units[first + i] = (Unit){.stride = 0, .nblocks = 1, .blocks = b};
    return b;
}

static void quarantine_push(McBlock *b);

GuestAddr mc_heap_alloc(GuestCpu *cpu, u64 size, u64 align, McAllocKind kind, bool zero)
{
    if (align < 16)
        align = 16;
    if (size > (1ull << 40) || align > UNIT || (align & (align - 1)))
        return 0;
    u64 lrz = align > MIN_RZ ? align : MIN_RZ;
    u64 need = lrz + UE_ALIGN_UP(size, 16) + right_rz(size);
    pthread_mutex_lock(&H.lock);
    u32 c = class_for(need);
    McBlock *b = c < NCLASSES ? small_block(c) : large_block(need);
    if (!b) {
        pthread_mutex_unlock(&H.lock);
        return 0;
    }
    GuestAddr start = block_start(b);
    u64 stride = block_stride(b);
    b->payload = start + lrz;
    b->size = size;
    b->kind = (u8)kind;
    b->state = MC_BLOCK_LIVE;
    b->free_stack = 0;
    H.allocs++;
    H.bytes += size;
    pthread_mutex_unlock(&H.lock);
    b->alloc_stack = mc_stack_here(cpu, cpu->regs.rip);
    mc_shadow_poison(start, lrz, MC_SH_HEAP_LEFT);
    mc_shadow_unpoison(b->payload, size);
    GuestAddr rz = UE_ALIGN_UP(b->payload + size, 8);
    mc_shadow_poison(rz, start + stride - rz, MC_SH_HEAP_RIGHT);
    if (zero)
        memset((void *)(uintptr_t)b->payload, 0, size);
    return b->payload;
}

void mc_heap_free(GuestCpu *cpu, GuestAddr p, McAllocKind kind, const char *fn)
{
    GuestAddr pc = cpu->regs.rip;
    if (!p)
        return;
    pthread_mutex_lock(&H.lock);
    H.frees++; /* memcheck counts every free of a non-NULL pointer, bad ones too */
    pthread_mutex_unlock(&H.lock);
    McBlock *b = mc_heap_find(p);
    if (!b || b->state != MC_BLOCK_LIVE || b->payload != p) {
        mc_report_free(cpu, pc, p, fn, b && b->payload <= p + 64 ? b : NULL, false);
        return;
    }
    if (b->kind != kind)
        mc_report_free(cpu, pc, p, fn, b, true);
    b->free_stack = mc_stack_here(cpu, pc);
    pthread_mutex_lock(&H.lock);
    b->state = MC_BLOCK_FREED;
    mc_shadow_poison(b->payload, b->size ? b->size : 1, MC_SH_FREED);
    quarantine_push(b);
    pthread_mutex_unlock(&H.lock);
}

/* Freed blocks wait here, still poisoned as freed, until the quarantine
 * exceeds --freelist-vol bytes; then the oldest become reusable. */
static void quarantine_push(McBlock *b)
{
    if (H.qcount == H.qcap) {
        u32 cap = H.qcap ? 2 * H.qcap : 1024;
        McBlock **q = ue_malloc(cap * sizeof *q);
        for (u32 i = 0; i < H.qcount; i++)
            q[i] = H.quarantine[(H.qhead + i) % H.qcap];
        free(H.quarantine);
        H.quarantine = q;
        H.qhead = 0;
        H.qcap = cap;
    }
    H.quarantine[(H.qhead + H.qcount++) % H.qcap] = b;
    H.qbytes += b->size;
    while (H.qbytes > mc_opts.freelist_vol && H.qcount > 1) {
        McBlock *old = H.quarantine[H.qhead];
        H.qhead = (H.qhead + 1) % H.qcap;
        H.qcount--;
        H.qbytes -= old->size;
        old->state = MC_BLOCK_AVAILABLE;
        u64 stride = block_stride(old);
        u32 u = (u32)((old->payload - H.base) >> UNIT_SHIFT);
        if (H.units[u].stride) {
            u32 c = class_for(stride);
            VEC_PUSH(H.free[c].v, H.free[c].n, H.free[c].cap, old);
        } else {
            VEC_PUSH(H.runs, H.nruns, H.cap_runs, old);
        }
    }
}

void mc_heap_each_live(void (*fn)(McBlock *b, void *ctx), void *ctx)
{
    for (u32 u = 0; u < H.next_unit; u++) {
        Unit *unit = &H.units[u];
        if (!unit->blocks)
            continue;
        if (!unit->stride) {
            if (u == 0 || H.units[u - 1].blocks != unit->blocks)
                if (unit->blocks->state == MC_BLOCK_LIVE)
                    fn(unit->blocks, ctx);
            continue;
        }
        for (u32 i = 0; i < unit->nblocks; i++)
            if (unit->blocks[i].state == MC_BLOCK_LIVE)
                fn(&unit->blocks[i], ctx);
    }
}

void mc_heap_count(u64 allocs, u64 frees, u64 bytes)
{
    pthread_mutex_lock(&H.lock);
    H.allocs += allocs;
    H.frees += frees;
    H.bytes += bytes;
    pthread_mutex_unlock(&H.lock);
}

void mc_heap_totals(u64 *allocs, u64 *frees, u64 *bytes)
{
    *allocs = H.allocs;
    *frees = H.frees;
    *bytes = H.bytes;
}
