/*
 * lower.c — IR block -> x86-64 host code, with register allocation around
 * identity homes.
 *
 *   pre-pass (backward): last use of every temp; which guest registers'
 *       values are still needed after each op; which compares and address
 *       additions can be fused into their single consumer
 *   main pass (forward): each op -> host instructions, allocating host
 *       registers as it goes; a side-table entry per instruction that may
 *       fault; an exit stub per block exit
 *
 * Registers.  At block entry and exit, guest GPR r is in host GPR r (its
 * home; guest RSP is host RSP and is never used for anything else).  Inside
 * the block a home may hold a temp instead ("stolen"), provided the guest
 * value it had is either saved in the env or provably not needed before a
 * PUT rewrites it.  Invariant, checked at every point that can fault or
 * leave: each guest GPR is in its home (home_ok) or in the env (saved).
 * The side table records which, so a fault rebuilds exact guest state
 * without stores on the hot path.
 *
 * Values.  Integer temps are kept zero-extended to 64 bits in host
 * registers, as the interpreter keeps them; v128 temps live in 16-byte
 * spill slots of the JitThread (the SSE lifter calls helpers for nearly
 * everything, which take them from memory anyway).  Guest state other than
 * GPRs is read and written in the env.
 */
#include "jit/jit_priv.h"

#include <stddef.h>

enum { LOC_NONE, LOC_REG, LOC_SLOT, LOC_CONST };
/* Ops not emitted where they are: a compare fused into its consumer; base +
 * constant (ADDR), base + index << scale (INDEX) and that shift (SHIFT)
 * folded into the memory operands (or lea) that use them. */
enum { DEFER_NONE, DEFER_CMP, DEFER_ADDR, DEFER_INDEX, DEFER_SHIFT };

typedef struct Loc {
    u8 kind;
    u8 reg;
    u16 slot;
} Loc;

typedef struct Lower {
    X64Buf *b;
    u8 *start;           /* first byte of the block (RW view) */
    intptr_t rx_delta;
    const IrBlock *blk;
    u32 i;               /* current op */
    GuestAddr pc;        /* current guest instruction */
    u32 *last_use;       /* per temp */
    u8 *defer;           /* per op */
    u8 *skip;            /* per op: not emitted (dead PUT, or feeds only those) */
    u16 *needed_after;   /* per op: guest homes needed after it */
    u16 needed;          /* guest homes that must survive what is emitted now */
    u32 last_get[16];    /* last op reading each guest GPR */
    u32 *def;            /* per temp: defining op */
    Loc *loc;            /* per temp */
    u32 hold[16];        /* temp held in host GPR r */
    u16 home_ok;         /* host GPR r holds guest GPR r */
    u16 saved;           /* the env holds guest GPR r */
    u16 home_mask;       /* guest GPRs with homes (all 16 for x86) */
    u8 slot_used[JIT_SPILL_SLOTS];
    JitSideEntry *side;
    u32 nside, cap_side;
    JitLazyRec *lazy;
    u32 nlazy, cap_lazy;
    u32 pending[4];      /* deferred PUT of lazy state field k: its temp (0: none) */
    u8 *hint;            /* per temp: the guest GPR it will be PUT to (16: none) */
    const u64 *exit_kills; /* per op (EXIT/EXIT_IF): the target's kills, or NULL */
    u8 *opnd_type;       /* per op: a compare's operand type, INSERT's value type
                          * (as the block had them before rename_conversions) */
    const IrOp *ind_guard; /* the EXIT_IF of a non-canonical target fused
                            * into the indirect lookup (fuse_ind_guard) */
    i32 ind_guard_rsp;     /* what the jump added to RSP after its guard */
    u32 xmm0_slot;         /* 1 + the spill slot xmm0 holds a copy of, while... */
    u8 *xmm0_end;          /* ...nothing was emitted after this (xmm0_from) */
    Arena *arena;
    bool fail;
    bool fp_dirty;       /* host FP instructions ran since the guest MXCSR
                          * last got the host's flags (fp_merge) */
} Lower;

#define BIT(r) ((u16)(1u << (r)))

/* What each 8-byte slot of the guest state is to the JIT: a GPR with a
 * home (0..15), a lazy field (FIELD_LAZY + k), or neither (FIELD_NONE).
 * Every GET and PUT asks, several times per block. */
enum { FIELD_SLOTS = 512, FIELD_LAZY = 16, FIELD_NONE = 0xff };
static u8 field_of_slot[FIELD_SLOTS];

void jit_lower_setup(void)
{
    memset(field_of_slot, FIELD_NONE, sizeof field_of_slot);
    for (u32 r = 16; r-- > 0;)
        if (jit_cfg.gpr_offset[r] % 8 == 0 && jit_cfg.gpr_offset[r] / 8 < FIELD_SLOTS)
            field_of_slot[jit_cfg.gpr_offset[r] / 8] = (u8)r;
    for (u32 k = 0; k < jit_cfg.nlazy; k++) {
        ue_assert(jit_cfg.lazy_offset[k] % 8 == 0 && jit_cfg.lazy_offset[k] / 8 < FIELD_SLOTS);
        field_of_slot[jit_cfg.lazy_offset[k] / 8] = (u8)(FIELD_LAZY + k);
    }
}

static u8 field_of_offset(u64 off) { return off % 8 == 0 && off / 8 < FIELD_SLOTS ? field_of_slot[off / 8] : FIELD_NONE; }

static u32 gpr_of_offset(u32 off)
{
    u8 f = field_of_offset(off);
    return f < 16 ? f : 16;
}

static int lazy_of_offset(u64 off)
{
    u8 f = field_of_offset(off);
    return f >= FIELD_LAZY && f != FIELD_NONE ? f - FIELD_LAZY : -1;
}

/* Ops before which deferred PUTs must be in the env: whatever may read
 * guest state outside the block's own code. */
static bool observes_state(const IrOp *op)
{
    switch (op->opc) {
    case IR_EXIT: case IR_EXIT_IF: case IR_EXIT_IND: case IR_CALL_IF:
        return true;
    case IR_CALL:
        return (((const IrHelper *)(uintptr_t)op->imm)->flags & (IRH_READS_STATE | IRH_WRITES_STATE)) != 0;
    case IR_GET:
        return lazy_of_offset(op->imm) >= 0;
    case IR_PUT:
        return lazy_of_offset(op->imm) >= 0 && op->type != IR_I64;
    default:
        return false;
    }
}

static JitMem env_gpr(int r) { return x64_gs((i32)jit_cfg.gpr_offset[r]); }
static JitMem slot_mem(u32 slot, u32 off) { return x64_gs(JIT_THREAD(spill) + (i32)(16 * slot + off)); }

/* Point the rel32 at rel32 (a jump being emitted) to the next byte emitted. */
static void patch_to_here(Lower *w, u8 *rel32)
{
    if (rel32)
        x64_patch_rel32(rel32, (uintptr_t)rel32 + (uintptr_t)w->rx_delta, (uintptr_t)w->b->p + (uintptr_t)w->rx_delta);
}

static unsigned bytes_of(IrType t)
{
    unsigned n = ir_type_bits(t) / 8;
    return n ? n : 1;
}

static bool temp_live_after(const Lower *w, u32 t) { return t && w->last_use[t] > w->i; }
/* Still needed by the current op or a later one. */
static bool temp_live_now(const Lower *w, u32 t) { return t && w->last_use[t] >= w->i; }

/* ---- pre-pass ---- */

static bool is_cmp(const IrOp *op) { return (ir_op_flags[op->opc] & IRF_CMP) != 0; }

/* Ops at which every guest register must be recoverable: they may fault,
 * leave, or let a helper see guest state.  A helper that touches no guest
 * state only computes its result (it neither faults nor reads registers). */
static bool syncs(const IrOp *op)
{
    if (op->opc == IR_CALL)
        return (((const IrHelper *)(uintptr_t)op->imm)->flags & (IRH_READS_STATE | IRH_WRITES_STATE)) != 0;
    return (ir_op_flags[op->opc] & (IRF_MEM | IRF_EXIT)) || op->opc == IR_CALL_IF;
}

/* Ops not worth emitting: PUTs no successor observes (dead), and the pure
 * computations that only fed them (helper calls included, unless they
 * write guest state: a helper's only other effect is its result, ir.h). */
static void find_skipped(Lower *w, const u8 *dead)
{
    const IrBlock *blk = w->blk;
    u32 n = blk->nops;
    w->skip = arena_alloc(w->arena, n);
    memset(w->skip, 0, n);
    if (!dead)
        return;
    u8 *used = arena_alloc(w->arena, blk->ntemps);
    memset(used, 0, blk->ntemps);
    for (u32 i = n; i-- > 0;) {
        const IrOp *op = &blk->ops[i];
        bool removable = (ir_op_flags[op->opc] & IRF_PURE) || op->opc == IR_GET ||
                         (op->opc == IR_CALL && !(((const IrHelper *)(uintptr_t)op->imm)->flags & IRH_WRITES_STATE));
        if (dead[i] || (removable && op->dst && !used[op->dst])) {
            w->skip[i] = 1;
            continue;
        }
        used[op->a] = used[op->b] = used[op->c] = 1;
    }
}

/* Op i is an exit whose target overwrites the 8 bytes of guest state at
 * off before reading them: the value there need not be stored for it. */
static bool exit_kills_at(const Lower *w, u32 i, u64 off)
{
    return w->exit_kills && w->exit_kills[i] && off % 8 == 0 && off / 8 < 64 && (w->exit_kills[i] >> (off / 8) & 1);
}

/* Guest GPRs an exit's target overwrites before reading them: their values
 * need not be home when the exit is taken. */
static u16 exit_dead_gprs(const Lower *w, u32 i)
{
    u16 dead = 0;
    for (int r = 0; r < 16; r++)
        if (exit_kills_at(w, i, jit_cfg.gpr_offset[r]))
            dead |= BIT(r);
    return dead & (u16)~BIT(X64_RSP);
}

static u64 const_of(const Lower *w, u32 t);
static bool is_const(const Lower *w, u32 t);
static bool fits_i32(u64 v) { return (i64)v == (i32)(i64)v; }

/* Is every use of temp t (defined before, last used at last_use[t]) the
 * address of a LOAD, STORE or CAS, or the value of a PUT to a guest
 * register's home (a lea)?  With plus_const, t + constant used that way
 * counts too. */
static bool addr_only(const Lower *w, u32 t, bool plus_const)
{
    const IrBlock *blk = w->blk;
    for (u32 j = w->def[t] + 1; j <= w->last_use[t]; j++) {
        const IrOp *u = &blk->ops[j];
        if (w->skip[j] || (u->a != t && u->b != t && u->c != t))
            continue;
        if (u->b == t || u->c == t)
            return false;
        bool is_addr = u->opc == IR_LOAD || u->opc == IR_STORE || u->opc == IR_CAS;
        /* a PUT to a guest register's home becomes "lea home, [address]" */
        bool is_home_put = u->opc == IR_PUT && u->type == IR_I64 && gpr_of_offset((u32)u->imm) < 16 &&
                           lazy_of_offset(u->imm) < 0;
        bool const_add = plus_const && u->opc == IR_ADD && u->type == IR_I64 && is_const(w, u->b) &&
                         fits_i32(const_of(w, u->b)) && u->dst && addr_only(w, u->dst, false);
        if (!is_addr && !is_home_put && !const_add)
            return false;
    }
    return true;
}

/* Does op u read only the bits of temp t that t's own type holds (so
 * t's register may have garbage above them)?  Additions and subtractions
 * (32-bit x86 ops, narrower results normalised), 32-bit logic and shifts,
 * shift counts, compares (emitted at their operands' width, kept in
 * opnd_type), stores of t's width, truncations, and sign extensions from
 * t's width do. */
static bool reads_own_width(const IrOp *u, u32 t, IrType tt)
{
    switch (u->opc) {
    case IR_ADD: case IR_SUB:
        return u->type == tt && tt != IR_I1;
    case IR_AND: case IR_OR: case IR_XOR:
        return u->type == IR_I32 && tt == IR_I32;
    case IR_CMPEQ: case IR_CMPNE: case IR_CMPLTU: case IR_CMPLEU: case IR_CMPLTS: case IR_CMPLES:
    case IR_TRUNC:
        return true;
    case IR_STORE:
        return u->b == t && u->a != t && u->type == tt;
    case IR_SEXT:
        return u->aux == tt && tt != IR_I1;
    case IR_SHL: case IR_SHR: case IR_SAR: case IR_ROL: case IR_ROR:
        /* a count reads its low 5 or 6 bits at most (lower_shift); a
         * 32-bit shift of t reads t's 32 bits and writes all 64 (narrower
         * ones keep bits above their width, so t must have none) */
        return u->a != t || (u->type == tt && tt == IR_I32);
    default:
        return false;
    }
}

