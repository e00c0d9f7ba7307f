/*
 * x64_test.c — unit tests of the host encoder (src/jit/x64.c): every
 * public emitter function of x64.h, over all its operand combinations,
 * decoded by Zydis (64-bit mode).
 *
 * For each combination the test checks that Zydis decodes exactly the bytes
 * emitted as one instruction, that the mnemonic is the one asked for, and
 * that every visible operand is what the caller asked for: the register at
 * the operand size (SPL..DIL, never AH..BH, for bytes 4..7), the memory
 * operand's segment, base, index, scale, displacement and size, the
 * immediate's value at the width the instruction uses it (so a sign-extended
 * imm8 that should have been an imm32 shows), a branch's rel32.  No prefix
 * may be one the CPU ignores, LOCK only where asked.  Expectations are built
 * from the contracts in x64.h, never from the bytes.
 *
 * The combinations: every register operand over all 16 registers, every
 * size a function takes, ALU/shift operations and condition codes all,
 * immediates at the imm8/imm16/imm32 boundaries (0, 1, -1, 127, 128, -128,
 * -129, ... INT32_MIN/MAX; 64-bit ones for mov_ri), memory operands with and
 * without GS, no base or each of the 16 (RSP/R12 need a SIB, RBP/R13 an
 * explicit displacement), no index or each usable one (RSP cannot index) at
 * each scale, displacements 0 / disp8 / disp32 at their boundaries.
 * Memory-operand functions take every memory form crossed with every
 * other operand.  A REX 40 must name SPL..DIL (else it is a wasted byte),
 * and a memory operand the emitter cannot encode (RSP as an index, a scale
 * over 3) must stop it (ue_assert) rather than encode something else.
 *
 * One TEST per emitter function: its FAIL line names the first wrong
 * combination (the call, its bytes, what differed); up to MAX_REPORT more
 * follow, then the count.
 */
#include "jit/x64.h"
#include "test.h"

#include <Zydis/Zydis.h>

static ZydisDecoder zyd;

void SetUp(void) { ZydisDecoderInit(&zyd, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64); }

/* ---- the registers a caller names ---- */

#define R(x) ZYDIS_REGISTER_##x
/* x64.h cannot name AH..BH: byte registers 4..7 are SPL..DIL. */
static const ZydisRegister GPR[4][16] = {
    {R(AL), R(CL), R(DL), R(BL), R(SPL), R(BPL), R(SIL), R(DIL),
     R(R8B), R(R9B), R(R10B), R(R11B), R(R12B), R(R13B), R(R14B), R(R15B)},
    {R(AX), R(CX), R(DX), R(BX), R(SP), R(BP), R(SI), R(DI),
     R(R8W), R(R9W), R(R10W), R(R11W), R(R12W), R(R13W), R(R14W), R(R15W)},
    {R(EAX), R(ECX), R(EDX), R(EBX), R(ESP), R(EBP), R(ESI), R(EDI),
     R(R8D), R(R9D), R(R10D), R(R11D), R(R12D), R(R13D), R(R14D), R(R15D)},
    {R(RAX), R(RCX), R(RDX), R(RBX), R(RSP), R(RBP), R(RSI), R(RDI),
     R(R8), R(R9), R(R10), R(R11), R(R12), R(R13), R(R14), R(R15)},
};
static const ZydisRegister XMM[16] = {
    R(XMM0), R(XMM1), R(XMM2), R(XMM3), R(XMM4), R(XMM5), R(XMM6), R(XMM7),
    R(XMM8), R(XMM9), R(XMM10), R(XMM11), R(XMM12), R(XMM13), R(XMM14), R(XMM15),
};

static ZydisRegister gpr(unsigned size, int r)
{
    return GPR[size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3][r];
}

static const char *gname(unsigned size, int r) { return ZydisRegisterGetString(gpr(size, r)); }
static const char *xname(int r) { return ZydisRegisterGetString(XMM[r]); }

#define M(x) ZYDIS_MNEMONIC_##x
static const ZydisMnemonic ALU_MN[8] = {M(ADD), M(OR), M(ADC), M(SBB), M(AND), M(SUB), M(XOR), M(CMP)};
/* SAL is SHL (SDM vol. 2B "SAL/SAR/SHL/SHR": one opcode). */
static const ZydisMnemonic SHIFT_MN[8] = {M(ROL), M(ROR), M(RCL), M(RCR), M(SHL), M(SHR), M(SHL), M(SAR)};
static const ZydisMnemonic SETCC_MN[16] = {
    M(SETO), M(SETNO), M(SETB), M(SETNB), M(SETZ), M(SETNZ), M(SETBE), M(SETNBE),
    M(SETS), M(SETNS), M(SETP), M(SETNP), M(SETL), M(SETNL), M(SETLE), M(SETNLE),
};
static const ZydisMnemonic CMOV_MN[16] = {
    M(CMOVO), M(CMOVNO), M(CMOVB), M(CMOVNB), M(CMOVZ), M(CMOVNZ), M(CMOVBE), M(CMOVNBE),
    M(CMOVS), M(CMOVNS), M(CMOVP), M(CMOVNP), M(CMOVL), M(CMOVNL), M(CMOVLE), M(CMOVNLE),
};
static const ZydisMnemonic JCC_MN[16] = {
    M(JO), M(JNO), M(JB), M(JNB), M(JZ), M(JNZ), M(JBE), M(JNBE),
    M(JS), M(JNS), M(JP), M(JNP), M(JL), M(JNL), M(JLE), M(JNLE),
};

/* ---- operand values ---- */

static const unsigned SIZES[] = {1, 2, 4, 8};
static const i32 DISPS[] = {0, 1, -1, 127, 128, -128, -129, INT32_MAX, INT32_MIN};
static const i32 IMMS[] = {0, 1, -1, 2, 127, 128, -128, -129, 255, 256, 32767, 32768, -32768, -32769,
                           65535, 65536, INT32_MAX, INT32_MIN, INT32_MIN + 1, 0x12345678};
#define N(a) (int)(sizeof(a) / sizeof((a)[0]))

/* Every memory operand x64.h can express: GS or not; no base or each of
 * the 16; no index or each of the 15 that can index (SIB.index 100 means
 * "none", so RSP cannot) at each scale; displacements at the disp8/disp32
 * boundaries.  2 * 17 * (1 + 15 * 4) * 9 = 18666 of them. */
#define MEMS_ALL 18666
static int mems_all(JitMem *out, bool with_gs)
{
    int n = 0;
    for (int gs = 0; gs <= (int)with_gs; gs++)
        for (int base = -1; base < 16; base++)
            for (int index = -1; index < 16; index++)
                for (int scale = 0; scale < (index < 0 ? 1 : 4); scale++)
                    for (int d = 0; d < N(DISPS); d++) {
                        if (index == X64_RSP)
                            continue;
                        out[n++] = (JitMem){.base = (i8)base, .index = (i8)index, .scale = (u8)scale,
                                            .gs = gs, .disp = DISPS[d]};
                    }
    return n;
}

typedef struct Str {
    char s[96];
} Str;

static Str mstr(JitMem m)
{
    Str s;
    int k = snprintf(s.s, sizeof s.s, "[%s", m.gs ? "gs:" : "");
    if (m.base >= 0)
        k += snprintf(s.s + k, sizeof s.s - (size_t)k, "%s", gname(8, m.base));
    if (m.index >= 0)
        k += snprintf(s.s + k, sizeof s.s - (size_t)k, "%s%s*%d", m.base >= 0 ? "+" : "", gname(8, m.index),
                      1 << m.scale);
    snprintf(s.s + k, sizeof s.s - (size_t)k, "%s%" PRId64 "]", m.disp >= 0 && (m.base >= 0 || m.index >= 0) ? "+" : "",
             (i64)m.disp);
    return s;
}

