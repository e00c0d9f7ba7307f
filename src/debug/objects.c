/*
 * objects.c — the loaded ELF objects of the guest: registration by the OS
 * layer (the loader's images, file-backed executable mmaps), forgetting on
 * munmap, lookup by address, the new-object hook tools use to redirect
 * allocator functions, and function symbols by name.
 *
 * Each object is opened lazily, on the first question about it, with
 * elfutils' libdwfl (one Dwfl per object): it reads .symtab or, in stripped
 * files, .dynsym (the dynamic symbols are a subset of .symtab), finds
 * DWARF in the file or in a separate debug file, and gives the CFI.  No ELF
 * or DWARF parsing is written here beyond the program headers needed to
 * place an image; libdw does the rest.
 *
 * Separate debug files are searched by build-id (dwfl_build_id_find_debuginfo
 * over "EXTRA:/usr/lib/debug") and then by .gnu_debuglink name in the
 * object's directory, its .debug/ subdirectory and under each debug root —
 * never through debuginfod: dwfl_standard_find_debuginfo would ask the
 * network when DEBUGINFOD_URLS is set (Debian sets it in login shells), and
 * a report must not wait on a download.
 *
 * Invariants: objects are never freed before dbg_reset (tools keep
 * pointers, stacks outlive dlclose); at most one live object covers an
 * address; the registry list is newest first, so a re-used range finds the
 * object mapped last.
 */
#include "debug/debug_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

pthread_mutex_t dbg_lock = PTHREAD_MUTEX_INITIALIZER;

static DbgObject *objects;          /* newest first */
u32 dbg_obj_gen = 1;
static DbgObjectHook object_hook;
static void *object_hook_ctx;
static char *debuginfo_path;        /* "EXTRA:/usr/lib/debug" for libdwfl */

enum { MAX_PHNUM = 512 };

/* ------------------------------------------------------ program headers */

/* The PT_LOAD headers of the ELF file (fd, or path if fd < 0) into ph
 * (cap entries).  Returns how many, or -1 if it is not a usable ELF. */
static int read_loads(const char *path, int fd, GElf_Phdr *ph, int cap)
{
    int own = -1;
    if (fd < 0) {
        own = fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return -1;
    }
    elf_version(EV_CURRENT);
    int n = -1;
    Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    size_t phnum;
    if (e && elf_kind(e) == ELF_K_ELF && elf_getphdrnum(e, &phnum) == 0 && phnum <= MAX_PHNUM) {
        n = 0;
        for (size_t i = 0; i < phnum && n < cap; i++) {
            GElf_Phdr p;
            if (gelf_getphdr(e, (int)i, &p) && p.p_type == PT_LOAD && p.p_memsz)
                ph[n++] = p;
        }
    }
    if (e)
        elf_end(e);
    if (own >= 0)
        close(own);
    return n;
}

static void load_span(const GElf_Phdr *ph, int n, u64 *lo, u64 *hi)
{
    *lo = ~0ull;
    *hi = 0;
    for (int i = 0; i < n; i++) {
        *lo = UE_MIN(*lo, UE_ALIGN_DOWN(ph[i].p_vaddr, MEM_PAGE));
        *hi = UE_MAX(*hi, ph[i].p_vaddr + ph[i].p_memsz);
    }
}

/* ------------------------------------------------------------- registry */

DbgObject *dbg_obj_find(GuestAddr a, bool live_only)
{
    for (DbgObject *o = objects; o; o = o->next)
        if (o->live && a >= o->lo && a < o->hi)
            return o;
    if (live_only)
        return NULL;
    for (DbgObject *o = objects; o; o = o->next)
        if (a >= o->lo && a < o->hi)
            return o;
    return NULL;
}

static void forget_locked(GuestAddr lo, GuestAddr hi)
{
    for (DbgObject *o = objects; o; o = o->next)
        if (o->live && o->lo < hi && lo < o->hi) {
            o->live = false;
            dbg_obj_gen++;
        }
}

