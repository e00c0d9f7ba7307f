/*
 * symbolize.c — a guest pc to the frames a developer reads: the object,
 * the ELF symbol and the offset into it, the source file:line from DWARF
 * line tables, and one frame per level of inlining, innermost first.
 *
 * Where the names come from (as Valgrind's, so reports read the same):
 * the function a pc belongs to is named by its ELF symbol (.symtab, or
 * .dynsym in a stripped object), so clones keep their ".constprop.0";
 * inlined functions, which have no symbol, are named by DWARF (the
 * DW_AT_linkage_name of the inlined subroutine's abstract origin, else its
 * DW_AT_name).  Locations: the innermost frame's from the line table, each
 * caller's from the DW_AT_call_file/call_line of the inlined call it made.
 *
 * Demangling: libiberty's cplus_demangle (Debian's libiberty-dev, a static
 * library) with DMGL_PARAMS | DMGL_ANSI — the very code c++filt and
 * addr2line -C run, so names match the tools developers compare with
 * (c++filt adds DMGL_VERBOSE, which changes only Rust names: it keeps
 * their hashes; reports leave them out, as Valgrind's do).
 * libstdc++'s __cxa_demangle is the same demangler behind a C++ runtime
 * ue would otherwise not need to load.
 */
#include "debug/debug_priv.h"

#include <dwarf.h>
#include <gelf.h>
#include <libiberty/demangle.h>
#include <stdio.h>
#include <stdlib.h>

char *dbg_demangle(const char *name)
{
    /* _Z: C++ (and Rust's legacy scheme, which wraps it); _R: Rust v0. */
    if (!name || name[0] != '_' || (name[1] != 'Z' && name[1] != 'R'))
        return NULL;
    return cplus_demangle(name, DMGL_PARAMS | DMGL_ANSI);
}

/* Under dbg_lock: the interned, demangled form of a raw name. */
static const char *pretty_name(const char *raw)
{
    char *d = dbg_demangle(raw);
    if (!d)
        return dbg_intern(raw);
    const char *s = dbg_intern(d);
    free(d);
    return s;
}

static bool is_function_scope(Dwarf_Die *d)
{
    int tag = dwarf_tag(d);
    return tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine;
}

/* The raw (mangled if C++) name DWARF gives a function DIE. */
static const char *die_raw_name(Dwarf_Die *d)
{
    Dwarf_Attribute a;
    const char *s = dwarf_formstring(dwarf_attr_integrate(d, DW_AT_linkage_name, &a));
    if (!s)
        s = dwarf_formstring(dwarf_attr_integrate(d, DW_AT_MIPS_linkage_name, &a));
    if (!s)
        s = dwarf_diename(d);
    if (!s) {
        /* dwarf_diename does not follow DW_AT_abstract_origin. */
        s = dwarf_formstring(dwarf_attr_integrate(d, DW_AT_name, &a));
    }
    return s;
}

/* A source path from the line table, which may be relative to the CU's
 * compilation directory (a file compiled as "gcc -g src/x.c"): joined
 * with DW_AT_comp_dir, as addr2line and gdb show it. */
static const char *full_path(Dwarf_Die *cu, const char *path)
{
    Dwarf_Attribute a;
    const char *dir = path && path[0] != '/' ? dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &a)) : NULL;
    if (!dir)
        return dbg_intern(path);
    char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", dir, path);
    return dbg_intern(buf);
}

/* Where the inlined subroutine `inl` was called from, into f. */
static void call_site(Dwarf_Die *cu, Dwarf_Die *inl, DbgFrame *f)
{
    Dwarf_Attribute a;
    Dwarf_Word file = 0, line = 0, col = 0;
    Dwarf_Files *files;
    size_t nfiles;
    if (dwarf_formudata(dwarf_attr(inl, DW_AT_call_file, &a), &file) == 0 &&
        dwarf_getsrcfiles(cu, &files, &nfiles) == 0 && file < nfiles)
        f->file = full_path(cu, dwarf_filesrc(files, file, NULL, NULL));
    if (dwarf_formudata(dwarf_attr(inl, DW_AT_call_line, &a), &line) == 0)
        f->line = (u32)line;
    if (dwarf_formudata(dwarf_attr(inl, DW_AT_call_column, &a), &col) == 0)
        f->column = (u32)col;
}

/* The innermost frame's location from the line table. */
static void line_of(Dwarf_Die *cu, Dwarf_Addr addr, DbgFrame *f)
{
    Dwarf_Line *l = dwarf_getsrc_die(cu, addr);
    if (!l)
        return;
    int line = 0, col = 0;
    f->file = full_path(cu, dwarf_linesrc(l, NULL, NULL));
    if (dwarf_lineno(l, &line) == 0 && line > 0)
        f->line = (u32)line;
    if (dwarf_linecol(l, &col) == 0 && col > 0)
        f->column = (u32)col;
}

/* Fill frames from DWARF scopes: out[0] gets the line table's location,
 * each further frame its callee's call site.  Returns the count (0 if
 * DWARF knows nothing of pc). */
