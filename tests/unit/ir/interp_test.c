/*
 * interp_test.c — unit tests of the portable back end (src/ir/interp.c):
 * every IR op run on edge values of every width and compared with plain C
 * (ir_ref.h, or the C expression written in the test); guest state and
 * guest memory accesses of every width, aligned or not; CAS; v128 lanes;
 * helper calls of each signature; side exits and the current-pc slot.
 *
 * Blocks are built with the builder from GETs of a small test guest state,
 * so nothing is folded away: what runs is the op under test.
 */
#include "ir/ir.h"
#include "ir_ref.h"
#include "test.h"

#include <stddef.h>

typedef struct TState {
    u64 r[8];
    u64 pc;
    u8 bytes[16];
    _Alignas(16) V128 v[4];
} TState;

static const IrGuestInfo tguest = {.pc_offset = offsetof(TState, pc), .state_size = sizeof(TState)};
#define R(i) ((u32)offsetof(TState, r) + 8 * (i))
#define V(i) ((u32)offsetof(TState, v) + 16 * (i))

static Arena arena;
static IrBuilder bld;
static IrBuilder *b = &bld;
static TState st;
static IrVal temps[4096];

void SetUp(void)
{
    memset(&st, 0, sizeof st);
    ir_begin(b, &arena, &tguest, 0x1000);
    ir_imark(b, 0x1000, 1);
}
void TearDown(void) { arena_free(&arena); }

/* Input register i as a value of type ty (the low bits of r[i]). */
static u32 in(IrType ty, unsigned i)
{
    u32 t = ir_get(b, IR_I64, R(i));
    return ty == IR_I64 ? t : ir_trunc(b, ty, t);
}

/* r[i] = zero-extended t */
static void out(unsigned i, u32 t)
{
    if (ir_temp_type(b, t) != IR_I64)
        t = ir_zext(b, IR_I64, t);
    ir_put(b, R(i), t);
}

/* End the block with EXIT to 0x2000, verify it, and hand it over. */
static IrBlock *finish(void)
{
    ir_exit(b, 0x2000, IR_EXIT_JUMP);
    IrBlock *blk = ir_finish(b, 1);
    u32 bad = 0;
    const char *err = ir_verify(blk, &tguest, &bad);
    if (err) {
        printf("    block does not verify: %s at op %u\n", err, bad);
        abort();
    }
    return blk;
}

static IrExitKind run(const IrBlock *blk, GuestAddr *cur_pc)
{
    volatile GuestAddr pc = 0;
    IrExitKind k = interp_run(blk, &st, temps, &tguest, &pc);
    if (cur_pc)
        *cur_pc = pc;
    return k;
}

TEST(interp, binops_match_c)
{
    u64 xs[32], ys[32];
    for (unsigned ti = 0; ti < UE_ARRAY_LEN(ref_int_types); ti++) {
        IrType ty = ref_int_types[ti];
        unsigned bits = ir_type_bits(ty);
        unsigned nx = ref_edge_values(bits, xs), ny = ref_edge_values(bits, ys);
        for (unsigned oi = 0; oi < UE_ARRAY_LEN(ref_binops); oi++) {
            IrOpcode op = ref_binops[oi];
            ir_begin(b, &arena, &tguest, 0x1000);
            u32 x = in(ty, 0), y = in(ty, 1);
            out(2, ref_is_cmp(op) ? ir_cmp(b, op, x, y) : ir_binop(b, op, ty, x, y));
            IrBlock *blk = finish();
            for (unsigned i = 0; i < nx; i++)
                for (unsigned j = 0; j < ny; j++) {
                    if (ref_is_div(op) && ys[j] == 0)
                        continue;
                    /* garbage above the type's width must not leak in */
                    st.r[0] = xs[i] | (bits < 64 ? 0xdead0000ull << 32 : 0);
                    st.r[1] = ys[j] | (bits < 64 ? 0xbeef0000ull << 32 : 0);
                    st.r[2] = 0x5a5a5a5a5a5a5a5aull;
                    EXPECT_EQ(IR_EXIT_JUMP, run(blk, NULL));
                    EXPECT_EQ(ref_binop(op, bits, xs[i], ys[j]), st.r[2], "%s.%s %#llx, %#llx", ir_op_names[op],
                              ir_type_names[ty], (unsigned long long)xs[i], (unsigned long long)ys[j]);
                }
            ir_block_free(blk);
            arena_reset(&arena);
        }
    }
}

