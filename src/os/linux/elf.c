/*
 * elf.c — loading an ELF64 x86-64 executable or shared object into the guest
 * window, as the kernel's binfmt_elf does: validate, reserve the whole span,
 * map each PT_LOAD with its permissions, zero the bss.
 *
 * Every field read from the file is checked before use: this is the code a
 * malformed or hostile file reaches first, and it is fuzzed (fuzz/fuzz_elf.c).
 * Errors are one line for the user, never a crash.
 *
 * Placement: ET_EXEC at its own addresses (which must lie in G); a PIE main
 * program at two thirds of G plus a random offset (the kernel's
 * ELF_ET_DYN_BASE rule); the dynamic linker top-down like any mmap.
 */
#include "os/linux/lx_priv.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAX_PHNUM = 512, MAX_INTERP = 4096 };

static int elf_prot(u32 flags)
{
    return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) | (flags & PF_X ? PROT_EXEC : 0);
}

static const char *machine_name(unsigned m)
{
    switch (m) {
    case EM_386: return "i386";
    case EM_X86_64: return "x86-64"; /* 32-bit: the x32 ABI */
    case EM_ARM: return "ARM";
    case EM_AARCH64: return "AArch64";
    case EM_RISCV: return "RISC-V";
    case EM_PPC64: return "PowerPC64";
    case EM_S390: return "s390";
    case EM_MIPS: return "MIPS";
    default: return NULL;
    }
}

/* Check the ELF header; returns NULL or the reason it is not loadable. */
static const char *check_ehdr(const Elf64_Ehdr *eh, u64 fsize, char *why, size_t len)
{
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
        return "not an executable: no ELF header and no #! line";
    if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64) {
        const char *m = machine_name(eh->e_machine);
        u8 cls = eh->e_ident[EI_CLASS];
        const char *bits = cls == ELFCLASS32 ? "32-bit" : cls == ELFCLASS64 ? "64-bit" : "bad class";
        if (m)
            snprintf(why, len, "not an x86-64 ELF executable (%s %s)", bits, m);
        else
            snprintf(why, len, "not an x86-64 ELF executable (%s, machine %u)", bits, eh->e_machine);
        return why;
    }
    if (eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_ident[EI_VERSION] != EV_CURRENT)
        return "malformed ELF header (byte order or version)";
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN) {
        snprintf(why, len, "not an executable (ELF type %u)", eh->e_type);
        return why;
    }
    if (eh->e_phentsize != sizeof(Elf64_Phdr))
        return "malformed ELF: bad program header entry size";
    if (eh->e_phnum == 0 || eh->e_phnum > MAX_PHNUM)
        return "malformed ELF: bad number of program headers";
    if (eh->e_phoff >= fsize || eh->e_phoff + (u64)eh->e_phnum * sizeof(Elf64_Phdr) > fsize)
        return "truncated or malformed ELF: program headers outside the file";
    return NULL;
}

/* Check the PT_LOAD segments; fill lo/hi (page aligned, before the load
 * bias) and the largest alignment asked for. */
static const char *check_loads(const Elf64_Phdr *ph, unsigned n, u64 fsize, u64 *lo, u64 *hi, u64 *align)
{
    const u64 user_top = 1ull << 47; /* no user mapping is above this */
    u64 prev_end = 0;
    unsigned loads = 0;
    *lo = ~0ull;
    *hi = 0;
    *align = MEM_PAGE;
    for (unsigned i = 0; i < n; i++) {
        const Elf64_Phdr *p = &ph[i];
        if (p->p_type != PT_LOAD)
            continue;
        if (p->p_filesz > p->p_memsz)
            return "malformed ELF: segment file size exceeds its memory size";
        if (p->p_offset > fsize || p->p_filesz > fsize - p->p_offset)
            return "truncated ELF: a segment lies beyond the end of the file";
        if (p->p_memsz > user_top || p->p_vaddr > user_top - p->p_memsz)
            return "malformed ELF: a segment lies outside the user address space";
        if ((p->p_vaddr & (MEM_PAGE - 1)) != (p->p_offset & (MEM_PAGE - 1)))
            return "malformed ELF: segment address and file offset disagree modulo the page size";
        /* Sorted by address (ELF spec); neighbours may share a page. */
        if (loads && p->p_vaddr < prev_end)
            return "malformed ELF: overlapping or unsorted segments";
        prev_end = p->p_vaddr + p->p_memsz;
        if (p->p_align > *align && (p->p_align & (p->p_align - 1)) == 0 && p->p_align <= (1ull << 30))
            *align = p->p_align;
        *lo = UE_MIN(*lo, UE_ALIGN_DOWN(p->p_vaddr, MEM_PAGE));
        *hi = UE_MAX(*hi, UE_ALIGN_UP(p->p_vaddr + p->p_memsz, MEM_PAGE));
        loads++;
    }
    if (!loads)
        return "malformed ELF: no loadable segment";
    if (*hi - *lo > (MEM_G_END - MEM_G_START) / 2)
        return "malformed ELF: segments span an absurd range";
    return NULL;
}