/* ---- what a combination should decode to ---- */

typedef enum OpKind {
    OP_REG,     /* reg (or alt, if set) */
    OP_MEM,     /* m, of `bits` (0: any size) */
    OP_AGEN,    /* m as an address (LEA) */
    OP_IMM,     /* imm, compared at `bits` */
    OP_IMM64,   /* imm is what lands in operand 0's 64-bit register */
    OP_REL,     /* a relative branch target: imm is rel32 */
} OpKind;

typedef struct WantOp {
    OpKind kind;
    ZydisRegister reg, alt;
    unsigned bits;
    JitMem m;
    u64 imm;
} WantOp;

typedef struct Want {
    ZydisMnemonic mn;
    int n;           /* visible operands */
    WantOp op[4];
    bool lock;
    unsigned len;    /* 0: any length */
} Want;

static Want want(ZydisMnemonic mn) { return (Want){.mn = mn}; }
static void w_reg(Want *w, ZydisRegister r) { w->op[w->n++] = (WantOp){.kind = OP_REG, .reg = r}; }
static void w_reg2(Want *w, ZydisRegister r, ZydisRegister alt)
{
    w->op[w->n++] = (WantOp){.kind = OP_REG, .reg = r, .alt = alt};
}
static void w_mem(Want *w, JitMem m, unsigned bits) { w->op[w->n++] = (WantOp){.kind = OP_MEM, .m = m, .bits = bits}; }
static void w_agen(Want *w, JitMem m) { w->op[w->n++] = (WantOp){.kind = OP_AGEN, .m = m}; }
static void w_imm(Want *w, u64 imm, unsigned bits)
{
    w->op[w->n++] = (WantOp){.kind = OP_IMM, .imm = imm, .bits = bits};
}

static u64 low(u64 v, unsigned bits) { return bits >= 64 ? v : v & ((1ull << bits) - 1); }

__attribute__((format(printf, 3, 4))) static bool say(char *why, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
    return false;
}

static const char *rs(ZydisRegister r) { return r ? ZydisRegisterGetString(r) : "none"; }

static bool mem_matches(const ZydisDecodedInstruction *zi, const ZydisDecodedOperand *o, const WantOp *w, int i,
                        char *why, size_t len)
{
    const JitMem m = w->m;
    ZydisRegister base = m.base >= 0 ? gpr(8, m.base) : ZYDIS_REGISTER_NONE;
    ZydisRegister index = m.index >= 0 ? gpr(8, m.index) : ZYDIS_REGISTER_NONE;
    if (o->type != ZYDIS_OPERAND_TYPE_MEMORY)
        return say(why, len, "operand %d is not memory", i);
    if (o->mem.type != (w->kind == OP_AGEN ? ZYDIS_MEMOP_TYPE_AGEN : ZYDIS_MEMOP_TYPE_MEM))
        return say(why, len, "operand %d: memory type %d", i, o->mem.type);
    if (o->mem.base != base)
        return say(why, len, "operand %d: base %s, want %s", i, rs(o->mem.base), rs(base));
    if (o->mem.index != index)
        return say(why, len, "operand %d: index %s, want %s", i, rs(o->mem.index), rs(index));
    if (index && o->mem.scale != 1u << m.scale)
        return say(why, len, "operand %d: scale %u, want %u", i, o->mem.scale, 1u << m.scale);
    if (o->mem.disp.value != m.disp)
        return say(why, len, "operand %d: displacement %" PRId64 ", want %" PRId64, i, (i64)o->mem.disp.value,
                   (i64)m.disp);
    if (w->kind == OP_MEM && w->bits && o->size != w->bits)
        return say(why, len, "operand %d: %u-bit memory, want %u", i, o->size, w->bits);
    bool gs = o->mem.segment == ZYDIS_REGISTER_GS && (zi->attributes & ZYDIS_ATTRIB_HAS_SEGMENT_GS);
    bool plain = (o->mem.segment == ZYDIS_REGISTER_DS || o->mem.segment == ZYDIS_REGISTER_SS) &&
                 !(zi->attributes & ZYDIS_ATTRIB_HAS_SEGMENT);
    if (w->kind == OP_MEM && (m.gs ? !gs : !plain))
        return say(why, len, "operand %d: segment %s, want %s", i, rs(o->mem.segment), m.gs ? "gs" : "ds/ss");
    return true;
}

static bool op_matches(const ZydisDecodedInstruction *zi, const ZydisDecodedOperand *zo, const WantOp *w, int i,
                       char *why, size_t len)
{
    const ZydisDecodedOperand *o = &zo[i];
    switch (w->kind) {
    case OP_REG:
        if (o->type != ZYDIS_OPERAND_TYPE_REGISTER)
            return say(why, len, "operand %d is not a register", i);
        if (o->reg.value != w->reg && (!w->alt || o->reg.value != w->alt))
            return say(why, len, "operand %d: %s, want %s%s%s", i, rs(o->reg.value), rs(w->reg), w->alt ? " or " : "",
                       w->alt ? rs(w->alt) : "");
        return true;
    case OP_MEM:
    case OP_AGEN:
        return mem_matches(zi, o, w, i, why, len);
    case OP_IMM:
    case OP_IMM64:
    case OP_REL:
        if (o->type != ZYDIS_OPERAND_TYPE_IMMEDIATE)
            return say(why, len, "operand %d is not an immediate", i);
        if (o->imm.is_relative != (w->kind == OP_REL))
            return say(why, len, "operand %d: relative %d", i, o->imm.is_relative);
        break;
    }
    /* Zydis gives the immediate sign- or zero-extended to 64 bits as the
     * instruction extends it; compare at the width it is used at. */
    u64 got = o->imm.value.u, imm = w->imm;
    unsigned bits = w->bits;
    if (w->kind == OP_IMM64)
        bits = zo[0].size; /* mov r32, imm32 zero-extends into the r64 */
    if (w->kind == OP_REL)
        bits = 64;
    if (w->kind == OP_IMM64 ? low(got, bits) != imm : low(got, bits) != low(imm, bits))
        return say(why, len, "operand %d: immediate %#" PRIx64 ", want %#" PRIx64 " (%u bits)", i, low(got, bits),
                   w->kind == OP_IMM64 ? imm : low(imm, bits), bits);
    return true;
}

/* A REX with no bit set only serves to make byte registers 4..7 SPL..DIL
 * (x64.c's rule): anywhere else it is a wasted byte. */
static bool bare_rex(const ZydisDecodedInstruction *zi)
{
    return (zi->attributes & ZYDIS_ATTRIB_HAS_REX) && !zi->raw.rex.W && !zi->raw.rex.R && !zi->raw.rex.X &&
           !zi->raw.rex.B;
}

static bool names_spl_dil(const ZydisDecodedOperand *zo, int n)
{
    for (int i = 0; i < n; i++)
        if (zo[i].type == ZYDIS_OPERAND_TYPE_REGISTER && zo[i].reg.value >= ZYDIS_REGISTER_SPL &&
            zo[i].reg.value <= ZYDIS_REGISTER_DIL)
            return true;
    return false;
}

/* Decode code[0..n) as one instruction and compare it with w.  Returns
 * false with the difference in why. */
