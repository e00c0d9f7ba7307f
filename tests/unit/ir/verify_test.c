/*
 * verify_test.c — unit tests of the IR verifier (src/ir/ir_verify.c): a
 * well-formed block passes, and each class of malformed block the verifier
 * claims to catch (its rules 1-5: single assignment and use after def,
 * operand counts, operand/result types per opcode, guest state bounds, one
 * final exit) is caught at the op that breaks it.
 *
 * Blocks are written out by hand (not with the builder, which refuses to
 * build most of them) as a known-good block plus one mutation.
 */
#include "ir/ir.h"
#include "test.h"

#include <stddef.h>

typedef struct TState {
    u64 r[4];
    u64 pc;
    V128 v[2];
} TState;

static const IrGuestInfo tguest = {.pc_offset = offsetof(TState, pc), .state_size = sizeof(TState)};
#define R(i) ((u64)offsetof(TState, r) + 8 * (i))
#define VOFF ((u64)offsetof(TState, v))

enum { MAXOPS = 16, MAXTEMPS = 16 };

/* A block under test: ops and temp types the test edits in place. */
typedef struct Blk {
    IrOp ops[MAXOPS];
    u8 types[MAXTEMPS];
    u32 nops, ntemps;
} Blk;

/*  0  IMARK 0x1000
 *  1  t1:i64 = GET r0
 *  2  t2:i64 = GET r1
 *  3  t3:i64 = ADD t1, t2
 *  4  t4:i1  = CMPLTU t1, t2
 *  5  t5:v128 = GET v0
 *  6  t6:i32 = TRUNC.i64 t3
 *  7  t7:v128 = INSERT t5, t6 @4
 *  8  PUT v1, t7
 *  9  t8:i32 = LOAD t1
 * 10  STORE t2, t8
 * 11  PUT r2, t3
 * 12  EXIT_IF t4 -> 0x2000
 * 13  EXIT -> 0x1004 */
static void good(Blk *k)
{
    memset(k, 0, sizeof *k);
    IrOp ops[] = {
        {.opc = IR_IMARK, .aux = 4, .imm = 0x1000},
        {.opc = IR_GET, .type = IR_I64, .dst = 1, .imm = R(0)},
        {.opc = IR_GET, .type = IR_I64, .dst = 2, .imm = R(1)},
        {.opc = IR_ADD, .type = IR_I64, .dst = 3, .a = 1, .b = 2},
        {.opc = IR_CMPLTU, .type = IR_I1, .dst = 4, .a = 1, .b = 2},
        {.opc = IR_GET, .type = IR_V128, .dst = 5, .imm = VOFF},
        {.opc = IR_TRUNC, .type = IR_I32, .aux = IR_I64, .dst = 6, .a = 3},
        {.opc = IR_INSERT, .type = IR_V128, .dst = 7, .a = 5, .b = 6, .imm = 4},
        {.opc = IR_PUT, .type = IR_V128, .a = 7, .imm = VOFF + 16},
        {.opc = IR_LOAD, .type = IR_I32, .dst = 8, .a = 1},
        {.opc = IR_STORE, .type = IR_I32, .a = 2, .b = 8},
        {.opc = IR_PUT, .type = IR_I64, .a = 3, .imm = R(2)},
        {.opc = IR_EXIT_IF, .aux = IR_EXIT_JUMP, .a = 4, .imm = 0x2000},
        {.opc = IR_EXIT, .aux = IR_EXIT_JUMP, .imm = 0x1004},
    };
    static const u8 types[] = {IR_VOID, IR_I64, IR_I64, IR_I64, IR_I1, IR_V128, IR_I32, IR_V128, IR_I32};
    memcpy(k->ops, ops, sizeof ops);
    k->nops = UE_ARRAY_LEN(ops);
    memcpy(k->types, types, sizeof types);
    k->ntemps = UE_ARRAY_LEN(types);
}

/* Append a value-producing op as the last op before the final EXIT. */
static u32 add_before_exit(Blk *k, IrOp op, IrType type)
{
    u32 t = k->ntemps++;
    k->types[t] = (u8)type;
    op.dst = op.dst ? op.dst : t;
    op.type = (u8)type;
    k->ops[k->nops] = k->ops[k->nops - 1];
    k->ops[k->nops - 1] = op;
    k->nops++;
    return k->nops - 2; /* index of the new op */
}

static const char *verify(const Blk *k, u32 *bad)
{
    IrBlock blk = {.guest_pc = 0x1000, .guest_size = 4, .ninsns = 1, .nops = k->nops, .ntemps = k->ntemps,
                   .ops = (IrOp *)k->ops, .temp_type = (u8 *)k->types};
    *bad = ~0u;
    return ir_verify(&blk, &tguest, bad);
}

