/*
 * decode_test.c — unit tests of the x86-64 decoder (src/arch/x86/decode.c).
 *
 * Two oracles:
 *  1. hand-verified encodings (Intel SDM vol. 2 ch. 2 and appendix A; each
 *     case says what it pins down: lengths, legacy/REX/VEX prefix rules,
 *     ModRM/SIB/RIP-relative forms, immediates and their extension,
 *     encodings invalid in 64-bit mode, truncated input);
 *  2. Zydis, decoding the same bytes: every instruction of real Debian
 *     binaries, and random byte strings, must get the same length,
 *     displacement, immediates and ModRM/SIB from ue wherever both decode.
 *
 * ue may reject what Zydis accepts (not lifted yet: the guest gets SIGILL);
 * the tests require the reverse direction where it matters: bytes Zydis
 * calls invalid must not be lifted as something (x86_translate gives a
 * SIGILL exit for them).
 */
#include "arch/x86/x86.h"
#include "test.h"

#include <Zydis/Zydis.h>
#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

/* ---- helpers ---- */

static size_t unhex(const char *s, u8 *out)
{
    size_t n = 0;
    while (*s) {
        if (*s == ' ') {
            s++;
            continue;
        }
        unsigned v;
        if (sscanf(s, "%2x", &v) != 1)
            abort();
        out[n++] = (u8)v;
        s += 2;
    }
    return n;
}

static X86DecodeStatus dec(const char *hex, X86Insn *in)
{
    u8 buf[32];
    size_t n = unhex(hex, buf);
    return x86_decode(in, buf, n, 0x401000);
}

/* Decode hex (exactly one instruction) and expect success with its length. */
#define DECODE_OK(hex, in)                                                    \
    do {                                                                      \
        ASSERT_EQ(X86_DECODE_OK, dec(hex, &(in)), "%s", hex);                 \
        u8 b_[32];                                                            \
        EXPECT_EQ(unhex(hex, b_), (in).len, "length of %s", hex);             \
    } while (0)

/* ---- lengths and operands, hand-verified ---- */

TEST(decode, one_byte_and_register_forms)
{
    X86Insn in;
    DECODE_OK("90", in); /* nop */
    EXPECT_EQ(X86_MAP_1B, in.map);
    EXPECT_EQ(0x90, in.opc);
    EXPECT_EQ(0x401000, in.pc);
    DECODE_OK("c3", in); /* ret */
    DECODE_OK("48 89 e5", in); /* mov rbp, rsp */
    EXPECT_EQ(0x48, in.rex);
    EXPECT_TRUE(in.rex_w);
    EXPECT_EQ(8, in.opsize);
    EXPECT_TRUE(in.has_modrm);
    EXPECT_EQ(3, in.mod);
    EXPECT_EQ(4, in.reg); /* rsp */
    EXPECT_EQ(5, in.rm);  /* rbp */
    DECODE_OK("4d 31 c9", in); /* xor r9, r9: REX.R and REX.B */
    EXPECT_EQ(9, in.reg);
    EXPECT_EQ(9, in.rm);
    DECODE_OK("41 57", in); /* push r15: register in the opcode, REX.B */
    EXPECT_EQ(15, in.rm);
    EXPECT_EQ(8, in.opsize); /* D64 */
    DECODE_OK("66 50", in); /* push ax */
    EXPECT_EQ(2, in.opsize);
    DECODE_OK("40 88 f0", in); /* mov al, sil: REX with no bits still matters */
    EXPECT_EQ(0x40, in.rex);
    EXPECT_EQ(6, in.reg);
    EXPECT_EQ(memcmp(in.bytes, "\x40\x88\xf0", 3), 0);
}

