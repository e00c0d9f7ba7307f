/*
 * sse_host_test.c — every SSE helper that names a host instruction
 * (IrHelper.host, which the JIT emits instead of calling the helper) is
 * that instruction: its bytes from x64_sse_op decode (Zydis) as the
 * helper's own mnemonic, and run on this CPU they compute what the helper
 * computes, on inputs that reach each lane's edge cases (sign bits,
 * saturation bounds, zero, all ones) and on random ones, for every imm8 of
 * the forms that take one.  A helper whose form the CPU lacks is skipped
 * (the JIT does not use it there either).
 */
#include "arch/x86/sse_priv.h"
#include "jit/x64.h"
#include "test.h"

#include <Zydis/Zydis.h>
#include <ctype.h>
#include <sys/mman.h>

static const IrHelper *const helpers[] = {
#define H(name, ...) &sse_h_##name,
    SSE_INT_HELPERS(H)
#undef H
};

/* A host function (a, b, out) doing xmm0 = [a], xmm1 = [b], the form, then
 * storing xmm0 (or the integer result) to [out]. */
typedef void (*HostFn)(const V128 *a, const V128 *b, V128 *out);

static u8 *code_page;

static HostFn build(const IrHelper *h, int imm, u8 *insn, size_t *insn_len)
{
    if (!code_page)
        code_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    X64Buf b = {code_page, code_page + 4096, false};
    x64_movdqu_load(&b, 0, x64_mem(X64_RDI, 0));
    x64_movdqu_load(&b, 1, x64_mem(X64_RSI, 0));
    u8 *at = b.p;
    if (h->sig == IRH_I_V) {
        x64_mov_ri(&b, X64_RAX, 0);
        at = b.p;
        x64_sse_op(&b, h->host.prefix, h->host.map, h->host.opcode, X64_RAX, 0, imm);
        *insn_len = (size_t)(b.p - at);
        memcpy(insn, at, *insn_len);
        x64_store(&b, 8, x64_mem(X64_RDX, 0), X64_RAX);
        x64_store_i32(&b, 8, x64_mem(X64_RDX, 8), 0);
    } else {
        x64_sse_op(&b, h->host.prefix, h->host.map, h->host.opcode, 0, 1, imm);
        *insn_len = (size_t)(b.p - at);
        memcpy(insn, at, *insn_len);
        x64_movdqu_store(&b, x64_mem(X64_RDX, 0), 0);
    }
    x64_ret(&b);
    return (HostFn)(void *)code_page;
}

static bool host_has(u8 flags)
{
    __builtin_cpu_init();
    return (!(flags & IRHI_SSE3) || __builtin_cpu_supports("sse3")) &&
           (!(flags & IRHI_SSSE3) || __builtin_cpu_supports("ssse3")) &&
           (!(flags & IRHI_SSE41) || __builtin_cpu_supports("sse4.1")) &&
           (!(flags & IRHI_SSE42) || __builtin_cpu_supports("sse4.2"));
}

static u64 rng = 0x9e3779b97f4a7c15ull;
static u64 next(void) { return ue_test_xorshift(&rng); }

/* Lane patterns: each byte from a small set of edge values, or random. */
static V128 input(unsigned k)
{
    static const u8 edge[] = {0x00, 0xff, 0x80, 0x7f, 0x01, 0xfe, 0x81, 0x7e};
    V128 v;
    u8 *p = (u8 *)&v;
    for (int i = 0; i < 16; i++)
        p[i] = k % 3 == 0 ? edge[next() % 8] : (u8)next();
    return v;
}

static V128 call_helper(const IrHelper *h, V128 a, V128 b, int imm)
{
    V128 c = {(u64)(imm < 0 ? 0 : imm), 0};
    if (h->sig == IRH_I_V)
        return (V128){((IrHelperIV)h->fn)(NULL, a, b, c), 0};
    return ((IrHelperVV)h->fn)(NULL, a, b, c);
}

TEST(sse_host, decodes_as_the_helper)
{
    ZydisDecoder zyd;
    ZydisDecoderInit(&zyd, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
    unsigned forms = 0;
    for (size_t i = 0; i < UE_ARRAY_LEN(helpers); i++) {
        const IrHelper *h = helpers[i];
        if (!ir_has_host_insn(h))
            continue;
        u8 insn[16];
        size_t n;
        build(h, h->host.flags & IRHI_IMM8 ? 0x1b : -1, insn, &n);
        ZydisDecodedInstruction zi;
        ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
        ASSERT_TRUE(ZYAN_SUCCESS(ZydisDecoderDecodeFull(&zyd, insn, n, &zi, zo)) && zi.length == n, "%s",
                    h->name);
        char want[32];
        size_t k = 0;
        for (; h->name[k] && k + 1 < sizeof want; k++)
            want[k] = (char)tolower((unsigned char)h->name[k]);
        want[k] = 0;
        EXPECT_STREQ(want, ZydisMnemonicGetString(zi.mnemonic), "the bytes of %s", h->name);
        forms++;
    }
    EXPECT_TRUE(forms >= 100, "only %u helpers name a host instruction", forms);
}

TEST(sse_host, computes_what_the_helper_computes)
{
    unsigned run = 0, skipped = 0;
    for (size_t i = 0; i < UE_ARRAY_LEN(helpers); i++) {
        const IrHelper *h = helpers[i];
        if (!ir_has_host_insn(h))
            continue;
        if (!host_has(h->host.flags)) {
            skipped++;
            continue;
        }
        bool imm8 = h->host.flags & IRHI_IMM8;
        for (int imm = imm8 ? 0 : -1; imm < (imm8 ? 256 : 0); imm++) {
            u8 insn[16];
            size_t n;
            HostFn fn = build(h, imm, insn, &n);
            for (unsigned k = 0; k < (imm8 ? 8u : 400u); k++) {
                V128 a = input(k), b = input(k + 1), got;
                /* shift counts: small ones as well as huge */
                if (k % 4 == 1)
                    b = (V128){next() % 70, k % 8 == 1 ? 0 : next()};
                fn(&a, &b, &got);
                V128 want = call_helper(h, a, b, imm);
                if (want.lo != got.lo || want.hi != got.hi) {
                    EXPECT_TRUE(false,
                                "%s imm %d: a %016llx%016llx b %016llx%016llx: helper %016llx%016llx, "
                                "host %016llx%016llx",
                                h->name, imm, (unsigned long long)a.hi, (unsigned long long)a.lo,
                                (unsigned long long)b.hi, (unsigned long long)b.lo, (unsigned long long)want.hi,
                                (unsigned long long)want.lo, (unsigned long long)got.hi, (unsigned long long)got.lo);
                    imm = 256; /* (one report per helper) */
                    break;
                }
                run++;
            }
        }
    }
    printf("    %u comparisons, %u helpers skipped (the CPU lacks their extension)\n", run, skipped);
    EXPECT_TRUE(run > 10000);
}
