/*
 * gen.c — random cases for a form: an encoding (prefixes, REX, ModRM/SIB,
 * displacement, immediate) with randomly chosen registers and addressing
 * mode, and an input state (GPRs, RFLAGS, x87/SSE state, the data buffer)
 * mixing random values with edge values, shaped where the instruction must
 * stay inside the test buffers.
 *
 * Invariants that keep the native run safe (it executes for real):
 *  - every memory operand addresses the data buffer (or its guard pages,
 *    which fault on both sides); base/index registers are solved for that
 *    after everything else is chosen;
 *  - every write through an implicit pointer (RSP, RDI, the BT bit offset)
 *    is shaped into the buffer, and those registers are never also used for
 *    the memory operand's address unless the result stays in the buffer;
 *  - branch targets lie in the INT3-filled code buffer, never on the
 *    instruction itself or on the exit stub after it;
 *  - RFLAGS never gets TF, AC or NT (single-step and alignment traps are
 *    not what is tested), MXCSR and the x87 control word stay valid.
 */
#include "diff.h"

#include <stdio.h>
#include <stdlib.h>

/* ---- values ---- */

const u64 *diff_edges(unsigned size, unsigned *n)
{
    static u64 tab[4][20];
    static unsigned cnt[4];
    unsigned k = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
    if (!cnt[k]) {
        unsigned bits = 8 * size;
        u64 mask = bits == 64 ? ~0ull : (1ull << bits) - 1, msb = 1ull << (bits - 1);
        u64 v[] = {0, 1, 2, msb - 1, msb, msb + 1, mask, mask - 1, 0x5555555555555555ull & mask,
                   0xaaaaaaaaaaaaaaaaull & mask, 0x0f0f0f0f0f0f0f0full & mask, (msb >> 1) | 1, 3};
        for (unsigned i = 0; i < UE_ARRAY_LEN(v); i++)
            tab[k][cnt[k]++] = v[i];
        if (size == 8) {
            tab[k][cnt[k]++] = 0xffffffffull;
            tab[k][cnt[k]++] = 0x80000000ull;
            tab[k][cnt[k]++] = 0x100000000ull;
        }
    }
    *n = cnt[k];
    return tab[k];
}

/* Shift and rotate counts worth trying exhaustively. */
static const u64 count_edges[] = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 0x80, 0xff};

static u64 size_mask(unsigned size) { return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1; }

/* A register value: random, small, or an edge value of some width, with
 * random bits above it half the time (they must survive or be cleared as
 * the instruction says). */
static u64 gen_value(DiffRng *r, unsigned size)
{
    u64 x = diff_rand(r);
    switch (x & 7) {
    case 0: case 1: return diff_rand(r);
    case 2: return (diff_rand(r) & ~size_mask(size)) | (x >> 8 & 0xff);
    default: {
        static const u8 sizes[4] = {1, 2, 4, 8};
        unsigned sz = (x >> 3 & 1) ? size : sizes[x >> 4 & 3], n;
        const u64 *ed = diff_edges(sz, &n);
        u64 v = ed[(x >> 8) % n];
        if (x >> 20 & 1)
            v |= diff_rand(r) & ~size_mask(sz);
        return v;
    }
    }
}

static u64 gen_count(DiffRng *r)
{
    u64 x = diff_rand(r);
    if ((x & 3) == 0)
        return x >> 8 & 0xff;
    return (x >> 8) % 66;
}

/* ---- encoding ---- */

typedef struct Enc {
    u8 b[32]; /* room for an over-long attempt (encode refuses it) */
    unsigned n;
} Enc;

static void put(Enc *e, u64 v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        e->b[e->n++] = (u8)(v >> (8 * i));
}

/* The memory operand being built. */
typedef struct Addr {
    int base, index;  /* -1: none */
    unsigned scale;
    unsigned mod;     /* ModRM.mod */
    bool rip, sib;
    i64 disp;
    unsigned disp_size;
    unsigned disp_at; /* offset of the displacement in the encoding */
} Addr;

/* Registers the address may use: not those in `avoid`. */
static int pick_reg(DiffRng *r, u32 avoid, unsigned nregs)
{
    for (int tries = 0; tries < 64; tries++) {
        int reg = (int)diff_below(r, nregs);
        if (!(avoid >> reg & 1))
            return reg;
    }
    return -1;
}

static void choose_addr(DiffRng *r, Addr *a, u32 avoid, unsigned nregs, bool small_disp_rsp)
{
    memset(a, 0, sizeof *a);
    a->base = a->index = -1;
    unsigned kind = (unsigned)diff_below(r, 16);
    if (kind < 2) {
        a->rip = true;
        a->disp_size = 4;
        return;
    }
    a->sib = true;
    if (kind == 2) /* absolute disp32: SIB with no base and no index */
        return (void)(a->disp_size = 4);
    if (kind != 3)
        a->base = pick_reg(r, avoid, nregs);
    if (kind == 3 || (diff_rand(r) & 1)) {
        a->index = pick_reg(r, avoid | 1u << X86_RSP, nregs);
        a->scale = (unsigned)diff_below(r, 4);
    }
    if (a->base < 0 && a->index < 0) {
        a->rip = true, a->sib = false;
        a->disp_size = 4;
        return;
    }
    if (a->base < 0) {
        a->disp_size = 4; /* SIB base=101, mod=00: disp32 */
        return;
    }
    a->sib = a->index >= 0 || (a->base & 7) == 4 || (diff_rand(r) & 7) == 0;
    static const u8 dsz[3] = {0, 1, 4};
    a->disp_size = dsz[diff_below(r, 3)];
    if (a->base == X86_RSP && small_disp_rsp) {
        a->index = -1;
        a->disp_size = a->disp_size == 4 ? 1 : a->disp_size;
    }
    if (a->disp_size == 0 && (a->base & 7) == 5)
        a->disp_size = 1; /* mod=00 with base 101 means something else */
    a->mod = a->disp_size == 0 ? 0 : a->disp_size == 1 ? 1 : 2;
    if (a->disp_size == 1)
        a->disp = (i8)diff_rand(r);
    else if (a->disp_size == 4)
        a->disp = (diff_rand(r) & 1) ? (i32)diff_rand(r) : (i64)(i16)diff_rand(r);
}