/* Add path at bias spanning [lo, hi), or find it; *fresh says which. */
static DbgObject *add_object(const char *path, GuestAddr bias, GuestAddr lo, GuestAddr hi, bool *fresh)
{
    *fresh = false;
    pthread_mutex_lock(&dbg_lock);
    DbgObject *o = dbg_obj_find(lo, true);
    if (o && o->bias == bias && strcmp(o->path, path) == 0) {
        pthread_mutex_unlock(&dbg_lock);
        return o;
    }
    forget_locked(lo, hi);
    o = ue_calloc(1, sizeof *o);
    o->path = ue_strdup(path);
    o->bias = bias;
    o->lo = lo;
    o->hi = hi;
    o->live = true;
    o->next = objects;
    objects = o;
    dbg_obj_gen++;
    *fresh = true;
    pthread_mutex_unlock(&dbg_lock);
    return o;
}

static DbgObject *register_object(const char *path, GuestAddr bias, const GElf_Phdr *ph, int n)
{
    u64 lo, hi;
    load_span(ph, n, &lo, &hi);
    bool fresh;
    /* Reports name objects by their real path (ld.so's PT_INTERP name and
     * a relative program path are symlinks or relative). */
    char real[4096];
    if (realpath(path, real))
        path = real;
    DbgObject *o = add_object(path, bias, bias + lo, bias + hi, &fresh);
    DbgObjectHook fn = object_hook;
    if (fresh && fn)
        fn(object_hook_ctx, o);
    return o;
}

DbgObject *dbg_note_object(const char *path, GuestAddr bias)
{
    GElf_Phdr ph[64];
    int n = read_loads(path, -1, ph, (int)UE_ARRAY_LEN(ph));
    if (n <= 0)
        return NULL;
    return register_object(path, bias, ph, n);
}

/* The PT_LOAD that file offset off (a mapping's start) belongs to gives
 * the bias: that file byte sits at vaddr p_vaddr + (off - p_offset) and
 * was mapped at start.  The kernel and ld.so map each segment from its
 * page-aligned offset, so off may lie up to a page below p_offset. */
DbgObject *dbg_note_mapping(const char *path, int fd, GuestAddr start, u64 len, u64 off)
{
    GElf_Phdr ph[64];
    int n = read_loads(path, fd, ph, (int)UE_ARRAY_LEN(ph));
    if (n <= 0 || !len)
        return NULL;
    for (int i = 0; i < n; i++) {
        u64 seg_off = UE_ALIGN_DOWN(ph[i].p_offset, MEM_PAGE);
        if (off < seg_off || off >= UE_MAX(ph[i].p_offset + ph[i].p_filesz, seg_off + 1))
            continue;
        if ((ph[i].p_vaddr - ph[i].p_offset) % MEM_PAGE != 0)
            return NULL;
        u64 vaddr = ph[i].p_vaddr - ph[i].p_offset + off;
        return register_object(path, start - vaddr, ph, n);
    }
    return NULL;
}

void dbg_forget_range(GuestAddr start, u64 len)
{
    pthread_mutex_lock(&dbg_lock);
    forget_locked(start, start + len);
    pthread_mutex_unlock(&dbg_lock);
}

DbgObject *dbg_object_at(GuestAddr a)
{
    pthread_mutex_lock(&dbg_lock);
    DbgObject *o = dbg_obj_find(a, true);
    pthread_mutex_unlock(&dbg_lock);
    return o;
}

const char *dbg_object_path(const DbgObject *o) { return o->path; }
GuestAddr dbg_object_bias(const DbgObject *o) { return o->bias; }

void dbg_object_range(const DbgObject *o, GuestAddr *lo, GuestAddr *hi)
{
    *lo = o->lo;
    *hi = o->hi;
}

void dbg_set_object_hook(DbgObjectHook fn, void *ctx)
{
    /* Objects registered before the hook (the program and ld.so, if the
     * tool starts after the loader) are announced now, oldest first. */
    DbgObject **live = NULL;
    u32 n = 0, cap = 0;
    pthread_mutex_lock(&dbg_lock);
    object_hook = fn;
    object_hook_ctx = ctx;
    for (DbgObject *o = objects; o; o = o->next)
        if (o->live)
            VEC_PUSH(live, n, cap, o);
    pthread_mutex_unlock(&dbg_lock);
    while (fn && n > 0)
        fn(ctx, live[--n]);
    free(live);
}

