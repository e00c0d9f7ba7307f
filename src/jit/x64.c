/*
 * x64.c — the x86-64 host encoder (see x64.h for the conventions).
 *
 * Manual: Intel SDM vol. 2, ch. 2 (instruction format: legacy prefixes,
 * REX, ModRM, SIB, displacement, immediate).  Two generic emitters, enc_rr
 * (register operand in ModRM.rm) and enc_rm (memory operand), do all the
 * prefix/REX/ModRM work; the per-instruction functions only pick opcodes.
 *
 * Encoding rules handled in one place (enc_*):
 *  - prefix order: GS (65), operand size (66), mandatory SSE prefix, REX;
 *  - REX.W for 64-bit operands; REX.R/X/B for registers 8..15; a bare REX
 *    (40) for byte operations on SPL/BPL/SIL/DIL, which otherwise encode
 *    AH/CH/DH/BH — only when such a register is an operand: not for an
 *    opcode extension /4../7 in ModRM.reg, nor for a memory base;
 *  - base RSP/R12 needs a SIB byte; base RBP/R13 with no displacement needs
 *    an explicit disp8 of 0; mod=00 rm=101 would mean RIP-relative, so an
 *    absolute address (GS-relative context slots) uses SIB with no base;
 *  - RSP cannot be an index (SIB.index 100 means "none"): asserted.
 * Forms whose ModRM.reg is an opcode extension (/digit) go through enc_xr /
 * enc_xm, two-operand forms through enc_rr / enc_rm.
 */
#include "jit/x64.h"

/* Longest instruction plus slack: checked once per instruction. */
#define MAX_INSN 16

static bool room(X64Buf *b)
{
    if (b->full || b->end - b->p < MAX_INSN) {
        b->full = true;
        return false;
    }
    return true;
}

static inline void byte(X64Buf *b, unsigned v) { *b->p++ = (u8)v; }

static inline void le32(X64Buf *b, u32 v)
{
    memcpy(b->p, &v, 4);
    b->p += 4;
}

static inline void le64(X64Buf *b, u64 v)
{
    memcpy(b->p, &v, 8);
    b->p += 8;
}

static bool fits8(i64 v) { return v >= -128 && v <= 127; }

static void prefixes(X64Buf *b, unsigned size, u8 pfx, bool gs)
{
    if (gs)
        byte(b, 0x65); /* gs: */
    if (size == 2)
        byte(b, 0x66); /* operand size */
    if (pfx)
        byte(b, pfx);  /* mandatory SSE prefix */
}

/* REX for operands reg (ModRM.reg), index (SIB.index) and base (ModRM.rm or
 * SIB.base); `bare` asks for one even with no bit set: a byte register
 * operand 4..7 is SPL..DIL with a REX, AH..BH without. */
static void rex(X64Buf *b, bool w, int reg, int index, int base, bool bare)
{
    u8 r = (u8)(0x40 | (w ? 8 : 0) | ((reg >> 3) & 1) << 2 | ((index >> 3) & 1) << 1 | ((base >> 3) & 1));
    if (r != 0x40 || bare)
        byte(b, r);
}

/* Registers 4..7 as byte operands need a REX (SPL..DIL, not AH..BH). */
static bool spl_dil(int r) { return r >= 4 && r < 8; }

static void opcode(X64Buf *b, const u8 *opc, int n)
{
    for (int i = 0; i < n; i++)
        byte(b, opc[i]);
}

/* ModRM.reg = reg (a register or an opcode extension), ModRM.rm = the
 * register rm; `bare`: see rex(). */
static void modrm_r(X64Buf *b, unsigned size, u8 pfx, const u8 *opc, int nopc, int reg, int rm, bool bare)
{
    prefixes(b, size, pfx, false);
    rex(b, size == 8, reg, 0, rm, bare);
    opcode(b, opc, nopc);
    byte(b, 0xc0 | (reg & 7) << 3 | (rm & 7)); /* mod=11 */
}

/* op reg, rm (both registers). */
static void enc_rr(X64Buf *b, unsigned size, u8 pfx, const u8 *opc, int nopc, int reg, int rm)
{
    modrm_r(b, size, pfx, opc, nopc, reg, rm, size == 1 && (spl_dil(reg) || spl_dil(rm)));
}

