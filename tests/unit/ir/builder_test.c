/*
 * builder_test.c — unit tests of the IR builder (src/ir/ir.c): constant
 * folding checked against plain C (ir_ref.h) on every op, width and edge
 * value; value numbering (CSE) of pure ops and only of pure ops; the
 * algebraic identities the builder promises (x+0, x&-1, x^x...); the
 * conversions' shortcuts; masks that known-zero bits make redundant;
 * SELECT and EXIT_IF on constants; DCE; and that
 * every block the builder produces passes the verifier.
 */
#include "ir/ir.h"
#include "ir_ref.h"
#include "test.h"

#include <stddef.h>

/* A small guest: eight 64-bit registers, a pc, two vectors. */
typedef struct TState {
    u64 r[8];
    u64 pc;
    V128 v[2];
} TState;

static const IrGuestInfo tguest = {.pc_offset = offsetof(TState, pc), .state_size = sizeof(TState)};
#define R(i) ((u32)offsetof(TState, r) + 8 * (i))

static Arena arena;
static IrBuilder bld;
static IrBuilder *b = &bld;

void SetUp(void) { ir_begin(b, &arena, &tguest, 0x1000); }
void TearDown(void) { arena_free(&arena); }

static const IrOp *def_of(u32 t) { return &b->ops[b->temp_def[t]]; }

/* A fresh temp of type ty that the builder cannot know the value of. */
static u32 opaque(IrType ty, unsigned reg)
{
    u32 t = ir_get(b, IR_I64, R(reg));
    return ty == IR_I64 ? t : ir_trunc(b, ty, t);
}

static u32 ops_count(void) { return b->nops; }

TEST(irbuild, fold_binops_match_c)
{
    u64 xs[32], ys[32];
    for (unsigned ti = 0; ti < UE_ARRAY_LEN(ref_int_types); ti++) {
        IrType ty = ref_int_types[ti];
        unsigned bits = ir_type_bits(ty);
        unsigned nx = ref_edge_values(bits, xs), ny = ref_edge_values(bits, ys);
        for (unsigned oi = 0; oi < UE_ARRAY_LEN(ref_binops); oi++) {
            IrOpcode op = ref_binops[oi];
            for (unsigned i = 0; i < nx; i++)
                for (unsigned j = 0; j < ny; j++) {
                    if (ref_is_div(op) && ys[j] == 0)
                        continue;
                    ir_begin(b, &arena, &tguest, 0x1000);
                    u32 x = ir_const(b, ty, xs[i]), y = ir_const(b, ty, ys[j]);
                    u32 t = ref_is_cmp(op) ? ir_cmp(b, op, x, y) : ir_binop(b, op, ty, x, y);
                    u64 v = 0;
                    ASSERT_TRUE(ir_is_const(b, t, &v), "%s.%s %#llx, %#llx not folded", ir_op_names[op],
                                ir_type_names[ty], (unsigned long long)xs[i], (unsigned long long)ys[j]);
                    EXPECT_EQ(ref_binop(op, bits, xs[i], ys[j]), v, "%s.%s %#llx, %#llx", ir_op_names[op],
                              ir_type_names[ty], (unsigned long long)xs[i], (unsigned long long)ys[j]);
                    EXPECT_EQ(ref_is_cmp(op) ? IR_I1 : ty, ir_temp_type(b, t));
                    arena_reset(&arena);
                }
        }
    }
}

TEST(irbuild, fold_unops_match_c)
{
    u64 xs[32];
    for (unsigned ti = 0; ti < UE_ARRAY_LEN(ref_int_types); ti++) {
        IrType ty = ref_int_types[ti];
        unsigned bits = ir_type_bits(ty);
        unsigned nx = ref_edge_values(bits, xs);
        for (unsigned oi = 0; oi < UE_ARRAY_LEN(ref_unops); oi++) {
            IrOpcode op = ref_unops[oi];
            for (unsigned i = 0; i < nx; i++) {
                u32 t = ir_unop(b, op, ty, ir_const(b, ty, xs[i]));
                u64 v = 0;
                ASSERT_TRUE(ir_is_const(b, t, &v), "%s.%s %#llx", ir_op_names[op], ir_type_names[ty],
                            (unsigned long long)xs[i]);
                EXPECT_EQ(ref_unop(op, bits, xs[i]), v, "%s.%s %#llx", ir_op_names[op], ir_type_names[ty],
                          (unsigned long long)xs[i]);
            }
        }
    }
}

