/*
 * x87_priv.h — private to the x87 part of src/arch/x86: the 80-bit register
 * format, status-word bits, operand kinds, the host-FPU primitives
 * (x87_host.c) and the IR helpers the x87 lifter (lift_x87.c) calls
 * (x87_ops.c for arithmetic and the stack, x87_state.c for the
 * FNSTENV/FNSAVE/FXSAVE/XSAVE images).
 *
 * State model (X86Regs in x86.h): st[8] are the physical registers, raw
 * 80-bit values in the low 10 bytes of each 16-byte slot; ST(i) is
 * st[(ftop + i) & 7]; ftag bit p says physical register p is non-empty; fsw
 * is the status word with the TOP field (bits 11..13) kept apart in ftop.
 * Helpers keep fsw's ES and B bits equal to "an unmasked exception flag is
 * set" (fsw & ~fcw & 0x3f), as the hardware does.
 */
#ifndef UE_X87_PRIV_H
#define UE_X87_PRIV_H

#include "arch/x86/x86_priv.h"

/* An 80-bit extended-precision value: 64-bit significand (explicit integer
 * bit 63), then sign and 15-bit exponent.  Only 10 bytes are meaningful. */
typedef struct F80 {
    u64 m;
    u16 se;
} F80;

/* The "real indefinite" QNaN: the masked response to invalid operations and
 * stack faults. */
#define X87_INDEF ((F80){0xc000000000000000ull, 0xffff})

/* Status word bits. */
enum {
    FSW_IE = 1 << 0, FSW_DE = 1 << 1, FSW_ZE = 1 << 2, FSW_OE = 1 << 3,
    FSW_UE = 1 << 4, FSW_PE = 1 << 5, FSW_SF = 1 << 6, FSW_ES = 1 << 7,
    FSW_C0 = 1 << 8, FSW_C1 = 1 << 9, FSW_C2 = 1 << 10, FSW_TOP = 7 << 11,
    FSW_C3 = 1 << 14, FSW_B = 1 << 15,
    FSW_EXC = 0x3f,                              /* IE..PE */
    FSW_CC = FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3,  /* condition codes */
};

/* Memory operand kinds of loads, stores and arithmetic. */
typedef enum X87Kind {
    X87_M32FP, X87_M64FP, X87_M80FP,
    X87_M16INT, X87_M32INT, X87_M64INT,
    X87_M80BCD,
    X87_T16, X87_T32, X87_T64,   /* FISTTP: truncating integer stores */
    X87_REG,                     /* an ST(i) operand instead of memory */
    X87_CONST,                   /* FLD1..FLDZ */
    X87_NKINDS
} X87Kind;

/* How the lifter describes an operation to a helper (first argument):
 *   fld, fst:  kind | i << X87_CTL_I          (i: ST(i), or the X87_C_* constant)
 *   arith:     op | kind << 3 | i << X87_CTL_I | [X87_CTL_TO_SRC] | [X87_CTL_POP]
 *              (op: ModRM.reg of D8/DC; TO_SRC: ST(i) = ST(i) op ST(0))
 *   fcom:      kind | i << X87_CTL_I | [X87_CTL_UNORD] | pops * X87_CTL_POP
 *              | [X87_CTL_EFLAGS]  (FCOMI: result in ZF/PF/CF, returned) */
/* h_fst's result: nothing to store, nothing to pop (an unmasked
 * exception), in bit 48 of the upper half. */
#define X87_FST_SKIP (1ull << 48)

enum {
    X87_CTL_I = 8,
    X87_CTL_TO_SRC = 1 << 11,
    X87_CTL_UNORD = 1 << 11,
    X87_CTL_POP = 1 << 12,
    X87_CTL_EFLAGS = 1 << 14,
};

/* Image layouts of fstenv/fldenv (their argument): bit 0 the 16-bit (66h)
 * environment format, bit 1 the eight registers follow (FNSAVE/FRSTOR). */
enum { X87_ENV_16 = 1, X87_ENV_REGS = 2 };

