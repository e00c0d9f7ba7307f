/*
 * mc.h — private to the memcheck tool: the A-shadow encoding, the heap's
 * block records, errors, and the pieces' entry points.
 *
 * The A shadow (DESIGN.md "Checking") has one byte per 8-byte granule of
 * guest memory, ASan's encoding:
 *
 *   0          all 8 bytes addressable
 *   1..7       the first k bytes addressable (a heap block ends inside)
 *   MC_SH_*    not addressable, and why (negative as i8)
 *
 * Untouched shadow reads as 0, so everything the guest maps is addressable
 * until the heap poisons it; unmapped memory is caught by the host's page
 * protection instead (G is reserved PROT_NONE).
 */
#ifndef UE_MC_H
#define UE_MC_H

#include "mem/mem.h"
#include "tool/tool.h"

enum {
    MC_SH_HEAP_LEFT = 0xfa,  /* left redzone of a heap block */
    MC_SH_HEAP_RIGHT = 0xfb, /* right redzone, or heap not handed out */
    MC_SH_FREED = 0xfd,      /* a freed block (in quarantine or reusable) */
    MC_SH_NOREAD = 0xf8,     /* guest pages mapped write-only */
    MC_SH_USER = 0xf9,       /* made unaddressable by a client request */
};

/* How a block was allocated / is being freed (for mismatch reports). */
typedef enum McAllocKind {
    MC_ALLOC_MALLOC,   /* malloc, calloc, realloc, memalign... free() */
    MC_ALLOC_NEW,      /* operator new / delete */
    MC_ALLOC_NEW_ARRAY /* operator new[] / delete[] */
} McAllocKind;

typedef enum McBlockState { MC_BLOCK_AVAILABLE, MC_BLOCK_LIVE, MC_BLOCK_FREED } McBlockState;

/* One heap block.  Small blocks live in slabs (mc_heap.c); large ones
 * alone.  The records stay in ue's memory, out of the guest's reach. */
typedef struct McBlock {
    GuestAddr payload;   /* address handed to the guest */
    u64 size;            /* bytes requested */
    u32 alloc_stack;     /* stack depot ids (0: none) */
    u32 free_stack;
    u8 kind;             /* McAllocKind */
    u8 state;            /* McBlockState */
    u8 leak_mark;        /* leak check scratch */
    u8 pad;
    u32 qnext;           /* quarantine link */
} McBlock;

/* ---- options (mc_main.c) ---- */

typedef enum { MC_LEAK_NO, MC_LEAK_SUMMARY, MC_LEAK_FULL } McLeakCheck;

/* Interior pointers the leak check takes for start pointers, as memcheck
 * does (--leak-check-heuristics; mc_leak.c says which). */
typedef enum {
    MC_HEUR_STDSTRING,
    MC_HEUR_LENGTH64,
    MC_HEUR_NEWARRAY,
    MC_HEUR_MULTIPLE_INHERITANCE,
    MC_HEUR_COUNT
} McLeakHeuristic;

typedef struct McOptions {
    McLeakCheck leak_check;
    u32 show_leak_kinds;      /* bit per McLeakKind */
    u32 errors_for_leak_kinds;
    u32 leak_heuristics;      /* bit per McLeakHeuristic */
    int error_exitcode;       /* 0: the program's own status */
    u64 freelist_vol;         /* quarantine bytes */
    u32 num_callers;
    bool partial_loads_ok;
} McOptions;

extern McOptions mc_opts;
extern GuestProcess *mc_proc;

/* ---- shadow (mc_shadow.c) ---- */

/* Mark [a, a+len) addressable (0) or not (code). */
void mc_shadow_unpoison(GuestAddr a, u64 len);
void mc_shadow_poison(GuestAddr a, u64 len, u8 code);
/* Make [a, a+len) addressable (code 0) or not (code), byte-exact where
 * the encoding allows (mc_shadow.c says where it does not). */
void mc_shadow_set(GuestAddr a, u64 len, u8 code);
/* First unaddressable byte of [a, a+len), or 0 if all are addressable;
 * *code gets its shadow code.  For a write, write-only pages are fine. */
GuestAddr mc_shadow_first_bad(GuestAddr a, u64 len, bool write, u8 *code);

/* ---- instrumentation (mc_instrument.c) ---- */

IrBlock *mc_instrument(GuestProcess *p, IrBlock *blk, Arena *arena);
/* Check every access, stack and constant addresses too (set once a client
 * request made memory outside the heap unaddressable). */
extern bool mc_check_all;

/* ---- heap (mc_heap.c) ---- */

bool mc_heap_init(void);
/* Allocate/free for the guest; cpu is the thread asking (for stacks). */
GuestAddr mc_heap_alloc(GuestCpu *cpu, u64 size, u64 align, McAllocKind kind, bool zero);
void mc_heap_free(GuestCpu *cpu, GuestAddr p, McAllocKind kind, const char *fn);
/* The block containing a (live, freed or its redzones), or NULL. */
McBlock *mc_heap_find(GuestAddr a);
bool mc_heap_contains(GuestAddr a);
/* Visit every live block. */
void mc_heap_each_live(void (*fn)(McBlock *b, void *ctx), void *ctx);
/* Totals for the heap summary; mc_heap_count adds to them (custom
 * allocators' blocks count as memcheck counts them). */
void mc_heap_totals(u64 *allocs, u64 *frees, u64 *bytes);
void mc_heap_count(u64 allocs, u64 frees, u64 bytes);

