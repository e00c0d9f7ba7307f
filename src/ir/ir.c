/*
 * ir.c — the IR builder: appends ops to the block under construction, folds
 * constants and trivial identities as it goes (the only optimisation tier 1
 * can afford), and hands the finished block to the code cache.
 *
 * Folding rules (every fold obeys them):
 *  1. A fold never changes a value: it uses ir_eval.h, the same code the
 *     interpreter runs.
 *  2. A fold never drops a side effect: only IRF_PURE ops are folded.
 *  3. A fold returns an existing temp or a new CONST; it never rewrites an
 *     op already emitted.
 *  4. Pure ops are value-numbered: emitting one that exists already in the
 *     block returns the existing temp (temps are SSA and the block has no
 *     control flow, so an earlier identical pure op always dominates).
 */
#include "ir/ir.h"
#include "ir/ir_eval.h"

#include <pthread.h>
#include <stdlib.h>

const char *const ir_op_names[IR_NOPCODES] = {
#define X(name, nargs, flags) #name,
#include "ir/ir_ops.def"
#undef X
};
const u8 ir_op_nargs[IR_NOPCODES] = {
#define X(name, nargs, flags) nargs,
#include "ir/ir_ops.def"
#undef X
};
const u8 ir_op_flags[IR_NOPCODES] = {
#define X(name, nargs, flags) flags,
#include "ir/ir_ops.def"
#undef X
};
const char *const ir_type_names[IR_NTYPES] = {"void", "i1", "i8", "i16", "i32", "i64", "f32", "f64", "v128"};
const char *const ir_exit_names[IR_NEXIT_KINDS] = {
#define X(k) #k,
    IR_EXIT_KINDS(X)
#undef X
};

unsigned ir_type_bits(IrType t) { return ir_bits_of[t]; }

void ir_begin(IrBuilder *b, Arena *arena, const IrGuestInfo *guest, GuestAddr guest_pc)
{
    memset(b, 0, sizeof *b);
    b->arena = arena;
    b->guest = guest;
    b->guest_pc = guest_pc;
    b->cap_ops = 256;
    b->ops = arena_alloc(arena, b->cap_ops * sizeof(IrOp));
    b->cap_temps = 256;
    b->temp_type = arena_alloc(arena, b->cap_temps);
    b->temp_def = arena_alloc(arena, b->cap_temps * sizeof(u32));
    b->temp_type[0] = IR_VOID;
    b->temp_def[0] = 0;
    b->cse_mask = 1023;
    b->cse = arena_alloc(arena, (b->cse_mask + 1) * sizeof(u32));
    memset(b->cse, 0, (b->cse_mask + 1) * sizeof(u32));
    b->ntemps = 1;
}

static void grow(IrBuilder *b)
{
    if (b->nops == b->cap_ops) {
        IrOp *n = arena_alloc(b->arena, 2 * b->cap_ops * sizeof(IrOp));
        memcpy(n, b->ops, b->nops * sizeof(IrOp));
        b->ops = n;
        b->cap_ops *= 2;
    }
    if (b->ntemps == b->cap_temps) {
        u8 *n = arena_alloc(b->arena, 2 * b->cap_temps);
        memcpy(n, b->temp_type, b->ntemps);
        b->temp_type = n;
        u32 *d = arena_alloc(b->arena, 2 * b->cap_temps * sizeof(u32));
        memcpy(d, b->temp_def, b->ntemps * sizeof(u32));
        b->temp_def = d;
        b->cap_temps *= 2;
    }
}

static u64 op_hash(IrOpcode opc, IrType type, u8 aux, u32 x, u32 y, u32 z, u64 imm)
{
    u64 h = ue_hash64(((u64)opc << 48) ^ ((u64)type << 40) ^ ((u64)aux << 32) ^ x);
    h = ue_hash64(h ^ ((u64)y << 32) ^ z);
    return ue_hash64(h ^ imm);
}