TEST(interp, shift_count_of_another_type)
{
    /* The count may be narrower than the value (x86 gives CL); it is still
     * taken modulo the value's width. */
    u32 x = in(IR_I32, 0), n = in(IR_I8, 1);
    out(2, ir_shl(b, x, n));
    out(3, ir_sar(b, x, n));
    IrBlock *blk = finish();
    for (u64 c = 0; c < 80; c++) {
        st.r[0] = 0x80000001;
        st.r[1] = c;
        run(blk, NULL);
        EXPECT_EQ((u32)(0x80000001u << (c % 32)), st.r[2], "count %llu", (unsigned long long)c);
        EXPECT_EQ((u32)((i32)0x80000001 >> (c % 32)), st.r[3], "count %llu", (unsigned long long)c);
    }
    ir_block_free(blk);
}

TEST(interp, unops_match_c)
{
    u64 xs[32];
    for (unsigned ti = 0; ti < UE_ARRAY_LEN(ref_int_types); ti++) {
        IrType ty = ref_int_types[ti];
        unsigned bits = ir_type_bits(ty);
        unsigned nx = ref_edge_values(bits, xs);
        for (unsigned oi = 0; oi < UE_ARRAY_LEN(ref_unops); oi++) {
            IrOpcode op = ref_unops[oi];
            ir_begin(b, &arena, &tguest, 0x1000);
            out(2, ir_unop(b, op, ty, in(ty, 0)));
            IrBlock *blk = finish();
            for (unsigned i = 0; i < nx; i++) {
                st.r[0] = xs[i] | (bits < 64 ? 0xf00dull << 48 : 0);
                run(blk, NULL);
                EXPECT_EQ(ref_unop(op, bits, xs[i]), st.r[2], "%s.%s %#llx", ir_op_names[op], ir_type_names[ty],
                          (unsigned long long)xs[i]);
            }
            ir_block_free(blk);
            arena_reset(&arena);
        }
    }
}

/* C's own conversion of x (a from-bits value) to to-bits. */
static u64 c_convert(IrOpcode op, unsigned from, unsigned to, u64 x)
{
    i64 s;
    switch (from) {
    case 1: s = x ? -1 : 0; break;
    case 8: s = (int8_t)x; break;
    case 16: s = (int16_t)x; break;
    case 32: s = (int32_t)x; break;
    default: s = (i64)x; break;
    }
    u64 v = op == IR_SEXT ? (u64)s : x;
    switch (to) {
    case 1: return v & 1;
    case 8: return (uint8_t)v;
    case 16: return (uint16_t)v;
    case 32: return (uint32_t)v;
    default: return v;
    }
}

TEST(interp, conversions_match_c)
{
    static const IrType types[] = {IR_I1, IR_I8, IR_I16, IR_I32, IR_I64};
    static const IrOpcode ops[] = {IR_ZEXT, IR_SEXT, IR_TRUNC};
    u64 xs[32];
    for (unsigned f = 0; f < 5; f++)
        for (unsigned t = 0; t < 5; t++)
            for (unsigned o = 0; o < 3; o++) {
                IrType from = types[f], to = types[t];
                unsigned fb = ir_type_bits(from), tb = ir_type_bits(to);
                if (fb == tb || (ops[o] == IR_TRUNC) != (tb < fb))
                    continue;
                ir_begin(b, &arena, &tguest, 0x1000);
                u32 x = in(from, 0);
                out(2, ops[o] == IR_ZEXT ? ir_zext(b, to, x) : ops[o] == IR_SEXT ? ir_sext(b, to, x)
                                                                                 : ir_trunc(b, to, x));
                IrBlock *blk = finish();
                unsigned nx = fb == 1 ? 2 : ref_edge_values(fb, xs);
                if (fb == 1)
                    xs[0] = 0, xs[1] = 1;
                for (unsigned i = 0; i < nx; i++) {
                    st.r[0] = xs[i];
                    run(blk, NULL);
                    EXPECT_EQ(c_convert(ops[o], fb, tb, xs[i]), st.r[2], "%s %s->%s %#llx", ir_op_names[ops[o]],
                              ir_type_names[from], ir_type_names[to], (unsigned long long)xs[i]);
                }
                ir_block_free(blk);
                arena_reset(&arena);
            }
}

