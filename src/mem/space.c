/*
 * space.c — the identity-mapped guest address space (mem.h): the region
 * list, placement inside G, and the host calls that keep the host's view of
 * G in step with the guest's.
 *
 * Invariants:
 *  - m->r is sorted and non-overlapping; every region lies inside G.
 *  - Every page of G that no region covers is mapped PROT_NONE/NORESERVE on
 *    the host (the reservation), so the kernel never reuses it for ue.
 *  - Region perms are the guest's; host perms are derived by mem_host_prot(),
 *    except that pages of translated code are never host-writable (smc.c).
 */
#include "mem/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define RESERVE_FLAGS (MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED)

int mem_host_prot(int prot)
{
    int p = prot & (PROT_READ | PROT_WRITE);
    if (prot & PROT_EXEC)
        p |= PROT_READ;
    return p;
}

static bool in_G(GuestAddr a, u64 len) { return a >= MEM_G_START && a <= MEM_G_END && len <= MEM_G_END - a; }

static int reserve(GuestAddr a, u64 len)
{
    if (!len)
        return 0;
    void *p = mmap((void *)a, len, PROT_NONE, RESERVE_FLAGS, -1, 0);
    return p == MAP_FAILED ? -errno : 0;
}

int mem_init(MemSpace *m, bool aslr, u64 seed)
{
    memset(m, 0, sizeof *m);
    pthread_mutex_init(&m->lock, NULL);
    m->aslr = aslr;
    if (!seed && getrandom(&seed, sizeof seed, 0) != sizeof seed)
        seed = (u64)getpid() * 0x9e3779b97f4a7c15ull;
    /* Hash the seed: nearby seeds must give unrelated layouts (seed|1
     * would make 2k and 2k+1 the same), and the state must not be 0. */
    m->rng.s = ue_hash64(seed) | 1;
    void *p = mmap((void *)MEM_G_START, MEM_G_END - MEM_G_START, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED)
        return -errno;
    if (p != (void *)MEM_G_START) {
        munmap(p, MEM_G_END - MEM_G_START);
        return -EEXIST;
    }
    m->mmap_top = MEM_G_END;
    m->brk_limit = 1ull << 40;
    return 0;
}

u64 mem_random_offset(MemSpace *m, u64 range)
{
    if (!m->aslr || range < MEM_PAGE)
        return 0;
    return UE_ALIGN_DOWN(ue_rand_next(&m->rng) % range, MEM_PAGE);
}

/* ---- the region list ---- */