/* Conversions that need no code here.  A register holds every value
 * zero-extended, so ZEXT between integer types is free; and a TRUNC (to
 * i32, i16 or i8) whose uses all read only the bits its type holds can
 * leave the upper ones in place.  Done as ops, they would copy a value
 * that stays live (a guest register truncated for a 32-bit compare) into
 * a second register.  So the block is lowered from a copy of its ops in
 * which each such result is renamed to its operand and the conversion
 * becomes a NOP; compares and INSERT, which take a width from an
 * operand's type, find the original type in w->opnd_type. */
static IrOp *rename_conversions(Lower *w, const IrBlock *blk)
{
    u32 n = blk->nops, nt = blk->ntemps;
    IrOp *ops = arena_alloc(w->arena, n * sizeof *ops);
    memcpy(ops, blk->ops, n * sizeof *ops);
    u32 *rep = arena_alloc(w->arena, nt * sizeof *rep);
    u8 *own_width = arena_alloc(w->arena, nt); /* every use reads only the bits of the temp's type */
    w->opnd_type = arena_alloc(w->arena, n);
    memset(own_width, 1, nt);
    for (u32 t = 0; t < nt; t++)
        rep[t] = t;
    for (u32 i = 0; i < n; i++) {
        const IrOp *op = &ops[i];
        w->opnd_type[i] = is_cmp(op) ? blk->temp_type[op->a] : op->opc == IR_INSERT ? blk->temp_type[op->b] : 0;
        u32 args[3] = {op->a, op->b, op->c};
        for (int k = 0; k < 3; k++)
            if (args[k] && !reads_own_width(op, args[k], (IrType)blk->temp_type[args[k]]))
                own_width[args[k]] = 0;
    }
    for (u32 i = 0; i < n; i++) {
        IrOp *op = &ops[i];
        op->a = rep[op->a];
        op->b = rep[op->b];
        op->c = rep[op->c];
        bool zext = op->opc == IR_ZEXT && op->type != IR_V128 && op->aux != IR_V128;
        bool trunc = op->opc == IR_TRUNC && (op->type == IR_I32 || op->type == IR_I16 || op->type == IR_I8) &&
                     op->aux != IR_V128 && own_width[op->dst];
        if (op->dst && (zext || trunc)) {
            rep[op->dst] = op->a;
            op->opc = IR_NOP;
            op->dst = op->a = 0;
        }
    }
    return ops;
}

/* The value `PUT rsp, v` at op i replaces: the temp of the last PUT of
 * RSP before it, or of a GET of RSP with none before; 0 if unknown. */
static u32 rsp_before(const Lower *w, u32 i)
{
    for (u32 j = i; j-- > 0;) {
        const IrOp *op = &w->blk->ops[j];
        if ((op->opc == IR_PUT || op->opc == IR_GET) && gpr_of_offset((u32)op->imm) == X64_RSP && !w->skip[j])
            return op->opc == IR_PUT ? op->a : op->dst;
    }
    return 0;
}

/* Exits that go on to guest code (jumps, calls, returns): direct ones
 * chain to their target, indirect ones look it up. */
static bool chainable_kind(IrExitKind k) { return k == IR_EXIT_JUMP || k == IR_EXIT_CALL || k == IR_EXIT_RET; }

/* An indirect jump's guard, `EXIT_IF (sar(shl(t, 16), 16) != t)` before
 * `EXIT_IND t`, is tested inside the lookup, where RAX and RCX are free,
 * instead of in a register the block would have to spill.  The guard's
 * exit sees the jump's state but for its pc and kind, and, for a return,
 * RSP before the pop (`PUT rsp, rsp + k` between the two, undone on the
 * guard's way out).  The guard's ops are skipped. */
static void fuse_ind_guard(Lower *w)
{
    const IrBlock *blk = w->blk;
    u32 n = blk->nops;
    w->ind_guard = NULL;
    w->ind_guard_rsp = 0;
    if (n < 3 || w->skip[n - 1])
        return;
    const IrOp *ex = &blk->ops[n - 1], *g = &blk->ops[n - 2];
    if (g->opc == IR_PUT && !w->skip[n - 2] && gpr_of_offset((u32)g->imm) == X64_RSP && g->type == IR_I64) {
        /* ret: RSP + k after the guard, from the RSP the guard saw */
        const IrOp *add = &blk->ops[w->def[g->a]];
        if (add->opc != IR_ADD || !is_const(w, add->b) || !fits_i32(const_of(w, add->b)) ||
            rsp_before(w, n - 2) != add->a)
            return;
        w->ind_guard_rsp = (i32)const_of(w, add->b);
        g = &blk->ops[n - 3];
    }
    if (ex->opc != IR_EXIT_IND || g->opc != IR_EXIT_IF || w->skip[g - blk->ops])
        return;
    IrExitKind k = (IrExitKind)ex->aux;
    if (!chainable_kind(k))
        return;
    u32 t = ex->a;
    const IrOp *cmp = &blk->ops[w->def[g->a]], *sar, *shl;
    if (cmp->opc != IR_CMPNE || cmp->b != t)
        return;
    sar = &blk->ops[w->def[cmp->a]];
    if (sar->opc != IR_SAR || !is_const(w, sar->b) || const_of(w, sar->b) != 16)
        return;
    shl = &blk->ops[w->def[sar->a]];
    if (shl->opc != IR_SHL || shl->a != t || !is_const(w, shl->b) || const_of(w, shl->b) != 16)
        return;
    u32 gi = (u32)(g - blk->ops);
    for (u32 i = 0; i < gi; i++) { /* the guard's temps have no other use */
        const IrOp *op = &blk->ops[i];
        if (w->skip[i] || op == cmp || op == sar)
            continue;
        u32 args[3] = {op->a, op->b, op->c};
        for (int j = 0; j < 3; j++)
            if (args[j] && (args[j] == g->a || args[j] == cmp->a || args[j] == sar->a))
                return;
    }
    w->skip[gi] = 1;
    w->skip[w->def[g->a]] = w->skip[w->def[cmp->a]] = w->skip[w->def[sar->a]] = 1;
    w->ind_guard = g;
}

static void analyse(Lower *w, const u8 *dead)
{
    const IrBlock *blk = w->blk;
    u32 n = blk->nops, nt = blk->ntemps;
    find_skipped(w, dead);
    w->last_use = arena_alloc(w->arena, nt * sizeof(u32));
    w->def = arena_alloc(w->arena, nt * sizeof(u32));
    w->loc = arena_alloc(w->arena, nt * sizeof(Loc));
    w->defer = arena_alloc(w->arena, n);
    w->needed_after = arena_alloc(w->arena, n * sizeof(u16));
    memset(w->last_use, 0, nt * sizeof(u32));
    memset(w->loc, 0, nt * sizeof(Loc));
    memset(w->defer, 0, n);
    u32 *uses = arena_alloc(w->arena, nt * sizeof(u32));
    memset(uses, 0, nt * sizeof(u32));
    for (u32 i = 0; i < n; i++)
        if (blk->ops[i].dst)
            w->def[blk->ops[i].dst] = i;
    fuse_ind_guard(w);
    for (u32 i = 0; i < n; i++) {
        const IrOp *op = &blk->ops[i];
        if (w->skip[i])
            continue;
        u32 args[3] = {op->a, op->b, op->c};
        for (int k = 0; k < 3; k++)
            if (args[k]) {
                w->last_use[args[k]] = i;
                uses[args[k]]++;
            }
    }
    /* A deferred PUT's value stays available until something observes
     * state (it is stored then) or, if a later PUT of the same field
     * replaces it first, until the last op before that which may fault
     * (the side table names it); an exit whose target overwrites the field
     * does not observe it, but the value must still be at hand for the
     * side table of every op that may fault on the way. */
    w->hint = arena_alloc(w->arena, nt);
    memset(w->hint, 16, nt);
    for (u32 i = 0; i < n; i++) {
        const IrOp *op = &blk->ops[i];
        u32 r = !w->skip[i] && op->opc == IR_PUT ? gpr_of_offset((u32)op->imm) : 16;
        if (r < 16 && op->a && w->hint[op->a] == 16)
            w->hint[op->a] = (u8)r;
    }
    /* (backward: an operand that dies where its register may take the
     * result, as result_reg does, is best computed in the result's) */
    for (u32 i = n; i-- > 0;) {
        const IrOp *op = &blk->ops[i];
        if (!w->skip[i] && op->dst && w->hint[op->dst] < 16 && op->a && w->hint[op->a] == 16 &&
            w->last_use[op->a] == i && !(ir_op_flags[op->opc] & IRF_EXIT))
            w->hint[op->a] = w->hint[op->dst];
    }
    /* (backward: need[k] is how far a PUT of lazy field k made here must
     * live, from the ops after it up to the one that replaces it) */
    u32 need[4] = {0, 0, 0, 0};
    for (u32 j = n; j-- > 0;) {
        const IrOp *u = &blk->ops[j];
        if (w->skip[j])
            continue;
        int put = u->opc == IR_PUT ? lazy_of_offset(u->imm) : -1;
        if (put >= 0 && u->type == IR_I64 && w->last_use[u->a] < need[put])
            w->last_use[u->a] = need[put];
        bool observes = observes_state(u), sync = syncs(u) && !(ir_op_flags[u->opc] & IRF_EXIT);
        for (u32 k = 0; k < jit_cfg.nlazy; k++) {
            if ((int)k == put) {
                need[k] = 0; /* replaced: needed no further than the last op that may fault */
            } else if (observes && !exit_kills_at(w, j, jit_cfg.lazy_offset[k])) {
                /* stored here; a side exit stores it on its way out only */
                need[k] = u->opc == IR_EXIT_IF && need[k] ? need[k] : j;
            } else if (sync && !need[k]) {
                need[k] = j;
            }
        }
    }
    /* A compare used once by the next EXIT_IF or SELECT is fused into it
     * (cmp+jcc, cmp+cmov); its operands then live until the consumer. */
    for (u32 i = 0; i < n; i++) {
        const IrOp *op = &blk->ops[i];
        if (w->skip[i] || !is_cmp(op) || uses[op->dst] != 1 || ir_type_bits((IrType)w->opnd_type[i]) > 64)
            continue;
        u32 user = w->last_use[op->dst];
        const IrOp *u = &blk->ops[user];
        /* (the one use is the condition itself: a compare whose value a
         * deferred flag PUT holds has its last use moved to that exit) */
        if (u->a == op->dst && (u->opc == IR_EXIT_IF || (u->opc == IR_SELECT && u->type != IR_V128))) {
            w->defer[i] = DEFER_CMP;
            if (w->last_use[op->a] < user)
                w->last_use[op->a] = user;
            if (w->last_use[op->b] < user)
                w->last_use[op->b] = user;
        }
    }
    for (int r = 0; r < 16; r++)
        w->last_get[r] = 0;
    for (u32 i = 0; i < n; i++) {
        const IrOp *op = &blk->ops[i];
        u32 r = op->opc == IR_GET && !w->skip[i] ? gpr_of_offset((u32)op->imm) : 16;
        if (r < 16)
            w->last_get[r] = i;
    }
    /* base + index << scale (scale 0..3) used only as memory addresses,
     * directly or plus a constant, folds into them (the lifter builds
     * [base + index*s + disp] as (base + (index << s)) + disp). */
    for (u32 i = 0; i < n; i++) {
        const IrOp *op = &blk->ops[i];
        if (w->skip[i] || op->opc != IR_ADD || op->type != IR_I64 || !op->dst || !uses[op->dst] ||
            is_const(w, op->b) || !addr_only(w, op->dst, true))
            continue;
        const IrOp *sh = &blk->ops[w->def[op->b]];
        bool shift = sh->opc == IR_SHL && sh->type == IR_I64 && uses[op->b] == 1 && is_const(w, sh->b) &&
                     const_of(w, sh->b) <= 3 && !w->skip[w->def[op->b]];
        w->defer[i] = DEFER_INDEX;
        if (shift)
            w->defer[w->def[op->b]] = DEFER_SHIFT;
    }
    /* base + constant used only as memory addresses folds into them. */
    for (u32 i = 0; i < n; i++) {
        const IrOp *op = &blk->ops[i];
        if (w->skip[i] || op->opc != IR_ADD || op->type != IR_I64 || !op->dst || !uses[op->dst])
            continue;
        const IrOp *k = &blk->ops[w->def[op->b]];
        if (k->opc != IR_CONST || !fits_i32(k->imm))
            continue;
        if (!addr_only(w, op->dst, false))
            continue;
        w->defer[i] = DEFER_ADDR;
        if (w->last_use[op->a] < w->last_use[op->dst])
            w->last_use[op->a] = w->last_use[op->dst];
    }
    /* The operands of folded index arithmetic live until its last use. */
    for (u32 i = n; i-- > 0;) {
        const IrOp *op = &blk->ops[i];
        if (w->defer[i] != DEFER_INDEX)
            continue;
        u32 end = w->last_use[op->dst];
        u32 idx = w->defer[w->def[op->b]] == DEFER_SHIFT ? blk->ops[w->def[op->b]].a : op->b;
        if (w->last_use[op->a] < end)
            w->last_use[op->a] = end;
        if (w->last_use[idx] < end)
            w->last_use[idx] = end;
    }
    /* Guest homes needed after each op (backward). */
    u16 needed = 0xffff;
    for (u32 i = n; i-- > 0;) {
        const IrOp *op = &blk->ops[i];
        w->needed_after[i] = needed;
        if (w->skip[i])
            continue;
        u32 r = (op->opc == IR_GET || op->opc == IR_PUT) ? gpr_of_offset((u32)op->imm) : 16;
        if (op->opc == IR_PUT && r < 16 && op->type == IR_I64)
            needed &= (u16)~BIT(r);
        else if (op->opc == IR_GET && r < 16)
            needed |= BIT(r);
        else if (op->opc == IR_EXIT)
            needed = (u16)~exit_dead_gprs(w, i);
        else if (op->opc == IR_EXIT_IF)
            needed |= (u16)~exit_dead_gprs(w, i);
        else if (syncs(op))
            needed = 0xffff;
    }
}