TEST(interp, select_int_and_vector)
{
    u32 c = ir_cmp(b, IR_CMPLTS, in(IR_I16, 0), in(IR_I16, 1));
    out(2, ir_select(b, c, ir_get(b, IR_I64, R(3)), ir_get(b, IR_I64, R(4))));
    ir_put(b, V(2), ir_select(b, c, ir_get(b, IR_V128, V(0)), ir_get(b, IR_V128, V(1))));
    IrBlock *blk = finish();
    st.r[3] = 33, st.r[4] = 44;
    st.v[0] = (V128){1, 2}, st.v[1] = (V128){3, 4};
    st.r[0] = 0x8000, st.r[1] = 1; /* -32768 < 1 */
    run(blk, NULL);
    EXPECT_EQ(33, st.r[2]);
    EXPECT_EQ(1, st.v[2].lo);
    EXPECT_EQ(2, st.v[2].hi);
    st.r[0] = 2, st.r[1] = 0xffff; /* 2 < -1 is false */
    run(blk, NULL);
    EXPECT_EQ(44, st.r[2]);
    EXPECT_EQ(3, st.v[2].lo);
    EXPECT_EQ(4, st.v[2].hi);
    ir_block_free(blk);
}

TEST(interp, vector_logic_matches_c)
{
    u32 x = ir_get(b, IR_V128, V(0)), y = ir_get(b, IR_V128, V(1));
    ir_put(b, V(2), ir_binop(b, IR_AND, IR_V128, x, y));
    ir_put(b, V(3), ir_binop(b, IR_ANDN, IR_V128, x, y));
    out(0, ir_extract(b, IR_I64, ir_binop(b, IR_OR, IR_V128, x, y), 0));
    out(1, ir_extract(b, IR_I64, ir_binop(b, IR_XOR, IR_V128, x, y), 8));
    out(2, ir_extract(b, IR_I64, ir_unop(b, IR_NOT, IR_V128, x), 8));
    IrBlock *blk = finish();
    V128 a = {0x0123456789abcdefull, 0xfedcba9876543210ull}, c = {0xff00ff00ff00ff00ull, 0x0f0f0f0f0f0f0f0full};
    st.v[0] = a, st.v[1] = c;
    run(blk, NULL);
    EXPECT_EQ(a.lo & c.lo, st.v[2].lo);
    EXPECT_EQ(a.hi & c.hi, st.v[2].hi);
    EXPECT_EQ(~a.lo & c.lo, st.v[3].lo);
    EXPECT_EQ(~a.hi & c.hi, st.v[3].hi);
    EXPECT_EQ(a.lo | c.lo, st.r[0]);
    EXPECT_EQ(a.hi ^ c.hi, st.r[1]);
    EXPECT_EQ(~a.hi, st.r[2]);
    ir_block_free(blk);
}

TEST(interp, vector_lanes_match_memcpy)
{
    static const IrType types[] = {IR_I8, IR_I16, IR_I32, IR_I64};
    u8 src[16], want[16];
    for (unsigned i = 0; i < 16; i++)
        src[i] = (u8)(0x11 * i + 3);
    for (unsigned ti = 0; ti < 4; ti++) {
        unsigned n = ir_type_bits(types[ti]) / 8;
        for (unsigned off = 0; off + n <= 16; off++) {
            ir_begin(b, &arena, &tguest, 0x1000);
            u32 v = ir_get(b, IR_V128, V(0));
            out(0, ir_extract(b, types[ti], v, off));
            ir_put(b, V(1), ir_insert(b, v, in(types[ti], 1), off));
            IrBlock *blk = finish();
            memcpy(&st.v[0], src, 16);
            st.r[1] = 0xa1b2c3d4e5f60718ull;
            run(blk, NULL);
            u64 lane = 0;
            memcpy(&lane, src + off, n);
            EXPECT_EQ(lane, st.r[0], "EXTRACT.%s @%u", ir_type_names[types[ti]], off);
            memcpy(want, src, 16);
            memcpy(want + off, &st.r[1], n);
            EXPECT_EQ(0, memcmp(want, &st.v[1], 16), "INSERT.%s @%u", ir_type_names[types[ti]], off);
            EXPECT_EQ(0, memcmp(src, &st.v[0], 16), "INSERT.%s @%u changed its source", ir_type_names[types[ti]], off);
            ir_block_free(blk);
            arena_reset(&arena);
        }
    }
}

