/*
 * helpers.c — the x86 guest's integer helpers (flags evaluation, CPUID,
 * RDTSC, 128-bit division), the guest-state description the IR printer uses,
 * and RFLAGS assembly.
 *
 * Helpers follow ir.h's contract: they compute, read or write guest state
 * through env, and never touch guest memory or longjmp.
 */
#include "arch/x86/x86_priv.h"

#include <stdio.h>
#include <time.h>

/* ---- the flags thunk in C ---- */

static u64 parity_flag(u64 v) { return (__builtin_popcountll(v & 0xff) & 1) ? 0 : X86_PF; }

u64 x86_cc_eflags(u64 op, u64 dst, u64 src, u64 src2)
{
    unsigned kind = (unsigned)op & ~3u;
    unsigned bits = 8u << (op & 3);
    u64 mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
    u64 msb = 1ull << (bits - 1);
    u64 f = 0, src1;
    if (kind == CC_OP_EFLAGS) /* before the masking below: OF is bit 11 */
        return src & X86_ARITH_FLAGS;
    dst &= mask;
    src &= mask;
    if (kind != CC_OP_RESULT) {
        f |= parity_flag(dst);
        f |= dst == 0 ? X86_ZF : 0;
        f |= (dst & msb) ? X86_SF : 0;
    }
    switch (kind) {
    case CC_OP_ADD:
    case CC_OP_ADC: {
        u64 cin = kind == CC_OP_ADC ? (src2 & 1) : 0;
        src1 = (dst - src - cin) & mask;
        f |= (cin ? dst <= src1 : dst < src1) ? X86_CF : 0;
        f |= ((src1 ^ dst) & (src ^ dst) & msb) ? X86_OF : 0;
        f |= (src1 ^ src ^ dst) & X86_AF;
        break;
    }
    case CC_OP_SUB:
    case CC_OP_SBB: {
        u64 bin = kind == CC_OP_SBB ? (src2 & 1) : 0;
        src1 = (dst + src + bin) & mask;
        f |= (bin ? src1 <= src : src1 < src) ? X86_CF : 0;
        f |= ((src1 ^ src) & (src1 ^ dst) & msb) ? X86_OF : 0;
        f |= (src1 ^ src ^ dst) & X86_AF;
        break;
    }
    case CC_OP_LOGIC:
        break;
    case CC_OP_INC:
        f |= src & 1 ? X86_CF : 0;
        f |= dst == msb ? X86_OF : 0;
        f |= (dst & 0xf) == 0 ? X86_AF : 0;
        break;
    case CC_OP_DEC:
        f |= src & 1 ? X86_CF : 0;
        f |= dst == msb - 1 ? X86_OF : 0;
        f |= (dst & 0xf) == 0xf ? X86_AF : 0;
        break;
    case CC_OP_SHL:
        f |= (src & msb) ? X86_CF : 0;
        f |= ((src & msb) != 0) != ((dst & msb) != 0) ? X86_OF : 0;
        break;
    case CC_OP_SHR:
        f |= src & 1 ? X86_CF : 0;
        f |= (src & msb) ? X86_OF : 0;
        break;
    case CC_OP_SAR:
        f |= src & 1 ? X86_CF : 0;
        break;
    case CC_OP_MUL:
        f |= src ? X86_CF | X86_OF : 0;
        break;
    case CC_OP_RESULT:
        f |= parity_flag(dst);
        f |= dst == 0 ? X86_ZF : 0;
        f |= (dst & msb) ? X86_SF : 0;
        f |= src & (X86_CF | X86_AF | X86_OF);
        break;
    }
    return f;
}

static bool cond_of_flags(u64 f, unsigned cc)
{
    bool r;
    switch (cc >> 1) {
    case 0: r = f & X86_OF; break;
    case 1: r = f & X86_CF; break;
    case 2: r = f & X86_ZF; break;
    case 3: r = f & (X86_CF | X86_ZF); break;
    case 4: r = f & X86_SF; break;
    case 5: r = f & X86_PF; break;
    case 6: r = !(f & X86_SF) != !(f & X86_OF); break;
    default: r = (f & X86_ZF) || (!(f & X86_SF) != !(f & X86_OF)); break;
    }
    return (cc & 1) ? !r : r;
}