/* op /ext rm (a register). */
static void enc_xr(X64Buf *b, unsigned size, u8 pfx, const u8 *opc, int nopc, int ext, int rm)
{
    modrm_r(b, size, pfx, opc, nopc, ext, rm, size == 1 && spl_dil(rm));
}

/* ModRM.reg = reg (a register or an opcode extension), ModRM.rm = [m]. */
static void modrm_m(X64Buf *b, unsigned size, u8 pfx, const u8 *opc, int nopc, int reg, JitMem m, bool bare)
{
    ue_assert(m.index != X64_RSP && m.scale <= 3);
    prefixes(b, size, pfx, m.gs);
    rex(b, size == 8, reg, m.index >= 0 ? m.index : 0, m.base >= 0 ? m.base : 0, bare);
    opcode(b, opc, nopc);
    int r = reg & 7;
    if (m.base < 0 && m.index < 0) {
        /* [disp32]: SIB with no base and no index (mod=00 rm=101 would be
         * RIP-relative). */
        byte(b, 0x04 | r << 3);
        byte(b, 0x25);
        le32(b, (u32)m.disp);
        return;
    }
    int mod = m.disp == 0 ? 0 : fits8(m.disp) ? 1 : 2;
    if (m.base >= 0 && (m.base & 7) == 5 && mod == 0)
        mod = 1; /* [rbp]/[r13] need an explicit disp8 */
    if (m.index >= 0) {
        if (m.base < 0) {
            byte(b, 0x04 | r << 3);              /* mod=00 rm=100: SIB */
            byte(b, m.scale << 6 | (m.index & 7) << 3 | 5);
            le32(b, (u32)m.disp);                /* no base: disp32 */
            return;
        }
        byte(b, mod << 6 | r << 3 | 4);
        byte(b, m.scale << 6 | (m.index & 7) << 3 | (m.base & 7));
    } else if ((m.base & 7) == 4) {
        byte(b, mod << 6 | r << 3 | 4);          /* rsp/r12 base: SIB, no index */
        byte(b, 0x24);
    } else {
        byte(b, mod << 6 | r << 3 | (m.base & 7));
    }
    if (mod == 1)
        byte(b, (u8)(i8)m.disp);
    else if (mod == 2)
        le32(b, (u32)m.disp);
}

/* op reg, [m] (reg a register). */
static void enc_rm(X64Buf *b, unsigned size, u8 pfx, const u8 *opc, int nopc, int reg, JitMem m)
{
    modrm_m(b, size, pfx, opc, nopc, reg, m, size == 1 && spl_dil(reg));
}

/* op /ext [m]. */
static void enc_xm(X64Buf *b, unsigned size, u8 pfx, const u8 *opc, int nopc, int ext, JitMem m)
{
    modrm_m(b, size, pfx, opc, nopc, ext, m, false);
}

static void imm_of_size(X64Buf *b, unsigned size, i32 imm)
{
    if (size == 1)
        byte(b, (u8)imm);
    else if (size == 2) {
        byte(b, (u8)imm);
        byte(b, (u8)(imm >> 8));
    } else
        le32(b, (u32)imm);
}

/* ---- moves ---- */

void x64_mov_rr(X64Buf *b, unsigned size, int dst, int src)
{
    if (!room(b))
        return;
    const u8 op = size == 1 ? 0x88 : 0x89;
    enc_rr(b, size, 0, &op, 1, src, dst); /* mov dst, src: 88/89 /r */
}

void x64_mov_ri(X64Buf *b, int dst, u64 imm)
{
    if (!room(b))
        return;
    if (imm <= 0xffffffffull) {           /* (not xor: flags may be live) */
        rex(b, false, 0, 0, dst, false);
        byte(b, 0xb8 + (dst & 7));         /* mov dst32, imm32: B8+r id */
        le32(b, (u32)imm);
    } else if ((i64)imm == (i32)imm) {
        const u8 op = 0xc7;
        enc_xr(b, 8, 0, &op, 1, 0, dst);   /* mov dst, simm32: REX.W C7 /0 id */
        le32(b, (u32)imm);
    } else {
        rex(b, true, 0, 0, dst, false);
        byte(b, 0xb8 + (dst & 7));         /* movabs dst, imm64: REX.W B8+r io */
        le64(b, imm);
    }
}