static u32 dwarf_frames(Dwfl_Module *m, GuestAddr pc, DbgFrame *out, u32 max)
{
    Dwarf_Addr bias;
    Dwarf_Die *cu = dwfl_module_addrdie(m, pc, &bias);
    /* libdwfl maps an address in a gap between CUs (crt1's _start) to the
     * CU before it: only a CU whose ranges hold pc describes it. */
    if (!cu || dwarf_haspc(cu, pc - bias) <= 0)
        return 0;
    /* dwarf_getscopes gives the innermost scope, but past an inlined
     * instance it continues with the scopes of the abstract definition;
     * dwarf_getscopes_die gives the concrete nesting: the inlined
     * instances, then the subprogram they were inlined into. */
    Dwarf_Die *inner = NULL, *scopes = NULL;
    int ns = dwarf_getscopes(cu, pc - bias, &inner);
    if (ns > 0)
        ns = dwarf_getscopes_die(&inner[0], &scopes);
    free(inner);
    u32 n = 0;
    Dwarf_Die *callee = NULL;
    for (int i = 0; i < ns && n < max; i++) {
        if (!is_function_scope(&scopes[i]))
            continue;
        DbgFrame *f = &out[n];
        if (n == 0)
            line_of(cu, pc - bias, f);
        else
            call_site(cu, callee, f);
        const char *raw = die_raw_name(&scopes[i]);
        f->fn_raw = dbg_intern(raw);
        f->fn = raw ? pretty_name(raw) : NULL;
        f->inlined = dwarf_tag(&scopes[i]) == DW_TAG_inlined_subroutine;
        n++;
        callee = &scopes[i];
        if (!f->inlined)
            break;
    }
    if (n == 0) {
        /* No function scope (e.g. a CU without subprogram DIEs): the line. */
        line_of(cu, pc - bias, &out[0]);
        n = out[0].file ? 1 : 0;
    }
    free(scopes);
    return n;
}

/* ---------------------------------------------------------- aliases */

/* glibc gives one function several names (malloc, __libc_malloc; memcpy
 * and its versions); libdwfl returns whichever its table holds first.
 * Reports use the one Valgrind would: fewest leading underscores, then
 * global over weak over local, then the shortest.  Data symbols get the
 * same treatment, in a table of their own: libdwfl's address lookup also
 * answers with unsized markers (__bss_start) that share an address with
 * the object a report wants to name. */
typedef struct DbgAlias {
    GuestAddr addr;
    const char *name; /* interned, without @version */
    int rank;         /* lower is preferred */
    u64 size;
} DbgAlias;

static int alias_rank(const char *name, int bind)
{
    int u = 0;
    while (name[u] == '_')
        u++;
    int b = bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2;
    return u << 20 | b << 16 | (int)UE_MIN(strlen(name), 0xffffu);
}

static int alias_cmp(const void *a, const void *b)
{
    const DbgAlias *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return x->rank != y->rank ? (x->rank < y->rank ? -1 : 1) : strcmp(x->name, y->name);
}

static const char *strip_version(const char *name, char *buf, size_t len)
{
    const char *at = strchr(name, '@');
    if (!at || at == name || (size_t)(at - name) >= len)
        return name;
    snprintf(buf, len, "%.*s", (int)(at - name), name);
    return buf;
}

/* Sort v by address and keep the best name of each address. */
static u32 best_per_address(DbgAlias *v, u32 n)
{
    qsort(v, n, sizeof *v, alias_cmp);
    u32 k = 0;
    for (u32 i = 0; i < n; i++)
        if (k == 0 || v[k - 1].addr != v[i].addr)
            v[k++] = v[i];
    return k;
}

/* Both tables of o: functions (any size) and sized data objects. */
static void build_aliases(DbgObject *o, Dwfl_Module *m)
{
    o->alias_done = true;
    u32 n = 0, cap = 0, nd = 0, capd = 0;
    int nsym = dwfl_module_getsymtab(m);
    for (int i = 1; i < nsym; i++) {
        GElf_Sym sym;
        GElf_Addr addr;
        const char *name = dwfl_module_getsym_info(m, i, &sym, &addr, NULL, NULL, NULL);
        int type = GELF_ST_TYPE(sym.st_info);
        bool fn = type == STT_FUNC || type == STT_GNU_IFUNC;
        /* (STT_TLS values are offsets in each thread's TLS block, not
         * addresses: not looked up by address.) */
        bool data = type == STT_OBJECT && sym.st_size;
        if (!name || !*name || sym.st_shndx == SHN_UNDEF || (!fn && !data))
            continue;
        char buf[512];
        name = dbg_intern(strip_version(name, buf, sizeof buf));
        DbgAlias a = {addr, name, alias_rank(name, GELF_ST_BIND(sym.st_info)), sym.st_size};
        if (fn)
            VEC_PUSH(o->alias, n, cap, a);
        else
            VEC_PUSH(o->data, nd, capd, a);
    }
    o->nalias = best_per_address(o->alias, n);
    o->ndata = best_per_address(o->data, nd);
}