/* ---- registers ---- */

/* Record that the next emitted instruction may fault, with the register
 * state `home_ok` (taken before a load's destination was chosen: the
 * destination keeps its old value when the load faults). */
static void may_fault_with(Lower *w, u16 home_ok)
{
    if (w->nside == w->cap_side) {
        u32 cap = w->cap_side ? 2 * w->cap_side : 16;
        JitSideEntry *n = arena_alloc(w->arena, cap * sizeof *n);
        if (w->nside)
            memcpy(n, w->side, w->nside * sizeof *n);
        w->side = n;
        w->cap_side = cap;
    }
    /* The invariant every fault relies on. */
    ue_assert((u16)(home_ok | w->saved) == 0xffff);
    JitSideEntry e = {.host_off = (u32)(w->b->p - w->start), .in_env = (u16)~home_ok, .guest_pc = w->pc,
                      .lazy_first = w->nlazy};
    for (u32 k = 0; k < jit_cfg.nlazy; k++) {
        u32 t = w->pending[k];
        if (!t)
            continue;
        JitLazyRec rec = {.offset = jit_cfg.lazy_offset[k]};
        const IrOp *d = &w->blk->ops[w->def[t]];
        if (d->opc == IR_CONST)
            rec.kind = JIT_LAZY_CONST, rec.value = d->imm;
        else if (w->loc[t].kind == LOC_REG)
            rec.kind = JIT_LAZY_REG, rec.reg = w->loc[t].reg;
        else
            rec.kind = JIT_LAZY_SLOT, rec.slot = w->loc[t].slot;
        if (w->nlazy == w->cap_lazy) {
            u32 cap = w->cap_lazy ? 2 * w->cap_lazy : 32;
            JitLazyRec *n = arena_alloc(w->arena, cap * sizeof *n);
            if (w->nlazy)
                memcpy(n, w->lazy, w->nlazy * sizeof *n);
            w->lazy = n;
            w->cap_lazy = cap;
        }
        w->lazy[w->nlazy++] = rec;
        e.nlazy++;
    }
    w->side[w->nside++] = e;
}

static void may_fault(Lower *w) { may_fault_with(w, w->home_ok); }

static u32 alloc_slot(Lower *w)
{
    for (u32 s = 0; s < JIT_SPILL_SLOTS; s++)
        if (!w->slot_used[s]) {
            w->slot_used[s] = 1;
            return s;
        }
    w->fail = true;
    return 0;
}

/* Make host GPR r free: spill a live temp, save a needed guest value. */
static void evict(Lower *w, int r)
{
    u32 t = w->hold[r];
    if (t && temp_live_now(w, t) && w->loc[t].kind == LOC_REG && w->loc[t].reg == r) {
        u32 s = alloc_slot(w);
        x64_store(w->b, 8, slot_mem(s, 0), r);
        w->loc[t] = (Loc){LOC_SLOT, 0, (u16)s};
    }
    w->hold[r] = 0;
    if (w->home_ok & BIT(r)) {
        if ((w->needed & BIT(r)) && !(w->saved & BIT(r))) {
            x64_store(w->b, 8, env_gpr(r), r);
            w->saved |= BIT(r);
        }
        w->home_ok &= (u16)~BIT(r);
    }
}

/* Cost of taking host GPR r for a new value now, in memory operations:
 * spilling a live temp (store + load), saving a guest value that is still
 * needed (store) and bringing it back (load).  A guest value read again
 * later in the block costs more than one needed only at the exit: the read
 * would land in yet another register.  A home the block is about to
 * rewrite costs nothing. */
static int take_cost_of_home(const Lower *w, int r)
{
    if (!(w->home_ok & BIT(r)) || !(w->needed & BIT(r)))
        return 0;
    return ((w->saved & BIT(r)) ? 0 : 10) + (w->last_get[r] > w->i ? 15 : 10);
}

static int take_cost(const Lower *w, int r)
{
    u32 t = w->hold[r];
    return (t && temp_live_now(w, t) ? 25 : 0) /* also needs a register again at its next use */
           + take_cost_of_home(w, r);
}

static u16 reg_mask_of(const Lower *w, u32 t);

/* The cheapest host GPR for a new value, and its cost.  Never RSP (the
 * guest's stack pointer), never a register holding an operand of the
 * current op. */
static int pick_reg(const Lower *w, u16 avoid, int *cost)
{
    const IrOp *op = &w->blk->ops[w->i];
    avoid |= reg_mask_of(w, op->a) | reg_mask_of(w, op->b) | reg_mask_of(w, op->c);
    int best = -1, best_cost = 1 << 30;
    for (int r = 0; r < 16; r++) {
        if (r == X64_RSP || (avoid & BIT(r)))
            continue;
        int c = take_cost(w, r);
        if (c < best_cost) {
            best = r;
            best_cost = c;
        }
    }
    /* The guest register the value will be PUT to, if that is as cheap:
     * the value is then already home. */
    u32 dst = op->dst;
    if (dst && w->hint[dst] < 16 && w->hint[dst] != X64_RSP && !(avoid & BIT(w->hint[dst])) &&
        take_cost(w, w->hint[dst]) <= best_cost)
        best = w->hint[dst];
    *cost = best_cost;
    return best;
}

static int alloc_reg(Lower *w, u16 avoid)
{
    int cost;
    int r = pick_reg(w, avoid, &cost);
    evict(w, r);
    return r;
}

static void bind(Lower *w, u32 t, int r)
{
    w->hold[r] = t;
    w->loc[t] = (Loc){LOC_REG, (u8)r, 0};
}

static u64 const_of(const Lower *w, u32 t) { return w->blk->ops[w->def[t]].imm; }
static bool is_const(const Lower *w, u32 t) { return w->blk->ops[w->def[t]].opc == IR_CONST; }

/* Temp t in a host register (loading it if spilled or constant). */
static int use(Lower *w, u32 t, u16 avoid)
{
    Loc l = w->loc[t];
    if (l.kind == LOC_REG)
        return l.reg;
    int r = alloc_reg(w, avoid);
    if (is_const(w, t))
        x64_mov_ri(w->b, r, const_of(w, t));
    else if (l.kind == LOC_SLOT) {
        x64_load(w->b, 8, r, slot_mem(l.slot, 0));
        w->slot_used[l.slot] = 0;
    } else {
        w->fail = true;
    }
    bind(w, t, r);
    return r;
}

static u16 reg_mask_of(const Lower *w, u32 t)
{
    return t && w->loc[t].kind == LOC_REG ? BIT(w->loc[t].reg) : 0;
}

/* A register for op's result: the first operand's, if it dies here (so
 * two-operand x86 forms work in place) and taking it costs no more than a
 * copy into another register would, else a fresh one holding a copy. */
static int result_reg_copy(Lower *w, u32 dst, u32 a, u16 avoid, unsigned copy_bytes, bool *copied);

static int result_reg(Lower *w, u32 dst, u32 a, u16 avoid)
{
    bool copied;
    return result_reg_copy(w, dst, a, avoid, 8, &copied);
}

/* The same, a copy (if one is made) moving copy_bytes (4: zero-extending
 * the low half, which a TRUNC to i32 then needs no more). */
static int result_reg_copy(Lower *w, u32 dst, u32 a, u16 avoid, unsigned copy_bytes, bool *copied)
{
    *copied = false;
    int ra = use(w, a, avoid);
    const IrOp *op = &w->blk->ops[w->i];
    bool other_use = (op->b == a || op->c == a) && op->a != a;
    if (w->last_use[a] == w->i && w->hold[ra] == a && !other_use && !(avoid & BIT(ra)) && ra != X64_RSP) {
        /* (a is a guest value still needed later: the home would have to be
         * saved and reloaded, where a free register costs one move) */
        int fresh_cost = 0;
        if ((w->home_ok & BIT(ra)) && (w->needed & BIT(ra)))
            pick_reg(w, (u16)(avoid | BIT(ra)), &fresh_cost);
        if (take_cost_of_home(w, ra) <= fresh_cost + 3) {
            w->hold[ra] = 0; /* a dies here: its register takes the result */
            evict(w, ra);    /* (saving the guest value first if its home is needed) */
            bind(w, dst, ra);
            return ra;
        }
    }
    int rd = alloc_reg(w, (u16)(avoid | BIT(ra)));
    x64_mov_rr(w->b, copy_bytes, rd, ra);
    bind(w, dst, rd);
    *copied = true;
    return rd;
}

static void free_dead(Lower *w, const IrOp *op)
{
    u32 args[3] = {op->a, op->b, op->c};
    for (int k = 0; k < 3; k++) {
        u32 t = args[k];
        if (!t || w->last_use[t] != w->i)
            continue;
        Loc l = w->loc[t];
        if (l.kind == LOC_REG && w->hold[l.reg] == t)
            w->hold[l.reg] = 0;
        if (l.kind == LOC_SLOT)
            w->slot_used[l.slot] = 0;
    }
    if (op->dst && w->last_use[op->dst] <= w->i && w->loc[op->dst].kind == LOC_REG &&
        w->hold[w->loc[op->dst].reg] == op->dst)
        w->hold[w->loc[op->dst].reg] = 0; /* unused result */
}

/* Keep integer values zero-extended after an op that may dirty the high
 * bits of a narrow result. */
static void normalise(Lower *w, IrType t, int r)
{
    if (t == IR_I8 || t == IR_I1)
        x64_movzx(w->b, 1, r, r);
    else if (t == IR_I16)
        x64_movzx(w->b, 2, r, r);
}

/* Force host GPR r to hold temp t's value (for fixed-register forms). */
static void load_into(Lower *w, int r, u32 t)
{
    if (w->loc[t].kind == LOC_REG && w->loc[t].reg == r)
        return;
    if (is_const(w, t)) {
        evict(w, r);
        x64_mov_ri(w->b, r, const_of(w, t));
        return;
    }
    int src = use(w, t, BIT(r));
    evict(w, r);
    x64_mov_rr(w->b, 8, r, src);
}

/* ---- memory operands and compares ---- */

/* The operand [base + index*scale] of a DEFER_INDEX temp: its registers
 * (an index in RSP, which cannot be one, is swapped or copied). */
