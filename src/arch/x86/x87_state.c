/*
 * x87_state.c — the memory images of the FPU/SSE state: FNSTENV/FLDENV,
 * FNSAVE/FRSTOR, FXSAVE/FXRSTOR (and their 64-bit forms), XSAVE/XRSTOR
 * (standard form, components x87 and SSE).
 *
 * Helpers never touch guest memory (ir.h), so every image is staged in
 * X86Regs.scratch: a save helper writes the image there and the lifter
 * (lift_x87.c) stores it; for a restore the lifter copies memory into
 * scratch first and the helper unpacks it.  Offsets below are those of the
 * memory image.
 *
 * Manual: Intel SDM vol. 1 §8.1.10 (FNSTENV/FNSAVE layouts, protected mode,
 * 16- and 32-bit), §10.5.1 and vol. 2 FXSAVE (tables of the three FXSAVE
 * layouts), ch. 13 (XSAVE: legacy region = FXSAVE layout, header at 512).
 *
 * x86_fpu_save_image/x86_fpu_load_image (x86.h) give the OS layer the
 * same images for signal frames.
 *
 * Fields ue does not model: the FPU CS and DS selectors.  FCS is reported
 * as 0x33 (ue's one code segment) whenever an instruction pointer is
 * recorded, FDS as 0; loads ignore both.
 */
#include "arch/x86/x87_priv.h"

#define USER_CS 0x33
/* MXCSR bits LDMXCSR/FXRSTOR accept (DAZ included); FXSAVE reports it. */
#define MXCSR_MASK 0xffffu

static void put16(u8 *p, u16 v) { memcpy(p, &v, 2); }
static void put32(u8 *p, u32 v) { memcpy(p, &v, 4); }
static void put64(u8 *p, u64 v) { memcpy(p, &v, 8); }
static u16 get16(const u8 *p) { u16 v; memcpy(&v, p, 2); return v; }
static u32 get32(const u8 *p) { u32 v; memcpy(&v, p, 4); return v; }
static u64 get64(const u8 *p) { u64 v; memcpy(&v, p, 8); return v; }

static u16 full_sw(const X86Regs *r) { return (u16)((r->fsw & ~FSW_TOP) | (r->ftop & 7) << 11); }

static void load_sw(X86Regs *r, u16 sw)
{
    r->fsw = sw & (u16)~FSW_TOP;
    r->ftop = (sw >> 11) & 7;
}

/* The control word as FLDCW would leave it (see h_fldcw). */
static u16 load_cw(u16 cw) { return (u16)((cw & 0x1f3f) | 0x40); }

static u16 full_tag(const X86Regs *r)
{
    u16 tw = 0;
    for (unsigned p = 0; p < 8; p++)
        tw |= (u16)(x87_tag_of(r, p) << (2 * p));
    return tw;
}

/* FLDENV/FRSTOR: a register is empty iff its 2-bit tag is 11; the other
 * tag values are recomputed from the contents, as the hardware does. */
static u8 tag_from_full(u16 tw)
{
    u8 t = 0;
    for (unsigned p = 0; p < 8; p++)
        if (((tw >> (2 * p)) & 3) != 3)
            t |= (u8)(1u << p);
    return t;
}

/* ST(i) in stack order, 10 bytes each, at image + off + stride * i. */
static void regs_out(const X86Regs *r, u8 *image, unsigned stride)
{
    for (unsigned i = 0; i < 8; i++) {
        F80 v = x87_phys(r, r->ftop + i);
        memset(image + stride * i, 0, stride);
        put64(image + stride * i, v.m);
        put16(image + stride * i + 8, v.se);
    }
}

static void regs_in(X86Regs *r, const u8 *image, unsigned stride)
{
    for (unsigned i = 0; i < 8; i++)
        x87_set_phys(r, r->ftop + i, (F80){get64(image + stride * i), get16(image + stride * i + 8)});
}

/* ---- FNSTENV/FLDENV, FNSAVE/FRSTOR ---- */

/* The environment: 28 bytes (14 with a 16-bit operand size), then for
 * FNSAVE the eight registers.  Reserved halves of the 32-bit format read
 * as FFFF, as on hardware. */