static bool matches(const u8 *code, size_t n, const Want *w, char *why, size_t len)
{
    ZydisDecodedInstruction zi;
    ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
    if (n == 0)
        return say(why, len, "nothing emitted");
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&zyd, code, n, &zi, zo)))
        return say(why, len, "Zydis cannot decode it");
    if (zi.length != n)
        return say(why, len, "Zydis decodes %u of the %zu bytes", zi.length, n);
    if (zi.mnemonic != w->mn)
        return say(why, len, "%s, want %s", ZydisMnemonicGetString(zi.mnemonic), ZydisMnemonicGetString(w->mn));
    if (w->len && n != w->len)
        return say(why, len, "%zu bytes, want %u", n, w->len);
    for (int i = 0; i < zi.raw.prefix_count; i++)
        if (zi.raw.prefixes[i].type == ZYDIS_PREFIX_TYPE_IGNORED)
            return say(why, len, "prefix %02x is ignored", zi.raw.prefixes[i].value);
    if (!!(zi.attributes & ZYDIS_ATTRIB_HAS_LOCK) != w->lock)
        return say(why, len, "LOCK %s", w->lock ? "missing" : "not asked for");
    if (zi.operand_count_visible != w->n)
        return say(why, len, "%u operands, want %d", zi.operand_count_visible, w->n);
    for (int i = 0; i < w->n; i++)
        if (!op_matches(&zi, zo, &w->op[i], i, why, len))
            return false;
    if (bare_rex(&zi) && !names_spl_dil(zo, w->n))
        return say(why, len, "REX 40 without SPL..DIL");
    return true;
}

/* ---- running the combinations ---- */

enum { MAX_REPORT = 8 };

typedef struct Run {
    long n, bad;
} Run;

__attribute__((format(printf, 7, 8))) static void report(Run *r, int line, const u8 *code, size_t n, const char *why,
                                                         bool full, const char *fmt, ...)
{
    if (r->bad++ >= MAX_REPORT)
        return;
    char call[200], hex[64] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(call, sizeof call, fmt, ap);
    va_end(ap);
    for (size_t i = 0, k = 0; i < n && k + 4 < sizeof hex; i++)
        k += (size_t)snprintf(hex + k, sizeof hex - k, "%s%02x", i ? " " : "", code[i]);
    ue_test_fail(__FILE__, line, "%s -> %s: %s", call, full ? "(buffer full)" : hex, why);
}

static void finish(Run *r)
{
    if (r->bad > MAX_REPORT)
        ue_test_fail(__FILE__, __LINE__, "... %ld of %ld combinations wrong", r->bad, r->n);
    EXPECT_NE(0, r->n, "no combination tried");
}

/* Emit CALL (an expression on X64Buf *b) into a fresh buffer, decode it and
 * compare with the Want W; the remaining arguments describe the call for
 * the failure line (formatted only on failure). */
#define TRY(RUN, W, CALL, ...)                                                                     \
    do {                                                                                           \
        u8 code_[32];                                                                              \
        X64Buf buf_ = {code_, code_ + sizeof code_, false};                                        \
        X64Buf *b = &buf_;                                                                         \
        CALL;                                                                                      \
        char why_[200];                                                                            \
        size_t n_ = (size_t)(buf_.p - code_);                                                      \
        if (buf_.full || !matches(code_, n_, &(W), why_, sizeof why_))                             \
            report(RUN, __LINE__, code_, n_, why_, buf_.full, __VA_ARGS__);                       \
        (RUN)->n++;                                                                                \
    } while (0)

/* ---- moves ---- */

TEST(x64, mov_rr)
{
    Run r = {0};
    for (int s = 0; s < 4; s++)
        for (int d = 0; d < 16; d++)
            for (int t = 0; t < 16; t++) {
                unsigned size = SIZES[s];
                Want w = want(M(MOV));
                w_reg(&w, gpr(size, d));
                w_reg(&w, gpr(size, t));
                TRY(&r, w, x64_mov_rr(b, size, d, t), "x64_mov_rr(%u, %s, %s)", size, gname(size, d), gname(size, t));
            }
    finish(&r);
}

TEST(x64, mov_ri)
{
    static const u64 imms[] = {
        0, 1, 0x7f, 0x80, 0xff, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 0x7fffffffffffffff,
        0x8000000000000000, ~0ull, ~0ull - 1, (u64)(i64)INT32_MIN, (u64)((i64)INT32_MIN - 1), (u64)(i64)-128,
        (u64)(i64)-129, 0x123456789abcdef0, 0xfedcba9876543210, 0xffffffff00000000,
    };
    Run r = {0};
    for (int d = 0; d < 16; d++)
        for (int i = 0; i < N(imms); i++) {
            u64 imm = imms[i];
            /* "shortest form": mov r32, imm32 (zero-extends); mov r64,
             * simm32; movabs r64, imm64 */
            bool zx = imm <= 0xffffffffull, sx = (i64)imm == (i32)imm;
            Want w = want(M(MOV));
            w_reg(&w, zx ? gpr(4, d) : gpr(8, d));
            w.op[w.n++] = (WantOp){.kind = OP_IMM64, .imm = imm};
            w.len = zx ? 5u + (d >= 8) : sx ? 7 : 10;
            TRY(&r, w, x64_mov_ri(b, d, imm), "x64_mov_ri(%s, %#" PRIx64 ")", gname(8, d), imm);
        }
    finish(&r);
}

/* The memory forms, filled by each test that uses them. */
static JitMem all[MEMS_ALL];

TEST(x64, load)
{
    Run r = {0};
    int na = mems_all(all, true);
    for (int s = 0; s < 4; s++)
        for (int d = 0; d < 16; d++)
            for (int i = 0; i < na; i++) {
                unsigned size = SIZES[s];
                JitMem m = all[i];
                /* zero-extends to 64: movzx r32/r64 for bytes and words,
                 * mov r32 (which zero-extends) or mov r64 */
                Want w = want(size < 4 ? M(MOVZX) : M(MOV));
                if (size < 4)
                    w_reg2(&w, gpr(4, d), gpr(8, d));
                else
                    w_reg(&w, gpr(size, d));
                w_mem(&w, m, size * 8);
                TRY(&r, w, x64_load(b, size, d, m), "x64_load(%u, %s, %s)", size, gname(8, d), mstr(m).s);
            }
    finish(&r);
}

TEST(x64, load_sx)
{
    static const unsigned forms[][2] = {{1, 2}, {1, 4}, {1, 8}, {2, 4}, {2, 8}, {4, 8}};
    Run r = {0};
    int na = mems_all(all, true);
    for (int f = 0; f < N(forms); f++)
        for (int d = 0; d < 16; d++)
            for (int i = 0; i < na; i++) {
                unsigned from = forms[f][0], to = forms[f][1];
                JitMem m = all[i];
                Want w = want(from == 4 ? M(MOVSXD) : M(MOVSX));
                w_reg(&w, gpr(to, d));
                w_mem(&w, m, from * 8);
                TRY(&r, w, x64_load_sx(b, from, to, d, m), "x64_load_sx(%u, %u, %s, %s)", from, to, gname(to, d),
                    mstr(m).s);
            }
    finish(&r);
}

TEST(x64, store)
{
    Run r = {0};
    int na = mems_all(all, true);
    for (int s = 0; s < 4; s++)
        for (int t = 0; t < 16; t++)
            for (int i = 0; i < na; i++) {
                unsigned size = SIZES[s];
                JitMem m = all[i];
                Want w = want(M(MOV));
                w_mem(&w, m, size * 8);
                w_reg(&w, gpr(size, t));
                TRY(&r, w, x64_store(b, size, m, t), "x64_store(%u, %s, %s)", size, mstr(m).s, gname(size, t));
            }
    finish(&r);
}

TEST(x64, store_i32)
{
    Run r = {0};
    int na = mems_all(all, true);
    for (int s = 0; s < 4; s++)
        for (int k = 0; k < N(IMMS); k++)
            for (int i = 0; i < na; i++) {
                unsigned size = SIZES[s];
                JitMem m = all[i];
                i32 imm = IMMS[k];
                /* the low `size` bytes of imm; size 8: sign-extended */
                Want w = want(M(MOV));
                w_mem(&w, m, size * 8);
                w_imm(&w, (u64)(i64)imm, size * 8);
                TRY(&r, w, x64_store_i32(b, size, m, imm), "x64_store_i32(%u, %s, %d)", size, mstr(m).s, imm);
            }
    finish(&r);
}

