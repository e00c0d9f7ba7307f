/*
 * exec_priv.h — private to src/exec: the code cache's internals.
 */
#ifndef UE_EXEC_PRIV_H
#define UE_EXEC_PRIV_H

#include "exec/exec.h"

void cache_init(CodeCache *c);
/* The block at pc, or NULL.  Takes no lock: safe while one guest thread
 * runs; concurrent guest threads come with the Linux-layer issue. */
IrBlock *cache_lookup(CodeCache *c, GuestAddr pc);
/* The block at pc, translating it if needed. */
IrBlock *cache_translate(GuestProcess *p, GuestAddr pc);
/* The JIT's code for blk, compiling it on first use; NULL if the JIT
 * declines the block (it is then interpreted). */
JitCode *cache_native(GuestProcess *p, IrBlock *blk);
/* Disassemble the guest instruction at pc (for the IR printer). */
void exec_disasm_at(GuestAddr pc, char *buf, size_t len);

#endif