/* Index of the first region whose end is above a. */
static u32 first_above(const MemSpace *m, GuestAddr a)
{
    u32 lo = 0, hi = m->n;
    while (lo < hi) {
        u32 mid = (lo + hi) / 2;
        if (m->r[mid].end <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void insert_at(MemSpace *m, u32 i, const MemRegion *r)
{
    VEC_GROW(m->r, m->n, m->cap, m->n + 1);
    memmove(&m->r[i + 1], &m->r[i], (m->n - i) * sizeof *m->r);
    m->r[i] = *r;
    m->n++;
}

static void remove_at(MemSpace *m, u32 i)
{
    free(m->r[i].name);
    memmove(&m->r[i], &m->r[i + 1], (m->n - i - 1) * sizeof *m->r);
    m->n--;
}

/* Split the region containing a (if a is strictly inside one) at a. */
static void split_at(MemSpace *m, GuestAddr a)
{
    u32 i = first_above(m, a);
    if (i == m->n || m->r[i].start >= a)
        return;
    MemRegion hi = m->r[i];
    hi.start = a;
    if (hi.kind == MEM_KIND_FILE || hi.ino)
        hi.offset += a - m->r[i].start;
    hi.name = hi.name ? ue_strdup(hi.name) : NULL;
    m->r[i].end = a;
    insert_at(m, i + 1, &hi);
}

/* Remove [a, a+len) from the list (host mappings untouched). */
static void carve(MemSpace *m, GuestAddr a, u64 len)
{
    mem_smc_forget(a, len); /* whatever replaces the range has fresh host perms */
    GuestAddr end = a + len;
    split_at(m, a);
    split_at(m, end);
    u32 i = first_above(m, a);
    while (i < m->n && m->r[i].start < end)
        remove_at(m, i);
}

static bool same_kind(const MemRegion *x, const MemRegion *y)
{
    if (x->prot != y->prot || x->flags != y->flags || x->kind != y->kind || x->dev != y->dev || x->ino != y->ino ||
        x->cow != y->cow)
        return false;
    if ((x->name == NULL) != (y->name == NULL) || (x->name && strcmp(x->name, y->name)))
        return false;
    return !x->ino || x->offset + (x->end - x->start) == y->offset;
}

/* Merge region i with its neighbours where they continue each other. */
static void coalesce(MemSpace *m, u32 i)
{
    if (i + 1 < m->n && m->r[i].end == m->r[i + 1].start && same_kind(&m->r[i], &m->r[i + 1])) {
        m->r[i].end = m->r[i + 1].end;
        remove_at(m, i + 1);
    }
    if (i > 0 && m->r[i - 1].end == m->r[i].start && same_kind(&m->r[i - 1], &m->r[i])) {
        m->r[i - 1].end = m->r[i].end;
        remove_at(m, i);
    }
}

static void add_region(MemSpace *m, const MemRegion *r)
{
    u32 i = first_above(m, r->start);
    insert_at(m, i, r);
    coalesce(m, i);
}

static bool range_free(const MemSpace *m, GuestAddr a, u64 len)
{
    u32 i = first_above(m, a);
    return i == m->n || m->r[i].start >= a + len;
}

static GuestAddr find_free_locked(MemSpace *m, GuestAddr hint, u64 len)
{
    if (hint && in_G(hint, len) && range_free(m, hint, len))
        return hint;
    /* Top-down from mmap_top, through the gaps between regions. */
    GuestAddr top = m->mmap_top;
    u32 i = first_above(m, top - 1);
    for (;;) {
        GuestAddr floor = MEM_G_START;
        if (i > 0)
            floor = m->r[i - 1].end;
        GuestAddr ceil = top;
        if (i < m->n && m->r[i].start < ceil)
            ceil = m->r[i].start;
        if (ceil >= floor + len && ceil - len >= MEM_G_START)
            return ceil - len;
        if (i == 0)
            return 0;
        i--;
        top = m->r[i].start;
    }
}

GuestAddr mem_find_free(MemSpace *m, GuestAddr hint, u64 len)
{
    pthread_mutex_lock(&m->lock);
    GuestAddr a = find_free_locked(m, hint, UE_ALIGN_UP(len, MEM_PAGE));
    pthread_mutex_unlock(&m->lock);
    return a;
}

static GuestAddr find_free_low(MemSpace *m, u64 len, GuestAddr limit)
{
    GuestAddr a = 0x40000000; /* MAP_32BIT: the kernel searches from 1 GiB */
    while (a + len <= limit) {
        u32 i = first_above(m, a);
        if (i == m->n || m->r[i].start >= a + len)
            return a;
        a = m->r[i].end;
    }
    return 0;
}

static void describe_fd(MemRegion *r, int fd)
{
    struct stat st;
    if (fstat(fd, &st) == 0) {
        r->dev = st.st_dev;
        r->ino = st.st_ino;
    }
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n > 0) {
        path[n] = 0;
        r->name = ue_strdup(path);
    }
}

/* Errors mmap reports from its checks of the file and flags, before it
 * replaces anything at the address (mm/mmap.c do_mmap): after them the old
 * mapping is still there, natively and on the host. */
static bool checked_before_unmap(int err)
{
    return err == EACCES || err == EBADF || err == ENODEV || err == EINVAL || err == EPERM || err == ETXTBSY ||
           err == EOVERFLOW || err == EOPNOTSUPP;
}

i64 mem_map(MemSpace *m, GuestAddr addr, u64 len, int prot, int flags, int fd, u64 off, MemKind kind,
            const char *name)
{
    if (len == 0 || (off & (MEM_PAGE - 1)))
        return -EINVAL;
    if (len > MEM_G_END)
        return -ENOMEM;
    len = UE_ALIGN_UP(len, MEM_PAGE);
    bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
    pthread_mutex_lock(&m->lock);
    i64 ret;
    if (fixed) {
        if (addr & (MEM_PAGE - 1)) {
            ret = -EINVAL;
            goto out;
        }
        if (!in_G(addr, len)) {
            ret = -ENOMEM;
            goto out;
        }
        if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) && !range_free(m, addr, len)) {
            ret = -EEXIST;
            goto out;
        }
    } else if (flags & MAP_32BIT) {
        addr = find_free_low(m, len, 0x80000000);
    } else {
        addr = find_free_locked(m, UE_ALIGN_DOWN(addr, MEM_PAGE), len);
    }
    if (!addr) {
        ret = -ENOMEM;
        goto out;
    }
    int hflags = (flags & (MAP_SHARED | MAP_PRIVATE | MAP_SHARED_VALIDATE | MAP_ANONYMOUS | MAP_NORESERVE |
                           MAP_POPULATE | MAP_LOCKED | MAP_NONBLOCK | MAP_SYNC)) | MAP_FIXED;
    void *p = mmap((void *)addr, len, mem_host_prot(prot), hflags, fd, (off_t)off);
    if (p == MAP_FAILED) {
        ret = -errno;
        if (!checked_before_unmap(-ret)) {
            reserve(addr, len); /* the host may have unmapped the range */
            carve(m, addr, len);
        }
        goto out;
    }
    carve(m, addr, len);
    MemRegion r = {.start = addr, .end = addr + len, .prot = prot,
                   .flags = flags & (MAP_SHARED | MAP_PRIVATE | MAP_GROWSDOWN), .kind = kind, .offset = off};
    r.cow = fd >= 0 && !(flags & (MAP_SHARED | MAP_ANONYMOUS)) && (prot & PROT_WRITE);
    if (name)
        r.name = ue_strdup(name);
    else if (!(flags & MAP_ANONYMOUS) && fd >= 0)
        describe_fd(&r, fd);
    if (!(flags & MAP_ANONYMOUS) && fd >= 0 && r.kind == MEM_KIND_ANON)
        r.kind = MEM_KIND_FILE;
    add_region(m, &r);
    m->generation++;
    ret = (i64)addr;
out:
    pthread_mutex_unlock(&m->lock);
    return ret;
}