static JitMem index_mem(Lower *w, u32 t, u16 avoid)
{
    const IrOp *d = &w->blk->ops[w->def[t]];
    u32 idx = d->b;
    u8 scale = 0;
    if (w->defer[w->def[d->b]] == DEFER_SHIFT) {
        idx = w->blk->ops[w->def[d->b]].a;
        scale = (u8)const_of(w, w->blk->ops[w->def[d->b]].b);
    }
    int base = use(w, d->a, avoid);
    int index = use(w, idx, (u16)(avoid | BIT(base)));
    if (index == X64_RSP && scale == 0 && base != X64_RSP) {
        index = base;
        base = X64_RSP;
    } else if (index == X64_RSP) {
        int r = alloc_reg(w, (u16)(avoid | BIT(base) | BIT(X64_RSP)));
        x64_mov_rr(w->b, 8, r, X64_RSP); /* (a copy: idx stays in its home) */
        index = r;
    }
    return (JitMem){.base = (i8)base, .index = (i8)index, .scale = scale};
}

/* The memory operand for address temp addr, folding deferred arithmetic;
 * its registers stay valid until the next allocation that does not avoid
 * them (mem_regs). */
static JitMem addr_of(Lower *w, u32 addr, u16 avoid)
{
    const IrOp *d = &w->blk->ops[w->def[addr]];
    if (d->opc == IR_CONST && fits_i32(d->imm))
        return (JitMem){.base = -1, .index = -1, .disp = (i32)d->imm};
    if (w->defer[w->def[addr]] == DEFER_INDEX)
        return index_mem(w, addr, avoid);
    if (w->defer[w->def[addr]] == DEFER_ADDR) {
        if (w->defer[w->def[d->a]] == DEFER_INDEX) {
            JitMem m = index_mem(w, d->a, avoid);
            m.disp = (i32)const_of(w, d->b);
            return m;
        }
        int r = use(w, d->a, avoid);
        return x64_mem(r, (i32)const_of(w, d->b));
    }
    int r = use(w, addr, avoid);
    return x64_mem(r, 0);
}

/* The host registers now holding the temps a deferred address is made of. */
static u16 addr_temp_regs(const Lower *w, u32 t)
{
    const IrOp *d = &w->blk->ops[w->def[t]];
    if (w->defer[w->def[t]] == DEFER_ADDR)
        return w->defer[w->def[d->a]] == DEFER_INDEX ? addr_temp_regs(w, d->a) : reg_mask_of(w, d->a);
    u16 m = reg_mask_of(w, d->a);
    if (w->defer[w->def[d->b]] == DEFER_SHIFT)
        return (u16)(m | reg_mask_of(w, w->blk->ops[w->def[d->b]].a));
    return (u16)(m | reg_mask_of(w, d->b));
}

/* The host registers a memory operand reads. */
static u16 mem_regs(JitMem m) { return (u16)((m.base >= 0 ? BIT(m.base) : 0) | (m.index >= 0 ? BIT(m.index) : 0)); }

static X64Cond cond_of(IrOpcode op)
{
    switch (op) {
    case IR_CMPEQ: return X64_CC_E;
    case IR_CMPNE: return X64_CC_NE;
    case IR_CMPLTU: return X64_CC_B;
    case IR_CMPLEU: return X64_CC_BE;
    case IR_CMPLTS: return X64_CC_L;
    default: return X64_CC_LE;
    }
}

/* Emit the compare for cmp op `c` and return the condition that is true
 * when the comparison holds: at the operands' own width (their registers
 * may hold garbage above it, rename_conversions). */
static X64Cond emit_cmp(Lower *w, const IrOp *c, u16 avoid)
{
    unsigned size = bytes_of((IrType)w->opnd_type[c - w->blk->ops]);
    int ra = use(w, c->a, avoid);
    u64 v = is_const(w, c->b) ? const_of(w, c->b) : 0;
    if (is_const(w, c->b) && (size < 8 || fits_i32(v))) {
        x64_alu_ri(w->b, X64_CMP, size, ra, (i32)(u32)v); /* the encoder keeps the operand-size bits */
    } else {
        int rb = use(w, c->b, (u16)(avoid | BIT(ra)));
        x64_alu_rr(w->b, X64_CMP, size, ra, rb);
    }
    return cond_of((IrOpcode)c->opc);
}

/* ---- homes and exits ---- */

/* Put every guest GPR back in its home (before leaving the block).  Temps
 * the exit still needs must be read before this. */
static void restore_homes(Lower *w, u16 dead)
{
    for (int r = 0; r < 16; r++) {
        if ((w->home_ok & BIT(r)) || (dead & BIT(r)))
            continue;
        ue_assert(w->saved & BIT(r));
        x64_load(w->b, 8, r, env_gpr(r));
    }
}

/* Leave to the dispatcher (every guest register home): record how, and
 * jump to the common exit path. */
static void leave(Lower *w, GuestAddr pc, bool pc_in_env, IrExitKind kind, u64 link)
{
    X64Buf *b = w->b;
    u32 off;
    JitExitRec *r = jit_exit_rec(&off);
    if (!r) {
        b->full = true; /* (flushed with the code cache) */
        return;
    }
    *r = (JitExitRec){.pc = pc, .link = link, .kind = kind, .pc_in_env = pc_in_env};
    x64_store_i32(b, 4, x64_gs(JIT_THREAD(exit_rec)), (i32)off); /* mov dword gs:[exit_rec], record */
    u8 *f = x64_jmp32(b, false);                                  /* jmp jit_exit */
    if (f)
        x64_patch_rel32(f, (uintptr_t)f + (uintptr_t)w->rx_delta, jit_cache.exit_routine);
}

/* The exit sequence, once homes are restored: a patchable jump (for
 * chainable exits) that initially falls through into the stub recording
 * the exit. */
static void emit_exit_stub(Lower *w, GuestAddr target, IrExitKind kind, bool chainable)
{
    X64Buf *b = w->b;
    u64 link = 0;
    u8 *to_stub = NULL;
    if (chainable && target <= w->pc) {
        /* A backward jump (a loop): leave when the thread is asked to stop,
         * so signals and exits are seen within one loop iteration. */
        x64_alu_mi(b, X64_CMP, 8, x64_gs(JIT_THREAD(interrupt)), 0); /* cmp gs:[interrupt], 0 */
        to_stub = x64_jcc32(b, X64_CC_NE);                            /* jne stub */
    }
    if (chainable) {
        u8 *field = x64_jmp32(b, true);      /* jmp next (later: the target block) */
        if (!field)
            return;
        patch_to_here(w, field);
        link = (u64)((uintptr_t)field + (uintptr_t)w->rx_delta);
    }
    patch_to_here(w, to_stub);
    leave(w, target, false, kind, link);
}

static void lower_exit(Lower *w, const IrOp *op)
{
    restore_homes(w, exit_dead_gprs(w, w->i));
    emit_exit_stub(w, op->imm, (IrExitKind)op->aux, chainable_kind((IrExitKind)op->aux));
}

/* The guest's RAX and RCX back from the env, after an indirect lookup
 * borrowed them. */
static void reload_borrowed(Lower *w)
{
    x64_load(w->b, 8, X64_RAX, env_gpr(X64_RAX)); /* mov rax, gs:[rax's slot] */
    x64_load(w->b, 8, X64_RCX, env_gpr(X64_RCX)); /* mov rcx, gs:[rcx's slot] */
}

/* Indirect exit: look the target up in jit_ind_table without leaving
 * generated code.  RAX and RCX are borrowed: their guest values go to the
 * env (where a register stolen in the block already has its value), every
 * other guest register comes home, and the target is in RAX.
 *
 *   rcx = &table[hash(rax)]
 *   if (rcx->guest_pc == rax ^ key) jump to rcx->host   (RAX, RCX reloaded)
 *   else leave to the dispatcher
 *
 * An interrupted thread's key matches nothing (JIT_IND_STOP), so the
 * lookup needs no test of the interrupt flag.  A fused guard
 * (fuse_ind_guard) first leaves by its own exit if the target is not
 * canonical. */
static void emit_ind_lookup(Lower *w)
{
    X64Buf *b = w->b;
    u8 *bad = NULL;
    if (w->ind_guard) {
        x64_mov_rr(b, 8, X64_RCX, X64_RAX);                        /* mov rcx, rax */
        x64_shift_ri(b, X64_SHL, 8, X64_RCX, 16);                  /* shl rcx, 16 */
        x64_shift_ri(b, X64_SAR, 8, X64_RCX, 16);                  /* sar rcx, 16 */
        x64_alu_rr(b, X64_CMP, 8, X64_RCX, X64_RAX);               /* cmp rcx, rax */
        bad = x64_jcc32(b, X64_CC_NE);                             /* jne non-canonical */
    }
    x64_mov_rr(b, 8, X64_RCX, X64_RAX);                            /* mov rcx, rax */
    x64_shift_ri(b, X64_SHR, 8, X64_RCX, JIT_IND_BITS);            /* shr rcx, BITS */
    x64_alu_rr(b, X64_XOR, 8, X64_RCX, X64_RAX);                   /* xor rcx, rax */
    x64_alu_ri(b, X64_AND, 4, X64_RCX, (1 << JIT_IND_BITS) - 1);   /* and ecx, mask */
    x64_shift_ri(b, X64_SHL, 8, X64_RCX, 4);                       /* shl rcx, 4 (16-byte entries) */
    x64_alu_rm(b, X64_ADD, 8, X64_RCX, x64_gs(JIT_THREAD(ind_table))); /* add rcx, gs:[table] */
    x64_alu_rm(b, X64_XOR, 8, X64_RAX, x64_gs(JIT_THREAD(ind_key))); /* xor rax, gs:[key] */
    x64_alu_rm(b, X64_CMP, 8, X64_RAX, x64_mem(X64_RCX, 0));       /* cmp rax, [rcx] */
    u8 *miss = x64_jcc32(b, X64_CC_NE);                            /* jne miss */
    x64_load(b, 8, X64_RCX, x64_mem(X64_RCX, 8));                  /* mov rcx, [rcx+8] */
    x64_store(b, 8, x64_gs(JIT_THREAD(ind_target)), X64_RCX);      /* mov gs:[target], rcx */
    reload_borrowed(w);                                            /* hit */
    x64_jmp_m(b, x64_gs(JIT_THREAD(ind_target)));                  /* jmp gs:[target] */
    if (bad) {
        patch_to_here(w, bad);
        reload_borrowed(w);                                        /* non-canonical */
        if (w->ind_guard_rsp)                                      /* lea rsp, [rsp - k] (unpop) */
            x64_lea(b, X64_RSP, x64_mem(X64_RSP, -w->ind_guard_rsp));
        leave(w, w->ind_guard->imm, false, (IrExitKind)w->ind_guard->aux, 0);
    }
    patch_to_here(w, miss);
    reload_borrowed(w);                                            /* miss */
}

/* Guest GPR r's value to the env, if it is in its home and not there yet
 * (its home is then free). */
static void home_to_env(Lower *w, int r)
{
    if ((w->home_ok & BIT(r)) && !(w->saved & BIT(r))) {
        x64_store(w->b, 8, env_gpr(r), r);
        w->saved |= BIT(r);
    }
    w->home_ok &= (u16)~BIT(r);
}

static void lower_exit_ind(Lower *w, const IrOp *op)
{
    int r = use(w, op->a, 0);
    x64_store(w->b, 8, x64_gs((i32)jit_cfg.guest->pc_offset), r);
    IrExitKind k = (IrExitKind)op->aux;
    if (chainable_kind(k)) {
        home_to_env(w, X64_RAX);
        if (r != X64_RAX)
            x64_mov_rr(w->b, 8, X64_RAX, r);
        home_to_env(w, X64_RCX);
        restore_homes(w, BIT(X64_RAX) | BIT(X64_RCX));
        emit_ind_lookup(w);
        leave(w, 0, true, k, 0);
        return;
    }
    restore_homes(w, 0);
    leave(w, 0, true, k, 0);
}

static void flush_pending(Lower *w, u32 at, bool keep);