static void put_modrm(Enc *e, Addr *a, unsigned reg_field)
{
    if (a->rip) {
        put(e, (reg_field & 7) << 3 | 5, 1);
    } else if (!a->sib) {
        put(e, a->mod << 6 | (reg_field & 7) << 3 | (a->base & 7), 1);
    } else {
        unsigned mod = a->base < 0 ? 0 : a->mod;
        put(e, mod << 6 | (reg_field & 7) << 3 | 4, 1);
        unsigned idx = a->index < 0 ? 4 : (a->index & 7), base = a->base < 0 ? 5 : (a->base & 7);
        put(e, a->scale << 6 | idx << 3 | base, 1);
    }
    a->disp_at = e->n;
    put(e, (u64)a->disp, a->disp_size);
}

/* Inverse of an odd number modulo 2^64 (Newton's iteration). */
static u64 inv_odd(u64 k)
{
    u64 x = k;
    for (int i = 0; i < 6; i++)
        x *= 2 - k * x;
    return x;
}

/* Set the base/index registers (or the displacement) so that the address
 * part of the operand is `target`.  32-bit addressing keeps only the low
 * halves, so the high halves get random garbage. */
static void solve_addr(DiffRng *r, DiffCase *c, Addr *a, u64 target, u64 *ea_adjust)
{
    u64 *g = c->in.gpr;
    u64 amask = c->addr32 ? 0xffffffffull : ~0ull;
    u64 junk = c->addr32 ? diff_rand(r) << 32 : 0;
    /* RSP as the base stays canonical (see random_inputs), so no junk in
     * its high half and only small index values. */
    bool rsp_base = a->base == X86_RSP;
    if (rsp_base)
        junk = 0;
    *ea_adjust = 0;
    if (a->rip) /* relative to the next instruction */
        return (void)(a->disp = (i64)(target - (u64)c->len - c->pc));
    if (a->base < 0 && a->index < 0) {
        a->disp = (i64)(i32)target;
        return;
    }
    u64 want = (target - (u64)a->disp) & amask;
    if (a->base < 0) {
        /* index << scale == want: round want down to a multiple */
        u64 low = want & ((1u << a->scale) - 1);
        *ea_adjust = low;
        want -= low;
        g[a->index] = (want >> a->scale) | (a->scale ? diff_rand(r) << (64 - a->scale) : 0) | junk;
        return;
    }
    if (a->index < 0) {
        g[a->base] = want | junk;
        return;
    }
    if (a->index == a->base) {
        u64 k = 1 + (1ull << a->scale);
        if (k == 2) {
            *ea_adjust = want & 1;
            want -= want & 1;
            g[a->base] = ((want >> 1) | (diff_rand(r) << 63)) & amask;
        } else {
            g[a->base] = (want * inv_odd(k)) & amask;
        }
        g[a->base] |= junk;
        return;
    }
    g[a->index] = diff_rand(r) & (diff_rand(r) & 1 && !rsp_base ? ~0ull : 0xffff);
    g[a->base] = ((want - (g[a->index] << a->scale)) & amask) | junk;
}

/* ---- where things point ---- */

static u64 data_addr(const DiffEnv *e, i64 off) { return (u64)(uintptr_t)e->data + (u64)off; }

/* Size of the memory operand as accessed. */
static unsigned mem_size(const DiffForm *f)
{
    u32 fl = f->row->flags;
    if (fl & RF_EB)
        return 1;
    if (fl & RF_EW)
        return 2;
    if (fl & RF_M16)
        return 2 * f->size;
    if (fl & RF_VEC)
        return 16;
    if (f->row->shape == SH_TARGET)
        return 8;
    return f->size;
}

/* The memory operand's address: mostly inside the buffer, sometimes across
 * the page boundary in its middle, sometimes running into a guard page. */
static u64 choose_ea(const DiffEnv *e, DiffRng *r, const DiffForm *f)
{
    unsigned n = mem_size(f);
    i64 off;
    unsigned k = (unsigned)diff_below(r, 32);
    if (f->row->shape == SH_BTOFF || (f->row->flags & (RF_STACK | RF_NOEDGE)))
        off = 4096 - 64 + (i64)diff_below(r, 128);
    else if (k == 0)
        off = -8 + (i64)diff_below(r, 16);
    else if (k == 1)
        off = DIFF_DATA_SIZE - n - 4 + (i64)diff_below(r, 8);
    else if (k <= 3)
        off = 4096 - n + (i64)diff_below(r, 2 * n);
    else
        off = 256 + (i64)diff_below(r, DIFF_DATA_SIZE - 512);
    if (diff_rand(r) & 1)
        off &= ~(i64)((n >= 16 ? 16 : n) - 1);
    return data_addr(e, off);
}