TEST(irbuild, division_by_constant_zero_is_not_folded)
{
    /* The producer guards the divisor with a #DE exit; folding x/0 would
     * invent a value for a path that never runs, or worse, trap ue. */
    static const IrOpcode divs[] = {IR_DIVU, IR_DIVS, IR_REMU, IR_REMS};
    for (unsigned i = 0; i < 4; i++) {
        u32 t = ir_binop(b, divs[i], IR_I32, ir_const(b, IR_I32, 7), ir_const(b, IR_I32, 0));
        u64 v;
        EXPECT_FALSE(ir_is_const(b, t, &v), "%s", ir_op_names[divs[i]]);
        EXPECT_EQ(divs[i], def_of(t)->opc);
    }
}

TEST(irbuild, constants_are_masked_and_shared)
{
    u32 a = ir_const(b, IR_I8, 0x1ff);
    u64 v = 0;
    ASSERT_TRUE(ir_is_const(b, a, &v));
    EXPECT_EQ(0xff, v);
    EXPECT_EQ(a, ir_const(b, IR_I8, 0xff));
    EXPECT_NE(a, ir_const(b, IR_I16, 0xff)); /* same value, other type */
    EXPECT_EQ(ir_const(b, IR_I1, 1), ir_const(b, IR_I1, 3));
    EXPECT_EQ(IR_I16, ir_temp_type(b, ir_const(b, IR_I16, 5)));
}

TEST(irbuild, cse_reuses_pure_ops)
{
    u32 x = opaque(IR_I64, 0), y = opaque(IR_I64, 1);
    u32 s = ir_add(b, x, y);
    u32 n = ops_count();
    EXPECT_EQ(s, ir_add(b, x, y));
    EXPECT_EQ(n, ops_count()); /* nothing emitted */
    EXPECT_NE(s, ir_sub(b, x, y));
    EXPECT_NE(s, ir_add(b, x, ir_add(b, y, ir_const(b, IR_I64, 1))));
    u32 c = ir_cmp(b, IR_CMPLTU, x, y);
    EXPECT_EQ(c, ir_cmp(b, IR_CMPLTU, x, y));
    EXPECT_NE(c, ir_cmp(b, IR_CMPLTS, x, y));
    u32 z = ir_zext(b, IR_I64, ir_trunc(b, IR_I32, x));
    EXPECT_EQ(z, ir_zext(b, IR_I64, ir_trunc(b, IR_I32, x)));
}

TEST(irbuild, cse_never_merges_effects)
{
    u32 a = opaque(IR_I64, 0);
    /* GET: guest state may have been PUT in between. */
    EXPECT_NE(ir_get(b, IR_I64, R(3)), ir_get(b, IR_I64, R(3)));
    /* LOAD: memory may have been stored to in between (and a load faults). */
    u32 l1 = ir_load(b, IR_I32, a);
    ir_store(b, a, ir_const(b, IR_I32, 1));
    u32 l2 = ir_load(b, IR_I32, a);
    EXPECT_NE(l1, l2);
    u32 n = ops_count();
    ir_store(b, a, ir_const(b, IR_I32, 1));
    EXPECT_EQ(n + 1, ops_count()); /* a second identical STORE is still emitted */
    EXPECT_NE(ir_cas(b, a, l1, l2), ir_cas(b, a, l1, l2));
}

TEST(irbuild, cse_survives_table_growth)
{
    /* More distinct pure ops than the initial table holds: the table grows
     * and rehashes, and the earliest ops must still be found. */
    u32 x = opaque(IR_I64, 0);
    u32 first[8];
    for (u32 i = 0; i < 3000; i++) {
        u32 t = ir_add(b, x, ir_const(b, IR_I64, 1000 + i));
        if (i < 8)
            first[i] = t;
    }
    u32 n = ops_count();
    for (u32 i = 0; i < 8; i++)
        EXPECT_EQ(first[i], ir_add(b, x, ir_const(b, IR_I64, 1000 + i)), "i=%u", i);
    EXPECT_EQ(n, ops_count());
}

