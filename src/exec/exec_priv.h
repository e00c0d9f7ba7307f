/*
 * exec_priv.h — private to src/exec: the code cache's internals.
 */
#ifndef UE_EXEC_PRIV_H
#define UE_EXEC_PRIV_H

#include "exec/exec.h"

void cache_init(CodeCache *c);
/* The block at pc, or NULL.  Takes no lock (see cache.c, "Threads"). */
IrBlock *cache_lookup(CodeCache *c, GuestAddr pc);
/* The block at pc, translating it if needed. */
IrBlock *cache_translate(GuestProcess *p, GuestAddr pc);
/* How many runs of a block the JIT back end leaves to the interpreter
 * before compiling it (cache.c, "Tier 0"); cache_translate_lazy gives the
 * block at pc, translated if needed but not compiled. */
unsigned cache_tier0_runs(void);
IrBlock *cache_translate_lazy(GuestProcess *p, GuestAddr pc);
/* A copy of blk's header to interpret, taken while its ops exist (they
 * stay valid until the world next stops, even if the block is compiled
 * meanwhile); false if they are gone (it was compiled: run that). */
bool cache_ir_view(GuestProcess *p, const IrBlock *blk, IrBlock *view);
/* A one-instruction block for pc, not cached and leaving its page
 * writable: run once (then freed) so a write to translated code that
 * rewrites its own page makes progress. */
IrBlock *cache_translate_once(GuestProcess *p, GuestAddr pc);
/* The JIT's code for blk, compiling it on first use; NULL if the JIT
 * declines the block (it is then interpreted). */
JitCode *cache_native(GuestProcess *p, IrBlock *blk);
/* The block at pc left with IR_EXIT_HOT: compile it again, knowing its
 * successors (see "Tiers" in cache.c). */
void cache_promote(GuestProcess *p, GuestAddr pc);
/* Free tables replaced since the world last stopped (world stopped). */
void cache_free_retired(CodeCache *c);
/* Drop all native code (world stopped; after cache_native set
 * flush_wanted). */
void cache_flush_native(CodeCache *c);
/* The page index (cache_pages.c), changed under the cache lock.  A block
 * is added once in the cache and removed before it is freed; add_dep
 * records that blk's native code relies on the block at pc (blk->relies),
 * clear_deps forgets all of blk's, forget_deps everyone's. */
void cache_pages_add(CachePages *ps, IrBlock *blk);
void cache_pages_remove(CachePages *ps, IrBlock *blk);
void cache_pages_add_dep(CachePages *ps, IrBlock *blk, GuestAddr pc);
void cache_pages_clear_deps(CachePages *ps, IrBlock *blk);
void cache_pages_forget_deps(CachePages *ps);
/* The blocks a change of [addr, addr+len) touches: those overlapping it
 * (inside) and, apart from those, the compiled ones relying on a block in
 * it (deps); each once.  t's vectors are reused from call to call. */
void cache_pages_touched(CachePages *ps, GuestAddr addr, u64 len, CacheTouched *t);

/* Disassemble the guest instruction at pc (for the IR printer). */
void exec_disasm_at(GuestAddr pc, char *buf, size_t len);
/* Make cpu's temps hold at least n values. */
void exec_grow_temps(GuestCpu *cpu, u32 n);

/* --diff-check (diffcheck.c), around the JIT's run of blk: run blk on the
 * interpreter from cpu's state and put state and memory back as they were
 * (false: the block is not checked, e.g. it reads the clock); then, once
 * the JIT has run it, compare its exit (or its fault: cpu's fault fields,
 * the state at cur_pc) with the interpreter's.  A difference is reported
 * and ends the process with EXEC_DIFF_CHECK_STATUS. */
bool diff_check_before(GuestCpu *cpu, const IrBlock *blk);
void diff_check_after(GuestCpu *cpu, IrExitKind kind);
void diff_check_after_fault(GuestCpu *cpu);
/* The thread of cpu ends: free its check state. */
void diff_check_release(GuestCpu *cpu);

/* Write blk to fd as -d in_asm (its guest code) and -d op (its IR) do. */
void exec_log_block(int fd, const IrBlock *blk, bool guest_code, bool ir);

#endif