/* Map one PT_LOAD at bias. */
static int map_segment(MemSpace *m, int fd, const Elf64_Phdr *p, u64 bias)
{
    int prot = elf_prot(p->p_flags);
    GuestAddr start = UE_ALIGN_DOWN(bias + p->p_vaddr, MEM_PAGE);
    GuestAddr file_end = bias + p->p_vaddr + p->p_filesz;
    GuestAddr mem_end = UE_ALIGN_UP(bias + p->p_vaddr + p->p_memsz, MEM_PAGE);
    u64 off = UE_ALIGN_DOWN(p->p_offset, MEM_PAGE);
    GuestAddr file_pages_end = UE_ALIGN_UP(file_end, MEM_PAGE);
    if (p->p_filesz) {
        i64 r = mem_map(m, start, file_pages_end - start, prot | PROT_WRITE * (p->p_memsz > p->p_filesz),
                        MAP_PRIVATE | MAP_FIXED, fd, off, MEM_KIND_FILE, NULL);
        if (r < 0)
            return (int)r;
        /* The tail of the last file page belongs to the bss: zero it. */
        if (p->p_memsz > p->p_filesz && file_pages_end > file_end) {
            memset((void *)(uintptr_t)file_end, 0, file_pages_end - file_end);
        }
        if (p->p_memsz > p->p_filesz && !(prot & PROT_WRITE))
            mem_protect(m, start, file_pages_end - start, prot);
    } else {
        file_pages_end = start;
    }
    if (mem_end > file_pages_end) {
        i64 r = mem_map(m, file_pages_end, mem_end - file_pages_end, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                        -1, 0, MEM_KIND_ANON, NULL);
        if (r < 0)
            return (int)r;
    }
    return 0;
}

/* One load in progress: what the steps below share.  Each step returns
 * NULL or the reason the file cannot be loaded (possibly formatted into
 * why). */
typedef struct ElfLoad {
    MemSpace *m;
    int fd;
    bool is_interp;
    u64 fsize;
    Elf64_Ehdr eh;
    Elf64_Phdr *ph;
    u64 lo, hi, align; /* page-aligned span of the PT_LOADs, before the bias */
    u64 bias;
    GuestAddr reserved; /* the span once reserved (0 before) */
    char why[200];
} ElfLoad;

/* The file, its ELF header and its program headers. */
static const char *read_headers(ElfLoad *L)
{
    struct stat st;
    Elf64_Ehdr *eh = &L->eh;
    if (fstat(L->fd, &st) != 0)
        return strerror(errno);
    if (S_ISDIR(st.st_mode))
        return "Is a directory";
    if (!S_ISREG(st.st_mode))
        return "not a regular file";
    L->fsize = (u64)st.st_size;
    const char *not_elf = L->is_interp ? "not an ELF file" : "not an executable: no ELF header and no #! line";
    if (L->fsize < sizeof *eh || !ue_read_all(L->fd, eh, sizeof *eh, 0)) {
        if (L->fsize >= SELFMAG && ue_read_all(L->fd, eh, SELFMAG, 0) && !memcmp(eh->e_ident, ELFMAG, SELFMAG))
            return "truncated ELF: file too short for an ELF header";
        return not_elf;
    }
    const char *bad = check_ehdr(eh, L->fsize, L->why, sizeof L->why);
    if (bad)
        return L->is_interp && memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ? not_elf : bad;
    L->ph = ue_malloc((size_t)eh->e_phnum * sizeof *L->ph);
    if (!ue_read_all(L->fd, L->ph, (size_t)eh->e_phnum * sizeof *L->ph, (i64)eh->e_phoff))
        return "truncated ELF: cannot read program headers";
    return check_loads(L->ph, eh->e_phnum, L->fsize, &L->lo, &L->hi, &L->align);
}

/* PT_INTERP, if any, into img->interp. */
static const char *read_interp(ElfLoad *L, LxImage *img)
{
    for (unsigned i = 0; i < L->eh.e_phnum; i++) {
        const Elf64_Phdr *p = &L->ph[i];
        if (p->p_type != PT_INTERP)
            continue;
        if (L->is_interp)
            return "malformed ELF: the dynamic linker itself asks for an interpreter";
        if (p->p_filesz < 2 || p->p_filesz > MAX_INTERP || p->p_offset > L->fsize ||
            p->p_filesz > L->fsize - p->p_offset)
            return "malformed ELF: bad PT_INTERP";
        img->interp = ue_malloc(p->p_filesz + 1);
        if (!ue_read_all(L->fd, img->interp, p->p_filesz, (i64)p->p_offset))
            return "truncated ELF: cannot read PT_INTERP";
        /* The kernel's rule: the segment's last byte is a NUL; the path
         * ends at the first one. */
        if (img->interp[p->p_filesz - 1] != 0 || !img->interp[0])
            return "malformed ELF: PT_INTERP is not a NUL-terminated path";
        return NULL;
    }
    return NULL;
}