TEST(irbuild, identities_return_the_operand)
{
    for (unsigned ti = 0; ti < UE_ARRAY_LEN(ref_int_types); ti++) {
        IrType ty = ref_int_types[ti];
        u32 x = opaque(ty, ti);
        u32 zero = ir_const(b, ty, 0), one = ir_const(b, ty, 1), ones = ir_const(b, ty, ~0ull);
        const char *tn = ir_type_names[ty];
        EXPECT_EQ(x, ir_binop(b, IR_ADD, ty, x, zero), "x+0 %s", tn);
        EXPECT_EQ(x, ir_binop(b, IR_ADD, ty, zero, x), "0+x %s", tn);
        EXPECT_EQ(x, ir_binop(b, IR_SUB, ty, x, zero), "x-0 %s", tn);
        EXPECT_EQ(x, ir_binop(b, IR_OR, ty, x, zero), "x|0 %s", tn);
        EXPECT_EQ(x, ir_binop(b, IR_XOR, ty, x, zero), "x^0 %s", tn);
        EXPECT_EQ(x, ir_binop(b, IR_AND, ty, x, ones), "x&-1 %s", tn);
        EXPECT_EQ(x, ir_binop(b, IR_AND, ty, ones, x), "-1&x %s", tn);
        EXPECT_EQ(x, ir_binop(b, IR_MUL, ty, x, one), "x*1 %s", tn);
        EXPECT_EQ(x, ir_binop(b, IR_MUL, ty, one, x), "1*x %s", tn);
        EXPECT_EQ(x, ir_binop(b, IR_SHL, ty, x, zero), "x<<0 %s", tn);
        EXPECT_EQ(x, ir_binop(b, IR_SHR, ty, x, zero), "x>>0 %s", tn);
        EXPECT_EQ(x, ir_binop(b, IR_SAR, ty, x, zero), "x>>>0 %s", tn);
        EXPECT_EQ(x, ir_binop(b, IR_ROL, ty, x, zero), "rol x,0 %s", tn);
        EXPECT_EQ(x, ir_binop(b, IR_AND, ty, x, x), "x&x %s", tn); /* test r,r */
        EXPECT_EQ(x, ir_binop(b, IR_OR, ty, x, x), "x|x %s", tn);
        u64 v = 99;
        ASSERT_TRUE(ir_is_const(b, ir_binop(b, IR_AND, ty, x, zero), &v), "x&0 %s", tn);
        EXPECT_EQ(0, v, "x&0 %s", tn);
        v = 99;
        ASSERT_TRUE(ir_is_const(b, ir_binop(b, IR_XOR, ty, x, x), &v), "x^x %s", tn);
        EXPECT_EQ(0, v, "x^x %s", tn);
        v = 99;
        ASSERT_TRUE(ir_is_const(b, ir_binop(b, IR_SUB, ty, x, x), &v), "x-x %s", tn);
        EXPECT_EQ(0, v, "x-x %s", tn);
    }
}

TEST(irbuild, and_with_partial_mask_is_kept)
{
    /* x & 0xff on an i32 is not an identity: it must emit an AND. */
    u32 x = opaque(IR_I32, 0);
    u32 t = ir_and(b, x, ir_const(b, IR_I32, 0xff));
    EXPECT_NE(x, t);
    EXPECT_EQ(IR_AND, def_of(t)->opc);
    /* ...while x & 0xffffffff on an i64 is not one either. */
    u32 y = opaque(IR_I64, 1);
    EXPECT_NE(y, ir_and(b, y, ir_const(b, IR_I64, 0xffffffffull)));
}

