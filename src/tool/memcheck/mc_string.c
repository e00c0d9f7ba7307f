/*
 * mc_string.c — memcheck's replacements for the C library's string and
 * memory functions (the list is mc_string.def): each checks exactly the
 * bytes the function is defined to touch, reports source/destination
 * overlap as memcheck does ("Source and destination overlap in
 * memcpy(dst, src, n)"), then does the operation with C semantics.
 *
 * Why replace them.  glibc's versions read whole vectors, aligned or not,
 * past the terminator and past the end of the block (never past the page):
 * harmless natively, a flood of false "Invalid read"s under a checker.  And
 * an overlap check needs to know which function ran.
 *
 * How calls get here.  Most of these are GNU indirect functions: the
 * symbol is a resolver that ld.so (or a static program's start-up code)
 * calls once, storing the address it returns in a GOT slot.  At start-up
 * the tool maps one page in G, "[ue-replacements]" (PROT_READ|PROT_EXEC,
 * filled with int3), and gives each replacement a 16-byte slot in it.  Then
 *
 *   resolver entry   ->  IR: rax = slot address; return
 *   slot address     ->  IR: call h_string (below); return
 *   plain function   ->  IR: the same, at the function's own address
 *                        (static glibc's non-IFUNC symbols, __strcpy_chk...)
 *
 * so both the program and libc itself (whose internal calls go through
 * IRELATIVE relocations to the same resolvers) run the replacements.  The
 * page's bytes are never executed: the code cache asks the tool first.
 *
 * The replacement block, as IR (pc: the replacement's slot, which the
 * debug layer names after the function, so that reports and faults show
 * "strlen (in [ue-replacements])" with the caller below it):
 *
 *   IMARK pc; PUT rip, pc
 *   f = CALL h_string(id, pc)      rax = result; rip = pc, or the target
 *                                  of a tail call (__chk_fail)
 *   LOAD.i8 (f ? f : rsp)          f != 0: an unmapped byte the function
 *                                  would touch: fault there, as natively
 *   if rip == pc: rsp += 8, jump to [rsp - 8]   (return)
 *   else:         jump to rip                   (tail call)
 *
 * The helper never changes RSP (the JIT keeps the guest's RSP in the
 * host's), and it never faults: every byte is checked against the guest's
 * mappings before it is touched.  A byte that is mapped but not addressable
 * (a redzone, a freed block) gives one "Invalid read/write of size 1"
 * report per call, at the first such byte, and the function goes on as it
 * would natively.
 *
 * Decisions, where memcheck's behaviour is not the obvious one:
 *  - memcpy(p, p, n) is not reported: compilers emit it for a struct
 *    assigned to itself and every libc handles it.  Other memcpy overlaps
 *    are (Valgrind 3.19 checks no memcpy at all on amd64, bug 402833,
 *    because of exactly that idiom).
 *  - strcpy, stpcpy and strcat report "fn(dst, src)" without a length, the
 *    n-taking functions "fn(dst, src, n)", as memcheck does; the _chk
 *    variants are named without their leading underscores ("memcpy_chk").
 *  - The comparisons stop at the first difference, as memcheck's do, and
 *    return the difference of the bytes, as glibc's do.
 *  - strcasecmp/strncasecmp fold ASCII letters only (what the C and UTF-8
 *    locales do for single bytes); so do their _l forms, whatever locale
 *    they are given (glibc's own callers pass the C locale).
 */
#include "tool/memcheck/mc.h"

#include "arch/x86/x86.h"
#include "debug/debug.h"

#include <sys/mman.h>

enum {
#define FN(id, name) MC_STR_##id,
#define ALIAS(id, name)
#include "tool/memcheck/mc_string.def"
#undef FN
#undef ALIAS
    MC_NSTR
};

static const char *const canonical[MC_NSTR] = {
#define FN(id, name) name,
#define ALIAS(id, name)
#include "tool/memcheck/mc_string.def"
#undef FN
#undef ALIAS
};