int mem_unmap(MemSpace *m, GuestAddr addr, u64 len)
{
    if ((addr & (MEM_PAGE - 1)) || len == 0 || len > (1ull << 47) || addr > (1ull << 47) - len)
        return -EINVAL;
    len = UE_ALIGN_UP(len, MEM_PAGE);
    /* Only the part inside G can hold guest mappings: the rest is, from the
     * guest's side, unmapped already (which munmap accepts). */
    GuestAddr lo = UE_MAX(addr, MEM_G_START), hi = UE_MIN(addr + len, MEM_G_END);
    if (lo >= hi)
        return 0;
    pthread_mutex_lock(&m->lock);
    int ret = reserve(lo, hi - lo);
    if (!ret) {
        carve(m, lo, hi - lo);
        m->generation++;
    }
    pthread_mutex_unlock(&m->lock);
    return ret;
}

/* True if [a, a+len) is covered by regions without a gap. */
static bool covered(const MemSpace *m, GuestAddr a, u64 len)
{
    u32 i = first_above(m, a);
    GuestAddr at = a, end = a + len;
    while (at < end) {
        if (i == m->n || m->r[i].start > at)
            return false;
        at = m->r[i].end;
        i++;
    }
    return true;
}

int mem_protect(MemSpace *m, GuestAddr addr, u64 len, int prot)
{
    if (addr & (MEM_PAGE - 1))
        return -EINVAL;
    len = UE_ALIGN_UP(len, MEM_PAGE);
    if (!len)
        return 0;
    if (!in_G(addr, len))
        return -ENOMEM;
    pthread_mutex_lock(&m->lock);
    int ret = 0;
    if (!covered(m, addr, len)) {
        ret = -ENOMEM;
        goto out;
    }
    if (mprotect((void *)addr, len, mem_host_prot(prot)) != 0) {
        ret = -errno;
        goto out;
    }
    /* Pages of translated code stay read-only on the host (smc.c). */
    if (prot & PROT_WRITE) {
        for (GuestAddr pg = addr; pg < addr + len; pg += MEM_PAGE) {
            int hp = mem_smc_host_prot(pg, mem_host_prot(prot));
            if (hp != mem_host_prot(prot))
                mprotect((void *)pg, MEM_PAGE, hp);
        }
    }
    split_at(m, addr);
    split_at(m, addr + len);
    for (u32 i = first_above(m, addr); i < m->n && m->r[i].start < addr + len; i++) {
        m->r[i].prot = prot;
        m->r[i].cow |= m->r[i].ino && !(m->r[i].flags & MAP_SHARED) && (prot & PROT_WRITE);
    }
    for (u32 i = first_above(m, addr); i < m->n && m->r[i].start < addr + len + 1; i++) {
        u32 before = m->n;
        coalesce(m, i);
        if (m->n < before && i > 0)
            i--;
    }
    m->generation++;
out:
    pthread_mutex_unlock(&m->lock);
    return ret;
}

