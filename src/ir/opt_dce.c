/*
 * opt_dce.c — dead code elimination: one backward walk that drops ops whose
 * results nobody uses and that have no effect of their own.
 *
 * Removable: pure ops, GET, and calls of helpers that do not write guest
 * state.  Never removed: LOAD (a fault is an architectural effect), STORE,
 * CAS, PUT, FENCE, exits, IMARK.
 */
#include "ir/ir.h"

static bool removable(const IrOp *op)
{
    if (ir_op_flags[op->opc] & IRF_PURE)
        return true;
    if (op->opc == IR_GET)
        return true;
    if (op->opc == IR_CALL)
        return !(((const IrHelper *)(uintptr_t)op->imm)->flags & IRH_WRITES_STATE);
    return false;
}

void ir_dce(IrBuilder *b)
{
    u8 *used = arena_alloc(b->arena, b->ntemps);
    memset(used, 0, b->ntemps);
    u32 out = b->nops;
    for (u32 i = b->nops; i-- > 0;) {
        IrOp *op = &b->ops[i];
        if (op->dst && !used[op->dst] && removable(op))
            continue;
        used[op->a] = used[op->b] = used[op->c] = 1;
        b->ops[--out] = *op;
    }
    u32 n = b->nops - out;
    memmove(b->ops, b->ops + out, n * sizeof(IrOp));
    b->nops = n;
    for (u32 i = 0; i < n; i++)
        if (b->ops[i].dst)
            b->temp_def[b->ops[i].dst] = i;
}