TEST(irbuild, known_zero_bits_fold_partial_register_merges)
{
    /* movzx ecx, word [m]; neg cx: the merge of the 16-bit result into
     * RCX keeps bits the load already zeroed, so it folds to the result. */
    u32 w16 = opaque(IR_I16, 0);
    u32 rcx = ir_zext(b, IR_I64, ir_zext(b, IR_I32, w16));
    u32 upper = ir_and(b, rcx, ir_const(b, IR_I64, ~0xffffull));
    u64 v = 99;
    ASSERT_TRUE(ir_is_const(b, upper, &v), "upper bits of a zero-extended i16");
    EXPECT_EQ(0, v);
    EXPECT_EQ(rcx, ir_and(b, rcx, ir_const(b, IR_I64, 0xffff)), "mask keeping every possible bit");
    EXPECT_EQ(rcx, ir_and(b, rcx, ir_const(b, IR_I64, 0x1ffff)));
    EXPECT_EQ(IR_AND, def_of(ir_and(b, rcx, ir_const(b, IR_I64, 0xff)))->opc, "a mask that drops bits stays");
    EXPECT_EQ(IR_AND, def_of(ir_and(b, opaque(IR_I64, 1), ir_const(b, IR_I64, ~0xffffull)))->opc,
              "nothing known about a register");
    /* shr bp, 8 on a zero-extended i16: truncating and extending back
     * drops only zeros. */
    u32 sh = ir_binop(b, IR_SHR, IR_I64, rcx, ir_const(b, IR_I8, 8));
    EXPECT_EQ(sh, ir_zext(b, IR_I64, ir_trunc(b, IR_I16, sh)));
    EXPECT_EQ(sh, ir_zext(b, IR_I64, ir_trunc(b, IR_I8, sh)));
    u32 r64 = opaque(IR_I64, 2);
    EXPECT_NE(r64, ir_zext(b, IR_I64, ir_trunc(b, IR_I32, r64)), "upper bits unknown");
    /* setb; movzx; then the byte of it: one extension */
    u32 c = ir_cmp(b, IR_CMPLTU, r64, opaque(IR_I64, 3));
    u32 byte = ir_trunc(b, IR_I8, ir_zext(b, IR_I64, c));
    EXPECT_EQ(IR_ZEXT, def_of(byte)->opc);
    EXPECT_EQ(c, def_of(byte)->a);
    EXPECT_EQ(IR_I8, ir_temp_type(b, byte));
}

TEST(irbuild, negation_and_its_carry)
{
    /* neg: 0 - x is NEG x; its carry 0 <u x is x != 0. */
    u32 x = opaque(IR_I16, 0), zero = ir_const(b, IR_I16, 0);
    u32 n = ir_sub(b, zero, x);
    EXPECT_EQ(IR_NEG, def_of(n)->opc);
    EXPECT_EQ(x, def_of(n)->a);
    EXPECT_EQ(IR_I16, ir_temp_type(b, n));
    u32 cf = ir_cmp(b, IR_CMPLTU, zero, x);
    EXPECT_EQ(IR_CMPNE, def_of(cf)->opc);
    EXPECT_EQ(x, def_of(cf)->a);
    EXPECT_EQ(zero, def_of(cf)->b);
}

TEST(irbuild, constant_goes_second_in_commutative_ops)
{
    u32 x = opaque(IR_I32, 0), c = ir_const(b, IR_I32, 5);
    u32 t = ir_add(b, c, x);
    EXPECT_EQ(x, def_of(t)->a);
    EXPECT_EQ(c, def_of(t)->b);
    EXPECT_EQ(t, ir_add(b, x, c)); /* and so both orders share one op */
    /* Not for SUB: 5 - x is not x - 5. */
    u32 s = ir_sub(b, c, x);
    EXPECT_EQ(c, def_of(s)->a);
}