TEST(x64, lea)
{
    Run r = {0};
    int na = mems_all(all, false); /* an address: a segment means nothing to LEA */
    for (int d = 0; d < 16; d++)
        for (int i = 0; i < na; i++) {
            JitMem m = all[i];
            Want w = want(M(LEA));
            w_reg(&w, gpr(8, d));
            w_agen(&w, m);
            TRY(&r, w, x64_lea(b, d, m), "x64_lea(%s, %s)", gname(8, d), mstr(m).s);
        }
    finish(&r);
}

/* ---- arithmetic ---- */

TEST(x64, alu_rr)
{
    Run r = {0};
    for (int op = 0; op < 8; op++)
        for (int s = 0; s < 4; s++)
            for (int d = 0; d < 16; d++)
                for (int t = 0; t < 16; t++) {
                    unsigned size = SIZES[s];
                    Want w = want(ALU_MN[op]);
                    w_reg(&w, gpr(size, d));
                    w_reg(&w, gpr(size, t));
                    TRY(&r, w, x64_alu_rr(b, (X64Alu)op, size, d, t), "x64_alu_rr(%s, %u, %s, %s)",
                        ZydisMnemonicGetString(ALU_MN[op]), size, gname(size, d), gname(size, t));
                }
    finish(&r);
}

TEST(x64, alu_ri)
{
    Run r = {0};
    for (int op = 0; op < 8; op++)
        for (int s = 0; s < 4; s++)
            for (int d = 0; d < 16; d++)
                for (int k = 0; k < N(IMMS); k++) {
                    unsigned size = SIZES[s];
                    i32 imm = IMMS[k];
                    /* op dst, imm: the low bytes for 8/16, sign-extended for 64 */
                    Want w = want(ALU_MN[op]);
                    w_reg(&w, gpr(size, d));
                    w_imm(&w, (u64)(i64)imm, size * 8);
                    TRY(&r, w, x64_alu_ri(b, (X64Alu)op, size, d, imm), "x64_alu_ri(%s, %u, %s, %d)",
                        ZydisMnemonicGetString(ALU_MN[op]), size, gname(size, d), imm);
                }
    finish(&r);
}

static void alu_rm_one(Run *r, int op, unsigned size, int d, JitMem m)
{
    Want w = want(ALU_MN[op]);
    w_reg(&w, gpr(size, d));
    w_mem(&w, m, size * 8);
    TRY(r, w, x64_alu_rm(b, (X64Alu)op, size, d, m), "x64_alu_rm(%s, %u, %s, %s)", ZydisMnemonicGetString(ALU_MN[op]),
        size, gname(size, d), mstr(m).s);
}

TEST(x64, alu_rm)
{
    Run r = {0};
    int na = mems_all(all, true);
    for (int op = 0; op < 8; op++)
        for (int s = 0; s < 4; s++)
            for (int d = 0; d < 16; d++)
                for (int i = 0; i < na; i++)
                    alu_rm_one(&r, op, SIZES[s], d, all[i]);
    finish(&r);
}

static void alu_mi_one(Run *r, int op, unsigned size, JitMem m, i32 imm)
{
    Want w = want(ALU_MN[op]);
    w_mem(&w, m, size * 8);
    w_imm(&w, (u64)(i64)imm, size * 8);
    TRY(r, w, x64_alu_mi(b, (X64Alu)op, size, m, imm), "x64_alu_mi(%s, %u, %s, %d)", ZydisMnemonicGetString(ALU_MN[op]),
        size, mstr(m).s, imm);
}

TEST(x64, alu_mi)
{
    Run r = {0};
    int na = mems_all(all, true);
    for (int op = 0; op < 8; op++)
        for (int s = 0; s < 4; s++)
            for (int k = 0; k < N(IMMS); k++)
                for (int i = 0; i < na; i++)
                    alu_mi_one(&r, op, SIZES[s], all[i], IMMS[k]);
    finish(&r);
}

TEST(x64, test_rr)
{
    Run r = {0};
    for (int s = 0; s < 4; s++)
        for (int a = 0; a < 16; a++)
            for (int c = 0; c < 16; c++) {
                unsigned size = SIZES[s];
                Want w = want(M(TEST));
                w_reg(&w, gpr(size, a));
                w_reg(&w, gpr(size, c));
                TRY(&r, w, x64_test_rr(b, size, a, c), "x64_test_rr(%u, %s, %s)", size, gname(size, a), gname(size, c));
            }
    finish(&r);
}

TEST(x64, shift_ri)
{
    static const u8 counts[] = {0, 1, 2, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255};
    Run r = {0};
    for (int op = 0; op < 8; op++)
        for (int s = 0; s < 4; s++)
            for (int d = 0; d < 16; d++)
                for (int k = 0; k < N(counts); k++) {
                    unsigned size = SIZES[s];
                    Want w = want(SHIFT_MN[op]);
                    w_reg(&w, gpr(size, d));
                    w_imm(&w, counts[k], 8);
                    TRY(&r, w, x64_shift_ri(b, (X64Shift)op, size, d, counts[k]), "x64_shift_ri(%d, %u, %s, %u)", op,
                        size, gname(size, d), counts[k]);
                }
    finish(&r);
}

TEST(x64, shift_rcl)
{
    Run r = {0};
    for (int op = 0; op < 8; op++)
        for (int s = 0; s < 4; s++)
            for (int d = 0; d < 16; d++) {
                unsigned size = SIZES[s];
                Want w = want(SHIFT_MN[op]);
                w_reg(&w, gpr(size, d));
                w_reg(&w, ZYDIS_REGISTER_CL);
                TRY(&r, w, x64_shift_rcl(b, (X64Shift)op, size, d), "x64_shift_rcl(%d, %u, %s)", op, size,
                    gname(size, d));
            }
    finish(&r);
}

TEST(x64, imul_rr)
{
    Run r = {0};
    for (int s = 1; s < 4; s++) /* no 8-bit two-operand IMUL */
        for (int d = 0; d < 16; d++)
            for (int t = 0; t < 16; t++) {
                unsigned size = SIZES[s];
                Want w = want(M(IMUL));
                w_reg(&w, gpr(size, d));
                w_reg(&w, gpr(size, t));
                TRY(&r, w, x64_imul_rr(b, size, d, t), "x64_imul_rr(%u, %s, %s)", size, gname(size, d), gname(size, t));
            }
    finish(&r);
}

TEST(x64, imul_rri)
{
    Run r = {0};
    for (int s = 1; s < 4; s++)
        for (int d = 0; d < 16; d++)
            for (int t = 0; t < 16; t++)
                for (int k = 0; k < N(IMMS); k++) {
                    unsigned size = SIZES[s];
                    i32 imm = IMMS[k];
                    Want w = want(M(IMUL));
                    w_reg(&w, gpr(size, d));
                    w_reg(&w, gpr(size, t));
                    w_imm(&w, (u64)(i64)imm, size * 8);
                    TRY(&r, w, x64_imul_rri(b, size, d, t, imm), "x64_imul_rri(%u, %s, %s, %d)", size, gname(size, d),
                        gname(size, t), imm);
                }
    finish(&r);
}

/* One-operand F6/F7 forms: mul1, div1, unary. */
TEST(x64, mul1)
{
    Run r = {0};
    for (int sign = 0; sign < 2; sign++)
        for (int s = 0; s < 4; s++)
            for (int t = 0; t < 16; t++) {
                unsigned size = SIZES[s];
                Want w = want(sign ? M(IMUL) : M(MUL));
                w_reg(&w, gpr(size, t));
                TRY(&r, w, x64_mul1(b, size, sign, t), "x64_mul1(%u, %d, %s)", size, sign, gname(size, t));
            }
    finish(&r);
}

