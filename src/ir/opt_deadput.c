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

/* Does block s overwrite state [off, off+size) before anything reads or
 * observes it? */
static bool kills(const IrBlock *s, u64 off, unsigned size)
{
    for (u32 i = 0; i < s->nops; i++) {
        const IrOp *op = &s->ops[i];
        unsigned n = ir_type_bits((IrType)op->type) / 8;
        switch (op->opc) {
        case IR_PUT:
            if (op->imm <= off && op->imm + n >= off + size)
                return true;
            if (op->imm < off + size && op->imm + n > off)
                return false; /* a partial overwrite: keep it simple */
            break;
        case IR_GET:
            if (op->imm < off + size && op->imm + n > off)
                return false;
            break;
        case IR_CALL:
            if (((const IrHelper *)(uintptr_t)op->imm)->flags & (IRH_READS_STATE | IRH_WRITES_STATE))
                return false;
            break;
        default:
            if (ir_op_flags[op->opc] & (IRF_MEM | IRF_EXIT))
                return false;
            break;
        }
    }
    return false;
}

void ir_dead_exit_puts(const IrBlock *blk, IrSuccFn succ, void *ctx, u8 *dead)
{
    memset(dead, 0, blk->nops);
    /* The block must leave only through constant-target exits after its
     * last observing op; find where that tail starts. */
    u32 tail = blk->nops;
    const IrBlock *targets[8];
    u32 ntargets = 0;
    while (tail > 0) {
        const IrOp *op = &blk->ops[tail - 1];
        if (op->opc == IR_EXIT || op->opc == IR_EXIT_IF) {
            /* Only plain control transfers lead straight to the successor;
             * system calls and traps hand the state to the OS layer. */
            IrExitKind k = (IrExitKind)op->aux;
            if (ntargets == UE_ARRAY_LEN(targets) || (k != IR_EXIT_JUMP && k != IR_EXIT_CALL && k != IR_EXIT_RET))
                return;
            const IrBlock *s = succ(ctx, op->imm);
            if (!s)
                return;
            targets[ntargets++] = s;
        } else if (op->opc == IR_EXIT_IND) {
            return;
        } else if (op->opc != IR_PUT && (ir_op_flags[op->opc] & (IRF_PURE)) == 0 && op->opc != IR_IMARK) {
            break;
        }
        tail--;
    }
    for (u32 i = tail; i < blk->nops; i++) {
        const IrOp *op = &blk->ops[i];
        if (op->opc != IR_PUT)
            continue;
        unsigned n = ir_type_bits((IrType)op->type) / 8;
        bool all = ntargets > 0;
        for (u32 k = 0; k < ntargets && all; k++)
            all = kills(targets[k], op->imm, n);
        /* a later PUT of the same field in the tail makes this one dead too */
        dead[i] = all;
    }
}