/* The last entry of v (sorted) at or below addr, or -1. */
static int last_at_or_below(const DbgAlias *v, u32 n, GuestAddr addr)
{
    u32 lo = 0, hi = n;
    while (lo < hi) {
        u32 mid = (lo + hi) / 2;
        if (v[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (int)lo - 1;
}

/* The preferred name of the function starting at addr, or NULL. */
static const char *alias_at(DbgObject *o, Dwfl_Module *m, GuestAddr addr)
{
    if (!o->alias_done)
        build_aliases(o, m);
    int i = last_at_or_below(o->alias, o->nalias, addr);
    return i >= 0 && o->alias[i].addr == addr ? o->alias[i].name : NULL;
}

/* Under dbg_lock. */
/* Code a tool named (dbg_name_code), under dbg_lock. */
static struct NamedCode {
    GuestAddr pc;
    u64 len;
    const char *fn, *object; /* interned */
} *named;
static u32 nnamed, cap_named;

void dbg_name_code(GuestAddr pc, u64 len, const char *fn, const char *object)
{
    pthread_mutex_lock(&dbg_lock);
    u32 i = 0;
    while (i < nnamed && named[i].pc != pc)
        i++;
    if (i == nnamed)
        VEC_PUSH(named, nnamed, cap_named, ((struct NamedCode){.pc = pc}));
    named[i].len = len;
    named[i].fn = dbg_intern(fn);
    named[i].object = object ? dbg_intern(object) : NULL;
    pthread_mutex_unlock(&dbg_lock);
}

void dbg_named_code_reset(void) { nnamed = 0; }

static bool named_code(GuestAddr pc, DbgFrame *out)
{
    for (u32 i = 0; i < nnamed; i++) {
        if (pc - named[i].pc < named[i].len) {
            out->fn = out->fn_raw = named[i].fn;
            out->fn_off = pc - named[i].pc;
            out->object = named[i].object;
            return true;
        }
    }
    return false;
}

static u32 symbolize_locked(GuestAddr pc, DbgFrame *out, u32 max)
{
    memset(out, 0, max * sizeof *out);
    for (u32 i = 0; i < max; i++)
        out[i].pc = pc;
    if (named_code(pc, out))
        return 1;
    DbgObject *o = dbg_obj_find(pc, false);
    if (!o)
        return 1;
    const char *obj = dbg_intern(o->path);
    Dwfl_Module *m = dbg_obj_load(o);
    if (!m) {
        out[0].object = obj;
        return 1;
    }
    u32 n = dwarf_frames(m, pc, out, max);
    if (n == 0)
        n = 1;
    GElf_Off off = 0;
    GElf_Sym sym;
    const char *name = dwfl_module_addrinfo(m, pc, &off, &sym, NULL, NULL, NULL);
    DbgFrame *outer = &out[n - 1];
    if (name && !outer->inlined) {
        /* The ELF symbol names the function the code belongs to; .symtab
         * keeps versions in names ("__libc_start_main@@GLIBC_2.34"),
         * reports and suppressions use the name alone. */
        char buf[512];
        const char *best = alias_at(o, m, pc - off);
        name = best ? best : strip_version(name, buf, sizeof buf);
        outer->fn_raw = dbg_intern(name);
        outer->fn = pretty_name(name);
        outer->fn_off = off;
    }
    for (u32 i = 0; i < n; i++)
        out[i].object = obj;
    return n;
}

u32 dbg_symbolize(GuestAddr pc, DbgFrame *out, u32 max)
{
    ue_assert(max >= 1);
    pthread_mutex_lock(&dbg_lock);
    u32 n = symbolize_locked(pc, out, max);
    pthread_mutex_unlock(&dbg_lock);
    return n;
}

bool dbg_data_symbol(GuestAddr a, DbgDataSym *out)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&dbg_lock);
    DbgObject *o = dbg_obj_find(a, true);
    Dwfl_Module *m = o ? dbg_obj_load(o) : NULL;
    if (m && !o->alias_done)
        build_aliases(o, m);
    /* Data objects do not nest; look a few entries back for a large one
     * that a smaller neighbour follows inside (they can overlap). */
    int i = m ? last_at_or_below(o->data, o->ndata, a) : -1;
    for (int k = 0; i >= 0 && k < 8; i--, k++)
        if (a - o->data[i].addr < o->data[i].size)
            break;
    bool ok = i >= 0 && a - o->data[i].addr < o->data[i].size;
    if (ok) {
        out->name = pretty_name(o->data[i].name);
        out->addr = o->data[i].addr;
        out->size = o->data[i].size;
        out->object = dbg_intern(o->path);
    }
    pthread_mutex_unlock(&dbg_lock);
    return ok;
}

bool dbg_is_below_main(const char *fn)
{
    static const char *const below[] = {"__libc_start_main", "__libc_start_call_main", "generic_start_main",
                                        "__libc_start_main_impl", "__libc_start_main_alias_2"};
    if (!fn)
        return false;
    for (u32 i = 0; i < UE_ARRAY_LEN(below); i++)
        if (strcmp(fn, below[i]) == 0)
            return true;
    return strncmp(fn, "__libc_start_main@", 18) == 0;
}
