/*
 * debug.h — debug support: everything between a guest address and a line a
 * developer reads in a report (DESIGN.md, "Debug support" and "Checking").
 *
 *   loaded objects   the OS layer registers every ELF image it maps
 *                    (dbg_note_object / dbg_note_mapping) and forgets
 *                    unmapped ranges (dbg_forget_range); tools hear of each
 *                    new object (dbg_set_object_hook) and look up the
 *                    addresses of named functions in it (dbg_find_functions)
 *   symbolisation    pc -> object, function + offset, file:line, inlined
 *                    frames, C++ names demangled (dbg_symbolize), through
 *                    .symtab/.dynsym and DWARF read by elfutils libdw, with
 *                    separate debug files found by build-id or debuglink
 *   unwinding        a guest register state -> return addresses, by
 *                    .eh_frame/.debug_frame CFI (libdw) evaluated against
 *                    guest memory, with a frame-pointer fallback
 *                    (dbg_unwind); every guest read is checked first
 *   stack depot      hash-consed stacks: pcs -> u32 id and back (dbg_depot_*)
 *   reports          an error is a kind, a first line, its stack, and aux
 *                    lines each with an optional stack (DbgError); printers
 *                    for memcheck's text format, Valgrind's XML protocol 4
 *                    and SARIF 2.1.0; suppressions in Valgrind's format
 *                    (DbgReporter, dbg_supp_*)
 *
 * Layer: above base, mem, ir, arch and exec; the OS layer and the tools call
 * it.  Everything here is thread-safe (one lock inside); symbolisation and
 * unwinding are report-time work, not hot paths — except the depot, which is
 * cheap enough to record a stack per malloc.
 *
 * Stack convention (Valgrind's): in a stack of pcs, pcs[0] is the pc of the
 * faulting or current instruction and every later entry is a return address
 * minus one, so that it lies inside the call instruction: it symbolises to
 * the call's line, and it is what "by 0x...:" lines print.
 */
#ifndef UE_DEBUG_H
#define UE_DEBUG_H

#include "base/base.h"
#include "exec/exec.h"
#include "mem/mem.h"

#include <stdio.h>

/* ---------------------------------------------------------------- objects */

typedef struct DbgObject DbgObject;

/* Register the ELF image `path` loaded with load bias `bias` (0 for
 * ET_EXEC), as the loader does for the program and ld.so.  Reads the
 * program headers to learn the image's address range.  Returns the object
 * (already registered: the same one) or NULL if path is not a loadable ELF. */
DbgObject *dbg_note_object(const char *path, GuestAddr bias);

/* Register the object behind a file-backed executable mapping: `len` bytes
 * of `path` at guest address `start` from file offset `off` (what mmap
 * got).  The load bias is found from the PT_LOAD header that covers `off`.
 * fd may be -1 (the file is opened by path).  Returns the object or NULL
 * (not an ELF, or no PT_LOAD matches the mapping). */
DbgObject *dbg_note_mapping(const char *path, int fd, GuestAddr start, u64 len, u64 off);

/* The guest unmapped [start, start+len): objects whose image overlaps it
 * are no longer found by address.  Object pointers stay valid (stacks
 * recorded earlier still print their object's name). */
void dbg_forget_range(GuestAddr start, u64 len);

/* The live object whose image contains a, or NULL. */
DbgObject *dbg_object_at(GuestAddr a);
const char *dbg_object_path(const DbgObject *o);
GuestAddr dbg_object_bias(const DbgObject *o);
/* [lo, hi): the guest addresses the image's PT_LOAD segments span. */
void dbg_object_range(const DbgObject *o, GuestAddr *lo, GuestAddr *hi);

/* Called for every newly registered object, outside the debug lock (so it
 * may call dbg_find_functions), and at once for each object already
 * registered.  One hook: a later call replaces it. */
typedef void (*DbgObjectHook)(void *ctx, DbgObject *o);
void dbg_set_object_hook(DbgObjectHook fn, void *ctx);

/* A defined function symbol (STT_FUNC or STT_GNU_IFUNC) of an object. */
typedef struct DbgSym {
    const char *name; /* as in the ELF file (mangled), without @version */
    const char *version; /* "@@GLIBC_2.14" (default), "@GLIBC_2.2.5" (compat) or NULL */
    GuestAddr addr;   /* biased: a guest address */
    u64 size;
    bool ifunc;       /* STT_GNU_IFUNC: addr is the resolver */
    bool global;      /* STB_GLOBAL or STB_WEAK */
} DbgSym;

