/*
 * rows_x87.c — the x87 instructions the differential tester runs
 * (tests/diff/diff.h): every escape-opcode form D8..DF with a register or a
 * memory operand, one row each.  The input state is random (gen.c's
 * random_fx: tags, TOP, raw 80-bit register contents — unnormals, NaNs and
 * extreme exponents included — precision and rounding control, condition
 * codes), so stack faults, special operands and every rounding mode come
 * up; the host decides what each computes.
 *
 * Notes on the encoding columns: ST(i) forms are LY_E with RF_REG (ModRM.rm
 * picks i; REX.B, which the FPU ignores, comes for free), the D9/DA/DB/DE/DF
 * instructions with a fixed ModRM byte are LY_FIXED.  The operand size only
 * drives prefixes and the memory operand's placement: SZ_W (which adds a
 * 66h the FPU ignores) for m16, SZ_D for m32, SZ_Q for m64, and RF_M16 with
 * SZ_Q (16 bytes) for the 10-byte m80 and BCD operands.
 *
 * Left out: FNSTENV/FLDENV/FNSAVE/FRSTOR and the FXSAVE/XSAVE family (their
 * 14..576-byte operands are beyond the generator's placement; tests/x87
 * covers them), FWAIT (rows_int.c), and D9 D8+i, whose meaning is the
 * vendor's (an FSTP alias in Intel's map, AMD's FSTPNCE: no stack fault,
 * the tag copied; ue does Intel's).
 */
#include "diff.h"

#define ROW(fam, form, map, opc, ext, ly, sz, imm, pfx, ud, sh, fl) \
    {fam, form, map, opc, ext, ly, sz, imm, pfx, ud, sh, fl}

/* Register form (ST(0), ST(i) or ST(i) alone) and memory form. */
#define R(fam, form, opc, ext) ROW(fam, form, 0, opc, ext, LY_E, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, RF_REG)
#define M(fam, form, opc, ext, sz) ROW(fam, form, 0, opc, ext, LY_E, sz, IMM_NONE, 0, UD_NONE, SH_NONE, RF_MEM)
#define M80(fam, form, opc, ext) ROW(fam, form, 0, opc, ext, LY_E, SZ_Q, IMM_NONE, 0, UD_NONE, SH_NONE, RF_MEM | RF_M16)
/* A fixed ModRM byte. */
#define F(fam, form, opc, modrm) ROW(fam, form, 0, opc, modrm, LY_FIXED, SZ_D, IMM_NONE, 0, UD_NONE, SH_NONE, 0)

/* The eight D8-style operations on a memory operand of one kind. */
#define ARITH_MEM(opc, kind, sz)                                                                   \
    M("x87-arith", "fadd " kind, opc, 0, sz), M("x87-arith", "fmul " kind, opc, 1, sz),            \
    M("x87-cmp", "fcom " kind, opc, 2, sz), M("x87-cmp", "fcomp " kind, opc, 3, sz),                \
    M("x87-arith", "fsub " kind, opc, 4, sz), M("x87-arith", "fsubr " kind, opc, 5, sz),           \
    M("x87-arith", "fdiv " kind, opc, 6, sz), M("x87-arith", "fdivr " kind, opc, 7, sz)

/* D8 (ST(0) = ST(0) op ST(i)), DC (ST(i) = ST(i) op ST(0)), DE (DC, pop). */
#define ARITH_REG(opc, dst)                                                                        \
    R("x87-arith", "fadd " dst, opc, 0), R("x87-arith", "fmul " dst, opc, 1),                      \
    R("x87-arith", "fsub " dst, opc, 4), R("x87-arith", "fsubr " dst, opc, 5),                     \
    R("x87-arith", "fdiv " dst, opc, 6), R("x87-arith", "fdivr " dst, opc, 7)