TEST(x64, div1)
{
    Run r = {0};
    for (int sign = 0; sign < 2; sign++)
        for (int s = 0; s < 4; s++)
            for (int t = 0; t < 16; t++) {
                unsigned size = SIZES[s];
                Want w = want(sign ? M(IDIV) : M(DIV));
                w_reg(&w, gpr(size, t));
                TRY(&r, w, x64_div1(b, size, sign, t), "x64_div1(%u, %d, %s)", size, sign, gname(size, t));
            }
    finish(&r);
}

TEST(x64, unary)
{
    Run r = {0};
    for (int neg = 0; neg < 2; neg++)
        for (int s = 0; s < 4; s++)
            for (int d = 0; d < 16; d++) {
                unsigned size = SIZES[s];
                Want w = want(neg ? M(NEG) : M(NOT));
                w_reg(&w, gpr(size, d));
                TRY(&r, w, x64_unary(b, size, neg, d), "x64_unary(%u, %d, %s)", size, neg, gname(size, d));
            }
    finish(&r);
}

TEST(x64, cqo)
{
    Run r = {0};
    Want w = want(M(CQO));
    TRY(&r, w, x64_cqo(b), "x64_cqo()");
    finish(&r);
}

TEST(x64, movzx)
{
    Run r = {0};
    for (unsigned from = 1; from <= 2; from++)
        for (int d = 0; d < 16; d++)
            for (int t = 0; t < 16; t++) {
                Want w = want(M(MOVZX));
                w_reg(&w, gpr(4, d));
                w_reg(&w, gpr(from, t));
                TRY(&r, w, x64_movzx(b, from, d, t), "x64_movzx(%u, %s, %s)", from, gname(4, d), gname(from, t));
            }
    finish(&r);
}

TEST(x64, movsx)
{
    static const unsigned forms[][2] = {{1, 2}, {1, 4}, {1, 8}, {2, 4}, {2, 8}, {4, 8}};
    Run r = {0};
    for (int f = 0; f < N(forms); f++)
        for (int d = 0; d < 16; d++)
            for (int t = 0; t < 16; t++) {
                unsigned from = forms[f][0], to = forms[f][1];
                Want w = want(from == 4 ? M(MOVSXD) : M(MOVSX));
                w_reg(&w, gpr(to, d));
                w_reg(&w, gpr(from, t));
                TRY(&r, w, x64_movsx(b, from, to, d, t), "x64_movsx(%u, %u, %s, %s)", from, to, gname(to, d),
                    gname(from, t));
            }
    finish(&r);
}

TEST(x64, bswap)
{
    Run r = {0};
    for (unsigned size = 4; size <= 8; size += 4)
        for (int d = 0; d < 16; d++) {
            Want w = want(M(BSWAP));
            w_reg(&w, gpr(size, d));
            TRY(&r, w, x64_bswap(b, size, d), "x64_bswap(%u, %s)", size, gname(size, d));
        }
    finish(&r);
}

TEST(x64, bitcount)
{
    static const struct {
        u8 op;
        ZydisMnemonic mn;
    } ops[] = {{0xbc, M(TZCNT)}, {0xbd, M(LZCNT)}, {0xb8, M(POPCNT)}};
    Run r = {0};
    for (int o = 0; o < N(ops); o++)
        for (int s = 1; s < 4; s++) /* no 8-bit forms */
            for (int d = 0; d < 16; d++)
                for (int t = 0; t < 16; t++) {
                    unsigned size = SIZES[s];
                    Want w = want(ops[o].mn);
                    w_reg(&w, gpr(size, d));
                    w_reg(&w, gpr(size, t));
                    TRY(&r, w, x64_bitcount(b, ops[o].op, size, d, t), "x64_bitcount(%#x, %u, %s, %s)", ops[o].op, size,
                        gname(size, d), gname(size, t));
                }
    finish(&r);
}

TEST(x64, setcc)
{
    Run r = {0};
    for (int cc = 0; cc < 16; cc++)
        for (int d = 0; d < 16; d++) {
            Want w = want(SETCC_MN[cc]);
            w_reg(&w, gpr(1, d));
            TRY(&r, w, x64_setcc(b, (X64Cond)cc, d), "x64_setcc(%d, %s)", cc, gname(1, d));
        }
    finish(&r);
}

TEST(x64, cmov)
{
    Run r = {0};
    for (int cc = 0; cc < 16; cc++)
        for (int s = 1; s < 4; s++) /* no 8-bit CMOV */
            for (int d = 0; d < 16; d++)
                for (int t = 0; t < 16; t++) {
                    unsigned size = SIZES[s];
                    Want w = want(CMOV_MN[cc]);
                    w_reg(&w, gpr(size, d));
                    w_reg(&w, gpr(size, t));
                    TRY(&r, w, x64_cmov(b, (X64Cond)cc, size, d, t), "x64_cmov(%d, %u, %s, %s)", cc, size,
                        gname(size, d), gname(size, t));
                }
    finish(&r);
}

TEST(x64, xchg_rm)
{
    Run r = {0};
    int na = mems_all(all, true);
    for (int s = 0; s < 4; s++)
        for (int t = 0; t < 16; t++)
            for (int i = 0; i < na; i++) {
                unsigned size = SIZES[s];
                JitMem m = all[i];
                Want w = want(M(XCHG)); /* implicitly locked: no LOCK prefix */
                w_mem(&w, m, size * 8);
                w_reg(&w, gpr(size, t));
                TRY(&r, w, x64_xchg_rm(b, size, t, m), "x64_xchg_rm(%u, %s, %s)", size, gname(size, t), mstr(m).s);
            }
    finish(&r);
}

TEST(x64, cmpxchg)
{
    Run r = {0};
    int na = mems_all(all, true);
    for (int s = 0; s < 4; s++)
        for (int t = 0; t < 16; t++)
            for (int i = 0; i < na; i++) {
                unsigned size = SIZES[s];
                JitMem m = all[i];
                Want w = want(M(CMPXCHG));
                w.lock = true;
                w_mem(&w, m, size * 8);
                w_reg(&w, gpr(size, t));
                TRY(&r, w, x64_cmpxchg(b, size, m, t), "x64_cmpxchg(%u, %s, %s)", size, mstr(m).s, gname(size, t));
            }
    finish(&r);
}

TEST(x64, stmxcsr)
{
    Run r = {0};
    int na = mems_all(all, true);
    for (int i = 0; i < na; i++) {
        JitMem m = all[i];
        Want w = want(M(STMXCSR));
        w_mem(&w, m, 32);
        TRY(&r, w, x64_stmxcsr(b, m), "x64_stmxcsr(%s)", mstr(m).s);
    }
    finish(&r);
}

TEST(x64, mfence)
{
    Run r = {0};
    Want w = want(M(MFENCE));
    TRY(&r, w, x64_mfence(b), "x64_mfence()");
    finish(&r);
}

/* ---- stack and control ---- */

TEST(x64, push)
{
    Run r = {0};
    for (int t = 0; t < 16; t++) {
        Want w = want(M(PUSH));
        w_reg(&w, gpr(8, t));
        TRY(&r, w, x64_push(b, t), "x64_push(%s)", gname(8, t));
    }
    finish(&r);
}

TEST(x64, pop)
{
    Run r = {0};
    for (int d = 0; d < 16; d++) {
        Want w = want(M(POP));
        w_reg(&w, gpr(8, d));
        TRY(&r, w, x64_pop(b, d), "x64_pop(%s)", gname(8, d));
    }
    finish(&r);
}

TEST(x64, ret)
{
    Run r = {0};
    Want w = want(M(RET));
    TRY(&r, w, x64_ret(b), "x64_ret()");
    finish(&r);
}