TEST(decode, modrm_sib_and_displacements)
{
    X86Insn in;
    DECODE_OK("8b 45 f8", in); /* mov eax, [rbp-8]: disp8 sign-extended */
    EXPECT_EQ(1, in.mod);
    EXPECT_EQ(5, in.base);
    EXPECT_EQ(-1, in.index);
    EXPECT_EQ(-8, in.disp);
    EXPECT_FALSE(in.rip_rel);
    DECODE_OK("4c 8b 44 24 08", in); /* mov r8, [rsp+8]: SIB, index 100 = none */
    EXPECT_EQ(8, in.reg);
    EXPECT_EQ(4, in.base);
    EXPECT_EQ(-1, in.index);
    EXPECT_EQ(8, in.disp);
    DECODE_OK("8b 84 8b 00 01 00 00", in); /* mov eax, [rbx+rcx*4+0x100]: disp32 */
    EXPECT_EQ(3, in.base);
    EXPECT_EQ(1, in.index);
    EXPECT_EQ(2, in.scale);
    EXPECT_EQ(0x100, in.disp);
    DECODE_OK("8b 04 25 78 56 34 12", in); /* mov eax, [0x12345678]: SIB base 101, mod 00: no base */
    EXPECT_EQ(-1, in.base);
    EXPECT_EQ(-1, in.index);
    EXPECT_FALSE(in.rip_rel);
    EXPECT_EQ(0x12345678, in.disp);
    DECODE_OK("8b 04 a5 f0 ff ff ff", in); /* mov eax, [-16]: SIB index 100 = none, base 101 = none */
    EXPECT_EQ(-1, in.base);
    EXPECT_EQ(-1, in.index);
    EXPECT_EQ(-16, in.disp);
    DECODE_OK("42 8b 04 a5 00 00 00 00", in); /* with REX.X, index 100 is r12 */
    EXPECT_EQ(-1, in.base);
    EXPECT_EQ(12, in.index);
    EXPECT_EQ(2, in.scale);
    DECODE_OK("41 8b 45 00", in); /* mov eax, [r13+0]: r13 as base needs a disp8 */
    EXPECT_EQ(13, in.base);
    EXPECT_EQ(0, in.disp);
    DECODE_OK("41 8b 04 24", in); /* mov eax, [r12]: r12 as base needs a SIB */
    EXPECT_EQ(12, in.base);
    EXPECT_EQ(-1, in.index);
    DECODE_OK("43 8b 44 2d 10", in); /* mov eax, [r13+r13+0x10]: SIB base 101 with mod 01 is r13 */
    EXPECT_EQ(13, in.base);
    EXPECT_EQ(13, in.index);
    EXPECT_EQ(0x10, in.disp);
}

TEST(decode, rip_relative)
{
    X86Insn in;
    DECODE_OK("48 8b 05 f8 ff ff ff", in); /* mov rax, [rip-8] */
    EXPECT_TRUE(in.rip_rel);
    EXPECT_EQ(-1, in.base);
    EXPECT_EQ(-1, in.index);
    EXPECT_EQ(-8, in.disp);
    DECODE_OK("48 8d 0d 00 00 00 80", in); /* lea rcx, [rip-2^31] */
    EXPECT_TRUE(in.rip_rel);
    EXPECT_EQ(-2147483648LL, in.disp);
    DECODE_OK("41 8b 05 10 00 00 00", in); /* REX.B does not turn RIP-relative into r13 */
    EXPECT_TRUE(in.rip_rel);
    DECODE_OK("c7 05 10 00 00 00 01 00 00 00", in); /* mov dword [rip+0x10], 1: disp then imm */
    EXPECT_TRUE(in.rip_rel);
    EXPECT_EQ(0x10, in.disp);
    EXPECT_EQ(1, in.imm);
}

