/*
 * mc_instrument.c — memcheck's IR pass: an addressability check before
 * every guest memory access, as ordinary IR, so the check runs on the
 * interpreter and the JIT alike and later optimisation treats it like any
 * other code.
 *
 *   LOAD.i32 t  becomes   s1 = LOAD.i8 A(t)              (A: the shadow map)
 *                          s2 = LOAD.i8 A(t + 3)
 *                          bad = CMPNE (s1 | s2), 0
 *                          CALL_IF bad, mc_check(t, pc|size|write)
 *                          LOAD.i32 t
 *
 * The inline part only asks "is every granule the access touches fully
 * addressable?" (the shadow of its first and last byte, and the middle one
 * for 16-byte accesses).  The helper, out of line, does the exact check
 * (partial granules, partial-loads-ok) and reports.  A wild pointer's
 * shadow lies in the guard range, so the inline load faults and the fault
 * path reports it.
 *
 * Accesses that cannot hit the heap are not checked: addresses computed
 * from RSP plus a small displacement (the current frame: the heap never
 * lives there) and constant addresses outside the heap (globals).
 */
#include "tool/memcheck/mc.h"

#include "arch/x86/x86.h"

/* The slow path: exact check of [addr, addr+size) and the report. */
static u64 h_check(void *env, u64 addr, u64 packed)
{
    GuestCpu *cpu = mc_cpu_of(env);
    unsigned size = (packed >> 1) & 0x7fff;
    bool write = packed & 1;
    GuestAddr pc = packed >> 16;
    u8 code = 0;
    GuestAddr bad = mc_shadow_first_bad(addr, size, write, &code);
    if (!bad)
        return 0; /* a partially addressable granule, but this access is fine */
    /* partial-loads-ok: an aligned load of which some bytes are addressable
     * (glibc's word-at-a-time string functions) is not an error. */
    if (!write && mc_opts.partial_loads_ok && size > 1 && (addr & (size - 1)) == 0 && bad > addr)
        return 0;
    mc_report_access(cpu, pc, addr, size, write);
    return 0;
}

static const IrHelper mc_h_check = {.name = "mc_check", .fn = (void *)h_check, .sig = IRH_I_I,
                                    .flags = IRH_READS_STATE, .nargs = 2};

/* The i8 shadow byte of address temp a (+ off). */
static u32 shadow_of(IrBuilder *b, u32 a, u64 off)
{
    if (off)
        a = ir_add(b, a, ir_const(b, IR_I64, off));
    u32 s = ir_add(b, ir_shr(b, a, ir_const(b, IR_I8, 3)), ir_const(b, IR_I64, MEM_A_SHADOW_OFFSET));
    return ir_load(b, IR_I8, s);
}

static void emit_check(IrBuilder *b, u32 addr, unsigned size, bool write, GuestAddr pc)
{
    u32 v = shadow_of(b, addr, 0);
    if (size > 1)
        v = ir_or(b, v, shadow_of(b, addr, size - 1));
    if (size > 8)
        v = ir_or(b, v, shadow_of(b, addr, 8));
    u32 bad = ir_cmp(b, IR_CMPNE, v, ir_const(b, IR_I8, 0));
    u64 packed = (u64)pc << 16 | (u64)size << 1 | (write ? 1 : 0);
    ir_call_if(b, bad, &mc_h_check, addr, ir_const(b, IR_I64, packed));
}

/* Is the address temp t (in the original block) RSP plus a small constant,
 * or a constant outside the heap? */
static bool unchecked(const IrBlock *blk, const u32 *def, u32 t)
{
    if (mc_check_all)
        return false; /* a client request made such memory unaddressable */
    const IrOp *d = &blk->ops[def[t]];
    u32 rsp = X86_GPR_OFF(X86_RSP);
    if (d->opc == IR_GET && d->imm == rsp)
        return true;
    if (d->opc == IR_CONST)
        return !mc_heap_contains(d->imm);
    if (d->opc == IR_ADD) {
        const IrOp *x = &blk->ops[def[d->a]], *k = &blk->ops[def[d->b]];
        if (x->opc == IR_GET && x->imm == rsp && k->opc == IR_CONST && (i64)k->imm > -4096 && (i64)k->imm < 4096)
            return true;
    }
    return false;
}

IrBlock *mc_instrument(GuestProcess *p, IrBlock *blk, Arena *arena)
{
    (void)p;
    IrBuilder b;
    ir_begin(&b, arena, &x86_guest_info, blk->guest_pc);
    u32 *map = arena_alloc(arena, blk->ntemps * sizeof(u32));
    u32 *def = arena_alloc(arena, blk->ntemps * sizeof(u32));
    memset(map, 0, blk->ntemps * sizeof(u32));
    for (u32 i = 0; i < blk->nops; i++)
        if (blk->ops[i].dst)
            def[blk->ops[i].dst] = i;
    GuestAddr pc = blk->guest_pc;
    for (u32 i = 0; i < blk->nops; i++) {
        const IrOp *op = &blk->ops[i];
        if (op->opc == IR_IMARK)
            pc = op->imm;
        if ((op->opc == IR_LOAD || op->opc == IR_STORE || op->opc == IR_CAS) && !unchecked(blk, def, op->a)) {
            unsigned size = ir_type_bits((IrType)op->type) / 8;
            emit_check(&b, map[op->a], size ? size : 1, op->opc != IR_LOAD, pc);
        }
        u32 r = ir_emit_copy(&b, op, map[op->a], map[op->b], map[op->c]);
        if (op->dst)
            map[op->dst] = r;
    }
    IrBlock *out = ir_finish(&b, blk->guest_size);
    out->ninsns = blk->ninsns;
    return out;
}