/* Choose the load bias and reserve the whole span PROT_NONE. */
static const char *place(ElfLoad *L)
{
    u64 span = L->hi - L->lo;
    if (L->eh.e_type == ET_DYN) {
        GuestAddr want;
        if (L->is_interp) {
            want = mem_find_free(L->m, 0, span + L->align);
            if (!want)
                return "no room for the dynamic linker";
            want = UE_ALIGN_UP(want, L->align);
        } else {
            want = MEM_G_START + (MEM_G_END - MEM_G_START) / 3 * 2 + mem_random_offset(L->m, 1ull << 36);
            want = UE_ALIGN_DOWN(want, L->align);
        }
        L->bias = want - L->lo;
    } else if (L->lo < MEM_G_START || L->hi > MEM_G_END) {
        snprintf(L->why, sizeof L->why, "segments at 0x%llx-0x%llx lie outside the guest address range 0x%llx-0x%llx",
                 (unsigned long long)L->lo, (unsigned long long)L->hi, (unsigned long long)MEM_G_START,
                 (unsigned long long)MEM_G_END);
        return L->why;
    }
    GuestAddr at = L->bias + L->lo;
    i64 r = mem_map(L->m, at, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0,
                    MEM_KIND_GUARD, NULL);
    if (r < 0) {
        snprintf(L->why, sizeof L->why, "cannot reserve 0x%llx bytes at 0x%llx: %s", (unsigned long long)span,
                 (unsigned long long)at, strerror((int)-r));
        return L->why;
    }
    L->reserved = at;
    return NULL;
}

/* Map every PT_LOAD into the reserved span; the holes between them are
 * left unmapped, as the kernel leaves them. */
static const char *map_loads(ElfLoad *L)
{
    GuestAddr mapped_end = L->bias + L->lo;
    for (unsigned i = 0; i < L->eh.e_phnum; i++) {
        const Elf64_Phdr *p = &L->ph[i];
        if (p->p_type != PT_LOAD)
            continue;
        GuestAddr seg_start = UE_ALIGN_DOWN(L->bias + p->p_vaddr, MEM_PAGE);
        if (seg_start > mapped_end)
            mem_unmap(L->m, mapped_end, seg_start - mapped_end);
        int e = map_segment(L->m, L->fd, p, L->bias);
        if (e < 0) {
            snprintf(L->why, sizeof L->why, "cannot map segment %u: %s", i, strerror(-e));
            return L->why;
        }
        mapped_end = UE_ALIGN_UP(L->bias + p->p_vaddr + p->p_memsz, MEM_PAGE);
    }
    return NULL;
}

/* What the auxiliary vector says about the image. */
static const char *describe(ElfLoad *L, LxImage *img)
{
    const Elf64_Ehdr *eh = &L->eh;
    img->base = L->bias;
    img->entry = L->bias + eh->e_entry;
    img->phnum = eh->e_phnum;
    img->phent = eh->e_phentsize;
    img->end = L->bias + L->hi;
    /* AT_PHDR: where the segment holding the program headers puts them, as
     * the kernel computes it (PT_PHDR is not consulted). */
    for (unsigned i = 0; i < eh->e_phnum && !img->phdr; i++) {
        const Elf64_Phdr *p = &L->ph[i];
        if (p->p_type == PT_LOAD && eh->e_phoff >= p->p_offset && eh->e_phoff - p->p_offset < p->p_filesz)
            img->phdr = L->bias + p->p_vaddr + (eh->e_phoff - p->p_offset);
    }
    if (!mem_range_ok(L->m, img->entry, 1, PROT_EXEC)) {
        snprintf(L->why, sizeof L->why, "malformed ELF: entry point 0x%llx is not in an executable segment",
                 (unsigned long long)eh->e_entry);
        return L->why;
    }
    return NULL;
}

int lx_load_elf(MemSpace *m, const char *path, int fd, bool is_interp, LxImage *img, char *err, size_t errlen)
{
    (void)path; /* the caller names the file in its message */
    ElfLoad L = {.m = m, .fd = fd, .is_interp = is_interp};
    memset(img, 0, sizeof *img);
    const char *bad = read_headers(&L);
    if (!bad)
        bad = read_interp(&L, img);
    if (!bad)
        bad = place(&L);
    if (!bad)
        bad = map_loads(&L);
    if (!bad)
        bad = describe(&L, img);
    free(L.ph);
    if (!bad)
        return 0;
    snprintf(err, errlen, "%s", bad);
    if (L.reserved)
        mem_unmap(m, L.reserved, L.hi - L.lo); /* leave G as it was */
    free(img->interp);
    img->interp = NULL;
    return LX_EXIT_CANNOT_EXEC;
}