TEST(decode, immediates)
{
    X86Insn in;
    DECODE_OK("48 c7 c0 ff ff ff ff", in); /* mov rax, -1: imm32 sign-extended */
    EXPECT_EQ(4, in.imm_size);
    EXPECT_EQ(~0ull, in.imm);
    DECODE_OK("48 b8 88 77 66 55 44 33 22 11", in); /* movabs rax, imm64 */
    EXPECT_EQ(8, in.imm_size);
    EXPECT_EQ(0x1122334455667788ull, in.imm);
    DECODE_OK("b8 78 56 34 12", in); /* mov eax, imm32 */
    EXPECT_EQ(0x12345678, in.imm & 0xffffffff);
    DECODE_OK("66 b8 34 12", in); /* mov ax, imm16 */
    EXPECT_EQ(2, in.opsize);
    EXPECT_EQ(2, in.imm_size);
    DECODE_OK("66 05 ff ff", in); /* add ax, imm16: Iz is 16 bits with 66 */
    EXPECT_EQ(0xffff, in.imm & 0xffff);
    DECODE_OK("05 00 00 00 80", in); /* add eax, imm32 */
    DECODE_OK("48 05 00 00 00 80", in); /* add rax, imm32 sign-extended to 64 */
    EXPECT_EQ(0xffffffff80000000ull, in.imm);
    DECODE_OK("83 c0 80", in); /* add eax, -128: Ib sign-extended */
    EXPECT_EQ((u64)-128, in.imm);
    DECODE_OK("6a ff", in); /* push -1 */
    EXPECT_EQ(8, in.opsize);
    DECODE_OK("68 00 00 00 80", in); /* push imm32 */
    DECODE_OK("c2 08 00", in); /* ret 8: Iw */
    EXPECT_EQ(8, in.imm & 0xffff);
    DECODE_OK("c8 10 00 01", in); /* enter 16, 1: Iw then Ib */
    EXPECT_EQ(16, in.imm & 0xffff);
    EXPECT_EQ(1, in.imm2);
    DECODE_OK("a1 88 77 66 55 44 33 22 11", in); /* mov eax, [moffs64] */
    EXPECT_EQ(0x1122334455667788ull, in.imm);
    DECODE_OK("67 a1 78 56 34 12", in); /* mov eax, [moffs32] with 67h */
    EXPECT_EQ(4, in.addrsize);
    DECODE_OK("48 a3 08 07 06 05 04 03 02 01", in); /* mov [moffs64], rax */
    DECODE_OK("c6 00 7f", in); /* mov byte [rax], 0x7f */
    DECODE_OK("66 c7 00 34 12", in); /* mov word [rax], 0x1234 */
    DECODE_OK("c1 e0 05", in); /* shl eax, 5 */
    DECODE_OK("0f ba e0 03", in); /* bt eax, 3 */
    DECODE_OK("69 c0 10 27 00 00", in); /* imul eax, eax, 10000 */
    DECODE_OK("6b c0 f6", in); /* imul eax, eax, -10 */
}

TEST(decode, grp3_immediate_only_for_test)
{
    X86Insn in;
    DECODE_OK("f6 c0 01", in); /* test al, 1 */
    DECODE_OK("f6 d0", in);    /* not al */
    DECODE_OK("f6 e1", in);    /* mul cl */
    DECODE_OK("f7 c0 78 56 34 12", in); /* test eax, imm32 */
    DECODE_OK("f7 c8 78 56 34 12", in); /* test eax, imm32 (/1 is an alias) */
    DECODE_OK("f7 d8", in);    /* neg eax */
    DECODE_OK("48 f7 f1", in); /* div rcx */
    DECODE_OK("f7 7d f8", in); /* idiv dword [rbp-8] */
    DECODE_OK("66 f7 c1 ff 7f", in); /* test cx, 0x7fff */
}

TEST(decode, branches_ignore_operand_size)
{
    X86Insn in;
    DECODE_OK("eb fe", in); /* jmp $ */
    EXPECT_EQ((u64)-2, in.imm);
    DECODE_OK("e8 00 00 00 00", in);
    EXPECT_EQ(8, in.opsize);
    DECODE_OK("66 e8 00 00 00 00", in); /* 66h does not make a near call 16-bit (Intel) */
    EXPECT_EQ(8, in.opsize);
    DECODE_OK("48 e9 fb ff ff ff", in);
    EXPECT_EQ((u64)-5, in.imm);
    DECODE_OK("0f 84 00 00 00 80", in); /* jz rel32 */
    EXPECT_EQ(X86_MAP_0F, in.map);
    EXPECT_EQ(0x84, in.opc);
    DECODE_OK("70 7f", in); /* jo rel8 */
    DECODE_OK("e3 10", in); /* jrcxz */
    DECODE_OK("e2 fe", in); /* loop */
    DECODE_OK("ff e0", in); /* jmp rax */
    DECODE_OK("ff 14 c5 00 10 40 00", in); /* call [rax*8+0x401000] */
    DECODE_OK("41 ff d3", in); /* call r11 */
}