/* Move or grow [old, old+old_len) to [dest, dest+new_len) on the host.
 * Growing in place needs care: the tail is ue's PROT_NONE reservation (so a
 * plain mremap finds it occupied) and MREMAP_FIXED onto an overlapping range
 * is EINVAL; free the tail, then grow without moving.  Returns 0 or -errno. */
static int host_remap(GuestAddr old, u64 old_len, u64 new_len, GuestAddr dest)
{
    if (dest == old) {
        munmap((void *)(old + old_len), new_len - old_len);
        if (mremap((void *)old, old_len, new_len, 0) == MAP_FAILED) {
            int e = -errno;
            reserve(old + old_len, new_len - old_len);
            return e;
        }
        return 0;
    }
    if (mremap((void *)old, old_len, new_len, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)dest) == MAP_FAILED)
        return -errno;
    reserve(old, old_len); /* the host unmapped the source */
    return 0;
}

/* Where mremap puts the result: dest, or -errno. */
static i64 remap_dest(MemSpace *m, GuestAddr old, u64 old_len, u64 new_len, int flags, GuestAddr new_addr)
{
    if (flags & MREMAP_FIXED) {
        if ((new_addr & (MEM_PAGE - 1)) || !in_G(new_addr, new_len))
            return -EINVAL;
        if (new_addr < old + old_len && old < new_addr + new_len)
            return -EINVAL; /* the kernel refuses overlapping ranges */
        return (i64)new_addr;
    }
    if (in_G(old, new_len) && range_free(m, old + old_len, new_len - old_len))
        return (i64)old;
    if (!(flags & MREMAP_MAYMOVE))
        return -ENOMEM;
    GuestAddr d = find_free_locked(m, 0, new_len);
    return d ? (i64)d : -ENOMEM;
}

i64 mem_remap(MemSpace *m, GuestAddr old, u64 old_len, u64 new_len, int flags, GuestAddr new_addr)
{
    if ((old & (MEM_PAGE - 1)) || !new_len || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)))
        return -EINVAL;
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
        return -EINVAL;
    old_len = UE_ALIGN_UP(old_len, MEM_PAGE);
    new_len = UE_ALIGN_UP(new_len, MEM_PAGE);
    if (!old_len || !new_len)
        return -EINVAL; /* old_len 0 duplicates a shared mapping: not modelled */
    pthread_mutex_lock(&m->lock);
    i64 ret;
    u32 i = first_above(m, old);
    /* The old range must lie in one region, as in one kernel vma. */
    if (!in_G(old, old_len) || i == m->n || m->r[i].start > old || m->r[i].end < old + old_len) {
        ret = -EFAULT;
        goto out;
    }
    if (new_len <= old_len && !(flags & MREMAP_FIXED)) {
        /* Shrink in place. */
        if (new_len < old_len) {
            reserve(old + new_len, old_len - new_len);
            carve(m, old + new_len, old_len - new_len);
            m->generation++;
        }
        ret = (i64)old;
        goto out;
    }
    ret = remap_dest(m, old, old_len, new_len, flags, new_addr);
    if (ret < 0)
        goto out;
    GuestAddr dest = (GuestAddr)ret;
    int e = host_remap(old, old_len, new_len, dest);
    if (e < 0) {
        ret = e;
        goto out;
    }
    MemRegion r = m->r[i];
    r.name = r.name ? ue_strdup(r.name) : NULL;
    if (r.ino)
        r.offset += old - r.start;
    carve(m, old, old_len);
    carve(m, dest, new_len);
    r.start = dest;
    r.end = dest + new_len;
    add_region(m, &r);
    m->generation++;
out:
    pthread_mutex_unlock(&m->lock);
    return ret;
}

void mem_set_brk(MemSpace *m, GuestAddr start)
{
    pthread_mutex_lock(&m->lock);
    m->brk_start = m->brk_end = UE_ALIGN_UP(start, MEM_PAGE);
    pthread_mutex_unlock(&m->lock);
}

