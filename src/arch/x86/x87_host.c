/*
 * x87_host.c — guest x87 operations executed by the host's own x87 FPU.
 *
 * Pipeline position: below the x87 helpers (x87_ops.c), which own the
 * register stack, tags and stack faults; these primitives only compute one
 * value (and its status flags) from raw 80-bit operands.
 *
 * Why the host FPU and not C or a soft-float library: the guest expects the
 * exact bits of an x87 — results rounded to the precision-control width
 * with the rounding-control mode, NaN propagation by the x87 rules, pseudo-
 * denormals and unnormals treated as the hardware treats them, and above
 * all FSIN/FCOS/FPTAN/FPATAN/F2XM1/FYL2X/FYL2XP1, whose results are those of
 * the hardware's microcode, not correctly rounded values any library
 * reproduces.  Running the same instruction on the same bits gives the same
 * answer.  Each primitive is one asm block: load the operands with FLD m80
 * (which never converts nor raises), run the guest's instruction, read the
 * status word, store the result with FSTP m80 (exact).
 *
 * THIS FILE IS x86-HOST-ONLY.  A portable build (WebAssembly, AArch64)
 * would need an 80-bit soft-float (e.g. Berkeley SoftFloat's extF80 with the
 * x87 precision-control rounding and NaN rules added), and for the
 * transcendental instructions an emulation of the x87 microcode's
 * algorithms; results would then differ in the last bit from real hardware
 * for some inputs.
 *
 * Host FPU discipline: the host x87 stack is empty between C statements
 * (SysV ABI), and ue's own code does not use the x87, so the host FPU's
 * control word and status word are left holding the guest's between
 * helpers: precision and rounding control with every exception masked (the
 * host must never trap, and the caller wants the masked response; OE and
 * UE are the exception, below), the guest's sticky exception flags and
 * condition codes, TOP 0, all registers empty.  (With OE or UE unmasked
 * the host is left unmasked the same way between helpers, so ue's own code
 * must not use the x87: an overflow there would leave an #MF pending.)
 * host_sync checks that with FNSTCW/FNSTSW before each operation
 * and reloads it (FLDENV) only when it differs — after FNCLEX, FLDENV or a
 * stack fault in the guest, when a signal handler reset the FPU, or when
 * ue itself used it.  That keeps FLDENV and FNCLEX (tens of nanoseconds
 * each) off the common path.  So whatever the instruction does to C0..C3 —
 * set, clear or keep, defined by the manual or not — happens to the guest's
 * values, and callers take all four, and the accumulated exception flags,
 * from the returned status word.  One exception: the FLD m80 that put the
 * operands on the host stack clear C1 (and keep C0, C2, C3), so an
 * instruction that leaves C1 alone would lose it — FCOMI's caller knows.
 *
 * Unmasked overflow and underflow: their unmasked response is a result of
 * a different value (the exact result's exponent wrapped by 24576, rounded
 * — SDM vol. 1 §8.5.4, §8.5.5), which only the hardware computes as the
 * hardware does.  So when the guest unmasks OE or UE, the host runs with
 * them unmasked too (every other exception stays masked: their unmasked
 * response is to change nothing, which the caller does).  The host must
 * never take the #MF that leaves pending, so in that mode it starts with
 * no exception flags and every asm block clears them (FNCLEX, `CLEAR`)
 * right after reading the status word, before any waiting instruction;
 * the status word returned then holds the flags this operation raised
 * rather than the accumulated ones (callers OR them in either way).  A
 * store to memory takes no action on an unmasked overflow (nothing
 * written, nothing popped), so x87_host_store pops what is left.
 */
#include "arch/x86/x87_priv.h"

#define HOST_CLOBBERS "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)", "memory"

/* The 28-byte protected-mode environment FLDENV loads. */
typedef struct HostEnv {
    u32 cw, sw, tw, ip, cs_op, dp, ds;
} HostEnv;

/* Make the host FPU run with the guest's control word cw (exceptions
 * masked but a guest-unmasked OE and UE) and the condition codes of its
 * status word sw, and its exception flags unless OE or UE is unmasked
 * (then none), with an empty stack at TOP 0; reload only if it does not
 * already.  Returns the unmasked mode's flag for the asm blocks (CLEAR). */