TEST(decode, legacy_prefixes)
{
    X86Insn in;
    DECODE_OK("66 89 c8", in); /* mov ax, cx */
    EXPECT_EQ(2, in.opsize);
    EXPECT_TRUE(in.opsize16);
    DECODE_OK("66 48 89 c8", in); /* REX.W beats 66h */
    EXPECT_EQ(8, in.opsize);
    DECODE_OK("48 66 89 c8", in); /* a REX not right before the opcode is ignored */
    EXPECT_EQ(0, in.rex);
    EXPECT_FALSE(in.rex_w);
    EXPECT_EQ(2, in.opsize);
    DECODE_OK("41 66 89 c8", in); /* ...REX.B too: rm stays rax */
    EXPECT_EQ(0, in.rm);
    DECODE_OK("f3 48 a5", in); /* rep movsq */
    EXPECT_EQ(0xf3, in.rep);
    EXPECT_EQ(8, in.opsize);
    DECODE_OK("f2 f3 a4", in); /* the last of F2/F3 wins */
    EXPECT_EQ(0xf3, in.rep);
    DECODE_OK("f3 f2 ae", in);
    EXPECT_EQ(0xf2, in.rep);
    DECODE_OK("f0 48 0f b1 0a", in); /* lock cmpxchg [rdx], rcx */
    EXPECT_TRUE(in.lock);
    EXPECT_EQ(X86_MAP_0F, in.map);
    EXPECT_EQ(0xb1, in.opc);
    DECODE_OK("64 48 8b 04 25 28 00 00 00", in); /* mov rax, fs:[0x28] */
    EXPECT_EQ(X86_SEG_FS, in.seg);
    DECODE_OK("65 48 8b 04 25 00 00 00 00", in);
    EXPECT_EQ(X86_SEG_GS, in.seg);
    /* CS/DS/ES/SS overrides are ignored in 64-bit mode, even after FS/GS:
     * 65 2e 8b 00 reads gs:[rax] on real hardware (checked on an x86-64
     * host with arch_prctl(ARCH_SET_GS) and rax = 0). */
    DECODE_OK("64 2e 8b 00", in);
    EXPECT_EQ(X86_SEG_FS, in.seg);
    DECODE_OK("65 3e 26 36 8b 00", in);
    EXPECT_EQ(X86_SEG_GS, in.seg);
    DECODE_OK("2e 64 8b 00", in);
    EXPECT_EQ(X86_SEG_FS, in.seg);
    DECODE_OK("64 65 8b 00", in); /* the last of FS/GS wins */
    EXPECT_EQ(X86_SEG_GS, in.seg);
    DECODE_OK("3e 8b 00", in);
    EXPECT_EQ(X86_SEG_NONE, in.seg);
    DECODE_OK("67 8b 00", in); /* mov eax, [eax] */
    EXPECT_EQ(4, in.addrsize);
    EXPECT_EQ(8, dec("8b 00", &in) == X86_DECODE_OK ? in.addrsize : 0);
}

TEST(decode, mandatory_prefixes)
{
    X86Insn in;
    DECODE_OK("0f 10 c1", in); /* movups */
    EXPECT_EQ(0, in.mprefix);
    DECODE_OK("66 0f 6f c1", in); /* movdqa xmm0, xmm1 */
    EXPECT_EQ(0x66, in.mprefix);
    DECODE_OK("f3 0f 6f 01", in); /* movdqu xmm0, [rcx] */
    EXPECT_EQ(0xf3, in.mprefix);
    DECODE_OK("66 f2 0f 58 c1", in); /* F2 beats 66 as the mandatory prefix */
    EXPECT_EQ(0xf2, in.mprefix);
    DECODE_OK("f3 0f b8 c1", in); /* popcnt eax, ecx */
    EXPECT_EQ(0xf3, in.mprefix);
    DECODE_OK("66 f3 0f b8 c1", in); /* popcnt ax, cx: 66h still sizes */
    EXPECT_EQ(0xf3, in.mprefix);
    EXPECT_EQ(2, in.opsize);
    DECODE_OK("f3 48 0f bc c1", in); /* tzcnt rax, rcx */
    DECODE_OK("f2 0f 38 f1 c1", in); /* crc32 eax, ecx */
    EXPECT_EQ(X86_MAP_0F38, in.map);
    EXPECT_EQ(0xf1, in.opc);
    DECODE_OK("66 0f 3a 0f c1 08", in); /* palignr xmm0, xmm1, 8 */
    EXPECT_EQ(X86_MAP_0F3A, in.map);
    EXPECT_EQ(8, in.imm & 0xff);
    DECODE_OK("66 0f 38 00 04 24", in); /* pshufb xmm0, [rsp] */
    DECODE_OK("66 48 0f 6e c0", in); /* movq xmm0, rax */
    EXPECT_TRUE(in.rex_w);
    DECODE_OK("f3 0f 1e fa", in); /* endbr64 */
    DECODE_OK("0f 1f 44 00 00", in); /* nop dword [rax+rax] */
    DECODE_OK("66 2e 0f 1f 84 00 00 00 00 00", in); /* the 10-byte nop */
}

