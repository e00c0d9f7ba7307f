/*
 * jit.h — the x86-64 back end: compiles an IrBlock to host code that runs
 * with the guest's general-purpose registers in their identity homes (guest
 * GPR i in host GPR i, guest RSP in host RSP) and the thread's context
 * reached through the host GS base (DESIGN.md, "Registers, flags, faults").
 *
 * Contract with the exec layer:
 *  - The host GS base of a thread running guest code points at its guest
 *    state (the IR's env); the JitThread lies at cfg->thread_offset from it.
 *  - jit_run enters a block with the guest GPRs loaded from the env and
 *    returns when generated code leaves to the dispatcher, with the GPRs
 *    stored back and the next pc in the env's pc field.
 *  - Guest state other than GPRs (flags thunk, XMM, FS base...) always lives
 *    in the env while generated code runs.
 *  - A host fault in generated code is mapped back to guest state with
 *    jit_fault_state.
 */
#ifndef UE_JIT_H
#define UE_JIT_H

#include "base/base.h"
#include "ir/ir.h"

enum { JIT_SPILL_SLOTS = 256 };

/* Per-thread data generated code uses, at a fixed offset from the env. */
typedef struct JitThread {
    u64 host_rsp;        /* ue's stack pointer while guest code runs */
    u64 env;             /* address of the guest state (helper argument) */
    u64 exit_rec;        /* the last exit's record (jit_priv.h, JitExitRec) */
    u64 exit_link;       /* RX address of a chainable jump's rel32, or 0 */
    volatile u64 interrupt; /* non-zero: leave at the next backward jump or
                             * indirect lookup (jit_thread_interrupt) */
    u64 adapter_args[4]; /* helper adapter: argument slots, result slot */
    u64 call_fn;         /* jit_cache.call_routine: the helper, and its result */
    u64 call_ret;
    u64 scratch;         /* a register borrowed around a store */
    u64 call_save[16];   /* conditional calls: the registers they preserve */
    u64 ind_target;      /* indirect-jump lookup: host address to jump to */
    u64 ind_table;       /* this thread's indirect-jump table (JitIndEntry[]) */
    volatile u64 ind_key; /* JIT_IND_KEY for the lookup's xor; JIT_IND_STOP
                           * while interrupted (every lookup misses) */
    _Alignas(16) u64 spill[2 * JIT_SPILL_SLOTS]; /* 16-byte slots for temps */
} JitThread;

typedef struct JitConfig {
    const IrGuestInfo *guest;
    u32 thread_offset;   /* offset of the JitThread from the env */
    u32 gpr_offset[16];  /* env offsets of the guest registers homed in host GPRs */
    /* i64 state fields whose PUTs may be deferred (the x86 flags thunk):
     * a fault reports their pending values from the side table. */
    u32 lazy_offset[4];
    u32 nlazy;
    /* env offset of the guest's SSE control and status word (x86 MXCSR),
     * 0 if none.  While every thread's control bits are the host's, FP
     * helpers with a host form (IRHI_MXCSR) become the host instruction,
     * whose exception flags are ORed into this word before anything reads
     * it; see jit_fp_departs. */
    u32 mxcsr_offset;
    u32 code_size;       /* bytes of code cache to reserve */
    bool rwx;            /* one anonymous RWX mapping instead of two views
                          * (perf attributes samples in it through its map) */
} JitConfig;

typedef struct JitCode JitCode;

/* Set up the code cache and trampolines.  Returns false (with a message
 * logged) if the host cannot run the JIT. */
bool jit_init(const JitConfig *cfg);
/* Compile blk, using what its successors tell (facts, may be NULL; see
 * ir_exit_facts): dead PUTs are skipped, dead guest registers not restored.
 * With hot_after > 0 the code counts its runs: the hot_after-th leaves
 * before doing anything, with exit kind IR_EXIT_HOT and the block's own pc,
 * so the caller can compile it again knowing more (jit_replace).  Returns
 * NULL if the block uses something the JIT does not lower yet (the caller
 * interprets it) or, with *full set, if the code cache is full (the caller
 * flushes it with jit_flush and retries). */