void dbg_set_debuginfo_path(const char *dirs)
{
    pthread_mutex_lock(&dbg_lock);
    free(debuginfo_path);
    debuginfo_path = NULL;
    if (dirs && *dirs) {
        size_t n = strlen(dirs) + sizeof ":/usr/lib/debug";
        debuginfo_path = ue_malloc(n);
        snprintf(debuginfo_path, n, "%s:/usr/lib/debug", dirs);
    }
    pthread_mutex_unlock(&dbg_lock);
}

void dbg_reset(void)
{
    pthread_mutex_lock(&dbg_lock);
    while (objects) {
        DbgObject *o = objects;
        objects = o->next;
        if (o->dwfl)
            dwfl_end(o->dwfl);
        free(o->path);
        free(o->alias);
        free(o->data);
        free(o);
    }
    dbg_named_code_reset();
    dbg_intern_reset();
    pthread_mutex_unlock(&dbg_lock);
}

/* --------------------------------------------------- libdwfl, lazily */

static int try_open(const char *dir, const char *sub, const char *name, char **found)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s%s%s", dir, sub, name) >= (int)sizeof buf)
        return -1;
    int fd = ue_fd_high(open(buf, O_RDONLY | O_CLOEXEC));
    if (fd >= 0)
        *found = ue_strdup(buf);
    return fd;
}

/* find_debuginfo for libdwfl: build-id first, then the debuglink name in
 * the places gdb and Valgrind look (see the file header), no network. */
static int find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
                          const char *file_name, const char *debuglink, GElf_Word crc, char **found)
{
    int fd = ue_fd_high(dwfl_build_id_find_debuginfo(mod, userdata, modname, base, file_name, debuglink, crc, found));
    if (fd >= 0 || !debuglink || !file_name)
        return fd;
    char dir[4096];
    const char *slash = strrchr(file_name, '/');
    size_t dl = slash ? (size_t)(slash - file_name + 1) : 0;
    if (dl >= sizeof dir)
        return -1;
    memcpy(dir, file_name, dl);
    dir[dl] = 0;
    if ((fd = try_open(dir, "", debuglink, found)) >= 0 || (fd = try_open(dir, ".debug/", debuglink, found)) >= 0)
        return fd;
    const char *roots = debuginfo_path ? debuginfo_path : "/usr/lib/debug";
    while (*roots) {
        size_t n = strcspn(roots, ":");
        char root[8192 + 8];
        if (n && n < 4096 && roots[0] == '/') {
            snprintf(root, sizeof root, "%.*s%s%s", (int)n, roots, dir[0] == '/' ? "" : "/", dir);
            if ((fd = try_open(root, "", debuglink, found)) >= 0)
                return fd;
        }
        roots += n + (roots[n] == ':');
    }
    return -1;
}

static char *no_path;
static const Dwfl_Callbacks dwfl_callbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = find_debuginfo,
    .section_address = dwfl_offline_section_address,
    .debuginfo_path = &no_path,
};

Dwfl_Module *dbg_obj_load(DbgObject *o)
{
    if (o->loaded)
        return o->mod;
    o->loaded = true;
    /* dwfl reads the callbacks' path when it searches; it is only changed
     * under dbg_lock, which the caller holds. */
    no_path = debuginfo_path;
    Dwfl *d = dwfl_begin(&dwfl_callbacks);
    if (!d)
        return NULL;
    dwfl_report_begin(d);
    /* libdwfl keeps the file open for as long as the module lives (and
     * closes it at dwfl_end): ue's descriptor, kept out of the guest's way
     * (ue_fd_high), not the lowest free one a guest that closed stdin
     * would find under fd 0. */
    int fd = ue_fd_high(open(o->path, O_RDONLY | O_CLOEXEC));
    Dwfl_Module *m = fd < 0 ? NULL : dwfl_report_elf(d, o->path, o->path, fd, o->bias, true);
    dwfl_report_end(d, NULL, NULL);
    if (!m) {
        dwfl_end(d);
        return NULL;
    }
    o->dwfl = d;
    o->mod = m;
    return m;
}