TEST(decode, vex_fields)
{
    X86Insn in;
    DECODE_OK("c5 f8 77", in); /* vzeroupper: no ModRM */
    EXPECT_TRUE(in.vex);
    EXPECT_EQ(X86_MAP_0F, in.map);
    EXPECT_EQ(0x77, in.opc);
    EXPECT_FALSE(in.has_modrm);
    EXPECT_EQ(0, in.vex_l);
    DECODE_OK("c5 fc 77", in); /* vzeroall: L=1 */
    EXPECT_EQ(1, in.vex_l);
    DECODE_OK("c5 f9 6f c1", in); /* vmovdqa xmm0, xmm1: pp=01 is 66 */
    EXPECT_EQ(0x66, in.mprefix);
    EXPECT_EQ(0, in.vex_v); /* vvvv=1111 names register 0 */
    EXPECT_EQ(0, in.reg);
    EXPECT_EQ(1, in.rm);
    DECODE_OK("c5 f0 58 c2", in); /* vaddps xmm0, xmm1, xmm2: vvvv inverted */
    EXPECT_EQ(1, in.vex_v);
    EXPECT_EQ(0, in.mprefix);
    DECODE_OK("c5 7a 6f 00", in); /* vmovdqu xmm8, [rax]: C5's R inverted, pp=10 is F3 */
    EXPECT_EQ(8, in.reg);
    EXPECT_EQ(0xf3, in.mprefix);
    DECODE_OK("c4 41 78 28 c8", in); /* vmovaps xmm9, xmm8: C4's R and B */
    EXPECT_EQ(9, in.reg);
    EXPECT_EQ(8, in.rm);
    EXPECT_FALSE(in.rex_w);
    DECODE_OK("c4 e2 79 18 05 00 01 00 00", in); /* vbroadcastss xmm0, [rip+0x100]: map 0F38 */
    EXPECT_EQ(X86_MAP_0F38, in.map);
    EXPECT_TRUE(in.rip_rel);
    EXPECT_EQ(0x100, in.disp);
    DECODE_OK("c4 e3 79 0f c1 08", in); /* vpalignr: map 0F3A has an Ib */
    EXPECT_EQ(X86_MAP_0F3A, in.map);
    EXPECT_EQ(8, in.imm & 0xff);
    DECODE_OK("c4 e2 f9 90 04 88", in); /* vpgatherdq: W=1, SIB */
    EXPECT_TRUE(in.rex_w);
    EXPECT_EQ(0, in.base);
    EXPECT_EQ(1, in.index);
    EXPECT_EQ(2, in.scale);
    DECODE_OK("c4 a1 7a 10 04 c8", in); /* vmovss xmm0, [rax+r9*8]: X inverted */
    EXPECT_EQ(9, in.index);
    DECODE_OK("c5 fd c2 c1 01", in); /* vcmppd ymm0, ymm0, ymm1, 1: 0F C2 has an Ib */
    EXPECT_EQ(1, in.vex_l);
    EXPECT_EQ(1, in.imm & 0xff);
}