/* Call fn(ctx, i, sym) for each defined function symbol of o, from .symtab
 * (or .dynsym when stripped), whose name without its @version equals
 * names[i] — so libc's compat memcpy@GLIBC_2.2.5 is found along with
 * memcpy@@GLIBC_2.14; a name is reported once per address.  Returns how
 * many calls were made. */
typedef void (*DbgSymFn)(void *ctx, u32 i, const DbgSym *sym);
u32 dbg_find_functions(DbgObject *o, const char *const *names, u32 n, DbgSymFn fn, void *ctx);

/* Extra directories searched for separate debug files (".build-id/xx/..."
 * and debuglink names), before /usr/lib/debug: colon-separated, as
 * Valgrind's --extra-debuginfo-path.  NULL: only the defaults. */
void dbg_set_debuginfo_path(const char *dirs);

/* Drop every object (tests; the end of a process image at execve). */
void dbg_reset(void);

/* ---------------------------------------------------------- symbolisation */

/* One source-level frame of a pc.  Strings live until dbg_reset. */
typedef struct DbgFrame {
    GuestAddr pc;
    const char *fn;       /* demangled function name, NULL if unknown */
    const char *fn_raw;   /* the name as in the file (mangled), NULL if unknown */
    u64 fn_off;           /* pc - start of the ELF symbol (the outermost frame) */
    const char *file;     /* source path (directory joined), NULL if unknown */
    u32 line, column;     /* 0 if unknown */
    const char *object;   /* path of the object, NULL if none */
    bool inlined;         /* an inlined call: the next frame is its caller */
} DbgFrame;

/* Describe pc: one frame per inlined call level, innermost first, then the
 * function the code belongs to.  Fills at most max (>= 1) frames and
 * returns how many (>= 1: an unknown pc gives one frame with NULL names). */
u32 dbg_symbolize(GuestAddr pc, DbgFrame *out, u32 max);

/* The function that created frame pc (a stack's pc, as dbg_unwind gives
 * it) as memcheck names it when it describes a stack address: "main
 * (file.c:12)", the function's name (below-main ones as "(below main)"),
 * the source file at pc and the line of the function's entry; "???" for
 * what is unknown.  False if neither name nor file is known. */
bool dbg_frame_creator(GuestAddr pc, char *buf, size_t len);

/* Name [pc, pc+len), code that is no ELF image's (a tool's replacement of
 * a function: memcheck's "strlen"), so that reports and suppressions show
 * one frame "fn (in object)" for it.  Later calls for the same pc replace
 * the name; the strings are copied. */
void dbg_name_code(GuestAddr pc, u64 len, const char *fn, const char *object);

/* A data symbol (STT_OBJECT) of a loaded object. */
typedef struct DbgDataSym {
    const char *name;   /* demangled */
    GuestAddr addr;     /* biased: a guest address */
    u64 size;
    const char *object; /* path */
} DbgDataSym;

/* The data symbol whose [addr, addr+size) holds a (memcheck's "Address
 * 0x... is 8 bytes inside data symbol "buf""), from .symtab or .dynsym.
 * False if a lies in no object or in no sized data symbol. */
bool dbg_data_symbol(GuestAddr a, DbgDataSym *out);

/* Demangle a C++ (Itanium ABI) name.  Returns a malloc'd string, or NULL
 * if name is not a mangled name. */
char *dbg_demangle(const char *name);

/* -------------------------------------------------------------- unwinding */

/* Read n bytes of guest memory at a into buf; false (buf undefined) if any
 * byte is not readable.  Must never fault. */
typedef bool (*DbgReadFn)(void *ctx, GuestAddr a, void *buf, size_t n);

/* The reader for a guest process: checks the range against the guest's
 * regions (mem_range_ok, PROT_READ) before copying.  ctx is a MemSpace. */
bool dbg_read_guest(void *memspace, GuestAddr a, void *buf, size_t n);

/* Unwind from the register state regs (gpr[], rip): write at most max pcs
 * (see the stack convention above) and return how many.  Stops at the
 * outermost frame (CFI says the return address is undefined, or it is 0),
 * on unreadable memory, when the stack stops growing up, or at max. */
