/*
 * exec.h — running guest code: the process-wide translation state
 * (GuestProcess: address space, code cache, options), the per-thread guest
 * CPU (GuestCpu), and the dispatcher loop that looks blocks up, translates
 * misses, runs them on a back end and hands system calls and faults to the
 * OS layer.
 *
 * Layering: exec sits above mem, ir and arch; it calls up into the OS layer
 * only through ExecHooks, set once at start-up.
 */
#ifndef UE_EXEC_H
#define UE_EXEC_H

#include "arch/x86/x86.h"
#include "base/base.h"
#include "ir/ir.h"
#include "jit/jit.h"
#include "mem/mem.h"

#include <setjmp.h>

typedef struct GuestCpu GuestCpu;
typedef struct GuestProcess GuestProcess;
typedef struct DiffRun DiffRun;

/* ue's exit status when --diff-check finds the back ends disagree
 * (sysexits.h's EX_SOFTWARE: an internal error, not the guest's). */
enum { EXEC_DIFF_CHECK_STATUS = 70 };

/* Calls from the dispatcher up into the OS layer. */
typedef struct ExecHooks {
    /* The guest executed SYSCALL (pc is after it): perform it. */
    void (*syscall)(GuestCpu *cpu);
    /* A synchronous guest fault or trap, with the guest state at the
     * faulting instruction (pc) or after it (traps). */
    void (*fault)(GuestCpu *cpu, int sig, int code, GuestAddr addr);
    /* A signal for the guest that reached ue's fault handler without being
     * a fault: SIGSEGV/SIGBUS sent by kill, tgkill or sigqueue (code is its
     * si_code, <= 0).  Returns if the guest ignores it.  NULL: the
     * signal's default action. */
    void (*signal)(GuestCpu *cpu, int sig, int code);
    /* exec_interrupt was called for cpu: the thread is between blocks, its
     * guest state exact (e.g. deliver pending signals, exit the thread).
     * NULL: ignored. */
    void (*interrupted)(GuestCpu *cpu);
} ExecHooks;

/* -d flags, as qemu-user names them. */
enum {
    EXEC_LOG_IN_ASM = 1 << 0, /* guest code of each translated block */
    EXEC_LOG_OP = 1 << 1,     /* IR of each translated block */
    EXEC_LOG_EXEC = 1 << 2,   /* each block as it runs */
    EXEC_LOG_CPU = 1 << 3,    /* registers before each block */
    EXEC_LOG_OUT_ASM = 1 << 4, /* host code of each compiled block */
    EXEC_LOG_NOCHAIN = 1 << 5, /* do not chain blocks (every block via the dispatcher) */
    EXEC_LOG_PERF_MAP = 1 << 6, /* /tmp/perf-PID.map for perf(1) */
    EXEC_LOG_STATS = 1 << 7,   /* translation statistics at exit */
};

typedef struct ExecStats {
    u64 translated, compiled, promoted, declined, flushes, invalidations;
    u64 dispatches, syscalls; /* returns to the dispatcher; of those, system calls */
} ExecStats;

/* The lookup table: open addressing on guest pc.  Replaced, never resized
 * in place, so threads probe it without a lock. */
typedef struct CacheTable {
    u32 mask;
    IrBlock *slot[];
} CacheTable;

/* The page index (cache_pages.c): a guest page's blocks, and the blocks
 * whose native code relies on a block starting there. */
typedef struct PageBlocks {
    GuestAddr page;
    bool used;
    IrBlock **on;
    u32 non, cap_on;
    IrBlock **deps;
    u32 ndeps, cap_deps;
} PageBlocks;

typedef struct CachePages {
    PageBlocks *slot;
    u32 mask, count;
} CachePages;

/* Invalidation's scratch: the blocks a change touches (cache_pages.c). */
typedef struct CacheTouched {
    IrBlock **inside, **deps;
    u32 ninside, cap_inside, ndeps, cap_deps;
} CacheTouched;