/* EXIT_IF: skip over an exit sequence when the condition is false. */
static void lower_exit_if(Lower *w, const IrOp *op)
{
    X64Cond cc;
    u32 c = op->a;
    if (w->defer[w->def[c]] == DEFER_CMP) {
        cc = emit_cmp(w, &w->blk->ops[w->def[c]], 0);
    } else {
        int r = use(w, c, 0);
        x64_test_rr(w->b, 1, r, r);
        cc = X64_CC_NE;
    }
    u8 *skip = x64_jcc32(w->b, (X64Cond)(cc ^ 1)); /* not taken: over the exit */
    if (!skip)
        return;
    /* Deferred flag PUTs are stored on the way out only: the fall-through
     * path keeps them pending (they are live until its own observer). */
    flush_pending(w, w->i, true);
    u16 home_ok = w->home_ok;
    restore_homes(w, exit_dead_gprs(w, w->i));
    emit_exit_stub(w, op->imm, (IrExitKind)op->aux, chainable_kind((IrExitKind)op->aux));
    w->home_ok = home_ok; /* the fall-through path still has the registers as they were */
    patch_to_here(w, skip);
}

/* ---- v128 temps in xmm0 ---- */

/* v128 temps live in spill slots and pass through xmm0.  A slot just
 * stored from xmm0 (or loaded into it) need not be loaded again by the
 * next instruction: xmm0 still holds it if nothing was emitted in between
 * (no need to know what other code does to xmm0 or to the slots). */
static void xmm0_from(Lower *w, u32 slot)
{
    if (w->xmm0_slot == slot + 1 && w->b->p == w->xmm0_end)
        return;
    x64_movdqu_load(w->b, 0, slot_mem(slot, 0)); /* movdqu xmm0, slot */
    w->xmm0_slot = slot + 1;
    w->xmm0_end = w->b->p;
}

static void xmm0_to(Lower *w, u32 slot)
{
    x64_movdqu_store(w->b, slot_mem(slot, 0), 0); /* movdqu slot, xmm0 */
    w->xmm0_slot = slot + 1;
    w->xmm0_end = w->b->p;
}

/* The instruction emitted from `before` read xmm0 and wrote neither it nor
 * a slot: what xmm0 held, it still holds. */
static void xmm0_kept(Lower *w, const u8 *before)
{
    if (w->xmm0_end == before)
        w->xmm0_end = w->b->p;
}

/* ---- guest state ---- */

static void lower_get(Lower *w, const IrOp *op)
{
    u32 r = gpr_of_offset((u32)op->imm);
    if (op->type == IR_V128) {
        u32 s = alloc_slot(w);
        x64_movdqu_load(w->b, 0, x64_gs((i32)op->imm));
        xmm0_to(w, s);
        w->loc[op->dst] = (Loc){LOC_SLOT, 0, (u16)s};
        return;
    }
    if (r < 16 && op->type == IR_I64 && (w->home_ok & BIT(r))) {
        if (!w->hold[r] || !temp_live_now(w, w->hold[r])) {
            bind(w, op->dst, (int)r); /* the value is already in its home */
            return;
        }
        int d = alloc_reg(w, BIT(r));
        x64_mov_rr(w->b, 8, d, (int)r);
        bind(w, op->dst, d);
        return;
    }
    int d = alloc_reg(w, 0);
    x64_load(w->b, bytes_of((IrType)op->type), d, x64_gs((i32)op->imm));
    bind(w, op->dst, d);
}

/* Store the deferred PUTs before op `at` observes guest state; an exit
 * whose target overwrites a field leaves it pending (the fall-through of
 * an EXIT_IF may still need it). */
static void flush_pending(Lower *w, u32 at, bool keep)
{
    for (u32 k = 0; k < jit_cfg.nlazy; k++) {
        u32 t = w->pending[k];
        if (!t || exit_kills_at(w, at, jit_cfg.lazy_offset[k]))
            continue;
        if (!keep)
            w->pending[k] = 0;
        JitMem m = x64_gs((i32)jit_cfg.lazy_offset[k]);
        if (is_const(w, t)) {
            u64 v = const_of(w, t);
            if (fits_i32(v)) {
                x64_store_i32(w->b, 8, m, (i32)v);
            } else {
                x64_store_i32(w->b, 4, m, (i32)(u32)v);
                m.disp += 4;
                x64_store_i32(w->b, 4, m, (i32)(u32)(v >> 32));
            }
        } else if (w->loc[t].kind == LOC_REG) {
            x64_store(w->b, 8, m, w->loc[t].reg);
        } else {
            /* spilled: through a register; none is free for certain, so
             * borrow RAX around it (its value goes to the red zone-free
             * thread scratch) */
            x64_store(w->b, 8, x64_gs(JIT_THREAD(scratch)), X64_RAX);
            x64_load(w->b, 8, X64_RAX, slot_mem(w->loc[t].slot, 0));
            x64_store(w->b, 8, m, X64_RAX);
            x64_load(w->b, 8, X64_RAX, x64_gs(JIT_THREAD(scratch)));
        }
    }
}

static void lower_put(Lower *w, const IrOp *op)
{
    int lazy = lazy_of_offset(op->imm);
    if (lazy >= 0 && op->type == IR_I64) {
        w->pending[lazy] = op->a; /* stored when observed; faults find it in the side table */
        return;
    }
    u32 r = gpr_of_offset((u32)op->imm);
    u32 t = op->a;
    if (op->type == IR_V128) {
        xmm0_from(w, w->loc[t].slot);
        u8 *before = w->b->p;
        x64_movdqu_store(w->b, x64_gs((i32)op->imm), 0);
        xmm0_kept(w, before);
        return;
    }
    u8 defer = w->defer[w->def[t]];
    if (r < 16 && op->type == IR_I64 && (defer == DEFER_ADDR || defer == DEFER_INDEX)) {
        /* Address arithmetic never materialised: lea straight into the
         * home, moving out first a temp the home holds that is needed
         * after (perhaps the base or index itself). */
        u32 h = w->hold[r];
        if (h && temp_live_after(w, h)) {
            int nr = alloc_reg(w, (u16)(BIT(r) | addr_temp_regs(w, t)));
            x64_mov_rr(w->b, 8, nr, (int)r);
            bind(w, h, nr);
        }
        w->hold[r] = 0;
        x64_lea(w->b, (int)r, addr_of(w, t, BIT(r)));
        w->home_ok |= BIT(r);
        w->saved &= (u16)~BIT(r);
        return;
    }
    if (r < 16 && op->type == IR_I64) {
        /* The guest register's home takes the value. */
        if (!(w->loc[t].kind == LOC_REG && w->loc[t].reg == r)) {
            if (w->hold[r] && w->hold[r] != t && temp_live_after(w, w->hold[r])) {
                u32 other = w->hold[r];
                int nr = alloc_reg(w, BIT(r));
                x64_mov_rr(w->b, 8, nr, (int)r);
                bind(w, other, nr);
            }
            w->hold[r] = 0;
            if (is_const(w, t)) {
                x64_mov_ri(w->b, (int)r, const_of(w, t));
            } else {
                int src = use(w, t, BIT(r));
                x64_mov_rr(w->b, 8, (int)r, src);
            }
            if (!w->hold[r] && temp_live_after(w, t) && w->loc[t].kind != LOC_REG)
                bind(w, t, (int)r);
        }
        w->home_ok |= BIT(r);
        w->saved &= (u16)~BIT(r);
        return;
    }
    unsigned size = bytes_of((IrType)op->type);
    if (is_const(w, t) && fits_i32(const_of(w, t)) && size <= 8) {
        x64_store_i32(w->b, size, x64_gs((i32)op->imm), (i32)const_of(w, t));
        return;
    }
    int src = use(w, t, 0);
    x64_store(w->b, size, x64_gs((i32)op->imm), src);
}

/* ---- memory ---- */

static void lower_load(Lower *w, const IrOp *op)
{
    JitMem m = addr_of(w, op->a, 0);
    if (op->type == IR_V128) {
        u32 s = alloc_slot(w);
        may_fault(w);
        x64_movdqu_load(w->b, 0, m);
        xmm0_to(w, s);
        w->loc[op->dst] = (Loc){LOC_SLOT, 0, (u16)s};
        return;
    }
    /* The destination is written only if the load succeeds, so it may be a
     * home whose guest value is dead after the load. */
    u16 home_ok = w->home_ok;
    w->needed = w->needed_after[w->i];
    int d;
    u32 h = op->dst ? w->hint[op->dst] : 16;
    if (h < 16 && h != X64_RSP && (mem_regs(m) & BIT(h)) && w->hold[h] && w->last_use[w->hold[h]] == w->i) {
        /* The guest register the value goes to holds an address operand
         * that dies here: load over it ("movzx edx, [r11+rdx*2]"). */
        d = (int)h;
        w->hold[d] = 0;
        evict(w, d);
    } else {
        d = alloc_reg(w, mem_regs(m));
    }
    w->needed = 0xffff;
    may_fault_with(w, (u16)(home_ok & (w->home_ok | BIT(d))));
    x64_load(w->b, bytes_of((IrType)op->type), d, m);
    bind(w, op->dst, d);
}

static void lower_store(Lower *w, const IrOp *op)
{
    JitMem m = addr_of(w, op->a, 0);
    u16 avoid = mem_regs(m);
    if (op->type == IR_V128) {
        xmm0_from(w, w->loc[op->b].slot);
        may_fault(w);
        u8 *before = w->b->p;
        x64_movdqu_store(w->b, m, 0);
        xmm0_kept(w, before);
        return;
    }
    unsigned size = bytes_of((IrType)op->type);
    if (is_const(w, op->b) && fits_i32(const_of(w, op->b))) {
        may_fault(w);
        x64_store_i32(w->b, size, m, (i32)const_of(w, op->b));
        return;
    }
    int src = use(w, op->b, avoid);
    may_fault(w);
    x64_store(w->b, size, m, src);
}

static void lower_cas(Lower *w, const IrOp *op)
{
    if (op->type == IR_V128) {
        w->fail = true;
        return;
    }
    unsigned size = bytes_of((IrType)op->type);
    load_into(w, X64_RAX, op->b);       /* expected value in rax */
    /* CMPXCHG overwrites rax: if the expected value was already there, it
     * may still be needed after (LOCK CMPXCHG's flags compare it with the
     * old value), and so may the guest RAX homed there. */
    if (w->hold[X64_RAX] == op->b)
        evict(w, X64_RAX);
    w->hold[X64_RAX] = 0;
    int rnew = use(w, op->c, BIT(X64_RAX));
    JitMem m = addr_of(w, op->a, (u16)(BIT(X64_RAX) | BIT(rnew)));
    may_fault(w);
    x64_cmpxchg(w->b, size, m, rnew);   /* rax = old value */
    if (size < 4)
        x64_movzx(w->b, size, X64_RAX, X64_RAX);
    bind(w, op->dst, X64_RAX);
}

/* ---- arithmetic ---- */

static bool lower_binop(Lower *w, const IrOp *op)
{
    IrType t = (IrType)op->type;
    unsigned size = bytes_of(t) < 4 ? 4 : bytes_of(t);
    X64Alu alu;
    switch (op->opc) {
    case IR_ADD: alu = X64_ADD; break;
    case IR_SUB: alu = X64_SUB; break;
    case IR_AND: alu = X64_AND; break;
    case IR_OR: alu = X64_OR; break;
    case IR_XOR: alu = X64_XOR; break;
    default: return false;
    }
    u16 avoid = reg_mask_of(w, op->b);
    if (op->opc == IR_ADD && t == IR_I64 && is_const(w, op->b) && fits_i32(const_of(w, op->b))) {
        int ra = use(w, op->a, 0);
        if (!(w->last_use[op->a] == w->i && w->hold[ra] == op->a) || ra == X64_RSP) {
            /* a stays live (or is RSP): lea d, [a + imm] instead of a copy */
            int d = alloc_reg(w, BIT(ra));
            x64_lea(w->b, d, x64_mem(ra, (i32)const_of(w, op->b)));
            bind(w, op->dst, d);
            return true;
        }
    }
    int d = result_reg(w, op->dst, op->a, avoid);
    if (is_const(w, op->b) && fits_i32(const_of(w, op->b)) && (size == 8 || const_of(w, op->b) <= 0x7fffffff))
        x64_alu_ri(w->b, alu, size, d, (i32)const_of(w, op->b));
    else
        x64_alu_rr(w->b, alu, size, d, use(w, op->b, BIT(d)));
    if (op->opc == IR_ADD || op->opc == IR_SUB)
        normalise(w, t, d);
    return true;
}

