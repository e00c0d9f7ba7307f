/*
 * opt_deadput.c — PUTs whose value no successor can observe.
 *
 * A block typically ends by writing guest state its successors overwrite
 * at once: the x86 flags thunk (cmp; jcc; ... add; cmp; jcc) above all.  A
 * PUT before the block's exits is dead if every successor block the exits
 * can reach (statically known targets only) writes the same state field
 * before it reads it and before anything that could observe guest state:
 * a memory access (it may fault, and a fault reports the state), a helper
 * that reads state, or an exit.
 *
 * The result only drives code generation (the JIT skips those PUTs); the
 * IR itself is unchanged, so the interpreter and a later retranslation of a
 * successor (self-modifying code flushes native code) are unaffected.
 * Known imprecision, as in other dynamic translators: a signal delivered at
 * the successor's entry sees the stale field in its context, though the
 * guest can never read it.
 */
#include "ir/ir.h"

/* The 8-byte words of guest state [off, off+size) covers entirely (fully
 * = true) or touches at all (fully = false); 0 beyond the summary's range. */
static u64 words(u64 off, unsigned size, bool fully)
{
    u64 lo = fully ? (off + 7) / 8 : off / 8;
    u64 hi = fully ? (off + size) / 8 : (off + size + 7) / 8;
    if (off + size > 64 * 8)
        return fully ? 0 : ~0ull;
    u64 m = 0;
    for (u64 k = lo; k < hi; k++)
        m |= 1ull << k;
    return m;
}

u64 ir_kills(const IrBlock *s)
{
    u64 kills = 0, seen = 0;
    for (u32 i = 0; i < s->nops; i++) {
        const IrOp *op = &s->ops[i];
        unsigned n = ir_type_bits((IrType)op->type) / 8;
        switch (op->opc) {
        case IR_PUT:
            kills |= words(op->imm, n, true) & ~seen;
            seen |= words(op->imm, n, false);
            break;
        case IR_GET:
            seen |= words(op->imm, n, false);
            break;
        case IR_CALL:
        case IR_CALL_IF:
            if (((const IrHelper *)(uintptr_t)op->imm)->flags & (IRH_READS_STATE | IRH_WRITES_STATE))
                return kills;
            break;
        default:
            if (ir_op_flags[op->opc] & (IRF_MEM | IRF_EXIT))
                return kills;
            break;
        }
    }
    return kills;
}

void ir_exit_facts(const IrBlock *blk, IrSuccFn succ, void *ctx, IrExitFacts *f)
{
    memset(f->dead_put, 0, blk->nops);
    memset(f->exit_kills, 0, blk->nops * sizeof *f->exit_kills);
    /* Every plain jump to a known block: its kills.  (System calls and
     * traps hand the state to the OS layer, which observes all of it.) */
    for (u32 i = 0; i < blk->nops; i++) {
        const IrOp *op = &blk->ops[i];
        if (op->opc != IR_EXIT && op->opc != IR_EXIT_IF)
            continue;
        IrExitKind k = (IrExitKind)op->aux;
        u64 kills;
        if ((k == IR_EXIT_JUMP || k == IR_EXIT_CALL || k == IR_EXIT_RET) && succ(ctx, op->imm, &kills))
            f->exit_kills[i] = kills;
    }
    /* PUTs in the tail before the exits are dead if every exit's target
     * kills them.  The tail ends at the last op that can observe state. */
    u32 tail = blk->nops;
    u64 killed_by_all = ~0ull;
    u32 ntargets = 0;
    while (tail > 0) {
        const IrOp *op = &blk->ops[tail - 1];
        if (op->opc == IR_EXIT || op->opc == IR_EXIT_IF) {
            IrExitKind k = (IrExitKind)op->aux;
            if ((k != IR_EXIT_JUMP && k != IR_EXIT_CALL && k != IR_EXIT_RET) || !f->exit_kills[tail - 1])
                return;
            killed_by_all &= f->exit_kills[tail - 1];
            ntargets++;
        } else if (op->opc == IR_EXIT_IND) {
            return;
        } else if (op->opc != IR_PUT && (ir_op_flags[op->opc] & IRF_PURE) == 0 && op->opc != IR_IMARK) {
            break;
        }
        tail--;
    }
    if (!ntargets)
        return;
    for (u32 i = tail; i < blk->nops; i++) {
        const IrOp *op = &blk->ops[i];
        if (op->opc != IR_PUT)
            continue;
        u64 w = words(op->imm, ir_type_bits((IrType)op->type) / 8, false);
        f->dead_put[i] = w && w != ~0ull && (w & ~killed_by_all) == 0;
    }
}