static void cse_grow(IrBuilder *b)
{
    u32 mask = 2 * b->cse_mask + 1;
    u32 *t = arena_alloc(b->arena, (mask + 1) * sizeof(u32));
    memset(t, 0, (mask + 1) * sizeof(u32));
    for (u32 i = 0; i <= b->cse_mask; i++) {
        u32 tmp = b->cse[i];
        if (!tmp)
            continue;
        const IrOp *o = &b->ops[b->temp_def[tmp]];
        u32 j = (u32)op_hash((IrOpcode)o->opc, (IrType)o->type, o->aux, o->a, o->b, o->c, o->imm) & mask;
        while (t[j])
            j = (j + 1) & mask;
        t[j] = tmp;
    }
    b->cse = t;
    b->cse_mask = mask;
}

/* Append an op; allocate a result temp when type is not void and the op
 * produces a value.  Pure ops already in the block are reused. */
static u32 emit(IrBuilder *b, IrOpcode opc, IrType type, u8 aux, u32 x, u32 y, u32 z, u64 imm,
                bool has_result)
{
    ue_assert(!b->ended);
    u32 slot = 0;
    bool pure = (ir_op_flags[opc] & IRF_PURE) && has_result && type != IR_VOID;
    if (pure) {
        slot = (u32)op_hash(opc, type, aux, x, y, z, imm) & b->cse_mask;
        for (u32 t; (t = b->cse[slot]); slot = (slot + 1) & b->cse_mask) {
            const IrOp *o = &b->ops[b->temp_def[t]];
            if (o->opc == opc && o->type == type && o->aux == aux && o->a == x && o->b == y && o->c == z &&
                o->imm == imm)
                return t;
        }
    }
    grow(b);
    IrOp *op = &b->ops[b->nops++];
    memset(op, 0, sizeof *op);
    op->opc = (u8)opc;
    op->type = (u8)type;
    op->aux = aux;
    op->a = x;
    op->b = y;
    op->c = z;
    op->imm = imm;
    if (has_result && type != IR_VOID) {
        op->dst = b->ntemps;
        b->temp_def[b->ntemps] = b->nops - 1;
        b->temp_type[b->ntemps++] = (u8)type;
    }
    if (pure) {
        b->cse[slot] = op->dst;
        if (2 * b->ntemps > b->cse_mask)
            cse_grow(b);
    }
    return op->dst;
}

IrType ir_temp_type(const IrBuilder *b, u32 t)
{
    ue_assert(t < b->ntemps);
    return (IrType)b->temp_type[t];
}

bool ir_is_const(const IrBuilder *b, u32 t, u64 *v)
{
    if (!t)
        return false;
    const IrOp *op = &b->ops[b->temp_def[t]];
    if (op->opc != IR_CONST || op->type == IR_V128)
        return false;
    *v = op->imm;
    return true;
}

u32 ir_const(IrBuilder *b, IrType type, u64 v)
{
    if (type != IR_V128)
        v &= ir_type_mask(type);
    return emit(b, IR_CONST, type, 0, 0, 0, 0, v, true);
}

void ir_imark(IrBuilder *b, GuestAddr pc, u32 len)
{
    emit(b, IR_IMARK, IR_VOID, (u8)len, 0, 0, 0, pc, false);
    b->ninsns++;
}

u32 ir_get(IrBuilder *b, IrType type, u32 offset) { return emit(b, IR_GET, type, 0, 0, 0, 0, offset, true); }

void ir_put(IrBuilder *b, u32 offset, u32 val)
{
    emit(b, IR_PUT, ir_temp_type(b, val), 0, val, 0, 0, offset, false);
}

u32 ir_load(IrBuilder *b, IrType type, u32 addr)
{
    ue_assert(ir_temp_type(b, addr) == IR_I64);
    return emit(b, IR_LOAD, type, 0, addr, 0, 0, 0, true);
}

void ir_store(IrBuilder *b, u32 addr, u32 val)
{
    ue_assert(ir_temp_type(b, addr) == IR_I64);
    emit(b, IR_STORE, ir_temp_type(b, val), 0, addr, val, 0, 0, false);
}