/* Every name, canonical or alias, and its function. */
static const char *const sym_names[] = {
#define FN(id, name) name,
#define ALIAS(id, name) name,
#include "tool/memcheck/mc_string.def"
#undef FN
#undef ALIAS
};
static const u8 sym_ids[] = {
#define FN(id, name) MC_STR_##id,
#define ALIAS(id, name) MC_STR_##id,
#include "tool/memcheck/mc_string.def"
#undef FN
#undef ALIAS
};

enum { SLOT = 16 };

static struct {
    GuestAddr page;     /* [ue-replacements] */
    GuestAddr chk_fail; /* the C library's __chk_fail */
} S;

__thread bool mc_fault_reported;

GuestAddr mc_slot_addr(u32 i) { return S.page + (GuestAddr)i * SLOT; }

static GuestAddr slot_of(u32 id) { return mc_slot_addr(id); }

bool mc_string_init(GuestProcess *p)
{
    _Static_assert(MC_NSTR * SLOT <= 4096, "one page of slots");
    i64 r = mem_map(&p->mem, 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, MEM_KIND_ANON,
                    "[ue-replacements]");
    if (r < 0) {
        ue_log("memcheck: cannot map the replacement page");
        return false;
    }
    S.page = (GuestAddr)r;
    memset((void *)(uintptr_t)S.page, 0xcc, 4096); /* int3: never run, but harmless if it were */
    mem_protect(&p->mem, S.page, 4096, PROT_READ | PROT_EXEC);
    for (u32 id = 0; id < MC_NSTR; id++) {
        mc_redirect_add(slot_of(id), MC_RT_STRING | id);
        /* Reports show the replacement as one frame, "strlen (in
         * [ue-replacements])", as Valgrind's show its preload library. */
        dbg_name_code(slot_of(id), SLOT, canonical[id], "[ue-replacements]");
    }
    return true;
}

bool mc_in_replacement(GuestAddr pc) { return S.page && pc - S.page < 4096; }

/* The functions one object defines, before they are redirected. */
typedef struct Found {
    u32 n;
    struct {
        GuestAddr addr;
        u8 id;
        bool ifunc;
    } f[2 * UE_ARRAY_LEN(sym_names)];
} Found;

static void found(void *ctx, u32 i, const DbgSym *sym)
{
    Found *fs = ctx;
    if (fs->n < UE_ARRAY_LEN(fs->f))
        fs->f[fs->n++] = (typeof(fs->f[0])){sym->addr, sym_ids[i], sym->ifunc};
}

static void found_chk_fail(void *ctx, u32 i, const DbgSym *sym)
{
    (void)ctx, (void)i;
    if (!sym->ifunc && !S.chk_fail)
        S.chk_fail = sym->addr;
}

/* A memcpy that is also the object's memmove (ld.so's: one function under
 * both names) may be given overlapping blocks: it is replaced as memmove,
 * and an overlap is no error (Valgrind does not replace ld.so's memcpy). */
static bool also_memmove(const Found *fs, u32 k)
{
    for (u32 j = 0; j < fs->n; j++)
        if (fs->f[j].addr == fs->f[k].addr && fs->f[j].id == MC_STR_MEMMOVE)
            return true;
    return false;
}

void mc_string_object(DbgObject *o)
{
    Found fs = {0};
    dbg_find_functions(o, sym_names, UE_ARRAY_LEN(sym_names), found, &fs);
    for (u32 k = 0; k < fs.n; k++) {
        if (fs.f[k].id == MC_STR_MEMCPY && also_memmove(&fs, k))
            continue;
        mc_redirect_add(fs.f[k].addr, (u16)((fs.f[k].ifunc ? MC_RT_RESOLVER : MC_RT_STRING) | fs.f[k].id));
    }
    static const char *const chk[] = {"__chk_fail"};
    dbg_find_functions(o, chk, 1, found_chk_fail, NULL);
}

/* ------------------------------------------------------------ access */

/* One call's view of guest memory: which bytes it may touch, what it has
 * reported. */