TEST(interp, zext_to_vector_and_trunc_back)
{
    u32 v = ir_zext(b, IR_V128, in(IR_I32, 0));
    ir_put(b, V(1), v);
    out(1, ir_trunc(b, IR_I16, ir_get(b, IR_V128, V(0))));
    IrBlock *blk = finish();
    st.r[0] = 0xffffffff87654321ull;
    st.v[0] = (V128){0x1111222233334444ull, 0x5555666677778888ull};
    st.v[1] = (V128){~0ull, ~0ull};
    run(blk, NULL);
    EXPECT_EQ(0x87654321, st.v[1].lo);
    EXPECT_EQ(0, st.v[1].hi);
    EXPECT_EQ(0x4444, st.r[1]);
    ir_block_free(blk);
}

TEST(interp, state_access_widths)
{
    /* PUT of a narrow type writes only its bytes; GET reads only them. */
    static const IrType types[] = {IR_I8, IR_I16, IR_I32, IR_I64};
    for (unsigned ti = 0; ti < 4; ti++) {
        unsigned n = ir_type_bits(types[ti]) / 8;
        ir_begin(b, &arena, &tguest, 0x1000);
        u32 off = (u32)offsetof(TState, bytes) + 3;
        u32 g = ir_get(b, types[ti], off);
        out(0, g);
        ir_put(b, off, ir_trunc(b, types[ti], ir_get(b, IR_I64, R(1))));
        IrBlock *blk = finish();
        u8 before[16];
        for (unsigned i = 0; i < 16; i++)
            st.bytes[i] = before[i] = (u8)(0xc0 + i);
        st.r[1] = 0x0102030405060708ull;
        run(blk, NULL);
        u64 want = 0;
        memcpy(&want, before + 3, n);
        EXPECT_EQ(want, st.r[0], "GET.%s", ir_type_names[types[ti]]);
        memcpy(before + 3, &st.r[1], n);
        EXPECT_EQ(0, memcmp(before, st.bytes, 16), "PUT.%s touched other bytes", ir_type_names[types[ti]]);
        ir_block_free(blk);
        arena_reset(&arena);
    }
}

TEST(interp, memory_access_widths_unaligned)
{
    /* Guest memory is reached through the host address (identity). */
    static const IrType types[] = {IR_I8, IR_I16, IR_I32, IR_I64, IR_V128};
    static u8 mem[64];
    for (unsigned ti = 0; ti < 5; ti++)
        for (unsigned off = 0; off < 9; off++) {
            unsigned n = types[ti] == IR_V128 ? 16 : ir_type_bits(types[ti]) / 8;
            ir_begin(b, &arena, &tguest, 0x1000);
            u32 addr = ir_get(b, IR_I64, R(0));
            u32 l = ir_load(b, types[ti], addr);
            if (types[ti] == IR_V128)
                ir_put(b, V(0), l);
            else
                out(1, l);
            u32 a2 = ir_add(b, addr, ir_const(b, IR_I64, 24));
            ir_store(b, a2, types[ti] == IR_V128 ? ir_get(b, IR_V128, V(1)) : in(types[ti], 2));
            IrBlock *blk = finish();
            u8 want[64];
            for (unsigned i = 0; i < 64; i++)
                mem[i] = want[i] = (u8)(i * 7 + 1);
            st.r[0] = (u64)(uintptr_t)(mem + off);
            st.r[2] = 0x8877665544332211ull;
            st.v[1] = (V128){0x8877665544332211ull, 0x1020304050607080ull};
            run(blk, NULL);
            if (types[ti] == IR_V128) {
                EXPECT_EQ(0, memcmp(&st.v[0], mem + off, 16), "LOAD.v128 @+%u", off);
                memcpy(want + off + 24, &st.v[1], 16);
            } else {
                u64 v = 0;
                memcpy(&v, mem + off, n);
                EXPECT_EQ(v, st.r[1], "LOAD.%s @+%u", ir_type_names[types[ti]], off);
                memcpy(want + off + 24, &st.r[2], n);
            }
            EXPECT_EQ(0, memcmp(want, mem, 64), "STORE.%s @+%u wrote the wrong bytes", ir_type_names[types[ti]],
                      off + 24);
            ir_block_free(blk);
            arena_reset(&arena);
        }
}

