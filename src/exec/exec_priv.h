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
/* A one-instruction block for pc, not cached and leaving its page
 * writable: run once (then freed) so a write to translated code that
 * rewrites its own page makes progress. */
IrBlock *cache_translate_once(GuestProcess *p, GuestAddr pc);
/* The JIT's code for blk, compiling it on first use; NULL if the JIT
 * declines the block (it is then interpreted). */
JitCode *cache_native(GuestProcess *p, IrBlock *blk);
/* Free tables replaced since the world last stopped (world stopped). */
void cache_free_retired(CodeCache *c);
/* Drop all native code (world stopped; after cache_native set
 * flush_wanted). */
void cache_flush_native(CodeCache *c);
/* Disassemble the guest instruction at pc (for the IR printer). */
void exec_disasm_at(GuestAddr pc, char *buf, size_t len);

#endif