u32 ir_cas(IrBuilder *b, u32 addr, u32 expected, u32 desired)
{
    return emit(b, IR_CAS, ir_temp_type(b, expected), 0, addr, expected, desired, 0, true);
}

void ir_fence(IrBuilder *b) { emit(b, IR_FENCE, IR_VOID, 0, 0, 0, 0, 0, false); }

/* Identities that return an operand unchanged: x+0, x|0, x^0, x-0, x<<0,
 * x&-1, x*1.  Returns 0 if none applies. */
static u32 fold_identity(IrOpcode op, IrType type, u32 x, bool yc, u64 yv)
{
    if (!yc)
        return 0;
    switch (op) {
    case IR_ADD: case IR_SUB: case IR_OR: case IR_XOR:
    case IR_SHL: case IR_SHR: case IR_SAR: case IR_ROL: case IR_ROR:
        return yv == 0 ? x : 0;
    case IR_AND:
        return yv == ir_type_mask(type) ? x : 0;
    case IR_MUL:
        return yv == 1 ? x : 0;
    default:
        return 0;
    }
}

/* Bits of x that may be set, looking `depth` ops back (an over-
 * approximation: the type's mask when nothing is known).  An AND whose
 * mask keeps every such bit, or none, folds; so the merges of 8- and
 * 16-bit register writes vanish when the rest of the register is known
 * to be zero (movzx ecx, word [m]; neg cx). */
static u64 maybe_bits(const IrBuilder *b, u32 x, int depth)
{
    IrType t = ir_temp_type(b, x);
    if (t == IR_V128)
        return ~0ull;
    u64 m = ir_type_mask(t), v;
    if (ir_is_const(b, x, &v))
        return v & m;
    const IrOp *d = &b->ops[b->temp_def[x]];
    if (depth == 0)
        return m;
    if (ir_op_flags[d->opc] & IRF_CMP)
        return 1;
    switch (d->opc) {
    case IR_ZEXT:
        return d->aux == IR_V128 ? m : maybe_bits(b, d->a, depth - 1) & m;
    case IR_AND:
        return maybe_bits(b, d->a, depth - 1) & maybe_bits(b, d->b, depth - 1);
    case IR_OR: case IR_XOR:
        return (maybe_bits(b, d->a, depth - 1) | maybe_bits(b, d->b, depth - 1)) & m;
    case IR_SHR:
        if (ir_is_const(b, d->b, &v) && v < ir_type_bits(t))
            return maybe_bits(b, d->a, depth - 1) >> v;
        return m;
    default:
        return m;
    }
}