TEST(interp, cas_success_and_failure)
{
    static const IrType types[] = {IR_I8, IR_I16, IR_I32, IR_I64};
    static u8 mem[32];
    for (unsigned ti = 0; ti < 4; ti++) {
        IrType ty = types[ti];
        unsigned n = ir_type_bits(ty) / 8;
        ir_begin(b, &arena, &tguest, 0x1000);
        out(3, ir_cas(b, ir_get(b, IR_I64, R(0)), in(ty, 1), in(ty, 2)));
        IrBlock *blk = finish();
        for (int hit = 0; hit < 2; hit++) {
            u8 want[32];
            for (unsigned i = 0; i < 32; i++)
                mem[i] = want[i] = (u8)(0x90 + i);
            u64 cur = 0;
            memcpy(&cur, mem + 5, n);
            st.r[0] = (u64)(uintptr_t)(mem + 5); /* unaligned, as LOCK allows */
            st.r[1] = hit ? cur : cur ^ 1;
            st.r[2] = 0x0f1e2d3c4b5a6978ull;
            run(blk, NULL);
            EXPECT_EQ(cur, st.r[3], "CAS.%s %s returns the old value", ir_type_names[ty], hit ? "hit" : "miss");
            if (hit)
                memcpy(want + 5, &st.r[2], n);
            EXPECT_EQ(0, memcmp(want, mem, 32), "CAS.%s %s", ir_type_names[ty], hit ? "stores" : "leaves memory");
        }
        ir_block_free(blk);
        arena_reset(&arena);
    }
}

TEST(interp, cas_v128)
{
    /* 16 bytes at once (CMPXCHG16B): all of them compared, all stored */
    static _Alignas(16) u8 mem[48];
    ir_put(b, V(3), ir_cas(b, ir_get(b, IR_I64, R(0)), ir_get(b, IR_V128, V(1)), ir_get(b, IR_V128, V(2))));
    IrBlock *blk = finish();
    for (int mode = 0; mode < 3; mode++) {
        u8 want[48];
        for (unsigned i = 0; i < 48; i++)
            mem[i] = want[i] = (u8)(0x31 * i + 5);
        V128 cur;
        memcpy(&cur, mem + 16, 16);
        st.r[0] = (u64)(uintptr_t)(mem + 16);
        st.v[1] = cur;
        if (mode == 1)
            st.v[1].hi ^= 1ull << 63; /* differs only in the high half */
        if (mode == 2)
            st.v[1].lo ^= 1; /* differs only in the low half */
        st.v[2] = (V128){0x1111111111111111ull, 0x2222222222222222ull};
        run(blk, NULL);
        EXPECT_EQ(cur.lo, st.v[3].lo, "mode %d: old value, low half", mode);
        EXPECT_EQ(cur.hi, st.v[3].hi, "mode %d: old value, high half", mode);
        if (mode == 0)
            memcpy(want + 16, &st.v[2], 16);
        EXPECT_EQ(0, memcmp(want, mem, 48), "mode %d: memory after CAS.v128", mode);
    }
    ir_block_free(blk);
}