TEST(decode, fifteen_byte_limit)
{
    X86Insn in;
    /* 14 prefixes + nop = 15 bytes: valid; one more prefix: #UD. */
    DECODE_OK("66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", in);
    EXPECT_EQ(X86_DECODE_INVALID, dec("66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", &in));
    /* 11 prefixes + a 5-byte instruction: 16 bytes */
    EXPECT_EQ(X86_DECODE_INVALID, dec("2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e b8 01 02 03 04", &in));
    /* the longest legal instruction: 15 bytes exactly */
    DECODE_OK("66 66 66 66 66 2e c7 84 80 00 01 00 00 34 12", in);
}

TEST(decode, invalid_in_64bit_mode)
{
    /* One-byte opcodes that 64-bit mode removed (SDM appendix A, "i64"),
     * and VEX forms that are #UD. */
    static const char *const bad[] = {
        "06", "07", "0e", "16", "17", "1e", "1f", "27", "2f", "37", "3f", "60", "61",
        "82 c0 01", "9a 00 00 00 00 00 00", "ce", "d4 0a", "d5 0a", "d6", "ea 00 00 00 00 00 00",
        "c4 e0 79 6f c1",    /* VEX map 0 */
        "c4 e4 79 6f c1",    /* VEX map 4 */
        "66 c5 f9 6f c1",    /* VEX after 66h */
        "f3 c5 f9 6f c1",    /* VEX after F3 */
        "48 c5 f9 6f c1",    /* VEX after REX */
        "f0 c5 f9 6f c1",    /* VEX after LOCK */
        "0f 04", "0f 0a", "0f 24", "0f 25", "0f 36", "0f 39", "0f 3b", "0f 3c",
    };
    for (unsigned i = 0; i < UE_ARRAY_LEN(bad); i++) {
        X86Insn in;
        EXPECT_EQ(X86_DECODE_INVALID, dec(bad[i], &in), "%s", bad[i]);
    }
}

TEST(decode, truncated_input_is_short)
{
    /* Every proper prefix of a valid instruction is SHORT, never OK or
     * INVALID: the translator then ends the block before it. */
    static const char *const insns[] = {
        "48 b8 88 77 66 55 44 33 22 11", "c7 05 10 00 00 00 01 00 00 00", "42 8b 04 a5 00 00 00 00",
        "c4 e2 79 18 05 00 01 00 00", "c5 f9 6f c1", "66 0f 3a 0f c1 08", "f0 48 0f b1 0a", "c8 10 00 01",
        "64 48 8b 04 25 28 00 00 00", "0f 84 00 00 00 80",
    };
    for (unsigned i = 0; i < UE_ARRAY_LEN(insns); i++) {
        u8 buf[16];
        size_t n = unhex(insns[i], buf);
        for (size_t avail = 0; avail < n; avail++) {
            X86Insn in;
            EXPECT_EQ(X86_DECODE_SHORT, x86_decode(&in, buf, avail, 0x1000), "%s with %zu bytes", insns[i], avail);
        }
        X86Insn in;
        EXPECT_EQ(X86_DECODE_OK, x86_decode(&in, buf, n, 0x1000), "%s", insns[i]);
    }
}

TEST(decode, trailing_bytes_do_not_matter)
{
    u8 a[16] = {0x48, 0x8b, 0x44, 0x24, 0x08}, b[16];
    memset(b, 0xff, sizeof b);
    memcpy(b, a, 5);
    X86Insn x, y;
    ASSERT_EQ(X86_DECODE_OK, x86_decode(&x, a, 16, 0x1000));
    ASSERT_EQ(X86_DECODE_OK, x86_decode(&y, b, 16, 0x1000));
    EXPECT_EQ(0, memcmp(&x, &y, sizeof x));
}

/* ---- against Zydis ---- */

static ZydisDecoder zyd;

void SetUp(void) { ZydisDecoderInit(&zyd, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64); }

static void hexdump(char *buf, size_t len, const u8 *p, unsigned n)
{
    size_t k = 0;
    for (unsigned i = 0; i < n && k + 4 < len; i++)
        k += (size_t)snprintf(buf + k, len - k, "%s%02x", i ? " " : "", p[i]);
}

/* MOV to/from CRn/DRn (0F 20..23): the SDM says ModRM.mod is ignored (always
 * a register operand); ue decodes a memory form.  They are privileged, so
 * the guest gets SIGSEGV at their address before their length matters.  A
 * known difference, kept out of the length comparison. */