TEST(x64, call_r)
{
    Run r = {0};
    for (int t = 0; t < 16; t++) {
        Want w = want(M(CALL));
        w_reg(&w, gpr(8, t));
        TRY(&r, w, x64_call_r(b, t), "x64_call_r(%s)", gname(8, t));
    }
    finish(&r);
}

TEST(x64, jmp_r)
{
    Run r = {0};
    for (int t = 0; t < 16; t++) {
        Want w = want(M(JMP));
        w_reg(&w, gpr(8, t));
        TRY(&r, w, x64_jmp_r(b, t), "x64_jmp_r(%s)", gname(8, t));
    }
    finish(&r);
}

TEST(x64, jmp_m)
{
    Run r = {0};
    int na = mems_all(all, true);
    for (int i = 0; i < na; i++) {
        JitMem m = all[i];
        Want w = want(M(JMP));
        w_mem(&w, m, 64);
        TRY(&r, w, x64_jmp_m(b, m), "x64_jmp_m(%s)", mstr(m).s);
    }
    finish(&r);
}

/* A rel32 branch emitted at code[at]: returns the field (or NULL) and
 * checks the instructions: NOPs (only if `align`), then the branch W with
 * rel32 0 whose last four bytes are the field, 4-aligned if `align`. */
static void branch_one(Run *r, int line, const Want *w, bool align, int at, int cc)
{
    _Alignas(16) u8 code[32];
    X64Buf buf = {code + at, code + sizeof code, false};
    u8 *field = cc < 0 ? x64_jmp32(&buf, align) : x64_jcc32(&buf, (X64Cond)cc);
    size_t n = (size_t)(buf.p - (code + at));
    const char *fn = cc < 0 ? "x64_jmp32" : "x64_jcc32";
    char why[200] = "";
    const u8 *p = code + at, *end = buf.p;
    int nops = 0;
    while (end - p > 5 + (cc >= 0) && *p == 0x90 && nops < 4) {
        Want nop = want(M(NOP));
        if (!matches(p, 1, &nop, why, sizeof why))
            break;
        p++, nops++;
    }
    if (buf.full || !field)
        snprintf(why, sizeof why, "no field returned");
    else if (!matches(p, (size_t)(end - p), w, why, sizeof why))
        ;
    else if (field != end - 4)
        snprintf(why, sizeof why, "field at +%td, want +%td", field - (code + at), end - 4 - (code + at));
    else if (align && ((uintptr_t)field & 3))
        snprintf(why, sizeof why, "field at %p: not 4-aligned", (void *)field);
    else if (!align && nops)
        snprintf(why, sizeof why, "%d NOPs not asked for", nops);
    else
        why[0] = 0;
    if (why[0])
        report(r, line, code + at, n, why, buf.full, "%s(%s) at offset %d", fn,
               cc < 0 ? (align ? "align" : "no align") : ZydisMnemonicGetString(JCC_MN[cc]), at);
    r->n++;
}

TEST(x64, jmp32)
{
    Run r = {0};
    for (int align = 0; align < 2; align++)
        for (int at = 0; at < 8; at++) {
            Want w = want(M(JMP));
            w.op[w.n++] = (WantOp){.kind = OP_REL, .imm = 0};
            w.len = 5;
            branch_one(&r, __LINE__, &w, align, at, -1);
        }
    finish(&r);
}

TEST(x64, jcc32)
{
    Run r = {0};
    for (int cc = 0; cc < 16; cc++)
        for (int at = 0; at < 4; at++) {
            Want w = want(JCC_MN[cc]);
            w.op[w.n++] = (WantOp){.kind = OP_REL, .imm = 0};
            w.len = 6;
            branch_one(&r, __LINE__, &w, false, at, cc);
        }
    finish(&r);
}

/* Patch a branch at runtime address `rx` to `target` and ask Zydis where
 * it goes from there. */
static void patch_one(Run *r, int cc, uintptr_t rx, i64 rel)
{
    u8 code[32];
    X64Buf buf = {code, code + sizeof code, false};
    u8 *field = cc < 0 ? x64_jmp32(&buf, false) : x64_jcc32(&buf, (X64Cond)cc);
    size_t n = (size_t)(buf.p - code);
    uintptr_t next = rx + n, target = next + (uintptr_t)rel;
    x64_patch_rel32(field, rx + (uintptr_t)(field - code), target);
    ZydisDecodedInstruction zi;
    ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
    ZyanU64 got = 0;
    char why[200] = "";
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&zyd, code, n, &zi, zo)) || zi.length != n)
        snprintf(why, sizeof why, "does not decode as one instruction");
    else if (!ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&zi, &zo[0], rx, &got)) || got != target)
        snprintf(why, sizeof why, "lands on %#" PRIx64 ", want %#" PRIx64, (u64)got, (u64)target);
    if (why[0])
        report(r, __LINE__, code, n, why, false, "x64_patch_rel32(%s at %#" PRIx64 ", rel %" PRId64 ")",
               cc < 0 ? "jmp" : ZydisMnemonicGetString(JCC_MN[cc]), (u64)rx, rel);
    r->n++;
}

/* Whether CALL (a statement on X64Buf *b) stops the process through
 * ue_assert (abort): run in a child, its panic line sent to /dev/null. */
#define REFUSES(CALL)                                                                              \
    ({                                                                                             \
        fflush(stdout);                                                                            \
        pid_t pid_ = fork();                                                                       \
        if (pid_ == 0) {                                                                           \
            u8 code_[32];                                                                          \
            X64Buf buf_ = {code_, code_ + sizeof code_, false};                                    \
            X64Buf *b = &buf_;                                                                     \
            if (!freopen("/dev/null", "w", stderr))                                                \
                _exit(3);                                                                          \
            CALL;                                                                                  \
            _exit(0);                                                                              \
        }                                                                                          \
        int st_ = 0;                                                                               \
        pid_ > 0 && waitpid(pid_, &st_, 0) == pid_ && WIFSIGNALED(st_) && WTERMSIG(st_) == SIGABRT; \
    })

#define EXPECT_REFUSES(CALL, WHAT)                                                                  \
    do {                                                                                           \
        bool refused_ = REFUSES(CALL);                                                             \
        EXPECT_TRUE(refused_, "%s with %s", #CALL, WHAT);                                          \
    } while (0)

static void patch_far(X64Buf *b, uintptr_t rx, i64 rel)
{
    u8 *field = x64_jmp32(b, false);
    x64_patch_rel32(field, rx + 1, rx + 5 + (uintptr_t)rel);
}

TEST(x64, patch_rel32)
{
    static const uintptr_t rxs[] = {0x1000, 0x7ffff0001234, 0xffffffff00000000 - 0x10, 0x100000000 + 3};
    static const i64 rels[] = {0, 1, -1, -5, -6, 127, 128, -128, -129, INT32_MAX, INT32_MIN, 0x12345678};
    Run r = {0};
    for (int cc = -1; cc < 16; cc++)
        for (int i = 0; i < N(rxs); i++)
            for (int k = 0; k < N(rels); k++)
                patch_one(&r, cc, rxs[i], rels[k]);
    finish(&r);
    EXPECT_REFUSES(patch_far(b, 0x100000000, (i64)INT32_MAX + 1), "a target 2^31 bytes ahead");
    EXPECT_REFUSES(patch_far(b, 0x100000000, (i64)INT32_MIN - 1), "a target 2^31 + 1 bytes back");
}

/* call rel32 at runtime address rx, patched to land at rx + 5 + rel: one
 * 5-byte CALL whose field ends it and whose target Zydis computes. */
TEST(x64, call32)
{
    static const uintptr_t rxs[] = {0x1000, 0x7ffff0001234, 0x100000000 + 3};
    static const i64 rels[] = {0, 1, -1, -5, 127, -128, INT32_MAX, INT32_MIN};
    Run r = {0};
    for (int i = 0; i < N(rxs); i++)
        for (int k = 0; k < N(rels); k++) {
            u8 code[32];
            X64Buf buf = {code, code + sizeof code, false};
            u8 *field = x64_call32(&buf);
            size_t n = (size_t)(buf.p - code);
            uintptr_t target = rxs[i] + n + (uintptr_t)rels[k];
            ZydisDecodedInstruction zi;
            ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
            ZyanU64 got = 0;
            char why[200] = "";
            if (!field || field != buf.p - 4 || n != 5)
                snprintf(why, sizeof why, "not a 5-byte call ending in its field");
            else {
                x64_patch_rel32(field, rxs[i] + 1, target);
                if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&zyd, code, n, &zi, zo)) || zi.length != n ||
                    zi.mnemonic != ZYDIS_MNEMONIC_CALL)
                    snprintf(why, sizeof why, "does not decode as one CALL");
                else if (!ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&zi, &zo[0], rxs[i], &got)) || got != target)
                    snprintf(why, sizeof why, "calls %#" PRIx64 ", want %#" PRIx64, (u64)got, (u64)target);
            }
            if (why[0])
                report(&r, __LINE__, code, n, why, false, "x64_call32 at %#" PRIx64 ", rel %" PRId64, (u64)rxs[i],
                       rels[k]);
            r.n++;
        }
    finish(&r);
}