typedef struct CodeCache {
    pthread_mutex_t lock;
    CacheTable *volatile table; /* every live block, by guest pc */
    u32 count;
    CachePages pages;
    CacheTouched touched;
    Arena arena;     /* translation scratch */
    Arena facts;     /* compile scratch: what successors tell */
    ExecStats stats;
    void **retired;  /* replaced tables, freed when the world next stops */
    u32 nretired, cap_retired;
    volatile bool flush_wanted; /* the JIT cache is full: flush at a safe point */
} CodeCache;

/* What a tool (src/tool/) plugs into the core: the core and the OS layer
 * call these; NULL members are skipped. */
typedef struct ToolHooks {
    /* Translation: build IR for the block at pc instead of lifting it
     * (return true), or decline (false). */
    bool (*redirect)(GuestProcess *p, GuestAddr pc, IrBuilder *b);
    /* Translation: the instrumented form of a lifted block (may return
     * blk itself; otherwise the caller frees blk). */
    IrBlock *(*instrument)(GuestProcess *p, IrBlock *blk, Arena *arena);
    /* The guest mapped, unmapped or re-protected memory (after the fact). */
    void (*on_map)(GuestAddr addr, u64 len, int prot, int flags);
    void (*on_unmap)(GuestAddr addr, u64 len);
    void (*on_protect)(GuestAddr addr, u64 len, int prot);
    /* The guest is about to die of signal sig: a synchronous fault at addr
     * (code, its si_code, > 0) or a sent signal (code <= 0, addr 0).  The
     * tool tells of the death in its report; the OS layer then prints no
     * line of its own. */
    void (*on_fault)(GuestCpu *cpu, int sig, int code, GuestAddr addr);
    /* The guest asked to exit (exit_group, or exit of its last thread)
     * with status: return true after pointing cpu at guest code to run
     * first (the system call then returns to the dispatcher; that code
     * calls exit_group again).  memcheck runs the C and C++ runtimes'
     * freeres functions, as Valgrind does. */
    bool (*on_exit_group)(GuestCpu *cpu, int status);
    /* In the child of a fork, before it runs guest code (only the forking
     * thread exists). */
    void (*on_fork_child)(void);
    /* A client request (include/ue/client.h): true if handled. */
    bool (*client_request)(GuestCpu *cpu, const u64 *args, u64 *result);
    /* The process exits with status: returns the status ue exits with. */
    int (*on_exit)(GuestProcess *p, int status);
} ToolHooks;

typedef enum ExecBackend { EXEC_INTERP, EXEC_JIT } ExecBackend;

struct GuestProcess {
    MemSpace mem;
    CodeCache cache;
    X86TranslateOpts xopts;
    ExecHooks hooks;
    ExecBackend backend;
    const ToolHooks *tool;   /* NULL: no tool */
    /* Threads.  A thread holds `world` for reading while it runs guest
     * code or touches translations; freeing translations or flushing
     * generated code takes it for writing ("stopping the world"), after
     * asking every thread to come back to its dispatcher. */
    pthread_rwlock_t world;
    pthread_mutex_t cpus_lock;
    GuestCpu **cpus;
    u32 ncpus, cap_cpus;
    u32 log;         /* EXEC_LOG_* */
    bool verify_ir;  /* run ir_verify on every block */
    bool diff_check; /* run each block on the interpreter too and compare
                      * (needs the JIT; exec_init sets nochain) */
};