static u64 h_cc_eflags(void *env, u64 a, u64 b, u64 c)
{
    (void)a, (void)b, (void)c;
    X86Regs *r = env;
    return x86_cc_eflags(r->cc_op, r->cc_dst, r->cc_src, r->cc_src2);
}

static u64 h_cc_cond(void *env, u64 cc, u64 b, u64 c)
{
    (void)b, (void)c;
    X86Regs *r = env;
    return cond_of_flags(x86_cc_eflags(r->cc_op, r->cc_dst, r->cc_src, r->cc_src2), (unsigned)cc);
}

u64 x86_get_rflags(const X86Regs *r)
{
    u64 f = x86_cc_eflags(r->cc_op, r->cc_dst, r->cc_src, r->cc_src2);
    return f | (r->df ? X86_DF : 0) | r->eflags_hi | 2 | X86_IF;
}

void x86_set_rflags(X86Regs *r, u64 rflags)
{
    r->cc_op = CC_OP_EFLAGS;
    r->cc_src = rflags & X86_ARITH_FLAGS;
    r->cc_dst = 0;
    r->df = (rflags & X86_DF) != 0;
    r->eflags_hi = rflags & (X86_AC | X86_ID | X86_TF);
}

/* ---- CPUID and time ---- */

static u64 h_cpuid(void *env, u64 a, u64 b, u64 c)
{
    (void)a, (void)b, (void)c;
    X86Regs *r = env;
    u32 out[4];
    x86_cpuid((u32)r->gpr[X86_RAX], (u32)r->gpr[X86_RCX], out);
    r->gpr[X86_RAX] = out[0];
    r->gpr[X86_RBX] = out[1];
    r->gpr[X86_RCX] = out[2];
    r->gpr[X86_RDX] = out[3];
    return 0;
}

/* A time-stamp counter ticking at a nominal 3 GHz from CLOCK_MONOTONIC:
 * monotonic and roughly the rate programs expect, without host-specific
 * instructions. */
static u64 h_rdtsc(void *env, u64 a, u64 b, u64 c)
{
    (void)env, (void)a, (void)b, (void)c;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec) * 3;
}

/* ---- 128-by-64 division (DIV/IDIV r/m64); the lifter has already ruled
 * out #DE, so these never fail ---- */

static V128 h_div128u(void *env, u64 hi, u64 lo, u64 d)
{
    (void)env;
    unsigned __int128 n = ((unsigned __int128)hi << 64) | lo;
    return (V128){(u64)(n / d), (u64)(n % d)};
}

static V128 h_div128s(void *env, u64 hi, u64 lo, u64 d)
{
    (void)env;
    __int128 n = (__int128)(((unsigned __int128)hi << 64) | lo);
    __int128 q = n / (i64)d, rem = n % (i64)d;
    return (V128){(u64)q, (u64)rem};
}

/* 1 if IDIV r/m64 of hi:lo by d raises #DE (zero divisor or a quotient
 * outside int64). */
static u64 h_idiv128_fault(void *env, u64 hi, u64 lo, u64 d)
{
    (void)env;
    if (d == 0)
        return 1;
    __int128 n = (__int128)(((unsigned __int128)hi << 64) | lo);
    if ((i64)d == -1) /* q = -n must fit (and n / -1 could trap on the host) */
        return n < -(__int128)INT64_MAX || n > (__int128)INT64_MAX + 1;
    __int128 q = n / (i64)d;
    return q > INT64_MAX || q < INT64_MIN;
}

/* RCL/RCR of v (size bytes) through carry cf; arg = count | right << 8 |
 * size << 16, count already masked to 5/6 bits.  Returns {result,
 * CF | OF << 11}. */