/* A branch target in the code buffer at lo..hi from e->pc + len, never on
 * the case's bytes [e->pc, e->pc + len) or on the exit stub after them
 * (which would run something else natively), or exactly e->pc + len. */
u64 diff_pick_target(const DiffEnv *e, DiffRng *r, unsigned len, i64 lo, i64 hi)
{
    u64 next = e->pc + len, start = (u64)(uintptr_t)e->code;
    for (;;) {
        u64 t = next + (u64)(lo + (i64)diff_below(r, (u64)(hi - lo + 1)));
        if (t == next)
            return t;
        if (t >= e->pc && t < next + 14)
            continue;
        if (t < start || t >= start + DIFF_CODE_SIZE)
            continue;
        return t;
    }
}

static bool is_count_row(const DiffRow *row)
{
    return row->undef == UD_SHIFT || row->undef == UD_ROT || row->undef == UD_SHD;
}

/* ---- register and memory writes of the input ---- */

static void set_low(u64 *reg, bool high, unsigned size, u64 v)
{
    if (high) {
        *reg = (*reg & ~0xff00ull) | (v & 0xff) << 8;
        return;
    }
    u64 m = size_mask(size);
    *reg = (*reg & ~m) | (v & m);
}

static void mem_write(const DiffEnv *e, u64 addr, const void *p, unsigned n)
{
    u64 off = addr - (u64)(uintptr_t)e->data;
    for (unsigned i = 0; i < n; i++)
        if (off + i < DIFF_DATA_SIZE)
            e->mem_in[off + i] = ((const u8 *)p)[i];
}

static void mem_read(const DiffEnv *e, u64 addr, void *p, unsigned n)
{
    u64 off = addr - (u64)(uintptr_t)e->data;
    for (unsigned i = 0; i < n; i++)
        ((u8 *)p)[i] = off + i < DIFF_DATA_SIZE ? e->mem_in[off + i] : 0;
}

static unsigned e_size(const DiffForm *f)
{
    return (f->row->flags & RF_EB) ? 1 : (f->row->flags & RF_EW) ? 2 : f->size;
}

/* The E operand: register, memory, or rAX for rows without ModRM. */
static void set_E(const DiffEnv *e, DiffCase *c, u64 v, u32 pinned)
{
    unsigned size = e_size(c->f);
    if (c->has_mem)
        mem_write(e, c->ea, &v, size);
    else if (c->e_reg >= 0 && !(pinned >> c->e_reg & 1))
        set_low(&c->in.gpr[c->e_reg], c->e_high, size, v);
}

static u64 get_E(const DiffEnv *e, const DiffCase *c)
{
    unsigned size = e_size(c->f);
    u64 v = 0;
    if (c->has_mem)
        mem_read(e, c->ea, &v, size);
    else if (c->e_reg >= 0)
        v = c->in.gpr[c->e_reg] >> (c->e_high ? 8 : 0);
    return v & size_mask(size);
}

/* Floating-point values worth meeting: zeros, ones, infinities, quiet and
 * signalling NaNs, denormals, the normal range's ends, integer limits. */
static const u32 f32_special[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3f000000, 0x40000000, 0x7f800000, 0xff800000,
    0x7fc00000, 0xffc00000, 0x7f800001, 0x7fa00000, 0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff,
    0x4f000000, 0xcf000000, 0x4f800000, 0x3fc00000, 0x3dcccccd, 0x5f000000, 0xdf000000,
};
static const u64 f64_special[] = {
    0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull, 0x3fe0000000000000ull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull, 0xfff8000000000000ull,
    0x7ff0000000000001ull, 0x7ff4000000000000ull, 1, 0x800fffffffffffffull, 0x0010000000000000ull,
    0x7fefffffffffffffull, 0x41e0000000000000ull, 0xc1e0000000000000ull, 0x43e0000000000000ull,
    0xc3e0000000000000ull, 0x3ff8000000000000ull, 0x3fb999999999999aull, 0x41dfffffffc00000ull,
};

/* A float of moderate magnitude (|x| in 2^-20..2^40), or a special. */
static u32 gen_f32(DiffRng *r)
{
    u64 x = diff_rand(r);
    if ((x & 3) == 0)
        return f32_special[(x >> 8) % UE_ARRAY_LEN(f32_special)];
    return (u32)((x >> 63) << 31 | (107 + (x >> 40) % 60) << 23 | (x & 0x7fffff));
}

static u64 gen_f64(DiffRng *r)
{
    u64 x = diff_rand(r);
    if ((x & 3) == 0)
        return f64_special[(x >> 8) % UE_ARRAY_LEN(f64_special)];
    return (x >> 63) << 63 | (1003 + (x >> 40) % 60) << 52 | (diff_rand(r) & 0xfffffffffffffull);
}

/* An XMM register: random bits, or lanes of floats, doubles or integer
 * edge values. */
static void random_xmm(DiffRng *r, u8 *p)
{
    switch (diff_rand(r) & 3) {
    case 0:
        for (int i = 0; i < 2; i++) {
            u64 v = diff_rand(r);
            memcpy(p + 8 * i, &v, 8);
        }
        break;
    case 1:
        for (int i = 0; i < 4; i++) {
            u32 v = gen_f32(r);
            memcpy(p + 4 * i, &v, 4);
        }
        break;
    case 2:
        for (int i = 0; i < 2; i++) {
            u64 v = gen_f64(r);
            memcpy(p + 8 * i, &v, 8);
        }
        break;
    default:
        for (int i = 0; i < 4; i++) {
            u32 v = (u32)gen_value(r, 1u << (diff_rand(r) % 3));
            memcpy(p + 4 * i, &v, 4);
        }
        break;
    }
}