/* The block must be rejected at op index `at`. */
#define EXPECT_BAD_AT(k, at, what)                                            \
    do {                                                                      \
        u32 bad_;                                                             \
        const char *err_ = verify(&(k), &bad_);                               \
        EXPECT_TRUE(err_ != NULL, "%s: accepted", what);                      \
        if (err_)                                                             \
            EXPECT_EQ(at, bad_, "%s: rejected (\"%s\") at the wrong op", what, err_); \
    } while (0)

TEST(irverify, good_block_passes)
{
    Blk k;
    good(&k);
    u32 bad;
    const char *err = verify(&k, &bad);
    EXPECT_STREQ(NULL, err, "at op %u", bad);
}

/* ---- rule 1: single assignment, definition before use ---- */

TEST(irverify, use_before_definition)
{
    Blk k;
    good(&k);
    k.ops[3].b = 3; /* ADD t3 = t1, t3 */
    EXPECT_BAD_AT(k, 3, "operand is the op's own result");
    good(&k);
    k.ops[3].b = 8; /* t8 is defined later, at op 9 */
    EXPECT_BAD_AT(k, 3, "operand defined later");
}

TEST(irverify, temp_assigned_twice)
{
    Blk k;
    good(&k);
    k.ops[2].dst = 1;
    EXPECT_BAD_AT(k, 2, "second GET into t1");
}

/* ---- rule 2: operand counts ---- */

TEST(irverify, missing_operand)
{
    Blk k;
    good(&k);
    k.ops[3].b = 0;
    EXPECT_BAD_AT(k, 3, "ADD with one operand");
    good(&k);
    k.ops[11].a = 0;
    EXPECT_BAD_AT(k, 11, "PUT of nothing");
}

TEST(irverify, operand_out_of_range)
{
    Blk k;
    good(&k);
    k.ops[3].b = 200;
    EXPECT_BAD_AT(k, 3, "operand temp beyond ntemps");
    good(&k);
    k.ops[3].dst = 200;
    EXPECT_BAD_AT(k, 3, "result temp beyond ntemps");
}

TEST(irverify, extra_operand)
{
    Blk k;
    good(&k);
    k.ops[2].a = 1; /* GET takes no operand */
    EXPECT_BAD_AT(k, 2, "GET with an operand");
    good(&k);
    k.ops[6].b = 1; /* TRUNC takes one */
    EXPECT_BAD_AT(k, 6, "TRUNC with two operands");
    good(&k);
    k.ops[13].a = 4; /* EXIT takes none */
    EXPECT_BAD_AT(k, 13, "EXIT with an operand");
}

TEST(irverify, call_operands_follow_the_helper)
{
    static const IrHelper h2 = {.name = "h2", .sig = IRH_I_I, .nargs = 2};
    Blk k;
    good(&k);
    u32 at = add_before_exit(&k, (IrOp){.opc = IR_CALL, .a = 1, .b = 2, .imm = (u64)(uintptr_t)&h2}, IR_I64);
    u32 bad;
    EXPECT_STREQ(NULL, verify(&k, &bad), "a two-argument call is fine, op %u", bad);
    k.ops[at].c = 3;
    EXPECT_BAD_AT(k, at, "third argument to a two-argument helper");
    k.ops[at].c = 0;
    k.ops[at].b = 0;
    EXPECT_BAD_AT(k, at, "one argument to a two-argument helper");
}

/* ---- rule 3: types ---- */

TEST(irverify, arithmetic_operand_types)
{
    Blk k;
    good(&k);
    k.ops[2].type = IR_I32; /* t2 becomes an i32 */
    k.types[2] = IR_I32;
    EXPECT_BAD_AT(k, 3, "ADD.i64 of an i32");
    good(&k);
    k.ops[3].type = IR_V128; /* ADD is integer only */
    k.types[3] = IR_V128;
    EXPECT_BAD_AT(k, 3, "ADD.v128");
}

TEST(irverify, result_type_differs_from_temp)
{
    Blk k;
    good(&k);
    k.types[3] = IR_I32; /* the op says i64 */
    EXPECT_BAD_AT(k, 3, "ADD.i64 into an i32 temp");
}