void x64_load(X64Buf *b, unsigned size, int dst, JitMem m)
{
    if (!room(b))
        return;
    if (size == 1 || size == 2) {
        const u8 op[2] = {0x0f, size == 1 ? 0xb6 : 0xb7};
        enc_rm(b, 4, 0, op, 2, dst, m);   /* movzx dst32, byte/word [m]: 0F B6/B7 /r */
    } else {
        const u8 op = 0x8b;
        enc_rm(b, size, 0, &op, 1, dst, m); /* mov dst, [m]: 8B /r */
    }
}

void x64_load_sx(X64Buf *b, unsigned from, unsigned to, int dst, JitMem m)
{
    if (!room(b))
        return;
    if (from == 4) {
        const u8 op = 0x63;
        enc_rm(b, 8, 0, &op, 1, dst, m);  /* movsxd dst, dword [m]: REX.W 63 /r */
    } else {
        const u8 op[2] = {0x0f, from == 1 ? 0xbe : 0xbf};
        enc_rm(b, to, 0, op, 2, dst, m);  /* movsx dst16/32/64, byte/word [m]: 0F BE/BF /r */
    }
}

void x64_store(X64Buf *b, unsigned size, JitMem m, int src)
{
    if (!room(b))
        return;
    const u8 op = size == 1 ? 0x88 : 0x89;
    enc_rm(b, size, 0, &op, 1, src, m);   /* mov [m], src: 88/89 /r */
}

void x64_store_i32(X64Buf *b, unsigned size, JitMem m, i32 imm)
{
    if (!room(b))
        return;
    const u8 op = size == 1 ? 0xc6 : 0xc7;
    enc_xm(b, size, 0, &op, 1, 0, m);     /* mov [m], imm: C6 /0 ib, C7 /0 iw/id */
    imm_of_size(b, size == 8 ? 4 : size, imm);
}

void x64_lea(X64Buf *b, int dst, JitMem m)
{
    if (!room(b))
        return;
    const u8 op = 0x8d;
    enc_rm(b, 8, 0, &op, 1, dst, m);      /* lea dst, [m]: REX.W 8D /r */
}

/* ---- arithmetic ---- */

void x64_alu_rr(X64Buf *b, X64Alu op, unsigned size, int dst, int src)
{
    if (!room(b))
        return;
    const u8 opc = (u8)(op << 3 | (size == 1 ? 0 : 1));
    enc_rr(b, size, 0, &opc, 1, src, dst); /* op dst, src: 00+8*op /r, 01+8*op /r */
}

void x64_alu_ri(X64Buf *b, X64Alu op, unsigned size, int dst, i32 imm)
{
    if (!room(b))
        return;
    if (size != 1 && fits8(imm)) {
        const u8 opc = 0x83;
        enc_xr(b, size, 0, &opc, 1, op, dst); /* op dst, simm8: 83 /op ib */
        byte(b, (u8)imm);
        return;
    }
    const u8 opc = size == 1 ? 0x80 : 0x81;
    enc_xr(b, size, 0, &opc, 1, op, dst);     /* op dst, imm: 80 /op ib, 81 /op iw/id */
    imm_of_size(b, size == 8 ? 4 : size, imm);
}

void x64_alu_rm(X64Buf *b, X64Alu op, unsigned size, int dst, JitMem m)
{
    if (!room(b))
        return;
    const u8 opc = (u8)(op << 3 | (size == 1 ? 2 : 3));
    enc_rm(b, size, 0, &opc, 1, dst, m);  /* op dst, [m]: 02+8*op /r, 03+8*op /r */
}

void x64_alu_mi(X64Buf *b, X64Alu op, unsigned size, JitMem m, i32 imm)
{
    if (!room(b))
        return;
    if (size != 1 && fits8(imm)) {
        const u8 opc = 0x83;
        enc_xm(b, size, 0, &opc, 1, op, m); /* op [m], simm8: 83 /op ib */
        byte(b, (u8)imm);
        return;
    }
    const u8 opc = size == 1 ? 0x80 : 0x81;
    enc_xm(b, size, 0, &opc, 1, op, m);     /* op [m], imm: 80 /op ib, 81 /op iw/id */
    imm_of_size(b, size == 8 ? 4 : size, imm);
}

void x64_test_rr(X64Buf *b, unsigned size, int a, int c)
{
    if (!room(b))
        return;
    const u8 op = size == 1 ? 0x84 : 0x85;
    enc_rr(b, size, 0, &op, 1, c, a);     /* test a, c: 84/85 /r */
}