static const DiffRow rows[] = {
    ARITH_MEM(0xd8, "m32fp", SZ_D), ARITH_MEM(0xdc, "m64fp", SZ_Q),
    ARITH_MEM(0xda, "m32int", SZ_D), ARITH_MEM(0xde, "m16int", SZ_W),
    ARITH_REG(0xd8, "st,st(i)"), ARITH_REG(0xdc, "st(i),st"), ARITH_REG(0xde, "p st(i),st"),
    R("x87-cmp", "fcom st(i)", 0xd8, 2), R("x87-cmp", "fcomp st(i)", 0xd8, 3),
    R("x87-cmp", "fcom st(i) (dc d0)", 0xdc, 2), R("x87-cmp", "fcomp st(i) (dc d8)", 0xdc, 3),
    R("x87-cmp", "fcomp st(i) (de d0)", 0xde, 2), F("x87-cmp", "fcompp", 0xde, 0xd9),
    R("x87-cmp", "fucom st(i)", 0xdd, 4), R("x87-cmp", "fucomp st(i)", 0xdd, 5), F("x87-cmp", "fucompp", 0xda, 0xe9),
    R("x87-cmp", "fucomi st,st(i)", 0xdb, 5), R("x87-cmp", "fcomi st,st(i)", 0xdb, 6),
    R("x87-cmp", "fucomip st,st(i)", 0xdf, 5), R("x87-cmp", "fcomip st,st(i)", 0xdf, 6),
    F("x87-cmp", "ftst", 0xd9, 0xe4), F("x87-cmp", "fxam", 0xd9, 0xe5),

    M("x87-load", "fld m32fp", 0xd9, 0, SZ_D), M("x87-load", "fld m64fp", 0xdd, 0, SZ_Q),
    M80("x87-load", "fld m80fp", 0xdb, 5), M("x87-load", "fild m16int", 0xdf, 0, SZ_W),
    M("x87-load", "fild m32int", 0xdb, 0, SZ_D), M("x87-load", "fild m64int", 0xdf, 5, SZ_Q),
    M80("x87-load", "fbld m80bcd", 0xdf, 4), R("x87-load", "fld st(i)", 0xd9, 0),
    F("x87-load", "fld1", 0xd9, 0xe8), F("x87-load", "fldl2t", 0xd9, 0xe9), F("x87-load", "fldl2e", 0xd9, 0xea),
    F("x87-load", "fldpi", 0xd9, 0xeb), F("x87-load", "fldlg2", 0xd9, 0xec), F("x87-load", "fldln2", 0xd9, 0xed),
    F("x87-load", "fldz", 0xd9, 0xee),

    M("x87-store", "fst m32fp", 0xd9, 2, SZ_D), M("x87-store", "fstp m32fp", 0xd9, 3, SZ_D),
    M("x87-store", "fst m64fp", 0xdd, 2, SZ_Q), M("x87-store", "fstp m64fp", 0xdd, 3, SZ_Q),
    M80("x87-store", "fstp m80fp", 0xdb, 7), M("x87-store", "fist m16int", 0xdf, 2, SZ_W),
    M("x87-store", "fistp m16int", 0xdf, 3, SZ_W), M("x87-store", "fist m32int", 0xdb, 2, SZ_D),
    M("x87-store", "fistp m32int", 0xdb, 3, SZ_D), M("x87-store", "fistp m64int", 0xdf, 7, SZ_Q),
    M("x87-store", "fisttp m16int", 0xdf, 1, SZ_W), M("x87-store", "fisttp m32int", 0xdb, 1, SZ_D),
    M("x87-store", "fisttp m64int", 0xdd, 1, SZ_Q), M80("x87-store", "fbstp m80bcd", 0xdf, 6),
    R("x87-store", "fst st(i)", 0xdd, 2), R("x87-store", "fstp st(i)", 0xdd, 3),
    R("x87-store", "fstp st(i) (df d0)", 0xdf, 2),
    R("x87-store", "fstp st(i) (df d8)", 0xdf, 3),

    R("x87-move", "fxch st(i)", 0xd9, 1), R("x87-move", "fxch st(i) (dd c8)", 0xdd, 1),
    R("x87-move", "fxch st(i) (df c8)", 0xdf, 1),
    R("x87-move", "fcmovb", 0xda, 0), R("x87-move", "fcmove", 0xda, 1), R("x87-move", "fcmovbe", 0xda, 2),
    R("x87-move", "fcmovu", 0xda, 3), R("x87-move", "fcmovnb", 0xdb, 0), R("x87-move", "fcmovne", 0xdb, 1),
    R("x87-move", "fcmovnbe", 0xdb, 2), R("x87-move", "fcmovnu", 0xdb, 3),
    R("x87-move", "ffree st(i)", 0xdd, 0), R("x87-move", "ffreep st(i)", 0xdf, 0),
    F("x87-move", "fincstp", 0xd9, 0xf7), F("x87-move", "fdecstp", 0xd9, 0xf6),

    F("x87-unary", "fchs", 0xd9, 0xe0), F("x87-unary", "fabs", 0xd9, 0xe1), F("x87-unary", "fsqrt", 0xd9, 0xfa),
    F("x87-unary", "frndint", 0xd9, 0xfc), F("x87-unary", "fxtract", 0xd9, 0xf4), F("x87-unary", "fscale", 0xd9, 0xfd),
    F("x87-unary", "fprem", 0xd9, 0xf8), F("x87-unary", "fprem1", 0xd9, 0xf5),
    F("x87-trans", "f2xm1", 0xd9, 0xf0), F("x87-trans", "fyl2x", 0xd9, 0xf1), F("x87-trans", "fptan", 0xd9, 0xf2),
    F("x87-trans", "fpatan", 0xd9, 0xf3), F("x87-trans", "fyl2xp1", 0xd9, 0xf9), F("x87-trans", "fsincos", 0xd9, 0xfb),
    F("x87-trans", "fsin", 0xd9, 0xfe), F("x87-trans", "fcos", 0xd9, 0xff),

    F("x87-control", "fnop", 0xd9, 0xd0), F("x87-control", "fnclex", 0xdb, 0xe2),
    F("x87-control", "fninit", 0xdb, 0xe3), F("x87-control", "feni (nop)", 0xdb, 0xe0),
    F("x87-control", "fdisi (nop)", 0xdb, 0xe1), F("x87-control", "fsetpm (nop)", 0xdb, 0xe4),
    F("x87-control", "fnstsw ax", 0xdf, 0xe0), M("x87-control", "fnstsw m16", 0xdd, 7, SZ_W),
    M("x87-control", "fnstcw m16", 0xd9, 7, SZ_W), M("x87-control", "fldcw m16", 0xd9, 5, SZ_W),
};

const DiffTable diff_table_x87 = {"x87", rows, UE_ARRAY_LEN(rows)};