u32 dbg_unwind(const X86Regs *regs, DbgReadFn read, void *ctx, GuestAddr *pcs, u32 max);

/* dbg_unwind that also gives each frame's stack pointer: sps[i] is RSP in
 * frame i (sps[0] the one of regs; a caller's is its callee's CFA), so
 * frame i's own stack lies in [sps[i], sps[i+1]). */
u32 dbg_unwind_frames(const X86Regs *regs, DbgReadFn read, void *ctx, GuestAddr *pcs, GuestAddr *sps, u32 max);

/* dbg_unwind of a guest thread's current state over its process memory. */
u32 dbg_unwind_cpu(GuestCpu *cpu, GuestAddr *pcs, u32 max);

/* ------------------------------------------------------------ stack depot */

enum { DBG_MAX_STACK = 64 };

/* Store a stack (n <= DBG_MAX_STACK pcs, longer ones are cut) once and
 * return its id (never 0; the empty stack also gets an id).  Lock-free
 * for stacks already stored. */
u32 dbg_depot_put(const GuestAddr *pcs, u32 n);
/* The pcs of id; sets *n.  NULL (and *n = 0) for an unknown id. */
const GuestAddr *dbg_depot_get(u32 id, u32 *n);

/* ---------------------------------------------------------------- reports */

enum { DBG_ERR_MAX_AUX = 6 };

/* A line after the first, with an optional stack below it ("Address 0x...
 * is 0 bytes after a block of size 40 alloc'd" + the allocation stack). */
typedef struct DbgAux {
    const char *text;
    const GuestAddr *pcs; /* NULL / 0: no stack */
    u32 npcs;
} DbgAux;

/* One error as a tool builds it.  Strings are the caller's; the printers
 * copy what they keep. */
typedef struct DbgError {
    const char *kind;      /* XML <kind>: "InvalidRead", "Leak_DefinitelyLost"... */
    const char *what;      /* the first line: "Invalid write of size 4" */
    const char *dedup;     /* what makes it the same error as another, if not
                            * `what` (memcheck's overlap errors: the function,
                            * not the addresses); NULL: what */
    const GuestAddr *pcs;  /* the error's stack */
    u32 npcs;
    DbgAux aux[DBG_ERR_MAX_AUX];
    u32 naux;
    const char *supp_kind; /* suppression kind: "Addr4", "Free", "Leak"... */
    const char *supp_aux;  /* Param's extra line ("write(buf)"), else NULL */
    const char *leak_kind; /* "definite", "indirect", "possible", "reachable"; NULL if no leak */
    u64 leaked_bytes, leaked_blocks; /* leaks: XML <leakedbytes>/<leakedblocks> */
    bool unique;           /* never merge with an identical earlier error (leak records) */
    /* Leak records (memcheck's --show-leak-kinds / --errors-for-leak-kinds):
     * no_count prints without counting it as an error, no_print counts
     * without printing.  Suppressions apply either way. */
    bool no_count, no_print;
    int tid;               /* the thread's number (GuestCpu.tid), 0 = 1 */
} DbgError;

/* Where and how reports go. */
typedef struct DbgReportConfig {
    const char *tool;        /* "Memcheck": suppression tool name; XML <protocoltool> lowercased */
    int fd;                  /* text output (2 = stderr); -1: none */
    int xml_fd;              /* Valgrind XML; -1: none */
    const char *sarif_path;  /* SARIF file written at dbg_report_finish; NULL: none */
    int pid, ppid;
    u32 num_callers;         /* frames per stack (0: 12) */
    bool show_below_main;    /* else stacks stop at main */
    int gen_suppressions;    /* 0 no, 1 all (--gen-suppressions=all) */
    const char *const *argv; /* the guest's command (preamble, XML <argv>) */
    bool quiet;              /* -q: errors only, no preamble, summaries or notes */
} DbgReportConfig;

typedef struct DbgReporter DbgReporter;

/* A reporter writing to the places cfg names (copied).  Nothing is printed
 * until dbg_report_preamble. */
DbgReporter *dbg_reporter_new(const DbgReportConfig *cfg);
/* In a forked child: its own pid in every line from now on (the errors
 * so far stay counted, as Valgrind's child inherits them). */
void dbg_reporter_after_fork(DbgReporter *r);
/* Read a suppression file in Valgrind's format.  Returns 0, or -1 with a
 * "FILE:LINE: why" message in err. */