TEST(irbuild, not_of_comparison_inverts_it)
{
    static const struct { IrOpcode op, inv; bool swap; } cases[] = {
        {IR_CMPEQ, IR_CMPNE, false}, {IR_CMPNE, IR_CMPEQ, false},
        {IR_CMPLTU, IR_CMPLEU, true}, {IR_CMPLEU, IR_CMPLTU, true},
        {IR_CMPLTS, IR_CMPLES, true}, {IR_CMPLES, IR_CMPLTS, true},
    };
    u32 x = opaque(IR_I32, 0), y = opaque(IR_I32, 1), one = ir_const(b, IR_I1, 1);
    for (unsigned i = 0; i < UE_ARRAY_LEN(cases); i++) {
        u32 c = ir_cmp(b, cases[i].op, x, y);
        u32 n = ir_xor(b, c, one);
        const IrOp *d = def_of(n);
        EXPECT_EQ(cases[i].inv, d->opc, "not %s", ir_op_names[cases[i].op]);
        EXPECT_EQ(cases[i].swap ? y : x, d->a, "not %s", ir_op_names[cases[i].op]);
        EXPECT_EQ(cases[i].swap ? x : y, d->b, "not %s", ir_op_names[cases[i].op]);
        /* and the rewrite means the same on every edge value pair */
        u64 xs[32];
        unsigned nx = ref_edge_values(32, xs);
        for (unsigned p = 0; p < nx; p++)
            for (unsigned q = 0; q < nx; q++) {
                u64 want = !ref_binop(cases[i].op, 32, xs[p], xs[q]);
                u64 got = d->a == x ? ref_binop((IrOpcode)d->opc, 32, xs[p], xs[q])
                                    : ref_binop((IrOpcode)d->opc, 32, xs[q], xs[p]);
                EXPECT_EQ(want, got, "not %s %#llx %#llx", ir_op_names[cases[i].op],
                          (unsigned long long)xs[p], (unsigned long long)xs[q]);
            }
    }
    /* xor with 1 of an i1 that is not a comparison stays an XOR */
    u32 s = ir_trunc(b, IR_I1, x);
    EXPECT_EQ(IR_XOR, def_of(ir_xor(b, s, one))->opc);
}

TEST(irbuild, conversions_of_same_width_are_no_ops)
{
    for (unsigned ti = 0; ti < UE_ARRAY_LEN(ref_int_types); ti++) {
        IrType ty = ref_int_types[ti];
        u32 x = opaque(ty, ti);
        EXPECT_EQ(x, ir_zext(b, ty, x));
        EXPECT_EQ(x, ir_sext(b, ty, x));
        EXPECT_EQ(x, ir_trunc(b, ty, x));
    }
}

TEST(irbuild, trunc_of_extension_shortcuts)
{
    u32 x8 = opaque(IR_I8, 0), x16 = opaque(IR_I16, 1);
    /* back to the original width: the original temp */
    EXPECT_EQ(x8, ir_trunc(b, IR_I8, ir_zext(b, IR_I64, x8)));
    EXPECT_EQ(x8, ir_trunc(b, IR_I8, ir_sext(b, IR_I32, x8)));
    /* narrower than the original: a TRUNC of the original */
    u32 t = ir_trunc(b, IR_I8, ir_zext(b, IR_I64, x16));
    EXPECT_EQ(IR_TRUNC, def_of(t)->opc);
    EXPECT_EQ(x16, def_of(t)->a);
    EXPECT_EQ(IR_I16, def_of(t)->aux);
    /* wider than the original: a real TRUNC of the extension */
    u32 e = ir_sext(b, IR_I64, x8);
    u32 w = ir_trunc(b, IR_I32, e);
    EXPECT_EQ(IR_TRUNC, def_of(w)->opc);
    EXPECT_EQ(e, def_of(w)->a);
}

