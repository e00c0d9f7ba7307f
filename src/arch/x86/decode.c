/*
 * decode.c — x86-64 instruction decoder: bytes -> X86Insn (prefixes, opcode,
 * ModRM/SIB operand, displacement, immediates, length).  64-bit mode only.
 *
 * Pipeline position: first stage; the lifter (lift.c) consumes X86Insn.
 * Manual: Intel SDM vol. 2, ch. 2 (instruction format, REX, VEX) and
 * appendix A (opcode maps, encoded in optab.def).
 *
 * Why hand-written: the decoder is the core of ue and runs on every
 * translation; Zydis (a test-only dependency here) decodes far more than ue
 * can lift and is the cross-check oracle for this file (tests/diff).
 *
 * Rules implemented here that are easy to get wrong:
 *  - REX is only a REX when it immediately precedes the opcode (or escape);
 *    a legacy prefix after it cancels it.
 *  - The "mandatory" prefix of SSE opcodes is the last of F2/F3 if any, else
 *    66; when 66 is mandatory it does not shrink the operand size.
 *  - RIP-relative addressing is mod=00 rm=101 (no SIB); with a SIB byte,
 *    base=101 and mod=00 means disp32 with no base.  Index 100 without REX.X
 *    means no index; with REX.X it is r12.
 *  - Near branches ignore 66h and REX.W (F64); push/pop default to 64 (D64).
 *  - Immediates are stored sign-extended to 64 bits; consumers that want an
 *    unsigned value (RET Iw, ENTER) mask it.
 *  - An instruction longer than 15 bytes is invalid (#UD on hardware: the CPU
 *    raises #GP, Linux delivers SIGSEGV; ue treats it as undecodable).
 */
#include "arch/x86/x86.h"
#include "arch/x86/x86_priv.h"

const u16 x86_attrs[4][256] = {
#define M X86A_M
#define IB X86A_IB
#define IW X86A_IW
#define IZ X86A_IZ
#define IV X86A_IV
#define MOFFS X86A_MOFFS
#define ENTER X86A_ENTER
#define D64 X86A_D64
#define F64 X86A_F64
#define GRP3 X86A_GRP3
#define X(map, opc, attrs, lifter) [map][opc] = (attrs) | X86A_VALID,
#define X8(map, opc, attrs, lifter)                                          \
    X(map, opc, attrs, lifter) X(map, opc + 1, attrs, lifter) X(map, opc + 2, attrs, lifter) \
    X(map, opc + 3, attrs, lifter) X(map, opc + 4, attrs, lifter) X(map, opc + 5, attrs, lifter) \
    X(map, opc + 6, attrs, lifter) X(map, opc + 7, attrs, lifter)
#include "arch/x86/optab.def"
#undef X
#undef X8
#undef M
#undef IB
#undef IW
#undef IZ
#undef IV
#undef MOFFS
#undef ENTER
#undef D64
#undef F64
#undef GRP3
};

typedef struct Cursor {
    const u8 *p;
    size_t avail, pos;
    bool short_;
} Cursor;

static inline u64 take(Cursor *c, unsigned n)
{
    if (c->pos + n > c->avail || c->pos + n > 15) {
        c->short_ |= c->pos + n > c->avail && c->avail < 15;
        c->pos += n;
        return 0;
    }
    u64 v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (u64)c->p[c->pos + i] << (8 * i);
    c->pos += n;
    return v;
}

static inline i64 sext(u64 v, unsigned bytes)
{
    unsigned sh = 64 - 8 * bytes;
    return (i64)(v << sh) >> sh;
}