u32 ir_binop(IrBuilder *b, IrOpcode op, IrType type, u32 x, u32 y)
{
    u64 xv = 0, yv = 0;
    bool xc = false, yc = false;
    if (type != IR_V128) {
        xc = ir_is_const(b, x, &xv);
        yc = ir_is_const(b, y, &yv);
        bool trap = (op == IR_DIVU || op == IR_DIVS || op == IR_REMU || op == IR_REMS) && yv == 0;
        if (xc && yc && !trap) {
            IrType argt = ir_temp_type(b, x);
            u64 r = ir_eval_binop(op, ir_type_bits(argt), xv, yv);
            return ir_const(b, type, r);
        }
        u32 id = fold_identity(op, type, x, yc, yv);
        if (id)
            return id;
        if (op == IR_AND && yc) {
            u64 mx = maybe_bits(b, x, 3);
            if ((mx & yv) == 0)
                return ir_const(b, type, 0);
            if ((mx & ~yv) == 0)
                return x;
        }
        if ((op == IR_SHL || op == IR_SHR || op == IR_SAR || op == IR_ROL || op == IR_ROR) && !yc) {
            /* The count is taken modulo the width: an AND that keeps all
             * the bits that matter changes nothing. */
            const IrOp *d = &b->ops[b->temp_def[y]];
            u64 m;
            unsigned w = ir_type_bits(type);
            if (d->opc == IR_AND && ir_is_const(b, d->b, &m) && (m & (w - 1)) == w - 1)
                return ir_binop(b, op, type, x, d->a);
        }
        if ((op == IR_ADD || op == IR_SUB) && yc) {
            /* (x + c1) + c2 -> x + (c1 + c2): stack pointer updates of
             * successive pushes and pops then share one base. */
            const IrOp *d = &b->ops[b->temp_def[x]];
            u64 c1;
            if ((d->opc == IR_ADD || d->opc == IR_SUB) && ir_is_const(b, d->b, &c1)) {
                u64 k = (d->opc == IR_ADD ? c1 : 0 - c1) + (op == IR_ADD ? yv : 0 - yv);
                return ir_binop(b, IR_ADD, type, d->a, ir_const(b, type, k));
            }
        }
        if (op == IR_SUB && xc && xv == 0)
            return ir_unop(b, IR_NEG, type, y);
        if ((op == IR_XOR || op == IR_SUB) && x == y)
            return ir_const(b, type, 0); /* xor r,r: zero, whatever r was */
        if ((op == IR_AND || op == IR_OR) && x == y && ir_temp_type(b, x) == type)
            return x; /* test r,r */
        if (op == IR_XOR && type == IR_I1 && yc && yv == 1) {
            /* not of a comparison: the inverse comparison */
            static const u8 inverse[IR_NOPCODES] = {
                [IR_CMPEQ] = IR_CMPNE, [IR_CMPNE] = IR_CMPEQ,
                [IR_CMPLTU] = IR_CMPLEU, [IR_CMPLEU] = IR_CMPLTU,
                [IR_CMPLTS] = IR_CMPLES, [IR_CMPLES] = IR_CMPLTS,
            };
            const IrOp *d = &b->ops[b->temp_def[x]];
            if (inverse[d->opc]) /* !(a < b) == b <= a, !(a <= b) == b < a */
                return d->opc == IR_CMPEQ || d->opc == IR_CMPNE ? ir_cmp(b, (IrOpcode)inverse[d->opc], d->a, d->b)
                                                                : ir_cmp(b, (IrOpcode)inverse[d->opc], d->b, d->a);
        }
        if ((ir_op_flags[op] & IRF_CMP) == 0 && xc && !yc &&
            (op == IR_ADD || op == IR_OR || op == IR_XOR || op == IR_AND || op == IR_MUL)) {
            /* commutative: put the constant second so identities see it */
            return ir_binop(b, op, type, y, x);
        }
    }
    return emit(b, op, type, 0, x, y, 0, 0, true);
}

u32 ir_cmp(IrBuilder *b, IrOpcode op, u32 x, u32 y)
{
    ue_assert(ir_op_flags[op] & IRF_CMP);
    u64 xv, yv;
    if (ir_is_const(b, x, &xv) && ir_is_const(b, y, &yv))
        return ir_const(b, IR_I1, ir_eval_binop(op, ir_type_bits(ir_temp_type(b, x)), xv, yv));
    if (op == IR_CMPLTU && ir_is_const(b, x, &xv) && xv == 0)
        return ir_cmp(b, IR_CMPNE, y, x); /* 0 <u y: y != 0 (NEG's carry) */
    return emit(b, op, IR_I1, 0, x, y, 0, 0, true);
}

u32 ir_unop(IrBuilder *b, IrOpcode op, IrType type, u32 x)
{
    u64 xv;
    if (type != IR_V128 && ir_is_const(b, x, &xv))
        return ir_const(b, type, ir_eval_unop(op, ir_type_bits(type), xv));
    return emit(b, op, type, 0, x, 0, 0, 0, true);
}