TEST(irbuild, conversions_fold_constants)
{
    static const struct { IrOpcode op; IrType from, to; u64 in, out; } cases[] = {
        {IR_ZEXT, IR_I8, IR_I32, 0x80, 0x80},
        {IR_SEXT, IR_I8, IR_I32, 0x80, 0xffffff80},
        {IR_SEXT, IR_I8, IR_I64, 0x7f, 0x7f},
        {IR_SEXT, IR_I16, IR_I64, 0x8001, 0xffffffffffff8001ull},
        {IR_SEXT, IR_I32, IR_I64, 0x80000000, 0xffffffff80000000ull},
        {IR_ZEXT, IR_I32, IR_I64, 0x80000000, 0x80000000},
        {IR_ZEXT, IR_I1, IR_I64, 1, 1},
        {IR_SEXT, IR_I1, IR_I8, 1, 0xff},
        {IR_TRUNC, IR_I64, IR_I32, 0x123456789ull, 0x23456789},
        {IR_TRUNC, IR_I64, IR_I8, 0xfffffffffffffe80ull, 0x80},
        {IR_TRUNC, IR_I16, IR_I1, 0x3, 1},
    };
    for (unsigned i = 0; i < UE_ARRAY_LEN(cases); i++) {
        u32 c = ir_const(b, cases[i].from, cases[i].in), t;
        if (cases[i].op == IR_ZEXT)
            t = ir_zext(b, cases[i].to, c);
        else if (cases[i].op == IR_SEXT)
            t = ir_sext(b, cases[i].to, c);
        else
            t = ir_trunc(b, cases[i].to, c);
        u64 v = 0;
        ASSERT_TRUE(ir_is_const(b, t, &v), "case %u", i);
        EXPECT_EQ(cases[i].out, v, "case %u: %s.%s %#llx", i, ir_op_names[cases[i].op], ir_type_names[cases[i].to],
                  (unsigned long long)cases[i].in);
        EXPECT_EQ(cases[i].to, ir_temp_type(b, t), "case %u", i);
    }
}

TEST(irbuild, select_folds)
{
    u32 x = opaque(IR_I32, 0), y = opaque(IR_I32, 1);
    EXPECT_EQ(x, ir_select(b, ir_const(b, IR_I1, 1), x, y));
    EXPECT_EQ(y, ir_select(b, ir_const(b, IR_I1, 0), x, y));
    u32 c = ir_cmp(b, IR_CMPEQ, x, y);
    EXPECT_EQ(x, ir_select(b, c, x, x));
    EXPECT_EQ(IR_SELECT, def_of(ir_select(b, c, x, y))->opc);
}

TEST(irbuild, exit_if_on_constants)
{
    u32 n = ops_count();
    ir_exit_if(b, ir_const(b, IR_I1, 0), 0x2000, IR_EXIT_JUMP);
    EXPECT_FALSE(b->ended);
    EXPECT_EQ(IR_CONST, b->ops[b->nops - 1].opc); /* only the constant */
    EXPECT_EQ(n + 1, ops_count());
    ir_exit_if(b, ir_const(b, IR_I1, 1), 0x3000, IR_EXIT_JUMP);
    EXPECT_TRUE(b->ended); /* an always-taken side exit ends the block */
    EXPECT_EQ(IR_EXIT, b->ops[b->nops - 1].opc);
    EXPECT_EQ(0x3000, b->ops[b->nops - 1].imm);
}

TEST(irbuild, call_drops_unused_arguments)
{
    static const IrHelper h1 = {.name = "h1", .fn = NULL, .sig = IRH_I_I, .nargs = 1};
    u32 x = opaque(IR_I64, 0), y = opaque(IR_I64, 1);
    u32 t = ir_call(b, &h1, IR_I64, x, y, y);
    EXPECT_EQ(x, def_of(t)->a);
    EXPECT_EQ(0, def_of(t)->b);
    EXPECT_EQ(0, def_of(t)->c);
    EXPECT_NE(t, ir_call(b, &h1, IR_I64, x, 0, 0)); /* calls are not value-numbered */
}

TEST(irbuild, dce_keeps_effects_and_drops_dead_values)
{
    u32 x = opaque(IR_I64, 0);
    u32 dead = ir_add(b, x, ir_const(b, IR_I64, 7));
    u32 live = ir_sub(b, x, ir_const(b, IR_I64, 9));
    u32 dead_get = ir_get(b, IR_I64, R(5));
    u32 ld = ir_load(b, IR_I8, x); /* unused, but it may fault */
    ir_put(b, R(1), live);
    ir_store(b, x, ir_const(b, IR_I16, 3));
    ir_exit(b, 0x2000, IR_EXIT_JUMP);
    ir_dce(b);
    bool saw_dead = false, saw_live = false, saw_get5 = false, saw_load = false, saw_store = false, saw_put = false;
    for (u32 i = 0; i < b->nops; i++) {
        const IrOp *o = &b->ops[i];
        saw_dead |= o->dst == dead;
        saw_live |= o->dst == live;
        saw_get5 |= o->dst == dead_get;
        saw_load |= o->dst == ld;
        saw_store |= o->opc == IR_STORE;
        saw_put |= o->opc == IR_PUT;
        if (o->dst)
            EXPECT_EQ(i, b->temp_def[o->dst], "temp_def of t%u after DCE", o->dst);
    }
    EXPECT_FALSE(saw_dead);
    EXPECT_FALSE(saw_get5);
    EXPECT_TRUE(saw_live);
    EXPECT_TRUE(saw_load);
    EXPECT_TRUE(saw_store);
    EXPECT_TRUE(saw_put);
    EXPECT_EQ(IR_EXIT, b->ops[b->nops - 1].opc);
    IrBlock *blk = ir_finish(b, 4);
    u32 bad = 0;
    EXPECT_STREQ(NULL, ir_verify(blk, &tguest, &bad), "op %u", bad);
    ir_block_free(blk);
}