static inline u8 host_sync(u16 cw, u16 sw)
{
    u16 hcw, hsw;
    u16 unmasked = (u16)(~cw & (FSW_OE | FSW_UE));
    u16 want_cw = (u16)(((cw & 0x1f00) | 0x7f) & ~unmasked); /* as FNSTCW reads it back */
    u16 keep = FSW_EXC | FSW_CC, want_sw = (u16)(sw & (unmasked ? FSW_CC : keep));
    __asm__ volatile("fnstcw %0\n\tfnstsw %1" : "=m"(hcw), "=m"(hsw));
    if (UE_LIKELY(hcw == want_cw && (hsw & (keep | FSW_TOP)) == want_sw))
        return unmasked != 0;
    HostEnv env = {0xffff0000u | want_cw, 0xffff0000u | want_sw, 0xffffffffu, 0, 0, 0, 0xffff0000u};
    __asm__ volatile("fldenv %0" : : "m"(env) : "memory");
    return unmasked != 0;
}

/* After FNSTSW in every asm block: in the unmasked mode, clear the flags
 * (and ES) before the next waiting instruction. */
#define CLEAR "cmpb $0, %[um]\n\tje 9f\n\tfnclex\n9:\n\t"


/* The largest memory operand: 10 bytes (m80, BCD). */
typedef struct Mem80 {
    u8 b[10];
} Mem80;

/* ---- arithmetic ---- */

/* ST(0) op ST(1) on the host, with the guest's encoding (D8 C1+8*op:
 * ST(0) = ST(0) op ST(1); DC C1+8*op: ST(1) = ST(1) op ST(0)), so operand
 * order and NaN selection are the hardware's.  The encodings are emitted as
 * bytes because AT&T mnemonics swap FSUB/FSUBR (FDIV/FDIVR) in the
 * ST(i)-destination forms. */
#define ARITH_REG(opc, op, pop_first)                                           \
    __asm__ volatile("fldt %[b]\n\tfldt %[a]\n\t.byte " #opc ", 0xc1 + 8 * " #op "\n\t" \
                     "fnstsw %[sw]\n\t" CLEAR pop_first "\n\tfstpt %[r]\n\t"          \
                     "fstp %%st(0)"                                  \
                     : [sw] "=m"(sw), [r] "=m"(*res)         \
                     : [a] "m"(*a), [b] "m"(*(const F80 *)src), [um] "m"(um)    \
                     : HOST_CLOBBERS)
/* D8 form: the result is ST(0); DC form: exchange first so ST(0) is it. */
#define ARITH_D8(op) ARITH_REG(0xd8, op, "")
#define ARITH_DC(op) ARITH_REG(0xdc, op, "fxch %%st(1)")

/* ST(0) op memory. */
#define ARITH_MEM(insn)                                                         \
    __asm__ volatile("fldt %[a]\n\t" insn " %[m]\n\tfnstsw %[sw]\n\t" CLEAR "fstpt %[r]" \
                     : [sw] "=m"(sw), [r] "=m"(*res)         \
                     : [a] "m"(*a), [m] "m"(*(const Mem80 *)src), [um] "m"(um)  \
                     : HOST_CLOBBERS)

#define ARITH_CASES(key, MAC, p, s)                                            \
    case (key) * 8 + 0: MAC(p "add" s); break;                                 \
    case (key) * 8 + 1: MAC(p "mul" s); break;                                 \
    case (key) * 8 + 4: MAC(p "sub" s); break;                                 \
    case (key) * 8 + 5: MAC(p "subr" s); break;                                \
    case (key) * 8 + 6: MAC(p "div" s); break;                                 \
    case (key) * 8 + 7: MAC(p "divr" s); break;

#define ARITH_REG_CASES(key, MAC)                                              \
    case (key) * 8 + 0: MAC(0); break;                                         \
    case (key) * 8 + 1: MAC(1); break;                                         \
    case (key) * 8 + 4: MAC(4); break;                                         \
    case (key) * 8 + 5: MAC(5); break;                                         \
    case (key) * 8 + 6: MAC(6); break;                                         \
    case (key) * 8 + 7: MAC(7); break;