/* ModRM.reg of a shift: SAL is SHL, whose documented encoding is /4 (/6
 * is an undocumented alias). */
static int shift_ext(X64Shift op) { return op == X64_SAL ? X64_SHL : op; }

void x64_shift_ri(X64Buf *b, X64Shift op, unsigned size, int dst, u8 count)
{
    if (!room(b))
        return;
    const u8 opc = size == 1 ? 0xc0 : 0xc1;
    enc_xr(b, size, 0, &opc, 1, shift_ext(op), dst); /* shift dst, imm8: C0/C1 /op ib */
    byte(b, count);
}

void x64_shift_rcl(X64Buf *b, X64Shift op, unsigned size, int dst)
{
    if (!room(b))
        return;
    const u8 opc = size == 1 ? 0xd2 : 0xd3;
    enc_xr(b, size, 0, &opc, 1, shift_ext(op), dst); /* shift dst, cl: D2/D3 /op */
}

void x64_imul_rr(X64Buf *b, unsigned size, int dst, int src)
{
    if (!room(b))
        return;
    const u8 op[2] = {0x0f, 0xaf};
    enc_rr(b, size, 0, op, 2, dst, src);  /* imul dst, src: 0F AF /r */
}

void x64_imul_rri(X64Buf *b, unsigned size, int dst, int src, i32 imm)
{
    if (!room(b))
        return;
    const u8 op = fits8(imm) ? 0x6b : 0x69;
    enc_rr(b, size, 0, &op, 1, dst, src); /* imul dst, src, imm: 6B /r ib, 69 /r iw/id */
    if (fits8(imm))
        byte(b, (u8)imm);
    else
        imm_of_size(b, size == 8 ? 4 : size, imm);
}

void x64_mul1(X64Buf *b, unsigned size, bool sign, int src)
{
    if (!room(b))
        return;
    const u8 op = size == 1 ? 0xf6 : 0xf7;
    enc_xr(b, size, 0, &op, 1, sign ? 5 : 4, src); /* mul/imul src: F6/F7 /4, /5 */
}

void x64_div1(X64Buf *b, unsigned size, bool sign, int src)
{
    if (!room(b))
        return;
    const u8 op = size == 1 ? 0xf6 : 0xf7;
    enc_xr(b, size, 0, &op, 1, sign ? 7 : 6, src); /* div/idiv src: F6/F7 /6, /7 */
}

void x64_unary(X64Buf *b, unsigned size, bool neg, int dst)
{
    if (!room(b))
        return;
    const u8 op = size == 1 ? 0xf6 : 0xf7;
    enc_xr(b, size, 0, &op, 1, neg ? 3 : 2, dst); /* neg/not dst: F6/F7 /3, /2 */
}

void x64_cqo(X64Buf *b)
{
    if (!room(b))
        return;
    byte(b, 0x48); /* cqo: REX.W 99 */
    byte(b, 0x99);
}

void x64_movzx(X64Buf *b, unsigned from, int dst, int src)
{
    if (!room(b))
        return;
    const u8 op[2] = {0x0f, from == 1 ? 0xb6 : 0xb7};
    /* movzx dst32, src8/16: 0F B6/B7 /r; a byte source 4..7 needs REX (SPL..DIL) */
    prefixes(b, 4, 0, false);
    rex(b, false, dst, 0, src, from == 1 && src >= 4 && src < 8);
    opcode(b, op, 2);
    byte(b, 0xc0 | (dst & 7) << 3 | (src & 7));
}

void x64_movsx(X64Buf *b, unsigned from, unsigned to, int dst, int src)
{
    if (!room(b))
        return;
    if (from == 4) {
        const u8 op = 0x63;
        enc_rr(b, 8, 0, &op, 1, dst, src); /* movsxd dst, src32: REX.W 63 /r */
        return;
    }
    const u8 op[2] = {0x0f, from == 1 ? 0xbe : 0xbf};
    prefixes(b, to == 2 ? 2 : 4, 0, false);
    rex(b, to == 8, dst, 0, src, from == 1 && src >= 4 && src < 8);
    opcode(b, op, 2);
    byte(b, 0xc0 | (dst & 7) << 3 | (src & 7)); /* movsx dst, src8/16: 0F BE/BF /r */
}