/* dec dword [rip+disp32] at runtime address rx, aimed at rx + 6 + rel:
 * one 6-byte DEC of a 32-bit memory operand based on RIP, whose field ends
 * the instruction and whose address Zydis computes as the target. */
static void dec_rip_one(Run *r, uintptr_t rx, i64 rel)
{
    u8 code[32];
    X64Buf buf = {code, code + sizeof code, false};
    u8 *field = x64_dec_rip32(&buf);
    size_t n = (size_t)(buf.p - code);
    uintptr_t target = rx + n + (uintptr_t)rel;
    ZydisDecodedInstruction zi;
    ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
    ZyanU64 got = 0;
    char why[200] = "";
    if (!field || field != buf.p - 4)
        snprintf(why, sizeof why, "the field is not the last four bytes");
    else {
        x64_patch_rel32(field, rx + (uintptr_t)(field - code), target);
        if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&zyd, code, n, &zi, zo)) || zi.length != n || n != 6)
            snprintf(why, sizeof why, "does not decode as one 6-byte instruction");
        else if (zi.mnemonic != ZYDIS_MNEMONIC_DEC || zo[0].type != ZYDIS_OPERAND_TYPE_MEMORY ||
                 zo[0].mem.base != ZYDIS_REGISTER_RIP || zo[0].mem.index != ZYDIS_REGISTER_NONE ||
                 zo[0].size != 32 || zo[0].mem.segment != ZYDIS_REGISTER_DS)
            snprintf(why, sizeof why, "not dec dword [rip+disp32]");
        else if (!ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&zi, &zo[0], rx, &got)) || got != target)
            snprintf(why, sizeof why, "counts at %#" PRIx64 ", want %#" PRIx64, (u64)got, (u64)target);
    }
    if (why[0])
        report(r, __LINE__, code, n, why, false, "x64_dec_rip32 at %#" PRIx64 ", rel %" PRId64, (u64)rx, rel);
    r->n++;
}

TEST(x64, dec_rip32)
{
    static const uintptr_t rxs[] = {0x1000, 0x7ffff0001234, 0x100000000 + 3};
    static const i64 rels[] = {0, 1, -1, -6, 127, 128, -128, -129, INT32_MAX, INT32_MIN, -0x12345678};
    Run r = {0};
    for (int i = 0; i < N(rxs); i++)
        for (int k = 0; k < N(rels); k++)
            dec_rip_one(&r, rxs[i], rels[k]);
    finish(&r);
}

/* ---- vectors ---- */

TEST(x64, movdqu_load)
{
    Run r = {0};
    int na = mems_all(all, true);
    for (int x = 0; x < 16; x++)
        for (int i = 0; i < na; i++) {
            JitMem m = all[i];
            Want w = want(M(MOVDQU));
            w_reg(&w, XMM[x]);
            w_mem(&w, m, 128);
            TRY(&r, w, x64_movdqu_load(b, x, m), "x64_movdqu_load(%s, %s)", xname(x), mstr(m).s);
        }
    finish(&r);
}

TEST(x64, movdqu_store)
{
    Run r = {0};
    int na = mems_all(all, true);
    for (int x = 0; x < 16; x++)
        for (int i = 0; i < na; i++) {
            JitMem m = all[i];
            Want w = want(M(MOVDQU));
            w_mem(&w, m, 128);
            w_reg(&w, XMM[x]);
            TRY(&r, w, x64_movdqu_store(b, m, x), "x64_movdqu_store(%s, %s)", mstr(m).s, xname(x));
        }
    finish(&r);
}

TEST(x64, movq_xr)
{
    Run r = {0};
    for (int x = 0; x < 16; x++)
        for (int t = 0; t < 16; t++) {
            Want w = want(M(MOVQ));
            w_reg(&w, XMM[x]);
            w_reg(&w, gpr(8, t));
            TRY(&r, w, x64_movq_xr(b, x, t), "x64_movq_xr(%s, %s)", xname(x), gname(8, t));
        }
    finish(&r);
}

TEST(x64, movq_rx)
{
    Run r = {0};
    for (int d = 0; d < 16; d++)
        for (int x = 0; x < 16; x++) {
            Want w = want(M(MOVQ));
            w_reg(&w, gpr(8, d));
            w_reg(&w, XMM[x]);
            TRY(&r, w, x64_movq_rx(b, d, x), "x64_movq_rx(%s, %s)", gname(8, d), xname(x));
        }
    finish(&r);
}

TEST(x64, pextrq)
{
    Run r = {0};
    for (int d = 0; d < 16; d++)
        for (int x = 0; x < 16; x++)
            for (u8 lane = 0; lane < 2; lane++) {
                Want w = want(M(PEXTRQ));
                w_reg(&w, gpr(8, d));
                w_reg(&w, XMM[x]);
                w_imm(&w, lane, 8);
                TRY(&r, w, x64_pextrq(b, d, x, lane), "x64_pextrq(%s, %s, %u)", gname(8, d), xname(x), lane);
            }
    finish(&r);
}

TEST(x64, pinsrq)
{
    Run r = {0};
    for (int x = 0; x < 16; x++)
        for (int t = 0; t < 16; t++)
            for (u8 lane = 0; lane < 2; lane++) {
                Want w = want(M(PINSRQ));
                w_reg(&w, XMM[x]);
                w_reg(&w, gpr(8, t));
                w_imm(&w, lane, 8);
                TRY(&r, w, x64_pinsrq(b, x, t, lane), "x64_pinsrq(%s, %s, %u)", xname(x), gname(8, t), lane);
            }
    finish(&r);
}

TEST(x64, sse_rr)
{
    /* the forms lower.c uses, and the other mandatory prefixes */
    static const struct {
        u8 prefix, opc;
        ZydisMnemonic mn;
    } ops[] = {
        {0x66, 0xdb, M(PAND)}, {0x66, 0xeb, M(POR)},    {0x66, 0xef, M(PXOR)},  {0x66, 0xdf, M(PANDN)},
        {0x66, 0x76, M(PCMPEQD)}, {0x66, 0xd4, M(PADDQ)}, {0x00, 0x54, M(ANDPS)}, {0x66, 0x54, M(ANDPD)},
        {0xf3, 0x58, M(ADDSS)}, {0xf2, 0x58, M(ADDSD)}, {0x00, 0x28, M(MOVAPS)}, {0xf3, 0x6f, M(MOVDQU)},
    };
    Run r = {0};
    for (int o = 0; o < N(ops); o++)
        for (int d = 0; d < 16; d++)
            for (int x = 0; x < 16; x++) {
                Want w = want(ops[o].mn);
                w_reg(&w, XMM[d]);
                w_reg(&w, XMM[x]);
                TRY(&r, w, x64_sse_rr(b, ops[o].prefix, ops[o].opc, d, x), "x64_sse_rr(%#x, %#x, %s, %s)",
                    ops[o].prefix, ops[o].opc, xname(d), xname(x));
            }
    finish(&r);
}