/* Keys of the arithmetic forms in the switch below. */
enum { K_D8, K_DC, K_M32FP, K_M64FP, K_M16INT, K_M32INT };

static int arith_key(X87Kind kind, bool to_src)
{
    switch (kind) {
    case X87_REG: return to_src ? K_DC : K_D8;
    case X87_M32FP: return K_M32FP;
    case X87_M64FP: return K_M64FP;
    case X87_M16INT: return K_M16INT;
    case X87_M32INT: return K_M32INT;
    default: ue_panic("x87: bad arithmetic operand kind %d", kind);
    }
}

u16 x87_host_arith(unsigned op, X87Kind kind, bool to_src, F80 *res, const F80 *a, const void *src, u16 cw, u16 gsw)
{
    u16 sw = 0;
    u8 um = host_sync(cw, gsw);
    switch (arith_key(kind, to_src) * 8 + (int)op) {
    ARITH_REG_CASES(K_D8, ARITH_D8)
    ARITH_REG_CASES(K_DC, ARITH_DC)
    ARITH_CASES(K_M32FP, ARITH_MEM, "f", "s")
    ARITH_CASES(K_M64FP, ARITH_MEM, "f", "l")
    ARITH_CASES(K_M16INT, ARITH_MEM, "fi", "s")
    ARITH_CASES(K_M32INT, ARITH_MEM, "fi", "l")
    default: ue_panic("x87: bad arithmetic op %u", op);
    }
    return sw;
}

/* ---- compares ---- */

#define COMPARE_REG(insn)                                                       \
    __asm__ volatile("fldt %[b]\n\tfldt %[a]\n\t" insn " %%st(1)\n\tfnstsw %[sw]\n\t" CLEAR \
                     "fstp %%st(0)\n\tfstp %%st(0)"                  \
                     : [sw] "=m"(sw)                         \
                     : [a] "m"(*a), [b] "m"(*(const F80 *)src), [um] "m"(um)  \
                     : HOST_CLOBBERS)
#define COMPARE_MEM(insn)                                                       \
    __asm__ volatile("fldt %[a]\n\t" insn " %[m]\n\tfnstsw %[sw]\n\t" CLEAR "fstp %%st(0)" \
                     : [sw] "=m"(sw)                         \
                     : [a] "m"(*a), [m] "m"(*(const Mem80 *)src), [um] "m"(um) \
                     : HOST_CLOBBERS)
/* FCOMI/FUCOMI: ZF, PF, CF captured right after. */
#define COMPARE_EFL(insn)                                                       \
    __asm__ volatile("fldt %[b]\n\tfldt %[a]\n\t" insn " %%st(1), %%st\n\t"   \
                     "setz %[zf]\n\tsetp %[pf]\n\tsetc %[cf]\n\tfnstsw %[sw]\n\t" CLEAR     \
                     "fstp %%st(0)\n\tfstp %%st(0)"                  \
                     : [sw] "=m"(sw), [zf] "=m"(zf), [pf] "=m"(pf), [cf] "=m"(cf) \
                     : [a] "m"(*a), [b] "m"(*(const F80 *)src), [um] "m"(um)  \
                     : HOST_CLOBBERS, "cc")

u16 x87_host_compare(X87Kind kind, unsigned how, const F80 *a, const void *src, u64 *eflags, u16 cw, u16 gsw)
{
    u16 sw = 0;
    u8 zf = 0, pf = 0, cf = 0;
    u8 um = host_sync(cw, gsw);
    switch (kind) {
    case X87_REG:
        if (how & X87_CMP_EFLAGS) {
            if (how & X87_CMP_UNORDERED)
                COMPARE_EFL("fucomi");
            else
                COMPARE_EFL("fcomi");
        } else {
            if (how & X87_CMP_UNORDERED)
                COMPARE_REG("fucom");
            else
                COMPARE_REG("fcom");
        }
        break;
    case X87_M32FP: COMPARE_MEM("fcoms"); break;
    case X87_M64FP: COMPARE_MEM("fcoml"); break;
    case X87_M16INT: COMPARE_MEM("ficoms"); break;
    case X87_M32INT: COMPARE_MEM("ficoml"); break;
    default: ue_panic("x87: bad compare operand kind %d", kind);
    }
    *eflags = (zf ? X86_ZF : 0) | (pf ? X86_PF : 0) | (cf ? X86_CF : 0);
    return sw;
}