typedef struct Acc {
    GuestCpu *cpu;
    GuestAddr pc;              /* the function's address, for reports */
    GuestAddr fault;           /* first unmapped byte touched, or 0 */
    GuestAddr tail;            /* a tail call instead of a return, or 0 */
    GuestAddr rlo, rhi, wlo, whi; /* ranges known to be mapped */
    bool rrep, wrep;           /* an invalid read / write was reported */
} Acc;

#define B(p) (*(u8 *)(uintptr_t)(p))
#define W(p) (*(i32 *)(uintptr_t)(p))

/* Is [p, p+n) mapped for reading (x86: writable implies readable) or
 * writing?  The first page that is not is recorded as the fault. */
static bool mapped(Acc *a, GuestAddr p, u64 n, bool write)
{
    GuestAddr *lo = write ? &a->wlo : &a->rlo, *hi = write ? &a->whi : &a->rhi;
    if (!n || (p >= *lo && p + n <= *hi && p + n > p))
        return true;
    MemSpace *m = &a->cpu->proc->mem;
    if (p + n > p && mem_range_ok(m, p, n, write ? PROT_WRITE : PROT_READ))
        goto whole; /* the usual case: no page by page search */
    for (GuestAddr q = p; q - p < n; q = UE_ALIGN_DOWN(q, 4096) + 4096) {
        bool ok = mem_range_ok(m, q, 1, write ? PROT_WRITE : PROT_READ) ||
                  (!write && mem_range_ok(m, q, 1, PROT_WRITE));
        if (!ok) {
            a->fault = q;
            mc_report_access(a->cpu, a->pc, q, 1, write);
            mc_fault_reported = true;
            return false;
        }
    }
whole:
    *lo = p;
    *hi = UE_ALIGN_UP(p + n, 4096);
    return true;
}

/* Check [p, p+n) for an access: false if it is not mapped (the caller
 * stops and the block faults); unaddressable bytes are reported once. */
static bool ok(Acc *a, GuestAddr p, u64 n, bool write)
{
    if (!mapped(a, p, n, write))
        return false;
    bool *done = write ? &a->wrep : &a->rrep;
    u8 code;
    GuestAddr bad;
    if (!*done && n && (bad = mc_shadow_first_bad(p, n, write, &code)) != 0) {
        *done = true;
        mc_report_access(a->cpu, a->pc, bad, 1, write);
    }
    return true;
}

static bool rd(Acc *a, GuestAddr p, u64 n) { return ok(a, p, n, false); }
static bool wr(Acc *a, GuestAddr p, u64 n) { return ok(a, p, n, true); }

/* strnlen with every byte read checked (max: ~0 for strlen).  unit is 1
 * for char strings, 4 for wchar_t ones; the length is in units. */
static bool slen(Acc *a, GuestAddr s, u64 max, unsigned unit, u64 *len)
{
    u64 i = 0;
    for (; i < max; i++) {
        GuestAddr p = s + i * unit;
        if (!rd(a, p, unit))
            return false;
        if (unit == 1 ? B(p) == 0 : W(p) == 0)
            break;
    }
    *len = i;
    return true;
}

static bool overlap(GuestAddr d, u64 dn, GuestAddr s, u64 sn)
{
    if (!dn || !sn)
        return false;
    return d < s ? d + dn > s : s + sn > d;
}

/* "memcpy", "strcpy_chk": the name an overlap report gives the function. */
static const char *ol_name(u32 id)
{
    const char *n = canonical[id];
    while (*n == '_')
        n++;
    return n;
}

static void check_overlap(Acc *a, u32 id, GuestAddr d, u64 dn, GuestAddr s, u64 sn, u64 shown_n)
{
    if (overlap(d, dn, s, sn))
        mc_report_overlap(a->cpu, a->pc, ol_name(id), d, s, shown_n);
}

/* _FORTIFY_SOURCE found the destination too small: glibc calls
 * __chk_fail, which prints "*** buffer overflow detected ***" and aborts. */
static bool chk_failed(Acc *a, bool bad)
{
    if (bad && S.chk_fail) {
        a->tail = S.chk_fail;
        return true;
    }
    return false;
}

/* ------------------------------------------------------------- copies */

static void copy(GuestAddr d, GuestAddr s, u64 n)
{
    memmove((void *)(uintptr_t)d, (const void *)(uintptr_t)s, n);
}