/* Decode ModRM (+ SIB + displacement) at the cursor. */
static void decode_modrm(X86Insn *in, Cursor *c)
{
    u8 m = (u8)take(c, 1);
    in->has_modrm = true;
    in->modrm = m;
    in->mod = m >> 6;
    in->reg = ((m >> 3) & 7) | ((in->rex & 4) << 1);
    in->rm = (m & 7) | ((in->rex & 1) << 3);
    in->base = in->index = -1;
    if (in->mod == 3)
        return;
    unsigned rm = m & 7;
    unsigned disp_size = in->mod == 1 ? 1 : in->mod == 2 ? 4 : 0;
    if (rm == 4) {
        u8 sib = (u8)take(c, 1);
        unsigned base = sib & 7, index = (sib >> 3) & 7;
        in->scale = sib >> 6;
        index |= (in->rex & 2) << 2;
        if (index != 4)
            in->index = (i8)index;
        if (base == 5 && in->mod == 0)
            disp_size = 4;
        else
            in->base = (i8)(base | ((in->rex & 1) << 3));
    } else if (rm == 5 && in->mod == 0) {
        in->rip_rel = true;
        disp_size = 4;
    } else {
        in->base = (i8)(rm | ((in->rex & 1) << 3));
    }
    if (disp_size)
        in->disp = sext(take(c, disp_size), disp_size);
}

/* Parse a VEX prefix (C4/C5) at the cursor; the byte itself is consumed. */
static bool decode_vex(X86Insn *in, Cursor *c, u8 first)
{
    u8 r, x = 1, b = 1, w = 0, mmmmm = 1, v, l, pp;
    u8 b1 = (u8)take(c, 1);
    if (first == 0xc5) {
        r = b1 >> 7;
        v = (b1 >> 3) & 15;
        l = (b1 >> 2) & 1;
        pp = b1 & 3;
    } else {
        u8 b2 = (u8)take(c, 1);
        r = b1 >> 7;
        x = (b1 >> 6) & 1;
        b = (b1 >> 5) & 1;
        mmmmm = b1 & 31;
        w = b2 >> 7;
        v = (b2 >> 3) & 15;
        l = (b2 >> 2) & 1;
        pp = b2 & 3;
    }
    if (mmmmm < 1 || mmmmm > 3)
        return false;
    /* VEX stores R, X, B and vvvv inverted. */
    in->vex = true;
    in->rex = (u8)(0x40 | ((!r) << 2) | ((!x) << 1) | (!b) | (w << 3));
    in->rex_w = w;
    in->vex_v = (~v) & 15;
    in->vex_l = l;
    in->map = mmmmm; /* 1: 0F, 2: 0F38, 3: 0F3A */
    static const u8 pp_prefix[4] = {0, 0x66, 0xf3, 0xf2};
    in->mprefix = pp_prefix[pp];
    return true;
}

static unsigned imm_bytes(const X86Insn *in, u16 attrs)
{
    switch (attrs & X86A_IMM_MASK) {
    case X86A_IB: return 1;
    case X86A_IW: return 2;
    case X86A_IZ: return in->opsize == 2 ? 2 : 4;
    case X86A_IV: return in->opsize;
    case X86A_MOFFS: return in->addrsize;
    case X86A_ENTER: return 3;
    default: return 0;
    }
}