static u64 h_fstenv(void *env, u64 how, u64 u1, u64 u2)
{
    X86Regs *r = env;
    u8 *s = r->scratch;
    u16 fcs = r->fpu_ip ? USER_CS : 0;
    unsigned n;
    memset(s, 0, 112);
    if (how & X87_ENV_16) {
        put16(s + 0, r->fcw);
        put16(s + 2, full_sw(r));
        put16(s + 4, full_tag(r));
        put16(s + 6, (u16)r->fpu_ip);
        put16(s + 8, fcs);
        put16(s + 10, (u16)r->fpu_dp);
        n = 14;
    } else {
        put32(s + 0, 0xffff0000u | r->fcw);
        put32(s + 4, 0xffff0000u | full_sw(r));
        put32(s + 8, 0xffff0000u | full_tag(r));
        put32(s + 12, (u32)r->fpu_ip);
        put32(s + 16, fcs | (u32)(r->fop & 0x7ff) << 16);
        put32(s + 20, (u32)r->fpu_dp);
        put32(s + 24, 0xffff0000u);
        n = 28;
    }
    if (how & X87_ENV_REGS)
        regs_out(r, s + n, 10);
    return 0;
}

static u64 h_fldenv(void *env, u64 how, u64 u1, u64 u2)
{
    X86Regs *r = env;
    const u8 *s = r->scratch;
    unsigned n;
    if (how & X87_ENV_16) {
        r->fcw = load_cw(get16(s + 0));
        load_sw(r, get16(s + 2));
        r->ftag = tag_from_full(get16(s + 4));
        r->fpu_ip = get16(s + 6);
        r->fpu_dp = get16(s + 10);
        r->fop = 0;
        n = 14;
    } else {
        r->fcw = load_cw(get16(s + 0));
        load_sw(r, get16(s + 4));
        r->ftag = tag_from_full(get16(s + 8));
        r->fpu_ip = get32(s + 12);
        r->fop = get16(s + 18) & 0x7ff;
        r->fpu_dp = get32(s + 20);
        n = 28;
    }
    if (how & X87_ENV_REGS)
        regs_in(r, s + n, 10);
    return 0;
}

/* ---- FXSAVE/FXRSTOR: the 512-byte legacy image ---- */

/* The x87 part: bytes 0..23 and 32..159.  REX.W selects 64-bit FIP/FDP,
 * otherwise 32-bit offsets with selectors.  The tag is abridged: bit p =
 * physical register p is in use. */
static void fxsave_x87(const X86Regs *r, u8 *s, bool rexw)
{
    put16(s + 0, r->fcw);
    put16(s + 2, full_sw(r));
    s[4] = r->ftag;
    s[5] = 0;
    put16(s + 6, r->fop & 0x7ff);
    if (rexw) {
        put64(s + 8, r->fpu_ip);
        put64(s + 16, r->fpu_dp);
    } else {
        put32(s + 8, (u32)r->fpu_ip);
        put32(s + 12, r->fpu_ip ? USER_CS : 0);
        put32(s + 16, (u32)r->fpu_dp);
        put32(s + 20, 0);
    }
    regs_out(r, s + 32, 16);
}

/* The SSE part: MXCSR and its mask (24..31), XMM0..15 (160..415). */
static void fxsave_sse(const X86Regs *r, u8 *s)
{
    put32(s + 24, r->mxcsr);
    put32(s + 28, MXCSR_MASK);
    memcpy(s + 160, r->xmm, 256);
}

static void fxrstor_x87(X86Regs *r, const u8 *s, bool rexw)
{
    r->fcw = load_cw(get16(s + 0));
    load_sw(r, get16(s + 2));
    r->ftag = s[4];
    r->fop = get16(s + 6) & 0x7ff;
    r->fpu_ip = rexw ? get64(s + 8) : get32(s + 8);
    r->fpu_dp = rexw ? get64(s + 16) : get32(s + 16);
    regs_in(r, s + 32, 16);
}

static void fxrstor_sse(X86Regs *r, const u8 *s)
{
    r->mxcsr = get32(s + 24);
    memcpy(r->xmm, s + 160, 256);
}