JitCode *jit_compile(const IrBlock *blk, const IrExitFacts *facts, u32 hot_after, bool *full);
/* Drop every compiled block (at a safe point: no thread inside the cache). */
void jit_flush(void);
/* Run compiled code; the caller's GS base must be env.  Returns the exit
 * kind; the next guest pc is in the env. */
IrExitKind jit_run(void *env, JitCode *code);
/* If the last exit was a chainable direct jump, make it jump straight to
 * `to` from now on. */
void jit_chain(u64 link, JitCode *to);
/* The block's guest code changed (it is dropped): jumps chained to it go
 * back to their exits and indirect jumps no longer find it.  Its memory
 * stays, unused, until the next flush.  At a safe point (no thread in the
 * cache). */
void jit_unlink(JitCode *c);
/* `to` is compiled code for the same guest block as `from`, which stays
 * valid: jumps chained to `from` and indirect-jump table entries naming it
 * go to `to` from now on.  Safe while other threads run generated code
 * (each jump and each entry changes with one store). */
void jit_replace(JitCode *from, JitCode *to);
/* Let indirect jumps (returns, jump tables, calls through pointers) of the
 * thread whose env this is reach `to` at guest pc without leaving
 * generated code.  Each thread has its own table (no torn entries). */
void jit_publish(void *env, GuestAddr pc, JitCode *to);
/* Host address range and guest pc of a block (for perf maps and faults). */
uintptr_t jit_code_addr(const JitCode *c);
u32 jit_code_size(const JitCode *c);
/* If host_pc lies in generated code, rebuild the guest state of the faulting
 * instruction into env from the host registers in gregs (ucontext order) and
 * return true. */
bool jit_fault_state(uintptr_t host_pc, const u64 *host_gprs, void *env);
/* Print the block's host code (`-d out_asm`) to fd. */
void jit_disasm(const JitCode *c, int fd);
/* Around a fork (every other thread stopped): the child gets a copy of
 * the code cache of its own (the two views are shared memory). */
void jit_before_fork(void);
void jit_after_fork(bool child);
/* Ask the thread to leave generated code soon: backward jumps test
 * `interrupt`, and indirect lookups miss while the key is JIT_IND_STOP
 * (they need no test of their own).  Any thread may call it. */
void jit_thread_interrupt(JitThread *t);
/* The owning thread, out of generated code: true if it was interrupted,
 * and then the request is taken (cleared; lookups may hit again).  Call
 * until false: a request made while the key was being restored is seen. */
bool jit_thread_take_interrupt(JitThread *t);
/* Called by the dispatcher before each run of guest code: true, once,
 * when this thread's guest MXCSR control has left the host's while host FP
 * instructions are inlined.  The caller must then drop every translation
 * before running any: from now on the FP helpers are called.  Also clears
 * host MXCSR flags the guest no longer has (it cleared them: LDMXCSR,
 * FXRSTOR, a signal return), so that later inline instructions do not
 * report them again. */
bool jit_fp_departs(const void *env);
/* Are FP helpers with a host form emitted as the instruction (jit.c)?
 * Until jit_fp_departs says otherwise, every guest thread's SSE
 * exceptions are masked. */
bool jit_fp_inline(void);
/* After jit_fault_state: the flags in host_mxcsr (the faulting context's)
 * that host FP instructions raised join the guest's MXCSR in env. */
void jit_fault_fp(void *env, u32 host_mxcsr);
/* Host GS base for the calling thread, and its JIT state. */
void jit_set_thread_base(void *env);
/* The thread whose env this is has ended: its indirect-jump table goes
 * (it must not run generated code again). */
void jit_release_thread(void *env);

#endif