static void random_fx(DiffRng *r, u8 *fx, bool fp_traps)
{
    memset(fx, 0, 512);
    u16 fcw = (u16)((diff_rand(r) & 0x0f3f) | 0x40 | 0x3f); /* exceptions masked */
    u16 fsw = (u16)(diff_rand(r) & 0x4700);                 /* C0-C3, TOP; nothing pending */
    u32 mxcsr = 0x1f80 | (u32)(diff_rand(r) & 0xe07f);      /* RC, FTZ, DAZ, sticky flags */
    if (fp_traps && (diff_rand(r) & 3) == 0) { /* unmask some exceptions: #XM, #MF */
        mxcsr &= ~(u32)(diff_rand(r) & 0x1f80) | 0x3f;
        fcw &= (u16)~(diff_rand(r) & 0x3f);
    }
    memcpy(fx + FX_FCW, &fcw, 2);
    memcpy(fx + FX_FSW, &fsw, 2);
    fx[FX_FTW] = (u8)diff_rand(r);
    memcpy(fx + FX_MXCSR, &mxcsr, 4);
    for (int i = 0; i < 8; i++) {
        u64 m = diff_rand(r), x = diff_rand(r);
        memcpy(fx + FX_ST + 16 * i, &m, 8);
        memcpy(fx + FX_ST + 16 * i + 8, &x, 2);
    }
    for (int i = 0; i < 16; i++)
        random_xmm(r, fx + FX_XMM + 16 * i);
}

/* ---- encoding one case ---- */

/* Decisions taken before the bytes are written. */
typedef struct Plan {
    u8 rex;
    bool rex_present, gs, modrm;
    u8 rep_noise;     /* an F2/F3 the instruction ignores, or 0 */
    bool size_noise;  /* a 66h the instruction ignores */
    int enc_e, enc_g; /* register numbers as encoded (4..7 may be AH..BH) */
    Addr a;
    u32 pinned;       /* GPRs holding the memory operand's address */
} Plan;

/* 0F opcodes where F2/F3 select nothing else (no TZCNT/POPCNT-like twin). */
static bool rep_ignored_0f(unsigned opc)
{
    return (opc >= 0x40 && opc <= 0x4f) || (opc >= 0x90 && opc <= 0x9f) || (opc >= 0xc8 && opc <= 0xcf) ||
           opc == 0xa3 || opc == 0xab || opc == 0xb3 || opc == 0xbb || opc == 0xba || opc == 0xa4 || opc == 0xa5 ||
           opc == 0xac || opc == 0xad || opc == 0xaf || opc == 0xb6 || opc == 0xb7 || opc == 0xbe || opc == 0xbf ||
           opc == 0xc0 || opc == 0xc1 || opc == 0xb0 || opc == 0xb1;
}

/* Prefixes an instruction ignores, now and then, so the forms with them
 * (which the decoder accepts) are tested too: F2/F3 on one-byte opcodes
 * other than strings and NOP (PAUSE) and on the 0F opcodes that have no
 * F2/F3 twin, never with LOCK (XACQUIRE and XRELEASE); on branches only F2
 * (BND, ignored without MPX) and F3 RET (AMD's "REP RET"): the SDM leaves
 * REP on other non-string instructions reserved, and AMD CPUs do run F3
 * LOOPNE and F2 LOOPE differently; 66h and REX.W on the one-byte opcodes
 * that have no operand size (in the 0F maps 66h, F2 and F3 select other
 * instructions). */
static void plan_noise(DiffRng *r, const DiffForm *f, Plan *p, bool *w)
{
    const DiffRow *row = f->row;
    bool single = row->map == 0 && row->sizes == SZ_D && !(row->flags & (RF_D64 | RF_F64 | RF_REXW));
    bool rep_ok = (row->map == 0 && !(row->flags & RF_STRING) && row->opc != 0x90) ||
                  (row->map == 1 && rep_ignored_0f(row->opc));
    if (rep_ok && !row->pfx && !f->rep && !f->lock && diff_below(r, 12) == 0)
        p->rep_noise = (diff_rand(r) & 1) ? 0xf3 : 0xf2;
    if ((row->flags & RF_BRANCH) && p->rep_noise == 0xf3 && row->opc != 0xc3 && row->opc != 0xc2)
        p->rep_noise = 0xf2;
    if (row->map == 0 && row->opc >= 0xe0 && row->opc <= 0xe3)
        p->rep_noise = 0; /* LOOPcc, JrCXZ */
    if (single && diff_below(r, 8) == 0)
        p->size_noise = true;
    if (single && diff_below(r, 8) == 0)
        *w = true;
}