static bool is_mov_cr_dr(const ZydisDecodedInstruction *zi)
{
    return zi->mnemonic == ZYDIS_MNEMONIC_MOV && zi->opcode_map == ZYDIS_OPCODE_MAP_0F && (zi->opcode & 0xfc) == 0x20;
}

/* Compare ue and Zydis on one instruction both decode.  Returns false and
 * records a failure (with the bytes) on any difference. */
static bool agree(const u8 *p, const X86Insn *in, const ZydisDecodedInstruction *zi, const char *where)
{
    char hex[64];
    hexdump(hex, sizeof hex, p, zi->length > in->len ? zi->length : in->len);
    if (is_mov_cr_dr(zi))
        return true;
    if (zi->length != in->len) {
        EXPECT_EQ(zi->length, in->len, "length of %s (%s)", hex, where);
        return false;
    }
    bool moffs = in->map == X86_MAP_1B && in->opc >= 0xa0 && in->opc <= 0xa3;
    if (zi->raw.disp.size && !moffs && (i64)zi->raw.disp.value != in->disp) {
        EXPECT_EQ(zi->raw.disp.value, in->disp, "displacement of %s (%s)", hex, where);
        return false;
    }
    /* a moffs is an address of the address size: compare its bits */
    u64 amask = in->addrsize == 4 ? 0xffffffffull : ~0ull;
    if (moffs && ((u64)zi->raw.disp.value & amask) != (in->imm & amask)) {
        EXPECT_EQ(zi->raw.disp.value, in->imm, "moffs of %s (%s)", hex, where);
        return false;
    }
    if (zi->raw.imm[0].size) {
        unsigned bits = zi->raw.imm[0].size;
        u64 m = bits == 64 ? ~0ull : (1ull << bits) - 1;
        if ((zi->raw.imm[0].value.u & m) != (in->imm & m) || bits != 8u * (in->imm_size == 3 ? 2 : in->imm_size)) {
            EXPECT_EQ(zi->raw.imm[0].value.u & m, in->imm & m, "immediate of %s (%s), %u bits", hex, where, bits);
            return false;
        }
    }
    if (zi->attributes & ZYDIS_ATTRIB_HAS_MODRM) {
        u8 m = (u8)(zi->raw.modrm.mod << 6 | zi->raw.modrm.reg << 3 | zi->raw.modrm.rm);
        if (!in->has_modrm || in->modrm != m) {
            EXPECT_EQ(m, in->modrm, "ModRM of %s (%s)", hex, where);
            return false;
        }
        if (zi->attributes & ZYDIS_ATTRIB_HAS_SIB) {
            bool none = zi->raw.sib.index == 4 && !(in->rex & 2);
            if (in->scale != zi->raw.sib.scale || (none ? in->index != -1 : (in->index & 7) != zi->raw.sib.index)) {
                EXPECT_EQ(zi->raw.sib.index, in->index, "SIB index of %s (%s)", hex, where);
                return false;
            }
        }
    }
    return true;
}

/* Walk every executable section of an ELF file with Zydis and compare
 * ue on each instruction.  Returns the number compared (0: file missing). */
static long compare_file(const char *path, long *mismatches)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    struct stat st;
    fstat(fd, &st);
    const u8 *f = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (f == MAP_FAILED)
        return 0;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)f;
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(f + eh->e_shoff);
    long n = 0;
    for (unsigned s = 0; s < eh->e_shnum; s++) {
        if (!(sh[s].sh_flags & SHF_EXECINSTR) || sh[s].sh_type != SHT_PROGBITS)
            continue;
        const u8 *p = f + sh[s].sh_offset;
        size_t size = sh[s].sh_size;
        for (size_t off = 0; off < size;) {
            ZydisDecodedInstruction zi;
            size_t avail = size - off;
            if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&zyd, NULL, p + off, avail, &zi))) {
                off++; /* data in .text, or padding */
                continue;
            }
            X86Insn in;
            if (x86_decode(&in, p + off, avail, 0x400000 + off) == X86_DECODE_OK) {
                n++;
                char where[300];
                snprintf(where, sizeof where, "%s+%#zx", path, (size_t)sh[s].sh_offset + off);
                if (!agree(p + off, &in, &zi, where) && ++*mismatches >= 5)
                    goto out;
            }
            off += zi.length;
        }
    }
