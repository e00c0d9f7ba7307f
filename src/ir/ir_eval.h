/*
 * ir_eval.h — the meaning of every scalar IR operation, written once and
 * used by both the constant folder (ir.c) and the interpreter (interp.c), so
 * folding can never disagree with execution.
 *
 * Values are u64 holding a zero-extended value of the op's type.
 */
#ifndef UE_IR_EVAL_H
#define UE_IR_EVAL_H

#include "ir/ir.h"

static inline u64 ir_sx(u64 v, unsigned bits)
{
    return bits >= 64 ? v : (u64)(((i64)(v << (64 - bits))) >> (64 - bits));
}

static const u8 ir_bits_of[IR_NTYPES] = {
    [IR_VOID] = 0, [IR_I1] = 1, [IR_I8] = 8, [IR_I16] = 16, [IR_I32] = 32,
    [IR_I64] = 64, [IR_F32] = 32, [IR_F64] = 64, [IR_V128] = 128,
};

static inline u64 ir_mask_of(unsigned bits) { return bits >= 64 ? ~0ull : (1ull << bits) - 1; }

static inline u64 ir_mulh(u64 x, u64 y, unsigned bits, bool sign)
{
    if (bits == 64) {
        if (sign)
            return (u64)(((__int128)(i64)x * (__int128)(i64)y) >> 64);
        return (u64)(((unsigned __int128)x * y) >> 64);
    }
    if (sign)
        return (u64)(((i64)ir_sx(x, bits) * (i64)ir_sx(y, bits)) >> bits) & ir_mask_of(bits);
    return ((x * y) >> bits) & ir_mask_of(bits);
}

/* Binary integer op on bits-wide values. */
static inline u64 ir_eval_binop(IrOpcode op, unsigned bits, u64 x, u64 y)
{
    u64 m = ir_mask_of(bits);
    unsigned n;
    switch (op) {
    case IR_ADD: return (x + y) & m;
    case IR_SUB: return (x - y) & m;
    case IR_MUL: return (x * y) & m;
    case IR_MULHU: return ir_mulh(x, y, bits, false);
    case IR_MULHS: return ir_mulh(x, y, bits, true);
    case IR_DIVU: return y ? (x / y) & m : 0;
    case IR_REMU: return y ? (x % y) & m : 0;
    case IR_DIVS: {
        i64 a = (i64)ir_sx(x, bits), d = (i64)ir_sx(y, bits);
        if (d == 0)
            return 0;
        if (d == -1)
            return (u64)(-(u64)a) & m; /* MIN / -1 wraps */
        return (u64)(a / d) & m;
    }
    case IR_REMS: {
        i64 a = (i64)ir_sx(x, bits), d = (i64)ir_sx(y, bits);
        if (d == 0 || d == -1)
            return 0;
        return (u64)(a % d) & m;
    }
    case IR_AND: return x & y;
    case IR_OR: return x | y;
    case IR_XOR: return x ^ y;
    case IR_ANDN: return ~x & y & m;
    case IR_SHL: n = (unsigned)(y % bits); return (x << n) & m;
    case IR_SHR: n = (unsigned)(y % bits); return x >> n;
    case IR_SAR: n = (unsigned)(y % bits); return ((u64)((i64)ir_sx(x, bits) >> n)) & m;
    case IR_ROL:
        n = (unsigned)(y % bits);
        return n ? ((x << n) | (x >> (bits - n))) & m : x;
    case IR_ROR:
        n = (unsigned)(y % bits);
        return n ? ((x >> n) | (x << (bits - n))) & m : x;
    case IR_CMPEQ: return x == y;
    case IR_CMPNE: return x != y;
    case IR_CMPLTU: return x < y;
    case IR_CMPLEU: return x <= y;
    case IR_CMPLTS: return (i64)ir_sx(x, bits) < (i64)ir_sx(y, bits);
    case IR_CMPLES: return (i64)ir_sx(x, bits) <= (i64)ir_sx(y, bits);
    default: return 0;
    }
}

static inline u64 ir_eval_unop(IrOpcode op, unsigned bits, u64 x)
{
    u64 m = ir_mask_of(bits);
    switch (op) {
    case IR_NOT: return ~x & m;
    case IR_NEG: return (0 - x) & m;
    case IR_CLZ: return x ? (u64)(__builtin_clzll(x) - (64 - (int)bits)) : bits;
    case IR_CTZ: return x ? (u64)__builtin_ctzll(x) : bits;
    case IR_POPCNT: return (u64)__builtin_popcountll(x);
    case IR_BSWAP:
        switch (bits) {
        case 16: return __builtin_bswap16((u16)x);
        case 32: return __builtin_bswap32((u32)x);
        case 64: return __builtin_bswap64(x);
        default: return x;
        }
    default: return 0;
    }
}

#endif