/* memcpy, memmove, mempcpy and their _chk forms. */
static u64 do_memcpy(Acc *a, u32 id, GuestAddr d, GuestAddr s, u64 n, bool check, bool ret_end)
{
    if (!rd(a, s, n) || !wr(a, d, n))
        return 0;
    bool self = d == s && (id == MC_STR_MEMCPY || id == MC_STR_MEMCPY_CHK); /* struct self-assignment */
    if (check && !self)
        check_overlap(a, id, d, n, s, n, n);
    copy(d, s, n);
    return ret_end ? d + n : d;
}

/* strcpy, stpcpy: returns d or the address of the copied terminator. */
static u64 do_strcpy(Acc *a, u32 id, GuestAddr d, GuestAddr s, bool ret_end, u64 dstlen)
{
    u64 len;
    if (!slen(a, s, ~0ull, 1, &len))
        return 0;
    if (chk_failed(a, len >= dstlen))
        return 0;
    if (!wr(a, d, len + 1))
        return 0;
    check_overlap(a, id, d, len + 1, s, len + 1, 0);
    copy(d, s, len + 1);
    return ret_end ? d + len : d;
}

/* strncpy, stpncpy: at most n bytes of s, then zeros up to n. */
static u64 do_strncpy(Acc *a, u32 id, GuestAddr d, GuestAddr s, u64 n, bool ret_end)
{
    u64 m;
    if (!slen(a, s, n, 1, &m) || !wr(a, d, n))
        return 0;
    check_overlap(a, id, d, n, s, m < n ? m + 1 : n, n);
    copy(d, s, m);
    memset((void *)(uintptr_t)(d + m), 0, n - m);
    return ret_end ? d + m : d;
}

/* strcat, strncat (n: ~0 for strcat); dstlen for the _chk forms. */
static u64 do_strcat(Acc *a, u32 id, GuestAddr d, GuestAddr s, u64 n, u64 dstlen)
{
    u64 dl, m;
    if (!slen(a, d, ~0ull, 1, &dl) || !slen(a, s, n, 1, &m))
        return 0;
    if (chk_failed(a, dl + m + 1 > dstlen))
        return 0;
    if (!wr(a, d + dl, m + 1))
        return 0;
    bool bounded = id == MC_STR_STRNCAT || id == MC_STR_STRNCAT_CHK;
    check_overlap(a, id, d, dl + m + 1, s, bounded ? m : m + 1, bounded ? n : 0);
    copy(d + dl, s, m);
    B(d + dl + m) = 0;
    return d;
}

static u64 do_memset(Acc *a, GuestAddr d, int c, u64 n, unsigned unit)
{
    if (!wr(a, d, n * unit))
        return 0;
    if (unit == 1) {
        memset((void *)(uintptr_t)d, c, n);
    } else {
        for (u64 i = 0; i < n; i++)
            W(d + 4 * i) = c;
    }
    return d;
}

static u64 do_wcscpy(Acc *a, u32 id, GuestAddr d, GuestAddr s)
{
    u64 len;
    if (!slen(a, s, ~0ull, 4, &len) || !wr(a, d, 4 * (len + 1)))
        return 0;
    check_overlap(a, id, d, 4 * (len + 1), s, 4 * (len + 1), 0);
    copy(d, s, 4 * (len + 1));
    return d;
}

/* --------------------------------------------------------- comparisons */

