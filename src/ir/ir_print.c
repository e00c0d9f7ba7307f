/*
 * ir_print.c — the `-d op` dump: one line per op, constants shown inline at
 * their uses, guest state fields by name, each guest instruction introduced
 * by its address and disassembly.  Golden IR tests (tests/ir/) compare this
 * text, so its format changes only on purpose.
 */
#include "ir/ir.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct Out {
    int fd;
    char buf[4096];
    size_t n;
} Out;

static void out_flush(Out *o)
{
    ue_write_all(o->fd, o->buf, o->n);
    o->n = 0;
}

UE_PRINTF(2, 3) static void out(Out *o, const char *fmt, ...)
{
    if (o->n > sizeof o->buf - 512)
        out_flush(o);
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(o->buf + o->n, sizeof o->buf - o->n, fmt, ap);
    va_end(ap);
    if (k > 0)
        o->n += (size_t)k < sizeof o->buf - o->n ? (size_t)k : sizeof o->buf - o->n - 1;
}

static void operand(Out *o, const IrBlock *blk, const u32 *def, u32 t)
{
    const IrOp *d = &blk->ops[def[t]];
    if (d->opc == IR_CONST)
        out(o, "0x%llx:%s", (unsigned long long)d->imm, ir_type_names[d->type]);
    else
        out(o, "t%u", t);
}

static void state_field(Out *o, const IrGuestInfo *guest, u64 off)
{
    char name[64];
    const char *s = guest && guest->state_name ? guest->state_name((u32)off, name, sizeof name) : NULL;
    if (s)
        out(o, "%s", s);
    else
        out(o, "[env+0x%llx]", (unsigned long long)off);
}

void ir_print(int fd, const IrBlock *blk, const IrGuestInfo *guest, IrDisasmFn disasm)
{
    Out o = {.fd = fd};
    u32 *def = ue_calloc(blk->ntemps, sizeof(u32));
    for (u32 i = 0; i < blk->nops; i++)
        if (blk->ops[i].dst)
            def[blk->ops[i].dst] = i;

    out(&o, "==== block 0x%llx: %u insns, %u ops, %u temps\n", (unsigned long long)blk->guest_pc, blk->ninsns,
        blk->nops, blk->ntemps);
    for (u32 i = 0; i < blk->nops; i++) {
        const IrOp *op = &blk->ops[i];
        if (op->opc == IR_CONST)
            continue;
        if (op->opc == IR_IMARK) {
            char text[160] = "";
            if (disasm)
                disasm(op->imm, text, sizeof text);
            out(&o, "---- 0x%llx  %s\n", (unsigned long long)op->imm, text);
            continue;
        }
        out(&o, "  ");
        if (op->dst)
            out(&o, "t%u:%s = ", op->dst, ir_type_names[op->type]);
        out(&o, "%s", ir_op_names[op->opc]);
        if (op->opc == IR_ZEXT || op->opc == IR_SEXT || op->opc == IR_TRUNC)
            out(&o, ".%s", ir_type_names[op->aux]);
        if (op->opc == IR_STORE || op->opc == IR_PUT)
            out(&o, ".%s", ir_type_names[op->type]);
        switch (op->opc) {
        case IR_GET:
            out(&o, " ");
            state_field(&o, guest, op->imm);
            break;
        case IR_PUT:
            out(&o, " ");
            state_field(&o, guest, op->imm);
            out(&o, ", ");
            operand(&o, blk, def, op->a);
            break;
        case IR_CALL:
        case IR_CALL_IF: {
            const IrHelper *h = (const IrHelper *)(uintptr_t)op->imm;
            u32 args[3] = {op->a, op->b, op->c};
            u32 *argv = args;
            if (op->opc == IR_CALL_IF) {
                out(&o, " ");
                operand(&o, blk, def, op->a);
                out(&o, ",");
                argv = args + 1;
            }
            out(&o, " %s(", h->name);
            for (unsigned k = 0; k < h->nargs; k++) {
                if (k)
                    out(&o, ", ");
                operand(&o, blk, def, argv[k]);
            }
            out(&o, ")");
            break;
        }
        case IR_EXIT_IF:
            out(&o, " ");
            operand(&o, blk, def, op->a);
            out(&o, ", 0x%llx %s", (unsigned long long)op->imm, ir_exit_names[op->aux]);
            break;
        case IR_EXIT:
            out(&o, " 0x%llx %s", (unsigned long long)op->imm, ir_exit_names[op->aux]);
            break;
        case IR_EXIT_IND:
            out(&o, " ");
            operand(&o, blk, def, op->a);
            out(&o, " %s", ir_exit_names[op->aux]);
            break;
        default: {
            u32 args[3] = {op->a, op->b, op->c};
            for (unsigned k = 0; k < ir_op_nargs[op->opc]; k++) {
                out(&o, k ? ", " : " ");
                operand(&o, blk, def, args[k]);
            }
            if (op->opc == IR_EXTRACT || op->opc == IR_INSERT)
                out(&o, ", byte %llu", (unsigned long long)op->imm);
            break;
        }
        }
        out(&o, "\n");
    }
    out_flush(&o);
    free(def);
}