void x64_bswap(X64Buf *b, unsigned size, int r)
{
    if (!room(b))
        return;
    rex(b, size == 8, 0, 0, r, false);
    byte(b, 0x0f);
    byte(b, 0xc8 + (r & 7)); /* bswap r: 0F C8+r */
}

void x64_bitcount(X64Buf *b, u8 op, unsigned size, int dst, int src)
{
    if (!room(b))
        return;
    const u8 opc[2] = {0x0f, op};
    enc_rr(b, size, 0xf3, opc, 2, dst, src); /* tzcnt/lzcnt/popcnt dst, src: F3 0F BC/BD/B8 /r */
}

void x64_setcc(X64Buf *b, X64Cond cc, int dst)
{
    if (!room(b))
        return;
    const u8 op[2] = {0x0f, (u8)(0x90 + cc)};
    enc_xr(b, 1, 0, op, 2, 0, dst);       /* setcc dst8: 0F 90+cc /0 */
}

void x64_cmov(X64Buf *b, X64Cond cc, unsigned size, int dst, int src)
{
    if (!room(b))
        return;
    const u8 op[2] = {0x0f, (u8)(0x40 + cc)};
    enc_rr(b, size, 0, op, 2, dst, src);  /* cmovcc dst, src: 0F 40+cc /r */
}

void x64_xchg_rm(X64Buf *b, unsigned size, int r, JitMem m)
{
    if (!room(b))
        return;
    const u8 op = size == 1 ? 0x86 : 0x87;
    enc_rm(b, size, 0, &op, 1, r, m);     /* xchg [m], r: 86/87 /r (implicitly locked) */
}

void x64_cmpxchg(X64Buf *b, unsigned size, JitMem m, int src)
{
    if (!room(b))
        return;
    byte(b, 0xf0);                        /* lock: F0 */
    const u8 op[2] = {0x0f, size == 1 ? 0xb0 : 0xb1};
    enc_rm(b, size, 0, op, 2, src, m);    /* cmpxchg [m], src: 0F B0/B1 /r */
}

void x64_mfence(X64Buf *b)
{
    if (!room(b))
        return;
    byte(b, 0x0f); /* mfence: 0F AE F0 */
    byte(b, 0xae);
    byte(b, 0xf0);
}

void x64_stmxcsr(X64Buf *b, JitMem m)
{
    if (!room(b))
        return;
    const u8 op[2] = {0x0f, 0xae};
    enc_xm(b, 4, 0, op, 2, 3, m);         /* stmxcsr dword [m]: 0F AE /3 */
}

/* ---- stack and control ---- */

void x64_push(X64Buf *b, int r)
{
    if (!room(b))
        return;
    rex(b, false, 0, 0, r, false);
    byte(b, 0x50 + (r & 7)); /* push r: 50+r */
}

void x64_pop(X64Buf *b, int r)
{
    if (!room(b))
        return;
    rex(b, false, 0, 0, r, false);
    byte(b, 0x58 + (r & 7)); /* pop r: 58+r */
}

void x64_ret(X64Buf *b)
{
    if (!room(b))
        return;
    byte(b, 0xc3); /* ret: C3 */
}

void x64_call_r(X64Buf *b, int r)
{
    if (!room(b))
        return;
    const u8 op = 0xff;
    enc_xr(b, 4, 0, &op, 1, 2, r);        /* call r: FF /2 */
}

void x64_jmp_r(X64Buf *b, int r)
{
    if (!room(b))
        return;
    const u8 op = 0xff;
    enc_xr(b, 4, 0, &op, 1, 4, r);        /* jmp r: FF /4 */
}

void x64_jmp_m(X64Buf *b, JitMem m)
{
    if (!room(b))
        return;
    const u8 op = 0xff;
    enc_xm(b, 4, 0, &op, 1, 4, m);        /* jmp qword [m]: FF /4 */
}

u8 *x64_jmp32(X64Buf *b, bool align)
{
    if (!room(b))
        return NULL;
    if (align)
        while (((uintptr_t)b->p + 1) & 3)
            byte(b, 0x90);                /* nop: the rel32 field must be 4-aligned */
    byte(b, 0xe9);                        /* jmp rel32: E9 cd */
    u8 *field = b->p;
    le32(b, 0);
    return field;
}

u8 *x64_call32(X64Buf *b)
{
    if (!room(b))
        return NULL;
    byte(b, 0xe8);                        /* call rel32: E8 cd */
    u8 *field = b->p;
    le32(b, 0);
    return field;
}