X86DecodeStatus x86_decode(X86Insn *in, const u8 *code, size_t avail, GuestAddr pc)
{
    memset(in, 0, sizeof *in);
    in->pc = pc;
    in->base = in->index = -1;
    Cursor c = {.p = code, .avail = avail};
    u8 last_f2f3 = 0;
    bool addr16 = false; /* 0x67 */

    /* Legacy prefixes, then at most one REX immediately before the opcode. */
    u8 op;
    for (;;) {
        op = (u8)take(&c, 1);
        if (c.short_)
            return X86_DECODE_SHORT;
        if (c.pos > 15)
            return X86_DECODE_INVALID;
        switch (op) {
        case 0xf0: in->lock = true; in->rex = 0; continue;
        case 0xf2: case 0xf3: last_f2f3 = op; in->rex = 0; continue;
        case 0x66: in->opsize16 = true; in->rex = 0; continue;
        case 0x67: addr16 = true; in->rex = 0; continue;
        /* CS/SS/DS/ES are ignored in 64-bit mode and do not cancel an
         * earlier FS/GS (65 2e 8b 00 reads gs:[rax] on hardware). */
        case 0x2e: case 0x36: case 0x3e: case 0x26: in->rex = 0; continue;
        case 0x64: in->seg = X86_SEG_FS; in->rex = 0; continue;
        case 0x65: in->seg = X86_SEG_GS; in->rex = 0; continue;
        default: break;
        }
        if ((op & 0xf0) == 0x40) {
            in->rex = op;
            continue;
        }
        break;
    }
    in->rex_w = (in->rex & 8) != 0;
    in->rep = last_f2f3;
    in->mprefix = last_f2f3 ? last_f2f3 : in->opsize16 ? 0x66 : 0;
    in->addrsize = addr16 ? 4 : 8;

    /* Opcode: escapes to the 0F, 0F38 and 0F3A maps, or VEX. */
    u16 attrs;
    if (op == 0xc4 || op == 0xc5) {
        /* In 64-bit mode C4/C5 are always VEX (LES/LDS do not exist). */
        if (in->rex || in->lock || last_f2f3 || in->opsize16)
            return X86_DECODE_INVALID; /* VEX after REX/66/F2/F3/LOCK is #UD */
        if (!decode_vex(in, &c, op))
            return c.short_ ? X86_DECODE_SHORT : X86_DECODE_INVALID;
        in->opc = (u8)take(&c, 1);
        if (c.short_)
            return X86_DECODE_SHORT;
        /* Every VEX instruction has ModRM except VZEROUPPER/VZEROALL. */
        attrs = X86A_VALID | X86A_M;
        if (in->map == X86_MAP_0F && in->opc == 0x77)
            attrs = X86A_VALID;
        if (in->map == X86_MAP_0F3A || (x86_attrs[in->map][in->opc] & X86A_IMM_MASK) == X86A_IB)
            attrs |= X86A_IB;
    } else {
        in->map = X86_MAP_1B;
        if (op == 0x0f) {
            in->map = X86_MAP_0F;
            op = (u8)take(&c, 1);
            if (op == 0x38 || op == 0x3a) {
                in->map = op == 0x38 ? X86_MAP_0F38 : X86_MAP_0F3A;
                op = (u8)take(&c, 1);
            }
        }
        if (c.short_)
            return X86_DECODE_SHORT;
        in->opc = op;
        attrs = x86_attrs[in->map][op];
    }
    if (!(attrs & X86A_VALID))
        return X86_DECODE_INVALID;

    /* Operand size of "v" operands.  (SSE forms whose 66h is mandatory
     * ignore this and read rex_w themselves.) */
    if ((attrs & X86A_F64) || in->rex_w)
        in->opsize = 8;
    else if (in->opsize16)
        in->opsize = 2;
    else
        in->opsize = (attrs & X86A_D64) ? 8 : 4;

    if (attrs & X86A_M)
        decode_modrm(in, &c);
    else
        in->rm = (op & 7) | ((in->rex & 1) << 3); /* opcode-embedded register */

    if ((attrs & X86A_GRP3) && ((in->modrm >> 3) & 7) > 1)
        attrs &= (u16)~X86A_IMM_MASK; /* F6/F7 /2../7 have no immediate */
    in->attrs = attrs;

    unsigned n = imm_bytes(in, attrs);
    if (n) {
        in->imm_size = (u8)n;
        if ((attrs & X86A_IMM_MASK) == X86A_ENTER) {
            in->imm = take(&c, 2);
            in->imm2 = take(&c, 1);
        } else if ((attrs & X86A_IMM_MASK) == X86A_MOFFS || (attrs & X86A_IMM_MASK) == X86A_IV) {
            in->imm = take(&c, n);
        } else {
            in->imm = (u64)sext(take(&c, n), n);
        }
    }
    if (c.short_)
        return X86_DECODE_SHORT;
    if (c.pos > 15)
        return X86_DECODE_INVALID;
    in->len = (u8)c.pos;
    memcpy(in->bytes, code, c.pos);
    return X86_DECODE_OK;
}