static int fold(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* strcmp, strncmp, strcasecmp, strncasecmp, memcmp (n: ~0 for the
 * unbounded ones; nul: stop at a terminator). */
static u64 do_cmp(Acc *a, GuestAddr x, GuestAddr y, u64 n, bool nul, bool icase)
{
    for (u64 i = 0; i < n; i++) {
        if (!rd(a, x + i, 1) || !rd(a, y + i, 1))
            return 0;
        int c1 = B(x + i), c2 = B(y + i);
        if (icase)
            c1 = fold(c1), c2 = fold(c2);
        if (c1 != c2)
            return (u32)(c1 - c2);
        if (nul && !c1)
            break;
    }
    return 0;
}

/* wcscmp, wcsncmp, wmemcmp: wchar_t is a signed int; -1, 0 or 1. */
static u64 do_wcmp(Acc *a, GuestAddr x, GuestAddr y, u64 n, bool nul)
{
    for (u64 i = 0; i < n; i++) {
        if (!rd(a, x + 4 * i, 4) || !rd(a, y + 4 * i, 4))
            return 0;
        i32 c1 = W(x + 4 * i), c2 = W(y + 4 * i);
        if (c1 != c2)
            return c1 < c2 ? (u32)-1 : 1;
        if (nul && !c1)
            break;
    }
    return 0;
}

/* ------------------------------------------------------------ searches */

/* strchr, strchrnul, rawmemchr, memchr, and their wide forms: the first
 * element equal to c among at most n, stopping after a terminator if nul.
 * Returns its address; else the terminator's (ret_nul) or NULL. */
static u64 do_find(Acc *a, GuestAddr s, i64 c, u64 n, bool nul, bool ret_nul, unsigned unit)
{
    for (u64 i = 0; i < n; i++) {
        GuestAddr p = s + i * unit;
        if (!rd(a, p, unit))
            return 0;
        i64 v = unit == 1 ? B(p) : W(p);
        if (v == c)
            return p;
        if (nul && v == 0)
            return ret_nul ? p : 0;
    }
    return 0;
}

/* strrchr, wcsrchr: the last c in the string (c == 0: the terminator). */
static u64 do_rfind(Acc *a, GuestAddr s, i64 c, unsigned unit)
{
    u64 len;
    if (!slen(a, s, ~0ull, unit, &len))
        return 0;
    for (u64 i = len + 1; i-- > 0;) {
        GuestAddr p = s + i * unit;
        if ((unit == 1 ? B(p) : W(p)) == c)
            return p;
    }
    return 0;
}

static u64 do_memrchr(Acc *a, GuestAddr s, u8 c, u64 n)
{
    for (u64 i = n; i-- > 0;) {
        if (!rd(a, s + i, 1))
            return 0;
        if (B(s + i) == c)
            return s + i;
    }
    return 0;
}

/* The needle is read whole; the haystack only as far as a match, or its
 * terminator, as strstr is defined to. */
static u64 do_strstr(Acc *a, GuestAddr h, GuestAddr nd)
{
    u64 nlen;
    if (!slen(a, nd, ~0ull, 1, &nlen))
        return 0;
    for (u64 i = 0;; i++) {
        u64 j = 0;
        for (; j < nlen; j++) {
            if (!rd(a, h + i + j, 1))
                return 0;
            if (B(h + i + j) != B(nd + j))
                break; /* a terminator in the haystack mismatches too */
        }
        if (j == nlen)
            return h + i;
        if (!rd(a, h + i, 1) || B(h + i) == 0)
            return 0;
    }
}

/* strspn (accept), strcspn and strpbrk (reject): the length of the
 * initial run of s whose bytes are (not) in set; strpbrk returns the
 * address after it, or NULL at the terminator. */
static u64 do_span(Acc *a, u32 id, GuestAddr s, GuestAddr set)
{
    u64 setlen, i = 0;
    if (!slen(a, set, ~0ull, 1, &setlen))
        return 0;
    bool accept = id == MC_STR_STRSPN;
    for (;; i++) {
        if (!rd(a, s + i, 1))
            return 0;
        u8 c = B(s + i);
        bool in = c && memchr((const void *)(uintptr_t)set, c, setlen) != NULL;
        if (!c || in != accept)
            break;
    }
    if (id == MC_STR_STRPBRK)
        return B(s + i) ? s + i : 0;
    return i;
}

/* ------------------------------------------------------------- dispatch */

static u64 run_copy(Acc *a, u32 id, const u64 *g)
{
    u64 d = g[X86_RDI], s = g[X86_RSI], n = g[X86_RDX], dl = g[X86_RCX];
    switch (id) {
    case MC_STR_MEMCPY: return do_memcpy(a, id, d, s, n, true, false);
    case MC_STR_MEMMOVE: return do_memcpy(a, id, d, s, n, false, false);
    case MC_STR_MEMPCPY: return do_memcpy(a, id, d, s, n, true, true);
    case MC_STR_MEMCPY_CHK: return chk_failed(a, dl < n) ? 0 : do_memcpy(a, id, d, s, n, true, false);
    case MC_STR_MEMMOVE_CHK: return chk_failed(a, dl < n) ? 0 : do_memcpy(a, id, d, s, n, false, false);
    case MC_STR_MEMPCPY_CHK: return chk_failed(a, dl < n) ? 0 : do_memcpy(a, id, d, s, n, true, true);
    case MC_STR_MEMSET: return do_memset(a, d, (int)s, n, 1);
    case MC_STR_MEMSET_CHK: return chk_failed(a, dl < n) ? 0 : do_memset(a, d, (int)s, n, 1);
    case MC_STR_WMEMSET: return do_memset(a, d, (int)s, n, 4);
    case MC_STR_STRCPY: return do_strcpy(a, id, d, s, false, ~0ull);
    case MC_STR_STPCPY: return do_strcpy(a, id, d, s, true, ~0ull);
    case MC_STR_STRCPY_CHK: return do_strcpy(a, id, d, s, false, n);
    case MC_STR_STPCPY_CHK: return do_strcpy(a, id, d, s, true, n);
    case MC_STR_STRNCPY: return do_strncpy(a, id, d, s, n, false);
    case MC_STR_STPNCPY: return do_strncpy(a, id, d, s, n, true);
    case MC_STR_STRNCPY_CHK: return chk_failed(a, dl < n) ? 0 : do_strncpy(a, id, d, s, n, false);
    case MC_STR_STPNCPY_CHK: return chk_failed(a, dl < n) ? 0 : do_strncpy(a, id, d, s, n, true);
    case MC_STR_STRCAT: return do_strcat(a, id, d, s, ~0ull, ~0ull);
    case MC_STR_STRNCAT: return do_strcat(a, id, d, s, n, ~0ull);
    case MC_STR_STRCAT_CHK: return do_strcat(a, id, d, s, ~0ull, n);
    case MC_STR_STRNCAT_CHK: return do_strcat(a, id, d, s, n, dl);
    case MC_STR_WCSCPY: return do_wcscpy(a, id, d, s);
    default: ue_panic("mc_string: %u is not a copy", id);
    }
}

static u64 run_read(Acc *a, u32 id, const u64 *g)
{
    u64 x = g[X86_RDI], y = g[X86_RSI], n = g[X86_RDX], len = 0;
    switch (id) {
    case MC_STR_STRLEN: return slen(a, x, ~0ull, 1, &len) ? len : 0;
    case MC_STR_STRNLEN: return slen(a, x, y, 1, &len) ? len : 0;
    case MC_STR_WCSLEN: return slen(a, x, ~0ull, 4, &len) ? len : 0;
    case MC_STR_WCSNLEN: return slen(a, x, y, 4, &len) ? len : 0;
    case MC_STR_STRCHR: return do_find(a, x, (u8)y, ~0ull, true, false, 1);
    case MC_STR_STRCHRNUL: return do_find(a, x, (u8)y, ~0ull, true, true, 1);
    case MC_STR_RAWMEMCHR: return do_find(a, x, (u8)y, ~0ull, false, false, 1);
    case MC_STR_MEMCHR: return do_find(a, x, (u8)y, n, false, false, 1);
    case MC_STR_WCSCHR: return do_find(a, x, (i32)y, ~0ull, true, false, 4);
    case MC_STR_WMEMCHR: return do_find(a, x, (i32)y, n, false, false, 4);
    case MC_STR_STRRCHR: return do_rfind(a, x, (u8)y, 1);
    case MC_STR_WCSRCHR: return do_rfind(a, x, (i32)y, 4);
    case MC_STR_MEMRCHR: return do_memrchr(a, x, (u8)y, n);
    case MC_STR_STRCMP: return do_cmp(a, x, y, ~0ull, true, false);
    case MC_STR_STRNCMP: return do_cmp(a, x, y, n, true, false);
    case MC_STR_STRCASECMP: return do_cmp(a, x, y, ~0ull, true, true);
    case MC_STR_STRNCASECMP: return do_cmp(a, x, y, n, true, true);
    case MC_STR_STRCASECMP_L: return do_cmp(a, x, y, ~0ull, true, true);   /* (the locale in rdx: see above) */
    case MC_STR_STRNCASECMP_L: return do_cmp(a, x, y, n, true, true);
    case MC_STR_MEMCMP: return do_cmp(a, x, y, n, false, false);
    case MC_STR_MEMCMPEQ: return do_cmp(a, x, y, n, false, false) != 0;
    case MC_STR_WCSCMP: return do_wcmp(a, x, y, ~0ull, true);
    case MC_STR_WCSNCMP: return do_wcmp(a, x, y, n, true);
    case MC_STR_WMEMCMP: return do_wcmp(a, x, y, n, false);
    case MC_STR_STRSTR: return do_strstr(a, x, y);
    case MC_STR_STRSPN: case MC_STR_STRCSPN: case MC_STR_STRPBRK: return do_span(a, id, x, y);
    default: return run_copy(a, id, g);
    }
}

/* The replacement of function id, called at pc (the symbol's address):
 * returns the address to fault at (0: none); sets rax, and rip to pc or
 * to a tail call's target. */
static u64 h_string(void *env, u64 id, u64 pc, u64 unused)
{
    (void)unused;
    GuestCpu *cpu = mc_cpu_of(env);
    Acc a = {.cpu = cpu, .pc = pc};
    u64 r = run_read(&a, (u32)id, cpu->regs.gpr);
    if (a.fault)
        return a.fault;
    cpu->regs.gpr[X86_RAX] = r;
    cpu->regs.rip = a.tail ? a.tail : pc;
    return 0;
}

static const IrHelper mc_h_string = {.name = "mc_string", .fn = (void *)h_string, .sig = IRH_I_I,
                                     .flags = IRH_READS_STATE | IRH_WRITES_STATE, .nargs = 3};

void mc_emit_return(IrBuilder *b, GuestAddr pc)
{
    u32 rsp = X86_GPR_OFF(X86_RSP);
    u32 sp = ir_get(b, IR_I64, rsp);
    u32 next = ir_get(b, IR_I64, X86_OFF(rip));
    u32 tail = ir_cmp(b, IR_CMPNE, next, ir_const(b, IR_I64, pc));
    u32 ra = ir_load(b, IR_I64, sp);
    ir_put(b, rsp, ir_select(b, tail, sp, ir_add(b, sp, ir_const(b, IR_I64, 8))));
    ir_exit_ind(b, ir_select(b, tail, next, ra), IR_EXIT_RET);
}

void mc_string_emit(IrBuilder *b, GuestAddr pc, u32 id)
{
    (void)pc;
    GuestAddr at = slot_of(id); /* reports and faults show the replacement */
    ir_imark(b, at, 1);
    ir_put(b, X86_OFF(rip), ir_const(b, IR_I64, at));
    u32 f = ir_call(b, &mc_h_string, IR_I64, ir_const(b, IR_I64, id), ir_const(b, IR_I64, at), ir_const(b, IR_I64, 0));
    /* A byte the function would touch is unmapped: touch it, so the
     * guest faults at the function's entry (the state is unchanged). */
    u32 bad = ir_cmp(b, IR_CMPNE, f, ir_const(b, IR_I64, 0));
    ir_load(b, IR_I8, ir_select(b, bad, f, ir_get(b, IR_I64, X86_GPR_OFF(X86_RSP))));
    mc_emit_return(b, at);
}

void mc_string_emit_resolver(IrBuilder *b, GuestAddr pc, u32 id)
{
    ir_imark(b, pc, 1);
    ir_put(b, X86_OFF(rip), ir_const(b, IR_I64, pc));
    ir_put(b, X86_GPR_OFF(X86_RAX), ir_const(b, IR_I64, slot_of(id)));
    mc_emit_return(b, pc);
}