struct GuestCpu {
    X86Regs regs;                 /* first: the IR's env */
    JitThread jit;                /* reached by generated code through host GS */
    GuestProcess *proc;
    volatile GuestAddr cur_pc;    /* guest pc of the instruction running */
    sigjmp_buf fault_jmp;
    volatile int in_guest;        /* inside a back end's guest code */
    volatile int fault_sig, fault_code;
    volatile GuestAddr fault_addr;
    /* Self-modifying code (run.c): the next instruction runs alone; the
     * code pages ue itself wrote since the last dispatch (more than fit:
     * smc_overflow). */
    bool smc_step;
    IrBlock *smc_once;
    u32 smc_nwritten;
    bool smc_overflow;
    GuestAddr smc_written[8];
    IrVal *temps;
    u32 temps_cap;
    DiffRun *diff;                /* --diff-check's reference result */
    bool diff_pending;            /* the JIT runs a block being checked */
    int tid;                      /* the thread's number in reports (Valgrind's:
                                   * 1 for the first; the OS layer sets it) */
    void *os;                     /* the OS layer's per-thread state */
};

/* Set up translation state for a new process (mem must be initialised by
 * the caller; p->backend chosen).  Falls back to the interpreter, with a
 * message, if the JIT cannot start. */
void exec_init(GuestProcess *p, ExecHooks hooks);
/* A new guest thread's CPU (registers as a new process's; the caller sets
 * them), registered with the process.  Run it with exec_run on the host
 * thread that will carry it. */
GuestCpu *exec_new_cpu(GuestProcess *p);
/* The thread of cpu is ending (it must not be running guest code, e.g. it
 * is inside a system call hook): unregister and free what the exec layer
 * holds for it.  The caller then ends the host thread. */
void exec_cpu_release(GuestCpu *cpu);
/* Around a fork by cpu's thread, with every other guest thread stopped
 * (held at a safe point or blocked in a system call).  After it, in the
 * child (only cpu's thread exists there) the exec layer's state becomes
 * the child's own: the other threads' CPUs forgotten, the locks they may
 * have held reset, a code cache of its own; in the parent, what the
 * preparation made is released. */
void exec_before_fork(GuestProcess *p);
void exec_after_fork(GuestCpu *cpu, bool child);
/* Stop every other guest thread at its dispatcher (they finish the block
 * they run) and hold them there until exec_resume_world.  The caller must
 * not be running guest code (system call hooks qualify). */
void exec_stop_world(GuestProcess *p);
void exec_resume_world(GuestProcess *p);
/* Run guest code on cpu until an OS hook ends the thread or process (the
 * hooks exit; this function does not return). */
UE_NORETURN void exec_run(GuestCpu *cpu);
/* Ask cpu's thread to leave guest code soon and call hooks.interrupted
 * from its dispatcher.  Async-signal-safe; callable from any thread.
 * Generated code looks at the request on backward and indirect jumps, the
 * interpreter between blocks; a thread blocked in a system call sees it
 * when the call returns. */
void exec_interrupt(GuestCpu *cpu);
/* Self-modifying code.  Pages of translated code are read-only on the host
 * (mem/smc.c).  The guest wrote to the one containing addr: drop its
 * translations and let the guest write it from now on. */
void exec_code_written(GuestProcess *p, GuestAddr addr);
/* The host kernel is about to write [addr, addr+len) for the guest (a
 * system call's output buffer): release the code pages in it first. */
void exec_before_write(GuestProcess *p, GuestAddr addr, u64 len);
/* Release every code page the guest may write (a system call failed with
 * EFAULT and may have met one: the caller tries it again). */
void exec_release_code_pages(GuestProcess *p);
/* Drop translations of guest code in [addr, addr+len). */
void exec_invalidate(GuestProcess *p, GuestAddr addr, u64 len);
/* Print the translation statistics (-d stats) to ue's log. */
void exec_print_stats(GuestProcess *p);
/* The GuestCpu running on this host thread (NULL outside guest threads). */
GuestCpu *exec_current(void);
/* Per host thread set-up exec_run does itself (ue's signal stack); for
 * threads that handle host signals before running guest code. */
void exec_thread_setup(void);
/* Undo it on a host thread that ends (every host signal blocked). */
void exec_thread_teardown(void);
/* Install the host SIGSEGV/SIGBUS handler that turns faults in guest
 * accesses into guest faults (and reports faults in ue itself). */
void exec_install_fault_handler(void);

#endif