static void plan_regs(DiffRng *r, DiffCase *c, Plan *p)
{
    const DiffForm *f = c->f;
    const DiffRow *row = f->row;
    bool bytereg = f->size == 1 || (row->flags & RF_EB);
    bool want_rex = bytereg ? (diff_rand(r) & 1) : diff_below(r, 8) == 0;
    bool w = (row->flags & RF_REXW) || f->noise == 0x48;
    if (f->size == 8)
        w = !(row->flags & (RF_D64 | RF_F64)) || (diff_rand(r) & 3) == 0; /* D64/F64: W is noise */
    plan_noise(r, f, p, &w);
    want_rex |= w;
    unsigned nregs = bytereg && !want_rex ? 8 : 16;
    p->modrm = row->layout == LY_E || row->layout == LY_EG;
    p->enc_e = p->enc_g = -1;
    if (row->layout == LY_EG)
        p->enc_g = (int)diff_below(r, nregs);
    if (row->layout == LY_Z || (p->modrm && !f->mem))
        p->enc_e = (int)diff_below(r, nregs);
    p->a.base = p->a.index = -1;
    if (p->modrm && f->mem) {
        u32 avoid = row->shape == SH_BTOFF ? 1u << p->enc_g : 0;
        choose_addr(r, &p->a, avoid, nregs, (row->flags & RF_STACK) != 0);
    }
    unsigned R = p->enc_g >= 8, B = p->enc_e >= 8 || p->a.base >= 8, X = p->a.index >= 8;
    p->rex = (u8)(0x40 | w << 3 | R << 2 | X << 1 | B);
    p->rex_present = want_rex || p->rex != 0x40;
    /* Without REX, byte registers 4..7 are AH, CH, DH, BH. */
    c->e_reg = p->enc_e;
    c->g_reg = p->enc_g;
    if (!p->rex_present && bytereg && p->enc_e >= 4 && p->enc_e < 8)
        c->e_reg -= 4, c->e_high = true;
    if (!p->rex_present && f->size == 1 && !(row->flags & RF_GD) && p->enc_g >= 4 && p->enc_g < 8)
        c->g_reg -= 4, c->g_high = true;
    if (row->layout == LY_NONE)
        c->e_reg = X86_RAX;
    p->pinned = 0;
}

static void put_prefixes(DiffRng *r, const DiffCase *c, const Plan *p, Enc *en)
{
    const DiffForm *f = c->f;
    u8 pre[4];
    unsigned np = 0;
    if (f->lock)
        pre[np++] = 0xf0;
    if (p->gs)
        pre[np++] = 0x65;
    if (c->addr32)
        pre[np++] = 0x67;
    /* 66h with REX.W: W wins (an operand-size prefix only, not in the 0F
     * 38/3A maps or near branches, which AMD truncates to 16 bits). */
    const DiffRow *row = f->row;
    bool osz_66w = f->size == 8 && (p->rex & 8) && row->sizes == SZ_WDQ && !row->pfx && row->map <= 1 &&
                   !(row->flags & (RF_VEC | RF_F64)) && diff_below(r, 6) == 0;
    if (f->size == 2 || f->noise == 0x66 || p->size_noise || osz_66w)
        pre[np++] = 0x66;
    for (unsigned i = np; i > 1; i--) { /* legacy prefixes come in any order */
        unsigned j = (unsigned)diff_below(r, i);
        u8 t = pre[i - 1];
        pre[i - 1] = pre[j];
        pre[j] = t;
    }
    for (unsigned i = 0; i < np; i++)
        put(en, pre[i], 1);
    if (f->rep)
        put(en, f->rep, 1);
    else if (f->row->pfx)
        put(en, f->row->pfx, 1);
    else if (p->rep_noise)
        put(en, p->rep_noise, 1);
    if (p->rex_present)
        put(en, p->rex, 1);
}

static unsigned imm_bytes(const DiffCase *c)
{
    switch (c->f->row->imm) {
    case IMM_B: return 1;
    case IMM_W: return 2;
    case IMM_Z: return c->f->size == 2 ? 2 : 4;
    case IMM_V: return c->f->size;
    case IMM_ENTER: return 3;
    case IMM_MOFFS: return c->addr32 ? 4 : 8;
    default: return 0;
    }
}

static u64 sext(u64 v, unsigned bytes) { return bytes >= 8 ? v : (u64)((i64)(v << (64 - 8 * bytes)) >> (64 - 8 * bytes)); }

static void put_imm(DiffEnv *e, DiffRng *r, DiffCase *c, const Plan *p, Enc *en, const u64 *edge)
{
    const DiffRow *row = c->f->row;
    unsigned ib = imm_bytes(c);
    u64 v;
    if (!ib)
        return;
    if (row->layout == LY_REL) {
        bool near = ib == 1 || (diff_rand(r) & 1);
        u64 t = diff_pick_target(e, r, en->n + ib, near ? -128 : -30000, near ? 127 : 30000);
        v = t - (e->pc + en->n + ib);
    } else if (row->imm == IMM_MOFFS) {
        v = c->ea - (p->gs ? e->gs_base : 0);
    } else if (row->imm == IMM_ENTER) {
        u64 level = (diff_rand(r) & 7) ? diff_below(r, 32) : diff_rand(r) & 0xff;
        /* The frame stays in the buffer: AMD CPUs probe the final RSP. */
        u64 alloc = (diff_rand(r) & 1) ? diff_below(r, 64) : diff_below(r, 2048);
        v = alloc | level << 16;
    } else if (row->shape == SH_INTN) {
        /* Not 0x80 (the 32-bit system call gate), nor the reserved vectors
         * 0x15..0x1f, which some host kernels handle their own way. */
        do
            v = diff_rand(r) & 0xff;
        while (v == 0x80 || (v >= 0x15 && v <= 0x1f));
    } else if (edge) {
        v = edge[1];
    } else if (is_count_row(row)) {
        v = gen_count(r);
    } else {
        v = gen_value(r, ib);
    }
    put(en, v, ib);
    bool sx = row->imm == IMM_B || row->imm == IMM_Z;
    c->imm = sx ? sext(v, ib) : v & size_mask(ib);
}