/* ------------------------------------------------------ symbols by name */

u32 dbg_find_functions(DbgObject *o, const char *const *names, u32 n, DbgSymFn fn, void *ctx)
{
    DbgSym *hits = NULL;
    u32 *idx = NULL, nhits = 0, cap = 0, cap_idx = 0;
    pthread_mutex_lock(&dbg_lock);
    no_path = debuginfo_path;
    Dwfl_Module *m = dbg_obj_load(o);
    int nsym = m ? dwfl_module_getsymtab(m) : -1;
    for (int i = 1; i < nsym; i++) {
        GElf_Sym sym;
        GElf_Addr addr;
        GElf_Word shndx;
        const char *name = dwfl_module_getsym_info(m, i, &sym, &addr, &shndx, NULL, NULL);
        int type = GELF_ST_TYPE(sym.st_info);
        if (!name || sym.st_shndx == SHN_UNDEF || (type != STT_FUNC && type != STT_GNU_IFUNC))
            continue;
        /* .symtab keeps symbol versions in names ("memcpy@@GLIBC_2.14"). */
        const char *at = strchr(name, '@');
        size_t len = at && at > name ? (size_t)(at - name) : strlen(name);
        for (u32 k = 0; k < n; k++) {
            if (names[k][0] != name[0] || strncmp(names[k], name, len) != 0 || names[k][len])
                continue;
            int bind = GELF_ST_BIND(sym.st_info);
            char buf[512];
            snprintf(buf, sizeof buf, "%.*s", (int)len, name);
            DbgSym s = {dbg_intern(buf), len < strlen(name) ? dbg_intern(name + len) : NULL, addr, sym.st_size,
                        type == STT_GNU_IFUNC, bind == STB_GLOBAL || bind == STB_WEAK};
            bool seen = false; /* one name at one address once ("memcpy" and "memcpy@@GLIBC_2.14") */
            for (u32 j = 0; j < nhits && !seen; j++)
                seen = idx[j] == k && hits[j].addr == addr;
            if (seen)
                continue;
            VEC_PUSH(hits, nhits, cap, s);
            u32 nidx = nhits - 1;
            VEC_PUSH(idx, nidx, cap_idx, k);
        }
    }
    pthread_mutex_unlock(&dbg_lock);
    for (u32 i = 0; i < nhits; i++)
        fn(ctx, idx[i], &hits[i]);
    free(hits);
    free(idx);
    return nhits;
}

/* ------------------------------------------------------ interned strings */

static char **intern_tab;
static u32 intern_n, intern_cap; /* open addressing, cap a power of two */

static u64 hash_str(const char *s)
{
    u64 h = 1469598103934665603ull;
    while (*s)
        h = (h ^ (u8)*s++) * 1099511628211ull;
    return h;
}

static void intern_grow(void)
{
    u32 ncap = intern_cap ? intern_cap * 2 : 1024;
    char **t = ue_calloc(ncap, sizeof *t);
    for (u32 i = 0; i < intern_cap; i++) {
        if (!intern_tab[i])
            continue;
        u32 j = (u32)hash_str(intern_tab[i]) & (ncap - 1);
        while (t[j])
            j = (j + 1) & (ncap - 1);
        t[j] = intern_tab[i];
    }
    free(intern_tab);
    intern_tab = t;
    intern_cap = ncap;
}

const char *dbg_intern(const char *s)
{
    if (!s)
        return NULL;
    if ((intern_n + 1) * 2 > intern_cap)
        intern_grow();
    u32 j = (u32)hash_str(s) & (intern_cap - 1);
    while (intern_tab[j]) {
        if (strcmp(intern_tab[j], s) == 0)
            return intern_tab[j];
        j = (j + 1) & (intern_cap - 1);
    }
    intern_n++;
    return intern_tab[j] = ue_strdup(s);
}

void dbg_intern_reset(void)
{
    for (u32 i = 0; i < intern_cap; i++)
        free(intern_tab[i]);
    free(intern_tab);
    intern_tab = NULL;
    intern_n = intern_cap = 0;
}