int dbg_reporter_add_suppressions(DbgReporter *r, const char *path, char *err, size_t errlen);
/* The header: text "==PID== Memcheck, ..." lines, the XML document's start. */
void dbg_report_preamble(DbgReporter *r, const char *const *lines, u32 nlines);
/* Report e: suppressed (returns 0), a repeat of an earlier error or one
 * not printed (counted, returns 1), or printed to every output (returns
 * 2).  See no_count / no_print. */
int dbg_report_error(DbgReporter *r, const DbgError *e);
/* Errors printed + repeats (not suppressed), and the contexts they form. */
void dbg_report_counts(const DbgReporter *r, u64 *errors, u64 *contexts, u64 *suppressed, u64 *supp_contexts);
/* A plain message line in the text output ("==PID== msg"); empty for a blank one. */
UE_PRINTF(2, 3) void dbg_report_line(DbgReporter *r, const char *fmt, ...);
/* The guest dies of a signal's default action: where and why, as Valgrind
 * tells it ("Process terminating with default action of signal 11
 * (SIGSEGV)", the fault's event and address, the stack; XML
 * <fatal_signal>). */
typedef struct DbgFatalSignal {
    int tid;               /* the thread's number (GuestCpu.tid), 0 = 1 */
    int signo;
    int code;              /* si_code: > 0 a fault the "kernel" raised, else sent */
    GuestAddr addr;        /* the fault address (si_addr), for a fault */
    const GuestAddr *pcs;  /* the thread's stack where it died */
    u32 npcs;
    const char *note;      /* a line after the event ("Stack overflow in
                            * thread #1: ..."), text only; NULL: none */
} DbgFatalSignal;
/* Print s: the text lines (with -q only for a fault of a signal that
 * dumps core, as Valgrind) and XML <fatal_signal>.  Not an error: nothing
 * is counted, nothing goes to SARIF. */
void dbg_report_fatal_signal(DbgReporter *r, const DbgFatalSignal *s);
/* The ERROR SUMMARY line, the XML trailer (error and suppression counts),
 * the SARIF file.  Returns 0, or -errno if the SARIF file failed. */
int dbg_report_finish(DbgReporter *r);
void dbg_reporter_free(DbgReporter *r);

/* Print one stack as memcheck does ("   at 0x...: fn (file:line)" then
 * "   by ..."), each line prefixed by prefix (e.g. "==PID== "): at most
 * max_pcs pcs (--num-callers; each may print several inlined frames),
 * stopping after main unless below_main.  Returns the lines written. */
u32 dbg_print_stack(FILE *f, const char *prefix, const GuestAddr *pcs, u32 n, u32 max_pcs, bool below_main);
/* One frame as its "at"/"by" line shows it after "0x...: ": "fn (file:line)",
 * "fn (in /obj)", "??? (in /obj)" or "???" (buf of len bytes). */
void dbg_format_frame(const DbgFrame *f, char *buf, size_t len);

/* ----------------------------------------------------------- suppressions */

typedef struct DbgSuppList DbgSuppList;

DbgSuppList *dbg_supp_new(void);
/* Parse suppressions from text (name is the file's name for messages).
 * Returns 0, or -1 with "NAME:LINE: why" in err. */
int dbg_supp_parse(DbgSuppList *l, const char *name, const char *text, char *err, size_t errlen);
/* The suppression that matches e (tool name, kind, extra line, frames),
 * or NULL.  Its name is returned and its use counted. */
const char *dbg_supp_match(DbgSuppList *l, const char *tool, const DbgError *e, u32 max_frames);
/* Visit the suppressions used at least once (fn may be NULL): name and
 * count.  Returns how many there are. */
u32 dbg_supp_each_used(const DbgSuppList *l, void (*fn)(void *ctx, const char *name, u64 count), void *ctx);
/* Write e as a suppression ("{ <insert_a_suppression_name_here> ... }")
 * into a malloc'd string; frames stop where printed stacks do. */
char *dbg_supp_generate(const char *tool, const DbgError *e, u32 max_frames, bool below_main);
void dbg_supp_free(DbgSuppList *l);

/* Glob as Valgrind's suppressions use it: '*' any run, '?' one char. */
bool dbg_glob(const char *pat, const char *s);

#endif
