/*
 * rows_sse.c — the MMX and SSE..SSE4.2 instructions the differential tester
 * runs (tests/diff/diff.h).  Unlike rows_int.c the table is not written out:
 * diff_sse_init derives it at start-up from every form of the 0F, 0F 38 and
 * 0F 3A maps that ue's decoder and lifter accept and that Zydis places in an
 * MMX/SSE extension (plus AES, PCLMULQDQ, SHA, which the host has).  One row
 * per (map, opcode, mandatory prefix, group extension), register and/or
 * memory form, with and without REX.W; the family is the mnemonic.  So a
 * newly lifted instruction is tested the day it lands, and the table cannot
 * claim an instruction ue does not have.
 *
 * Nothing about semantics is needed: the operands are whatever registers
 * the encoding names (XMM, MM or GPR, the CPU decides), the inputs are
 * gen.c's random state (XMM lanes mixing special floating-point values,
 * random MXCSR rounding/FTZ/DAZ), a memory operand is up to 16 bytes at a
 * random alignment (so MOVAPS & co. fault on both sides when misaligned).
 *
 * Left out: Grp15 (0F AE: FXSAVE/XSAVE/LDMXCSR..., whose operands are larger
 * than 16 bytes or whose state is the x87 tests'), and MASKMOVQ/MASKMOVDQU
 * (0F F7: they store through RDI).
 */
#include "diff.h"

#include <Zydis/Zydis.h>
#include <stdio.h>
#include <stdlib.h>

DiffTable diff_table_sse = {"sse", NULL, 0};

static bool vector_ext(ZydisISAExt x)
{
    switch (x) {
    case ZYDIS_ISA_EXT_MMX: case ZYDIS_ISA_EXT_SSE: case ZYDIS_ISA_EXT_SSE2: case ZYDIS_ISA_EXT_SSE3:
    case ZYDIS_ISA_EXT_SSSE3: case ZYDIS_ISA_EXT_SSE4: case ZYDIS_ISA_EXT_AES: case ZYDIS_ISA_EXT_PCLMULQDQ:
    case ZYDIS_ISA_EXT_SHA:
        return true;
    default:
        return false;
    }
}

static bool is_group(unsigned map, unsigned opc) { return map == 1 && opc >= 0x71 && opc <= 0x73; }

/* Decode and lift one encoding; on success fill the mnemonic, extension
 * and immediate size. */
static bool probe(Arena *arena, const ZydisDecoder *zd, unsigned map, unsigned opc, unsigned pfx, unsigned w,
                  unsigned ext, bool mem, const char **mnem, ZydisISAExt *isa, unsigned *imm)
{
    u8 b[32] = {0};
    unsigned n = 0;
    if (pfx)
        b[n++] = (u8)pfx;
    if (w)
        b[n++] = 0x48;
    b[n++] = 0x0f;
    if (map > 1)
        b[n++] = map == 2 ? 0x38 : 0x3a;
    b[n++] = (u8)opc;
    b[n++] = (u8)((mem ? 0x00 : 0xc0) | ext << 3 | (mem ? 0 : 1)); /* [rax] or register 1 */
    X86Insn in;
    if (x86_decode(&in, b, sizeof b, 0x10000) != X86_DECODE_OK || !in.has_modrm)
        return false;
    X86TranslateOpts opts = {.single_step = true};
    IrBlock *blk = x86_translate(&opts, arena, 0x10000, b, sizeof b);
    bool ok = blk->ninsns == 1;
    ir_block_free(blk);
    arena_reset(arena);
    ZydisDecodedInstruction zi;
    if (!ok || !ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(zd, NULL, b, sizeof b, &zi)) || zi.length != in.len)
        return false;
    *mnem = ZydisMnemonicGetString(zi.mnemonic);
    *isa = zi.meta.isa_ext;
    *imm = in.imm_size;
    return true;
}

static void add_row(DiffRow **v, u32 *n, u32 *cap, const char *mnem, unsigned map, unsigned opc, unsigned pfx,
                    unsigned ext, unsigned imm, u8 sizes, bool reg, bool mem)
{
    char fam[48];
    snprintf(fam, sizeof fam, "sse:%s", mnem);
    DiffRow row = {
        .family = ue_strdup(fam),
        .form = ue_strdup(is_group(map, opc) ? "Ux,Ib" : imm ? "Vx,Wx,Ib" : "Vx,Wx"),
        .map = (u8)map, .opc = (u8)opc, .ext = (u8)ext,
        .layout = is_group(map, opc) ? LY_E : LY_EG,
        .sizes = sizes, .imm = imm ? IMM_B : IMM_NONE, .pfx = (u8)pfx,
        .undef = UD_NONE, .shape = SH_NONE,
        .flags = RF_VEC | (reg && !mem ? RF_REG : 0) | (mem && !reg ? RF_MEM : 0),
    };
    VEC_PUSH(*v, *n, *cap, row);
}

void diff_sse_init(void)
{
    static const u8 pfxs[4] = {0, 0x66, 0xf3, 0xf2};
    ZydisDecoder zd;
    ZydisDecoderInit(&zd, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
    Arena arena = {0};
    DiffRow *rows = NULL;
    u32 n = 0, cap = 0;
    for (unsigned map = 1; map <= 3; map++) {
        for (unsigned opc = 0; opc < 256; opc++) {
            if ((map == 1 && (opc == 0xae || opc == 0xf7 || opc == 0x38 || opc == 0x3a)))
                continue;
            for (unsigned p = 0; p < 4; p++) {
                for (unsigned ext = 0; ext < (is_group(map, opc) ? 8u : 1u); ext++) {
                    const char *mnem = NULL, *m2;
                    ZydisISAExt isa = ZYDIS_ISA_EXT_INVALID, isa2;
                    unsigned imm = 0, imm2;
                    u8 sizes = 0;
                    bool reg = false, mem = false;
                    for (unsigned w = 0; w < 2; w++) {
                        for (int m = 0; m < 2; m++) {
                            if (!probe(&arena, &zd, map, opc, pfxs[p], w, ext, m, &m2, &isa2, &imm2) ||
                                !vector_ext(isa2))
                                continue;
                            if (!mnem || m)
                                mnem = m2, isa = isa2, imm = imm2;
                            sizes |= w ? SZ_Q : SZ_D;
                            reg |= !m;
                            mem |= m;
                        }
                    }
                    if (mnem && vector_ext(isa))
                        add_row(&rows, &n, &cap, mnem, map, opc, pfxs[p], ext, imm, sizes, reg, mem);
                }
            }
        }
    }
    arena_free(&arena);
    diff_table_sse.rows = rows;
    diff_table_sse.nrows = n;
}