/* The constants of D9 E8..EE, numbered by the low 3 bits of the opcode. */
enum { X87_C_1, X87_C_L2T, X87_C_L2E, X87_C_PI, X87_C_LG2, X87_C_LN2, X87_C_Z };

/* ---- x87_host.c: one guest operation on the host FPU ----
 *
 * Each primitive runs the instruction on the host x87 with the guest's
 * precision and rounding control cw (all exceptions masked, so the host
 * never traps and computes the masked response), starting from the guest's
 * condition codes in sw, and returns the host status word after it: the
 * exception flags it raised (bits 0..5) and C0..C3 as the instruction left
 * them.  Operands and results are raw 80-bit values, so the host sees
 * exactly the guest's bits (unnormals, pseudo-NaNs included). */

/* Arithmetic: op is ModRM.reg of D8/DC (0 add, 1 mul, 4 sub, 5 subr, 6 div,
 * 7 divr).  kind X87_REG: *res = a op *(F80 *)src (D8 form) or, with
 * to_src, *res = *(F80 *)src op a (DC form, ST(i) = ST(i) op ST(0)).
 * Memory kinds M32FP/M64FP/M16INT/M32INT: *res = a op mem. */
u16 x87_host_arith(unsigned op, X87Kind kind, bool to_src, F80 *res, const F80 *a, const void *src, u16 cw, u16 sw);
/* Compare a with src: FCOM (C0, C2, C3), or with X87_CMP_EFLAGS FCOMI
 * (ZF, PF, CF in *eflags, RFLAGS positions; register operands only);
 * X87_CMP_UNORDERED for FUCOM/FUCOMI.  kind: X87_REG, M32FP, M64FP, M16INT,
 * M32INT. */
enum { X87_CMP_UNORDERED = 1, X87_CMP_EFLAGS = 2 };
u16 x87_host_compare(X87Kind kind, unsigned how, const F80 *a, const void *src, u64 *eflags, u16 cw, u16 sw);
/* Convert memory (kinds M32FP..M80BCD) to 80 bits as FLD/FILD/FBLD do. */
u16 x87_host_load(X87Kind kind, F80 *res, const void *src, u16 cw, u16 sw);
/* One of FLD1 .. FLDZ (X87_C_*), rounded as the guest's RC says. */
u16 x87_host_const(unsigned which, F80 *res, u16 cw, u16 sw);
/* Convert a for memory (kinds M32FP, M64FP, M16INT..T64, M80BCD; not M80FP)
 * as FST/FIST/FISTTP/FBSTP do; dst receives 2..10 bytes. */
u16 x87_host_store(X87Kind kind, void *dst, const F80 *a, u16 cw, u16 sw);
/* Single-operand D9 Ex/Fx instructions (low 5 bits of the ModRM byte):
 * F2XM1, FSQRT, FRNDINT, FSIN, FCOS: *res = f(a); FTST, FXAM: flags only. */
u16 x87_host_unary(unsigned op, F80 *res, const F80 *a, u16 cw, u16 sw);
/* Two-operand ones on ST(0) = a, ST(1) = b: FSCALE, FPREM, FPREM1 (result
 * replaces ST(0)), FYL2X, FPATAN, FYL2XP1 (result replaces ST(1)). */
u16 x87_host_binary(unsigned op, F80 *res, const F80 *a, const F80 *b, u16 cw, u16 sw);
/* FPTAN, FSINCOS, FXTRACT: *res1 replaces ST(0), *res0 is pushed.  For
 * FPTAN/FSINCOS with C2 set (operand out of range) *res1 = a and nothing
 * is pushed. */
u16 x87_host_split(unsigned op, F80 *res0, F80 *res1, const F80 *a, u16 cw, u16 sw);

/* ---- x87_ops.c: stack access shared with x87_state.c ---- */

static inline F80 x87_phys(const X86Regs *r, unsigned p)
{
    F80 v = {0, 0};
    memcpy(&v.m, r->st[p & 7], 8);
    memcpy(&v.se, r->st[p & 7] + 8, 2);
    return v;
}

static inline void x87_set_phys(X86Regs *r, unsigned p, F80 v)
{
    memcpy(r->st[p & 7], &v.m, 8);
    memcpy(r->st[p & 7] + 8, &v.se, 2);
}