/* ---- loads and stores ---- */

#define LOAD_MEM(insn)                                                          \
    __asm__ volatile(insn " %[m]\n\tfnstsw %[sw]\n\t" CLEAR "fstpt %[r]" \
                     : [sw] "=m"(sw), [r] "=m"(*res)         \
                     : [m] "m"(*(const Mem80 *)src), [um] "m"(um)             \
                     : HOST_CLOBBERS)

u16 x87_host_load(X87Kind kind, F80 *res, const void *src, u16 cw, u16 gsw)
{
    u16 sw = 0;
    u8 um = host_sync(cw, gsw);
    switch (kind) {
    case X87_M32FP: LOAD_MEM("flds"); break;
    case X87_M64FP: LOAD_MEM("fldl"); break;
    case X87_M80FP: LOAD_MEM("fldt"); break;
    case X87_M16INT: LOAD_MEM("filds"); break;
    case X87_M32INT: LOAD_MEM("fildl"); break;
    case X87_M64INT: LOAD_MEM("fildll"); break;
    case X87_M80BCD: LOAD_MEM("fbld"); break;
    default: ue_panic("x87: bad load kind %d", kind);
    }
    return sw;
}

#define LOAD_CONST(insn)                                                        \
    __asm__ volatile(insn "\n\tfnstsw %[sw]\n\t" CLEAR "fstpt %[r]" \
                     : [sw] "=m"(sw), [r] "=m"(*res)         \
                     : [um] "m"(um)                                 \
                     : HOST_CLOBBERS)

u16 x87_host_const(unsigned which, F80 *res, u16 cw, u16 gsw)
{
    u16 sw = 0;
    u8 um = host_sync(cw, gsw);
    switch (which) {
    case X87_C_1: LOAD_CONST("fld1"); break;
    case X87_C_L2T: LOAD_CONST("fldl2t"); break;
    case X87_C_L2E: LOAD_CONST("fldl2e"); break;
    case X87_C_PI: LOAD_CONST("fldpi"); break;
    case X87_C_LG2: LOAD_CONST("fldlg2"); break;
    case X87_C_LN2: LOAD_CONST("fldln2"); break;
    case X87_C_Z: LOAD_CONST("fldz"); break;
    default: ue_panic("x87: bad constant %u", which);
    }
    return sw;
}

/* The popping form of each store, so every one leaves the host stack
 * empty; popping does not change the flags the store set. */
#define STORE_MEM(insn)                                                         \
    __asm__ volatile("fldt %[a]\n\t" insn " %[m]\n\tfnstsw %[sw]\n\t" CLEAR \
                     : [sw] "=m"(sw), [m] "=m"(*(Mem80 *)dst) \
                     : [a] "m"(*a), [um] "m"(um)                  \
                     : HOST_CLOBBERS)

u16 x87_host_store(X87Kind kind, void *dst, const F80 *a, u16 cw, u16 gsw)
{
    u16 sw = 0;
    u8 um = host_sync(cw, gsw);
    switch (kind) {
    case X87_M32FP: STORE_MEM("fstps"); break;
    case X87_M64FP: STORE_MEM("fstpl"); break;
    case X87_M16INT: STORE_MEM("fistps"); break;
    case X87_M32INT: STORE_MEM("fistpl"); break;
    case X87_M64INT: STORE_MEM("fistpll"); break;
    case X87_M80BCD: STORE_MEM("fbstp"); break;
    case X87_T16: STORE_MEM("fisttps"); break;
    case X87_T32: STORE_MEM("fisttpl"); break;
    case X87_T64: STORE_MEM("fisttpll"); break;
    default: ue_panic("x87: bad store kind %d", kind);
    }
    if (um && (sw & FSW_TOP)) /* an unmasked overflow: not stored, not popped */
        __asm__ volatile("fstp %%st(0)" : : : HOST_CLOBBERS);
    return sw;
}