static void lower_shift(Lower *w, const IrOp *op)
{
    static const X64Shift kinds[] = {[IR_SHL] = X64_SHL, [IR_SHR] = X64_SHR, [IR_SAR] = X64_SAR,
                                     [IR_ROL] = X64_ROL, [IR_ROR] = X64_ROR};
    IrType t = (IrType)op->type;
    unsigned size = bytes_of(t), bits = 8 * size;
    X64Shift k = kinds[op->opc];
    if (is_const(w, op->b)) {
        u8 n = (u8)(const_of(w, op->b) % bits);
        int d = result_reg(w, op->dst, op->a, 0);
        if (n)
            x64_shift_ri(w->b, k, size, d, n);
        return;
    }
    /* Variable count: a copy in CL.  The IR takes the count modulo the
     * width; x86 masks it to 5 or 6 bits, which differs for 8/16-bit
     * operands, so those are masked first. */
    int rc = use(w, op->b, BIT(X64_RCX));
    if (rc == X64_RCX) {
        /* the count itself lives in rcx: move it out of the way first */
        int nr = alloc_reg(w, BIT(X64_RCX));
        x64_mov_rr(w->b, 8, nr, X64_RCX);
        w->hold[X64_RCX] = 0;
        bind(w, op->b, nr);
        rc = nr;
    }
    evict(w, X64_RCX);
    x64_mov_rr(w->b, 4, X64_RCX, rc);
    if (size < 4)
        x64_alu_ri(w->b, X64_AND, 4, X64_RCX, (i32)(bits - 1));
    int d = result_reg(w, op->dst, op->a, BIT(X64_RCX));
    x64_shift_rcl(w->b, k, size, d);
}

static void lower_mul(Lower *w, const IrOp *op)
{
    IrType t = (IrType)op->type;
    unsigned size = bytes_of(t) < 4 ? 4 : bytes_of(t);
    if (is_const(w, op->b) && fits_i32(const_of(w, op->b))) {
        int ra = use(w, op->a, 0);
        int d = ra;
        /* Never into RSP: the guest's stack pointer lives there. */
        if (!(w->last_use[op->a] == w->i && w->hold[ra] == op->a) || ra == X64_RSP) {
            d = alloc_reg(w, BIT(ra));
        } else {
            w->hold[ra] = 0;
            evict(w, ra);
        }
        x64_imul_rri(w->b, size, d, ra, (i32)const_of(w, op->b)); /* imul d, a, imm */
        normalise(w, t, d);
        bind(w, op->dst, d);
        return;
    }
    int d = result_reg(w, op->dst, op->a, reg_mask_of(w, op->b));
    x64_imul_rr(w->b, size, d, use(w, op->b, BIT(d)));
    normalise(w, t, d);
}

/* MULHU/MULHS and the divisions.  Narrow high multiplies are one 64-bit
 * IMUL of the widened operands; 64-bit ones and the divisions need
 * RDX:RAX. */
static void lower_rdx_rax(Lower *w, const IrOp *op)
{
    IrType t = (IrType)op->type;
    unsigned size = bytes_of(t);
    bool sign = op->opc == IR_MULHS || op->opc == IR_DIVS || op->opc == IR_REMS;
    bool mul = op->opc == IR_MULHU || op->opc == IR_MULHS;
    if (size < 8 && mul) {
        int ra = use(w, op->a, 0);
        int rb = use(w, op->b, BIT(ra));
        int d = alloc_reg(w, (u16)(BIT(ra) | BIT(rb)));
        int e = alloc_reg(w, (u16)(BIT(ra) | BIT(rb) | BIT(d)));
        if (sign) {
            x64_movsx(w->b, size, 8, d, ra);
            x64_movsx(w->b, size, 8, e, rb);
        } else {
            x64_mov_rr(w->b, 8, d, ra);
            x64_mov_rr(w->b, 8, e, rb);
        }
        x64_imul_rr(w->b, 8, d, e);
        x64_shift_ri(w->b, X64_SHR, 8, d, (u8)(8 * size));
        if (size == 4)
            x64_mov_rr(w->b, 4, d, d);
        else
            normalise(w, t, d);
        bind(w, op->dst, d);
        return;
    }
    /* Operand b must not sit in rax or rdx, which the instruction uses. */
    int rb = use(w, op->b, (u16)(BIT(X64_RAX) | BIT(X64_RDX)));
    if (rb == X64_RAX || rb == X64_RDX) {
        int nr = alloc_reg(w, (u16)(BIT(X64_RAX) | BIT(X64_RDX)));
        x64_mov_rr(w->b, 8, nr, rb);
        w->hold[rb] = 0;
        bind(w, op->b, nr);
        rb = nr;
    }
    int ra = use(w, op->a, (u16)BIT(rb));
    evict(w, X64_RDX);
    if (ra == X64_RDX)
        ra = use(w, op->a, (u16)(BIT(rb) | BIT(X64_RDX)));
    if (ra != X64_RAX) {
        evict(w, X64_RAX);
        x64_mov_rr(w->b, 8, X64_RAX, ra);
    } else {
        evict(w, X64_RAX); /* a stays in rax only as the dividend copy */
    }
    if (mul) {
        x64_mul1(w->b, 8, sign, rb);   /* rdx:rax = rax * rb */
        bind(w, op->dst, X64_RDX);
        return;
    }
    bool rem = op->opc == IR_REMU || op->opc == IR_REMS;
    u8 *minus_one = NULL, *done = NULL;
    if (sign) {
        /* MIN / -1 overflows: the host would raise #DE where the IR says
         * the quotient wraps (x / -1 = -x, x % -1 = 0).  Divide by -1 apart. */
        x64_alu_ri(w->b, X64_CMP, 8, rb, -1);   /* cmp rb, -1 */
        minus_one = x64_jcc32(w->b, X64_CC_E);  /* je minus_one */
        x64_cqo(w->b);                          /* rdx = sign of rax */
    } else {
        x64_mov_ri(w->b, X64_RDX, 0);
    }
    x64_div1(w->b, 8, sign, rb);                /* rax = quotient, rdx = remainder */
    if (minus_one) {
        done = x64_jmp32(w->b, false);          /* jmp done */
        patch_to_here(w, minus_one);
        x64_unary(w->b, 8, true, X64_RAX);      /* minus_one: neg rax */
        x64_mov_ri(w->b, X64_RDX, 0);           /*            rdx = 0 */
        patch_to_here(w, done);
    }
    bind(w, op->dst, rem ? X64_RDX : X64_RAX);
}

static void lower_unop(Lower *w, const IrOp *op)
{
    IrType t = (IrType)op->type;
    unsigned size = bytes_of(t);
    switch (op->opc) {
    case IR_NOT:
    case IR_NEG: {
        int d = result_reg(w, op->dst, op->a, 0);
        x64_unary(w->b, size < 4 ? 4 : size, op->opc == IR_NEG, d);
        normalise(w, t, d);
        return;
    }
    case IR_BSWAP: {
        int d = result_reg(w, op->dst, op->a, 0);
        if (size == 2)
            x64_shift_ri(w->b, X64_ROL, 2, d, 8);
        else
            x64_bswap(w->b, size, d);
        normalise(w, t, d);
        return;
    }
    default: { /* CLZ, CTZ, POPCNT: host LZCNT/TZCNT/POPCNT on >= 16 bits */
        int d = alloc_reg(w, reg_mask_of(w, op->a));
        int ra = use(w, op->a, BIT(d));
        u8 opc = op->opc == IR_CLZ ? 0xbd : op->opc == IR_CTZ ? 0xbc : 0xb8;
        unsigned hsize = size < 2 ? 2 : size;
        if (size == 1 && op->opc == IR_CTZ) {
            /* tzcnt of a byte: set bit 8 so a zero byte counts 8 */
            x64_mov_rr(w->b, 4, d, ra);
            x64_alu_ri(w->b, X64_OR, 4, d, 0x100);
            x64_bitcount(w->b, opc, 4, d, d);
        } else {
            x64_bitcount(w->b, opc, hsize, d, ra);
            if (size == 1 && op->opc == IR_CLZ)
                x64_alu_ri(w->b, X64_SUB, 4, d, 8); /* lzcnt16 of a byte counts 8 extra */
        }
        normalise(w, t, d);
        bind(w, op->dst, d);
        return;
    }
    }
}

static void lower_convert(Lower *w, const IrOp *op)
{
    IrType to = (IrType)op->type, from = (IrType)op->aux;
    if (to == IR_V128 || from == IR_V128) {
        u32 s;
        if (to == IR_V128) { /* ZEXT int -> v128 */
            s = alloc_slot(w);
            int ra = use(w, op->a, 0);
            x64_store(w->b, 8, slot_mem(s, 0), ra);
            x64_store_i32(w->b, 8, slot_mem(s, 8), 0);
            w->loc[op->dst] = (Loc){LOC_SLOT, 0, (u16)s};
        } else { /* TRUNC v128 -> int */
            int d = alloc_reg(w, 0);
            x64_load(w->b, bytes_of(to), d, slot_mem(w->loc[op->a].slot, 0));
            bind(w, op->dst, d);
        }
        return;
    }
    if (op->opc == IR_ZEXT || op->opc == IR_TRUNC) {
        /* Zero-extended values: ZEXT is free; TRUNC masks. */
        bool copied;
        int d = result_reg_copy(w, op->dst, op->a, 0, op->opc == IR_TRUNC && to == IR_I32 ? 4 : 8, &copied);
        if (op->opc == IR_TRUNC) {
            if (to == IR_I32) {
                if (!copied)
                    x64_mov_rr(w->b, 4, d, d);
            } else if (to == IR_I1)
                x64_alu_ri(w->b, X64_AND, 4, d, 1);
            else
                normalise(w, to, d);
        }
        return;
    }
    /* SEXT */
    int d = alloc_reg(w, reg_mask_of(w, op->a));
    int ra = use(w, op->a, BIT(d));
    unsigned fs = bytes_of(from), ts = bytes_of(to);
    if (from == IR_I1) {
        x64_mov_rr(w->b, 4, d, ra);
        x64_unary(w->b, 8, true, d); /* 0 -> 0, 1 -> -1 */
    } else {
        x64_movsx(w->b, fs, ts == 8 ? 8 : 4, d, ra);
    }
    if (ts < 8) {
        if (ts == 4)
            x64_mov_rr(w->b, 4, d, d);
        else
            normalise(w, to, d);
    }
    bind(w, op->dst, d);
}

static void lower_cmp_value(Lower *w, const IrOp *op)
{
    int d = alloc_reg(w, reg_mask_of(w, op->a) | reg_mask_of(w, op->b));
    X64Cond cc = emit_cmp(w, op, BIT(d));
    x64_setcc(w->b, cc, d);
    x64_movzx(w->b, 1, d, d);
    bind(w, op->dst, d);
}

static void lower_select(Lower *w, const IrOp *op)
{
    IrType t = (IrType)op->type;
    unsigned size = bytes_of(t) < 4 ? 4 : bytes_of(t);
    /* d = c (false value), then cmov the true value in. */
    int d = result_reg(w, op->dst, op->c, reg_mask_of(w, op->b) | reg_mask_of(w, op->a));
    int rt = use(w, op->b, BIT(d));
    X64Cond cc;
    u32 c = op->a;
    if (w->defer[w->def[c]] == DEFER_CMP) {
        cc = emit_cmp(w, &w->blk->ops[w->def[c]], (u16)(BIT(d) | BIT(rt)));
    } else {
        int rc = use(w, c, (u16)(BIT(d) | BIT(rt)));
        x64_test_rr(w->b, 1, rc, rc);
        cc = X64_CC_NE;
    }
    x64_cmov(w->b, cc, size, d, rt);
}

/* ---- v128 lanes and logic (memory-resident temps) ---- */