/* False if the prefixes made it longer than 15 bytes (invalid: #GP). */
static bool encode(DiffEnv *e, DiffRng *r, DiffCase *c, Plan *p, const u64 *edge)
{
    const DiffRow *row = c->f->row;
    Enc en = {.n = 0};
    put_prefixes(r, c, p, &en);
    if (row->map >= 1)
        put(&en, 0x0f, 1);
    if (row->map == 2 || row->map == 3)
        put(&en, row->map == 2 ? 0x38 : 0x3a, 1);
    put(&en, row->opc | (row->layout == LY_Z ? (unsigned)p->enc_e & 7 : 0), 1);
    unsigned reg_field = row->layout == LY_E ? row->ext : (unsigned)p->enc_g;
    if (p->modrm && c->f->mem)
        put_modrm(&en, &p->a, reg_field);
    else if (p->modrm)
        put(&en, 0xc0 | (reg_field & 7) << 3 | ((unsigned)p->enc_e & 7), 1);
    else if (row->layout == LY_FIXED)
        put(&en, row->ext, 1);
    put_imm(e, r, c, p, &en, edge);
    if (en.n > 15)
        return false;
    memcpy(c->code, en.b, en.n);
    c->len = (u8)en.n;
    return true;
}

/* Solve the memory operand's registers and patch the displacement. */
static void place_operand(DiffEnv *e, DiffRng *r, DiffCase *c, Plan *p)
{
    if (!p->modrm || !c->f->mem)
        return;
    u64 adj;
    solve_addr(r, c, &p->a, c->ea - (p->gs ? e->gs_base : 0), &adj);
    c->ea -= adj;
    if (p->a.disp_size)
        for (unsigned i = 0; i < p->a.disp_size; i++)
            c->code[p->a.disp_at + i] = (u8)((u64)p->a.disp >> (8 * i));
    if (p->a.base >= 0)
        p->pinned |= 1u << p->a.base;
    if (p->a.index >= 0)
        p->pinned |= 1u << p->a.index;
}

/* ---- shaping ---- */

static bool pinned(const Plan *p, int reg) { return reg >= 0 && (p->pinned >> reg & 1); }

/* A pointer register into the data buffer near off (random garbage above
 * bit 31 with 32-bit addressing, which ignores it). */
static void set_ptr(const DiffEnv *e, DiffRng *r, DiffCase *c, const Plan *p, int reg, i64 off)
{
    if (pinned(p, reg))
        return;
    u64 v = data_addr(e, off);
    if (c->addr32)
        v |= diff_rand(r) << 32;
    c->in.gpr[reg] = v;
}

static void shape_stack(const DiffEnv *e, DiffRng *r, DiffCase *c, const Plan *p)
{
    i64 off = 4096 - 1024 + (i64)diff_below(r, 2048);
    if (diff_below(r, 4))
        off &= ~7;
    if (diff_below(r, 32) == 0)
        off = (i64)diff_below(r, 16); /* a push runs into the guard page */
    if (!pinned(p, X86_RSP))
        c->in.gpr[X86_RSP] = data_addr(e, off);
}

static void shape_string(const DiffEnv *e, DiffRng *r, DiffCase *c, const Plan *p)
{
    const DiffForm *f = c->f;
    unsigned n = f->size;
    set_ptr(e, r, c, p, X86_RSI, 2048 + (i64)diff_below(r, 4096));
    set_ptr(e, r, c, p, X86_RDI, 2048 + (i64)diff_below(r, 4096));
    u64 count = diff_below(r, 10);
    if (diff_below(r, 16) == 0) /* long enough to run off the buffer and fault half-way */
        count = diff_below(r, 1200);
    if (f->rep)
        set_low(&c->in.gpr[X86_RCX], false, c->addr32 ? 4 : 8, count);
    u64 rsi = c->in.gpr[X86_RSI] & (c->addr32 ? 0xffffffffull : ~0ull);
    u64 rdi = c->in.gpr[X86_RDI] & (c->addr32 ? 0xffffffffull : ~0ull);
    bool down = (c->in.rflags & X86_DF) != 0;
    unsigned k = (unsigned)diff_below(r, 10);
    if (diff_rand(r) & 1)
        return;
    /* Make the first k elements match, so REPE/REPNE runs are long. */
    for (unsigned i = 0; i < k; i++) {
        u64 step = (u64)i * n;
        u64 s = down ? rsi - step : rsi + step, d = down ? rdi - step : rdi + step;
        u8 buf[8];
        if (f->row->opc == 0xa6 || f->row->opc == 0xa7)
            mem_read(e, s, buf, n);
        else
            memcpy(buf, &c->in.gpr[X86_RAX], n);
        mem_write(e, d, buf, n);
    }
}

static void shape_div(const DiffEnv *e, DiffRng *r, DiffCase *c, const Plan *p)
{
    unsigned size = c->f->size;
    bool sign = c->f->row->ext == 7;
    u64 d = get_E(e, c), m = size_mask(size);
    if (diff_rand(r) & 3) {
        u64 lo = diff_rand(r) & m, hi;
        if (sign)
            hi = (sext(lo, size) >> 63) & m;
        else
            hi = d ? diff_rand(r) % d : diff_rand(r) & m;
        if (size == 1) {
            if (!pinned(p, X86_RAX))
                set_low(&c->in.gpr[X86_RAX], false, 2, lo | hi << 8);
        } else {
            if (!pinned(p, X86_RAX))
                set_low(&c->in.gpr[X86_RAX], false, size, lo);
            if (!pinned(p, X86_RDX))
                set_low(&c->in.gpr[X86_RDX], false, size, hi);
        }
    }
}