GuestAddr mem_brk(MemSpace *m, GuestAddr want)
{
    pthread_mutex_lock(&m->lock);
    GuestAddr cur = m->brk_end;
    if (want < m->brk_start || want - m->brk_start > m->brk_limit)
        goto out;
    GuestAddr old_top = UE_ALIGN_UP(m->brk_end, MEM_PAGE), new_top = UE_ALIGN_UP(want, MEM_PAGE);
    if (new_top > old_top) {
        if (!range_free(m, old_top, new_top - old_top))
            goto out;
        void *p = mmap((void *)old_top, new_top - old_top, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (p == MAP_FAILED)
            goto out;
        MemRegion r = {.start = old_top, .end = new_top, .prot = PROT_READ | PROT_WRITE, .flags = MAP_PRIVATE,
                       .kind = MEM_KIND_HEAP, .name = ue_strdup("[heap]")};
        add_region(m, &r);
    } else if (new_top < old_top) {
        reserve(new_top, old_top - new_top);
        carve(m, new_top, old_top - new_top);
    }
    m->brk_end = cur = want;
out:
    pthread_mutex_unlock(&m->lock);
    return cur;
}

bool mem_region_at(MemSpace *m, GuestAddr a, MemRegion *out)
{
    pthread_mutex_lock(&m->lock);
    u32 i = first_above(m, a);
    bool found = i < m->n && m->r[i].start <= a;
    if (found && out) {
        *out = m->r[i];
        out->name = NULL;
    }
    pthread_mutex_unlock(&m->lock);
    return found;
}

bool mem_range_ok(MemSpace *m, GuestAddr a, u64 len, int prot)
{
    if (len == 0)
        return true;
    if (a + len < a)
        return false;
    pthread_mutex_lock(&m->lock);
    u32 i = first_above(m, a);
    GuestAddr at = a, end = a + len;
    bool ok = true;
    while (at < end) {
        if (i == m->n || m->r[i].start > at || (m->r[i].prot & prot) != prot) {
            ok = false;
            break;
        }
        at = m->r[i].end;
        i++;
    }
    pthread_mutex_unlock(&m->lock);
    return ok;
}

u64 mem_exec_avail(MemSpace *m, GuestAddr pc)
{
    pthread_mutex_lock(&m->lock);
    u32 i = first_above(m, pc);
    GuestAddr at = pc;
    while (i < m->n && m->r[i].start <= at && (m->r[i].prot & PROT_EXEC)) {
        at = m->r[i].end;
        i++;
    }
    pthread_mutex_unlock(&m->lock);
    return at - pc;
}

void mem_set_kind(MemSpace *m, GuestAddr a, u64 len, MemKind kind, const char *name)
{
    pthread_mutex_lock(&m->lock);
    split_at(m, a);
    split_at(m, a + len);
    for (u32 i = first_above(m, a); i < m->n && m->r[i].start < a + len; i++) {
        m->r[i].kind = kind;
        free(m->r[i].name);
        m->r[i].name = name ? ue_strdup(name) : NULL;
    }
    pthread_mutex_unlock(&m->lock);
}

void mem_set_ident(MemSpace *m, GuestAddr a, u64 len, u64 dev, u64 ino)
{
    pthread_mutex_lock(&m->lock);
    split_at(m, a);
    split_at(m, a + len);
    for (u32 i = first_above(m, a); i < m->n && m->r[i].start < a + len; i++) {
        m->r[i].dev = dev;
        m->r[i].ino = ino;
    }
    pthread_mutex_unlock(&m->lock);
}

/* One line of /proc/PID/maps, formatted as the kernel's show_map_vma:
 * the fields end with a space; a name is padded to start at column 74. */
static size_t format_region(const MemRegion *r, char *s, size_t cap)
{
    int k = snprintf(s, cap, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu ", (unsigned long long)r->start,
                     (unsigned long long)r->end, r->prot & PROT_READ ? 'r' : '-', r->prot & PROT_WRITE ? 'w' : '-',
                     r->prot & PROT_EXEC ? 'x' : '-', r->flags & MAP_SHARED ? 's' : 'p',
                     (unsigned long long)r->offset, (unsigned)major(r->dev), (unsigned)minor(r->dev),
                     (unsigned long long)r->ino);
    if (r->name) {
        int pad = 72 - k;
        k += snprintf(s + k, cap - (size_t)k, "%*s %s", pad > 0 ? pad : 0, "", r->name);
    }
    s[k++] = '\n';
    return (size_t)k;
}

char *mem_format_maps(MemSpace *m, size_t *len)
{
    pthread_mutex_lock(&m->lock);
    size_t cap = 256 + (size_t)m->n * 200, n = 0;
    char *s = ue_malloc(cap);
    for (u32 i = 0; i < m->n; i++) {
        size_t need = 160 + (m->r[i].name ? strlen(m->r[i].name) : 0);
        if (cap - n < need) {
            cap = cap * 2 + need;
            s = ue_realloc(s, cap);
        }
        n += format_region(&m->r[i], s + n, cap - n);
    }
    s[n] = 0;
    pthread_mutex_unlock(&m->lock);
    *len = n;
    return s;
}