static void lower_v128(Lower *w, const IrOp *op)
{
    u32 s = alloc_slot(w);
    switch (op->opc) {
    case IR_CONST:
        x64_store_i32(w->b, 4, slot_mem(s, 0), (i32)(u32)op->imm);
        x64_store_i32(w->b, 4, slot_mem(s, 4), (i32)(u32)(op->imm >> 32));
        x64_store_i32(w->b, 8, slot_mem(s, 8), 0);
        break;
    case IR_AND: case IR_OR: case IR_XOR: case IR_ANDN: {
        static const u8 opc[] = {[IR_AND] = 0xdb, [IR_OR] = 0xeb, [IR_XOR] = 0xef, [IR_ANDN] = 0xdf};
        xmm0_from(w, w->loc[op->a].slot);
        x64_movdqu_load(w->b, 1, slot_mem(w->loc[op->b].slot, 0));
        x64_sse_rr(w->b, 0x66, opc[op->opc], 0, 1); /* pand/por/pxor/pandn xmm0, xmm1 */
        xmm0_to(w, s);
        break;
    }
    case IR_NOT:
        xmm0_from(w, w->loc[op->a].slot);
        x64_sse_rr(w->b, 0x66, 0x76, 1, 1);         /* pcmpeqd xmm1, xmm1: all ones */
        x64_sse_rr(w->b, 0x66, 0xef, 0, 1);         /* pxor xmm0, xmm1 */
        xmm0_to(w, s);
        break;
    case IR_SELECT: {
        /* copy the chosen slot: branch-free via two loads and a cmov on
         * the slot offset would be neat; a branch is simpler */
        int rc = use(w, op->a, 0);
        x64_movdqu_load(w->b, 0, slot_mem(w->loc[op->c].slot, 0));
        x64_test_rr(w->b, 1, rc, rc);
        u8 *skip = x64_jcc32(w->b, X64_CC_E);
        x64_movdqu_load(w->b, 0, slot_mem(w->loc[op->b].slot, 0));
        patch_to_here(w, skip);
        x64_movdqu_store(w->b, slot_mem(s, 0), 0);
        break;
    }
    case IR_INSERT: {
        x64_movdqu_load(w->b, 0, slot_mem(w->loc[op->a].slot, 0));
        x64_movdqu_store(w->b, slot_mem(s, 0), 0);
        int rx = use(w, op->b, 0);
        x64_store(w->b, bytes_of((IrType)w->opnd_type[w->i]), slot_mem(s, (u32)op->imm), rx);
        break;
    }
    default:
        w->fail = true;
        break;
    }
    w->loc[op->dst] = (Loc){LOC_SLOT, 0, (u16)s};
}

static void lower_extract(Lower *w, const IrOp *op)
{
    int d = alloc_reg(w, 0);
    x64_load(w->b, bytes_of((IrType)op->type), d, slot_mem(w->loc[op->a].slot, (u32)op->imm));
    bind(w, op->dst, d);
}

/* ---- helper calls ---- */

static const u8 arg_regs[3] = {X64_RSI, X64_RDX, X64_RCX};
#define CALLER_SAVED (BIT(X64_RAX) | BIT(X64_RCX) | BIT(X64_RDX) | BIT(X64_RSI) | BIT(X64_RDI) | \
                      BIT(X64_R8) | BIT(X64_R9) | BIT(X64_R10) | BIT(X64_R11))

/* Before a call: stage the integer arguments, free the registers the call
 * clobbers (spilling live temps, saving guest values still needed), then
 * load the arguments into RSI, RDX, RCX. */
static void call_prologue(Lower *w, const u32 *args, unsigned nargs)
{
    for (unsigned k = 0; k < nargs; k++)
        if (w->loc[args[k]].kind == LOC_REG)
            x64_store(w->b, 8, x64_gs(JIT_THREAD(adapter_args) + 8 * (i32)k), w->loc[args[k]].reg);
    Loc staged[3];
    for (unsigned k = 0; k < nargs; k++) {
        staged[k] = w->loc[args[k]];
        /* An argument dying here is staged already: its register is free
         * (evicting it must not spill it). */
        if (staged[k].kind == LOC_REG && !temp_live_after(w, args[k]) && w->hold[staged[k].reg] == args[k])
            w->hold[staged[k].reg] = 0;
    }
    for (int r = 0; r < 16; r++)
        if (CALLER_SAVED & BIT(r))
            evict(w, r);
    for (unsigned k = 0; k < nargs; k++) {
        u32 t = args[k];
        int r = arg_regs[k];
        if (staged[k].kind == LOC_REG)
            x64_load(w->b, 8, r, x64_gs(JIT_THREAD(adapter_args) + 8 * (i32)k));
        else if (is_const(w, t))
            x64_mov_ri(w->b, r, const_of(w, t));
        else
            x64_load(w->b, 8, r, slot_mem(staged[k].slot, 0));
    }
}

/* Calls run on ue's stack: the guest's may be anything (and has a red
 * zone). */
static void to_ue_stack(Lower *w)
{
    x64_store(w->b, 8, env_gpr(X64_RSP), X64_RSP);             /* guest rsp -> env */
    x64_load(w->b, 8, X64_RSP, x64_gs(JIT_THREAD(host_rsp)));  /* rsp = ue's stack */
}

static void to_guest_stack(Lower *w)
{
    x64_load(w->b, 8, X64_RSP, env_gpr(X64_RSP));              /* rsp = guest rsp */
}

/* Switch to ue's stack, call fn(env, rsi, rdx, rcx), switch back. */
static void emit_call(Lower *w, const void *fn)
{
    X64Buf *b = w->b;
    x64_load(b, 8, X64_RDI, x64_gs(JIT_THREAD(env)));      /* rdi = env */
    to_ue_stack(w);
    x64_mov_ri(b, X64_RAX, (u64)(uintptr_t)fn);
    x64_call_r(b, X64_RAX);                                 /* call fn */
    to_guest_stack(w);
}

/* The adapter: helpers of any signature, arguments and result in 16-byte
 * slots of the JitThread.  Defined in jit.c. */
void jit_call_adapter(void *env, const IrHelper *h, u64 slots);

/* The SSE extensions of this host (IRHI_* bits) that host forms may need. */
static u8 host_sse(void)
{
    static u8 have;
    if (!have) {
        __builtin_cpu_init();
        have = 0x80 | (__builtin_cpu_supports("sse3") ? IRHI_SSE3 : 0) |
               (__builtin_cpu_supports("ssse3") ? IRHI_SSSE3 : 0) |
               (__builtin_cpu_supports("sse4.1") ? IRHI_SSE41 : 0) | (__builtin_cpu_supports("sse4.2") ? IRHI_SSE42 : 0);
    }
    return have;
}

/* A helper with a host form (IrHostInsn) as that one instruction: no call,
 * so no guest register leaves its home.  False (nothing emitted) when the
 * host lacks it or an operand is not where the form wants it. */
static bool lower_host_insn(Lower *w, const IrOp *op, const IrHelper *h)
{
    const IrHostInsn *hi = &h->host;
    u8 needs = hi->flags & (IRHI_SSE3 | IRHI_SSSE3 | IRHI_SSE41 | IRHI_SSE42);
    if (!ir_has_host_insn(h) || (needs & ~host_sse()) || (h->sig != IRH_V_V && h->sig != IRH_I_V) || !op->dst)
        return false;
    bool eflags = hi->flags & IRHI_EFLAGS;
    if ((hi->flags & IRHI_MXCSR) && (!jit_cfg.mxcsr_offset || !jit_fp_inline()))
        return false;
    if ((op->a && w->loc[op->a].kind != LOC_SLOT) || (op->b && w->loc[op->b].kind != LOC_SLOT) ||
        ((hi->flags & IRHI_IMM8) && !is_const(w, op->c)))
        return false;
    int imm = hi->flags & IRHI_IMM8 ? (int)(const_of(w, op->c) & 0xff) : -1;
    if (op->a)
        xmm0_from(w, w->loc[op->a].slot);                          /* movdqu xmm0, a */
    if (hi->flags & IRHI_GPR_SRC) {
        /* `op xmm0, r` with r = b's low dword or qword (CVTSI2SD) */
        X64Buf *b = w->b;
        unsigned size = hi->wide ? 8 : 4;
        int r = alloc_reg(w, 0);
        x64_load(b, size, r, slot_mem(w->loc[op->b].slot, 0));     /* mov r, b */
        x64_sse_op_w(b, size, hi->prefix, hi->opcode, 0, r);        /* e.g. cvtsi2sd xmm0, r */
        u32 s = alloc_slot(w);
        xmm0_to(w, s);                                             /* movdqu result, xmm0 */
        w->loc[op->dst] = (Loc){LOC_SLOT, 0, (u16)s};
        w->fp_dirty = true;
        return true;
    }
    if (eflags) {
        /* ZF, PF, CF of `op xmm0, xmm1` (COMISD) in their RFLAGS places */
        X64Buf *b = w->b;
        int d = alloc_reg(w, 0), t = alloc_reg(w, BIT(d)), u = alloc_reg(w, BIT(d) | BIT(t));
        x64_movdqu_load(b, 1, slot_mem(w->loc[op->b].slot, 0));   /* movdqu xmm1, b */
        x64_sse_op(b, hi->prefix, hi->map, hi->opcode, 0, 1, -1);  /* e.g. comisd xmm0, xmm1 */
        x64_setcc(b, X64_CC_B, d);                                 /* setb d8 (CF) */
        x64_setcc(b, X64_CC_E, t);                                 /* setz t8 (ZF) */
        x64_setcc(b, X64_CC_P, u);                                 /* setp u8 (PF) */
        x64_movzx(b, 1, d, d);                                     /* movzx d, d8 */
        x64_movzx(b, 1, t, t);                                     /* movzx t, t8 */
        x64_movzx(b, 1, u, u);                                     /* movzx u, u8 */
        x64_shift_ri(b, X64_SHL, 4, t, 6);                         /* shl t, 6 */
        x64_shift_ri(b, X64_SHL, 4, u, 2);                         /* shl u, 2 */
        x64_alu_rr(b, X64_OR, 4, d, t);                            /* or d, t */
        x64_alu_rr(b, X64_OR, 4, d, u);                            /* or d, u */
        bind(w, op->dst, d);
        w->fp_dirty = true;
        return true;
    }
    if (h->sig == IRH_I_V) {
        int d = alloc_reg(w, 0);
        x64_sse_op(w->b, hi->prefix, hi->map, hi->opcode, d, 0, imm); /* e.g. pmovmskb d, xmm0 */
        bind(w, op->dst, d);
        return true;
    }
    bool same = op->b && op->b == op->a; /* (punpcklbw xmm0, xmm0) */
    if (op->b && !same)
        x64_movdqu_load(w->b, 1, slot_mem(w->loc[op->b].slot, 0)); /* movdqu xmm1, b */
    x64_sse_op(w->b, hi->prefix, hi->map, hi->opcode, 0, same ? 0 : 1, imm); /* e.g. paddb xmm0, xmm1 */
    u32 s = alloc_slot(w);
    xmm0_to(w, s);                                                 /* movdqu result, xmm0 */
    w->loc[op->dst] = (Loc){LOC_SLOT, 0, (u16)s};
    if (hi->flags & IRHI_MXCSR)
        w->fp_dirty = true; /* (the helper's #XM check after the call finds
                             * simd_trap 0: every exception is masked) */
    return true;
}

/* Host FP instructions raise their flags in the host MXCSR; the guest's
 * gets them (ORed: the host's only accumulate, jit.c) before anything can
 * look at it: an exit, a helper that reads or writes guest state other
 * than an inlined one, a GET or PUT of MXCSR itself.  A fault in between
 * takes them from the signal context (jit_fault_fp).  Not the #XM exit
 * after each FP instruction: while host instructions stand in, every
 * exception is masked and it is never taken. */
static bool fp_observes(const IrOp *op)
{
    switch (op->opc) {
    case IR_EXIT_IF:
        return op->aux != IR_EXIT_SIMDFP;
    case IR_EXIT: case IR_EXIT_IND: case IR_CALL_IF:
        return true;
    case IR_CALL: {
        const IrHelper *h = (const IrHelper *)(uintptr_t)op->imm;
        return (h->flags & (IRH_READS_STATE | IRH_WRITES_STATE)) && !(h->host.flags & IRHI_MXCSR);
    }
    case IR_GET: case IR_PUT: {
        u64 n = ir_type_bits((IrType)op->type) / 8, off = jit_cfg.mxcsr_offset;
        return op->imm < off + 4 && off < op->imm + n;
    }
    default:
        return false;
    }
}

static void fp_merge(Lower *w)
{
    X64Buf *b = w->b;
    JitMem mxcsr = x64_gs((i32)jit_cfg.mxcsr_offset), tmp = x64_gs(JIT_THREAD(call_ret));
    int t = alloc_reg(w, 0);
    x64_stmxcsr(b, tmp);                                       /* stmxcsr gs:[tmp] */
    x64_load(b, 4, t, tmp);                                    /* mov t, gs:[tmp] */
    x64_alu_ri(b, X64_AND, 4, t, MXCSR_FLAG_BITS);             /* and t, flags */
    x64_alu_rm(b, X64_OR, 4, t, mxcsr);                        /* or t, gs:[mxcsr] */
    x64_store(b, 4, mxcsr, t);                                 /* mov gs:[mxcsr], t */
    w->fp_dirty = false;
}