static void shape_btoff(DiffRng *r, DiffCase *c, const Plan *p)
{
    if (!c->f->mem || pinned(p, c->g_reg))
        return;
    i64 lim = c->f->size == 2 ? 31000 : 3000 * 8;
    i64 off = (i64)diff_below(r, (u64)(2 * lim)) - lim;
    set_low(&c->in.gpr[c->g_reg], false, c->f->size, (u64)off);
}

static void shape_cmpxchg8(const DiffEnv *e, DiffRng *r, DiffCase *c, const Plan *p)
{
    unsigned n = c->f->size; /* half the operand */
    u64 lo = 0, hi = 0;
    if (diff_rand(r) & 1)
        return;
    mem_read(e, c->ea, &lo, n);
    mem_read(e, c->ea + n, &hi, n);
    if (!pinned(p, X86_RAX))
        set_low(&c->in.gpr[X86_RAX], false, n, lo);
    if (!pinned(p, X86_RDX))
        set_low(&c->in.gpr[X86_RDX], false, n, hi);
}

static void shape_row(DiffEnv *e, DiffRng *r, DiffCase *c, const Plan *p, const u64 *edge)
{
    u64 *g = c->in.gpr;
    u64 rsp = g[X86_RSP];
    switch (c->f->row->shape) {
    case SH_COUNT:
        if (!pinned(p, X86_RCX))
            set_low(&g[X86_RCX], false, 1, edge ? edge[1] : gen_count(r));
        break;
    case SH_DIV: shape_div(e, r, c, p); break;
    case SH_BTOFF: shape_btoff(r, c, p); break;
    case SH_TARGET: /* CALL RSP keeps RSP in the data buffer (it pushes) */
        if (c->has_mem || c->e_reg != X86_RSP)
            set_E(e, c, diff_pick_target(e, r, c->len, -30000, 30000), p->pinned);
        break;
    case SH_RET: {
        u64 t = diff_pick_target(e, r, c->len, -30000, 30000);
        mem_write(e, rsp, &t, 8);
        break;
    }
    case SH_CMPXCHG:
        if ((diff_rand(r) & 1) && !pinned(p, X86_RAX))
            set_low(&g[X86_RAX], false, c->f->size, get_E(e, c));
        break;
    case SH_CMPXCHG8: shape_cmpxchg8(e, r, c, p); break;
    case SH_ENTER: /* AMD CPUs probe the final RSP: keep the frame in the buffer */
        g[X86_RSP] = data_addr(e, 3072 + (i64)diff_below(r, 2048));
        set_ptr(e, r, c, p, X86_RBP, (4096 - 256 + (i64)diff_below(r, 512)) & ~(i64)(diff_rand(r) & 1 ? 7 : 0));
        break;
    case SH_LEAVE: set_ptr(e, r, c, p, X86_RBP, 1024 + (i64)diff_below(r, 6144)); break;
    case SH_XLAT: set_ptr(e, r, c, p, X86_RBX, 256 + (i64)diff_below(r, 7000)); break;
    case SH_POPF: {
        u64 v = diff_rand(r) & 0x3fffff & ~(u64)(X86_TF | X86_AC | 1u << 14 | 1u << 16 | 1u << 17 | 3u << 19);
        mem_write(e, rsp, &v, c->f->size);
        break;
    }
    case SH_LOOP:
        if (diff_rand(r) & 1)
            set_low(&g[X86_RCX], false, c->addr32 ? 4 : 8, diff_below(r, 3));
        break;
    default:
        break;
    }
}

/* ---- a case ---- */

static void random_inputs(DiffEnv *e, DiffRng *r, DiffCase *c)
{
    for (int i = 0; i < 16; i++)
        c->in.gpr[i] = gen_value(r, c->f->size);
    /* RSP stays canonical: this host's kernel kills a thread interrupted
     * with a non-canonical RSP (its IRET faults), so such a value would
     * only make the native run flaky and the JIT's run (guest RSP in host
     * RSP) die at its first page fault. */
    c->in.gpr[X86_RSP] = (u64)((i64)(c->in.gpr[X86_RSP] << 16) >> 16);
    u64 fl = X86_CF | X86_PF | X86_AF | X86_ZF | X86_SF | X86_OF | X86_DF | X86_ID;
    c->in.rflags = 0x202 | (diff_rand(r) & fl);
    random_fx(r, c->in.fx, e->fp_traps);
    for (unsigned i = 0; i < DIFF_DATA_SIZE; i += 8) {
        u64 v = diff_rand(r);
        memcpy(e->mem_in + i, &v, 8);
    }
}

