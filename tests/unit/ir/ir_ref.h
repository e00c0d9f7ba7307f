/*
 * ir_ref.h — the meaning of the scalar IR ops written a second time, in
 * plain C on C's own fixed-width types, for the unit tests of the folder
 * (builder_test.c) and the interpreter (interp_test.c).
 *
 * This file deliberately shares nothing with src/ir/ir_eval.h: the builder
 * and the interpreter both use ir_eval.h, so checking one against the other
 * would only prove they agree.  Here each op is the C expression a reader
 * would write from the spec in ir_ops.def (count modulo the width for
 * shifts, MIN / -1 wraps, CLZ/CTZ of 0 is the width...), with bit-by-bit
 * loops where C has no operator.
 *
 * Also: the edge values every op is tried on, per width.
 */
#ifndef UE_TEST_IR_REF_H
#define UE_TEST_IR_REF_H

#include "ir/ir.h"

#include <stdlib.h>

/* Every binary op the tests try: arithmetic, logic, shifts, comparisons. */
static const IrOpcode ref_binops[] = {
    IR_ADD, IR_SUB, IR_MUL, IR_MULHU, IR_MULHS, IR_DIVU, IR_DIVS, IR_REMU, IR_REMS,
    IR_AND, IR_OR, IR_XOR, IR_ANDN, IR_SHL, IR_SHR, IR_SAR, IR_ROL, IR_ROR,
    IR_CMPEQ, IR_CMPNE, IR_CMPLTU, IR_CMPLEU, IR_CMPLTS, IR_CMPLES,
};
static const IrOpcode ref_unops[] = {IR_NOT, IR_NEG, IR_CLZ, IR_CTZ, IR_POPCNT, IR_BSWAP};
static const IrType ref_int_types[] = {IR_I8, IR_I16, IR_I32, IR_I64};

static inline bool ref_is_div(IrOpcode op)
{
    return op == IR_DIVU || op == IR_DIVS || op == IR_REMU || op == IR_REMS;
}

static inline bool ref_is_cmp(IrOpcode op) { return op >= IR_CMPEQ && op <= IR_CMPLES; }

/* Interesting values of a bits-wide type: zero, one, small, the sign
 * boundary on both sides, all ones, alternating patterns, values that make
 * shift counts wrap. */
static inline unsigned ref_edge_values(unsigned bits, u64 *out)
{
    u64 m = bits == 64 ? ~0ull : (1ull << bits) - 1;
    u64 msb = 1ull << (bits - 1);
    u64 v[] = {0, 1, 2, 3, 7, (u64)bits - 1, bits, (u64)bits + 1, 0x5a,
               msb - 1, msb, msb + 1, m, m - 1, 0x5555555555555555ull, 0xaaaaaaaaaaaaaaaaull,
               0x0123456789abcdefull, 0xfedcba9876543210ull};
    unsigned n = 0;
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++)
        out[n++] = v[i] & m;
    return n;
}

#define REF_BINOP(UT, ST, BITS)                                                \
    do {                                                                       \
        UT a = (UT)x, b = (UT)y;                                               \
        unsigned n = (unsigned)(y % (BITS));                                   \
        switch (op) {                                                          \
        case IR_ADD: return (UT)(a + b);                                       \
        case IR_SUB: return (UT)(a - b);                                       \
        case IR_MUL: return (UT)((u64)a * (u64)b);                             \
        case IR_MULHU:                                                         \
            return (UT)(((unsigned __int128)a * b) >> (BITS));                 \
        case IR_MULHS:                                                         \
            return (UT)(u64)(((__int128)(ST)a * (ST)b) >> (BITS));             \
        case IR_DIVU: return (UT)(a / b);                                      \
        case IR_REMU: return (UT)(a % b);                                      \
        case IR_DIVS:                                                          \
            if ((ST)b == -1)                                                   \
                return (UT)(0 - (u64)a); /* MIN / -1 wraps to MIN */           \
            return (UT)((ST)a / (ST)b);                                        \
        case IR_REMS:                                                          \
            if ((ST)b == -1)                                                   \
                return 0;                                                      \
            return (UT)((ST)a % (ST)b);                                        \
        case IR_AND: return (UT)(a & b);                                       \
        case IR_OR: return (UT)(a | b);                                        \
        case IR_XOR: return (UT)(a ^ b);                                       \
        case IR_ANDN: return (UT)(~a & b);                                     \
        case IR_SHL: return (UT)((u64)a << n);                                 \
        case IR_SHR: return (UT)(a >> n);                                      \
        case IR_SAR: return (UT)((ST)a >> n);                                  \
        case IR_ROL: return n ? (UT)(((u64)a << n) | (a >> ((BITS) - n))) : a; \
        case IR_ROR: return n ? (UT)((a >> n) | ((u64)a << ((BITS) - n))) : a; \
        case IR_CMPEQ: return a == b;                                          \
        case IR_CMPNE: return a != b;                                          \
        case IR_CMPLTU: return a < b;                                          \
        case IR_CMPLEU: return a <= b;                                         \
        case IR_CMPLTS: return (ST)a < (ST)b;                                  \
        case IR_CMPLES: return (ST)a <= (ST)b;                                 \
        default: abort();                                                      \
        }                                                                      \
    } while (0)

/* op on bits-wide x, y (zero-extended).  Division by zero is the caller's
 * business: the IR says the producer guarantees a non-zero divisor. */
static inline u64 ref_binop(IrOpcode op, unsigned bits, u64 x, u64 y)
{
    switch (bits) {
    case 8: REF_BINOP(uint8_t, int8_t, 8);
    case 16: REF_BINOP(uint16_t, int16_t, 16);
    case 32: REF_BINOP(uint32_t, int32_t, 32);
    case 64: REF_BINOP(uint64_t, int64_t, 64);
    default: abort();
    }
}

static inline u64 ref_unop(IrOpcode op, unsigned bits, u64 x)
{
    u64 m = bits == 64 ? ~0ull : (1ull << bits) - 1;
    u64 r = 0;
    switch (op) {
    case IR_NOT: return ~x & m;
    case IR_NEG: return (0 - x) & m;
    case IR_CLZ:
        for (unsigned i = bits; i-- > 0 && !((x >> i) & 1);)
            r++;
        return r;
    case IR_CTZ:
        for (unsigned i = 0; i < bits && !((x >> i) & 1); i++)
            r++;
        return r;
    case IR_POPCNT:
        for (unsigned i = 0; i < bits; i++)
            r += (x >> i) & 1;
        return r;
    case IR_BSWAP: /* byte i goes to byte (n-1-i); one byte is itself */
        for (unsigned i = 0; i < bits / 8; i++)
            r |= ((x >> (8 * i)) & 0xff) << (8 * (bits / 8 - 1 - i));
        return r;
    default: abort();
    }
}

#endif