u8 *x64_jcc32(X64Buf *b, X64Cond cc)
{
    if (!room(b))
        return NULL;
    byte(b, 0x0f);
    byte(b, 0x80 + cc);                   /* jcc rel32: 0F 80+cc cd */
    u8 *field = b->p;
    le32(b, 0);
    return field;
}

u8 *x64_dec_rip32(X64Buf *b)
{
    if (!room(b))
        return NULL;
    byte(b, 0xff);
    byte(b, 0x0d);                        /* dec dword [rip+disp32]: FF /1, mod 00 r/m 101 */
    u8 *field = b->p;
    le32(b, 0);
    return field;
}

void x64_patch_rel32(u8 *field, uintptr_t field_rx, uintptr_t target)
{
    i64 rel = (i64)(target - (field_rx + 4));
    ue_assert(rel == (i32)rel);
    u32 v = (u32)(i32)rel;
    __atomic_store_n((u32 *)field, v, __ATOMIC_RELEASE);
}

/* ---- vectors ---- */

void x64_movdqu_load(X64Buf *b, int xdst, JitMem m)
{
    if (!room(b))
        return;
    const u8 op[2] = {0x0f, 0x6f};
    enc_rm(b, 4, 0xf3, op, 2, xdst, m);   /* movdqu xdst, [m]: F3 0F 6F /r */
}

void x64_movdqu_store(X64Buf *b, JitMem m, int xsrc)
{
    if (!room(b))
        return;
    const u8 op[2] = {0x0f, 0x7f};
    enc_rm(b, 4, 0xf3, op, 2, xsrc, m);   /* movdqu [m], xsrc: F3 0F 7F /r */
}

void x64_movq_xr(X64Buf *b, int xdst, int src)
{
    if (!room(b))
        return;
    const u8 op[2] = {0x0f, 0x6e};
    enc_rr(b, 8, 0x66, op, 2, xdst, src); /* movq xdst, src: 66 REX.W 0F 6E /r */
}

void x64_movq_rx(X64Buf *b, int dst, int xsrc)
{
    if (!room(b))
        return;
    const u8 op[2] = {0x0f, 0x7e};
    enc_rr(b, 8, 0x66, op, 2, xsrc, dst); /* movq dst, xsrc: 66 REX.W 0F 7E /r */
}

void x64_pextrq(X64Buf *b, int dst, int xsrc, u8 lane)
{
    if (!room(b))
        return;
    const u8 op[3] = {0x0f, 0x3a, 0x16};
    enc_rr(b, 8, 0x66, op, 3, xsrc, dst); /* pextrq dst, xsrc, lane: 66 REX.W 0F 3A 16 /r ib */
    byte(b, lane);
}

void x64_pinsrq(X64Buf *b, int xdst, int src, u8 lane)
{
    if (!room(b))
        return;
    const u8 op[3] = {0x0f, 0x3a, 0x22};
    enc_rr(b, 8, 0x66, op, 3, xdst, src); /* pinsrq xdst, src, lane: 66 REX.W 0F 3A 22 /r ib */
    byte(b, lane);
}

void x64_sse_op(X64Buf *b, u8 prefix, u8 map, u8 opc, int reg, int rm, int imm8)
{
    if (!room(b))
        return;
    const u8 op[3] = {0x0f, map ? map : opc, opc};
    enc_rr(b, 4, prefix, op, map ? 3 : 2, reg, rm); /* e.g. pshufb xmm0, xmm1: 66 0F 38 00 /r */
    if (imm8 >= 0)
        byte(b, (u8)imm8);
}

void x64_sse_op_w(X64Buf *b, unsigned size, u8 prefix, u8 opc, int xdst, int src)
{
    if (!room(b))
        return;
    const u8 op[2] = {0x0f, opc};
    enc_rr(b, size, prefix, op, 2, xdst, src); /* e.g. cvtsi2sd xdst, r32/r64: F2 [REX.W] 0F 2A /r */
}

void x64_sse_rr(X64Buf *b, u8 prefix, u8 opc, int xdst, int xsrc)
{
    if (!room(b))
        return;
    const u8 op[2] = {0x0f, opc};
    enc_rr(b, 4, prefix, op, 2, xdst, xsrc); /* e.g. pand/por/pxor/pandn xdst, xsrc: [pfx] 0F opc /r */
}