TEST(x64, sse_op_w)
{
    /* CVTSI2SS/SD xmm, r32/r64: what lower.c uses it for */
    static const struct {
        u8 prefix;
        ZydisMnemonic mn;
    } ops[] = {{0xf3, M(CVTSI2SS)}, {0xf2, M(CVTSI2SD)}};
    Run r = {0};
    for (int o = 0; o < N(ops); o++)
        for (unsigned size = 4; size <= 8; size += 4)
            for (int d = 0; d < 16; d++)
                for (int t = 0; t < 16; t++) {
                    Want w = want(ops[o].mn);
                    w_reg(&w, XMM[d]);
                    w_reg(&w, gpr(size, t));
                    TRY(&r, w, x64_sse_op_w(b, size, ops[o].prefix, 0x2a, d, t), "x64_sse_op_w(%u, %#x, %s, %s)",
                        size, ops[o].prefix, xname(d), gname(size, t));
                }
    finish(&r);
}

/* ---- what cannot be encoded ---- */

/* RSP as an index would encode "no index" (SIB.index 100), a scale over 3
 * would spill out of SIB.scale: every memory-operand emitter must stop. */
TEST(x64, mem_unencodable)
{
    JitMem rsp_index = {.base = X64_RAX, .index = X64_RSP, .scale = 1, .disp = 8};
    JitMem no_base = {.base = -1, .index = X64_RSP, .scale = 0, .gs = true, .disp = 8};
    JitMem scale4 = {.base = X64_RAX, .index = X64_RCX, .scale = 4};
    const JitMem bad[] = {rsp_index, no_base, scale4};
    for (int i = 0; i < N(bad); i++) {
        JitMem m = bad[i];
        Str s = mstr(m);
        const char *ms = s.s;
        EXPECT_REFUSES(x64_load(b, 8, 1, m), ms);
        EXPECT_REFUSES(x64_load_sx(b, 1, 8, 1, m), ms);
        EXPECT_REFUSES(x64_store(b, 1, m, 1), ms);
        EXPECT_REFUSES(x64_store_i32(b, 4, m, 1), ms);
        EXPECT_REFUSES(x64_lea(b, 1, m), ms);
        EXPECT_REFUSES(x64_alu_rm(b, X64_ADD, 4, 1, m), ms);
        EXPECT_REFUSES(x64_alu_mi(b, X64_ADD, 4, m, 1), ms);
        EXPECT_REFUSES(x64_xchg_rm(b, 4, 1, m), ms);
        EXPECT_REFUSES(x64_cmpxchg(b, 4, m, 1), ms);
        EXPECT_REFUSES(x64_jmp_m(b, m), ms);
        EXPECT_REFUSES(x64_stmxcsr(b, m), ms);
        EXPECT_REFUSES(x64_movdqu_load(b, 1, m), ms);
        EXPECT_REFUSES(x64_movdqu_store(b, m, 1), ms);
    }
}

/* ---- the buffer ---- */

/* Every emitter, into a buffer with less room than its longest form: it
 * must write nothing and set `full`; and into a roomy buffer already full. */
TEST(x64, buffer_full)
{
    JitMem m = {.base = X64_R13, .index = X64_R12, .scale = 3, .gs = true, .disp = INT32_MIN};
    for (int pass = 0; pass < 2; pass++) {
        int k = 0;
        for (;; k++) {
            u8 code[64];
            memset(code, 0xcc, sizeof code);
            X64Buf buf = {code, code + (pass ? sizeof code : 15), pass == 1};
            X64Buf *b = &buf;
            switch (k) {
            case 0: x64_mov_rr(b, 8, 1, 2); break;
            case 1: x64_mov_ri(b, 1, ~0ull / 3); break;
            case 2: x64_load(b, 8, 1, m); break;
            case 3: x64_load_sx(b, 2, 8, 1, m); break;
            case 4: x64_store(b, 2, m, 1); break;
            case 5: x64_store_i32(b, 2, m, 1000); break;
            case 6: x64_lea(b, 1, m); break;
            case 7: x64_alu_rr(b, X64_ADD, 8, 1, 2); break;
            case 8: x64_alu_ri(b, X64_ADD, 2, 1, 1000); break;
            case 9: x64_alu_rm(b, X64_ADD, 2, 1, m); break;
            case 10: x64_alu_mi(b, X64_ADD, 2, m, 1000); break;
            case 11: x64_test_rr(b, 8, 1, 2); break;
            case 12: x64_shift_ri(b, X64_SHL, 8, 1, 3); break;
            case 13: x64_shift_rcl(b, X64_SHL, 8, 1); break;
            case 14: x64_imul_rr(b, 8, 1, 2); break;
            case 15: x64_imul_rri(b, 8, 1, 2, 1000); break;
            case 16: x64_mul1(b, 8, true, 1); break;
            case 17: x64_div1(b, 8, true, 1); break;
            case 18: x64_unary(b, 8, true, 1); break;
            case 19: x64_cqo(b); break;
            case 20: x64_movzx(b, 1, 1, 2); break;
            case 21: x64_movsx(b, 1, 8, 1, 2); break;
            case 22: x64_bswap(b, 8, 1); break;
            case 23: x64_bitcount(b, 0xb8, 2, 1, 2); break;
            case 24: x64_setcc(b, X64_CC_E, 1); break;
            case 25: x64_cmov(b, X64_CC_E, 8, 1, 2); break;
            case 26: x64_xchg_rm(b, 2, 1, m); break;
            case 27: x64_cmpxchg(b, 2, m, 1); break;
            case 28: x64_mfence(b); break;
            case 29: x64_push(b, 1); break;
            case 30: x64_pop(b, 1); break;
            case 31: x64_ret(b); break;
            case 32: x64_call_r(b, 1); break;
            case 33: x64_jmp_r(b, 1); break;
            case 34: x64_jmp_m(b, m); break;
            case 35: EXPECT_TRUE(x64_jmp32(b, true) == NULL, "x64_jmp32 (pass %d)", pass); break;
            case 36: EXPECT_TRUE(x64_jcc32(b, X64_CC_E) == NULL, "x64_jcc32 (pass %d)", pass); break;
            case 37: x64_movdqu_load(b, 9, m); break;
            case 38: x64_movdqu_store(b, m, 9); break;
            case 39: x64_movq_xr(b, 9, 1); break;
            case 40: x64_movq_rx(b, 1, 9); break;
            case 41: x64_pextrq(b, 1, 9, 1); break;
            case 42: x64_pinsrq(b, 9, 1, 1); break;
            case 43: x64_sse_rr(b, 0x66, 0xef, 9, 1); break;
            case 44: x64_stmxcsr(b, m); break;
            case 45: x64_sse_op_w(b, 8, 0xf2, 0x2a, 9, 1); break;
            default: goto done;
            }
            EXPECT_TRUE(buf.p == code, "emitter %d wrote into a %s buffer", k, pass ? "full" : "15-byte");
            EXPECT_TRUE(buf.full, "emitter %d: full not set (pass %d)", k, pass);
            EXPECT_EQ(0xcc, code[0], "emitter %d wrote a byte (pass %d)", k, pass);
        }
    done:
        EXPECT_EQ(46, k);
    }
}