/* ---- client requests (mc_client.c) ---- */

/* ToolHooks.client_request. */
bool mc_client_request(GuestCpu *cpu, const u64 *args, u64 *result);
/* The custom block (MALLOCLIKE_BLOCK, mempools) containing a or whose
 * redzones do, live first, or NULL. */
McBlock *mc_custom_find(GuestAddr a);
/* Visit every live custom block. */
void mc_custom_each_live(void (*fn)(McBlock *b, void *ctx), void *ctx);

/* ---- function redirection (mc_redirect.c) ---- */

/* What a redirected entry point becomes: a tag and an index. */
enum {
    MC_RT_HEAP = 0x000,     /* an allocator function (mc_redirect.def) */
    MC_RT_STRING = 0x100,   /* a string function's replacement (mc_string.def) */
    MC_RT_RESOLVER = 0x200, /* an IFUNC resolver: returns the replacement's slot */
    MC_RT_FREERES = 0x300,  /* the exit path's stub (mc_main.c) */
    MC_RT_ENOMEM = 0x400,   /* errno = ENOMEM after a failed malloc: 0 entry, 1 return */
    MC_RT_TAG = 0xf00,
};

bool mc_redirect(GuestProcess *p, GuestAddr pc, IrBuilder *b);
/* Translate pc as `what` (MC_RT_* | index) from now on. */
void mc_redirect_add(GuestAddr pc, u16 what);

/* ---- string functions (mc_string.c) ---- */

/* Map the replacement page and register its slots. */
bool mc_string_init(GuestProcess *p);
/* The address of slot i (16 bytes) of the replacement page; the string
 * functions use the low ones, MC_SLOT_FREERES is the exit path's. */
enum { MC_SLOT_ENOMEM = 253, MC_SLOT_ENOMEM_RET = 254, MC_SLOT_FREERES = 255 };
GuestAddr mc_slot_addr(u32 i);
/* The end of a replacement's IR: return to the caller (pop the return
 * address), or, if the helper changed rip from pc, leave to rip with RSP
 * as it is (a tail call). */
void mc_emit_return(IrBuilder *b, GuestAddr pc);
/* Redirect the string functions an object defines (the C library). */
typedef struct DbgObject DbgObject;
void mc_string_object(DbgObject *o);
/* The IR of replacement id at pc (a slot or the function itself), and of
 * an IFUNC resolver returning its slot. */
void mc_string_emit(IrBuilder *b, GuestAddr pc, u32 id);
void mc_string_emit_resolver(IrBuilder *b, GuestAddr pc, u32 id);
/* Is pc one of the replacement page's slots? */
bool mc_in_replacement(GuestAddr pc);
/* A replacement already reported the access that is about to fault. */
extern __thread bool mc_fault_reported;

/* ---- errors (mc_errors.c) ---- */

/* The current guest stack of cpu at pc, as a depot id. */
u32 mc_stack_here(GuestCpu *cpu, GuestAddr pc);
void mc_report_access(GuestCpu *cpu, GuestAddr pc, GuestAddr addr, unsigned size, bool write);
void mc_report_free(GuestCpu *cpu, GuestAddr pc, GuestAddr addr, const char *fn, const McBlock *b, bool mismatch);
void mc_report_fishy(GuestCpu *cpu, GuestAddr pc, const char *fn, const char *arg, i64 value);
/* "Invalid alignment value: N" + why (" (should be power of 2)"). */
void mc_report_bad_align(GuestCpu *cpu, GuestAddr pc, u64 align, const char *why);
/* n == 0: the function takes no length (strcpy): "fn(dst, src)". */
void mc_report_overlap(GuestCpu *cpu, GuestAddr pc, const char *fn, GuestAddr dst, GuestAddr src, u64 n);
/* "Unaddressable byte(s) found during client check request" at addr. */
void mc_report_client_check(GuestCpu *cpu, GuestAddr pc, GuestAddr addr);
/* "Illegal memory pool address": a mempool request named no pool. */
void mc_report_mempool(GuestCpu *cpu, GuestAddr pc, GuestAddr addr);
/* Errors reported so far (repeats included, suppressed ones not). */
u32 mc_error_count(void);

/* ---- the end of the run (mc_main.c) ---- */

/* Note the freeres functions an object defines. */
void mc_freeres_object(DbgObject *o);
/* The IR of the exit path's stub. */
void mc_freeres_emit(IrBuilder *b, GuestAddr pc);

/* ---- leaks (mc_leak.c) ---- */

typedef enum McLeakKind { MC_LEAK_DEFINITE, MC_LEAK_INDIRECT, MC_LEAK_POSSIBLE, MC_LEAK_REACHABLE } McLeakKind;
/* Run the leak check in mode (full: the loss records too), with the heap
 * summary at exit; returns the number of leak errors that count as errors
 * (--errors-for-leak-kinds). */
u32 mc_leak_check(GuestProcess *p, McLeakCheck mode, bool at_exit);
/* --leak-check-heuristics' names, by McLeakHeuristic. */
extern const char *const mc_leak_heuristic_names[MC_HEUR_COUNT];
/* The last leak check's totals for COUNT_LEAKS (bytes) or
 * COUNT_LEAK_BLOCKS: leaked (definite + indirect), dubious, reachable,
 * suppressed. */
void mc_leak_totals(u64 out[4], bool blocks);

/* The GuestCpu of the calling thread, from a helper's env. */
static inline GuestCpu *mc_cpu_of(void *env) { return (GuestCpu *)env; }

#endif