static V128 h_rotc(void *env, u64 v, u64 arg, u64 cf)
{
    (void)env;
    unsigned cnt = arg & 0xff, right = (arg >> 8) & 1, bits = 8 * ((arg >> 16) & 0xff);
    u64 mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
    if (bits < 32)
        cnt %= bits + 1;
    cf &= 1;
    for (unsigned i = 0; i < cnt; i++) {
        u64 out;
        if (right) {
            out = v & 1;
            v = (v >> 1) | (cf << (bits - 1));
        } else {
            out = (v >> (bits - 1)) & 1;
            v = ((v << 1) | cf) & mask;
        }
        cf = out;
    }
    u64 msb = (v >> (bits - 1)) & 1;
    u64 of = right ? msb ^ ((v >> (bits - 2)) & 1) : msb ^ cf;
    return (V128){v, cf | of << 11};
}

/* CRC32 (SSE4.2): CRC-32C (Castagnoli, reflected polynomial 0x82F63B78)
 * of the low `bytes` bytes of data, continuing from crc. */
static u64 h_crc32c(void *env, u64 crc, u64 data, u64 bytes)
{
    (void)env;
    u32 c = (u32)crc;
    for (unsigned i = 0; i < bytes; i++) {
        c ^= (u8)(data >> (8 * i));
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0x82f63b78u & (0u - (c & 1)));
    }
    return c;
}

#define X(id, sig_, flags_, nargs_)                                          \
    const IrHelper x86_h_##id = {.name = #id, .fn = (void *)h_##id, .sig = sig_, .flags = flags_, .nargs = nargs_};
X86_HELPERS(X)
#undef X

/* ---- guest state description ---- */

const char *const x86_gpr_names[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                       "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

static const char *state_name(u32 off, char *buf, size_t len)
{
    if (off < X86_OFF(rip) && off % 8 == 0)
        return x86_gpr_names[off / 8];
    if (off >= X86_OFF(xmm) && off < X86_OFF(xmm) + 256) {
        u32 r = (off - X86_OFF(xmm)) / 16, o = (off - X86_OFF(xmm)) % 16;
        snprintf(buf, len, o ? "xmm%u+%u" : "xmm%u", r, o);
        return buf;
    }
    if (off >= X86_OFF(scratch) && off < X86_OFF(scratch) + sizeof(((X86Regs *)0)->scratch)) {
        snprintf(buf, len, "scratch+%u", off - X86_OFF(scratch));
        return buf;
    }
    static const struct { u32 off; const char *name; } named[] = {
        {X86_OFF(rip), "rip"}, {X86_OFF(cc_op), "cc_op"}, {X86_OFF(cc_dst), "cc_dst"},
        {X86_OFF(cc_src), "cc_src"}, {X86_OFF(cc_src2), "cc_src2"}, {X86_OFF(df), "df"},
        {X86_OFF(eflags_hi), "eflags_hi"}, {X86_OFF(fs_base), "fs_base"}, {X86_OFF(gs_base), "gs_base"},
        {X86_OFF(mxcsr), "mxcsr"}, {X86_OFF(simd_trap), "simd_trap"}, {X86_OFF(fcw), "fcw"},
        {X86_OFF(fsw), "fsw"}, {X86_OFF(ftop), "ftop"}, {X86_OFF(ftag), "ftag"},
        {X86_OFF(fop), "fop"}, {X86_OFF(fpu_ip), "fpu_ip"}, {X86_OFF(fpu_dp), "fpu_dp"},
    };
    for (size_t i = 0; i < UE_ARRAY_LEN(named); i++)
        if (named[i].off == off)
            return named[i].name;
    return NULL;
}

const IrGuestInfo x86_guest_info = {
    .pc_offset = offsetof(X86Regs, rip),
    .state_size = sizeof(X86Regs),
    .state_name = state_name,
};

void x86_regs_init(X86Regs *r)
{
    memset(r, 0, sizeof *r);
    r->cc_op = CC_OP_EFLAGS;
    r->mxcsr = 0x1f80;
    r->fcw = 0x037f;
}