void diff_gen_case(DiffEnv *e, const DiffForm *f, DiffRng *r, const u64 *edge, DiffCase *c)
{
    const DiffRow *row = f->row;
    Plan p;
    for (int tries = 0;; tries++) { /* until the prefixes leave it <= 15 bytes */
        memset(c, 0, sizeof *c);
        c->f = f;
        c->ninsn = 1;
        c->pc = e->pc;
        c->has_mem = f->mem || row->imm == IMM_MOFFS;
        c->addr32 = (c->has_mem && diff_below(r, 8) == 0) || ((row->flags & RF_ADDR32) && diff_below(r, 4) == 0);
        memset(&p, 0, sizeof p);
        plan_regs(r, c, &p);
        p.gs = c->has_mem && !(row->flags & RF_NOACCESS) && diff_below(r, 8) == 0;
        if (c->has_mem)
            c->ea = choose_ea(e, r, f);
        if (encode(e, r, c, &p, edge))
            break;
        ue_assert(tries < 100);
    }
    random_inputs(e, r, c);
    place_operand(e, r, c, &p);
    if (edge) {
        set_E(e, c, edge[0], p.pinned);
        if (row->shape != SH_COUNT && row->imm == IMM_NONE && c->g_reg >= 0 && !pinned(&p, c->g_reg))
            set_low(&c->in.gpr[c->g_reg], c->g_high, f->size, edge[1]);
    }
    if ((row->flags & RF_STACK) && !pinned(&p, X86_RSP))
        shape_stack(e, r, c, &p);
    if (row->flags & RF_STRING)
        shape_string(e, r, c, &p);
    shape_row(e, r, c, &p, edge);
}

/* ---- forms ---- */

const u64 *diff_src_edges(const DiffForm *f, unsigned *n)
{
    const DiffRow *row = f->row;
    if (is_count_row(row) || row->shape == SH_COUNT) {
        *n = UE_ARRAY_LEN(count_edges);
        return count_edges;
    }
    if (row->imm == IMM_B)
        return diff_edges(1, n);
    if (row->imm == IMM_Z)
        return diff_edges(f->size == 2 ? 2 : 4, n);
    return diff_edges(f->size, n);
}

const u64 *diff_e_edges(const DiffForm *f, unsigned *n)
{
    if (f->row->flags & RF_VEC) {
        *n = 0;
        return NULL;
    }
    return diff_edges((f->row->flags & RF_EB) ? 1 : (f->row->flags & RF_EW) ? 2 : f->size, n);
}

static void form_name(DiffForm *f)
{
    const DiffRow *row = f->row;
    bool one_size = (row->sizes & (row->sizes - 1)) == 0;
    bool modrm = row->layout == LY_E || row->layout == LY_EG;
    int n = snprintf(f->name, sizeof f->name, "%s%s%s %s", f->rep == 0xf3 ? "rep " : f->rep == 0xf2 ? "repne " : "",
                     f->lock ? "lock " : "", row->family, row->form);
    if (!one_size)
        n += snprintf(f->name + n, sizeof f->name - (size_t)n, " /%u", 8 * f->size);
    if (modrm && !(row->flags & (RF_MEM | RF_REG)))
        n += snprintf(f->name + n, sizeof f->name - (size_t)n, " %s", f->mem ? "mem" : "reg");
    if (f->noise)
        snprintf(f->name + n, sizeof f->name - (size_t)n, " +%s", f->noise == 0x66 ? "66" : "rex.w");
}

static void add_form(DiffForm **v, u32 *n, u32 *cap, DiffForm f)
{
    form_name(&f);
    VEC_PUSH(*v, *n, *cap, f);
}

u32 diff_forms(const DiffTable *const *tables, DiffForm **out)
{
    DiffForm *v = NULL;
    u32 n = 0, cap = 0;
    for (unsigned t = 0; tables[t]; t++) {
        for (u32 i = 0; i < tables[t]->nrows; i++) {
            const DiffRow *row = &tables[t]->rows[i];
            bool modrm = row->layout == LY_E || row->layout == LY_EG;
            for (unsigned size = 1; size <= 8; size *= 2) {
                if (!(row->sizes & size))
                    continue;
                for (int mem = 0; mem < 2; mem++) {
                    if (mem && (!modrm || (row->flags & RF_REG)))
                        continue;
                    if (!mem && modrm && (row->flags & RF_MEM))
                        continue;
                    DiffForm f = {.row = row, .size = (u8)size, .mem = mem};
                    add_form(&v, &n, &cap, f);
                    /* LOCK: legal only on a memory operand of the lockable
                     * rows; elsewhere it must raise #UD. */
                    if (modrm && (mem || (row->flags & RF_LOCK)) && !(row->flags & RF_VEC)) {
                        DiffForm l = f;
                        l.lock = true;
                        add_form(&v, &n, &cap, l);
                    }
                    if (row->flags & RF_STRING) {
                        DiffForm s = f;
                        s.rep = 0xf3;
                        add_form(&v, &n, &cap, s);
                        if ((row->opc & 0xf6) == 0xa6) { /* CMPS, SCAS: REPNE */
                            s.rep = 0xf2;
                            add_form(&v, &n, &cap, s);
                        }
                    }
                    if (row->flags & RF_BYTEPFX) {
                        DiffForm b = f;
                        b.noise = 0x66;
                        add_form(&v, &n, &cap, b);
                        if (!(row->flags & RF_NOREXW)) {
                            b.noise = 0x48;
                            add_form(&v, &n, &cap, b);
                        }
                    }
                }
            }
        }
    }
    *out = v;
    return n;
}

bool diff_host_supports(const DiffEnv *e, const DiffForm *f)
{
    const DiffRow *row = f->row;
    if (row->map == 1 && row->pfx == 0xf3) {
        if (row->opc == 0xbd)
            return e->host_lzcnt;
        if (row->opc == 0xbc)
            return e->host_bmi1;
        if (row->opc == 0xb8)
            return e->host_popcnt;
    }
    if (row->map == 2 && (row->opc == 0xf0 || row->opc == 0xf1))
        return row->pfx == 0xf2 ? e->host_sse42 : e->host_movbe;
    return true;
}