TEST(interp, exits_and_current_pc)
{
    u32 c = ir_cmp(b, IR_CMPEQ, in(IR_I64, 0), ir_const(b, IR_I64, 7));
    ir_imark(b, 0x1001, 2);
    ir_exit_if(b, c, 0x5000, IR_EXIT_CALL);
    out(1, ir_const(b, IR_I64, 1)); /* only when the side exit is not taken */
    ir_imark(b, 0x1003, 2);
    ir_exit_ind(b, ir_get(b, IR_I64, R(2)), IR_EXIT_RET);
    IrBlock *blk = ir_finish(b, 5);
    u32 bad = 0;
    ASSERT_STREQ(NULL, ir_verify(blk, &tguest, &bad), "op %u", bad);
    GuestAddr pc = 0;
    st.r[0] = 7;
    EXPECT_EQ(IR_EXIT_CALL, run(blk, &pc));
    EXPECT_EQ(0x5000, st.pc);
    EXPECT_EQ(0x1001, pc);
    EXPECT_EQ(0, st.r[1]);
    st.r[0] = 8;
    st.r[2] = 0x123456789aull;
    EXPECT_EQ(IR_EXIT_RET, run(blk, &pc));
    EXPECT_EQ(0x123456789aull, st.pc);
    EXPECT_EQ(0x1003, pc);
    EXPECT_EQ(1, st.r[1]);
    ir_block_free(blk);
}

/* ---- helpers: one of each signature; each checks env and arguments ---- */

static u64 h_ii(void *env, u64 a, u64 b2, u64 c) { return (env == &st) * 0x100000000ull + a * 3 + b2 * 5 + c * 7 + 0x1ff; }
static V128 h_vv(void *env, V128 a, V128 b2, V128 c)
{
    return (V128){a.lo ^ b2.hi ^ c.lo, (u64)(env == &st)};
}
static u64 h_iv(void *env, V128 a, V128 b2, V128 c) { return a.hi + b2.lo + c.hi + (env == &st); }
static V128 h_vi(void *env, u64 a, u64 b2, u64 c) { return (V128){a - b2, c + (env == &st)}; }
static u64 h_writes(void *env, u64 a, u64 b2, u64 c)
{
    ((TState *)env)->r[7] = a + 1;
    return 0;
}

static const IrHelper hh_ii = {.name = "ii", .fn = (void *)h_ii, .sig = IRH_I_I, .nargs = 3};
static const IrHelper hh_vv = {.name = "vv", .fn = (void *)h_vv, .sig = IRH_V_V, .nargs = 3};
static const IrHelper hh_iv = {.name = "iv", .fn = (void *)h_iv, .sig = IRH_I_V, .nargs = 3};
static const IrHelper hh_vi = {.name = "vi", .fn = (void *)h_vi, .sig = IRH_V_I, .nargs = 3};
static const IrHelper hh_writes = {.name = "writes", .fn = (void *)h_writes, .sig = IRH_I_I, .flags = IRH_WRITES_STATE, .nargs = 1};

TEST(interp, helper_calls)
{
    u32 x = in(IR_I64, 0), y = in(IR_I64, 1), z = in(IR_I64, 2);
    u32 v0 = ir_get(b, IR_V128, V(0)), v1 = ir_get(b, IR_V128, V(1)), v2 = ir_get(b, IR_V128, V(2));
    out(3, ir_call(b, &hh_ii, IR_I64, x, y, z));
    out(4, ir_call(b, &hh_ii, IR_I8, x, y, z)); /* result truncated to i8 */
    ir_put(b, V(3), ir_call(b, &hh_vv, IR_V128, v0, v1, v2));
    out(5, ir_call(b, &hh_iv, IR_I64, v0, v1, v2));
    out(6, ir_extract(b, IR_I64, ir_call(b, &hh_vi, IR_V128, x, y, z), 8));
    ir_call(b, &hh_writes, IR_VOID, z, 0, 0);
    IrBlock *blk = finish();
    st.r[0] = 10, st.r[1] = 20, st.r[2] = 30;
    st.v[0] = (V128){1, 2}, st.v[1] = (V128){3, 4}, st.v[2] = (V128){5, 6};
    run(blk, NULL);
    u64 ii = h_ii(&st, 10, 20, 30);
    EXPECT_EQ(ii, st.r[3]);
    EXPECT_EQ(ii & 0xff, st.r[4]);
    EXPECT_EQ(1 ^ 4 ^ 5, st.v[3].lo);
    EXPECT_EQ(1, st.v[3].hi, "env pointer");
    EXPECT_EQ(2 + 3 + 6 + 1, st.r[5]);
    EXPECT_EQ(31, st.r[6]);
    EXPECT_EQ(31, st.r[7]);
    ir_block_free(blk);
}