TEST(irbuild, finish_copies_the_block)
{
    ir_imark(b, 0x1000, 3);
    u32 x = opaque(IR_I32, 2);
    u32 y = ir_add(b, x, ir_const(b, IR_I32, 1));
    ir_put(b, R(2), ir_zext(b, IR_I64, y));
    ir_imark(b, 0x1003, 2);
    ir_exit(b, 0x1005, IR_EXIT_JUMP);
    u32 nops = b->nops, ntemps = b->ntemps;
    IrBlock *blk = ir_finish(b, 5);
    arena_reset(&arena); /* the block must not point into the arena */
    memset(b, 0xa5, sizeof *b);
    EXPECT_EQ(0x1000, blk->guest_pc);
    EXPECT_EQ(5, blk->guest_size);
    EXPECT_EQ(2, blk->ninsns);
    EXPECT_EQ(nops, blk->nops);
    EXPECT_EQ(ntemps, blk->ntemps);
    EXPECT_EQ(IR_I32, blk->temp_type[y]);
    EXPECT_EQ(IR_EXIT, blk->ops[blk->nops - 1].opc);
    u32 bad = 0;
    EXPECT_STREQ(NULL, ir_verify(blk, &tguest, &bad), "op %u", bad);
    ir_block_free(blk);
    ir_begin(b, &arena, &tguest, 0x1000);
}

TEST(irbuild, everything_built_verifies)
{
    /* One of each kind of op the builder emits, then the verifier. */
    ir_imark(b, 0x1000, 4);
    u32 x = opaque(IR_I64, 0), y = opaque(IR_I64, 1);
    u32 x32 = ir_trunc(b, IR_I32, x);
    u32 m = ir_binop(b, IR_MULHS, IR_I64, x, y);
    u32 sh = ir_shl(b, x32, ir_trunc(b, IR_I8, y));
    u32 c = ir_cmp(b, IR_CMPLTS, x, y);
    u32 s = ir_select(b, c, x, m);
    u32 l = ir_load(b, IR_I16, s);
    ir_store(b, x, ir_sext(b, IR_I64, l));
    u32 old = ir_cas(b, y, x32, sh);
    ir_fence(b);
    u32 v = ir_get(b, IR_V128, (u32)offsetof(TState, v));
    u32 v2 = ir_insert(b, v, old, 4);
    ir_put(b, (u32)offsetof(TState, v[1]), ir_binop(b, IR_XOR, IR_V128, v, v2));
    ir_put(b, R(3), ir_zext(b, IR_I64, ir_extract(b, IR_I32, v2, 12)));
    ir_put(b, R(4), ir_zext(b, IR_I64, ir_unop(b, IR_POPCNT, IR_I32, x32)));
    ir_exit_if(b, c, 0x4000, IR_EXIT_JUMP);
    ir_exit_ind(b, y, IR_EXIT_RET);
    IrBlock *blk = ir_finish(b, 4);
    u32 bad = 0;
    EXPECT_STREQ(NULL, ir_verify(blk, &tguest, &bad), "op %u (%s)", bad,
                 bad < blk->nops ? ir_op_names[blk->ops[bad].opc] : "-");
    ir_block_free(blk);
}