TEST(irverify, comparison_types)
{
    Blk k;
    good(&k);
    k.ops[4].type = IR_I64;
    k.types[4] = IR_I64;
    EXPECT_BAD_AT(k, 4, "comparison producing i64");
    good(&k);
    u32 at = add_before_exit(&k, (IrOp){.opc = IR_CMPEQ, .a = 1, .b = 6}, IR_I1);
    EXPECT_BAD_AT(k, at, "comparison of an i64 with an i32");
    good(&k);
    at = add_before_exit(&k, (IrOp){.opc = IR_CMPEQ, .a = 5, .b = 7}, IR_I1);
    EXPECT_BAD_AT(k, at, "comparison of v128s");
}

TEST(irverify, shift_count_must_be_integer)
{
    Blk k;
    good(&k);
    u32 at = add_before_exit(&k, (IrOp){.opc = IR_SHL, .a = 1, .b = 5}, IR_I64);
    EXPECT_BAD_AT(k, at, "shift by a v128");
    good(&k);
    at = add_before_exit(&k, (IrOp){.opc = IR_SHL, .a = 1, .b = 6}, IR_I64);
    u32 bad;
    EXPECT_STREQ(NULL, verify(&k, &bad), "shift i64 by an i32 count is fine (op %u)", bad);
}

TEST(irverify, unary_types)
{
    Blk k;
    good(&k);
    u32 at = add_before_exit(&k, (IrOp){.opc = IR_CLZ, .a = 5}, IR_V128);
    EXPECT_BAD_AT(k, at, "CLZ.v128");
    good(&k);
    at = add_before_exit(&k, (IrOp){.opc = IR_NOT, .a = 6}, IR_I64);
    EXPECT_BAD_AT(k, at, "NOT.i64 of an i32");
}

TEST(irverify, memory_address_must_be_i64)
{
    Blk k;
    good(&k);
    k.ops[9].a = 6; /* LOAD from an i32 address */
    EXPECT_BAD_AT(k, 9, "LOAD from i32");
    good(&k);
    k.ops[10].a = 4; /* STORE to an i1 address */
    EXPECT_BAD_AT(k, 10, "STORE to i1");
}

TEST(irverify, store_and_put_types_match_value)
{
    Blk k;
    good(&k);
    k.ops[10].type = IR_I64; /* STORE.i64 of the i32 t8 */
    EXPECT_BAD_AT(k, 10, "STORE.i64 of an i32");
    good(&k);
    k.ops[11].type = IR_I32; /* PUT.i32 of the i64 t3 */
    EXPECT_BAD_AT(k, 11, "PUT.i32 of an i64");
}

TEST(irverify, cas_types)
{
    Blk k;
    good(&k);
    u32 at = add_before_exit(&k, (IrOp){.opc = IR_CAS, .a = 1, .b = 8, .c = 6}, IR_I32);
    u32 bad;
    EXPECT_STREQ(NULL, verify(&k, &bad), "CAS.i32 is fine (op %u)", bad);
    k.ops[at].c = 3; /* desired is an i64 */
    EXPECT_BAD_AT(k, at, "CAS.i32 with an i64 desired value");
    good(&k);
    at = add_before_exit(&k, (IrOp){.opc = IR_CAS, .a = 1, .b = 3, .c = 6}, IR_I32);
    EXPECT_BAD_AT(k, at, "CAS.i32 with an i64 expected value");
    good(&k);
    at = add_before_exit(&k, (IrOp){.opc = IR_CAS, .a = 1, .b = 7, .c = 5}, IR_V128);
    EXPECT_STREQ(NULL, verify(&k, &bad), "CAS.v128 (CMPXCHG16B) is fine (op %u)", bad);
    k.ops[at].c = 3;
    EXPECT_BAD_AT(k, at, "CAS.v128 with an i64 desired value");
    good(&k);
    at = add_before_exit(&k, (IrOp){.opc = IR_CAS, .a = 6, .b = 8, .c = 8}, IR_I32);
    EXPECT_BAD_AT(k, at, "CAS at an i32 address");
}

TEST(irverify, conversions)
{
    Blk k;
    good(&k);
    k.ops[6].opc = IR_ZEXT; /* ZEXT i64 -> i32 narrows */
    EXPECT_BAD_AT(k, 6, "ZEXT to a narrower type");
    good(&k);
    k.ops[6].aux = IR_I16; /* says i16, operand is i64 */
    EXPECT_BAD_AT(k, 6, "conversion whose aux is not its operand's type");
    good(&k);
    k.ops[6].type = IR_I64; /* TRUNC i64 -> i64 */
    k.types[6] = IR_I64;
    EXPECT_BAD_AT(k, 6, "TRUNC to the same width");
    good(&k);
    u32 at = add_before_exit(&k, (IrOp){.opc = IR_SEXT, .aux = IR_I32, .a = 6}, IR_V128);
    EXPECT_BAD_AT(k, at, "SEXT to v128");
    good(&k);
    at = add_before_exit(&k, (IrOp){.opc = IR_ZEXT, .aux = IR_I32, .a = 6}, IR_V128);
    u32 bad;
    EXPECT_STREQ(NULL, verify(&k, &bad), "ZEXT i32 -> v128 is fine (op %u)", bad);
}