/* FXSAVE: the image's bytes 0..415 (the rest is reserved or the
 * software's) into scratch. */
static u64 h_fxsave(void *env, u64 rexw, u64 u1, u64 u2)
{
    X86Regs *r = env;
    memset(r->scratch, 0, 512);
    fxsave_x87(r, r->scratch, rexw != 0);
    fxsave_sse(r, r->scratch);
    return 0;
}

/* FXRSTOR from scratch; the lifter has checked MXCSR (#GP). */
static u64 h_fxrstor(void *env, u64 rexw, u64 u1, u64 u2)
{
    X86Regs *r = env;
    fxrstor_x87(r, r->scratch, rexw != 0);
    fxrstor_sse(r, r->scratch);
    return 0;
}

/* ---- XSAVE/XRSTOR (standard form) ---- */

/* XSAVE: scratch holds the area's old bytes 0..415 and its XSTATE_BV (at
 * 512); overwrite the components in rfbm (x87: bit 0, SSE: bit 1).
 * XSTATE_BV[i] for i in rfbm becomes XINUSE[i]: ue does not track the init
 * optimisation and reports every component as in use, which the manual
 * allows. */
static u64 h_xsave(void *env, u64 rexw, u64 rfbm, u64 u)
{
    X86Regs *r = env;
    u8 *s = r->scratch;
    rfbm &= X87_XCR0;
    if (rfbm & 1)
        fxsave_x87(r, s, rexw != 0);
    if (rfbm & 2)
        fxsave_sse(r, s);
    put64(s + 512, get64(s + 512) | rfbm);
    return 0;
}

/* XRSTOR's #GP conditions on the staged header and MXCSR: XSTATE_BV with
 * bits outside XCR0, XCOMP_BV or the next 8 reserved bytes non-zero (the
 * compacted form needs XSAVEC, not offered), MXCSR reserved bits when it is
 * loaded.  Returns 1 to fault. */
static u64 h_xrstor_check(void *env, u64 rfbm, u64 u1, u64 u2)
{
    const u8 *s = ((X86Regs *)env)->scratch;
    if (get64(s + 512) & ~X87_XCR0)
        return 1;
    if (get64(s + 520) || get64(s + 528))
        return 1;
    if ((rfbm & 2) && (get32(s + 24) & ~MXCSR_MASK))
        return 1;
    return 0;
}

/* Restore the components in rfbm from image s: those whose XSTATE_BV bit
 * is set are loaded, the others initialised.  MXCSR is loaded whenever
 * rfbm has SSE (the standard form's rule). */
static void xrstor_parts(X86Regs *r, const u8 *s, bool rexw, u64 rfbm, u64 bv)
{
    if (rfbm & 1) {
        if (bv & 1) {
            fxrstor_x87(r, s, rexw);
        } else {
            x87_reset(r);
            memset(r->st, 0, sizeof r->st);
        }
    }
    if (rfbm & 2) {
        if (bv & 2)
            memcpy(r->xmm, s + 160, 256);
        else
            memset(r->xmm, 0, sizeof r->xmm);
        r->mxcsr = get32(s + 24);
    }
}

/* XRSTOR from scratch (xrstor_check has passed). */
static u64 h_xrstor(void *env, u64 rexw, u64 rfbm, u64 u)
{
    X86Regs *r = env;
    xrstor_parts(r, r->scratch, rexw != 0, rfbm & X87_XCR0, get64(r->scratch + 512));
    return 0;
}

/* ---- images for the OS layer (signal frames) ---- */

void x86_fpu_save_image(const X86Regs *r, u8 *image, bool xsave)
{
    memset(image, 0, xsave ? X86_XSAVE_SIZE : X86_FXSAVE_SIZE);
    fxsave_x87(r, image, true);
    fxsave_sse(r, image);
    if (xsave)
        put64(image + 512, X87_XCR0);
}

void x86_fpu_load_image(X86Regs *r, const u8 *image, bool xsave)
{
    xrstor_parts(r, image, true, X87_XCR0, xsave ? get64(image + 512) : X87_XCR0);
    r->mxcsr &= MXCSR_MASK;
}

X87_STATE_HELPERS(X87_DEFINE_HELPER)