static u32 convert(IrBuilder *b, IrOpcode op, IrType to, u32 x)
{
    IrType from = ir_temp_type(b, x);
    if (from == to)
        return x;
    const IrOp *d = &b->ops[b->temp_def[x]];
    if (op == IR_TRUNC && (d->opc == IR_ZEXT || d->opc == IR_SEXT) && d->aux != IR_V128 &&
        ir_type_bits((IrType)d->aux) >= ir_type_bits(to))
        return ir_type_bits((IrType)d->aux) == ir_type_bits(to) ? d->a : convert(b, IR_TRUNC, to, d->a);
    if (op == IR_TRUNC && d->opc == IR_ZEXT && d->aux != IR_V128)
        return convert(b, IR_ZEXT, to, d->a); /* narrower still: one extension */
    if (op == IR_ZEXT && d->opc == IR_TRUNC && ir_temp_type(b, d->a) == to && to != IR_V128 &&
        (maybe_bits(b, d->a, 3) & ~ir_type_mask(from)) == 0)
        return d->a; /* the truncation dropped only zeros */
    u64 xv;
    if (to != IR_V128 && from != IR_V128 && ir_is_const(b, x, &xv)) {
        if (op == IR_SEXT)
            xv = ir_sx(xv, ir_type_bits(from));
        return ir_const(b, to, xv);
    }
    return emit(b, op, to, (u8)from, x, 0, 0, 0, true);
}

u32 ir_zext(IrBuilder *b, IrType to, u32 x)
{
    ue_assert(ir_type_bits(to) >= ir_type_bits(ir_temp_type(b, x)));
    return convert(b, IR_ZEXT, to, x);
}

u32 ir_sext(IrBuilder *b, IrType to, u32 x)
{
    ue_assert(ir_type_bits(to) >= ir_type_bits(ir_temp_type(b, x)));
    return convert(b, IR_SEXT, to, x);
}

u32 ir_trunc(IrBuilder *b, IrType to, u32 x)
{
    ue_assert(ir_type_bits(to) <= ir_type_bits(ir_temp_type(b, x)));
    return convert(b, IR_TRUNC, to, x);
}

u32 ir_select(IrBuilder *b, u32 cond, u32 x, u32 y)
{
    u64 cv;
    if (ir_is_const(b, cond, &cv))
        return cv ? x : y;
    if (x == y)
        return x;
    return emit(b, IR_SELECT, ir_temp_type(b, x), 0, cond, x, y, 0, true);
}

u32 ir_extract(IrBuilder *b, IrType type, u32 v, u32 byte_off)
{
    return emit(b, IR_EXTRACT, type, 0, v, 0, 0, byte_off, true);
}

u32 ir_insert(IrBuilder *b, u32 v, u32 x, u32 byte_off)
{
    return emit(b, IR_INSERT, IR_V128, 0, v, x, 0, byte_off, true);
}

u32 ir_call(IrBuilder *b, const IrHelper *h, IrType ret, u32 x, u32 y, u32 z)
{
    if (h->nargs < 3)
        z = 0;
    if (h->nargs < 2)
        y = 0;
    if (h->nargs < 1)
        x = 0;
    return emit(b, IR_CALL, ret, 0, x, y, z, (u64)(uintptr_t)h, true);
}

void ir_call_if(IrBuilder *b, u32 cond, const IrHelper *h, u32 x, u32 y)
{
    ue_assert(h->nargs <= 2);
    u64 cv;
    if (ir_is_const(b, cond, &cv)) {
        if (cv)
            ir_call(b, h, IR_VOID, x, y, 0);
        return;
    }
    if (h->nargs < 2)
        y = 0;
    if (h->nargs < 1)
        x = 0;
    emit(b, IR_CALL_IF, IR_VOID, 0, cond, x, y, (u64)(uintptr_t)h, false);
}

u32 ir_emit_copy(IrBuilder *b, const IrOp *op, u32 x, u32 y, u32 z)
{
    switch (op->opc) {
    case IR_CONST:
        return op->type == IR_V128 ? emit(b, IR_CONST, IR_V128, 0, 0, 0, 0, op->imm, true)
                                   : ir_const(b, (IrType)op->type, op->imm);
    case IR_IMARK:
        ir_imark(b, op->imm, op->aux);
        return 0;
    case IR_EXIT:
        ir_exit(b, op->imm, (IrExitKind)op->aux);
        return 0;
    case IR_EXIT_IND:
        ir_exit_ind(b, x, (IrExitKind)op->aux);
        return 0;
    default: {
        bool result = op->dst != 0;
        return emit(b, (IrOpcode)op->opc, (IrType)op->type, op->aux, x, y, z, op->imm, result);
    }
    }
}