/* ---- D9 E0..FF: the rest of the instruction set ---- */

#define UNARY(insn)                                                             \
    __asm__ volatile("fldt %[a]\n\t" insn "\n\tfnstsw %[sw]\n\t" CLEAR "fstpt %[r]" \
                     : [sw] "=m"(sw), [r] "=m"(*res)         \
                     : [a] "m"(*a), [um] "m"(um)                  \
                     : HOST_CLOBBERS)

u16 x87_host_unary(unsigned op, F80 *res, const F80 *a, u16 cw, u16 gsw)
{
    u16 sw = 0;
    u8 um = host_sync(cw, gsw);
    switch (op) {
    case 0x04: UNARY("ftst"); break;
    case 0x05: UNARY("fxam"); break;
    case 0x10: UNARY("f2xm1"); break;
    case 0x1a: UNARY("fsqrt"); break;
    case 0x1c: UNARY("frndint"); break;
    case 0x1e: UNARY("fsin"); break;
    case 0x1f: UNARY("fcos"); break;
    default: ue_panic("x87: bad unary op %#x", op);
    }
    return sw;
}

/* ST(0) = a, ST(1) = b.  keep: the instruction leaves both registers (the
 * result is ST(0), then ST(1) is dropped) or pops (the result is ST(0)). */
#define BINARY(insn, after)                                                     \
    __asm__ volatile("fldt %[b]\n\tfldt %[a]\n\t" insn "\n\tfnstsw %[sw]\n\t" CLEAR "fstpt %[r]" after \
                     : [sw] "=m"(sw), [r] "=m"(*res)         \
                     : [a] "m"(*a), [b] "m"(*b), [um] "m"(um)                   \
                     : HOST_CLOBBERS)
#define BINARY_KEEP(insn) BINARY(insn, "\n\tfstp %%st(0)")
#define BINARY_POP(insn) BINARY(insn, "")

u16 x87_host_binary(unsigned op, F80 *res, const F80 *a, const F80 *b, u16 cw, u16 gsw)
{
    u16 sw = 0;
    u8 um = host_sync(cw, gsw);
    switch (op) {
    case 0x11: BINARY_POP("fyl2x"); break;
    case 0x13: BINARY_POP("fpatan"); break;
    case 0x15: BINARY_KEEP("fprem1"); break;
    case 0x18: BINARY_KEEP("fprem"); break;
    case 0x19: BINARY_POP("fyl2xp1"); break;
    case 0x1d: BINARY_KEEP("fscale"); break;
    default: ue_panic("x87: bad binary op %#x", op);
    }
    return sw;
}

/* FPTAN and FSINCOS push only when C2 is clear; the asm looks at the status
 * word it just stored to know how many values to take off the host stack. */
#define SPLIT(insn, test_c2)                                                    \
    __asm__ volatile("fldt %[a]\n\t" insn "\n\tfnstsw %[sw]\n\t" CLEAR \
                     test_c2 "fstpt %[r0]\n1:\n\tfstpt %[r1]"        \
                     : [sw] "=m"(sw), [r0] "=m"(*res0), [r1] "=m"(*res1) \
                     : [a] "m"(*a), [um] "m"(um)                  \
                     : HOST_CLOBBERS)
#define IF_C2_SKIP "testw $0x400, %[sw]\n\tjnz 1f\n\t"

u16 x87_host_split(unsigned op, F80 *res0, F80 *res1, const F80 *a, u16 cw, u16 gsw)
{
    u16 sw = 0;
    u8 um = host_sync(cw, gsw);
    switch (op) {
    case 0x12: SPLIT("fptan", IF_C2_SKIP); break;
    case 0x14: SPLIT("fxtract", ""); break;
    case 0x1b: SPLIT("fsincos", IF_C2_SKIP); break;
    default: ue_panic("x87: bad split op %#x", op);
    }
    return sw;
}