out:
    munmap((void *)f, (size_t)st.st_size);
    return n;
}

TEST(decode, agrees_with_zydis_on_debian_binaries)
{
    static const char *const files[] = {
        "/bin/ls", "/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libm.so.6", "/bin/busybox",
        "/lib64/ld-linux-x86-64.so.2",
    };
    long total = 0, bad = 0;
    for (unsigned i = 0; i < UE_ARRAY_LEN(files) && bad < 5; i++)
        total += compare_file(files[i], &bad);
    EXPECT_TRUE(total > 100000, "only %ld instructions compared: are the binaries there?", total);
    EXPECT_EQ(0, bad);
}

/* the same byte strings on every run */
static u64 rng_state = 0x2545f4914f6cdd1dull;
static u64 rnd(void) { return ue_test_xorshift(&rng_state); }

TEST(decode, agrees_with_zydis_on_random_bytes)
{
    /* Legacy encodings only: ue decodes VEX just far enough to lift what
     * it implements, and Zydis also knows AMD's XOP (8F) and EVEX. */
    long compared = 0, bad = 0;
    for (long k = 0; k < 400000 && bad < 5; k++) {
        u8 buf[16];
        for (int i = 0; i < 16; i += 8) {
            u64 r = rnd();
            memcpy(buf + i, &r, 8);
        }
        ZydisDecodedInstruction zi;
        X86Insn in;
        if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&zyd, NULL, buf, 15, &zi)) ||
            zi.encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY || x86_decode(&in, buf, 15, 0x1000) != X86_DECODE_OK)
            continue;
        compared++;
        if (!agree(buf, &in, &zi, "random"))
            bad++;
    }
    EXPECT_TRUE(compared > 100000, "only %ld compared", compared);
    EXPECT_EQ(0, bad);
}

TEST(decode, zydis_invalid_bytes_are_not_lifted)
{
    /* Bytes Zydis rejects must give the guest a fault at their address:
     * the decoder or the lifter refuses them and the block is a SIGILL exit
     * there (or PRIV, for invalid forms of privileged instructions such as
     * MOV CR1), never something lifted and run.  Not compared: 0F 18..1F,
     * the hint-NOP space, which hardware runs as NOPs where Zydis (without
     * its MPX/CET modes) says invalid. */
    static const X86TranslateOpts opts = {.max_insns = 1, .single_step = true};
    Arena arena = {0};
    long tried = 0, lifted = 0;
    for (long k = 0; k < 1000000 && lifted < 5; k++) {
        u8 buf[16];
        for (int i = 0; i < 16; i += 8) {
            u64 r = rnd();
            memcpy(buf + i, &r, 8);
        }
        ZydisDecodedInstruction zi;
        if (ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&zyd, NULL, buf, 15, &zi)))
            continue;
        X86Insn in;
        if (x86_decode(&in, buf, 15, 0x10000) == X86_DECODE_OK && in.map == X86_MAP_0F && (in.opc & 0xf8) == 0x18)
            continue;
        tried++;
        IrBlock *blk = x86_translate(&opts, &arena, 0x10000, buf, 15);
        const IrOp *last = &blk->ops[blk->nops - 1];
        bool faults = last->opc == IR_EXIT && (last->aux == IR_EXIT_SIGILL || last->aux == IR_EXIT_PRIV);
        if (!faults || last->imm != 0x10000) {
            char hex[64], dis[128];
            hexdump(hex, sizeof hex, buf, 15);
            x86_disasm(0x10000, buf, 15, dis, sizeof dis);
            EXPECT_EQ(IR_EXIT_SIGILL, last->aux, "%s (ue: %s) is invalid but was lifted, ending with %s at %#llx", hex,
                      dis, ir_exit_names[last->aux], (unsigned long long)last->imm);
            lifted++;
        }
        ir_block_free(blk);
        arena_reset(&arena);
    }
    arena_free(&arena);
    EXPECT_TRUE(lifted >= 5 || tried > 2000, "only %ld tried", tried);
}