/* Recompute ES and B from the exception flags and masks. */
static inline void x87_update_es(X86Regs *r)
{
    if (r->fsw & ~r->fcw & FSW_EXC)
        r->fsw |= FSW_ES | FSW_B;
    else
        r->fsw &= (u16)~(FSW_ES | FSW_B);
}

/* The 2-bit tag of physical register p as FNSTENV reports it:
 * 0 valid, 1 zero, 2 special (NaN, infinity, denormal, unsupported), 3 empty. */
unsigned x87_tag_of(const X86Regs *r, unsigned p);
/* FNINIT: control word 037F, status, tags and pointers cleared (register
 * contents are kept, as the hardware keeps them). */
void x87_reset(X86Regs *r);

/* ---- the helpers (IrHelper objects defined in x87_ops.c / x87_state.c) ---- */

/* x87_ops.c */
#define X87_OPS_HELPERS(X)                                                   \
    X(fld, IRH_I_I, IRH_READS_STATE | IRH_WRITES_STATE, 3)                   \
    X(fst, IRH_V_I, IRH_READS_STATE, 1)                                      \
    X(fst_done, IRH_I_I, IRH_READS_STATE | IRH_WRITES_STATE, 2)              \
    X(fst_st, IRH_I_I, IRH_READS_STATE | IRH_WRITES_STATE, 2)                \
    X(arith, IRH_I_I, IRH_READS_STATE | IRH_WRITES_STATE, 2)                 \
    X(fcom, IRH_I_I, IRH_READS_STATE | IRH_WRITES_STATE, 2)                  \
    X(fxch, IRH_I_I, IRH_READS_STATE | IRH_WRITES_STATE, 1)                  \
    X(ffree, IRH_I_I, IRH_READS_STATE | IRH_WRITES_STATE, 2)                 \
    X(fcmov, IRH_I_I, IRH_READS_STATE | IRH_WRITES_STATE, 2)                 \
    X(special, IRH_I_I, IRH_READS_STATE | IRH_WRITES_STATE, 1)               \
    X(fldcw, IRH_I_I, IRH_READS_STATE | IRH_WRITES_STATE, 1)                 \
    X(fnclex, IRH_I_I, IRH_READS_STATE | IRH_WRITES_STATE, 0)                \
    X(fninit, IRH_I_I, IRH_READS_STATE | IRH_WRITES_STATE, 0)

/* x87_state.c: the staged images live in X86Regs.scratch, so even the
 * "save" helpers write state. */
#define X87_STATE_HELPERS(X)                                                 \
    X(fstenv, IRH_I_I, IRH_READS_STATE | IRH_WRITES_STATE, 1)                \
    X(fldenv, IRH_I_I, IRH_READS_STATE | IRH_WRITES_STATE, 1)                \
    X(fxsave, IRH_I_I, IRH_READS_STATE | IRH_WRITES_STATE, 1)                \
    X(fxrstor, IRH_I_I, IRH_READS_STATE | IRH_WRITES_STATE, 1)               \
    X(xsave, IRH_I_I, IRH_READS_STATE | IRH_WRITES_STATE, 2)                 \
    X(xrstor_check, IRH_I_I, IRH_READS_STATE, 1)                             \
    X(xrstor, IRH_I_I, IRH_READS_STATE | IRH_WRITES_STATE, 2)

#define X87_DEFINE_HELPER(id, sig_, flags_, nargs_)                          \
    const IrHelper x87_h_##id = {.name = "x87_" #id, .fn = (void *)h_##id, .sig = sig_, .flags = flags_, .nargs = nargs_};

#define X(name, sig, flags, nargs) extern const IrHelper x87_h_##name;
X87_OPS_HELPERS(X)
X87_STATE_HELPERS(X)
#undef X

/* The x87 and SSE state components XSAVE manages here (XCR0). */
#define X87_XCR0 3ull
/* Size of the standard-form XSAVE area for X87_XCR0 (x86.h). */
#define X87_XSAVE_SIZE ((u32)X86_XSAVE_SIZE)

#endif