void ir_exit_if(IrBuilder *b, u32 cond, GuestAddr target, IrExitKind kind)
{
    u64 cv;
    if (ir_is_const(b, cond, &cv)) {
        if (cv)
            ir_exit(b, target, kind);
        return;
    }
    emit(b, IR_EXIT_IF, IR_VOID, (u8)kind, cond, 0, 0, target, false);
}

void ir_exit(IrBuilder *b, GuestAddr target, IrExitKind kind)
{
    emit(b, IR_EXIT, IR_VOID, (u8)kind, 0, 0, 0, target, false);
    b->ended = true;
}

void ir_exit_ind(IrBuilder *b, u32 target, IrExitKind kind)
{
    emit(b, IR_EXIT_IND, IR_VOID, (u8)kind, target, 0, 0, 0, false);
    b->ended = true;
}

/* Block headers: one per translation, most living as long as the process;
 * from a Region (no page fault per 4 KiB of them) with a free list. */
static pthread_mutex_t headers_lock = PTHREAD_MUTEX_INITIALIZER;
static Region headers = {.size = 512u << 20};
static IrBlock *free_headers; /* (linked through their first word) */

static IrBlock *header_alloc(void)
{
    pthread_mutex_lock(&headers_lock);
    IrBlock *blk = free_headers;
    if (blk)
        memcpy(&free_headers, blk, sizeof free_headers);
    else
        blk = region_alloc(&headers, sizeof *blk);
    pthread_mutex_unlock(&headers_lock);
    if (!blk)
        ue_panic("out of memory for IR blocks");
    return blk;
}

static void header_free(IrBlock *blk)
{
    pthread_mutex_lock(&headers_lock);
    memcpy(blk, &free_headers, sizeof free_headers);
    free_headers = blk;
    pthread_mutex_unlock(&headers_lock);
}

static IrBlock *finish(IrBuilder *b, u32 guest_size, bool borrow)
{
    ue_assert(b->ended);
    IrBlock *blk = header_alloc();
    blk->guest_pc = b->guest_pc;
    blk->guest_size = guest_size;
    blk->native = NULL;
    blk->no_native = false;
    blk->counted = false;
    blk->nrelies = blk->cap_relies = 0;
    blk->relies = NULL;
    blk->ninsns = b->ninsns;
    blk->nops = b->nops;
    blk->ntemps = b->ntemps;
    blk->ops = b->ops; /* (in the builder's arena) */
    blk->temp_type = b->temp_type;
    blk->borrowed = true;
    if (!borrow)
        ir_block_keep_ops(blk);
    blk->kills = ir_kills(blk);
    return blk;
}

IrBlock *ir_finish(IrBuilder *b, u32 guest_size) { return finish(b, guest_size, false); }
IrBlock *ir_finish_borrowed(IrBuilder *b, u32 guest_size) { return finish(b, guest_size, true); }

void ir_block_keep_ops(IrBlock *blk)
{
    if (!blk->borrowed || !blk->ops)
        return;
    size_t ops_size = (size_t)blk->nops * sizeof(IrOp);
    IrOp *ops = ue_malloc(ops_size + blk->ntemps);
    memcpy(ops, blk->ops, ops_size);
    memcpy((u8 *)ops + ops_size, blk->temp_type, blk->ntemps);
    blk->ops = ops;
    blk->temp_type = (u8 *)ops + ops_size;
    blk->borrowed = false;
}

void *ir_block_detach_ops(IrBlock *blk)
{
    void *mem = blk->borrowed ? NULL : blk->ops;
    __atomic_store_n(&blk->ops, NULL, __ATOMIC_RELEASE);
    blk->temp_type = NULL;
    blk->borrowed = false;
    return mem;
}

void ir_block_drop_ops(IrBlock *blk) { free(ir_block_detach_ops(blk)); }

void ir_block_free(IrBlock *blk)
{
    ir_block_drop_ops(blk);
    free(blk->relies);
    header_free(blk);
}
