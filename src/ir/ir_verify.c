/*
 * ir_verify.c — the IR checker: catches malformed blocks right after lifting
 * (debug builds, tests, and `--verify-ir`), before a back end trusts them.
 *
 * Rules checked, in the order the ops are walked:
 *  1. every temp is defined once, by an op before its first use;
 *  2. each op reads exactly the temps its opcode takes, none of them void;
 *  3. operand and result types agree with the opcode (arithmetic on one
 *     type, comparisons and SELECT conditions i1, addresses i64, conversions
 *     between different widths in the right direction);
 *  4. GET/PUT stay inside the guest state;
 *  5. the block ends with exactly one EXIT or EXIT_IND, as its last op.
 */
#include "ir/ir.h"

#include <stdlib.h>

static bool is_int(IrType t) { return t >= IR_I1 && t <= IR_I64; }

static const char *check_op(const IrBlock *blk, const IrGuestInfo *guest, const IrOp *op, const u8 *defined)
{
    if (op->opc >= IR_NOPCODES)
        return "unknown opcode"; /* before it indexes the op tables */
    u32 args[3] = {op->a, op->b, op->c};
    unsigned nargs = ir_op_nargs[op->opc];
    if (op->opc == IR_CALL)
        nargs = ((const IrHelper *)(uintptr_t)op->imm)->nargs;
    if (op->opc == IR_CALL_IF) {
        nargs = 1u + ((const IrHelper *)(uintptr_t)op->imm)->nargs;
        if (nargs > 3 || op->type != IR_VOID || op->dst)
            return "CALL_IF takes at most two arguments and has no result";
    }
    for (unsigned k = 0; k < 3; k++) {
        if (k < nargs) {
            if (!args[k] || args[k] >= blk->ntemps)
                return "missing or out-of-range operand";
            if (!defined[args[k]])
                return "operand used before its definition";
        } else if (args[k]) {
            return "extra operand";
        }
    }
    IrType t = (IrType)op->type;
#define TY(x) ((IrType)blk->temp_type[x])
    switch (op->opc) {
    case IR_GET: case IR_PUT:
        if (guest && op->imm + ir_type_bits(t) / 8 > guest->state_size)
            return "guest state offset out of range";
        if (op->opc == IR_PUT && TY(op->a) != t)
            return "PUT type differs from its value";
        break;
    case IR_LOAD: case IR_STORE: case IR_CAS:
        if (TY(op->a) != IR_I64)
            return "address is not i64";
        if (op->opc == IR_STORE && TY(op->b) != t)
            return "STORE type differs from its value";
        if (op->opc == IR_CAS && (TY(op->b) != t || TY(op->c) != t || !(is_int(t) || t == IR_V128)))
            return "CAS operand types";
        break;
    case IR_ADD: case IR_SUB: case IR_MUL: case IR_MULHU: case IR_MULHS:
    case IR_DIVU: case IR_DIVS: case IR_REMU: case IR_REMS:
        if (!is_int(t) || TY(op->a) != t || TY(op->b) != t)
            return "arithmetic operand types";
        break;
    case IR_AND: case IR_OR: case IR_XOR: case IR_ANDN:
        if (TY(op->a) != t || TY(op->b) != t)
            return "logic operand types";
        break;
    case IR_SHL: case IR_SHR: case IR_SAR: case IR_ROL: case IR_ROR:
        if (!is_int(t) || TY(op->a) != t || !is_int(TY(op->b)))
            return "shift operand types";
        break;
    case IR_NOT:
        if (TY(op->a) != t)
            return "NOT operand type";
        break;
    case IR_NEG: case IR_CLZ: case IR_CTZ: case IR_POPCNT: case IR_BSWAP:
        if (!is_int(t) || TY(op->a) != t)
            return "unary operand type";
        break;
    case IR_CMPEQ: case IR_CMPNE: case IR_CMPLTU: case IR_CMPLEU: case IR_CMPLTS: case IR_CMPLES:
        if (t != IR_I1 || TY(op->a) != TY(op->b) || !is_int(TY(op->a)))
            return "comparison types";
        break;
    case IR_ZEXT: case IR_SEXT: case IR_TRUNC: {
        unsigned from = ir_type_bits(TY(op->a)), to = ir_type_bits(t);
        if (TY(op->a) != op->aux)
            return "conversion source type mismatch";
        if (op->opc == IR_TRUNC ? from <= to : from >= to)
            return "conversion in the wrong direction";
        if (op->opc == IR_SEXT && (t == IR_V128 || TY(op->a) == IR_V128))
            return "SEXT of v128";
        break;
    }
    case IR_SELECT:
        if (TY(op->a) != IR_I1 || TY(op->b) != t || TY(op->c) != t)
            return "SELECT types";
        break;
    case IR_EXTRACT:
        if (TY(op->a) != IR_V128 || !is_int(t) || op->imm + ir_type_bits(t) / 8 > 16)
            return "EXTRACT types or lane";
        break;
    case IR_INSERT:
        if (TY(op->a) != IR_V128 || t != IR_V128 || !is_int(TY(op->b)) ||
            op->imm + ir_type_bits(TY(op->b)) / 8 > 16)
            return "INSERT types or lane";
        break;
    case IR_EXIT_IF:
        if (TY(op->a) != IR_I1)
            return "EXIT_IF condition is not i1";
        break;
    case IR_CALL_IF:
        if (TY(op->a) != IR_I1)
            return "CALL_IF condition is not i1";
        break;
    case IR_EXIT_IND:
        if (TY(op->a) != IR_I64)
            return "EXIT_IND target is not i64";
        break;
    default:
        break;
    }
#undef TY
    if (op->dst && (op->dst >= blk->ntemps || blk->temp_type[op->dst] != op->type))
        return "result temp type differs from the op's type";
    return NULL;
}

const char *ir_verify(const IrBlock *blk, const IrGuestInfo *guest, u32 *bad_op)
{
    u8 *defined = ue_calloc(blk->ntemps ? blk->ntemps : 1, 1);
    const char *err = NULL;
    u32 i;
    for (i = 0; i < blk->nops && !err; i++) {
        const IrOp *op = &blk->ops[i];
        err = check_op(blk, guest, op, defined);
        if (err)
            break;
        if (op->dst) {
            if (defined[op->dst]) {
                err = "temp assigned twice";
                break;
            }
            defined[op->dst] = 1;
        }
        bool last = i + 1 == blk->nops;
        bool ends = op->opc == IR_EXIT || op->opc == IR_EXIT_IND;
        if (ends != last) {
            err = ends ? "EXIT before the end of the block" : "block does not end with an exit";
            break;
        }
    }
    if (!err && blk->nops == 0)
        err = "empty block";
    free(defined);
    if (bad_op)
        *bad_op = i;
    return err;
}