/* An integer helper through jit_cache.call_routine, which keeps every
 * register: arguments staged in the JitThread (each in a register or a
 * 32-bit constant; false, nothing emitted, otherwise), no register evicted,
 * the result loaded into a new one. */
static bool saving_call(Lower *w, const IrHelper *h, const u32 *args, unsigned n)
{
    for (unsigned k = 0; k < n; k++)
        if (w->loc[args[k]].kind != LOC_REG && !(is_const(w, args[k]) && fits_i32(const_of(w, args[k]))))
            return false;
    X64Buf *b = w->b;
    for (unsigned k = 0; k < n; k++) {
        JitMem m = x64_gs(JIT_THREAD(adapter_args) + 8 * (i32)k);
        if (w->loc[args[k]].kind == LOC_REG)
            x64_store(b, 8, m, w->loc[args[k]].reg);                  /* mov gs:[ak], reg */
        else
            x64_store_i32(b, 8, m, (i32)const_of(w, args[k]));        /* mov qword gs:[ak], imm */
    }
    u64 fn = (u64)(uintptr_t)h->fn;
    x64_store_i32(b, 4, x64_gs(JIT_THREAD(call_fn)), (i32)(u32)fn);   /* gs:[fn] = helper */
    x64_store_i32(b, 4, x64_gs(JIT_THREAD(call_fn) + 4), (i32)(u32)(fn >> 32));
    to_ue_stack(w);
    u8 *f = x64_call32(b);                                            /* call jit_call */
    if (f)
        x64_patch_rel32(f, (uintptr_t)f + (uintptr_t)w->rx_delta, jit_cache.call_routine);
    to_guest_stack(w);
    const IrOp *op = &w->blk->ops[w->i];
    if (op->dst) {
        int d = alloc_reg(w, 0);
        x64_load(b, 8, d, x64_gs(JIT_THREAD(call_ret)));              /* mov d, gs:[ret] */
        bind(w, op->dst, d);
    }
    return true;
}

static void lower_call(Lower *w, const IrOp *op)
{
    const IrHelper *h = (const IrHelper *)(uintptr_t)op->imm;
    if (lower_host_insn(w, op, h))
        return;
    u32 args[3] = {op->a, op->b, op->c};
    unsigned n = h->nargs;
    if (h->flags & (IRH_READS_STATE | IRH_WRITES_STATE)) {
        /* The helper sees guest state in the env: GPRs go there too. */
        for (int r = 0; r < 16; r++)
            if ((w->home_ok & BIT(r)) && !(w->saved & BIT(r)) && r != X64_RSP) {
                x64_store(w->b, 8, env_gpr(r), r);
                w->saved |= BIT(r);
            }
    }
    if (h->sig == IRH_I_I && saving_call(w, h, args, n)) {
        ;
    } else if (h->sig == IRH_I_I) {
        call_prologue(w, args, n);
        emit_call(w, h->fn);
        if (op->dst)
            bind(w, op->dst, X64_RAX);
    } else {
        /* Other signatures go through the adapter, arguments and result in
         * 16-byte slots named by a packed argument. */
        u64 packed = 0;
        for (unsigned k = 0; k < n; k++) {
            u32 t = args[k], sl;
            if (w->loc[t].kind == LOC_SLOT) {
                sl = w->loc[t].slot;
            } else {
                sl = alloc_slot(w);
                x64_store(w->b, 8, slot_mem(sl, 0), use(w, t, 0));
                x64_store_i32(w->b, 8, slot_mem(sl, 8), 0);
            }
            packed |= (u64)sl << (16 * k);
        }
        u32 rs = alloc_slot(w);
        packed |= (u64)rs << 48;
        call_prologue(w, args, 0);
        x64_mov_ri(w->b, X64_RSI, (u64)(uintptr_t)h);
        x64_mov_ri(w->b, X64_RDX, packed);
        emit_call(w, (const void *)jit_call_adapter);
        if (op->dst && op->type == IR_V128) {
            w->loc[op->dst] = (Loc){LOC_SLOT, 0, (u16)rs};
        } else {
            w->slot_used[rs] = 0;
            if (op->dst) {
                int d = alloc_reg(w, 0);
                x64_load(w->b, 8, d, slot_mem(rs, 0));
                if (op->type != IR_I64)
                    normalise(w, (IrType)op->type, d);
                bind(w, op->dst, d);
            }
        }
    }
    if (h->flags & IRH_WRITES_STATE) {
        /* The helper may have changed guest GPRs in the env: every home is
         * stale now (values of live temps are unaffected). */
        for (int r = 0; r < 16; r++)
            if (r != X64_RSP) {
                w->home_ok &= (u16)~BIT(r);
                w->saved |= BIT(r);
            }
    }
}

/* CALL_IF: a call on a path of its own that leaves every register as it
 * found it, so the allocator's state is the same whether or not the call
 * happens.  Guest GPRs are in the env during the call (helpers that report
 * need the guest state).
 *
 *   test cond; jz skip
 *   save caller-saved registers; store homes to the env
 *   rsi, rdx = arguments; call helper on ue's stack
 *   restore caller-saved registers
 * skip:
 */
static void lower_call_if(Lower *w, const IrOp *op)
{
    X64Buf *b = w->b;
    const IrHelper *h = (const IrHelper *)(uintptr_t)op->imm;
    if (h->sig != IRH_I_I) {
        w->fail = true;
        return;
    }
    int rc = use(w, op->a, 0);
    x64_test_rr(b, 1, rc, rc);
    u8 *skip = x64_jcc32(b, X64_CC_E);
    if (!skip)
        return;
    for (int r = 0; r < 16; r++)
        if (r != X64_RSP) /* all of them: the arguments are read back from here */
            x64_store(b, 8, x64_gs(JIT_THREAD(call_save) + 8 * r), r);
    for (int r = 0; r < 16; r++)
        if ((w->home_ok & BIT(r)) && r != X64_RSP)
            x64_store(b, 8, env_gpr(r), r);
    u32 args[2] = {op->b, op->c};
    for (unsigned k = 0; k < h->nargs; k++) {
        u32 t = args[k];
        int dst = arg_regs[k];
        if (is_const(w, t))
            x64_mov_ri(b, dst, const_of(w, t));
        else if (w->loc[t].kind == LOC_REG)
            x64_load(b, 8, dst, x64_gs(JIT_THREAD(call_save) + 8 * w->loc[t].reg));
        else
            x64_load(b, 8, dst, slot_mem(w->loc[t].slot, 0));
    }
    emit_call(w, h->fn);
    for (int r = 0; r < 16; r++)
        if (CALLER_SAVED & BIT(r))
            x64_load(b, 8, r, x64_gs(JIT_THREAD(call_save) + 8 * r));
    patch_to_here(w, skip);
}

/* ---- the main pass ---- */

static void lower_op(Lower *w, const IrOp *op)
{
    if (op->type == IR_V128 && op->opc != IR_LOAD && op->opc != IR_GET && op->opc != IR_PUT &&
        op->opc != IR_STORE && op->opc != IR_CALL && op->opc != IR_ZEXT && op->opc != IR_CAS) {
        lower_v128(w, op);
        return;
    }
    switch (op->opc) {
    case IR_NOP: break;
    case IR_IMARK: w->pc = op->imm; break;
    case IR_CONST: w->loc[op->dst] = (Loc){LOC_CONST, 0, 0}; break;
    case IR_GET: lower_get(w, op); break;
    case IR_PUT: lower_put(w, op); break;
    case IR_LOAD: lower_load(w, op); break;
    case IR_STORE: lower_store(w, op); break;
    case IR_CAS: lower_cas(w, op); break;
    case IR_FENCE: x64_mfence(w->b); break;
    case IR_ADD:
        if (w->defer[w->i] == DEFER_ADDR || w->defer[w->i] == DEFER_INDEX)
            break; /* folded into the memory operands that use it */
        lower_binop(w, op);
        break;
    case IR_SUB: case IR_AND: case IR_OR: case IR_XOR:
        lower_binop(w, op);
        break;
    case IR_ANDN: {
        /* ~a & b: d = a; not d; and d, b */
        IrType t = (IrType)op->type;
        int d = result_reg(w, op->dst, op->a, reg_mask_of(w, op->b));
        x64_unary(w->b, 8, false, d);
        x64_alu_rr(w->b, X64_AND, 8, d, use(w, op->b, BIT(d)));
        normalise(w, t, d);
        if (t == IR_I32)
            x64_mov_rr(w->b, 4, d, d);
        break;
    }
    case IR_MUL: lower_mul(w, op); break;
    case IR_MULHU: case IR_MULHS: case IR_DIVU: case IR_DIVS: case IR_REMU: case IR_REMS:
        lower_rdx_rax(w, op);
        break;
    case IR_SHL: case IR_SHR: case IR_SAR: case IR_ROL: case IR_ROR:
        if (w->defer[w->i] != DEFER_SHIFT)
            lower_shift(w, op);
        break;
    case IR_NOT: case IR_NEG: case IR_CLZ: case IR_CTZ: case IR_POPCNT: case IR_BSWAP:
        lower_unop(w, op);
        break;
    case IR_CMPEQ: case IR_CMPNE: case IR_CMPLTU: case IR_CMPLEU: case IR_CMPLTS: case IR_CMPLES:
        if (w->defer[w->i] != DEFER_CMP)
            lower_cmp_value(w, op);
        break;
    case IR_ZEXT: case IR_SEXT: case IR_TRUNC: lower_convert(w, op); break;
    case IR_SELECT: lower_select(w, op); break;
    case IR_EXTRACT: lower_extract(w, op); break;
    case IR_INSERT: lower_v128(w, op); break;
    case IR_CALL: lower_call(w, op); break;
    case IR_CALL_IF: lower_call_if(w, op); break;
    case IR_EXIT_IF: lower_exit_if(w, op); break;
    case IR_EXIT: lower_exit(w, op); break;
    case IR_EXIT_IND: lower_exit_ind(w, op); break;
    default: w->fail = true; break;
    }
}

bool jit_lower(const IrBlock *blk, const IrExitFacts *facts, u32 *counter, X64Buf *buf, intptr_t rx_delta,
               JitCode *out, Arena *arena)
{
    const u8 *dead = facts ? facts->dead_put : NULL;
    Lower w = {.b = buf, .start = buf->p, .rx_delta = rx_delta, .arena = arena,
               .exit_kills = facts ? facts->exit_kills : NULL};
    IrBlock renamed = *blk;
    renamed.ops = rename_conversions(&w, blk);
    w.blk = blk = &renamed;
    w.home_ok = 0xffff;
    w.pc = blk->guest_pc;
    analyse(&w, dead);
    u8 *start = buf->p;

    /* A counted block: host flags are free at entry (guest flags live in
     * the env between blocks). */
    u8 *to_hot = NULL;
    if (counter) {
        u8 *field = x64_dec_rip32(buf);               /* dec dword [rip+counter] */
        if (field)
            x64_patch_rel32(field, (uintptr_t)field + (uintptr_t)rx_delta, (uintptr_t)counter);
        to_hot = x64_jcc32(buf, X64_CC_E);            /* je hot */
    }
    /* No check of the interrupt flag at block entry: backward jumps and
     * indirect jumps check it (emit_exit_stub, emit_ind_lookup), which
     * bounds the time any loop of generated code runs without looking. */
    for (w.i = 0; w.i < blk->nops && !w.fail && !buf->full; w.i++) {
        const IrOp *op = &blk->ops[w.i];
        if (w.skip[w.i])
            continue;
        w.needed = syncs(op) ? 0xffff : w.needed_after[w.i];
        if (w.fp_dirty && fp_observes(op))
            fp_merge(&w);
        if (observes_state(op) && op->opc != IR_EXIT_IF)
            flush_pending(&w, w.i, false);
        lower_op(&w, op);
        free_dead(&w, op);
    }
    if (to_hot && !w.fail && !buf->full) {
        /* hot: (every guest register still home) */
        patch_to_here(&w, to_hot);
        emit_exit_stub(&w, blk->guest_pc, IR_EXIT_HOT, false);
    }
    if (w.fail || buf->full)
        return false;
    out->guest_pc = blk->guest_pc;
    out->rx = start + rx_delta;
    out->size = (u32)(buf->p - start);
    out->nside = w.nside;
    out->side = w.side;
    out->nlazy = w.nlazy;
    out->lazy = w.lazy;
    return true;
}