TEST(irverify, select_types)
{
    Blk k;
    good(&k);
    u32 at = add_before_exit(&k, (IrOp){.opc = IR_SELECT, .a = 4, .b = 1, .c = 3}, IR_I64);
    u32 bad;
    EXPECT_STREQ(NULL, verify(&k, &bad), "SELECT is fine (op %u)", bad);
    k.ops[at].a = 1; /* i64 condition */
    EXPECT_BAD_AT(k, at, "SELECT on an i64");
    k.ops[at].a = 4;
    k.ops[at].c = 6; /* arms of different types */
    EXPECT_BAD_AT(k, at, "SELECT of i64 and i32");
}

TEST(irverify, vector_lanes)
{
    Blk k;
    good(&k);
    u32 at = add_before_exit(&k, (IrOp){.opc = IR_EXTRACT, .a = 7, .imm = 8}, IR_I64);
    u32 bad;
    EXPECT_STREQ(NULL, verify(&k, &bad), "EXTRACT.i64 @8 is fine (op %u)", bad);
    k.ops[at].imm = 12;
    EXPECT_BAD_AT(k, at, "EXTRACT.i64 @12 runs past the vector");
    k.ops[at].imm = 0;
    k.ops[at].a = 3;
    EXPECT_BAD_AT(k, at, "EXTRACT from an i64");
    good(&k);
    k.ops[7].imm = 13; /* INSERT of an i32 at byte 13 */
    EXPECT_BAD_AT(k, 7, "INSERT.i32 @13 runs past the vector");
}

/* ---- rule 4: guest state bounds ---- */

TEST(irverify, state_offsets_in_range)
{
    Blk k;
    good(&k);
    k.ops[1].imm = sizeof(TState) - 4; /* an i64 GET straddling the end */
    EXPECT_BAD_AT(k, 1, "GET past the end of the state");
    good(&k);
    k.ops[8].imm = sizeof(TState); /* v128 PUT just after the end */
    EXPECT_BAD_AT(k, 8, "PUT past the end of the state");
    good(&k);
    k.ops[1].imm = sizeof(TState) - 8; /* the last i64: fine */
    u32 bad;
    EXPECT_STREQ(NULL, verify(&k, &bad), "last slot is in range (op %u)", bad);
}

/* ---- rule 5: exits ---- */

TEST(irverify, exit_operand_types)
{
    Blk k;
    good(&k);
    k.ops[12].a = 3; /* EXIT_IF on an i64 */
    EXPECT_BAD_AT(k, 12, "EXIT_IF on an i64");
    good(&k);
    k.ops[13] = (IrOp){.opc = IR_EXIT_IND, .aux = IR_EXIT_RET, .a = 6};
    EXPECT_BAD_AT(k, 13, "EXIT_IND to an i32");
    k.ops[13].a = 3;
    u32 bad;
    EXPECT_STREQ(NULL, verify(&k, &bad), "EXIT_IND to an i64 is fine (op %u)", bad);
}

TEST(irverify, exit_only_at_the_end)
{
    Blk k;
    good(&k);
    k.ops[11] = (IrOp){.opc = IR_EXIT, .aux = IR_EXIT_JUMP, .imm = 0x3000};
    EXPECT_BAD_AT(k, 11, "EXIT in the middle");
    good(&k);
    k.nops--; /* drop the final EXIT: ends with EXIT_IF */
    EXPECT_BAD_AT(k, k.nops - 1, "no final exit");
    good(&k);
    k.ops[13] = (IrOp){.opc = IR_NOP};
    EXPECT_BAD_AT(k, 13, "ends with a NOP");
}

TEST(irverify, empty_block)
{
    Blk k;
    good(&k);
    k.nops = 0;
    u32 bad;
    EXPECT_TRUE(verify(&k, &bad) != NULL);
}

TEST(irverify, unknown_opcode)
{
    Blk k;
    good(&k);
    k.ops[3].opc = IR_NOPCODES; /* first value past the table */
    EXPECT_BAD_AT(k, 3, "opcode IR_NOPCODES");
    good(&k);
    k.ops[3].opc = 0xff;
    EXPECT_BAD_AT(k, 3, "opcode 0xff");
}
